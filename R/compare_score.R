# Score intervals of Miettinen and Nurminen (1985) for the risk difference
# and the risk ratio of 2 x 2 tables (compare_rates(interval = "score")):
# the values of the difference (ratio) that the score test, with the
# restricted maximum likelihood estimates of the two rates and the variance
# multiplied by N / (N - 1), does not reject at the confidence level.
# Group a of n1, reference c of n0; vectorised over tables.

# The restricted MLE of the group's rate given p1 - p0 = delta: the root in
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
  r1 <- 2 * u * cos(w) - B / (3 * A)
  r1 <- pmin(1, pmax(0, r1))
  c(r1, pmin(1, pmax(0, r1 - delta)))
}

# The score statistic (squared) for the difference delta, one table.
mn_score_rd <- function(a, n1, c, n0, delta, factor = TRUE) {
  p1 <- a / n1
  p0 <- c / n0
  num <- p1 - p0 - delta
  if (num == 0) return(0)
  r <- mn_restricted_rd(p1, n1, p0, n0, delta)
  N <- n1 + n0
  v <- r[1L] * (1 - r[1L]) / n1 + r[2L] * (1 - r[2L]) / n0
  if (factor) v <- v * N / (N - 1)
  if (v <= 0) return(Inf)
  num^2 / v
}

# The restricted MLE of the reference's rate given p1 / p0 = phi (the
# smaller root of a quadratic, Miettinen and Nurminen 1985), in a form
# without cancellation.
mn_restricted_rr <- function(a, n1, c, n0, phi) {
  N <- n1 + n0
  A <- N * phi
  B <- -(n1 * phi + a + n0 + c * phi)
  C <- a + c
  disc <- sqrt(pmax(0, B^2 - 4 * A * C))
  r0 <- 2 * C / (-B + disc)
  r0 <- pmin(1, pmax(0, r0))
  c(pmin(1, phi * r0), r0)
}

mn_score_rr <- function(a, n1, c, n0, phi, factor = TRUE) {
  num <- a / n1 - phi * c / n0
  if (num == 0) return(0)
  r <- mn_restricted_rr(a, n1, c, n0, phi)
  N <- n1 + n0
  v <- r[1L] * (1 - r[1L]) / n1 + phi^2 * r[2L] * (1 - r[2L]) / n0
  if (factor) v <- v * N / (N - 1)
  if (v <= 0) return(Inf)
  num^2 / v
}

# The bound on one side of `start` (where the statistic is 0) at which the
# statistic reaches `crit`: the statistic as a function of t grows from
# `start` towards `end`; `end` itself when it never reaches crit.
score_bound <- function(stat, start, end, crit) {
  # stay strictly inside the open parameter range
  inner <- end - (end - start) * 1e-12
  if (stat(inner) > crit) return(bisect(stat, crit, start, inner))
  end
}

# The point between `inside` (statistic below crit) and `outside` (above)
# where the statistic crosses crit, by bisection to the last bits of a
# double. (uniroot()'s interpolation stops early when the statistic is
# huge at one end, as it is near the edge of the parameter range.)
bisect <- function(stat, crit, inside, outside) {
  for (i in seq_len(200L)) {
    mid <- (inside + outside) / 2
    if (mid == inside || mid == outside) break
    if (stat(mid) > crit) outside <- mid else inside <- mid
  }
  (inside + outside) / 2
}

# Miettinen-Nurminen intervals for the risk difference: list(lower, upper).
# `factor = FALSE` leaves out N / (N - 1): Mee's (1984) interval.
mn_interval_rd <- function(a, n1, c, n0, conf_level, factor = TRUE) {
  crit <- stats::qchisq(conf_level, 1)
  out <- vapply(seq_along(a), function(i) {
    if (n1[i] == 0 || n0[i] == 0) return(c(NA_real_, NA_real_))
    d <- a[i] / n1[i] - c[i] / n0[i]
    stat <- function(delta) mn_score_rd(a[i], n1[i], c[i], n0[i], delta, factor)
    lower <- if (d <= -1) -1 else score_bound(stat, d, -1, crit)
    upper <- if (d >= 1) 1 else score_bound(stat, d, 1, crit)
    c(lower, upper)
  }, numeric(2))
  list(lower = out[1L, ], upper = out[2L, ])
}

# Miettinen-Nurminen intervals for the risk ratio (searched on the log
# scale): 0 below when the group has no event, Inf above when the
# reference has none; NA when neither has. `factor = FALSE` leaves out
# N / (N - 1): Koopman's (1984) interval.
mn_interval_rr <- function(a, n1, c, n0, conf_level, factor = TRUE) {
  crit <- stats::qchisq(conf_level, 1)
  out <- vapply(seq_along(a), function(i) {
    if (n1[i] == 0 || n0[i] == 0 || a[i] + c[i] == 0) return(c(NA_real_, NA_real_))
    stat <- function(t) mn_score_rr(a[i], n1[i], c[i], n0[i], exp(t), factor)
    # where the statistic is 0: the estimate, or for a ratio of 0 or Inf a
    # point inside the range
    start <- if (a[i] > 0 && c[i] > 0) log((a[i] / n1[i]) / (c[i] / n0[i]))
             else inside(stat, if (a[i] == 0) -1 else 1, crit)
    lower <- if (a[i] == 0) 0 else exp(bracket_bound(stat, start, -1, crit))
    upper <- if (c[i] == 0) Inf else exp(bracket_bound(stat, start, 1, crit))
    c(lower, upper)
  }, numeric(2))
  list(lower = out[1L, ], upper = out[2L, ])
}

# For a ratio of 0 (Inf), a log ratio far enough down (up) that the
# statistic is below crit.
inside <- function(stat, direction, crit) {
  t <- 0
  step <- 1
  while (stat(t) >= crit && step < 1e3) {
    t <- direction * step
    step <- 2 * step
  }
  t
}

# From `start`, where the statistic is below crit, the point in `direction`
# (+1 or -1) where it reaches crit, bracketed by doubling steps on the log
# scale (the statistic grows without bound there when the bound is finite).
bracket_bound <- function(stat, start, direction, crit) {
  near <- start
  step <- 1
  far <- start + direction * step
  while (stat(far) < crit) {
    near <- far
    step <- 2 * step
    far <- start + direction * step
    if (step > 1e3) return(direction * Inf)
  }
  bisect(stat, crit, near, far)
}
