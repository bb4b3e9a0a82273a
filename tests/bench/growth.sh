#!/usr/bin/env bash
# Growth-model benchmark (not a test).  On a study of G administrations of
# the client questionnaire (default 340,000: 34,000 clients of 50
# therapists, 10 sessions each), made with attune-simulate and `collect
# import` and kept as BUILD/bench-growth-G.db for the next run, it times
# `analyze growth` (REML, with and without the therapist level) and, when R
# with lme4 is installed (Debian: r-base-core r-cran-lme4), lme4's lmer on
# the same alliance scores; lmer's time is that of the fit alone, the CSV
# already read, and its peak memory that of the whole R process.  Wall and
# CPU (user + system) seconds, as the machine may be busy.
#
# usage: tests/bench/growth.sh [G]      (ATTUNE_BENCH_BUILD: build directory)
set -euo pipefail
. "$(dirname "$0")/common.sh"
g=${1:-340000}

bench_setup collect analyze attune-simulate

# study N: makes (or reuses) BUILD/bench-growth-N.db and sets db to it
study() {
  local k=$1 have=0
  db="$build/bench-growth-$k.db"
  if [ -f "$db" ]; then
    have=$(sqlite3 -readonly "$db" "SELECT count(*) FROM administrations" 2>/dev/null || echo 0)
  fi
  if [ "$have" = "$k" ]; then
    echo "== reusing $db ($k administrations)"
    "$collect" --db "$db" init >/dev/null 2>&1 || true   # an older schema brought forward
  else
    echo "== building $db: $k administrations of the client questionnaire"
    rm -f "$db" "$db-wal" "$db-shm"
    "$simulate" --dictionary "$client_dict" --administrations "$k" --seed 1 -o "$work/wide.csv"
    "$collect" --db "$db" init >/dev/null
    "$collect" --db "$db" instrument add "$client_dict" >/dev/null
    "$collect" --db "$db" import client_post_session "$work/wide.csv"
    rm -f "$work/wide.csv"
  fi
}

growth_bench() {
  study "$g"
  export ATTUNE_DB="$db"
  "$analyze" growth >/dev/null 2>&1   # the page cache
  echo "== analyze growth (REML)"
  timed "$analyze" growth -o "$work/growth.csv"
  local gs=$secs gk=$kb gu=$cpu
  echo "== analyze growth --therapist-level (REML)"
  timed "$analyze" growth --therapist-level -o "$work/growth_t.csv"
  local ts=$secs tk=$kb tu=$cpu
  echo "== analyze trajectories (the same reading of the store, no mixed model)"
  timed "$analyze" trajectories -o "$work/traj.csv"
  local js=$secs ju=$cpu
  local nobs g0 g1
  nobs=$(awk -F, '$7 == "nobs" { print $8 }' "$work/growth.csv")
  g0=$(awk -F, '$7 == "REMLcrit" { print $8 }' "$work/growth.csv")
  g1=$(awk -F, '$7 == "REMLcrit" { print $8 }' "$work/growth_t.csv")
  grep -E ',(fixed|ran_pars),' "$work/growth.csv" | cut -d, -f6-8 | sed 's/^/   /'
  if ! command -v Rscript >/dev/null || ! Rscript -e 'library(lme4)' >/dev/null 2>&1; then
    awk -v n="$nobs" -v gs="$gs" -v gk="$gk" -v ts="$ts" 'BEGIN {
      printf "\n%d scores: analyze growth %.2f s (%.1f MB), with therapists %.2f s\n",
        n, gs, gk / 1024, ts }'
    echo "lme4 is not installed: no comparison (apt-get install r-base-core r-cran-lme4)"
    return
  fi
  "$analyze" scores -o "$work/scores.csv"
  cat >"$work/fit.R" <<'R'
suppressMessages(library(lme4))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1])
d <- d[d$scale == "alliance" & !is.na(d$score), ]
# several ratings of one session count as their mean, as in attune
d <- aggregate(score ~ client + therapist + session, data = d, FUN = mean)
f <- if (a[2] == "1") score ~ session + (session | client) + (1 | therapist) else
  score ~ session + (session | client)
t <- system.time(fit <- lmer(f, data = d))
cat(t[["elapsed"]], t[["user.self"]], nobs(fit),
    format(REMLcrit(fit), digits = 15), "\n", file = a[3])
print(summary(fit)$coefficients)
print(VarCorr(fit))
R
  echo "== lme4: lmer(score ~ session + (session | client))"
  timed Rscript "$work/fit.R" "$work/scores.csv" 0 "$work/r0.txt"
  local rk=$kb r0 rt c0 c1 r0u rtu
  read -r r0 r0u _ c0 <"$work/r0.txt"
  echo "== lme4: lmer(score ~ session + (session | client) + (1 | therapist))"
  timed Rscript "$work/fit.R" "$work/scores.csv" 1 "$work/r1.txt"
  local rk1=$kb
  read -r rt rtu _ c1 <"$work/r1.txt"
  awk -v n="$nobs" -v gs="$gs" -v gk="$gk" -v ts="$ts" -v tk="$tk" -v r0="$r0" -v rk="$rk" -v js="$js" \
      -v gu="$gu" -v tu="$tu" -v ju="$ju" -v r0u="$r0u" -v rtu="$rtu" \
      -v rt="$rt" -v rk1="$rk1" -v c0="$c0" -v c1="$c1" -v g0="$g0" -v g1="$g1" 'BEGIN {
    printf "\n%d alliance scores\n", n
    printf "%-44s %9s %9s %9s\n", "", "seconds", "CPU s", "peak MB"
    printf "%-44s %9.2f %9.2f\n", "analyze trajectories (reading, no model)", js, ju
    printf "%-44s %9.2f %9.2f %9.1f\n", "analyze growth (reading the store included)", gs, gu, gk / 1024
    printf "%-44s %9.2f %9.2f %9.1f\n", "lmer (the fit alone)", r0, r0u, rk / 1024
    printf "%-44s %9.2f %9.2f %9.1f\n", "analyze growth --therapist-level", ts, tu, tk / 1024
    printf "%-44s %9.2f %9.2f %9.1f\n", "lmer + (1 | therapist) (the fit alone)", rt, rtu, rk1 / 1024
    if (gs > 0) printf "\nanalyze growth is %.1f times as fast as lmer (aim: 20); ", r0 / gs
    if (ts > 0) printf "%.1f with the therapist level\n", rt / ts
    printf "REML criterion (lower is the better optimum): attune %.6f, lmer %.6f; with therapists attune %.6f, lmer %.6f\n", g0, c0, g1, c1
    if (gs > js && ts > js) printf "the models alone (growth minus trajectories): %.2f s and %.2f s, %.0f and %.0f times as fast as lmer\n", gs - js, ts - js, r0 / (gs - js), rt / (ts - js)
  }'
}

growth_bench
