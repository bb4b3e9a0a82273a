# analyze: --help everywhere (stdout, exit 0); misuse is one line, a pointer
# to --help and exit 2; failures are "analyze: <what>: <why>" and exit 1.
run analyze --help
for cmd in scores reliability trajectories growth episodes ruptures trends agreement report chart all; do
  run analyze $cmd --help
done
# an option's value never runs into what the option does: "--opt VALUE text"
# with one space between is a help line that lost its column
for cmd in scores reliability trajectories growth episodes ruptures trends agreement report chart all; do
  analyze $cmd --help | grep -E '^  --[a-z-]+ [^ ]+ [a-z(]' | sed "s/^/run together in $cmd: /"
done
# every option a command offers for completion is named in its help, and
# -o and --output, when the command takes them (no complaint about the
# option; there is no study here, so nothing is written), have a line each
# there and are offered for completion
for cmd in scores reliability trajectories growth episodes ruptures trends agreement report chart all; do
  analyze $cmd --help >help.txt
  analyze $cmd --complete-options >offered.txt
  while read -r opt _; do
    grep -q -e "$opt\([ ,.;:)]\|\$\)" help.txt || echo "$cmd --help does not name '$opt'"
  done <offered.txt
  for opt in -o --output; do
    if ! analyze $cmd $opt x.out 2>&1 >/dev/null | grep -q -e 'does not apply' -e 'unknown option'; then
      grep -q -E -- "^  $opt FILE  " help.txt || echo "$cmd --help has no line for '$opt'"
      grep -q -- "^$opt " offered.txt || echo "$cmd does not offer '$opt' for completion"
    fi
  done
done

# misuse: exit 2
run analyze
run analyze frobnicate
run analyze --bogus scores
run analyze scores --bogus
run analyze scores stray
run analyze scores --pairwise
run analyze scores --rater
run analyze scores --rater nurse
run analyze scores --from 2026-02-30
run analyze scores --from 2026-03-01 --to 2026-02-01
run analyze reliability --items=yes
run analyze episodes --rule median
run analyze episodes --rule rci --k 2
run analyze episodes --k 0
run analyze episodes --k -1
run analyze episodes --k 101
run analyze episodes --k two
run analyze episodes --rule abs
run analyze episodes --rule sd --cutoff 3
run analyze episodes --rule sd --reliability 0.9
run analyze episodes --rule rci --reliability 1.5
run analyze episodes --window 0
run analyze trends --by ward
run analyze trends --over month
run analyze report --format pdf
run analyze all
run analyze all --out-dir
run analyze all --out-dir out -o out.csv

# failures: exit 1, the store left as it was (no file made)
run analyze scores --db missing.db
[ -e missing.db ] && echo 'missing.db was made' || echo 'no missing.db made'
echo "not a store" >plain.txt
run analyze scores --db plain.txt
run analyze --db plain.txt trends
echo "# --version: the project's version, on standard output, exit 0"
analyze --version >v.out; echo "exit $?"
grep -cE '^analyze [0-9]+\.[0-9]+\.[0-9]+ \(attune(; git [0-9a-f]+.*)?\)$' v.out
