# collect import refuses bad files whole: every problem named with file,
# line, column and reason; exit 1; the store exactly as it was.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv

before=$(sqlite3 -readonly attune.db .dump)
unchanged() {
  if [ "$(sqlite3 -readonly attune.db .dump)" = "$before" ]; then
    echo "(store unchanged)"
  else
    echo "(STORE CHANGED)"
  fi
}

for f in unknown_column out_of_range letter bad_date required checkbox duplicate \
         store_conflict session_conflict lead short_row unbalanced empty; do
  run collect import client_post_session data/bad/import_$f.csv
  unchanged
done

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

# branching that reads a calc field: the calc is recomputed from the row
# (its cell is ignored) before required and hidden answers are judged
setup collect instrument add data/calc_branch.csv
before=$(sqlite3 -readonly attune.db .dump)
run collect import calc_branch data/bad/import_calc_branch.csv
unchanged
