test_that("the curve equals reclassification threshold by threshold", {
  set.seed(31)
  for (direction in c("decrease", "increase")) {
    for (trial in 1:15) {
      rule <- random_rule(direction)
      pre <- random_measurements(400, direction)
      post <- random_measurements(400, direction)
      vary <- sample(c("min_relative", "min_change"), 1)
      thresholds <- if (vary == "min_relative") {
        sample(c(seq(0, 1.5, by = 0.05), 0.3, 0.3))
      } else sample(c(seq(0, 10, by = 0.5), 2, 2))
      curve <- alleviation_curve(pre, post, rule, thresholds, vary = vary)
      expected <- vapply(thresholds, function(t) {
        r <- rule
        r[[vary]] <- t
        sum(classify_alleviation(pre, post, r) == "alleviated", na.rm = TRUE)
      }, numeric(1))
      expect_equal(curve$alleviated, expected, info = paste(direction, trial, vary))
      judged <- sum(classify_alleviation(pre, post, rule) %in%
                      c("alleviated", "unchanged", "worsened"))
      expect_equal(unique(curve$evaluable), judged)
      expect_equal(curve$threshold, thresholds)
    }
  }
})

test_that("hand-worked curve of a 0-10 score", {
  rule <- alleviation_rule(min_change = 2, min_relative = 0.3, range = c(0, 10))
  # falls: 4 (50%), 2.1 (30%, round-off), 1 (10%), rise, absent, NA
  curve <- alleviation_curve(c(8, 7, 10, 3, 0, NA), c(4, 4.9, 9, 5, 0, 3), rule,
                             thresholds = c(0.5, 0.3, 0, 0.51))
  expect_equal(curve$alleviated, c(1, 2, 2, 0))
  expect_equal(curve$evaluable, rep(4, 4))
  expect_equal(curve$rate, c(1, 2, 2, 0) / 4)
  ci <- prop_ci(curve$alleviated, curve$evaluable)
  expect_equal(curve$rate_lower, ci$proportion_lower)
  expect_equal(curve$rate_upper, ci$proportion_upper)
})

test_that("print() and plot() work", {
  curve <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                             study_rules()$lbp, seq(0, 1, by = 0.25))
  expect_snapshot(curve)
  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  on.exit({
    grDevices::dev.off()
    unlink(path)
  })
  expect_invisible(plot(curve))
  expect_invisible(plot(alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                                          study_rules()$lbp, 0:5, vary = "min_change")))
})

test_that("bad input is an error naming the argument", {
  rule <- study_rules()$lbp
  expect_error(alleviation_curve("1", 1, rule, 0.3), "`pre`")
  expect_error(alleviation_curve(1, "1", rule, 0.3), "`post`")
  expect_error(alleviation_curve(1:2, 1, rule, 0.3), "`post` must have the same length",
               class = "myelorelief_error")
  expect_error(alleviation_curve(1, 1, list(), 0.3), "`rule`")
  expect_error(alleviation_curve(1, 1, rule, numeric()), "`thresholds`")
  expect_error(alleviation_curve(1, 1, rule, -0.1), "`thresholds`")
  expect_error(alleviation_curve(1, 1, rule, NA), "`thresholds`")
  expect_error(alleviation_curve(1, 1, rule, Inf), "`thresholds`")
  expect_error(alleviation_curve(1, 1, rule, "0.3"), "`thresholds`")
  expect_error(alleviation_curve(1, 1, rule, 0.3, vary = "worsen_change"), "`vary`")
  expect_error(alleviation_curve(1, 1, rule, 0.3, conf_level = 2), "`conf_level`")
  expect_error(alleviation_curve(1, 1, rule, 0.3, method = "x"), "`method`")
  expect_error(alleviation_curve(11, 1, rule, 0.3), "`pre` is 11 at position 1",
               class = "myelorelief_error")
  expect_error(alleviation_curve(1, -Inf, rule, 0.3), "`post` is -Inf at position 1",
               class = "myelorelief_error")
})

test_that("without thresholds the curve uses a round grid", {
  rule <- study_rules()$lbp
  relative <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post, rule)
  expect_equal(relative$threshold, seq(0, 1, by = 0.05))
  points <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post, rule,
                              vary = "min_change")
  change <- myelography$lbp_pre - myelography$lbp_post
  expect_equal(points$threshold, 0:max(change, na.rm = TRUE))   # whole-number scores
  decimal <- alleviation_curve(c(5, 6.5), c(2.25, 6), rule, vary = "min_change")
  expect_identical(decimal$threshold[1], 0)
  expect_lte(max(decimal$threshold), 2.75)
  expect_gte(length(decimal$threshold), 10)
  # each row equals the explicit call
  again <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post, rule,
                             thresholds = points$threshold, vary = "min_change")
  expect_identical(points, again)
})
