# REDCap projects in and out (tests/data/redcap: dictionaries and exports
# written as REDCap's "Export Data" writes them, raw, variable names as
# headers): a repeating instrument, a longitudinal project with two arms, a
# survey, and fields named date, client and session.  Each is imported,
# exported in REDCap's layout and compared with the input cell by cell.
R=data/redcap
# new_study DB DICT: a new study DB (use_store) with the instruments of DICT
new_study() {
  use_store "$1"
  setup collect init
  setup collect instrument add "$2"
}

echo "== a project with a repeating instrument (weekly) beside a plain one (intake)"
setup collect init
run collect instrument add $R/repeat_dict.csv
run collect import weekly $R/repeat_export.csv --format redcap --therapist-field clinician \
  --date-field weekly_date
sql "SELECT c.code, s.number, quote(s.date), t.code, a.status FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     LEFT JOIN therapists t ON t.id = s.therapist_id ORDER BY c.code, s.number" \
  "SELECT c.code, s.number, quote_nullable(s.date), t.code, a.status FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     LEFT JOIN therapists t ON t.id = s.therapist_id ORDER BY c.code, s.number"
run collect import intake $R/repeat_export.csv --format redcap
sql "SELECT c.code, s.number, r.field, r.value FROM responses r
     JOIN administrations a ON a.id = r.administration_id JOIN instruments i ON i.id = a.instrument_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     WHERE i.name = 'intake' ORDER BY c.code, r.field"
run collect export weekly --format redcap --include-free-text -o weekly.csv
cols=weekly_date,clinician,bond,goal,rupture,kind___1,kind___2,what
csv_cells --key record_id,redcap_repeat_instance --only $cols $R/repeat_export.csv >in.cells
csv_cells --key record_id,redcap_repeat_instance --only $cols weekly.csv >out.cells
echo "answer cells in the input: $(wc -l <in.cells); out: $(wc -l <out.cells)"
diff in.cells out.cells && echo "every answer cell is the same"
echo "# the session date and therapist travel in attune_date and attune_therapist:"
csv_cells --key record_id,redcap_repeat_instance --only attune_date,attune_therapist weekly.csv
echo "# form status: 2 stays 2; 1 (unverified) and 0 are partial, written 0:"
csv_cells --key record_id,redcap_repeat_instance --only weekly_complete weekly.csv
echo "# free text (notes, text without a validation) stays out by default:"
collect export weekly --format redcap | head -1
echo "# attune's REDCap file comes back in as it went out (attune_date, attune_therapist read)"
new_study again.db $R/repeat_dict.csv
run collect import weekly weekly.csv --format redcap
collect export weekly --format redcap --include-free-text | cmp - weekly.csv && echo "weekly.csv again: same bytes"
use_store attune.db
run collect instrument export weekly -o weekly_dict.csv
echo "the stored dictionary of a two-form file: $(head -1 weekly_dict.csv | cut -c1-40)..., $(wc -l <weekly_dict.csv) lines"

echo "== a longitudinal project with two arms; fields named date, client and session"
use_store long.db
setup collect init
run collect instrument add $R/long_dict.csv
run collect instrument export visit -o visit.csv
cmp visit.csv $R/long_dict.csv && echo "instrument export gives the added file byte for byte"
echo "# with the two fields that carry the session date and therapist, for REDCap to import first"
collect instrument export visit --session-fields | tail -3
run collect instrument export visit --version 2
echo "# that dictionary, taken back from REDCap, is a version whose answers go out the same way"
collect instrument export visit --session-fields -o visit_rc_dict.csv
rcdict=$(store rcdict.db)
ATTUNE_DB=$rcdict setup collect init
ATTUNE_DB=$rcdict setup collect instrument add visit_rc_dict.csv
ATTUNE_DB=$rcdict collect instrument export visit --session-fields | cmp - visit_rc_dict.csv &&
  echo "the fields are not added twice"
ATTUNE_DB=$rcdict run collect import visit $R/long_export.csv --format redcap --date-field date
ATTUNE_DB=$rcdict collect export visit --format redcap | head -3
run collect import visit $R/long_export.csv --format redcap --date-field date --dry-run
before=$(store_fingerprint long.db)
run collect import visit $R/long_export.csv --format redcap --date-field date --events baseline
echo "store unchanged: $([ "$(store_fingerprint long.db)" = "$before" ] && echo yes || echo NO)"
run collect import visit $R/long_export.csv --format redcap --date-field date \
  --events baseline,week_1,week_2
sql "SELECT c.code, s.number, s.date, a.status FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     ORDER BY c.code, s.number"
run collect export visit --include-identifiers -o wide.csv
head -1 wide.csv
new_study long2.db $R/long_dict.csv
run collect import visit wide.csv
collect export visit --include-identifiers | cmp - wide.csv && echo "wide export, import, export: same bytes"
use_store long.db
run collect export visit --format redcap --include-identifiers -o visit_rc.csv
cols=date,client,session,tension,mrn
csv_cells --key record_id,redcap_event_name --only $cols $R/long_export.csv |
  sed -E 's#/(baseline)_arm_[0-9]#/1#; s#/(week_1)_arm_[0-9]#/2#' >in.cells
csv_cells --key record_id,redcap_repeat_instance --only $cols visit_rc.csv >out.cells
echo "answer cells in the input: $(wc -l <in.cells); out: $(wc -l <out.cells)"
diff in.cells out.cells && echo "every answer cell is the same (events as sessions)"

echo "== a survey project: one administration per record"
use_store survey.db
setup collect init
run collect instrument add $R/survey_dict.csv
run collect import srs $R/survey_export.csv --format redcap --events a,b
run collect import srs $R/survey_export.csv --format redcap --session 4
sql "SELECT c.code, s.number, quote(s.date), a.status FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id ORDER BY c.code" \
  "SELECT c.code, s.number, quote_nullable(s.date), a.status FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id ORDER BY c.code"
run collect export srs --format redcap --include-free-text -o srs.csv
cols=relation,approach,comment
csv_cells --key record_id --only $cols $R/survey_export.csv >in.cells
csv_cells --key record_id --only $cols srs.csv >out.cells
diff in.cells out.cells && echo "every answer cell is the same"
echo "# REDCap lets a form be marked complete with a required answer blank: such a"
echo "# record comes in as partial, with a warning; a bad cell beside it still refuses"
new_study survey_blank.db $R/survey_dict.csv
# S01: approach (required) blank; S02: both required blank; S03 whole
sed '2s/,8,9,17,/,8,,8,/; 3s/,6,7,12,/,,,,/' $R/survey_export.csv >blank.csv
run collect import srs blank.csv --format redcap
sql "SELECT c.code, a.status, count(r.field) FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     LEFT JOIN responses r ON r.administration_id = a.id GROUP BY c.code, a.status ORDER BY c.code"
sql "SELECT c.code, r.field, r.value FROM responses r
     JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     ORDER BY c.code, r.field"
new_study survey_bad.db $R/survey_dict.csv
sed '2s/,8,9,17,/,8,,8,/; 3s/,6,7,12,/,6,eleven,,/' $R/survey_export.csv >blank_bad.csv
run collect import srs blank_bad.csv --format redcap
sql "SELECT count(*) FROM administrations"

echo "== a longitudinal project with a client and a therapist form; some events leave a form empty"
# REDCap writes 0 in every checkbox column and in <form>_complete of a form
# nobody filled in: such a row is no administration, and its event still
# counts, so both forms number the events alike.
# visits STORE EXPORT: both forms of events_dict.csv imported from EXPORT
# into a fresh STORE, then each administration's form, client, session
# and status
visits() {
  use_store "$1"
  setup collect init
  run collect instrument add $R/events_dict.csv
  run collect import client_visit "$2" --format redcap
  run collect import therapist_visit "$2" --format redcap
  sql "SELECT i.name, c.code, s.number, a.status FROM administrations a
     JOIN instruments i ON i.id = a.instrument_id JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id ORDER BY i.name, c.code, s.number"
}
visits events.db $R/events_export.csv

echo "# a first record without week 1: week 1 first appears after week 2, so the"
echo "# order events first appear in would number it after week 2; the second"
echo "# record shows the true order, so the import stops and asks for --events"
new_study misordered.db $R/events_dict.csv
{ awk -F, '$1 != "E01" || $2 != "week_1_arm_1"' $R/events_export.csv
  echo "E02,week_2_arm_1,3,0,0,0,2,,0,0,0"; } >misordered.csv
run collect import client_visit misordered.csv --format redcap
run collect import client_visit misordered.csv --format redcap --events baseline,week_1,week_2,week_3
sql "SELECT c.code, s.number FROM sessions s JOIN clients c ON c.id = s.client_id ORDER BY 1, 2"
echo "# the same forms in a repeating event: each instance is a session"
visits repeat_event.db $R/repeat_event_export.csv

echo "# a repeating form at two events of a record, and once more at a later"
echo "# event that does not repeat: the sessions go on through the record's"
echo "# events (P01: phase 1 gives 1-2, phase 2's instances 1 and 3 are 3 and 5,"
echo "# the follow-up 6); P02 has the form at phase 2 only, so 1-2"
new_study spread.db $R/repeat_dict.csv
cat >spread.csv <<'CSV'
record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,age,referral,intake_complete,weekly_date,clinician,bond,goal,score,rupture,kind___1,kind___2,what,weekly_complete
P01,intake_arm_1,,,34,GP,2,,,,,,,,,,
P01,phase1_arm_1,weekly,1,,,,2026-02-02,T07,4,5,4.5,0,0,0,,2
P01,phase1_arm_1,weekly,2,,,,2026-02-09,T07,2,3,2.5,1,1,0,,2
P01,phase2_arm_1,weekly,1,,,,2026-03-02,T07,4,4,4.0,0,0,0,,2
P01,phase2_arm_1,weekly,3,,,,2026-03-16,T07,3,4,3.5,0,0,0,,2
P01,followup_arm_1,,,,,,2026-06-01,T07,5,5,5.0,0,0,0,,2
P02,intake_arm_1,,,41,self,2,,,,,,,,,,
P02,phase2_arm_1,weekly,1,,,,2026-03-03,T07,3,3,3.0,0,0,0,,2
P02,phase2_arm_1,weekly,2,,,,2026-03-10,T07,2,2,2.0,1,0,1,,2
CSV
run collect import weekly spread.csv --format redcap --therapist-field clinician \
  --date-field weekly_date
sql "SELECT c.code, s.number, s.date, r.value FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     JOIN responses r ON r.administration_id = a.id AND r.field = 'bond'
     ORDER BY c.code, s.number"
echo "# imported again with --replace: the same sessions, nothing changed"
run collect import weekly spread.csv --format redcap --therapist-field clinician \
  --date-field weekly_date --replace
echo "# a --date-field that is a date field of the form and holds no date: one problem"
sed 's/2026-02-09/2026-02-30/' spread.csv >baddate.csv
run collect import weekly baddate.csv --format redcap --therapist-field clinician \
  --date-field weekly_date --replace --dry-run

echo "== events out of their first-seen order matter only to a form numbered by them"
# Q02 has consent before screen, which the first record lacks, so numbered
# in the order events first appear consent would follow screen.  weekly
# repeats at therapy: numbered by its instances, it comes in whatever the
# events' order; intake is at screen and consent, numbered by its events,
# so it is refused, in A on its own row, in B on a row without intake
# after Q01's intake row, in C once Q03's intake row comes after it.
new_study order.db $R/repeat_dict.csv
cat >order_a.csv <<'CSV'
record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,age,referral,intake_complete,weekly_date,clinician,bond,goal,score,rupture,kind___1,kind___2,what,weekly_complete
Q01,screen_arm_1,,,34,GP,2,,,,,,,,,,
Q01,therapy_arm_1,weekly,1,,,,2026-04-06,T07,4,5,4.5,0,0,0,,2
Q01,therapy_arm_1,weekly,2,,,,2026-04-13,T07,3,4,3.5,0,0,0,,2
Q02,consent_arm_1,,,41,self,2,,,,,,,,,,
Q02,screen_arm_1,,,41,self,1,,,,,,,,,,
Q02,therapy_arm_1,weekly,1,,,,2026-04-07,T08,2,2,2.0,1,1,0,,2
Q02,therapy_arm_1,weekly,2,,,,2026-04-14,T08,4,4,4.0,0,0,0,,2
CSV
sed '5,6s/,41,self,[12],/,,,0,/' order_a.csv >order_b.csv
{ sed '2s/,34,GP,2,/,,,0,/' order_b.csv; echo "Q03,screen_arm_1,,,29,GP,2,,,,,,,,,,"; } >order_c.csv
for f in order_a order_b order_c; do
  run collect import weekly $f.csv --format redcap --therapist-field clinician \
    --date-field weekly_date --dry-run
done
run collect import weekly order_a.csv --format redcap --therapist-field clinician \
  --date-field weekly_date
sql "SELECT c.code, s.number, s.date, r.value FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     JOIN responses r ON r.administration_id = a.id AND r.field = 'bond'
     ORDER BY c.code, s.number"
for f in order_a order_b order_c; do
  run collect import intake $f.csv --format redcap
done
run collect import intake order_a.csv --format redcap --events consent,screen,therapy
sql "SELECT c.code, s.number, i.name FROM administrations a
     JOIN instruments i ON i.id = a.instrument_id JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id ORDER BY c.code, s.number, i.name"

echo "== problems: named by file, line and column; nothing is kept"
use_store attune.db
before=$(store_fingerprint attune.db)
sed '3s/,4,5,4.5,/,4,7,4.5,/; 4s/,1,1,0,/,1,1,x,/' $R/repeat_export.csv >bad.csv
run collect import weekly bad.csv --format redcap --replace
sed 's/^P02,weekly,1,/P02,weekly,one,/; s/,0,0,0,,1$/,0,0,0,,3/' $R/repeat_export.csv >bad2.csv
run collect import weekly bad2.csv --format redcap --replace
run collect import weekly $R/repeat_export.csv --format redcap --record-id patient
run collect import weekly $R/repeat_export.csv --format redcap --date-field when
echo "# REDCap's export of labels (field labels as headers, choice labels as values)"
cat >labels.csv <<'EOF'
Record ID,Repeat Instrument,Repeat Instance,Date of the session,Therapist code,I felt understood,We worked on what matters to me,Was there a moment of strain?,What kind? (choice=Withdrawal),What kind? (choice=Confrontation),Complete?
P01,Weekly,1,2026-02-02,T07,Quite,Very,No,Unchecked,Unchecked,Complete
EOF
run collect import weekly labels.csv --format redcap
echo "# ... also when a label is a field's name too (its header cell then reads as that field)"
sed '1s/I felt understood/Bond/' labels.csv >labels2.csv
run collect import weekly labels2.csv --format redcap --record-id "Record ID"
echo "# a column of one of the form's checkboxes, with a code the checkbox does not have"
sed '1s/$/,kind___3/; 2,$s/$/,1/' $R/repeat_export.csv >stray.csv
run collect import weekly stray.csv --format redcap --replace
echo "store unchanged: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
run collect import weekly $R/repeat_export.csv --format wide
run collect import weekly $R/repeat_export.csv --session 2
run collect import weekly $R/repeat_export.csv --format redcap --events a --session 2
run collect import weekly $R/repeat_export.csv --format csv

echo "== a --date-field of the form is read as its validation reads it (date_mdy)"
use_store mdy.db
setup collect init
sed 's/,date_ymd,/,date_mdy,/' $R/repeat_dict.csv >mdy_dict.csv
setup collect instrument add mdy_dict.csv
sed -E 's#,2026-([0-9]{2})-([0-9]{2}),#,\1/\2/2026,#' $R/repeat_export.csv >mdy.csv
grep -c '/2026,' mdy.csv
run collect import weekly mdy.csv --format redcap --therapist-field clinician --date-field weekly_date
sql "SELECT c.code, s.number, s.date FROM sessions s JOIN clients c ON c.id = s.client_id
     ORDER BY c.code, s.number LIMIT 3"

echo "== one rater's answers (export --rater) come back as that rater's (import --rater)"
new_study rater.db instruments/therapist_post_session.csv
setup collect import therapist_post_session examples/sample/therapist_post_session.csv
run collect export therapist_post_session --format redcap --rater therapist -o ther.csv
new_study rater2.db instruments/therapist_post_session.csv
run collect import therapist_post_session ther.csv --format redcap --rater therapist
sql "SELECT rater, quote(rater_code), count(*) FROM administrations GROUP BY 1, 2" \
  "SELECT rater, quote_nullable(rater_code), count(*) FROM administrations GROUP BY 1, 2"
collect export therapist_post_session --format redcap --rater therapist | cmp - ther.csv &&
  echo "ther.csv again: same bytes"
new_study rater3.db instruments/therapist_post_session.csv
run collect import therapist_post_session ther.csv --format redcap --rater observer --rater-code OBS-1
sql "SELECT rater, rater_code, count(*) FROM administrations GROUP BY 1, 2"
run collect import therapist_post_session ther.csv --format redcap --rater-code OBS-1
run collect import therapist_post_session ther.csv --format redcap --rater supervisor
run collect import therapist_post_session ther.csv --format redcap --rater observer --rater-code "Dr X"
run collect import therapist_post_session examples/sample/therapist_post_session.csv --rater therapist

echo "== a therapist or date field of a form that does not repeat: on the record's own row only"
new_study base.db $R/base_dict.csv
echo "# the instances take the therapist from their record's row (a note says so); the date,"
echo "# one for the whole record, is not taken (a warning says so): the sessions stay undated"
run collect import checkin $R/base_export.csv --format redcap --therapist-field clinician \
  --date-field enrol_date
run collect session list
echo "# the form that does not repeat has both on its own row"
run collect import enrolment $R/base_export.csv --format redcap --therapist-field clinician \
  --date-field enrol_date
sql "SELECT c.code, s.number, quote(s.date), quote(t.code) FROM sessions s
     JOIN clients c ON c.id = s.client_id LEFT JOIN therapists t ON t.id = s.therapist_id
     ORDER BY c.code, s.number" \
  "SELECT c.code, s.number, quote_nullable(s.date), quote_nullable(t.code) FROM sessions s
     JOIN clients c ON c.id = s.client_id LEFT JOIN therapists t ON t.id = s.therapist_id
     ORDER BY c.code, s.number"
echo "# with events: only the record's row of the same event gives it (R2 has checkin at"
echo "# followup only, and its row at baseline); R1's session 3 takes R1's therapist"
new_study base_events.db $R/base_dict.csv
run collect import checkin $R/base_events_export.csv --format redcap --therapist-field clinician
run collect session list
echo "# a therapist code taken from the record's row is checked as any other"
sed 's/T01/Dr Who/' $R/base_events_export.csv >base_bad.csv
new_study base_bad.db $R/base_dict.csv
run collect import checkin base_bad.csv --format redcap --therapist-field clinician

echo "== a --date-field date later than today is a problem of its row"
new_study later.db $R/repeat_dict.csv
sed 's/^P01,weekly,1,,,,2026-02-02,/P01,weekly,1,,,,2099-02-02,/' $R/repeat_export.csv >later.csv
grep -c 2099 later.csv
run collect import weekly later.csv --format redcap --therapist-field clinician --date-field weekly_date |
  sed "s/$(date +%F)/TODAY/"
sql "SELECT count(*) FROM administrations"
