#!/usr/bin/env bash
# Runs one end-to-end case: tests/cli/cases/NAME.sh in a fresh directory, and
# compares what it prints with tests/cli/expected/NAME.out (diff on failure).
# ATTUNE_UPDATE=1 rewrites the expected file instead (review it before commit).
#
# With pg as the third argument the case's stores are PostgreSQL databases
# on the server whose socket is in ATTUNE_TEST_PGHOST (tests/pg/server.sh;
# without it the case is skipped, exit 77): one database per store the case
# names, made for this run and dropped after it.  The case's output must
# then be the same expected file, once each database's URL is written as
# the store's name (see lib.sh).
#
# usage: case.sh NAME BUILD_DIR [pg]
set -u
name=$1
build=$(cd "$2" && pwd)
backend=${3:-sqlite}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

case $backend in
  sqlite) ;;
  pg)
    if [ -z "${ATTUNE_TEST_PGHOST:-}" ]; then
      echo "ATTUNE_TEST_PGHOST is not set (tests/pg/server.sh starts a server): skipped"
      exit 77
    fi
    if [ "${ATTUNE_UPDATE:-0}" = 1 ]; then
      echo "expected files are written from the SQLite run: ATTUNE_UPDATE=1 case.sh $name BUILD_DIR"
      exit 1
    fi
    ;;
  *) echo "case.sh: '$backend': the third argument is pg or nothing" >&2; exit 2 ;;
esac

unset ATTUNE_TEST_PGSTATE 2>/dev/null || true
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-cli.XXXXXX")
cleanup() {
  if [ -n "${ATTUNE_TEST_PGSTATE:-}" ]; then
    [ -z "${pg_up:-}" ] || _pg -d postgres -v prefix="$ATTUNE_TEST_PGDB-" <<'SQL' >/dev/null
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database
 WHERE starts_with(datname, :'prefix') \gexec
SQL
    rm -rf "$ATTUNE_TEST_PGSTATE"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
ln -s "$top/tests/data" "$work/data"
ln -s "$top/instruments" "$work/instruments"
ln -s "$top/examples" "$work/examples"

export PATH="$build/collect:$build/analyze:$build/examples:$build/tests/tools:$PATH"
export TZ=UTC LC_ALL=C
unset ATTUNE_UPDATE_ALL 2>/dev/null || true
if [ "$backend" = pg ]; then
  # databases ATTUNE_TEST_PGDB-STORE: the case's name and this run's, which
  # no other case's prefix begins with (case names have no '-')
  export ATTUNE_TEST_PGDB="$name-$$"
  ATTUNE_TEST_PGSTATE=$(mktemp -d "${TMPDIR:-/tmp}/attune-cli-pg.XXXXXX")
  export ATTUNE_TEST_PGSTATE ATTUNE_TEST_PGHOST
  source "$here/lib.sh"
  _pg -d postgres -c "SELECT" >/dev/null ||
    { echo "no PostgreSQL server answers at ATTUNE_TEST_PGHOST=$ATTUNE_TEST_PGHOST"; exit 1; }
  pg_up=1
  ATTUNE_DB=$(store attune.db) || exit 1
  export ATTUNE_DB
else
  unset ATTUNE_TEST_PGDB 2>/dev/null || true
  export ATTUNE_DB="$work/attune.db"
fi

actual="$work/actual.out"
(cd "$work" && source "$here/lib.sh" && source "$here/cases/$name.sh") >"$work/raw.out" 2>&1 </dev/null
# the audit trail names the account running the tests: shown as <account>
account=$(id -un)
sed -E "s/(^|,)$account(,| \()/\1<account>\2/g" "$work/raw.out" >"$actual"
if [ "$backend" = pg ]; then
  # a store's URL is shown as the name the SQLite run gives the file
  # (postgresql:///PREFIX-attune.db?host=DIR is attune.db; the default store,
  # "$work/attune.db" there, is printed by the cases with "$PWD/" cut off)
  re() { printf '%s' "$1" | sed 's/[][\\.*^$?+(){}|#]/\\&/g'; }
  sed -i -E "s#postgresql:///$(re "$ATTUNE_TEST_PGDB")-([A-Za-z0-9._-]+)\\?host=$(re "$ATTUNE_TEST_PGHOST")#\\1#g" "$actual"
fi

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
