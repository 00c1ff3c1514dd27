pain <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                         range = c(0, 10))
walk <- alleviation_rule("increase", min_relative = 0.3)

test_that("the result is a factor with the four levels in order", {
  out <- classify_alleviation(c(7, 5), c(3, 5), pain)
  expect_s3_class(out, "factor")
  expect_identical(levels(out), c("alleviated", "unchanged", "worsened", "absent"))
  expect_length(classify_alleviation(numeric(), numeric(), pain), 0)
})

test_that("rule 1: a missing value on either side gives NA", {
  out <- classify_alleviation(c(NA, 7, NaN, 7, NA), c(3, NA, 3, NaN, NA), pain)
  expect_true(all(is.na(out)))
  expect_true(is.na(classify_alleviation(NA_integer_, 3L, pain)))
})

test_that("rule 2: absent at baseline, by direction", {
  expect_identical(as.character(classify_alleviation(c(0, 0, 1), c(0, 5, 0), pain)),
                   c("absent", "absent", "unchanged"))
  one <- alleviation_rule(min_change = 2, absent_at = 1, range = c(0, 10))
  expect_identical(as.character(classify_alleviation(1, 0, one)), "absent")
  expect_identical(as.character(classify_alleviation(c(Inf, 100), c(Inf, 100), walk)),
                   c("absent", "unchanged"))
  capped <- alleviation_rule("increase", min_change = 100, absent_at = 500,
                             range = c(0, 500))
  expect_identical(as.character(classify_alleviation(c(500, 499), c(500, 500), capped)),
                   c("absent", "unchanged"))
})

test_that("rules 3-4: thresholds are inclusive, also after decimal round-off", {
  # 7 -> 4.9 is exactly 30%: 0.29999999999999993 in binary
  expect_identical(as.character(classify_alleviation(7, 4.9, pain)), "alleviated")
  # 7 -> 5: 2 points but 28.6%, "all" needs both
  expect_identical(as.character(classify_alleviation(7, 5, pain)), "unchanged")
  # 6 -> 4.2: exactly 30% but 1.8 points
  expect_identical(as.character(classify_alleviation(6, 4.2, pain)), "unchanged")
  vas <- alleviation_rule(min_change = 15, range = c(0, 100))
  expect_identical(as.character(classify_alleviation(c(50, 50, 0.3), c(35, 35.1, 0), vas)),
                   c("alleviated", "unchanged", "unchanged"))
  tenths <- alleviation_rule(min_change = 0.3, range = c(0, 1))
  expect_identical(as.character(classify_alleviation(0.7, 0.4, tenths)), "alleviated")
})

test_that("rule 3: unlimited walking distance and a zero baseline", {
  expect_identical(as.character(classify_alleviation(c(100, 100, 100), c(Inf, 130, 129), walk)),
                   c("alleviated", "alleviated", "unchanged"))
  by_metres <- alleviation_rule("increase", min_change = 50)
  expect_identical(as.character(classify_alleviation(c(0, 0, 0), c(50, 0, Inf), by_metres)),
                   c("alleviated", "unchanged", "alleviated"))
  # pre = 0: relative is Inf for a rise (meets any share), -Inf for a fall
  share <- alleviation_rule("increase", min_relative = 0.5)
  expect_identical(as.character(classify_alleviation(c(0, 0), c(10, 0), share)),
                   c("alleviated", "unchanged"))
  down <- alleviation_rule("decrease", min_relative = 0.5, absent_at = -1,
                           range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(0, 0), c(0, 5), down)),
                   c("unchanged", "worsened"))
})

test_that("combine = 'any' needs one threshold only", {
  either <- alleviation_rule(min_change = 2, min_relative = 0.3, combine = "any",
                             range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(10, 3, 3), c(8, 2, 2.5), either)),
                   c("alleviated", "alleviated", "unchanged"))
})

test_that("rule 5: worsening uses its own thresholds", {
  expect_identical(as.character(classify_alleviation(c(5, 5, 5), c(7, 6.5, 7.5), pain)),
                   c("worsened", "unchanged", "worsened"))
  strict <- alleviation_rule(min_change = 2, worsen_change = 4, range = c(0, 10))
  expect_identical(as.character(classify_alleviation(c(5, 5), c(8, 9), strict)),
                   c("unchanged", "worsened"))
  never <- alleviation_rule(min_change = 2, worsen_change = NA, range = c(0, 10))
  expect_identical(as.character(classify_alleviation(2, 10, never)), "unchanged")
  expect_identical(as.character(classify_alleviation(c(300, 300), c(210, 220), walk)),
                   c("worsened", "unchanged"))
})

test_that("a logical vector of NA only (a blank column) counts as missing", {
  out <- classify_alleviation(c(a = NA, b = NA), c(3, 4), pain)
  expect_identical(names(out), c("a", "b"))
  expect_true(all(is.na(out)))
  expect_true(is.na(classify_alleviation(7, NA, pain)))
})

test_that("integer input works and names of pre are kept", {
  out <- classify_alleviation(c(a = 7L, b = 5L, c = NA), c(3L, 5L, 1L), pain)
  expect_identical(names(out), c("a", "b", "c"))
  expect_identical(as.character(out), c("alleviated", "unchanged", NA))
  expect_identical(classify_alleviation(c(7L, 5L), c(3, 5), pain),
                   classify_alleviation(c(7, 5), c(3L, 5L), pain))
})

test_that("the C classifier equals the plain-R oracle on random data", {
  set.seed(42)
  for (direction in c("decrease", "increase")) {
    checked <- 0
    while (checked < 10000) {
      rule <- random_rule(direction)
      pre <- random_measurements(500, direction)
      post <- random_measurements(500, direction)
      expect_identical(classify_alleviation(pre, post, rule),
                       oracle_classify(pre, post, rule))
      checked <- checked + length(pre)
    }
  }
})

test_that("inputs are not modified", {
  pre <- c(7, 5, NA)
  post <- c(3L, 5L, 2L)
  pre_copy <- pre + 0
  post_copy <- post + 0L
  classify_alleviation(pre, post, pain)
  expect_identical(pre, pre_copy)
  expect_identical(post, post_copy)
})

test_that("bad input is an error naming the argument", {
  expect_error(classify_alleviation("7", 3, pain), "`pre` must be a numeric vector")
  expect_error(classify_alleviation(7, "3", pain), "`post` must be a numeric vector")
  expect_error(classify_alleviation(TRUE, 3, pain), "`pre`")
  expect_error(classify_alleviation(c(NA, TRUE), c(3, 3), pain), "`pre`")
  expect_error(classify_alleviation(factor(7), 3, pain), "`pre`.*factor")
  expect_error(classify_alleviation(as.Date("2020-01-01"), 3, pain), "`pre`")
  expect_error(classify_alleviation(list(7), 3, pain), "`pre`")
  expect_error(classify_alleviation(7 + 0i, 3, pain), "`pre`")
  expect_error(classify_alleviation(NULL, 3, pain), "`pre`")
  expect_error(classify_alleviation(matrix(7), 3, pain), "`pre`")
  expect_error(classify_alleviation(c(7, 5), 3, pain), "`post` must have the same length",
               class = "myelorelief_error")
  expect_error(classify_alleviation(7, 3, list()), "`rule` must be an alleviation_rule")
  expect_error(classify_alleviation(7, 3, study_rules()), "`rule`")
  edited <- pain
  edited$min_change <- "2"
  expect_error(classify_alleviation(7, 3, edited),
               "`rule` is not a valid alleviation_rule any more.*`min_change` must be")
  edited <- pain
  edited$range <- c(10, 0)
  expect_error(classify_alleviation(7, 3, edited), "`rule` is not a valid.*`range`")
  expect_error(classify_alleviation(c(7, 11), c(3, 3), pain),
               "`pre` is 11 at position 2, outside the rule's range \\[0, 10\\]",
               class = "myelorelief_error")
  # errors from the C code keep the call, like those from R
  err <- tryCatch(classify_alleviation(c(7, 11), c(3, 3), pain), error = identity)
  expect_identical(conditionCall(err), quote(classify_alleviation(c(7, 11), c(3, 3), pain)))
  # the value is shown with the digits that tell it from the bound
  expect_error(classify_alleviation(10 + 1e-6, 5, study_rules()$lbp),
               "`pre` is 10.000001 at position 1", class = "myelorelief_error")
  expect_error(classify_alleviation(5, 10 + 1e-7, pain),
               "`post` is 10.0000001 at position 1", class = "myelorelief_error")
  odd <- alleviation_rule(min_change = 0.1, range = c(0, 0.1 + 0.2))
  expect_error(classify_alleviation(0.30000001, 0, odd),
               "`pre` is 0.30000001 at position 1, outside the rule's range \\[0, 0.3\\]",
               class = "myelorelief_error")
  expect_error(classify_alleviation(c(7, 5), c(3, -1), pain), "`post` is -1 at position 2")
  expect_error(classify_alleviation(Inf, 3, pain), "`pre` is Inf at position 1",
               class = "myelorelief_error")
  expect_error(classify_alleviation(3, Inf, pain), "`post` is Inf")
  expect_error(classify_alleviation(-Inf, 3, walk), "`pre` is -Inf")
  expect_error(classify_alleviation(3, -Inf, walk), "`post` is -Inf")
  expect_error(classify_alleviation(-5, 3, walk), "`pre` is -5")
  # a missing value on one side does not excuse an invalid one on the other
  # (found by tools/fuzz/fuzz_classify.c)
  expect_error(classify_alleviation(NA_real_, 11, pain), "`post` is 11 at position 1")
  expect_error(classify_alleviation(NA_integer_, 11L, pain), "`post` is 11 at position 1")
  expect_error(classify_alleviation(c(3, 12L), c(NA, 1), pain), "`pre` is 12 at position 2")
})

test_that("classes and the first invalid value do not depend on threads or blocks", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "big n")
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  rule <- study_rules()$lbp
  for (n in c(2^16 - 1, 2^16 + 1, 3 * 2^15 + 7, 2^20 + 1)) {
    set.seed(n)
    pre <- sample(c(0:10, 4.9, NA), n, TRUE)
    post <- sample(c(0:10, NA), n, TRUE)
    info <- sprintf("seed %d, n %d", n, n)
    myelorelief_threads(1)
    one <- classify_alleviation(pre, post, rule)
    myelorelief_threads(2)
    expect_identical(classify_alleviation(pre, post, rule), one, info = info)
    curve_one <- { myelorelief_threads(1); alleviation_curve(pre, post, rule, c(0, 0.3, 0.5)) }
    curve_two <- { myelorelief_threads(2); alleviation_curve(pre, post, rule, c(0, 0.3, 0.5)) }
    expect_identical(curve_two, curve_one, info = info)
    bad <- c(n - 3, n - 1)
    pre[bad] <- 12
    for (threads in 1:2) {
      myelorelief_threads(threads)
      expect_error(classify_alleviation(pre, post, rule),
                   sprintf("`pre` is 12 at position %.0f", n - 3), fixed = TRUE,
                   info = paste(info, "threads", threads))
    }
  }
})

# ---- The strict boundary (rules with strict = TRUE) ------------------------

test_that("strict rules: the C classifier equals the plain-R oracle on random data", {
  seed <- 2212
  set.seed(seed)
  for (direction in c("decrease", "increase")) {
    for (case in seq_len(n_cases(12))) {
      rule <- random_rule(direction, strict = TRUE)
      pre <- random_measurements(300, direction)
      post <- random_measurements(300, direction)
      # values on the thresholds: changes of exactly min_change
      if (direction == "decrease" && !is.na(rule$min_change)) {
        on <- sample(300, 60)
        post[on] <- pmax(pre[on] - rule$min_change, 0)
      }
      info <- sprintf("seed %d, %s case %d", seed, direction, case)
      got <- classify_alleviation(pre, post, rule)
      expect_identical(got, oracle_classify(pre, post, rule), info = info)
      # integer input where the values allow it
      if (direction == "decrease" && all(pre == round(pre), na.rm = TRUE)) {
        expect_identical(classify_alleviation(as.integer(pre), post, rule), got, info = info)
      }
      # the inclusive twin differs only on pairs within the tolerance of a
      # threshold
      inclusive <- rule
      inclusive$strict <- FALSE
      loose <- classify_alleviation(pre, post, inclusive)
      expect_identical(loose, oracle_classify(pre, post, inclusive), info = info)
      differs <- which(got != loose)
      expect_true(all(got[differs] == "unchanged"), info = info)
      expect_true(all(loose[differs] %in% c("alleviated", "worsened")), info = info)
    }
  }
})

test_that("strict rules by hand: a change equal to the threshold is not enough", {
  # hypothetical 0-10 scores; thresholds 2 points, or 30% of baseline
  points <- alleviation_rule(min_change = 2, range = c(0, 10), strict = TRUE)
  expect_identical(as.character(classify_alleviation(c(8, 8, 8, 3, 3, 0), c(6, 5.9, 7, 5, 5.1, 4), points)),
                   c("unchanged", "alleviated", "unchanged", "unchanged", "worsened", "absent"))
  # 7 -> 4.9 is 30% of 7 on paper (0.29999999999999993 in binary): equal,
  # so not more than 30%; 7 -> 4.8 is
  relative <- alleviation_rule(min_relative = 0.3, range = c(0, 10), strict = TRUE)
  expect_identical(as.character(classify_alleviation(c(7, 7, 7), c(4.9, 4.8, 9.1), relative)),
                   c("unchanged", "alleviated", "unchanged"))
  expect_identical(as.character(classify_alleviation(c(7, 7, 7), c(4.9, 4.8, 9.1),
                                                     alleviation_rule(min_relative = 0.3, range = c(0, 10)))),
                   c("alleviated", "alleviated", "worsened"))
  # a threshold of 0: a change beyond round-off, as for an inclusive rule
  zero <- alleviation_rule(min_change = 0, range = c(0, 10), strict = TRUE)
  expect_identical(as.character(classify_alleviation(c(0.3, 0.3, 5), c(0.1 + 0.2, 0.2, 5.5), zero)),
                   c("unchanged", "alleviated", "worsened"))
  # "any": exceeding one threshold suffices; "all": every one
  any <- alleviation_rule(min_change = 2, min_relative = 0.5, combine = "any",
                          range = c(0, 10), strict = TRUE)
  all <- alleviation_rule(min_change = 2, min_relative = 0.5, combine = "all",
                          range = c(0, 10), strict = TRUE)
  pre <- c(4, 4, 10, 10)
  post <- c(2, 1.9, 7.9, 5)
  expect_identical(as.character(classify_alleviation(pre, post, any)),
                   c("unchanged", "alleviated", "alleviated", "alleviated"))
  expect_identical(as.character(classify_alleviation(pre, post, all)),
                   c("unchanged", "alleviated", "unchanged", "unchanged"))
  # "increase": walking distance, Inf (unlimited) exceeds any threshold
  walk <- alleviation_rule("increase", min_change = 100, strict = TRUE)
  expect_identical(as.character(classify_alleviation(c(200, 200, 200, 300), c(300, 300.5, Inf, 200), walk)),
                   c("unchanged", "alleviated", "alleviated", "unchanged"))
})

test_that("strict rules: scaling scores, thresholds, absent_at and range by 10^k keeps the classes", {
  seed <- 2213
  set.seed(seed)
  for (case in seq_len(n_cases(8))) {
    # decimal data on a 0.1 grid, thresholds on the grid: many pairs
    # exactly on a threshold
    t_change <- sample(c(0.3, 0.7, 1.1, 2), 1)
    t_relative <- sample(list(NA, 0.3, 0.5), 1)[[1]]
    combine <- sample(c("all", "any"), 1)
    pre <- round(stats::runif(400, 0, 10), 1)
    post <- ifelse(stats::runif(400) < 0.4, pre - t_change, round(stats::runif(400, 0, 10), 1))
    post <- pmin(pmax(post, 0), 10)
    pre[sample(400, 10)] <- NA
    make <- function(f) alleviation_rule(min_change = t_change * f, min_relative = t_relative,
                                         combine = combine, absent_at = 0.5 * f,
                                         range = c(0, 10) * f, strict = TRUE)
    base <- classify_alleviation(pre, post, make(1))
    info <- sprintf("seed %d, case %d: %s %s %s", seed, case, t_change, t_relative, combine)
    expect_identical(base, oracle_classify(pre, post, make(1)), info = info)
    for (k in c(-6, -3, -1, 1, 2, 5)) {
      f <- 10^k
      expect_identical(classify_alleviation(pre * f, post * f, make(f)), base,
                       info = paste(info, "k", k))
    }
  }
})

test_that("strict rules: classes and the curve do not depend on threads", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "big n")
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  rule <- alleviation_rule(min_change = 2, min_relative = 0.3, range = c(0, 10), strict = TRUE)
  n <- 2^17 + 3
  set.seed(2214)
  pre <- sample(c(0:10, 4.9, NA), n, TRUE)
  post <- sample(c(0:10, 4.9, NA), n, TRUE)
  myelorelief_threads(1)
  one <- classify_alleviation(pre, post, rule)
  curve_one <- alleviation_curve(pre, post, rule, c(0, 0.3, 0.5))
  myelorelief_threads(2)
  expect_identical(classify_alleviation(pre, post, rule), one)
  expect_identical(alleviation_curve(pre, post, rule, c(0, 0.3, 0.5)), curve_one)
  # in a forked child after the parent used threads
  skip_on_os("windows")
  forked <- parallel::mclapply(1:2, function(i) classify_alleviation(pre, post, rule),
                               mc.cores = 2)
  expect_identical(forked[[1]], one)
  expect_identical(forked[[2]], one)
})
