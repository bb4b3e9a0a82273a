# analyze report as text blocks, CSV, one HTML page and PDF pages, from the
# study of data/charts/setup.sh: K1 a client-only rupture, K2 six alerts and
# a session without a questionnaire, K3 a partial questionnaire that could
# not be scored, K4 no alerts, K5 a low score on the Session Rating Scale.
source data/charts/setup.sh
charts_store

run analyze report
run analyze report --format csv
echo "# session 7 (dated 2099) is not held yet, so session 6 is the latest above;
# up to --to 2026-03-24 the latest was session 4, with no alerts and no later session"
run analyze report --client K2 --to 2026-03-24 --format csv

echo "# HTML: well-formed, nothing from elsewhere, one section per client with alerts"
run analyze report --format html -o report.html
xmllint --noout report.html && echo "well-formed"
echo "references to other files or hosts: $(xmllint --xpath 'count(//@src|//@href|//*[local-name()="script" or local-name()="link" or local-name()="img" or local-name()="iframe" or local-name()="object" or local-name()="embed"])' report.html)"
echo "url(, @import or addresses other than the SVG namespace: $(grep -o -i -E 'url\(|@import|https?://[^" ]*' report.html | grep -v -x -c 'http://www.w3.org/2000/svg')"
echo "client sections: $(xmllint --xpath 'count(//*[local-name()="section" and @class="client"])' report.html)"
echo "inline charts: $(xmllint --xpath 'count(//*[local-name()="section"]//*[local-name()="svg"])' report.html)"
xmllint --xpath '//*[local-name()="h2"]/text()' report.html; echo
echo "alerts: $(xmllint --xpath 'count(//*[local-name()="li"][contains(@class,"alert")])' report.html)"
xmllint --xpath 'normalize-space(//*[local-name()="section" and @class="quiet"])' report.html; echo
echo "# the client's own words, escaped; ids unique across the page's charts"
grep -o 'the homework talk' report.html
grep -o 'Ich m[^<]*' report.html
grep -o ' id="[^"]*"' report.html | sort | uniq -d | wc -l
echo "# the same bytes on every run"
analyze report --format html -o again.html && cmp report.html again.html && echo "same bytes"

echo "# PDF: the title on the first page, a page per client with alerts, and the"
echo "# clients without alerts named under the last of them"
run analyze report --format pdf -o report.pdf
pdfinfo report.pdf | grep -E '^(Pages|Page size|Title):'
pages=$(pdfinfo report.pdf | sed -n 's/^Pages: *//p')
echo "page 1 begins: $(pdftotext -f 1 -l 1 report.pdf - | head -2 | tr '\n' '|')"
echo "title on later pages: $(pdftotext -f 2 report.pdf - | grep -c -F 'Before the next sessions')"
echo "the last page ($pages) holds a client and the line of the rest: $(pdftotext -f "$pages" -l "$pages" report.pdf - | grep -c -E '^K[0-9]$|^No alerts: ')"
pdftotext report.pdf - | tr '\n' ' ' | tr -s ' ' >report.txt
for w in K1 K2 K3 K4 K5 "rupture not resolved" "wants to talk about it" "could not be computed" \
         "no questionnaire from the client for session 6" "No alerts: K4" "the homework talk"; do
  printf '%s: %s\n' "$w" "$(grep -o -F "$w" report.txt | wc -l)"
done
pdfinfo report.pdf | grep -c -i date
analyze report --format pdf -o again.pdf && cmp report.pdf again.pdf && echo "same bytes"
echo "# one client without alerts: one page that says so"
run analyze report --client K4 --format pdf -o k4.pdf
pdfinfo k4.pdf | grep '^Pages:'
pdftotext k4.pdf - | grep -F 'No alerts'
run analyze report --client K4 --format html -o k4.html
xmllint --xpath 'normalize-space(//*[local-name()="section" and @class="quiet"])' k4.html; echo
run analyze report --format pdf
echo "# a selection without a questionnaire of the rater: nothing to report on, not 'no alerts'"
run analyze report --rater observer --format html -o none.html
xmllint --xpath 'normalize-space(//*[local-name()="section" and @class="quiet"])' none.html; echo
run analyze report --rater observer --format pdf -o none.pdf
pdftotext none.pdf - | grep -F 'report on'
echo "# with alerts for every client there is no line for the clients without"
run analyze report --client K2 --format html -o k2.html
echo "quiet sections: $(xmllint --xpath 'count(//*[local-name()="section" and @class="quiet"])' k2.html)"

echo "# a long client code and a long word stay inside the page and the chart"
use_store long.db
long=K-$(printf 'W%.0s' $(seq 62))
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect therapist add T-$(printf 'M%.0s' $(seq 62))
setup collect client add "$long" --therapist T-$(printf 'M%.0s' $(seq 62))
word=$(printf 'w%.0s' $(seq 150))
printf '2\n2\n2\n2\n2\n4\n1\n1\n3\n0\n1\n1\n%s\ny\n' "$word" |
  collect run client_post_session --client "$long" --session 1 --quiet >/dev/null
# the right end of the rightmost word of each page (PDF points, rounded up)
right_end() {
  pdftotext -bbox "$1" - | sed -n 's/.*<page width="\([0-9.]*\)".*/page \1/p; s/.*xMax="\([0-9.]*\)".*/\1/p' |
    awk '/^page/ { if (w) print int(m + 0.999) " of " int(w); w = $2; m = 0; next } $1 > m { m = $1 }
         END { print int(m + 0.999) " of " int(w) }'
}
run analyze report --format pdf -o long.pdf
echo "rightmost text on the report's page: $(right_end long.pdf)"
pdftotext long.pdf - | tr -d '\n' | grep -c -F "$word"
run analyze chart --client "$long" -o long-chart.pdf
echo "rightmost text in the chart: $(right_end long-chart.pdf)"
echo "# words in scripts the chart font lacks come from a font that has them, not as"
echo "# empty boxes"
setup collect client add K-zh
printf '2\n2\n2\n2\n2\n4\n1\n1\n3\n0\n1\n1\n%s\ny\n' "下次我想谈谈这件事。次回もよろしく。" |
  collect run client_post_session --client K-zh --session 1 --quiet >/dev/null
run analyze report --client K-zh --format pdf -o zh.pdf
pdftotext zh.pdf - | grep -o -F "下次我想谈谈这件事。次回もよろしく。"
fonts() { pdffonts "$1" | tail -n +3 | awk '{ print $1 }' | sed 's/^[A-Z]*+//' | sort -u; }
echo "DejaVu Sans: $(fonts zh.pdf | grep -c '^DejaVuSans'), other fonts: $(fonts zh.pdf | grep -c -v '^DejaVuSans')"
