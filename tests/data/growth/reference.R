# Growth-model references for attune's tests, made with R and lme4 once and
# kept as numbers; neither the program nor its tests need R.
#
#   Rscript tests/data/growth/reference.R tests/data/growth
#
# 1. Simulates two small studies with a fixed seed and writes them in the
#    import layout of growth.csv (one number per session, score, whose
#    alliance scale is the score and whose scale half is half of it): growth_answers.csv (30 clients of 6 therapists,
#    3-12 sessions each, a few sessions unscored, dates about a week apart)
#    and flat_answers.csv (12 clients whose scores do not differ in their
#    change over sessions, so (session | client) is a singular fit).
# 2. Fits them with lme4::lmer (tight optimizer tolerances, so the reference
#    is the optimum itself rather than where a default stopping rule left
#    it) and writes reference/NAME.csv in analyze growth's layout:
#    instrument,scale,rater,model,effect,group,term,estimate,std_error,statistic
#    (fixed and ran_pars rows from broom.mixed::tidy, fit rows from lme4),
#    and reference/NAME_ranef.csv with each client's predicted intercept and
#    slope (coef(fit)$client, plus the therapist's conditional mode when the
#    model has the therapist level).
suppressMessages({
  library(lme4)
  library(broom.mixed)
})
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "tests/data/growth"
out <- file.path(dir, "reference")
dir.create(out, showWarnings = FALSE)
f15 <- function(x) ifelse(is.na(x), "", trimws(formatC(x, digits = 15, format = "g")))

simulate <- function(nclients, ntherapists, sd_int, sd_slope, sd_ther, prefix) {
  rows <- list()
  ther_eff <- rnorm(ntherapists, 0, sd_ther)
  for (i in seq_len(nclients)) {
    t <- (i - 1) %% ntherapists + 1
    n <- sample(3:12, 1)
    b0 <- rnorm(1, 0, sd_int)
    b1 <- rnorm(1, 0, sd_slope)
    start <- as.Date("2026-01-05") + sample(0:60, 1)
    day <- start
    for (s in seq_len(n)) {
      if (s > 1) day <- day + 7 + sample(-2:3, 1)
      y <- 55 + ther_eff[t] + b0 + (1.2 + b1) * s + rnorm(1, 0, 5)
      y <- round(min(100, max(0, y)), 1)
      if (s > 2 && runif(1) < 0.08) y <- NA   # an unscored session
      rows[[length(rows) + 1]] <- data.frame(
        client = sprintf("%s%02d", prefix, i), therapist = sprintf("T%d", t),
        session = s, date = format(day), modality = "", rater = "client",
        rater_code = "", score = y)
    }
  }
  do.call(rbind, rows)
}

set.seed(20261201)
growth <- simulate(30, 6, 8, 0.8, 9, "G")
flat <- simulate(12, 3, 0, 0, 0, "F")
write.csv(growth, file.path(dir, "growth_answers.csv"), row.names = FALSE, na = "", quote = FALSE)
write.csv(flat, file.path(dir, "flat_answers.csv"), row.names = FALSE, na = "", quote = FALSE)

prep <- function(d) {
  d <- d[!is.na(d$score), ]
  d$date <- as.Date(d$date)
  first <- ave(as.numeric(d$date), d$client, FUN = min)
  d$week <- (as.numeric(d$date) - first) / 7
  d
}
growth <- prep(growth)
flat <- prep(flat)

tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 100000),
                     check.conv.singular = "ignore")

reference <- function(name, d, time, reml, therapist, slope = TRUE, center = "none",
                      scale = "alliance") {
  d$time <- d[[time]]
  if (scale == "half") d$score <- d$score / 2
  if (center == "grand") d$time <- d$time - mean(d$time)
  if (center == "client") d$time <- d$time - ave(d$time, d$client)
  re <- if (slope) "(time | client)" else "(1 | client)"
  form <- paste("score ~ time +", re, if (therapist) "+ (1 | therapist)" else "")
  fit <- lmer(as.formula(form), data = d, REML = reml, control = tight)
  model <- paste0(trimws(form), "; ", if (reml) "REML" else "ML")
  td <- as.data.frame(tidy(fit))
  rows <- data.frame(instrument = "growth", scale = scale, rater = "client", model = model,
                     effect = td$effect, group = ifelse(is.na(td$group), "", td$group),
                     term = td$term, estimate = f15(td$estimate),
                     std_error = f15(td$std.error), statistic = f15(td$statistic))
  ll <- logLik(fit)
  fitrow <- function(group, term, value)
    data.frame(instrument = "growth", scale = scale, rater = "client", model = model,
               effect = "fit", group = group, term = term, estimate = f15(value),
               std_error = "", statistic = "")
  ng <- ngrps(fit)
  rows <- rbind(rows, fitrow("", "nobs", nobs(fit)),
                fitrow("client", "ngroups", ng[["client"]]))
  if (therapist) rows <- rbind(rows, fitrow("therapist", "ngroups", ng[["therapist"]]))
  rows <- rbind(rows, fitrow("", "logLik", as.numeric(ll)),
                fitrow("", if (reml) "REMLcrit" else "deviance",
                       if (reml) REMLcrit(fit) else deviance(fit)),
                fitrow("", "AIC", AIC(fit)), fitrow("", "BIC", BIC(fit)),
                fitrow("", "converged", as.numeric(length(fit@optinfo$conv$lme4$messages) == 0)),
                fitrow("", "singular", as.numeric(isSingular(fit))))
  write.csv(rows, file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
  cf <- coef(fit)$client
  ic <- cf[, "(Intercept)"]
  ther <- d$therapist[match(rownames(cf), d$client)]
  if (therapist) ic <- ic + ranef(fit)$therapist[ther, "(Intercept)"]
  rf <- data.frame(client = rownames(cf), therapist = ther, intercept = f15(ic),
                   slope = f15(cf[, "time"]))
  write.csv(rf, file.path(out, paste0(name, "_ranef.csv")), row.names = FALSE, quote = FALSE)
  cat(name, ": theta", format(getME(fit, "theta"), digits = 10), "singular", isSingular(fit), "\n")
}

reference("reml", growth, "session", TRUE, FALSE)
reference("ml", growth, "session", FALSE, FALSE)
reference("reml_therapist", growth, "session", TRUE, TRUE)
reference("ml_therapist", growth, "session", FALSE, TRUE)
reference("reml_week", growth, "week", TRUE, FALSE)
reference("reml_grand", growth, "session", TRUE, FALSE, center = "grand")
reference("reml_client", growth, "session", TRUE, FALSE, center = "client")
reference("reml_intercept", growth, "session", TRUE, FALSE, slope = FALSE)
reference("flat", flat, "session", TRUE, FALSE)
reference("half", growth, "session", TRUE, FALSE, scale = "half")

