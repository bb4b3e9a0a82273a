#!/usr/bin/env bash
# The bash completion of collect and analyze, driven as bash drives it: the
# script sourced, COMP_WORDS and COMP_CWORD set, the function called, and
# COMPREPLY compared with what the tools and the study hold.
#
# usage: completion.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-completion.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export PATH="$build/collect:$build/analyze:$PATH"
export ATTUNE_DB="$work/study.db" TZ=UTC LC_ALL=C
unset ATTUNE_INSTRUMENTS
failed=0

collect init >/dev/null
collect therapist add T01 --cohort 2026a >/dev/null
collect therapist add T02 >/dev/null
collect client add C01 --therapist T01 >/dev/null
collect client add C02 --therapist T02 >/dev/null
collect instrument add client_post_session >/dev/null
collect session add --client C01 --date 2026-03-02 >/dev/null
collect session add --client C01 --date 2026-03-09 >/dev/null
# links: 1 pending, 2 started, 3 revoked, 4 expired; only 1 and 2 can be revoked
# (on C01's two sessions, so that the sessions stay as they are)
collect invite client_post_session --client C01 --session 1 >/dev/null
collect invite client_post_session --client C01 --session 2 >/dev/null
collect invite client_post_session --client C01 --session 1 --rater observer --rater-code O1 >/dev/null
collect invite client_post_session --client C01 --session 2 --rater observer --rater-code O1 >/dev/null
collect invite revoke 3 >/dev/null
sqlite3 "$ATTUNE_DB" "UPDATE invitations SET state = 'started' WHERE id = 2;
  UPDATE invitations SET expires_at = '2000-01-01T00:00:00Z' WHERE id = 4"
collect --db other.db init >/dev/null
collect --db other.db client add X7 >/dev/null
touch answers.csv notes.txt
mkdir results

source "$top/docs/completion/attune.bash"

# expect "WORDS" "REPLY...": completes the last word of WORDS (a trailing
# space starts a new, empty word) and checks the sorted replies
expect() {
  local line=$1 want=$2
  read -r -a COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _attune_complete
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | grep -v '^$' | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$want" ]; then
    echo "ok: '$line' -> $got"
  else
    echo "FAIL: '$line'"
    echo "   want: $want"
    echo "   got:  $got"
    failed=1
  fi
}

expect "collect " "amend client export import init instrument invite log run serve session therapist"
expect "collect cl" "client"
expect "collect --" "--db --help --version --who"
expect "collect client " "add list set"
expect "collect instrument " "add export list shipped show"
expect "collect run " "client_post_session"
expect "collect run client_post_session --c" "--client"
expect "collect run client_post_session --client " "C01 C02"
expect "collect --db other.db run client_post_session --client " "X7"
expect "collect --db=other.db client set " "X7"
expect "collect run client_post_session --rater " "client observer therapist"
expect "collect export client_post_session --format " "long redcap wide"
expect "collect session add --modality t" "telehealth"
expect "collect session set --client C01 --session " "1 2"
expect "collect session set --client C02 --session " ""
expect "collect client set C01 --therapist " "T01 T02"
expect "collect therapist set " "T01 T02"
expect "collect therapist set T01 --cohort " "2026a"
expect "collect instrument add " "answers.csv client_post_session observer_session_rating results srs_template therapist_post_session wai_sr_template"
expect "collect instrument add s" "srs_template"
expect "collect import client_post_session " "answers.csv results"
expect "collect import " "client_post_session"
expect "collect log -o n" "notes.txt"
# options from a command's option table: each subcommand its own
expect "collect log --" "--include-identifiers --output"
expect "collect client set C01 --" "--from-session --reason --therapist"
expect "collect client list --" "--csv --text"
expect "collect session list --" "--client --csv --text"
expect "collect instrument show client_post_session --" "--version"
expect "collect session set --client C01 --session 2 --modality " "in-person telehealth"
expect "collect client set C01 --reason why " ""
expect "collect amend client_post_session --client C01 --r" "--rater --rater-code --reason"
expect "analyze " "agreement all chart episodes growth reliability report ruptures scores trajectories trends"
expect "analyze episodes --rule " "abs rci sd sudden"
expect "analyze scores --rater " "all client observer therapist"
expect "analyze report --format " "csv html pdf text"
expect "analyze scores --client " "C01 C02"
expect "analyze scores --instrument " "client_post_session"
expect "analyze all --out-dir r" "results"
expect "analyze trends --by " "client cohort therapist"
expect "analyze scores --cli" "--client"
# analyze's options from its table: each analysis its own
expect "analyze growth --t" "--therapist --therapist-level --threads --time --to"
expect "analyze growth --center " "client grand none"
expect "analyze agreement --pair " "client,therapist observer,therapist"
expect "analyze all --o" "--out-dir --over"
expect "analyze scores --ru" ""
# invite: its subcommands beside an instrument, the links to revoke, serve's options
expect "collect invite " "client_post_session list revoke"
expect "collect invite l" "list"
expect "collect invite list --" "--csv --text"
expect "collect invite revoke " "1 2"
expect "collect invite revoke 1 " ""
expect "collect --db other.db invite revoke " ""
expect "collect invite client_post_session --" "--base-url --client --expires --qr --rater --rater-code --session"
expect "collect invite client_post_session --client " "C01 C02"
expect "collect invite client_post_session --client C01 " ""
expect "collect serve --" "--base-url --insecure-http --listen --per-address --tls-cert --tls-key --trust-proxy"
expect "collect serve --tls-cert n" "notes.txt"
expect "collect serve --listen " ""
# a study that is not there: no codes, and no error text in the replies
expect "collect --db missing.db run client_post_session --client " ""

exit "$failed"
