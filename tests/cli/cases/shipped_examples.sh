# The shipped instruments load cleanly; the sample answers import and export
# back byte for byte; attune-simulate follows the dictionary, is the same for
# the same seed, and writes answers that import cleanly, with its long form
# holding exactly the stored answers.
setup collect init
for f in client_post_session therapist_post_session observer_session_rating \
         wai_sr_template srs_template; do
  run collect instrument add "instruments/$f.csv"
done

run collect import client_post_session examples/sample/client_post_session.csv
run collect import therapist_post_session examples/sample/therapist_post_session.csv
collect export client_post_session --include-identifiers >client.out
cmp client.out examples/sample/client_post_session.csv && echo "client sample: export is identical"
collect export therapist_post_session --include-identifiers >therapist.out
cmp therapist.out examples/sample/therapist_post_session.csv && echo "therapist sample: export is identical"
# the strains the clients reported: client, session, alliance, tension,
# addressed, resolution, follow-up (the comment is the last column)
awk -F, '$18 == 1 {print $1, $3, $17, $25, $26, $27, $28}' client.out

echo "== attune-simulate"
attune-simulate --help | head -1
run attune-simulate --administrations 3 --sessions-per-client 2 --therapists 1
attune-simulate --administrations 400 --seed 7 -o sim.csv
attune-simulate --administrations 400 --seed 7 | cmp - sim.csv && echo "same seed: same bytes"
attune-simulate --administrations 400 --seed 8 | cmp -s - sim.csv || echo "another seed: other answers"
head -1 sim.csv | cmp - <(head -1 client.out) && echo "header follows the dictionary"
attune-simulate --administrations 400 --seed 7 --long -o long.csv
sim=$(store sim.db)
setup collect --db "$sim" init
setup collect --db "$sim" instrument add instruments/client_post_session.csv
run collect --db "$sim" import client_post_session sim.csv
collect --db "$sim" export client_post_session --include-identifiers | cmp - sim.csv \
  && echo "simulated: export is identical"
echo "long rows: $(($(wc -l <long.csv) - 1)), stored answers:" \
  "$(ATTUNE_DB=$sim query 'SELECT count(*) FROM responses')"
run attune-simulate --therapists 0
run attune-simulate --rater boss
run attune-simulate --frobnicate
run attune-simulate --instrument nowhere
run attune-simulate --instrument nope --dictionary instruments/srs_template.csv
