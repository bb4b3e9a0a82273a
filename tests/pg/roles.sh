#!/usr/bin/env bash
# The roles of a study on PostgreSQL (collect init --postgres-roles): a web
# server running as a login role of S_serve answers a private link, and
# cannot read stored answers back; a researcher's login role of S_read
# analyses, and cannot write; S_collect writes.  Needs a server: its socket
# folder in $ATTUNE_TEST_PGHOST (tests/pg/server.sh); skipped (77) without.
# usage: roles.sh BUILD_DIR
set -u
[ -n "${ATTUNE_TEST_PGHOST:-}" ] || { echo "no PostgreSQL server (ATTUNE_TEST_PGHOST unset)"; exit 77; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/tests/web/lib.sh"
ok() { echo "ok: $*"; }

host=$ATTUNE_TEST_PGHOST
db=roles_$$
# role names are the server's, not the database's: a schema of its own
# keeps them apart from any other run
schema=rt$$
web=web_$$ res=res_$$ clin=clin_$$
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" "$@"; }
cleanup() {
  serve_kill
  dropdb -h "$host" --if-exists "$db" >/dev/null 2>&1
  for r in "$web" "$res" "$clin" "${schema}_serve" "${schema}_read" "${schema}_collect"; do
    psql_ postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
  done
  rm -rf "$W"
}
export PATH="$build/collect:$build/analyze:$PATH" TZ=UTC LC_ALL=C
W=$(mktemp -d "${TMPDIR:-/tmp}/attune-roles.XXXXXX")
SERVE_PID=
trap cleanup EXIT
createdb -h "$host" "$db" || fail "createdb"
url() { echo "postgresql://$1@/$db?host=$host&options=-csearch_path%3D$schema"; }
owner=$(id -un)
export ATTUNE_DB=$(url "$owner")

collect init --postgres-roles >"$W/init.out" || fail "init --postgres-roles: $(cat "$W/init.out")"
grep -q "^  ${schema}_serve " "$W/init.out" || fail "init named no serve role: $(cat "$W/init.out")"
collect init --postgres-roles >/dev/null || fail "a second --postgres-roles (rights given again)"
psql_ postgres -c "CREATE ROLE $web LOGIN IN ROLE ${schema}_serve;
  CREATE ROLE $res LOGIN IN ROLE ${schema}_read; CREATE ROLE $clin LOGIN IN ROLE ${schema}_collect" ||
  fail "login roles"
ok "init makes the three roles, and again without complaint"

# a clinician's role sets up the study
export ATTUNE_DB=$(url "$clin")
collect instrument add "$top/instruments/client_post_session.csv" >/dev/null || fail "instrument add as collect"
collect therapist add T01 >/dev/null || fail "therapist add as collect"
collect client add C01 --therapist T01 >/dev/null || fail "client add as collect"
collect client add C02 --therapist T01 >/dev/null
link=$(invite_link client_post_session C01)
[ -n "$link" ] || fail "invite as collect"
ok "S_collect adds instruments, people and links"

# the web server as S_serve: a whole questionnaire, saved
export ATTUNE_DB=$(url "$web")
serve_start
req GET "$link"; [ "$STATUS" = 200 ] || fail "link page as serve: $STATUS $(cat "$W/serve.log")"
for a in bond_1=4 bond_2=4 goal_1=4 goal_2=4 task_1=4 task_2=4 rupture=0 followup=0; do
  step "$link" next "$a"
done
req GET "$link"; grep -q 'value="save"' "$W/b" || fail "no review page as serve: $(sed -n 's/.*<h1>\(.*\)<\/h1>.*/\1/p' "$W/b")"
at=$(stamp); post "$link" "_at=$at" action=save
req GET "$link"; [ "$STATUS" = 410 ] || fail "the answered link still open ($STATUS)"
serve_stop
n=$(psql_ -At "$db" -c "SELECT count(*) FROM $schema.administrations WHERE source = 'web'")
[ "$n" = 1 ] || fail "web saves stored: $n"
ok "collect serve as S_serve answers a link and saves it once"

# ... and that role cannot read answers back, nor change people
for q in "SELECT answers FROM $schema.administrations" "SELECT * FROM $schema.responses" \
         "SELECT * FROM $schema.audit"; do
  psql -X -h "$host" -U "$web" "$db" -c "$q" >/dev/null 2>"$W/e" && fail "serve read: $q"
  grep -q 'permission denied' "$W/e" || fail "serve read refused oddly: $(cat "$W/e")"
done
collect client add C03 >/dev/null 2>"$W/e" && fail "serve added a client"
grep -q 'permission denied' "$W/e" || fail "serve write message: $(cat "$W/e")"
ok "S_serve cannot read stored answers or the audit trail, nor add clients"

# a researcher's S_read: every analysis, no writing
export ATTUNE_DB=$(url "$res")
analyze all --out-dir "$W/out" >/dev/null 2>"$W/e" || fail "analyze all as read: $(cat "$W/e")"
grep -q '^client_post_session,C01,T01,1,' "$W/out/scores.csv" || fail "the web answers not in scores.csv"
collect export client_post_session >/dev/null || fail "export as read"
collect client add C04 >/dev/null 2>"$W/e" && fail "read added a client"
grep -q 'permission denied' "$W/e" || fail "read write message: $(cat "$W/e")"
ok "S_read analyses and exports, and cannot write"

# an SQLite study has no roles
collect --db "$W/x.db" init >/dev/null
collect --db "$W/x.db" init --postgres-roles >/dev/null 2>"$W/e" && fail "roles on SQLite"
grep -q 'PostgreSQL' "$W/e" || fail "SQLite roles message: $(cat "$W/e")"
ok "an SQLite study refuses --postgres-roles"
