# init, therapists, clients and sessions; every refusal leaves the store as it was.
use_store attune.db

run collect init
echo "mode: $(store_mode attune.db)"
before=$(store_fingerprint attune.db)
run collect init
run collect --db "$(store other.db)" init
echo "mode of other.db: $(store_mode other.db)"
echo "unchanged after a second init: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"

run collect therapist add T01 --cohort 2026a
run collect therapist add T02
before=$(store_fingerprint attune.db)
run collect therapist add T01
run collect therapist add "T 3"
run collect therapist add T03 --cohort ""
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"

run collect client add C001 --therapist T01
run collect client add C002
before=$(store_fingerprint attune.db)
run collect client add C001
run collect client add C003 --therapist T99
run collect client add "C,4"
run collect client add "Zoë-4"
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
sql "SELECT c.code, t.code, t.cohort FROM clients c LEFT JOIN therapists t ON t.id = c.therapist_id ORDER BY c.code"

run collect session add --client C001 --date 2026-03-02 --modality in-person
run collect session add --client C001 --date 2026-03-09 --modality telehealth --therapist T02
run collect session add --client C001 --number 5 --date=2026-04-06
# dated before the session numbered just before it, or after the one just
# after: added, with a warning
run collect session add --client C001 --number 4 --date 2026-04-13
run collect session add --client C001 --number 3 --date 2026-03-05
run collect session add --client C002 --date 2026-03-03
before=$(store_fingerprint attune.db)
run collect session add --client C001 --number 2 --date 2026-03-16
run collect session add --client C001 --date 2026-02-30
run collect session add --client C001 --date 03/16/2026
run collect session add --client C001 --number 0
run collect session add --client C001 --number 2x
run collect session add --client C001 --number 99999999999999999999999
run collect session add --client C0l --date 2026-03-16
run collect session add --client C001 --modality zoom
run collect session add --client C001 --therapist T99 --date 2026-03-16
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
sql "SELECT c.code, s.number, s.date, t.code, s.modality FROM sessions s JOIN clients c ON c.id = s.client_id LEFT JOIN therapists t ON t.id = s.therapist_id ORDER BY c.code, s.number"

echo "# a session without a date gets today's"
run collect session add --client C002 >out.txt
sed "s/$(date +%F)/TODAY/" out.txt
echo "# a code that differs from an existing one only in case: a warning"
run collect therapist add t01
run collect client add c001 --therapist T01
echo "# and an import that makes such codes: one warning for each, and a pair"
echo "# the study had before is not told again"
printf 'attune.client,attune.therapist,attune.session,attune.date,bond_1,rupture\nC900,t01,1,,4,0\nc900,,1,,4,0\nC001,,1,,4,0\nc002,T01,1,,3,0\n' >cases.csv
setup collect instrument add client_post_session
run collect import client_post_session cases.csv --dry-run
echo "# session numbers run up to 999999: a larger one is refused, and after"
echo "# the highest no command makes a session (said before any question)"
setup collect client add C950
run collect session add --client C950 --number 9223372036854775807
run collect session add --client C950 --number 999999 --date 2026-01-05
run collect session add --client C950
feed '4\n' collect run client_post_session --client C950
printf 'attune.client,attune.therapist,attune.session,attune.date,bond_1,rupture\nC950,,1000000,,4,0\n' >bignum.csv
run collect import client_post_session bignum.csv --dry-run
