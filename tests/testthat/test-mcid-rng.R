# The private generator of estimate_mcid()'s resamples (xoshiro256++ seeded
# by SplitMix64, Lemire's bounded draw), and the resamples it makes: known
# outputs of the authors' reference code, an exact plain-R replica of the
# bounded draw, uniformity, threads, forks, set.seed(), and agreement with a
# plain-R bootstrap by sample().

rng <- function(words, stream = 0, n = 10, bound = 0) {
  .Call(myelorelief:::C_mcid_rng, as.double(words), stream, n, bound)
}
# a state of four 64-bit words given as small numbers: (0, w) halves each
state_of <- function(w) as.double(rbind(0, w))

test_that("xoshiro256++ gives the reference code's outputs", {
  # Published outputs of xoshiro256plusplus.c (Blackman & Vigna) from the
  # state {1, 2, 3, 4}, as the rand_xoshiro test suite records them.
  expect_identical(
    rng(state_of(1:4))$raw,
    c("41943041", "58720359", "3588806011781223", "3591011842654386",
      "9228616714210784205", "9973669472204895162", "14011001112246962877",
      "12406186145184390807", "15849039046786891736", "10450023813501588000"))
  # From {0, 0, 0, 1}: 0x800000, 0x800011, 0x2200000800011.
  expect_identical(rng(state_of(c(0, 0, 0, 1)), n = 3)$raw,
                   c("8388608", "8388625", "598134333898769"))
  # upper 32 bits
  out <- rng(state_of(1:4))
  expect_identical(out$high, floor(as.numeric(out$raw) / 2^32))
})

test_that("streams: SplitMix64 outputs 4s .. 4s + 3 of the seed are stream s's state", {
  # Computed with an independent Python transcription of the reference
  # splitmix64.c and xoshiro256plusplus.c (which gives the reference
  # outputs 6457827717110365317, 3203168211198807973, ... for SplitMix64
  # seeded with 1234567); seed = 2016 * 2^32 + 123456789.
  seed <- c(2016, 123456789)
  expect_identical(rng(seed, 0, 3)$raw,
                   c("9326452592845865389", "11047377845676343745", "15356428251108268214"))
  expect_identical(rng(seed, 1, 3)$raw,
                   c("14863780548675367791", "7062264450319421714", "12954938399293688001"))
  expect_identical(rng(seed, 7, 3)$raw,
                   c("10631550532743483970", "10741238113448665815", "3466598781493246126"))
  expect_false(identical(rng(seed, 2)$raw, rng(seed, 3)$raw))
})

test_that("the bounded draw is Lemire's, exactly (plain-R replica with rejection)", {
  set.seed(41)
  bounds <- c(1, 2, 3, 7, 10, 1000, 123457, 2^31 - 1, 2^31 + 1, 3 * 2^30,
              2^32 - 5, 2^32 - 1)
  for (b in bounds) {
    seed <- sample.int(2^32, 2, replace = TRUE) - 1
    info <- sprintf("bound %.0f, seed %.0f %.0f", b, seed[1], seed[2])
    got <- rng(seed, 3, 400, b)
    high <- rng(seed, 3, 2000)$high
    expect_identical(got$bounded, oracle_lemire(high, rep(b, 400)), info = info)
    expect_true(all(got$bounded >= 0 & got$bounded < b), info = info)
  }
})

test_that("the bounded draw is uniform: chi-square over small bounds", {
  set.seed(42)
  for (b in c(2, 3, 7, 10)) {
    seed <- sample.int(2^32, 2, replace = TRUE) - 1
    x <- rng(seed, 0, 20000, b)$bounded
    p <- stats::chisq.test(tabulate(x + 1, b))$p.value
    expect_gt(p, 1e-4, label = sprintf("chi-square p for bound %d (seed %.0f %.0f)", b, seed[1], seed[2]))
  }
})

test_that("no bias at bounds near 2^32, where a modulo would be biased", {
  # With bound 2^31 + 1, x %% bound makes values below 2^31 - 1 twice as
  # likely as the rest, so the lower half would hold 2/3 of the draws;
  # floor(x * bound / 2^32) over-represents some values. Lemire's
  # rejection gives each value 1 / bound.
  set.seed(43)
  seed <- sample.int(2^32, 2, replace = TRUE) - 1
  for (b in c(2^31 + 1, 3 * 2^30, 2^32 - 1)) {
    x <- rng(seed, 1, 40000, b)$bounded
    info <- sprintf("bound %.0f", b)
    # fraction in each third, expected 1/3 each (sd ~ 0.0024)
    thirds <- tabulate(floor(x / (b / 3)) + 1, 3) / length(x)
    expect_true(all(abs(thirds - 1 / 3) < 0.012), info = info)
    expect_lt(abs(mean(x) / b - 0.5), 0.006, label = info)
  }
})

vas_data <- function(n, seed) {
  set.seed(seed)
  pre <- round(stats::runif(n, 1, 100), 1)
  post <- pmin(100, pmax(0, round(pre - stats::rnorm(n, 10, 15), 1)))
  anchor <- (pre - post) + stats::rnorm(n, sd = 10) > 15
  list(pre = pre, post = post, anchor = anchor)
}

test_that("resamples by patient: identical on 1 and 2 threads, in a fork, under set.seed()", {
  d <- vas_data(3000, 51)
  run <- function(seed, stratified = FALSE) {
    set.seed(seed)
    estimate_mcid(d$pre, d$post, d$anchor, boot = 64, range = c(0, 100),
                  scale = "percent", stratified = stratified)
  }
  old <- myelorelief_threads(1)
  on.exit(myelorelief_threads(old))
  one <- run(7)
  expect_true(one$boot_by_patient)
  expect_identical(run(7), one)
  myelorelief_threads(2)
  expect_identical(run(7), one, info = "threads 1 vs 2")
  expect_false(identical(run(8)$boot_estimates, one$boot_estimates))
  one_s <- run(7, stratified = TRUE)
  myelorelief_threads(1)
  expect_identical(run(7, stratified = TRUE), one_s, info = "stratified, threads 1 vs 2")
  skip_on_os("windows")
  myelorelief_threads(2)
  forked <- parallel::mclapply(1:2, function(i) run(7), mc.cores = 2)
  for (f in forked) expect_identical(f, one, info = "inside mclapply")
})

test_that("the interval agrees with a plain-R bootstrap by sample() within Monte-Carlo error", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")))
  d <- vas_data(1500, 52)
  set.seed(53)
  m <- estimate_mcid(d$pre, d$post, d$anchor, boot = 1000, range = c(0, 100),
                     scale = "percent")
  expect_true(m$boot_by_patient)
  change <- (d$pre - d$post) / d$pre
  keep <- d$pre > 0
  change <- change[keep]
  flag <- d$anchor[keep]
  # the Youden cut-off by a vectorised sweep (the smallest of a tie)
  youden_cut <- function(x, y) {
    o <- order(x)
    x <- x[o]
    y <- y[o]
    first <- c(TRUE, x[-1] != x[-length(x)])
    below1 <- c(0, cumsum(y))[which(first)]
    below0 <- c(0, cumsum(!y))[which(first)]
    n1 <- sum(y)
    n0 <- length(y) - n1
    score <- (n1 - below1) * n0 + below0 * n1
    x[first][which.max(score)]
  }
  set.seed(54)
  plain <- replicate(1000, {
    i <- sample.int(length(change), replace = TRUE)
    youden_cut(change[i], flag[i])
  })
  ours <- m$boot_estimates
  # the two bootstrap distributions of one statistic: means within 4
  # standard errors of their difference, spreads within 15%, and the
  # percentile bounds within a fifth of the spread
  se <- sqrt(stats::var(ours) / 1000 + stats::var(plain) / 1000)
  expect_lt(abs(mean(ours) - mean(plain)), 4 * se)
  expect_lt(abs(stats::sd(ours) / stats::sd(plain) - 1), 0.15)
  q <- stats::quantile(plain, c(0.025, 0.975), type = 1, names = FALSE)
  expect_lt(max(abs(c(m$lower, m$upper) - q)), stats::sd(plain) / 5 + 1e-12)
})

test_that("resamples by patient on a PSOCK worker equal the session's", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")))
  skip_on_cran()
  d <- vas_data(2000, 55)
  run <- function(d) {
    set.seed(9)
    myelorelief::estimate_mcid(d$pre, d$post, d$anchor, boot = 30,
                               range = c(0, 100), scale = "percent")
  }
  here <- run(d)
  cl <- parallel::makePSOCKcluster(1)
  on.exit(parallel::stopCluster(cl))
  parallel::clusterCall(cl, function(paths) .libPaths(paths), .libPaths())
  there <- parallel::clusterCall(cl, run, d)[[1]]
  expect_identical(there, here)
})
