# analyze trajectories: each client's OLS line of the alliance score on
# session number, checked against R's lm(alliance ~ session) per client
# (data/analyze/reference.R).  C02's session 3 has too few items for a
# score (@MINITEMS=3) and is left out: n = 3.  C05 has one session: no row.
# C04 has no session 4: x = 1, 2, 3, 5.
source data/analyze/setup.sh
psq_store

vs trajectories.csv analyze trajectories
# the therapist's view of the same sessions
run analyze trajectories --rater therapist --cohort A --client C02
# fewer than 3 scored sessions: no line
run analyze trajectories --to 2026-01-13
