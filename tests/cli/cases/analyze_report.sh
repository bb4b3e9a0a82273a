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
# --resolved-at 1: C02's resolution 1 counts as resolved
run analyze report --client C02 --resolved-at 1
# clients without alerts: nothing for them, "no alerts" when none at all
run analyze report --client C01
run analyze report --client C01 --format csv
# the latest session before 2026-02-01: C04 s3 has no alert, C03 s4 one
run analyze report --to 2026-01-31
# the therapist's questionnaire as the source
run analyze report --rater therapist
echo "# C05 has the client's questionnaire only: told at the end, in every format"
run analyze report --rater therapist --format csv
run analyze report --rater therapist --format html -o therapist.html
xmllint --xpath 'normalize-space(//*[local-name()="section" and @class="quiet"])' therapist.html; echo
