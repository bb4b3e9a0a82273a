# Schema 1 to schema 2: a study written by attune 0.1.0 (tests/data/schema1)
# is migrated by the first command that writes, in one transaction, and
# every answer, the audit trail, every export and every analysis stay as
# they were.
fixture=data/schema1
cp "$fixture/study.db" old.db
chmod 600 old.db
answers="SELECT administration_id, field, value FROM responses ORDER BY 1, 2"
trail="SELECT id, at, who, action, administration_id, field, old, new, reason FROM audit ORDER BY id"
sqlite3 -readonly -csv old.db "$answers" >answers.before
sqlite3 -readonly -csv old.db "$trail" >audit.before
echo "schema 1: version $(sqlite3 -readonly old.db 'PRAGMA user_version'), $(wc -l <answers.before) answers, $(wc -l <audit.before) audit rows"

echo "# reading commands leave a schema-1 file as it is and say what to do"
before=$(fingerprint old.db)
run analyze --db old.db scores
run collect --db old.db export client_post_session
echo "unchanged: $([ "$(fingerprint old.db)" = "$before" ] && echo yes || echo NO)"

echo "# collect init migrates it"
run collect --db old.db init
echo "schema now: $(sqlite3 -readonly old.db 'PRAGMA user_version')"
sqlite3 -readonly -csv old.db "$answers" >answers.after
sqlite3 -readonly -csv old.db "$trail" >audit.after
echo "every answer the same (through the responses view): $(cmp -s answers.before answers.after && echo yes || echo NO)"
echo "the audit trail the same: $(cmp -s audit.before audit.after && echo yes || echo NO)"
echo "tables: $(sqlite3 -readonly old.db "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name)")"
echo "mode: $(stat -c %a old.db)"
run collect --db old.db init

echo "# every export holds what attune 0.1.0 wrote: long byte for byte; wide with the"
echo "# leading columns now named attune.client ...; redcap with the session date and"
echo "# therapist added; the default export without free-form text, now left out;"
echo "# export_demo's calc 'score' in the wide layout is each administration's own"
echo "# version's, as in long (0.1.0 computed version 1's with version 2's formula),"
echo "# and each row names its version (attune.version), and version 1's answers to"
echo "# 'sleep' (which version 2 has not) have a column (0.1.0 left them out)"
# the columns of file $1's header that file $2's has not, comma-separated
added_cols() { head -1 "$1" | tr , '\n' | grep -vxF -f <(head -1 "$2" | tr , '\n') | paste -sd ,; }
lead_old=client,therapist,session,date,modality,rater,rater_code,
lead_new=attune.client,attune.therapist,attune.session,attune.date,attune.modality,attune.rater,attune.rater_code,
for i in client_post_session therapist_post_session export_demo; do
  for f in wide long redcap; do
    extra=
    [ "$i.$f" = therapist_post_session.redcap ] && extra="--rater therapist"
    [ "$i.$f" = export_demo.redcap ] && extra="--rater-code P02"
    collect --db old.db export "$i" --format "$f" --include-identifiers $extra -o out.csv 2>/dev/null
    case $f in
      wide) sed "1s/^$lead_old/$lead_new/" "$fixture/$i.$f.csv" >then.csv
            if [ "$i" = export_demo ]; then
              added=$(added_cols out.csv then.csv)
              csv_cells --drop "score,$added" out.csv >now.cells
              csv_cells --drop score then.csv >then.cells
              echo "$i $f: $(cmp -s now.cells then.cells && echo same || echo DIFFERENT) but" \
                   "for score, by row: $(csv_cells --only score out.csv | sed 's/.*= //' | paste -sd ' ')"
              echo "  and the columns added: $added"
              echo "  sleep, by row: $(csv_cells --only sleep out.csv | sed 's/.*= //' | paste -sd ' ')"
            else
              echo "$i $f: $(cmp -s out.csv then.csv && echo same || echo DIFFERENT)"
            fi ;;
      long) echo "$i $f: $(cmp -s out.csv "$fixture/$i.$f.csv" && echo same || echo DIFFERENT)" ;;
      redcap) csv_cells --drop attune_date,attune_therapist out.csv >now.cells
              csv_cells "$fixture/$i.$f.csv" >then.cells
              echo "$i $f: $(cmp -s now.cells then.cells && echo same || echo DIFFERENT)," \
                   "$(csv_cells --only attune_date,attune_therapist out.csv | wc -l) date and therapist cells added" ;;
    esac
  done
  collect --db old.db export "$i" -o out.csv 2>/dev/null
  sed "1s/^$lead_old/$lead_new/" "$fixture/$i.default.csv" >then.csv
  drop=
  [ "$i" = export_demo ] && drop=score
  added=$(added_cols out.csv then.csv)
  csv_cells --drop "$drop,$added" out.csv >now.cells
  csv_cells --only "$(head -1 out.csv)" --drop "$drop" then.csv >then.cells
  gone=$(added_cols then.csv out.csv | tr , ' ')
  echo "$i default: $(cmp -s now.cells then.cells && echo same || echo DIFFERENT) but for free text (${gone:-none})${added:+ and the columns added: $added}"
done
# (0.1.0's log showed every value; --include-identifiers shows them now)
collect --db old.db log --include-identifiers -o log.csv
echo "log: $(cmp -s log.csv "$fixture/log.csv" && echo same || echo DIFFERENT)"

echo "# the analyses are those of the same study made anew (the two post-session forms;"
echo "# export_demo's client P02 has two client ratings of one session, which attune 0.1.0"
echo "# stored and this version refuses, so it cannot be made anew)"
export ATTUNE_DB=new.db
setup collect init
setup collect therapist add T01 --cohort fall-2026
setup collect therapist add T02 --cohort fall-2026
setup collect instrument add instruments/client_post_session.csv
setup collect instrument add instruments/therapist_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv
setup collect import therapist_post_session examples/sample/therapist_post_session.csv
setup collect import client_post_session data/import_replace.csv --replace
setup collect amend client_post_session --client C01 --session 2 "comment=a note typed later" bond_1=3 --reason "typed from paper"
for i in client_post_session therapist_post_session; do
  analyze --db old.db all --instrument $i --rater all --out-dir out-old-$i >/dev/null 2>&1
  analyze --db new.db all --instrument $i --rater all --out-dir out-new-$i >/dev/null 2>&1
  for f in out-new-$i/*.csv; do
    echo "$i $(basename "$f"): $(wc -l <"$f") lines, $(cmp -s "$f" "out-old-$i/$(basename "$f")" && echo same || echo DIFFERENT)"
  done
done

echo "# an answer under a name its dictionary does not have (a file edited by hand) is kept"
cp "$fixture/study.db" edited.db
chmod 600 edited.db
sqlite3 edited.db "INSERT INTO responses VALUES (2, 'zz_typed_by_hand', 'kept')"
collect --db edited.db init >/dev/null
sqlite3 -readonly -csv edited.db "SELECT administration_id, field, value FROM responses WHERE field = 'zz_typed_by_hand'"
sqlite3 -readonly -csv edited.db "SELECT position, name FROM instrument_columns WHERE name = 'zz_typed_by_hand'"
echo "the other answers: $(sqlite3 -readonly -csv edited.db "$answers" | grep -v zz_typed_by_hand | cmp -s - answers.before && echo the same || echo DIFFERENT)"

echo "# a replacement of a rating attune 0.1.0 stored twice replaces both"
sqlite3 -readonly old.db "SELECT a.id, a.rater_code FROM administrations a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id JOIN instruments i ON i.id = a.instrument_id WHERE c.code = 'P02' AND s.number = 1 AND a.rater = 'client' ORDER BY a.id"
collect --db old.db import export_demo "$fixture/export_demo_v2_answers.csv" --replace
sqlite3 -readonly old.db "SELECT count(*), group_concat(a.rater_code) FROM administrations a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'P02' AND s.number = 1 AND a.rater = 'client'"
sqlite3 -readonly old.db "SELECT action, field, old, new FROM audit WHERE reason = 'import --replace' AND field IS NULL ORDER BY id"
