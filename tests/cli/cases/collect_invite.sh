# collect invite: a link per questionnaire, its line and access code, the
# list of links (never a link or a code in it), and revoking one; a link
# number the study does not have is refused with where to find the numbers.
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect therapist add T1
setup collect client add C1 --therapist T1

# the link's own line and code are random: only their shape is shown
collect invite client_post_session --client C1 --session 2 --expires 2d >made.txt
echo "invite: exit $?"
sed -n 1p made.txt | sed 's/open until .*/open until (2 days)/'
sed -n 2p made.txt | sed -E 's#/s/[A-Za-z0-9_-]{32}$#/s/(32 characters)#'
sed -n 3p made.txt | sed -E 's/[A-Z0-9]{5}-[A-Z0-9]{5}/(the code)/'

run collect invite client_post_session --client C1 --session 2
run collect invite revoke 7
run collect invite revoke 1
run collect invite revoke 1
echo "\$ collect invite list --csv (without the times)"
collect invite list --csv | cut -d, -f1-5,8
echo "# a therapist's link without --rater-code is for the session's therapist"
collect invite client_post_session --client C1 --session 3 --rater therapist | sed -n 1p | sed 's/; open until .*//'
collect invite client_post_session --client C1 --session 3 --rater therapist --rater-code S9 | sed -n 1p | sed 's/; open until .*//'
collect invite list --csv | cut -d, -f1-5,8
echo "# --qr: all or nothing; a QR file that cannot be written makes no link and no session"
setup collect client add C5
run collect invite client_post_session --client C5 --session 2 --qr nowhere/x.png
run collect invite client_post_session --client C5 --session 2 --qr made.txt/x.svg
collect invite list --csv | cut -d, -f1-5,8
collect session list --client C5 --csv
collect invite client_post_session --client C5 --session 2 --qr qr.png | sed -n '1s/; open until .*//p;4p'
head -c 4 qr.png | tail -c 3; echo
echo "# a link refused by the study (one is open) leaves no QR file either"
run collect invite client_post_session --client C5 --session 2 --qr qr2.svg
ls | grep qr
collect session list --client C5 --csv | sed "s/$(date +%F)/TODAY/"
echo "# a link made ahead, for a session dated later than today, is open for as long"
echo "# after the end of the session's day as --expires says (2099-03-10 + 2 days)"
setup collect client add C6 --therapist T1
setup collect session add --client C6 --number 1 --date 2099-03-10
collect invite client_post_session --client C6 --session 1 --expires 2d | sed -n '1s/.*; //p'
echo "# for a session dated today (or earlier), --expires counts from now"
setup collect client add C7 --therapist T1
setup collect session add --client C7 --number 1
until=$(collect invite client_post_session --client C7 --session 1 --expires 30m | sed -n '1s/.*open until \(.*\) UTC$/\1/p')
left=$(( ($(date -u -d "$until" +%s) - $(date -u +%s)) / 60 ))
[ "$left" -ge 28 ] && [ "$left" -le 30 ] && echo "open for about 30 minutes" || echo "open for $left minutes"
echo "# a new session numbered after one planned ahead is dated before it: a warning"
setup collect client add C8 --therapist T1
setup collect session add --client C8 --number 1 --date 2099-12-20
collect invite client_post_session --client C8 2>&1 >/dev/null | sed 's/dated [0-9-]*, before/dated TODAY, before/'
echo "# a form with a field named like the web form's buttons is not given on the web"
sed 's/^comment,/action,/' instruments/client_post_session.csv >act.csv
setup collect instrument add act.csv
run collect invite client_post_session --client C7 --session 1 --rater observer
collect invite list --csv | grep -c observer
