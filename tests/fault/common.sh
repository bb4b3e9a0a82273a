# Helpers for the fault tests (sourced): a fresh study in a temporary folder,
# answer files made by the study simulator, and the checks every test ends
# with.  Needs BUILD (the build folder) set by the caller.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$BUILD/collect:$BUILD/analyze:$BUILD/examples:$PATH"
export TZ=UTC LC_ALL=C USER=tester
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-fault.XXXXXX")
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export ATTUNE_DB="$work/study.db"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# answers PREFIX N: N administrations of client_post_session from the
# simulator, every client code (and the rater code, which is the client's
# own) prefixed with PREFIX, so that each file adds new clients
answers() {
  attune-simulate --dictionary "$top/instruments/client_post_session.csv" \
    --administrations "$2" --seed "${3:-1}" | sed "2,\$s/^C/$1C/; 2,\$s/,client,C/,client,$1C/"
}

q() {
  sqlite3 -readonly "$ATTUNE_DB" "$1"
}

# sound: the file passes SQLite's integrity and foreign key checks
sound() {
  local ic fk
  ic=$(sqlite3 "$ATTUNE_DB" "PRAGMA integrity_check" 2>&1)
  fk=$(sqlite3 "$ATTUNE_DB" "PRAGMA foreign_key_check" 2>&1)
  [ "$ic" = ok ] || fail "$1: integrity_check says: $ic"
  [ -z "$fk" ] || fail "$1: foreign_key_check says: $fk"
}

# a questionnaire's answers for collect run, typed as a person would
RUN_ANSWERS='4\n4\n4\n4\n4\n2\n0\n\ny\n'

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
