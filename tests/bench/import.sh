#!/usr/bin/env bash
# Import benchmark (not a test).  Builds a release build, simulates a wide
# CSV of N administrations (default 100,000) of the client questionnaire,
# imports it into a fresh study with `collect import`, and prints
# administrations per second and peak memory beside the time sqlite3's own
# `.import` takes to load the same answers in long form into a plain table.
#
# usage: tests/bench/import.sh [N]      (ATTUNE_BENCH_BUILD: build directory)
set -euo pipefail
. "$(dirname "$0")/common.sh"
n=${1:-100000}

bench_setup collect attune-simulate

echo "== simulating $n administrations"
"$simulate" --dictionary "$dict" --administrations "$n" --seed 1 -o "$work/wide.csv"
"$simulate" --dictionary "$dict" --administrations "$n" --seed 1 --long -o "$work/long.csv"
rows=$(($(wc -l <"$work/long.csv") - 1))
printf '   wide: %s bytes; long: %s bytes, %s answers\n' \
  "$(stat -c %s "$work/wide.csv")" "$(stat -c %s "$work/long.csv")" "$rows"

export ATTUNE_DB="$work/bench.db"
"$collect" init >/dev/null
"$collect" instrument add "$dict" >/dev/null

echo "== collect import"
timed "$collect" import client_post_session "$work/wide.csv"
import_secs=$secs import_kb=$kb
stored=$(sqlite3 -readonly "$ATTUNE_DB" "SELECT count(*) FROM responses")

echo "== sqlite3 .import of the same answers (long form, plain table)"
sqlite3 "$work/plain.db" "CREATE TABLE answers(client TEXT, therapist TEXT, session TEXT,
  date TEXT, modality TEXT, rater TEXT, rater_code TEXT, instrument TEXT, version TEXT,
  field TEXT, value TEXT)"
timed sqlite3 "$work/plain.db" ".import --csv --skip 1 $work/long.csv answers"
sqlite_secs=$secs sqlite_kb=$kb
plain=$(sqlite3 -readonly "$work/plain.db" "SELECT count(*) FROM answers")

awk -v n="$n" -v is="$import_secs" -v ik="$import_kb" -v ss="$sqlite_secs" -v sk="$sqlite_kb" \
    -v stored="$stored" -v plain="$plain" 'BEGIN {
  printf "\n%-28s %10s %14s %12s %10s\n", "", "seconds", "admin/second", "rows", "peak MB"
  printf "%-28s %10.2f %14.0f %12d %10.1f\n", "collect import (wide)", is, (is > 0 ? n / is : 0), stored, ik / 1024
  printf "%-28s %10.2f %14.0f %12d %10.1f\n", "sqlite3 .import (long)", ss, (ss > 0 ? n / ss : 0), plain, sk / 1024
  if (ss > 0) printf "\ncollect import takes %.2f times as long as sqlite3 .import\n", is / ss
}'
