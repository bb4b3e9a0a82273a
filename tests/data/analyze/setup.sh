# Helpers for the analyze end-to-end cases (sourced by tests/cli/cases/analyze_*.sh,
# which run in a fresh folder with data/ linked and ATTUNE_DB set).

# psq_store: the study of psq_client_answers.csv and psq_therapist_answers.csv:
# therapists T1, T2 (cohort A) and T3 (cohort B), clients C01-C05, rated by the
# client (psq_client) and the therapist (psq_therapist).
psq_store() {
  {
    collect init
    collect therapist add T1 --cohort A
    collect therapist add T2 --cohort A
    collect therapist add T3 --cohort B
    collect instrument add data/analyze/psq_client.csv
    collect instrument add data/analyze/psq_therapist.csv
    collect import psq_client data/analyze/psq_client_answers.csv
    collect import psq_therapist data/analyze/psq_therapist_answers.csv
  } >/dev/null || echo "psq_store: building the store failed"
}

# psq_observed: psq_store's study plus observers' ratings
# (psq_observer_answers.csv: observer_session_rating by O1 for sessions of
# C01, C02 and C04, and by O2 too for C01's session 3)
psq_observed() {
  psq_store
  {
    collect instrument add instruments/observer_session_rating.csv
    collect import observer_session_rating data/analyze/psq_observer_answers.csv
  } >/dev/null || echo "psq_observed: building the store failed"
}

# track_store [THERAPIST]: the hand-made alliance series of
# track_answers.csv (one numeric score per session), therapist TS for the sd
# rule, TR rci, TA abs, TU sudden; with THERAPIST, that therapist's alone.
track_store() {
  local answers=data/analyze/track_answers.csv
  if [ -n "${1:-}" ]; then
    awk -F, -v t="$1" 'NR == 1 || $2 == t' "$answers" >track_one.csv
    answers=track_one.csv
  fi
  {
    collect init
    collect instrument add data/analyze/track.csv
    collect import track "$answers"
  } >/dev/null || echo "track_store: building the store failed"
}

# vs REF CMD...: runs CMD as run does (printing the command, its output and
# notes), then checks the table it writes against the R reference
# data/analyze/reference/REF at 1e-9 relative tolerance.
vs() {
  local ref=$1
  shift
  run "$@"
  "$@" >vs.csv 2>/dev/null
  awk -v tol=1e-9 -f data/analyze/compare.awk "data/analyze/reference/$ref" vs.csv
  rm -f vs.csv
}

# growth_store [ANSWERS]: the simulated study of data/growth (default
# growth_answers.csv: 30 clients of 6 therapists) in the instrument
# data/growth/growth.csv; ANSWERS with a / in it is a path of its own.
growth_store() {
  {
    collect init
    collect instrument add data/growth/growth.csv
    local f=${1:-growth_answers.csv}
    case $f in */*) ;; *) f=data/growth/$f ;; esac
    collect import growth "$f"
  } >/dev/null || echo "growth_store: building the store failed"
}

# vs_growth REF TOL CMD...: prints the command and what it says on stderr,
# then checks the table it writes against the lme4 reference
# data/growth/reference/REF at relative tolerance TOL.
vs_growth() {
  local ref=$1 tol=$2
  shift 2
  echo "\$ $*"
  "$@" >vs.csv 2>vs.err || echo "[exit $?]"
  sed 's/^/! /' vs.err
  awk -v tol="$tol" -f data/analyze/compare.awk "data/growth/reference/$ref" vs.csv
  rm -f vs.csv vs.err
}
