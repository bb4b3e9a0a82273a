# Schema 2 to schema 3: a study written before web links (tests/data/schema2)
# is migrated by the first command that writes, in one transaction; every
# answer, the audit trail and every export stay byte for byte as they were,
# a schema-1 study goes through 2 to 3, and the new source 'web' is taken.
fixture=data/schema2
cp "$fixture/study.db" old.db
chmod 600 old.db
answers="SELECT administration_id, field, value FROM responses ORDER BY 1, 2"
admins="SELECT id, session_id, instrument_id, rater, rater_code, status, started_at, finished_at, source, answers FROM administrations ORDER BY id"
trail="SELECT id, at, who, action, administration_id, field, old, new, reason, who_name FROM audit ORDER BY id"
for q in answers admins trail; do sqlite3 -readonly -csv old.db "${!q}" >$q.before; done
echo "schema 2: version $(sqlite3 -readonly old.db 'PRAGMA user_version'), $(wc -l <answers.before) answers, $(wc -l <admins.before) administrations, $(wc -l <trail.before) audit rows"

echo "# a reading command leaves it as it is"
before=$(fingerprint old.db)
run collect --db old.db export client_post_session -o /dev/null
echo "unchanged: $([ "$(fingerprint old.db)" = "$before" ] && echo yes || echo NO)"
echo "# so does an import's --dry-run, which changes nothing"
run collect --db old.db import client_post_session data/import_more.csv --dry-run
echo "unchanged: $([ "$(fingerprint old.db)" = "$before" ] && echo yes || echo NO)"

echo "# collect init migrates it"
run collect --db old.db init
echo "schema now: $(sqlite3 -readonly old.db 'PRAGMA user_version')"
for q in answers admins trail; do
  sqlite3 -readonly -csv old.db "${!q}" >$q.after
  echo "$q the same: $(cmp -s $q.before $q.after && echo yes || echo NO)"
done
echo "tables: $(sqlite3 -readonly old.db "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name)")"
echo "integrity: $(sqlite3 -readonly old.db 'PRAGMA integrity_check') $(sqlite3 -readonly old.db 'PRAGMA foreign_key_check' | wc -l) foreign-key problems"

echo "# every export holds what the schema-2 version wrote: long byte for byte; wide with"
echo "# the leading columns since named attune.client ...; redcap with the session date and"
echo "# therapist since added; the default export without free-form text, since left out"
lead_old=client,therapist,session,date,modality,rater,rater_code,
lead_new=attune.client,attune.therapist,attune.session,attune.date,attune.modality,attune.rater,attune.rater_code,
for i in client_post_session therapist_post_session; do
  for f in wide long redcap; do
    extra=
    [ $i = therapist_post_session ] && extra="--rater therapist"
    collect --db old.db export "$i" --format "$f" --include-identifiers $extra -o out.csv 2>/dev/null
    case $f in
      wide) sed "1s/^$lead_old/$lead_new/" "$fixture/$i.$f.csv" >then.csv
            echo "$i $f: $(cmp -s out.csv then.csv && echo same || echo DIFFERENT)" ;;
      long) echo "$i $f: $(cmp -s out.csv "$fixture/$i.$f.csv" && echo same || echo DIFFERENT)" ;;
      redcap) csv_cells --drop attune_date,attune_therapist out.csv >now.cells
              csv_cells "$fixture/$i.$f.csv" >then.cells
              echo "$i $f: $(cmp -s now.cells then.cells && echo same || echo DIFFERENT)" ;;
    esac
  done
  collect --db old.db export "$i" -o out.csv 2>/dev/null
  sed "1s/^$lead_old/$lead_new/" "$fixture/$i.default.csv" >then.csv
  csv_cells out.csv >now.cells
  csv_cells --only "$(head -1 out.csv)" then.csv >then.cells
  echo "$i default: $(cmp -s now.cells then.cells && echo same || echo DIFFERENT) but for free text"
done
# the log has since gained a therapist column; without it, the same bytes
collect --db old.db log --include-identifiers -o log.csv
python3 - <<'PY' >log.then
import csv, sys
rows = list(csv.reader(open("log.csv", newline="")))
k = rows[0].index("therapist")
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow(r[:k] + r[k + 1:])
PY
echo "log: $(cmp -s log.then "$fixture/log.csv" && echo same || echo DIFFERENT) but for the therapist column"

echo "# the new administrations table takes the source 'web' and still refuses others"
sqlite3 old.db "INSERT INTO administrations(session_id, instrument_id, rater, status, started_at, finished_at, source) VALUES (1, 1, 'observer', 'partial', 'x', 'x', 'web')" && echo "web taken"
sqlite3 old.db "INSERT INTO administrations(session_id, instrument_id, rater, status, started_at, finished_at, source) VALUES (1, 1, 'observer', 'partial', 'x', 'x', 'paper')" 2>&1 | sed 's/^.*CHECK/CHECK/'

echo "# a schema-1 study goes 1 -> 2 -> 3 in one command"
cp data/schema1/study.db one.db
chmod 600 one.db
sqlite3 -readonly -csv one.db "SELECT administration_id, field, value FROM responses ORDER BY 1, 2" >one.before
run collect --db one.db init
echo "schema now: $(sqlite3 -readonly one.db 'PRAGMA user_version')"
sqlite3 -readonly -csv one.db "$answers" >one.after
echo "every answer the same: $(cmp -s one.before one.after && echo yes || echo NO)"
echo "same schema as a new study: $(cmp -s <(sqlite3 -readonly one.db .schema) <(collect --db new.db init >/dev/null; sqlite3 -readonly new.db .schema) && echo yes || echo NO)"
echo "# any other writing command migrates too, and says so"
cp data/schema1/study.db two.db
chmod 600 two.db
run collect --db two.db therapist add T88
echo "schema now: $(sqlite3 -readonly two.db 'PRAGMA user_version')"

echo "# a schema-3 study whose source check is the IN list the first schema-3 release"
echo "# wrote (put back here as it wrote it) gets the same rule as an OR chain from the"
echo "# first command that writes, in place: no row touched, still schema 3"
check="SELECT substr(sql, instr(sql, 'CHECK (source'), 70) FROM sqlite_schema WHERE name = 'administrations'"
sqlite3 old.db "PRAGMA writable_schema = ON;
  UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (source = ''interactive'' OR source = ''import'' OR source = ''web'')',
    'CHECK (source IN (''interactive'', ''import'', ''web''))') WHERE name = 'administrations';
  PRAGMA schema_version = $(( $(sqlite3 old.db 'PRAGMA schema_version') + 1 ));
  PRAGMA writable_schema = OFF;"
echo "before: $(sqlite3 -readonly old.db "$check")"
for q in answers admins trail; do sqlite3 -readonly -csv old.db "${!q}" >$q.before; done
collect --db old.db export client_post_session -o /dev/null
echo "after a reading command: $(sqlite3 -readonly old.db "$check")"
run collect --db old.db therapist add T77
echo "after a writing command: $(sqlite3 -readonly old.db "$check")"
for q in answers admins trail; do
  sqlite3 -readonly -csv old.db "${!q}" >$q.after
  echo "$q the same: $(cmp -s $q.before $q.after && echo yes || echo NO)"
done
echo "schema: $(sqlite3 -readonly old.db 'PRAGMA user_version'), integrity: $(sqlite3 -readonly old.db 'PRAGMA integrity_check')"
echo "same schema as a new study: $(cmp -s <(sqlite3 -readonly old.db .schema) <(sqlite3 -readonly new.db .schema) && echo yes || echo NO)"
sqlite3 old.db "INSERT INTO administrations(session_id, instrument_id, rater, status, started_at, finished_at, source) VALUES (1, 1, 'observer', 'partial', 'x', 'x', 'paper')" 2>&1 | sed 's/^.*CHECK/CHECK/'
# SQLite evaluates an IN list of three values by filling a table on every insert
echo "tables an insert fills: $(sqlite3 -readonly old.db "EXPLAIN INSERT INTO administrations(session_id, instrument_id, rater, status, started_at, finished_at, source) VALUES (1, 1, 'observer', 'partial', 'x', 'x', 'web')" | grep -c OpenEphemeral)"
