# The wide import's friendlier edges: modality, rater and rater_code may be
# left out; calc columns are compared with attune's own values (as numbers:
# 36 and 36.0 agree) and a difference is a warning naming the line, the field
# and both values; a file separated by semicolons is still read; and a file
# in the layout before attune.client ... cannot mistake a field named like a
# leading column for it.
setup collect init
setup collect instrument add data/redcap/long_dict.csv
cat >short.csv <<'CSV'
attune.client,attune.therapist,attune.session,attune.date,date,client,session,tension,age_years
W01,T1,1,2026-02-01,2026-02-01,self,45:00,2,36.0
W01,T1,2,2026-02-08,2026-02-08,self,45:00,3,35
W02,,1,,2026-02-02,,,1,
CSV
run collect import visit short.csv
sql "SELECT c.code, s.number, quote(s.date), quote(s.modality), a.rater, a.rater_code
     FROM administrations a JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id ORDER BY c.code, s.number" \
  "SELECT c.code, s.number, quote_nullable(s.date), quote_nullable(s.modality), a.rater, a.rater_code
     FROM administrations a JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id ORDER BY c.code, s.number"
run collect export visit --include-free-text
echo "# the same file separated by semicolons"
use_store semi.db
setup collect init
setup collect instrument add data/redcap/long_dict.csv
tr , ';' <short.csv >semi.csv
run collect import visit semi.csv
echo "# the layout before: client, session and date are the leading columns there"
cat >old.csv <<'CSV'
client,therapist,session,date,tension
W09,T1,1,2026-02-01,2
CSV
run collect import visit old.csv
