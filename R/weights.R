# Weights of tabulate_cohort() (issue 23): reading and checking them, and
# the design-based intervals of weighted rates.

# The weights of tabulate_cohort(): NULL, or list(values = doubles, one per
# row of x, name = what they are, max = the largest). `weights` is one name
# of a numeric column of `data` or `x` (data first, as for `by`), or a
# numeric vector with one weight per row; `expr` is its expression, which
# names a vector.
table_weights <- function(weights, expr, x, data, call) {
  if (is.null(weights)) return(NULL)
  n <- nrow(x)
  if (is.character(weights) && is.null(dim(weights)) && !is.object(weights)) {
    if (length(weights) != 1L || is.na(weights) || !nzchar(weights)) {
      abort(sprintf("`weights` must be one column name or a numeric vector with one weight per row of `x` (%s), not %s.",
                    format_integer(n), describe_value(weights)), call)
    }
    from_data <- !is.null(data) && weights %in% names(data)
    if (!from_data && !weights %in% names(x)) {
      abort(sprintf("`weights` names the column \"%s\", which is not in %s.",
                    weights, if (is.null(data)) "`x`" else "`data` or `x`"),
            call)
    }
    if (from_data) check_aligned_data(data, x, call)
    values <- if (from_data) data[[weights]] else x[[weights]]
    name <- weights
    what <- sprintf("column \"%s\"", weights)
  } else {
    values <- weights
    name <- paste(deparse(expr, width.cutoff = 60L, nlines = 1L), collapse = "")
    if (!is.name(expr) || nchar(name) > 40L) name <- "weights"
    what <- "the vector"
  }
  if (!is.numeric(values) || is.object(values) || !is.null(dim(values))) {
    abort(sprintf("`weights` must be numeric (double or integer weights, one per row), but %s is %s.",
                  what, describe_value(values)), call)
  }
  if (length(values) != n) {
    abort(sprintf("`weights` must have one weight per row of `x` (%s), but %s has %s.",
                  format_integer(n), what, format_integer(length(values))), call)
  }
  values <- as.double(values)
  max <- .Call(C_weights_max, values)
  if (max < 0) {
    bad <- which(is.na(values) | values < 0 | is.infinite(values))
    shown <- utils::head(bad, 5L)
    abort(sprintf("`weights` must be finite numbers >= 0, but %s has %s%s.",
                  what,
                  paste(sprintf("%s at row %s", format(values[shown]),
                                format_integer(shown)), collapse = ", "),
                  if (length(bad) > length(shown))
                    sprintf(" (%s such rows in all)", format_integer(length(bad)))
                  else ""), call)
  }
  # The sums of squared weights (and so the intervals) are exact only while
  # the squares stay normal doubles: beyond 1e154 they overflow, below
  # 1e-150 they underflow and the intervals moved, or were lost, without a
  # word. A weighted rate and its interval do not change when every weight is
  # multiplied by the same number, so the remedy is the user's.
  if (max > 1e154 || (max > 0 && max < 1e-150)) {
    abort(sprintf("`weights` must have their largest between 1e-150 and 1e154 (their squares are summed exactly only in that range), but the largest in %s is %s. Multiply every weight by the same number: weighted rates and their intervals do not change.",
                  what, format(max, digits = 6)), call)
  }
  # n weights near the top of that range: the sum of their squares (up to
  # n * max^2) would overflow a double at the end, the intervals lost.
  if (max > 0 && max^2 * n > 1e308) {
    abort(sprintf("`weights` are too large: the sum of the squares of %s weights as large as %s (the largest in %s) would overflow a double. Multiply every weight by the same number: weighted rates and their intervals do not change.",
                  format_integer(n), format(max, digits = 6), what), call)
  }
  list(values = values, name = name, max = max)
}

# Weighted rates with design-based intervals, as survey::svyciprop(~y,
# svydesign(ids = ~1, weights = ~w, data = <the evaluable rows>), method =
# "beta") computes them (Korn & Graubard 1998): the rate p = sum of weights
# of the alleviated / sum of weights of the evaluable (W), its linearised
# variance
#   var = n / (n - 1) * ((1 - p)^2 * S2_yes + p^2 * S2_no) / W^2
# (n the evaluable patients, S2 the sums of squared weights of the
# alleviated and of the others), and the effective sample size n_eff =
# p (1 - p) / var. Where p is 0 or 1 that variance is 0 and says nothing:
# n_eff is then Kish's W^2 / sum(w^2). The interval is the method's interval
# for p * n_eff successes out of n_eff (Clopper-Pearson's beta quantiles
# for "exact": the Korn-Graubard interval).
weighted_interval <- function(table, conf_level, method) {
  wa <- table$weighted_alleviated
  we <- table$weighted_evaluable
  w2a <- table$sum_w2_alleviated
  w2e <- table$sum_w2_evaluable
  n <- table$evaluable
  p <- wa / we
  p[!(we > 0)] <- NA_real_
  variance <- n / (n - 1) * ((1 - p)^2 * w2a + p^2 * (w2e - w2a)) / we^2
  n_eff <- p * (1 - p) / variance
  kish <- !is.na(p) & (p == 0 | p == 1 | !(variance > 0) | !is.finite(n_eff))
  n_eff[kish] <- we[kish]^2 / w2e[kish]
  ok <- !is.na(p) & is.finite(n_eff) & n_eff > 0
  n_eff[!ok] <- NA_real_
  lower <- upper <- rep(NA_real_, length(p))
  if (any(ok)) {
    ci <- proportion_interval(p[ok] * n_eff[ok], n_eff[ok], conf_level, method)
    lower[ok] <- ci$lower
    upper[ok] <- ci$upper
  }
  list(estimate = p, lower = lower, upper = upper, n_effective = n_eff)
}

weighted_columns <- c("weighted_n", "weighted_alleviated", "weighted_evaluable",
                      "sum_w2_alleviated", "sum_w2_evaluable")

# The weighted columns of a table from the cells' sums (a matrix, one row
# per cell, column (quantity - 1) * n_symptoms + symptom), in the table's
# row order: per symptom the cells in `rows` order (NULL: as they are),
# then with margins the overall row, from `totals` (the exact sums over all
# rows, 5 * n_symptoms) or else added up here.
weighted_table_columns <- function(sums, rows, n_symptoms, with_margin,
                                   totals = NULL) {
  out <- lapply(seq_along(weighted_columns), function(q) {
    unlist(lapply(seq_len(n_symptoms), function(s) {
      column <- sums[, (q - 1L) * n_symptoms + s]
      if (!is.null(rows)) column <- column[rows]
      if (with_margin) {
        column <- c(column, if (is.null(totals)) sum(column)
                            else totals[(q - 1L) * n_symptoms + s])
      }
      column
    }), use.names = FALSE)
  })
  stats::setNames(out, weighted_columns)
}
