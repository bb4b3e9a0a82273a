# Setup shared by the benchmarks in this folder, sourced by each of them
# after `set -euo pipefail`.  Sets top and build (ATTUNE_BENCH_BUILD, by
# default build-bench at the top of the tree) and defines bench_setup and
# timed.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${ATTUNE_BENCH_BUILD:-$top/build-bench}

# bench_setup TARGET...: makes sure GNU time and sqlite3 are there, makes a
# release build of TARGET... in $build (its log is shown only when it fails),
# and sets collect, analyze, simulate, dict and work, a scratch folder that
# is removed on exit.
bench_setup() {
  if [ ! -x /usr/bin/time ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing GNU time" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
  fi
  command -v sqlite3 >/dev/null || { echo "$(basename "$0"): sqlite3 is needed" >&2; exit 1; }

  echo "== release build in $build"
  mkdir -p "$build"
  local log="$build/bench-build.log"
  if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
         cmake --build "$build" -j"$(nproc)" --target "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  collect="$build/collect/collect"
  analyze="$build/analyze/analyze"
  simulate="$build/examples/attune-simulate"
  dict="$top/instruments/client_post_session.csv"

  work=$(mktemp -d "${TMPDIR:-/tmp}/attune-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

# timed CMD...: runs CMD under GNU time; sets secs (wall), user and kb (peak).
timed() {
  /usr/bin/time -f '%e %U %M' -o "$work/time.txt" "$@"
  read -r secs user kb <"$work/time.txt"
}
