#!/usr/bin/env bash
# Analysis benchmark (not a test: it prints figures and checks nothing about
# speed).  Makes a release build and a study of N administrations of each of
# two forms of the same sessions (the client and the therapist post-session
# questionnaires; by default N = 680,000, about 30,000 clients, the largest
# study import.sh makes), made as import.sh does: `collect import` of the client form into a fresh study,
# then of the therapist form.  Then it times
#   - one bare scan of the largest table,
#       SELECT count(*), sum(length(answers)) FROM administrations
#     after an untimed scan that brings the file into the page cache;
#   - `analyze all --out-dir`, with --threads 1 and with the default when
#     analyze has that option (the two outputs are compared byte for byte);
# and prints the ratio of analyze all to the scan (target of issue 6: at most
# 2) and its peak memory (target: under 64 MB), and the size of each output.
# Then it times SQLite handing over the columns analyze reads, with nothing
# done with them (tests/bench/read_floor.c), in row id order and in
# analyze's order (and that order alone, from the indexes), and dd writing
# as many bytes as analyze all wrote into a new file, 64 KiB at a time:
# the least that writing the tables costs by itself.  Each is shown as a
# ratio to the scan beside the target.
# Each timed step runs twice; the figures are the shorter wall and CPU (user +
# system) times of the two runs and the larger peak memory (GNU time %M).
#
# The study is kept as BUILD/bench-analyze-N.db with a note of how it was made
# (BUILD/bench-analyze-N.db.key) and reused when the note matches what this
# run would make (remove either to build it afresh).
#
# --profile adds a callgrind profile of `analyze all` on a study of 20,000
# sessions (40,000 administrations) of the two forms (slow) and prints where
# its instructions go.
#
# usage: tests/bench/analyze.sh [--profile] [N]
#        (ATTUNE_BENCH_BUILD: build directory, ATTUNE_BENCH_JOBS: compile jobs)
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"

do_profile=0
n=680000
for a in "$@"; do
  case $a in
    --profile) do_profile=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9]*) echo "usage: $0 [--profile] [N]" >&2; exit 2 ;;
    *) n=$a ;;
  esac
done

bench_setup collect analyze attune-simulate

# build_study DB N: DB, a study of N sessions with both forms, imported timed.
build_study() {
  local db=$1 n=$2
  simulate_forms "$n" "$work"
  fresh_study "$db"
  import_forms "$db" "$work" "build-$n"
  rm -f "$work/client.csv" "$work/therapist.csv"
}

# what the study of this run would be made of: the simulation, the
# dictionaries and the schema version collect writes today
fresh_study "$work/probe.db"
key="sessions $n, $bench_spc per client, seed $bench_seed, schema $(sqlite3 -readonly "$work/probe.db" "PRAGMA user_version")
$(sha256sum "$client_dict" "$therapist_dict" | sed "s|$top/||")"
rm -f "$work/probe.db"

db="$build/bench-analyze-$n.db"
if [ -f "$db" ] && [ -f "$db.key" ] && [ "$(cat "$db.key")" = "$key" ] &&
   [ "$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations" 2>/dev/null)" = $((2 * n)) ]; then
  echo "== reusing $db"
else
  echo "== building $db: $n sessions, each with the client and the therapist form"
  rm -f "$db.key"
  build_study "$db" "$n"
  printf '%s\n' "$key" >"$db.key"   # only once the study is whole
fi
admins=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations")
# the answers counted straight from the packed rows: the same count as the
# responses view's, much faster
answers=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations a, json_each(a.answers) j
  WHERE j.value IS NOT NULL AND j.value <> ''")
clients=$(sqlite3 -readonly "$db" "SELECT count(*) FROM clients")
db_bytes=$(stat -c %s "$db")
printf '   %s administrations, %s answers, %s clients, %s bytes\n' "$admins" "$answers" "$clients" "$db_bytes"

scan="SELECT count(*), sum(length(answers)) FROM administrations"
echo "-- sqlite3: $scan"
sqlite3 -readonly "$db" "$scan" >/dev/null   # warm-up
for run in 1 2; do
  timed sqlite3 -readonly "$db" "$scan"
  note scan "scan, run $run"
done
printf '      %s\n' "$(cat "$work/last.out")"

# What SQLite costs by itself to hand over the columns analyze reads
# (tests/bench/read_floor.c, every column fetched, nothing done with it):
# in row id order, the cheapest order there is; analyze's order alone (the
# walk of the clients', sessions' and administrations' indexes, reading no
# row); and in analyze's order, every column (the statement of its one
# ordered pass).
cc -O2 -Wall -Wextra -o "$work/read_floor" "$top/tests/bench/read_floor.c" -lsqlite3
for mode in rowid order walk; do
  case $mode in
    rowid) echo "-- SQLite reading analyze's columns in row id order" ;;
    order) echo "-- SQLite walking analyze's order alone (its indexes, no row read)" ;;
    walk) echo "-- SQLite reading analyze's columns in analyze's order" ;;
  esac
  for run in 1 2; do
    timed "$work/read_floor" "$db" $mode
    note "read-$mode" "reading, run $run"
  done
  printf '      %s\n' "$(cat "$work/last.out")"
done

variants=(default)
if "$analyze" all --help 2>&1 | grep -q -- '--threads'; then
  variants=(threads1 default)
fi
for v in "${variants[@]}"; do
  args=()
  [ "$v" = threads1 ] && args=(--threads 1)
  echo "-- analyze all${args[*]:+ ${args[*]}}"
  for run in 1 2; do
    rm -rf "$work/out-$v"
    timed "$analyze" --db "$db" all --out-dir "$work/out-$v" "${args[@]}"
    note "all-$v" "analyze all, run $run"
  done
  sed 's/^/      /' "$work/last.err"
done
if [ ${#variants[@]} -gt 1 ]; then
  if diff -r "$work/out-threads1" "$work/out-default" >/dev/null; then
    echo "   --threads 1 and the default wrote the same files, byte for byte"
  else
    echo "   --threads 1 and the default wrote different files:"
    diff -rq "$work/out-threads1" "$work/out-default" | sed 's/^/      /' || true
  fi
fi
echo "-- the files of analyze all"
out_bytes=0
for f in "$work"/out-default/*; do
  printf '   %-24s %12s bytes %10s lines\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(wc -l <"$f")"
  out_bytes=$((out_bytes + $(stat -c %s "$f")))
done
printf '   %-24s %12s bytes\n' "in all" "$out_bytes"

# What writing the tables costs by itself: dd writes as many bytes of zeros
# into a new file beside them, in 64 KiB blocks (analyze writes its files
# through 64 KiB buffers too).  No program that writes these tables can take
# less, whatever it does to read and compute them.
echo "-- dd: $out_bytes bytes of zeros written into a new file, 64 KiB at a time"
for run in 1 2; do
  rm -f "$work/floor"
  timed dd if=/dev/zero of="$work/floor" bs=65536 count=$(((out_bytes + 65535) / 65536)) status=none
  note floor "writing the bytes, run $run"
done
rm -f "$work/floor"

# ---- the figures ------------------------------------------------------------

echo
echo "== figures: $admins administrations ($clients clients, $db_bytes bytes; better of 2 runs)"
printf '%-34s %9s %9s %9s %11s %11s\n' "" "wall s" "CPU s" "peak MB" "x scan wall" "x scan CPU"
ratio() { if [ "$(calc "$2 > 0")" = 1 ]; then calc "$1 / $2" 2; else echo -; fi; }
row() {
  printf '%-34s %9.2f %9.2f %9.1f %11s %11s\n' "$1" "${best_secs[$2]}" "${best_cpu[$2]}" \
    "$(calc "${best_kb[$2]} / 1024" 1)" \
    "$(ratio "${best_secs[$2]}" "${best_secs[scan]}")" "$(ratio "${best_cpu[$2]}" "${best_cpu[scan]}")"
}
row "sqlite3 scan of administrations" scan
row "SQLite: columns in row id order" read-rowid
row "SQLite: analyze's order alone" read-order
row "SQLite: columns in analyze's order" read-walk
row "dd: writing as many bytes" floor
for v in "${variants[@]}"; do
  case $v in
    threads1) row "analyze all --threads 1" all-threads1 ;;
    default) row "analyze all" all-default ;;
  esac
done
yes_no() { [ "$(calc "$1")" = 1 ] && echo yes || echo no; }
echo
echo "targets of issue 6:"
for v in "${variants[@]}"; do
  r=$(ratio "${best_secs[all-$v]}" "${best_secs[scan]}")
  m=$(calc "${best_kb[all-$v]} / 1024" 1)
  printf '   %-26s at most 2 x the scan: %s (%s); peak under 64 MB: %s MB (%s)\n' \
    "analyze all$([ "$v" = threads1 ] && echo ' --threads 1')" "$r" \
    "$([ "$r" = - ] && echo -  || yes_no "$r <= 2")" "$m" "$(yes_no "$m < 64")"
done
printf '   writing the %s bytes of the tables alone takes %s x the scan\n' "$out_bytes" \
  "$(ratio "${best_secs[floor]}" "${best_secs[scan]}")"
printf '   reading the columns analyze needs alone takes %s x the scan in row id order, %s x in its order\n' \
  "$(ratio "${best_secs[read-rowid]}" "${best_secs[scan]}")" "$(ratio "${best_secs[read-walk]}" "${best_secs[scan]}")"
printf '   walking its order alone, reading no row, takes %s x the scan\n' \
  "$(ratio "${best_secs[read-order]}" "${best_secs[scan]}")"

# ---- where the time goes ----------------------------------------------------

if [ "$do_profile" = 1 ]; then
  pn=20000
  echo
  echo "== profile: analyze all on $pn sessions of both forms under callgrind (instructions, inclusive)"
  build_study "$work/profile.db" "$pn" >/dev/null
  args=()
  [ ${#variants[@]} -gt 1 ] && args=(--threads 1)   # one thread: callgrind runs threads one at a time
  profile "$work/analyze.cg" "$analyze" --db "$work/profile.db" all --out-dir "$work/out-profile" "${args[@]}"
  profile_summary "$work/analyze.cg" $((2 * pn)) "SQLite reads" "scoring" "analyses and output"
  # the same ratio as above, in instructions (which the machine's load does not change)
  profile "$work/scan.cg" sqlite3 -readonly "$work/profile.db" "$scan"
  all_ir=$(callgrind_annotate "$work/analyze.cg" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  scan_ir=$(callgrind_annotate "$work/scan.cg" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  printf '   the bare scan: %s instructions; analyze all takes %s times as many\n' "$scan_ir" \
    "$(calc "$all_ir / $scan_ir" 1)"
fi
