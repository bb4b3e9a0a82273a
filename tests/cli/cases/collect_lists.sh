# therapist, client, session and instrument lists (CSV off a terminal, text
# with --text), and the set commands: each change in the audit trail, each
# refusal a clear message that leaves the study as it was.
use_store attune.db
setup collect init
setup collect therapist add T01 --cohort 2026a
setup collect therapist add T02
setup collect client add C01 --therapist T01
setup collect client add C09
setup collect instrument add client_post_session
setup collect instrument add therapist_post_session
echo "# empty lists: a header alone, and '(none)' in text"
run collect session list
run collect session list --text
setup collect import client_post_session examples/sample/client_post_session.csv
head -9 examples/sample/therapist_post_session.csv >therapist.csv
setup collect import therapist_post_session therapist.csv

run collect therapist list
run collect therapist list --text
run collect client list --csv
run collect client list --text
run collect session list --client C02 --text
run collect session list --client C01 --csv
collect instrument list --text | sed -E 's/ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/ YYYY-MM-DDTHH:MM:SSZ/'
collect instrument list | cut -d, -f1,2,5,6
run collect session list --client C77
run collect session list --client
run collect client list C01
run collect therapist list --json

echo "# a client moves to T02; the sessions T01 held and rated stay with T01"
before=$(store_fingerprint attune.db)
run collect client set C01 --therapist T02 --from-session 3
run collect client set C01 --therapist T02 --from-session 0
run collect client set C01 --therapist T77
run collect client set C77 --therapist T02
run collect client set C01
run collect client set --therapist T02
run collect client set C01 C02 --therapist T02
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
run collect --who "Dr Lee" client set C01 --therapist T02 --from-session 9 --reason "T01 on leave"
run collect client set C01 --therapist T02 --from-session 9
run collect session add --client C01 --date 2026-11-02
echo "# C02's sessions 7 and 8 have no therapist questionnaire: they move"
run collect client set C02 --therapist T02 --from-session 7 --reason "started with T02"
run collect session list --client C02 --csv

echo "# a therapist's cohort"
run collect therapist set T02 --cohort 2026b --reason "joined the spring group"
run collect therapist set T02 --cohort 2026b
run collect therapist set T01 --cohort ""
run collect therapist set T01
run collect therapist set T77 --cohort 2026b
run collect therapist set T01 --cohort "two words"
run collect therapist list

echo "# a session's date and modality; a session comes before its questionnaires"
before=$(store_fingerprint attune.db)
echo "# (the questionnaires were imported today)"
run collect session set --client C01 --session 2 --date 2099-01-01 | sed "s/$(date +%F)/TODAY/"
run collect session set --client C01 --session 2
run collect session set --client C01 --date 2026-09-13
run collect session set --client C01 --session 2 --date 2026-13-01
run collect session set --client C01 --session 2 --modality zoom
run collect session set --client C01 --session 99 --date 2026-09-13
run collect session set --client C77 --session 1 --date 2026-09-13
echo "unchanged after refusals: $([ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"
run collect session set --client C01 --session 2 --date 2026-09-13 --modality telehealth --reason "typed from the diary"
run collect session set --client C01 --session 2 --date 2026-09-13
run collect session set --client C01 --session 9 --date 2099-01-01
run collect session list --client C01 --csv

echo "# the trail: at is the time of the run"
collect log | cut -d, -f2- | grep -v ',client_post_session,\|,therapist_post_session,'
