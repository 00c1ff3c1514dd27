# estimate_mcid(): the ROC best points beyond Youden's (pROC's best.method
# and best.weights), the tie policy, the predictive MICs (Terluin 2015,
# 2017) against glm(), the stratified bootstrap, and the bootstrap interval
# of the AUC against pROC's ci.auc(method = "bootstrap").

continuous_data <- function(n, seed, shift = 12) {
  set.seed(seed)
  pre <- round(stats::runif(n, 20, 100))
  post <- pmin(100, pmax(0, round(pre - stats::rnorm(n, 10, 15))))
  anchor <- (pre - post) + stats::rnorm(n, sd = 10) > shift
  list(pre = pre, post = post, anchor = anchor, change = pre - post)
}

# The best cut-off by brute force: every distinct change, the criterion as
# pROC computes it, ties to the smallest or largest.
oracle_best <- function(change, improved, best, weights = c(1, 0.5),
                        ties = "smallest") {
  cut <- sort(unique(change))
  se <- vapply(cut, function(c) mean(change[improved] >= c), 0)
  sp <- vapply(cut, function(c) mean(change[!improved] < c), 0)
  r <- (1 - weights[2]) / (weights[1] * weights[2])
  crit <- switch(best,
                 youden = se + sp,
                 weighted = se + r * sp,
                 closest_topleft = -((1 - se)^2 + r * (1 - sp)^2))
  hits <- cut[crit == max(crit)]
  if (ties == "smallest") min(hits) else max(hits)
}

test_that("best = \"closest_topleft\" and \"weighted\": brute force and pROC's coords()", {
  has_proc <- requireNamespace("pROC", quietly = TRUE)
  seed <- 61
  set.seed(seed)
  for (case in 1:12) {
    n <- sample(c(30, 200, 800), 1)
    d <- continuous_data(n, seed + case, shift = sample(c(5, 12, 25), 1))
    if (all(d$anchor) || !any(d$anchor)) next
    weights <- list(c(1, 0.5), c(2, 0.3), c(0.5, 0.7))[[1 + case %% 3]]
    for (best in c("closest_topleft", "weighted")) {
      info <- sprintf("seed %d, n = %d, best %s, weights %s", seed + case, n, best,
                      paste(weights, collapse = "/"))
      m <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0, best = best,
                         best_weights = weights, range = c(0, 100))
      expect_equal(m$estimate, oracle_best(d$change, d$anchor, best, weights),
                   info = info)
      if (has_proc) {
        r <- pROC::roc(controls = d$change[!d$anchor], cases = d$change[d$anchor],
                       direction = "<", quiet = TRUE)
        thr <- pROC::coords(r, "best", ret = "threshold", transpose = FALSE,
                            best.method = if (best == "weighted") "youden" else "closest.topleft",
                            best.weights = weights)$threshold
        # pROC's thresholds lie between changes: the cut-off is the
        # smallest change above the smallest best threshold
        expected <- min(d$change[d$change > min(thr)])
        expect_equal(m$estimate, expected, info = paste(info, "(pROC)"))
      }
    }
  }
})

test_that("ties: the smallest cut-off by default, the largest on request (hand-worked)", {
  # improved changes 3, 5; others 1, 4: cut-offs 1, 3, 4, 5 have
  # (se, sp) = (1, 0), (1, .5), (.5, .5), (.5, 1): J = 0, .5, 0, .5
  pre <- c(10, 10, 10, 10)
  post <- pre - c(3, 5, 1, 4)
  improved <- c(TRUE, TRUE, FALSE, FALSE)
  small <- estimate_mcid(pre, post, improved, boot = 0)
  large <- estimate_mcid(pre, post, improved, boot = 0, ties = "largest")
  expect_identical(small$estimate, 3)
  expect_identical(large$estimate, 5)
  expect_identical(c(large$sensitivity, large$specificity), c(0.5, 1))
  # closest to (0, 1): distances .5^2 = .25 at 3 and at 5 as well
  expect_identical(estimate_mcid(pre, post, improved, boot = 0,
                                 best = "closest_topleft")$estimate, 3)
  expect_identical(estimate_mcid(pre, post, improved, boot = 0,
                                 best = "closest_topleft", ties = "largest")$estimate, 5)
  # a weight on specificity (prevalence 0.25: r = 3) breaks the tie: 5
  expect_identical(estimate_mcid(pre, post, improved, boot = 0, best = "weighted",
                                 best_weights = c(1, 0.25))$estimate, 5)
})

# Terluin et al. (2015): MIC = (ln(odds of improvement) - intercept) / slope
# of glm(anchor ~ change, binomial); Terluin et al. (2017): minus
# (0.090 + 0.103 r) SD(change) ln(odds), r the point-biserial correlation.
oracle_predictive <- function(change, improved) {
  fit <- suppressWarnings(stats::glm(improved ~ change, family = stats::binomial(),
                                     control = stats::glm.control(epsilon = 1e-12, maxit = 100)))
  log_odds <- stats::qlogis(mean(improved))
  mic <- unname((log_odds - stats::coef(fit)[1]) / stats::coef(fit)[2])
  adjusted <- mic - (0.090 + 0.103 * stats::cor(change, as.numeric(improved))) *
    stats::sd(change) * log_odds
  c(predictive = mic, adjusted = adjusted)
}

test_that("method = \"predictive\" and \"adjusted_predictive\": glm() and the formulas", {
  seed <- 71
  for (case in 1:10) {
    set.seed(seed + case)
    n <- sample(c(40, 300, 2000), 1)
    d <- continuous_data(n, seed + case, shift = sample(c(0, 12, 25), 1))
    scale <- sample(c("points", "percent"), 1)
    change <- if (scale == "points") d$change else d$change / d$pre
    info <- sprintf("seed %d, n = %d, %s", seed + case, n, scale)
    if (all(d$anchor) || !any(d$anchor)) next
    expected <- oracle_predictive(change, d$anchor)
    p <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0, method = "predictive",
                       scale = scale, range = c(0, 100))
    a <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0,
                       method = "adjusted_predictive", scale = scale, range = c(0, 100))
    expect_equal(p$estimate, expected[["predictive"]], tolerance = 1e-8, info = info)
    expect_equal(a$estimate, expected[["adjusted"]], tolerance = 1e-8, info = info)
    expect_identical(p$auc, a$auc)
    # half improved: ln(odds) = 0 and the adjustment vanishes
  }
  set.seed(72)
  change <- c(stats::rnorm(50, 10, 8), stats::rnorm(50, 2, 8))
  pre <- rep(60, 100)
  improved <- rep(c(TRUE, FALSE), each = 50)
  p <- estimate_mcid(pre, pre - change, improved, boot = 0, method = "predictive",
                     range = c(-Inf, Inf))
  a <- estimate_mcid(pre, pre - change, improved, boot = 0,
                     method = "adjusted_predictive", range = c(-Inf, Inf))
  expect_equal(a$estimate, p$estimate)
  expect_equal(p$estimate, oracle_predictive(change, improved)[["predictive"]],
               tolerance = 1e-8)
})

test_that("predictive MIC: separated groups give NA with a warning; infinite changes an error", {
  pre <- c(10, 10, 10, 10, 10, 10)
  post <- pre - c(1, 2, 3, 6, 7, 8)
  improved <- c(FALSE, FALSE, FALSE, TRUE, TRUE, TRUE)
  expect_warning(m <- estimate_mcid(pre, post, improved, boot = 20, method = "predictive"),
                 "did not converge", class = "myelorelief_warning")
  expect_identical(m$estimate, NA_real_)
  expect_error(estimate_mcid(c(0, 5, 6), c(1, 3, 2), c(TRUE, FALSE, TRUE),
                             direction = "increase", scale = "percent",
                             method = "predictive", absent_at = Inf),
               "needs finite changes", class = "myelorelief_error")
})

test_that("the predictive MIC's bootstrap interval agrees with a plain-R bootstrap of glm()", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")))
  d <- continuous_data(400, 81)
  set.seed(82)
  m <- estimate_mcid(d$pre, d$post, d$anchor, boot = 1000, method = "predictive",
                     range = c(0, 100))
  set.seed(83)
  plain <- replicate(400, {
    i <- sample.int(400, replace = TRUE)
    oracle_predictive(d$change[i], d$anchor[i])[["predictive"]]
  })
  se <- sqrt(stats::var(m$boot_estimates) / 1000 + stats::var(plain) / 400)
  expect_lt(abs(mean(m$boot_estimates) - mean(plain)), 4 * se)
  expect_lt(abs(stats::sd(m$boot_estimates) / stats::sd(plain) - 1), 0.2)
  q <- stats::quantile(plain, c(0.025, 0.975), names = FALSE)
  expect_lt(max(abs(c(m$lower, m$upper) - q)), stats::sd(plain) / 3)
  expect_true(m$lower < m$estimate && m$estimate < m$upper)
})

test_that("the AUC's bootstrap interval agrees with pROC's ci.auc(method = \"bootstrap\")", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")))
  skip_if_not_installed("pROC")
  d <- continuous_data(300, 91)
  for (stratified in c(TRUE, FALSE)) {
    set.seed(92)
    m <- estimate_mcid(d$pre, d$post, d$anchor, boot = 2000, range = c(0, 100),
                       stratified = stratified)
    r <- pROC::roc(controls = d$change[!d$anchor], cases = d$change[d$anchor],
                   direction = "<", quiet = TRUE)
    set.seed(93)
    ci <- pROC::ci.auc(r, method = "bootstrap", boot.n = 2000,
                       boot.stratified = stratified, progress = "none")
    info <- sprintf("stratified %s: ours %.4f-%.4f, pROC %.4f-%.4f", stratified,
                    m$auc_boot_lower, m$auc_boot_upper, ci[1], ci[3])
    expect_equal(m$auc, as.numeric(pROC::auc(r)), tolerance = 1e-12, info = info)
    # Monte-Carlo error of a 2.5% quantile of 2,000 resamples: ~0.003 here
    expect_lt(abs(m$auc_boot_lower - ci[1]), 0.012, label = info)
    expect_lt(abs(m$auc_boot_upper - ci[3]), 0.012, label = info)
    expect_length(m$boot_auc, 2000)
  }
})

test_that("stratified resamples keep both groups: every resample has a cut-off", {
  set.seed(4)
  pre <- c(5, 6, 7, 8, 9)
  post <- c(1, 5, 6, 7, 8)
  improved <- c(TRUE, FALSE, FALSE, FALSE, FALSE)
  whole <- estimate_mcid(pre, post, improved, boot = 200)
  strat <- estimate_mcid(pre, post, improved, boot = 200, stratified = TRUE)
  expect_lt(whole$boot_used, 200L)
  expect_identical(strat$boot_used, 200L)
  expect_match(paste(format(strat), collapse = "\n"), "200 resamples, stratified")
})

test_that("predictive by patient: threads 1 and 2 agree", {
  d <- continuous_data(2000, 95)
  d$pre <- d$pre + stats::runif(2000)
  run <- function() {
    set.seed(5)
    estimate_mcid(d$pre, d$post, d$anchor, boot = 40, method = "adjusted_predictive",
                  range = c(0, 101))
  }
  old <- myelorelief_threads(1)
  on.exit(myelorelief_threads(old))
  one <- run()
  expect_true(one$boot_by_patient)
  myelorelief_threads(2)
  expect_identical(run(), one)
})

test_that("print, as_rule() and methods_text() name the method", {
  d <- continuous_data(300, 97)
  set.seed(1)
  p <- estimate_mcid(d$pre, d$post, d$anchor, boot = 50, method = "predictive",
                     range = c(0, 100))
  expect_match(format(p)[1], "predictive modelling \\(Terluin 2015\\)")
  rule <- as_rule(p)
  expect_match(rule$origin, "predictive MIC")
  text <- paste(methods_text(list(vas = rule)), collapse = " ")
  expect_match(text, "Terluin")
  a <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0, method = "adjusted_predictive",
                     range = c(0, 100))
  expect_match(format(a)[1], "adjusted for the proportion improved")
  expect_match(paste(methods_text(list(vas = as_rule(a))), collapse = " "),
               "Terluin et al\\. 2017")
  w <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0, best = "weighted",
                     best_weights = c(2, 0.3), range = c(0, 100))
  expect_match(format(w)[1], "weighted Youden's J \\(cost 2, prevalence 0.3\\)")
  expect_match(paste(methods_text(list(vas = as_rule(w))), collapse = " "),
               "Youden index \\(Youden 1950\\) weighted by cost and prevalence")
  c2 <- estimate_mcid(d$pre, d$post, d$anchor, boot = 0, best = "closest_topleft",
                      range = c(0, 100))
  expect_match(paste(methods_text(list(vas = as_rule(c2))), collapse = " "),
               "closest to the top-left")
})

test_that("bad input for the new arguments is an error naming the argument", {
  pre <- c(7, 5, 8, 3, 6, 2)
  post <- c(3, 5, 2, 3, 6, 1)
  flag <- c(TRUE, FALSE, TRUE, FALSE, FALSE, TRUE)
  e <- function(..., pattern) {
    expect_error(estimate_mcid(pre, post, flag, boot = 0, ...), pattern,
                 class = "myelorelief_error")
  }
  e(best = "top-left", pattern = "`best`")
  e(ties = "middle", pattern = "`ties`")
  e(method = "glm", pattern = "`method`")
  e(best = "weighted", best_weights = c(1, 1), pattern = "`best_weights` must be c\\(cost, prevalence\\)")
  e(best = "weighted", best_weights = c(0, 0.5), pattern = "`best_weights`")
  e(best = "weighted", best_weights = "a", pattern = "`best_weights`")
  e(best = "weighted", best_weights = c(1, 0.5, 1), pattern = "`best_weights`")
  e(best_weights = c(2, 0.5), pattern = "best = \"youden\" is the unweighted index")
})
