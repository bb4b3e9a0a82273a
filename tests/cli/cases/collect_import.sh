# collect import: the shipped sample goes in whole; --dry-run writes nothing;
# columns by name in any order, blanks filled as documented; --replace
# replaces an administration and leaves a trace in the audit trail.
setup collect init
setup collect instrument add instruments/client_post_session.csv
sample=examples/sample/client_post_session.csv

run collect import client_post_session $sample --dry-run
# a file saved with CRLF line ends (as spreadsheets on Windows write them)
sed 's/$/\r/' $sample >crlf.csv
run collect import client_post_session crlf.csv --dry-run
sql "SELECT count(*) FROM clients UNION ALL SELECT count(*) FROM administrations"

run collect import client_post_session $sample
sql "SELECT (SELECT count(*) FROM therapists), (SELECT count(*) FROM clients),
            (SELECT count(*) FROM sessions), (SELECT count(*) FROM administrations),
            (SELECT count(*) FROM responses)"
sql "SELECT source, status, rater, count(*) FROM administrations GROUP BY 1, 2, 3" \
  "SELECT source, status, rater, count(*) FROM administrations GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
# new clients get the therapist of their rows
sql "SELECT c.code, t.code FROM clients c LEFT JOIN therapists t ON t.id = c.therapist_id ORDER BY 1"
# calc values are recomputed when read, never stored
sql "SELECT count(*) FROM responses WHERE field LIKE 'alliance%'"
# one administration whole: C01 session 3 reported a strain
sql "SELECT r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     WHERE c.code = 'C01' AND s.number = 3 ORDER BY r.field"
# every non-blank answer cell of the file (calc columns aside) is one stored
# response: the cells counted by sqlite3's own CSV reader
cols=$(head -1 $sample | tr ',' '\n' | tail -n +8 | grep -v '^alliance')
sum=$(printf "(\"%s\" <> '') + " $cols)
echo "non-blank answer cells in the file: $(sqlite3 :memory: -cmd ".import --csv $sample w" "SELECT sum(${sum% + }) FROM w")"

# columns in another order, calc and notes columns left out, spaces around
# cells, a row of blank cells; a blank rater is the client, a blank
# therapist the client's own, a blank date today
run collect import client_post_session data/import_more.csv
sql "SELECT c.code, t.code, s.number, s.date = date('now'), s.modality, a.rater, a.rater_code
     FROM administrations a JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id LEFT JOIN therapists t ON t.id = s.therapist_id
     WHERE c.code = 'C20' ORDER BY s.number" \
  "SELECT c.code, t.code, s.number, (s.date = '$(date +%F)')::int, s.modality, a.rater, a.rater_code
     FROM administrations a JOIN sessions s ON s.id = a.session_id
     JOIN clients c ON c.id = s.client_id LEFT JOIN therapists t ON t.id = s.therapist_id
     WHERE c.code = 'C20' ORDER BY s.number"
sql "SELECT r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     WHERE c.code = 'C20' AND s.number = 1 AND r.field = 'goal_2'"

# --replace: refused without it, previewed with --dry-run, then done
run collect import client_post_session data/import_replace.csv
run collect import client_post_session data/import_replace.csv --replace --dry-run
run collect --who "Dr Rivera" import client_post_session data/import_replace.csv --replace
sql "SELECT count(*) FROM administrations"
sql "SELECT r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     WHERE c.code = 'C01' AND s.number = 1 AND a.rater = 'client' ORDER BY r.field"
echo "# every value the replacement changed is kept in the audit trail, old and new"
sql "SELECT who, who_name, action, field, old, new, reason FROM audit ORDER BY id"
echo "\$ collect log | cut -d, -f2-   (the time left out)"
collect log | cut -d, -f2- | head -4

echo "# a de-identified export (free-form text left out), edited and imported back"
echo "# with --replace, would blank the text the study holds: refused, naming it;"
echo "# the export with --include-free-text goes back whole, the text kept"
setup collect amend client_post_session --client C02 --session 2 "comment=we spoke about the missed week" --reason "from the paper form"
collect export client_post_session | awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bond_1") b = i; print } $1 == "C02" && $3 == 2 { $b = 1; print }' >edited.csv
echo "comment column in the default export: $(head -1 edited.csv | tr ',' '\n' | grep -c '^comment$')"
run collect import client_post_session edited.csv --replace
collect export client_post_session --include-free-text | awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bond_1") b = i; print } $1 == "C02" && $3 == 2 { $b = 1; print }' >edited.csv
run collect import client_post_session edited.csv --replace
sql "SELECT r.field, r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id
     WHERE c.code = 'C02' AND s.number = 2 AND r.field IN ('bond_1', 'comment') ORDER BY r.field"

run collect import --help
run collect import client_post_session
run collect import client_post_session $sample --force

echo "# a second form into the sessions of the first, its rater codes left blank"
forms_study second.db
setup collect import client_post_session examples/sample/client_post_session.csv
awk -F, -v OFS=, 'NR > 1 { $7 = "" } { print }' examples/sample/therapist_post_session.csv >blank_codes.csv
run collect import therapist_post_session blank_codes.csv
head -2 blank_codes.csv >again.csv
run collect import therapist_post_session again.csv
sql "SELECT rater, rater_code, count(*) FROM administrations GROUP BY rater, rater_code" \
  "SELECT rater, rater_code, count(*) FROM administrations GROUP BY rater, rater_code ORDER BY 1, 2 NULLS FIRST"
echo "# a session left undated (and without modality) by one form takes the date"
echo "# and modality a second form gives it; a date that differs is still refused"
forms_study undated.db
awk -F, -v OFS=, 'NR > 1 { $4 = ""; $5 = "" } { print }' examples/sample/client_post_session.csv >undated.csv
setup collect import client_post_session undated.csv
sql "SELECT count(*) FROM sessions WHERE date = '' AND modality IS NULL"
run collect import therapist_post_session examples/sample/therapist_post_session.csv
sql "SELECT s.number, s.date, s.modality FROM sessions s JOIN clients c ON c.id = s.client_id
     WHERE c.code = 'C01' AND s.number <= 3 ORDER BY s.number"
sql "SELECT count(*) FROM sessions WHERE date = '' OR modality IS NULL"
awk -F, -v OFS=, 'NR == 2 { $4 = "2026-01-01" } NR <= 2 { print }' examples/sample/therapist_post_session.csv >redated.csv
run collect import therapist_post_session redated.csv --replace
echo "# a blank therapist code is the session therapist's own: beside that therapist's"
echo "# coded rating it is the same rating (in the study, and in one file); another"
echo "# therapist's code is another rating"
use_store coded.db
setup collect init
setup collect instrument add instruments/therapist_post_session.csv
head -2 examples/sample/therapist_post_session.csv >coded.csv
setup collect import therapist_post_session coded.csv
sed -n 2p coded.csv | cut -d, -f1-2
awk -F, -v OFS=, 'NR == 2 { $7 = "" } { print }' coded.csv >uncoded.csv
run collect import therapist_post_session uncoded.csv
(cat coded.csv; sed 1d uncoded.csv) >both.csv
use_store coded2.db
setup collect init
setup collect instrument add instruments/therapist_post_session.csv
run collect import therapist_post_session both.csv
awk -F, -v OFS=, 'NR == 2 { $7 = "T-supervisor" } { print }' coded.csv >supervisor.csv
(cat uncoded.csv; sed 1d supervisor.csv) >two.csv
run collect import therapist_post_session two.csv
sql "SELECT rater, rater_code FROM administrations ORDER BY id"
echo "# an observer's rating twice, in one file and then in the study"
awk -F, -v OFS=, 'NR == 2 { $6 = "observer"; $7 = "S01" } { print }' coded.csv >observer.csv
(cat observer.csv; sed 1d observer.csv) >observer2.csv
run collect import therapist_post_session observer2.csv
setup collect import therapist_post_session observer.csv
run collect import therapist_post_session observer.csv

echo "# a file separated by semicolons, as spreadsheets save CSV in many locales, is read so"
use_store semi.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
tr ',' ';' <examples/sample/client_post_session.csv >semi.csv
run collect import client_post_session semi.csv
collect export client_post_session --format wide -o semi-out.csv 2>/dev/null
use_store comma.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv
collect export client_post_session --format wide -o comma-out.csv 2>/dev/null
echo "the same study as from the comma file: $(cmp -s semi-out.csv comma-out.csv && echo yes || echo NO)"
echo "# its calc values written with a decimal comma (4,5) agree with attune's 4.5; a real difference is still told"
use_store eu.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
sed -E 's/([0-9])\.([0-9])/\1,\2/g' semi.csv >eu.csv
grep -c ';4,5;' eu.csv
collect import client_post_session eu.csv --dry-run 2>&1 | grep -c 'attune computes'
sed -E '2s/;4,5;/;3,5;/' eu.csv >eu-off.csv
collect import client_post_session eu-off.csv --dry-run 2>&1 | grep 'attune computes'

echo "# a bad answer is quoted with its control bytes shown as \\xNN: a file cannot"
echo "# clear or retitle the terminal that shows the message"
use_store control.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
printf 'attune.client,attune.therapist,attune.session,attune.date,bond_1,rupture\nC01,T01,1,,"\033[2J\033]0;x\0075",0\n' >control.csv
run collect import client_post_session control.csv
