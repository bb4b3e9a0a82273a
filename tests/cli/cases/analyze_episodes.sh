# analyze episodes: DESIGN.md's four rules, each checked against an
# independent R implementation (epi_rule in data/analyze/reference.R) on
# the psq answers and on hand-made series (data/analyze/track_answers.csv)
# that sit just above and just below each threshold.
source data/analyze/setup.sh
psq_store

# psq_client alliance, sd rule k = 1 (default).  C01: 4.25 4.5 2.5 4 4.75,
# SD 0.8839, the drop of 2 at session 3 is repaired at session 5 (4.75 >=
# 4.5, two sessions later).  C02: session 3 has no score, so session 4's
# previous is session 2.  C05 has one score: no episode.
vs episodes_psq_sd.csv analyze episodes
# rci: SD0 = SD of the first scores 4.25, 3.5, 4.25, 3, 5 (0.7697), r = the
# alliance scale's complete-case alpha 0.898245614035088 (as in
# analyze_reliability): threshold 1.96 * SD0 * sqrt(2 * (1 - r)) = 0.6813
vs episodes_psq_rci.csv analyze episodes --rule rci
# the threshold is whole-sample: one client shown, the same threshold
run analyze episodes --rule rci --client C04
# a reliability of 1 makes the threshold 0, so that every drop, however
# small, would be a rupture: no rci episodes, and a note says why (as the sd
# rule needs SD > 0)
run analyze episodes --rule rci --reliability 1

remove_store attune.db
track_store
# sd: S1 alternates 50 and 60: SD = sqrt(30) = 5.477, drops of 10.  With
# k = 1.82 the threshold is 9.9686 (< 10: ruptures); with k = 1.83 it is
# 10.023 (> 10: none).  S2 is constant (SD 0) and S3 has 2 scores: never.
vs episodes_track_sd.csv analyze episodes --therapist TS
vs episodes_track_sd_k1.82.csv analyze episodes --therapist TS --k 1.82
vs episodes_track_sd_k1.83.csv analyze episodes --therapist TS --k 1.83
# rci, one rule for every filter: SD0 and r come from the whole study
# (every client's first score), whatever --therapist, --client, --from or
# --to select.  Here TR's series against the whole track study's SD0
# (14.2305) with r = .99: threshold 3.944, so R1's drop of 5.75 and R2's
# of 5.74 and 5.75 are all ruptures:
vs episodes_track_rci_whole.csv analyze episodes --therapist TR --rule rci --reliability 0.99
# the same threshold when the selection is one client or a period
run analyze episodes --client R1 --rule rci --reliability 0.99
run analyze episodes --from 2026-03-09 --to 2026-03-16 --therapist TR --rule rci --reliability 0.99
# track's score is not a scale: without --reliability there is no alpha
run analyze episodes --therapist TR --rule rci
# a study of TR's clients alone: the first scores 60, 70.5, 81 have SD0 =
# 10.5 and r = .961 gives DOMAIN.md's known cutoff 5.747681 (Jacobson &
# Truax).  R1 drops 5.75 (a rupture); R2 drops 5.74 (not) and then 5.75 (a
# rupture, repaired by a tie: 64.76 >= 64.76).
remove_store attune.db
track_store TR
vs episodes_track_rci.csv analyze episodes --rule rci --reliability 0.961
remove_store attune.db
track_store
# abs, cutoff 5: A1 drops exactly 5 (not a rupture) and then 5.1 (one);
# three sessions follow without reaching 50: not repaired, not censored.
# A2 is repaired at the third session of the window (w=3) but not within 2.
# A3 has sessions 1, 2, 4, (5 with no score), 7, 9: repaired at 9, 5
# session numbers later, the second scored session of the window.
# A4: consecutive drops are separate ruptures.  A5: one session.
vs episodes_track_abs.csv analyze episodes --therapist TA --rule abs --cutoff 5
vs episodes_track_abs_w2.csv analyze episodes --therapist TA --rule abs --cutoff 5 --window 2
# sudden (Tang & DeRubeis), cutoff 5: U1 drops 21 from 61 (>= 25%), pre
# 60 62 61 against post 40 41 39: mean difference 21 > 2.776 x pooled SD 1.
# U2's drop of 17 is under 25% of 79; U3's drop of 20 is exactly 25% of 80
# (counts).  U4 zig-zags: its pre and post means are too close for their
# spread, and its last drop has one score after it.
vs episodes_track_sudden.csv analyze episodes --therapist TU --rule sudden --cutoff 5
# sudden with the RCI threshold as the cutoff, in a study of TU's clients
# alone: SD0 of 60, 80, 80, 60 and r = .9
remove_store attune.db
track_store TU
vs episodes_track_sudden_rci.csv analyze episodes --rule sudden --reliability 0.9

# no RCI threshold from a negative alpha (terms that pull apart: i1 and i3
# against i2 and i4 reversed; alpha -3.0394, as psych::alpha gives), nor
# from first scores that are all the same (every first score here is 3:
# SD0 = 0, a threshold of 0), nor from a scale score that never varies
remove_store attune.db
cat >apart.csv <<'EOF'
client,therapist,session,date,modality,rater,rater_code,i1,i2,i3,i4
N1,T1,1,2026-05-04,,client,,1,5,1,1
N2,T1,1,2026-05-04,,client,,5,1,5,5
N3,T1,1,2026-05-04,,client,,2,4,2,2
N4,T1,1,2026-05-04,,client,,4,2,4,4
N1,T1,2,2026-05-11,,client,,3,3,1,5
N2,T1,2,2026-05-11,,client,,2,5,3,3
EOF
{ collect init; collect instrument add data/analyze/psq_client.csv
  collect import psq_client apart.csv; } >/dev/null
analyze reliability --instrument psq_client 2>/dev/null | grep -E '^(instrument|psq_client,alliance),'
run analyze episodes --rule rci
run analyze episodes --rule sudden
run analyze episodes --rule rci --reliability 0.8
remove_store attune.db
head -5 apart.csv >flat.csv
{ collect init; collect instrument add data/analyze/psq_client.csv
  collect import psq_client flat.csv; } >/dev/null
run analyze episodes --rule rci
