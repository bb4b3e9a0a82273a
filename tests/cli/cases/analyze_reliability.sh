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

# a term that never varies (every i3 here is 4) stays in alpha, as
# Cronbach's formula has it, with a note (psych::alpha and SPSS leave it
# out); alpha from the formula k/(k-1) (1 - sum of the terms' variances /
# the variance of their sum), worked out here by awk on the same answers
remove_store attune.db
{
  echo "client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4"
  n=0
  for t in "2,3,4,4" "4,4,4,2" "3,3,4,3" "5,4,4,1" "1,2,4,5" "4,5,4,2"; do
    n=$((n + 1))
    echo "K$n,T1,1,2026-05-04,,client,,$t"
  done
} >still.csv
{ collect init; collect instrument add data/analyze/psq_client.csv
  collect import psq_client still.csv; } >/dev/null
analyze reliability --instrument psq_client 2>&1 | grep -E "^(instrument|psq_client,alliance,)|c1|i3"
awk -F, 'NR > 1 { t[1] = $8; t[2] = $9; t[3] = $10; t[4] = 6 - $11; s = 0
    for (j = 1; j <= 4; j++) { a[j] += t[j]; q[j] += t[j] * t[j]; s += t[j] }
    S += s; SS += s * s; n++ }
  END { v = 0; for (j = 1; j <= 4; j++) v += (q[j] - a[j] * a[j] / n) / (n - 1)
    vt = (SS - S * S / n) / (n - 1); printf "alpha by the formula: %.12f\n", 4 / 3 * (1 - v / vt) }' still.csv

# --pairwise when some pair of terms is never answered together (odd
# sessions answer i1 and i3, even ones i2 and i4): alpha is undefined, but
# each term's mean and SD are those of its own answers, as R's mean and sd
# (na.rm = TRUE) give them; worked out here by awk on the same answers
remove_store attune.db
{
  echo "client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4"
  n=0
  for t in "2,,3," ",4,,2" "5,,4," ",1,,5" "3,,3," ",5,,1" "4,,1," ",2,,4"; do
    n=$((n + 1))
    echo "P1,T1,$n,2026-05-0$n,,client,,$t"
  done
} >apart.csv
{ collect init; collect instrument add data/analyze/psq_client.csv
  collect import psq_client apart.csv; } >/dev/null
analyze reliability --instrument psq_client --pairwise --items 2>/dev/null | grep -E '^(instrument|psq_client,alliance,)'
awk -F, 'NR > 1 { t[1] = $8; t[2] = $9; t[3] = $10; t[4] = $11 == "" ? "" : 6 - $11
    for (j = 1; j <= 4; j++) if (t[j] != "") { a[j] += t[j]; q[j] += t[j] * t[j]; m[j]++ } }
  END { split("i1 i2 i3 i4-", name, " ")
    for (j = 1; j <= 4; j++)
      printf "%s: mean %.12g, sd %.12g\n", name[j], a[j] / m[j], sqrt((q[j] - a[j] * a[j] / m[j]) / (m[j] - 1)) }' apart.csv
