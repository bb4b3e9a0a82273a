# analyze report as text: a client's own words in Chinese are wrapped by the
# columns a terminal gives them (two for each such character), within the
# report's 80 columns, broken between characters where no space is.
use_store attune.db
setup collect init
setup collect instrument add instruments/client_post_session.csv
setup collect import client_post_session examples/sample/client_post_session.csv
# C03's latest reported rupture is at session 4: its notes are in the report
setup collect amend client_post_session --client C03 --session 4 \
  "comment=这次会谈中我有一段时间觉得没有被听见，后来我们谈到了这件事，我觉得好多了，但下一次我还想再说一说那个时候的感受，因为它对我很重要。" \
  --reason "typed from the paper form"
analyze report --client C03 >report.txt
cat report.txt
echo "widest line (wc -L in a UTF-8 locale): $(LC_ALL=C.UTF-8 wc -L <report.txt) columns of 80"
