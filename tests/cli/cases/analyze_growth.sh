# analyze growth: the mixed model score ~ time + (time | client) (and
# + (1 | therapist)) by REML and ML, checked against lme4 1.1-31 on the
# simulated study of data/growth (reference.R there made the study and the
# references).  Fixed effects agree to 1e-6 and everything else to 1e-5
# (compare.awk checks every number of a table at one tolerance).
source data/analyze/setup.sh
growth_store

run analyze growth
vs_growth reml.csv 1e-5 analyze growth
vs_growth ml.csv 1e-5 analyze growth --ml
vs_growth reml_therapist.csv 1e-5 analyze growth --therapist-level
vs_growth ml_therapist.csv 1e-5 analyze growth --therapist-level --ml
# weeks: days since the client's first scored session / 7
vs_growth reml_week.csv 1e-5 analyze growth --time week
vs_growth reml_grand.csv 1e-5 analyze growth --center grand
vs_growth reml_client.csv 1e-5 analyze growth --center client
# another scale than the alliance score
vs_growth half.csv 1e-5 analyze growth --scale half

# the clients' predicted lines: lme4's coef(fit)$client (plus the
# therapist's conditional mode with the therapist level)
analyze growth --ranef ranef.csv >/dev/null
head -3 ranef.csv
cut -d, -f4- ranef.csv >r.csv
awk -v tol=1e-5 -f data/analyze/compare.awk data/growth/reference/reml_ranef.csv r.csv
analyze growth --therapist-level --ranef ranef.csv >/dev/null
cut -d, -f4- ranef.csv >r.csv
awk -v tol=1e-5 -f data/analyze/compare.awk data/growth/reference/reml_therapist_ranef.csv r.csv
# the two tables never share one output: the same file (by any name) or
# standard output for both is refused, and nothing is written
run analyze growth -o both.csv --ranef both.csv
run analyze growth -o both.csv --ranef ./both.csv
run analyze growth --ranef -
ls both.csv 2>/dev/null || echo "no both.csv"
# the predicted lines on standard output, the model in a file
analyze growth -o fit.csv --ranef - | head -n 1
head -n 1 fit.csv

# fixed effects at 1e-6
analyze growth --therapist-level >g.csv
grep -E '^([^,]*,){4}fixed' g.csv >fixed.csv
grep -E '^([^,]*,){4}fixed' data/growth/reference/reml_therapist.csv >fixed_ref.csv
awk -v tol=1e-6 -f data/analyze/compare.awk fixed_ref.csv fixed.csv

# a client seen by two therapists: the therapist level needs clients nested
# in therapists
printf 'client,therapist,session,date,modality,rater,rater_code,score\nG01,T2,13,2026-06-01,,client,,70\n' >more.csv
setup collect import growth more.csv
run analyze growth --therapist-level

# a study whose clients do not differ in their change: a singular fit,
# said in the table and on stderr (lme4: isSingular TRUE, correlation -1)
remove_store attune.db
growth_store flat_answers.csv
vs_growth flat.csv 1e-4 analyze growth

# models that cannot be fitted, and bad options
run analyze growth --client F01
run analyze growth --scale nosuch
run analyze growth --time month
run analyze growth --center mean
run analyze growth --from 2030-01-01

# scores that never vary (4 clients, 3 sessions each, every score 60): no
# model, and the note says why (lme4 returns the intercept 60 with a
# residual variance of 0, its criterion at -Inf)
remove_store attune.db
{
  echo 'client,therapist,session,date,modality,rater,rater_code,score'
  for c in K1 K2 K3 K4; do
    for n in 1 2 3; do echo "$c,T1,$n,2026-02-0$n,,client,,60"; done
  done
} >constant.csv
growth_store ./constant.csv
run analyze growth
