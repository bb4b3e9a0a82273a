# analyze trends: ruptures and repair per client, therapist and cohort, and
# the OLS slopes of resolution and alliance over session number or weeks,
# checked against data/analyze/reference.R (counts and means in base R,
# slopes and SEs from lm).  Weeks count whole weeks from the therapist's
# first session in the study (T1 2026-01-05, T2 2026-01-06, T3 2026-01-12):
# C02's sessions on 01-07, 01-14, 01-28, 02-04 are weeks 0, 1, 3, 4.
# Rates: rupture_rate over sessions with a rupture answer (C02: 2 of 3,
# session 3 unanswered); addressed_rate and resolved_rate over ruptures
# with that answer (C02 s2 has no resolution).  A slope needs 3 points.
source data/analyze/setup.sh
psq_store

analyze trends >t1.csv
analyze trends --by therapist >t2.csv
analyze trends --by cohort >t3.csv
run cat t1.csv t2.csv t3.csv
(cat t1.csv; tail -n +2 t2.csv; tail -n +2 t3.csv) >session.csv
awk -v tol=1e-9 -f data/analyze/compare.awk data/analyze/reference/trends_session.csv session.csv

analyze trends --over week >t1.csv
analyze trends --by therapist --over week >t2.csv
analyze trends --by cohort --over week >t3.csv
run cat t1.csv t2.csv t3.csv
(cat t1.csv; tail -n +2 t2.csv; tail -n +2 t3.csv) >week.csv
awk -v tol=1e-9 -f data/analyze/compare.awk data/analyze/reference/trends_week.csv week.csv

# --resolved-at 3: C04's resolution 3 now counts (resolved_rate 1)
run analyze trends --client C04 --resolved-at 3
# the therapist's own reports, per trainee over weeks
run analyze trends --rater therapist --by therapist --over week
# a period with no sessions: the header only
run analyze trends --by cohort --from 2030-01-01
