#!/usr/bin/env bash
# Concurrency: several imports, questionnaires given with collect run, the
# final saves of web links (collect serve) and analyze all, started at once
# on one study, twice over.  Every command
# must succeed, every save must be stored exactly once (each import's rows
# all there, each questionnaire once with all its answers, no
# administration twice), the study must pass SQLite's checks, and each
# analyze all must have written every table.
#
# usage: concurrency.sh BUILD_DIR
BUILD=$(cd "$1" && pwd)
source "$(dirname "$0")/common.sh"

importers=4 runners=4 webbers=3 analysts=2 rows=300
collect init >/dev/null
collect instrument add "$top/instruments/client_post_session.csv" >/dev/null
collect therapist add T01 >/dev/null
for r in $(seq 1 $runners); do
  collect client add "R$r" --therapist T01 >/dev/null
done
for w in $(seq 1 $webbers); do
  collect client add "W$w" --therapist T01 >/dev/null
done
collect serve --listen 127.0.0.1:0 2>serve.log &
spid=$!
for _ in $(seq 400); do grep -q '^listening on ' serve.log && break; sleep 0.05; done
base=$(sed -n '1s/^listening on //p' serve.log)
[ -n "$base" ] || fail "serve did not start: $(cat serve.log)"
# web_ready CLIENT SESSION: a link answered up to its review; prints its path and
# the review's stamp
web_ready() {
  local link at
  link=$(collect invite client_post_session --client "$1" --session "$2" | grep -o '/s/[A-Za-z0-9_-]*')
  curl -s "$base$link" >page
  for kv in bond_1=4 goal_1=3 task_1=4 bond_2=5 goal_2=4 task_2=2 rupture=0 comment=fine; do
    at=$(sed -n 's/.*name="_at" value="\([^"]*\)".*/\1/p' page | head -1)
    curl -s --data "_at=$at&action=next&$kv" "$base$link" >page
  done
  grep -q 'value="save"' page || fail "link of $1 not at its review"
  at=$(sed -n 's/.*name="_at" value="\([^"]*\)".*/\1/p' page | head -1)
  echo "$link $at"
}
# something to analyse from the start
answers S 200 >seed.csv
collect import client_post_session seed.csv >/dev/null || fail "the first import failed"

for round in 1 2; do
  pids=() what=() outs=() links=()
  for w in $(seq 1 $webbers); do links+=("$(web_ready "W$w" "$round")"); done
  for i in $(seq 1 $importers); do
    answers "I${round}x$i" "$rows" "$i" >"i$round-$i.csv"
  done
  for i in $(seq 1 $importers); do
    collect import client_post_session "i$round-$i.csv" >"out.i$round-$i" 2>&1 &
    pids+=($!) what+=("import $round-$i") outs+=("out.i$round-$i")
  done
  for r in $(seq 1 $runners); do
    printf "$RUN_ANSWERS" | collect run client_post_session --client "R$r" --session "$round" \
      --quiet >"out.r$round-$r" 2>&1 &
    pids+=($!) what+=("run R$r session $round") outs+=("out.r$round-$r")
  done
  for w in $(seq 1 $webbers); do
    read -r lk lat <<<"${links[$((w - 1))]}"
    curl -s -o /dev/null -w '%{http_code}' --data "_at=$lat&action=save" "$base$lk" \
      >"out.w$round-$w" 2>&1 &
    pids+=($!) what+=("web save W$w session $round") outs+=("out.w$round-$w")
  done
  for a in $(seq 1 $analysts); do
    analyze all --out-dir "all$round-$a" >"out.a$round-$a" 2>&1 &
    pids+=($!) what+=("analyze all $round-$a") outs+=("out.a$round-$a")
  done
  for k in "${!pids[@]}"; do
    wait "${pids[$k]}" || fail "${what[$k]} failed: $(head -c 300 "${outs[$k]}")"
  done
  for w in $(seq 1 $webbers); do
    [ "$(cat "out.w$round-$w")" = 200 ] || fail "web save W$w session $round answered $(cat "out.w$round-$w")"
    n=$(q "SELECT count(*) FROM responses r JOIN administrations a ON a.id = r.administration_id
           JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
           WHERE c.code = 'W$w' AND s.number = $round AND a.source = 'web'")
    [ "$n" -eq 8 ] || fail "web save W$w session $round: $n of 8 answers stored"
  done
  for i in $(seq 1 $importers); do
    n=$(q "SELECT count(*) FROM administrations a JOIN sessions s ON s.id = a.session_id
           JOIN clients c ON c.id = s.client_id WHERE c.code LIKE 'I${round}x${i}C%'")
    [ "$n" -eq "$rows" ] || fail "import $round-$i: $n of $rows administrations stored"
  done
  for a in $(seq 1 $analysts); do
    for t in scores reliability reliability_items trajectories episodes ruptures trends agreement report; do
      [ -s "all$round-$a/$t.csv" ] || fail "analyze all $round-$a wrote no $t.csv"
    done
  done
done

want=$(q "SELECT count(*) FROM responses r JOIN administrations a ON a.id = r.administration_id
          JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
          WHERE c.code = 'R1' AND s.number = 1")
[ "$want" -gt 0 ] || fail "R1's first questionnaire has no answers"
for r in $(seq 1 $runners); do
  for round in 1 2; do
    got=$(q "SELECT count(*) FROM administrations a JOIN sessions s ON s.id = a.session_id
             JOIN clients c ON c.id = s.client_id WHERE c.code = 'R$r' AND s.number = $round")
    [ "$got" -eq 1 ] || fail "run R$r session $round: stored $got times"
    n=$(q "SELECT count(*) FROM responses r JOIN administrations a ON a.id = r.administration_id
           JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
           WHERE c.code = 'R$r' AND s.number = $round")
    [ "$n" -eq "$want" ] || fail "run R$r session $round: $n of $want answers"
  done
done
total=$(q "SELECT count(*) FROM administrations")
[ "$total" -eq $((200 + 2 * importers * rows + 2 * runners + 2 * webbers)) ] ||
  fail "$total administrations, want $((200 + 2 * importers * rows + 2 * runners + 2 * webbers))"
dups=$(q "SELECT count(*) FROM (SELECT 1 FROM administrations GROUP BY session_id, instrument_id,
          rater, rater_code HAVING count(*) > 1)")
[ "$dups" -eq 0 ] || fail "$dups administrations stored twice"
sound "after both rounds"
kill -TERM $spid
wait $spid || fail "serve exited $?"
echo "$total administrations: 2 rounds of $importers imports, $runners runs, $webbers web saves and $analysts analyze all at once"
finish
