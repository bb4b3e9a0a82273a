# No output file may be the study or a file SQLite keeps beside it: -o and
# --out-dir pointed at it, by the same name, another spelling, a symbolic
# link or a hard link, are refused and the study is left as it was.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv
# a reader leaves the -wal and -shm files in place while another has the study open
sqlite3 attune.db "PRAGMA journal_mode" >/dev/null
ln -s attune.db link.db
ln attune.db hard.db
before=$(fingerprint attune.db)

# refused CMD ARGS...: the exit code, the message, whether the study is intact
refused() {
  local err rc
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  printf '%s | exit %s | %s | study %s\n' "${*//$PWD/.}" "$rc" "${err//$PWD/.}" \
    "$( [ "$(fingerprint attune.db)" = "$before" ] && echo intact || echo CHANGED)"
}

for out in attune.db ./attune.db "$PWD/attune.db" attune.db-wal attune.db-shm attune.db-journal \
           link.db hard.db; do
  refused collect export client_post_session -o "$out"
done
refused collect log -o attune.db
refused collect log -o attune.db-wal
refused collect --db link.db log -o attune.db
for cmd in scores reliability trajectories growth episodes ruptures trends agreement report; do
  refused analyze "$cmd" -o attune.db
done
refused analyze scores -o link.db
refused analyze report --format html -o attune.db
refused analyze growth --ranef attune.db-wal
refused analyze growth -o growth.csv --ranef ./attune.db
ln -s attune.db study.svg       # a study under a chart's name: -o takes only such names
refused analyze --db study.svg chart --client C01 -o study.svg
refused analyze --db study.svg chart --therapist T01 -o ./study.svg
refused analyze --db hard.db scores -o hard.db-wal

echo "# a study named like one of the files of 'analyze all'"
mkdir od
for name in scores.csv reliability_items.csv report.csv README.txt; do
  cp attune.db "od/$name"
  sum=$(fingerprint "od/$name")
  out=$(analyze --db "od/$name" all --out-dir od 2>&1); rc=$?
  echo "od/$name | exit $rc | $out | $( [ "$(fingerprint "od/$name")" = "$sum" ] && echo intact || echo CHANGED)"
  rm -f "od/$name"*
done
echo "left in od: $(ls od | tr '\n' ' ')"
echo "# a study named like one of the charts of 'analyze chart --all'"
mkdir charts
cp attune.db charts/C01.svg
sum=$(fingerprint charts/C01.svg)
out=$(analyze --db charts/C01.svg chart --all --out-dir charts 2>&1); rc=$?
echo "charts/C01.svg | exit $rc | $out | $( [ "$(fingerprint charts/C01.svg)" = "$sum" ] && echo intact || echo CHANGED)"
echo "# the same folder with the study elsewhere is written"
run analyze all --out-dir od
echo "od has $(ls od | grep -c csv) tables"

echo "# other files are written as before"
run collect export client_post_session -o export.csv
run collect log -o log.csv
run analyze scores -o scores.csv
echo "export.csv $(wc -l <export.csv) lines, log.csv $(wc -l <log.csv), scores.csv $(wc -l <scores.csv)"
echo "# collect instrument list -o"
refused collect instrument list -o attune.db
refused collect instrument list -o link.db
echo "# analyze or export stopped part way (SIGTERM, Ctrl-C, a closed terminal): no"
echo "# partial copy of the study's data is left beside the outputs, and the"
echo "# files written before are as they were"
attune-simulate --administrations 20000 --seed 3 -o sim.csv
db=$(store sim.db)
collect --db "$db" init >/dev/null
collect --db "$db" instrument add instruments/client_post_session.csv >/dev/null
collect --db "$db" import client_post_session sim.csv >/dev/null
analyze --db "$db" all --out-dir res >/dev/null 2>&1
collect --db "$db" export client_post_session -o res/export.csv >/dev/null
was=$(cat res/* | sha256sum)
# (job control on: a background job takes Ctrl-C as a foreground one does)
for sig in TERM INT HUP; do
  for cmd in "analyze --db $db all --out-dir res --threads 1" \
             "analyze --db $db all --out-dir res --threads 2" \
             "collect --db $db export client_post_session --format long -o res/export.csv"; do
    # the command is stopped once its temporary files are there, which a fast
    # machine may beat: tried again until it is stopped part way
    stopped=no
    for _ in $(seq 30); do
      set -m
      $cmd >/dev/null 2>&1 &
      pid=$!
      set +m
      for _ in $(seq 500); do ls res | grep -q '\.csv\.' && break; sleep 0.01; done
      kill -"$sig" $pid 2>/dev/null
      { wait $pid; } 2>/dev/null
      [ $? -gt 128 ] && { stopped=yes; break; }
    done
    echo "$sig $(echo "$cmd" | sed 's/ --db [^ ]*//; s/ --out-dir res//; s/ client_post_session.*//'): stopped part way $stopped; files left beside the outputs: $(ls res | grep -c '\.csv\.'); the outputs as before: $([ "$(cat res/* | sha256sum)" = "$was" ] && echo yes || echo NO)"
  done
done
