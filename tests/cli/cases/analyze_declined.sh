# A client who would rather not say whether there was a strain (rupture 9 on
# the shipped client form): neither a rupture nor no rupture.  The analyses
# read it as no answer: a blank in ruptures, left out of the rupture rate and
# of the agreement pairs, and no alert of its own in the report (an earlier
# rupture not resolved stays in view, as after a session without a rupture).
use_store attune.db
setup collect init
setup collect therapist add T01
setup collect client add C01 --therapist T01
setup collect instrument add client_post_session
setup collect instrument add therapist_post_session
cat >client.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,rupture_kind___1,tension,addressed,resolution,followup
C01,T01,1,2026-09-07,,client,,4,4,4,4,4,2,0,,,,,
C01,T01,2,2026-09-14,,client,,4,4,4,4,4,2,9,,,,,
C01,T01,3,2026-09-21,,client,,3,3,3,3,3,3,1,1,3,0,2,1
C01,T01,4,2026-09-28,,client,,4,4,4,4,4,2,9,,,,,
CSV
cat >therapist.csv <<'CSV'
client,therapist,session,date,modality,rater,rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture,tension,addressed,resolution
C01,T01,1,2026-09-07,,therapist,T01,4,4,4,4,4,2,0,,,
C01,T01,2,2026-09-14,,therapist,T01,4,4,4,4,4,2,1,2,1,4
C01,T01,3,2026-09-21,,therapist,T01,4,4,4,4,4,2,1,3,0,2
C01,T01,4,2026-09-28,,therapist,T01,4,4,4,4,4,2,1,2,1,4
CSV
run collect import client_post_session client.csv
run collect import therapist_post_session therapist.csv
echo "# the answer itself is kept as given"
collect export client_post_session |
  awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "rupture") c = i} {print $3 "," $c}'
run analyze ruptures --instrument client_post_session
echo "# 2 sessions answered the question, 1 with a rupture"
analyze trends --instrument client_post_session | cut -d, -f1-7
echo "# pairs: sessions 1 and 3 only"
analyze agreement | cut -d, -f1-8
echo "# the report for session 4: no alert of its own about a rupture and no 'client only'"
echo "# one; the rupture of session 3 is still open, and nothing that followed from it is over"
run analyze report
echo "# a dictionary whose yes/no role has no 0 is refused"
sed 's/"1, Yes | 0, No | 9, I'"'"'d rather not say"/"1, Yes | 2, No"/' instruments/client_post_session.csv >other.csv
run collect instrument add other.csv
