# Score intervals of Miettinen and Nurminen (1985) for the risk difference
# and the risk ratio of 2 x 2 tables (compare_rates(interval = "score")):
# the values of the difference (ratio) that the score test, with the
# restricted maximum likelihood estimates of the two rates and the variance
# multiplied by N / (N - 1), does not reject at the confidence level.
# Group a of n1, reference c of n0; everything is vectorised over tables,
# and the bounds of all tables are found together by bisection.

# The restricted MLEs (group, reference) given p1 - p0 = delta: the root in
# (0, 1) of the cubic of Miettinen and Nurminen (1985; Farrington and
# Manning 1990), by its trigonometric solution.
mn_restricted_rd <- function(p1, n1, p0, n0, delta) {
  theta <- n0 / n1
  A <- 1 + theta
  B <- -(1 + theta + p1 + theta * p0 + delta * (theta + 2))
  C <- delta^2 + delta * (2 * p1 + theta + 1) + p1 + theta * p0
  D <- -p1 * delta * (1 + delta)
  v <- (B / (3 * A))^3 - B * C / (6 * A^2) + D / (2 * A)
  u <- sign(v) * sqrt(pmax(0, (B / (3 * A))^2 - C / (3 * A)))
  cosine <- ifelse(u == 0, 0, pmin(1, pmax(-1, v / u^3)))
  w <- (pi + acos(cosine)) / 3
  r1 <- pmin(1, pmax(0, 2 * u * cos(w) - B / (3 * A)))
  list(r1, pmin(1, pmax(0, r1 - delta)))
}

# The score statistic (squared) for the difference delta; `factor = FALSE`
# leaves out N / (N - 1) (Mee 1984).
mn_score_rd <- function(a, n1, c, n0, delta, factor = TRUE) {
  p1 <- a / n1
  p0 <- c / n0
  num <- p1 - p0 - delta
  r <- mn_restricted_rd(p1, n1, p0, n0, delta)
  v <- r[[1L]] * (1 - r[[1L]]) / n1 + r[[2L]] * (1 - r[[2L]]) / n0
  if (factor) v <- v * (n1 + n0) / (n1 + n0 - 1)
  ifelse(num == 0, 0, ifelse(v <= 0, Inf, num^2 / v))
}

# The restricted MLEs given p1 / p0 = phi: the reference's rate the smaller
# root of a quadratic (Miettinen and Nurminen 1985), in a form without
# cancellation.
mn_restricted_rr <- function(a, n1, c, n0, phi) {
  A <- (n1 + n0) * phi
  B <- -(n1 * phi + a + n0 + c * phi)
  C <- a + c
  disc <- sqrt(pmax(0, B^2 - 4 * A * C))
  r0 <- pmin(1, pmax(0, 2 * C / (-B + disc)))
  list(pmin(1, phi * r0), r0)
}

# `factor = FALSE` leaves out N / (N - 1) (Koopman 1984).
mn_score_rr <- function(a, n1, c, n0, phi, factor = TRUE) {
  num <- a / n1 - phi * c / n0
  r <- mn_restricted_rr(a, n1, c, n0, phi)
  v <- r[[1L]] * (1 - r[[1L]]) / n1 + phi^2 * r[[2L]] * (1 - r[[2L]]) / n0
  if (factor) v <- v * (n1 + n0) / (n1 + n0 - 1)
  ifelse(num == 0, 0, ifelse(v <= 0, Inf, num^2 / v))
}

# For every table, the point between `inside` (statistic at most crit) and
# `outside` (above) where stat() crosses crit, by bisection to the last
# bits of a double, all tables at once. (uniroot()'s interpolation stops
# early when the statistic is huge at one end, as it is near the edge of
# the parameter range.)
bisect <- function(stat, crit, inside, outside) {
  for (i in seq_len(1100L)) {
    mid <- (inside + outside) / 2
    open <- mid != inside & mid != outside
    open[is.na(open)] <- FALSE
    if (!any(open)) break
    above <- stat(mid) > crit
    above[is.na(above)] <- TRUE
    outside <- ifelse(open & above, mid, outside)
    inside <- ifelse(open & !above, mid, inside)
  }
  (inside + outside) / 2
}

# Miettinen-Nurminen intervals for the risk difference: list(lower, upper);
# NA for a table with an empty group.
mn_interval_rd <- function(a, n1, c, n0, conf_level, factor = TRUE) {
  crit <- stats::qchisq(conf_level, 1)
  ok <- n1 > 0 & n0 > 0
  a <- a[ok]; n1 <- n1[ok]; c <- c[ok]; n0 <- n0[ok]
  d <- a / n1 - c / n0
  stat <- function(delta) mn_score_rd(a, n1, c, n0, delta, factor)
  bound <- function(end) {
    # just inside the open range: the bound is `end` itself when even
    # there the statistic stays below crit
    inner <- end - (end - d) * 1e-12
    out <- bisect(stat, crit, d, inner)
    ifelse(d == end | stat(inner) <= crit, end, out)
  }
  lower <- upper <- rep(NA_real_, length(ok))
  lower[ok] <- bound(rep(-1, length(d)))
  upper[ok] <- bound(rep(1, length(d)))
  list(lower = lower, upper = upper)
}

# Miettinen-Nurminen intervals for the risk ratio, searched on the log
# scale: 0 below when the group has no event, Inf above when the reference
# has none; NA when neither has or a group is empty.
mn_interval_rr <- function(a, n1, c, n0, conf_level, factor = TRUE) {
  crit <- stats::qchisq(conf_level, 1)
  ok <- n1 > 0 & n0 > 0 & a + c > 0
  a <- a[ok]; n1 <- n1[ok]; c <- c[ok]; n0 <- n0[ok]
  stat <- function(t) mn_score_rr(a, n1, c, n0, exp(t), factor)
  # a log ratio where the statistic is below crit: the estimate, or for a
  # ratio of 0 (Inf) one far enough down (up)
  start <- ifelse(a > 0 & c > 0, log((a / n1) / (c / n0)), 0)
  direction <- ifelse(a == 0, -1, 1)
  step <- 1
  for (i in seq_len(9L)) {
    high <- (a == 0 | c == 0) & stat(start) >= crit
    if (!any(high)) break
    start[high] <- direction[high] * step
    step <- 2 * step
  }
  bound <- function(direction, infinite) {
    # bracket by doubling steps away from `start`, then bisect
    near <- start
    far <- start + direction
    step <- 1
    for (i in seq_len(9L)) {
      low <- !infinite & stat(far) <= crit
      if (!any(low)) break
      near[low] <- far[low]
      step <- 2 * step
      far[low] <- start[low] + direction * step
    }
    # (past e^256 the ratio is reported as 0 or Inf)
    ifelse(infinite | stat(far) <= crit, direction * Inf,
           bisect(stat, crit, near, far))
  }
  lower <- upper <- rep(NA_real_, length(ok))
  lower[ok] <- exp(bound(-1, a == 0))
  upper[ok] <- exp(bound(1, c == 0))
  list(lower = lower, upper = upper)
}
