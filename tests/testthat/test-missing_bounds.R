# alleviation_bounds() and compare_rates() on its result: hand-worked cases,
# a plain-R oracle over random cohorts, and bad input.

wilson <- function(x, n) {
  if (n == 0) return(c(NA_real_, NA_real_))
  as.vector(suppressWarnings(stats::prop.test(x, n, correct = FALSE))$conf.int)
}

# lbp: decrease, at least 2 points and 30%, absent at 0, range 0-10
hand <- data.frame(
  id = paste0("p", 1:9),
  g = factor(c("a", "a", "a", "a", "b", "b", "b", "b", "b")),
  lbp_pre = c(8, 8, 5, 0, 6, NA, 0, 7, NA),
  lbp_post = c(3, 7, NA, NA, NA, 2, 0, 2, NA))

test_that("a hand-worked cohort gives the bounds worked out by hand", {
  cohort <- classify_cohort(hand, study_rules()["lbp"], id = "id")
  b <- alleviation_bounds(cohort, hand)
  expect_s3_class(b, "alleviation_bounds")
  # alleviated: 1, 8; unchanged: 2; absent: 7; follow-up missing with the
  # symptom: 3, 5; baseline unknown: 6, 9; missing, absent at baseline: 4
  expect_equal(b$alleviated, 2)
  expect_equal(b$evaluable, 3)
  expect_equal(b$missing, 5)
  expect_equal(b$missing_symptom, 2)
  expect_equal(b$missing_unknown, 2)
  expect_equal(b$missing_absent, 1)
  expect_equal(b$rate, 2 / 3)
  expect_equal(b$bounds_evaluable, 7)
  expect_equal(b$worst_alleviated, 2)
  expect_equal(b$best_alleviated, 6)
  expect_equal(b$worst, 2 / 7)
  expect_equal(b$best, 6 / 7)
  expect_equal(c(b$worst_lower, b$worst_upper), wilson(2, 7), tolerance = 1e-12)
  expect_equal(c(b$best_lower, b$best_upper), wilson(6, 7), tolerance = 1e-12)
  expect_equal(c(b$rate_lower, b$rate_upper), wilson(2, 3), tolerance = 1e-12)
  # exact intervals follow `method`
  e <- alleviation_bounds(cohort, hand, method = "exact")
  expect_equal(c(e$worst_lower, e$worst_upper),
               as.vector(stats::binom.test(2, 7)$conf.int), tolerance = 1e-12)
})

test_that("the complete-case columns are tabulate_cohort()'s, unchanged", {
  d <- myelography
  set.seed(11)
  d$leg_pain_post[sample(nrow(d), 80)] <- NA
  d$lbp_pre[sample(nrow(d), 20)] <- NA
  cohort <- classify_cohort(d, id = "id")
  b <- alleviation_bounds(cohort, d, by = c("sex", "hospital"))
  t <- tabulate_cohort(cohort, by = c("sex", "hospital"))
  for (column in c("sex", "hospital", "symptom", "n", "alleviated",
                   "evaluable", "missing", "rate", "rate_lower", "rate_upper")) {
    expect_identical(b[[column]], t[[column]], info = column)
  }
  # the cohort was not changed by computing the bounds
  expect_identical(cohort, classify_cohort(d, id = "id"))
})

test_that("the comparison's extreme scenarios are worked out by hand", {
  cohort <- classify_cohort(hand, study_rules()["lbp"], id = "id")
  b <- alleviation_bounds(cohort, hand, by = "g")
  cmp <- compare_rates(b, "g")
  expect_s3_class(cmp, "rate_comparison_bounds")
  # a: 1/2 judged; bounds 1/3 (worst) and 2/3 (best): 3 missing with the
  # symptom, 4 absent at baseline. b: 1/1 judged; bounds 1/4 and 4/4.
  expect_equal(cmp$rd, 1 - 1 / 2)
  expect_equal(cmp$rd_worst, 1 / 4 - 2 / 3)
  expect_equal(cmp$rd_best, 4 / 4 - 1 / 3)
  newcombe <- function(x1, n1, x0, n0) {
    p1 <- x1 / n1; p0 <- x0 / n0
    w1 <- wilson(x1, n1); w0 <- wilson(x0, n0)
    c(p1 - p0 - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2),
      p1 - p0 + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
  }
  expect_equal(c(cmp$rd_worst_lower, cmp$rd_worst_upper), newcombe(1, 4, 2, 3),
               tolerance = 1e-10)
  expect_equal(c(cmp$rd_best_lower, cmp$rd_best_upper), newcombe(4, 4, 1, 3),
               tolerance = 1e-10)
  expect_equal(c(cmp$rd_lower, cmp$rd_upper), newcombe(1, 1, 1, 2),
               tolerance = 1e-10)
  # the other reference swaps the scenarios
  rev <- compare_rates(b, "g", reference = "b")
  expect_equal(rev$rd_worst, -cmp$rd_best)
  expect_equal(rev$rd_best, -cmp$rd_worst)
})

# A plain-R oracle, patient by patient, for the symptom rows.
oracle_bounds <- function(d, rules, by) {
  cohort_classes <- lapply(names(rules), function(s) {
    classify_alleviation(d[[paste0(s, "_pre")]], d[[paste0(s, "_post")]], rules[[s]])
  })
  names(cohort_classes) <- names(rules)
  keys <- if (length(by)) interaction(d[by], drop = TRUE, sep = "\r") else factor(rep("all", nrow(d)))
  out <- list()
  for (s in names(rules)) {
    pre <- d[[paste0(s, "_pre")]]
    r <- rules[[s]]
    absent_at_baseline <- !is.na(pre) & if (r$direction == "decrease") pre <= r$absent_at else pre >= r$absent_at
    cls <- cohort_classes[[s]]
    lost <- is.na(cls)
    possibly <- lost & !absent_at_baseline
    for (k in levels(keys)) {
      i <- keys == k
      a <- sum(cls[i] == "alleviated", na.rm = TRUE)
      e <- sum(cls[i] %in% c("alleviated", "unchanged", "worsened"))
      extra <- sum(possibly[i])
      out[[length(out) + 1L]] <- data.frame(key = k, symptom = s, worst_alleviated = a,
                                            best_alleviated = a + extra,
                                            bounds_evaluable = e + extra,
                                            missing_unknown = sum(lost[i] & is.na(pre[i])))
    }
  }
  do.call(rbind, out)
}

test_that("random cohorts: a plain-R oracle, shuffles, brackets and threads", {
  rules <- study_rules()[c("lbp", "leg_pain", "claudication")]
  for (seed in 1:12) {
    set.seed(seed)
    n <- sample(c(0:5, 50, 400), 1)
    d <- data.frame(
      id = sprintf("q%04d", seq_len(n)),
      site = factor(sample(c("x", "y", "z"), n, TRUE), levels = c("x", "y", "z", "w")),
      lbp_pre = sample(c(0:10, NA), n, TRUE), lbp_post = sample(c(0:10, NA), n, TRUE),
      leg_pain_pre = sample(c(0:10, NA), n, TRUE), leg_pain_post = sample(c(0:10, NA, NA), n, TRUE),
      claudication_pre = sample(c(50, 200, 500, Inf, NA), n, TRUE),
      claudication_post = sample(c(50, 200, 500, Inf, NA), n, TRUE))
    info <- sprintf("seed %d, n %d", seed, n)
    cohort <- classify_cohort(d, rules, id = "id")
    b <- alleviation_bounds(cohort, d, by = "site", margins = FALSE)
    # brackets and sums on every row
    ok <- !is.na(b$rate)
    expect_true(all(b$worst[ok] <= b$rate[ok] + 1e-15 & b$rate[ok] <= b$best[ok] + 1e-15), info = info)
    expect_true(all(b$worst_alleviated <= b$best_alleviated), info = info)
    expect_equal(b$missing, b$missing_symptom + b$missing_unknown + b$missing_absent, info = info)
    expect_true(all(b$missing_symptom >= 0 & b$missing_unknown >= 0 & b$missing_absent >= 0), info = info)
    expect_equal(b$worst_alleviated, b$alleviated, info = info)
    # oracle on the symptom rows
    s <- b[b$symptom != "any" & b$n > 0, ]
    expect_identical(nrow(s) == 0L, n == 0L, info = info)
    if (n > 0) o <- oracle_bounds(d, rules, "site")
    if (n > 0) o <- o[match(paste(as.character(s$site), s$symptom), paste(o$key, o$symptom)), ]
    if (n > 0) for (column in c("worst_alleviated", "best_alleviated", "bounds_evaluable", "missing_unknown")) {
      expect_equal(s[[column]], o[[column]], info = paste(info, column))
    }
    # shuffling the patients gives the same bounds
    p <- sample.int(n)
    shuffled <- d[p, , drop = FALSE]
    b2 <- alleviation_bounds(classify_cohort(shuffled, rules, id = "id"), shuffled,
                             by = "site", margins = FALSE)
    expect_identical(as.data.frame(b2), as.data.frame(b), info = info)
    # one thread or two
    old <- myelorelief_threads()
    myelorelief_threads(1)
    b1 <- alleviation_bounds(cohort, d, by = "site", margins = FALSE)
    myelorelief_threads(2)
    b2 <- alleviation_bounds(cohort, d, by = "site", margins = FALSE)
    myelorelief_threads(old)
    expect_identical(as.data.frame(b1), as.data.frame(b2), info = info)
  }
})

test_that("bounds in a forked child equal the parent's", {
  skip_on_os("windows")
  d <- myelography
  set.seed(3)
  d$numbness_post[sample(nrow(d), 60)] <- NA
  cohort <- classify_cohort(d, id = "id")
  here <- alleviation_bounds(cohort, d, by = "hospital")
  there <- parallel::mclapply(1:2, function(i) alleviation_bounds(cohort, d, by = "hospital"),
                              mc.cores = 2)
  for (r in there) expect_identical(as.data.frame(r), as.data.frame(here))
})

test_that("the print shows the three rates, and format() the same", {
  cohort <- classify_cohort(hand, study_rules()["lbp"], id = "id")
  b <- alleviation_bounds(cohort, hand, by = "g")
  expect_snapshot(print(b))
  expect_snapshot(print(compare_rates(b, "g")))
  f <- format(b)
  expect_identical(f$worst_case[3], "2/7 28.6% (8.2-64.1)")
})

test_that("bad input is refused with the argument named", {
  cohort <- classify_cohort(hand, study_rules()["lbp"], id = "id")
  expect_error(alleviation_bounds(cohort), "`data` is needed", class = "myelorelief_error")
  expect_error(alleviation_bounds(hand, hand), "`x` must be a myelo_cohort",
               class = "myelorelief_error")
  expect_error(alleviation_bounds(cohort, hand[9:1, ]), "`data` is not aligned",
               class = "myelorelief_error")
  expect_error(alleviation_bounds(cohort, hand[1:3, ]), "`data` must have one row per row",
               class = "myelorelief_error")
  expect_error(alleviation_bounds(cohort, hand, by = "nope"), "`by` names a column",
               class = "myelorelief_error")
  expect_error(alleviation_bounds(cohort, hand, conf_level = 2), "conf_level",
               class = "myelorelief_error")
  b <- alleviation_bounds(cohort, hand, by = "g")
  expect_error(compare_rates(b, "nope"), "`group`", class = "myelorelief_error")
  expect_error(compare_rates(b, "g", denominator = "x"), "`denominator`",
               class = "myelorelief_error")
})

test_that("methods_text() adds a sentence for bounds and one for imputation", {
  plain <- methods_text()
  expect_identical(methods_text(missing = NULL), plain)
  b <- methods_text(missing = "bounds", group = "sex")
  expect_match(b[[1]], "worst-case and best-case rates", fixed = TRUE)
  expect_match(b[[1]], "two extreme scenarios", fixed = TRUE)
  expect_true(any(grepl("^Horowitz JL", b)))
  i <- methods_text(missing = "imputation", imputations = 20)
  expect_match(i[[1]], "multiply imputed (20 completed datasets)", fixed = TRUE)
  expect_match(i[[1]], "logit scale (Marshall et al. 2009)", fixed = TRUE)
  expect_false(grepl("worst-case", i[[1]]))
  expect_true(any(grepl("^Barnard J, Rubin DB", i)))
  expect_true(any(grepl("^Marshall A", i)))
  expect_error(methods_text(missing = "ipw"), "`missing` must be", class = "myelorelief_error")
  expect_error(methods_text(imputations = 5), "`imputations`", class = "myelorelief_error")
  expect_error(methods_text(missing = "imputation", imputations = 1.5), "`imputations`",
               class = "myelorelief_error")
  # compared crude, and pooled over strata (Mantel-Haenszel in each dataset)
  crude <- methods_text(missing = "imputation", group = "sex")[[1]]
  expect_match(crude, "risk differences (Wald variance) on their own scale", fixed = TRUE)
  expect_false(grepl("Mantel-Haenszel risk differences", crude, fixed = TRUE))
  mh <- methods_text(missing = "imputation", group = "sex", by = "hospital")[[1]]
  expect_match(mh, "the Mantel-Haenszel risk differences (with their variances above) on their own scale",
               fixed = TRUE)
  expect_match(mh, "Mantel-Haenszel ratio of 0 or infinity in some completed dataset was not pooled",
               fixed = TRUE)
  # without a group, strata alone compare nothing
  expect_false(grepl("risk differences", methods_text(missing = "imputation",
                                                      by = "hospital")[[1]]))
})

test_that("alleviation_bounds() refuses an imputed cohort with the reason", {
  d <- myelography
  expect_error(alleviation_bounds(classify_cohort(list(d, d)), d),
               "`x` is an imputed cohort: its completed datasets have no missing follow-up",
               class = "myelorelief_error")
})

test_that("strata from `data`, subsets of the cohort, denominator = \"n\"", {
  d <- myelography
  set.seed(21)
  d$leg_pain_post[sample(nrow(d), 70)] <- NA
  measures <- grep("_(pre|post)$", names(d), value = TRUE)
  cohort <- classify_cohort(d[c("id", measures)], id = "id")
  expect_false("sex" %in% names(cohort))
  from_data <- alleviation_bounds(cohort, d, by = "sex")
  carried <- alleviation_bounds(classify_cohort(d, id = "id"), d, by = "sex")
  expect_identical(as.data.frame(from_data), as.data.frame(carried))
  # a subset of the cohort with the same rows of the data
  men <- cohort[d$sex == "male", ]
  b_men <- alleviation_bounds(men, d[d$sex == "male", ])
  expect_equal(b_men$best[b_men$symptom == "leg_pain"],
               from_data$best[from_data$sex == "male" & from_data$symptom == "leg_pain"])
  # shares of all patients: the scenarios change the numerators only
  cmp <- compare_rates(from_data, "sex", denominator = "n")
  leg <- from_data[from_data$symptom == "leg_pain", ]
  share <- function(v, g) v[leg$sex == g]
  expect_equal(cmp$rd_worst[cmp$symptom == "leg_pain"],
               share(leg$worst_alleviated / leg$n, "male") -
                 share(leg$best_alleviated / leg$n, "female"))
  expect_equal(cmp$rd_best[cmp$symptom == "leg_pain"],
               share(leg$best_alleviated / leg$n, "male") -
                 share(leg$worst_alleviated / leg$n, "female"))
  # pooled over strata (Mantel-Haenszel) under each scenario
  by2 <- alleviation_bounds(cohort, d, by = c("sex", "hospital"))
  mh <- compare_rates(by2, "sex", strata = "hospital")
  expect_identical(unique(mh$analysis), c("crude", "Mantel-Haenszel"))
  expect_true(all(mh$rd_worst <= mh$rd + 1e-12 & mh$rd <= mh$rd_best + 1e-12))
})

test_that("a cohort of visits is refused", {
  wide <- data.frame(id = c("a", "b", "c"), lbp_pre = c(8, 6, 0),
                     lbp_day1 = c(3, 6, 0), lbp_week1 = c(4, NA, 1))
  visits <- classify_visits(wide, study_rules()["lbp"], visits = c("day1", "week1"),
                            id = "id")
  expect_error(alleviation_bounds(visits, wide), "not of visits", class = "myelorelief_error")
})

test_that("tidy() gives the three scenarios as rows", {
  skip_if_not_installed("generics")
  cohort <- classify_cohort(hand, study_rules()["lbp"], id = "id")
  b <- alleviation_bounds(cohort, hand, by = "g")
  td <- generics::tidy(b)
  expect_identical(nrow(td), 3L * nrow(b))
  expect_identical(td$term[1:3], c("complete case", "worst case", "best case"))
  expect_identical(td$estimate[td$term == "worst case"], b$worst)
  expect_identical(td$conf.high[td$term == "best case"], b$best_upper)
  expect_identical(td$evaluable[td$term == "best case"], b$bounds_evaluable)
  cmp <- compare_rates(b, "g")
  tc <- generics::tidy(cmp)
  expect_identical(tc$estimate, c(cmp$rd, cmp$rd_worst, cmp$rd_best))
})

test_that("compare_rates() on bounds refuses the options of a table of counts", {
  d <- myelography
  set.seed(1)
  d$leg_pain_post[sample(nrow(d), 60)] <- NA
  b <- alleviation_bounds(classify_cohort(d), d, by = "sex")
  expect_error(compare_rates(b, "sex", exact = TRUE),
               "`interval`, `exact`, `correct` and `breslow_day` apply to a table of counts",
               class = "myelorelief_error")
  expect_error(compare_rates(b, "sex", interval = "score"), "the bounds of alleviation_bounds",
               class = "myelorelief_error")
  expect_s3_class(compare_rates(b, "sex"), "rate_comparison_bounds")
})
