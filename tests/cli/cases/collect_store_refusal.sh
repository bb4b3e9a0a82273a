# Files that are not attune stores are refused with a clear message and left
# exactly as they were (no bytes changed, no -wal or -shm files beside them).
unchanged() {
  [ "$(fingerprint "$1")" = "$2" ] && echo "$1 unchanged: yes" || echo "$1 unchanged: NO"
}

echo "# no store yet"
run collect --db attune.db therapist add T01
run collect --db attune.db instrument list
ls

echo "# a text file"
printf 'client,session\nC001,1\n' >notes.db
fp=$(fingerprint notes.db)
run collect --db notes.db therapist add T01
run collect --db notes.db instrument list
run collect --db notes.db init
unchanged notes.db "$fp"

echo "# an SQLite database of another program"
sqlite3 other.db "CREATE TABLE visits(id INTEGER PRIMARY KEY, note TEXT); INSERT INTO visits(note) VALUES ('kept');"
fp=$(fingerprint other.db)
run collect --db other.db client add C001
run collect --db other.db init
unchanged other.db "$fp"

echo "# a store made by a newer attune (schema 99)"
sqlite3 newer.db "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT; INSERT INTO meta VALUES ('application', 'attune'); PRAGMA user_version = 99;"
fp=$(fingerprint newer.db)
run collect --db newer.db therapist add T01
run collect --db newer.db instrument list
run collect --db newer.db run client_post_session --client C001
run collect --db newer.db init
unchanged newer.db "$fp"
ls

echo "# a place that cannot be written"
# The tests may run as root, for whom a chmod 555 directory is still writable,
# so these use a directory that does not exist and /proc, where no one can
# create a file.
run collect --db no/such/dir/attune.db init
run collect --db /proc/attune.db init
ls

echo "# a study that other accounts can read (copied with another file's mode) is named so"
setup collect --db copied.db init
chmod 644 copied.db
run collect --db copied.db therapist add T01
chmod 600 copied.db
run collect --db copied.db therapist add T02
