#!/usr/bin/env bash
# Analysis benchmark (not a test).  Builds a release build, simulates a
# study of N administrations (default 500,000): half the client
# questionnaire, half the therapist's for the same sessions, imports it,
# then prints the wall time and peak memory of `analyze all` beside the
# time sqlite3 takes to scan the responses table once.
#
# usage: tests/bench/analyze.sh [N]      (ATTUNE_BENCH_BUILD: build directory)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTUNE_BENCH_BUILD:-$top/build-bench}
n=${1:-500000}
half=$((n / 2))

if [ ! -x /usr/bin/time ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing GNU time" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi
command -v sqlite3 >/dev/null || { echo "analyze.sh: sqlite3 is needed" >&2; exit 1; }

echo "== release build in $build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target collect analyze attune-simulate >/dev/null
collect="$build/collect/collect"
analyze="$build/analyze/analyze"
simulate="$build/examples/attune-simulate"

work=$(mktemp -d "${TMPDIR:-/tmp}/attune-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cdict="$top/instruments/client_post_session.csv"
tdict="$top/instruments/therapist_post_session.csv"

echo "== simulating $half client and $half therapist administrations"
"$simulate" --dictionary "$cdict" --administrations "$half" --seed 1 -o "$work/client.csv"
"$simulate" --instrument therapist_post_session --dictionary "$tdict" --rater therapist \
  --administrations "$half" --seed 2 -o "$work/therapist_raw.csv"
# the therapist's answers on the client file's sessions (client, therapist,
# session, date, modality), so both raters rate the same sessions; the
# simulated answers hold no quoted commas, so cut and paste are safe
paste -d, <(cut -d, -f1-5 "$work/client.csv") <(cut -d, -f6- "$work/therapist_raw.csv") \
  >"$work/therapist.csv"

export ATTUNE_DB="$work/bench.db"
"$collect" init >/dev/null
"$collect" therapist add T01 --cohort spring >/dev/null
"$collect" instrument add "$cdict" >/dev/null
"$collect" instrument add "$tdict" >/dev/null
echo "== importing"
"$collect" import client_post_session "$work/client.csv"
"$collect" import therapist_post_session "$work/therapist.csv"

# timed CMD...: runs CMD under GNU time; sets secs, user and kb.
timed() {
  /usr/bin/time -f '%e %U %M' -o "$work/time.txt" "$@"
  read -r secs user kb <"$work/time.txt"
}

echo "== sqlite3: one scan of the responses table"
timed sqlite3 -readonly "$ATTUNE_DB" "SELECT count(*), sum(length(value)) FROM responses"
scan_secs=$secs scan_user=$user scan_kb=$kb
echo "== analyze all"
timed "$analyze" all --out-dir "$work/out"
all_secs=$secs all_user=$user all_kb=$kb
echo "== analyze agreement (one reading of the store, little output)"
timed "$analyze" agreement -o "$work/agreement.csv"
one_secs=$secs one_user=$user one_kb=$kb
ls -l "$work/out"

awk -v n="$n" -v ss="$scan_secs" -v su="$scan_user" -v sk="$scan_kb" \
    -v as="$all_secs" -v au="$all_user" -v ak="$all_kb" \
    -v os="$one_secs" -v ou="$one_user" -v ok="$one_kb" 'BEGIN {
  printf "\n%d administrations\n", n
  printf "%-34s %9s %9s %9s\n", "", "seconds", "user", "peak MB"
  printf "%-34s %9.2f %9.2f %9.1f\n", "sqlite3 scan of responses", ss, su, sk / 1024
  printf "%-34s %9.2f %9.2f %9.1f\n", "analyze all", as, au, ak / 1024
  printf "%-34s %9.2f %9.2f %9.1f\n", "analyze agreement", os, ou, ok / 1024
  if (ss > 0) printf "\nanalyze all takes %.1f times as long as the sqlite3 scan\n", as / ss
}'
