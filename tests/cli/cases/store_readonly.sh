# A study whose folder (or file) the user cannot write: reading works (the
# file is read as it is, without SQLite's shared-memory file), writing is
# refused with the reason, and the file is left as it was.  Run as an
# unprivileged user: as root, through setpriv as 'nobody', since root writes
# anything.
export ATTUNE_DB=attune.db
# (in a coverage build, that user's counts go to a folder it may write,
# named once, as some commands run from another folder)
gcov_other="$PWD/gcov-other"
as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    GCOV_PREFIX="$gcov_other" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
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

echo "# a questionnaire the study cannot take, typed in a folder that cannot be"
echo "# written: kept in the home folder, else shown on the screen to copy"
top=$PWD
mkdir busy home stuck
setup collect --db busy/s.db init
setup collect --db busy/s.db instrument add instruments/client_post_session.csv
setup collect --db busy/s.db client add C01
if [ "$(id -u)" -eq 0 ]; then chown -R 65534:65534 busy home; fi
chmod 555 stuck
mkfifo letgo
(echo "BEGIN IMMEDIATE;"; cat letgo >/dev/null; echo "COMMIT;") | as_user sqlite3 -cmd ".timeout 5000" busy/s.db &
# the probe is the same account as the holder: a probe by root that came
# first would leave SQLite's files beside the study for root alone
for _ in $(seq 50); do
  ! as_user sqlite3 -cmd ".timeout 0" busy/s.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 && break
  sleep 0.1
done
for h in home stuck; do
  (cd stuck && printf '4\n4\n4\n4\n4\n2\n0\n\ny\n' |
     HOME="$top/$h" ATTUNE_WAIT=0 as_user collect --db ../busy/s.db run client_post_session \
       --client C01 --session 1 --quiet >/dev/null 2>"$top/kept-$h.err")
  echo "exit $?"
  sed -E "s|$top/||g; s/attune-unsaved-[^ ]*\.csv/attune-unsaved-TIME.csv/g; s/,20[0-9-]{8},/,TODAY,/" "$top/kept-$h.err"
done
echo "kept in the home folder: $(ls home | sed -E 's/-20[0-9T-]*Z/-TIME/'), mode $(stat -c %a home/attune-unsaved-*.csv); in the folder: $(ls stuck | wc -l) files"
: >letgo
wait
chmod 755 stuck
