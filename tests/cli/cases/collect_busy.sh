# A study another program is writing to: collect waits (within a bound, here
# ATTUNE_WAIT=1 second), and a finished questionnaire it still cannot save is
# kept in a file to import later, never thrown away.
export ATTUNE_DB=attune.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect therapist add T01
setup collect client add C001 --therapist T01
setup collect session add --client C001 --number 5 --date 2026-09-01
# held_by_other: whether another program holds the study's write lock now
held_by_other() {
  ! sqlite3 -cmd ".timeout 0" attune.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1
}
# another program holds the write lock until told to let go (however slow
# the machine, for as long as run needs)
mkfifo letgo
(echo "BEGIN IMMEDIATE;"; cat letgo >/dev/null; echo "COMMIT;") | sqlite3 -cmd ".timeout 5000" attune.db &
for _ in $(seq 50); do held_by_other && break; sleep 0.1; done
answers='4\n4\n5\n4\n4\n2\n1\n1 3\n3\n0\n2\n1\n\ny\n'
printf "$answers" | ATTUNE_WAIT=1 collect run client_post_session --client C001 --session 1 --quiet \
  >run.out 2>run.err
echo "run: exit $?"
grep -v "^$" run.err | sed -E 's/attune-unsaved-[^ ]*\.csv/attune-unsaved-TIME.csv/g'
kept=$(ls attune-unsaved-*.csv)
echo "kept files: $(echo "$kept" | wc -l), mode $(stat -c %a "$kept")"
echo "# a session already in the study, dated before today: the kept file holds its date"
mkdir dated && cd dated
printf "$answers" | ATTUNE_WAIT=1 collect --db ../attune.db run client_post_session --client C001 \
  --session 5 --quiet >/dev/null 2>/dev/null
dated=$PWD/$(ls attune-unsaved-*.csv)
tail -n 1 "$dated" | cut -d, -f1-7
cd ..
echo "# a kept file never replaces another: one of the same name (made in the same"
echo "# second) stays as it was, and the new one takes the next free name"
mkdir same && cd same
now=$(date -u +%s)
for t in $(seq "$now" $((now + 600))); do
  echo "earlier answers" >"attune-unsaved-client_post_session-$(date -u -d "@$t" +%Y-%m-%dT%H-%M-%SZ).csv"
done
printf "$answers" | ATTUNE_WAIT=1 collect --db ../attune.db run client_post_session --client C001 \
  --session 1 --quiet >/dev/null 2>run.err
echo "run: exit $?"
grep -c '^earlier answers$' attune-unsaved-*Z.csv | grep -vc ':1$' | sed 's/^/earlier files changed: /'
new=$(ls attune-unsaved-*Z-2.csv)
echo "new file: $(echo "$new" | wc -l), $(wc -l <"$new") lines, mode $(stat -c %a "$new")"
grep -c "'$new'" run.err | sed 's/^/named in the message: /'
cd ..
echo "# Ctrl-C, or the terminal closed, while a finished questionnaire waits for"
echo "# the study: the wait ends at once and the answers are kept"
for sig in INT HUP; do
  mkdir "wait$sig" && cd "wait$sig"
  mkfifo in.fifo
  # on a terminal (script(1)), so the wait is told, with the answers piped in
  # (with job control on, a background job takes Ctrl-C as a foreground one does)
  set -m
  script -qec "echo \$\$ >pid; ATTUNE_WAIT=86400 exec collect --db ../attune.db run client_post_session --client C001 --session 1 --quiet <in.fifo" /dev/null >pty.out 2>&1 &
  spid=$!
  set +m
  exec 3>in.fifo
  printf "$answers" >&3
  for _ in $(seq 600); do grep -q 'is busy' pty.out && break; sleep 0.1; done
  kill -"$sig" "$(cat pid)"
  wait $spid
  exec 3>&-
  tr -d '\r' <pty.out | grep '^collect:' | sed -E 's/attune-unsaved-[^ ]*\.csv/attune-unsaved-TIME.csv/g'
  kept2=$(ls attune-unsaved-*.csv)
  echo "kept: $(echo "$kept2" | wc -l), mode $(stat -c %a "$kept2"), the same answers: $(cmp -s <(tail -n 1 "$kept2") <(tail -n 1 "../$kept") && echo yes || echo no)"
  cd ..
done
: >letgo
wait
echo "# once the other program is done, the kept answers import"
collect import client_post_session "$kept"
sql "SELECT count(*) FROM administrations"
sql "SELECT field, value FROM responses WHERE field IN ('tension', 'resolution', 'rupture_kind___3') ORDER BY field"
collect import client_post_session "$dated"
echo "# an import waits for the other writer to finish, then goes through"
(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 -cmd ".timeout 5000" attune.db &
for _ in $(seq 50); do held_by_other && break; sleep 0.1; done
awk -F, -v OFS=, 'NR == 1 { print; next } { $3 = 2; print }' "$kept" >more.csv
ATTUNE_WAIT=20 collect import client_post_session more.csv
wait
sql "SELECT count(*) FROM administrations"
echo "# an import stopped (Ctrl-C, SIGTERM, a closed terminal) says so and is undone whole"
for sig in INT TERM HUP; do
  before=$(store_dump attune.db)
  rm -f rows.fifo
  mkfifo rows.fifo
  set -m
  collect import client_post_session rows.fifo >stop.out 2>stop.err &
  pid=$!
  set +m
  # the file is open once this open returns: the import's transaction has begun
  exec 3>rows.fifo
  { head -n 1 "$kept"; for n in $(seq 10 60); do tail -n 1 "$kept" | awk -F, -v OFS=, -v n="$n" '{ $3 = n; print }'; done; } >&3
  for _ in $(seq 100); do held_by_other && break; sleep 0.1; done
  kill -"$sig" $pid
  exec 3>&-
  wait $pid
  echo "$sig: exit $?, $(cat stop.out stop.err)"
  [ "$(store_dump attune.db)" = "$before" ] && echo "(store unchanged)" || echo "(STORE CHANGED)"
done
echo "# under nohup (SIGHUP ignored from the start) a closed terminal does not stop it"
rm -f rows.fifo
mkfifo rows.fifo
(trap '' HUP; exec collect import client_post_session rows.fifo) >stop.out 2>stop.err &
pid=$!
exec 3>rows.fifo
{ head -n 1 "$kept"; tail -n 1 "$kept" | awk -F, -v OFS=, '{ $3 = 10; print }'; } >&3
for _ in $(seq 100); do held_by_other && break; sleep 0.1; done
kill -HUP $pid
exec 3>&-
wait $pid
echo "HUP under nohup: exit $?, $(cat stop.out stop.err)"
echo "# a study kept with a rollback journal (as sqlite3 and other tools make one) is waited for too"
cp data/schema2/study.db journal.db
chmod 600 journal.db
sql_on() { sqlite3 journal.db "$1"; }
echo "journal mode before: $(sql_on "PRAGMA journal_mode")"
(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 -cmd ".timeout 5000" journal.db &
for _ in $(seq 50); do
  ! sqlite3 -cmd ".timeout 0" journal.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 && break
  sleep 0.1
done
ATTUNE_WAIT=20 collect --db journal.db therapist add T09
echo "exit $?"
wait
echo "journal mode after: $(sql_on "PRAGMA journal_mode"), schema $(sql_on "PRAGMA user_version")"
