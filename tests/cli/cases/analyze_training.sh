# The README's guide for training programs, as written: a trainee TR07 in
# cohort 2026a, two clients, a supervisor (SUP2) rating four sessions of
# each and the trainee rating the same sessions (imported here; the guide
# types them with collect run).  The guide's commands must show the
# trainee's rows; the default rater (client) has nothing here and says so.
# By hand, per session (observer, trainee) on "was there a rupture":
#   C31 (1,0) (0,0) (1,1) (1,1); C32 (1,1) (0,0) (1,1) (1,1)
#   -> both 5, observer only 1, trainee only 0, neither 2: po 7/8,
#      pe (6*5 + 2*3)/64 = 36/64, kappa (56 - 36)/(64 - 36) = 20/28 = 0.714
# The observer saw 6 ruptures in 8 sessions (rate 0.75); the trainee 5.
source data/analyze/setup.sh
setup collect init
setup collect therapist add TR07 --cohort 2026a
setup collect client add C31 --therapist TR07
setup collect client add C32 --therapist TR07
setup collect instrument add instruments/observer_session_rating.csv
setup collect instrument add instruments/therapist_post_session.csv
setup collect import observer_session_rating data/analyze/training_observer_answers.csv
setup collect import therapist_post_session data/analyze/training_therapist_answers.csv

# counts by hand above; slopes against lmer(y ~ week + (1 | client)) in R
vs trends_training_therapist.csv analyze trends --by therapist --over week --rater therapist
vs trends_training_observer.csv analyze trends --by therapist --over week --rater observer
run analyze trends --by cohort --over week --rater observer
run analyze agreement --pair observer,therapist --therapist TR07
# the clients have not rated these sessions: empty tables say why
run analyze trends --by therapist --over week
run analyze agreement --therapist TR07
