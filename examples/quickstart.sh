#!/usr/bin/env bash
# attune quick start: installs what is missing, builds, creates a demo study
# in ./attune.db from the shipped instruments and sample answers, analyses
# it, and says what to type next.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

bash "$top/examples/install-deps.sh" help2man

build="$top/build"
if [ -f "$build/CMakeCache.txt" ]; then
  # a build folder set up before keeps its settings (a debug build, tests)
  echo "== building attune in $build (its settings kept)"
else
  echo "== building attune (release) in $build"
  cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >/dev/null
collect="$build/collect/collect"
analyze="$build/analyze/analyze"

db=./attune.db
export ATTUNE_DB="$db"
if [ -e "$db" ]; then
  keep="attune.db.$(date +%Y%m%d-%H%M%S).bak"
  mv "$db" "$keep"
  rm -f "$db-wal" "$db-shm"
  echo "== an earlier ./attune.db was moved to ./$keep"
fi

echo "== creating the demo study in $db"
# init's first line only: the steps it suggests next are the ones done here
created=$("$collect" init)
echo "${created%%$'\n'*}"
"$collect" therapist add T01 --cohort fall-2026
"$collect" therapist add T02 --cohort fall-2026
for f in "$top"/instruments/*.csv; do
  "$collect" instrument add "$f"
done

echo "== importing the sample answers"
"$collect" import client_post_session "$top/examples/sample/client_post_session.csv"
"$collect" import therapist_post_session "$top/examples/sample/therapist_post_session.csv"
"$collect" instrument list

if [ -x "$analyze" ]; then
  out=./attune-out
  echo "== analysing the demo study into $out/"
  "$analyze" all --out-dir "$out"
  "$analyze" chart --all --out-dir "$out/charts" 2>/dev/null
  "$analyze" report --format html -o "$out/report.html"
  echo
  echo "== headline numbers"
  "$analyze" reliability --instrument client_post_session | awk -F, 'NR>1 && $2=="alliance" {printf "alpha of the client alliance scale: %.2f (n = %s sessions)\n", $5, $3}'
  "$analyze" episodes --instrument client_post_session | awk -F, 'NR>1 {n++; if ($13==1) r++} END {printf "alliance ruptures found (sd rule, k = 1): %d, repaired: %d\n", n, r}'
  echo
  echo "== the clinician's report for the next sessions"
  "$analyze" report
  echo
  echo "the tables are in $out/ (README.txt there says what each holds), a chart per"
  echo "client in $out/charts/, and the report as a page in $out/report.html"
fi

cat <<MSG

== what to type next ($collect, $analyze)
  after a session, a private link the client opens on their own phone
  (the server listens on this machine only; see README.md for a clinic network):
    $collect serve &
    $collect invite client_post_session --client C01
  or the questionnaire on this keyboard:
    $collect run client_post_session --client C01
  see what was saved, as CSV:
    $collect export client_post_session --format wide
  the clinician's list before the next session:
    $analyze report
  a client's chart:
    $analyze chart --client C02 -o C02.png
  everything else: $collect --help, $analyze --help, and README.md
MSG
