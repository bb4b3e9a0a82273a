# analyze chart: every kind in every format, from the study of
# data/charts/setup.sh.  The PNGs are compared with the reference image of
# their kind in data/charts (a few pixels may differ); the SVGs are checked
# for one mark per scored session, per episode and per reported rupture,
# counted independently from the analyses' own tables.
source data/charts/setup.sh
charts_store

# counts CLIENT: scored sessions, episodes, reported ruptures, therapist scores
counts() {
  local c=$1
  echo "scored sessions: $(analyze scores --client "$c" | awk -F, '$9 == "alliance" && $10 != ""' | wc -l)"
  echo "episodes: $(analyze episodes --client "$c" | tail -n +2 | wc -l)"
  echo "reported ruptures: $(analyze ruptures --client "$c" | awk -F, '$7 == 1' | wc -l)"
  echo "therapist scores: $(analyze scores --client "$c" --rater therapist | awk -F, '$9 == "alliance" && $10 != ""' | wc -l)"
}
# marks FILE.svg: the marks the chart has, by class
marks() {
  for cls in session episode reported therapist-session; do
    echo "class $cls: $(grep -c "<g class=\"$cls\"" "$1")"
  done
}

for c in K1 K2; do
  echo "# $c: what the tables say, then the marks of its chart"
  counts $c
  run analyze chart --client $c -o $c.svg
  marks $c.svg
done
echo "# K1 repaired at session 5: the episode mark holds the repair's triangle"
grep -A3 'id="e3"' K1.svg | grep -c '<polygon'

echo "# the same data give the same bytes, in every format"
for f in svg png pdf; do
  analyze chart --client K1 -o a.$f && analyze chart --client K1 -o b.$f && cmp a.$f b.$f && echo "$f: same bytes"
done

echo "# each kind against its reference image"
run analyze chart --client K1 -o K1.png
png_compare data/charts/ref_client.png K1.png
run analyze chart --therapist TA -o TA.png
png_compare data/charts/ref_therapist.png TA.png
run analyze chart --cohort C26 -o C26.png
png_compare data/charts/ref_cohort.png C26.png
echo "# the comparison notices another chart"
analyze chart --client K2 -o K2.png
png_compare data/charts/ref_client.png K2.png | sed 's/ [0-9]* pixels.*/ (pixels)/'

echo "# the repair pictures as SVG: one panel per trainee, a mark per week with questionnaires"
run analyze chart --cohort C26 -o C26.svg
grep -c '<g class="panel"' C26.svg
grep -o '<g class="rupture-rate" id="[^"]*"' C26.svg | sed 's/.*id=//' | tr '\n' ' '; echo
grep -c '<g class="resolved-rate"' C26.svg
run analyze chart --therapist TB -o TB.svg
grep -c '<g class="panel"' TB.svg

echo "# PDF charts: one page, the title as text"
run analyze chart --client K2 -o K2.pdf
pdfinfo K2.pdf | grep -E '^(Pages|Page size):'
pdftotext K2.pdf - | grep -E '^K2: alliance by session$'
pdfinfo K2.pdf | grep -c -i date

echo "# --all: one chart per client with something to draw"
run analyze chart --all --out-dir charts
ls charts
run analyze chart --all --out-dir charts-png --format png
ls charts-png
run analyze chart --all --out-dir one --client K4 --format pdf
ls one

echo "# the chart text is escaped and the ids are unique"
grep -c '<script' K1.svg
grep -o ' id="[^"]*"' K1.svg | sort | uniq -d | wc -l
xmllint --noout K1.svg C26.svg && echo "well-formed"

echo "# the therapist's own series as the main one: no second line then"
run analyze chart --client K1 --rater therapist -o K1t.svg
marks K1t.svg
grep -o 'therapist_post_session, the therapist[^<]*' K1t.svg
echo "# K5's scale (srs, 0-40) and the therapist's (1-5) do not share an axis"
run analyze chart --client K5 -o K5.svg
marks K5.svg
grep -o 'own scores are on another scale[^<]*' K5.svg
echo "# a questionnaire that could not be scored: a ring at the plot's foot, its"
echo "# tooltip saying why, and the least-squares line over the scored sessions"
echo "# only: K3's session 6 (2 of 6 items answered) is not scored, and trajectories"
echo "# fits sessions 1-5 (n = 5)"
run analyze chart --client K3 -o K3.svg
awk -f data/charts/zones.awk K3.svg | grep -v '^alert zone'
analyze trajectories --client K3 | cut -d, -f4,6
grep -o 'questionnaire not scored[^<]*' K3.svg
echo "# nothing to draw: the client's rater has no questionnaire of that instrument"
run analyze chart --client K1 --instrument therapist_post_session -o none.svg
ls none.svg 2>&1 | sed 's/.*cannot access/cannot access/'

echo "# misuse"
run analyze chart
run analyze chart --client K1
run analyze chart --client K1 -o k1.jpg
run analyze chart --client K1 -o -
run analyze chart --all
run analyze chart --all --out-dir x -o y.svg
run analyze chart --client K1 --format png -o k.svg
run analyze chart --client K9 -o k9.svg
run analyze chart --cohort Z -o z.svg
run analyze report --format svg
ls k1.jpg k9.svg 2>&1 | sed 's/.*cannot access/cannot access/'

echo "# --rater all: the repair picture counts every rater's questionnaires and says so"
analyze chart --therapist TA -o TA1.svg && analyze chart --therapist TA --rater all -o TAall.svg
for f in TA1 TAall; do
  echo "$f: $(grep -o '[0-9]* questionnaires, [0-9]* with a rupture' $f.svg); $(grep -o 'ruptures [a-z]* [a-z]*&#39;s questionnaires' $f.svg | sed 's/&#39;/'"'"'/')"
done

echo "# a therapist with three clients or more: the lines are the growth model's,"
echo "# where it finds a slope: T01's 4 rated ruptures of 3 clients are fewer than"
echo "# clients + 2, so its resolved rate has none (trends leaves the slope blank),"
echo "# and its weekly rates are in 2 weeks, too few for a least-squares line"
use_store sample.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv
run analyze chart --therapist T01 -o T01.svg
grep -o 'growth model of the [a-z]* rate\|least-squares line of the [a-z]* rate\|growth model lines[^<]*' T01.svg | sort | uniq -c
echo "# with fewer than three clients the weekly rates' least-squares lines stand in"
few=$(store few.db)
setup collect --db "$few" init
setup collect --db "$few" instrument add instruments/client_post_session.csv
grep -E '^attune.client|^C0[12],' examples/sample/client_post_session.csv >two.csv
setup collect --db "$few" import client_post_session two.csv
analyze --db "$few" chart --therapist T01 -o few.svg
grep -o 'growth model of the [a-z]* rate\|least-squares line of the [a-z]* rate' few.svg | sort | uniq -c
echo "# the two kinds of line are drawn apart, in the plot and in the legend: the"
echo "# growth model's of dashes and dots, a least-squares line of dots.  Cohort SP"
echo "# (data/charts/span.csv): TS has 3 clients (growth model lines), TU 2"
echo "# (least-squares lines).  Each line runs over the weeks its rate has marks"
echo "# in, no further: TS's and TU's ruptures (the resolved rates' marks) are in"
echo "# weeks 2-5 and 1-4 of panels of 8 and 7 weeks.  The shares at the ends are"
echo "# R's: lme4's lmer(y ~ week + (1 | client)) on TS's questionnaires (0.25 flat)"
echo "# and its 6 rated ruptures (0.1709 + 0.09404 * week), lm on TU's weekly rates"
echo "# (0.4643 - 0.03571 * week; 1 - 0.25 * week)"
use_store span.db
setup collect init
setup collect therapist add TS --cohort SP
setup collect therapist add TU --cohort SP
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session data/charts/span.csv
run analyze chart --cohort SP -o SP.svg
grep -A1 '<g class="fit">' SP.svg | sed -n 's/.*<title>\(.*\)<\/title>.*/\1/p; s/.*stroke-dasharray="\([^"]*\)".*/  dashes \1/p'
grep -B1 '>growth model lines\|>least-squares lines' SP.svg |
  sed -n 's/.*stroke-dasharray="\([^"]*\)".*/key dashes \1:/p; s/.*>\([a-z -]* lines\) (.*/  \1/p'
awk -f data/charts/fit_span.awk SP.svg
echo "# sessions without a date have no week: the chart says so, not that there are no questionnaires"
undated=$(store undated.db)
setup collect --db "$undated" init
setup collect --db "$undated" instrument add instruments/client_post_session.csv
head -3 examples/sample/client_post_session.csv | awk -F, -v OFS=, 'NR > 1 { $4 = "" } { print }' >undated.csv
setup collect --db "$undated" import client_post_session undated.csv
run analyze --db "$undated" chart --therapist T01 -o undated.svg
grep -o 'no week for the questionnaires[^<]*\|no questionnaires with rupture items[^<]*' undated.svg
echo "# some sessions without a date: each panel says how many of its questionnaires"
echo "# it leaves out, and the subtitle those of a trainee with no dated one (C01's"
echo "# sessions 2-3 undated; C07, T03's one client, a copy of C04 without dates)"
partly=$(store partly.db)
setup collect --db "$partly" init
for t in T01 T02 T03; do setup collect --db "$partly" therapist add $t --cohort S; done
setup collect --db "$partly" instrument add instruments/client_post_session.csv
awk -F, -v OFS=, '$1 == "C01" && ($3 == 2 || $3 == 3) { $4 = "" } { print }
  $1 == "C04" { $1 = "C07"; $2 = "T03"; $4 = ""; $7 = ""; print }' \
  examples/sample/client_post_session.csv >partly.csv
setup collect --db "$partly" import client_post_session partly.csv
run analyze --db "$partly" chart --cohort S -o partly.svg
grep -o 'therapist T0[0-9], cohort S: [^<]*\|ruptures the client[^<]*' partly.svg | sed "s/&#39;/'/g"
echo "undated with a rupture answer, by therapist (from analyze ruptures):"
analyze --db "$partly" ruptures | awk -F, 'NR > 1 && $5 == "" && $7 != "" { n[$3]++ } END { for (t in n) print t, n[t] }' | sort
echo "# many sessions (data/charts/many_sessions.csv: 40 weekly ones for M40, 80 for"
echo "# M80, many with a reported rupture or a drop): no text covers a mark or another"
echo "# text, and the session numbers under the axis are the multiples of a round"
echo "# step (and another session where there is room); the repair picture of their"
echo "# 80 weeks likewise"
use_store many.db
setup collect init
setup collect therapist add T1
setup collect instrument add data/analyze/psq_client.csv
setup collect import psq_client data/charts/many_sessions.csv
for c in M40 M80; do
  run analyze chart --client $c -o $c.svg
  awk -f data/charts/overlap.awk $c.svg
  grep -o '<text [^>]*font-size="10" text-anchor="middle"[^>]*>[0-9]*</text>' $c.svg |
    sed 's/.*>\([0-9]*\)<.*/\1/' | tr '\n' ' '; echo
done
echo "# the year under the first labelled date and where it changes: M80 runs from"
echo "# 2025-01-06 to 2026-07-13, labelled every 5th session (50 in 2025, 55 in 2026);"
echo "# M40 within 2025"
for c in M40 M80; do
  echo "$c: $(awk '/<text [^>]*font-size="10" text-anchor="middle"[^>]*>[0-9]*<\/text>/ {
      x = $0; sub(/.*x="/, "", x); sub(/".*/, "", x); t = $0; sub(/.*">/, "", t); sub(/<.*/, "", t)
      at[x] = t }
    /<text [^>]*font-size="9" text-anchor="middle"[^>]*>[0-9][0-9][0-9][0-9]<\/text>/ {
      x = $0; sub(/.*x="/, "", x); sub(/".*/, "", x); t = $0; sub(/.*">/, "", t); sub(/<.*/, "", t)
      printf "%s under session %s; ", t, at[x] }' $c.svg)"
done
awk -F, '$1 == "M80" && ($3 == 50 || $3 == 55) { print "M80 session " $3 ": " $4 }' data/charts/many_sessions.csv
echo "# M40's odd sessions alone (1, 3, ..., 39), none a multiple of the step: still labelled"
awk -F, 'NR == 1 || ($1 == "M40" && $3 % 2 == 1) { sub(/^M40,/, "ODD,"); print }' \
  data/charts/many_sessions.csv >odd.csv
setup collect import psq_client odd.csv
run analyze chart --client ODD -o ODD.svg
awk -f data/charts/overlap.awk ODD.svg
grep -o '<text [^>]*font-size="10" text-anchor="middle"[^>]*>[0-9]*</text>' ODD.svg |
  sed 's/.*>\([0-9]*\)<.*/\1/' | tr '\n' ' '; echo
run analyze chart --therapist T1 -o T1.svg
awk -f data/charts/overlap.awk T1.svg
grep -o '<text [^>]*font-size="10" text-anchor="middle"[^>]*>[0-9]*</text>' T1.svg |
  sed 's/.*>\([0-9]*\)<.*/\1/' | tr '\n' ' '; echo
echo "# the alert zone's label is never on a line or a mark: F1 (data/charts/falling.csv)"
echo "# falls into the zone at its last two sessions, and its least-squares line runs"
echo "# just under the zone's edge at the right end, where the label went; the label"
echo "# goes under the edge at the left end.  M40, M80 (the label in the zone's bottom"
echo "# corner, the edge's ends being taken) and K1 likewise"
use_store falling.db
setup collect init
setup collect therapist add TF
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session data/charts/falling.csv
run analyze chart --client F1 -o F1.svg
awk -f data/charts/crossing.awk F1.svg
grep -o '<text x="[0-9.]*" y="[0-9.]*"[^>]*>alert zone: under [^<]*' F1.svg |
  sed 's/<text x="\([^"]*\)" y="\([^"]*\)"[^>]*>/at \1,\2: /'
awk -f data/charts/overlap.awk F1.svg
for f in M40 M80 K1; do
  echo "$f: $(awk -f data/charts/crossing.awk $f.svg)"
done
echo "# a drop's label goes on the mark's left where a line crosses its right: F1's"
echo "# falling series runs through the right of its drop at session 7"
for f in F1 K1; do
  echo "$f: $(awk -v drops=1 -f data/charts/crossing.awk $f.svg)"
done
echo "# an instrument's new version: each session's alert zone is its own version's"
echo "# cut-off, and the chart marks and names the change.  V1 (data/charts/versions.csv)"
echo "# answered version 1 (6 terms, alert under 3.5) at sessions 1-5 and a version 2"
echo "# (4 terms, under 4.5) at 6-7; the report judges each session by its version too"
use_store versions.db
setup collect init
setup collect therapist add TV
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session data/charts/versions.csv
sed -e 's/"mean(\[bond_1\], \[goal_1\], \[task_1\], \[bond_2\], \[goal_2\], (6 - \[task_2\]))",,,,,,,,,,,,@ROLE=alliance @MINITEMS=5 @ALERT-BELOW=3.5/"mean([bond_1], [goal_1], [task_1], [bond_2])",,,,,,,,,,,,@ROLE=alliance @MINITEMS=3 @ALERT-BELOW=4.5/' \
  instruments/client_post_session.csv >cps_v2.csv
setup collect instrument add cps_v2.csv
setup collect import client_post_session data/charts/versions_v2.csv
run analyze chart --client V1 -o V1.svg
awk -f data/charts/zones.awk V1.svg
grep -o 'client_post_session version 2 from session[^<]*\|alert zone ([^<]*' V1.svg
for d in 2026-03-30 2026-04-06; do
  echo "report to $d:"; analyze report --client V1 --to $d | grep -- '- alliance'
done
echo "# no questionnaire scored at all (U1, data/charts/unscored.csv: no item"
echo "# answered): no scale, no alert zone, no key for a series that is not there;"
echo "# a note says why, and each questionnaire has its ring"
use_store unscored.db
setup collect init
setup collect therapist add TU
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session data/charts/unscored.csv
run analyze chart --client U1 -o U1.svg
grep -o 'no questionnaire could be scored[^<]*' U1.svg
echo "y-axis values: $(grep -c '<text [^>]*font-size="10" text-anchor="end"' U1.svg)"
echo "alert zones: $(grep -c 'fill="#f7decc"' U1.svg)"
grep -c '<g class="unscored"' U1.svg
grep -o '<title>session 1[^<]*' U1.svg
grep -o '>[a-z][^<]*(client_post_session)<\|>questionnaire not scored[^<]*' U1.svg
