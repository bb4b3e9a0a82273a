#!/usr/bin/env bash
# Analysis benchmark (not a test).  Makes a release build, builds a study of
# N administrations (default 500,000) of the client questionnaire with
# attune-simulate and `collect import`, then prints the wall time and peak
# memory of `analyze all` beside the time sqlite3 takes to scan the
# responses table once.
#
# The study is kept as BUILD/bench-analyze-N.db and reused by the next run
# when it still holds N administrations (remove it to build it afresh).
#
# usage: tests/bench/analyze.sh [N]      (ATTUNE_BENCH_BUILD: build directory)
set -euo pipefail
. "$(dirname "$0")/common.sh"
n=${1:-500000}

bench_setup collect analyze attune-simulate

db="$build/bench-analyze-$n.db"

have=0
if [ -f "$db" ]; then
  have=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations" 2>/dev/null || echo 0)
fi
if [ "$have" = "$n" ]; then
  echo "== reusing $db ($n administrations)"
else
  echo "== building $db: $n administrations of the client questionnaire"
  rm -f "$db" "$db-wal" "$db-shm"
  "$simulate" --dictionary "$dict" --administrations "$n" --seed 1 -o "$work/wide.csv"
  "$collect" --db "$db" init >/dev/null
  "$collect" --db "$db" instrument add "$dict" >/dev/null
  "$collect" --db "$db" import client_post_session "$work/wide.csv"
  rm -f "$work/wide.csv"
fi
export ATTUNE_DB="$db"
admins=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations")
answers=$(sqlite3 -readonly "$db" "SELECT count(*) FROM responses")
printf '   %s administrations, %s answers, %s bytes\n' "$admins" "$answers" "$(stat -c %s "$db")"

# a first, untimed scan brings the file into the page cache for both
sqlite3 -readonly "$db" "SELECT count(*), sum(length(value)) FROM responses" >/dev/null
echo "== sqlite3: one scan of the responses table"
timed sqlite3 -readonly "$db" "SELECT count(*), sum(length(value)) FROM responses"
scan_secs=$secs scan_user=$user scan_kb=$kb
echo "== analyze all"
timed "$analyze" all --out-dir "$work/out"
all_secs=$secs all_user=$user all_kb=$kb
for f in "$work"/out/*; do
  printf '   %-20s %10s bytes %9s lines\n' "$(basename "$f")" "$(stat -c %s "$f")" \
    "$(wc -l <"$f")"
done

awk -v n="$admins" -v ss="$scan_secs" -v su="$scan_user" -v sk="$scan_kb" \
    -v as="$all_secs" -v au="$all_user" -v ak="$all_kb" 'BEGIN {
  printf "\n%d administrations\n", n
  printf "%-34s %9s %9s %9s\n", "", "seconds", "user", "peak MB"
  printf "%-34s %9.2f %9.2f %9.1f\n", "sqlite3 scan of responses", ss, su, sk / 1024
  printf "%-34s %9.2f %9.2f %9.1f\n", "analyze all", as, au, ak / 1024
  if (ss > 0) printf "\nanalyze all takes %.1f times as long as the sqlite3 scan (aim: 3)\n", as / ss
  printf "analyze all peak memory %.1f MB (aim: under 256)\n", ak / 1024
}'
