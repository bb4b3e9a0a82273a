# analyze agreement: client and therapist on the same sessions.  By hand
# from the answer files (client rupture, therapist rupture per session):
#   T1: C01 (0,0) (0,0) (1,1) (1,1) (0,0); C02 (0,0) (1,1) (-,0) (1,0)
#       -> both 3, client only 1, therapist only 0, neither 4: 8 pairs
#       (C02 s3: the client left the question blank, not a pair)
#       po = 7/8, pe = (4*3 + 4*5)/64 = 1/2, kappa = (7/8 - 1/2)/(1/2) = 0.75
#   T2: C03 (0,1) (0,0) (0,0) (1,1) (0,0) -> 1, 0, 1, 3: kappa 6/11 = 0.5454...
#   T3: C04 (0,0) (1,0) (0,1) (1,1) -> 1, 1, 1, 1: kappa 0
#   all: 5, 2, 2, 8 over 17 pairs: kappa 0.5142857 = 18/35
# kappa_se (Fleiss, Cohen & Everitt 1969) and alliance_r are checked
# against psych::cohen.kappa and cor() (data/analyze/reference.R).
source data/analyze/setup.sh
psq_store

vs agreement.csv analyze agreement
# --rater does not narrow it: both sides are always read
run analyze agreement --rater therapist --therapist T3
# only the client's form: no pairs, the header only
run analyze agreement --instrument psq_client
