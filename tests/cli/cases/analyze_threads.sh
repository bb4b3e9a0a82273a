# analyze --threads 2: two threads read and score the study, each its
# share of the clients, cut into runs of consecutive codes; the tables are
# the bytes one thread writes, for the whole study and for every selection,
# and a reading that fails part way fails the run the same way.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect instrument add instruments/therapist_post_session.csv
# 1,000 clients of 3 sessions, each rated by the client and the therapist:
# the clients are cut into many runs
attune-simulate --administrations 3000 --sessions-per-client 3 --seed 3 -o c.csv
attune-simulate --dictionary instruments/therapist_post_session.csv --instrument therapist_post_session \
  --rater therapist --administrations 3000 --sessions-per-client 3 --seed 3 -o t.csv
setup collect import client_post_session c.csv
setup collect import therapist_post_session t.csv
setup collect therapist set T03 --cohort A
setup collect therapist set T11 --cohort A
sql "SELECT count(*), min(code), max(code) FROM clients"

# both: analyze all with one thread and with two, every table compared
both() {
  analyze all --threads 1 "$@" --out-dir one >one.err 2>&1
  local rc1=$?
  analyze all --threads 2 "$@" --out-dir two >two.err 2>&1
  local rc2=$? differ="" f
  for f in one/*; do
    cmp -s "$f" "two/${f#one/}" || differ="$differ ${f#one/}"
  done
  [ "$(ls one)" = "$(ls two)" ] || differ="$differ (the tables written)"
  cmp -s one.err two.err || differ="$differ (the notes)"
  [ "$rc1" = "$rc2" ] || differ="$differ (exit $rc1, $rc2)"
  echo "analyze all $*: $(ls one | wc -l) tables, $(cat one/*.csv | wc -l) lines:" \
       "${differ:+DIFFERENT:}${differ:-the same with two threads}"
  rm -rf one two
}
both
both --rater all
both --client C0001
both --client C0500 --rater all --instrument therapist_post_session
both --client C1000
both --therapist T07 --rater all
both --cohort A
both --from 2025-10-26 --to 2026-01-09 --rater all
both --from 2026-01-14
both --rule rci --therapist T22

# a reading that fails part way: the same message and exit, and the same
# rows written before it, with one thread or two
fails() {
  analyze scores --rater all --threads 1 >one.out 2>one.err
  local rc1=$?
  analyze scores --rater all --threads 2 >two.out 2>two.err
  local rc2=$?
  sed "s|$PWD/||" two.err
  echo "exit $rc1 and $rc2; lines written before it: $(wc -l <one.out) and $(wc -l <two.out)," \
       "$(cmp -s one.out two.out && cmp -s one.err two.err && echo the same bytes || echo DIFFERENT)"
}
# the administration of CLIENT's session N by RATER
admin_of() {
  query "SELECT a.id FROM administrations a JOIN sessions se ON se.id = a.session_id
         JOIN clients c ON c.id = se.client_id
         WHERE c.code = '$1' AND se.number = $2 AND a.rater = '$3'"
}
# the first rating read, two in the middle (in runs of clients read by
# different threads), the last one
for at in "C0001 1 client" "C0500 2 therapist" "C0530 1 client" "C1000 3 therapist"; do
  # shellcheck disable=SC2086
  set -- $at
  id=$(admin_of "$@")
  echo "# the $3's rating of $1's session $2: its answers made unreadable"
  sql_exec "UPDATE administrations SET answers = 'x' || answers WHERE id = $id"
  fails | sed "s/administration $id /administration N /"
  sql_exec "UPDATE administrations SET answers = substr(answers, 2) WHERE id = $id"
done
echo "# the therapist form's stored dictionary made unreadable"
sql_exec "UPDATE instruments SET dictionary = 'x' || dictionary WHERE name = 'therapist_post_session'"
fails
run analyze scores --threads 3
