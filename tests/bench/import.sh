#!/usr/bin/env bash
# Import benchmark (not a test: it prints figures and checks nothing about
# speed).  Makes a release build, then for each size N (by default 50,000,
# 200,000 and 680,000 administrations per form):
#   - simulates the client and the therapist post-session forms of the same
#     N sessions (wide CSV, the import format);
#   - imports the client form into a fresh study with `collect import`, then
#     the therapist form into the same, now existing, sessions;
#   - loads the same answers in long form (attune-simulate --long) with
#     sqlite3's own `.import` into a plain table, one form at a time.
# Each timed step runs twice; the figures are the shorter wall and CPU (user +
# system) times of the two runs and the larger peak memory (GNU time %M).
# The rates are administrations per wall second and per CPU second.  A table
# at the end sets the figures beside the targets of issue 6.
#
# --profile adds a callgrind profile of the import of a 20,000-row file of
# each form (slow) and prints where its instructions go.
#
# usage: tests/bench/import.sh [--profile] [N...]
#        (ATTUNE_BENCH_BUILD: build directory, ATTUNE_BENCH_JOBS: compile jobs)
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"

do_profile=0
sizes=()
for a in "$@"; do
  case $a in
    --profile) do_profile=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9]*) echo "usage: $0 [--profile] [N...]" >&2; exit 2 ;;
    *) sizes+=("$a") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(50000 200000 680000)

bench_setup collect attune-simulate

db="$work/study.db"
plain="$work/plain.db"
declare -A study_bytes=() plain_bytes=()

for n in "${sizes[@]}"; do
  echo
  echo "== $n administrations of each form ($(calc "int(($n + $bench_spc - 1) / $bench_spc)") clients)"
  simulate_forms "$n" "$work"
  printf '   wide CSV: client %s bytes, therapist %s bytes\n' \
    "$(stat -c %s "$work/client.csv")" "$(stat -c %s "$work/therapist.csv")"
  for run in 1 2; do
    echo "-- collect import, run $run (a fresh study, then the second form into its sessions)"
    fresh_study "$db"
    import_forms "$db" "$work" "$n"
  done
  stored=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations")
  study_bytes[$n]=$(stat -c %s "$db")
  printf '   the study: %s administrations, %s bytes\n' "$stored" "${study_bytes[$n]}"
  rm -f "$work/client.csv" "$work/therapist.csv"

  echo "-- sqlite3 .import of the same answers in long form, into a plain table"
  simulate_forms "$n" "$work" --long
  plain_bytes[$n]=0
  for form in client therapist; do
    rows=$(($(wc -l <"$work/$form.csv") - 1))
    printf '   long CSV, %s form: %s bytes, %s answers\n' "$form" "$(stat -c %s "$work/$form.csv")" "$rows"
    for run in 1 2; do
      rm -f "$plain"
      sqlite3 "$plain" "CREATE TABLE answers(client TEXT, therapist TEXT, session TEXT,
        date TEXT, modality TEXT, rater TEXT, rater_code TEXT, instrument TEXT,
        version TEXT, field TEXT, value TEXT)"
      timed sqlite3 "$plain" ".import --csv --skip 1 $work/$form.csv answers"
      note "$n-long-$form" ".import $form form, run $run"
    done
    loaded=$(sqlite3 -readonly "$plain" "SELECT count(*) FROM answers")
    [ "$loaded" = "$rows" ] || echo "   (sqlite3 loaded $loaded rows of $rows)"
    plain_bytes[$n]=$((plain_bytes[$n] + $(stat -c %s "$plain")))
    rm -f "$work/$form.csv"
  done
  rm -f "$plain" "$db" "$db-wal" "$db-shm"
done

# ---- the figures ------------------------------------------------------------

echo
echo "== figures (better of 2 runs; rates in administrations per second)"
printf '%9s  %-24s %9s %9s %11s %11s %8s\n' N step "wall s" "CPU s" "per wall s" "per CPU s" "peak MB"
for n in "${sizes[@]}"; do
  for step in client therapist long-client long-therapist; do
    l="$n-$step"
    case $step in
      client) what="import client form" ;;
      therapist) what="import therapist form" ;;
      long-*) what=".import ${step#long-} (long)" ;;
    esac
    printf '%9s  %-24s %9.2f %9.2f %11s %11s %8.1f\n' "$n" "$what" "${best_secs[$l]}" \
      "${best_cpu[$l]}" "$(calc "${best_secs[$l]} > 0 ? $n / ${best_secs[$l]} : 0")" \
      "$(calc "${best_cpu[$l]} > 0 ? $n / ${best_cpu[$l]} : 0")" "$(calc "${best_kb[$l]} / 1024" 1)"
  done
  printf '%9s  %-24s %s bytes (two plain tables: %s bytes)\n' "$n" "study file" \
    "${study_bytes[$n]}" "${plain_bytes[$n]}"
done

# ---- beside the targets -----------------------------------------------------

yes_no() { [ "$(calc "$1")" = 1 ] && echo yes || echo no; }
first=${sizes[0]}
last=${sizes[${#sizes[@]}-1]}
echo
echo "== targets of issue 6 (figures per size: ${sizes[*]})"
printf '%-50s' "target"
for n in "${sizes[@]}"; do printf ' %16s' "$n"; done
echo
for form in client therapist; do
  printf '%-50s' "$form import >= 100,000/s (wall)"
  for n in "${sizes[@]}"; do
    r=$(calc "$n / ${best_secs[$n-$form]}")
    printf ' %16s' "$r $(yes_no "$r >= 100000")"
  done
  echo
  printf '%-50s' "$form import >= 100,000/s (per CPU second)"
  for n in "${sizes[@]}"; do
    r=$(calc "$n / ${best_cpu[$n-$form]}")
    printf ' %16s' "$r $(yes_no "$r >= 100000")"
  done
  echo
  printf '%-50s' "$form import faster than .import (time ratio)"
  for n in "${sizes[@]}"; do
    r=$(calc "${best_secs[$n-$form]} / ${best_secs[$n-long-$form]}" 2)
    printf ' %16s' "$r $(yes_no "$r < 1")"
  done
  echo
  printf '%-50s' "$form import peak < 64 MB"
  for n in "${sizes[@]}"; do
    m=$(calc "${best_kb[$n-$form]} / 1024" 1)
    printf ' %16s' "$m $(yes_no "$m < 64")"
  done
  echo
done
if [ "$first" != "$last" ]; then
  echo
  echo "flat across sizes: the rate at $last over the rate at $first (1.00 = flat)"
  for form in client therapist; do
    printf '   %-10s wall %s, CPU %s; peak memory %s MB at %s, %s MB at %s\n' "$form" \
      "$(calc "${best_secs[$first-$form]} * $last / ($first * ${best_secs[$last-$form]})" 2)" \
      "$(calc "${best_cpu[$first-$form]} * $last / ($first * ${best_cpu[$last-$form]})" 2)" \
      "$(calc "${best_kb[$first-$form]} / 1024" 1)" "$first" \
      "$(calc "${best_kb[$last-$form]} / 1024" 1)" "$last"
  done
fi

# ---- where the time goes ----------------------------------------------------

if [ "$do_profile" = 1 ]; then
  pn=20000
  echo
  echo "== profile: import of $pn rows of each form under callgrind (instructions, inclusive)"
  simulate_forms "$pn" "$work"
  fresh_study "$db"
  for form in client therapist; do
    profile "$work/import-$form.cg" "$collect" --db "$db" import "${form}_post_session" "$work/$form.csv"
    echo "-- $form form$([ "$form" = therapist ] && echo ', into the existing sessions')"
    profile_summary "$work/import-$form.cg" "$pn" "CSV parsing" "checking answers" "SQLite writes"
  done
fi
