# analyze reliability: Cronbach's alpha over each scale's terms, complete
# cases and pairwise, and the item table, checked against R's psych::alpha
# on the same answers (data/analyze/reference.R: psych::alpha on na.omit(X)
# for complete cases, on X for pairwise; cumulative = TRUE for the sum scale
# bond; the values are kept in data/analyze/reference/*.csv).
# The reverse-keyed term (6 - [i4]) is named "i4-", as psych names a
# reversed item.  lone has 1 term and extra has no answers: blank values,
# a note each.
source data/analyze/setup.sh
psq_store

vs reliability_complete.csv analyze reliability --instrument psq_client
vs reliability_pairwise.csv analyze reliability --pairwise
vs reliability_items_complete.csv analyze reliability --items
vs reliability_items_pairwise.csv analyze reliability --items --pairwise

# the therapist's form: alliance over t1-t3
vs reliability_therapist.csv analyze reliability --rater therapist
# fewer than 3 complete cases: C05 alone has one administration
run analyze reliability --client C05
# no administrations at all: the header only
run analyze reliability --from 2030-01-01
