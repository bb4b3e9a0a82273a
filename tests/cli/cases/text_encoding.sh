# CSV files are UTF-8 text: a NUL byte, a UTF-16 or UTF-32 file, bytes that
# are not UTF-8 and cells over 1 MB are refused with the file, line and
# column (and how to convert), in dictionaries and in answer files alike,
# and nothing is stored.
setup collect init
setup collect instrument add instruments/client_post_session.csv
before=$(store_fingerprint attune.db)
head=$(head -n 1 examples/sample/client_post_session.csv)
row() { sed -n "$1p" examples/sample/client_post_session.csv; }

echo "# two client codes that differ only after a NUL byte; a score '5<NUL>junk'"
{ echo "$head"; row 2 | sed 's/^C01/B0\x00X1/'; row 3 | sed 's/^C01/B0\x00Y2/'; } >nul_codes.csv
run collect import client_post_session nul_codes.csv
{ echo "$head"; row 2 | sed 's/,4,4,4,4,4,1,/,5\x00junk,4,4,4,4,1,/'; } >nul_score.csv
run collect import client_post_session nul_score.csv
echo "# a NUL inside a quoted note that spans lines: the line of the NUL"
{ echo "$head"; row 2; row 4 | sed 's/The session started late/"The session\nstarted \x00late/; s/rushed\./rushed."/'; } >nul_note.csv
run collect import client_post_session nul_note.csv

echo "# UTF-16 and UTF-32, with and without a byte order mark"
printf '%s\n' "$head" "$(row 2)" | iconv -f UTF-8 -t UTF-16 >u16bom.csv
printf '%s\n' "$head" "$(row 2)" | iconv -f UTF-8 -t UTF-16BE >u16be.csv
printf '%s\n' "$head" "$(row 2)" | iconv -f UTF-8 -t UTF-32LE >u32le.csv
for f in u16bom.csv u16be.csv u32le.csv; do
  run collect import client_post_session "$f"
done
echo "# the conversion the message gives works"
iconv -f UTF-16BE -t UTF-8 u16be.csv >converted.csv
run collect import client_post_session converted.csv --dry-run

echo "# bytes that are not UTF-8 (Latin-1) in a code and in a note"
{ echo "$head"; row 2 | sed 's/^C01/C\xe901/'; } >latin_code.csv
run collect import client_post_session latin_code.csv
{ echo "$head"; row 4 | sed 's/felt rushed/felt d\xe9j\xe0 rushed/'; } >latin_note.csv
run collect import client_post_session latin_note.csv
echo "# an overlong encoding and a UTF-16 surrogate written as UTF-8"
{ echo "$head"; row 4 | sed 's/felt rushed/felt \xc0\xafrushed/'; } >overlong.csv
run collect import client_post_session overlong.csv
{ echo "$head"; row 4 | sed 's/felt rushed/felt \xed\xa0\x80rushed/'; } >surrogate.csv
run collect import client_post_session surrogate.csv
echo "# a note of exactly 1 MB is read; one byte more is refused, also across lines"
# note N [SEP]: row 4 with its note (column 24) made of N x's, SEP between halves
note() {
  row 4 | cut -d, -f1-23 | tr -d '\n'
  printf ',"'; head -c "$(($1 / 2))" /dev/zero | tr '\0' x; printf '%b' "${2:-}"
  head -c "$(($1 - $1 / 2))" /dev/zero | tr '\0' x; printf '",'
  row 4 | cut -d, -f25-
}
{ echo "$head"; note 1048576; } >note_1mb.csv
run collect import client_post_session note_1mb.csv --dry-run
{ echo "$head"; note 1048577; } >note_big.csv
run collect import client_post_session note_big.csv
{ echo "$head"; note 1048576 '\n'; } >note_lines.csv
run collect import client_post_session note_lines.csv

echo "# dictionaries: a NUL in a field name and in a choices cell, UTF-16, Latin-1"
sed '5s/^goal_1/goal\x00_1/' instruments/client_post_session.csv >dict_nul_name.csv
run collect instrument add dict_nul_name.csv
sed '5s/2, A little/2, A\x00 little/' instruments/client_post_session.csv >dict_nul_choice.csv
run collect instrument add dict_nul_choice.csv
iconv -f UTF-8 -t UTF-16LE instruments/client_post_session.csv >dict_u16.csv
run collect instrument add dict_u16.csv
sed '4s/on my side/on my c\xf4t\xe9/' instruments/client_post_session.csv >dict_latin.csv
run collect instrument add dict_latin.csv

echo "# nothing was stored: $( [ "$(store_fingerprint attune.db)" = "$before" ] && echo yes || echo NO)"

echo "# well-formed UTF-8 with a byte order mark is read"
{ printf '\xef\xbb\xbf%s\n' "$head"; row 4 | sed 's/felt rushed/felt déjà vu and rushed/'; } >utf8.csv
run collect import client_post_session utf8.csv
sql "SELECT value FROM responses WHERE field = 'rupture_other'"
echo "# an answer typed in another encoding is refused too"
run collect amend client_post_session --client C01 --session 3 "rupture_other=caf$(printf '\xe9')" --reason "typed again"
echo "# and at the terminal, where the question is asked again"
collect client add C77 >/dev/null
printf 'caf\xe9\n' | collect run client_post_session --client C77 --quiet 2>&1 | grep -a 'not accepted'
