# estimate_mcid(): oracles written from ?estimate_mcid in plain R, sharing
# no code with the package: a brute-force sweep over every candidate cut-off,
# wilcox.test()'s statistic for the AUC, DeLong's variance from the
# placement values pair by pair, pROC where it is installed, t.test() for the
# mean change, and a replica of the documented resampling draws
# (oracle_sweep() and oracle_lemire() are in helper-mcid.R).

# DeLong et al. (1988), from the definition: placement values pair by pair.
oracle_delong <- function(x1, x0) {
  psi <- outer(x1, x0, function(a, b) (a > b) + 0.5 * (a == b))
  auc <- mean(psi)
  v10 <- rowMeans(psi)
  v01 <- colMeans(psi)
  list(auc = auc, var = stats::var(v10) / length(x1) + stats::var(v01) / length(x0))
}

# The change as ?estimate_mcid defines it (no round-off in these data).
oracle_change <- function(pre, post, direction, scale) {
  change <- if (direction == "decrease") pre - post else post - pre
  if (scale == "percent") change <- ifelse(change == 0, 0, change / abs(pre))
  change
}

random_anchor_data <- function(n, direction = "decrease") {
  pre <- sample(0:10, n, replace = TRUE)
  post <- sample(0:10, n, replace = TRUE)
  if (direction == "increase") {
    pre <- round(stats::rexp(n, 1 / 200))
    post <- round(stats::rexp(n, 1 / 250))
  }
  change <- if (direction == "decrease") pre - post else post - pre
  p <- stats::plogis((change - stats::median(change)) / stats::sd(c(change, 1, -1)) * 2)
  anchor <- factor(ifelse(stats::runif(n) < p,
                          sample(c("much better", "a little better"), n, TRUE),
                          sample(c("about the same", "worse"), n, TRUE)),
                   levels = c("worse", "about the same", "a little better",
                              "much better"))
  list(pre = pre, post = post, anchor = anchor)
}

improved_levels <- c("a little better", "much better")

test_that("the sweep equals a brute-force sweep over every cut-off", {
  seed <- 1212
  set.seed(seed)
  for (case in seq_len(n_cases(40))) {
    direction <- sample(c("decrease", "increase"), 1)
    scale <- sample(c("points", "percent"), 1)
    n <- sample(c(2:10, 50, 300), 1)
    d <- random_anchor_data(n, direction)
    info <- sprintf("seed %d, case %d: %s, %s, n = %d", seed, case, direction, scale, n)
    used <- if (direction == "decrease") d$pre > 0 else rep(TRUE, n)
    change <- oracle_change(d$pre, d$post, direction, scale)[used]
    improved <- (d$anchor %in% improved_levels)[used]
    expected <- oracle_sweep(change, improved)
    m <- suppressWarnings(estimate_mcid(d$pre, d$post, d$anchor, improved_levels,
                                        direction = direction, scale = scale,
                                        boot = 0))
    expect_equal(m$roc$cutoff, expected$cutoff, info = info)
    expect_equal(m$roc$sensitivity, expected$sensitivity, info = info)
    expect_equal(m$roc$specificity, expected$specificity, info = info)
    expect_equal(m$roc$youden, expected$youden, info = info)
    expect_equal(m$roc$improved, as.numeric(table(factor(change[improved], expected$cutoff))),
                 info = info)
    expect_identical(m$estimate, if (is.na(expected$best)) NA_real_ else as.double(expected$estimate),
                     info = info)
    if (!is.na(expected$best)) {
      expect_equal(m$youden, expected$youden[expected$best], info = info)
      expect_equal(m$sensitivity, expected$sensitivity[expected$best], info = info)
      expect_equal(m$specificity, expected$specificity[expected$best], info = info)
    }
    expect_equal(unname(m$counts[c("used", "improved", "not_improved")]),
                 c(sum(used), sum(improved), sum(!improved)), info = info)
  }
})

test_that("the AUC is wilcox.test()'s W / (n1 n0), and its variance DeLong's", {
  seed <- 77
  set.seed(seed)
  for (case in seq_len(n_cases(30))) {
    n <- sample(c(4, 12, 60, 400), 1)
    d <- random_anchor_data(n)
    used <- d$pre > 0
    change <- (d$pre - d$post)[used]
    improved <- (d$anchor %in% improved_levels)[used]
    if (sum(improved) < 2 || sum(!improved) < 2) next
    info <- sprintf("seed %d, case %d", seed, case)
    m <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0,
                       conf_level = 0.9)
    w <- suppressWarnings(stats::wilcox.test(change[improved], change[!improved],
                                             exact = FALSE))$statistic
    expect_equal(m$auc, unname(w) / (sum(improved) * sum(!improved)), info = info)
    dl <- oracle_delong(change[improved], change[!improved])
    z <- stats::qnorm(0.95)
    expect_equal(m$auc_lower, max(0, dl$auc - z * sqrt(dl$var)), info = info)
    expect_equal(m$auc_upper, min(1, dl$auc + z * sqrt(dl$var)), info = info)
  }
})

test_that("pROC agrees: AUC, DeLong interval, and the best cut-off", {
  skip_if_not_installed("pROC")
  seed <- 2024
  set.seed(seed)
  for (case in seq_len(n_cases(15))) {
    n <- sample(c(20, 80, 500), 1)
    d <- random_anchor_data(n)
    used <- d$pre > 0
    change <- (d$pre - d$post)[used]
    improved <- (d$anchor %in% improved_levels)[used]
    if (sum(improved) < 2 || sum(!improved) < 2) next
    info <- sprintf("seed %d, case %d", seed, case)
    m <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0)
    r <- pROC::roc(controls = change[!improved], cases = change[improved],
                   direction = "<", quiet = TRUE)
    expect_equal(m$auc, as.numeric(pROC::auc(r)), info = info)
    ci <- as.numeric(pROC::ci.auc(r, method = "delong"))
    expect_equal(c(m$auc_lower, m$auc_upper), ci[c(1, 3)], info = info)
    best <- pROC::coords(r, "best", best.method = "youden",
                         ret = c("threshold", "sensitivity", "specificity"))
    # pROC's thresholds lie between observed values; ours is the smallest
    # observed change above the lowest best threshold
    lowest <- best[which.min(best$threshold), ]
    expect_equal(m$estimate, min(change[change > lowest$threshold]), info = info)
    expect_equal(m$sensitivity, lowest$sensitivity, info = info)
    expect_equal(m$specificity, lowest$specificity, info = info)
  }
})

test_that("ties: between cut-offs the smallest wins, within a change half counts", {
  # improved fall 2, 4, 1; the others 1, 4, 0: J = 1/3 at cut-offs 1
  # (sensitivity 1, specificity 1/3) and 2 (2/3, 2/3); the smaller wins
  pre <- c(5, 5, 6, 7, 5, 5)
  post <- c(4, 3, 2, 3, 5, 4)       # falls 1, 2, 4, 4, 0, 1
  better <- c(FALSE, TRUE, TRUE, FALSE, FALSE, TRUE)
  m <- estimate_mcid(pre, post, better, boot = 0)
  expect_identical(m$roc$cutoff, c(0, 1, 2, 4))
  expect_equal(m$roc$youden, c(0, 1/3, 1/3, 0))
  expect_identical(m$estimate, 1)
  # 2 beats 1 and 0; 4 ties 4, beats 1 and 0; 1 ties 1, beats 0: 6 / 9
  expect_equal(m$auc, 6 / 9)
  w <- stats::wilcox.test(c(2, 4, 1), c(1, 4, 0), exact = FALSE)$statistic
  expect_equal(m$auc, unname(w) / 9)
  # decimal round-off: 7 - 4.9 and 3 - 0.9 are one cut-off of 2.1
  m2 <- estimate_mcid(c(7, 3, 5, 6), c(4.9, 0.9, 5, 6), c(TRUE, TRUE, FALSE, FALSE),
                      boot = 0, range = c(0, 10))
  expect_identical(nrow(m2$roc), 2L)
  expect_equal(m2$estimate, 2.1)
  expect_identical(m2$roc$improved, c(0, 2))
  # a change within round-off of 0 is no change
  m3 <- estimate_mcid(c(0.3, 0.1 + 0.2, 1), c(0.1 + 0.2, 0.3, 0.5),
                      c(FALSE, FALSE, TRUE), boot = 0, absent_at = -1)
  expect_identical(m3$roc$cutoff, c(0, 0.5))
})

test_that("degenerate groups: all improved, none improved, one patient, nobody", {
  expect_warning(all <- estimate_mcid(c(5, 6, 7), c(2, 6, 1), rep(TRUE, 3), boot = 10),
                 "Every patient used \\(3\\) is improved", class = "myelorelief_warning")
  expect_identical(all$estimate, NA_real_)
  expect_identical(all$auc, NA_real_)
  expect_null(all$rule)
  expect_identical(all$roc$sensitivity, c(1, 2/3, 1/3))
  expect_true(all(is.na(all$roc$specificity)))
  expect_error(as_rule(all), "no estimate", class = "myelorelief_error")
  expect_warning(none <- estimate_mcid(c(5, 6, 7), c(2, 6, 1), rep(FALSE, 3), boot = 10),
                 "No patient used \\(3\\) is improved", class = "myelorelief_warning")
  expect_identical(none$estimate, NA_real_)
  expect_identical(none$boot_used, 0L)
  expect_warning(one <- estimate_mcid(5, 2, TRUE, boot = 10), "Every patient used \\(1\\)")
  expect_identical(one$counts[["used"]], 1)
  expect_warning(nobody <- estimate_mcid(c(0, NA), c(3, 2), c(TRUE, FALSE)),
                 "No patient has both values", class = "myelorelief_warning")
  expect_identical(nobody$roc$cutoff, numeric(0))
  expect_identical(nobody$estimate, NA_real_)
  expect_snapshot(print(suppressWarnings(estimate_mcid(c(5, 6, 7), c(2, 6, 1), rep(TRUE, 3)))))
  # one in each group: J is 1 or 0, the interval of the AUC is not estimable
  m <- estimate_mcid(c(5, 6), c(2, 6), c(TRUE, FALSE), boot = 0)
  expect_identical(m$estimate, 3)
  expect_identical(m$auc, 1)
  expect_identical(m$auc_lower, NA_real_)
  m0 <- estimate_mcid(c(5, 6), c(2, 3), c(TRUE, FALSE), boot = 0)   # both fall 3
  expect_identical(m0$youden, 0)
  expect_null(m0$rule)
  expect_error(as_rule(m0), "Youden's J is 0", class = "myelorelief_error")
})

test_that("patients left out are counted, each once, by its first reason", {
  pre <- c(NA, 5, 0, 0, 7, 8, 6, NA, 5, 9)
  post <- c(3, NA, 2, 0, 4, 8, 1, NA, 5, 2)
  anchor <- factor(c(NA, NA, "yes", NA, "yes", NA, "no", "no", NA, "yes"),
                   levels = c("no", "yes"))
  m <- estimate_mcid(pre, post, anchor, "yes", boot = 0)
  expect_identical(m$counts, c(patients = 10, missing_value = 3, absent = 2,
                               missing_anchor = 2, used = 3, improved = 2,
                               not_improved = 1))
  # a factor's NA level is a missing anchor too
  with_na_level <- addNA(anchor)
  m2 <- estimate_mcid(pre, post, with_na_level, "yes", boot = 0)
  expect_identical(m2$counts, m$counts)
  expect_identical(m2$roc, m$roc)
  expect_snapshot(print(m))
})

test_that("the anchor as factor, ordered, character, numeric or logical: one answer", {
  set.seed(5)
  d <- random_anchor_data(200)
  d$anchor[sample(200, 10)] <- NA
  ref <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0)
  codes <- as.integer(d$anchor)
  forms <- list(
    ordered = list(factor(d$anchor, levels(d$anchor), ordered = TRUE), improved_levels),
    character = list(as.character(d$anchor), improved_levels),
    integer = list(codes, 3:4),
    double = list(codes + 0.5, c(3.5, 4.5)),
    logical = list(codes >= 3, TRUE),
    reversed_logical = list(codes < 3, FALSE),
    factor_improved = list(d$anchor, factor(improved_levels)))
  for (name in names(forms)) {
    m <- estimate_mcid(d$pre, d$post, forms[[name]][[1]], forms[[name]][[2]], boot = 0)
    expect_identical(m$roc, ref$roc, info = name)
    expect_identical(m$estimate, ref$estimate, info = name)
    expect_identical(m$counts, ref$counts, info = name)
  }
  # logical anchor: improved defaults to TRUE
  expect_identical(estimate_mcid(d$pre, d$post, codes >= 3, boot = 0)$roc, ref$roc)
})

test_that("permutation and scale: the same answer", {
  seed <- 99
  set.seed(seed)
  for (case in seq_len(n_cases(10))) {
    d <- random_anchor_data(150)
    info <- sprintf("seed %d, case %d", seed, case)
    ref <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0)
    refp <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0,
                          scale = "percent")
    o <- sample(150)
    m <- estimate_mcid(d$pre[o], d$post[o], d$anchor[o], improved_levels, boot = 0)
    expect_identical(m$roc, ref$roc, info = info)
    expect_identical(m$auc, ref$auc, info = info)
    for (k in c(-3, 2)) {
      f <- 10^k
      ms <- estimate_mcid(d$pre * f, d$post * f, d$anchor, improved_levels,
                          boot = 0, range = c(0, 10 * f))
      expect_equal(ms$estimate, ref$estimate * f, info = info)
      expect_equal(ms$roc$sensitivity, ref$roc$sensitivity, info = info)
      expect_equal(ms$auc, ref$auc, info = info)
      mp <- estimate_mcid(d$pre * f, d$post * f, d$anchor, improved_levels,
                          boot = 0, range = c(0, 10 * f), scale = "percent")
      expect_equal(mp$estimate, refp$estimate, info = info)
      expect_equal(mp$roc$youden, refp$roc$youden, info = info)
    }
  }
})

# The documented resampling, replicated: a chain of rbinom() over the cells
# (group order, improved before other; stratified, one chain per class)
# with R's own generator; or, patient by patient, the seed drawn from R's
# generator (two uniform 32-bit words, as sample.int(2^32, 2, TRUE) - 1
# draws them) and resample b's positions from stream b - 1 of that seed of
# the private generator (its exactness tested in test-mcid-rng.R), over the
# patients laid out improved first, each class in group order; then the
# brute-force Youden cut-off of the resample.
oracle_boot <- function(change, improved, boot, by_patient, stratified = FALSE) {
  cut <- sort(unique(change))
  n <- length(change)
  n1 <- as.numeric(table(factor(change[improved], cut)))
  n0 <- as.numeric(table(factor(change[!improved], cut)))
  k <- length(cut)
  if (by_patient) seed <- sample.int(2^32, 2, replace = TRUE) - 1
  vapply(seq_len(boot), function(b) {
    c1 <- numeric(k)
    c0 <- numeric(k)
    if (by_patient) {
      layout_group <- c(rep(seq_len(k), n1), rep(seq_len(k), n0))
      layout_improved <- rep(c(TRUE, FALSE), c(sum(n1), sum(n0)))
      if (stratified) {
        # n1 draws below n1, then n0 below n0 (after n1), from one stream
        m1 <- sum(n1)
        m0 <- sum(n0)
        p <- c(.Call(myelorelief:::C_mcid_rng, seed, b - 1, m1, m1)$bounded,
               m1 + oracle_below_after(seed, b - 1, m1, m0)) + 1
      } else {
        p <- .Call(myelorelief:::C_mcid_rng, seed, b - 1, n, n)$bounded + 1
      }
      c1 <- tabulate(layout_group[p[layout_improved[p]]], k)
      c0 <- tabulate(layout_group[p[!layout_improved[p]]], k)
    } else {
      chains <- if (stratified) list(TRUE, FALSE) else list(c(TRUE, FALSE))
      for (classes in chains) {
        left <- sum(c(n1, n0)[rep(c(TRUE, FALSE), each = k) %in% classes])
        pool <- left
        for (g in seq_len(k)) for (cls in c(TRUE, FALSE)) {
          if (!cls %in% classes) next
          m <- if (cls) n1[g] else n0[g]
          if (m == 0 || left == 0) next
          x <- if (m >= pool) left else stats::rbinom(1, left, m / pool)
          if (cls) c1[g] <- x else c0[g] <- x
          left <- left - x
          pool <- pool - m
        }
      }
    }
    resample <- rep(c(cut, cut), c(c1, c0))
    label <- rep(c(TRUE, FALSE), c(sum(c1), sum(c0)))
    s <- oracle_sweep(resample, label)
    if (is.na(s$best)) NA_real_ else s$estimate
  }, numeric(1))
}

# m0 draws below m0 from the stream after m1 draws below m1: the bounded
# draw from the upper 32 bits of each output, by Lemire's rule in exact
# double arithmetic (oracle_lemire()).
oracle_below_after <- function(seed, stream, m1, m0) {
  if (m0 == 0) return(numeric())
  high <- .Call(myelorelief:::C_mcid_rng, seed, stream, 4 * (m1 + m0) + 64, 0)$high
  draws <- oracle_lemire(high, c(rep(m1, m1), rep(m0, m0)))
  draws[m1 + seq_len(m0)]
}

test_that("bootstrap resamples equal the documented draws, both ways, whole or stratified", {
  seed <- 31
  for (stratified in c(FALSE, TRUE)) for (by_patient in c(FALSE, TRUE)) {
    for (case in 1:4) {
      set.seed(seed + case)
      n <- sample(c(5, 30, 120), 1)
      change <- sample(c(-2, 0, 1, 2, 3, 5, 8), n, replace = TRUE) +
        if (by_patient) stats::runif(n) else 0
      improved <- stats::runif(n) < stats::plogis(change - 2)
      info <- sprintf("seed %d, by_patient %s, stratified %s, n = %d", seed + case,
                      by_patient, stratified, n)
      if (!any(improved) || all(improved)) next
      state <- .Random.seed
      got <- .Call(myelorelief:::C_mcid_roc, as.double(change), improved, 25,
                   by_patient, stratified, c(0, 1, 0, 0))
      after <- .Random.seed
      assign(".Random.seed", state, envir = globalenv())
      expected <- oracle_boot(change, improved, 25, by_patient, stratified)
      expect_identical(got$boot, expected, info = info)
      expect_identical(got$by_patient, by_patient, info = info)
      # the generator is left where the oracle left it
      expect_identical(after, .Random.seed, info = info)
    }
  }
})

test_that("patient draws: cells of any size, and spilled byte counts, give the documented resample", {
  # Each patient's draws in a resample are counted in a byte that spills
  # into its cell at `spill_at` (255; a 5th option, for tests, lowers it),
  # and the cells are summed from those bytes by size: up to 8, 9 to 254,
  # and 255 or more patients per cell take different paths in C.
  heavy <- identical(Sys.getenv("MYELORELIEF_MEMCHECK"), "")
  for (case in 1:(if (heavy) 6 else 2)) {
    seed <- 700 + case
    set.seed(seed)
    n <- c(40, 700, 1500)[(case - 1) %% 3 + 1]
    # a few crowded changes (cells of hundreds of patients) and a tail of
    # distinct ones
    crowded <- sample(0:(if (n > 1000) 1 else 3), n, replace = TRUE)
    change <- ifelse(stats::runif(n) < 0.7, crowded, stats::runif(n, -2, 6))
    improved <- stats::runif(n) < stats::plogis(change - 1.5)
    for (stratified in c(FALSE, TRUE)) for (spill in c(1, 2, 7, 255)) {
      info <- sprintf("seed %d, n = %d, stratified %s, spill_at %d", seed, n,
                      stratified, spill)
      set.seed(seed)
      got <- .Call(myelorelief:::C_mcid_roc, as.double(change), improved, 20,
                   TRUE, stratified, c(0, 1, 0, 0, spill))
      set.seed(seed)
      expected <- oracle_boot(change, improved, 20, TRUE, stratified)
      expect_identical(got$boot, expected, info = info)
    }
  }
})

test_that("patient draws: the one-pass sweep equals folding the counts first, for every criterion", {
  # Without the predictive MICs the resamples' cells are summed inside the
  # sweep; with them, folded into counts first and swept by the code of
  # the full sample. Same seed, same draws: the cut-offs and AUCs must be
  # identical, for Youden's J, closeness to (0, 1) and the weighted J,
  # ties to the smallest or the largest cut-off, spilled or not.
  for (case in 1:3) {
    seed <- 800 + case
    set.seed(seed)
    n <- c(60, 400, 1200)[case]
    change <- round(stats::rnorm(n, 1, 2), c(0, 1, 2)[case])
    improved <- stats::runif(n) < stats::plogis(change - 1)
    for (criterion in 0:2) for (largest in 0:1) for (stratified in c(FALSE, TRUE)) {
      spill <- if (case == 1) 2 else 255
      info <- sprintf("seed %d, n = %d, criterion %d, largest %d, stratified %s",
                      seed, n, criterion, largest, stratified)
      run <- function(predictive) {
        set.seed(seed)
        .Call(myelorelief:::C_mcid_roc, as.double(change), improved, 15, TRUE,
              stratified, c(criterion, 1.7, largest, predictive, spill))
      }
      one_pass <- run(0)
      folded <- run(1)
      expect_identical(one_pass$boot, folded$boot, info = info)
      expect_identical(one_pass$boot_auc, folded$boot_auc, info = info)
      expect_true(all(is.na(one_pass$boot_predictive)), info = info)
    }
  }
})

test_that("the bootstrap interval: reproducible, percentile of the resampled cut-offs", {
  set.seed(8)
  d <- random_anchor_data(300)
  set.seed(1)
  a <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 300)
  set.seed(1)
  b <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 300)
  expect_identical(a, b)
  expect_length(a$boot_estimates, 300)
  expect_true(all(a$boot_estimates %in% a$roc$cutoff))
  q <- stats::quantile(a$boot_estimates, c(0.025, 0.975), type = 1, names = FALSE)
  expect_identical(c(a$lower, a$upper), q)
  expect_identical(a$boot_used, 300L)
  # boot = 0 leaves the generator alone
  set.seed(3)
  before <- .Random.seed
  m0 <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0)
  expect_identical(.Random.seed, before)
  expect_identical(c(m0$lower, m0$upper), c(NA_real_, NA_real_))
  # tiny groups: some resamples have no improved patient and are left out
  set.seed(4)
  tiny <- estimate_mcid(c(5, 6, 7, 8, 9), c(1, 5, 6, 7, 8), c(TRUE, FALSE, FALSE, FALSE, FALSE),
                        boot = 200)
  expect_lt(tiny$boot_used, 200L)
  expect_identical(tiny$boot_used, sum(!is.na(tiny$boot_estimates)))
  expect_match(paste(format(tiny), collapse = "\n"), "without both groups left out")
})

test_that("method = \"mean_change\": the mean in the minimal category with t.test()'s interval", {
  set.seed(6)
  d <- random_anchor_data(250)
  d$anchor[1:5] <- NA
  for (scale in c("points", "percent")) {
    m <- estimate_mcid(d$pre, d$post, d$anchor, method = "mean_change",
                       minimal = "a little better", scale = scale, conf_level = 0.9)
    used <- d$pre > 0 & !is.na(d$anchor)
    change <- oracle_change(d$pre, d$post, "decrease", scale)[used]
    minimal <- d$anchor[used] == "a little better"
    t <- stats::t.test(change[minimal], conf.level = 0.9)
    expect_equal(m$estimate, mean(change[minimal]), info = scale)
    expect_equal(c(m$lower, m$upper), as.numeric(t$conf.int), info = scale)
    expect_identical(m$interval, "t")
    expect_equal(m$categories$n, as.numeric(table(d$anchor[used])))
    expect_equal(m$categories$mean,
                 as.numeric(tapply(change, d$anchor[used], mean)), info = scale)
    expect_equal(m$categories$sd, as.numeric(tapply(change, d$anchor[used], stats::sd)))
    expect_identical(m$categories$minimal, c(FALSE, FALSE, TRUE, FALSE))
    expect_equal(m$counts[["minimal"]], sum(minimal))
  }
  # two categories together; one patient: no interval; none: NA with a warning
  m2 <- estimate_mcid(d$pre, d$post, d$anchor, method = "mean_change",
                      minimal = improved_levels)
  used <- d$pre > 0 & !is.na(d$anchor)
  expect_equal(m2$estimate, mean((d$pre - d$post)[used & d$anchor %in% improved_levels]))
  one <- estimate_mcid(c(5, 6, 7), c(2, 6, 1), c("a", "b", "b"), method = "mean_change",
                       minimal = "a")
  expect_identical(one$estimate, 3)
  expect_identical(one$lower, NA_real_)
  expect_warning(none <- estimate_mcid(c(0, 6, 7), c(2, 6, 1), c("a", "b", "b"),
                                       method = "mean_change", minimal = "a"),
                 "No patient used is in the minimal category")
  expect_identical(none$estimate, NA_real_)
  expect_error(estimate_mcid(c(100, 200), c(Inf, 300), c("a", "a"), direction = "increase",
                             method = "mean_change", minimal = "a"),
               "needs finite changes, but 1 patient in the minimal category has an infinite change",
               class = "myelorelief_error")
  expect_snapshot(print(m2))
})

test_that("as_rule() and $rule: the estimate as an ordinary alleviation rule", {
  set.seed(9)
  d <- random_anchor_data(300)
  m <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0)
  expect_gt(m$estimate, 0)
  rule <- as_rule(m, range = c(0, 10), label = "LBP")
  expect_identical(rule$min_change, m$estimate)
  expect_identical(rule$worsen_change, m$estimate)
  expect_identical(rule$min_relative, NA_real_)
  expect_identical(rule$range, c(0, 10))
  expect_identical(rule$label, "LBP")
  expect_match(rule$origin, "ROC cut-off with the largest Youden's J")
  expect_true(myelorelief:::rule_is_intact(rule))
  expect_identical(m$rule, as_rule(m))
  expect_identical(m$rule$range, c(0, Inf))
  # the rule classifies as the cut-off says: alleviated exactly when the
  # fall reaches the estimate
  classes <- classify_alleviation(d$pre, d$post, rule)
  used <- d$pre > 0
  expect_identical(classes[used] == "alleviated", (d$pre - d$post)[used] >= m$estimate)
  # percent: min_relative
  mp <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0, scale = "percent")
  rp <- as_rule(mp)
  expect_identical(rp$min_relative, mp$estimate)
  expect_identical(rp$min_change, NA_real_)
  relative <- ((d$pre - d$post) / d$pre)[used]
  expect_identical(classify_alleviation(d$pre, d$post, rp)[used] == "alleviated",
                   relative >= mp$estimate)
  # mean change
  mm <- estimate_mcid(d$pre, d$post, d$anchor, method = "mean_change", minimal = "much better")
  expect_identical(as_rule(mm)$min_change, mm$estimate)
  expect_match(as_rule(mm)$origin, "mean change of the")
  # increase direction keeps absent_at
  walk <- estimate_mcid(c(100, 200, 300, 150), c(300, 210, Inf, 140),
                        c(TRUE, FALSE, TRUE, FALSE), direction = "increase",
                        absent_at = 500, range = c(0, Inf), boot = 0)
  expect_identical(as_rule(walk)$absent_at, 500)
  expect_identical(as_rule(walk)$direction, "increase")
  # no rule from a non-positive or infinite estimate
  neg <- estimate_mcid(c(5, 5, 5, 5), c(6, 7, 6, 8), c(TRUE, FALSE, TRUE, FALSE), boot = 0)
  expect_lte(neg$estimate, 0)
  expect_error(as_rule(neg), "not an improvement", class = "myelorelief_error")
  inf <- estimate_mcid(c(100, 200, 300), c(Inf, 210, 290), c(TRUE, FALSE, FALSE),
                       direction = "increase", boot = 0)
  expect_identical(inf$estimate, Inf)
  expect_error(as_rule(inf), "infinite", class = "myelorelief_error")
  expect_error(as_rule(m, range = c(0, 5)), NA)
  expect_error(as_rule(m, range = c(5, 0)), "`range`", class = "myelorelief_error")
  expect_error(as_rule(m, label = 1), "`label`", class = "myelorelief_error")
  expect_error(as_rule(m, min_change = 2), "as_rule\\(\\) takes `range` and `label`",
               class = "myelorelief_error")
  expect_error(as_rule(list()), "`x` must be an estimate from estimate_mcid()",
               class = "myelorelief_error")
})

test_that("print(), format(), as.data.frame() and plot()", {
  set.seed(10)
  d <- random_anchor_data(200)
  set.seed(11)
  m <- estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 200)
  expect_snapshot(print(m))
  expect_identical(format(m), withr_width(200, capture.output(print(m))))
  expect_output(expect_invisible(print(m)), "bootstrap percentile interval")
  row <- as.data.frame(m)
  expect_identical(nrow(row), 1L)
  expect_identical(row$estimate, m$estimate)
  expect_identical(c(row$estimate_lower, row$estimate_upper), c(m$lower, m$upper))
  expect_false(any(c("lower", "upper") %in% names(row)))
  expect_identical(row$auc_lower, m$auc_lower)
  lines <- withr_width(60, capture.output(print(m)))
  expect_true(all(nchar(lines) <= 60))
  expect_identical(row$used, m$counts[["used"]])
  expect_identical(row$minimal, NA_real_)
  expect_identical(as.data.frame(m, what = "roc"), m$roc)
  expect_error(as.data.frame(m, what = "categories"), "no category table",
               class = "myelorelief_error")
  expect_error(as.data.frame(m, what = "x"), "`what`", class = "myelorelief_error")
  mm <- estimate_mcid(d$pre, d$post, d$anchor, method = "mean_change", minimal = "a little better")
  expect_identical(as.data.frame(mm, what = "categories"), mm$categories)
  expect_error(as.data.frame(mm, what = "roc"), "no ROC table", class = "myelorelief_error")
  both <- rbind(as.data.frame(m), as.data.frame(mm))
  expect_identical(both$method, c("roc", "mean_change"))

  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  on.exit({
    grDevices::dev.off()
    unlink(path)
  })
  expect_invisible(plot(m))
  expect_invisible(plot(mm))
  expect_invisible(plot(estimate_mcid(d$pre, d$post, d$anchor, improved_levels, boot = 0,
                                      scale = "percent"), main = "percent"))
  expect_error(plot(suppressWarnings(estimate_mcid(5, 2, TRUE))), "Nothing to plot",
               class = "myelorelief_error")
})

test_that("bad input is an error naming the argument", {
  pre <- c(7, 5, 8, 3, 6, 2)
  post <- c(3, 5, 2, 3, 6, 1)
  anchor <- factor(c("yes", "no", "yes", "no", "no", "yes"))
  ok <- function(...) estimate_mcid(pre, post, anchor, "yes", boot = 0, ...)
  expect_s3_class(ok(), "mcid")
  expect_error(estimate_mcid("a", post, anchor, "yes"), "`pre` must be a numeric vector",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post[-1], anchor, "yes"), "`post` must have the same length as `pre`",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor[-1], "yes"), "`anchor` must have one value per patient \\(6\\), not 5",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, as.Date("2020-01-01") + 1:6, "yes"), "`anchor` must be a factor",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, matrix(TRUE, 6, 1)), "`anchor` must be a factor",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, "Yes"),
               "`improved` names a level not in `anchor`: \"Yes\". The levels are: \"no\", \"yes\"",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, as.character(anchor), c("yes", "maybe")),
               "`improved` names a level not in `anchor`: \"maybe\"", class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, 1), "`improved` must name levels of `anchor`",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor), "`improved` is missing",
               class = "myelorelief_error")
  for (bad in list(NA, "yes", c(TRUE, FALSE), 1)) {
    expect_error(ok(stratified = bad), "`stratified` must be TRUE or FALSE",
                 class = "myelorelief_error")
  }
  expect_error(estimate_mcid(pre, post, anchor == "yes", "yes"), "`improved` must be TRUE or FALSE",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, as.integer(anchor), "2"), "`improved` must be numbers",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, NA_character_), "`improved`",
               class = "myelorelief_error")
  expect_error(ok(minimal = "yes"), "`minimal` is for method = \"mean_change\"",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, "yes", method = "mean_change", minimal = "yes"),
               "`improved` is for the ROC and predictive methods", class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, method = "mean_change"), "`minimal` is missing",
               class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, method = "mean_change", minimal = "nope"),
               "`minimal` names a level not in `anchor`", class = "myelorelief_error")
  expect_error(ok(direction = "down"), "`direction`", class = "myelorelief_error")
  expect_error(ok(scale = "ratio"), "`scale`", class = "myelorelief_error")
  expect_error(estimate_mcid(pre, post, anchor, "yes", method = "anchor"), "`method`",
               class = "myelorelief_error")
  expect_error(ok(conf_level = 95), "`conf_level`", class = "myelorelief_error")
  for (b in list(-1, 1.5, NA, "10", c(1, 2), Inf, 1e7, TRUE)) {
    expect_error(estimate_mcid(pre, post, anchor, "yes", boot = b), "`boot` must be a whole number",
                 class = "myelorelief_error", info = format(b))
  }
  expect_error(ok(range = c(0, 5)), "`pre` is 7 at position 1, outside the rule's range \\[0, 5\\]",
               class = "myelorelief_error")
  expect_error(ok(range = c(5, 0)), "`range`", class = "myelorelief_error")
  expect_error(ok(absent_at = "0"), "`absent_at`", class = "myelorelief_error")
  expect_error(estimate_mcid(c(1, Inf), c(1, 2), c(TRUE, FALSE)), "`pre` is Inf at position 2",
               class = "myelorelief_error")
  # absent_at at the top: everybody absent is a warning, not an error
  expect_warning(ok(absent_at = 100), "No patient")
  err <- tryCatch(ok(range = c(0, 5)), error = identity)
  expect_identical(as.character(conditionCall(err)[[1]]), "estimate_mcid")
})
