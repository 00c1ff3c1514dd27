# tidy() and glance() through the generics package (no broom needed). The
# oracle for every number is the result's own as.data.frame(), column by
# column under broom's names.

skip_if_not_installed("generics")
tidy <- generics::tidy
glance <- generics::glance

cohort <- classify_cohort(myelography)

expect_broom_columns <- function(td, info = NULL) {
  expect_s3_class(td, "data.frame")
  expect_true(all(c("term", "estimate") %in% names(td)), info = info)
  expect_type(td$term, "character")
  expect_type(td$estimate, "double")
  for (column in intersect(c("std.error", "conf.low", "conf.high",
                             "statistic", "p.value"), names(td))) {
    expect_type(td[[column]], "double")
  }
}

test_that("every result class with as.data.frame() has a tidy() method", {
  ns <- asNamespace("myelorelief")
  classes <- sub("^as\\.data\\.frame\\.", "",
                 ls(ns, pattern = "^as\\.data\\.frame\\.", all.names = TRUE))
  # data, not results: the cohorts of patients and visits
  classes <- setdiff(classes, c("myelo_cohort", "myelo_visits"))
  for (cls in classes) {
    expect_false(is.null(utils::getS3method("tidy", cls, optional = TRUE,
                                            envir = asNamespace("generics"))),
                 info = cls)
  }
})

test_that("alleviation_table: rates and intervals as in as.data.frame()", {
  for (by in list(NULL, "sex", c("sex", "hospital"))) {
    tab <- tabulate_cohort(cohort, by = by)
    d <- as.data.frame(tab)
    td <- tidy(tab)
    info <- paste(by, collapse = " x ")
    expect_broom_columns(td, info)
    expect_identical(nrow(td), nrow(d))
    expect_identical(td$estimate, d$rate, info = info)
    expect_identical(td$conf.low, d$rate_lower, info = info)
    expect_identical(td$conf.high, d$rate_upper, info = info)
    expect_identical(td$evaluable, d$evaluable, info = info)
    expect_identical(td$symptom, d$symptom, info = info)
    for (b in by) expect_identical(td[[b]], d[[b]], info = info)
    g <- glance(tab)
    expect_identical(nrow(g), 1L)
    expect_equal(g$patients, nrow(myelography))
    expect_equal(g$strata, if (is.null(by)) 1 else nrow(unique(myelography[by])))
  }
})

test_that("a stratum named like a broom column keeps its values", {
  d <- myelography
  d$term <- d$sex
  d$estimate <- d$hospital
  tab <- tabulate_cohort(classify_cohort(d), by = c("term", "estimate"))
  td <- tidy(tab)
  expect_identical(td$term.by, as.data.frame(tab)$term)
  expect_identical(td$estimate.by, as.data.frame(tab)$estimate)
  expect_identical(td$term, rep("rate", nrow(td)))
  expect_identical(td$estimate, as.data.frame(tab)$rate)
})

test_that("summary.alleviation_table: rates, differences and p-values", {
  s <- summary(tabulate_cohort(cohort, by = "sex"))
  d <- as.data.frame(s)
  td <- tidy(s)
  expect_broom_columns(td)
  rate <- td[td$term == "rate", ]
  expect_identical(rate$estimate, d$rate)
  expect_identical(rate$conf.low, d$rate_lower)
  difference <- td[td$term == "difference", ]
  expect_identical(difference$estimate, d$difference)
  expect_identical(difference$conf.low, d$difference_lower)
  expect_identical(difference$conf.high, d$difference_upper)
  expect_identical(difference$p.value, d$p_value)
  expect_identical(difference$contrast, d$contrast)
  # more than two strata: the test alone
  s4 <- summary(tabulate_cohort(cohort, by = "hospital"))
  td4 <- tidy(s4)
  het <- td4[td4$term == "heterogeneity", ]
  expect_identical(het$p.value, as.data.frame(s4)$p_value)
  expect_true(all(is.na(het$estimate)))
})

test_that("rate_comparison and its summary: one row per measure", {
  cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")),
                       "sex", strata = "hospital")
  d <- as.data.frame(cmp)
  td <- tidy(cmp)
  expect_broom_columns(td)
  expect_identical(nrow(td), 4L * nrow(d))
  for (m in c("rd", "rr", "or", "nnt")) {
    rows <- td[td$measure == m, ]
    expect_identical(rows$estimate, d[[m]], info = m)
    expect_identical(rows$conf.low, d[[paste0(m, "_lower")]], info = m)
    expect_identical(rows$conf.high, d[[paste0(m, "_upper")]], info = m)
    expect_identical(rows$p.value, d$p_value, info = m)
    expect_identical(rows$statistic, d$statistic, info = m)
    expect_identical(rows$analysis, d$analysis, info = m)
    expect_identical(rows$term, paste(d$group, "vs", d$reference), info = m)
  }
  g <- glance(cmp)
  pooled <- d[d$analysis == "Mantel-Haenszel", ]
  expect_identical(nrow(g), nrow(pooled))
  expect_identical(g$rd, pooled$rd)
  expect_identical(g$q_rd, pooled$q_rd)
  expect_identical(g$i2_rr, pooled$i2_rr)
  expect_identical(g$breslow_day_p, pooled$breslow_day_p)
  expect_identical(g$p.value, pooled$p_value)
  expect_identical(g$n_strata, rep(4L, nrow(g)))
  # crude only
  crude <- compare_rates(tabulate_cohort(cohort, by = "sex"), "sex")
  expect_identical(glance(crude)$rd, as.data.frame(crude)$rd)
  # the summary, stratum by stratum
  s <- summary(cmp)
  ds <- as.data.frame(s)
  ts <- tidy(s)
  expect_broom_columns(ts)
  rd <- ts[ts$measure == "rd", ]
  expect_identical(rd$estimate, ds$rd)
  expect_identical(rd$conf.low, ds$rd_lower)
  expect_identical(rd$stratum, ds$stratum)
  expect_identical(rd$analysis, ds$analysis)
})

test_that("alleviation_comparison: its tests", {
  cmp <- compare_alleviated(cohort, c("age", "sex", "diagnosis"))
  d <- as.data.frame(cmp)
  td <- tidy(cmp)
  expect_identical(td$term, c("age", "sex", "diagnosis"))
  expect_type(td$p.value, "double")
  expect_identical(td$p.value, d$p_value[!duplicated(d$variable)])
  expect_identical(td$test, d$test[!duplicated(d$variable)])
})

test_that("alleviation_curve, guo2016_reproduction, durability", {
  cu <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                          study_rules()$lbp)
  d <- as.data.frame(cu)
  td <- tidy(cu)
  expect_broom_columns(td)
  expect_identical(td$estimate, d$rate)
  expect_identical(td$conf.low, d$rate_lower)
  expect_identical(td$conf.high, d$rate_upper)
  expect_identical(td$threshold, d$threshold)

  r <- reproduce_guo2016()
  d <- as.data.frame(r)
  td <- tidy(r)
  expect_broom_columns(td)
  expect_identical(td$estimate, d$share)
  expect_identical(td$conf.low, d$share_exact_lower)
  expect_identical(td$conf.high, d$share_exact_upper)
  expect_identical(td$conf.low.wilson, d$share_wilson_lower)
  expect_identical(td$reproduced, d$reproduced)
  expect_identical(td$symptom, d$symptom)

  dur <- durability(classify_visits(hypothetical_followup,
                                    visits = c("post", "week1", "month1", "month3"),
                                    id = "id"))
  d <- as.data.frame(dur, what = "visits")
  td <- tidy(dur)
  expect_broom_columns(td)
  expect_identical(td$estimate, d$rate)
  expect_identical(td$conf.low, d$rate_lower)
  expect_identical(td$visit, d$visit)
  s <- summary(dur)
  d <- as.data.frame(s)
  td <- tidy(s)
  expect_broom_columns(td)
  expect_identical(td$estimate, d$sustained_rate)
  expect_identical(td$conf.high, d$sustained_rate_upper)
  expect_identical(td$sustained, d$sustained)
})

test_that("mcid: the cut-off and the AUC", {
  set.seed(2)
  fall <- myelography$lbp_pre - myelography$lbp_post
  better <- fall + rnorm(length(fall), sd = 1.5) > 2
  for (boot in c(0, 50)) {
    m <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, better,
                       boot = boot)
    d <- as.data.frame(m)
    td <- tidy(m)
    expect_broom_columns(td, info = boot)
    expect_identical(td$estimate[td$term == "cut-off"], d$estimate)
    expect_identical(td$conf.low[td$term == "cut-off"], d$estimate_lower)
    expect_identical(td$estimate[td$term == "auc"], d$auc)
    expect_identical(td$conf.high[td$term == "auc"], d$auc_upper)
    g <- glance(m)
    expect_identical(nrow(g), 1L)
    expect_identical(g$used, d$used)
    expect_identical(g$youden, d$youden)
  }
})

test_that("table_one: one row per cell, tests on each row of a variable", {
  t1 <- table_one(cohort, c("age", "sex", "myelo_block"), group = "any_alleviated",
                  nonnormal = "age", test = TRUE, smd = TRUE)
  d <- as.data.frame(t1)
  tests <- as.data.frame(t1, what = "tests")
  td <- tidy(t1)
  expect_broom_columns(td)
  expect_identical(nrow(td), nrow(d))
  age <- td$variable == "age"
  expect_identical(td$estimate[age], d$median[age])
  expect_identical(td$q1[age], d$q1[age])
  expect_identical(unique(td$measure[age]), "median")
  level <- d$kind == "level"
  expect_identical(td$estimate[level], d$proportion[level])
  expect_identical(td$n, d$n)
  expect_identical(td$p.value, tests$p_value[match(d$variable, tests$variable)])
  expect_identical(td$smd, tests$smd[match(d$variable, tests$variable)])
  # a mean comes with its standard error
  t2 <- table_one(cohort, "age", group = "sex")
  d2 <- as.data.frame(t2)
  td2 <- tidy(t2)
  expect_identical(td2$estimate, d2$mean)
  expect_equal(td2$std.error, d2$sd / sqrt(d2$n))
  g <- glance(t1)
  expect_identical(g$n, as.double(nrow(cohort)))
  expect_identical(g$n_groups, 2L)
  expect_identical(g$n_group_missing, as.double(sum(is.na(cohort$any_alleviated))))
})

test_that("score_change: one row per estimate, the numbers of as.data.frame()", {
  x <- score_change(myelography, study_rules()[c("lbp", "leg_pain")], group = "sex")
  d <- as.data.frame(x)
  td <- tidy(x)
  expect_broom_columns(td)
  terms <- c("mean change", "standardized response mean", "effect size (Kazis)",
             "difference in mean change", "adjusted difference (ANCOVA)")
  expect_identical(unique(td$term), terms)
  expect_identical(nrow(td), 5L * nrow(d))
  pick <- function(term) td[td$term == term, ]
  expect_identical(pick("mean change")$estimate, d$change_mean)
  expect_identical(pick("mean change")$conf.low, d$change_lower)
  expect_identical(pick("mean change")$p.value, d$t_p)
  expect_identical(pick("standardized response mean")$conf.high, d$srm_upper)
  expect_identical(pick("effect size (Kazis)")$estimate, d$es)
  expect_identical(pick("difference in mean change")$p.value, d$diff_p)
  expect_identical(pick("adjusted difference (ANCOVA)")$estimate, d$ancova_diff)
  expect_identical(pick("mean change")$sex, d$sex)
  expect_identical(pick("mean change")$n, d$n)
  # without a group, no comparison rows
  expect_identical(unique(tidy(score_change(myelography, study_rules()["lbp"]))$term),
                   terms[1:3])
})

test_that("tidy() of a predictive MIC names it a MIC, not a cut-off", {
  set.seed(3)
  pre <- sample(3:10, 300, TRUE)
  post <- pmax(0, pre - sample(0:6, 300, TRUE))
  anchor <- (pre - post + rnorm(300, 0, 1.5)) > 2.5
  m <- estimate_mcid(pre, post, anchor = anchor, improved = TRUE,
                     method = "predictive", boot = 0)
  t <- generics::tidy(m)
  expect_identical(t$term[1L], "mic")
  expect_equal(t$estimate[1L], as.data.frame(m)$estimate)
  roc <- estimate_mcid(pre, post, anchor = anchor, improved = TRUE, boot = 0)
  expect_identical(generics::tidy(roc)$term[1L], "cut-off")
})
