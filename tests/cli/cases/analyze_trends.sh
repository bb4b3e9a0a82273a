# analyze trends: ruptures and repair per client, therapist and cohort, and
# the slopes of resolution and alliance over session number or weeks,
# checked against data/analyze/reference.R (counts and means in base R; a
# client's slope from lm, a therapist's or cohort's from lme4's
# lmer(y ~ x + (1 | client)), to 1e-6).  Weeks are the date as days since
# 1970-01-01 / 7, not binned: C02's sessions on 01-07, 01-14, 01-28, 02-04
# are 1 and 3 weeks apart whoever else the therapist sees.
# Rates: rupture_rate over sessions with a rupture answer (C02: 2 of 3,
# session 3 unanswered); addressed_rate and resolved_rate over ruptures
# with that answer (C02 s2 has no resolution).  A slope needs 3 points;
# T1's resolution slope is blank: 3 points of 2 clients, fewer than
# clients + 2, so the REML criterion is flat and the slope not determined.
source data/analyze/setup.sh
psq_store

analyze trends >t1.csv
analyze trends --by therapist >t2.csv
analyze trends --by cohort >t3.csv
run cat t1.csv t2.csv t3.csv
(cat t1.csv; tail -n +2 t2.csv; tail -n +2 t3.csv) >session.csv
awk -v tol=1e-6 -f data/analyze/compare.awk data/analyze/reference/trends_session.csv session.csv

analyze trends --over week >t1.csv
analyze trends --by therapist --over week >t2.csv
analyze trends --by cohort --over week >t3.csv
run cat t1.csv t2.csv t3.csv
(cat t1.csv; tail -n +2 t2.csv; tail -n +2 t3.csv) >week.csv
awk -v tol=1e-6 -f data/analyze/compare.awk data/analyze/reference/trends_week.csv week.csv

# --resolved-at 3: C04's resolution 3 now counts (resolved_rate 1)
run analyze trends --client C04 --resolved-at 3
# the therapist's own reports, per trainee over weeks
run analyze trends --rater therapist --by therapist --over week
# a period with no sessions: the header only
run analyze trends --by cohort --from 2030-01-01

# Several questionnaires of one session count as their mean.  With the
# observers' ratings (psq_observed), C01's session 3 has O1's rupture and
# O2's none: half a rupture; 5 sessions from 6 questionnaires, ruptures
# 0 + 0 + 0.5 + 1 + 1 = 2.5, rupture_rate 2.5 / 5 = 0.5.
remove_store attune.db
psq_observed
run analyze trends --rater observer --client C01
# T1: C01's 5 sessions and C02's 2 (0, 1): 3.5 ruptures in 7 sessions;
# T3: C04's 3 sessions, 1 rupture
run analyze trends --rater observer --by therapist
# --rater all: the client's, the therapist's and the observer's
# questionnaires are different instruments with different scales; their
# values are not pooled into one slope
run analyze trends --rater all --by therapist

echo "# a note about a row with an empty id names what the row holds: here T1"
echo "# and T3 (made by the import) have no cohort; their row sorts first"
remove_store attune.db
setup collect init
setup collect therapist add T1
setup collect therapist add T2 --cohort A
setup collect instrument add data/analyze/psq_client.csv
setup collect instrument add data/analyze/psq_therapist.csv
setup collect import psq_client data/analyze/psq_client_answers.csv
setup collect import psq_therapist data/analyze/psq_therapist_answers.csv
run analyze trends --rater all --by cohort
# every rater and nothing in the selection: no word left out of the note
run analyze trends --rater all --from 2030-01-01

# client_form_study DB T...: a new study DB with the client form and
# therapists T... of cohort A; CLIENT_HEADER: the header of its answers
client_form_study() {
  use_store "$1"
  shift
  setup collect init
  for t in "$@"; do setup collect therapist add "$t" --cohort A; done
  setup collect instrument add data/analyze/psq_client.csv
}
CLIENT_HEADER=client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4,x1,x2,rupture,kind___a,kind___b,kind___c,tension,addressed,resolution,followup

# alliance scores that never change within a client (a ceiling, say): T1's
# clients F1 (3, 3, 3) and F2 (4, 4, 4); T2's F3 (5 five times) beside F4 and
# F5 with one session each.  The slope within clients is 0 and fits every
# point exactly, so the REML criterion of y ~ session + (1 | client) falls
# without bound as the residual variance goes to 0, and the fixed slope and
# its SE go to 0 and 0 (lme4 stops anywhere near there: -6e-16 with SE
# 5.7e-09 for T2's data).  Both rows say 0 and 0, as the OLS line of one
# such client does (lm: 0 and 0); no rupture, so the resolution slopes are
# blank.
client_form_study flat.db T1 T2
cat >flat.csv <<CSV
$CLIENT_HEADER
F1,T1,1,2026-03-02,,client,,3,3,3,3,,,0,,,,,,,
F1,T1,2,2026-03-09,,client,,3,3,3,3,,,0,,,,,,,
F1,T1,3,2026-03-16,,client,,3,3,3,3,,,0,,,,,,,
F2,T1,1,2026-03-03,,client,,4,4,4,2,,,0,,,,,,,
F2,T1,2,2026-03-10,,client,,4,4,4,2,,,0,,,,,,,
F2,T1,3,2026-03-17,,client,,4,4,4,2,,,0,,,,,,,
F3,T2,1,2026-03-04,,client,,5,5,5,1,,,0,,,,,,,
F3,T2,2,2026-03-11,,client,,5,5,5,1,,,0,,,,,,,
F3,T2,3,2026-03-18,,client,,5,5,5,1,,,0,,,,,,,
F3,T2,4,2026-03-25,,client,,5,5,5,1,,,0,,,,,,,
F3,T2,5,2026-04-01,,client,,5,5,5,1,,,0,,,,,,,
F4,T2,1,2026-03-05,,client,,2,3,2,4,,,0,,,,,,,
F5,T2,1,2026-03-06,,client,,4,3,4,3,,,0,,,,,,,
CSV
setup collect import psq_client flat.csv
run analyze trends --client F1
run analyze trends --by therapist
run analyze trends --by cohort --over week

# alliance scores on an exact line: L1's sessions 1, 4, 5 score 2.25, 3,
# 3.25 (means of 5 1 1 2, 5 2 1 4, 3 5 4 1 with i4 reversed).  By hand:
# mean session 10/3, Sxx = 26/3, Sxy = 13/6, slope = 1/4, every residual 0,
# so the SE is 0 (lm: 0.25 and 7.5e-17).  The client's row and its
# therapist's (one client: the same line) agree with that to 1e-12
# absolute, as trajectories does, rather than an SE of 5e-09 left by
# subtracting two sums.
client_form_study line.db T1
cat >line.csv <<CSV
$CLIENT_HEADER
L1,T1,1,2026-03-02,,client,,5,1,1,4,,,0,,,,,,,
L1,T1,4,2026-03-23,,client,,5,2,1,2,,,0,,,,,,,
L1,T1,5,2026-03-30,,client,,3,5,4,5,,,0,,,,,,,
CSV
setup collect import psq_client line.csv
cat >line_ref.csv <<CSV
level,id,cohort,sessions,ruptures,rupture_rate,addressed_rate,resolved_rate,mean_tension,mean_resolution,resolution_slope,resolution_slope_se,alliance_slope,alliance_slope_se,questionnaires
client,L1,A,3,0,0,,,,,,,0.25,0,3
therapist,T1,A,3,0,0,,,,,,,0.25,0,3
CSV
analyze trends >t1.csv
analyze trends --by therapist >t2.csv
(cat t1.csv; tail -n +2 t2.csv) >line_out.csv
awk -v tol=1e-9 -f data/analyze/compare.awk line_ref.csv line_out.csv
run analyze trajectories
