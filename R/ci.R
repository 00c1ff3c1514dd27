#' Confidence intervals for proportions
#'
#' Vectorised confidence intervals for binomial proportions `x / n`, used for
#' every rate the package reports.
#'
#' * `"wilson"`: the score interval without continuity correction (Wilson
#'   1927), as `prop.test(x, n, correct = FALSE)`. Good coverage even for
#'   small counts; the default.
#' * `"exact"`: Clopper-Pearson, as `binom.test(x, n)`. Conservative.
#' * `"jeffreys"`: the equal-tailed interval of the Beta(x + 1/2, n - x + 1/2)
#'   posterior, with lower bound 0 at x = 0 and upper bound 1 at x = n
#'   (Brown, Cai & DasGupta 2001).
#' * `"agresti-coull"`: the "add z^2/2 successes and failures" Wald interval
#'   of Agresti & Coull (1998), clipped to \[0, 1\].
#'
#' @param x Numbers of events: whole numbers >= 0.
#' @param n Numbers of trials: whole numbers >= `x`. `x` and `n` are recycled
#'   to a common length. Where `n` is 0 the estimate and bounds are `NA`.
#' @param conf_level Confidence level, strictly between 0 and 1. Every
#'   method gives finite bounds in \[0, 1\] with `lower <= upper` for any such
#'   level, however close to 0 or 1 (tail probabilities are computed as upper
#'   tails, not as `1 - alpha / 2`, which rounds to 1 near 1).
#' @param method One of `"wilson"`, `"exact"`, `"jeffreys"`,
#'   `"agresti-coull"`.
#' @return A data frame, one row per element: `x`, `n` (as doubles, after
#'   recycling), `proportion` (x / n), `proportion_lower`,
#'   `proportion_upper`, `conf_level` and `method`. Every interval in the
#'   package is named so: the estimate, then `<estimate>_lower` and
#'   `<estimate>_upper`.
#' @references
#' Wilson EB. Probable inference, the law of succession, and statistical
#' inference. J Am Stat Assoc 1927;22:209-212.
#'
#' Clopper CJ, Pearson ES. The use of confidence or fiducial limits
#' illustrated in the case of the binomial. Biometrika 1934;26:404-413.
#'
#' Agresti A, Coull BA. Approximate is better than "exact" for interval
#' estimation of binomial proportions. Am Stat 1998;52:119-126.
#'
#' Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial
#' proportion. Stat Sci 2001;16:101-133.
#' @examples
#' # The study's headline: 35 of 325 patients
#' prop_ci(35, 325)
#' prop_ci(35, 325, method = "exact")
#' # All four symptoms at once
#' prop_ci(c(26, 2, 2, 5), 325, method = "jeffreys")
#' @export
prop_ci <- function(x, n, conf_level = 0.95,
                    method = c("wilson", "exact", "jeffreys", "agresti-coull")) {
  call <- sys.call()
  check_counts(x, "x", call)
  check_counts(n, "n", call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  if (length(x) && length(n) && max(length(x), length(n)) %%
      min(length(x), length(n)) != 0) {
    abort(sprintf("`x` (length %d) and `n` (length %d) must have lengths that recycle.",
                  length(x), length(n)), call)
  }
  size <- if (length(x) && length(n)) max(length(x), length(n)) else 0L
  x <- rep_len(as.double(x), size)
  n <- rep_len(as.double(n), size)
  bad <- which(x > n)
  if (length(bad)) {
    abort(sprintf("`x` must not exceed `n`: x = %s > n = %s at position %d.",
                  format(x[bad[1L]]), format(n[bad[1L]]), bad[1L]), call)
  }
  ci <- proportion_interval(x, n, conf_level, method)
  list2DF(list(x = x, n = n, proportion = ci$estimate,
               proportion_lower = ci$lower, proportion_upper = ci$upper,
               conf_level = rep_len(conf_level, size),
               method = rep_len(method, size)))
}

# The interval formulas on validated doubles; shared with tabulate_cohort().
# Upper-tail probabilities are passed as such (lower.tail = FALSE), never as
# 1 - alpha / 2: that rounds to 1 when conf_level is within about 1e-16 of 1
# (qnorm(1) is Inf and the Wilson bounds were NaN) and loses digits well
# before. Every method gives bounds in [0, 1], lower <= estimate <= upper,
# for any conf_level strictly between 0 and 1.
proportion_interval <- function(x, n, conf_level, method) {
  alpha <- 1 - conf_level
  empty <- n == 0
  n[empty] <- NA_real_
  estimate <- x / n
  z <- stats::qnorm(alpha / 2, lower.tail = FALSE)
  bounds <- switch(
    method,
    wilson = wilson_bounds(x, n, z),
    exact = list(
      lower = ifelse(x == 0, 0, stats::qbeta(alpha / 2, x, n - x + 1)),
      upper = ifelse(x == n, 1, stats::qbeta(alpha / 2, x + 1, n - x,
                                            lower.tail = FALSE))),
    jeffreys = list(
      lower = ifelse(x == 0, 0, stats::qbeta(alpha / 2, x + 0.5, n - x + 0.5)),
      upper = ifelse(x == n, 1, stats::qbeta(alpha / 2, x + 0.5, n - x + 0.5,
                                            lower.tail = FALSE))),
    "agresti-coull" = {
      n_tilde <- n + z^2
      p_tilde <- (x + z^2 / 2) / n_tilde
      half <- z * sqrt(p_tilde * (1 - p_tilde) / n_tilde)
      list(lower = p_tilde - half, upper = p_tilde + half)
    })
  # Round-off can leave a bound a hair outside [0, 1], or (conf_level near
  # 0, where an interval is a few ulps wide) the two bounds a few ulps in the
  # wrong order; such bounds meet halfway.
  lower <- pmax(0, bounds$lower)
  upper <- pmin(1, bounds$upper)
  reversed <- which(lower > upper)
  lower[reversed] <- upper[reversed] <- (lower[reversed] + upper[reversed]) / 2
  lower[empty] <- NA_real_
  upper[empty] <- NA_real_
  list2DF(list(estimate = estimate, lower = lower, upper = upper))
}

# Written as in prop.test() so the bounds agree to rounding: exact 0 at x = 0
# and 1 at x = n.
wilson_bounds <- function(x, n, z) {
  p <- x / n
  z22n <- z^2 / (2 * n)
  centre <- p + z22n
  half <- z * sqrt(p * (1 - p) / n + z22n / (2 * n))
  lower <- (centre - half) / (1 + 2 * z22n)
  upper <- (centre + half) / (1 + 2 * z22n)
  # index assignment rather than ifelse(): same values, a fraction of the
  # time on the million rows of a sparse table
  lower[!is.na(p) & p <= 0] <- 0
  upper[!is.na(p) & p >= 1] <- 1
  list(lower = lower, upper = upper)
}

check_counts <- function(x, arg, call) {
  if (!is.numeric(x) || is.object(x) || !is.null(dim(x))) {
    abort(sprintf("`%s` must be a numeric vector of counts, not %s.", arg,
                  describe_value(x)), call)
  }
  bad <- which(is.na(x) | !is.finite(x) | x < 0 | x != round(x))
  if (length(bad)) {
    abort(sprintf("`%s` must be whole numbers >= 0, but element %d is %s.",
                  arg, bad[1L], format(x[bad[1L]])), call)
  }
  invisible(x)
}
