#!/usr/bin/env bash
# collect run on a pseudo-terminal (made by script(1)), where the terminal's
# own line discipline stands between the person and attune:
#   - a line that fills the terminal's line (4,095 bytes: the rest of a
#     long paste is dropped by the terminal) is asked again, not saved cut;
#   - a terminal closed in the middle of the questionnaire (a tmux session
#     killed) keeps the answers given so far in the unsaved file.
#
# usage: run.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-terminal.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export PATH="$build/collect:$PATH" TZ=UTC LC_ALL=C ATTUNE_DB="$work/attune.db"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

collect init >/dev/null && collect instrument add client_post_session >/dev/null &&
  collect therapist add T01 >/dev/null && collect client add C01 --therapist T01 >/dev/null ||
  { echo "FAIL: cannot set up the study"; exit 1; }

# type LINE...: the lines, one every 0.2 s, as a person at the terminal
type_lines() {
  sleep 1
  for l in "$@"; do
    printf '%s\n' "$l"
    sleep 0.2
  done
}

# six alliance answers, no rupture, then the comment: first 5,000 bytes in
# one line (cut by the terminal: asked again), then 4,094 (whole: taken),
# then y at the review
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
fits=$(head -c 4094 /dev/zero | tr '\0' 'y')   # with its Enter, the most a terminal line holds
type_lines 4 4 4 4 4 4 0 "$long" "$fits" y |
  timeout 60 script -qec "collect run client_post_session --client C01" /dev/null >long.tty 2>&1
grep -aq "not accepted: the terminal takes at most 4,095 bytes in one line" long.tty ||
  fail "a line the terminal cut was taken: $(tail -c 400 long.tty)"
grep -aq "Saved as session 1" long.tty || fail "the questionnaire was not saved: $(tail -c 400 long.tty)"
comment=$(sqlite3 "$ATTUNE_DB" "SELECT value FROM responses WHERE field = 'comment'")
[ "$comment" = "$fits" ] || fail "the comment stored is '${comment:0:40}...' (${#comment} bytes), not the 4,094 bytes typed"

# a closed terminal: the questionnaire in a tmux window, three answers
# typed, then the window's session killed (the terminal goes away under
# collect, which gets SIGHUP and an end of input)
if command -v tmux >/dev/null; then
  sock="attune-terminal-$$"
  tmux -L "$sock" new-session -d -s q -x 100 -y 30 \
    "cd '$work' && collect run client_post_session --client C01 --session 2; sleep 30"
  sleep 1
  for a in 5 5 5; do
    tmux -L "$sock" send-keys -t q "$a" Enter
    sleep 0.3
  done
  tmux -L "$sock" kill-server
  for _ in $(seq 100); do
    ls attune-unsaved-client_post_session-*.csv >/dev/null 2>&1 && break
    sleep 0.1
  done
  sleep 0.5   # the file is written whole before its name appears; let collect end
  f=$(ls attune-unsaved-client_post_session-*.csv 2>/dev/null | head -1)
  if [ -z "$f" ]; then
    fail "no unsaved file after the terminal closed: $(ls)"
  else
    [ "$(stat -c %a "$f")" = 600 ] || fail "the unsaved file is mode $(stat -c %a "$f")"
    row=$(sed -n 2p "$f")
    case $row in
      C01,*,2,*,client,*,5,5,5,*) ;;
      *) fail "the unsaved file holds: $(cat "$f")" ;;
    esac
  fi
else
  echo "terminal: tmux missing (tests/run.sh installs it): the closed terminal is not checked"
fi
n=$(sqlite3 "$ATTUNE_DB" "SELECT count(*) FROM administrations")
[ "$n" = 1 ] || fail "$n administrations in the study, not the one saved"

[ $failed = 0 ] && echo "terminal: ok"
exit $failed
