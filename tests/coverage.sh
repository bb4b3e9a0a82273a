#!/usr/bin/env bash
# Line coverage of lib/ by the test suite: builds with gcc --coverage (no
# sanitizers) in build-coverage/, runs the tests (but for the two kinds
# named below), and prints gcovr's table of lib/'s files and the total.  ATTUNE_COVERAGE_MIN=N makes it fail when
# lib/ is covered less than N percent.  The HTML report goes to
# build-coverage/coverage.html.  Counters are updated atomically: analyze
# reads on a second thread.
set -euo pipefail
cd "$(dirname "$0")/.."
bash examples/install-deps.sh gcovr
dir=build-coverage
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="--coverage -fprofile-update=atomic -O0" -DCMAKE_EXE_LINKER_FLAGS=--coverage \
  >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
find "$dir" -name '*.gcda' -delete
# the browser tests drive the same server code as web.http, more slowly;
# the end-to-end cases on PostgreSQL (cli-pg) reach no line of lib/ that
# their SQLite runs, the pg tests and web-pg do not
ctest --test-dir "$dir" -j"$(nproc)" -E 'browser|^cli-pg\.' >/dev/null ||
  echo "coverage: some tests failed (see ctest --test-dir $dir)" >&2
find "$dir/CMakeFiles" -name '*.gcno' -delete     # CMake's compiler probe
args=(--root . --object-directory "$dir" --filter 'lib/')
gcovr "${args[@]}" --html-details "$dir/coverage.html" >/dev/null
[ -z "${ATTUNE_COVERAGE_MIN:-}" ] || args+=(--fail-under-line "$ATTUNE_COVERAGE_MIN")
gcovr "${args[@]}" --print-summary
