#!/usr/bin/env bash
# The progress line of collect import and analyze all: drawn on standard
# error when it is a terminal (a pseudo-terminal made by script(1)), and
# cleared before the command's own output ends; nothing at all on a
# standard error that is a pipe or a file.
#
# usage: progress.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-progress.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export PATH="$build/collect:$build/analyze:$PATH" TZ=UTC LC_ALL=C
failed=0
fail() { echo "FAIL: $*"; failed=1; }
sample="$top/examples/sample/client_post_session.csv"
rows=$(($(wc -l <"$sample") - 1))

study() {   # study NAME: a new study with the client form
  export ATTUNE_DB="$work/$1.db"
  collect init >/dev/null && collect instrument add client_post_session >/dev/null
}

# at_terminal OUT CMD...: runs CMD with standard error (only) on a
# pseudo-terminal, standard output into OUT; prints what the terminal got
at_terminal() {
  local out=$1
  shift
  script -qec "$(printf '%q ' "$@") >$(printf '%q' "$out")" /dev/null
}

study tty
at_terminal import.out collect import client_post_session "$sample" >import.tty || fail "import at a terminal failed"
grep -q "^imported $rows administrations" import.out || fail "import printed: $(cat import.out)"
grep -q "collect: $((rows)) rows" import.tty ||
  fail "no progress line at a terminal: $(od -c import.tty | head -5)"
# the line is drawn from its start and cleared at the end
head -c 1 import.tty | grep -q $'\r' || fail "the line does not start with a carriage return"
[ "$(tail -c 4 import.tty | od -An -c | tr -d ' ')" = '\r033[K' ] ||
  fail "the line is not cleared at the end: $(tail -c 8 import.tty | od -An -c)"

study pipe
collect import client_post_session "$sample" >import.out 2>import.err || fail "piped import failed"
[ ! -s import.err ] || fail "a piped standard error got: $(od -c import.err | head -3)"
collect import client_post_session "$sample" >/dev/null 2>import2.err && fail "a second import was not refused"
grep -q $'\r' import2.err && fail "an error on a piped standard error has a progress line"

ATTUNE_DB="$work/tty.db" at_terminal all.out analyze all --out-dir tty-out >all.tty ||
  fail "analyze all at a terminal failed"
grep -q "analyze: [0-9,]* administrations" all.tty || fail "no progress line from analyze all: $(od -c all.tty | head -5)"
ATTUNE_DB="$work/tty.db" analyze all --out-dir pipe-out >all.out 2>all.err || fail "piped analyze all failed"
grep -q "administrations" all.err && fail "piped analyze all printed progress: $(cat all.err)"
grep -q $'\r' all.err && fail "piped analyze all printed a carriage return"
# the tables are the same either way
diff -r tty-out pipe-out >/dev/null || fail "analyze all wrote other tables at a terminal"

[ "$failed" = 0 ] && echo "progress: drawn at a terminal, silent in a pipe"
exit "$failed"
