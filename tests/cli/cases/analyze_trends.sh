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
