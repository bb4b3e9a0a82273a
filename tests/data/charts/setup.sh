# The study the chart and report-page cases draw (sourced by the cases, in a
# fresh folder with data/ and instruments/ linked and ATTUNE_DB set):
#   cohort C26: therapists TA (clients K1, K2) and TB (K3, K4), weekly from
#   2026-03-02, client_post_session from each client (client.csv) and
#   therapist_post_session from TA (therapist.csv).
#   K1: a drop at session 3 with a reported rupture (kinds 1 and 3, a note
#       with & " < >), repaired at session 5; a resolved rupture at 6
#   K2: a drop at session 5, a reported rupture the therapist did not record,
#       not resolved, with an "other" kind text and a note; then session 6
#       recorded without a questionnaire, and session 7 set for 2099
#   K3: steady, one resolved rupture; session 6 answered partly at the
#       terminal, so its alliance score cannot be computed
#   K4: steady, no alerts
#   K5 (TB): the Session Rating Scale (srs.csv, 0-40) from the client and the
#       therapist's questionnaire (1-5): two scales that do not share an axis
charts_store() {
  {
    collect init
    collect therapist add TA --cohort C26
    collect therapist add TB --cohort C26
    collect instrument add instruments/client_post_session.csv
    collect instrument add instruments/therapist_post_session.csv
    collect instrument add instruments/srs_template.csv
    collect import client_post_session data/charts/client.csv
    collect import therapist_post_session data/charts/therapist.csv
    collect import srs data/charts/srs.csv
    collect session add --client K2 --number 6 --date 2026-04-07
    collect session add --client K2 --number 7 --date 2099-01-06
    collect session add --client K3 --number 6 --date 2026-04-08
    # bond_1 4, four items skipped, task_2 2, no rupture, no comment, save
    printf '4\n\n\n\n\n2\n0\n\ny\n' |
      collect run client_post_session --client K3 --session 6 --quiet
  } >/dev/null 2>&1 || echo "charts_store: building the store failed"
}
