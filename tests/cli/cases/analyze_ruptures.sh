# analyze ruptures: the rupture items of every administration, as stored.
# resolved follows the resolution field's @RESOLVED-AT=4 (C01 s3: 2 -> 0,
# s4: 4 -> 1), blank when the resolution was not rated (C02 s2, C05 s1);
# kinds are the checked codes of the rupture-kind checkbox (C01 s3: a;c).
# C02 s3 answered no rupture question: a row of blanks.
source data/analyze/setup.sh
psq_store

run analyze ruptures
# --resolved-at 3: C04 s2 (resolution 3) now counts as resolved
run analyze ruptures --resolved-at 3 --therapist T3
# the therapist's form has rupture and resolution only
run analyze ruptures --rater therapist --client C01
run analyze ruptures --rater all --client C02 --from 2026-02-01
