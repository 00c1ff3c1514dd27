# compare_rates() for sparse strata (issue 22, section 3): Breslow-Day with
# and without Tarone's correction, the CMH test with the continuity
# correction, exact conditional inference on the odds ratio, the
# Miettinen-Nurminen score intervals, Fisher's p of an uninformative table,
# and ratios of 0 or Inf with their reason. Oracles: mantelhaen.test(),
# fisher.test(), binom.test(), DescTools (when installed) and plain-R
# versions written here that share no code with the package.

# A cohort with, per stratum k, a[k] of n1[k] alleviated in arm "treated" and
# c[k] of n0[k] in arm "control" (lower back pain only).
sparse_table <- function(a, n1, c, n0) {
  rows <- lapply(seq_along(a), function(k) {
    arm <- c(rep("treated", n1[k]), rep("control", n0[k]))
    alleviated <- c(rep(TRUE, a[k]), rep(FALSE, n1[k] - a[k]),
                    rep(TRUE, c[k]), rep(FALSE, n0[k] - c[k]))
    data.frame(arm = arm, centre = rep(sprintf("c%03d", k), length(arm)),
               lbp_pre = rep(8, length(arm)), lbp_post = ifelse(alleviated, 2, 8))
  })
  d <- do.call(rbind, rows)
  d$arm <- factor(d$arm, levels = c("control", "treated"))
  tabulate_cohort(classify_cohort(d, study_rules()["lbp"]), by = c("arm", "centre"))
}

row_of <- function(x, analysis = "crude") {
  x[x$symptom == "lbp" & x$analysis == analysis, , drop = FALSE]
}

# SAS/STAT User's Guide, PROC FREQ, "Computing Cochran-Mantel-Haenszel
# Statistics for a Stratified Table": the hypothetical Migraine data,
# Better of Active and Placebo, female then male.
migraine <- list(a = c(16, 12), n1 = c(27, 28), c = c(5, 7), n0 = c(25, 26))

# DescTools, the peer, when installed (from CRAN; not a declared
# dependency, so reached by name)
has_desctools <- function() nzchar(system.file(package = "DescTools"))
desctools <- function(name) getExportedValue("DescTools", name)

sparse_strata <- function(K) {
  n1 <- sample(0:8, K, replace = TRUE)
  n0 <- sample(0:8, K, replace = TRUE)
  a <- rbinom(K, n1, runif(1, 0.05, 0.7))
  c <- rbinom(K, n0, runif(1, 0.05, 0.7))
  list(a = a, n1 = n1, c = c, n0 = n0)
}

informative_strata <- function(s) {
  s$n1 > 0 & s$n0 > 0 & s$a + s$c > 0 & s$a + s$c < s$n1 + s$n0
}

as_array <- function(s, use = informative_strata(s)) {
  array(rbind(s$a, s$c, s$n1 - s$a, s$n0 - s$c)[, use, drop = FALSE], c(2, 2, sum(use)))
}

# Breslow-Day by loops over the strata, the expected count by uniroot()
oracle_breslow_day <- function(s, tarone) {
  use <- informative_strata(s)
  a <- s$a[use]; n1 <- s$n1[use]; c <- s$c[use]; n0 <- s$n0[use]
  or <- sum(a * (n0 - c) / (n1 + n0)) / sum((n1 - a) * c / (n1 + n0))
  total <- diff <- var <- 0
  for (k in seq_along(a)) {
    m1 <- a[k] + c[k]
    f <- function(x) x * (n0[k] - m1 + x) - or * (n1[k] - x) * (m1 - x)
    e <- uniroot(f, c(max(0, m1 - n0[k]), min(n1[k], m1)), tol = 1e-13)$root
    v <- 1 / (1 / e + 1 / (n1[k] - e) + 1 / (m1 - e) + 1 / (n0[k] - m1 + e))
    total <- total + (a[k] - e)^2 / v
    diff <- diff + a[k] - e
    var <- var + v
  }
  if (tarone) total - diff^2 / var else total
}

test_that("Breslow-Day with and without Tarone's correction: SAS's migraine example", {
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  tarone <- row_of(compare_rates(tab, "arm", strata = "centre"), "Mantel-Haenszel")
  plain <- row_of(compare_rates(tab, "arm", strata = "centre", breslow_day = "uncorrected"),
                  "Mantel-Haenszel")
  # SAS: Breslow-Day 1.4929 (p 0.2218), Tarone 1.4905 (p 0.2221)
  expect_equal(round(plain$breslow_day, 4), 1.4929)
  expect_equal(round(tarone$breslow_day, 4), 1.4905)
  expect_equal(round(c(plain$breslow_day_p, tarone$breslow_day_p), 4), c(0.2218, 0.2221))
  # SAS: Cochran-Mantel-Haenszel 8.3052 (p 0.0040); Mantel-Haenszel odds
  # ratio 3.3132 (1.4456 to 7.5934)
  expect_equal(round(plain$statistic, 4), 8.3052)
  expect_equal(round(c(plain$or, plain$or_lower, plain$or_upper), 4),
               c(3.3132, 1.4456, 7.5934))
  # nothing else changes
  same <- setdiff(names(plain), c("breslow_day", "breslow_day_p"))
  expect_identical(plain[same], tarone[same])
  expect_output(print(compare_rates(tab, "arm", strata = "centre",
                                    breslow_day = "uncorrected")),
                "heterogeneity OR +Breslow-Day 1.49, df 1, p 0.22")
})

test_that("Breslow-Day, both forms, match the papers' formulas and DescTools", {
  peer <- has_desctools()
  for (i in seq_len(n_cases(60))) {
    seed <- 22100 + i
    set.seed(seed)
    s <- sparse_strata(sample(2:10, 1))
    if (sum(informative_strata(s)) < 2) next
    use <- informative_strata(s)
    R <- sum((s$a * (s$n0 - s$c) / (s$n1 + s$n0))[use])
    S <- sum(((s$n1 - s$a) * s$c / (s$n1 + s$n0))[use])
    if (R == 0 || S == 0) next
    tab <- sparse_table(s$a, s$n1, s$c, s$n0)
    for (tarone in c(TRUE, FALSE)) {
      x <- compare_rates(tab, "arm", strata = "centre",
                         breslow_day = if (tarone) "tarone" else "uncorrected")
      got <- row_of(x, "Mantel-Haenszel")$breslow_day
      expect_equal(got, oracle_breslow_day(s, tarone), tolerance = 1e-8,
                   info = paste(seed, tarone))
      if (peer) {
        bd <- desctools("BreslowDayTest")(as_array(s), correct = tarone)
        expect_equal(got, unname(bd$statistic), tolerance = 1e-6, info = paste(seed, tarone))
      }
    }
  }
})

test_that("the CMH test with the continuity correction matches mantelhaen.test()", {
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  row <- row_of(compare_rates(tab, "arm", strata = "centre", correct = TRUE),
                "Mantel-Haenszel")
  mh <- mantelhaen.test(as_array(migraine), correct = TRUE)
  expect_equal(row$statistic, unname(mh$statistic), tolerance = 1e-12)
  expect_identical(row$test, "Cochran-Mantel-Haenszel, continuity-corrected")
  # by hand: sum(a - E) = 28 - (27 * 21 / 52 + 28 * 19 / 54), V as in Agresti
  o_e <- 28 - (27 * 21 / 52 + 28 * 19 / 54)
  v <- 27 * 25 * 21 * 31 / (52^2 * 51) + 28 * 26 * 19 * 35 / (54^2 * 53)
  expect_equal(row$statistic, (abs(o_e) - 0.5)^2 / v)
  for (i in seq_len(n_cases(60))) {
    seed <- 22200 + i
    set.seed(seed)
    s <- sparse_strata(sample(1:10, 1))
    if (!any(informative_strata(s))) next
    x <- row_of(compare_rates(sparse_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre",
                              correct = TRUE), "Mantel-Haenszel")
    use <- s$n1 + s$n0 >= 2
    if (sum(use) < 2) next
    mh <- mantelhaen.test(as_array(s, use), correct = TRUE)
    expect_equal(x$statistic, unname(mh$statistic), tolerance = 1e-8, info = seed)
    expect_equal(x$p_value, mh$p.value, tolerance = 1e-8, info = seed)
  }
})

# The exact conditional distribution of S = sum(a) under odds ratio psi, by
# enumerating every combination of the strata's counts (no convolution):
# the support and the log of the null weights.
oracle_exact_distribution <- function(s) {
  use <- informative_strata(s)
  a <- s$a[use]; n1 <- s$n1[use]; m1 <- (s$a + s$c)[use]; N <- (s$n1 + s$n0)[use]
  grids <- lapply(seq_along(a), function(k) max(0, m1[k] - (N[k] - n1[k])):min(n1[k], m1[k]))
  all <- as.matrix(expand.grid(grids))
  weight <- exp(rowSums(vapply(seq_along(a), function(k) {
    lchoose(n1[k], all[, k]) + lchoose(N[k] - n1[k], m1[k] - all[, k])
  }, numeric(nrow(all)))))
  sums <- rowSums(all)
  support <- sort(unique(sums))
  f <- vapply(support, function(v) sum(weight[sums == v]), numeric(1))
  list(support = support, f = f / sum(f), observed = sum(a))
}

# The same distribution for large strata: each stratum's log density,
# convolved in log space (log-add-exp of every pair's term into its sum),
# so that no tail underflows.
oracle_exact_distribution_log <- function(s) {
  use <- informative_strata(s)
  a <- s$a[use]; n1 <- s$n1[use]; m1 <- (s$a + s$c)[use]; N <- (s$n1 + s$n0)[use]
  log_add <- function(u, v) {
    top <- pmax(u, v)
    ifelse(is.infinite(top), top, top + log1p(exp(-abs(u - v))))
  }
  low <- 0
  logf <- 0
  for (k in seq_along(a)) {
    x <- max(0, m1[k] - (N[k] - n1[k])):min(n1[k], m1[k])
    logd <- lchoose(n1[k], x) + lchoose(N[k] - n1[k], m1[k] - x)
    out <- rep(-Inf, length(logf) + length(x) - 1L)
    at <- seq_along(logf)
    for (j in seq_along(x)) out[at + j - 1L] <- log_add(out[at + j - 1L], logf + logd[j])
    low <- low + x[1L]
    logf <- out
  }
  list(support = low + seq_along(logf) - 1L, logf = logf - max(logf), observed = sum(a))
}

# The conditional MLE, exact interval and two-sided p from the enumeration,
# the roots solved to 1e-14 on the log scale.
oracle_exact <- function(s, conf_level = 0.95, d = oracle_exact_distribution(s)) {
  if (is.null(d$logf)) d$logf <- log(d$f)
  d$f <- exp(d$logf) / sum(exp(d$logf))
  x <- d$observed
  density <- function(log_psi) {
    w <- d$logf + log_psi * d$support
    w <- exp(w - max(w))
    w / sum(w)
  }
  root <- function(g) uniroot(g, c(-60, 60), tol = 1e-14, maxiter = 5000)$root
  alpha <- (1 - conf_level) / 2
  lo <- min(d$support); hi <- max(d$support)
  c(estimate = if (x == lo) 0 else if (x == hi) Inf
               else exp(root(function(t) sum(d$support * density(t)) - x)),
    lower = if (x == lo) 0 else exp(root(function(t) sum(density(t)[d$support >= x]) - alpha)),
    upper = if (x == hi) Inf else exp(root(function(t) sum(density(t)[d$support <= x]) - alpha)),
    p_value = sum(d$f[d$f <= d$f[d$support == x] * (1 + 1e-7)]))
}

test_that("exact conditional odds ratio far in the tails: large counts", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")))
  # one table of 20,000 patients: the observed count lies ~60 standard
  # deviations from its null mean, where the null density underflows;
  # fisher.test() works on the log scale, as compare_rates() does
  row <- row_of(compare_rates(sparse_table(6000, 10000, 2000, 10000), "arm", exact = TRUE))
  ft <- fisher.test(matrix(c(6000, 2000, 4000, 8000), 2))
  small <- function(v) ifelse(v > 1, 1 / v, v)
  expect_true(all(abs(small(c(row$or_exact, row$or_exact_lower, row$or_exact_upper)) -
                        small(c(ft$estimate, ft$conf.int))) < 1e-4))
  expect_identical(row$p_exact, row$p_value)
  expect_lt(row$p_exact, 1e-300)
  # three strata whose sum lies ~39 standard deviations out (log density
  # about -760): mantelhaen.test(exact = TRUE) stops with an error there;
  # the log-space convolution written above is the oracle
  s <- list(a = rep(900, 3), n1 = rep(1500, 3), c = rep(300, 3), n0 = rep(1500, 3))
  d <- oracle_exact_distribution_log(s)
  expect_lt(min(d$logf[d$support == 1800], d$logf[d$support == 2700]), -745)
  row <- row_of(compare_rates(with(s, sparse_table(a, n1, c, n0)), "arm", strata = "centre",
                              exact = TRUE), "Mantel-Haenszel")
  expected <- oracle_exact(s, d = d)
  expect_equal(c(row$or_exact, row$or_exact_lower, row$or_exact_upper),
               unname(expected[1:3]), tolerance = 1e-8)
  expect_lt(row$p_exact, 1e-300)
})

test_that("exact conditional odds ratio: hand-worked matched pairs", {
  # 20 strata of one treated and one control patient (matched pairs): 8
  # pairs with only the treated patient alleviated, 2 with only the
  # control, 10 concordant. Conditionally on the discordant pairs, the
  # number of the first kind is binomial(10, psi / (1 + psi)): the
  # conditional MLE is 8 / 2 = 4, the exact test is binom.test(8, 10) and
  # the interval is its Clopper-Pearson interval on the odds scale.
  a <- c(rep(1, 8), rep(0, 2), rep(1, 5), rep(0, 5))
  c <- c(rep(0, 8), rep(1, 2), rep(1, 5), rep(0, 5))
  tab <- sparse_table(a, rep(1, 20), c, rep(1, 20))
  row <- row_of(compare_rates(tab, "arm", strata = "centre", exact = TRUE),
                "Mantel-Haenszel")
  b <- binom.test(8, 10)
  expect_equal(row$or_exact, 4, tolerance = 1e-10)
  expect_equal(c(row$or_exact_lower, row$or_exact_upper),
               b$conf.int[1:2] / (1 - b$conf.int[1:2]), tolerance = 1e-9)
  expect_equal(row$p_exact, b$p.value, tolerance = 1e-12)
  expect_equal(row$p_exact, 0.109375)                  # 2 * 56 / 1024
  # the Mantel-Haenszel odds ratio of pairs is the same ratio, 8 / 2
  expect_equal(row$or, 4)
})

test_that("exact conditional odds ratio: a single table as fisher.test(), strata as mantelhaen.test(exact = TRUE)", {
  for (i in seq_len(n_cases(80))) {
    seed <- 22300 + i
    set.seed(seed)
    s <- sparse_strata(sample(1:6, 1))
    use <- informative_strata(s)
    if (!any(use)) next
    x <- compare_rates(sparse_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre",
                       exact = TRUE)
    pooled <- row_of(x, "Mantel-Haenszel")
    got <- c(pooled$or_exact, pooled$or_exact_lower, pooled$or_exact_upper, pooled$p_exact)
    # the enumeration oracle where it is small, else the log-space
    # convolution, to 1e-8
    widths <- (pmin(s$n1, s$a + s$c) - pmax(0, s$a + s$c - s$n0) + 1)[use]
    d <- if (prod(widths) <= 5000) oracle_exact_distribution(s)
         else oracle_exact_distribution_log(s)
    expect_equal(got, unname(oracle_exact(s, d = d)), tolerance = 1e-8, info = seed)
    # the peers: the same p; estimates and bounds within the tolerance of
    # their uniroot() (default tol 1.2e-4, on psi or 1 / psi, whichever is
    # below 1)
    peer <- if (sum(use) > 1) mantelhaen.test(as_array(s), exact = TRUE)
            else fisher.test(as_array(s)[, , 1])
    expect_equal(pooled$p_exact, peer$p.value, tolerance = 1e-8, info = seed)
    theirs <- c(peer$estimate, peer$conf.int)
    small <- function(v) ifelse(v > 1, 1 / v, v)
    expect_true(all(abs(small(got[1:3]) - small(theirs)) < 1e-3), info = seed)
    # the crude row: fisher.test() on the whole groups
    crude <- row_of(x)
    whole <- matrix(c(sum(s$a), sum(s$c), sum(s$n1 - s$a), sum(s$n0 - s$c)), 2)
    ft <- fisher.test(whole)
    expect_equal(crude$p_exact, ft$p.value, tolerance = 1e-12, info = seed)
    expect_equal(crude$p_exact, crude$p_value, info = seed)
    one <- list(a = sum(s$a), n1 = sum(s$n1), c = sum(s$c), n0 = sum(s$n0))
    if (any(informative_strata(one))) {
      expect_equal(c(crude$or_exact, crude$or_exact_lower, crude$or_exact_upper),
                   unname(oracle_exact(one)[1:3]), tolerance = 1e-8, info = seed)
      expect_true(all(abs(small(c(crude$or_exact, crude$or_exact_lower,
                                  crude$or_exact_upper)) -
                            small(c(ft$estimate, ft$conf.int))) < 1e-3), info = seed)
    }
  }
  # a sum at the end of its support: 0 or Inf, with an interval to 0 or Inf
  x <- compare_rates(sparse_table(c(0, 0), c(5, 4), c(2, 3), c(6, 6)), "arm",
                     strata = "centre", exact = TRUE)
  pooled <- row_of(x, "Mantel-Haenszel")
  expect_identical(c(pooled$or_exact, pooled$or_exact_lower), c(0, 0))
  mh <- mantelhaen.test(as_array(list(a = c(0, 0), n1 = c(5, 4), c = c(2, 3), n0 = c(6, 6))),
                        exact = TRUE)
  expect_equal(pooled$or_exact_upper, mh$conf.int[2], tolerance = 1e-3)
  expect_equal(pooled$p_exact, mh$p.value, tolerance = 1e-12)
  # no informative stratum: nothing to estimate
  x <- compare_rates(sparse_table(c(0, 3), c(5, 3), c(0, 4), c(6, 4)), "arm",
                     strata = "centre", exact = TRUE)
  pooled <- row_of(x, "Mantel-Haenszel")
  expect_true(all(is.na(unlist(pooled[c("or_exact", "or_exact_lower", "p_exact")]))))
  # conf_level reaches the exact interval
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  row <- row_of(compare_rates(tab, "arm", strata = "centre", exact = TRUE, conf_level = 0.9),
                "Mantel-Haenszel")
  expect_equal(c(row$or_exact_lower, row$or_exact_upper),
               unname(oracle_exact(migraine, 0.9)[2:3]), tolerance = 1e-8)
})

# Miettinen-Nurminen by an independent route: the restricted MLE as the
# root in (0, 1) of the likelihood's score equations, found by polyroot()
# on the cubic (difference) or quadratic (ratio) written out from the
# likelihood, and the bounds by uniroot() to 1e-14.
oracle_mn <- function(a, n1, c, n0, conf_level = 0.95, contrast = c("rd", "rr"),
                      factor = TRUE) {
  contrast <- match.arg(contrast)
  N <- n1 + n0
  crit <- qchisq(conf_level, 1)
  inside <- function(r) {
    r <- Re(r[abs(Im(r)) < 1e-7])
    r[r >= -1e-12 & r <= 1 + 1e-12]
  }
  stat <- function(value) {
    if (contrast == "rd") {
      # p1 = p0 + value; d/dp0 of the log-likelihood = 0, times
      # p1 (1 - p1) p0 (1 - p0), is a cubic in p0
      num <- a / n1 - c / n0 - value
      if (num == 0) return(0)
      p1 <- function(p0) p0 + value
      coefs <- polynomial_coefficients(function(p0) {
        (a - n1 * p1(p0)) * p0 * (1 - p0) + (c - n0 * p0) * p1(p0) * (1 - p1(p0))
      }, 3)
      roots <- inside(polyroot(coefs))
      roots <- roots[roots >= max(0, -value) - 1e-12 & roots <= min(1, 1 - value) + 1e-12]
      loglik <- function(p0) {
        q1 <- min(1, max(0, p1(p0))); q0 <- min(1, max(0, p0))
        dbinom(a, n1, q1, log = TRUE) + dbinom(c, n0, q0, log = TRUE)
      }
      candidates <- c(roots, max(0, -value), min(1, 1 - value))
      p0 <- candidates[which.max(vapply(candidates, loglik, numeric(1)))]
      q1 <- p1(p0)
      v <- q1 * (1 - q1) / n1 + p0 * (1 - p0) / n0
    } else {
      # p1 = value * p0: the score equation is a quadratic in p0
      num <- a / n1 - value * c / n0
      if (num == 0) return(0)
      # written out: sum over both arms of (x - n p) / (1 - p) times the
      # derivative, cleared of denominators:
      # (a - n1 v p0)(1 - p0) + (c - n0 p0)(1 - v p0) = 0
      coefs <- polynomial_coefficients(function(p0) {
        (a - n1 * value * p0) * (1 - p0) + (c - n0 * p0) * (1 - value * p0)
      }, 2)
      roots <- inside(polyroot(coefs))
      roots <- roots[roots <= min(1, 1 / value) + 1e-12]
      loglik <- function(p0) {
        dbinom(a, n1, min(1, value * p0), log = TRUE) + dbinom(c, n0, min(1, p0), log = TRUE)
      }
      candidates <- c(roots, min(1, 1 / value))
      p0 <- candidates[which.max(vapply(candidates, loglik, numeric(1)))]
      q1 <- value * p0
      v <- q1 * (1 - q1) / n1 + value^2 * p0 * (1 - p0) / n0
    }
    if (factor) v <- v * N / (N - 1)
    if (v <= 0) return(Inf)
    num^2 / v
  }
  # the crossing between a point `below` crit and one `above`, by 100
  # halvings
  cross <- function(f, below, above) {
    for (i in 1:100) {
      mid <- (below + above) / 2
      if (f(mid) > crit) above <- mid else below <- mid
    }
    (below + above) / 2
  }
  if (contrast == "rd") {
    d <- a / n1 - c / n0
    lower <- if (d <= -1) -1 else cross(stat, d, -1 + 1e-13)
    upper <- if (d >= 1) 1 else cross(stat, d, 1 - 1e-13)
    if (stat(-1 + 1e-13) <= crit) lower <- -1
    if (stat(1 - 1e-13) <= crit) upper <- 1
    return(c(lower, upper))
  }
  S <- function(t) stat(exp(t))
  # a point where the statistic is below crit: the estimate, or for a
  # ratio of 0 (Inf) the far end
  middle <- if (a > 0 && c > 0) log((a / n1) / (c / n0)) else if (a == 0) -40 else 40
  lower <- if (a == 0) 0 else exp(cross(S, middle, -40))
  upper <- if (c == 0) Inf else exp(cross(S, middle, 40))
  c(lower, upper)
}

# The coefficients (constant first) of a polynomial of degree `degree`
# given as a function, by solving at degree + 1 points.
polynomial_coefficients <- function(f, degree) {
  x <- seq(-1, 1, length.out = degree + 1)
  solve(outer(x, 0:degree, `^`), vapply(x, f, numeric(1)))
}

test_that("Miettinen-Nurminen intervals: Newcombe's (1998) worked values", {
  # Newcombe (1998), Table II, the Miettinen-Nurminen row, examples (a)-(h)
  examples <- list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
                   c(0, 10, 0, 20), c(0, 10, 0, 10), c(10, 10, 0, 20), c(10, 10, 0, 10))
  published <- rbind(c(0.0528, 0.3382), c(0.1700, 0.8406), c(0.0342, 0.8534),
                     c(-0.0326, 0.1933), c(-0.1658, 0.2844), c(-0.2879, 0.2879),
                     c(0.7156, 1.0000), c(0.6636, 1.0000))
  for (k in seq_along(examples)) {
    e <- examples[[k]]
    row <- row_of(compare_rates(sparse_table(e[1], e[2], e[3], e[4]), "arm",
                                interval = "score"))
    expect_equal(round(c(row$rd_lower, row$rd_upper), 4), published[k, ], info = k)
    # the NNT follows the difference's interval
    expect_equal(sort(c(row$nnt_lower, row$nnt_upper)),
                 sort(1 / c(row$rd_lower, row$rd_upper)), info = k)
  }
})

test_that("Miettinen-Nurminen intervals match a plain-R oracle and DescTools", {
  peer <- has_desctools()
  for (i in seq_len(n_cases(60))) {
    seed <- 22400 + i
    set.seed(seed)
    n1 <- sample(1:40, 1); n0 <- sample(1:40, 1)
    a <- sample(0:n1, 1); c <- sample(0:n0, 1)
    if (i %% 9 == 0) a <- 0
    if (i %% 13 == 0) c <- n0
    if (i %% 17 == 0) { a <- n1; c <- 0 }
    row <- row_of(compare_rates(sparse_table(a, n1, c, n0), "arm", interval = "score"))
    info <- sprintf("seed %d: %d/%d vs %d/%d", seed, a, n1, c, n0)
    expect_equal(c(row$rd_lower, row$rd_upper), oracle_mn(a, n1, c, n0, contrast = "rd"),
                 tolerance = 1e-8, info = info)
    if (a + c > 0) {
      expect_equal(row$rr, (a / n1) / (c / n0), info = info)
      expect_equal(c(row$rr_lower, row$rr_upper), oracle_mn(a, n1, c, n0, contrast = "rr"),
                   tolerance = 1e-8, info = info)
    } else {
      expect_true(is.na(row$rr) && is.na(row$rr_lower), info = info)
    }
    if (peer) {
      # DescTools bisects to 1e-7
      mn <- desctools("BinomDiffCI")(a, n1, c, n0, method = "mn")
      expect_equal(c(row$rd_lower, row$rd_upper), unname(mn[1, 2:3]), tolerance = 1e-5,
                   info = info)
    }
  }
  # the ratio's score interval without N / (N - 1) is Koopman's (1984)
  if (peer) {
    for (e in list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(20, 40, 12, 35))) {
      ours <- myelorelief:::mn_interval_rr(e[1], e[2], e[3], e[4], 0.95, factor = FALSE)
      k <- desctools("BinomRatioCI")(e[1], e[2], e[3], e[4], method = "koopman", tol = 1e-12)
      expect_equal(unlist(ours), unname(k[1, 2:3]), tolerance = 1e-6, ignore_attr = TRUE,
                   info = paste(e, collapse = " "))
    }
  }
  # conf_level reaches the score intervals
  row <- row_of(compare_rates(sparse_table(56, 70, 48, 80), "arm", interval = "score",
                              conf_level = 0.9))
  expect_equal(c(row$rd_lower, row$rd_upper), oracle_mn(56, 70, 48, 80, 0.9),
               tolerance = 1e-8)
  # stratum rows get the score intervals too, all strata found together:
  # every one as the oracle finds it alone (zero cells, empty groups mixed)
  set.seed(22450)
  s <- sparse_strata(40)
  s$a[1:3] <- 0; s$c[4:6] <- 0; s$a[7] <- s$n1[7]; s$c[7] <- s$n0[7]
  strata <- attr(compare_rates(sparse_table(s$a, s$n1, s$c, s$n0), "arm", strata = "centre",
                               interval = "score"), "stratum_rows")
  strata <- strata[strata$symptom == "lbp", ]
  for (k in seq_len(nrow(strata))) {
    r <- strata[k, ]
    info <- sprintf("stratum %s: %d/%d vs %d/%d", r$stratum, r$events, r$total,
                    r$ref_events, r$ref_total)
    if (r$total == 0 || r$ref_total == 0) {
      expect_true(is.na(r$rd_lower) && is.na(r$rr_lower), info = info)
      next
    }
    expect_equal(c(r$rd_lower, r$rd_upper),
                 oracle_mn(r$events, r$total, r$ref_events, r$ref_total), tolerance = 1e-8,
                 info = info)
    if (r$events + r$ref_events > 0) {
      expect_equal(c(r$rr_lower, r$rr_upper),
                   oracle_mn(r$events, r$total, r$ref_events, r$ref_total, contrast = "rr"),
                   tolerance = 1e-8, info = info)
    }
  }
})

test_that("Fisher's p is 1 where every table is equally likely, and the test says so", {
  # nobody alleviated; everybody; one patient in each group
  for (e in list(c(0, 10, 0, 12), c(10, 10, 12, 12), c(1, 1, 0, 1))) {
    row <- row_of(compare_rates(sparse_table(e[1], e[2], e[3], e[4]), "arm"))
    expect_identical(row$p_value, 1, info = paste(e, collapse = " "))
    expect_identical(row$test, "not informative", info = paste(e, collapse = " "))
    expect_equal(row$p_value, fisher.test(matrix(c(e[1], e[3], e[2] - e[1], e[4] - e[3]), 2))$p.value)
  }
  x <- compare_rates(sparse_table(0, 10, 0, 12), "arm")
  expect_output(print(x), ">0.99 \\(not informative\\)")
  expect_output(print(x), "no test can tell the groups apart")
})

test_that("a ratio of 0 or Inf is shown with its reason", {
  # no treated patient alleviated in either stratum: pooled ratios of 0
  x <- compare_rates(sparse_table(c(0, 0), c(5, 4), c(2, 3), c(6, 6)), "arm",
                     strata = "centre")
  f <- format(x)
  pooled <- x$analysis == "Mantel-Haenszel" & x$symptom == "lbp"
  expect_identical(f[["risk ratio (95% CI)"]][pooled], "0 (no treated patient alleviated)")
  expect_identical(f[["odds ratio (95% CI)"]][pooled], "0 (no treated patient alleviated)")
  expect_output(print(x), "ratio of 0 +no treated patient alleviated")
  # no control patient alleviated: Inf
  x <- compare_rates(sparse_table(c(2, 3), c(5, 4), c(0, 0), c(6, 6)), "arm",
                     strata = "centre")
  expect_identical(format(x)[["odds ratio (95% CI)"]][pooled],
                   "Inf (no control patient alleviated)")
  # events in both groups, but in different strata: no stratum has the
  # cells the ratio needs
  x <- compare_rates(sparse_table(c(2, 4), c(5, 4), c(0, 3), c(6, 6)), "arm",
                     strata = "centre")
  expect_identical(format(x)[["odds ratio (95% CI)"]][pooled],
                   "Inf (no stratum with control alleviated and treated not)")
  # every control patient alleviated: an odds ratio of 0
  x <- compare_rates(sparse_table(c(1, 2), c(5, 4), c(6, 6), c(6, 6)), "arm",
                     strata = "centre")
  expect_identical(format(x)[["odds ratio (95% CI)"]][pooled],
                   "0 (every control patient alleviated)")
  # the crude ratio under the score interval, and the exact odds ratio
  x <- compare_rates(sparse_table(0, 9, 5, 12), "arm", interval = "score", exact = TRUE)
  f <- format(x)[x$symptom == "lbp", ]
  expect_match(f[["risk ratio (95% CI)"]], "^0 \\(0-.*\\) \\(no treated patient alleviated\\)$")
  expect_match(f[["exact odds ratio (95% CI)"]], "^0 \\(0-.*\\) \\(no treated patient alleviated\\)$")
  # a finite ratio has no reason
  expect_false(any(grepl("alleviated", format(compare_rates(
    sparse_table(3, 9, 5, 12), "arm"))[["risk ratio (95% CI)"]])))
})

test_that("the defaults keep today's numbers; options print within 80 columns", {
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  default <- compare_rates(tab, "arm", strata = "centre")
  explicit <- compare_rates(tab, "arm", strata = "centre", interval = "newcombe",
                            exact = FALSE, correct = FALSE, breslow_day = "tarone")
  expect_identical(default, explicit)
  expect_identical(attr(default, "interval"), "newcombe")
  expect_false(any(c("or_exact", "p_exact") %in% names(default)))
  all_options <- compare_rates(tab, "arm", strata = "centre", interval = "score",
                               exact = TRUE, correct = TRUE, breslow_day = "uncorrected")
  expect_snapshot(print(all_options))
  expect_snapshot(print(compare_rates(sparse_table(0, 9, 5, 12), "arm",
                                      interval = "score", exact = TRUE)))
  for (x in list(all_options, compare_rates(tab, "arm", exact = TRUE),
                 compare_rates(sparse_table(c(0, 0), c(5, 4), c(2, 3), c(6, 6)), "arm",
                               strata = "centre", exact = TRUE, interval = "score"))) {
    out <- capture.output(print(x), print(summary(x)), print(summary(x), measure = "rr"))
    expect_true(all(nchar(out) <= 80))
    expect_identical(class(as.data.frame(x)), "data.frame")
    f <- format(x)
    expect_true(all(vapply(f, is.character, logical(1))))
    file <- tempfile(fileext = ".png")
    grDevices::png(file)
    for (measure in c("rd", "rr", "or")) expect_identical(plot(x, measure = measure), x)
    grDevices::dev.off()
    unlink(file)
    s <- summary(x)
    strata <- attr(x, "stratum_rows")
    expect_identical(nrow(as.data.frame(s)),
                     nrow(x) + if (is.null(strata)) 0L else nrow(strata))
  }
  d <- as.data.frame(all_options)
  expect_true(all(c("or_exact", "or_exact_lower", "or_exact_upper", "p_exact") %in% names(d)))
  # summary keeps the exact columns on its crude and pooled rows
  s <- as.data.frame(summary(all_options))
  expect_equal(s$or_exact[s$analysis == "Mantel-Haenszel"],
               all_options$or_exact[all_options$analysis == "Mantel-Haenszel"])
})

test_that("bad options give errors naming them", {
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  expect_error(compare_rates(tab, "arm", interval = "wald"), "`interval`",
               class = "myelorelief_error")
  expect_error(compare_rates(tab, "arm", breslow_day = "zelen"), "`breslow_day`",
               class = "myelorelief_error")
  for (bad in list(NA, "yes", c(TRUE, FALSE), 1)) {
    expect_error(compare_rates(tab, "arm", exact = bad), "`exact`",
                 class = "myelorelief_error")
    expect_error(compare_rates(tab, "arm", correct = bad), "`correct`",
                 class = "myelorelief_error")
  }
})

test_that("methods_text() describes the comparison's methods", {
  tab <- with(migraine, sparse_table(a, n1, c, n0))
  default <- as.character(methods_text(group = "arm", by = "centre"))
  expect_identical(as.character(methods_text(group = "arm", by = "centre",
                                             comparison = compare_rates(tab, "arm",
                                                                        strata = "centre"))),
                   default)
  expect_match(default[1], "Newcombe's hybrid score interval")
  expect_match(default[1], "Breslow-Day test with Tarone's correction")
  x <- compare_rates(tab, "arm", strata = "centre", interval = "score", exact = TRUE,
                     correct = TRUE, breslow_day = "uncorrected")
  text <- as.character(methods_text(group = "arm", by = "centre", comparison = x))
  paragraph <- text[1]
  expect_match(paragraph, "score interval of Miettinen and Nurminen (1985)", fixed = TRUE)
  expect_match(paragraph, "Cochran-Mantel-Haenszel test with continuity correction")
  expect_match(paragraph, "the Breslow-Day test (Breslow and Day 1980)", fixed = TRUE)
  expect_match(paragraph, "common (over centre) and crude odds ratio was also estimated by conditional maximum likelihood",
               fixed = TRUE)
  expect_false(grepl("Katz|Tarone", paragraph))   # Newcombe stays: the strata sentence
  references <- paste(text[-1], collapse = "\n")
  expect_match(references, "Miettinen O, Nurminen M")
  expect_match(references, "Gart JJ")
  expect_match(references, "Mehta CR")
  expect_match(references, "Breslow NE, Day NE")
  expect_false(grepl("Tarone RE|Katz D", references))
  # crude only
  paragraph <- as.character(methods_text(group = "arm",
                                         comparison = compare_rates(tab, "arm", exact = TRUE)))[1]
  expect_match(paragraph, "The crude odds ratio was also estimated", fixed = TRUE)
  expect_error(methods_text(group = "arm", comparison = list(exact = TRUE)), "`comparison`",
               class = "myelorelief_error")
  expect_error(methods_text(comparison = x), "give `group`", class = "myelorelief_error")
})
