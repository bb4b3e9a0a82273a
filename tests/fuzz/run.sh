#!/usr/bin/env bash
# Runs each libFuzzer harness of tests/fuzz on its corpus.
#
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS] [NAME...]
#   BUILD_DIR  a build made with CC=clang -DATTUNE_FUZZ=ON -DATTUNE_SANITIZE=ON
#   SECONDS    how long each harness runs (default 20); tests/run.sh gives a
#              short run, a long one is e.g. 'tests/fuzz/run.sh build-fuzz 3600'
#   NAME       dict, expr, csv, answers, form, pack (default all)
#
# A harness's dictionary of words, tests/fuzz/NAME.dict, is used when there
# is one.  ATTUNE_FUZZ_SEED fixes libFuzzer's seed (tests/run.sh sets 1, so its short
# runs try the same inputs every time; a long run leaves it unset).
#
# Inputs found to add coverage go to a work folder (\$ATTUNE_FUZZ_WORK,
# default a temporary one), never into the seed corpus, so a run changes
# nothing in the repository.  A crash, leak or timeout stops with its input
# saved as crash-*/leak-*/timeout-* in the work folder: copy it into
# tests/fuzz/corpus/NAME/ as regress-WHAT once fixed, so every later run
# replays it.  Exits 1 when a harness failed.
set -u
build=$(cd "$1" && pwd)
secs=${2:-20}
shift $(($# > 2 ? 2 : $#))
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(dict expr csv answers form pack)
here=$(cd "$(dirname "$0")" && pwd)
work=${ATTUNE_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/attune-fuzz.XXXXXX")}
mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for name in "${names[@]}"; do
  bin="$build/tests/fuzz/fuzz_$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz: no harness $bin (build with CC=clang -DATTUNE_FUZZ=ON)" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  log="$work/$name.log"
  # every seed and regression input first, then new inputs for SECONDS
  (cd "$work" && "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      ${ATTUNE_FUZZ_SEED:+-seed="$ATTUNE_FUZZ_SEED"} \
      $([ -f "$here/$name.dict" ] && echo "-dict=$here/$name.dict") \
      -print_final_stats=1 "$work/$name" "$here/corpus/$name") >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ "$rc" -ne 0 ]; then
    echo "fuzz_$name: FAILED after ${runs:-?} runs (log $log):" >&2
    grep -E 'ERROR|SUMMARY|abort|Test unit written' "$log" | head -n 8 >&2
    status=1
  else
    echo "fuzz_$name: ${runs:-?} runs in ${secs}s, no crash"
  fi
done
[ -n "${ATTUNE_FUZZ_WORK:-}" ] || [ "$status" -ne 0 ] || rm -rf "$work"
exit $status
