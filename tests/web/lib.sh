# Helpers for the web tests (sourced): a study in a fresh folder, links,
# the real collect serve on a free loopback port, and HTTP requests by curl.
set -u

fail() { echo "FAIL: $*"; exit 1; }

# web_setup BUILD_DIR [pg]: a study with the client questionnaire and clients
# C01..C09 (therapist T01) in a temporary folder $W, removed at exit; with
# pg, the study is a fresh database on the server whose socket folder is
# $ATTUNE_TEST_PGHOST (the test is skipped, 77, without one).
web_setup() {
  export PATH="$1/collect:$PATH"
  WEB_PG=
  if [ "${2:-}" = pg ]; then
    [ -n "${ATTUNE_TEST_PGHOST:-}" ] || { echo "no PostgreSQL server (ATTUNE_TEST_PGHOST unset)"; exit 77; }
    WEB_PG=web_$$
  fi
  W=$(mktemp -d "${TMPDIR:-/tmp}/attune-web.XXXXXX")
  SERVE_PID=
  trap 'serve_kill; web_drop; rm -rf "$W"' EXIT
  export TZ=UTC LC_ALL=C
  if [ -n "$WEB_PG" ]; then
    export PGOPTIONS="-c client_min_messages=warning"
    createdb -h "$ATTUNE_TEST_PGHOST" "$WEB_PG" || fail "createdb"
    export ATTUNE_DB="postgresql:///$WEB_PG?host=$ATTUNE_TEST_PGHOST"
  else
    export ATTUNE_DB=$W/study.db
  fi
  collect init >/dev/null || fail "init"
  collect instrument add "$top/instruments/client_post_session.csv" >/dev/null || fail "instrument add"
  collect therapist add T01 >/dev/null
  for c in C01 C02 C03 C04 C05 C06 C07 C08 C09; do collect client add $c --therapist T01 >/dev/null; done
}

web_drop() { [ -z "${WEB_PG:-}" ] || dropdb -h "$ATTUNE_TEST_PGHOST" --if-exists "$WEB_PG" >/dev/null 2>&1; }

# dbq SQL: what the study's tables give for SQL (one value per line, fields
# joined by |), on either backend; dbw SQL changes them.
dbq() {
  if [ -n "${WEB_PG:-}" ]; then
    psql -X -q -At -h "$ATTUNE_TEST_PGHOST" -c "SET search_path = attune" -c "$1" "$WEB_PG"
  else
    sqlite3 -readonly "$ATTUNE_DB" "$1"
  fi
}
dbw() {
  if [ -n "${WEB_PG:-}" ]; then
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$ATTUNE_TEST_PGHOST" -c "SET search_path = attune" -c "$1" "$WEB_PG"
  else
    sqlite3 "$ATTUNE_DB" "$1"
  fi
}
# db_dump: everything the study holds, as text
db_dump() {
  if [ -n "${WEB_PG:-}" ]; then
    pg_dump -h "$ATTUNE_TEST_PGHOST" "$WEB_PG"
  else
    sqlite3 -readonly "$ATTUNE_DB" .dump
  fi
}

# invite_link INSTRUMENT CLIENT [OPTIONS...]: prints the link's path /s/TOKEN
invite_link() {
  local i=$1 c=$2
  shift 2
  collect invite "$i" --client "$c" "$@" | grep -o '/s/[A-Za-z0-9_-]*' | head -1
}

# serve_start [OPTIONS...]: the server on a free port; BASE is its URL
serve_start() {
  # the last server's log goes first: the new one's shell may not have
  # truncated it yet when the wait below first looks
  rm -f "$W/serve.log"
  collect serve --listen 127.0.0.1:0 "$@" 2>"$W/serve.log" &
  SERVE_PID=$!
  for _ in $(seq 400); do grep -q '^listening on ' "$W/serve.log" 2>/dev/null && break; sleep 0.05; done
  BASE=$(sed -n '1s/^listening on \([^ ]*\).*/\1/p' "$W/serve.log")
  [ -n "$BASE" ] || { cat "$W/serve.log"; fail "serve printed no 'listening on URL' first"; }
}

# serve_stop: SIGTERM; it must exit 0
serve_stop() {
  [ -n "$SERVE_PID" ] || return 0
  kill -TERM "$SERVE_PID"
  wait "$SERVE_PID"
  local rc=$?
  SERVE_PID=
  [ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
}

serve_kill() { study_go; [ -n "${SERVE_PID:-}" ] && kill -KILL "$SERVE_PID" 2>/dev/null; wait 2>/dev/null; true; }

# study_held: whether another program holds the (SQLite) study's write lock
study_held() { ! sqlite3 -cmd ".timeout 0" "$ATTUNE_DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
# study_hold: another program takes the study's write lock and holds it
# until study_go (at most two minutes), however slow the machine
study_hold() {
  rm -f "$W/letgo"
  mkfifo "$W/letgo"
  (echo "BEGIN IMMEDIATE;"; timeout 120 head -n 1 "$W/letgo" | sed '/^go$/d'; echo "COMMIT;") |
    sqlite3 -cmd ".timeout 5000" "$ATTUNE_DB" &
  HOLDER=$!
  for _ in $(seq 200); do study_held && break; sleep 0.05; done
  study_held || fail "the study's write lock was not taken"
}
# study_go [SQL]: the holder lets go, having first run SQL (one line) in the
# transaction it holds (a fifo opened both ways never blocks, and holds the
# line until the holder reads it)
study_go() {
  [ -n "${HOLDER:-}" ] || return 0
  exec 3<>"$W/letgo"
  echo "${1:-go}" >&3
  wait "$HOLDER"
  exec 3>&-
  HOLDER=
}

# req METHOD PATH [curl options...]: the status into $STATUS, headers into
# $W/h, body into $W/b; a browser's Accept header unless ACCEPT is set.
req() {
  local m=$1 p=$2
  shift 2
  STATUS=$(curl -s -o "$W/b" -D "$W/h" -w '%{http_code}' -X "$m" \
    -H "Accept: ${ACCEPT:-text/html,application/xhtml+xml}" "$@" "$BASE$p")
}

# post PATH FIELD=VALUE...: a form post (values url-encoded), as req
post() {
  local p=$1 args=()
  shift
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  req POST "$p" "${args[@]}"
}

# expect WANT: the last status
expect() { [ "$STATUS" = "$1" ] || { head -c 600 "$W/b"; fail "${2:-request}: status $STATUS, want $1"; }; }

# has TEXT / hasnt TEXT: the last body contains (or not) a fixed string
has() { grep -qF -- "$1" "$W/b" || { head -c 1500 "$W/b"; fail "the page lacks: $1"; }; }
hasnt() { ! grep -qF -- "$1" "$W/b" || fail "the page has: $1"; }

# location: the Location header of the last answer
location() { sed -n 's/^[Ll]ocation: \([^[:space:]]*\).*/\1/p' "$W/h" | head -1; }

# stamp: the screen stamp of the last page (the hidden "at" input)
stamp() { sed -n 's/.*name="_at" value="\([^"]*\)".*/\1/p' "$W/b" | head -1; }

# step PATH ACTION [FIELD=VALUE...]: posts a move from the screen now shown
# (GET first, for its stamp); a browser gets 303 back to PATH
step() {
  local p=$1 a=$2
  shift 2
  req GET "$p"
  local at
  at=$(stamp)
  post "$p" "_at=$at" "action=$a" "$@"
}
