#!/usr/bin/env bash
# The real-browser test: headless chromium answers the client questionnaire
# through collect serve at 360x740 (by the link) and 1280x800 (by the access
# code); screenshots of each kind of screen go to BUILD/tests/web/screens.
# usage: browser.sh BUILD_DIR [pg]   (pg: the study on PostgreSQL, see lib.sh)
set -u
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pw=$build/web-node
if [ ! -d "$pw/node_modules/playwright-core" ] || ! command -v chromium >/dev/null; then
  echo "browser test: playwright-core ($pw) or chromium missing; tests/run.sh installs them"
  exit 77
fi
source "$here/lib.sh"
web_setup "$build" "${2:-}"
link=$(invite_link client_post_session C01)
code=$(collect invite client_post_session --client C02 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
wait_code=$(collect invite client_post_session --client C03 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
out=$build/tests/web/screens${2:+-$2}
rm -rf "$out" && mkdir -p "$out"
serve_start
node "$here/browser.js" "$pw" "$BASE" "$BASE$link" "$code" "$out" "$wait_code" || fail "the browser run failed"
serve_stop
collect export client_post_session --include-identifiers -o "$W/e.csv" 2>/dev/null
rows=$(($(wc -l <"$W/e.csv") - 1))
[ "$rows" = 2 ] || fail "$rows administrations stored, want 2"
python3 - "$W/e.csv" <<'PY' || fail "the answers are not stored as given"
import csv, sys
want = dict(bond_1="5", goal_1="5", task_1="4", bond_2="3", goal_2="4", task_2="2", rupture="1",
            rupture_kind___1="0", rupture_kind___2="1", rupture_kind___5="0", rupture_other="",
            tension="3", addressed="0", resolution="3", followup="1", comment="<b>not bold</b> & fine see:clinic.example.org/notes/" + "x" * 60)
rows = {r["attune.client"]: r for r in csv.DictReader(open(sys.argv[1]))}
for c in ("C01", "C02"):
    bad = {k: (rows[c][k], v) for k, v in want.items() if rows[c][k] != v}
    if bad: print(c, "stored, wanted:", bad); sys.exit(1)
PY
# the clinician's HTML report of these answers, on a phone: the long word
# in the note wraps inside the page
"$build/analyze/analyze" report --format html -o "$W/report.html" 2>/dev/null || fail "analyze report failed"
grep -q "see:clinic.example.org" "$W/report.html" || fail "the report lacks the client's note"
node "$here/browser.js" "$pw" --report "$W/report.html" "$out" || fail "the report is wider than a phone"
echo "browser: $(ls "$out" | wc -l) screenshots in $out"
