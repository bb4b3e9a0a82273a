#!/usr/bin/env bash
# End-to-end tests of collect invite and collect serve over HTTP: the real
# server on a free loopback port, whole questionnaires driven by curl.
# usage: http.sh BUILD_DIR [pg]   (pg: the study on PostgreSQL, see lib.sh)
set -u
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
web_setup "$build" "${2:-}"
ok() { echo "ok: $*"; }
admins() { dbq "SELECT count(*) FROM administrations $*"; }

# ---- a slow sender (run beside the rest; checked at the end) -----------------
# a client that sends a byte of its headers, or of its body, every two
# seconds is never idle; its connection is cut once its request has taken
# 30 s without being received whole
collect serve --listen 127.0.0.1:0 2>"$W/slow-serve.log" &
slowpid=$!
trap 'kill -KILL $slowpid 2>/dev/null; serve_kill; web_drop; rm -rf "$W"' EXIT
for _ in $(seq 400); do grep -q '^listening on ' "$W/slow-serve.log" 2>/dev/null && break; sleep 0.05; done
slowport=$(sed -n '1s/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$W/slow-serve.log")
[ -n "$slowport" ] || fail "the slow sender's server did not start"
python3 - "$slowport" >"$W/slow.out" 2>&1 <<'PY' &
import socket, sys, threading, time
port = int(sys.argv[1])
def run(name, head, dribble):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(1)
    t0 = time.time()
    s.sendall(head)
    while time.time() - t0 < 45:
        try:
            if s.recv(100) == b"":
                break
        except socket.timeout:
            pass
        except OSError:
            break
        try:
            s.sendall(dribble)
        except OSError:
            break
        time.sleep(1)
    print("%s %.0f" % (name, time.time() - t0))
ts = [threading.Thread(target=run, args=a) for a in (
    ("headers", b"GET /code HTTP/1.1\r\nHost: x\r\n", b"X-A: b\r\n"),
    ("body", b"POST /code HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             b"Content-Length: 900\r\n\r\n_code=", b"A"))]
for t in ts: t.start()
for t in ts: t.join()
PY
slowcheck=$!

# ---- invite ---------------------------------------------------------------
out=$(collect invite client_post_session --client C01 --session 3 --qr "$W/q.png")
link=$(echo "$out" | grep -o '/s/[A-Za-z0-9_-]*')
echo "$out" | grep -qx "http://127.0.0.1:8080$link" || fail "the link is not on a line of its own: $out"
[ ${#link} -ge 25 ] || fail "token too short: $link"
echo "$out" | grep -Eq '^access code: [2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5} ' || fail "no access code: $out"
! echo "$out" | grep -q $'\033' || fail "a QR code drawn into a pipe"
file "$W/q.png" | grep -q 'PNG image data' || fail "no PNG written"
collect invite client_post_session --client C02 --qr "$W/q.svg" >/dev/null
xmllint --noout "$W/q.svg" 2>/dev/null || grep -q '<svg' "$W/q.svg" || fail "no SVG written"
grep -q 'fill="#000" d="M' "$W/q.svg" || fail "the SVG has no modules"
[ "$(stat -c %a "$W/q.png")" = 600 ] || fail "the QR file is readable by others"
tok=${link#/s/}
! db_dump | grep -qF "$tok" || fail "the token is in the study file"
ok "invite prints the link, a code and writes PNG and SVG QR codes; the token is not stored"

# the terminal QR code, when stdout is a terminal (script gives it one)
if command -v script >/dev/null; then
  script -qc "collect invite client_post_session --client C09" /dev/null >"$W/tty.out" </dev/null
  grep -q $'\033\[30;' "$W/tty.out" || fail "no QR code drawn on a terminal"
  ok "a QR code is drawn when stdout is a terminal"
fi

# refusals
collect invite client_post_session --client C01 --session 3 >/dev/null 2>"$W/e" && fail "a second open link for one rating"
grep -q 'already has an open link' "$W/e" || fail "second link message: $(cat "$W/e")"
collect invite client_post_session --client NOPE >/dev/null 2>&1; [ $? = 1 ] || fail "unknown client"
for bad in 0m 7 7x 400d ''; do
  collect invite client_post_session --client C03 --expires "$bad" >/dev/null 2>&1; [ $? = 2 ] || fail "--expires '$bad' taken"
done
collect invite client_post_session --client C03 --qr x.gif >/dev/null 2>&1; [ $? = 2 ] || fail "--qr x.gif taken"
collect invite client_post_session --client C03 --base-url ftp://x >/dev/null 2>&1; [ $? = 2 ] || fail "ftp base taken"
hdr=$(head -1 "$top/instruments/client_post_session.csv")
printf '%s\n%s\n' "$hdr" 'q1,tpl,,radio,"(wording to be pasted in)","0, low | 10, high",,,,,,,,,,,,@TEMPLATE' >"$W/tpl.csv"
collect instrument add "$W/tpl.csv" >/dev/null 2>&1 || fail "template add"
collect invite tpl --client C03 >/dev/null 2>"$W/e" && fail "a template form was given a link"
grep -q 'template' "$W/e" || fail "template message: $(cat "$W/e")"
ok "invite refuses a second link, bad durations, bad QR names, a template form"

# the pages are at the server's root: a base URL with a path is refused, by
# invite (whose links would lead there) and by serve; a trailing slash is not a path
for b in http://host/attune https://host:8443/attune/ http://host/s; do
  collect invite client_post_session --client C03 --base-url "$b" >/dev/null 2>"$W/e"; [ $? = 2 ] || fail "invite took --base-url $b"
  grep -qF "'--base-url' takes a server's address without a path" "$W/e" || fail "base path message: $(cat "$W/e")"
  timeout 10 collect serve --listen 127.0.0.1:0 --base-url "$b" >/dev/null 2>"$W/e"; [ $? = 2 ] || fail "serve took --base-url $b"
  grep -qF "'--base-url' takes a server's address without a path" "$W/e" || fail "serve base path message: $(cat "$W/e")"
done
[ "$(dbq "SELECT count(*) FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C03'")" = 0 ] ||
  fail "a refused base URL made a link"
out=$(collect invite client_post_session --client C03 --session 9 --base-url https://attune.clinic.lan:8443/)
echo "$out" | grep -Eqx 'https://attune\.clinic\.lan:8443/s/[A-Za-z0-9_-]{32}' || fail "link under a base with a slash: $out"
echo "$out" | grep -qF '(at https://attune.clinic.lan:8443/code)' || fail "code address under a base with a slash: $out"
ok "a base URL with a path is refused by invite and serve; one ending in / is the root"

# ---- serve: refusals and listening -----------------------------------------
collect serve --listen 0.0.0.0:0 >/dev/null 2>"$W/e"; [ $? = 2 ] || fail "a public address without TLS was taken"
grep -q 'not a loopback address' "$W/e" || fail "public address message"
collect serve --listen nohost >/dev/null 2>&1; [ $? = 2 ] || fail "--listen nohost taken"
collect serve --tls-cert x.pem >/dev/null 2>&1; [ $? = 2 ] || fail "--tls-cert alone taken"
serve_start
ok "serve refuses a public address without TLS; listens on $BASE"

# ---- headers on every response -----------------------------------------------
for p in /code /style.css "$link" /s/nothing /nowhere; do
  req GET "$p"
  for h in "Content-Security-Policy: default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'" \
           "Referrer-Policy: no-referrer" "Cache-Control: no-store" "X-Content-Type-Options: nosniff"; do
    grep -qiF "$h" "$W/h" || fail "$p: no header '$h'"
  done
done
req GET /style.css; expect 200; grep -qi '^content-type: text/css' "$W/h" || fail "css type"
req DELETE "$link"; expect 405
grep -qix 'allow: GET, HEAD, POST'$'\r' "$W/h" || fail "405 for a link: $(grep -i '^allow' "$W/h")"
# the stylesheet takes GET and HEAD alone: a post to it, with a form or
# with no body, or any other method answers 405 naming those two
css405() {
  expect 405 "$1 /style.css"
  grep -qix 'allow: GET, HEAD'$'\r' "$W/h" || fail "$1 /style.css: $(grep -i '^allow' "$W/h")"
  hasnt ':root{'
}
req POST /style.css --data x=1; css405 "a form posted to"
req POST /style.css; css405 "an empty POST to"
req PUT /style.css --data x=1; css405 PUT
req DELETE /style.css; css405 DELETE
req HEAD /style.css -I; expect 200 "HEAD /style.css"
# the front page (the access-code form, which posts to /code) takes GET and HEAD
req POST / --data _code=x; expect 405 "POST /"
grep -qix 'allow: GET, HEAD'$'\r' "$W/h" || fail "POST /: $(grep -i '^allow' "$W/h")"
req GET /; expect 200 "GET /"
ok "security headers on every response; 405 with Allow for other methods (GET and HEAD alone for the stylesheet)"

# raw REQUEST: what the server answers a request written byte for byte
raw() {
  python3 - "$BASE" "$1" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=10)
s.sendall(sys.argv[2].encode())
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
sys.stdout.write(out.decode("utf-8", "replace"))
PY
}
raw $'GET /code HTTP/1.1\r\nConnection: close\r\n\r\n' >"$W/raw"
head -1 "$W/raw" | grep -q '^HTTP/1.1 400 ' || fail "an HTTP/1.1 request without Host: $(head -1 "$W/raw")"
grep -qi "^content-security-policy: default-src 'none'" "$W/raw" || fail "the 400 for no Host has no CSP"
raw $'GET /code HTTP/1.0\r\n\r\n' >"$W/raw"
head -1 "$W/raw" | grep -q '^HTTP/1.[01] 200 ' || fail "an HTTP/1.0 request without Host: $(head -1 "$W/raw")"
ok "an HTTP/1.1 request without a Host header answers 400; HTTP/1.0 needs none"
# the few replies libmicrohttpd makes itself, to a request it cannot take
# (no header of ours can be added to them): its fixed text alone, nothing
# of the request (the token in its address), no script, and the connection closed
big=$(head -c 40000 /dev/zero | tr '\0' a)
for r in "431|GET $link HTTP/1.1"$'\r\nHost: x\r\nX-Big: '"$big"$'\r\n\r\n' \
         "400|GET $link HTTP/1.1"$'\r\nHost: x\r\nno colon here\r\n\r\n' \
         "400|POST $link HTTP/1.1"$'\r\nHost: x\r\nContent-Length: abc\r\n\r\n' \
         "414|GET $link$big HTTP/1.1"$'\r\nHost: x\r\n\r\n'; do
  raw "${r#*|}" >"$W/raw" || fail "the library's ${r%%|*} did not close the connection"
  head -1 "$W/raw" | grep -q "^HTTP/1.1 ${r%%|*} " || fail "the library's answer: $(head -1 "$W/raw")"
  grep -qix 'connection: close'$'\r' "$W/raw" || fail "the library's ${r%%|*} keeps the connection"
  ! grep -qF -e "${link#/s/}" -e '<script' "$W/raw" || fail "the library's ${r%%|*} holds the request: $(head -c 400 "$W/raw")"
done
ok "the library's own 400, 414 and 431 hold its fixed text alone and close the connection"
# a method of the visitor's making (escapes for a terminal, a very long one,
# a link's token): 405, and the log names it "other" (checked below)
for m in $'BREW\033[2J\033]0;owned\007' "$(printf 'M%.0s' $(seq 300))" "$tok" $'GET\033[31m'; do
  raw "$m /code HTTP/1.1"$'\r\nHost: x\r\nConnection: close\r\n\r\n' >"$W/raw"
  head -1 "$W/raw" | grep -q '^HTTP/1.1 405 ' || fail "an odd method: $(head -1 "$W/raw")"
done

# ---- a whole questionnaire: branching, back, skip, review, change, save --------
req GET "$link"; expect 200
has '<html lang="en">'; has 'Question 1 of at most 14'; has 'A few questions about today'
has '<input type="radio" id="f-bond_1-0" name="bond_1" value="1"'
has '<label for="f-bond_1-0">Not at all</label>'
has '<button type="submit" name="action" value="next"'
hasnt 'C01'; hasnt 'T01'; hasnt 'client_post_session'
[ "$(dbq 'SELECT state FROM invitations WHERE id = 1')" = pending ] || fail "a GET changed the state"

step "$link" next bond_1=4; expect 303
grep -qi "^location: $link" "$W/h" || fail "303 goes elsewhere"
req GET "$link"; has 'Question 2 of at most 14'
step "$link" skip; expect 303                      # goal_1 skipped
step "$link" next task_1=3
step "$link" back                                   # back to task_1, kept
req GET "$link"; has 'name="task_1" value="3" checked'
step "$link" back; req GET "$link"; has 'name="goal_1"'   # the skipped one
has '>Skip</button>'; hasnt 'Clear and skip'
step "$link" next goal_1=5
# an optional question answered before, opened again by Back: its Skip says
# that it takes the answer away (and does); Next keeps it
step "$link" back; req GET "$link"; has 'name="goal_1" value="5" checked'
has 'value="skip" class="skip">Clear and skip</button>'; has 'Clear and skip takes your answer away.'
step "$link" skip; req GET "$link"; has 'name="task_1"'
step "$link" back; req GET "$link"; has 'name="goal_1"'; hasnt 'checked'; has '>Skip</button>'
step "$link" next goal_1=5
step "$link" next task_1=3
step "$link" next bond_2=9; expect 200; has 'role="alert"'  # refused: not a choice
has 'name="bond_2" value="1" aria-invalid="true"'
has 'name="bond_2"'
step "$link" next bond_2=2
step "$link" next goal_2=4
step "$link" next task_2=2
step "$link" next; expect 200; has 'This question needs an answer.'   # rupture is required
ok "next, skip, back (answers kept), refusals and required questions"

# resume after a dropped connection: a request cut off, then a fresh GET
curl -s -m 0.001 "$BASE$link" >/dev/null 2>&1
req GET "$link"; expect 200; has 'Was there a moment today'
has 'Question 7 of at most 14'
ok "a dropped connection resumes at the same question"

step "$link" next rupture=1                          # branching: the strain questions appear
req GET "$link"; has 'Question 8 of at most 14'; has 'type="checkbox" id="f-rupture_kind-0" name="rupture_kind___1" value="1"'
step "$link" next rupture_kind___2=1 rupture_kind___5=1
req GET "$link"; has 'Please describe it'        # shown by [rupture_kind(5)] = '1'
step "$link" next "rupture_other=a clash about homework"
step "$link" next tension=4
step "$link" next addressed=1
step "$link" next resolution=4
step "$link" next followup=0
step "$link" next "comment=<script>alert(1)</script>"
req GET "$link"; has '<h1>Your answers</h1>'; has '&lt;script&gt;alert(1)&lt;/script&gt;'
hasnt '<script>'; has 'value="save"'; hasnt 'value="next"'
# change the rupture answer to No: the strain answers go
at=$(stamp); post "$link" "_at=$at" action=change-7; expect 303
req GET "$link"; has 'name="rupture"'
step "$link" next rupture=0; expect 303
req GET "$link"; has '<h1>Your answers</h1>'; hasnt 'How strong was it'
# and back to Yes: its questions are asked again, then the review
at=$(stamp); post "$link" "_at=$at" action=change-7
step "$link" next rupture=1
req GET "$link"; has 'name="rupture_kind___1"'
step "$link" next rupture_kind___1=1
step "$link" next tension=2
step "$link" next addressed=1
step "$link" next resolution=5
step "$link" next followup=1
req GET "$link"; has '<h1>Your answers</h1>'
[ "$(dbq 'SELECT state FROM invitations WHERE id = 1')" = started ] || fail "state not started"
# a form sent twice moves once: an old stamp does nothing
post "$link" "_at=q3" action=next task_1=1; req GET "$link"; has '<h1>Your answers</h1>'
step "$link" save; expect 200; has '<h1>All done</h1>'; has 'Thank you'
req GET "$link"; expect 410; has 'Thank you'; hasnt 'Completely'; hasnt 'homework'
[ "$(admins "WHERE source = 'web'")" = 1 ] || fail "not one web administration"
collect export client_post_session --include-identifiers -o "$W/e.csv" 2>/dev/null
python3 - "$W/e.csv" <<'PY' || fail "the answers are not stored as given"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
assert len(r) == 1, r
r = r[0]
want = {"attune.client": "C01", "attune.session": "3", "attune.rater": "client"}
want.update(bond_1="4", goal_1="5", task_1="3", bond_2="2",
            goal_2="4", task_2="2", rupture="1", rupture_kind___1="1", rupture_kind___2="0",
            rupture_kind___5="0", rupture_other="", tension="2", addressed="1", resolution="5",
            followup="1", comment="<script>alert(1)</script>")
bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
assert not bad, bad
PY
[ "$(dbq "SELECT state || ' ' || answers || ' ' || coalesce(flow_state, '-') FROM invitations WHERE id = 1")" = "answered [] -" ] ||
  fail "an answered link keeps its answers"
post "$link" action=save; expect 410
ok "branching, review, change, save; the used link answers 410 with a thank-you page"

# ---- the same walk for a client that does not follow redirects ------------------
link2=$(invite_link client_post_session C04)
ACCEPT='*/*' step "$link2" next bond_1=5; expect 200; has 'Question 2 of at most 14'
ok "a client that takes no text/html gets the next screen at once (200)"

# ---- the rating recorded another way meanwhile: 409, the link stays open -------------
link7=$(invite_link client_post_session C03 --session 5)
for kv in bond_1=4 goal_1=4 task_1=4 bond_2=4 goal_2=4 task_2=4 rupture=0 comment=x; do step "$link7" next "$kv"; done
printf '4\n4\n4\n4\n4\n2\n0\n\ny\n' | collect run client_post_session --client C03 --session 5 --quiet >/dev/null 2>&1 ||
  fail "run beside an open link"
step "$link7" save; expect 409; has 'recorded another way'
collect invite list | grep -q ',C03,5,client,.*,started$' || fail "the link did not stay open"
[ "$(admins "a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C03'")" = 1 ] ||
  fail "two ratings of one session"
ok "a rating recorded by run meanwhile: the web save answers 409 and the link keeps its answers"

# ---- a link made ahead, saved before its session's day: 409, the answers kept ----------
collect client add C20 >/dev/null
collect session add --client C20 --number 1 --date 2099-12-20 >/dev/null
link8=$(invite_link client_post_session C20 --session 1)
for kv in bond_1=4 goal_1=4 task_1=4 bond_2=4 goal_2=4 task_2=4 rupture=0 comment=early; do step "$link8" next "$kv"; done
step "$link8" save; expect 409; has 'Not saved yet'; has 'session of 2099-12-20'
has '<h1>Your answers</h1>'; has 'value="save"'   # the review, with why
collect invite list | grep -q ',C20,1,client,.*,started$' || fail "the early link did not stay open"
[ "$(admins "a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C20'")" = 0 ] ||
  fail "a questionnaire saved into a session dated later than today"
collect session set --client C20 --session 1 --date 2026-01-05 >/dev/null || fail "the early session's date not corrected"
step "$link8" save; expect 200; has 'Thank you'
[ "$(admins "a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C20'")" = 1 ] ||
  fail "the kept answers were not saved once the session's date was right"
ok "a link saved before its session's day answers 409, keeps the answers, and saves them later"

# ---- the access code -----------------------------------------------------------
code=$(collect invite client_post_session --client C05 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
req GET /code; expect 200; has '<label for="code">'
post /code '_code=K7QM4-"><b>' action=open; expect 404
has 'value="K7QM4-&quot;&gt;&lt;b&gt;"'; hasnt '"><b>'
# a browser is sent on to the visit's own address, /c/ID (no code in it),
# and goes on there as by a link: each move a 303 back to it, so the
# browser's Back and reload find the screen it is at
post /code "_code=$(echo "$code" | tr 'A-Z' 'a-z' | tr -d -)" action=open; expect 303
visit=$(location)
echo "$visit" | grep -Eq '^/c/[A-Za-z0-9_-]{32}$' || fail "the code's browser is sent to '$visit'"
req GET "$visit"; expect 200
has 'Question 1 of at most 14'; has "action=\"$visit\""; hasnt 'name="_code"'; hasnt "${code%-*}"
step "$visit" next bond_1=2; expect 303 "a move by a visit"
[ "$(location)" = "$visit" ] || fail "a move by a visit goes to '$(location)'"
hasnt "${code%-*}"
req GET "$visit"; expect 200; has 'Question 2 of at most 14'
req GET "$visit"; expect 200 "the visit's page again (Back, reload)"; has 'Question 2 of at most 14'
[ "$(dbq "SELECT state FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C05'")" = started ] || fail "the code's progress not kept"
# the code typed again: the same visit
post /code "_code=$code" action=open; expect 303; [ "$(location)" = "$visit" ] || fail "the code typed again: another visit"
# a client that takes no HTML gets the screen at once, the code in its form
ACCEPT='*/*' post /code "_code=$code" action=open; expect 200
has 'Question 2 of at most 14'; has 'name="_code" value="'; has 'action="/code"'
at=$(stamp); ACCEPT='*/*' post /code "_code=$code" "_at=$at" action=next goal_1=3; expect 200; has 'Question 3 of at most 14'
req GET "$visit"; has 'Question 3 of at most 14'
step "$visit" back; expect 303; req GET "$visit"; has 'Question 2 of at most 14'
ok "the access code opens the same questionnaire, in any case, without the dash; a browser goes on at an address without the code; a wrong one is shown again, escaped"
# a visit the server does not know (forgotten once unused an hour, or from
# before it started again): the code is asked again, and a move posted
# there goes with it, so that nothing sent is lost
req GET /c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; expect 404 "an unknown visit"
has 'your access code is asked again'; has 'name="_code"'; has 'value="open"'
post /c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "_at=$(req GET "$visit"; stamp)" action=next goal_1=4 '_code=X"><b>'
expect 404 "a move by an unknown visit"; has 'the one you sent goes with the code'
PYTHONPATH=$here python3 - "$W/b" "$W/again" "$code" <<'PY' || fail "the code's form after a forgotten visit: $(grep -F -e '<input' -e '<button' "$W/b")"
import sys, urllib.parse
from forms import controls
page, again, code = sys.argv[1:]
forms, inputs, buttons = controls(page)
assert [(f.get("method"), f.get("action")) for f in forms] == [("post", "/code")], forms
got = [(i.get("name"), i.get("value")) for i in inputs if i.get("type") == "hidden"]
assert [n for n, _ in got] == ["_at", "goal_1"] and got[1][1] == "4", got
assert [(b.get("name"), b.get("value")) for b in buttons] == [("action", "next")], buttons
open(again, "w").write(urllib.parse.urlencode(got + [("_code", code), ("action", "next")]))
PY
# the code mistyped there: the move stays on the page that asks again
sed "s/_code=[^&]*/_code=ZZZZZ-ZZZZZ/" "$W/again" >"$W/again-wrong"
req POST /code --data @"$W/again-wrong"; expect 404 "the carried move with a wrong code"
has 'That code does not open'; has 'name="goal_1" value="4"'; has 'value="next"'
req POST /code --data @"$W/again"; expect 303 "the move sent again with the code"
[ "$(location)" = "$visit" ] || fail "the move sent again goes to '$(location)'"
req GET "$visit"; has 'Question 3 of at most 14'
[ "$(dbq "SELECT answers FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C05'")" = '["2","4"]' ] ||
  fail "the move sent with the code again not kept: $(dbq "SELECT answers FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C05'")"
ok "a visit the server does not know asks for the code again and keeps the move it was sent"
# a code whose link was revoked: not open, with the way back to the code's form
collect client add C21 >/dev/null
code21=$(collect invite client_post_session --client C21 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
collect invite revoke "$(dbq "SELECT max(id) FROM invitations")" >/dev/null
post /code "_code=$code21" action=open; expect 410; has 'This code is not open'; has '<a href="/code">'
hasnt 'The link may be mistyped'
ok "a revoked code's page says so and leads back to the code's form"

# the code's hash is PBKDF2-HMAC-SHA256 in 100,000 rounds (computed here by
# Python's hashlib), not a plain sha256 one could search every code with
pbkdf2() { python3 -c 'import hashlib, sys; print(hashlib.pbkdf2_hmac("sha256", ("attune:" + sys.argv[1].replace("-", "")).encode(), b"attune access code", 100000).hex())' "$1"; }
plain_sha() { printf 'attune:%s' "$(echo "$1" | tr -d -)" | sha256sum | cut -d' ' -f1; }
hash_of() { dbq "SELECT i.code_hash FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = '$1'${2:+ AND s.number = $2}"; }
[ "$(hash_of C05)" = "$(pbkdf2 "$code")" ] || fail "the code's stored hash is not its PBKDF2: $(hash_of C05)"
# a link made when codes were kept as a plain sha256 still opens by its code
old=$(collect invite client_post_session --client C09 --session 30 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
dbw "UPDATE invitations SET code_hash = '$(plain_sha "$old")' WHERE code_hash = '$(pbkdf2 "$old")'"
[ "$(hash_of C09 30)" = "$(plain_sha "$old")" ] || fail "the older link's hash not set"
ACCEPT='*/*' post /code "_code=$old" action=open; expect 200; has 'Question 1 of at most 14'
at=$(stamp); ACCEPT='*/*' post /code "_code=$old" "_at=$at" action=next bond_1=4; expect 200; has 'Question 2 of at most 14'
[ "$(dbq "SELECT state FROM invitations WHERE code_hash = '$(plain_sha "$old")'")" = started ] || fail "the older link's progress not kept"
ok "an access code is kept as PBKDF2-HMAC-SHA256 of 100,000 rounds; a link kept by a plain sha256 (made before) still opens"

# ---- forms that cannot be read: 400, nothing kept ----------------------------------
linkf=$(invite_link client_post_session C01 --session 12)
idf=$(dbq "SELECT max(id) FROM invitations")
req GET "$linkf"; at=$(stamp)
req POST "$linkf" --data "_at=$at&action=next&bond_1=3%00junk"; expect 400 "a value with a NUL byte"
has 'NUL byte'
grep -qi "^content-security-policy: default-src 'none'" "$W/h" || fail "the 400 page has no CSP"
printf -- '--other\r\nContent-Disposition: form-data; name="action"\r\n\r\nnext\r\n--other\r\nContent-Disposition: form-data; name="bond_1"\r\n\r\n3\r\n--other--\r\n' >"$W/mp"
req POST "$linkf" -H 'Content-Type: multipart/form-data; boundary=xyz' --data-binary @"$W/mp"
expect 400 "a multipart body under another boundary"
[ "$(dbq "SELECT state || ' ' || answers FROM invitations WHERE id = $idf")" = 'pending []' ] ||
  fail "an unreadable form was kept: $(dbq "SELECT answers FROM invitations WHERE id = $idf")"
# the same body under its own boundary is read
req POST "$linkf" -H 'Content-Type: multipart/form-data; boundary=other' --data-binary @"$W/mp"
expect 303 "a multipart form"
[ "$(dbq "SELECT answers FROM invitations WHERE id = $idf")" != '[]' ] || fail "a multipart answer not kept"
req GET "$linkf"; has 'Question 2 of at most 14'; at=$(stamp)
post "$linkf" "_at=$at" action=back; expect 303
req GET "$linkf"; has 'name="bond_1" value="3" checked'
ok "a value with a NUL byte and a body the form reader cannot parse answer 400 and keep nothing"

# ---- unknown, expired, revoked -------------------------------------------------
req GET /s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; expect 404; cp "$W/b" "$W/unknown.html"
link3=$(invite_link client_post_session C06)
dbw "UPDATE invitations SET expires_at = '2000-01-01T00:00:00Z' WHERE id = (SELECT max(id) FROM invitations)"
req GET "$link3"; expect 410; cmp -s "$W/b" "$W/unknown.html" || fail "the expired page differs from the unknown one"
collect invite list >"$W/list.csv"
grep -q ',C06,1,client,.*,2000-01-01T00:00:00Z,expired$' "$W/list.csv" || fail "list: $(cat "$W/list.csv")"
collect invite list --text | grep -qE '^ *[0-9]+  client_post_session  C06 +1  client  .*  2000-01-01T00:00:00Z  expired$' ||
  fail "list --text: $(collect invite list --text)"
link4=$(invite_link client_post_session C07)
id4=$(dbq "SELECT max(id) FROM invitations")
step "$link4" next bond_1=3
collect invite revoke "$id4" | grep -qx "revoked link $id4" || fail "revoke"
req GET "$link4"; expect 410; cmp -s "$W/b" "$W/unknown.html" || fail "the revoked page differs"
collect invite revoke "$id4" >/dev/null 2>"$W/e"; [ $? = 1 ] || fail "revoked twice"
grep -q "is revoked" "$W/e" || fail "second revoke message"
collect invite revoke 999 >/dev/null 2>&1; [ $? = 1 ] || fail "revoke of no link"
collect invite revoke x >/dev/null 2>&1; [ $? = 2 ] || fail "revoke x"
head -1 "$W/list.csv" | grep -qx 'id,instrument,client,session,rater,created,expires,state' || fail "list header"
grep -q ',C01,3,client,.*,answered$' "$W/list.csv" || fail "list answered"
! grep -qF "$tok" "$W/list.csv" || fail "a token in the list"
[ "$(dbq "SELECT answers FROM invitations WHERE id = $id4")" = '[]' ] || fail "a revoked link keeps answers"
ok "unknown 404, expired and revoked 410 with the same page; invite list and revoke"

# ---- a body over 64 KiB ----------------------------------------------------------
{ printf 'action=next&comment='; head -c 70000 /dev/zero | tr '\0' a; } >"$W/big"
req POST "$link2" --data-binary @"$W/big" -H 'Content-Type: application/x-www-form-urlencoded'
expect 413
req POST "$link2" --data-binary @"$W/big" -H 'Content-Type: application/x-www-form-urlencoded' -H 'Transfer-Encoding: chunked'
expect 413
# a body without a length that never ends is not read for ever: the server
# closes the connection long before 256 MiB have gone (what it holds unread
# in the sockets' buffers is a few MiB)
sent=$(python3 - "$BASE" "$link2" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=30)
s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" % sys.argv[2]).encode())
chunk = b"10000\r\n" + b"comment=" + b"a" * (0x10000 - 8) + b"\r\n"
sent = 0
try:
    while sent < 256 << 20:
        s.sendall(chunk)
        sent += 0x10000
except OSError:
    pass
print(sent >> 20)
PY
)
[ "$sent" -lt 64 ] || fail "an endless chunked body was read for $sent MiB"
req GET "$link2"; expect 200 "the link after an endless body"
ok "bodies over 64 KiB answer 413 (with or without a length); an endless one is cut off"

# ---- concurrent final saves of one link, by one server and by two ---------------------
walk_to_review() {   # walk_to_review PATH: every question answered, at the review
  local p=$1
  for kv in bond_1=4 goal_1=4 task_1=4 bond_2=4 goal_2=4 task_2=4 rupture=0 comment=x; do step "$p" next "$kv"; done
  req GET "$p"; has '<h1>Your answers</h1>'
}
link5=$(invite_link client_post_session C08)
walk_to_review "$link5"; rs=$(stamp)
collect serve --listen 127.0.0.1:0 2>"$W/serve2.log" & pid2=$!
for _ in $(seq 400); do grep -q '^listening on ' "$W/serve2.log" && break; sleep 0.05; done
base2=$(sed -n '1s/^listening on //p' "$W/serve2.log")
for i in 1 2 3 4 5 6; do
  b=$BASE; [ $((i % 2)) = 0 ] && b=$base2
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Accept: text/html' --data "_at=$rs&action=save" "$b$link5" >"$W/save.$i" &
done
wait $(jobs -p | grep -v -e "^$SERVE_PID$" -e "^$pid2$" -e "^$slowpid$" -e "^$slowcheck$") 2>/dev/null
sleep 0.2
codes=$(cat "$W"/save.* | sort | uniq -c | tr -s ' ' | tr '\n' ';')
[ "$(cat "$W"/save.* | grep -c 200)" = 1 ] || fail "saves answered: $codes"
[ "$(cat "$W"/save.* | grep -c 410)" = 5 ] || fail "saves answered: $codes"
[ "$(admins "a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C08'")" = 1 ] ||
  fail "not one administration from six saves"
kill -TERM $pid2; wait $pid2; [ $? = 0 ] || fail "the second server's exit"
ok "six saves of one link at once through two servers store one administration ($codes)"

# ---- a review left open in another tab -------------------------------------------------
# its answers changed since in this tab (the strain questions added): its
# Change and its Save act on no answers it did not show, and the review as
# it is now comes back instead
linkt=$(invite_link client_post_session C02 --session 8)
walk_to_review "$linkt"; old=$(stamp)
grep -qF 'value="change-8"' "$W/b" || fail "no eighth answer on the review"
at=$(stamp); post "$linkt" "_at=$at" action=change-7
step "$linkt" next rupture=1
for kv in rupture_kind___1=1 tension=2 addressed=1 resolution=3 followup=0; do step "$linkt" next "$kv"; done
req GET "$linkt"; has '<h1>Your answers</h1>'; has 'value="change-13"'
[ "$(stamp)" != "$old" ] || fail "the review's stamp did not change with its answers"
post "$linkt" "_at=$old" action=change-8; expect 200 "Change from a review left open"
has '<h1>Your answers</h1>'; hasnt 'name="rupture_kind___1"'
post "$linkt" "_at=$old" action=save; expect 200 "Save from a review left open"
has '<h1>Your answers</h1>'; has 'How strong was it?'
# nor does a Save that names no review (a bare "r", or no stamp at all)
post "$linkt" "_at=r" action=save; expect 200 "Save with a bare review stamp"; has '<h1>Your answers</h1>'
post "$linkt" action=save; expect 200 "Save with no stamp"; has '<h1>Your answers</h1>'
[ "$(dbq "SELECT state FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C02' AND s.number = 8")" = started ] ||
  fail "a review left open in another tab saved"
at=$(stamp); post "$linkt" "_at=$at" action=save; expect 200 "Save from the review as it is"; has '<h1>All done</h1>'
ok "a review left open in another tab, its answers changed since, or a Save naming no review: the review as it is now"

# ---- the log of the first server ----------------------------------------------------
serve_stop
grep -q '^stopped' "$W/serve.log" || fail "no stop line"
! grep -qF "$tok" "$W/serve.log" || fail "a token in the log"
! grep -qF "${link2#/s/}" "$W/serve.log" || fail "a token in the log"
! grep -qiF "${code%-*}" "$W/serve.log" || fail "a code in the log"
! grep -qF "${visit#/c/}" "$W/serve.log" || fail "a visit's ID in the log"
grep -Eq '^POST /c/… 303 [0-9.]+ ms$' "$W/serve.log" || fail "no visit's line in the log"
grep -Eq '^POST /s/… 303 [0-9.]+ ms$' "$W/serve.log" || fail "log lines: $(head -5 "$W/serve.log")"
# every request's line is made of known words: HTTP's own methods or
# "other", a kind of address, a status and a time; no control byte
LC_ALL=C grep -v -e '^listening on ' -e '^stopped ' -e '^collect: serve: ' "$W/serve.log" |
  LC_ALL=C grep -Ev '^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT|other) (/s/…|/c/…|/code|/|/style\.css|other) ([0-9]{3}|-) [0-9.]+ ms( \((timed out|dropped)\))?$' >"$W/odd.log"
[ ! -s "$W/odd.log" ] || fail "log lines of another shape: $(head -3 "$W/odd.log" | cat -v)"
! LC_ALL=C grep -q '[[:cntrl:]]' "$W/serve.log" || fail "a control byte in the log: $(LC_ALL=C grep '[[:cntrl:]]' "$W/serve.log" | cat -v | head -3)"
[ "$(grep -c '^other /code 405 ' "$W/serve.log")" = 4 ] || fail "the odd methods' lines: $(grep '^other ' "$W/serve.log")"
[ "$(grep -c ' ms$' "$W/serve.log")" -ge 100 ] || fail "too few log lines"
ok "one log line per request, no token or code in it; SIGTERM exits 0"

# ---- the bad-guess limit (a fresh server, so the count starts at 0) ----------------------
serve_start
# the questionnaire opened by the code is under way (at its second question)
ACCEPT='*/*' post /code "_code=$code" action=open; expect 200; has 'Question 3 of at most 14'; at2=$(stamp)
# and, by a browser, at its visit's address
post /code "_code=$code" action=open; expect 303; visit=$(location)
c05() { dbq "SELECT answers FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C05'"; }
kept05=$(c05)
for i in $(seq 20); do req GET "/s/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB$(printf %02d $i)"; expect 404; done
# 20 unknown tokens in the minute: the next is turned away; mistyped links
# (everyone's, behind a proxy) leave the code's form open, with its own count
req GET /s/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCD; expect 429
grep -qi '^retry-after: [1-9]' "$W/h" || fail "no Retry-After"
post /code "_code=$code" action=open; expect 303 "a good code past the limit of links"
for i in $(seq 20); do post /code _code=ZZZZZ-ZZZZZ action=open; expect 404; done
# 20 wrong codes: any code is turned away, a good one too (a code is short
# enough to guess at)
post /code "_code=$code" action=open; expect 429 "a good code past the limit"
hasnt 'Send again'
# a move through the code past the limit (everyone behind a reverse proxy
# shares its address): turned away, but the page keeps what was posted, to
# send again in a minute: a form of the same fields, each escaped
odd=$'says "hi" & \'<b>bye</b>\' &amp;\nsecond line \xc3\xa9'
post /code "_code=$code" "_at=$at2" action=next task_1=3 "comment=$odd"; expect 429 "a move through a code past the limit"
grep -qi '^retry-after: [1-9]' "$W/h" || fail "no Retry-After for a move"
has 'Send again'; has 'not lost'; hasnt '<b>'; hasnt '<script'
PYTHONPATH=$here python3 - "$W/b" "$W/again" "$code" "$at2" "$odd" <<'PY' || fail "the fields to send again: $(grep -F '<input' "$W/b")"
import sys, urllib.parse
from forms import controls
page, again, code, at, odd = sys.argv[1:]
forms, inputs, buttons = controls(page)
assert [(f.get("method"), f.get("action")) for f in forms] == [("post", "/code")], forms
want = [("_code", code), ("_at", at), ("action", "next"), ("task_1", "3"), ("comment", odd)]
got = [(i.get("name"), i.get("value")) for i in inputs]
assert all(i.get("type") == "hidden" for i in inputs), inputs
assert got == want, got
assert len(buttons) == 1 and "name" not in buttons[0] and buttons[0].get("type") == "submit", buttons
open(again, "w").write(urllib.parse.urlencode(got))
PY
cp "$W/b" "$W/wait.html"
# the page is the same for a code that fits no link: it tells nothing of the code
post /code "_code=ZZZZZ-ZZZZZ" "_at=$at2" action=next task_1=3 "comment=$odd"; expect 429 "a move with a wrong code past the limit"
sed "s/ZZZZZ-ZZZZZ/$code/" "$W/b" | cmp -s - "$W/wait.html" || fail "the page for a move differs by whether its code fits"
[ "$(c05)" = "$kept05" ] || fail "a move turned away was kept: $(c05)"
req GET /code; expect 200
# a link's token cannot be guessed: one that opens a link is never turned
# away, though its address (a reverse proxy's, shared by all) is over the limit
req GET "$link2"; expect 200 "a good link past the limit"; has 'Question 2 of at most 14'
ACCEPT='*/*' step "$link2" next goal_1=2; expect 200 "an answer by a good link past the limit"
has 'Question 3 of at most 14'
c04="i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C04'"
[ "$(dbq "SELECT count(*) FROM invitations $c04 AND answers LIKE '[\"5\",\"2\"%'")" = 1 ] ||
  fail "the answer by a good link past the limit was not kept: $(dbq "SELECT answers FROM invitations $c04")"
req GET /s/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCE; expect 429 "an unknown link after a good one"
# nor is a visit's address: its ID is not to be guessed either, so one
# part way through by a code goes on (it is only the code that is limited)
req GET "$visit"; expect 200 "a visit past the limit"; has 'Question 3 of at most 14'
req GET /c/DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD; expect 404 "an unknown visit past the limit"
serve_stop
# the move sent again from that page once the limit is over (here: to a
# fresh server, whose count starts at 0) is made
serve_start
ACCEPT='*/*' req POST /code --data @"$W/again"; expect 200 "the move sent again"; has 'Question 4 of at most 14'
[ "$(c05)" != "$kept05" ] && [ "$(c05)" = "$(echo "$kept05" | sed 's/]$/,"3"]/')" ] || fail "the move sent again was not kept: $kept05 -> $(c05)"
serve_stop
ok "past 20 unknown tokens a minute from one address, unknown tokens answer 429; past 20 wrong codes, codes do (each counted apart); a good link and a visit still open; a move through a code is kept on the 429 page to send again"

# behind a reverse proxy every request has the proxy's address: 20 bad
# guesses by one visitor turn every code away, unless --trust-proxy names
# the proxy, whose X-Forwarded-For (its last address) then counts
xff() {
  local a=$1 p=$2 args=()
  shift 2
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  req POST "$p" -H "X-Forwarded-For: $a" "${args[@]}"
}
codep=$(collect invite client_post_session --client C07 --session 40 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
guesses() { for i in $(seq 21); do xff "$1" /code _code=ZZZZZ-ZZZZZ action=open; done; expect 429 "guesses from $1"; }
serve_start
guesses 10.0.0.1
xff 10.0.0.2 /code "_code=$codep" action=open; expect 429 "a code from another visitor, no proxy trusted"
serve_stop
serve_start --trust-proxy 127.0.0.1
guesses 10.0.0.1
xff 10.0.0.1 /code "_code=$codep" action=open; expect 429 "a code from the guesser behind the trusted proxy"
xff 10.0.0.2 /code "_code=$codep" action=open; expect 303 "a code from another visitor behind the trusted proxy"
# what the visitor wrote before the proxy's own address counts for nothing
xff "10.0.0.3, 10.0.0.1" /code "_code=$codep" action=open; expect 429 "an address made up before the guesser's"
xff "10.0.0.1, 10.0.0.4" /code "_code=$codep" action=open; expect 303 "the proxy's last address"
# no header, or one that names no address: the proxy's own count, not filled
post /code "_code=$codep" action=open; expect 303 "a code from the proxy itself"
xff "nonsense" /code "_code=$codep" action=open; expect 303 "a header without an address"
# one IPv6 host counts by its /64 however it changes its address in it
for i in $(seq 21); do xff "2001:db8:5:6::$i" /code _code=ZZZZZ-ZZZZZ action=open; done
xff "2001:db8:5:6:ffff::1" /code "_code=$codep" action=open; expect 429 "another address of the same /64"
xff "2001:db8:5:7::1" /code "_code=$codep" action=open; expect 303 "another /64"
serve_stop
collect serve --trust-proxy localhost 2>"$W/err"; [ $? = 2 ] || fail "--trust-proxy took a name"
grep -qF "'--trust-proxy' takes the reverse proxy's IP address" "$W/err" || fail "--trust-proxy's error: $(cat "$W/err")"
ok "--trust-proxy ADDR counts bad guesses by the last address of the proxy's X-Forwarded-For, an IPv6 one by its /64; without it the header is not believed"

# ---- a busy study: another program holds its write lock (SQLite) -------------------------
if [ -z "$WEB_PG" ]; then
  c06() { dbq "SELECT answers FROM invitations i JOIN sessions s ON s.id = i.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C06' AND s.number = $1"; }
  # an answer that meets the study busy past the server's wait ($ATTUNE_WAIT,
  # here 1 s) is not kept: its question again, with the answer filled in
  linkb=$(invite_link client_post_session C06 --session 10)
  export ATTUNE_WAIT=1
  serve_start
  unset ATTUNE_WAIT
  step "$linkb" next bond_1=4; expect 303
  req GET "$linkb"; at=$(stamp); has 'name="goal_1"'
  study_hold
  post "$linkb" "_at=$at" action=next goal_1=2; expect 503 "an answer sent while the study is busy"
  has 'send it again'; has 'role="alert"'; has 'name="goal_1" value="2" checked'
  has 'value="next"'; [ "$(stamp)" = "$at" ] || fail "the busy answer's page is another screen: $(stamp)"
  hasnt 'aria-invalid'   # the answer was not refused, only not kept yet
  post /code "_code=nonesuch" action=open; expect 404 "a code while the study is busy"
  study_go
  [ "$(c06 10)" = '["4"]' ] || fail "kept after a busy answer: $(c06 10)"
  post "$linkb" "_at=$at" action=next goal_1=2; expect 303 "the busy answer sent again"
  req GET "$linkb"; has 'Question 3 of at most 14'
  [ "$(c06 10)" = '["4","2"]' ] || fail "the busy answer sent again was not kept: $(c06 10)"
  serve_stop
  ok "an answer the busy study cannot take in the wait: 503, its question again with the answer filled in"

  # a save waiting on the busy study (the default wait, 30 s) holds up no
  # other request: they are answered while it still waits
  linkw=$(invite_link client_post_session C06 --session 11)
  serve_start
  step "$linkw" next bond_1=3
  req GET "$linkw"; at=$(stamp)
  study_hold
  curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/html' --trace-ascii "$W/wait.trace" \
    --data "_at=$at&action=next&goal_1=5" "$BASE$linkw" >"$W/wait.code" &
  wpid=$!
  for _ in $(seq 200); do grep -q '^=> Send data' "$W/wait.trace" 2>/dev/null && break; sleep 0.05; done
  sleep 0.5
  kill -0 $wpid 2>/dev/null || fail "the answer did not wait for the busy study: $(cat "$W/wait.code")"
  # another link, and while it is under way the stylesheet and the code form
  curl -s -m 15 -o "$W/other.html" -w '%{http_code}' -H 'Accept: text/html' "$BASE$linkb" >"$W/other.code" &
  opid=$!
  req GET /style.css -m 15; expect 200 "the stylesheet while an answer waits"
  req GET /code -m 15; expect 200 "the code form while an answer waits"
  wait $opid
  [ "$(cat "$W/other.code")" = 200 ] || fail "another link while an answer waits: $(cat "$W/other.code")"
  grep -qF 'Question 3 of at most 14' "$W/other.html" || fail "another link while an answer waits: not its page"
  kill -0 $wpid 2>/dev/null || fail "the waiting answer ended before the others were asked: $(cat "$W/wait.code")"
  study_held || fail "the study was let go before the others were answered"
  study_go
  wait $wpid
  [ "$(cat "$W/wait.code")" = 303 ] || fail "the answer that waited: $(cat "$W/wait.code")"
  [ "$(c06 11)" = '["3","5"]' ] || fail "the answer that waited was not kept: $(c06 11)"
  serve_stop
  ok "while an answer waits on the busy study, the stylesheet, another link and the code form are answered"

  # sent_held NAME FORM PATH: FORM posted to PATH in the background while the
  # study is held, back once the post is sent and its request waits on the
  # study (its pid in HELD); its status into $W/NAME.code, its page into $W/NAME.html
  sent_held() {
    curl -s -o "$W/$1.html" -w '%{http_code}' -H 'Accept: text/html' --trace-ascii "$W/$1.trace" \
      --data "$2" "$BASE$3" >"$W/$1.code" &
    HELD=$!
    for _ in $(seq 200); do grep -q '^=> Send data' "$W/$1.trace" 2>/dev/null && break; sleep 0.05; done
  }
  # Save pressed twice at once: both presses find the link open, one saves
  # it, the other then finds it answered, and is thanked all the same
  linkd=$(invite_link client_post_session C06 --session 14)
  serve_start
  walk_to_review "$linkd"; rs=$(stamp)
  study_hold
  sent_held tap1 "_at=$rs&action=save" "$linkd"; tap1=$HELD
  sent_held tap2 "_at=$rs&action=save" "$linkd"; tap2=$HELD
  sleep 0.5
  study_go
  wait $tap1 $tap2
  taps="$(cat "$W/tap1.code") $(cat "$W/tap2.code")"
  [ "$taps" = "200 410" ] || [ "$taps" = "410 200" ] || fail "a double-tapped save answered: $taps"
  late=tap1; [ "$(cat "$W/tap1.code")" = 410 ] || late=tap2
  grep -qF '<h1>All done</h1>' "$W/$late.html" || fail "the second tap of Save: $(grep '<h1>' "$W/$late.html")"
  ! grep -qF 'not open' "$W/$late.html" || fail "the second tap of Save is told the link is not open"
  [ "$(admins "a JOIN sessions s ON s.id = a.session_id JOIN clients c ON c.id = s.client_id WHERE c.code = 'C06' AND s.number = 14")" = 1 ] ||
    fail "not one administration from a double-tapped save"
  # a move from another tab while the link is saved (here by the holder of
  # the study, as another server would save it): thanked too; a move or a
  # save while the link is revoked: not open
  n=15
  for end_form in answered:change-1 revoked:change-1 revoked:save; do
    end=${end_form%%:*} action=${end_form#*:}
    linke=$(invite_link client_post_session C06 --session $n); n=$((n + 1))
    ide=$(dbq "SELECT max(id) FROM invitations")
    walk_to_review "$linke"; rs=$(stamp)
    study_hold
    sent_held late "_at=$rs&action=$action" "$linke"
    sleep 0.5
    study_go "UPDATE invitations SET state = '$end', answers = '[]', flow_state = NULL WHERE id = $ide;"
    wait $HELD
    [ "$(cat "$W/late.code")" = 410 ] || fail "$action on a link $end meanwhile answered $(cat "$W/late.code")"
    want='<h1>All done</h1>'; [ $end = answered ] || want='<h1>This link is not open</h1>'
    grep -qF "$want" "$W/late.html" || fail "$action on a link $end meanwhile: $(grep '<h1>' "$W/late.html")"
  done
  serve_stop
  ok "a save or a move that finds the link saved meanwhile (a double tap): the thank-you page; revoked meanwhile: not open"

  # a client gone before its answer is sent (a phone that lost its network
  # while the study was busy): the library's message about the reply it
  # could not send names the request without its token
  linkr=$(invite_link client_post_session C06 --session 13)
  serve_start
  req GET "$linkr"; at=$(stamp)
  study_hold
  python3 - "$BASE" "$linkr" "_at=$at&action=next&bond_1=2" <<'PY' || fail "the reset request"
import socket, struct, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
path, body = sys.argv[2], sys.argv[3]
s = socket.create_connection((u.hostname, u.port))
s.sendall(("POST %s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\n"
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
           % (path, u.netloc, len(body), body)).encode())
time.sleep(0.5)
# closed with a reset, so that the answer cannot be sent
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PY
  study_go
  for _ in $(seq 400); do grep -q '^POST /s/… ' "$W/serve.log" && break; sleep 0.05; done
  serve_stop
  grep -q "^collect: serve: .*/s/…'" "$W/serve.log" ||
    fail "no message of the reply that could not be sent: $(cat "$W/serve.log")"
  ! grep -qF "${linkr#/s/}" "$W/serve.log" || fail "a token in the log: $(grep -F "${linkr#/s/}" "$W/serve.log")"
  ok "a reply to a client gone meanwhile: the library's message names the link without its token"
fi

# ---- a hostile dictionary: its rich text shown as text -----------------------------------
# REDCap's labels are rich text (its editor writes <b>, <span style=...>,
# <p>); a page shows their text, never their markup: tags are dropped, a
# script's or a style's content too, and the text left is escaped
cat >"$W/hostile.csv" <<'CSV'
"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"
intro,hostile,"Part <u>one</u>",descriptive,"<script>alert('intro')</script>Welcome &amp; thanks",,,,,,,,,,,,,
q1,hostile,"<iframe src=x>",radio,"Pick <b onmouseover=alert(1)>one</b> ""quoted""","1, <img src=x onerror=alert(2)>first | 2, '&amp;' & 3 < 4","<style>body{display:none}</style>",,,,,,,,,,,
q2,hostile,,text,"</label><script>x</script>How many?",,"<b>note</b>",integer,1,5,,,,,,,,
CSV
collect instrument add "$W/hostile.csv" >"$W/e" 2>&1 || fail "hostile dictionary refused: $(cat "$W/e")"
hl=$(invite_link hostile C09)
serve_start
req GET "$hl"; expect 200
for bad in '<script' '<b ' '<u>' '<img' '<iframe' '<style>' 'onerror' 'onmouseover' 'alert(' \
           'display:none'; do hasnt "$bad"; done
has 'Pick one &quot;quoted&quot;'; has '>first<'
# a reference is decoded and written again; a '<' or '&' that begins no tag
# or reference is text
has '&#39;&amp;&#39; &amp; 3 &lt; 4'
# the section header a descriptive text opens is shown before it, as run shows it
has '<p class="section">Part one</p>'
grep -A1 -F '<p class="section">Part one' "$W/b" | tail -1 | grep -qF '<p class="text">Welcome &amp; thanks' ||
  fail "the section header is not just before its text"
step "$hl" next q1=1
req GET "$hl"; hasnt '<script'; hasnt "</label><script"; hasnt "&lt;/label&gt;"; has "How many?"
has ">note<"; hasnt "&lt;b&gt;"
serve_stop
ok "a hostile dictionary's rich text is shown as its text, never as markup"

# ---- a required question the review holds without its answer ----------------------------
# a changed answer shows a required question, and Back twice leads from it
# to the review (as a browser can): Save is refused there and goes to it,
# as run refuses it; answered, the review saves
cat >"$W/req.csv" <<'CSV'
"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"
record_id,req,,text,Record,,,,,,,,,,,,,
strain,req,,yesno,"Was there a strain?",,,,,,,,y,,,,,
what,req,,text,"What was it?",,,,,,,"[strain] = '1'",y,,,,,
CSV
collect instrument add "$W/req.csv" >/dev/null || fail "add req"
rl=$(invite_link req C09)
rid=$(dbq "SELECT max(id) FROM invitations")
serve_start
step "$rl" next strain=0
req GET "$rl"; has '<h1>Your answers</h1>'
at=$(stamp); post "$rl" "_at=$at" action=change-1; expect 303
step "$rl" next strain=1
req GET "$rl"; has 'What was it?'
step "$rl" back; step "$rl" back strain=1
req GET "$rl"; has '<h1>Your answers</h1>'; has 'No answer'
step "$rl" save; expect 200 "a save with a required answer missing"
has 'What was it?'; has 'role="alert"'; has 'needs an answer'; has 'aria-invalid="true"'
[ "$(dbq "SELECT state FROM invitations WHERE id = $rid")" = started ] || fail "a save with a required answer missing closed the link"
[ "$(dbq "SELECT count(*) FROM invitations WHERE id = $rid AND administration_id IS NOT NULL")" = 0 ] ||
  fail "a save with a required answer missing was stored"
req GET "$rl"; has 'What was it?'      # the link is kept at that question
step "$rl" next "what=a clash"
req GET "$rl"
for _ in 1 2 3; do grep -qF "<h1>Your answers</h1>" "$W/b" && break; step "$rl" next strain=1; req GET "$rl"; done
has '<h1>Your answers</h1>'; has 'a clash'
step "$rl" save; expect 200
[ "$(dbq "SELECT state FROM invitations WHERE id = $rid")" = answered ] || fail "the answered form was not saved"
ok "a save with a required question unanswered goes to that question and stores nothing"

# ---- a closing text that follows the answers ------------------------------------------------
# the save is answered with the form's closing text as the answers choose it,
# through the link as through the code; the link's address afterwards shows
# no text that tells what was answered
cat >"$W/bye.csv" <<'CSV'
"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"
record_id,bye,,text,Record,,,,,,,,,,,,,
strain,bye,,yesno,"Was there a strain?",,,,,,,,y,,,,,
bye_yes,bye,,descriptive,"Thank you for telling us about it.",,,,,,,"[strain] = '1'",,,,,,
bye_no,bye,,descriptive,"Thank you, glad it went well.",,,,,,,"[strain] = '0'",,,,,,
CSV
collect instrument add "$W/bye.csv" >/dev/null || fail "add bye"
bl=$(invite_link bye C09)
step "$bl" next strain=1
step "$bl" save; expect 200 "a save through the link"
has '<h1>All done</h1>'; has 'Thank you for telling us about it.'; hasnt 'glad it went well'
req GET "$bl"; expect 410; has '<h1>All done</h1>'; hasnt 'telling us'; hasnt 'glad it went well'
bcode=$(collect invite bye --client C08 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
post /code "_code=$bcode" action=open; expect 303; bv=$(location)
step "$bv" next strain=0; expect 303
step "$bv" save; expect 200 "a save through the code"
has 'Thank you, glad it went well.'; hasnt 'telling us'
req GET "$bv"; expect 410 "the visit once saved"; has '<h1>All done</h1>'; hasnt 'glad it went well'
# and so for a client that takes no HTML, the code in its form
bcode=$(collect invite bye --client C08 --session 2 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
ACCEPT='*/*' post /code "_code=$bcode" action=open; at=$(stamp)
ACCEPT='*/*' post /code "_code=$bcode" "_at=$at" action=next strain=0
at=$(stamp); ACCEPT='*/*' post /code "_code=$bcode" "_at=$at" action=save; expect 200 "a save through the code"
has 'Thank you, glad it went well.'; hasnt 'telling us'
serve_stop
ok "the save shows the closing text its answers choose, by the link as by the code; the link later shows none of it"
# ---- fields named like the form's own hidden fields -------------------------------------
# a dictionary may name its questions code and at: their answers are the
# ones typed, never the page's stamp or the access code, which stays out of the study
cat >"$W/named.csv" <<'CSV'
"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"
record_id,named,,text,Record,,,,,,,,,,,,,
code,named,,text,"A word, please",,,,,,,,y,,,,,
at,named,,text,"Another word",,,,,,,,y,,,,,
temp,named,,text,"Your temperature",,,number_1dp_comma_decimal,35,42,,,,,,,,
CSV
collect instrument add "$W/named.csv" >/dev/null || fail "add named"
ncode=$(collect invite named --client C08 | sed -n 's/^access code: \([A-Z0-9-]*\).*/\1/p')
serve_start
export ACCEPT='*/*'   # a client that takes no HTML: the code rides in the form
post /code "_code=$ncode" action=open; expect 200; has 'name="code"'; at=$(stamp)
post /code "_code=$ncode" "_at=$at" action=next code=hello; expect 200; has 'name="at"'; at=$(stamp)
post /code "_code=$ncode" "_at=$at" action=next at=world; expect 200; at=$(stamp)
# a number with a decimal comma: the hint says how to write it, and the whole
# keyboard is offered (a phone's number pad may have only a point)
has 'A number from 35 to 42, with 1 decimal after a comma, as 2,5.'; hasnt 'inputmode="decimal"'
post /code "_code=$ncode" "_at=$at" action=next temp=36,6; expect 200; has '<h1>Your answers</h1>'; at=$(stamp)
post /code "_code=$ncode" "_at=$at" action=save; expect 200 "a save of fields named code and at"
unset ACCEPT
serve_stop
got=$(dbq "SELECT r.field || '=' || r.value FROM responses r JOIN administrations a ON a.id = r.administration_id
             JOIN instruments i ON i.id = a.instrument_id WHERE i.name = 'named' ORDER BY r.field" | tr '\n' ' ')
[ "$got" = "at=world code=hello temp=36,6 " ] || fail "the answers to code and at: $got"
! db_dump | grep -qiF -e "$ncode" -e "$(echo "$ncode" | tr -d -)" || fail "the access code is in the study"
ok "questions named code and at keep the answers typed; the access code stays out of the study; a decimal comma is hinted"
# ---- a request under way when SIGTERM comes is answered first ---------------------------
link6=$(invite_link client_post_session C02 --session 7)
id6=$(dbq "SELECT max(id) FROM invitations")
serve_start
req GET "$link6"; at=$(stamp)
{ printf '_at=%s&action=next&bond_1=3&comment=' "$at"; head -c 40000 /dev/zero | tr '\0' b; } >"$W/slow"
curl -s -o /dev/null -w '%{http_code}' --limit-rate 10k -H 'Accept: text/html' --trace-ascii "$W/slow.trace" \
  -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$W/slow" "$BASE$link6" >"$W/slow.code" &
cpid=$!
# the body takes about 4 s at 10 kB/s: SIGTERM once part of it has gone,
# however loaded the machine is
for _ in $(seq 200); do grep -q '^=> Send data' "$W/slow.trace" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
serve_stop
wait $cpid
[ "$(cat "$W/slow.code")" = 303 ] || fail "the request under way at SIGTERM answered '$(cat "$W/slow.code")'"
[ "$(dbq "SELECT state FROM invitations WHERE id = $id6 AND answers LIKE '[\"3\"%'")" = started ] ||
  fail "the request under way at SIGTERM was not kept"
ok "SIGTERM lets the request under way finish, then exits 0"

# ---- connections per address ---------------------------------------------------------
# open_held PORT N: opens N connections to PORT and sends nothing; prints
# how many the server kept open (one it turns away is closed at once)
open_held() {
  python3 - "$1" "$2" <<'PY2'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    socks.append(s)
time.sleep(1.0)
held = 0
for s in socks:
    s.settimeout(0.05)
    try:
        held += s.recv(1) != b""
    except socket.timeout:
        held += 1          # still open, waiting for a request
    except OSError:
        pass               # reset: turned away
print(held)
PY2
}
# beyond loopback (here all addresses, reached from 127.0.0.1) one address
# holds at most 50 connections at once; on loopback (a reverse proxy's
# every connection) there is no such limit
rm -f "$W/serve.log"
collect serve --listen 0.0.0.0:0 --insecure-http 2>"$W/serve.log" &
SERVE_PID=$!
for _ in $(seq 400); do grep -q '^listening on ' "$W/serve.log" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n '1s/^listening on http:\/\/0.0.0.0:\([0-9]*\).*/\1/p' "$W/serve.log")
[ -n "$port" ] || fail "0.0.0.0: $(cat "$W/serve.log")"
held=$(open_held "$port" 60)
[ "$held" = 50 ] || fail "beyond loopback one address held $held of 60 connections, not 50"
serve_stop
serve_start
port=${BASE##*:}
held=$(open_held "$port" 60)
[ "$held" = 60 ] || fail "on loopback $held of 60 connections were held, not all"
serve_stop
# --per-address sets the number anywhere (0: none, for a reverse proxy on
# another machine, which is one address)
serve_start --per-address 10
held=$(open_held "${BASE##*:}" 20)
[ "$held" = 10 ] || fail "with --per-address 10, $held of 20 connections were held"
serve_stop
rm -f "$W/serve.log"
collect serve --listen 0.0.0.0:0 --insecure-http --per-address 0 2>"$W/serve.log" &
SERVE_PID=$!
for _ in $(seq 400); do grep -q '^listening on ' "$W/serve.log" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n '1s/^listening on http:\/\/0.0.0.0:\([0-9]*\).*/\1/p' "$W/serve.log")
held=$(open_held "$port" 60)
[ "$held" = 60 ] || fail "beyond loopback with --per-address 0, $held of 60 connections were held"
serve_stop
ok "beyond loopback one address holds at most 50 connections; on loopback no limit; --per-address sets it"

# ---- TLS --------------------------------------------------------------------------------
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$W/key.pem" \
    -out "$W/cert.pem" >/dev/null 2>&1 || fail "openssl"
  rm -f "$W/serve.log"
  collect serve --listen 0.0.0.0:0 --tls-cert "$W/cert.pem" --tls-key "$W/key.pem" 2>"$W/serve.log" &
  SERVE_PID=$!
  for _ in $(seq 400); do grep -q '^listening on ' "$W/serve.log" && break; sleep 0.05; done
  port=$(sed -n '1s/^listening on https:\/\/0.0.0.0:\([0-9]*\).*/\1/p' "$W/serve.log")
  [ -n "$port" ] || fail "TLS: $(cat "$W/serve.log")"
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/code")" = 200 ] || fail "no HTTPS answer"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/code")" != 200 ] || fail "plain HTTP on the TLS port"
  serve_stop
  ok "with a certificate, serve listens beyond loopback over HTTPS only"
fi
# the slow senders, begun at the start
wait $slowcheck
for kind in headers body; do
  t=$(sed -n "s/^$kind //p" "$W/slow.out")
  [ -n "$t" ] && [ "$t" -ge 28 ] && [ "$t" -le 40 ] || fail "a slow sender of $kind was cut after '${t:-?}' s (want 30): $(cat "$W/slow.out")"
done
kill -TERM $slowpid; wait $slowpid || fail "the slow senders' server exited $?"
grep -q '^POST /code - [0-9.]* ms (dropped)$' "$W/slow-serve.log" || fail "the cut request's log line: $(cat "$W/slow-serve.log")"
ok "a connection that sends a byte now and then, of its headers or its body, is cut 30 s after its request began"
echo "http: all passed"
