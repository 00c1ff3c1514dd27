# Exact conditional inference on the odds ratio of one or more 2 x 2 tables
# (compare_rates(exact = TRUE)): the conditional maximum likelihood
# estimate, the exact interval and the exact test of OR = 1, as
# fisher.test() gives them for one table and mantelhaen.test(exact = TRUE)
# for several (Mantel 1977; Gart 1970; Agresti 2002, section 6.7.5).
#
# Given every table's margins, the number alleviated in the group, a_k, is
# hypergeometric with the table's odds ratio as its non-centrality; under a
# common odds ratio psi the sum S = sum(a_k) has P(S = s) proportional to
# f0(s) psi^s, f0 the convolution of the strata's central hypergeometric
# densities. Strata whose margins fix a_k (one group, nobody or everybody
# alleviated) only shift S and are left out.

# The distribution of S for strata (a of n1, c of n0) under the odds ratio
# exp(tilt): the support lo..hi, the log of its density there (`logf`,
# up to a constant), `tilt`, and the observed s. NULL when no stratum is
# informative. One stratum: the hypergeometric log density itself, exact
# however far in its tails the data lie (as fisher.test()). Several: the
# strata's densities, each tilted and scaled to a maximum of 1, convolved;
# values more than ~700 nats below the largest underflow to 0 (log -Inf),
# so the tilt is put where the interest is: 1 for the test, near the
# estimate for the estimate and its interval.
exact_distribution <- function(a, n1, c, n0, tilt = 0) {
  m1 <- a + c
  N <- n1 + n0
  use <- n1 > 0 & n0 > 0 & m1 > 0 & m1 < N
  if (!any(use)) return(NULL)
  a <- a[use]; n1 <- n1[use]; m1 <- m1[use]; N <- N[use]
  lo_k <- pmax(0, m1 - (N - n1))
  hi_k <- pmin(n1, m1)
  if (length(a) == 1L) {
    logf <- stats::dhyper(lo_k:hi_k, m1, N - m1, n1, log = TRUE)
    tilt <- 0
  } else {
    f <- 1
    for (k in seq_along(a)) {
      x <- lo_k[k]:hi_k[k]
      logd <- stats::dhyper(x, m1[k], N[k] - m1[k], n1[k], log = TRUE) + tilt * x
      f <- convolve_open(f, exp(logd - max(logd)))
      f <- f / max(f)
    }
    logf <- log(f)
  }
  list(lo = sum(lo_k), hi = sum(hi_k), logf = logf, tilt = tilt, s = sum(a))
}

# The full (linear) convolution of two non-negative vectors, by a loop over
# the shorter one (no FFT: its rounding would swamp the small tail
# probabilities that p-values are made of).
convolve_open <- function(x, y) {
  if (length(x) < length(y)) {
    t <- x; x <- y; y <- t
  }
  out <- numeric(length(x) + length(y) - 1L)
  at <- seq_along(x) - 1L
  for (j in seq_along(y)) out[at + j] <- out[at + j] + x * y[j]
  out
}

# The distribution of S under odds ratio exp(theta), on the support.
exact_density <- function(dist, theta) {
  s <- seq.int(0, length(dist$logf) - 1L)
  logd <- dist$logf + (theta - dist$tilt) * s
  logd <- logd - max(logd)
  d <- exp(logd)
  d / sum(d)
}

# The root in theta (the log odds ratio) of a function increasing from
# below 0 to above 0: bracketed by doubling steps, then uniroot() to a
# tolerance far below what any printed digit needs.
increasing_root <- function(g) {
  lower <- -1
  upper <- 1
  # (|theta| past 2^40 would mean a density that no double can hold)
  while (g(lower) > 0) {
    upper <- lower
    lower <- 2 * lower
    if (lower < -2^40) return(-Inf)
  }
  while (g(upper) < 0) {
    lower <- upper
    upper <- 2 * upper
    if (upper > 2^40) return(Inf)
  }
  stats::uniroot(g, c(lower, upper), tol = 1e-12)$root
}

# For one comparison: the conditional MLE of the common odds ratio, its
# exact interval (each tail alpha / 2, as fisher.test() and
# mantelhaen.test(exact = TRUE)), and the exact two-sided p of OR = 1 (the
# probability of the sums no more likely than the observed one, to a
# relative 1e-7, as both). NA where no stratum is informative.
exact_odds_ratio <- function(a, n1, c, n0, conf_level) {
  null <- exact_distribution(a, n1, c, n0)
  if (is.null(null)) {
    return(c(estimate = NA_real_, lower = NA_real_, upper = NA_real_,
             p_value = NA_real_))
  }
  x <- null$s - null$lo                 # the observed sum on 0..width
  width <- null$hi - null$lo
  s <- seq.int(0, width)
  alpha <- (1 - conf_level) / 2
  f0 <- exact_density(null, 0)
  p_value <- sum(f0[f0 <= f0[x + 1L] * (1 + 1e-7)])
  # for the estimate and interval, several strata are convolved again near
  # the data: tilted by a Mantel-Haenszel odds ratio (0.5 added to its sums)
  dist <- null
  # (when some of the null's values are at or near underflow: below e^-600
  # of the largest, doubles start losing digits)
  if (length(null$logf) > 1L && min(null$logf) < -600) {
    N <- pmax(n1 + n0, 1)
    mh <- (sum(a * (n0 - c) / N) + 0.5) / (sum((n1 - a) * c / N) + 0.5)
    dist <- exact_distribution(a, n1, c, n0, tilt = log(mh))
  }
  mean_at <- function(theta) sum(s * exact_density(dist, theta))
  # P(S <= x) falls and P(S >= x) rises as the odds ratio grows
  estimate <- if (x == 0) 0 else if (x == width) Inf
              else exp(increasing_root(function(t) mean_at(t) - x))
  lower <- if (x == 0) 0 else exp(increasing_root(function(t) {
    sum(exact_density(dist, t)[s >= x]) - alpha
  }))
  upper <- if (x == width) Inf else exp(increasing_root(function(t) {
    alpha - sum(exact_density(dist, t)[s <= x])
  }))
  c(estimate = estimate, lower = lower, upper = upper,
    p_value = min(1, p_value))
}

# exact_odds_ratio() for every comparison (`id` the comparison of each
# stratum's counts): a list of vectors.
exact_odds_ratios <- function(a, n1, c, n0, id, M, conf_level) {
  out <- vapply(seq_len(M), function(m) {
    k <- id == m
    exact_odds_ratio(a[k], n1[k], c[k], n0[k], conf_level)
  }, numeric(4))
  list(or_exact = out[1L, ], or_exact_lower = out[2L, ],
       or_exact_upper = out[3L, ], p_exact = out[4L, ])
}
