# compare_rates(): oracles are stats::mantelhaen.test(), stats::fisher.test(),
# prop.test() and plain-R formulas written here from the papers, stratum by
# stratum, sharing no code with the package.

# A cohort with, per stratum k, a[k] of n1[k] alleviated in arm "treated" and
# c[k] of n0[k] in arm "control" (lower back pain only; `absent` more
# patients per stratum and arm without the symptom).
trial_table <- function(a, n1, c, n0, absent = 0, arm_levels = c("control", "treated"),
                        ...) {
  K <- length(a)
  rows <- lapply(seq_len(K), function(k) {
    arm <- c(rep("treated", n1[k] + absent), rep("control", n0[k] + absent))
    alleviated <- c(rep(TRUE, a[k]), rep(FALSE, n1[k] - a[k]), rep(NA, absent),
                    rep(TRUE, c[k]), rep(FALSE, n0[k] - c[k]), rep(NA, absent))
    data.frame(arm = arm, centre = rep(sprintf("c%03d", k), length(arm)),
               lbp_pre = ifelse(is.na(alleviated), 0, 8),
               lbp_post = ifelse(is.na(alleviated), 0, ifelse(alleviated, 2, 8)))
  })
  d <- do.call(rbind, rows)
  d$arm <- factor(d$arm, levels = arm_levels)
  tabulate_cohort(classify_cohort(d, study_rules()["lbp"]), by = c("arm", "centre"), ...)
}

lbp_row <- function(x, analysis = "crude") {
  x[x$symptom == "lbp" & x$analysis == analysis, , drop = FALSE]
}

# Plain-R oracles, one 2 x 2 table at a time
oracle_crude <- function(a, n1, c, n0, conf_level = 0.95) {
  z <- qnorm(1 - (1 - conf_level) / 2)
  b <- n1 - a
  d <- n0 - c
  w1 <- suppressWarnings(prop.test(a, n1, conf.level = conf_level, correct = FALSE)$conf.int)
  w2 <- suppressWarnings(prop.test(c, n0, conf.level = conf_level, correct = FALSE)$conf.int)
  p1 <- a / n1
  p2 <- c / n0
  rd <- p1 - p2
  if (any(c(a, b, c, d) == 0)) {
    a <- a + 0.5; b <- b + 0.5; c <- c + 0.5; d <- d + 0.5
  }
  rr <- (a / (a + b)) / (c / (c + d))
  se_rr <- sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
  or <- a * d / (b * c)
  se_or <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
  c(rd = rd, rd_lower = rd - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
    rd_upper = rd + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2),
    rr = rr, rr_lower = rr * exp(-z * se_rr), rr_upper = rr * exp(z * se_rr),
    or = or, or_lower = or * exp(-z * se_or), or_upper = or * exp(z * se_or))
}

# Mantel-Haenszel risk difference and risk ratio, Q, I^2 and Breslow-Day
# (Tarone) by loops over strata, from the formulas of the papers.
oracle_pooled <- function(a, n1, c, n0, conf_level = 0.95) {
  z <- qnorm(1 - (1 - conf_level) / 2)
  num <- den <- sum_p <- sum_q <- R <- S <- V <- 0
  for (k in seq_along(a)) {
    N <- n1[k] + n0[k]
    if (N == 0) next
    num <- num + (a[k] * n0[k] - c[k] * n1[k]) / N
    den <- den + n1[k] * n0[k] / N
    # Sato, Greenland & Robins (1989), with Rothman's notation
    sum_p <- sum_p + (n1[k]^2 * c[k] - n0[k]^2 * a[k] + n1[k] * n0[k] * (n0[k] - n1[k]) / 2) / N^2
    sum_q <- sum_q + (a[k] * (n0[k] - c[k]) + c[k] * (n1[k] - a[k])) / (2 * N)
    # Greenland & Robins (1985)
    R <- R + a[k] * n0[k] / N
    S <- S + c[k] * n1[k] / N
    V <- V + ((a[k] + c[k]) * n1[k] * n0[k] - a[k] * c[k] * N) / N^2
  }
  rd <- num / den
  se_rd <- sqrt((rd * sum_p + sum_q) / den^2)
  rr <- R / S
  se_rr <- sqrt(V / (R * S))
  or <- NA
  keep <- n1 > 0 & n0 > 0 & a + c > 0 & (n1 - a) + (n0 - c) > 0
  # per-stratum estimates with 0.5 added to every cell of a table with a zero
  # cell; inverse-variance weights
  q_rd <- q_rr <- 0
  bd <- 0
  sum_diff <- sum_var <- 0
  mh_or <- sum((a * (n0 - c) / (n1 + n0))[keep]) / sum(((n1 - a) * c / (n1 + n0))[keep])
  for (k in which(keep)) {
    cells <- c(a[k], n1[k] - a[k], c[k], n0[k] - c[k])
    if (any(cells == 0)) cells <- cells + 0.5
    p1 <- cells[1] / (cells[1] + cells[2])
    p2 <- cells[3] / (cells[3] + cells[4])
    q_rd <- q_rd + (p1 - p2 - rd)^2 /
      (p1 * (1 - p1) / (cells[1] + cells[2]) + p2 * (1 - p2) / (cells[3] + cells[4]))
    q_rr <- q_rr + (log(p1 / p2) - log(rr))^2 /
      (1 / cells[1] - 1 / (cells[1] + cells[2]) + 1 / cells[3] - 1 / (cells[3] + cells[4]))
    # Breslow-Day: the expected count under the common odds ratio, by uniroot
    m1 <- a[k] + c[k]
    lo <- max(0, m1 - n0[k])
    hi <- min(n1[k], m1)
    f <- function(x) x * (n0[k] - m1 + x) - mh_or * (n1[k] - x) * (m1 - x)
    expected <- uniroot(f, c(lo, hi), tol = 1e-13)$root
    v <- 1 / (1 / expected + 1 / (n1[k] - expected) + 1 / (m1 - expected) +
                1 / (n0[k] - m1 + expected))
    bd <- bd + (a[k] - expected)^2 / v
    sum_diff <- sum_diff + a[k] - expected
    sum_var <- sum_var + v
  }
  df <- sum(keep) - 1
  tarone <- bd - sum_diff^2 / sum_var
  c(rd = rd, rd_lower = rd - z * se_rd, rd_upper = rd + z * se_rd,
    rr = rr, rr_lower = rr * exp(-z * se_rr), rr_upper = rr * exp(z * se_rr),
    q_rd = q_rd, q_rd_p = pchisq(q_rd, df, lower.tail = FALSE),
    i2_rd = max(0, (q_rd - df) / q_rd),
    q_rr = q_rr, q_rr_p = pchisq(q_rr, df, lower.tail = FALSE),
    i2_rr = max(0, (q_rr - df) / q_rr),
    breslow_day = tarone, breslow_day_p = pchisq(tarone, df, lower.tail = FALSE),
    heterogeneity_df = df)
}

random_strata <- function(K) {
  n1 <- sample(0:25, K, replace = TRUE)
  n0 <- sample(0:25, K, replace = TRUE)
  p <- runif(1, 0.05, 0.6)
  a <- rbinom(K, n1, p)
  c <- rbinom(K, n0, runif(1, 0.05, 0.6))
  # force the awkward strata in: zero cells, one group only, all and no events
  if (K >= 5) {
    n0[1] <- 0; c[1] <- 0
    a[2] <- 0
    a[3] <- n1[3]; c[3] <- n0[3]
    a[4] <- 0; c[4] <- 0
    c[5] <- n0[5]
  }
  list(a = a, n1 = n1, c = c, n0 = n0)
}

test_that("the pooled odds ratio, its interval and the CMH p match mantelhaen.test(correct = FALSE)", {
  for (i in seq_len(n_cases(40))) {
    seed <- 1000 + i
    set.seed(seed)
    s <- random_strata(sample(5:12, 1))
    informative <- s$n1 > 0 & s$n0 > 0 & s$a + s$c > 0 & s$a + s$c < s$n1 + s$n0
    if (sum(informative) < 2) next
    R <- sum((s$a * (s$n0 - s$c) / (s$n1 + s$n0))[informative])
    S <- sum(((s$n1 - s$a) * s$c / (s$n1 + s$n0))[informative])
    if (R == 0 || S == 0) next
    x <- compare_rates(trial_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre")
    pooled <- lbp_row(x, "Mantel-Haenszel")
    used <- s$n1 + s$n0 >= 2
    counts <- array(rbind(s$a, s$c, s$n1 - s$a, s$n0 - s$c)[, used], c(2, 2, sum(used)))
    mh <- mantelhaen.test(counts, correct = FALSE)
    expect_equal(pooled$or, unname(mh$estimate), tolerance = 1e-8, info = seed)
    expect_equal(c(pooled$or_lower, pooled$or_upper), as.vector(mh$conf.int),
                 tolerance = 1e-8, info = seed)
    expect_equal(pooled$p_value, mh$p.value, tolerance = 1e-8, info = seed)
    expect_equal(pooled$statistic, unname(mh$statistic), tolerance = 1e-8, info = seed)
    expect_identical(pooled$strata_or, sum(informative), info = seed)
    expect_identical(pooled$test, "Cochran-Mantel-Haenszel", info = seed)
  }
})

test_that("pooled RD, RR and the heterogeneity tests match the papers' formulas", {
  for (i in seq_len(n_cases(40))) {
    seed <- 2000 + i
    set.seed(seed)
    s <- random_strata(sample(5:12, 1))
    informative <- s$n1 > 0 & s$n0 > 0 & s$a + s$c > 0 & s$a + s$c < s$n1 + s$n0
    if (sum(informative) < 2 || sum(s$a) == 0 || sum(s$c) == 0) next
    x <- compare_rates(trial_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre")
    pooled <- lbp_row(x, "Mantel-Haenszel")
    expected <- with(s, oracle_pooled(a, n1, c, n0))
    got <- unlist(pooled[names(expected)])
    if (!is.finite(expected[["breslow_day"]])) next
    expect_equal(got, expected, tolerance = 1e-8, info = seed)
    expect_identical(pooled$strata_rd, sum(s$n1 > 0 & s$n0 > 0), info = seed)
    expect_identical(pooled$strata_rr, sum(s$n1 > 0 & s$n0 > 0 & s$a + s$c > 0),
                     info = seed)
  }
})

test_that("crude measures match Newcombe, Katz, Woolf and fisher.test()", {
  for (i in seq_len(n_cases(60))) {
    seed <- 3000 + i
    set.seed(seed)
    n1 <- sample(1:60, 1)
    n0 <- sample(1:60, 1)
    a <- sample(0:n1, 1)
    c <- sample(0:n0, 1)
    if (i %% 7 == 0) a <- 0
    if (i %% 11 == 0) c <- n0
    if (a + c == 0 || a + c == n1 + n0) next
    x <- compare_rates(trial_table(a, n1, c, n0, absent = i %% 3), "arm")
    row <- lbp_row(x)
    expected <- oracle_crude(a, n1, c, n0)
    expect_equal(unlist(row[names(expected)]), expected, tolerance = 1e-9, info = seed)
    expect_identical(row$corrected, any(c(a, n1 - a, c, n0 - c) == 0), info = seed)
    expect_equal(row$p_value, fisher.test(matrix(c(a, c, n1 - a, n0 - c), 2))$p.value,
                 tolerance = 1e-12, info = seed)
    expect_equal(row$nnt, 1 / (a / n1 - c / n0), info = seed)
  }
})

test_that("hand-worked examples from the literature", {
  # Newcombe (1998), example (a): 56/70 against 48/80, difference 0.2000
  # (0.0524 to 0.3339) by the hybrid score method
  row <- lbp_row(compare_rates(trial_table(56, 70, 48, 80), "arm"))
  expect_equal(round(c(row$rd, row$rd_lower, row$rd_upper), 4), c(0.2, 0.0524, 0.3339))
  # Agresti, Categorical Data Analysis (2002), section 2.2: Physicians'
  # Health Study, myocardial infarction with placebo 189/11034 against
  # aspirin 104/11037: odds ratio 1.83 (1.44 to 2.33), relative risk 1.82
  row <- lbp_row(compare_rates(trial_table(189, 11034, 104, 11037), "arm"))
  expect_equal(round(c(row$or, row$or_lower, row$or_upper), 2), c(1.83, 1.44, 2.33))
  expect_equal(round(row$rr, 2), 1.82)
  expect_equal(round(row$rd, 4), 0.0077)
  # Altman (1998): a difference of 9.8% (-4.65% to 23.8%) reads
  # NNTB 10.2 (NNTH 21.5 to infinity to NNTB 4.2)
  nnt <- myelorelief:::nnt_interval(0.098, -0.0465, 0.238)
  expect_equal(round(c(nnt$nnt, nnt$lower, nnt$upper), 1), c(10.2, -21.5, 4.2))
  expect_identical(myelorelief:::format_nnt(nnt$nnt, nnt$lower, nnt$upper),
                   "NNTB 10.2 (NNTH 21.5 to Inf to NNTB 4.2)")
  # an interval that excludes 0, on either side
  nnt <- myelorelief:::nnt_interval(c(0.25, -0.25), c(0.1, -0.5), c(0.5, -0.1))
  expect_identical(myelorelief:::format_nnt(nnt$nnt, nnt$lower, nnt$upper),
                   c("NNTB 4.0 (2.0 to 10.0)", "NNTH 4.0 (2.0 to 10.0)"))
  # a bound at exactly 0: the interval ends at infinity on that side
  nnt <- myelorelief:::nnt_interval(c(0.2, -0.2, 0), c(0, -0.5, -0.1), c(0.5, 0, 0.1))
  expect_identical(myelorelief:::format_nnt(nnt$nnt, nnt$lower, nnt$upper),
                   c("NNTB 5.0 (2.0 to Inf)", "NNTH 5.0 (2.0 to Inf)",
                     "NNT Inf (NNTH 10.0 to Inf to NNTB 10.0)"))
})

test_that("zero cells, all and no events, and one group only", {
  # no events in either group: no ratio, Fisher not informative
  row <- lbp_row(compare_rates(trial_table(0, 10, 0, 12), "arm"))
  expect_true(is.na(row$rr) && is.na(row$or) && !row$corrected)
  expect_identical(row$rd, 0)
  expect_identical(row$test, "not informative")
  expect_identical(row$p_value, 1)   # as fisher.test(); `test` says why
  expect_identical(row$nnt, Inf)
  # every patient alleviated: a risk ratio (corrected), no odds ratio
  row <- lbp_row(compare_rates(trial_table(10, 10, 12, 12), "arm"))
  expect_true(is.na(row$or))
  expect_equal(row$rr, (10.5 / 11) / (12.5 / 13))
  expect_true(row$corrected)
  # one zero cell: 0.5 in every cell
  row <- lbp_row(compare_rates(trial_table(0, 20, 5, 20), "arm"))
  expect_equal(row$or, (0.5 * 15.5) / (20.5 * 5.5))
  expect_output(print(compare_rates(trial_table(0, 20, 5, 20), "arm")),
                "0.5 added to every cell")

  # strata with one group only change no pooled result; strata with no
  # events (or only events) change neither the odds ratio nor its tests
  base <- list(a = c(3, 5, 2), n1 = c(10, 12, 9), c = c(1, 2, 4), n0 = c(11, 10, 8))
  pooled <- function(extra) {
    s <- Map(c, base, extra)
    lbp_row(compare_rates(trial_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre"),
            "Mantel-Haenszel")
  }
  px <- pooled(list(a = NULL, n1 = NULL, c = NULL, n0 = NULL))
  all_measures <- c("rd", "rd_lower", "rd_upper", "rr", "rr_lower", "rr_upper", "or",
                    "or_lower", "or_upper", "statistic", "p_value", "q_rd", "q_rr",
                    "breslow_day", "heterogeneity_df")
  odds <- c("or", "or_lower", "or_upper", "statistic", "p_value", "breslow_day",
            "heterogeneity_df")
  one_group <- pooled(list(a = c(4, 0), n1 = c(7, 0), c = c(0, 3), n0 = c(0, 9)))
  expect_equal(unlist(one_group[all_measures]), unlist(px[all_measures]))
  expect_identical(c(one_group$strata_rd, one_group$strata_rr, one_group$strata_or),
                   c(3L, 3L, 3L))
  no_events <- pooled(list(a = 0, n1 = 5, c = 0, n0 = 6))
  expect_equal(unlist(no_events[c(odds, "rr", "rr_lower", "q_rr")]),
               unlist(px[c(odds, "rr", "rr_lower", "q_rr")]))
  expect_false(isTRUE(all.equal(no_events$rd, px$rd)))   # RD 0 in 11 more patients
  expect_identical(c(no_events$strata_rd, no_events$strata_rr, no_events$strata_or),
                   c(4L, 3L, 3L))
  all_events <- pooled(list(a = 6, n1 = 6, c = 3, n0 = 3))
  expect_equal(unlist(all_events[odds]), unlist(px[odds]))
  expect_identical(c(all_events$strata_rd, all_events$strata_rr, all_events$strata_or),
                   c(4L, 4L, 3L))

  # no stratum with both outcomes: no pooled OR, no CMH test, no interval
  y <- compare_rates(trial_table(c(0, 4), c(5, 4), c(0, 6), c(6, 6)), "arm",
                     strata = "centre")
  p <- lbp_row(y, "Mantel-Haenszel")
  expect_true(is.na(p$or) && is.na(p$p_value) && is.na(p$rd_lower))
  expect_identical(p$rr, 1)                 # all events in stratum 2: variance 0
  expect_true(is.na(p$rr_lower) && is.na(p$rr_upper))
  expect_identical(p$rd, 0)
  expect_identical(p$test, "not informative")
  expect_identical(p$strata_or, 0L)
  # a pooled ratio of 0 has no interval
  y <- compare_rates(trial_table(c(0, 0), c(5, 4), c(2, 3), c(6, 6)), "arm",
                     strata = "centre")
  p <- lbp_row(y, "Mantel-Haenszel")
  expect_identical(c(p$rr, p$or), c(0, 0))
  expect_true(all(is.na(c(p$rr_lower, p$or_upper))))
  expect_output(print(y), "Mantel-Haenszel")
})

test_that("denominator = \"n\" compares shares of all patients", {
  tab <- trial_table(c(3, 5), c(10, 12), c(1, 2), c(11, 10), absent = 4)
  evaluable <- lbp_row(compare_rates(tab, "arm"))
  n <- lbp_row(compare_rates(tab, "arm", denominator = "n"))
  expect_identical(c(evaluable$total, evaluable$ref_total), c(22, 21))
  expect_identical(c(n$total, n$ref_total), c(30, 29))
  expect_equal(n$rd, 8 / 30 - 3 / 29)
  expect_equal(unlist(n[c("rd", "rr", "or")]),
               oracle_crude(8, 30, 3, 29)[c("rd", "rr", "or")])
  # the study's cohort: 35 of 325 patients
  cohort <- classify_cohort(myelography)
  x <- compare_rates(tabulate_cohort(cohort, by = "sex"), "sex", denominator = "n")
  any <- x[x$symptom == "any", ]
  expect_identical(any$events + any$ref_events, 35)
  expect_identical(any$total + any$ref_total, 325)
})

test_that("the any rows are read like any symptom's rows", {
  cohort <- classify_cohort(myelography)
  tab <- tabulate_cohort(cohort, by = c("sex", "hospital"))
  x <- compare_rates(tab, "sex", strata = "hospital")
  rows <- tab[tab$symptom == "any" & tab$sex != "(all)" & tab$hospital != "(all)", ]
  any <- x[x$symptom == "any" & x$analysis == "crude", ]
  expect_identical(any$events, sum(rows$alleviated[rows$sex == "male"]))
  expect_identical(any$total, sum(rows$evaluable[rows$sex == "male"]))
  expect_identical(any$ref_total, sum(rows$evaluable[rows$sex == "female"]))
})

test_that("the result does not depend on chunks, row order, level order or extra strata", {
  cohort <- classify_cohort(myelography)
  whole <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")), "sex",
                         strata = "hospital")
  for (i in seq_len(n_cases(5))) {
    seed <- 4000 + i
    set.seed(seed)
    chunk <- sample(1:3, nrow(cohort), replace = TRUE)
    parts <- lapply(split(seq_len(nrow(cohort)), chunk), function(rows) {
      tabulate_cohort(cohort[rows, ], by = c("sex", "hospital"))
    })
    expect_equal(compare_rates(combine_tables(parts), "sex", strata = "hospital"), whole,
                 info = seed)
    shuffled <- cohort[sample(nrow(cohort)), ]
    expect_equal(compare_rates(tabulate_cohort(shuffled, by = c("sex", "hospital")), "sex",
                               strata = "hospital"), whole, info = seed)
  }
  # hospitals as text in another order: the same pooled results
  cohort$site <- as.character(rev(levels(cohort$hospital))[as.integer(cohort$hospital)])
  by_site <- compare_rates(tabulate_cohort(cohort, by = c("sex", "site")), "sex",
                           strata = "site")
  pooled <- whole$analysis == "Mantel-Haenszel"
  expect_equal(as.data.frame(by_site)[pooled, ], as.data.frame(whole)[pooled, ])
  # another by column is added up
  extra <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital", "diagnosis")),
                         "sex", strata = "hospital")
  expect_equal(as.data.frame(extra), as.data.frame(whole))
  # a reference level, and a missing group
  other <- compare_rates(tabulate_cohort(cohort, by = "sex"), "sex", reference = "male")
  crude <- whole[whole$analysis == "crude", ]
  expect_equal(other$rd, -crude$rd)
  expect_equal(other$or, 1 / crude$or)
  cohort$sex[1:5] <- NA
  x <- compare_rates(tabulate_cohort(cohort, by = "sex"), "sex")
  expect_identical(attr(x, "not_compared"), 5)
  expect_output(print(x), "5 patients with sex missing not compared")
})

test_that("several levels are each compared with the reference", {
  cohort <- classify_cohort(myelography)
  x <- compare_rates(tabulate_cohort(cohort, by = "hospital"), "hospital", reference = "C")
  expect_identical(unique(x$group), c("A", "B", "D"))
  expect_identical(unique(x$reference), "C")
  tab <- tabulate_cohort(cohort, by = "hospital")
  lbp <- tab[tab$symptom == "lbp", ]
  row <- x[x$symptom == "lbp" & x$group == "D", ]
  expect_equal(row$rd, lbp$rate[lbp$hospital == "D"] - lbp$rate[lbp$hospital == "C"])
  # 10^3 strata with two arms: the pooled OR still matches mantelhaen.test()
  set.seed(5)
  K <- 1000
  n1 <- sample(1:6, K, TRUE); n0 <- sample(1:6, K, TRUE)
  a <- rbinom(K, n1, 0.3); c <- rbinom(K, n0, 0.2)
  y <- lbp_row(compare_rates(trial_table(a, n1, c, n0), "arm", strata = "centre"),
               "Mantel-Haenszel")
  mh <- mantelhaen.test(array(rbind(a, c, n1 - a, n0 - c), c(2, 2, K)), correct = FALSE)
  expect_equal(y$or, unname(mh$estimate), tolerance = 1e-8)
  expect_equal(y$p_value, mh$p.value, tolerance = 1e-8)
})

test_that("bad arguments give errors naming them", {
  cohort <- classify_cohort(myelography)
  tab <- tabulate_cohort(cohort, by = c("sex", "hospital"))
  expect_error(compare_rates(cohort, "sex"), "`x` must be an alleviation_table",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "age"), "`group` must name stratum columns",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, c("sex", "hospital")), "`group` must be a single",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, 1), "`group`", class = "myelorelief_error")
  expect_error(compare_rates(tabulate_cohort(cohort), "sex"), "`group`.*tabulate with `by`",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "sex", reference = "other"), "`reference` must be one of",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "sex", reference = c("male", "female")), "`reference`",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "sex", strata = "sex"), "`strata` must not include",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "sex", strata = "diagnosis"), "`strata` must name",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "sex", strata = NA_character_), "`strata`",
               class = "myelorelief_error")
  for (bad in list(0, 1, "a", NA, c(0.9, 0.95))) {
    expect_error(compare_rates(tab, "sex", conf_level = bad), "`conf_level`",
                 class = "myelorelief_error")
  }
  expect_error(compare_rates(tab, "sex", denominator = "all"), "`denominator`",
               class = "myelorelief_error")
  # one level with patients: nothing to compare; a reference without patients
  women <- tabulate_cohort(cohort[cohort$sex == "female", ], by = "sex")
  expect_error(compare_rates(women, "sex"), "one level only", class = "myelorelief_error")
  expect_error(compare_rates(women, "sex", reference = "male"), "has no patients",
               class = "myelorelief_error")
  x <- compare_rates(tab, "sex", strata = "hospital")
  expect_error(plot(x, measure = "nnt"), "`measure`", class = "myelorelief_error")
  expect_error(plot(x, symptoms = "back"), "`symptoms`", class = "myelorelief_error")
  expect_error(print(summary(x), measure = "hr"), "`measure`", class = "myelorelief_error")
})

test_that("conf_level changes every interval consistently", {
  tab <- trial_table(c(3, 5, 2), c(10, 12, 9), c(1, 2, 4), c(11, 10, 8))
  x <- compare_rates(tab, "arm", strata = "centre", conf_level = 0.9)
  row <- lbp_row(x)
  expect_equal(unlist(row[c("rd_lower", "rr_upper", "or_lower")]),
               oracle_crude(10, 31, 7, 29, 0.9)[c("rd_lower", "rr_upper", "or_lower")])
  pooled <- lbp_row(x, "Mantel-Haenszel")
  mh <- mantelhaen.test(array(rbind(c(3, 5, 2), c(1, 2, 4), c(7, 7, 7), c(10, 8, 4)),
                              c(2, 2, 3)), correct = FALSE, conf.level = 0.9)
  expect_equal(c(pooled$or_lower, pooled$or_upper), as.vector(mh$conf.int), tolerance = 1e-8)
})

test_that("print, format, as.data.frame, summary and plot", {
  tab <- trial_table(c(8, 12, 5, 9), c(30, 40, 25, 35), c(3, 5, 4, 2), c(30, 38, 26, 34))
  x <- compare_rates(tab, "arm", strata = "centre")
  expect_s3_class(x, "rate_comparison")
  expect_snapshot(print(x))
  expect_snapshot(print(summary(x)))
  out <- capture.output(print(x), print(summary(x)), print(summary(x), measure = "or"))
  expect_true(all(nchar(out) <= 80))
  f <- format(x)
  expect_true(all(vapply(f, is.character, logical(1))))
  expect_identical(f$arm, c("treated", "treated"))
  d <- as.data.frame(x)
  expect_identical(class(d), "data.frame")
  expect_null(attr(d, "stratum_rows"))
  s <- summary(x)
  expect_identical(s$analysis[1:6], c(rep("stratum", 4), "crude", "Mantel-Haenszel"))
  expect_equal(sum(s$events[s$analysis == "stratum" & s$symptom == "lbp"]), 34)
  expect_output(print(s, n = 2), "2 strata more")
  expect_identical(class(as.data.frame(s)), "data.frame")
  expect_identical(nrow(as.data.frame(s)), 6L)
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  for (measure in c("rd", "rr", "or")) expect_identical(plot(x, measure = measure), x)
  plot(x, symptoms = "lbp", max_strata = 2)
  cohort <- classify_cohort(myelography)
  plot(compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")), "sex",
                     strata = "hospital"), symptoms = c("lbp", "any"), measure = "rr")
  plot(compare_rates(tab, "arm"), measure = "or")
  grDevices::dev.off()
  expect_true(file.size(file) > 0)
  unlink(file)
})

test_that("alleviation_outcome() maps classes to TRUE, FALSE and NA", {
  classes <- classify_alleviation(c(8, 8, 4, 0, NA), c(2, 8, 8, 0, 3), study_rules()$lbp)
  expect_identical(alleviation_outcome(classes), c(TRUE, FALSE, FALSE, NA, NA))
  cohort <- classify_cohort(myelography)
  lbp <- alleviation_outcome(cohort, "lbp")
  expect_identical(lbp, c(TRUE, FALSE, FALSE, NA)[as.integer(cohort$lbp)])
  # the model's patients are the evaluable ones of the table
  tab <- tabulate_cohort(cohort)
  expect_equal(sum(!is.na(lbp)), tab$evaluable[tab$symptom == "lbp"])
  expect_equal(sum(lbp, na.rm = TRUE), tab$alleviated[tab$symptom == "lbp"])
  # "any" follows the patient class (absent in every symptom: NA), as the
  # table's "any" rows count; see test-outcome.R
  any <- alleviation_outcome(cohort, "any")
  expect_identical(any, c(TRUE, FALSE, FALSE, NA)[as.integer(cohort$patient_class)])
  expect_equal(sum(!is.na(any)), tab$evaluable[tab$symptom == "any"])
  fit <- glm(alleviation_outcome(cohort, "lbp") ~ sex, family = binomial, data = cohort)
  by_sex <- compare_rates(tabulate_cohort(cohort, by = "sex"), "sex")
  expect_equal(unname(exp(coef(fit)[["sexmale"]])), by_sex$or[by_sex$symptom == "lbp"],
               tolerance = 1e-6)
  expect_error(alleviation_outcome(cohort, "back"), "`symptom` must be one of",
               class = "myelorelief_error")
  expect_error(alleviation_outcome(cohort), "`symptom`", class = "myelorelief_error")
  expect_error(alleviation_outcome(factor("a")), "`x` must be a factor of classes",
               class = "myelorelief_error")
  expect_error(alleviation_outcome(1:3), "`x` must be a myelo_cohort",
               class = "myelorelief_error")
})

test_that("a table subset to some symptoms compares those symptoms as the whole table does", {
  cohort <- classify_cohort(myelography)
  for (by in list("sex", c("sex", "hospital"))) {
    strata <- if (length(by) > 1L) "hospital"
    tab <- tabulate_cohort(cohort, by = by)
    whole <- as.data.frame(compare_rates(tab, "sex", strata = strata))
    for (symptoms in list("leg_pain", "any", c("numbness", "lbp"), "claudication")) {
      part <- compare_rates(tab[tab$symptom %in% symptoms, ], "sex", strata = strata)
      info <- paste(c(by, "|", symptoms), collapse = " ")
      expect_equal(as.data.frame(part), whole[whole$symptom %in% symptoms, ],
                   ignore_attr = TRUE, info = info)
      expect_identical(attr(part, "not_compared"), 0, info = info)
    }
  }
  # patients with the group missing are counted from the rows there are
  cohort$sex[1:5] <- NA
  tab <- tabulate_cohort(cohort, by = "sex")
  part <- compare_rates(tab[tab$symptom == "leg_pain", ], "sex")
  expect_identical(attr(part, "not_compared"), 5)
  # the rows of a stratum left out for one symptom only, or repeated, would
  # compare other patients than the table's: refused
  tab <- tabulate_cohort(cohort, by = c("sex", "hospital"))
  holed <- tab[!(tab$symptom == "lbp" & tab$hospital %in% "A"), ]
  expect_error(compare_rates(holed, "sex", strata = "hospital"),
               "`x` has rows of symptom \"lbp\" for \\d+ of its \\d+ strata",
               class = "myelorelief_error")
  expect_error(compare_rates(tab[c(1, seq_len(nrow(tab))), ], "sex"),
               "`x` has the row of symptom \"lbp\" .* more than once",
               class = "myelorelief_error")
})
