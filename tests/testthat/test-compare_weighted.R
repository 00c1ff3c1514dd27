# compare_rates() on weighted tables (R/compare_weighted.R). Oracles:
# survey::svyglm() on a design with the weights only, and sandwich's HC0
# variance of a weighted glm times n/(n - 1); a hand-worked case; with
# weights 1, the unweighted Wald estimates.

# The weighted table of a random cohort: `by` its stratum columns.
weighted_table <- function(r, by) {
  tabulate_cohort(r$cohort, by = by, weights = r$w)
}

# The evaluable patients of `symptom` with y = alleviated, and the levels of
# `arm` with evaluable patients, the reference first.
evaluable_rows <- function(r, symptom, reference) {
  d <- as.data.frame(r$cohort)
  d$w <- r$w
  cls <- as.character(patient_classes(d, symptom))
  e <- d[!is.na(cls) & cls %in% c("alleviated", "unchanged", "worsened"), ]
  e$y <- as.numeric(patient_classes(e, symptom) == "alleviated")
  e$arm <- stats::relevel(droplevels(factor(as.character(e$arm))), reference)
  e
}

test_that("weighted comparisons equal survey::svyglm() (coefficients, vcov, confint, p) over random cohorts", {
  skip_if_not_installed("survey")
  links <- c(rd = "identity", rr = "log", or = "logit")
  compared <- 0L
  for (seed in 1:12) {
    set.seed(1000 + seed)
    n <- sample(c(40, 120, 400), 1L)
    k <- sample(2:4, 1L)
    r <- random_weighted_cohort(n, k = k, seed = seed, skew = stats::runif(1, 0.2, 1.5))
    by <- if (seed %% 2) "arm" else c("site", "arm")
    tab <- weighted_table(r, by)
    cmp <- compare_rates(tab, "arm")
    reference <- attr(cmp, "reference")
    expect_setequal(as.character(unique(cmp$symptom)), c("lbp", "leg_pain", "any"))
    for (symptom in c("lbp", "leg_pain", "any")) {
      e <- evaluable_rows(r, symptom, reference)
      if (nlevels(e$arm) < 2L || levels(e$arm)[1L] != reference) next
      design <- survey::svydesign(ids = ~1, weights = ~w, data = e)
      rows <- cmp[cmp$symptom == symptom & cmp$group %in% levels(e$arm)[-1L], ]
      terms <- paste0("arm", rows$group)
      rate <- tapply(e$w * e$y, e$arm, sum) / tapply(e$w, e$arm, sum)
      for (m in names(links)) {
        info <- sprintf("seed %d, n %d, k %d, by %s, symptom %s, measure %s",
                        seed, n, k, paste(by, collapse = "+"), symptom, m)
        # glm() cannot start at a rate of 0 or 1 (binomial variance 0): no
        # oracle there; a ratio whose log or logit is infinite has no interval
        if (any(rate %in% c(0, 1))) {
          if (m == "or" || (m == "rr" && any(rate == 0))) {
            expect_true(any(is.na(rows[[paste0(m, "_lower")]])), info = info)
          }
          next
        }
        # starting values (from the plain-R rates) only help the log link
        # converge; the fit is the same from any start
        family <- stats::quasibinomial(link = links[[m]])
        eta <- family$linkfun(rate)
        # (svyglm() evaluates `start` among the data: give it as a value)
        fit <- suppressWarnings(do.call(survey::svyglm, list(
          y ~ arm, design = design, family = family,
          start = unname(c(eta[1L], eta[-1L] - eta[1L])))))
        back <- if (m == "rd") identity else exp
        se <- switch(m, rd = rows$se_rd, rr = rows$se_log_rr, or = rows$se_log_or)
        p <- switch(m, rd = rows$p_value, rr = rows$p_rr, or = rows$p_or)
        expect_equal(rows[[m]], back(unname(stats::coef(fit)[terms])),
                     tolerance = 1e-7, info = info)
        expect_equal(se, unname(sqrt(diag(stats::vcov(fit)))[terms]),
                     tolerance = 1e-6, info = info)
        ci <- stats::confint(fit)[terms, , drop = FALSE]
        expect_equal(rows[[paste0(m, "_lower")]], back(unname(ci[, 1L])),
                     tolerance = 1e-6, info = info)
        expect_equal(rows[[paste0(m, "_upper")]], back(unname(ci[, 2L])),
                     tolerance = 1e-6, info = info)
        expect_equal(p, unname(summary(fit)$coefficients[terms, 4L]),
                     tolerance = 1e-6, info = info)
        expect_equal(rows$df, rep(fit$df.residual, nrow(rows)), info = info)
        compared <- compared + nrow(rows)
      }
    }
  }
  # most comparisons met the oracle (rates of 0 or 1 are rare here)
  expect_gt(compared, 150L)
})

test_that("weighted comparisons equal sandwich's HC0 variance of a weighted glm times n/(n - 1)", {
  skip_if_not_installed("sandwich")
  for (seed in 21:30) {
    r <- random_weighted_cohort(200, k = 3, seed = seed)
    cmp <- compare_rates(weighted_table(r, "arm"), "arm")
    e <- evaluable_rows(r, "leg_pain", attr(cmp, "reference"))
    rows <- cmp[cmp$symptom == "leg_pain", ]
    terms <- paste0("arm", rows$group)
    n <- nrow(e)
    for (link in c("identity", "log", "logit")) {
      fit <- suppressWarnings(stats::glm(y ~ arm, data = e, weights = w,
                                         family = stats::quasibinomial(link = link)))
      se <- sqrt(diag(sandwich::vcovHC(fit, type = "HC0")) * n / (n - 1))[terms]
      mine <- switch(link, identity = rows$se_rd, log = rows$se_log_rr,
                     logit = rows$se_log_or)
      expect_equal(mine, unname(se), tolerance = 1e-6,
                   info = sprintf("seed %d, link %s", seed, link))
    }
  }
})

test_that("a hand-worked weighted 2 x 2 comparison", {
  # A: weights 1 (alleviated), 2, 3 (alleviated), 4; B: 2 (alleviated),
  # 2 (alleviated), 1. Alleviated: pain 8 -> 2; unchanged: 8 -> 8.
  data <- data.frame(id = 1:7, arm = c("A", "A", "A", "A", "B", "B", "B"),
                     leg_pain_pre = 8,
                     leg_pain_post = c(2, 8, 2, 8, 2, 2, 8))
  w <- c(1, 2, 3, 4, 2, 2, 1)
  cohort <- classify_cohort(data, study_rules()["leg_pain"], id = "id")
  tab <- tabulate_cohort(cohort, by = "arm", weights = w)
  cmp <- compare_rates(tab, "arm")
  expect_equal(compare_rates(weight_table_by_hand(tabulate_cohort(cohort, by = "arm"),
                                                  cohort, w, name = "w"), "arm"), cmp)
  row <- cmp[cmp$symptom == "leg_pain", ]
  # A: p = 4/10, sum w^2 alleviated 10, not 20; B: p = 4/5, 8 and 1
  f <- 7 / 6
  vA <- f * (0.6^2 * 10 + 0.4^2 * 20) / 10^2
  vB <- f * (0.2^2 * 8 + 0.8^2 * 1) / 5^2
  t <- stats::qt(0.975, 5)
  expect_equal(c(row$rate, row$ref_rate), c(0.8, 0.4))
  expect_equal(row$rd, 0.4)
  expect_equal(row$se_rd, sqrt(vA + vB))
  expect_equal(c(row$rd_lower, row$rd_upper), 0.4 + c(-1, 1) * t * sqrt(vA + vB))
  expect_equal(row$p_value, 2 * stats::pt(-0.4 / sqrt(vA + vB), 5))
  expect_equal(row$rr, 2)
  expect_equal(row$se_log_rr, sqrt(vB / 0.8^2 + vA / 0.4^2))
  expect_equal(row$or, 6)
  expect_equal(row$se_log_or, sqrt(vB / (0.8 * 0.2)^2 + vA / (0.4 * 0.6)^2))
  expect_equal(c(row$or_lower, row$or_upper),
               6 * exp(c(-1, 1) * t * sqrt(vB / 0.16^2 + vA / 0.24^2)))
  expect_equal(row$df, 5)
  # effective sizes: p (1 - p) over the variance in each level's own design
  expect_equal(row$n_effective, 0.8 * 0.2 / (vB * (3 / 2) / f))
  expect_equal(row$ref_n_effective, 0.4 * 0.6 / (vA * (4 / 3) / f))
  expect_equal(c(row$events, row$total, row$ref_events, row$ref_total), c(2, 3, 2, 4))
  expect_equal(c(row$weighted_events, row$weighted_total), c(4, 5))
  expect_equal(row$nnt, 2.5)
})

test_that("weights all 1 give the unweighted estimates, with Wald variances times n/(n - 1)", {
  for (seed in 41:45) {
    r <- random_weighted_cohort(300, k = 2, seed = seed)
    r$w[] <- 1
    plain <- compare_rates(tabulate_cohort(r$cohort, by = "arm"), "arm")
    cmp <- compare_rates(weighted_table(r, "arm"), "arm")
    info <- sprintf("seed %d", seed)
    for (column in c("symptom", "group", "reference", "events", "total",
                     "ref_events", "ref_total", "rate", "ref_rate", "rd")) {
      expect_equal(cmp[[column]], plain[[column]], info = paste(info, column))
    }
    # no zero cell in these cohorts: the crude ratios are the plain ones
    expect_false(any(plain$corrected), info = info)
    expect_equal(cmp$rr, plain$rr, info = info)
    expect_equal(cmp$or, plain$or, info = info)
    a <- cmp$events; n1 <- cmp$total; c0 <- cmp$ref_events; n0 <- cmp$ref_total
    f <- (n1 + n0) / (n1 + n0 - 1)
    p1 <- a / n1; p0 <- c0 / n0
    expect_equal(cmp$se_rd^2, f * (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0), info = info)
    # Katz and Woolf
    expect_equal(cmp$se_log_rr^2, f * (1 / a - 1 / n1 + 1 / c0 - 1 / n0), info = info)
    expect_equal(cmp$se_log_or^2, f * (1 / a + 1 / (n1 - a) + 1 / c0 + 1 / (n0 - c0)),
                 info = info)
    expect_equal(cmp$n_effective, cmp$total - 1, info = info)
  }
})

test_that("scaling the weights changes nothing; rates at 0 or 1 give ratios without intervals", {
  r <- random_weighted_cohort(150, k = 3, seed = 7)
  one <- compare_rates(weighted_table(r, "arm"), "arm")
  r2 <- r
  r2$w <- r$w * 1024
  many <- compare_rates(weighted_table(r2, "arm"), "arm")
  same <- setdiff(names(one), c("weighted_events", "weighted_total",
                                "ref_weighted_events", "ref_weighted_total"))
  expect_equal(as.data.frame(many)[same], as.data.frame(one)[same], tolerance = 1e-12)

  data <- data.frame(id = 1:8, arm = rep(c("A", "B", "C"), c(3, 3, 2)),
                     leg_pain_pre = 8,
                     leg_pain_post = c(2, 8, 8, 2, 2, 2, 8, 8))
  cohort <- classify_cohort(data, study_rules()["leg_pain"], id = "id")
  tab <- tabulate_cohort(cohort, by = "arm", weights = c(1, 2, 1, 1, 3, 1, 2, 2))
  cmp <- compare_rates(tab, "arm")
  b <- cmp[cmp$symptom == "leg_pain" & cmp$group == "B", ]
  c3 <- cmp[cmp$symptom == "leg_pain" & cmp$group == "C", ]
  # B: everybody alleviated -> odds ratio Inf, no interval; risk ratio finite
  expect_equal(b$rate, 1)
  expect_equal(b$or, Inf)
  expect_true(is.na(b$or_lower) && is.na(b$or_upper))
  expect_equal(b$rr, 1 / 0.25)
  expect_false(is.na(b$rr_lower))
  # C: nobody alleviated -> ratios 0 without an interval
  expect_equal(c(c3$rr, c3$or), c(0, 0))
  expect_true(all(is.na(c(c3$rr_lower, c3$rr_upper, c3$or_lower, c3$or_upper))))
  expect_false(is.na(c3$rd_lower))
  expect_output(print(cmp), "robust \\(sandwich\\)")
})

test_that("print, format and tidy of a weighted comparison", {
  r <- random_weighted_cohort(120, k = 2, seed = 3)
  # weights named by a column of the data
  data <- r$data
  data$w <- r$w
  cmp <- compare_rates(tabulate_cohort(r$cohort, by = "arm", data = data,
                                       weights = "w"), "arm")
  expect_equal(as.data.frame(cmp),
               as.data.frame(compare_rates(weighted_table(r, "arm"), "arm")))
  expect_s3_class(cmp, "weighted_rate_comparison")
  out <- capture.output(print(cmp))
  expect_match(out[1L], "Weighted alleviation compared by arm \\(weights \"w\"\\)")
  expect_true(any(grepl("effective sample size", out)))
  expect_true(any(grepl("svyglm", out)))
  text <- format(cmp)
  expect_equal(nrow(text), nrow(cmp))
  expect_match(text[["weighted rate"]], "eff\\.")
  skip_if_not_installed("generics")
  td <- generics::tidy(cmp)
  expect_equal(nrow(td), 4L * nrow(cmp))
  expect_equal(td$estimate[td$measure == "rd"], cmp$rd)
  expect_equal(td$p.value[td$measure == "or"], cmp$p_or)
  expect_equal(td$std.error[td$measure == "rr"], cmp$se_log_rr)
  expect_equal(td$conf.low[td$measure == "or"], cmp$or_lower)
  expect_identical(class(as.data.frame(cmp)), "data.frame")
  # rows chosen keep the class; columns dropped give a plain data frame
  one <- cmp[cmp$symptom == "any", ]
  expect_s3_class(one, "weighted_rate_comparison")
  expect_output(print(one), "^Weighted alleviation")
  expect_identical(class(cmp[, c("symptom", "rd")]), "data.frame")
})

test_that("options that belong to counts are refused by name", {
  r <- random_weighted_cohort(120, k = 2, seed = 4)
  tab <- weighted_table(r, c("arm", "site"))
  expect_error(compare_rates(tab, "arm", strata = "site"), "`strata` is not available for a weighted table")
  expect_error(compare_rates(tab, "arm", exact = TRUE), "`exact` is not available")
  expect_error(compare_rates(tab, "arm", correct = TRUE), "`correct` is not available")
  expect_error(compare_rates(tab, "arm", interval = "score"), "`interval` is not available")
  expect_error(compare_rates(tab, "arm", interval = "newcombe"), "`interval` is not available")
  expect_error(compare_rates(tab, "arm", breslow_day = "uncorrected"), "`breslow_day` is not available")
  expect_error(compare_rates(tab, "arm", exact = TRUE, strata = "site"),
               "`strata` and `exact` are not available")
  expect_error(compare_rates(tab, "arm", denominator = "n"), "denominator = \"n\"")
  expect_error(compare_rates(tab, "arm", denominator = "all"), "`denominator`")
  expect_error(compare_rates(tab, "ward"), "`group` must name stratum columns")
  expect_error(compare_rates(tab, "arm", reference = "Z"), "`reference` must be one of")
  expect_error(compare_rates(tab, "arm", conf_level = 2), "conf_level")
  lacking <- tab
  lacking$sum_w2_evaluable <- NULL
  expect_error(compare_rates(lacking, "arm"), "lacks the column `sum_w2_evaluable`")
  negative <- tab
  negative$weighted_evaluable[1L] <- -1
  expect_error(compare_rates(negative, "arm"), "`weighted_evaluable` must hold finite non-negative")
  expect_error(compare_rates(tab, "arm"), NA)
})

test_that("methods_text() describes a weighted analysis", {
  r <- random_weighted_cohort(120, k = 2, seed = 5)
  data <- r$data
  data$w <- r$w
  cmp <- compare_rates(tabulate_cohort(r$cohort, by = "arm", data = data,
                                       weights = "w"), "arm")
  rules <- study_rules()[c("lbp", "leg_pain")]
  text <- methods_text(rules, group = "arm", comparison = cmp)
  paragraph <- text[["paragraph"]]
  expect_match(paragraph, "Patients were weighted by w", fixed = TRUE)
  expect_match(paragraph, "95% Wilson intervals at the effective sample size", fixed = TRUE)
  expect_match(paragraph, "robust (sandwich, design-based) variance", fixed = TRUE)
  # the unweighted comparison's methods are not claimed
  expect_no_match(paragraph, "Newcombe's hybrid", fixed = TRUE)
  expect_no_match(paragraph, "with Fisher's exact test.", fixed = TRUE)
  expect_true(any(grepl("Korn EL, Graubard BI", text)))
  expect_true(any(grepl("Lumley T", text)))
  exact <- methods_text(rules, method = "exact", weights = "ipw")[["paragraph"]]
  expect_match(exact, "weighted by ipw: .*95% Korn-Graubard intervals")
  expect_no_match(exact, "compared with the reference level")
  unweighted <- compare_rates(tabulate_cohort(r$cohort, by = "arm"), "arm")
  expect_error(methods_text(rules, group = "arm", comparison = unweighted, weights = "w"),
               "`comparison` is an unweighted comparison")
  expect_error(methods_text(rules, weights = c("a", "b")), "`weights` must be NULL or the name")
  expect_error(methods_text(rules, comparison = cmp), "give `group`")
  # without weights, nothing changes
  expect_identical(methods_text(rules, group = "arm"),
                   methods_text(rules, group = "arm", weights = NULL))
})

test_that("tables weighted by tabulate_cohort() and in plain R, whole or in chunks, compare alike", {
  for (seed in 51:56) {
    r <- random_weighted_cohort(250, k = 3, seed = seed)
    by <- c("site", "arm")
    info <- sprintf("seed %d", seed)
    whole <- compare_rates(weighted_table(r, by), "arm", reference = "B")
    by_hand <- weight_table_by_hand(tabulate_cohort(r$cohort, by = by), r$cohort, r$w)
    expect_equal(compare_rates(by_hand, "arm", reference = "B"), whole,
                 tolerance = 1e-12, info = info)
    # chunks of the patients, weighted one by one, added up
    set.seed(seed)
    chunk <- sample(1:3, length(r$w), replace = TRUE)
    parts <- lapply(1:3, function(k) {
      rows <- which(chunk == k)
      tabulate_cohort(r$cohort[rows, ], by = by, weights = r$w[rows])
    })
    combined <- compare_rates(do.call(combine_tables, parts), "arm", reference = "B")
    expect_equal(as.data.frame(combined), as.data.frame(whole), tolerance = 1e-12,
                 info = info)
    # each level's effective size is the one of its row in a table by arm
    by_arm <- weighted_table(r, "arm")
    for (i in seq_len(nrow(whole))) {
      row <- by_arm[as.character(by_arm$arm) == whole$group[i] &
                      by_arm$symptom == whole$symptom[i], ]
      expect_equal(whole$n_effective[i], row$n_effective, info = info)
      expect_equal(whole$rate[i], row$rate, info = info)
    }
  }
})

test_that("patients of weight 0 count in the variance as in svyglm(); the df count them too", {
  skip_if_not_installed("survey")
  r <- random_weighted_cohort(200, k = 2, seed = 9)
  set.seed(9)
  zero <- sample(200, 40)
  r$w[zero] <- 0
  cmp <- compare_rates(weighted_table(r, "arm"), "arm")
  e <- evaluable_rows(r, "leg_pain", attr(cmp, "reference"))
  fit <- suppressWarnings(survey::svyglm(
    y ~ arm, design = survey::svydesign(ids = ~1, weights = ~w, data = e),
    family = stats::quasibinomial(link = "identity")))
  row <- cmp[cmp$symptom == "leg_pain", ]
  expect_equal(row$rd, unname(stats::coef(fit)[2L]), tolerance = 1e-10)
  expect_equal(row$se_rd, unname(sqrt(stats::vcov(fit)[2L, 2L])), tolerance = 1e-8)
  expect_equal(row$df, nrow(e) - 2)
  # survey's df leave the patients of weight 0 out
  expect_equal(fit$df.residual, sum(e$w > 0) - 2)
})

test_that("plot() of a weighted comparison draws the forest plot at journal widths", {
  d <- myelography
  d$w <- rep_len(c(0.5, 1, 2.5), nrow(d))
  d$hospital <- factor(d$hospital, labels = c(
    "<b>A</b> *x* -- a hostile \"label\" of sixty characters, 100% long!", "B",
    "H\u00f4pital C", "D"))
  cmp <- compare_rates(tabulate_cohort(classify_cohort(d), by = "hospital",
                                       weights = "w"), "hospital")
  for (width in c(85, 170)) {
    file <- tempfile(fileext = ".png")
    grDevices::png(file, width = width, height = 120, units = "mm", res = 150)
    for (measure in c("rd", "rr", "or")) {
      expect_identical(plot(cmp, measure = measure, symptoms = "lbp"), cmp,
                       info = paste(width, measure))
    }
    grDevices::dev.off()
    expect_gt(file.size(file), 1000)
    unlink(file)
  }
  expect_error(plot(cmp, measure = "nnt"), "`measure`")
})
