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
cut -d, -f1-8,10- all.csv >nodate.csv
run collect import export_demo nodate.csv --replace

# a second version: its columns lead the wide layout; answers to the old
# 'sleep' have no column there (long keeps each administration's version)
setup collect instrument add data/export_demo_v2.csv
run collect export export_demo --format wide
run collect export export_demo --format long --rater client

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

run collect export --help
run collect export export_demo --format xml
run collect export
run collect export nothing_like_this

echo "# the audit trail hides an amended Identifier field's values, as exports do"
setup collect amend export_demo --client P01 --session 1 initials=ZZ --reason "typed wrong"
collect log | cut -d, -f3- | grep initials
collect log --include-identifiers | cut -d, -f3- | grep initials
