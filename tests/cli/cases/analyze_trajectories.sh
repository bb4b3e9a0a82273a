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

# two observers (rater codes O1, O2) rating the same sessions: a session's
# score is their mean, so R9's series is 65, 50, 70 at sessions 1-3.
# R: summary(lm(y ~ s, data.frame(s = 1:3, y = c(65, 50, 70)))) gives
# intercept 56.6666666666667, slope 2.5, SE 10.1036297108185, r2 0.0576923076923077
remove_store attune.db
track_store
collect import track data/analyze/track_observers.csv >/dev/null
run analyze trajectories --rater observer
# and its drop of 15 at session 2 (65 -> 50) is repaired at session 3 (70 >= 65)
run analyze episodes --rater observer --rule abs --cutoff 10
