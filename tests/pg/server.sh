#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, reached only through a Unix
# socket in DIR (no TCP), with trust authentication, UTF8 and the C locale.
#
# usage: server.sh start DIR   initialise a cluster in DIR/data and start it;
#                              a server already running there is left running
#        server.sh stop DIR    stop it (fast shutdown) and remove DIR
#
# Clients connect with `psql -h DIR postgres`.  initdb and postgres refuse to
# run as root, so under root they run as the postgres account, which then
# owns DIR, and a superuser role named after the calling account is made so
# that root's programs connect without -U.  PG_BIN overrides where the
# server programs are (default: PostgreSQL 15's on Debian).
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
marker=.attune-test-pg   # written by start: stop removes only such a folder

fail() {
  echo "server.sh: $*" >&2
  exit 1
}

case "$#:${1:-}" in
  2:start | 2:stop) ;;
  *) fail "usage: server.sh start|stop DIR" ;;
esac
cmd=$1
dir=$2
[ -n "$dir" ] || fail "DIR is empty"
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac

me=$(id -un)
# as_server CMD ARGS...: runs a command as the account that owns the cluster
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || fail "running as root needs the '$owner' account (Debian's postgresql package makes it)"
  as_server() { runuser -u "$owner" -- "$@"; }
else
  owner=$me
  as_server() { "$@"; }
fi

running() { [ -f "$dir/data/postmaster.pid" ] && as_server "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

start() {
  [ -x "$bin/initdb" ] || fail "no PostgreSQL server programs in $bin (install postgresql, or set PG_BIN)"
  # the socket's path, DIR/.s.PGSQL.5432, must fit a Unix socket address
  [ $((${#dir} + 16)) -le 107 ] || fail "'$dir' is too long a path for a Unix socket"
  mkdir -p "$dir"
  if [ -e "$dir/data" ] && [ ! -f "$dir/$marker" ]; then
    fail "'$dir/data' exists and was not made by this script"
  fi
  if [ "$owner" != "$me" ]; then
    chown "$owner" "$dir"
    chmod 700 "$dir"
    as_server test -w "$dir" ||
      fail "the $owner account cannot reach '$dir' (every folder above it must be searchable by $owner)"
  fi
  touch "$dir/$marker"
  if running; then
    echo "PostgreSQL already running, socket in $dir"
    return 0
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_server "$bin/initdb" -D "$dir/data" --auth=trust --encoding=UTF8 --locale=C \
      --username="$owner" >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; fail "initdb failed in '$dir/data'"; }
    cat >>"$dir/data/postgresql.conf" <<EOF

# attune tests: a socket in the test folder only, and no durability needed
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
  fi
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1 ||
    { tail -n 20 "$dir/server.log" >&2 2>/dev/null; fail "the server in '$dir' did not start (log: $dir/server.log)"; }
  if [ "$owner" != "$me" ]; then
    # a superuser role for the calling account, once
    if ! as_server "$bin/psql" -X -q -h "$dir" -U "$owner" -d postgres -v ON_ERROR_STOP=1 \
           -v role="$me" >/dev/null <<'SQL'; then
SELECT format('CREATE ROLE %I SUPERUSER LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SQL
      fail "could not make the role '$me'"
    fi
  fi
  echo "PostgreSQL started, socket in $dir"
}

stop() {
  [ -e "$dir" ] || return 0
  [ -f "$dir/$marker" ] || fail "'$dir' was not made by 'server.sh start'; left as it is"
  if [ -f "$dir/data/postmaster.pid" ]; then
    if ! as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      # it would not stop: the postmaster (first line of its pid file) is told
      # to quit at once, then killed
      pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf "$dir"
}

"$cmd"
