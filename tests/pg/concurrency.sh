#!/usr/bin/env bash
# Eight programs at once on one study on a PostgreSQL server: two imports of
# disjoint files (the client form and the therapist form), two loops of
# `collect run` fed from standard input (both also trying the same sessions
# of one client), two `collect serve` on free loopback ports answered by
# scripted curl clients through private links (some links saved through
# both servers at the same moment), `analyze all` over and over, and a loop
# of `collect amend`.  Afterwards every save a program reported is stored
# exactly once with the answers it was given, nothing is doubled, no link
# is answered twice, each import is whole, every analyze run succeeded and
# saw one consistent study, and the audit trail holds exactly the amendments
# in their order.  The database is made fresh and dropped at the end.
#
# usage: concurrency.sh BUILD_DIR
#        (needs ATTUNE_TEST_PGHOST, the socket folder of a server where this
#        account may create databases; skipped, exit 77, without it)
set -u
if [ -z "${ATTUNE_TEST_PGHOST:-}" ]; then
  echo "skipped: ATTUNE_TEST_PGHOST is not set (no PostgreSQL server for the tests)"
  exit 77
fi
BUILD=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$BUILD/collect:$BUILD/analyze:$BUILD/examples:$PATH"
export TZ=UTC LC_ALL=C
pghost=$ATTUNE_TEST_PGHOST
client_dict=$top/instruments/client_post_session.csv
therapist_dict=$top/instruments/therapist_post_session.csv

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; exit 1; }
# section: from here on, ok prints only when no check has failed since
section() { mark=$failures; }
ok() { [ "$failures" = "${mark:-0}" ] && echo "ok: $*"; section; }
# errs FILE: the error lines of a program's output
errs() { grep -E '^(> )?collect: ' "$1" | head -3; }

for c in psql createdb; do
  command -v $c >/dev/null || die "ATTUNE_TEST_PGHOST is set but '$c' (PostgreSQL's client) is missing"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/attune-pgconc.XXXXXX")
db="attune_conc_$$_$(date +%s)"
cleanup() {
  # the background programs of this script still running (after a failure)
  # shellcheck disable=SC2046  # one word per job
  kill -KILL $(jobs -p) 2>/dev/null
  wait 2>/dev/null
  psql -X -q -h "$pghost" -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
    echo "note: could not drop database $db"
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

createdb -h "$pghost" "$db" || die "createdb $db on $pghost"
export ATTUNE_DB="postgresql:///$db?host=$pghost"
# q SQL: one query on the study's schema, unaligned, no header
q() { PGOPTIONS='-c search_path=attune' psql -X -q -At -F, -v ON_ERROR_STOP=1 -h "$pghost" -d "$db" -c "$1"; }
# admin_count WHERE: administrations joined to their session and client
admin_count() {
  q "SELECT count(*) FROM administrations a JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id JOIN instruments i ON i.id = a.instrument_id WHERE $1"
}

# ---- the study before the programs start ------------------------------------
collect init >/dev/null || die "collect init"
collect instrument add "$client_dict" >/dev/null || die "instrument add client form"
collect instrument add "$therapist_dict" >/dev/null || die "instrument add therapist form"
collect therapist add T01 >/dev/null || die "therapist add"

# sim PREFIX N SEED FORM: N simulated administrations of FORM (client or
# therapist), every client code prefixed with PREFIX so that files differ in
# clients (the therapists T01... are shared)
sim() {
  local args=(--dictionary "$client_dict")
  [ "$4" = therapist ] && args=(--dictionary "$therapist_dict" --instrument therapist_post_session --rater therapist)
  attune-simulate "${args[@]}" --administrations "$2" --seed "$3" |
    sed "2,\$s/^C/$1C/; 2,\$s/,client,C/,client,$1C/"
}
seed_n=60 na=4000 nb=4000
sim SD $seed_n 1 client >seed_c.csv
sim SD $seed_n 1 therapist >seed_t.csv
collect import client_post_session seed_c.csv >/dev/null || die "seed import, client form"
collect import therapist_post_session seed_t.csv >/dev/null || die "seed import, therapist form"
sim IA $na 2 client >ia.csv
sim IB $nb 3 therapist >ib.csv

# runs: RA by loop 1, RB by loop 2, RS by both (the same sessions)
for c in RA RB RS; do collect client add $c --therapist T01 >/dev/null || die "client add $c"; done
runs=6

# web: one link each for W01..W24, session 1
nweb=24
links=("")
for k in $(seq 1 $nweb); do
  c=$(printf 'W%02d' "$k")
  collect client add "$c" --therapist T01 >/dev/null || die "client add $c"
  l=$(collect invite client_post_session --client "$c" --session 1 | grep -o '/s/[A-Za-z0-9_-]*' | head -1)
  [ -n "$l" ] || die "no link for $c"
  links+=("$l")
done

# amendments: bond_1 of the first ten seed administrations, twice each
namend=10
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
ccol=$(col seed_c.csv attune.client) scol=$(col seed_c.csv attune.session) bcol=$(col seed_c.csv bond_1)
awk -F, -v c="$ccol" -v s="$scol" -v b="$bcol" -v n=$namend 'NR > 1 && $b != "" && k < n {
  k++; v1 = $b % 5 + 1; print $c, $s, $b, v1, v1 % 5 + 1 }' seed_c.csv >amend.targets
[ "$(wc -l <amend.targets)" = $namend ] || die "amend targets: $(cat amend.targets)"

# ---- the eight programs --------------------------------------------------------
start_serve() {   # start_serve N: server N on a free port; its URL in base$N
  collect serve --listen 127.0.0.1:0 2>"serve$1.log" &
  eval "serve$1_pid=$!"
  for _ in $(seq 400); do grep -q '^listening on ' "serve$1.log" && break; sleep 0.05; done
  local b
  b=$(sed -n '1s/^listening on \([^ ]*\).*/\1/p' "serve$1.log")
  [ -n "$b" ] || die "serve $1 did not start: $(cat "serve$1.log")"
  eval "base$1=\$b"
}
start_serve 1
start_serve 2
# shellcheck disable=SC2154  # set by start_serve
[ "$base1" != "$base2" ] || die "both servers on $base1"

collect import client_post_session ia.csv >import_a.out 2>&1 &
pid_ia=$!
collect import therapist_post_session ib.csv >import_b.out 2>&1 &
pid_ib=$!

# run_loop P OWN: for each session, OWN's then RS's questionnaire, bond_1 = P
run_loop() {
  local p=$1 own=$2 s c rc
  for s in $(seq 1 $runs); do
    for c in "$own" RS; do
      printf '%s\n4\n4\n4\n4\n2\n0\n\ny\n' "$p" |
        collect run client_post_session --client "$c" --session "$s" --quiet >"run$p-$c-$s.out" 2>&1
      rc=$?
      echo "$c $s $rc" >>"runs$p.log"
    done
  done
}
run_loop 1 RA &
pid_r1=$!
run_loop 2 RB &
pid_r2=$!

# analyze all over and over (three times at least) until told to stop, then
# once more on the finished study
(
  i=0 last=0
  while :; do
    [ -e stop ] && last=1
    i=$((i + 1))
    analyze all --rater all --out-dir "an$i" >"an$i.log" 2>&1
    echo "$i $?" >>analyze.rc
    [ $last = 1 ] && [ $i -ge 3 ] && break
  done
) &
pid_an=$!

# the amendments: every target to its first value, then all to the second
(
  for pass in 1 2; do
    while read -r c s _ v1 v2; do
      v=$v1; [ $pass = 2 ] && v=$v2
      collect amend client_post_session --client "$c" --session "$s" "bond_1=$v" \
        --reason "pass $pass of $c $s" >/dev/null 2>"amend-$c-$s-$pass.err"
      echo "$c $s $pass $?" >>amend.log
    done <amend.targets
  done
) &
pid_am=$!

# ---- the web clients -------------------------------------------------------------
# web_answers K: link K's answers, one question a request
web_answers() {
  local k=$1
  echo "bond_1=$((1 + k % 5)) goal_1=$((1 + (k + 1) % 5)) task_1=$((1 + (k + 2) % 5))" \
       "bond_2=$((1 + (k + 3) % 5)) goal_2=$((1 + (k + 4) % 5)) task_2=$((1 + (k + 1) % 5))" \
       "rupture=0 comment=web+$k"
}
stamp() { sed -n 's/.*name="_at" value="\([^"]*\)".*/\1/p' "$1" | head -1; }
# walk K BASE BASE2: answers link K to its review, request i through BASE
# when i is even and BASE2 when odd; the review page is left in web-K.page
walk() {
  local k=$1 b1=$2 b2=$3 p="web-$1.page" i=0 kv b at
  curl -s -H 'Accept: */*' "$b1${links[$k]}" >"$p" || return 1
  for kv in $(web_answers "$k"); do
    b=$b1; [ $((i % 2)) = 1 ] && b=$b2
    at=$(stamp "$p")
    curl -s -H 'Accept: */*' --data "_at=$at&action=next&$kv" "$b${links[$k]}" >"$p" || return 1
    i=$((i + 1))
  done
  grep -q 'value="save"' "$p"
}
# save K BASE TAG: posts link K's save; its status into web-K.TAG
save() {
  local at
  at=$(stamp "web-$1.page")
  curl -s -o "web-$1.$3.body" -w '%{http_code}' -H 'Accept: */*' --data "_at=$at&action=save" \
    "$2${links[$1]}" >"web-$1.$3"
}
web_one() {   # web_one FIRST LAST BASE: links answered through one server
  local k
  for k in $(seq "$1" "$2"); do
    walk "$k" "$3" "$3" || { echo "walk $k" >>web.broken; continue; }
    save "$k" "$3" only
  done
}
web_both() {   # web_both FIRST LAST: steps through both servers, then a save at each at once
  local k p1 p2
  for k in $(seq "$1" "$2"); do
    walk "$k" "$base1" "$base2" || { echo "walk $k" >>web.broken; continue; }
    save "$k" "$base1" s1 &
    p1=$!
    save "$k" "$base2" s2 &
    p2=$!
    wait $p1 $p2
  done
}
web_one 1 8 "$base1" &
pid_w1=$!
web_one 9 16 "$base2" &
pid_w2=$!
web_both 17 24 &
pid_w3=$!

wait $pid_ia; rc_ia=$?
wait $pid_ib; rc_ib=$?
wait $pid_r1 $pid_r2 $pid_am $pid_w1 $pid_w2 $pid_w3
touch stop
wait $pid_an

section
# a link already answered answers 410 at both servers, and a second save stores nothing
for k in $(seq 1 $nweb); do
  for b in "$base1" "$base2"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: */*' --data 'action=save' "$b${links[$k]}")
    [ "$code" = 410 ] || fail "link $k answered again at $b: $code"
  done
done
for n in 1 2; do
  eval "p=\$serve${n}_pid"
  # shellcheck disable=SC2154
  kill -TERM "$p"
  wait "$p" || fail "serve $n exited $? after SIGTERM"
done
ok "the programs ran: $(wc -l <analyze.rc) analyze all runs meanwhile; each link answers 410 after"

# ---- the imports: whole, and waited for rather than failed -----------------------------
for x in a b; do
  rc=$rc_ia want=$na
  [ $x = b ] && rc=$rc_ib want=$nb
  [ "$rc" = 0 ] || fail "import $x exited $rc: $(head -c 400 "import_$x.out")"
  grep -q "^imported $want administrations" "import_$x.out" || fail "import $x said: $(head -c 400 "import_$x.out")"
done
got_a=$(admin_count "c.code LIKE 'IAC%'")
got_b=$(admin_count "c.code LIKE 'IBC%'")
[ "$got_a" = $na ] || fail "import a: $got_a of $na administrations stored"
[ "$got_b" = $nb ] || fail "import b: $got_b of $nb administrations stored"
[ "$(admin_count "c.code LIKE 'IAC%' AND (a.source <> 'import' OR i.name <> 'client_post_session' OR a.rater <> 'client')")" = 0 ] ||
  fail "import a's rows are not all client-form imports"
[ "$(admin_count "c.code LIKE 'IBC%' AND (a.source <> 'import' OR i.name <> 'therapist_post_session' OR a.rater <> 'therapist')")" = 0 ] ||
  fail "import b's rows are not all therapist-form imports"
ok "both imports succeeded whole ($got_a and $got_b administrations)"

# ---- collect run: every reported save once, with its answers; RS's sessions once each --
stored_run() {   # stored_run CLIENT SESSION: count and bond_1 of its client-form administrations
  q "SELECT count(*), coalesce(max(r.value), '') FROM administrations a
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     JOIN instruments i ON i.id = a.instrument_id
     LEFT JOIN responses r ON r.administration_id = a.id AND r.field = 'bond_1'
     WHERE c.code = '$1' AND s.number = $2 AND i.name = 'client_post_session'"
}
for p in 1 2; do
  [ "$(wc -l <"runs$p.log")" = $((2 * runs)) ] || fail "run loop $p made $(wc -l <"runs$p.log") of $((2 * runs)) runs"
done
shared_wins=0 at_save=0
for s in $(seq 1 $runs); do
  for p in 1 2; do
    own=RA; [ $p = 2 ] && own=RB
    [ "$(grep -c "^$own $s 0$" "runs$p.log")" = 1 ] || fail "run $own session $s: $(errs "run$p-$own-$s.out")"
    [ "$(stored_run $own "$s")" = "1,$p" ] || fail "run $own session $s stored as (count, bond_1) $(stored_run $own "$s"), want 1,$p"
  done
  won=""
  for p in 1 2; do
    if grep -q "^RS $s 0$" "runs$p.log"; then
      won="$won$p"
    elif grep -q "session $s already has a client rating" "run$p-RS-$s.out"; then
      at_save=$((at_save + 1))
    elif ! grep -q "has already answered" "run$p-RS-$s.out"; then
      fail "run loop $p, RS session $s failed for another reason: $(errs "run$p-RS-$s.out")"
    fi
  done
  if [ ${#won} = 1 ]; then
    shared_wins=$((shared_wins + 1))
    [ "$(stored_run RS "$s")" = "1,$won" ] ||
      fail "RS session $s: loop $won saved it, the study holds (count, bond_1) $(stored_run RS "$s")"
  else
    fail "RS session $s saved by loops '$won' (want exactly one): stored $(stored_run RS "$s")"
  fi
done
[ "$(admin_count "c.code IN ('RA', 'RB', 'RS') AND (a.source <> 'interactive' OR a.status <> 'complete')")" = 0 ] ||
  fail "a run's administration is not a complete interactive one"
ok "collect run: each reported save stored once with its answers; each shared session saved by one loop ($at_save of $runs refused only at the save)"

# ---- the web: each link answered exactly once, through one server -------------------
[ ! -e web.broken ] || fail "links not walked to their review: $(tr '\n' ' ' <web.broken)"
for k in $(seq 1 16); do
  { [ "$(cat "web-$k.only" 2>/dev/null)" = 200 ] && grep -q 'Thank you' "web-$k.only.body"; } ||
    fail "link $k's save answered $(cat "web-$k.only" 2>/dev/null)"
done
for k in $(seq 17 $nweb); do
  codes="$(cat "web-$k.s1" 2>/dev/null) $(cat "web-$k.s2" 2>/dev/null)"
  [ "$codes" = "200 410" ] || [ "$codes" = "410 200" ] || fail "link $k saved at both servers at once answered '$codes'"
done
export_csv=$work/export.csv
collect export client_post_session --include-free-text -o "$export_csv" || fail "export"
for k in $(seq 1 $nweb); do
  c=$(printf 'W%02d' "$k")
  [ "$(admin_count "c.code = '$c' AND s.number = 1 AND a.source = 'web'")" = 1 ] ||
    fail "$c: $(admin_count "c.code = '$c'") administrations"
  want="$c,1,client,$(web_answers "$k" | tr ' ' '\n' | sed 's/^[a-z_0-9]*=//; s/+/ /' | paste -sd,)"
  got=$(awk -F, -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["attune.client"] == c { print $h["attune.client"] "," $h["attune.session"] "," $h["attune.rater"] "," \
      $h["bond_1"] "," $h["goal_1"] "," $h["task_1"] "," $h["bond_2"] "," $h["goal_2"] "," \
      $h["task_2"] "," $h["rupture"] "," $h["comment"] }' "$export_csv")
  [ "$got" = "$want" ] || fail "$c's stored answers: '$got', posted '$want'"
done
bad=$(q "SELECT count(*) FROM invitations i LEFT JOIN administrations a ON a.id = i.administration_id
         WHERE i.state <> 'answered' OR a.id IS NULL OR a.session_id <> i.session_id OR a.source <> 'web'")
[ "$bad" = 0 ] || fail "$bad links not answered by their own administration"
[ "$(q "SELECT count(DISTINCT administration_id) FROM invitations")" = $nweb ] || fail "links share an administration"
[ "$(q "SELECT count(*) FROM invitations WHERE answers <> '[]' OR flow_state IS NOT NULL")" = 0 ] ||
  fail "an answered link keeps its answers"
ok "web: $nweb links answered once each (8 saved at both servers at once, one save won each time)"

# ---- amendments and the audit trail ----------------------------------------------
[ "$(grep -c ' 0$' amend.log)" = $((2 * namend)) ] || fail "amendments that failed: $(grep -v ' 0$' amend.log | tr '\n' ';') $(cat amend-*.err | head -3)"
me=$(id -un)
[ "$(q "SELECT count(*) FROM audit")" = $((2 * namend)) ] || fail "$(q "SELECT count(*) FROM audit") audit rows, want $((2 * namend))"
[ "$(q "SELECT count(*) FROM audit WHERE action <> 'amend' OR field <> 'bond_1' OR who <> '$me'")" = 0 ] ||
  fail "audit rows of another kind: $(q "SELECT action, field, who FROM audit WHERE action <> 'amend' OR field <> 'bond_1' OR who <> '$me'" | head -3)"
[ "$(q "SELECT count(*) FROM audit a JOIN audit b ON b.id > a.id AND b.at < a.at")" = 0 ] ||
  fail "audit rows out of time order"
while read -r c s v0 v1 v2; do
  trail=$(q "SELECT u.old || '>' || u.new || ' ' || u.reason FROM audit u
             JOIN administrations a ON a.id = u.administration_id JOIN sessions se ON se.id = a.session_id
             JOIN clients cl ON cl.id = se.client_id JOIN instruments i ON i.id = a.instrument_id
             WHERE cl.code = '$c' AND se.number = $s AND i.name = 'client_post_session' ORDER BY u.id" | paste -sd';')
  [ "$trail" = "$v0>$v1 pass 1 of $c $s;$v1>$v2 pass 2 of $c $s" ] || fail "$c session $s's trail: $trail"
  [ "$(stored_run "$c" "$s")" = "1,$v2" ] || fail "$c session $s: (count, bond_1) $(stored_run "$c" "$s"), want 1,$v2"
done <amend.targets
collect log >log.csv || fail "collect log"
[ "$(tail -n +2 log.csv | grep -c ',amend,client_post_session,SDC')" = $((2 * namend)) ] || fail "collect log: $(head -3 log.csv)"
ok "the audit trail holds the $((2 * namend)) amendments, each old value the one before it"

# ---- the whole study: nothing doubled, nothing missing ----------------------------
want_total=$((2 * seed_n + na + nb + 2 * runs + shared_wins + nweb))
total=$(q "SELECT count(*) FROM administrations")
[ "$total" = "$want_total" ] || fail "$total administrations, want $want_total"
dups=$(q "SELECT count(*) FROM (SELECT 1 FROM administrations GROUP BY session_id, instrument_id, rater, rater_code
          HAVING count(*) > 1) d")
[ "$dups" = 0 ] || fail "$dups administrations stored twice"
[ "$(q "SELECT count(*) FROM (SELECT 1 FROM clients GROUP BY code HAVING count(*) > 1) d")
$(q "SELECT count(*) FROM (SELECT 1 FROM therapists GROUP BY code HAVING count(*) > 1) d")
$(q "SELECT count(*) FROM (SELECT 1 FROM sessions GROUP BY client_id, number HAVING count(*) > 1) d")" = "0
0
0" ] || fail "a client, therapist or session twice"
# sessions only where something was recorded: every one holds an administration or a link
[ "$(q "SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM administrations a WHERE a.session_id = s.id)
        AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.session_id = s.id)")" = 0 ] ||
  fail "sessions without anything recorded (left by a save that was undone?)"
ok "$total administrations in all, none twice"

# ---- analyze all: every run succeeded on one consistent snapshot ---------------------
if [ "$(awk '$2 != 0' analyze.rc | wc -l)" != 0 ]; then
  f=$(awk '$2 != 0 { print $1; exit }' analyze.rc)
  fail "analyze all run $f failed: $(head -c 400 "an$f.log")"
fi
prev="" seen=""
while read -r i rc; do
  [ "$rc" = 0 ] || continue
  d="an$i"
  # per run: every administration in scores.csv has its four scales, the same
  # administrations are in ruptures.csv and counted by trends.csv, each import
  # is there whole or not at all, and the report (whose lookups of later
  # sessions go through a second connection) finds no session of RA, RB or
  # RS without the client's questionnaire: run makes each such session
  # together with its questionnaire, so only a lookup on a later snapshot
  # than the scan's could see one
  sum=$(awk -F, -v na=$na -v nb=$nb -v seed=$((2 * seed_n)) '
    FNR == 1 { file++; next }
    file == 1 { k = $1 "," $2 "," $4 "," $7 "," $8; if (!(k in sc)) { n++; keys[n] = k } sc[k]++
                scale[k "," $9]++; next }
    file == 2 { rk[$1 "," $2 "," $4 "," $6]++; nr++; next }
    file == 3 && $1 == "client" { tq += $NF; next }
    file == 4 && $1 ~ /^R[ABS]$/ && $5 == "no_questionnaire" { bad = bad " the report finds a session of " $1 " after session " $3 " without its questionnaire;" }
    END {
      for (i = 1; i <= n; i++) {
        k = keys[i]; split(k, p, ",")
        if (sc[k] != 4) bad = bad " " k " has " sc[k] " scores;"
        if (rk[p[1] "," p[2] "," p[3] "," p[4]] != 1) bad = bad " " k " in ruptures " rk[p[1] "," p[2] "," p[3] "," p[4]] " times;"
        if (p[2] ~ /^IAC/) ia++; else if (p[2] ~ /^IBC/) ib++
        else if (p[2] ~ /^SDC/) sd++; else if (p[2] ~ /^W/) web++; else if (p[2] ~ /^R/) run++
      }
      if (nr != n) bad = bad " ruptures.csv has " nr " rows for " n " administrations;"
      if (tq != n) bad = bad " trends counts " tq " questionnaires for " n " administrations;"
      if (ia != 0 && ia != na) bad = bad " import a partly there (" ia ");"
      if (ib != 0 && ib != nb) bad = bad " import b partly there (" ib ");"
      if (sd != seed) bad = bad " " sd " of the " seed " seed administrations;"
      if (bad) print "BAD" bad; else printf "%d %d %d %d %d\n", n, ia + 0, ib + 0, run + 0, web + 0
    }' "$d/scores.csv" "$d/ruptures.csv" "$d/trends.csv" "$d/report.csv")
  case $sum in
    BAD*) fail "analyze all run $i: ${sum#BAD }" ;;
    *)
      if [ -n "$prev" ]; then
        read -r -a a <<<"$prev"
        read -r -a b <<<"$sum"
        for j in 0 1 2 3 4; do
          [ "${b[$j]}" -ge "${a[$j]}" ] || fail "analyze all run $i saw less than the run before ($prev, then $sum)"
        done
      fi
      prev=$sum
      read -r -a b <<<"$sum"
      seen="$seen ${b[1]}/${b[2]}"
      ;;
  esac
done <analyze.rc
read -r -a last <<<"$prev"
[ "${last[0]:-0}" = "$total" ] || fail "the last analyze all, on the finished study, saw ${last[0]:-0} of $total administrations"
ok "analyze all: $(wc -l <analyze.rc) runs, each on one whole snapshot, none seeing less than the one before"
echo "   (the imports' administrations each run saw:$seen)"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pg concurrency: all passed"
