# collect import refuses bad files whole: every problem named with file,
# line, column and reason; exit 1; the store exactly as it was.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv

before=$(store_dump attune.db)
unchanged() {
  if [ "$(store_dump attune.db)" = "$before" ]; then
    echo "(store unchanged)"
  else
    echo "(STORE CHANGED)"
  fi
}

for f in unknown_column out_of_range letter bad_date required checkbox duplicate \
         store_conflict session_conflict lead short_row unbalanced empty column_case; do
  run collect import client_post_session data/bad/import_$f.csv
  unchanged
done

# a REDCap export's columns are matched without regard to case too
printf 'record_id,bond_1,Bond_1,rupture,client_post_session_complete\nE04,5,1,0,2\n' >redcap_case.csv
run collect import client_post_session redcap_case.csv --format redcap
unchanged

# --dry-run finds the same problems
run collect import client_post_session data/bad/import_bad_date.csv --dry-run
unchanged

# more than 50 problems: the first 50, then a count
{
  head -1 examples/sample/client_post_session.csv
  for i in $(seq 1 60); do
    echo "C30,T01,$i,2026-09-07,in-person,client,C30,9,4,4,4,4,2,,,,,0,,,,,,,,,,,"
  done
} >many.csv
run collect import client_post_session many.csv
unchanged

run collect import no_such_instrument data/bad/import_letter.csv
run collect import client_post_session data/bad/no_such_file.csv
unchanged
mkdir folder.csv
run collect import client_post_session folder.csv
run collect instrument add folder.csv
unchanged

# branching that reads a calc field: the calc is recomputed from the row
# (its cell is ignored) before required and hidden answers are judged
setup collect instrument add data/calc_branch.csv
before=$(store_dump attune.db)
run collect import calc_branch data/bad/import_calc_branch.csv
unchanged

# the reading side on a second thread finds the same problems, in the same
# order, as one thread (a file of many rows spans several batches)
{
  head -1 examples/sample/client_post_session.csv
  for i in $(seq 1 700); do
    if [ $((i % 97)) -eq 0 ]; then
      echo "C31,T01,$i,2026-09-07,in-person,client,C31,9,4,4,4,4,2,,,,,0,,,,,,,,,,,"
    elif [ $((i % 131)) -eq 0 ]; then
      echo "C31,T02,$((i - 1)),2026-09-07,in-person,client,X,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
    else
      echo "C31,T01,$i,2026-09-07,in-person,client,C31,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
    fi
  done
} >mixed.csv
for t in 1 2; do
  collect import client_post_session mixed.csv --threads $t >threads$t.out 2>&1
  echo "--threads $t: exit $?, $(wc -l <threads$t.out) lines"
done
cmp -s threads1.out threads2.out && echo "the same messages" || echo "DIFFERENT messages"
tail -3 threads2.out
unchanged
run collect import client_post_session mixed.csv --threads 3
grep -v ',9,4,4,4,4,2,\|,X,4,' mixed.csv >good.csv
for t in 1 2; do
  db=$(store t$t.db)
  collect --db "$db" init >/dev/null
  collect --db "$db" instrument add instruments/client_post_session.csv >/dev/null
  collect --db "$db" import client_post_session good.csv --threads $t
  collect --db "$db" export client_post_session --format long --include-identifiers -o t$t.csv 2>/dev/null
done
cmp -s t1.csv t2.csv && echo "the same study either way ($(wc -l <t1.csv) answers)" || echo "DIFFERENT studies"
# a file that breaks off: the rows before the break are reported the same way
{
  head -1 examples/sample/client_post_session.csv
  echo "C32,T01,1,2026-09-07,in-person,client,C32,4,4,4,4,4,2,,,,,,,,,,,,,,,,"
  echo "C32,T01,2,2026-09-14,in-person,client,C32,4,4,4,4,4,2,,,,,0,,,,,,,,,,,\"open"
} >broken.csv
for t in 1 2; do
  collect --db "$(store t$t.db)" import client_post_session broken.csv --threads $t >broken$t.out 2>&1
done
cmp -s broken1.out broken2.out && echo "a broken file: the same messages" || echo "a broken file: DIFFERENT messages"
cat broken2.out

echo "# a header without any leading column: they are named as 'collect export' writes them"
printf 'bond_1,goal_1\n4,4\n' >noleads.csv
run collect import client_post_session noleads.csv
unchanged

echo "# codes are pseudonyms: a name, an e-mail address or an accented letter in a code column is refused"
{
  head -1 examples/sample/client_post_session.csv
  echo "Jane Doe,T01,1,2026-09-07,in-person,client,,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
  echo "C40,Dr Smith,1,2026-09-07,in-person,client,C40,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
  echo "C41,T01,1,2026-09-07,in-person,observer,j.doe@clinic.org,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
  echo "Zoë,T01,1,2026-09-07,in-person,client,Zoë,4,4,4,4,4,2,,,,,0,,,,,,,,,,,"
} >names.csv
run collect import client_post_session names.csv
unchanged
setup collect instrument add data/redcap/survey_dict.csv
before=$(store_dump attune.db)
printf 'record_id,relation,approach,srs_complete\nAnna Berg,8,9,2\n' >redcap_names.csv
run collect import srs redcap_names.csv --format redcap
unchanged
feed '4\n4\n5\n4\n4\n2\n0\n\ny\n' collect run client_post_session --client C01 --rater therapist --rater-code "Dr Smith" --quiet
unchanged
run collect invite client_post_session --client C01 --rater observer --rater-code "Dr Who"
unchanged

echo "# a session dated later than today takes no questionnaire: a row dated so,"
echo "# or one whose session the study has so dated, is a problem of that row"
setup collect session add --client C01 --number 40 --date 2099-12-20
before=$(store_dump attune.db)
{
  echo "attune.client,attune.therapist,attune.session,attune.date,attune.modality,attune.rater,attune.rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture"
  echo "C01,,40,,,client,,4,4,4,4,4,4,0"
  echo "C01,,41,2099-01-04,,client,,4,4,4,4,4,4,0"
  echo "C60,T01,1,2099-01-04,in-person,client,,4,4,4,4,4,4,0"
  echo "C60,T01,2,2026-09-14,in-person,client,,4,4,4,4,4,4,0"
} >later.csv
run collect import client_post_session later.csv | sed "s/$(date +%F)/TODAY/"
unchanged
run collect import client_post_session later.csv --dry-run | sed "s/$(date +%F)/TODAY/"
unchanged
