# amend: checked values, a reason, one transaction, and the audit trail.
use_store attune.db
collect init >/dev/null
collect instrument add instruments/client_post_session.csv >/dev/null
collect therapist add T01 >/dev/null
collect client add C001 --therapist T01 >/dev/null
collect session add --client C001 --date 2026-03-02 >/dev/null
# a rupture with its follow-ups: kind 1 and 3, tension 3, addressed no,
# resolution 2, followup yes
printf '4\n4\n5\n4\n4\n2\n1\n1 3\n3\n0\n2\n1\n\ny\n' |
  collect run client_post_session --client C001 --session 1 >/dev/null
echo "saved: exit $?"

echo "# log of a store with no changes: only the header"
run collect log

run collect amend client_post_session --client C001 --session 1 tension=4 resolution=4 --reason "client corrected on paper"
sql "SELECT field, value FROM responses WHERE field IN ('tension', 'resolution') ORDER BY field"
run collect amend client_post_session --client C001 --session 1 rupture_kind___3=0 rupture_kind___4=1 comment="felt rushed at the end" --reason "typed from the paper form"

echo "# refusals; the store stays as it was"
before=$(store_fingerprint attune.db)
run collect amend client_post_session --client C001 --session 1 tension=4
run collect amend client_post_session --client C001 --session 1 tension=4 --reason ""
run collect amend client_post_session --client C001 --session 1 tension=7 --reason "typo"
run collect amend client_post_session --client C001 --session 1 tension=7 bond_1=x --reason "typo"
run collect amend client_post_session --client C001 --session 1 tension=2 tension=3 --reason "typo"
run collect amend client_post_session --client C001 --session 1 tenshun=2 --reason "typo"
run collect amend client_post_session --client C001 --session 1 rupture_kind=1 --reason "typo"
run collect amend client_post_session --client C001 --session 1 rupture_kind___9=1 --reason "typo"
run collect amend client_post_session --client C001 --session 1 alliance=5 --reason "typo"
run collect amend client_post_session --client C001 --session 1 intro=hello --reason "typo"
run collect amend client_post_session --client C001 --session 1 rupture= --reason "typo"
run collect amend client_post_session --client C001 --session 1 rupture=0 --reason "no rupture after all"
run collect amend client_post_session --client C001 --session 2 tension=2 --reason "typo"
run collect amend client_post_session --client C001 --session 1 --rater therapist tension=2 --reason "typo"
run collect amend client_post_sesion --client C001 --session 1 tension=2 --reason "typo"
run collect amend client_post_session --client C01 --session 1 tension=2 --reason "typo"
run collect amend client_post_session --client C001 --session 1 --rater boss tension=2 --reason "typo"
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"

echo "# branching: saying there was no rupture needs the follow-ups cleared in the same amend"
run collect amend client_post_session --client C001 --session 1 rupture=0 rupture_kind___1=0 rupture_kind___4=0 tension= addressed= resolution= followup= --reason "client said it was about another session"
sql "SELECT field, value FROM responses ORDER BY field"
echo "# the other way: a session saved without a rupture (its kinds hidden, so blank),"
echo "# amended to one: ticking one kind answers the question, the others become 0;"
echo "# yes and no as words, as run takes them, are stored as their codes"
collect session add --client C001 --date 2026-03-09 >/dev/null
printf '4\n4\n5\n4\n4\n4\n0\n\ny\n' | collect run client_post_session --client C001 --session 2 >/dev/null
sql "SELECT count(*) FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id WHERE s.number = 2 AND r.field LIKE 'rupture_kind%'"
run collect amend client_post_session --client C001 --session 2 rupture=Yes rupture_kind___2=1 tension=2 addressed=y resolution=3 followup=no --reason "client told me at the next session"
sql "SELECT r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id WHERE s.number = 2 AND r.field LIKE 'rupture_kind%' ORDER BY r.field"
sql "SELECT r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id WHERE s.number = 2 AND r.field IN ('rupture', 'addressed', 'followup') ORDER BY r.field"
echo "# the status follows the answers: a questionnaire saved with a question skipped"
echo "# is partial; answering it makes it complete, clearing it again partial"
collect session add --client C001 --date 2026-03-16 >/dev/null
printf '4\n\n5\n4\n4\n4\n0\n\ny\n' | collect run client_post_session --client C001 --session 3 >/dev/null
status3() {
  sql "SELECT a.status FROM administrations a JOIN sessions s ON s.id = a.session_id WHERE s.number = 3"
}
status3
run collect amend client_post_session --client C001 --session 3 goal_1=3 --reason "typed from the paper form"
status3
run collect amend client_post_session --client C001 --session 3 goal_1= --reason "the client crossed it out"
status3
collect log | grep ',attune.status,' | cut -d, -f3-
echo "# a partial status the answers do not explain (a form left unverified in REDCap) stays"
sql_exec "UPDATE administrations SET status = 'partial' WHERE session_id = (SELECT id FROM sessions WHERE number = 2)" >/dev/null
run collect amend client_post_session --client C001 --session 2 bond_1=5 --reason "typo"
sql "SELECT a.status FROM administrations a JOIN sessions s ON s.id = a.session_id WHERE s.number = 2"
echo "# a change to the same value is not recorded"
run collect amend client_post_session --client C001 --session 1 bond_1=4 --reason "checked"

echo "# the audit trail (the time column is the time of the run)"
collect log >log.csv; echo "exit $?"
cut -d, -f2- log.csv
echo "times look like UTC times: $(tail -n +2 log.csv | cut -d, -f1 | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$') of $(($(wc -l <log.csv) - 1))"
# -o: the same table in a file only its owner can read
run collect log -o audit.csv
echo "audit.csv: mode $(stat -c %a audit.csv), $(cmp -s audit.csv log.csv && echo "the same as" || echo "NOT the same as") standard output"
echo "# a notes field's values are hidden in the log as in exports; --include-identifiers shows them"
collect log --include-identifiers | grep ',comment,' | cut -d, -f2-

echo "# a replacement's values are hidden in the log as an amend's are"
# (a file without a column of the form that the study has an answer to is
# refused: the replacement would blank it; here every column is given)
printf 'client,therapist,session,date,rater,bond_1,rupture\nC001,T01,1,2026-03-02,client,5,0\n' >again.csv
run collect import client_post_session again.csv --replace
kind=$(printf ',rupture_kind___%s' 1 2 3 4 5)
printf 'client,therapist,session,date,rater,bond_1,rupture,goal_1,task_1,bond_2,goal_2,task_2%s,comment\nC001,T01,1,2026-03-02,client,5,0,,,,,,,,,,,\n' "$kind" >again.csv
collect import client_post_session again.csv --replace >/dev/null; echo "replaced: exit $?"
collect log | grep ',replace,' | grep -E ',(comment|bond_1),' | cut -d, -f3-
collect log --include-identifiers | grep ',replace,' | grep ',comment,' | cut -d, -f3-

echo "# a therapist's rating without a rater code is the session therapist's: that"
echo "# code finds it, as import and run take the two for the same rating"
use_store ther.db
setup collect init
setup collect instrument add instruments/therapist_post_session.csv
cat >ther.csv <<'CSV'
attune.client,attune.therapist,attune.session,attune.date,attune.rater,attune.rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture
C7,T1,1,2026-01-01,therapist,,4,4,4,4,4,4,0
C7,T1,1,2026-01-01,therapist,T2,3,3,3,3,3,3,0
C7,T1,2,2026-01-08,therapist,,4,4,4,4,4,4,0
CSV
setup collect import therapist_post_session ther.csv
# two ratings: the hint names the code of each (the blank one by its therapist's)
run collect amend therapist_post_session --client C7 --session 1 --rater therapist bond_1=5 --reason "typo"
run collect amend therapist_post_session --client C7 --session 1 --rater therapist --rater-code T1 bond_1=5 --reason "typo"
run collect amend therapist_post_session --client C7 --session 1 --rater therapist --rater-code T2 bond_1=4 --reason "typo"
run collect amend therapist_post_session --client C7 --session 1 --rater therapist --rater-code T3 bond_1=4 --reason "typo"
# one rating: found without a code, and a blank code is shown as none
run collect amend therapist_post_session --client C7 --session 2 --rater therapist --rater-code "" goal_1=5 --reason "typo"
run collect amend therapist_post_session --client C7 --session 2 --rater therapist --rater-code T1 goal_1=3 --reason "typo"
sql "SELECT s.number, CASE WHEN a.rater_code = '' THEN '(none)' ELSE a.rater_code END, r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id WHERE r.field IN ('bond_1', 'goal_1') ORDER BY 1, 2, 3"
