# Reference values for the analyze tests, computed independently of attune
# from the answer files in this folder with R (r-base-core) and psych.
#
#   Rscript tests/data/analyze/reference.R tests/data/analyze OUTDIR
#
# writes OUTDIR/NAME.csv with the columns analyze writes, for the tables
# whose numbers need a reference: reliability (complete cases and
# pairwise), reliability_items, trajectories, episodes (every rule, on the
# psq answers and on the hand-made series of track_answers.csv), trends
# (client/therapist/cohort, session/week), agreement.  REFERENCE.md keeps
# the values; compare.awk checks an analyze table against
# one of these files at 1e-9 relative tolerance.
suppressMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1) args[1] else "tests/data/analyze"
out <- if (length(args) >= 2) args[2] else "reference-out"
dir.create(out, showWarnings = FALSE)
w <- function(df, name) write.csv(df, file.path(out, name), row.names = FALSE, na = "")
f15 <- function(x) ifelse(is.na(x), NA, formatC(x, digits = 15, format = "g"))

cl <- read.csv(file.path(src, "psq_client_answers.csv"), na.strings = "")
th <- read.csv(file.path(src, "psq_therapist_answers.csv"), na.strings = "")
cohort <- c(T1 = "A", T2 = "A", T3 = "B")

# scales as the dictionaries define them: alliance = mean(i1, i2, i3, 6 - i4)
# with @MINITEMS=3; bond = sum(i1, i2) with @MINITEMS=2
X <- cbind(i1 = cl$i1, i2 = cl$i2, i3 = cl$i3, "i4-" = 6 - cl$i4)
cl$alliance <- ifelse(rowSums(!is.na(X)) >= 3, rowMeans(X, na.rm = TRUE), NA)
T <- cbind(th$t1, th$t2, th$t3)
th$alliance <- ifelse(rowSums(!is.na(T)) >= 2, rowMeans(T, na.rm = TRUE), NA)

# ---- reliability: psych::alpha on complete cases (na.omit) and pairwise
rel <- function(m, name, cumulative, pairwise) {
  d <- if (pairwise) m[rowSums(!is.na(m)) > 0, , drop = FALSE] else na.omit(m)
  a <- suppressWarnings(alpha(d, cumulative = cumulative, check.keys = FALSE))
  list(scale = data.frame(instrument = "psq_client", scale = name, n = nrow(d), k = ncol(d),
                          alpha = a$total$raw_alpha, alpha_std = a$total$std.alpha,
                          average_r = a$total$average_r, mean = a$total$mean, sd = a$total$sd),
       items = data.frame(instrument = "psq_client", scale = name, item = colnames(d),
                          mean = a$item.stats$mean, sd = a$item.stats$sd,
                          r_drop = a$item.stats$r.drop,
                          alpha_if_deleted = if (ncol(d) > 2) a$alpha.drop$raw_alpha else NA))
}
B <- X[, 1:2]
for (pw in c(FALSE, TRUE)) {
  ra <- rel(X, "alliance", FALSE, pw)
  rb <- rel(B, "bond", TRUE, pw)
  # lone has one term (i3, answered 18 times) and extra none answered:
  # alpha is undefined for both, so every value is blank
  blank <- data.frame(instrument = "psq_client", scale = c("lone", "extra"),
                      n = c(sum(!is.na(cl$i3)), 0), k = c(1, 2), alpha = NA, alpha_std = NA,
                      average_r = NA, mean = NA, sd = NA)
  blank_items <- data.frame(instrument = "psq_client", scale = c("lone", "extra", "extra"),
                            item = c("i3", "x1", "x2"), mean = NA, sd = NA, r_drop = NA,
                            alpha_if_deleted = NA)
  tag <- if (pw) "pairwise" else "complete"
  w(rbind(ra$scale, rb$scale, blank), paste0("reliability_", tag, ".csv"))
  w(rbind(ra$items, rb$items, blank_items), paste0("reliability_items_", tag, ".csv"))
}
# the therapist's form, complete cases
at <- suppressWarnings(alpha(na.omit(T), check.keys = FALSE))$total
w(data.frame(instrument = "psq_therapist", scale = "alliance", n = nrow(na.omit(T)), k = 3,
             alpha = at$raw_alpha, alpha_std = at$std.alpha, average_r = at$average_r,
             mean = at$mean, sd = at$sd), "reliability_therapist.csv")

# ---- trajectories: lm(alliance ~ session) per client with 3+ scores
traj <- do.call(rbind, lapply(split(cl, cl$client), function(d) {
  d <- d[!is.na(d$alliance), ]
  if (nrow(d) < 3) return(NULL)
  fit <- summary(lm(alliance ~ session, data = d))
  data.frame(instrument = "psq_client", scale = "alliance", rater = "client",
             client = d$client[1], therapist = tail(d$therapist, 1), n = nrow(d),
             intercept = fit$coefficients[1, 1], slope = fit$coefficients[2, 1],
             slope_se = fit$coefficients[2, 2], r2 = fit$r.squared)
}))
w(traj, "trajectories.csv")

# ---- episodes: DESIGN.md's rules written out step by step for one series
# (d: one client's rows with session, score, therapist)
g15 <- function(x) formatC(x, digits = 15, format = "g")
epi_rule <- function(d, rule, label, k = 1, cutoff = NA, W = 3,
                     instrument = "track", scale = "score") {
  d <- d[!is.na(d$score), ]
  d <- d[order(d$session), ]
  n <- nrow(d); x <- d$score
  if (rule == "sd") {
    if (n < 3 || sd(x) == 0) return(NULL)
    thr <- k * sd(x)
  } else thr <- cutoff
  rows <- NULL
  for (i in seq_len(n)[-1]) {
    drop <- x[i - 1] - x[i]
    if (!(drop > thr)) next
    if (rule == "sudden") {   # Tang & DeRubeis: 25% of the pre-drop score, and the t test
      if (drop < 0.25 * x[i - 1]) next
      pre <- x[max(1, i - 3):(i - 1)]; post <- x[i:min(n, i + 2)]
      n1 <- length(pre); n2 <- length(post)
      if (n1 < 2 || n2 < 2) next
      sp <- sqrt(((n1 - 1) * var(pre) + (n2 - 1) * var(post)) / (n1 + n2 - 2))
      if (!(mean(pre) - mean(post) > qt(0.975, n1 + n2 - 2) * sp)) next
    }
    later <- if (i < n) (i + 1):min(n, i + W) else integer(0)
    hit <- later[x[later] >= x[i - 1]]
    rep <- if (length(hit)) d$session[hit[1]] else NA
    rows <- rbind(rows, data.frame(instrument = instrument, scale = scale, rater = "client",
      client = d$client[1], therapist = d$therapist[i], rule = label,
      rupture_session = d$session[i], pre_score = x[i - 1], rupture_score = x[i], drop = drop,
      threshold = thr, repair_session = rep, repaired = as.integer(!is.na(rep)),
      sessions_to_repair = rep - d$session[i], censored = as.integer(is.na(rep) && (n - i) < W)))
  }
  rows
}
run_rule <- function(data, file, ...) {
  res <- do.call(rbind, lapply(split(data, data$client), epi_rule, ...))
  if (is.null(res)) res <- data.frame(instrument = character(), scale = character(),
    rater = character(), client = character(), therapist = character(), rule = character(),
    rupture_session = numeric(), pre_score = numeric(), rupture_score = numeric(),
    drop = numeric(), threshold = numeric(), repair_session = numeric(), repaired = numeric(),
    sessions_to_repair = numeric(), censored = numeric())
  w(res, file)
}
first_sd <- function(data) sd(sapply(split(data, data$client), function(d) {
  d <- d[!is.na(d$score), ]; d$score[which.min(d$session)] }))
rci <- function(sd0, r) 1.96 * sd0 * sqrt(2 * (1 - r))

# psq_client's alliance: sd rule, and rci with r = the complete-case alpha
ps <- data.frame(client = cl$client, therapist = cl$therapist, session = cl$session,
                 score = cl$alliance)
run_rule(ps, "episodes_psq_sd.csv", rule = "sd", label = "sd k=1 w=3",
         instrument = "psq_client", scale = "alliance")
r_psq <- suppressWarnings(alpha(na.omit(X), check.keys = FALSE))$total$raw_alpha
run_rule(ps, "episodes_psq_rci.csv", rule = "rci", label = paste0("rci r=", g15(r_psq), " w=3"),
         cutoff = rci(first_sd(ps), r_psq), instrument = "psq_client", scale = "alliance")

# the hand-made series of track_answers.csv, one therapist code per rule
tr <- read.csv(file.path(src, "track_answers.csv"), na.strings = "")
by_t <- function(t) tr[tr$therapist == t, ]
run_rule(by_t("TS"), "episodes_track_sd.csv", rule = "sd", label = "sd k=1 w=3")
run_rule(by_t("TS"), "episodes_track_sd_k1.82.csv", rule = "sd", k = 1.82, label = "sd k=1.82 w=3")
run_rule(by_t("TS"), "episodes_track_sd_k1.83.csv", rule = "sd", k = 1.83, label = "sd k=1.83 w=3")
cut_r <- rci(first_sd(by_t("TR")), 0.961)   # SD0 = 10.5: DOMAIN.md's known answer 5.747681
run_rule(by_t("TR"), "episodes_track_rci.csv", rule = "rci", label = "rci r=0.961 w=3",
         cutoff = cut_r)
run_rule(by_t("TA"), "episodes_track_abs.csv", rule = "abs", cutoff = 5, label = "abs cutoff=5 w=3")
run_rule(by_t("TA"), "episodes_track_abs_w2.csv", rule = "abs", cutoff = 5, W = 2,
         label = "abs cutoff=5 w=2")
run_rule(by_t("TU"), "episodes_track_sudden.csv", rule = "sudden", cutoff = 5,
         label = "sudden cutoff=5 w=3")
# the rci baseline is the whole study's whatever the selection: TR's series
# judged with SD0 of every client's first score in track_answers.csv
cut_w <- rci(first_sd(tr), 0.99)
run_rule(by_t("TR"), "episodes_track_rci_whole.csv", rule = "rci", label = "rci r=0.99 w=3",
         cutoff = cut_w)
cut_u <- rci(first_sd(by_t("TU")), 0.9)
run_rule(by_t("TU"), "episodes_track_sudden_rci.csv", rule = "sudden", cutoff = cut_u,
         label = paste0("sudden cutoff=", g15(cut_u), " w=3"))

# ---- trends: counts, rates, means and slopes per level.  Each session has
# one client questionnaire here, so a session's means are its answers.  A
# client's slope is its OLS line (lm); a therapist's or cohort's is the fixed
# slope of lmer(y ~ x + (1 | client)) by REML (lm when the points come from
# one client; none with fewer points than clients + 2).  Weeks: the date as days since 1970-01-01 / 7.
suppressMessages(library(lme4))
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 100000),
                     check.conv.singular = "ignore")
cl$week <- as.numeric(as.Date(cl$date)) / 7
slope <- function(x, y, client = NULL) {
  ok <- !is.na(x) & !is.na(y)
  if (sum(ok) < 3 || length(unique(x[ok])) < 2) return(c(NA, NA))
  if (is.null(client) || length(unique(client[ok])) < 2)
    return(summary(lm(y[ok] ~ x[ok]))$coefficients[2, 1:2])
  # x centred: the same model and slope, better conditioned for lme4's
  # optimizer when x is a date in weeks (about 2900)
  d <- data.frame(x = x[ok] - mean(x[ok]), y = y[ok], client = client[ok])
  # with fewer points than clients + 2 the REML criterion is flat in theta
  if (nrow(d) < length(unique(d$client)) + 2) return(c(NA, NA))
  fit <- tryCatch(lmer(y ~ x + (1 | client), data = d, REML = TRUE, control = tight),
                  error = function(e) NULL)
  if (is.null(fit)) return(c(NA, NA))
  summary(fit)$coefficients[2, 1:2]
}
trend <- function(d, level, id, coh, xname) {
  rup <- d$rupture
  r1 <- !is.na(rup) & rup == 1
  res <- ifelse(is.na(d$resolution), NA, as.integer(d$resolution >= 4))
  client <- if (level == "client") NULL else d$client
  rs <- slope(d[[xname]], d$resolution, client)
  as <- slope(d[[xname]], d$alliance, client)
  data.frame(level = level, id = id, cohort = coh,
             sessions = nrow(unique(d[, c("client", "session")])), ruptures = sum(r1),
             rupture_rate = if (sum(!is.na(rup))) sum(r1) / sum(!is.na(rup)) else NA,
             addressed_rate = if (sum(r1 & !is.na(d$addressed))) mean(d$addressed[r1 & !is.na(d$addressed)]) else NA,
             resolved_rate = if (sum(r1 & !is.na(res))) mean(res[r1 & !is.na(res)]) else NA,
             mean_tension = if (any(!is.na(d$tension))) mean(d$tension, na.rm = TRUE) else NA,
             mean_resolution = if (any(!is.na(d$resolution))) mean(d$resolution, na.rm = TRUE) else NA,
             resolution_slope = rs[1], resolution_slope_se = rs[2],
             alliance_slope = as[1], alliance_slope_se = as[2], questionnaires = nrow(d))
}
for (x in c("session", "week")) {
  t_client <- do.call(rbind, lapply(split(cl, cl$client), function(d)
    trend(d, "client", d$client[1], cohort[tail(d$therapist, 1)], x)))
  t_ther <- do.call(rbind, lapply(split(cl, cl$therapist), function(d)
    trend(d, "therapist", d$therapist[1], cohort[d$therapist[1]], x)))
  cl$cohort <- cohort[cl$therapist]
  t_coh <- do.call(rbind, lapply(split(cl, cl$cohort), function(d)
    trend(d, "cohort", d$cohort[1], d$cohort[1], x)))
  w(rbind(t_client, t_ther, t_coh), paste0("trends_", x, ".csv"))
}

# ---- agreement: Cohen's kappa (psych::cohen.kappa; its var.kappa is the
# Fleiss, Cohen & Everitt 1969 large-sample variance, its confid the 95%
# interval from it) and cor(); the SE under kappa = 0 from the table's
# margins (Fleiss, Levin & Paik 2003, eq. 18.17), z and a normal p value
m <- merge(cl[, c("client", "session", "therapist", "rupture", "alliance")],
           th[, c("client", "session", "rupture", "alliance")],
           by = c("client", "session"), suffixes = c(".c", ".t"))
agree <- function(d, level, id, first = "client_only") {
  r <- d[!is.na(d$rupture.c) & !is.na(d$rupture.t), ]
  tab <- table(factor(r$rupture.c, levels = c(1, 0)), factor(r$rupture.t, levels = c(1, 0)))
  k <- suppressWarnings(cohen.kappa(matrix(tab, 2, 2)))
  p <- tab / sum(tab)
  rows <- rowSums(p)
  cols <- colSums(p)
  pe <- sum(rows * cols)
  se0 <- sqrt((pe + pe^2 - sum(rows * cols * (rows + cols))) / (sum(tab) * (1 - pe)^2))
  a <- d[!is.na(d$alliance.c) & !is.na(d$alliance.t), ]
  out <- data.frame(level = level, id = id, pairs = nrow(r), both = tab[1, 1],
             first_only = tab[1, 2], therapist_only = tab[2, 1], neither = tab[2, 2],
             kappa = k$kappa, kappa_se = sqrt(k$var.kappa),
             alliance_r = if (nrow(a) >= 3) cor(a$alliance.c, a$alliance.t) else NA,
             kappa_se0 = se0, kappa_z = k$kappa / se0,
             kappa_p = 2 * pnorm(-abs(k$kappa / se0)),
             kappa_ci_lower = k$confid[1, "lower"], kappa_ci_upper = k$confid[1, "upper"])
  names(out)[5] <- first
  out
}
ag <- rbind(do.call(rbind, lapply(split(m, m$therapist), function(d)
  agree(d, "therapist", d$therapist[1]))), agree(m, "all", "all"))
w(ag, "agreement.csv")

# --pair observer,therapist: psq_observer_answers.csv (no alliance score);
# of two observers of one session the first by rater code
ob <- read.csv(file.path(src, "psq_observer_answers.csv"), na.strings = "")
ob <- ob[order(ob$client, ob$session, ob$rater_code), ]
ob <- ob[!duplicated(ob[, c("client", "session")]), ]
ob$alliance <- NA
mo <- merge(ob[, c("client", "session", "therapist", "rupture", "alliance")],
            th[, c("client", "session", "rupture", "alliance")],
            by = c("client", "session"), suffixes = c(".c", ".t"))
ago <- rbind(do.call(rbind, lapply(split(mo, mo$therapist), function(d)
  agree(d, "therapist", d$therapist[1], "observer_only"))),
  agree(mo, "all", "all", "observer_only"))
w(ago, "agreement_observer.csv")

# ---- agreement where one side gave the same answer in every pair
# (constant_client_answers.csv, constant_therapist_answers.csv): T1 one pair
# (client yes, therapist no), T2 the therapist always yes, T3 the client
# always no.  Observed agreement is then chance agreement whatever the other
# side said, so kappa is 0, and psych's var.kappa and the null variance are
# 0 (or a rounding error from it): analyze leaves the SEs, the test and the
# interval of such a row blank, and so does this reference.  The all row
# (2, 1, 5, 3 over 11 pairs) varies on both sides: kappa = (5/11 - 53/121) /
# (1 - 53/121) = 1/34.
kc <- read.csv(file.path(src, "constant_client_answers.csv"), na.strings = "")
kt <- read.csv(file.path(src, "constant_therapist_answers.csv"), na.strings = "")
kc$alliance <- rowMeans(cbind(kc$i1, kc$i2, kc$i3, 6 - kc$i4))
kt$alliance <- rowMeans(cbind(kt$t1, kt$t2, kt$t3))
mk <- merge(kc[, c("client", "session", "therapist", "rupture", "alliance")],
            kt[, c("client", "session", "rupture", "alliance")],
            by = c("client", "session"), suffixes = c(".c", ".t"))
agree_const <- function(d, level, id) {
  out <- agree(d, level, id)
  yes_c <- out$both + out$client_only
  yes_t <- out$both + out$therapist_only
  if (yes_c %in% c(0, out$pairs) || yes_t %in% c(0, out$pairs))
    out[, c("kappa_se", "kappa_se0", "kappa_z", "kappa_p", "kappa_ci_lower",
            "kappa_ci_upper")] <- NA
  out
}
agc <- rbind(do.call(rbind, lapply(split(mk, mk$therapist), function(d)
  agree_const(d, "therapist", d$therapist[1]))), agree_const(mk, "all", "all"))
w(agc, "agreement_constant.csv")

# ---- trends of the training guide (analyze_training): a trainee's own and
# a supervisor's questionnaires, one each per session, per week
tt <- read.csv(file.path(src, "training_therapist_answers.csv"), na.strings = "")
tt$alliance <- rowMeans(cbind(tt$bond_1, tt$goal_1, tt$task_1, tt$bond_2, tt$goal_2,
                              6 - tt$task_2))
to <- read.csv(file.path(src, "training_observer_answers.csv"), na.strings = "")
to$alliance <- NA
for (d in list(list(tt, "trends_training_therapist.csv"),
               list(to, "trends_training_observer.csv"))) {
  x <- d[[1]]
  x$week <- as.numeric(as.Date(x$date)) / 7
  w(trend(x, "therapist", "TR07", "2026a", "week"), d[[2]])
}
