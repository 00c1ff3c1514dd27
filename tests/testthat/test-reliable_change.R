# reliable_change_rule(): the Jacobson-Truax threshold, written here from
# the formula, z * SD * sqrt(2 * (1 - r)), never from the package's code.
oracle_rc <- function(sd, r, conf_level = 0.95) {
  stats::qnorm(1 - (1 - conf_level) / 2) * sd * sqrt(2 * (1 - r))
}

test_that("the threshold is the reliable change, for improvement and worsening", {
  for (case in list(c(2.2, 0.85, 0.95), c(1, 0.5, 0.9), c(15, 0.9, 0.99),
                    c(0.3, 0.01, 0.5), c(100, 0.999, 0.95))) {
    rule <- reliable_change_rule(sd = case[1], reliability = case[2],
                                 conf_level = case[3])
    expected <- oracle_rc(case[1], case[2], case[3])
    info <- paste(case, collapse = ", ")
    expect_s3_class(rule, "alleviation_rule")
    expect_equal(rule$min_change, expected, tolerance = 1e-14, info = info)
    expect_equal(rule$worsen_change, expected, tolerance = 1e-14, info = info)
    expect_identical(rule$min_relative, NA_real_)
    expect_identical(rule$worsen_relative, NA_real_)
    expect_identical(rule$direction, "decrease")
  }
  # the textbook value: 1.96 x 2.2 x sqrt(0.3) = 2.3617...
  expect_equal(reliable_change_rule(2.2, 0.85)$min_change, 2.361736, tolerance = 1e-6)
  # 90%: z = 1.645
  expect_equal(reliable_change_rule(1, 0.5, conf_level = 0.9)$min_change,
               1.644854, tolerance = 1e-6)
})

test_that("`...` passes range, absent_at and label; the rule is an ordinary one", {
  rule <- reliable_change_rule(300, 0.8, direction = "increase",
                               absent_at = 500, range = c(0, 500),
                               label = "Walking distance (m)")
  expect_identical(rule$direction, "increase")
  expect_identical(rule$absent_at, 500)
  expect_identical(rule$range, c(0, 500))
  expect_identical(rule$label, "Walking distance (m)")
  expect_true(myelorelief:::rule_is_intact(rule))   # the quick check passes it
  expect_identical(names(rule), c("direction", "min_change", "min_relative",
                                  "combine", "worsen_change", "worsen_relative",
                                  "absent_at", "range", "label", "origin"))
  # defaults as alleviation_rule()'s
  plain <- reliable_change_rule(2, 0.8)
  expect_identical(plain$absent_at, 0)
  expect_identical(plain$range, c(0, Inf))
  expect_identical(reliable_change_rule(2, 0.8, direction = "increase")$absent_at, Inf)
})

test_that("classification with the rule: reliably improved, worsened or unchanged", {
  set.seed(12)
  rule <- reliable_change_rule(2.2, 0.85, range = c(0, 10))   # 2.3617
  pre <- sample(c(0:10, NA), 400, replace = TRUE)
  post <- sample(c(0:10, NA), 400, replace = TRUE)
  got <- classify_alleviation(pre, post, rule)
  expect_identical(got, oracle_classify(pre, post, rule))
  # by hand: a fall of 3 is reliable, of 2 is not; a rise of 3 is
  expect_identical(as.character(classify_alleviation(c(8, 8, 5, 0), c(5, 6, 8, 3), rule)),
                   c("alleviated", "unchanged", "worsened", "absent"))
})

test_that("the SD from `baseline`: known values with the symptom present", {
  pre <- c(7, 0, 5, NA, 8, 3, 0, 6, NaN)
  rule <- reliable_change_rule(reliability = 0.8, baseline = pre, range = c(0, 10))
  present <- c(7, 5, 8, 3, 6)
  expect_equal(rule$min_change, oracle_rc(stats::sd(present), 0.8), tolerance = 1e-14)
  expect_match(rule$origin, "SD of 5 baseline values", fixed = TRUE)
  # absent_at moves with the rule
  rule1 <- reliable_change_rule(reliability = 0.8, baseline = pre,
                                range = c(0, 10), absent_at = 3)
  expect_equal(rule1$min_change, oracle_rc(stats::sd(c(7, 5, 8, 6)), 0.8),
               tolerance = 1e-14)
  # walking distance: Inf (unlimited) is absent under "increase"
  walk <- c(100, 250, Inf, 400, NA, 80)
  rule2 <- reliable_change_rule(reliability = 0.9, baseline = walk,
                                direction = "increase")
  expect_equal(rule2$min_change, oracle_rc(stats::sd(c(100, 250, 400, 80)), 0.9),
               tolerance = 1e-14)
  # integer input, and the cohort
  expect_equal(reliable_change_rule(reliability = 0.8, baseline = c(2L, 4L, 9L))$min_change,
               oracle_rc(stats::sd(c(2, 4, 9)), 0.8))
  lbp <- myelography$lbp_pre
  rule3 <- reliable_change_rule(reliability = 0.85, baseline = lbp, range = c(0, 10))
  expect_equal(rule3$min_change,
               oracle_rc(stats::sd(lbp[!is.na(lbp) & lbp > 0]), 0.85), tolerance = 1e-14)
})

test_that("the origin is printed, and a rule without one prints as before", {
  expect_snapshot({
    reliable_change_rule(2.2, 0.85, range = c(0, 10), label = "Leg pain (NRS)")
    reliable_change_rule(reliability = 0.8, baseline = c(7, 0, 5, NA, 8, 3, 6),
                         range = c(0, 10), conf_level = 0.9)
  })
  out <- capture.output(print(alleviation_rule(min_change = 2)))
  expect_false(any(grepl("threshold from", out)))
})

test_that("a hand-edited origin is checked like a label", {
  rule <- reliable_change_rule(2.2, 0.85, range = c(0, 10))
  expect_identical(classify_alleviation(8, 5, rule), factor("alleviated", levels = myelorelief:::alleviation_levels))
  bad <- rule
  bad$origin <- 1
  expect_false(myelorelief:::rule_is_intact(bad))
  expect_error(classify_alleviation(8, 5, bad), "`origin` must be NULL or a single string",
               class = "myelorelief_error")
  bad$origin <- c("a", "b")
  expect_error(classify_alleviation(8, 5, bad), "`origin`", class = "myelorelief_error")
  # removed, or on a rule made by alleviation_rule(): fine
  none <- rule
  none$origin <- NULL
  expect_true(myelorelief:::rule_is_intact(none))
  own <- alleviation_rule(min_change = 2, range = c(0, 10))
  own$origin <- "Ostelo et al. 2008"
  expect_true(myelorelief:::rule_is_intact(own))
  expect_match(capture.output(print(own))[6], "threshold from: Ostelo et al. 2008", fixed = TRUE)
  # origin before another field: the slow path accepts it too
  moved <- unclass(own)[c("origin", setdiff(names(own), "origin"))]
  class(moved) <- "alleviation_rule"
  expect_false(myelorelief:::rule_is_intact(moved))
  expect_identical(classify_alleviation(8, 5, moved), classify_alleviation(8, 5, own))
})

test_that("bad reliabilities, SDs and baselines are clear errors", {
  for (r in list(0, 1, -0.2, 1.5, NA, NaN, "0.8", c(0.8, 0.9), TRUE, Inf)) {
    expect_error(reliable_change_rule(2, r), "`reliability` must be a single number strictly between 0 and 1",
                 class = "myelorelief_error", info = format(r))
  }
  expect_error(reliable_change_rule(2), "`reliability` is missing", class = "myelorelief_error")
  for (s in list(0, -1, NA, NaN, Inf, "2", c(1, 2), NULL, TRUE)) {
    expect_error(reliable_change_rule(s, 0.8), "`sd` must be a single positive finite number",
                 class = "myelorelief_error", info = format(s))
  }
  expect_error(reliable_change_rule(1e308, 0.1), "`sd`", class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8), "either `sd` or `baseline`",
               class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, baseline = 1:5), "either `sd` or `baseline`",
               class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8, baseline = c(0, 0, 5, NA)),
               "`baseline` has 1 value with the symptom present", class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8, baseline = c(4, 4, 4)),
               "`baseline` has no spread", class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8, baseline = c(4, 11, 2), range = c(0, 10)),
               "`baseline` is 11 at position 2, outside the rule's range", class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8, baseline = c(4, Inf, 2)),
               "`baseline` is Inf at position 2", class = "myelorelief_error")
  expect_error(reliable_change_rule(reliability = 0.8, baseline = c("4", "5")),
               "`baseline` must be a numeric vector", class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, min_relative = 0.3),
               "`...` passes only `range`, `absent_at` and `label`.*`min_relative`",
               class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, "decrease", 0.95, c(0, 10)),
               "an unnamed argument", class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, range = c(0, 10), range = c(0, 5)),
               "`range`", class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, range = c(10, 0)), "`range` must be two increasing",
               class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, label = 3), "`label`", class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, direction = "down"), "`direction`",
               class = "myelorelief_error")
  expect_error(reliable_change_rule(2, 0.8, conf_level = 1), "`conf_level`",
               class = "myelorelief_error")
  # the error is attributed to reliable_change_rule()
  err <- tryCatch(reliable_change_rule(2, 0.8, range = c(10, 0)), error = identity)
  expect_identical(as.character(conditionCall(err)[[1]]), "reliable_change_rule")
})

test_that("a reliable change wider than the range is refused: nobody could ever change", {
  expect_error(reliable_change_rule(sd = 20, reliability = 0.1, range = c(0, 10)),
               "gives a reliable change of 52.59, more than the width of `range` \\(0 to 10: 10\\)",
               class = "myelorelief_error")
  # from the SD of the baseline: the message says so
  expect_error(reliable_change_rule(reliability = 0.05, baseline = c(1, 10, 1, 10), range = c(0, 10)),
               "The SD of `baseline` .* gives a reliable change of .*more than the width of `range`",
               class = "myelorelief_error")
  # at most the width is a rule (a change across the whole range counts)
  z <- qnorm(0.975)
  sd_at_width <- 10 / (z * sqrt(2 * (1 - 0.5)))
  at <- reliable_change_rule(sd = sd_at_width, reliability = 0.5, range = c(0, 10))
  expect_equal(at$min_change, 10)
  expect_identical(as.character(classify_alleviation(10, 0, at)), "alleviated")
  expect_error(reliable_change_rule(sd = sd_at_width * 1.001, reliability = 0.5, range = c(0, 10)),
               "more than the width of `range`")
  # an open range has no width to exceed
  expect_s3_class(reliable_change_rule(sd = 500, reliability = 0.1), "alleviation_rule")
  # the check scales: the same values x 10^k are judged the same
  for (k in -2:3) {
    ok <- reliable_change_rule(sd = 2 * 10^k, reliability = 0.8, range = c(0, 10) * 10^k)
    expect_equal(ok$min_change, z * 2 * sqrt(0.4) * 10^k, info = paste("k", k))
    expect_error(reliable_change_rule(sd = 20 * 10^k, reliability = 0.1, range = c(0, 10) * 10^k),
                 "more than the width", info = paste("k", k))
  }
})

test_that("the boundary: the rule counts a change equal to RC, clinical_significance() does not", {
  # RC of exactly 2 points (to round-off): sd = 2 / (z * sqrt(2 * (1 - r)))
  z <- qnorm(0.975)
  sd <- 2 / (z * sqrt(2 * (1 - 0.8)))
  rule <- reliable_change_rule(sd = sd, reliability = 0.8, range = c(0, 10))
  expect_equal(rule$min_change, 2, tolerance = 1e-14)
  pre <- c(8, 8, 3, 8)
  post <- c(6, 5.9, 5, 7)
  # the package's rules: inclusive (a fall of exactly 2 is alleviation)
  expect_identical(as.character(classify_alleviation(pre, post, rule)),
                   c("alleviated", "alleviated", "worsened", "unchanged"))
  # Jacobson and Truax: reliable only beyond RC
  cs <- clinical_significance(pre, post, 0.8, clinical = c(mean = 8, sd = sd),
                              range = c(0, 10))
  expect_identical(as.character(cs$category)[c(1, 3, 4)],
                   c("unchanged", "unchanged", "unchanged"))
  expect_true(cs$category[2] %in% c("improved", "recovered"))
  # the same reliable change in both (JT's S_diff)
  expect_equal(abs(cs$rci[1]), z, tolerance = 1e-12)
})

test_that("the SD's sample: all baselines here, complete pairs in clinicalsignificance", {
  pre <- c(7, 5, 8, 3, 6, 9)
  post <- c(4, NA, 5, 3, NA, 2)
  ours <- reliable_change_rule(reliability = 0.8, baseline = pre, range = c(0, 10))
  expect_equal(ours$min_change, oracle_rc(sd(pre), 0.8), tolerance = 1e-14)
  # the peer's recipe, as documented: the SD of the complete pairs' baselines
  peer <- reliable_change_rule(sd = sd(pre[!is.na(pre) & !is.na(post)]), reliability = 0.8,
                               range = c(0, 10))
  expect_equal(peer$min_change, oracle_rc(sd(c(7, 8, 3, 9)), 0.8), tolerance = 1e-14)
  cs_all <- clinical_significance(pre, post, 0.8, range = c(0, 10))
  cs_pairs <- clinical_significance(pre, post, 0.8, sd_sample = "complete_pairs", range = c(0, 10))
  expect_equal(attr(cs_all, "clinical_significance")$clinical$sd, sd(pre))
  expect_equal(attr(cs_pairs, "clinical_significance")$clinical$sd, sd(c(7, 8, 3, 9)))
})

test_that("a narrow range: the SD from `baseline` works on a scale narrower than 1", {
  # a 0-0.5 scale (hypothetical): the rule's checks once used a placeholder
  # threshold of 1, refused on such a range
  pre <- c(0.40, 0.35, 0.10, 0.45, 0.30)
  rule <- reliable_change_rule(reliability = 0.95, baseline = pre, range = c(0, 0.5))
  expect_equal(rule$min_change, oracle_rc(sd(pre), 0.95), tolerance = 1e-14)
  # same as the cohort scaled down from 0-10 to 0-0.5
  big <- reliable_change_rule(reliability = 0.95, baseline = pre * 20, range = c(0, 10))
  expect_equal(rule$min_change * 20, big$min_change, tolerance = 1e-14)
})
