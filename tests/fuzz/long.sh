#!/usr/bin/env bash
# A long fuzzing run: builds the harnesses optimised (clang, AddressSanitizer
# and UndefinedBehaviorSanitizer) in build-fuzz/ and runs each for SECONDS
# (default 3600), keeping what it finds in build-fuzz/work/NAME so that the
# next long run goes on from there.  A crash stops its harness and leaves its
# input in build-fuzz/work/ (see run.sh for what to do with it).
#
# usage: tests/fuzz/long.sh [SECONDS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash examples/install-deps.sh clang libclang-rt-14-dev
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATTUNE_SANITIZE=ON -DATTUNE_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
secs=${1:-3600}
shift $(($# > 0 ? 1 : 0))
ATTUNE_FUZZ_WORK="$PWD/build-fuzz/work" exec bash tests/fuzz/run.sh build-fuzz "$secs" "$@"
