#!/usr/bin/env bash
# The PostgreSQL backend's own behaviour, beside what the end-to-end cases
# show on both backends: URLs and passwords, servers and schemas that are not
# a study, a newer schema, an import undone whole when the server refuses a
# row late, a busy study waited for, a read-only command that cannot write,
# and a study in a schema of its own.  Needs a server: its socket folder in
# $ATTUNE_TEST_PGHOST (tests/pg/server.sh); skipped (77) without.
# usage: store.sh BUILD_DIR
set -u
[ -n "${ATTUNE_TEST_PGHOST:-}" ] || { echo "no PostgreSQL server (ATTUNE_TEST_PGHOST unset)"; exit 77; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
host=$ATTUNE_TEST_PGHOST
db=store_$$
W=$(mktemp -d "${TMPDIR:-/tmp}/attune-pgstore.XXXXXX")
holder=
private=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  [ -n "$private" ] && bash "$here/server.sh" stop "$private" >/dev/null 2>&1
  # a check that failed part way may leave a server or a run behind
  pkill -P $$ 2>/dev/null
  wait 2>/dev/null
  dropdb -h "$host" --if-exists "$db" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT
export PATH="$build/collect:$build/analyze:$build/examples:$PATH" TZ=UTC LC_ALL=C
export PGOPTIONS="-c client_min_messages=warning"
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$host" "$db" -c "$1"; }
createdb -h "$host" "$db" || fail "createdb"
url="postgresql:///$db?host=$host"
export ATTUNE_DB=$url

# ---- URLs -------------------------------------------------------------------
collect --db "postgresql://me:s3cret@/$db?host=$host" client list >"$W/o" 2>"$W/e"
[ $? = 1 ] || fail "a password in the URL was taken"
grep -q 'password in the URL is refused' "$W/e" || fail "password message: $(cat "$W/e")"
grep -q 's3cret' "$W/e" && fail "the password was printed: $(cat "$W/e")"
collect --db "postgresql:///$db?host=$host&password=s3cret" client list 2>"$W/e"
grep -q 's3cret' "$W/e" && fail "the password parameter was printed: $(cat "$W/e")"
grep -q 'password in the URL is refused' "$W/e" || fail "password parameter message: $(cat "$W/e")"
collect --db "postgresql:///$db?host=$W/nowhere" client list 2>"$W/e"
[ $? = 1 ] || fail "an unreachable server did not fail"
grep -q 'cannot connect' "$W/e" || fail "unreachable message: $(cat "$W/e")"
collect --db "postgresql:///$db?host=$host&nosuchoption=1" client list 2>"$W/e"
[ $? = 1 ] || fail "a URL with an unknown option was taken"
ok "a password in the URL is refused and never printed; an unreachable server and a bad URL fail"

# ---- no study, another program's schema, a newer one ---------------------------
collect client list >"$W/o" 2>"$W/e"; [ $? = 1 ] || fail "listing an empty database"
grep -q "holds no attune study in schema \"attune\" (run 'collect init'" "$W/e" || fail "no-study message: $(cat "$W/e")"
[ "$(q "SELECT count(*) FROM pg_namespace WHERE nspname = 'attune'")" = 0 ] || fail "a reading command made the schema"
analyze scores >/dev/null 2>&1 && fail "analyze on an empty database"
q "CREATE SCHEMA attune; CREATE TABLE attune.meta(key text, value text); INSERT INTO attune.meta VALUES ('application', 'other')"
collect init 2>"$W/e"; [ $? = 1 ] || fail "init over another program's schema"
grep -q 'is not an attune study' "$W/e" || fail "other-schema message: $(cat "$W/e")"
[ "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'attune'")" = 1 ] || fail "init changed another program's schema"
q "DROP SCHEMA attune CASCADE"
collect init >/dev/null || fail "init"
collect init 2>"$W/e"; [ $? = 1 ] || fail "a second init"
grep -q 'already a study store' "$W/e" || fail "second init message: $(cat "$W/e")"
q "UPDATE attune.schema_version SET version = 99"
collect client list 2>"$W/e"; [ $? = 1 ] || fail "a newer schema was read"
grep -q 'made by a newer attune (schema 99' "$W/e" || fail "newer-schema message: $(cat "$W/e")"
q "UPDATE attune.schema_version SET version = 3"
ok "no study, another program's schema and a newer schema are refused, and left as they were"

# ---- schemas by name, and versions ------------------------------------------------
spaced="postgresql:///$db?options=-csearch_path%3D%22MyStudy%22,public&host=$host"
collect --db "$spaced" init >/dev/null || fail "init in a quoted schema name"
collect --db "$spaced" client add Q1 >/dev/null || fail "a client in the quoted schema"
[ "$(q 'SELECT count(*) FROM "MyStudy".clients')" = 1 ] || fail "the quoted schema holds no client"
collect --db "postgresql:///$db?options=-csearch_path%3D%24user&host=$host" client list 2>"$W/e"
[ $? = 1 ] && grep -q 'names no schema for the study' "$W/e" || fail "\$user schema: $(cat "$W/e")"
collect --db "postgresql:///$db?password=s3cret&host=$host" client list 2>"$W/e"
grep -q "postgresql:///$db?host=$host'" "$W/e" || fail "a leading password parameter not cut cleanly: $(cat "$W/e")"
q 'UPDATE "MyStudy".schema_version SET version = 2'
collect --db "$spaced" client list 2>"$W/e"; [ $? = 1 ] || fail "schema version 2 read"
grep -q 'has an unknown version 2' "$W/e" || fail "old-version message: $(cat "$W/e")"
q 'UPDATE "MyStudy".schema_version SET version = 3; UPDATE "MyStudy".meta SET value = '"'other'"
collect --db "$spaced" client list 2>"$W/e"; [ $? = 1 ] || fail "another program's meta read"
grep -q 'is not an attune study' "$W/e" || fail "other-meta message: $(cat "$W/e")"
collect --db "$spaced" init --postgres-roles >/dev/null 2>&1 && fail "roles on another program's schema"
q 'UPDATE "MyStudy".meta SET value = '"'attune'"
quoted="postgresql:///$db?options=-csearch_path%3D%22it%27s%22&host=$host"
collect --db "$quoted" init --postgres-roles >"$W/o" 2>"$W/e"; [ $? = 1 ] || fail "roles for a schema name with a quote"
grep -q 'no roles are made for a name with quotes' "$W/e" || fail "quoted roles message: $(cat "$W/e")"
ok "schemas named with capitals or quotes, \$user, and old or foreign schemas are handled or refused plainly"

# ---- an import the server refuses late is undone whole -------------------------
collect instrument add "$top/instruments/client_post_session.csv" >/dev/null || fail "instrument add"
attune-simulate --dictionary "$top/instruments/client_post_session.csv" --administrations 900 \
  --sessions-per-client 9 --seed 3 -o "$W/a.csv" || fail "simulate"
# a rule only the server knows: the 700th row's answers are refused when the
# batch holding it reaches the server, after hundreds were sent
bad=$(sed -n '701p' "$W/a.csv" | cut -d, -f1,3)
q "ALTER TABLE attune.administrations ADD CONSTRAINT not_this CHECK (session_id <> 0 AND NOT (session_id = 700))"
collect import client_post_session "$W/a.csv" >"$W/o" 2>"$W/e"; rc=$?
[ $rc = 1 ] || fail "the refused import exited $rc: $(cat "$W/o" "$W/e")"
grep -q 'not_this' "$W/e" || fail "the server's reason not shown: $(cat "$W/e")"
[ "$(q "SELECT (SELECT count(*) FROM attune.administrations) + (SELECT count(*) FROM attune.sessions) + (SELECT count(*) FROM attune.clients)")" = 0 ] ||
  fail "a refused import left rows behind"
q "ALTER TABLE attune.administrations DROP CONSTRAINT not_this"
collect import client_post_session "$W/a.csv" >/dev/null || fail "the import after the rule went"
[ "$(q "SELECT count(*), max(id) FROM attune.administrations")" = "900|900" ] || fail "ids after an undone import: $(q "SELECT count(*), max(id) FROM attune.administrations")"
ok "an import refused by the server late ($bad) is undone whole, and the next one numbers from 1"

# ---- busy: another writer holds the study --------------------------------------
mkfifo "$W/letgo"
(echo "BEGIN; SELECT pg_advisory_xact_lock(1635021941, hashtext('attune'));"; cat "$W/letgo" >/dev/null; echo "COMMIT;") |
  psql -X -q -h "$host" "$db" >/dev/null &
holder=$!
sleep 0.5
ATTUNE_WAIT=1 collect client add C900 >"$W/o" 2>"$W/e"; rc=$?
[ $rc = 1 ] || fail "a write while the study was held exited $rc"
grep -q 'is busy' "$W/e" || fail "busy message: $(cat "$W/e")"
(sleep 1; echo >"$W/letgo") &
ATTUNE_WAIT=20 collect client add C901 >"$W/o" 2>"$W/e" || fail "a write did not wait for the other writer: $(cat "$W/e")"
wait "$holder"; holder=
[ "$(q "SELECT count(*) FROM attune.clients WHERE code IN ('C900', 'C901')")" = 1 ] || fail "busy writes stored wrongly"
ok "a busy study is waited for, within the bound, and a write past it is refused whole"

# Ctrl-C while a finished questionnaire waits for the held study: the wait
# (a day's bound here) ends at once, nothing is stored, the answers are kept
collect client add C950 >/dev/null || fail "client add C950"
mkfifo "$W/letgo2" "$W/in.fifo"
(echo "BEGIN; SELECT pg_advisory_xact_lock(1635021941, hashtext('attune'));"; cat "$W/letgo2" >/dev/null; echo "COMMIT;") |
  psql -X -q -h "$host" "$db" >/dev/null &
holder=$!
mkdir "$W/stop"
before=$(q "SELECT count(*) FROM attune.administrations")
set -m   # with job control, a background job takes Ctrl-C as a foreground one does
(cd "$W/stop" && script -qec "echo \$\$ >pid; ATTUNE_WAIT=86400 exec collect run client_post_session --client C950 --session 1 --quiet <'$W/in.fifo'" /dev/null >pty.out 2>&1) &
spid=$!
set +m
exec 3>"$W/in.fifo"
printf '4\n4\n4\n4\n4\n4\n0\n0\n\ny\n' >&3
for _ in $(seq 600); do grep -q 'is busy' "$W/stop/pty.out" 2>/dev/null && break; sleep 0.1; done
grep -q 'is busy' "$W/stop/pty.out" || fail "run did not say it waits: $(cat "$W/stop/pty.out")"
kill -INT "$(cat "$W/stop/pid")"
for _ in $(seq 300); do kill -0 $spid 2>/dev/null || break; sleep 0.1; done
kill -0 $spid 2>/dev/null && fail "Ctrl-C did not end the wait for the study"
wait $spid
exec 3>&-
echo >"$W/letgo2"; wait "$holder"; holder=
[ "$(q "SELECT count(*) FROM attune.administrations")" = "$before" ] || fail "a stopped run stored its answers"
kept=$(ls "$W/stop"/attune-unsaved-*.csv 2>/dev/null)
[ -n "$kept" ] || fail "no answers kept: $(cat "$W/stop/pty.out")"
collect import client_post_session "$kept" >/dev/null || fail "the kept answers do not import"
[ "$(q "SELECT count(*) FROM attune.administrations")" = $((before + 1)) ] || fail "the kept answers imported wrongly"
ok "Ctrl-C ends the wait for a held study at once, and the answers kept import"

# ---- read-only commands, and a schema of one's own ------------------------------
before=$(q "SELECT count(*) FROM attune.audit")
analyze all --out-dir "$W/out" >/dev/null 2>"$W/e" || fail "analyze all: $(cat "$W/e")"
[ "$(q "SELECT count(*) FROM attune.audit")" = "$before" ] || fail "analyze wrote"
other="postgresql:///$db?host=$host&options=-csearch_path%3Dtrial2"
collect --db "$other" init >/dev/null || fail "init in schema trial2"
collect --db "$other" client add Z1 >/dev/null || fail "client in trial2"
[ "$(q "SELECT count(*) FROM trial2.clients")" = 1 ] || fail "trial2 holds no client"
[ "$(q "SELECT count(*) FROM attune.clients WHERE code = 'Z1'")" = 0 ] || fail "trial2's client went to attune"
collect client list | grep -q '^Z1,' && fail "attune lists trial2's client"
ok "analyze leaves the study unchanged; a search_path in the URL keeps a second study apart"

# ---- a link to the server that breaks ---------------------------------------------
cut_links() {   # ends every connection of attune's to the study's database
  q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'attune'" >/dev/null
}
link=$(collect invite client_post_session --client C901 | grep -o '/s/[A-Za-z0-9_-]*' | head -1)
collect serve --listen 127.0.0.1:0 2>"$W/serve.log" &
spid=$!
for _ in $(seq 200); do grep -q '^listening on ' "$W/serve.log" && break; sleep 0.05; done
base=$(sed -n '1s/^listening on //p' "$W/serve.log")
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base$link")" = 200 ] || fail "serve's first page"
cut_links
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base$link")" = 200 ] || fail "serve after its link broke: $(tail -2 "$W/serve.log")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/html' --data '_at=q1&action=next&bond_1=3' "$base$link")" = 303 ] ||
  fail "a save after the link broke"
kill -TERM $spid; wait $spid || fail "serve's exit"
answers='4\n4\n4\n4\n4\n4\n'
{ printf "$answers"; sleep 1.5; printf '0\n0\n\ny\n'; } |
  collect run client_post_session --client C901 --quiet >"$W/run.out" 2>&1 &
rpid=$!
sleep 0.7; cut_links
wait $rpid || fail "run after its link broke: $(tail -3 "$W/run.out")"
grep -q '^Saved as session' "$W/run.out" || fail "run did not save: $(tail -3 "$W/run.out")"
ok "a link broken while idle is made again: serve answers and saves, run saves"

# ---- the server gone while a questionnaire is answered -----------------------------
private=$(mktemp -d "${TMPDIR:-/tmp}/attune-pgp.XXXXXX")
bash "$here/server.sh" start "$private" >/dev/null || fail "a private server"
purl="postgresql:///postgres?host=$private&options=-csearch_path%3Dgone"
collect --db "$purl" init >/dev/null && collect --db "$purl" instrument add "$top/instruments/client_post_session.csv" >/dev/null &&
  collect --db "$purl" client add K1 >/dev/null || fail "the private study"
(cd "$W" && { printf "$answers"; sleep 2; printf '0\n0\n\ny\n'; } |
  collect --db "$purl" run client_post_session --client K1 --quiet >run2.out 2>&1) &
rpid=$!
sleep 0.7
bash "$here/server.sh" stop "$private" >/dev/null; private=
wait $rpid; rc=$?
[ $rc = 1 ] || fail "run with its server gone exited $rc: $(tail -3 "$W/run2.out")"
kept=$(cd "$W" && ls attune-unsaved-client_post_session-*.csv 2>/dev/null | head -1)
[ -n "$kept" ] || fail "no answers kept: $(tail -3 "$W/run2.out")"
# (the message is wrapped to the terminal: read as one line)
tr '\n' ' ' <"$W/run2.out" | grep -q "write its number in the attune.session column" || fail "no word of the session number: $(tail -3 "$W/run2.out")"
grep -q "collect import client_post_session $kept" "$W/run2.out" || fail "no import command: $(tail -3 "$W/run2.out")"
[ "$(stat -c %a "$W/$kept")" = 600 ] || fail "the kept answers are readable by others"
# filled in and imported into the study, they are stored as answered
awk -F, -v OFS=, 'NR == 2 { $3 = 1 } { print }' "$W/$kept" >"$W/filled.csv"
collect import client_post_session "$W/filled.csv" >/dev/null || fail "the kept answers do not import"
got=$(q "SELECT string_agg(r.field || '=' || r.value, ',' ORDER BY r.field) FROM attune.responses r
  JOIN attune.administrations a ON a.id = r.administration_id JOIN attune.sessions s ON s.id = a.session_id
  JOIN attune.clients c ON c.id = s.client_id WHERE c.code = 'K1'")
[ "$got" = "bond_1=4,bond_2=4,comment=0,goal_1=4,goal_2=4,rupture=0,task_1=4,task_2=4" ] ||
  fail "the imported answers: $got"
ok "with the server gone, run keeps the answers in a private file that imports once the session is written in"
