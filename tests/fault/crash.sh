#!/usr/bin/env bash
# Crash consistency: collect import and collect run are killed with SIGKILL
# at random moments, over and over (at least 20 times each, for about 8
# seconds each).  After every kill the study must pass SQLite's integrity
# and foreign key checks, and hold each import wholly or not at all and each
# questionnaire with all its answers or not at all; a later import of the
# same file must then succeed when nothing of it was stored, and be refused
# when all of it was.
#
# usage: crash.sh BUILD_DIR
BUILD=$(cd "$1" && pwd)
source "$(dirname "$0")/common.sh"

collect init >/dev/null
collect instrument add "$top/instruments/client_post_session.csv" >/dev/null
collect therapist add T01 >/dev/null
collect client add R01 --therapist T01 >/dev/null

# how long an import of N rows takes here: kills are spread over that time
rows=600
answers X "$rows" >probe.csv
start=$(date +%s%N)
collect import client_post_session probe.csv >/dev/null || fail "the probe import failed"
span=$((($(date +%s%N) - start) / 1000000))     # milliseconds
[ "$span" -ge 20 ] || span=20
per=$(q "SELECT count(*) FROM administrations")
[ "$per" -eq "$rows" ] || fail "the probe import stored $per of $rows administrations"

# kill_at MS CMD...: starts CMD, kills it with SIGKILL after MS milliseconds;
# prints whether it had finished by then
kill_at() {
  local ms=$1
  shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(printf '0.%03d' "$ms")" 2>/dev/null || sleep "$((ms / 1000))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    echo killed
  else
    wait "$pid" 2>/dev/null
    echo finished
  fi
}

echo "# import: $rows administrations each, killed within ${span} ms"
trials=0 whole=0 none=0 deadline=$((SECONDS + 8))
while [ "$trials" -lt 20 ] || [ "$SECONDS" -lt "$deadline" ] && [ "$trials" -lt 40 ]; do
  trials=$((trials + 1))
  answers "K$trials" "$rows" "$trials" >"k$trials.csv"
  before=$(q "SELECT count(*) FROM administrations")
  ms=$((RANDOM % (span + span / 4)))
  [ "$ms" -lt 1000 ] || ms=999
  how=$(kill_at "$ms" collect import client_post_session "k$trials.csv")
  sound "import trial $trials (kill after $ms ms)"
  after=$(q "SELECT count(*) FROM administrations")
  mine=$(q "SELECT count(*) FROM administrations a JOIN sessions s ON s.id = a.session_id
            JOIN clients c ON c.id = s.client_id WHERE c.code LIKE 'K${trials}C%'")
  if [ "$how" = finished ] && [ "$mine" -ne "$rows" ]; then
    fail "import trial $trials: finished before the kill but stored $mine of $rows"
  elif [ "$after" -eq "$before" ] && [ "$mine" -eq 0 ]; then
    none=$((none + 1))
    # nothing of it is left behind: the same file imports whole
    collect import client_post_session "k$trials.csv" >/dev/null 2>&1 ||
      fail "import trial $trials: the file does not import after the kill"
    [ "$(q "SELECT count(*) FROM administrations")" -eq $((before + rows)) ] ||
      fail "import trial $trials: the second import did not store every row"
  elif [ "$after" -eq $((before + rows)) ] && [ "$mine" -eq "$rows" ]; then
    whole=$((whole + 1))
    collect import client_post_session "k$trials.csv" >/dev/null 2>&1 &&
      fail "import trial $trials: a stored import was imported twice"
  else
    fail "import trial $trials: $mine of $rows administrations stored (before $before, after $after)"
  fi
  rm -f "k$trials.csv"
done
echo "import: $trials kills, $none before the commit, $whole after"

echo "# run: a questionnaire saved for a session of R01 (its own each time), killed at random"
# one save, not killed, for the number of answers a whole save stores
printf "$RUN_ANSWERS" | collect run client_post_session --client R01 --session 1 --quiet \
  >/dev/null || fail "a run that was not killed failed"
want=$(q "SELECT count(*) FROM responses r JOIN administrations a ON a.id = r.administration_id
          JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
          WHERE c.code = 'R01'")
[ "$want" -gt 0 ] || fail "a saved questionnaire has no answers"
rspan=$(( $(date +%s%N) / 1000000 ))
printf "$RUN_ANSWERS" | collect run client_post_session --client R01 --session 2 --quiet \
  >/dev/null || fail "a second run that was not killed failed"
rspan=$(( $(date +%s%N) / 1000000 - rspan ))
[ "$rspan" -ge 10 ] || rspan=10
trials=0 saved=0 deadline=$((SECONDS + 8))
while [ "$trials" -lt 20 ] || [ "$SECONDS" -lt "$deadline" ] && [ "$trials" -lt 40 ]; do
  trials=$((trials + 1))
  before=$(q "SELECT count(*) FROM administrations")
  ms=$((RANDOM % (rspan + rspan / 2)))
  [ "$ms" -lt 1000 ] || ms=999
  printf "$RUN_ANSWERS" >run_input
  how=$(kill_at "$ms" sh -c "exec collect run client_post_session --client R01 \
        --session $((trials + 2)) --quiet <run_input")
  sound "run trial $trials (kill after $ms ms)"
  after=$(q "SELECT count(*) FROM administrations")
  case $((after - before)) in
    0) [ "$how" = killed ] || fail "run trial $trials: finished before the kill but saved nothing" ;;
    1) saved=$((saved + 1)) ;;
    *) fail "run trial $trials: $((after - before)) administrations from one save" ;;
  esac
done
# every administration of R01 holds a whole questionnaire
partial=$(q "SELECT count(*) FROM (SELECT a.id, count(r.field) AS n FROM administrations a
             JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
             LEFT JOIN responses r ON r.administration_id = a.id
             WHERE c.code = 'R01' GROUP BY a.id) WHERE n <> $want")
[ "$partial" -eq 0 ] || fail "$partial saved questionnaires lack some of their answers"
echo "run: $trials kills, $saved saved whole, none in part"
finish
