#!/usr/bin/env bash
# Installs what is missing (Debian), then builds and runs every test twice:
# with gcc and with clang, each with warnings as errors under
# AddressSanitizer and UndefinedBehaviorSanitizer (the two compilers'
# sanitizers find different things).  The clang build also holds the
# libFuzzer harnesses, which then run for a short while each on their
# corpora (ATTUNE_FUZZ_SECONDS, default 10; 0 skips them).  The gcc build
# also counts the lines run (gcc --coverage): last, tests/coverage.sh reads
# them and checks that the suite covers 95% of lib/'s lines.
#
# ATTUNE_TEST_BUILD names the gcc build folder (default build-test); the
# clang one is the same name with -clang.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang for the second build and the fuzzers; pdfinfo, pdftotext, xmllint for the
# chart and report tests; help2man for the man pages; bash-completion for the
# completion test (script, for the progress test and the web tests' terminal
# QR code, is in bsdutils); curl, chromium, file and npm for the web tests;
# postgresql for the server the cli-pg tests run against; tmux for the
# terminal test (a terminal closed under collect run)
bash examples/install-deps.sh clang libclang-rt-14-dev poppler-utils libxml2-utils help2man bash-completion \
  curl chromium file bsdutils postgresql tmux
command -v npm >/dev/null || bash examples/install-deps.sh npm

build=${ATTUNE_TEST_BUILD:-build-test}
jobs=$(nproc)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start=$SECONDS

# one throwaway PostgreSQL server for every suite below: the cli-pg tests
# make a database of their own in it for each run of a case
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/attune-pg.XXXXXX")
trap 'bash tests/pg/server.sh stop "$pgdir"' EXIT
bash tests/pg/server.sh start "$pgdir"
export ATTUNE_TEST_PGHOST=$pgdir

suite() {   # suite COMPILER DIR [CMAKE OPTIONS...]
  local cc=$1 dir=$2
  shift 2
  echo "== $cc: build in $dir"
  cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DATTUNE_WERROR=ON \
    -DATTUNE_SANITIZE=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  find "$dir" -name '*.gcda' -delete     # line counts of an earlier run
  # playwright-core drives chromium in the browser test; it lives in the
  # build folder and is used by the tests only
  [ -d "$dir/web-node/node_modules/playwright-core" ] ||
    npm install --prefix "$dir/web-node" --no-audit --no-fund --silent playwright-core@1 >/dev/null ||
    echo "== playwright-core could not be installed: the browser test will be skipped" >&2
  echo "== $cc: tests"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" ${CTEST_EXCLUDE:+-E "$CTEST_EXCLUDE"}
}

cover=${ATTUNE_COVERAGE:-1}     # 0: no line counts and no coverage check
suite gcc "$build" -DATTUNE_COVERAGE="$([ "$cover" = 0 ] && echo OFF || echo ON)"
# the clang build runs every test but the second, PostgreSQL run of the
# end-to-end cases and web tests and the PostgreSQL concurrency test (the
# gcc build has them; pg.store, pg.roles and
# unit.test_db run here too), to keep the suite within ten minutes
CTEST_EXCLUDE='^(cli-pg|web-pg)\.|^pg\.concurrency$' suite clang "$build-clang" -DATTUNE_FUZZ=ON
secs=${ATTUNE_FUZZ_SECONDS:-10}
if [ "$secs" -gt 0 ]; then
  echo "== fuzz: ${secs}s per harness"
  ATTUNE_FUZZ_SEED=${ATTUNE_FUZZ_SEED:-1} bash tests/fuzz/run.sh "$build-clang" "$secs"
fi
# lib/'s line coverage by the suite stays at 95% or more (ATTUNE_COVERAGE=0 skips)
if [ "$cover" != 0 ]; then
  echo "== coverage of lib/"
  ATTUNE_COVERAGE_MIN=95 bash tests/coverage.sh --read "$build" | tail -3
fi
echo "== all tests passed in $((SECONDS - start))s"
