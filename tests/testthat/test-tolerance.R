# One tolerance for every comparison in the judgement of a pair, relative to
# the magnitude of the values compared (?classify_alleviation, "Tolerance").

test_that("identical scores written two ways are unchanged, not worsened", {
  r <- alleviation_rule("decrease", min_change = 0, range = c(0, 10))
  x <- 0:100
  # 0.3 vs 0.30000000000000004 and 34 more such pairs
  expect_true(any(x / 10 != x * 0.1))
  out <- classify_alleviation(x / 10, x * 0.1, r)
  expect_identical(as.character(out), c("absent", rep("unchanged", 100)))
  expect_identical(as.character(classify_alleviation(x * 0.1, x / 10, r)),
                   c("absent", rep("unchanged", 100)))
  up <- alleviation_rule("increase", min_change = 0)
  expect_identical(as.character(classify_alleviation(x / 10, x * 0.1, up)),
                   rep("unchanged", 101))
})

test_that("a change within the tolerance is no change, whatever the threshold", {
  zero <- alleviation_rule("decrease", min_change = 0, min_relative = 0,
                           combine = "any", range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(0.3, 0.1 + 0.2, 7, 7),
                                                     c(0.1 + 0.2, 0.3, 7 - 1e-12, 7 + 1e-12),
                                                     zero)),
                   rep("unchanged", 4))
  # beyond the tolerance (1e-9 of 7) a change counts, with a threshold of 0
  expect_identical(as.character(classify_alleviation(c(7, 7), c(7 - 1e-7, 7 + 1e-7), zero)),
                   c("alleviated", "worsened"))
})

test_that("absent_at catches a baseline equal to it up to round-off", {
  r <- alleviation_rule("decrease", min_change = 1, absent_at = 0.3, range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(0.1 + 0.2, 0.3, 0.3 + 1e-6, 0.29),
                                                     c(0, 0, 0, 0), r)),
                   c("absent", "absent", "unchanged", "absent"))
  capped <- alleviation_rule("increase", min_change = 1, absent_at = 0.3)
  expect_identical(as.character(classify_alleviation(c(0.1 + 0.2, 0.3 - 1e-6, 0.31),
                                                     c(2, 2, 2), capped)),
                   c("absent", "alleviated", "absent"))
})

test_that("thresholds forgive round-off on a measure scaled to 1e-6, and no more", {
  # the same 0-1 measure in units of 1e-6: a 1e-9 absolute tolerance would
  # be a thousandth of the whole scale
  tiny <- alleviation_rule("decrease", min_change = 2e-7, min_relative = 0.3,
                           range = c(0, 1e-6))
  unit <- alleviation_rule("decrease", min_change = 0.2, min_relative = 0.3,
                           range = c(0, 1))
  pre <- c(0.7, 0.7, 0.5, 0.5, 0.3, 0.1 + 0.2, 1, 0.6)
  post <- c(0.49, 0.5, 0.3005, 0.3, 0, 0.3, 0.7, 0.8)
  expected <- c("alleviated", "unchanged", "unchanged", "alleviated",
                "alleviated", "unchanged", "alleviated", "worsened")
  expect_identical(as.character(classify_alleviation(pre, post, unit)), expected)
  expect_identical(as.character(classify_alleviation(pre * 1e-6, post * 1e-6, tiny)),
                   expected)
  expect_identical(classify_alleviation(pre * 1e-6, post * 1e-6, tiny),
                   oracle_classify(pre * 1e-6, post * 1e-6, tiny))
  # 0.3005e-6 is 1.995e-7 below 5e-7: short of 2e-7 by 5e-10, far beyond
  # the tolerance there (1e-9 * 5e-7)
  expect_identical(as.character(classify_alleviation(5e-7, 3.005e-7, tiny)), "unchanged")
})

test_that("the range check has the same tolerance; its error shows the value", {
  pain <- study_rules()$lbp
  expect_identical(as.character(classify_alleviation(c(10 + 1e-14, 7), c(5, -1e-15), pain)),
                   c("alleviated", "alleviated"))
  tenths <- alleviation_rule("decrease", min_change = 0.1, range = c(0, 0.3))
  expect_identical(as.character(classify_alleviation(0.1 + 0.2, 0.1, tenths)), "alleviated")
  expect_error(classify_alleviation(10 + 1e-6, 5, pain),
               "`pre` is 10.000001 at position 1, outside the rule's range \\[0, 10\\]",
               class = "myelorelief_error")
  expect_error(classify_alleviation(5, -1e-6, pain), "`post` is -1e-06 at position 1",
               class = "myelorelief_error")
  # the tolerance follows the scale: 1e-6 beyond 1e-5 is far outside
  small <- alleviation_rule("decrease", min_change = 1e-6, range = c(0, 1e-5))
  expect_error(classify_alleviation(1.1e-5, 0, small), "`pre` is 1.1e-05 at position 1",
               class = "myelorelief_error")
  expect_error(alleviation_curve(10 + 1e-6, 5, pain, 0.3),
               "`pre` is 10.000001 at position 1", class = "myelorelief_error")
})

test_that("'increase' with Inf: only finite magnitudes enter the tolerance", {
  walk <- alleviation_rule("increase", min_change = 0, min_relative = 0)
  # absent_at = Inf and post = Inf leave the tolerance at 1e-9 * 100
  expect_identical(as.character(classify_alleviation(c(100, 100, 100, 100, Inf, 0),
                                                     c(100 + 1e-6, 100 + 1e-12, Inf, 100 - 1e-6, 5, Inf),
                                                     walk)),
                   c("alleviated", "unchanged", "alleviated", "worsened", "absent", "alleviated"))
  big <- alleviation_rule("increase", min_change = 1e300, min_relative = 0.3)
  expect_identical(as.character(classify_alleviation(c(100, 1e-300), c(Inf, Inf), big)),
                   c("alleviated", "alleviated"))
  capped <- alleviation_rule("increase", min_relative = 0.3, absent_at = 500,
                             range = c(0, 500))
  expect_identical(as.character(classify_alleviation(c(100, 500 - 1e-10, 100), c(Inf, 100, 130), capped)),
                   c("alleviated", "absent", "alleviated"))
  for (k in -6:6) {
    f <- 10^k
    scaled <- alleviation_rule("increase", min_change = 50 * f, min_relative = 0.3,
                               combine = "any", absent_at = Inf)
    pre <- c(100, 100, 0, Inf, 0.1 + 0.2, 70, 70, NA) * f
    post <- c(Inf, 130, Inf, Inf, 0.3, 49, 70 * 1.3, 100) * f
    expect_identical(as.character(classify_alleviation(pre, post, scaled)),
                     c("alleviated", "alleviated", "alleviated", "absent",
                       "unchanged", "worsened", "alleviated", NA), info = paste("k =", k))
    expect_identical(classify_alleviation(pre, post, scaled),
                     oracle_classify(pre, post, scaled), info = paste("k =", k))
  }
})

# Random rules with decimal thresholds, and their data on a 0.1 grid with
# ties, zeros, NA and values exactly on a threshold (computed in binary, so
# off by round-off).
decimal_rule_spec <- function(direction) {
  repeat {
    min_change <- sample(list(NA, 0, 0.1, 0.3, 0.5, 1, 2.5), 1)[[1]]
    min_relative <- sample(list(NA, 0, 0.1, 0.2, 0.3, 0.5), 1)[[1]]
    if (!is.na(min_change) || !is.na(min_relative)) break
  }
  worsen <- sample(3, 1)
  list(direction = direction, min_change = min_change,
       min_relative = min_relative, combine = sample(c("all", "any"), 1),
       worsen_change = if (worsen == 1) min_change else sample(list(NA, 0, 0.2, 0.7), 1)[[1]],
       worsen_relative = if (worsen == 1) min_relative else sample(list(NA, 0, 0.1, 0.4), 1)[[1]],
       absent_at = if (direction == "decrease") sample(c(0, 0.3, 1, 0.7), 1)
                   else sample(c(Inf, 50, 7.3), 1),
       range = if (direction == "decrease") c(0, 10) else c(0, Inf))
}

scaled_rule <- function(spec, f) {
  alleviation_rule(spec$direction, min_change = spec$min_change * f,
                   min_relative = spec$min_relative, combine = spec$combine,
                   worsen_change = spec$worsen_change * f,
                   worsen_relative = spec$worsen_relative,
                   absent_at = spec$absent_at * f, range = spec$range * f)
}

decimal_pairs <- function(n, spec) {
  top <- if (spec$direction == "decrease") 100L else 600L
  i <- sample(0:top, n, replace = TRUE)
  # tenths written two ways: i / 10 is the nearest double, i * 0.1 not always
  pre <- ifelse(stats::runif(n) < 0.5, i / 10, i * 0.1)
  post <- sample(0:top, n, replace = TRUE) * 0.1
  kind <- sample(6, n, replace = TRUE, prob = c(4, 1, 1, 1, 1, 0.5))
  change <- if (is.na(spec$min_change)) 0.3 else spec$min_change
  relative <- if (is.na(spec$min_relative)) 0.2 else spec$min_relative
  sign <- if (spec$direction == "decrease") -1 else 1
  on_change <- pre + sign * change                  # exactly the threshold
  on_relative <- pre * (1 + sign * relative)
  # ties, half of them written the other way (0.3 vs 0.30000000000000004)
  tie <- kind == 2
  post[tie] <- ifelse(stats::runif(sum(tie)) < 0.5, pre[tie], i[tie] / 10 + i[tie] * 0.1 - pre[tie])
  post[kind == 3] <- on_change[kind == 3]
  post[kind == 4] <- on_relative[kind == 4]
  post[kind == 5] <- 0
  post[kind == 6] <- if (spec$direction == "increase") Inf else NA
  # the threshold in the worse direction
  worse <- kind == 3 & stats::runif(n) < 0.3
  post[worse] <- pre[worse] - sign * change
  # keep the values inside the range (its check is tested elsewhere)
  high <- if (spec$direction == "decrease") 10 else Inf
  outside <- !is.na(post) & (post < -1e-12 | post > high + 1e-9)
  post[outside] <- pre[outside]
  pre[stats::runif(n) < 0.04] <- NA
  post[stats::runif(n) < 0.04] <- NA
  pre[stats::runif(n) < 0.05] <- 0
  if (spec$direction == "increase") pre[stats::runif(n) < 0.03] <- Inf
  list(pre = pre, post = post)
}

test_that("scale: multiplying values, thresholds, absent_at and range by 10^k changes no class", {
  seed <- 20240611
  set.seed(seed)
  for (trial in seq_len(n_cases(24))) {
    direction <- if (trial %% 2) "decrease" else "increase"
    spec <- decimal_rule_spec(direction)
    n <- sample(c(0, 1, 40, 150), 1)
    d <- decimal_pairs(n, spec)
    base <- classify_alleviation(d$pre, d$post, scaled_rule(spec, 1))
    for (k in -6:6) {
      f <- 10^k
      rule <- scaled_rule(spec, f)
      info <- sprintf("seed %d, trial %d, k = %d, rule: %s", seed, trial, k,
                      paste(format(rule), collapse = "; "))
      out <- classify_alleviation(d$pre * f, d$post * f, rule)
      expect_identical(out, base, info = info)
      expect_identical(out, oracle_classify(d$pre * f, d$post * f, rule), info = info)
    }
  }
})

test_that("scale: classify_cohort() gives the same classes at every scale", {
  seed <- 20240612
  set.seed(seed)
  for (trial in seq_len(n_cases(8))) {
    specs <- list(a = decimal_rule_spec("decrease"), b = decimal_rule_spec("increase"))
    n <- sample(c(1, 60, 200), 1)
    pairs <- lapply(specs, decimal_pairs, n = n)
    base <- NULL
    for (k in -6:6) {
      f <- 10^k
      data <- data.frame(a_pre = pairs$a$pre * f, a_post = pairs$a$post * f,
                         b_pre = pairs$b$pre * f, b_post = pairs$b$post * f)
      rules <- lapply(specs, scaled_rule, f = f)
      cohort <- classify_cohort(data, rules)
      info <- sprintf("seed %d, trial %d, k = %d", seed, trial, k)
      expect_identical(cohort$a, oracle_classify(data$a_pre, data$a_post, rules$a), info = info)
      expect_identical(cohort$b, oracle_classify(data$b_pre, data$b_post, rules$b), info = info)
      shown <- as.data.frame(cohort)[c("a", "b", "any_alleviated", "primary_symptom")]
      if (is.null(base)) base <- shown
      expect_identical(shown, base, info = info)
    }
  }
})

test_that("scale: alleviation_curve() gives the same counts at every scale, equal to the oracle", {
  seed <- 20240613
  set.seed(seed)
  for (trial in seq_len(n_cases(16))) {
    direction <- if (trial %% 2) "decrease" else "increase"
    vary <- if (trial %% 4 < 2) "min_change" else "min_relative"
    spec <- decimal_rule_spec(direction)
    d <- decimal_pairs(sample(c(1, 60, 150), 1), spec)
    thresholds <- if (vary == "min_change") c(0, 0.1, 0.2, 0.3, 0.5, 1, 2.1, 2.5, 0.7)
                  else c(0, 0.1, 0.2, 0.3, 0.5, 1, 0.7)
    oracle_counts <- function(f) {
      vapply(thresholds, function(t) {
        spec_t <- spec
        spec_t[[vary]] <- t
        r <- scaled_rule(spec_t, f)
        sum(oracle_classify(d$pre * f, d$post * f, r) == "alleviated", na.rm = TRUE)
      }, numeric(1))
    }
    checked_k <- c(0, sample(setdiff(-6:6, 0), 1))
    base <- NULL
    for (k in -6:6) {
      f <- 10^k
      scale_t <- if (vary == "min_change") f else 1
      curve <- alleviation_curve(d$pre * f, d$post * f, scaled_rule(spec, f),
                                 thresholds * scale_t, vary = vary)
      info <- sprintf("seed %d, trial %d, k = %d, vary %s, rule: %s", seed, trial,
                      k, vary, paste(format(scaled_rule(spec, f)), collapse = "; "))
      if (is.null(base)) base <- curve$alleviated
      expect_identical(curve$alleviated, base, info = info)
      if (k %in% checked_k) expect_identical(curve$alleviated, oracle_counts(f), info = info)
      # and bit for bit the classifier's count, threshold by threshold
      reclassified <- vapply(thresholds, function(t) {
        spec_t <- spec
        spec_t[[vary]] <- t
        sum(classify_alleviation(d$pre * f, d$post * f, scaled_rule(spec_t, f)) ==
              "alleviated", na.rm = TRUE)
      }, numeric(1))
      expect_identical(curve$alleviated, reclassified, info = info)
    }
  }
})
