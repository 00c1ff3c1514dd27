test_that("Wilson equals prop.test(correct = FALSE) for every x", {
  for (n in c(1, 2, 7, 10, 33, 325)) {
    ci <- prop_ci(0:n, n)
    oracle <- t(vapply(0:n, function(x) {
      suppressWarnings(stats::prop.test(x, n, correct = FALSE)$conf.int[1:2])
    }, numeric(2)))
    expect_equal(ci$proportion_lower, oracle[, 1], tolerance = 1e-10)
    expect_equal(ci$proportion_upper, oracle[, 2], tolerance = 1e-10)
    expect_equal(ci$proportion, (0:n) / n)
  }
  expect_equal(unlist(prop_ci(0, 10)[c("proportion_lower", "proportion_upper")]),
               c(proportion_lower = 0, proportion_upper = 0.2775328), tolerance = 1e-7)
})

test_that("exact equals binom.test() for every x", {
  for (n in c(1, 2, 7, 10, 33, 325)) {
    for (level in c(0.9, 0.95, 0.99)) {
      ci <- prop_ci(0:n, n, conf_level = level, method = "exact")
      oracle <- t(vapply(0:n, function(x) {
        stats::binom.test(x, n, conf.level = level)$conf.int[1:2]
      }, numeric(2)))
      expect_equal(ci$proportion_lower, oracle[, 1], tolerance = 1e-10)
      expect_equal(ci$proportion_upper, oracle[, 2], tolerance = 1e-10)
    }
  }
})

test_that("Jeffreys equals the Beta quantiles with the boundary rules", {
  n <- 40
  x <- 0:n
  ci <- prop_ci(x, n, method = "jeffreys")
  expect_equal(ci$proportion_lower[-1], qbeta(0.025, x[-1] + 0.5, n - x[-1] + 0.5), tolerance = 1e-12)
  expect_equal(ci$proportion_upper[-(n + 1)], qbeta(0.975, x[-(n + 1)] + 0.5, n - x[-(n + 1)] + 0.5),
               tolerance = 1e-12)
  expect_identical(ci$proportion_lower[1], 0)
  expect_identical(ci$proportion_upper[n + 1], 1)
})

test_that("Agresti-Coull matches the hand formula and is clipped", {
  z <- qnorm(0.975)
  n_t <- 20 + z^2
  p_t <- (3 + z^2 / 2) / n_t
  ci <- prop_ci(3, 20, method = "agresti-coull")
  expect_equal(ci$proportion_lower, p_t - z * sqrt(p_t * (1 - p_t) / n_t))
  expect_equal(ci$proportion_upper, p_t + z * sqrt(p_t * (1 - p_t) / n_t))
  edge <- prop_ci(c(0, 5), 5, method = "agresti-coull")
  expect_identical(edge$proportion_lower[1], 0)
  expect_identical(edge$proportion_upper[2], 1)
})

test_that("the study's headline interval", {
  expect_equal(round(100 * unlist(prop_ci(35, 325, method = "exact")[c("proportion_lower", "proportion_upper")]), 1),
               c(proportion_lower = 7.6, proportion_upper = 14.7))
  expect_equal(round(100 * unlist(prop_ci(35, 325)[c("proportion_lower", "proportion_upper")]), 1),
               c(proportion_lower = 7.8, proportion_upper = 14.6))
})

test_that("results are a data frame, recycled, with NA for n = 0", {
  ci <- prop_ci(c(0, 1, 2), 4)
  expect_s3_class(ci, "data.frame")
  expect_named(ci, c("x", "n", "proportion", "proportion_lower", "proportion_upper",
                    "conf_level", "method"))
  expect_identical(ci$x, c(0, 1, 2))
  expect_identical(ci$n, c(4, 4, 4))
  expect_identical(ci$method, rep("wilson", 3))
  expect_identical(ci$conf_level, rep(0.95, 3))
  expect_identical(nrow(ci), 3L)
  for (m in c("wilson", "exact", "jeffreys", "agresti-coull")) {
    zero <- prop_ci(0, 0, method = m)
    expect_true(all(is.na(unlist(zero[c("proportion", "proportion_lower",
                                         "proportion_upper")]))), info = m)
  }
  expect_identical(nrow(prop_ci(numeric(), numeric())), 0L)
  expect_identical(prop_ci(2L, 4L), prop_ci(2, 4))
})

test_that("bad input is an error naming the argument", {
  expect_error(prop_ci(-1, 4), "`x` must be whole numbers >= 0, but element 1 is -1")
  expect_error(prop_ci(1.5, 4), "`x`.*1.5")
  expect_error(prop_ci(NA, 4), "`x`")
  expect_error(prop_ci(Inf, 4), "`x`")
  expect_error(prop_ci("1", 4), "`x` must be a numeric vector")
  expect_error(prop_ci(1, "4"), "`n` must be a numeric vector")
  expect_error(prop_ci(1, -4), "`n`")
  expect_error(prop_ci(1, 2.5), "`n`")
  expect_error(prop_ci(5, 4), "`x` must not exceed `n`: x = 5 > n = 4 at position 1")
  expect_error(prop_ci(1:3, 1:2 + 5), "`x` \\(length 3\\) and `n` \\(length 2\\)")
  expect_error(prop_ci(1, 4, conf_level = 1), "`conf_level`")
  expect_error(prop_ci(1, 4, conf_level = 0), "`conf_level`")
  expect_error(prop_ci(1, 4, conf_level = NA), "`conf_level`")
  expect_error(prop_ci(1, 4, conf_level = "0.95"), "`conf_level`")
  expect_error(prop_ci(1, 4, method = "wald"), "`method` must be one of")
  expect_error(prop_ci(factor(1), 4), "`x`")
})

test_that("every method gives finite, ordered bounds in [0, 1] at any level", {
  expect_true(all(is.finite(unlist(prop_ci(5, 10, conf_level = 1 - 1e-16)[3:5]))))
  grid <- expand.grid(x = 0:40, n = c(1:40, 325, 1e6))
  grid <- grid[grid$x <= grid$n, ]
  grid <- rbind(grid, data.frame(x = c(1, 5e5, 1e9 - 1, 1e9), n = 1e9))
  levels <- c(.Machine$double.xmin, 1e-300, 1e-16, 1e-12, 1e-6, 0.5, 0.95,
              1 - 1e-9, 1 - 1e-12, 1 - 1e-15, 1 - 2^-53)
  for (method in c("wilson", "exact", "jeffreys", "agresti-coull")) {
    previous <- NULL
    for (level in levels) {
      ci <- prop_ci(grid$x, grid$n, conf_level = level, method = method)
      info <- sprintf("%s, conf_level = %.17g", method, level)
      expect_true(all(is.finite(ci$proportion_lower) & is.finite(ci$proportion_upper)), info = info)
      expect_true(all(ci$proportion_lower >= 0 & ci$proportion_upper <= 1), info = info)
      expect_true(all(ci$proportion_lower <= ci$proportion_upper), info = info)
      # a higher level never gives a shorter interval (to round-off)
      if (!is.null(previous)) {
        expect_true(all(ci$proportion_lower <= previous$proportion_lower + 1e-12 &
                          ci$proportion_upper >= previous$proportion_upper - 1e-12), info = info)
      }
      previous <- ci
    }
  }
})

test_that("extreme levels agree with prop.test() and binom.test()", {
  # prop.test() and binom.test() pass (1 + conf.level) / 2 and 1 - alpha / 2,
  # which at 1 - 1e-12 keep only ~4 significant digits of the tail
  # probability: they are the oracle to about 1e-5 there; tighter elsewhere.
  tolerance <- c("1e-12" = 1e-12, "1e-06" = 1e-8, "0.999999999" = 1e-7,
                 "0.999999999999" = 2e-5)
  for (level in c(1e-12, 1e-6, 1 - 1e-9, 1 - 1e-12)) {
    tol <- tolerance[[format(level, digits = 12)]]
    for (n in c(1, 2, 7, 33, 325)) {
      x <- 0:n
      wilson <- prop_ci(x, n, conf_level = level)
      oracle <- t(vapply(x, function(k) suppressWarnings(
        stats::prop.test(k, n, conf.level = level, correct = FALSE)$conf.int[1:2]),
        numeric(2)))
      info <- sprintf("n = %d, conf_level = %.17g", n, level)
      expect_equal(wilson$proportion_lower, oracle[, 1], tolerance = tol, info = info)
      expect_equal(wilson$proportion_upper, oracle[, 2], tolerance = tol, info = info)
      exact <- prop_ci(x, n, conf_level = level, method = "exact")
      oracle <- t(vapply(x, function(k) stats::binom.test(k, n, conf.level = level)$conf.int[1:2],
                         numeric(2)))
      expect_equal(exact$proportion_lower, oracle[, 1], tolerance = tol, info = info)
      expect_equal(exact$proportion_upper, oracle[, 2], tolerance = tol, info = info)
    }
  }
})

test_that("bounds solve their defining equations at extreme levels", {
  # Where a bound is at most 1/2 its tail probability is well conditioned;
  # bounds above 1/2 follow by symmetry: lower(x, n) = 1 - upper(n - x, n).
  for (level in c(1e-12, 1 - 1e-12, 1 - 1e-15)) {
    half_alpha <- (1 - level) / 2
    for (n in c(1, 7, 33, 325)) {
      x <- 0:n
      info <- sprintf("n = %d, conf_level = %.17g", n, level)
      exact <- prop_ci(x, n, conf_level = level, method = "exact")
      jeffreys <- prop_ci(x, n, conf_level = level, method = "jeffreys")
      wilson <- prop_ci(x, n, conf_level = level)
      lo <- x > 0 & exact$proportion_lower <= 0.5
      up <- x < n & exact$proportion_upper <= 0.5
      expect_equal(pbinom(x[lo] - 1, n, exact$proportion_lower[lo], lower.tail = FALSE),
                   rep(half_alpha, sum(lo)), tolerance = 1e-8, info = info)
      expect_equal(pbinom(x[up], n, exact$proportion_upper[up]), rep(half_alpha, sum(up)),
                   tolerance = 1e-8, info = info)
      lo <- x > 0 & jeffreys$proportion_lower <= 0.5
      up <- x < n & jeffreys$proportion_upper <= 0.5
      expect_equal(pbeta(jeffreys$proportion_lower[lo], x[lo] + 0.5, n - x[lo] + 0.5),
                   rep(half_alpha, sum(lo)), tolerance = 1e-8, info = info)
      expect_equal(pbeta(jeffreys$proportion_upper[up], x[up] + 0.5, n - x[up] + 0.5, lower.tail = FALSE),
                   rep(half_alpha, sum(up)), tolerance = 1e-8, info = info)
      # Wilson: the score statistic at each bound is the normal quantile
      p <- x / n
      for (b in list(wilson$proportion_lower, wilson$proportion_upper)) {
        ok <- b > 0 & b <= 0.5
        score <- abs(p[ok] - b[ok]) / sqrt(b[ok] * (1 - b[ok]) / n)
        expect_equal(pnorm(score, lower.tail = FALSE), rep(half_alpha, sum(ok)),
                     tolerance = 1e-6, info = info)
      }
      for (ci in list(exact, jeffreys, wilson)) {
        # to the spacing of doubles near 1, where the upper bounds live
        expect_lt(max(abs(ci$proportion_lower - (1 - rev(ci$proportion_upper)))), 4 * .Machine$double.eps,
                  label = info)
      }
    }
  }
})
