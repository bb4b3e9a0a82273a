# analyze all --out-dir: every table in one folder from one reading of the
# store, each the same as its own command writes, and a README.txt; the
# store file is left exactly as it was by every analyze command.
source data/analyze/setup.sh
psq_store
# the store's fingerprint (of a file, its bytes with its write-ahead log's:
# a write would land there first)
before=$(store_fingerprint attune.db)

run analyze all --out-dir out
ls out
# the folder and its tables are the owner's only, whatever the umask
(umask 000; analyze all --out-dir open >/dev/null 2>&1; analyze chart --all --out-dir charts >/dev/null 2>&1)
echo "modes: folder $(stat -c %a open), tables $(stat -c %a open/* | sort -u | tr '\n' ' ')chart folder $(stat -c %a charts)"
sed "s|$PWD/||" out/README.txt
echo "# README.txt names every table written, each with the header row it has"
awk '/^  [a-z_]+\.csv: / {f = $1; sub(/:$/, "", f); files[++n] = f; cur = f; next}
     cur && /^    columns: / {sub(/^    columns: /, ""); cols[cur] = $0; next}
     cur && /^      / {sub(/^ +/, ""); cols[cur] = cols[cur] " " $0; next}
     {cur = ""}
     END {for (i = 1; i <= n; i++) {c = cols[files[i]]; gsub(/, /, ",", c); print files[i] " " c}}' \
  out/README.txt >listed.txt
for f in out/*.csv; do
  name=${f#out/}
  if grep -q "^$name " listed.txt; then
    [ "$(grep "^$name " listed.txt | cut -d' ' -f2-)" = "$(head -n 1 "$f")" ] &&
      echo "$name: columns as written" || echo "$name: README.txt lists other columns"
  else
    echo "$name: not in README.txt"
  fi
done
grep -n ';$' out/README.txt || echo "no line ends in ';'"
# (the study file's line aside: a path or a server's address is as long as it is)
awk '!/^study file: / && length > 80 { print "over 80 columns: " $0; n++ }
     END { if (!n) print "every line of README.txt within 80 columns" }' out/README.txt
# each table is byte for byte what its command writes
same() { cmp -s "$1" "$2" && echo "$1: same as '${*:3}'" || { echo "$1 differs from '${*:3}':"; diff "$1" "$2"; }; }
analyze scores >t.csv; same out/scores.csv t.csv analyze scores
analyze reliability >t.csv 2>/dev/null; same out/reliability.csv t.csv analyze reliability
analyze reliability --items >t.csv 2>/dev/null; same out/reliability_items.csv t.csv analyze reliability --items
analyze trajectories >t.csv; same out/trajectories.csv t.csv analyze trajectories
analyze episodes >t.csv; same out/episodes.csv t.csv analyze episodes
analyze ruptures >t.csv; same out/ruptures.csv t.csv analyze ruptures
(analyze trends; analyze trends --by therapist | tail -n +2; analyze trends --by cohort | tail -n +2) >t.csv
same out/trends.csv t.csv "analyze trends, --by therapist, --by cohort"
analyze agreement >t.csv; same out/agreement.csv t.csv analyze agreement
analyze report --format csv >t.csv; same out/report.csv t.csv analyze report --format csv

# with the rci rule two readings are needed (the threshold needs every
# client's first score first); the tables agree with the single commands
run analyze all --out-dir rci --rule rci --pairwise --by therapist --over week --resolved-at 3
sed -n '/^parameters/,/^$/p' rci/README.txt
analyze episodes --rule rci >t.csv; same rci/episodes.csv t.csv analyze episodes --rule rci
analyze reliability --pairwise >t.csv 2>/dev/null; same rci/reliability.csv t.csv analyze reliability --pairwise
analyze trends --by therapist --over week --resolved-at 3 >t.csv; same rci/trends.csv t.csv analyze trends --by therapist --over week --resolved-at 3
analyze report --rule rci --format csv --resolved-at 3 >t.csv; same rci/report.csv t.csv analyze report --rule rci --resolved-at 3
# one client, with the whole-sample rci threshold kept
run analyze all --out-dir one --client C04 --rule rci
cat one/episodes.csv
# a table that cannot be written: no file of the folder is replaced, and no
# temporary file is left behind
mkdir -p keep/report.csv
echo "old scores" >keep/scores.csv
run analyze all --out-dir keep
ls keep
cat keep/scores.csv
# a folder that cannot be made
touch afile
run analyze all --out-dir afile
run analyze all --out-dir no/such/dir

# every analyze command above left the store as it was
for cmd in scores reliability trajectories episodes ruptures trends agreement report; do
  analyze $cmd >/dev/null 2>&1
done
after=$(store_fingerprint attune.db)
[ "$before" = "$after" ] && echo "attune.db unchanged" || echo "attune.db CHANGED"
