# Every command answers --help on stdout with exit 0, and misuse with one
# line, a pointer to --help and exit 2.  None of this may create a store.
use_store attune.db

run collect --help
for c in init therapist client session instrument run amend log invite serve; do
  run collect $c --help
done
# import and export are checked in their own cases; here only that --help works
for c in import export; do
  collect $c --help >help.out 2>&1
  echo "collect $c --help: exit $?, $(grep -c . help.out) lines"
done

echo "# misuse"
run collect
run collect bogus
run collect --db
run collect init extra
run collect init --force
run collect therapist
run collect therapist remove T01
run collect therapist add
run collect therapist add T01 T02
run collect therapist add T01 --cohort
run collect therapist add T01 --colour red
run collect client add
run collect client add C001 --therapist
run collect session
run collect session add
run collect session add --client C001 --room 3
run collect session add --client C001 extra
run collect instrument
run collect instrument frob
run collect instrument add
run collect instrument add a.csv b.csv
run collect instrument add a.csv --record-id
run collect instrument show
run collect instrument list extra
run collect run
run collect run client_post_session
run collect run client_post_session --client
run collect run client_post_session --client C001 --bogus
run collect amend client_post_session --client C001 --session 1 tension=2
run collect amend client_post_session --client C001 --session 1 --reason "typo"
run collect amend client_post_session --client C001 tension=2 --reason "typo"
run collect amend client_post_session --client C001 --session 1 tension --reason "typo"
run collect log extra
run collect log --since 2026
echo "# no store was created by any of this"
ls
echo "# --version: the project's version, on standard output, exit 0"
collect --version >v.out; echo "exit $?"
grep -cE '^collect [0-9]+\.[0-9]+\.[0-9]+ \(attune(; git [0-9a-f]+.*)?\)$' v.out
run collect invite
run collect invite client_post_session
run collect invite list extra
run collect invite list --csv --text
run collect invite revoke
run collect invite client_post_session --client C01 --expires 1w
run collect serve --listen 10.1.2.3:80
run collect serve --listen 127.0.0.1
run collect serve --tls-key k.pem
run collect serve --trust-proxy localhost
echo "no store made: $(store_exists attune.db && echo NO || echo yes)"
