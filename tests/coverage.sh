#!/usr/bin/env bash
# Line coverage of lib/ by the test suite, counted with gcc --coverage
# (ATTUNE_COVERAGE) and read with gcovr: prints the table's summary of
# lib/'s files.  ATTUNE_COVERAGE_MIN=N makes it fail when lib/ is covered
# less than N percent.  The HTML report goes to DIR/coverage.html.
#
#   tests/coverage.sh            builds build-coverage/ (no sanitizers) and
#                                runs the tests there (but for the two kinds
#                                named below)
#   tests/coverage.sh --read DIR reads the counts a test run left in DIR, a
#                                build made with -DATTUNE_COVERAGE=ON
#                                (tests/run.sh's gcc build is one)
set -euo pipefail
cd "$(dirname "$0")/.."
bash examples/install-deps.sh gcovr
if [ "${1:-}" = --read ]; then
  dir=${2:?usage: tests/coverage.sh [--read DIR]}
else
  dir=build-coverage
  cmake -S . -B "$dir" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DATTUNE_COVERAGE=ON \
    -DCMAKE_C_FLAGS=-O0 >/dev/null
  cmake --build "$dir" -j"$(nproc)" >/dev/null
  find "$dir" -name '*.gcda' -delete
  # the browser tests drive the same server code as web.http, more slowly;
  # the end-to-end cases on PostgreSQL (cli-pg) reach no line of lib/ that
  # their SQLite runs, the pg tests and web-pg do not
  ctest --test-dir "$dir" -j"$(nproc)" -E 'browser|^cli-pg\.' >/dev/null ||
    echo "coverage: some tests failed (see ctest --test-dir $dir)" >&2
fi
find "$dir/CMakeFiles" -name '*.gcno' -delete     # CMake's compiler probe
args=(--root . --object-directory "$dir" --filter 'lib/' --html-details "$dir/coverage.html")
[ -z "${ATTUNE_COVERAGE_MIN:-}" ] || args+=(--fail-under-line "$ATTUNE_COVERAGE_MIN")
gcovr "${args[@]}" --print-summary
