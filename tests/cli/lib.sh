# Helpers for end-to-end cases (sourced by case.sh inside the case's directory).

# show CMD ARGS...: runs the command and prints its stdout, then its stderr
# (each line marked "! "), then its exit code when not 0.
show() {
  local out err rc
  out=$(mktemp) err=$(mktemp)
  "$@" >"$out" 2>"$err"
  rc=$?
  cat "$out"
  sed 's/^/! /' "$err"
  [ "$rc" -eq 0 ] || echo "[exit $rc]"
  rm -f "$out" "$err"
  return 0
}

# run CMD ARGS...: prints the command, then shows what it does.
run() {
  echo "\$ $*"
  show "$@"
}

# feed INPUT CMD ARGS...: like run, with INPUT (printf %b) on standard input.
feed() {
  local input=$1
  shift
  echo "\$ $* <<< $(printf '%q' "$input")"
  printf '%b' "$input" | show "$@"
}

# setup CMD ARGS...: a step that prepares a case, run quietly; what it
# printed is shown only when it fails.
setup() {
  local out
  out=$("$@" 2>&1) || printf 'setup failed: %s\n%s\n' "$*" "$out"
}

# forms_study NAME: a new study NAME (use_store) with the shipped client and
# therapist post-session forms
forms_study() {
  use_store "$1"
  setup collect init
  setup collect instrument add instruments/client_post_session.csv
  setup collect instrument add instruments/therapist_post_session.csv
}


# fingerprint FILE: a checksum, to show a file was left as it was.
fingerprint() {
  sha256sum "$1" | cut -c1-16
}

# --- The store under test ---------------------------------------------------
# A case names its stores as SQLite files (attune.db, sample.db, ...) and
# reaches them through these helpers only, so that it runs unchanged against
# PostgreSQL: case.sh then sets ATTUNE_TEST_PGDB, and the store NAME is the
# database ATTUNE_TEST_PGDB-NAME on the server whose socket is in
# ATTUNE_TEST_PGHOST, with the study in its schema attune.  case.sh turns
# each such database's URL in what the case prints back into NAME.

_pg_mode() { [ -n "${ATTUNE_TEST_PGDB:-}" ]; }

# _pg ARGS...: psql on the test server, quiet (no notices either), stopping
# at the first error
_pg() {
  PGCLIENTENCODING=UTF8 PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
    psql -X -q -v ON_ERROR_STOP=1 -h "$ATTUNE_TEST_PGHOST" "$@"
}

_pg_url() { printf 'postgresql:///%s-%s?host=%s\n' "$ATTUNE_TEST_PGDB" "$1" "$ATTUNE_TEST_PGHOST"; }

# _pg_db SPEC: the database a --db value names (a URL made by store, or a
# store's name)
_pg_db() {
  local spec=$1
  case $spec in
    postgresql:///*) spec=${spec#postgresql:///}; printf '%s\n' "${spec%%\?*}" ;;
    *) printf '%s-%s\n' "$ATTUNE_TEST_PGDB" "$(basename "$spec")" ;;
  esac
}

# _store_name SPEC: the name a case gave the store of a --db value
_store_name() {
  local spec=$1
  if _pg_mode && [ "${spec#postgresql:///"$ATTUNE_TEST_PGDB"-}" != "$spec" ]; then
    spec=${spec#postgresql:///"$ATTUNE_TEST_PGDB"-}
    printf '%s\n' "${spec%%\?*}"
  else
    basename "$spec"
  fi
}

# store NAME: what --db (or ATTUNE_DB) is given for the store NAME: NAME
# itself, or the URL of its database, made empty on first use (as a file
# that does not exist yet, it is where 'collect init' may make a study).
store() {
  if ! _pg_mode; then
    printf '%s\n' "$1"
    return 0
  fi
  case $1 in
    '' | *[!A-Za-z0-9._-]*)
      echo "store: '$1': a store's name is letters, digits, '.', '_' and '-'" >&2
      return 1 ;;
  esac
  local db="$ATTUNE_TEST_PGDB-$1"
  [ ${#db} -le 63 ] || { echo "store: '$db': longer than PostgreSQL's 63 bytes" >&2; return 1; }
  if [ ! -e "$ATTUNE_TEST_PGSTATE/$1" ]; then
    _pg -d postgres -c "CREATE DATABASE \"$db\"" || return 1
    touch "$ATTUNE_TEST_PGSTATE/$1"
  fi
  _pg_url "$1"
}

# use_store NAME: makes the store NAME the one commands use by default.
use_store() {
  ATTUNE_DB=$(store "$1") || return 1
  export ATTUNE_DB
}

# remove_store NAME: the store NAME gone, for a case that starts over.
remove_store() {
  if ! _pg_mode; then
    rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
    return 0
  fi
  _pg -d postgres -c "DROP DATABASE IF EXISTS \"$ATTUNE_TEST_PGDB-$1\" WITH (FORCE)"
  rm -f "$ATTUNE_TEST_PGSTATE/$1"
  store "$1" >/dev/null
}

# store_exists NAME: true when a study (or anything else) was made in the
# store NAME: the file, or in its database any schema or table.
store_exists() {
  if ! _pg_mode; then
    [ -e "$1" ]
    return
  fi
  [ -e "$ATTUNE_TEST_PGSTATE/$1" ] || return 1
  [ "$(_pg -d "$(_pg_db "$1")" -A -t -c "SELECT count(*) FROM pg_namespace
      WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'")" != 0 ] ||
  [ "$(_pg -d "$(_pg_db "$1")" -A -t -c "SELECT count(*) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")" != 0 ]
}

# store_mode NAME: the store file's mode.  In PostgreSQL the same promise,
# "only its owner can read or change it", is that neither the schema attune
# nor anything in it grants a privilege to another role: then 600.
store_mode() {
  if ! _pg_mode; then
    stat -c %a "$1"
    return
  fi
  _pg -d "$(_pg_db "$1")" -A -t -c "
    SELECT CASE WHEN NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'attune') THEN 'no schema attune'
                WHEN count(*) = 0 THEN '600'
                ELSE 'shared: ' || string_agg(DISTINCT what, ', ') END
      FROM (SELECT 'schema attune to ' || coalesce(r.rolname, 'PUBLIC') AS what
              FROM pg_namespace n, aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
             WHERE n.nspname = 'attune' AND a.grantee <> n.nspowner
            UNION ALL
            SELECT c.relname || ' to ' || coalesce(r.rolname, 'PUBLIC')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                   aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
             WHERE n.nspname = 'attune' AND a.grantee <> c.relowner) g"
}

# _as_sqlite_csv: psql's unaligned rows (fields split by 0x1f, rows by 0x1e,
# NULL written 0x1d, a newline after the last row) as sqlite3 -csv writes
# them: NULL empty; quoted (quotes doubled) when empty or holding a control
# character, a space, a quote, an apostrophe, a comma, DEL or any byte over
# 127; else as they are.
_as_sqlite_csv() {
  LC_ALL=C awk -v RS='\036' '
    function cell(v) {
      if (v == "\035") return ""
      if (v == "" || v ~ /[\001-\040"\047,\177-\377]/) { gsub(/"/, "\"\"", v); return "\"" v "\"" }
      return v
    }
    function row(r,   n, i, f, line) {
      n = split(r, f, "\037")
      if (r == "") { n = 1; f[1] = "" }
      line = cell(f[1])
      for (i = 2; i <= n; i++) line = line "," cell(f[i])
      print line
    }
    NR > 1 { row(held) }
    { held = $0 }
    END { if (NR) { sub(/\n$/, "", held); row(held) } }'
}

# query QUERY [PG_QUERY]: the rows of QUERY on the store of $ATTUNE_DB, read
# only, as sqlite3 -csv prints them.  PG_QUERY, when given, is what
# PostgreSQL runs instead: QUERY with SQLite's own functions or orderings
# written in PostgreSQL's terms (NULLs sort first in SQLite, last in
# PostgreSQL; GROUP BY without ORDER BY comes out sorted in SQLite only).
query() {
  if ! _pg_mode; then
    sqlite3 -readonly -csv "${ATTUNE_DB:-attune.db}" "$1"
    return
  fi
  PGOPTIONS="-c search_path=attune -c default_transaction_read_only=on" \
    _pg -d "$(_pg_db "${ATTUNE_DB:-attune.db}")" -A -t -F $'\037' -R $'\036' -P null=$'\035' -c "${2:-$1}" |
    _as_sqlite_csv
}

# sql QUERY [PG_QUERY]: query, after the command line that shows it.
sql() {
  echo "\$ sqlite3 $(_store_name "${ATTUNE_DB:-attune.db}") \"$1\""
  query "$@"
}

# sql_exec STATEMENT: a change made by hand to the store of $ATTUNE_DB
# (the statement is plain SQL both databases read alike).
sql_exec() {
  if ! _pg_mode; then
    sqlite3 "${ATTUNE_DB:-attune.db}" "$1"
    return
  fi
  PGOPTIONS="-c search_path=attune" _pg -d "$(_pg_db "${ATTUNE_DB:-attune.db}")" -c "$1"
}

# store_dump NAME: everything the store NAME holds, as text: sqlite3's .dump,
# or every row of every table of the schema attune, each line the table's
# name and the row, sorted (sequences left out: a refused write may use up
# numbers without keeping anything).
store_dump() {
  if ! _pg_mode; then
    sqlite3 -readonly "$1" .dump
    return
  fi
  _pg -d "$(_pg_db "$1")" -A -t <<'SQL'
SELECT format('SELECT %L || '' '' || t::text FROM attune.%I t ORDER BY 1', c.relname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'attune' AND c.relkind IN ('r', 'p') ORDER BY c.relname \gexec
SQL
}

# store_fingerprint NAME: a checksum of the store NAME, to show it was left
# as it was: of the file's bytes and its write-ahead log's (a write lands
# there first), or of store_dump.
store_fingerprint() {
  if ! _pg_mode; then
    cat "$1" "$1-wal" 2>/dev/null | sha256sum | cut -c1-16
    return
  fi
  store_dump "$1" | sha256sum | cut -c1-16
}
