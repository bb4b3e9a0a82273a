#!/usr/bin/env bash
# Web benchmark (not a test: it prints figures).  Makes a release build, a
# study of N clients (default 200) each with a private link to the client
# post-session questionnaire, starts `collect serve` on a free loopback port
# and lets N simulated clients (tests/bench/serve_load.c, built here) answer
# it all at once, one question a request, then save.  Prints completed
# questionnaires per second, requests per second, p50 and p99 latency, the
# server's peak memory, and checks that every completion is stored exactly
# once.  Targets (issue 7, 2 cores): 2,000 requests/s, p99 under 100 ms.
#
# usage: tests/bench/serve.sh [N]
#        (ATTUNE_BENCH_BUILD: build directory, ATTUNE_BENCH_JOBS: compile jobs)
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
n=${1:-200}
bench_setup collect
cc -O2 -Wall -Wextra -o "$work/serve_load" "$top/tests/bench/serve_load.c"

export ATTUNE_DB=$work/study.db
"$collect" init >/dev/null
"$collect" instrument add "$client_dict" >/dev/null
"$collect" therapist add T01 >/dev/null
echo "== $n clients, $n links"
for i in $(seq -w 1 "$n"); do
  "$collect" client add "B$i" --therapist T01 >/dev/null
  "$collect" invite client_post_session --client "B$i" | grep -o '/s/[A-Za-z0-9_-]*'
done >"$work/links"

"$collect" serve --listen 127.0.0.1:0 2>"$work/serve.log" &
pid=$!
for _ in $(seq 400); do grep -q '^listening on ' "$work/serve.log" && break; sleep 0.05; done
port=$(sed -n '1s/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.log")
echo "== serve (pid $pid) on port $port; $n clients at once"
[ -n "${ATTUNE_BENCH_PERF:-}" ] && { perf record -g -o "$ATTUNE_BENCH_PERF" -p $pid 2>/dev/null & perfpid=$!; sleep 0.5; }
"$work/serve_load" 127.0.0.1 "$port" "$work/links" >"$work/load.out" || { cat "$work/load.out"; kill $pid; exit 1; }
[ -n "${ATTUNE_BENCH_PERF:-}" ] && { kill -INT $perfpid; wait $perfpid || true; }
peak=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
kill -TERM $pid
wait $pid
get() { awk -v k="$1" '$1 == k { print $2 }' "$work/load.out"; }
stored=$(sqlite3 -readonly "$ATTUNE_DB" "SELECT count(*) FROM administrations WHERE source = 'web'")
once=$(sqlite3 -readonly "$ATTUNE_DB" "SELECT count(*) FROM (SELECT s.client_id FROM administrations a JOIN sessions s ON s.id = a.session_id GROUP BY s.client_id HAVING count(*) = 1)")
answered=$(sqlite3 -readonly "$ATTUNE_DB" "SELECT count(*) FROM invitations WHERE state = 'answered' AND administration_id IS NOT NULL")
printf '%-28s %s\n' "clients" "$(get clients)" \
  "questionnaires completed" "$(get completed) in $(get seconds) s" \
  "completed per second" "$(get completed_per_s)" \
  "requests" "$(get requests)" \
  "requests per second" "$(get requests_per_s)   (target 2000)" \
  "latency p50" "$(get p50_ms) ms" \
  "latency p99" "$(get p99_ms) ms   (target < 100)" \
  "serve peak memory" "$(calc "$peak / 1024" 1) MiB" \
  "stored administrations" "$stored ($once clients with exactly one; $answered links answered)"
[ "$stored" = "$n" ] && [ "$once" = "$n" ] && [ "$answered" = "$n" ] && [ "$(get completed)" = "$n" ] ||
  { echo "serve.sh: not every completion is stored exactly once" >&2; exit 1; }
echo "every completion stored exactly once"
