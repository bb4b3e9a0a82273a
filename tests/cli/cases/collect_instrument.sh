# instrument add, list, show; a re-added file is unchanged, a changed one a
# new version; every bad dictionary is refused with file and line, and the
# store is left exactly as it was.
use_store attune.db
run collect init >/dev/null

run collect instrument add instruments/client_post_session.csv
run collect instrument add instruments/client_post_session.csv
sed 's/was on my side\./was on my side and listened./' instruments/client_post_session.csv >changed.csv
run collect instrument add changed.csv
echo "# one file, two forms; a signature field is left out with a warning"
run collect instrument add data/two_forms.csv
sql "SELECT name, version, length(sha256) FROM instruments ORDER BY name, version"

echo "# list (added_at left out: it is the time of the run)"
collect instrument list >list.csv; echo "exit $?"
cut -d, -f1,2,5 list.csv
run collect instrument list -o list2.csv
echo "list2.csv: mode $(stat -c %a list2.csv), $(cmp -s list.csv list2.csv && echo "the same as" || echo "NOT the same as") standard output"
echo "sha256 of the stored text matches the list: $(query "SELECT sha256 FROM instruments WHERE name = 'checkin'" | grep -c "$(grep '^checkin,' list.csv | cut -d, -f3)")"
echo "added_at looks like a UTC time: $(cut -d, -f4 list.csv | tail -n +2 | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$') of 4"

run collect instrument show client_post_session
run collect instrument show client_post_session --version 1
run collect instrument show checkin
run collect instrument show consent
run collect instrument show client_post_session --version 3
run collect instrument show nosuch

echo "# bad dictionaries"
before=$(store_fingerprint attune.db)
for f in data/bad/dict_*.csv; do
  run collect instrument add "$f"
done
run collect instrument add data/no_such_file.csv
printf '' >empty.csv
run collect instrument add empty.csv
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
sql "SELECT count(*) FROM instruments"

echo "# branching on another form's field: the form left out, as the message says, the others load"
grep -v ',weekly,' data/bad/dict_cross_form.csv >cross_left_out.csv
use_store cross.db
setup collect init
run collect instrument add cross_left_out.csv
use_store attune.db

echo "# a record identifier with another name (--record-id) is kept as such when read back"
sed -e 's/^record_id,checkin/study_id,pulse/' -e 's/^\([a-z_]*\),checkin,/\1,pulse,/' data/two_forms.csv | grep -v ',consent,' >study_id.csv
echo "# without --record-id, the first field would be asked: a warning says so"
use_store warned.db
setup collect init
run collect instrument add study_id.csv
use_store attune.db
run collect instrument add study_id.csv --record-id study_id
run collect instrument show pulse
sql "SELECT name, record_id FROM instruments WHERE name IN ('pulse', 'checkin') ORDER BY name"

echo "# a slider without validation min/max shows its default 0-100 range"
run collect instrument add data/dict/old17.csv --record-id client_code
run collect instrument show wellbeing
run collect client add W1
feed '2\n40\ny\n' collect run wellbeing --client W1 --quiet
echo "# a name finds NAME.csv in the current folder before the shipped instrument"
sed 's/in this session?/in this session as you saw it?/' instruments/observer_session_rating.csv >observer_session_rating.csv
run collect instrument add observer_session_rating
collect instrument export observer_session_rating | grep -c "as you saw it"
rm observer_session_rating.csv
echo "# the shipped files, the forms they hold (srs_template holds srs) and"
echo "# whether a form is a template; a file's name where a form's is wanted says"
echo "# which form to name"
collect instrument shipped | cut -d, -f1-3
run collect instrument add srs_template
run collect export srs_template
run collect export srs
