# A study whose folder (or file) the user cannot write: reading works (the
# file is read as it is, without SQLite's shared-memory file), writing is
# refused with the reason, and the file is left as it was.  Run as an
# unprivileged user: as root, through setpriv as 'nobody', since root writes
# anything.
export ATTUNE_DB=attune.db
# (in a coverage build, that user's counts go to a folder it may write)
as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    GCOV_PREFIX="$PWD/gcov-other" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}
mkdir shut gcov-other && chmod 777 gcov-other
setup collect --db shut/s.db init
setup collect --db shut/s.db instrument add instruments/client_post_session.csv
setup collect --db shut/s.db import client_post_session examples/sample/client_post_session.csv
sqlite3 shut/s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f shut/s.db-wal shut/s.db-shm
chmod 711 "$PWD"
chmod 555 shut
chmod 644 shut/s.db
before=$(fingerprint shut/s.db)
echo "# reading"
as_user analyze --db shut/s.db scores --instrument client_post_session | head -3
as_user collect --db shut/s.db export client_post_session | wc -l
echo "# writing is refused"
run as_user collect --db shut/s.db therapist add T9
run as_user collect --db shut/s.db import client_post_session examples/sample/client_post_session.csv --replace
echo "unchanged: $([ "$(fingerprint shut/s.db)" = "$before" ] && echo yes || echo NO)"
echo "# a read-only file in a writable folder"
mkdir open
cp shut/s.db open/s.db
chmod 777 open
chmod 444 open/s.db
run as_user collect --db open/s.db therapist add T9
as_user analyze --db open/s.db scores --instrument client_post_session | wc -l
chmod 755 shut open
