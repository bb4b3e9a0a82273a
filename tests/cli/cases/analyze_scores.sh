# analyze scores: every scale of every administration.  In
# data/analyze/psq_client.csv, alliance = mean(i1, i2, i3, 6 - i4) with
# @MINITEMS=3, bond = sum(i1, i2) with @MINITEMS=2, lone = sum(i3), and
# extra = mean(x1, x2), whose items nobody answers.  Checked by hand:
#   C01 s1: i = 4,4,5,2 -> alliance (4+4+5+4)/4 = 4.25, bond 8, lone 5
#   C02 s2: i2 blank -> alliance (4+4+4)/3 = 4 from 3 of 4; bond blank (1 of 2)
#   C02 s3: only i1, i2 -> alliance blank (2 of 4, @MINITEMS=3); bond 8; lone blank
#   extra: blank everywhere, items_answered 0 of 2
source data/analyze/setup.sh
psq_store

run analyze scores --client C02
run analyze scores --instrument psq_client --client C01 --from 2026-01-12 --to 2026-01-19
# the therapist's form: alliance = mean(t1, t2, t3)
run analyze scores --rater therapist --therapist T2
run analyze scores --rater all --client C04 --from 2026-02-01
run analyze scores --cohort B --rater client --instrument psq_client --to 2026-01-19
# a selection without administrations: the header only (psq_therapist is
# filled in by therapists, and --rater is client by default)
run analyze scores --instrument psq_therapist
run analyze scores --from 2027-01-01
# a name the study does not have is an error, not an empty table
run analyze scores --instrument psq_clinet
run analyze scores --client C99
run analyze scores --therapist T9
run analyze scores --cohort Z
# -o writes the file, readable only by its owner; the whole table has 19
# administrations x 4 scales
run analyze scores -o scores.csv
echo "scores.csv: $(wc -l <scores.csv) lines, mode $(stat -c %a scores.csv)"
analyze scores | cmp -s - scores.csv && echo "scores.csv is what standard output gets"
run analyze scores -o no/such/dir/scores.csv
# a pipe (like /dev/null or a terminal) is written to, not replaced by a file
mkfifo pipe.csv
timeout 20 cat pipe.csv >piped.csv &
run analyze scores -o pipe.csv
wait
[ -p pipe.csv ] && echo "pipe.csv is still a pipe; $(wc -l <piped.csv) lines came through it"

# a session without a date (a blank date in the attune.-prefixed layout
# leaves it undated) is in no date range: --from and --to both leave it out
printf '%s\n' 'attune.client,attune.therapist,attune.session,attune.date,i1,i2,i3,i4' \
  'C06,T1,1,2026-01-05,4,4,4,2' 'C06,T1,2,,2,2,2,4' 'C06,T1,3,2026-01-19,5,5,5,1' >undated.csv
collect import psq_client undated.csv >/dev/null
run analyze scores --client C06
run analyze scores --client C06 --from 2026-01-01
run analyze scores --client C06 --to 2026-12-31
run analyze scores --client C06 --from 2026-01-01 --to 2026-12-31
