# analyze on edge cases: every result is defined (a header only, blank
# cells, a note), never NaN, inf or a crash.
source data/analyze/setup.sh
cmds="scores reliability trajectories episodes ruptures trends agreement report"

# an empty study: no instruments, no answers
collect init >/dev/null
for cmd in $cmds; do run analyze $cmd; done
run analyze episodes --rule rci
run analyze all --out-dir empty
head -n 1 empty/*.csv | grep -v '^$'

# instruments but no answers yet
collect instrument add data/analyze/psq_client.csv >/dev/null
collect instrument add data/analyze/psq_therapist.csv >/dev/null
for cmd in $cmds; do run analyze $cmd; done

# one client with one session
head -n 2 data/analyze/psq_client_answers.csv >one.csv
collect import psq_client one.csv >/dev/null
for cmd in $cmds; do run analyze $cmd; done
run analyze report --format csv

# Z1: every answer blank; Z2: four sessions with the same answers (zero
# variance everywhere): alpha undefined (blank, a note), a flat trajectory
# (slope 0, SE 0, r2 blank: 0/0), no sd episodes (SD 0), no rci threshold
# from a single other client's first score; extra's terms are never answered
remove_store attune.db
collect init >/dev/null
collect instrument add data/analyze/psq_client.csv >/dev/null
collect import psq_client data/analyze/edge_answers.csv >/dev/null
for cmd in $cmds; do run analyze $cmd; done
run analyze reliability --pairwise --items
run analyze episodes --rule rci
run analyze trends --by therapist --over week
run analyze all --out-dir edge
grep -c . edge/*.csv
# nothing in any table is NaN or inf
grep -ilwE 'nan|-?inf' edge/*.csv empty/*.csv || echo "no NaN or inf in any table"
