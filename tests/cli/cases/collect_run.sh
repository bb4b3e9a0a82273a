# collect run driven through piped answers: refused answers, going back,
# skipping, branching both ways, the review with a change, then saving.
use_store attune.db
collect init >/dev/null
collect instrument add instruments/client_post_session.csv >/dev/null
collect therapist add T01 >/dev/null
collect client add C001 --therapist T01 >/dev/null
collect session add --client C001 --date 2026-03-02 >/dev/null

echo "# an unknown client is refused before anything is asked"
run collect run client_post_session --client C0l --session 1
echo "# an unknown instrument"
run collect run client_post_sesion --client C001 --session 1
run collect run client_post_session --client C001 --rater supervisor

echo "# session 1: a rupture; refused answers, b, a skip, a change at the review"
# bond_1: 7 refused, then 4; goal_1: 4; task_1: x refused, then 5;
# bond_2: b goes back to task_1, answer 3 there, then bond_2: 4;
# goal_2: 4; task_2: 2; rupture: Enter alone refused (required), then 1;
# rupture_kind: 9 refused, then "1, 3"; (rupture_other stays hidden: 5 not ticked)
# tension: 3; addressed: 0; resolution: 2; followup: 1; comment: skipped;
# review: change 5 (goal_2) to 2, then y
feed '7\n4\n4\nx\n5\nb\n3\n4\n4\n2\n\n1\n9\n1, 3\n3\n0\n2\n1\n\n5\n2\ny\n' \
  collect run client_post_session --client C001 --session 1
sql "SELECT field, value FROM responses ORDER BY field"
sql "SELECT s.number, s.date, a.rater, a.rater_code, a.status, a.source FROM administrations a JOIN sessions s ON s.id = a.session_id"

echo "# the same session again is refused before any question"
run collect run client_post_session --client C001 --session 1

echo "# session 2 (new, next number): no rupture, then the review turns it into one"
# 1-6: 5 5 5 5 5 1; rupture 0 hides the follow-ups; comment: a note;
# review: change 7 (rupture) to 1: the follow-ups are asked (? shows the keys,
# checkbox "2 4", tension skipped, ...), then y
feed '5\n5\n5\n5\n5\n1\n0\nshorter session than usual\n7\n1\n?\n2 4\n\n1\n5\n0\ny\n' \
  collect run client_post_session --client C001 --rater therapist --rater-code T01 >out.txt
sed "s/$(date +%F)/TODAY/" out.txt
sql "SELECT s.number, a.rater, a.rater_code, a.status FROM administrations a JOIN sessions s ON s.id = a.session_id ORDER BY a.id"
sql "SELECT field, value FROM responses WHERE administration_id = 2 ORDER BY field"

echo "# session 3: a rupture answered, then b twice back to rupture and no: follow-ups cleared"
feed '4\n4\n4\n4\n4\n2\n1\n2\nb\nb\n0\n\ny\n' \
  collect run client_post_session --client C001 --session 3 --quiet
sql "SELECT field, value FROM responses WHERE administration_id = 3 ORDER BY field"

echo "# session 5, an observer: b at the first question, a note cleared with - at the review"
feed 'b\n3\n3\n3\n3\n3\n3\n0\nnote\nzz\n8\n-\ny\n' \
  collect run client_post_session --client C001 --session 5 --rater observer --rater-code S01 |
  sed -n '/^Question 1 of/,/^> 3/p; /^> zz/,$p'
sql "SELECT count(*) FROM responses WHERE administration_id = 4 AND field = 'comment'"

echo "# Ctrl-C while a question waits: nothing is saved in the study, and the"
echo "# answer given is kept in a file readable only by its owner"
# stop SIG ANSWERS UNTIL: gives ANSWERS (one a line) to run session 6, waits
# until the line UNTIL is on screen (the handler is in place by then), sends SIG
stop() {
  rm -f answers.fifo attune-unsaved-*.csv
  mkfifo answers.fifo
  # (with job control on, a background job takes Ctrl-C as a foreground one does)
  set -m
  collect run client_post_session --client C001 --session 6 <answers.fifo >int.out 2>int.err &
  pid=$!
  set +m
  exec 3>answers.fifo
  printf "$2" >&3
  for _ in $(seq 400); do grep -q "$3" int.out && break; sleep 0.1; done
  kill -"$1" $pid
  exec 3>&-
  wait $pid
  echo "exit $?"
  tail -n 3 int.out
  sed -E 's/attune-unsaved-[^ ]*\.csv/attune-unsaved-TIME.csv/g' int.err
  kept=$(ls attune-unsaved-*.csv 2>/dev/null)
  echo "kept files: $(ls attune-unsaved-*.csv 2>/dev/null | wc -l)${kept:+, mode $(stat -c %a "$kept")}"
}
before=$(query "SELECT count(*) FROM administrations")
stop INT '4\n' '^Question 2 of'
tail -n 1 "$kept" | cut -d, -f1-3,5-13   # (field 4, the date, is today)
cp "$kept" unfinished.csv
echo "# the terminal closed (SIGHUP), or SIGTERM, at the review: every answer is kept, and imports"
stop HUP '4\n4\n4\n4\n4\n2\n0\n\n' '^Type y to save'
stop TERM '4\n4\n4\n4\n4\n2\n0\n\n' '^Type y to save'
echo "administrations before $before, after $(query "SELECT count(*) FROM administrations")"
collect import client_post_session "$kept"
sql "SELECT field, value FROM responses r JOIN administrations a ON a.id = r.administration_id
     JOIN sessions se ON se.id = a.session_id WHERE se.number = 6 AND field IN ('bond_1', 'task_2', 'rupture')
     ORDER BY field"
rm -f "$kept"
echo "# the unfinished file imports as partial, its required questions blank (here into session 20)"
sed -i -E '2s/^C001,,6,/C001,,20,/' unfinished.csv
collect import client_post_session unfinished.csv
sql "SELECT s.number, a.status, a.source FROM administrations a JOIN sessions s ON s.id = a.session_id WHERE s.number = 20"
echo "# without its status the same row is refused: its required answers are blank"
cut -d, -f1-7,9- unfinished.csv | sed '2s/,20,/,21,/' >complete.csv
collect import client_post_session complete.csv 2>&1 | head -n 2
echo "# a status other than partial, complete or blank is the row's problem"
sed '2s/,partial,/,half,/; 2s/,20,/,21,/' unfinished.csv >half.csv
collect import client_post_session half.csv
rm -f unfinished.csv complete.csv half.csv
echo "# q at the review is the client's choice: nothing is kept anywhere"
feed '4\n4\n4\n4\n4\n2\n0\n\nq\n' collect run client_post_session --client C001 --session 9 --quiet | tail -n 2
echo "kept files: $(ls attune-unsaved-*.csv 2>/dev/null | wc -l)"

echo "# end of input before saving: nothing is saved"
before=$(query "SELECT count(*) FROM administrations")
feed '4\n4\n' collect run client_post_session --client C001 --session 4
feed '4\n4\n4\n4\n4\n4\n0\n\n' collect run client_post_session --client C001 --session 4
echo "administrations before $before, after $(query "SELECT count(*) FROM administrations")"
sql "SELECT count(*) FROM sessions"

echo "# two questionnaires after one session stay one session: run uses today's"
collect instrument add instruments/srs_template.csv >/dev/null
collect client add C002 --therapist T01 >/dev/null
echo "# a template (its wording not pasted in, @TEMPLATE still on it) is not given"
run collect run srs --client C002
# the template once its wording is in and its mark taken off
sed 's/,@TEMPLATE$/,/' instruments/srs_template.csv >srs.csv
collect instrument add srs.csv >/dev/null
feed '4\n4\n4\n4\n4\n4\n0\n\ny\n' collect run client_post_session --client C002 --quiet
sql "SELECT c.code, s.number, s.date = date('now', 'localtime') FROM sessions s JOIN clients c ON c.id = s.client_id WHERE c.code = 'C002'" \
  "SELECT c.code, s.number, (s.date = '$(date +%F)')::int FROM sessions s JOIN clients c ON c.id = s.client_id WHERE c.code = 'C002'"
feed '4\n4\n4\n4\n4\n4\n0\n\ny\n' collect run client_post_session --client C002 --quiet
feed '8\n8\n8\n8\ny\n' collect run srs --client C002 --quiet
sql "SELECT c.code, s.number, count(a.id), group_concat(a.rater_code) FROM sessions s JOIN clients c ON c.id = s.client_id LEFT JOIN administrations a ON a.session_id = s.id WHERE c.code = 'C002' GROUP BY s.id" \
  "SELECT c.code, s.number, count(a.id), string_agg(a.rater_code, ',' ORDER BY a.id) FROM sessions s JOIN clients c ON c.id = s.client_id LEFT JOIN administrations a ON a.session_id = s.id WHERE c.code = 'C002' GROUP BY s.id, c.code, s.number ORDER BY s.id"
echo "# a client's own rating takes the client's code"
run collect run client_post_session --client C002 --rater-code SOMEONE

echo "# q at the review stops without saving, and says so"
feed '4\n4\n4\n4\n4\n4\nno\n\nq\n' collect run client_post_session --client C001 --session 7 | tail -n 4
sql "SELECT count(*) FROM sessions s JOIN clients c ON c.id = s.client_id WHERE c.code = 'C001' AND s.number = 7"

echo "# yes and no as words; text wrapped at word boundaries to a narrow terminal"
COLUMNS=40 feed '4\n4\n4\n4\n4\n4\nYes\n2\n1\nN\n3\ny\n\ny\n' collect run client_post_session --client C001 --session 8 --quiet |
  sed -n '/^Question 7/,/^> Yes/p; /^Question 10/,/^> N/p; /^Thank you/,$p'
sql "SELECT field, value FROM responses r JOIN administrations a ON a.id = r.administration_id JOIN sessions s ON s.id = a.session_id WHERE s.number = 8 AND field IN ('rupture', 'addressed', 'followup') ORDER BY field"

echo "# at 40 columns every line fits: the session, the keys, the review and its prompts"
printf '4\n?\n4\n4\n4\n4\n4\n0\n\nzz\n?\nq\n' |
  COLUMNS=40 collect run client_post_session --client C002 --rater therapist --rater-code T01 >narrow.out 2>narrow.err
echo "lines over 39 columns: $(awk 'length > 39' narrow.out | wc -l)"
awk 'length > 39' narrow.out
sed -n '1,2p; /^> ?$/,/^$/p' narrow.out | sed -n '1,/^$/p'
sed -n '/^> zz/,$p' narrow.out
cat narrow.err

echo "# a therapist's questionnaire without --rater-code is the session therapist's"
echo "# own, under their code; a second is refused, and so it is when the first"
echo "# was imported with a blank code (which stands for the session's therapist)"
feed '4\n4\n4\n4\n4\n4\n0\n\ny\n' \
  collect run client_post_session --client C001 --session 9 --rater therapist --quiet >/dev/null
sql "SELECT a.rater, a.rater_code FROM administrations a JOIN sessions s ON s.id = a.session_id WHERE s.number = 9"
run collect run client_post_session --client C001 --session 9 --rater therapist
printf '%s\n%s\n' "attune.client,attune.therapist,attune.session,attune.date,attune.modality,attune.rater,attune.rater_code,bond_1,goal_1,task_1,bond_2,goal_2,task_2,rupture" \
  "C001,T01,10,2026-03-20,,therapist,,4,4,4,4,4,4,0" >blank_code.csv
collect import client_post_session blank_code.csv >/dev/null
run collect run client_post_session --client C001 --session 10 --rater therapist
# the session therapist's code given: the same rating, refused before a question
run collect run client_post_session --client C001 --session 10 --rater therapist --rater-code T01
echo "# with --rater-code, a co-therapist's questionnaire of the same session"
feed '4\n4\n4\n4\n4\n4\n0\n\ny\n' \
  collect run client_post_session --client C001 --session 9 --rater therapist --rater-code T02 --quiet >/dev/null
sql "SELECT a.rater_code FROM administrations a JOIN sessions s ON s.id = a.session_id WHERE s.number = 9 ORDER BY a.id"

echo "# wide characters take two columns of the terminal: a Chinese question is"
echo "# wrapped to the width counted so, breaking between characters (never"
echo "# before a closing mark), and mixed with Latin words"
# form_study NAME: a new study NAME.db with the form of the dictionary rows
# on standard input (after the header, and a record_id row), therapist T01
# and client C001
form_study() {
  use_store "$1.db"
  collect init >/dev/null
  { printf '%s\n' 'Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"Choices, Calculations, OR Slider Labels",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation'
    printf 'record_id,%s_form,,text,Record ID,,,,,,,,,,,,,\n' "$1"
    cat; } >"$1.csv"
  collect instrument add "$1.csv" >/dev/null
  collect therapist add T01 >/dev/null
  collect client add C001 --therapist T01 >/dev/null
}
form_study wide <<'DICT'
heard,wide_form,,radio,今天的会谈里，你是否觉得治疗师明白了你最想谈的事情？请选出最接近你感受的一项。,"1, 一点也不 | 2, 有一些 | 3, 完全明白",,,,,,,y,,,,,
note,wide_form,,notes,"如果有什么想补充的 (for example a word in English)，请写在这里。",,,,,,,,,,,,,
DICT
COLUMNS=40 feed '2\n\ny\n' collect run wide_form --client C001 --session 1 --quiet >wide.out
cat wide.out
echo "widest line of the run (wc -L in a UTF-8 locale): $(sed 1d wide.out | LC_ALL=C.UTF-8 wc -L) columns of 39"
# at every width from 20 to 40 columns (the narrowest run takes), no line of
# a question mixing Latin words, brackets and closing marks starts with a
# closing mark, and none is wider than the width
form_study marks <<'DICT'
q,marks_form,,radio,我们在会谈里用Excel。然后他说「好的」。我们继续谈了（很久）。,"1, 是 | 2, 否",,,,,,,y,,,,,
r,marks_form,,radio,量表有PHQ-9，GAD-7，WAI-SR，SRS，ORS，CORE-10，OQ-45，BDI-II，HAMD，PCL-5。,"1, 是 | 2, 否",,,,,,,y,,,,,
DICT
starts=0 over=0
for w in $(seq 20 40); do
  COLUMNS=$w collect run marks_form --client C001 --session 1 --quiet <<<$'1\n1\nq' >marks.out 2>/dev/null
  starts=$((starts + $(LC_ALL=C.UTF-8 grep -c '^ *[。，、！？：；）」』】]' marks.out)))
  [ "$(LC_ALL=C.UTF-8 wc -L <marks.out)" -le $((w - 1)) ] || over=$((over + 1))
done
echo "lines starting with a closing mark at widths 20 to 40: $starts"
echo "widths of 20 to 40 columns with a line wider than the width: $over"

echo "# a form the study holds from therapists only is not given to the client"
echo "# unless --rater says so: a therapist's form run without --rater would be"
echo "# stored as the client's rating"
use_store raters.db
collect init >/dev/null
collect instrument add instruments/therapist_post_session.csv >/dev/null
collect import therapist_post_session examples/sample/therapist_post_session.csv >/dev/null
run collect run therapist_post_session --client C01 --session 30
run collect invite therapist_post_session --client C01 --session 30
feed '4\n4\n4\n4\n4\n4\n0\n\ny\n' collect run therapist_post_session --client C01 --session 30 --rater client --quiet >/dev/null
echo "with --rater client: exit $?"
sql "SELECT a.rater, count(*) FROM administrations a GROUP BY a.rater ORDER BY 1"

echo "# a label in REDCap's rich text is shown as its text"
form_study rich <<'DICT'
heard,rich_form,<h3>About <i>today</i></h3>,radio,"<p><b>Today</b>, did you feel <span style=""color:#c00"">heard</span>?</p><p>Think of the whole hour.</p>","1, <i>Not</i> at all | 2, Yes &amp; more",<small>one answer</small>,,,,,,,,,,,
DICT
feed '2\ny\n' collect run rich_form --client C001 --session 1 --quiet

echo "# a choice coded b (any case) is chosen by typing b; < goes back on every"
echo "# question, b still goes back on a question without such a choice"
form_study letters <<'DICT'
pick,letters_form,,dropdown,Pick one,"a, Apple | B, Banana",,,,,,,y,,,,,
more,letters_form,,checkbox,Any others?,"b, Berries | c, Cherries",,,,,,,,,,,,
word,letters_form,,text,One word,,,,,,,,,,,,,
DICT
feed '?\nb\n<\n\nB\nb\n\n?\nkiwi\ny\n' collect run letters_form --client C001 --session 1 --quiet
sql "SELECT field, value FROM responses ORDER BY field"

echo "# a session dated later than today is refused before any question: a"
echo "# questionnaire is not saved into a session dated later than the day it is saved"
forms_study later.db
setup collect therapist add T01
setup collect client add C01 --therapist T01
setup collect session add --client C01 --number 1 --date 2099-12-20
feed '5\n5\n5\n5\n5\n5\n0\n\ny\n' collect run client_post_session --client C01 --session 1 --quiet
ls attune-unsaved-* 2>/dev/null
run collect session list --client C01 --csv
echo "# the date is corrected, and the session takes its questionnaire"
run collect session set --client C01 --session 1 --date 2026-01-05 --reason typo
printf '5\n5\n5\n5\n5\n5\n0\n\ny\n' | collect run client_post_session --client C01 --session 1 --quiet | tail -1
run collect session list --client C01 --csv
echo "# a new session numbered after one planned ahead is dated before it: a warning"
setup collect session add --client C01 --number 2 --date 2099-12-20
printf '5\n5\n5\n5\n5\n5\n0\n\ny\n' | collect run client_post_session --client C01 --quiet 2>&1 \
    | sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]/DATE/; s/dated DATE, before/dated TODAY, before/' | grep -E "warning|Saved"
