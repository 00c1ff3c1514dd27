# Imputed cohorts: classify every completed dataset, pool with Rubin's
# rules. Oracle: mice::pool.scalar() on estimates and variances computed
# here from base R counts of each completed dataset.

rules2 <- study_rules()[c("lbp", "leg_pain")]

# m completed datasets of a hypothetical cohort: leg pain at follow-up
# lost for a quarter, filled by draws from the observed values
completed_list <- function(m, seed, n = 200) {
  set.seed(seed)
  base <- data.frame(
    id = sprintf("h%03d", seq_len(n)),
    sex = factor(sample(c("female", "male"), n, TRUE)),
    lbp_pre = sample(1:10, n, TRUE), lbp_post = sample(0:10, n, TRUE),
    leg_pain_pre = sample(0:10, n, TRUE), leg_pain_post = sample(0:10, n, TRUE))
  lost <- sample(n, n / 4)
  lapply(seq_len(m), function(k) {
    d <- base
    d$leg_pain_post[lost] <- sample(0:10, length(lost), TRUE)
    d
  })
}

# Per stratum and symptom, alleviated and evaluable of one dataset, by base R.
counts_by <- function(d, symptom, by) {
  cls <- classify_alleviation(d[[paste0(symptom, "_pre")]], d[[paste0(symptom, "_post")]],
                              rules2[[symptom]])
  g <- d[[by]]
  list(a = tapply(cls == "alleviated" & !is.na(cls), g, sum),
       e = tapply(cls %in% c("alleviated", "unchanged", "worsened"), g, sum))
}

test_that("pooled rates equal mice::pool.scalar() on the logit scale", {
  skip_if_not_installed("mice")
  datasets <- completed_list(5, 1)
  pooled <- tabulate_cohort(classify_cohort(datasets, rules2, id = "id"), by = "sex")
  expect_s3_class(pooled, "pooled_alleviation_table")
  for (s in names(rules2)) for (g in c("female", "male")) {
    counts <- lapply(datasets, counts_by, symptom = s, by = "sex")
    a <- vapply(counts, function(x) x$a[[g]], numeric(1))
    e <- vapply(counts, function(x) x$e[[g]], numeric(1))
    q <- log(a / (e - a))
    u <- 1 / a + 1 / (e - a)
    ref <- mice::pool.scalar(q, u, n = mean(e), k = 1)
    row <- pooled[pooled$symptom == s & pooled$sex == g, ]
    info <- paste(s, g)
    expect_false(row$adjusted, info = info)
    for (f in c("qbar", "ubar", "b", "t", "df", "fmi")) {
      expect_equal(row[[f]], ref[[f]], tolerance = 1e-10, info = paste(info, f))
    }
    expect_equal(row$riv, ref$r, tolerance = 1e-10, info = info)
    expect_equal(row$rate, plogis(ref$qbar), tolerance = 1e-10, info = info)
    half <- qt(0.975, ref$df) * sqrt(ref$t)
    expect_equal(c(row$rate_lower, row$rate_upper), plogis(ref$qbar + c(-1, 1) * half),
                 tolerance = 1e-10, info = info)
    expect_equal(row$evaluable_mean, mean(e), info = info)
  }
  expect_true(all(pooled$fmi[pooled$symptom == "leg_pain"] >
                    pooled$fmi[pooled$symptom == "lbp"]))
  # nothing of lbp was imputed: no between-imputation variance
  expect_true(all(pooled$b[pooled$symptom == "lbp"] == 0))
})

test_that("pooled comparisons equal mice::pool.scalar() on their scales", {
  skip_if_not_installed("mice")
  datasets <- completed_list(4, 2)
  cmp <- compare_rates(tabulate_cohort(classify_cohort(datasets, rules2, id = "id"),
                                       by = "sex"), "sex")
  expect_s3_class(cmp, "pooled_rate_comparison")
  for (s in names(rules2)) {
    counts <- lapply(datasets, counts_by, symptom = s, by = "sex")
    a <- vapply(counts, function(x) x$a[["male"]], numeric(1))
    n1 <- vapply(counts, function(x) x$e[["male"]], numeric(1))
    c0 <- vapply(counts, function(x) x$a[["female"]], numeric(1))
    n0 <- vapply(counts, function(x) x$e[["female"]], numeric(1))
    stopifnot(all(c(a, n1 - a, c0, n0 - c0) > 0))
    dfn <- mean(n1 + n0)
    est <- list(
      rd = list(q = a / n1 - c0 / n0,
                u = a / n1 * (1 - a / n1) / n1 + c0 / n0 * (1 - c0 / n0) / n0, back = identity),
      rr = list(q = log(a / n1) - log(c0 / n0), u = 1 / a - 1 / n1 + 1 / c0 - 1 / n0, back = exp),
      or = list(q = log(a * (n0 - c0) / ((n1 - a) * c0)),
                u = 1 / a + 1 / (n1 - a) + 1 / c0 + 1 / (n0 - c0), back = exp))
    for (measure in names(est)) {
      ref <- mice::pool.scalar(est[[measure]]$q, est[[measure]]$u, n = dfn, k = 2)
      row <- cmp[cmp$symptom == s & cmp$measure == measure, ]
      info <- paste(s, measure)
      expect_identical(nrow(row), 1L, info = info)
      for (f in c("qbar", "ubar", "b", "t", "df", "fmi")) {
        expect_equal(row[[f]], ref[[f]], tolerance = 1e-10, info = paste(info, f))
      }
      half <- qt(0.975, ref$df) * sqrt(ref$t)
      back <- est[[measure]]$back
      expect_equal(c(row$estimate, row$lower, row$upper),
                   back(ref$qbar + c(0, -1, 1) * half), tolerance = 1e-10, info = info)
    }
  }
  expect_identical(unique(cmp$reference), "female")
  expect_identical(unique(compare_rates(tabulate_cohort(classify_cohort(datasets, rules2),
                                                        by = "sex"), "sex",
                                        reference = "male")$reference), "male")
})

test_that("m identical datasets give the single table's rates, no between variance", {
  for (seed in 1:4) {
    d <- completed_list(1, seed, n = sample(c(20, 150), 1))[[1]]
    info <- sprintf("seed %d", seed)
    single <- tabulate_cohort(classify_cohort(d, rules2), by = "sex")
    m <- sample(2:6, 1)
    pooled <- tabulate_cohort(classify_cohort(rep(list(d), m), rules2), by = "sex")
    ok <- !pooled$adjusted & !is.na(pooled$rate)
    expect_equal(pooled$rate[ok], single$rate[ok], tolerance = 1e-12, info = info)
    expect_true(all(pooled$b[!is.na(pooled$b)] == 0), info = info)
    expect_equal(pooled$t, pooled$ubar, info = info)
    expect_true(all(pooled$riv[!is.na(pooled$riv)] == 0), info = info)
    expect_equal(pooled$evaluable_mean, single$evaluable, info = info)
    expect_equal(pooled$n, single$n, info = info)
    expect_true(all(pooled$m == m), info = info)
  }
})

test_that("a rate of 0 or 1 in some dataset: 0.5 added in every dataset", {
  skip_if_not_installed("mice")
  d <- data.frame(g = factor(rep(c("a", "b"), each = 6)),
                  lbp_pre = rep(8, 12),
                  lbp_post = c(8, 8, 8, 8, 8, 2, 8, 8, 8, 8, 8, 8))
  d2 <- d
  d2$lbp_post[1] <- 2   # a: 1 of 6 alleviated in one dataset, 2 of 6 in the other
  d3 <- d
  d3$lbp_post[7] <- 2   # b: 0 of 6 in the first datasets, 1 of 6 in this one
  pooled <- tabulate_cohort(classify_cohort(list(d, d2, d3), study_rules()["lbp"]),
                            by = "g", margins = FALSE)
  a_row <- pooled[pooled$g == "a", ]
  b_row <- pooled[pooled$g == "b", ]
  expect_false(a_row$adjusted)
  expect_true(b_row$adjusted)
  a <- c(0, 0, 1) + 0.5
  e <- c(6, 6, 6) + 1
  ref <- mice::pool.scalar(log(a / (e - a)), 1 / a + 1 / (e - a), n = 6, k = 1)
  expect_equal(b_row$qbar, ref$qbar, tolerance = 1e-12)
  expect_equal(b_row$t, ref$t, tolerance = 1e-12)
  expect_equal(b_row$df, ref$df, tolerance = 1e-10)
  expect_true(is.finite(b_row$rate_lower) && b_row$rate_lower > 0)
  # every dataset 0 of 6: adjusted, a rate near but not 0, flagged
  none <- tabulate_cohort(classify_cohort(list(d[7:12, ], d[7:12, ]), study_rules()["lbp"]))
  expect_true(none$adjusted)
  expect_equal(none$rate, 0.5 / 7)
  expect_equal(none$b, 0)
  # a stratum without evaluable patients has no pooled rate
  empty <- tabulate_cohort(classify_cohort(list(d, d2), study_rules()["lbp"]),
                           by = "g", margins = FALSE)
  d4 <- d
  d4$lbp_pre[1:6] <- 0
  empty <- tabulate_cohort(classify_cohort(list(d4, d4), study_rules()["lbp"]),
                           by = "g", margins = FALSE)
  expect_true(is.na(empty$rate[empty$g == "a"]))
  expect_false(empty$adjusted[empty$g == "a"])
  # the print flags the adjusted rows
  expect_snapshot(print(pooled))
  # comparisons: a zero cell in some dataset corrects every dataset
  cmp <- compare_rates(pooled, "g")
  expect_true(all(cmp$corrected[cmp$measure != "rd"]))
  expect_false(any(cmp$corrected[cmp$measure == "rd"]))
  a1 <- c(0, 0, 1) + 0.5; n1 <- 7; c0 <- c(1, 2, 1) + 0.5; n0 <- 7
  ref <- mice::pool.scalar(log(a1 * (n0 - c0) / ((n1 - a1) * c0)),
                           1 / a1 + 1 / (n1 - a1) + 1 / c0 + 1 / (n0 - c0), n = 12, k = 2)
  expect_equal(cmp$qbar[cmp$measure == "or"], ref$qbar, tolerance = 1e-12)
  expect_equal(cmp$df[cmp$measure == "or"], ref$df, tolerance = 1e-10)
  expect_snapshot(print(cmp))
})

test_that("a mids object is completed and classified like its datasets", {
  skip_if_not_installed("mice")
  d <- myelography[c("id", "sex", "lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post")]
  imp <- suppressWarnings(mice::mice(d[-1], m = 3, printFlag = FALSE, seed = 7,
                                     method = "pmm"))
  from_mids <- classify_cohort(imp, rules2)
  from_list <- classify_cohort(mice::complete(imp, "all"), rules2)
  expect_s3_class(from_mids, "imputed_cohort")
  expect_identical(length(from_mids), 3L)
  expect_identical(unclass(from_mids)[1:3], unclass(from_list)[1:3])
  expect_identical(tabulate_cohort(from_mids, by = "sex"),
                   tabulate_cohort(from_list, by = "sex"))
  expect_snapshot(print(from_mids))
  single <- suppressWarnings(mice::mice(d[-1], m = 1, printFlag = FALSE, seed = 7))
  expect_error(classify_cohort(single, rules2), "at least 2 completed datasets",
               class = "myelorelief_error")
})

test_that("threads and a forked child give the same pooled table", {
  skip_on_os("windows")
  datasets <- completed_list(3, 5)
  imputed <- classify_cohort(datasets, rules2)
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(1)
  one <- tabulate_cohort(imputed, by = "sex")
  myelorelief_threads(2)
  two <- tabulate_cohort(imputed, by = "sex")
  expect_identical(one, two)
  forked <- parallel::mclapply(1:2, function(i) tabulate_cohort(imputed, by = "sex"),
                               mc.cores = 2)
  for (f in forked) expect_identical(f, two)
})

test_that("bad input is refused with the argument named", {
  datasets <- completed_list(3, 3, n = 30)
  expect_error(classify_cohort(datasets[1], rules2), "`data`.*at least 2 completed datasets",
               class = "myelorelief_error")
  expect_error(classify_cohort(list(datasets[[1]], 1:3), rules2),
               "`data\\[\\[2\\]\\]` is an integer vector", class = "myelorelief_error")
  short <- datasets
  short[[2]] <- short[[2]][1:29, ]
  expect_error(classify_cohort(short, rules2), "`data\\[\\[2\\]\\]` 29",
               class = "myelorelief_error")
  renamed <- datasets
  names(renamed[[3]])[2] <- "gender"
  expect_error(classify_cohort(renamed, rules2), "same columns: `data\\[\\[3\\]\\]`",
               class = "myelorelief_error")
  shuffled <- datasets
  shuffled[[2]] <- shuffled[[2]][30:1, ]
  expect_error(classify_cohort(shuffled, rules2, id = "id"), "`id` column \"id\" of `data\\[\\[2\\]\\]`",
               class = "myelorelief_error")
  bad <- datasets
  bad[[2]]$lbp_pre[3] <- 11
  expect_error(classify_cohort(bad, rules2), "Completed dataset 2 of `data`",
               class = "myelorelief_error")
  imputed <- classify_cohort(datasets, rules2)
  expect_error(tabulate_cohort(imputed, method = "exact"), "`method` does not apply",
               class = "myelorelief_error")
  expect_error(tabulate_cohort(imputed, data = datasets[[1]]), "`data` is not available",
               class = "myelorelief_error")
  expect_error(tabulate_cohort(imputed, by = "nope"), "Completed dataset 1: .*`by`",
               class = "myelorelief_error")
  pooled <- tabulate_cohort(imputed, by = "sex")
  expect_error(compare_rates(pooled, "sex", strata = "sex"), "`strata`",
               class = "myelorelief_error")
  expect_error(compare_rates(pooled, "nope"), "`group`", class = "myelorelief_error")
  # imputed strata that give other rows are refused
  strata <- datasets
  strata[[2]]$sex <- as.character(strata[[2]]$sex)
  strata[[2]]$sex[1:30] <- "female"
  expect_error(tabulate_cohort(classify_cohort(strata, rules2), by = "sex"),
               "different strata", class = "myelorelief_error")
  # a single data frame is classified as before
  expect_s3_class(classify_cohort(datasets[[1]], rules2), "myelo_cohort")
})

test_that("without mice, a mids object is refused naming the package", {
  fake <- structure(list(m = 2), class = "mids")
  ns <- asNamespace("myelorelief")
  original <- get("mice_available", envir = ns)
  unlockBinding("mice_available", ns)
  assign("mice_available", function() FALSE, envir = ns)
  on.exit({
    assign("mice_available", original, envir = ns)
    lockBinding("mice_available", ns)
  })
  expect_error(classify_cohort(fake, rules2), "package \"mice\" is needed",
               class = "myelorelief_error")
})

test_that("a PSOCK worker gives the same pooled table and comparison", {
  skip_on_cran()
  datasets <- completed_list(3, 8, n = 60)
  here <- tabulate_cohort(classify_cohort(datasets, rules2), by = "sex")
  cl <- parallel::makePSOCKcluster(1)
  on.exit(parallel::stopCluster(cl))
  lib <- .libPaths()
  there <- parallel::clusterCall(cl, function(datasets, rules, lib) {
    .libPaths(lib)
    library(myelorelief)
    pooled <- tabulate_cohort(classify_cohort(datasets, rules), by = "sex")
    list(pooled, compare_rates(pooled, "sex"))
  }, datasets, rules2, lib)[[1]]
  expect_identical(as.data.frame(there[[1]]), as.data.frame(here))
  expect_identical(as.data.frame(there[[2]]), as.data.frame(compare_rates(here, "sex")))
})

test_that("denominator = \"n\" pools shares of all patients", {
  skip_if_not_installed("mice")
  datasets <- completed_list(3, 9)
  cmp <- compare_rates(tabulate_cohort(classify_cohort(datasets, rules2), by = "sex"),
                       "sex", denominator = "n")
  n1 <- sum(datasets[[1]]$sex == "male"); n0 <- sum(datasets[[1]]$sex == "female")
  counts <- lapply(datasets, counts_by, symptom = "leg_pain", by = "sex")
  a <- vapply(counts, function(x) x$a[["male"]], numeric(1)) / n1
  c0 <- vapply(counts, function(x) x$a[["female"]], numeric(1)) / n0
  ref <- mice::pool.scalar(a - c0, a * (1 - a) / n1 + c0 * (1 - c0) / n0, n = n1 + n0, k = 2)
  row <- cmp[cmp$symptom == "leg_pain" & cmp$measure == "rd", ]
  expect_equal(row$qbar, ref$qbar, tolerance = 1e-12)
  expect_equal(row$t, ref$t, tolerance = 1e-12)
  expect_equal(row$df, ref$df, tolerance = 1e-10)
})

test_that("tidy() of pooled results", {
  skip_if_not_installed("generics")
  pooled <- tabulate_cohort(classify_cohort(completed_list(3, 4, n = 80), rules2), by = "sex")
  td <- generics::tidy(pooled)
  expect_identical(td$estimate, pooled$rate)
  expect_identical(td$conf.low, pooled$rate_lower)
  expect_identical(td$fmi, pooled$fmi)
  cmp <- compare_rates(pooled, "sex")
  tc <- generics::tidy(cmp)
  expect_identical(tc$term, cmp$measure)
  expect_identical(tc$conf.high, cmp$upper)
})

# Mantel-Haenszel estimates and variances of one completed dataset, by plain
# R from base R counts per stratum (a, n1: group; c0, n0: reference):
# the risk difference with the variance of Sato, Greenland and Robins
# (1989), the log risk ratio with that of Greenland and Robins (1985), the
# log odds ratio with that of Robins, Breslow and Greenland (1986).
mh_oracle <- function(a, n1, c0, n0) {
  keep <- n1 > 0 & n0 > 0
  a <- a[keep]; n1 <- n1[keep]; c0 <- c0[keep]; n0 <- n0[keep]
  b <- n1 - a; d <- n0 - c0; N <- n1 + n0
  w <- n1 * n0 / N
  rd <- sum(a * n0 / N - c0 * n1 / N) / sum(w)
  P <- sum((n1^2 * c0 - n0^2 * a + n1 * n0 * (n0 - n1) / 2) / N^2)
  Q <- sum((a * (n0 - c0) + c0 * (n1 - a)) / (2 * N))
  R <- sum(a * n0 / N); S <- sum(c0 * n1 / N)
  v_rr <- sum((n1 * n0 * (a + c0) - a * c0 * N) / N^2) / (R * S)
  Ro <- sum(a * d / N); So <- sum(b * c0 / N)
  v_or <- sum((a + d) * a * d / N^2) / (2 * Ro^2) +
    sum(((a + d) * b * c0 + (b + c0) * a * d) / N^2) / (2 * Ro * So) +
    sum((b + c0) * b * c0 / N^2) / (2 * So^2)
  list(rd = c(rd, (rd * P + Q) / sum(w)^2), rr = c(log(R / S), v_rr),
       or = c(log(Ro / So), v_or), strata = length(a), N = sum(N))
}

test_that("stratified pooled comparisons: Mantel-Haenszel per dataset, pooled as mice::pool.scalar()", {
  skip_if_not_installed("mice")
  for (seed in c(3, 11)) {
    datasets <- completed_list(4, seed, n = 240)
    set.seed(seed + 100)
    site <- factor(sample(c("A", "B", "C"), 240, TRUE))
    datasets <- lapply(datasets, function(d) { d$site <- site; d })
    pooled <- tabulate_cohort(classify_cohort(datasets, rules2, id = "id"),
                              by = c("sex", "site"))
    cmp <- compare_rates(pooled, "sex", strata = "site")
    expect_s3_class(cmp, "pooled_rate_comparison")
    expect_identical(sort(unique(cmp$analysis)), c("Mantel-Haenszel", "crude"))
    # the crude rows are those of the crude comparison
    crude <- compare_rates(tabulate_cohort(classify_cohort(datasets, rules2), by = "sex"),
                           "sex")
    plain_df <- function(x) {
      x <- as.data.frame(x)
      rownames(x) <- NULL
      x
    }
    expect_equal(plain_df(as.data.frame(cmp)[cmp$analysis == "crude", names(crude)]),
                 plain_df(crude),
                 info = sprintf("seed %d", seed))
    per_dataset <- lapply(attr(pooled, "imputations"), compare_rates, group = "sex",
                          strata = "site")
    for (s in names(rules2)) {
      oracle <- lapply(datasets, function(d) {
        cls <- classify_alleviation(d[[paste0(s, "_pre")]], d[[paste0(s, "_post")]],
                                    rules2[[s]])
        ev <- cls %in% c("alleviated", "unchanged", "worsened")
        al <- cls %in% "alleviated"
        cnt <- function(x, g) as.vector(tapply(x[d$sex == g], d$site[d$sex == g], sum))
        mh_oracle(cnt(al, "male"), cnt(ev, "male"), cnt(al, "female"), cnt(ev, "female"))
      })
      for (measure in c("rd", "rr", "or")) {
        info <- sprintf("seed %d, %s, %s", seed, s, measure)
        q <- vapply(oracle, function(o) o[[measure]][1], numeric(1))
        u <- vapply(oracle, function(o) o[[measure]][2], numeric(1))
        # each dataset's estimate is compare_rates()'s Mantel-Haenszel one
        mh_k <- vapply(per_dataset, function(x) {
          x[[measure]][x$symptom == s & x$analysis == "Mantel-Haenszel"]
        }, numeric(1))
        expect_equal(if (measure == "rd") mh_k else log(mh_k), q, tolerance = 1e-12,
                     info = info)
        ref <- mice::pool.scalar(q, u, n = mean(vapply(oracle, `[[`, 1, "N")),
                                 k = mean(vapply(oracle, `[[`, 1, "strata")) + 1)
        row <- cmp[cmp$symptom == s & cmp$measure == measure &
                     cmp$analysis == "Mantel-Haenszel", ]
        expect_identical(nrow(row), 1L, info = info)
        for (f in c("qbar", "ubar", "b", "t", "df", "fmi")) {
          expect_equal(row[[f]], ref[[f]], tolerance = 1e-10, info = paste(info, f))
        }
        expect_equal(row$riv, ref$r, tolerance = 1e-10, info = info)
        half <- qt(0.975, ref$df) * sqrt(ref$t)
        back <- if (measure == "rd") identity else exp
        expect_equal(c(row$estimate, row$lower, row$upper),
                     back(ref$qbar + c(0, -1, 1) * half), tolerance = 1e-10, info = info)
        expect_false(row$corrected, info = info)
      }
    }
    # leg pain was imputed, lbp not: between-imputation variance only there
    mh <- cmp[cmp$analysis == "Mantel-Haenszel", ]
    expect_true(all(mh$b[mh$symptom == "lbp"] == 0), info = sprintf("seed %d", seed))
    expect_true(all(mh$b[mh$symptom == "leg_pain"] > 0), info = sprintf("seed %d", seed))
  }
  # Rubin's rules do not depend on the order of the completed datasets
  reversed <- compare_rates(tabulate_cohort(classify_cohort(rev(datasets), rules2, id = "id"),
                                            by = c("sex", "site")), "sex", strata = "site")
  pooled_columns <- c("estimate", "lower", "upper", "qbar", "ubar", "b", "t", "df", "fmi")
  expect_equal(as.data.frame(reversed)[pooled_columns], as.data.frame(cmp)[pooled_columns],
               tolerance = 1e-12)
  # a 90% level
  cmp90 <- compare_rates(pooled, "sex", strata = "site", conf_level = 0.9)
  row <- cmp90[cmp90$analysis == "Mantel-Haenszel" & cmp90$measure == "rr", ][1, ]
  expect_equal(log(c(row$lower, row$upper)),
               row$qbar + c(-1, 1) * qt(0.95, row$df) * sqrt(row$t), tolerance = 1e-10)
  expect_equal(row$ubar, cmp$ubar[cmp$analysis == "Mantel-Haenszel" & cmp$measure == "rr"][1],
               tolerance = 1e-10)
  expect_snapshot(print(cmp[cmp$symptom == "leg_pain", ]))
  tidied <- generics::tidy(cmp)
  expect_identical(tidied$analysis, cmp$analysis)
})

test_that("stratified pooled comparisons: ratios of 0 are not pooled; bad strata refused", {
  # a: nobody alleviated in the group in one completed dataset, one in the other
  d <- data.frame(g = factor(rep(c("a", "b"), each = 8)),
                  site = factor(rep(c("x", "y"), 8)),
                  lbp_pre = rep(8, 16),
                  lbp_post = c(8, 8, 8, 8, 8, 8, 8, 8, 2, 8, 2, 8, 8, 2, 8, 8))
  d2 <- d
  d2$lbp_post[1] <- 2
  pooled <- tabulate_cohort(classify_cohort(list(d, d2), study_rules()["lbp"]),
                            by = c("g", "site"), margins = FALSE)
  cmp <- compare_rates(pooled, "g", reference = "b", strata = "site")
  mh <- cmp[cmp$analysis == "Mantel-Haenszel", ]
  expect_true(all(is.na(mh$estimate[mh$measure != "rd"])))
  expect_true(all(is.na(mh$qbar[mh$measure != "rd"])))
  expect_true(is.finite(mh$estimate[mh$measure == "rd"]))
  expect_output(print(cmp), "not pooled")
  # the same two datasets as identical copies of the second: estimable
  both <- compare_rates(tabulate_cohort(classify_cohort(list(d2, d2), study_rules()["lbp"]),
                                        by = c("g", "site"), margins = FALSE),
                        "g", reference = "b", strata = "site")
  single <- compare_rates(tabulate_cohort(classify_cohort(d2, study_rules()["lbp"]),
                                          by = c("g", "site"), margins = FALSE),
                          "g", reference = "b", strata = "site")
  single <- single[single$analysis == "Mantel-Haenszel", ]
  mh2 <- both[both$analysis == "Mantel-Haenszel", ]
  expect_equal(mh2$estimate, c(single$rd, single$rr, single$or), tolerance = 1e-12)
  expect_true(all(mh2$b == 0))
  # strata must be stratum columns of the table, not the group
  expect_error(compare_rates(pooled, "g", strata = "nope"), "`strata`",
               class = "myelorelief_error")
  expect_error(compare_rates(pooled, "g", strata = "g"), "must not include the `group`",
               class = "myelorelief_error")
  expect_error(compare_rates(pooled, "g", strata = "site", exact = TRUE),
               "leave them out", class = "myelorelief_error")
})

test_that("classify_visits() on completed datasets: each classified, rates pooled visit by visit", {
  skip_if_not_installed("mice")
  set.seed(21)
  n <- 150
  base <- data.frame(id = sprintf("v%03d", seq_len(n)),
                     arm = factor(sample(c("a", "b"), n, TRUE)),
                     lbp_pre = sample(0:10, n, TRUE), lbp_w1 = sample(0:10, n, TRUE),
                     lbp_m3 = sample(0:10, n, TRUE),
                     leg_pain_pre = sample(0:10, n, TRUE), leg_pain_w1 = sample(0:10, n, TRUE),
                     leg_pain_m3 = sample(0:10, n, TRUE))
  lost <- sample(n, 40)
  datasets <- lapply(1:3, function(k) {
    d <- base
    d$lbp_m3[lost] <- sample(0:10, length(lost), TRUE)
    d
  })
  imputed <- classify_visits(datasets, rules2, visits = c("w1", "m3"), id = "id")
  expect_s3_class(imputed, "imputed_cohort")
  for (k in 1:3) {
    expect_identical(imputed[[k]], classify_visits(datasets[[k]], rules2,
                                                   visits = c("w1", "m3"), id = "id"),
                     info = sprintf("dataset %d", k))
  }
  expect_output(print(imputed), "150 patients at 2 visits")
  pooled <- tabulate_cohort(imputed, by = "visit")
  expect_s3_class(pooled, "pooled_alleviation_table")
  for (v in c("w1", "m3")) for (s in names(rules2)) {
    info <- paste(v, s)
    ae <- vapply(datasets, function(d) {
      cls <- classify_alleviation(d[[paste0(s, "_pre")]], d[[paste0(s, "_", v)]], rules2[[s]])
      c(sum(cls %in% "alleviated"), sum(cls %in% c("alleviated", "unchanged", "worsened")))
    }, numeric(2))
    ref <- mice::pool.scalar(log(ae[1, ] / (ae[2, ] - ae[1, ])),
                             1 / ae[1, ] + 1 / (ae[2, ] - ae[1, ]), n = mean(ae[2, ]), k = 1)
    row <- pooled[pooled$visit == v & pooled$symptom == s, ]
    expect_identical(nrow(row), 1L, info = info)
    for (f in c("qbar", "ubar", "b", "t", "df", "fmi")) {
      expect_equal(row[[f]], ref[[f]], tolerance = 1e-10, info = paste(info, f))
    }
    # only lbp at 3 months was imputed
    expect_identical(row$b > 0, v == "m3" && s == "lbp", info = info)
  }
  # compared per visit, Mantel-Haenszel over the visits
  cmp <- compare_rates(tabulate_cohort(imputed, by = c("arm", "visit")), "arm",
                       strata = "visit")
  expect_s3_class(cmp, "pooled_rate_comparison")
  # a mids object gives the same cohorts as its completed datasets
  wide <- base[-1]
  wide$lbp_m3[lost] <- NA
  mids <- suppressWarnings(mice::mice(wide, m = 2, printFlag = FALSE, seed = 3,
                                      method = "pmm"))
  expect_identical(unclass(classify_visits(mids, rules2, visits = c("w1", "m3")))[1:2],
                   unclass(classify_visits(mice::complete(mids, "all"), rules2,
                                           visits = c("w1", "m3")))[1:2])
  # what needs a single dataset says so
  expect_error(durability(imputed), "imputed cohort.*by = \"visit\"",
               class = "myelorelief_error")
  expect_error(alleviation_bounds(imputed, datasets[[1]]), "`x` is an imputed cohort",
               class = "myelorelief_error")
  bad <- datasets
  bad[[2]]$lbp_w1[4] <- 11
  expect_error(classify_visits(bad, rules2, visits = c("w1", "m3")),
               "Completed dataset 2 of `data`", class = "myelorelief_error")
  expect_error(classify_visits(datasets[1], rules2, visits = c("w1", "m3")),
               "at least 2 completed datasets", class = "myelorelief_error")
  expect_error(classify_visits(list(datasets[[1]], datasets[[2]][-1, ]), rules2,
                               visits = c("w1", "m3")),
               "same patients", class = "myelorelief_error")
})

test_that("a list of chunks or of different cohorts is not taken as imputations", {
  halves <- split(myelography[1:324, ], rep(1:2, each = 162))
  names(halves) <- NULL
  expect_error(classify_cohort(halves), "agree on no row")
  # two different cohorts of the same size
  other <- myelography[c(2:325, 1), ]
  rownames(other) <- NULL
  expect_error(classify_cohort(list(myelography, other)), "`data\\[\\[2\\]\\]` and `data\\[\\[1\\]\\]` agree on no row")
  # completed datasets that differ in imputed values only are accepted
  a <- myelography
  b <- myelography
  b$lbp_post[1:10] <- ifelse(is.na(b$lbp_post[1:10]), 5, b$lbp_post[1:10])
  expect_s3_class(classify_cohort(list(a, b)), "imputed_cohort")
})
