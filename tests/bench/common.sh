# shellcheck shell=bash
# Setup shared by the benchmarks in this folder, sourced by each of them
# after `set -euo pipefail`.  Sets top and build (ATTUNE_BENCH_BUILD, by
# default build-bench at the top of the tree) and defines the helpers below.
#
# The benchmarks simulate a study of two forms of the same sessions: the
# client and the therapist post-session questionnaires, 23 sessions per client
# (about 30,000 clients at 680,000 administrations), seed 1.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${ATTUNE_BENCH_BUILD:-$top/build-bench}
bench_spc=23
bench_seed=1
client_dict="$top/instruments/client_post_session.csv"
therapist_dict="$top/instruments/therapist_post_session.csv"

# bench_need COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND (a
# name or a path) is missing.
bench_need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing $2" >&2
  if [ -z "${bench_apt_updated:-}" ]; then
    $sudo apt-get update -qq
    bench_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}

# bench_setup TARGET...: makes sure GNU time and sqlite3 are there, makes a
# release build (with symbols, for the profiles) of TARGET... in $build (its
# log is shown only when it fails; ATTUNE_BENCH_JOBS compile jobs, default 2),
# and sets collect, analyze, simulate and work, a scratch folder that is
# removed on exit.
bench_setup() {
  bench_need /usr/bin/time time
  bench_need sqlite3 sqlite3

  echo "== release build in $build"
  mkdir -p "$build"
  local log="$build/bench-build.log"
  if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release \
           -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG -g" -DBUILD_TESTING=OFF &&
         cmake --build "$build" -j"${ATTUNE_BENCH_JOBS:-2}" --target "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  collect="$build/collect/collect"
  # shellcheck disable=SC2034  # used by analyze.sh, which sources this file
  analyze="$build/analyze/analyze"
  simulate="$build/examples/attune-simulate"

  work=$(mktemp -d "${TMPDIR:-/tmp}/attune-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

# calc EXPR [DECIMALS]: prints the awk expression EXPR (0 decimals unless told).
calc() {
  awk "BEGIN { printf \"%.${2:-0}f\", ($1) }"
}

# timed CMD...: runs CMD under GNU time with its output in $work/last.out and
# $work/last.err (shown when it fails); sets secs (wall), cpu (user + system)
# and kb (peak resident memory).
timed() {
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/last.out" 2>"$work/last.err"; then
    cat "$work/last.out" "$work/last.err" >&2
    echo "$(basename "$0"): failed: $*" >&2
    exit 1
  fi
  local user sys
  read -r secs user sys kb <"$work/time.txt"
  cpu=$(calc "$user + $sys" 2)
}

# note LABEL: prints the run just timed and keeps, for LABEL, the shortest
# wall time, the shortest CPU time and the largest peak of its runs, in
# best_secs, best_cpu and best_kb.
declare -A best_secs=() best_cpu=() best_kb=()
note() {
  local l=$1
  printf '   %-34s %8.2f s wall %8.2f s CPU %8.1f MB peak\n' "${2:-run}" "$secs" "$cpu" \
    "$(calc "$kb / 1024" 1)"
  if [ -z "${best_secs[$l]:-}" ] || [ "$(calc "$secs < ${best_secs[$l]}")" = 1 ]; then
    best_secs[$l]=$secs
  fi
  if [ -z "${best_cpu[$l]:-}" ] || [ "$(calc "$cpu < ${best_cpu[$l]}")" = 1 ]; then
    best_cpu[$l]=$cpu
  fi
  if [ -z "${best_kb[$l]:-}" ] || [ "$kb" -gt "${best_kb[$l]}" ]; then
    best_kb[$l]=$kb
  fi
}

# simulate_forms N DIR [--long]: writes DIR/client.csv and DIR/therapist.csv,
# N administrations of each form, describing the same sessions.
simulate_forms() {
  local n=$1 dir=$2
  shift 2
  "$simulate" --dictionary "$client_dict" --administrations "$n" \
    --sessions-per-client "$bench_spc" --seed "$bench_seed" "$@" -o "$dir/client.csv"
  "$simulate" --dictionary "$therapist_dict" --instrument therapist_post_session \
    --rater therapist --administrations "$n" --sessions-per-client "$bench_spc" \
    --seed "$bench_seed" "$@" -o "$dir/therapist.csv"
}

# fresh_study DB: a new study file DB holding both instruments.
fresh_study() {
  rm -f "$1" "$1-wal" "$1-shm"
  "$collect" --db "$1" init >/dev/null
  "$collect" --db "$1" instrument add "$client_dict" >/dev/null
  "$collect" --db "$1" instrument add "$therapist_dict" >/dev/null
}

# import_forms DB DIR LABEL: imports DIR/client.csv, then DIR/therapist.csv into
# the same sessions of DB, timed; notes them as LABEL-client, LABEL-therapist.
import_forms() {
  local db=$1 dir=$2 label=$3 form
  for form in client therapist; do
    timed "$collect" --db "$db" import "${form}_post_session" "$dir/$form.csv"
    note "$label-$form" "import $form form"
    sed 's/^/      /' "$work/last.out"
  done
}

# profile CALLGRIND_OUT CMD...: runs CMD under callgrind (output kept in the
# file CALLGRIND_OUT); needs valgrind.
profile() {
  local out=$1
  shift
  bench_need valgrind valgrind
  if ! valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
         >"$work/last.out" 2>"$work/last.err"; then
    cat "$work/last.out" "$work/last.err" >&2
    echo "$(basename "$0"): failed under callgrind: $*" >&2
    exit 1
  fi
}

# profile_summary CALLGRIND_OUT ADMINS GROUP...: prints, for each GROUP (a
# name among those below), the functions of that group found in the profile
# with their inclusive cost (instructions, and share of the whole run), the
# largest first; ADMINS is the number of administrations the run handled.
# Inclusive means a function's figure counts everything it calls: a caller
# holds its callees, and groups overlap where one calls into another.
profile_summary() {
  local out=$1 admins=$2
  shift 2
  callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$work/annotate.txt"
  cat >"$work/summary.awk" <<'AWK'
BEGIN {
  # each group: a regular expression over "file:function" (file without its
  # folder; ??? when the object has no line information)
  re["CSV parsing"] = "(^|:)csv_parse$|^csvio\\.c:on_field$"
  re["checking answers"] = "^cmd_import\\.c:check_answers$|(^|:)(field_normalize|instrument_check_known|instrument_compute|import_check_lead|import_check_store)$"
  re["SQLite writes"] = "^cmd_import\\.c:save_row$|(^|:)(store_admin_save|store_session_insert|store_pack|store_commit|store_txn_counts|sqlite3_step)$"
  re["SQLite reads"] = "(^|:)(store_admin_each|store_unpack|store_cols_get|sqlite3_step)$"
  re["scoring"] = "(^|:)(score_eval|score_fill|score_compute|score_uncompute|instrument_scale_terms|expr_eval)$"
  re["analyses and output"] = "^(agreement|episodes|prep|reliability|report|ruptures|scores|trajectories|trends)\\.c:[a-z_]+_(row|client|finish)$|^scan\\.c:client_flush$|(^|:)csvout_[a-z_]+$"
  # a caller that holds the whole run, and its share without the callback it
  # hands each row to
  outer["CSV parsing"] = "???:csv_parse"; inner["CSV parsing"] = "cmd_import.c:on_row"
  outer["SQLite reads"] = "store_view.c:store_admin_each"; inner["SQLite reads"] = "scan.c:on_admin"
  ngroups = split(groups, order, ",")
}
/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; next }
/^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]/ {
  line = $0
  sub(/^ +/, "", line)
  ir = line; sub(/ .*/, "", ir); gsub(",", "", ir)
  name = line; sub(/^[0-9,]+ +\([ 0-9.]+%\) +/, "", name); sub(/ \[.*$/, "", name)
  fn = name; sub(/^.*:/, "", fn)
  file = substr(name, 1, length(name) - length(fn) - 1); sub(/^.*\//, "", file)
  if (fn ~ /'[0-9]+$/) next                 # a recursive call, already counted
  if (file ~ /\.h$/) next                  # code inlined from a header
  key = file ":" fn
  if (key in cost) next
  cost[key] = ir
  keys[++nkeys] = key
}
END {
  if (!total) { print "   (no profile data)"; exit }
  printf "   %s instructions in all, %.0f per administration\n", commas(total), total / admins
  for (g = 1; g <= ngroups; g++) {
    name = order[g]
    printf "   %s\n", name
    shown = 0
    for (k = 1; k <= nkeys && shown < 6; k++)   # keys come largest first
      if (keys[k] ~ re[name]) {
        printf "     %6.2f%%  %15s  %s\n", 100 * cost[keys[k]] / total, commas(cost[keys[k]]), keys[k]
        shown++
      }
    if ((name in outer) && (outer[name] in cost) && (inner[name] in cost)) {
      printf "     %6.2f%%  %15s  %s without %s\n", 100 * (cost[outer[name]] - cost[inner[name]]) / total,
             commas(cost[outer[name]] - cost[inner[name]]), outer[name], inner[name]
      shown++
    }
    if (!shown) print "     (none of its functions in this profile)"
  }
}
function commas(x,   s, r) {
  s = sprintf("%.0f", x)
  r = ""
  while (length(s) > 3) {
    r = "," substr(s, length(s) - 2) r
    s = substr(s, 1, length(s) - 3)
  }
  return s r
}
AWK
  local IFS=,
  awk -v groups="$*" -v admins="$admins" -f "$work/summary.awk" "$work/annotate.txt"
}
