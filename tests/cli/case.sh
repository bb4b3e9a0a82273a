#!/usr/bin/env bash
# Runs one end-to-end case: tests/cli/cases/NAME.sh in a fresh directory, and
# compares what it prints with tests/cli/expected/NAME.out (diff on failure).
# ATTUNE_UPDATE=1 rewrites the expected file instead (review it before commit).
#
# usage: case.sh NAME BUILD_DIR
set -u
name=$1
build=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/attune-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
ln -s "$top/tests/data" "$work/data"
ln -s "$top/instruments" "$work/instruments"
ln -s "$top/examples" "$work/examples"

export PATH="$build/collect:$build/analyze:$build/examples:$build/tests/tools:$PATH"
export ATTUNE_DB="$work/attune.db"
export TZ=UTC LC_ALL=C
unset ATTUNE_UPDATE_ALL 2>/dev/null || true

actual="$work/actual.out"
(cd "$work" && source "$here/lib.sh" && source "$here/cases/$name.sh") >"$work/raw.out" 2>&1 </dev/null
# the audit trail names the account running the tests: shown as <account>
account=$(id -un)
sed -E "s/(^|,)$account(,| \()/\1<account>\2/g" "$work/raw.out" >"$actual"

expected="$here/expected/$name.out"
if [ "${ATTUNE_UPDATE:-0}" = 1 ]; then
  cp "$actual" "$expected"
  echo "updated $expected"
  exit 0
fi
if [ ! -f "$expected" ]; then
  echo "no expected file $expected; this case printed:"
  cat "$actual"
  exit 1
fi
diff -u "$expected" "$actual"
