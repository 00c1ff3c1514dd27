test_that("Wilson equals prop.test(correct = FALSE) for every x", {
  for (n in c(1, 2, 7, 10, 33, 325)) {
    ci <- prop_ci(0:n, n)
    oracle <- t(vapply(0:n, function(x) {
      suppressWarnings(stats::prop.test(x, n, correct = FALSE)$conf.int[1:2])
    }, numeric(2)))
    expect_equal(ci$lower, oracle[, 1], tolerance = 1e-10)
    expect_equal(ci$upper, oracle[, 2], tolerance = 1e-10)
    expect_equal(ci$estimate, (0:n) / n)
  }
  expect_equal(unlist(prop_ci(0, 10)[c("lower", "upper")]),
               c(lower = 0, upper = 0.2775328), tolerance = 1e-7)
})

test_that("exact equals binom.test() for every x", {
  for (n in c(1, 2, 7, 10, 33, 325)) {
    for (level in c(0.9, 0.95, 0.99)) {
      ci <- prop_ci(0:n, n, conf_level = level, method = "exact")
      oracle <- t(vapply(0:n, function(x) {
        stats::binom.test(x, n, conf.level = level)$conf.int[1:2]
      }, numeric(2)))
      expect_equal(ci$lower, oracle[, 1], tolerance = 1e-10)
      expect_equal(ci$upper, oracle[, 2], tolerance = 1e-10)
    }
  }
})

test_that("Jeffreys equals the Beta quantiles with the boundary rules", {
  n <- 40
  x <- 0:n
  ci <- prop_ci(x, n, method = "jeffreys")
  expect_equal(ci$lower[-1], qbeta(0.025, x[-1] + 0.5, n - x[-1] + 0.5), tolerance = 1e-12)
  expect_equal(ci$upper[-(n + 1)], qbeta(0.975, x[-(n + 1)] + 0.5, n - x[-(n + 1)] + 0.5),
               tolerance = 1e-12)
  expect_identical(ci$lower[1], 0)
  expect_identical(ci$upper[n + 1], 1)
})

test_that("Agresti-Coull matches the hand formula and is clipped", {
  z <- qnorm(0.975)
  n_t <- 20 + z^2
  p_t <- (3 + z^2 / 2) / n_t
  ci <- prop_ci(3, 20, method = "agresti-coull")
  expect_equal(ci$lower, p_t - z * sqrt(p_t * (1 - p_t) / n_t))
  expect_equal(ci$upper, p_t + z * sqrt(p_t * (1 - p_t) / n_t))
  edge <- prop_ci(c(0, 5), 5, method = "agresti-coull")
  expect_identical(edge$lower[1], 0)
  expect_identical(edge$upper[2], 1)
})

test_that("the study's headline interval", {
  expect_equal(round(100 * unlist(prop_ci(35, 325, method = "exact")[2:3]), 1),
               c(lower = 7.6, upper = 14.7))
  expect_equal(round(100 * unlist(prop_ci(35, 325)[2:3]), 1),
               c(lower = 7.8, upper = 14.6))
})

test_that("results are a data frame, recycled, with NA for n = 0", {
  ci <- prop_ci(c(0, 1, 2), 4)
  expect_s3_class(ci, "data.frame")
  expect_named(ci, c("estimate", "lower", "upper"))
  expect_identical(nrow(ci), 3L)
  for (m in c("wilson", "exact", "jeffreys", "agresti-coull")) {
    zero <- prop_ci(0, 0, method = m)
    expect_true(all(is.na(unlist(zero))), info = m)
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
