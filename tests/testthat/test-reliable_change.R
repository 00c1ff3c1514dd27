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
                                  "absent_at", "range", "strict", "label", "origin"))
  expect_true(rule$strict)   # Jacobson and Truax: a change must exceed RC
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
  # equal to the width: no change can exceed it under the strict default;
  # an inclusive rule (a change across the whole range counts)
  z <- qnorm(0.975)
  sd_at_width <- 10 / (z * sqrt(2 * (1 - 0.5)))
  expect_error(reliable_change_rule(sd = sd_at_width, reliability = 0.5, range = c(0, 10)),
               "as much as \\(and a change must exceed it, `strict = TRUE`\\) the width of `range`",
               class = "myelorelief_error")
  at <- reliable_change_rule(sd = sd_at_width, reliability = 0.5, range = c(0, 10),
                             strict = FALSE)
  expect_equal(at$min_change, 10)
  expect_identical(as.character(classify_alleviation(10, 0, at)), "alleviated")
  # just under the width: a strict rule, met by the change across the range
  under <- reliable_change_rule(sd = sd_at_width * 0.999, reliability = 0.5, range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(10, 9.99), c(0, 0), under)),
                   c("alleviated", "unchanged"))
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

test_that("the boundary: a change equal to RC is not reliable, as in clinical_significance()", {
  # RC of exactly 2 points (to round-off): sd = 2 / (z * sqrt(2 * (1 - r)))
  z <- qnorm(0.975)
  sd <- 2 / (z * sqrt(2 * (1 - 0.8)))
  rule <- reliable_change_rule(sd = sd, reliability = 0.8, range = c(0, 10))
  expect_equal(rule$min_change, 2, tolerance = 1e-14)
  pre <- c(8, 8, 3, 8, 3)
  post <- c(6, 5.9, 5, 7, 5.1)
  # Jacobson and Truax: reliable only beyond RC (a fall or rise of exactly 2
  # is not), by hand
  expect_identical(as.character(classify_alleviation(pre, post, rule)),
                   c("unchanged", "alleviated", "unchanged", "unchanged", "worsened"))
  cs <- clinical_significance(pre, post, 0.8, clinical = c(mean = 8, sd = sd),
                              range = c(0, 10))
  expect_identical(as.character(cs$category)[c(1, 3, 4)],
                   c("unchanged", "unchanged", "unchanged"))
  expect_true(cs$category[2] %in% c("improved", "recovered"))
  expect_true(cs$category[5] %in% c("deteriorated", "harmed"))
  # the same reliable change in both (JT's S_diff)
  expect_equal(abs(cs$rci[1]), z, tolerance = 1e-12)
  # strict = FALSE: the inclusive rule of earlier versions
  inclusive <- reliable_change_rule(sd = sd, reliability = 0.8, range = c(0, 10),
                                    strict = FALSE)
  expect_false(inclusive$strict)
  expect_identical(as.character(classify_alleviation(pre, post, inclusive)),
                   c("alleviated", "alleviated", "worsened", "unchanged", "worsened"))
  expect_false(any(grepl("boundary", capture.output(print(inclusive)))))
  expect_true(any(grepl("falls by at least 2 points", capture.output(print(inclusive)))))
})

test_that("the boundary on decimal data: equal to RC on paper is equal, at every scale", {
  # Hand-worked: RC = 0.2 (to the last bit: sd chosen so), and
  # 0.3 - 0.1 = 0.19999999999999998 in binary, 0.7 - 0.5 = 0.19999999999999996,
  # 1.2 - 1.0 = 0.19999999999999996: each a change of exactly RC on paper,
  # within the tolerance (1e-9 of the largest magnitude involved), so not
  # reliable; 0.3 - 0.0999 (more than RC by 1e-4) is.
  z <- qnorm(0.975)
  r <- 0.8
  pre <- c(0.3, 0.7, 1.2, 0.3, 0.1, 0.5, 1.0, 0.1)
  post <- c(0.1, 0.5, 1.0, 0.0999, 0.3, 0.7, 1.2, 0.3001)
  want <- c("unchanged", "unchanged", "unchanged", "alleviated",
            "unchanged", "unchanged", "unchanged", "worsened")
  for (k in -6:6) {
    f <- 10^k
    sd <- 0.2 * f / (z * sqrt(2 * (1 - r)))
    rule <- reliable_change_rule(sd = sd, reliability = r, range = c(0, 2) * f)
    expect_equal(rule$min_change, 0.2 * f, tolerance = 1e-14, info = paste("k", k))
    got <- classify_alleviation(pre * f, post * f, rule)
    expect_identical(as.character(got), want, info = paste("k", k))
    expect_identical(got, oracle_classify(pre * f, post * f, rule), info = paste("k", k))
    # the same pairs beyond the tolerance: 1e-8 of RC more is reliable
    nudged <- classify_alleviation(pre[1:3] * f, (post[1:3] - 0.2 * 1e-8) * f, rule)
    expect_identical(as.character(nudged), rep("alleviated", 3), info = paste("k", k))
    # clinical_significance() (JT, the same SD) says the same of every pair
    cs <- clinical_significance(pre * f, post * f, r, clinical = c(mean = 0.5 * f, sd = sd))
    expect_identical(cs$category %in% c("improved", "recovered"), want == "alleviated",
                     info = paste("k", k))
    expect_identical(cs$category %in% c("deteriorated", "harmed"), want == "worsened",
                     info = paste("k", k))
  }
})

test_that("reliable_change_rule() and clinical_significance() agree on every pair", {
  # Random decimal scores with many changes exactly at RC (RC = 2 points
  # on a 0.5-point grid, and RC = 0.3 on a 0.1 grid), at several scales:
  # the rule's "alleviated" / "worsened" / "unchanged" are JT's
  # improved-or-recovered / deteriorated-or-harmed / unchanged.
  seed <- 2211
  set.seed(seed)
  z <- qnorm(0.975)
  r <- 0.85
  for (case in seq_len(n_cases(30))) {
    grid <- sample(c(0.5, 0.1, 0.25), 1)
    rc <- sample(c(2, 0.3, 1.5, 0.7), 1)
    f <- 10^sample(-3:3, 1)
    n <- sample(c(0, 1, 5, 200), 1)
    pre <- sample(seq(0, 10, by = grid), n, replace = TRUE)
    # a third of the pairs change by exactly +/- RC
    post <- ifelse(stats::runif(n) < 1 / 3, pre + sample(c(-1, 1), n, TRUE) * rc,
                   sample(seq(0, 10, by = grid), n, replace = TRUE))
    post[stats::runif(n) < 0.05] <- NA
    post <- pmin(pmax(post, 0), 10)
    sd <- rc * f / (z * sqrt(2 * (1 - r)))
    info <- sprintf("seed %d, case %d: grid %s, RC %s, scale %s, n %d", seed, case, grid, rc, f, n)
    rule <- reliable_change_rule(sd = sd, reliability = r, range = c(-1, 11) * f,
                                 absent_at = -1 * f)
    got <- classify_alleviation(pre * f, post * f, rule)
    expect_identical(got, oracle_classify(pre * f, post * f, rule), info = info)
    if (n < 2) next
    cs <- clinical_significance(pre * f, post * f, r, clinical = c(mean = 5 * f, sd = sd))
    expect_identical(is.na(got), is.na(cs$category), info = info)
    expect_identical(got %in% "alleviated", cs$category %in% c("improved", "recovered"), info = info)
    expect_identical(got %in% "worsened", cs$category %in% c("deteriorated", "harmed"), info = info)
    # the same classes at scale 1 (scale invariance of the strict boundary)
    base <- classify_alleviation(pre, post,
                                 reliable_change_rule(sd = sd / f, reliability = r,
                                                      range = c(-1, 11), absent_at = -1))
    expect_identical(got, base, info = info)
  }
})

test_that("the SD's sample: all baselines here, complete pairs in clinicalsignificance", {
  pre <- c(7, 5, 8, 3, 6, 9)
  post <- c(4, NA, 5, 3, NA, 2)
  ours <- reliable_change_rule(reliability = 0.8, baseline = pre, range = c(0, 10))
  expect_equal(ours$min_change, oracle_rc(sd(pre), 0.8), tolerance = 1e-14)
  # the peer's SD when asked: sd_sample = "complete_pairs" with the follow-up
  asked <- reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = post,
                                sd_sample = "complete_pairs", range = c(0, 10))
  expect_identical(asked$min_change, oracle_rc(sd(c(7, 8, 3, 9)), 0.8))
  # the peer's recipe, as documented: the SD of the complete pairs' baselines
  peer <- reliable_change_rule(sd = sd(pre[!is.na(pre) & !is.na(post)]), reliability = 0.8,
                               range = c(0, 10))
  expect_equal(peer$min_change, oracle_rc(sd(c(7, 8, 3, 9)), 0.8), tolerance = 1e-14)
  cs_all <- clinical_significance(pre, post, 0.8, range = c(0, 10))
  cs_pairs <- clinical_significance(pre, post, 0.8, sd_sample = "complete_pairs", range = c(0, 10))
  expect_equal(attr(cs_all, "clinical_significance")$clinical$sd, sd(pre))
  expect_equal(attr(cs_pairs, "clinical_significance")$clinical$sd, sd(c(7, 8, 3, 9)))
})

test_that("sd_sample: present, complete pairs (the peer's, absent baselines too) or all", {
  # Hand-worked (hypothetical scores): baseline 0 is absent (absent_at 0)
  pre <- c(0, 7, 5, NA, 8, 3, 0, 6, 9)
  post <- c(2, 4, NA, 5, 5, 3, 0, NA, 2)
  present <- reliable_change_rule(reliability = 0.8, baseline = pre, range = c(0, 10))
  expect_equal(present$min_change, oracle_rc(sd(c(7, 5, 8, 3, 6, 9)), 0.8), tolerance = 1e-14)
  expect_match(present$origin, "SD of 6 baseline values with the symptom present", fixed = TRUE)
  # clinicalsignificance: every baseline of a complete pair, 0 included
  pairs <- reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = post,
                                sd_sample = "complete_pairs", range = c(0, 10))
  expect_equal(pairs$min_change, oracle_rc(sd(c(0, 7, 8, 3, 0, 9)), 0.8), tolerance = 1e-14)
  expect_match(pairs$origin, "SD of the baselines of 6 complete pairs", fixed = TRUE)
  everything <- reliable_change_rule(reliability = 0.8, baseline = pre,
                                     sd_sample = "all_baselines", range = c(0, 10))
  expect_equal(everything$min_change, oracle_rc(sd(c(0, 7, 5, 8, 3, 0, 6, 9)), 0.8),
               tolerance = 1e-14)
  expect_match(everything$origin, "SD of 8 known baseline values", fixed = TRUE)
  # the same SD as clinical_significance() with the matching sample
  cs_pairs <- clinical_significance(pre, post, 0.8, sd_sample = "complete_pairs", range = c(0, 10))
  cs_all <- clinical_significance(pre, post, 0.8, sd_sample = "all_baselines", range = c(0, 10))
  expect_identical(pairs$min_change,
                   oracle_rc(attr(cs_pairs, "clinical_significance")$clinical$sd, 0.8))
  expect_identical(everything$min_change,
                   oracle_rc(attr(cs_all, "clinical_significance")$clinical$sd, 0.8))
  # the Methods paragraph says which SD
  text <- methods_text(list(pain = pairs))[[1]]
  expect_match(text, "of the baseline values of the 6 patients with both values", fixed = TRUE)
  expect_match(methods_text(list(pain = everything))[[1]], "of the 8 known baseline values",
               fixed = TRUE)
  expect_match(methods_text(list(pain = present))[[1]],
               "of the 6 baseline values with the symptom present", fixed = TRUE)
  # integer input
  expect_identical(reliable_change_rule(reliability = 0.8, baseline = c(2L, 4L, 9L),
                                        follow_up = c(NA, 1L, 3L),
                                        sd_sample = "complete_pairs")$min_change,
                   oracle_rc(sd(c(4, 9)), 0.8))
})

test_that("sd_sample and follow_up: bad combinations are errors naming the argument", {
  e <- function(expr, pattern) expect_error(expr, pattern, class = "myelorelief_error")
  pre <- c(7, 5, 8, 3)
  e(reliable_change_rule(2, 0.8, sd_sample = "complete_pairs"), "`sd_sample`.*no use when `sd` is given")
  e(reliable_change_rule(2, 0.8, follow_up = pre), "`follow_up` is used only by")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = pre),
    "`follow_up` is used only by `sd_sample = \"complete_pairs\"`, not by \"present\"")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, sd_sample = "complete_pairs"),
    "needs `follow_up`")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = 1:3,
                         sd_sample = "complete_pairs"),
    "`follow_up` must have the length of `baseline` \\(4\\), not 3")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = c("1", "2", "3", "4"),
                         sd_sample = "complete_pairs"), "`follow_up` must be a numeric vector")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = c(1, 2, 11, 4),
                         sd_sample = "complete_pairs", range = c(0, 10)),
    "`follow_up` is 11 at position 3")
  e(reliable_change_rule(reliability = 0.8, baseline = c(1, 12, 3), follow_up = c(1, 2, 3),
                         sd_sample = "complete_pairs", range = c(0, 10)),
    "`baseline` is 12 at position 2")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, follow_up = c(1, NA, NA, NA),
                         sd_sample = "complete_pairs"), "1 value in complete pairs")
  e(reliable_change_rule(reliability = 0.8, baseline = c(NA, 5, NA), sd_sample = "all_baselines"),
    "1 value known")
  e(reliable_change_rule(reliability = 0.8, baseline = pre, sd_sample = "pairs"), "`sd_sample`")
  e(reliable_change_rule(reliability = 0.9, baseline = c(100, Inf, 80), follow_up = c(1, 2, 3),
                         sd_sample = "complete_pairs", direction = "increase"),
    "infinite values in complete pairs")
  for (bad in list(NA, "yes", c(TRUE, FALSE), 1, NULL)) {
    e(reliable_change_rule(2, 0.8, strict = bad), "`strict` must be TRUE or FALSE")
  }
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
