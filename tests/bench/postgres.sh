#!/usr/bin/env bash
# PostgreSQL benchmark (not a test: it prints figures and checks nothing
# about speed).  Makes a release build and starts a throwaway PostgreSQL
# server of its own (tests/pg/server.sh, in a temporary folder, stopped on
# exit), then
#   - simulates the two-form study (the client and the therapist
#     post-session forms of the same N sessions, default N = 680,000);
#   - imports it into SQLite and into PostgreSQL: the client form into a
#     fresh study, then the therapist form into the same sessions, each
#     import timed (administrations per second, peak memory of the collect
#     process by GNU time %M; the PostgreSQL server's own memory is not in
#     it);
#   - times `analyze all` on each study and compares the two sets of tables
#     byte for byte (README.txt aside, which names the study);
#   - starts 4 `collect serve` on one PostgreSQL study and lets 400
#     simulated clients (tests/bench/serve_load.c) answer the client form
#     through their private links at once, the links dealt out to the 4
#     servers in turn; then the same through one server, and through 4 on
#     one SQLite study; prints completions and requests per second, p50 and
#     p99 latency and the servers' peak memory, and checks that every
#     completion is stored exactly once.
# Each timed step runs ATTUNE_BENCH_RUNS times (default 2); the figures are
# the shorter wall and CPU (user + system) times and the larger peak memory.
# The server that tests/pg/server.sh starts runs without fsync and with
# asynchronous commit, as a test server: its write figures are those of a
# server that does not wait for the disk.
#
# usage: tests/bench/postgres.sh [N]
#        (ATTUNE_BENCH_BUILD: build directory, ATTUNE_BENCH_JOBS: compile jobs,
#        ATTUNE_BENCH_RUNS: runs per timed step, ATTUNE_BENCH_CLIENTS: web
#        clients, default 400, ATTUNE_BENCH_SERVERS: servers, default 4)
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"

n=680000
for a in "$@"; do
  case $a in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;;
    *) n=$a ;;
  esac
done
runs=${ATTUNE_BENCH_RUNS:-2}
nweb=${ATTUNE_BENCH_CLIENTS:-400}
nserve=${ATTUNE_BENCH_SERVERS:-4}

[ -f "$top/tests/pg/server.sh" ] || { echo "$0: needs tests/pg/server.sh, which starts the server" >&2; exit 1; }
bench_need psql postgresql-client
bench_setup collect analyze attune-simulate
cc -O2 -Wall -Wextra -o "$work/serve_load" "$top/tests/bench/serve_load.c"

# the server: its socket folder must be short (a Unix socket's path), so it
# is not under $work, which may be deep
pgdir=$(mktemp -d /tmp/attune-pg.XXXXXX)
serve_pids=()
cleanup() {
  local p
  for p in "${serve_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  bash "$top/tests/pg/server.sh" stop "$pgdir" >/dev/null 2>&1 || echo "could not stop the server in $pgdir" >&2
  rm -rf "$work"
}
trap cleanup EXIT
echo "== PostgreSQL server"
bash "$top/tests/pg/server.sh" start "$pgdir" | sed 's/^/   /'
pg() { PGOPTIONS='-c search_path=attune -c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 -h "$pgdir" "$@"; }
printf '   %s\n   fsync %s, synchronous_commit %s, shared_buffers %s\n' \
  "$(pg -d postgres -c 'SELECT version()')" "$(pg -d postgres -c 'SHOW fsync')" \
  "$(pg -d postgres -c 'SHOW synchronous_commit')" "$(pg -d postgres -c 'SHOW shared_buffers')"
pg_url() { echo "postgresql:///$1?host=$pgdir"; }

# server_cpu: CPU seconds (user + system) the server has used so far: the
# postmaster's own and that of the backends it has reaped (which is where a
# finished connection's time goes), and its live processes'
server_cpu() {
  local pm
  pm=$(head -n 1 "$pgdir/data/postmaster.pid")
  # (a process may end between the listing and the reading: cat goes on)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" -v tck="$(getconf CLK_TCK)" '
    { pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
      if (pid == pm) t += f[12] + f[13] + f[14] + f[15]
      else if (f[2] == pm) t += f[12] + f[13] }
    END { printf "%.2f", t / tck }'
}
# pg_timed LABEL WHAT CMD...: timed and noted as LABEL, with the server's CPU
# time over the command kept (the least of the runs) in best_server[LABEL]
declare -A best_server=()
pg_timed() {
  local l=$1 what=$2 s0 s1 d
  shift 2
  s0=$(server_cpu)
  timed "$@"
  s1=$(server_cpu)
  d=$(calc "$s1 - $s0" 2)
  note "$l" "$what"
  printf '   %-34s %8s   %8.2f s CPU in the server\n' "" "" "$d"
  if [ -z "${best_server[$l]:-}" ] || [ "$(calc "$d < ${best_server[$l]}")" = 1 ]; then
    best_server[$l]=$d
  fi
}

# fresh_pg NAME: a new database NAME holding a study with both instruments
fresh_pg() {
  pg -d postgres -c "DROP DATABASE IF EXISTS \"$1\""
  pg -d postgres -c "CREATE DATABASE \"$1\""
  fresh_study "$(pg_url "$1")"
}
# the schema's tables and indexes, in bytes
pg_bytes() {
  pg -d "$1" -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                 JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'attune' AND c.relkind = 'r'"
}

echo
echo "== $n administrations of each form ($(calc "int(($n + $bench_spc - 1) / $bench_spc)") clients)"
simulate_forms "$n" "$work"
printf '   wide CSV: client %s bytes, therapist %s bytes\n' \
  "$(stat -c %s "$work/client.csv")" "$(stat -c %s "$work/therapist.csv")"

lite=$work/study.db
for run in $(seq "$runs"); do
  echo "-- SQLite, run $run (a fresh study, then the second form into its sessions)"
  rm -f "$lite" "$lite-wal" "$lite-shm"
  fresh_study "$lite"
  import_forms "$lite" "$work" sqlite
done
lite_bytes=$(stat -c %s "$lite")
for run in $(seq "$runs"); do
  echo "-- PostgreSQL, run $run (a fresh database, then the second form into its sessions)"
  fresh_pg bench
  for form in client therapist; do
    pg_timed "pg-$form" "import $form form" "$collect" --db "$(pg_url bench)" import "${form}_post_session" "$work/$form.csv"
    sed 's/^/      /' "$work/last.out"
  done
done
pg_study=$(pg_bytes bench)
lite_n=$(sqlite3 -readonly "$lite" "SELECT count(*) FROM administrations")
pg_n=$(pg -d bench -c "SELECT count(*) FROM administrations")
printf '   stored: SQLite %s administrations (%s bytes), PostgreSQL %s (%s bytes of tables and indexes)\n' \
  "$lite_n" "$lite_bytes" "$pg_n" "$pg_study"
{ [ "$lite_n" = $((2 * n)) ] && [ "$pg_n" = $((2 * n)) ]; } ||
  { echo "postgres.sh: the studies do not hold $((2 * n)) administrations" >&2; exit 1; }
rm -f "$work/client.csv" "$work/therapist.csv"

for kind in sqlite pg; do
  db=$lite
  [ $kind = pg ] && db=$(pg_url bench)
  echo "-- analyze all, $([ $kind = pg ] && echo PostgreSQL || echo SQLite)"
  for run in $(seq "$runs"); do
    rm -rf "$work/all-$kind"
    if [ $kind = pg ]; then
      pg_timed "all-$kind" "analyze all, run $run" "$analyze" --db "$db" all --out-dir "$work/all-$kind"
    else
      timed "$analyze" --db "$db" all --out-dir "$work/all-$kind"
      note "all-$kind" "analyze all, run $run"
    fi
  done
  sed 's/^/      /' "$work/last.err"
done
if diff -r -x README.txt "$work/all-sqlite" "$work/all-pg" >"$work/all.diff"; then
  all_same="the same bytes"
  echo "   the two studies gave the same tables, byte for byte"
else
  all_same="DIFFERENT"
  echo "   the tables differ between the two studies:"
  head -20 "$work/all.diff" | sed 's/^/      /'
fi
out_bytes=$(du -sb "$work/all-pg" | cut -f1)
rm -rf "$work/all-sqlite" "$work/all-pg"
pg -d postgres -c 'DROP DATABASE bench'
rm -f "$lite" "$lite-wal" "$lite-shm"

# ---- the web ------------------------------------------------------------------

# serve_bench DB LABEL Q SERVERS: nweb clients with a link each on study DB,
# SERVERS servers, the load driver; Q QUERY runs a query on DB.  Keeps the
# figures in web[LABEL-...].
declare -A web=()
serve_bench() {
  local db=$1 label=$2 q=$3 nserve=$4 i ports="" peak=0 p kb
  export ATTUNE_DB=$db
  "$collect" init >/dev/null
  "$collect" instrument add "$client_dict" >/dev/null
  "$collect" therapist add T01 >/dev/null
  for i in $(seq -w 1 "$nweb"); do
    "$collect" client add "B$i" --therapist T01 >/dev/null
    "$collect" invite client_post_session --client "B$i" | grep -o '/s/[A-Za-z0-9_-]*'
  done >"$work/links"
  serve_pids=()
  for i in $(seq "$nserve"); do
    "$collect" serve --listen 127.0.0.1:0 2>"$work/serve$i.log" &
    serve_pids+=($!)
  done
  for i in $(seq "$nserve"); do
    for _ in $(seq 400); do grep -q '^listening on ' "$work/serve$i.log" && break; sleep 0.05; done
    p=$(sed -n '1s/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve$i.log")
    [ -n "$p" ] || { cat "$work/serve$i.log" >&2; exit 1; }
    ports=${ports:+$ports,}$p
  done
  echo "-- $label: $nserve server(s) (ports $ports), $nweb clients at once"
  if ! "$work/serve_load" 127.0.0.1 "$ports" "$work/links" >"$work/load.out"; then
    cat "$work/load.out" >&2
    exit 1
  fi
  for p in "${serve_pids[@]}"; do
    kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status")
    [ "$kb" -gt "$peak" ] && peak=$kb
    kill -TERM "$p"
    wait "$p"
  done
  serve_pids=()
  get() { awk -v k="$1" '$1 == k { print $2 }' "$work/load.out"; }
  local stored once answered
  stored=$($q "SELECT count(*) FROM administrations WHERE source = 'web'")
  once=$($q "SELECT count(*) FROM (SELECT s.client_id FROM administrations a JOIN sessions s ON s.id = a.session_id GROUP BY s.client_id HAVING count(*) = 1) x")
  answered=$($q "SELECT count(*) FROM invitations WHERE state = 'answered' AND administration_id IS NOT NULL")
  for k in completed seconds completed_per_s requests_per_s p50_ms p99_ms; do web[$label-$k]=$(get $k); done
  web[$label-peak]=$(calc "$peak / 1024" 1)
  printf '   %s completed in %s s: %s a second, %s requests a second, p50 %s ms, p99 %s ms; largest server peak %s MiB\n' \
    "${web[$label-completed]}" "${web[$label-seconds]}" "${web[$label-completed_per_s]}" \
    "${web[$label-requests_per_s]}" "${web[$label-p50_ms]}" "${web[$label-p99_ms]}" "${web[$label-peak]}"
  printf '   stored: %s web administrations, %s clients with exactly one, %s links answered\n' \
    "$stored" "$once" "$answered"
  if [ "$stored" = "$nweb" ] && [ "$once" = "$nweb" ] && [ "$answered" = "$nweb" ] &&
     [ "${web[$label-completed]}" = "$nweb" ]; then
    web[$label-check]="every completion stored once"
  else
    web[$label-check]="NOT every completion stored once"
  fi
  echo "   ${web[$label-check]}"
  unset ATTUNE_DB
}
echo
echo "== the web: $nweb clients answering at once through $nserve servers on one study (and through one)"
pg -d postgres -c 'CREATE DATABASE web'
pg_web() { pg -d web -c "$1"; }
serve_bench "$(pg_url web)" pg pg_web "$nserve"
pg -d postgres -c 'CREATE DATABASE web1'
pg_web1() { pg -d web1 -c "$1"; }
serve_bench "$(pg_url web1)" pg1 pg_web1 1
lite_web() { sqlite3 -readonly "$work/web.db" "$1"; }
serve_bench "$work/web.db" sqlite "lite_web" "$nserve"

# ---- the figures ----------------------------------------------------------------

echo
echo "== figures: $n administrations of each form (better of $runs runs; rates in administrations per second)"
echo "   (CPU: the collect or analyze process; server: the PostgreSQL server's, beside it; per CPU s: over both)"
printf '%-36s %8s %8s %8s %11s %11s %8s\n' step "wall s" "CPU s" "server s" "per wall s" "per CPU s" "peak MB"
# row LABEL WHAT ADMINS: a line of the table
row() {
  local l=$1 srv=${best_server[$1]:-} both
  both=$(calc "${best_cpu[$l]} + ${srv:-0}" 2)
  printf '%-36s %8.2f %8.2f %8s %11s %11s %8.1f\n' "$2" "${best_secs[$l]}" "${best_cpu[$l]}" \
    "${srv:--}" "$(calc "${best_secs[$l]} > 0 ? $3 / ${best_secs[$l]} : 0")" \
    "$(calc "$both > 0 ? $3 / $both : 0")" "$(calc "${best_kb[$l]} / 1024" 1)"
}
for kind in sqlite pg; do
  name=SQLite; [ $kind = pg ] && name=PostgreSQL
  for form in client therapist; do row "$kind-$form" "$name: import $form form" "$n"; done
done
for kind in sqlite pg; do
  name=SQLite; [ $kind = pg ] && name=PostgreSQL
  row "all-$kind" "$name: analyze all" $((2 * n))
done
printf '%-36s SQLite %s bytes, PostgreSQL %s bytes (tables and indexes)\n' "the study" "$lite_bytes" "$pg_study"
printf '%-36s %s (%s bytes of tables)\n' "analyze all, SQLite beside PostgreSQL" "$all_same" "$out_bytes"
echo
printf '%-36s %12s %12s %10s %10s %10s  %s\n' "web: $nweb clients at once" "completed/s" "requests/s" \
  "p50 ms" "p99 ms" "peak MiB" "stored"
for kind in pg pg1 sqlite; do
  case $kind in
    pg) name="PostgreSQL, $nserve servers" ;;
    pg1) name="PostgreSQL, 1 server" ;;
    sqlite) name="SQLite, $nserve servers" ;;
  esac
  printf '%-36s %12s %12s %10s %10s %10s  %s\n' "$name" "${web[$kind-completed_per_s]}" \
    "${web[$kind-requests_per_s]}" "${web[$kind-p50_ms]}" "${web[$kind-p99_ms]}" "${web[$kind-peak]}" \
    "${web[$kind-check]}"
done
for kind in pg pg1 sqlite; do
  [ "${web[$kind-check]}" = "every completion stored once" ] || exit 1
done
