cohort <- classify_cohort(myelography)

test_that("the heterogeneity p-value equals fisher.test() on the same counts", {
  tab <- tabulate_cohort(cohort, by = "hospital", data = myelography)
  s <- summary(tab)
  expect_s3_class(s, "summary.alleviation_table")
  for (symptom in c("lbp", "any")) {
    rows <- tab[tab$symptom == symptom & tab$hospital != "(all)", ]
    counts <- cbind(rows$alleviated, rows$evaluable - rows$alleviated)
    expect_equal(s$p_value[s$symptom == symptom], fisher.test(counts)$p.value)
  }
  expect_identical(unique(s$test), "Fisher's exact")
  expect_true(all(is.na(s$difference)))          # four strata: no difference
  expect_equal(s$alleviated, c(26, 2, 2, 5, 35))
})

test_that("two strata give the Newcombe hybrid score difference", {
  tab <- tabulate_cohort(cohort, by = "sex", data = myelography)
  s <- summary(tab)
  rows <- tab[tab$symptom == "lbp" & tab$sex != "(all)", ]
  x <- rows$alleviated
  n <- rows$evaluable
  # Newcombe (1998) method 10, written out from Wilson bounds of prop.test()
  w1 <- prop.test(x[1], n[1], correct = FALSE)$conf.int
  w2 <- prop.test(x[2], n[2], correct = FALSE)$conf.int
  p1 <- x[1] / n[1]
  p2 <- x[2] / n[2]
  # the second stratum minus the first, the reference (as compare_rates())
  expect_equal(s$difference[1], p2 - p1)
  expect_equal(s$difference_lower[1], p2 - p1 - sqrt((p2 - w2[1])^2 + (w1[2] - p1)^2))
  expect_equal(s$difference_upper[1], p2 - p1 + sqrt((w2[2] - p2)^2 + (p1 - w1[1])^2))
  expect_identical(unique(s$reference), as.character(rows$sex[1]))
  # the other way round when the reference is the second stratum
  s2 <- summary(tab, reference = as.character(rows$sex[2]))
  expect_equal(s2$difference[1], p1 - p2)
  expect_equal(s2$difference_lower[1], p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2))
  expect_snapshot(s)
})

test_that("hand-worked Newcombe example (Newcombe 1998, 56/70 vs 48/80)", {
  cohort2 <- structure(list(), class = "x")
  d <- myelorelief:::newcombe_difference(c(56, 48), c(70, 80), 0.95)
  expect_equal(round(d, 4), c(0.2, 0.0524, 0.3339))
})

test_that("a table without strata summarises the overall rates", {
  s <- summary(tabulate_cohort(cohort))
  expect_true(all(is.na(s$p_value)))
  expect_equal(s$rate, tabulate_cohort(cohort)$rate)
})

test_that("infeasible Fisher tests fall back to a simulated chi-square", {
  res <- myelorelief:::heterogeneity_test(rep(c(400, 500), 30), rep(1000, 60), 2000)
  expect_identical(res$test, "chi-square (simulated p)")
  expect_true(res$p_value >= 0 && res$p_value <= 1)
  expect_error(summary(tabulate_cohort(cohort), simulate_B = 1), "`simulate_B`")
})

# A table stratified by `g` from 0-10 scores, as a user would build it.
stratified <- function(g, pre, post) {
  d <- data.frame(g = g, lbp_pre = pre, lbp_post = post)
  tabulate_cohort(classify_cohort(d, study_rules()["lbp"]), by = "g", data = d)
}

test_that("Newcombe (1998) Table II: the hybrid score (method 10) and Miettinen-Nurminen (method 6) rows", {
  # Newcombe RG. Interval estimation for the difference between independent
  # proportions: comparison of eleven methods. Stat Med 1998;17:873-890,
  # Table II, examples (a)-(h), 95% limits to 4 decimals. The paper itself
  # could not be read here; the values are those of two independent
  # transcriptions of the table that agree with each other: the test data of
  # the Python package diff-binom-confint (github.com/DeepPSP/DBCI,
  # test/test-data/newcombee.csv, rows "wilson" and "miettinen-nurminen")
  # and, for example (d), the tests of the R package ratesci
  # (github.com/PeteLaud/ratesci, tests/testthat/test3.R, "Newcombe RD
  # example (d)").
  examples <- list(a = c(56, 70, 48, 80), b = c(9, 10, 3, 10), c = c(6, 7, 2, 7),
                   d = c(5, 56, 0, 29), e = c(0, 10, 0, 20), f = c(0, 10, 0, 10),
                   g = c(10, 10, 0, 20), h = c(10, 10, 0, 10))
  hybrid <- rbind(a = c(0.0524, 0.3339), b = c(0.1705, 0.8090), c = c(0.0582, 0.8062),
                  d = c(-0.0381, 0.1926), e = c(-0.1611, 0.2775), f = c(-0.2775, 0.2775),
                  g = c(0.6791, 1.0000), h = c(0.6075, 1.0000))
  score <- rbind(a = c(0.0528, 0.3382), b = c(0.1700, 0.8406), c = c(0.0342, 0.8534),
                 d = c(-0.0326, 0.1933), e = c(-0.1658, 0.2844), f = c(-0.2879, 0.2879),
                 g = c(0.7156, 1.0000), h = c(0.6636, 1.0000))
  for (k in names(examples)) {
    e <- examples[[k]]
    d <- myelorelief:::newcombe_difference(e[c(1, 3)], e[c(2, 4)], 0.95)
    expect_equal(round(d[2:3], 4), hybrid[k, ], info = k)
    # the same tables through summary() and compare_rates(): "grp" minus "ref"
    g <- factor(rep(c("grp", "ref"), c(e[2], e[4])), levels = c("ref", "grp"))
    post <- c(rep(c(2, 8), c(e[1], e[2] - e[1])), rep(c(2, 8), c(e[3], e[4] - e[3])))
    tab <- stratified(g, rep(8, length(g)), post)
    s <- summary(tab, reference = "ref")
    expect_equal(round(c(s$difference_lower[1], s$difference_upper[1]), 4), hybrid[k, ], info = k)
    cr <- compare_rates(tab, "g", interval = "score")
    row <- cr[cr$symptom == "lbp" & cr$analysis == "crude", ]
    expect_equal(round(c(row$rd_lower, row$rd_upper), 4), score[k, ], info = k)
  }
})

test_that("one evaluable patient per stratum is not informative, not noise", {
  set.seed(20)
  n <- 2000
  tab <- stratified(seq_len(n), rep(8, n), sample(c(2, 8), n, replace = TRUE))
  for (seed in list(1, 2, 99, NULL)) {
    s <- summary(tab, seed = seed)
    expect_identical(s$test[s$symptom == "lbp"], "not informative",
                     info = format(seed))
    # p = 1, as fisher.test() and compare_rates() give it
    expect_identical(s$p_value[s$symptom == "lbp"], 1)
  }
  expect_output(print(s), "not informative: given the numbers in each group, every arrangement of the\n  data is equally likely", fixed = TRUE)
  # fisher.test() on a small version of the same shape: p = 1 whatever the data
  for (k in 1:5) {
    a <- sample(0:1, 8, replace = TRUE)
    if (sum(a) %in% c(0, 8)) next
    expect_equal(fisher.test(cbind(a, 1 - a))$p.value, 1, info = k)
  }
})

test_that("degenerate margins give not informative, with p = 1 as fisher.test()", {
  cases <- list(
    nobody_alleviated = list(g = rep(1:3, each = 4), post = 8),
    everybody_alleviated = list(g = rep(1:3, each = 4), post = 1),
    one_stratum_judged = list(g = rep(1:2, each = 4), post = c(1, 8, 1, 8, NA, NA, NA, NA)),
    one_alleviated_equal_sizes = list(g = rep(1:3, each = 4), post = c(1, rep(8, 11))),
    sizes_1_and_3_two_alleviated = list(g = c(1, 2, 2, 2), post = c(1, 1, 8, 8)))
  for (name in names(cases)) {
    k <- cases[[name]]
    s <- summary(stratified(k$g, rep(8, length(k$g)), rep_len(k$post, length(k$g))))
    expect_identical(s$test[1], "not informative", info = name)
    expect_identical(s$p_value[1], 1, info = name)
    # the oracle: fisher.test() on the strata x (alleviated, not) table of
    # evaluable patients, where it can be run (two strata or more)
    judged <- !is.na(rep_len(k$post, length(k$g)))
    alleviated <- rep_len(k$post, length(k$g))[judged] <= 6   # 8 -> at most 6 (2 points, 30%)
    counts <- table(k$g[judged], factor(alleviated, levels = c(TRUE, FALSE)))
    if (nrow(counts) >= 2) {
      expect_equal(fisher.test(counts)$p.value, 1, info = name)
    }
    # compare_rates() says the same of the same groups (2 strata)
    if (nrow(counts) == 2) {
      tab <- stratified(k$g, rep(8, length(k$g)), rep_len(k$post, length(k$g)))
      cr <- compare_rates(tab, "g")
      crude <- cr[cr$symptom == "lbp" & cr$analysis == "crude", , drop = FALSE]
      expect_identical(crude$p_value, 1, info = name)
      expect_identical(crude$test, "not informative", info = name)
    }
  }
  # one more alleviated patient, or unequal sizes, and the test informs again
  s <- summary(stratified(rep(1:3, each = 4), rep(8, 12), c(1, 1, rep(8, 10))))
  expect_identical(s$test[1], "Fisher's exact")
  rows <- cbind(c(2, 0, 0), c(2, 4, 4))
  expect_equal(s$p_value[1], fisher.test(rows)$p.value)
  s <- summary(stratified(c(1, 2, 2, 3, 3, 3), rep(8, 6), c(1, 8, 8, 8, 8, 8)))
  expect_identical(s$test[1], "Fisher's exact")
  expect_equal(s$p_value[1], fisher.test(cbind(c(1, 0, 0), c(0, 2, 3)))$p.value)
})

test_that("not informative exactly when every table with the margins is equally likely", {
  uniform <- myelorelief:::margins_decide_everything
  # enumeration: all tables with these stratum sizes and `a` alleviated
  equally_likely <- function(n, a) {
    grid <- as.matrix(expand.grid(lapply(n, function(k) 0:k)))
    grid <- grid[rowSums(grid) == a, , drop = FALSE]
    logp <- apply(grid, 1, function(t) sum(lchoose(n, t)))
    list(tables = grid, equal = diff(range(logp)) < 1e-9, logp = logp)
  }
  check <- function(n, a, info) {
    e <- equally_likely(n, a)
    expect_identical(uniform(c(a, rep(0, length(n) - 1)), n), e$equal, info = info)
    e
  }
  # every multiset of up to 4 stratum sizes 1-5, every number alleviated
  for (k in 1:4) {
    sizes <- unique(t(apply(as.matrix(expand.grid(rep(list(1:5), k))), 1, sort)))
    if (k == 1) sizes <- t(sizes)
    for (r in seq_len(nrow(sizes))) {
      n <- sizes[r, ]
      for (a in 0:sum(n)) check(n, a, paste(c(n, "|", a), collapse = " "))
    }
  }
  # random larger ones, with fisher.test() as a second oracle: p = 1 for
  # every table when they are equally likely, below 1 for the least likely
  # table otherwise
  set.seed(42)
  for (i in 1:150) {
    n <- sample(c(1, 1, 2, 3, 4, 6), sample(2:5, 1), replace = TRUE)
    a <- sample(0:sum(n), 1)
    info <- sprintf("seed 42, case %d: n = %s, a = %d", i, paste(n, collapse = ","), a)
    e <- check(n, a, info)
    if (a == 0 || a == sum(n)) next
    p <- apply(e$tables, 1, function(t) fisher.test(cbind(t, n - t))$p.value)
    if (e$equal) {
      expect_true(all(abs(p - 1) < 1e-6), info = info)
    } else {
      expect_lt(min(p), 1 - 1e-6, label = info)
    }
  }
})

test_that("the simulated p-value is reproducible and the random stream untouched", {
  set.seed(8)
  g <- sample(25, 1500, replace = TRUE)          # 25 strata: no Fisher's test
  tab <- stratified(g, rep(8, 1500), sample(c(1, 8, 8), 1500, replace = TRUE))
  set.seed(123)
  before <- .Random.seed
  s1 <- summary(tab, simulate_B = 2000)
  expect_identical(.Random.seed, before)
  s2 <- summary(tab, simulate_B = 2000)
  expect_identical(s1$test[1], "chi-square (simulated p)")
  expect_identical(s1$p_value, s2$p_value)
  expect_identical(.Random.seed, before)
  # a session with a different generator gets it back, and the same p
  RNGkind("L'Ecuyer-CMRG")
  set.seed(4)
  lecuyer <- .Random.seed
  s3 <- summary(tab, simulate_B = 2000)
  expect_identical(.Random.seed, lecuyer)
  expect_identical(RNGkind()[1], "L'Ecuyer-CMRG")
  expect_identical(s3$p_value, s1$p_value)
  RNGkind("default", "default", "default")
  # no .Random.seed before: none after, and the generator kinds unchanged
  rm(".Random.seed", envir = globalenv())
  s4 <- summary(tab, simulate_B = 2000)
  expect_false(exists(".Random.seed", envir = globalenv(), inherits = FALSE))
  expect_identical(RNGkind(), c("Mersenne-Twister", "Inversion", "Rejection"))
  expect_identical(s4$p_value, s1$p_value)
  # seed = NULL draws from the session's stream and advances it
  set.seed(123)
  s5 <- summary(tab, simulate_B = 2000, seed = NULL)
  expect_false(identical(.Random.seed, before))
  # the oracle: chisq.test() on the same counts after the same seed
  rows <- tab[tab$symptom == "lbp" & tab$g != "(all)" & tab$evaluable > 0, ]
  counts <- cbind(rows$alleviated, rows$evaluable - rows$alleviated)
  for (seed in c(1, 77)) {
    set.seed(seed)
    oracle <- chisq.test(counts, simulate.p.value = TRUE, B = 2000)$p.value
    expect_equal(summary(tab, simulate_B = 2000, seed = seed)$p_value[1], oracle,
                 info = seed)
  }
  set.seed(123)
  expect_equal(s5$p_value[1], chisq.test(counts, simulate.p.value = TRUE, B = 2000)$p.value)
  expect_output(print(s1), "2,000 replicates, seed 1")
  expect_error(summary(tab, seed = NA), "`seed` must be NULL or a single whole number")
  expect_error(summary(tab, seed = c(1, 2)), "`seed`", class = "myelorelief_error")
})

test_that("statistics tied on paper are tied in the simulation", {
  # 1,999 one-patient strata and one of two patients: the table's only
  # freedom is how many of the two were alleviated (k = 0, 1, 2), and the
  # chi-square statistic is smallest at k = 1, so there p is exactly 1.
  # chisq.test() gives about 0.57 here: its 64-epsilon tolerance is smaller
  # than the round-off of summing 4,000 cells in another order.
  set.seed(30)
  a <- rbinom(1999, 1, 0.3)
  for (k in 0:2) {
    alleviated <- c(a, k)
    evaluable <- c(rep(1, 1999), 2)
    res <- myelorelief:::heterogeneity_test(alleviated, evaluable, 2000)
    expect_identical(res$test, "chi-square (simulated p)")
    # exact: P(statistic >= observed) over k' ~ hypergeometric
    total <- sum(alleviated)
    p_k <- dhyper(0:2, 2, 1999, total)
    p <- total / 2001
    statistic <- function(kk) {   # Pearson's, written out for this shape
      ones <- total - kk            # alleviated among the one-patient strata
      (ones * (1 - p)^2 + (1999 - ones) * p^2) / (p * (1 - p)) +
        (kk - 2 * p)^2 / (2 * p * (1 - p))
    }
    stats <- sapply(0:2, statistic)
    exact <- sum(p_k[stats >= stats[k + 1] * (1 - 1e-9)])
    se <- sqrt(max(0, exact * (1 - exact)) / 2000)
    expect_lt(abs(res$p_value - exact), 4 * se + 1 / 2001, label = paste("k =", k))
    if (k == 1) expect_identical(res$p_value, 1)
  }
})

test_that("print() says which tests are not informative or simulated", {
  set.seed(8)
  g <- sample(25, 1500, replace = TRUE)
  tab <- stratified(c(g, 26:28), c(rep(8, 1500), 8, 8, 8),
                    c(sample(c(1, 8, 8), 1500, replace = TRUE), 8, 8, 8))
  one_each <- stratified(1:6, rep(8, 6), c(1, 8, 1, 8, 8, 8))
  expect_snapshot({
    summary(tab, simulate_B = 2000)
    summary(one_each)
  })
})

test_that("summary() and compare_rates() give one signed difference: group minus reference", {
  # issue 19, 5: summary() gave "female - male", compare_rates() male - female
  set.seed(519)
  for (case in 1:60) {
    n <- sample(c(4:30, 100, 600), 1)
    levels_g <- sample(c("a", "b", "<c>"), 2)
    g <- factor(sample(levels_g, n, replace = TRUE, prob = runif(2)),
                levels = sample(levels_g))   # either level first
    g[sample(n, 2)] <- levels(g)             # both levels present
    d <- data.frame(g = g,
                    lbp_pre = sample(c(0:10, NA), n, replace = TRUE),
                    lbp_post = sample(c(0:10, NA), n, replace = TRUE),
                    leg_pain_pre = sample(0:10, n, replace = TRUE),
                    leg_pain_post = sample(0:10, n, replace = TRUE))
    tab <- tabulate_cohort(classify_cohort(d, study_rules()[c("lbp", "leg_pain")]),
                           by = "g")
    for (reference in list(NULL, levels(g)[1], levels(g)[2])) {
      info <- sprintf("seed 519, case %d, n %d, levels %s, reference %s", case, n,
                      paste(levels(g), collapse = "/"), format(reference))
      s <- summary(tab, reference = reference)
      cmp <- compare_rates(tab, "g", reference = reference)
      expect_identical(attr(s, "reference"), attr(cmp, "reference"), info = info)
      crude <- cmp[cmp$analysis == "crude", ]
      at <- match(as.character(s$symptom), as.character(crude$symptom))
      expect_equal(s$difference, crude$rd[at], info = info)
      expect_equal(s$difference_lower, crude$rd_lower[at], info = info)
      expect_equal(s$difference_upper, crude$rd_upper[at], info = info)
      has <- !is.na(s$difference)
      expect_identical(s$contrast[has],
                       paste(crude$group[at][has], "-", crude$reference[at][has]),
                       info = info)
      # the oracle: the rates of the table, the other level minus the reference
      ref <- if (is.null(reference)) levels(g)[1] else reference
      other <- setdiff(levels(g), ref)
      for (k in which(has)) {
        rows <- tab[tab$symptom == s$symptom[k], ]
        rate <- function(level) {
          r <- rows[!is.na(rows$g) & rows$g == level, ]
          r$alleviated / r$evaluable
        }
        expect_equal(s$difference[k], rate(other) - rate(ref), info = info)
      }
    }
  }
})

test_that("summary() names its reference and refuses one that is not a stratum", {
  tab <- tabulate_cohort(cohort, by = "sex")
  s <- summary(tab, reference = "male")
  expect_identical(unique(s$contrast), "female - male")
  expect_identical(attr(s, "reference"), "male")
  out <- withr_width(80, capture.output(print(s)))
  expect_true(any(grepl("reference (\"male\")", out, fixed = TRUE)), info = paste(out, collapse = "\n"))
  expect_error(summary(tab, reference = "Male"), "`reference` must be one of the strata",
               class = "myelorelief_error")
  expect_error(summary(tab, reference = c("male", "female")), "`reference`",
               class = "myelorelief_error")
  expect_error(summary(tab, reference = NA), "`reference`", class = "myelorelief_error")
  expect_error(summary(tabulate_cohort(cohort), reference = "male"), "`reference`",
               class = "myelorelief_error")
  # a stratum without patients cannot be the reference
  d <- myelography
  d$sex <- factor(d$sex, levels = c("other", levels(factor(d$sex))))
  empty <- tabulate_cohort(classify_cohort(d), by = "sex")
  expect_identical(attr(summary(empty), "reference"), "female")
  expect_error(summary(empty, reference = "other"), "no patients", class = "myelorelief_error")
})
