# analyze agreement: client and therapist on the same sessions.  By hand
# from the answer files (client rupture, therapist rupture per session):
#   T1: C01 (0,0) (0,0) (1,1) (1,1) (0,0); C02 (0,0) (1,1) (-,0) (1,0)
#       -> both 3, client only 1, therapist only 0, neither 4: 8 pairs
#       (C02 s3: the client left the question blank, not a pair)
#       po = 7/8, pe = (4*3 + 4*5)/64 = 1/2, kappa = (7/8 - 1/2)/(1/2) = 0.75
#   T2: C03 (0,1) (0,0) (0,0) (1,1) (0,0) -> 1, 0, 1, 3: kappa 6/11 = 0.5454...
#   T3: C04 (0,0) (1,0) (0,1) (1,1) -> 1, 1, 1, 1: kappa 0
#   all: 5, 2, 2, 8 over 17 pairs: kappa 0.5142857 = 18/35
# kappa_se (Fleiss, Cohen & Everitt 1969), the 95% interval and alliance_r
# are checked against psych::cohen.kappa and cor(), kappa_se0, z and p
# against the null variance from the table's margins in R
# (data/analyze/reference.R).  By hand for all: pe = (7*7 + 10*10)/17^2 =
# 149/289; sum p_i. p_.i (p_i. + p_.i) = (343*2 + 1000*2)/17^3 = 2686/4913,
# var0 = (149/289 + (149/289)^2 - 2686/4913) / (17 (140/289)^2) = 0.0588235,
# se0 = 0.2425356 = 1/sqrt(17), z = 2.1204543.
source data/analyze/setup.sh
psq_observed

vs agreement.csv analyze agreement
# --rater does not narrow it: both sides are always read
run analyze agreement --rater therapist --therapist T3
# only the client's form: no pairs, the header only
run analyze agreement --instrument psq_client

# observer and trainee: the observers' questionnaires (observer_session_rating)
# against the therapists'.  By hand (observer, therapist) with C01's session 3
# taken from O1, the first rater code:
#   T1: C01 (0,0) (0,0) (1,1) (1,1) (1,0); C02 (0,0) (1,1) -> 3, 1, 0, 3:
#       po 6/7, pe (4*3 + 3*4)/49 = 24/49, kappa 18/25 = 0.72
#   T3: C04 (0,0) (1,0) (0,1) -> 0, 1, 1, 1: kappa -0.5
#   all: 3, 2, 1, 4: po .7, pe .5, kappa .4
vs agreement_observer.csv analyze agreement --pair observer,therapist
run analyze agreement --pair observer,therapist --therapist T2
run analyze agreement --pair client,observer

# a co-therapist's questionnaire beside the session therapist's: the session
# therapist's own is paired (by rater code), whichever code sorts first.  By
# hand (client, the session therapist's): s1 T1 (0,0); s2 T1 (1,1), T2's
# co-rating 0 aside; s3 T2 (1,1), T1's co-rating 0 aside -> T1 both 1,
# neither 1; T2 both 1.  The report's latest session (s3) has no client-only
# rupture: its therapist recorded one.
use_store cothera.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect instrument add instruments/therapist_post_session.csv
lead=attune.client,attune.therapist,attune.session,attune.date,attune.modality,attune.rater,attune.rater_code
cat >co_client.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution,followup
A,T1,1,2026-01-05,in-person,client,A,4,4,4,4,4,2,0,,,,
A,T1,2,2026-01-12,in-person,client,A,4,4,4,4,4,2,1,2,1,5,0
A,T2,3,2026-01-19,in-person,client,A,4,4,4,4,4,2,1,2,1,5,0
CSV
cat >co_therapist.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution
A,T1,1,2026-01-05,in-person,therapist,T1,4,4,4,4,4,2,0,,,
A,T1,2,2026-01-12,in-person,therapist,T1,4,4,4,4,4,2,1,3,1,4
A,T1,2,2026-01-12,in-person,therapist,T2,2,2,2,2,2,4,0,,,
A,T2,3,2026-01-19,in-person,therapist,T2,4,4,4,4,4,2,1,3,1,4
A,T2,3,2026-01-19,in-person,therapist,T1,4,4,4,4,4,2,0,,,
CSV
setup collect import client_post_session co_client.csv
setup collect import therapist_post_session co_therapist.csv
run analyze agreement
run analyze report --format csv --rater all

# the session therapist's own questionnaire stands even when its rupture item
# is blank (an instrument whose rupture item is optional), in agreement and
# in the report alike: client B's rupture is not paired with T2's "no"
# co-rating, and the report gives no client-only rupture.  T1's code sorts
# before T2's, so the own questionnaire is read first.
use_store cothera_blank.db
setup collect init
sed '/^rupture,/s/,,y,,,,,@ROLE=rupture/,,,,,,,@ROLE=rupture/' \
  instruments/therapist_post_session.csv >optional_rupture.csv
setup collect instrument add instruments/client_post_session.csv
setup collect instrument add optional_rupture.csv
cat >blank_client.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution,followup
B,T1,1,2026-01-05,in-person,client,B,4,4,4,4,4,2,1,2,1,5,0
CSV
cat >blank_therapist.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution
B,T1,1,2026-01-05,in-person,therapist,T1,4,4,4,4,4,2,,,,
B,T1,1,2026-01-05,in-person,therapist,T2,4,4,4,4,4,2,0,,,
CSV
setup collect import client_post_session blank_client.csv
setup collect import therapist_post_session blank_therapist.csv
run analyze agreement
run analyze report --format csv --rater all

# a therapist's questionnaire with a blank rater code is the session
# therapist's own (as client set reads it), before a co-therapist's even of
# an instrument whose name sorts first: client E's rupture is paired with
# T1's "yes", not with T2's "no" in co_rating
use_store cothera_nocode.db
setup collect init
sed 's/,therapist_post_session,/,co_rating,/' instruments/therapist_post_session.csv >co_rating.csv
setup collect instrument add instruments/client_post_session.csv
setup collect instrument add instruments/therapist_post_session.csv
setup collect instrument add co_rating.csv
cat >nocode_client.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution,followup
E,T1,1,2026-01-05,in-person,client,E,4,4,4,4,4,2,1,2,1,5,0
CSV
cat >nocode_own.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution
E,T1,1,2026-01-05,in-person,therapist,,4,4,4,4,4,2,1,3,1,4
CSV
cat >nocode_co.csv <<CSV
$lead,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution
E,T1,1,2026-01-05,in-person,therapist,T2,4,4,4,4,4,2,0,,,
CSV
setup collect import client_post_session nocode_client.csv
setup collect import therapist_post_session nocode_own.csv
setup collect import co_rating nocode_co.csv
run analyze agreement
run analyze report --format csv --rater all

# one side gives the same answer in every pair: T1 has a single pair (client
# yes, therapist no), T2's therapist always says yes (2 of the client's 5),
# T3's client always no (2 of the therapist's 5).  Observed agreement then
# equals chance agreement whatever the other side said: kappa = 0 (po = pe),
# and both large-sample variances are 0 by their formulas (psych's var.kappa
# is 0, or a rounding error from it: 1.6e-16 for T3's table), so kappa_se,
# kappa_se0, the test and the interval are blank, the same for every such
# row.  By hand for all (2, 1, 5, 3 over 11 pairs): po = 5/11, pe = (3 x 7 +
# 8 x 4) / 121 = 53/121, kappa = (55 - 53) / (121 - 53) = 1/34; its SEs and
# the interval from psych::cohen.kappa and the margins (reference.R).
use_store constant.db
setup collect init
setup collect instrument add data/analyze/psq_client.csv
setup collect instrument add data/analyze/psq_therapist.csv
setup collect import psq_client data/analyze/constant_client_answers.csv
setup collect import psq_therapist data/analyze/constant_therapist_answers.csv
vs agreement_constant.csv analyze agreement
