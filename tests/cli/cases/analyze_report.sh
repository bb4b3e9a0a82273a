# analyze report: the alerts of each client's latest session, from the
# client's questionnaire (psq_client) and, for a rupture the therapist did
# not record, the therapist's (psq_therapist).  What the answer files say:
#   C01 s5: no rupture, alliance 4.75 (up from 4): no alerts
#   C02 s4: rupture, tension 5, resolution 1 (< @RESOLVED-AT=4), not talked
#           about, followup wanted, alliance 2.25 (< @ALERT-BELOW=3), a drop
#           of 1.75 from 4 (> SD 0.9014 of 3.5, 4, 2.25), and the therapist
#           answered no rupture: all six alerts
#   C03 s5: no rupture, alliance 4 after 3.25: no alerts
#   C04 s5: rupture resolved (4), a drop of 0.75 from 3.75 (> SD 0.4330)
#   C05 s1: rupture with the resolution not rated
source data/analyze/setup.sh
psq_store

run analyze report
run analyze report --format csv
run analyze report --client C02 --format csv
# C04's drop of 0.75 is not over 2 SDs (0.8660): no alert with --k 2
run analyze report --client C04 --k 2
run analyze report --client C04 --rule abs --cutoff 0.75
run analyze report --client C04 --rule abs --cutoff 0.7
# a cut-off that rounds to the drop (0.749 beside 0.75): both are given with
# the digits that tell them apart, not as "drop 0.75, more than 0.75"
run analyze report --client C04 --rule abs --cutoff 0.749 --format csv
# --resolved-at 1: C02's resolution 1 counts as resolved
run analyze report --client C02 --resolved-at 1
# clients without alerts: nothing for them, "no alerts" when none at all
run analyze report --client C01
run analyze report --client C01 --format csv
# the latest session before 2026-02-01: C03 s4 has an alert; C02 s3 and C04 s3
# report no rupture after one not resolved at s2, which stays in view
run analyze report --to 2026-01-31
# the therapist's questionnaire as the source
run analyze report --rater therapist
echo "# C05 has the client's questionnaire only: told at the end, in every format"
run analyze report --rater therapist --format csv
run analyze report --rater therapist --format html -o therapist.html
xmllint --xpath 'normalize-space(//*[local-name()="section" and @class="quiet"])' therapist.html; echo

echo "# a rupture not resolved, then questionnaires that report none: it stays in"
echo "# view, and the alerts that followed from it are not said to be over"
use_store carry.db
setup collect init
setup collect therapist add T9
setup collect instrument add data/analyze/psq_client.csv
cat >carry.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4,x1,x2,rupture,kind___a,kind___b,kind___c,tension,addressed,resolution,followup
R1,T9,1,2026-03-02,,client,,4,4,4,2,,,1,1,0,0,4,0,2,1
R1,T9,2,2026-03-09,,client,,2,2,2,4,,,0,,,,,,,
R1,T9,3,2026-03-16,,client,,4,4,4,2,,,0,,,,,,,
R1,T9,4,2026-03-23,,client,,2,2,2,4,,,1,0,1,0,2,1,5,0
R2,T9,1,2026-03-03,,client,,2,2,2,4,,,0,,,,,,,
R2,T9,2,2026-03-10,,client,,4,,,,,,0,,,,,,,
CSV
setup collect import psq_client carry.csv
# session 2: a low score and no rupture reported; the rupture of session 1
# is still open, and the follow-up alerts are not reported this time
run analyze report --client R1 --to 2026-03-09
# session 3: nothing new, but the rupture of session 1 is not known to be resolved
run analyze report --client R1 --to 2026-03-16
run analyze report --client R1 --to 2026-03-16 --format csv
# session 4 reports a rupture rated resolved (and a low score): now the
# rupture alert is over
run analyze report --client R1
# R2's low alliance is not over when the next questionnaire has no score
run analyze report --client R2
echo "# every rater's questionnaires: each alert about a rupture, and the latest"
echo "# rupture, say whose questionnaire reported it"
use_store attune.db
run analyze report --rater all --client C02
echo "# every rater's questionnaires, one session with two ruptures: the client's"
echo "# resolved, the therapist's not; the therapist's stays in view after"
forms_study two_raters.db
{ head -1 examples/sample/client_post_session.csv
  echo "R1,T01,1,2026-03-02,in-person,client,,4,4,4,4,4,4,,,,,1,1,0,0,0,0,,2,1,5,0,"
  echo "R1,T01,2,2026-03-09,in-person,client,,4,4,4,4,4,4,,,,,0,,,,,,,,,,,"; } >two_client.csv
{ head -1 examples/sample/therapist_post_session.csv
  echo "R1,T01,1,2026-03-02,in-person,therapist,T01,4,4,4,4,4,4,,,,,1,1,,,,,,,,,,,,,,3,1,,,,,,,,,1,1,"
  echo "R1,T01,2,2026-03-09,in-person,therapist,T01,4,4,4,4,4,4,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,"; } >two_therapist.csv
setup collect import client_post_session two_client.csv
setup collect import therapist_post_session two_therapist.csv
run analyze report --rater all
echo "# every rater's questionnaires, an alliance drop on each instrument in turn:"
echo "# the therapist's score falls at session 3, the client's at session 4; the"
echo "# change line tells the two drops apart and names the instrument of each"
use_store drops.db
setup collect init
setup collect therapist add T9
setup collect instrument add data/analyze/psq_client.csv
setup collect instrument add data/analyze/psq_therapist.csv
cat >drops_client.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4,x1,x2,rupture,kind___a,kind___b,kind___c,tension,addressed,resolution,followup
D1,T9,1,2026-03-02,,client,,4,4,4,2,,,0,,,,,,,
D1,T9,2,2026-03-09,,client,,4,4,4,2,,,0,,,,,,,
D1,T9,3,2026-03-16,,client,,4,4,4,2,,,0,,,,,,,
D1,T9,4,2026-03-23,,client,,3,3,3,3,,,0,,,,,,,
CSV
cat >drops_therapist.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,t1,t2,t3,rupture,resolution
D1,T9,1,2026-03-02,,therapist,T9,4,4,4,0,
D1,T9,2,2026-03-09,,therapist,T9,4,4,4,0,
D1,T9,3,2026-03-16,,therapist,T9,3,3,3,0,
D1,T9,4,2026-03-23,,therapist,T9,3,3,3,0,
CSV
setup collect import psq_client drops_client.csv
setup collect import psq_therapist drops_therapist.csv
run analyze report --rater all --to 2026-03-16
run analyze report --rater all
# one instrument's drops alone: the line keeps its plain words
run analyze report --rater all --instrument psq_client
echo "# a fall at the second scored session: the sd rule needs 3 scores, so the"
echo "# report says the drop was not checked rather than \"no alerts\""
use_store few.db
setup collect init
setup collect therapist add T9
setup collect instrument add data/analyze/psq_client.csv
cat >few.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4,x1,x2,rupture,kind___a,kind___b,kind___c,tension,addressed,resolution,followup
F1,T9,1,2026-03-02,,client,,5,5,5,1,,,0,,,,,,,
F1,T9,2,2026-03-09,,client,,4,4,4,2,,,0,,,,,,,
CSV
setup collect import psq_client few.csv
run analyze report
run analyze report --format csv
echo "# sessions held after the latest questionnaire: each is named, not the latest"
echo "# alone (F1's sessions 3 and 4, then 3 to 5; session 6 is dated 2099, not held"
echo "# yet; with --to 2026-03-16 only session 3 had been held)"
setup collect session add --client F1 --number 3 --date 2026-03-16
setup collect session add --client F1 --number 4 --date 2026-03-23
run analyze report --format csv
setup collect session add --client F1 --number 5 --date 2026-03-30
setup collect session add --client F1 --number 6 --date 2099-01-05
run analyze report
run analyze report --to 2026-03-16 --format csv
echo "# sessions numbered with a gap after the latest questionnaire are found all"
echo "# the same (F2 answered sessions 1 and 2; sessions 7 and 8 were held)"
cat >few2.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4,x1,x2,rupture,kind___a,kind___b,kind___c,tension,addressed,resolution,followup
F2,T9,1,2026-03-02,,client,,5,5,5,1,,,0,,,,,,,
F2,T9,2,2026-03-09,,client,,5,5,5,1,,,0,,,,,,,
CSV
setup collect import psq_client few2.csv
setup collect session add --client F2 --number 7 --date 2026-03-16
setup collect session add --client F2 --number 8 --date 2026-03-23
run analyze report --client F2 --format csv
