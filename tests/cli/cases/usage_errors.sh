# Every command, given an option it does not know and each of its options
# given a value that makes no sense, exits 2 with one line saying what is
# wrong and where help is; nothing reaches the study.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect therapist add T1
setup collect client add C1 --therapist T1
before=$(store_fingerprint attune.db)

# usage CMD ARGS...: prints the exit code and the first line of the error
usage() {
  local err rc
  err=$("$@" 2>&1 >/dev/null </dev/null)
  rc=$?
  printf '%s | exit %s | %s\n' "$*" "$rc" "$(printf '%s\n' "$err" | head -n 1)"
}

echo "# collect: an unknown option on every command"
for cmd in "" init "instrument" "instrument add" "instrument list" "instrument show" \
           "therapist add" "client add" "session add" "run" "import" "export" "amend" "log"; do
  # shellcheck disable=SC2086
  usage collect $cmd --no-such-option
done
usage collect --db
usage collect --who
usage collect no-such-command
usage collect instrument no-such-subcommand
usage collect therapist remove T1

echo "# collect: values that make no sense"
usage collect instrument show client_post_session --version abc
usage collect instrument show client_post_session --version 0
usage collect therapist add "T 2"
usage collect therapist add T2 --cohort "a b"
usage collect client add "C/2"
usage collect client add C2 --therapist
usage collect session add --client C1 --number abc
usage collect session add --client C1 --number 0
usage collect session add --client C1 --date 2026-13-01
usage collect session add --client C1 --date yesterday
usage collect session add --client C1 --modality phone
usage collect run client_post_session --client C1 --session abc
usage collect run client_post_session --client C1 --session -1
usage collect run client_post_session --client C1 --rater boss
usage collect run client_post_session --client
usage collect run client_post_session
usage collect import client_post_session
usage collect export client_post_session --format xml
usage collect export client_post_session --rater boss
usage collect export client_post_session -o
usage collect amend client_post_session --client C1 --session abc tension=2 --reason x
usage collect amend client_post_session --client C1 --session 1 --rater boss tension=2 --reason x
usage collect amend client_post_session --client C1 --session 1 tension
usage collect amend client_post_session --client C1 --session 1 tension=2
usage collect log extra

echo "# analyze: an unknown option on every command"
for cmd in "" scores reliability trajectories growth episodes ruptures trends agreement report chart all; do
  # shellcheck disable=SC2086
  usage analyze $cmd --no-such-option
done
usage analyze --db
usage analyze no-such-command

echo "# analyze: values that make no sense"
for cmd in scores reliability trajectories growth episodes ruptures trends agreement report chart; do
  usage analyze "$cmd" --rater boss
  usage analyze "$cmd" --threads 3
  usage analyze "$cmd" --from 2026-02-30
  usage analyze "$cmd" --to soon
  usage analyze "$cmd" -o
done
usage analyze scores --from 2026-03-01 --to 2026-02-01
usage analyze scores stray
usage analyze scores --pairwise
usage analyze reliability --pairwise=yes
usage analyze episodes --rule nope
usage analyze episodes --k abc
usage analyze episodes --k 0
usage analyze episodes --window 0
usage analyze episodes --window 2.5
usage analyze episodes --rule abs
usage analyze episodes --cutoff x --rule abs
usage analyze episodes --reliability 2 --rule rci
usage analyze episodes --k 2 --rule rci
usage analyze ruptures --resolved-at high
usage analyze growth --time month
usage analyze growth --center all
usage analyze growth --ml=1
usage analyze agreement --pair client,observer
usage analyze trends --by nope
usage analyze trends --over month
usage analyze report --format pdf-ish
usage analyze chart --all --format gif --out-dir out
usage analyze chart --window zero --client C1 -o c.svg
usage analyze all
usage analyze all --out-dir out -o x.csv
usage analyze all --out-dir out --window -3

echo "# the study is as it was: $( [ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
