# collect export: wide, long and redcap layouts; identifiers and notes only
# on request; -o writes a private file whole; export, import into a new
# store, export again gives the same bytes.
setup collect init
setup collect instrument add data/export_demo.csv
# answers with a date written month first, spaces around a code, a wrong
# score (recomputed), quotes and a line break in a note
setup collect import export_demo data/export_demo_answers.csv

run collect export export_demo
run collect export export_demo --format wide --include-identifiers
run collect export export_demo --format long
run collect export export_demo --format long --include-identifiers --rater-code P01
run collect export export_demo --format redcap
run collect export export_demo --format redcap --include-identifiers
run collect export export_demo --format redcap --rater observer
run collect export export_demo --format redcap --rater observer --rater-code S02
# a partial administration is 0 (Incomplete) in <form>_complete
sql_exec "UPDATE administrations SET status = 'partial' WHERE id =
  (SELECT a.id FROM administrations a JOIN sessions s ON s.id = a.session_id
   JOIN clients c ON c.id = s.client_id WHERE c.code = 'P02')"
run collect export export_demo --format redcap

# -o: a file only its owner can read, written whole
run collect export export_demo -o demo.csv
echo "mode $(stat -c %a demo.csv), $(wc -l <demo.csv) lines"
run collect export export_demo -o no/such/dir/demo.csv
ls no 2>&1 | sed 's/^/ls: /'

# an export sent back with --replace: what it left out would be blanked, so
# it is refused, with the option that keeps it named (the initials are an
# Identifier field, the note free-form text); a column left out by hand
# has no option to name
setup collect export export_demo -o plain.csv
run collect import export_demo plain.csv --replace
setup collect export export_demo --include-free-text -o text.csv
run collect import export_demo text.csv --replace
setup collect export export_demo --include-identifiers -o all.csv
c=$(head -1 all.csv | tr , '\n' | grep -nx visit_date | cut -d: -f1)
cut -d, -f"1-$((c - 1)),$((c + 1))-" all.csv >nodate.csv
run collect import export_demo nodate.csv --replace

# a second version: its columns lead the wide layout, then the old
# 'sleep', which only version 1 has; each row names its version
# (attune.version) and, as one administration is partial, its status; the
# calc 'score' keeps the value of the version it was given with (mean of
# mood and sleep), the one analyze scores gives, not one recomputed with the
# new formula (mean of mood and energy); redcap has the latest version's
# columns only, and leaves calcs out
setup collect instrument add data/export_demo_v2.csv
run collect export export_demo --format wide
run collect export export_demo --format long --rater client
run analyze scores --instrument export_demo
run collect export export_demo --format redcap

# the same in a study of its own: 'tot' sums a and b in version 1 and b
# alone in version 2, which adds 'twice' (version 1's answers have none)
vstudy=$(store versions.db)
setup collect --db "$vstudy" init
head -1 data/export_demo.csv >vhead.csv
{ cat vhead.csv; printf '%s\n' 'record_id,f,,text,ID,,,,,,,,,,,,,' \
    'a,f,,text,A,,,integer,,,,,,,,,,' 'b,f,,text,B,,,integer,,,,,,,,,,' \
    'tot,f,,calc,Total,"sum([a],[b])",,,,,,,,,,,,'; } >v1.csv
{ cat vhead.csv; printf '%s\n' 'record_id,f,,text,ID,,,,,,,,,,,,,' \
    'b,f,,text,B,,,integer,,,,,,,,,,' 'tot,f,,calc,Total,"sum([b])",,,,,,,,,,,,' \
    'twice,f,,calc,Twice,"[b] * 2",,,,,,,,,,,,'; } >v2.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,a,b\nC1,,1,2026-01-05,5,2\n' >v1_answers.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,b\nC1,,2,2026-01-12,4\n' >v2_answers.csv
setup collect --db "$vstudy" instrument add v1.csv
setup collect --db "$vstudy" import f v1_answers.csv
setup collect --db "$vstudy" instrument add v2.csv
setup collect --db "$vstudy" import f v2_answers.csv
run collect --db "$vstudy" export f
run collect --db "$vstudy" export f --format long
run analyze --db "$vstudy" scores --instrument f

# the wide file goes back whole: into a new study with both versions, each
# administration keeps its version, its answers and its own calc values, and
# the export is the same bytes; with a partial administration too
setup collect --db "$vstudy" export f -o vwide.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,attune.status,b\nC2,,1,2026-01-06,partial,\n' >v2_partial.csv
setup collect --db "$vstudy" import f v2_partial.csv
setup collect --db "$vstudy" export f -o vwide.csv
cat vwide.csv
v2study=$(store versions2.db)
setup collect --db "$v2study" init
setup collect --db "$v2study" instrument add v1.csv
setup collect --db "$v2study" instrument add v2.csv
run collect --db "$v2study" import f vwide.csv
setup collect --db "$v2study" export f -o vwide2.csv
echo "export, import into a new study, export: $(cmp -s vwide.csv vwide2.csv && echo same bytes || echo DIFFERENT)"
collect --db "$v2study" export f --format long | cut -d, -f1,3,8-
# a version the instrument has not; an answer to a field the row's version
# has not (version 1 has no 'twice' column to fill, version 2 no 'a'); and
# a file without attune.version that has a column of version 1 only
sed -e '2s/^C1,,1,2026-01-05,,client,C1,1,/C1,,1,2026-01-05,,client,C1,3,/' vwide.csv >vbad.csv
run collect --db "$v2study" import f vbad.csv --replace --dry-run
sed -e '2s/,7,,5$/,7,9,5/' -e '3s/,8,$/,8,3/' vwide.csv >vbad2.csv
run collect --db "$v2study" import f vbad2.csv --replace --dry-run
printf 'attune.client,attune.therapist,attune.session,attune.date,a,b\nC3,,1,2026-01-05,5,2\n' >vold.csv
run collect --db "$v2study" import f vold.csv --dry-run
# a replacement given with another version than the stored answers drops
# what the row's version has not ('a', version 1's), and says so
printf 'attune.client,attune.therapist,attune.session,attune.date,b\nC1,,1,2026-01-05,3\n' >vother.csv
run collect --db "$v2study" import f vother.csv --replace --dry-run
# a field free-form text in one version and a number in the next stays out
# of the default export whole (not blank in the text rows only), so that
# --replace with that export is refused rather than clearing the text
{ cat vhead.csv; printf '%s\n' 'record_id,g,,text,ID,,,,,,,,,,,,,' \
    'x,g,,text,X,,,integer,,,,,,,,,,' 'note,g,,text,Note,,,,,,,,,,,,,'; } >g1.csv
{ cat vhead.csv; printf '%s\n' 'record_id,g,,text,ID,,,,,,,,,,,,,' \
    'x,g,,text,X,,,integer,,,,,,,,,,' 'note,g,,text,Note,,,integer,,,,,,,,,,'; } >g2.csv
setup collect --db "$v2study" instrument add g1.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,x,note\nC1,,1,2026-01-05,1,said little\n' >g1_answers.csv
setup collect --db "$v2study" import g g1_answers.csv
setup collect --db "$v2study" instrument add g2.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,x,note\nC1,,2,2026-01-12,2,7\n' >g2_answers.csv
setup collect --db "$v2study" import g g2_answers.csv
setup collect --db "$v2study" export g -o gplain.csv
head -1 gplain.csv
run collect --db "$v2study" import g gplain.csv --replace --dry-run
# a checkbox whose option 3 only version 1 has: a version 2 row may hold
# the 0 (not ticked) an export writes there, but not a tick
{ cat vhead.csv; printf '%s\n' 'record_id,h,,text,ID,,,,,,,,,,,,,' \
    'k,h,,checkbox,K,"1, one | 3, three",,,,,,,,,,,,'; } >h1.csv
{ cat vhead.csv; printf '%s\n' 'record_id,h,,text,ID,,,,,,,,,,,,,' \
    'k,h,,checkbox,K,"1, one | 2, two",,,,,,,,,,,,'; } >h2.csv
setup collect --db "$v2study" instrument add h1.csv
setup collect --db "$v2study" instrument add h2.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,attune.version,k___1,k___2,k___3\nC1,,1,2026-01-05,1,1,,0\nC1,,2,2026-01-12,2,1,0,0\nC2,,1,2026-01-06,2,0,1,1\n' >hcheck.csv
run collect --db "$v2study" import h hcheck.csv --dry-run

# round trip with the shipped sample, with and without identifiers
sample=$(store sample.db)
setup collect --db "$sample" init
setup collect --db "$sample" instrument add instruments/client_post_session.csv
setup collect --db "$sample" import client_post_session examples/sample/client_post_session.csv
for flag in --include-identifiers ""; do
  echo "== round trip ${flag:-without identifiers}"
  remove_store a.db
  rm -f b.csv
  a=$(store a.db)
  run collect --db "$sample" export client_post_session $flag -o a.csv
  setup collect --db "$a" init
  setup collect --db "$a" instrument add instruments/client_post_session.csv
  run collect --db "$a" import client_post_session a.csv
  run collect --db "$a" export client_post_session $flag -o b.csv
  cmp a.csv b.csv && echo "a.csv and b.csv are identical ($(wc -c <a.csv) bytes)"
  remove_store a.db
done
# the sample itself is what export writes (calc values included)
run collect --db "$sample" export client_post_session --include-identifiers -o full.csv
cmp full.csv examples/sample/client_post_session.csv && echo "export --include-identifiers gives the sample file byte for byte"

# --rater-code: a therapist's rating stored without a code is the session
# therapist's, found by that code (as import and run take it); "" finds it too
ther=$(store ther.db)
setup collect --db "$ther" init
setup collect --db "$ther" instrument add instruments/therapist_post_session.csv
cat >ther.csv <<'CSV'
attune.client,attune.therapist,attune.session,attune.date,attune.rater,attune.rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture
C7,T1,1,2026-01-01,therapist,,4,4,4,4,4,4,0
C7,T1,1,2026-01-01,therapist,T2,3,3,3,3,3,3,0
C7,T1,2,2026-01-08,therapist,T1,5,5,5,5,5,5,0
C8,,1,2026-01-02,therapist,,2,2,2,2,2,2,0
CSV
setup collect --db "$ther" import therapist_post_session ther.csv
for code in T1 T2 ""; do
  run collect --db "$ther" export therapist_post_session --format redcap --rater therapist --rater-code "$code"
done
run collect --db "$ther" export therapist_post_session --rater-code T1
run collect --db "$ther" export therapist_post_session --format redcap --rater therapist

run collect export --help
run collect export export_demo --format xml
run collect export
run collect export nothing_like_this

echo "# the audit trail hides an amended Identifier field's values, as exports do"
setup collect amend export_demo --client P01 --session 1 initials=ZZ --reason "typed wrong"
collect log | cut -d, -f3- | grep initials
collect log --include-identifiers | cut -d, -f3- | grep initials
