# Weighted tabulation (issue 23): tabulate_cohort(weights =), its sums in the
# C counting kernel, its design-based intervals, combine_tables().

# Plain-R oracle of the weighted sums: per stratum cell (the table's own
# strata, margins left out) and symptom, tapply() of the weights.
oracle_weighted <- function(tab, cohort, w, by) {
  cells <- tab[if (length(by)) {
    Reduce(`&`, lapply(by, function(b) is.na(tab[[b]]) | tab[[b]] != "(all)"))
  } else TRUE, , drop = FALSE]
  out <- list()
  for (k in seq_len(nrow(cells))) {
    rows <- rep(TRUE, nrow(cohort))
    for (b in by) {
      v <- as.character(cells[[b]][k])
      rows <- rows & if (is.na(v)) is.na(cohort[[b]]) else
        (!is.na(cohort[[b]]) & as.character(cohort[[b]]) == v)
    }
    s <- as.character(cells$symptom[k])
    cls <- as.character(cohort[[if (s == "any") "patient_class" else s]])
    ev <- rows & cls %in% c("alleviated", "unchanged", "worsened")
    al <- rows & cls %in% "alleviated"
    out[[k]] <- c(weighted_n = sum(w[rows]), weighted_alleviated = sum(w[al]),
                  weighted_evaluable = sum(w[ev]),
                  sum_w2_alleviated = sum(w[al]^2),
                  sum_w2_evaluable = sum(w[ev]^2))
  }
  list(cells = cells, sums = do.call(rbind, out))
}

weighted_numbers <- c("weighted_n", "weighted_alleviated", "weighted_evaluable",
                      "sum_w2_alleviated", "sum_w2_evaluable", "n_effective",
                      "rate", "rate_lower", "rate_upper", "share")

test_that("weighted sums equal tapply() sums of the weights, cell by cell", {
  for (seed in seq_len(n_cases(6))) {
    set.seed(seed)
    n <- sample(c(1, 5, 50, 400), 1)
    made <- random_cohort(n)
    cohort <- made$cohort
    cohort$w <- round(stats::rexp(n) * 3, sample(c(0, 2, 10), 1))
    cohort$w[sample(n, max(1, n %/% 10))] <- 0
    by <- list(NULL, "site", c("site", "group"))[[seed %% 3 + 1]]
    for (margins in c(TRUE, FALSE)) {
      tab <- tabulate_cohort(cohort, by = by, weights = "w", margins = margins)
      oracle <- oracle_weighted(tab, cohort, cohort$w, by)
      got <- as.matrix(as.data.frame(oracle$cells)[colnames(oracle$sums)])
      expect_equal(unname(got), unname(oracle$sums), tolerance = 1e-13,
                   info = sprintf("seed %d, n %d, margins %s", seed, n, margins))
      plain <- tabulate_cohort(cohort, by = by, margins = margins)
      for (column in c("n", "alleviated", "unchanged", "worsened", "absent",
                       "missing", "evaluable")) {
        expect_identical(tab[[column]], plain[[column]],
                         info = sprintf("seed %d, %s", seed, column))
      }
      if (margins && length(by)) {
        # overall rows: sums of all the weights of each symptom
        all <- tab[tab[[by[1]]] %in% "(all)", ]
        s1 <- as.character(all$symptom[1])
        cls <- as.character(cohort[[s1]])
        expect_equal(all$weighted_n[1], sum(cohort$w), tolerance = 1e-14)
        expect_equal(all$weighted_alleviated[1],
                     sum(cohort$w[cls %in% "alleviated"]), tolerance = 1e-14)
      }
    }
  }
})

test_that("the grouped path (many strata) sums the weights as the direct one", {
  set.seed(11)
  n <- 3000
  made <- random_cohort(n, n_symptoms = 1)
  cohort <- made$cohort
  cohort$w <- stats::runif(n)
  cohort$id_band <- sample(20000L, n, replace = TRUE)
  tab <- tabulate_cohort(cohort, by = c("id_band", "site"), weights = "w",
                         drop = TRUE)
  oracle <- oracle_weighted(tab[seq_len(min(nrow(tab), 200)), ], cohort,
                            cohort$w, c("id_band", "site"))
  got <- as.matrix(as.data.frame(oracle$cells)[colnames(oracle$sums)])
  expect_equal(unname(got), unname(oracle$sums), tolerance = 1e-13)
  all <- tab[tab$id_band %in% "(all)", ]
  expect_equal(all$weighted_n, sum(cohort$w), tolerance = 1e-14)
})

test_that("intervals equal survey::svyciprop(method = 'beta') per stratum", {
  skip_if_not_installed("survey")
  for (seed in seq_len(n_cases(4))) {
    set.seed(100 + seed)
    n <- 300
    made <- random_cohort(n, n_symptoms = 1)
    cohort <- made$cohort
    cohort$w <- stats::rgamma(n, 2) + 0.05
    tab <- tabulate_cohort(cohort, by = "group", weights = "w",
                           method = "exact", conf_level = c(0.95, 0.9)[seed %% 2 + 1])
    cl <- attr(tab, "conf_level")
    for (k in which(tab$evaluable > 1 & tab$rate > 0 & tab$rate < 1)) {
      g <- as.character(tab$group[k])
      rows <- if (is.na(g)) is.na(cohort$group) else
        if (g == "(all)") rep(TRUE, n) else !is.na(cohort$group) & cohort$group == g
      cls <- as.character(cohort$s1)
      ev <- data.frame(y = as.numeric(cls == "alleviated"), w = cohort$w)[
        rows & cls %in% c("alleviated", "unchanged", "worsened"), ]
      design <- survey::svydesign(ids = ~1, weights = ~w, data = ev)
      ci <- survey::svyciprop(~y, design, method = "beta", level = cl)
      info <- sprintf("seed %d, group %s", seed, g)
      expect_equal(tab$rate[k], as.vector(unclass(ci)), tolerance = 1e-12, info = info)
      expect_equal(c(tab$rate_lower[k], tab$rate_upper[k]),
                   unname(attr(ci, "ci")), tolerance = 1e-10, info = info)
      m <- survey::svymean(~y, design)
      expect_equal(tab$n_effective[k],
                   unname(coef(m) * (1 - coef(m)) / stats::vcov(m))[1],
                   tolerance = 1e-10, info = info)
    }
  }
})

test_that("other methods use the effective size; p of 0 or 1 uses Kish's", {
  w <- c(1, 2, 3, 4, 2.5)
  tab <- tabulate_cohort(classify_cohort(myelography[1:5, ]), weights = w,
                         method = "wilson")
  # hand-worked: the formulas of ?tabulate_cohort on the table's own sums
  p <- tab$weighted_alleviated / tab$weighted_evaluable
  n <- tab$evaluable
  v <- n / (n - 1) * ((1 - p)^2 * tab$sum_w2_alleviated +
                        p^2 * (tab$sum_w2_evaluable - tab$sum_w2_alleviated)) /
    tab$weighted_evaluable^2
  n_eff <- ifelse(p %in% c(0, 1), tab$weighted_evaluable^2 / tab$sum_w2_evaluable,
                  p * (1 - p) / v)
  n_eff[tab$evaluable == 0] <- NA
  expect_equal(tab$n_effective, n_eff)
  for (m in c("wilson", "jeffreys", "agresti-coull", "exact")) {
    t_m <- tabulate_cohort(classify_cohort(myelography[1:5, ]), weights = w,
                           method = m)
    ok <- !is.na(n_eff)
    ref <- prop_ci(0, 1, method = m)  # method name is valid
    expect_s3_class(ref, "data.frame")
    x <- p[ok] * n_eff[ok]
    ci <- myelorelief:::proportion_interval(x, n_eff[ok], 0.95, m)
    expect_equal(t_m$rate_lower[ok], ci$lower, info = m)
    expect_equal(t_m$rate_upper[ok], ci$upper, info = m)
  }
  # Wilson with a whole effective size is prop.test()'s interval
  cohort <- classify_cohort(myelography)
  one <- tabulate_cohort(cohort, weights = rep(2, nrow(cohort)))
  plain <- tabulate_cohort(cohort)
  expect_equal(one$rate, plain$rate)
  # all weights equal: the design effect is n / (n - 1) away from 1
  k <- which(plain$rate > 0 & plain$rate < 1)
  expect_equal(one$n_effective[k], plain$evaluable[k] - 1)
})

test_that("weights all 1 give today's counts exactly; scaled weights the same rates", {
  cohort <- classify_cohort(myelography)
  plain <- tabulate_cohort(cohort, by = "hospital")
  ones <- tabulate_cohort(cohort, by = "hospital", weights = rep(1L, nrow(cohort)))
  expect_identical(ones$weighted_n, plain$n)
  expect_identical(ones$weighted_alleviated, plain$alleviated)
  expect_identical(ones$weighted_evaluable, plain$evaluable)
  expect_identical(ones$sum_w2_evaluable, plain$evaluable)
  expect_identical(ones$rate, plain$rate)
  set.seed(3)
  w <- stats::runif(nrow(cohort), 0.1, 5)
  base <- tabulate_cohort(cohort, by = "hospital", weights = w, method = "exact")
  for (j in c(-3, 1, 7)) {
    scaled <- tabulate_cohort(cohort, by = "hospital", weights = w * 2^j,
                              method = "exact")
    for (column in c("rate", "rate_lower", "rate_upper", "share", "n_effective")) {
      expect_identical(scaled[[column]], base[[column]], info = paste(j, column))
    }
    expect_identical(scaled$weighted_n, base$weighted_n * 2^j)
  }
  three <- tabulate_cohort(cohort, by = "hospital", weights = w * 3,
                           method = "exact")
  for (column in c("rate", "rate_lower", "rate_upper", "share", "n_effective")) {
    expect_equal(three[[column]], base[[column]], tolerance = 1e-12, info = column)
  }
  # integer and double weights, column and vector: the same table
  cohort$wi <- sample(0:5, nrow(cohort), replace = TRUE)
  a <- tabulate_cohort(cohort, by = "hospital", weights = "wi")
  b <- tabulate_cohort(cohort, by = "hospital", weights = as.double(cohort$wi))
  attr(b, "weights") <- attr(a, "weights")
  expect_identical(a, b)
  expect_identical(attr(a, "weights"), "wi")
})

test_that("row order, stratum types, threads and forks leave every bit alone", {
  for (seed in seq_len(n_cases(4))) {
    set.seed(200 + seed)
    n <- 500
    made <- random_cohort(n)
    cohort <- made$cohort
    cohort$w <- stats::rlnorm(n, sdlog = 2)
    tab <- tabulate_cohort(cohort, by = "age_band", weights = "w")
    perm <- sample(n)
    shuffled <- tabulate_cohort(cohort[perm, ], by = "age_band", weights = "w")
    for (column in weighted_numbers) {
      expect_identical(shuffled[[column]], tab[[column]],
                       info = sprintf("seed %d, %s", seed, column))
    }
    for (type in c("double", "character", "factor")) {
      other <- cohort
      other$age_band <- switch(type, double = as.double(other$age_band),
                               character = as.character(other$age_band),
                               factor = factor(other$age_band))
      typed <- tabulate_cohort(other, by = "age_band", weights = "w")
      for (column in weighted_numbers) {
        expect_identical(typed[[column]], tab[[column]],
                         info = sprintf("seed %d, %s, %s", seed, type, column))
      }
    }
  }
  # long enough for two threads and four lanes to be used
  set.seed(7)
  n <- 70000
  data <- data.frame(hospital = factor(sample(c("A", "B", "C"), n, TRUE)),
                     lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE))
  cohort <- classify_cohort(data, list(lbp = alleviation_rule("decrease",
                                                              min_change = 2,
                                                              range = c(0, 10))))
  w <- stats::rlnorm(n, sdlog = 3)
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(1)
  one <- tabulate_cohort(cohort, by = "hospital", weights = w)
  myelorelief_threads(2)
  two <- tabulate_cohort(cohort, by = "hospital", weights = w)
  expect_identical(one, two)
  perm <- sample(n)
  expect_identical(tabulate_cohort(cohort[perm, ], by = "hospital",
                                   weights = w[perm])[weighted_numbers],
                   one[weighted_numbers])
  skip_on_os("windows")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "forks under a memory checker")
  forked <- parallel::mclapply(1:2, function(i) {
    tabulate_cohort(cohort, by = "hospital", weights = w)
  }, mc.cores = 2)
  expect_identical(forked[[1]], one)
  expect_identical(forked[[2]], one)
})

test_that("bad weights are refused, naming the argument and the rows", {
  cohort <- classify_cohort(myelography)
  n <- nrow(cohort)
  w <- rep(1, n)
  bad <- function(values, pattern) {
    expect_error(tabulate_cohort(cohort, weights = values), pattern)
  }
  w1 <- w; w1[c(4, 9)] <- -1
  bad(w1, "`weights` must be finite numbers >= 0.*-1 at row 4, -1 at row 9")
  w2 <- w; w2[7] <- NA
  bad(w2, "`weights`.*NA at row 7")
  w3 <- w; w3[2] <- NaN
  bad(w3, "`weights`.*NaN at row 2")
  w4 <- w; w4[300] <- Inf; w4[301] <- -Inf
  bad(w4, "`weights`.*Inf at row 300, -Inf at row 301")
  w5 <- w; w5[1:20] <- -2
  bad(w5, "row 5 \\(20 such rows in all\\)")
  bad(as.character(w), "`weights` must be one column name or a numeric vector.*character vector of length 325")
  bad(c("a", "b"), "`weights` must be one column name")
  bad(rep(1, n - 1), "`weights` must have one weight per row of `x` \\(325\\), but the vector has 324")
  bad(factor(w), "`weights` must be numeric")
  bad(rep(TRUE, n), "`weights` must be numeric")
  bad("nowhere", "`weights` names the column \"nowhere\", which is not in `x`")
  cohort$wc <- as.character(w)
  bad("wc", "`weights` must be numeric.*column \"wc\"")
  cohort$wn <- w; cohort$wn[5] <- NA
  bad("wn", "`weights`.*column \"wn\" has NA at row 5")
  bad(c(1e200, w[-1]), "`weights` must have their largest between 1e-150 and 1e154.*the vector is 1e\\+200")
  # zero weights are allowed; all zero: no weighted rate
  z <- tabulate_cohort(cohort, weights = rep(0, n))
  expect_true(all(z$weighted_n == 0))
  expect_true(all(is.na(z$rate)))
  expect_identical(z$evaluable, tabulate_cohort(cohort)$evaluable)
})

test_that("weights come from `data` when it has them, checked for alignment", {
  cohort <- classify_cohort(myelography)
  set.seed(5)
  extra <- data.frame(id = cohort$id, ipw = stats::runif(nrow(cohort), 1, 2))
  a <- tabulate_cohort(cohort, by = "hospital", data = extra, weights = "ipw")
  cohort$ipw <- extra$ipw
  b <- tabulate_cohort(cohort, by = "hospital", weights = "ipw")
  expect_identical(a, b)
  shuffled <- extra[rev(seq_len(nrow(extra))), ]
  expect_error(tabulate_cohort(cohort, data = shuffled, weights = "ipw"), "data")
})

test_that("chunks of a weighted cohort combine to the whole table", {
  for (seed in seq_len(n_cases(5))) {
    set.seed(300 + seed)
    n <- sample(c(30, 400), 1)
    made <- random_cohort(n)
    cohort <- made$cohort
    dyadic <- seed %% 2 == 0
    cohort$w <- if (dyadic) sample(0:40, n, replace = TRUE) / 8 else stats::rexp(n)
    by <- list("site", c("site", "group"), NULL)[[seed %% 3 + 1]]
    whole <- tabulate_cohort(cohort, by = by, weights = "w")
    chunk <- sample(1:3, n, replace = TRUE)
    chunk[chunk == 3 & seq_len(n) > 1] <- 2   # a chunk may be tiny or empty
    parts <- lapply(split(seq_len(n), factor(chunk, levels = 1:3)), function(i) {
      tabulate_cohort(cohort[i, ], by = by, weights = cohort$w[i])
    })
    parts <- lapply(parts, function(p) { attr(p, "weights") <- "w"; p })
    combined <- combine_tables(parts)
    info <- sprintf("seed %d, dyadic %s", seed, dyadic)
    for (column in c("n", "alleviated", "unchanged", "worsened", "absent",
                     "missing", "evaluable")) {
      expect_identical(combined[[column]], whole[[column]], info = info)
    }
    for (column in weighted_numbers) {
      if (dyadic) {
        expect_identical(combined[[column]], whole[[column]],
                         info = paste(info, column))
      } else {
        expect_equal(combined[[column]], whole[[column]], tolerance = 1e-14,
                     info = paste(info, column))
      }
    }
    expect_identical(attr(combined, "weights"), "w")
  }
  cohort <- classify_cohort(myelography)
  cohort$w <- 2
  a <- tabulate_cohort(cohort[1:100, ], weights = "w")
  b <- tabulate_cohort(cohort[101:325, ])
  expect_error(combine_tables(a, b), "Table 2 is not weighted, but table 1 is weighted by \"w\"")
  cohort$v <- 2
  c2 <- tabulate_cohort(cohort[101:325, ], weights = "v")
  expect_error(combine_tables(a, c2), "Table 2 is weighted by \"v\", but table 1 is weighted by \"w\"")
})

test_that("print, format, tidy and plot show weighted rates; summary refuses", {
  cohort <- classify_cohort(myelography)
  set.seed(9)
  cohort$ipw <- round(stats::runif(nrow(cohort), 1, 3), 2)
  tab <- tabulate_cohort(cohort, by = "sex", weights = "ipw")
  text <- capture.output(print(tab))
  expect_match(text[2], "weights: \"ipw\"")
  expect_match(text[3], "rate: weight of the alleviated / weight of the evaluable")
  expect_match(text[4], "Wilson score, design-based, at the effective size")
  f <- format(tab)
  expect_true(all(c("weighted rate (95% CI)", "n_eff") %in% names(f)))
  # a table by hospital prints in 80 columns, n_eff beside the rates
  d <- myelography
  d$w <- rep_len(c(0.5, 1, 2.5), nrow(d))
  lines <- capture.output(print(tabulate_cohort(classify_cohort(d), by = "hospital",
                                                weights = "w")))
  expect_lte(max(nchar(lines)), 80L)
  expect_match(lines[5], "n_eff$")
  expect_identical(f[["weighted rate (95% CI)"]],
                   ifelse(is.na(tab$rate), "-",
                     sprintf("%.1f%% (%.1f-%.1f)", 100 * tab$rate,
                             100 * tab$rate_lower, 100 * tab$rate_upper)))
  expect_match(capture.output(print(tabulate_cohort(cohort, weights = "ipw",
                                                   method = "exact")))[4],
               "Korn-Graubard")
  expect_error(summary(tab), "compare_rates\\(\\)")
  skip_if_not_installed("generics")
  td <- generics::tidy(tab)
  expect_identical(td$estimate, tab$rate)
  expect_identical(td$n_effective, tab$n_effective)
  expect_false(any(c("weighted_n", "sum_w2_evaluable") %in% names(td)))
  expect_null(attr(as.data.frame(tab), "weights"))
  path <- tempfile(fileext = ".png")
  grDevices::png(path)
  on.exit(unlink(path))
  expect_silent(plot(tab))
  grDevices::dev.off()
  # a subset keeps the weights
  expect_identical(attr(tab[1:2, ], "weights"), "ipw")
})

test_that("weighted cohorts of visits tabulate; imputed cohorts refuse weights", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  set.seed(12)
  n <- 40
  d <- data.frame(id = sprintf("p%03d", seq_len(n)),
                  site = sample(c("A", "B"), n, replace = TRUE))
  for (s in c("lbp", "leg_pain")) {
    for (v in c("pre", "day1", "week1")) d[[paste0(s, "_", v)]] <- sample(0:10, n, TRUE)
  }
  v <- classify_visits(d, rules, visits = c("day1", "week1"), id = "id")
  w <- stats::runif(nrow(v))
  tab <- tabulate_cohort(v, by = "site", weights = w)
  expect_identical(attr(tab, "unit"), "patient-visit")
  expect_equal(tab$weighted_n[tab$site %in% "(all)"], rep(sum(w), 3))
  skip_if_not_installed("mice")
  datasets <- lapply(1:2, function(k) {
    x <- d[c("id", "site", "lbp_pre", "lbp_week1", "leg_pain_pre", "leg_pain_week1")]
    names(x) <- sub("_week1$", "_post", names(x))
    x
  })
  imputed <- classify_cohort(datasets, rules)
  expect_error(tabulate_cohort(imputed, weights = "w"),
               "`weights` are not available for an imputed cohort")
})

test_that("weights multiplied by a power of two give the same rates and intervals, or a clear refusal", {
  # scale invariance: a weighted rate, its effective size and its interval
  # do not change when every weight is multiplied by the same number (2^k:
  # exact). Weights whose squares underflow lost precision silently (the
  # intervals moved at 2^-520 and were NA at 2^-700): refused instead.
  set.seed(2303)
  x <- classify_cohort(myelography)
  w <- stats::rexp(nrow(x)) + 0.01
  base <- tabulate_cohort(x, by = "hospital", weights = w, method = "exact")
  columns <- c("rate", "rate_lower", "rate_upper", "n_effective")
  for (k in c(-700, -520, -480, -200, 200, 480, 520)) {
    info <- sprintf("seed 2303, weights times 2^%d", k)
    got <- tryCatch(tabulate_cohort(x, by = "hospital", weights = w * 2^k,
                                    method = "exact"),
                    myelorelief_error = function(e) conditionMessage(e))
    if (is.character(got)) {
      expect_match(got, "`weights` must", info = info)
      expect_match(got, "Multiply every weight", info = info)
    } else {
      expect_equal(as.data.frame(got)[columns], as.data.frame(base)[columns],
                   tolerance = 1e-12, info = info)
    }
  }
  expect_error(tabulate_cohort(x, weights = w * 2^-520), "`weights` must")
  expect_no_error(tabulate_cohort(x, weights = w * 2^-480))
})

test_that("tiny, huge and zero weights sum as plain R does", {
  cohort <- classify_cohort(myelography)
  n <- nrow(cohort)
  set.seed(21)
  for (magnitude in c(1e-320, 1e-300, 1e-160, 1, 1e150)) {
    w <- stats::runif(n) * magnitude
    w[sample(n, 50)] <- 0
    if (magnitude < 1e-150) {
      # their squares underflow: refused (see the scale-invariance test)
      expect_error(tabulate_cohort(cohort, by = "hospital", weights = w),
                   "`weights` must have their largest between 1e-150 and 1e154",
                   info = sprintf("magnitude %g", magnitude))
      next
    }
    tab <- tabulate_cohort(cohort, by = "hospital", weights = w)
    oracle <- oracle_weighted(tab, cohort, w, "hospital")
    got <- as.matrix(as.data.frame(oracle$cells)[colnames(oracle$sums)])
    # subnormal weights hold few digits; their sums are exact in the kernel
    # and rounded at each step in R
    expect_equal(unname(got), unname(oracle$sums), tolerance = 1e-12,
                 info = sprintf("magnitude %g", magnitude))
  }
})

test_that("the documented precision: each weight kept to 2^-61 of the largest, the squares of the kept weights summed exactly", {
  # Hand-made weights whose kept values are known exactly. The largest
  # weight is 1, so the scale is 2^61 (2^61 <= 1 * 2^61 < 2^62): a weight
  # m * 2^-61 + r * 2^-75 (m, r small whole numbers) is kept as m * 2^-61,
  # its r * 2^-75 truncated; the oracle adds the whole numbers m exactly.
  # A kept square is floor(q^2 / 2^64) * 2^-58 with q = m here: below 2^32
  # its square is under 2^64 and vanishes, within the documented 2^-57.
  # (the weights of 1 have m = 0, r = 0)
  cohort <- classify_cohort(myelography)
  n <- nrow(cohort)
  set.seed(2611)
  m <- sample(0:2^20, n, replace = TRUE)
  r <- sample(0:2^13, n, replace = TRUE)
  ones <- sample(n, 20)
  w <- m * 2^-61 + r * 2^-75
  w[ones] <- 1
  is_one <- seq_len(n) %in% ones
  m[is_one] <- 0
  tab <- tabulate_cohort(cohort, by = "hospital", weights = w, margins = FALSE)
  # The kept sums, exactly: the weights of 1 and the whole numbers m added
  # apart (exact doubles), then one rounding, as the kernel's one
  # conversion. (R's own sum() of the weights rounds at each step when
  # long doubles are plain doubles, as under valgrind.)
  ones_sums <- oracle_weighted(tab, cohort, as.double(is_one), "hospital")
  m_sums <- oracle_weighted(tab, cohort, as.double(m), "hospital")$sums
  got <- as.matrix(as.data.frame(ones_sums$cells)[colnames(ones_sums$sums)])
  sums <- c("weighted_n", "weighted_alleviated", "weighted_evaluable")
  w2 <- c("sum_w2_alleviated", "sum_w2_evaluable")
  expect_identical(unname(got[, sums]),
                   unname(ones_sums$sums[, sums] + m_sums[, sums] * 2^-61))
  # squares: exactly those of the kept weights, 1 for the weights of 1 and
  # m^2 * 2^-122 for the others (whole numbers below 2^49 in all: exact),
  # rounded once when added
  m_squares <- oracle_weighted(tab, cohort, as.double(m)^2, "hospital")$sums
  expect_identical(unname(got[, w2]),
                   unname(ones_sums$sums[, w2] + m_squares[, sums[c(2, 3)]] * 2^-122))
  # and against the squares as given: within the weights' own truncation
  given <- oracle_weighted(tab, cohort, w, "hospital")$sums
  expect_true(all(abs(got[, w2] - given[, w2]) <= n * 2^-57))
  # (the sums as given differ: the parts r * 2^-75 were truncated)
  expect_true(any(abs(got[, sums] - given[, sums]) > 0))
})

test_that("dyadic weights sum exactly, as plain R sums them, on the keyed and per-symptom passes", {
  set.seed(2612)
  for (case in 1:4) {
    n <- c(300, 5000, 70000, 70001)[case]
    # four class columns: by key (5 * 5^4 or 15 * 5^4 keys); six: too many
    # keys (5 * 5^6), the pass per symptom
    made <- random_cohort(n, n_symptoms = c(3, 3, 5, 5)[case])
    cohort <- made$cohort
    # k / 8 below 2^13: every weight, square and sum is exact in a double
    cohort$w <- sample(0:2^16, n, replace = TRUE) / 8
    by <- list("site", c("site", "group"), "site", c("site", "group"))[[case]]
    tab <- tabulate_cohort(cohort, by = by, weights = "w", margins = FALSE)
    oracle <- oracle_weighted(tab, cohort, cohort$w, by)
    got <- as.matrix(as.data.frame(oracle$cells)[colnames(oracle$sums)])
    expect_identical(unname(got), unname(oracle$sums),
                     info = sprintf("seed 2612, case %d, n %d", case, n))
  }
})

test_that("the weight check finds the largest weight and the first bad one wherever they lie", {
  # The check reads weights four at a time in blocks of 2^14: every position
  # modulo 4 and at the ends of a block, for lengths that are and are not
  # multiples of 4 (oracle: max() and which() in R).
  C_weights_max <- getFromNamespace("C_weights_max", "myelorelief")
  set.seed(91)
  for (n in c(1:9, 16383:16385, 2^15 + 3)) {
    positions <- unique(pmin(n, c(1:5, n - 0:4, 16383:16386, (n %/% 2) + 0:3)))
    positions <- positions[positions >= 1]
    for (p in positions) {
      info <- sprintf("seed 91, n %d, position %d", n, p)
      w <- stats::runif(n)
      w[p] <- 7.5                                # the largest, here only
      expect_identical(.Call(C_weights_max, w), 7.5, info = info)
      for (bad in list(-1e-300, NA_real_, NaN, Inf, -Inf)) {
        v <- w
        v[p] <- bad
        later <- if (p < n) p + sample.int(n - p, 1L) else p
        v[later] <- -1                           # a later bad one: not the first
        expect_identical(.Call(C_weights_max, v), -as.double(p),
                         info = paste(info, format(bad)))
      }
    }
  }
  # -0 is a weight of 0; all zero (or -0) weights have a largest of +0
  expect_identical(.Call(C_weights_max, c(0, -0, 3, -0)), 3)
  expect_identical(1 / .Call(C_weights_max, c(-0, -0, 0, -0, -0)), Inf)
  expect_identical(.Call(C_weights_max, double()), 0)
})

test_that("a large weight in one stratum leaves the other strata's sums of squares and intervals alone", {
  # found by review: squares kept to 2^-57 of the largest square lost those
  # of the small weights (hospital B's interval moved at a weight of 1e7
  # in hospital A, and was NA at 1e9). Oracle: B tabulated alone.
  cohort <- classify_cohort(myelography)
  in_b <- myelography$hospital == "B"
  for (big in c(1e7, 1e9, 1e12)) {
    w <- rep(0.3, nrow(cohort))
    w[which(myelography$hospital == "A")[1]] <- big
    full <- as.data.frame(tabulate_cohort(cohort, by = "hospital", weights = w,
                                          margins = FALSE))
    full <- full[full$hospital == "B", ]
    alone <- as.data.frame(tabulate_cohort(cohort[in_b, ], weights = w[in_b]))
    info <- sprintf("a weight of %g in hospital A", big)
    expect_equal(full$symptom, alone$symptom, info = info)
    # 0.3 is kept to 2^-61 * 2 * big of itself: 1e12 leaves ~1e-6
    tolerance <- max(1e-12, 4 * 2^-61 * big / 0.3)
    for (column in c("sum_w2_evaluable", "sum_w2_alleviated", "n_effective",
                     "rate", "rate_lower", "rate_upper")) {
      expect_equal(full[[column]], alone[[column]], tolerance = tolerance,
                   info = paste(info, column))
    }
  }
})

test_that("weights whose squares would sum past the largest double are refused", {
  cohort <- classify_cohort(myelography)
  n <- nrow(cohort)
  # (5e153, not 1e154: R under valgrind parses 1e154 a bit above the limit)
  expect_error(tabulate_cohort(cohort, weights = rep(5e153, n)),
               "`weights` are too large: the sum of the squares of 325 weights")
  # just inside: n * max^2 below 1e308
  ok <- tabulate_cohort(cohort, weights = rep(1e152, n))
  expect_true(all(is.finite(as.data.frame(ok)$sum_w2_evaluable)))
})
