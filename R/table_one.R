#' Patient characteristics by group ("Table 1")
#'
#' The characteristics table of a paper: one column per level of `group`
#' plus an overall column, each headed with its number of patients
#' (`"CBT (N = 29)"`). Numeric variables are shown as mean (SD), or as
#' median \[Q1\eqn{-}Q3\] for the variables named in `nonnormal`;
#' categorical variables (factors, characters, logicals) as n (%) per level
#' under a header row naming the variable. A variable with missing values
#' gets a row of missing counts under it. Optionally, p-values (`test =
#' TRUE`) and standardized mean differences (`smd = TRUE`).
#'
#' **Decimals.** Each numeric variable is shown with one decimal more than
#' the data are recorded with (ages in whole years: one decimal; weights to
#' 0.1 kg: two), at most four; `digits` overrides this for all variables (a
#' single number) or for some (a named vector). Percentages have one decimal.
#'
#' **Tests** (`test = TRUE`). Numeric variables: Welch's t test (two groups)
#' or Welch's one-way analysis of variance ([stats::oneway.test()], more
#' groups); for the `nonnormal` ones the Wilcoxon rank-sum test (two groups)
#' or the Kruskal-Wallis test (more). Categorical variables: Pearson's
#' chi-square test ([stats::chisq.test()] with its defaults, so with Yates'
#' continuity correction on a 2 x 2 table), or Fisher's exact test when an
#' expected count is below 5; where Fisher's test is infeasible (large
#' tables), a chi-square test with a Monte Carlo p-value (`simulate_B`
#' replicates, `seed`). Missing values are left out of every test. The test
#' is named on each variable's row and in a footnote of `print()`. Where no
#' test can tell the groups apart the test is `"not informative"`: for a
#' numeric variable no test can be computed (a group without values, every
#' value the same) and the p-value is `NA`; for a categorical variable the
#' counts leave every table equally likely (one level observed, one group
#' without values, every level seen once, one level seen once in groups of
#' equal size, ...; see [summary.alleviation_table()]) and the p-value is 1,
#' as [fisher.test()] and [compare_rates()] give it (earlier versions gave
#' `NA`). The check for equally likely tables is exact for two groups or two
#' levels; a larger table whose tables are all equally likely keeps the test
#' it gets, with p = 1.
#'
#' **Standardized mean differences** (`smd = TRUE`), as the tableone package
#' computes them, for observational comparisons: for a numeric variable the
#' absolute difference in means over \eqn{\sqrt{(s_1^2 + s_2^2)/2}}; for a
#' categorical one with \eqn{k} levels the multivariate form of Yang and
#' Dalton, \eqn{\sqrt{T' S^{-1} T}}, where \eqn{T} is the difference in the
#' proportions of levels 2 to \eqn{k} and \eqn{S} the mean of the two groups'
#' multinomial covariance matrices of those proportions (a generalized
#' inverse where \eqn{S} is singular). The `nonnormal` choice does not change
#' the SMD. With more than two groups, the table shows the **largest** SMD
#' over all pairs of groups (tableone prints their mean, which can hide one
#' badly unbalanced pair); every pair's SMD is in `as.data.frame(x, what =
#' "smd")`.
#'
#' Rows whose `group` is missing are counted in the overall column only, and
#' `print()` says how many there are.
#'
#' A `myelo_cohort` is a data frame, so `table_one(cohort, vars, group =
#' "any_alleviated")` describes patients by whether any symptom was
#' alleviated; [compare_alleviated()] is the older form of that table, kept
#' with its own layout and tests (median \[IQR\] and Fisher's exact test for
#' every variable).
#'
#' @param data A data frame, one row per patient.
#' @param vars Names of the columns of `data` to describe, in order.
#' @param group `NULL` (only the overall column) or the name of a column of
#'   `data` (factor, character, logical or whole numbers) whose levels are
#'   the columns of the table; it needs at least two levels with patients.
#' @param nonnormal Names of numeric `vars` shown as median \[Q1-Q3\] and
#'   tested with rank tests; the rest are shown as mean (SD).
#' @param test Add p-values (needs `group`).
#' @param smd Add standardized mean differences (needs `group`).
#' @param digits `NULL` (decimals from each variable's resolution), one whole
#'   number for every numeric variable, or a named vector of whole numbers
#'   for some of them.
#' @param overall Add the overall column (always there without `group`).
#' @param simulate_B,seed Replicates and random seed of a Monte Carlo
#'   p-value, used only where Fisher's exact test is infeasible; the
#'   session's random number state is put back as it was.
#' @return An object of class `table_one`: a data frame with one row per
#'   cell of the table in numbers (`variable`, `kind` = `"numeric"`,
#'   `"level"` or `"missing"`, `level`, `group`, `overall`, `n`, `total`,
#'   `proportion`, `mean`, `sd`, `median`, `q1`, `q3`; `n` is the number of
#'   patients with a value (numeric), in the level, or missing, and `total`
#'   its denominator: the patients with a value for a level, the column's
#'   patients otherwise) and attributes with the tests and SMDs. `format()` gives the table as a character data frame
#'   (for `knitr::kable()`), `print()` shows it within the console width,
#'   `as.data.frame()` gives the numbers: `what = "cells"` (the rows above),
#'   `"tests"` (one row per variable: `test`, `statistic`, `p_value`, `smd`)
#'   or `"smd"` (one row per variable and pair of groups).
#' @references Yang D, Dalton JE. A unified approach to measuring the effect
#'   size between two groups using SAS. SAS Global Forum 2012, paper 335.
#'
#'   Yoshida K, Bartel A. tableone: Create 'Table 1' to describe baseline
#'   characteristics. R package.
#' @examples
#' table_one(myelography, c("age", "sex", "diagnosis"), group = "hospital")
#' # by whether any symptom was alleviated (synthetic cohort)
#' cohort <- classify_cohort(myelography)
#' table_one(cohort, c("age", "sex", "myelo_block"), group = "any_alleviated",
#'           nonnormal = "age", test = TRUE)
#' if (requireNamespace("MASS", quietly = TRUE)) {
#'   table_one(MASS::anorexia, c("Prewt", "Postwt"), group = "Treat",
#'             smd = TRUE)
#' }
#' @export
table_one <- function(data, vars, group = NULL, nonnormal = character(),
                      test = FALSE, smd = FALSE, digits = NULL,
                      overall = TRUE, simulate_B = 10000L, seed = 1L) {
  call <- sys.call()
  check_data_frame(data, "data", call)
  check_names(vars, "vars", call)
  if (anyDuplicated(vars)) {
    abort(sprintf("`vars` names a column more than once: \"%s\".",
                  vars[anyDuplicated(vars)]), call)
  }
  check_columns_exist(names(data), vars, "vars", call = call)
  if (!is.null(group)) {
    if (!is.character(group) || length(group) != 1L || is.na(group) ||
        !nzchar(group)) {
      abort(sprintf("`group` must be NULL or the name of one column of `data`, not %s.",
                    describe_value(group)), call)
    }
    check_columns_exist(names(data), group, "group", call = call)
    if (group %in% vars) {
      abort(sprintf("`vars` must not include the `group` column \"%s\".", group),
            call)
    }
  }
  if (!is.character(nonnormal) || anyNA(nonnormal)) {
    abort(sprintf("`nonnormal` must be a character vector of names in `vars`, not %s.",
                  describe_value(nonnormal)), call)
  }
  if (length(setdiff(nonnormal, vars))) {
    abort(sprintf("`nonnormal` names %s not in `vars`: %s.",
                  if (length(setdiff(nonnormal, vars)) == 1L) "a column" else "columns",
                  paste0("\"", setdiff(nonnormal, vars), "\"", collapse = ", ")),
          call)
  }
  check_flag(test, "test", call)
  check_flag(smd, "smd", call)
  check_flag(overall, "overall", call)
  check_number(simulate_B, "simulate_B", min = 100, call = call)
  check_seed(seed, call = call)
  if (is.null(group) && (test || smd)) {
    abort(sprintf("`%s = TRUE` needs `group`: there is nothing to compare.",
                  if (test) "test" else "smd"), call)
  }

  kinds <- vapply(vars, function(v) {
    values <- data[[v]]
    if (!is.null(dim(values)) || is.list(values)) return("bad")
    if (is.numeric(values) && !is.object(values)) return("numeric")
    if (is.factor(values) || (is.character(values) && !is.object(values)) ||
        (is.logical(values) && !is.object(values))) return("categorical")
    "bad"
  }, character(1))
  if (any(kinds == "bad")) {
    v <- vars[kinds == "bad"][1L]
    abort(sprintf("`vars` column \"%s\" must be numeric, factor, character or logical, not %s.",
                  v, describe_value(data[[v]])), call)
  }
  if (length(bad <- intersect(nonnormal, vars[kinds != "numeric"]))) {
    abort(sprintf("`nonnormal` names a column that is not numeric: \"%s\".",
                  bad[1L]), call)
  }
  digits <- check_digits(digits, vars[kinds == "numeric"], call)

  g <- NULL
  if (!is.null(group)) {
    g <- group_factor(data[[group]], call)
    if (sum(table(g) > 0) < 2L) {
      abort(sprintf("`group` column \"%s\" must have at least two levels with patients, not %s.",
                    group, if (all(is.na(g))) "none"
                    else paste0("only \"", levels(droplevels(g))[1L], "\"")),
            call)
    }
    g <- droplevels(g)
  }
  group_levels <- if (is.null(g)) character() else levels(g)
  overall_label <- "Overall"
  if (overall_label %in% group_levels) overall_label <- "All"
  show_overall <- overall || is.null(g)

  # the columns: each group's rows, then every row
  columns <- lapply(group_levels, function(l) which(!is.na(g) & g == l))
  names(columns) <- group_levels
  if (show_overall) columns[[overall_label]] <- seq_len(nrow(data))
  column_is_overall <- c(rep(FALSE, length(group_levels)), if (show_overall) TRUE)

  cells <- list()
  tests <- list()
  smds <- list()
  shown_digits <- stats::setNames(rep(NA_integer_, length(vars)), vars)
  for (i in seq_along(vars)) {
    v <- vars[i]
    values <- data[[v]]
    if (kinds[[i]] == "numeric") {
      values <- as.double(values)
      values[is.nan(values)] <- NA
      shown_digits[[v]] <- if (!is.null(digits[[v]])) digits[[v]]
                           else resolution_digits(values)
      cells[[v]] <- numeric_cells(v, values, columns, column_is_overall)
    } else {
      f <- categories(values)
      cells[[v]] <- categorical_cells(v, f, columns, column_is_overall)
    }
    if (!is.null(g)) {
      keep <- !is.na(g)
      x <- if (kinds[[i]] == "numeric") as.double(values)[keep]
           else categories(values)[keep]
      if (test) {
        tests[[v]] <- if (kinds[[i]] == "numeric") {
          numeric_test(x, g[keep], v %in% nonnormal)
        } else {
          categorical_test(x, g[keep], simulate_B, seed)
        }
      }
      if (smd) smds[[v]] <- pairwise_smd(v, x, g[keep])
    }
  }
  out <- do.call(rbind, unname(cells))
  rownames(out) <- NULL
  test_rows <- data.frame(variable = vars,
                          kind = ifelse(kinds == "numeric", "numeric", "categorical"),
                          summary = ifelse(kinds != "numeric", "n (%)",
                                           ifelse(vars %in% nonnormal,
                                                  "median [Q1-Q3]", "mean (SD)")),
                          test = NA_character_, statistic = NA_real_,
                          p_value = NA_real_, smd = NA_real_,
                          stringsAsFactors = FALSE)
  for (v in names(tests)) {
    test_rows[test_rows$variable == v, c("test", "statistic", "p_value")] <-
      tests[[v]][c("test", "statistic", "p_value")]
  }
  smd_pairs <- if (length(smds)) do.call(rbind, unname(smds))
  if (!is.null(smd_pairs)) {
    rownames(smd_pairs) <- NULL
    for (v in unique(smd_pairs$variable)) {
      values <- smd_pairs$smd[smd_pairs$variable == v]
      test_rows$smd[test_rows$variable == v] <-
        if (all(is.na(values))) NA_real_ else max(values, na.rm = TRUE)
    }
  }
  rownames(test_rows) <- NULL
  structure(out, class = c("table_one", "data.frame"),
            vars = vars, group_name = group, group_levels = group_levels,
            overall_label = if (show_overall) overall_label,
            column_n = vapply(columns, length, integer(1)),
            n_group_missing = if (is.null(g)) 0L else sum(is.na(g)),
            digits = shown_digits, tests = test_rows, smd_pairs = smd_pairs,
            has_test = test, has_smd = smd, simulate_B = simulate_B,
            seed = seed)
}

# A named list of whole numbers by numeric variable, from NULL, one number or
# a named vector.
check_digits <- function(digits, numeric_vars, call) {
  if (is.null(digits)) return(list())
  ok <- is.numeric(digits) && !is.object(digits) && length(digits) >= 1L &&
    !anyNA(digits) && all(digits >= 0 & digits <= 10 & digits == round(digits))
  named <- !is.null(names(digits))
  if (ok && named) ok <- all(nzchar(names(digits))) && !anyDuplicated(names(digits))
  if (ok && !named) ok <- length(digits) == 1L
  if (!ok) {
    abort(sprintf("`digits` must be NULL, one whole number between 0 and 10, or such numbers named by variable, not %s.",
                  describe_value(digits)), call)
  }
  if (!named) {
    return(stats::setNames(as.list(rep(as.integer(digits), length(numeric_vars))),
                           numeric_vars))
  }
  unknown <- setdiff(names(digits), numeric_vars)
  if (length(unknown)) {
    abort(sprintf("`digits` names %s that is not a numeric column of `vars`: %s.",
                  if (length(unknown) == 1L) "a variable" else "variables",
                  paste0("\"", unknown, "\"", collapse = ", ")), call)
  }
  as.list(stats::setNames(as.integer(digits), names(digits)))
}

# The group as a factor: factors keep their level order, logicals are
# FALSE, TRUE, whole numbers in numeric order, characters sorted.
group_factor <- function(values, call) {
  if (is.list(values) || !is.null(dim(values)) ||
      !(is.factor(values) || is.character(values) || is.logical(values) ||
        (is.numeric(values) && !is.object(values) &&
         all(is.na(values) | values == round(values))))) {
    abort(sprintf("`group` must name a factor, character, logical or whole-number column, not %s.",
                  describe_value(values)), call)
  }
  if (is.factor(values)) return(values)
  if (is.double(values)) values[is.nan(values)] <- NA
  factor(values)
}

# Categories of a variable: factors as they are (with their unused levels),
# logicals as FALSE, TRUE, characters sorted.
categories <- function(values) {
  if (is.factor(values)) return(values)
  if (is.logical(values)) return(factor(values, levels = c(FALSE, TRUE)))
  factor(values)
}

# Decimals to show a numeric variable with: one more than the data are
# recorded with (0 for whole numbers), at most four.
resolution_digits <- function(x) {
  x <- x[is.finite(x)]
  if (!length(x)) return(1L)
  for (d in 0:3) {
    scaled <- x * 10^d
    if (all(abs(scaled - round(scaled)) <= 1e-6 * pmax(1, abs(scaled)))) {
      return(as.integer(d + 1L))
    }
  }
  4L
}

cell_frame <- function(variable, kind, level, group, overall, n, total,
                       proportion = NA_real_, mean = NA_real_, sd = NA_real_,
                       median = NA_real_, q1 = NA_real_, q3 = NA_real_) {
  data.frame(variable = variable, kind = kind, level = level, group = group,
             overall = overall, n = as.double(n), total = as.double(total),
             proportion = proportion, mean = mean, sd = sd, median = median,
             q1 = q1, q3 = q3, stringsAsFactors = FALSE)
}

numeric_cells <- function(name, values, columns, column_is_overall) {
  rows <- lapply(seq_along(columns), function(j) {
    v <- values[columns[[j]]]
    present <- v[!is.na(v)]
    q <- if (length(present)) {
      stats::quantile(present, c(0.5, 0.25, 0.75), names = FALSE)
    } else rep(NA_real_, 3L)
    summary_row <- cell_frame(name, "numeric", NA_character_, names(columns)[j],
                              column_is_overall[j], length(present), length(v),
                              mean = if (length(present)) mean(present) else NA_real_,
                              sd = if (length(present) > 1L) stats::sd(present) else NA_real_,
                              median = q[1L], q1 = q[2L], q3 = q[3L])
    missing_row <- cell_frame(name, "missing", NA_character_, names(columns)[j],
                              column_is_overall[j], sum(is.na(v)), length(v))
    rbind(summary_row, missing_row)
  })
  order_cells(do.call(rbind, rows))
}

categorical_cells <- function(name, f, columns, column_is_overall) {
  rows <- lapply(seq_along(columns), function(j) {
    v <- f[columns[[j]]]
    counts <- as.vector(table(v, useNA = "no"))
    present <- sum(counts)
    level_rows <- cell_frame(name, rep("level", nlevels(f)), levels(f),
                             names(columns)[j], column_is_overall[j], counts,
                             present,
                             proportion = if (present) counts / present else NA_real_)
    missing_row <- cell_frame(name, "missing", NA_character_, names(columns)[j],
                              column_is_overall[j], sum(is.na(v)), length(v))
    rbind(level_rows, missing_row)
  })
  order_cells(do.call(rbind, rows))
}

# Rows in table order (the summary or each level, then missing), columns
# within; the missing rows only where some column has a missing value.
order_cells <- function(cells) {
  missing <- cells$kind == "missing"
  if (!any(cells$n[missing] > 0)) cells <- cells[!missing, ]
  position <- ifelse(cells$kind == "missing", Inf,
                     match(cells$level, unique(cells$level)))
  position[cells$kind == "numeric"] <- 0
  cells[order(position, match(cells$group, unique(cells$group))), ]
}

numeric_test <- function(x, g, nonnormal) {
  g <- droplevels(g[!is.na(x)])
  x <- x[!is.na(x)]
  two <- nlevels(g) == 2L
  name <- if (nonnormal) {
    if (two) "Wilcoxon rank-sum" else "Kruskal-Wallis"
  } else {
    if (two) "Welch t" else "Welch ANOVA"
  }
  sizes <- table(g)
  informative <- nlevels(g) >= 2L && length(unique(x)) > 1L &&
    (nonnormal || all(sizes >= 2L))
  result <- if (informative) tryCatch(suppressWarnings(
    if (nonnormal && two) {
      stats::wilcox.test(x[g == levels(g)[1L]], x[g == levels(g)[2L]])
    } else if (nonnormal) {
      stats::kruskal.test(x, g)
    } else if (two) {
      stats::t.test(x[g == levels(g)[1L]], x[g == levels(g)[2L]])
    } else {
      stats::oneway.test(x ~ g, var.equal = FALSE)
    }), error = function(e) NULL)
  if (is.null(result) || !is.finite(result$p.value)) {
    return(list(test = not_informative, statistic = NA_real_, p_value = NA_real_))
  }
  list(test = name, statistic = unname(result$statistic),
       p_value = result$p.value)
}

categorical_test <- function(f, g, simulate_B, seed) {
  keep <- !is.na(f)
  counts <- table(droplevels(f[keep]), droplevels(g[keep]))
  # Every table with these margins equally likely: no test can inform, and
  # Fisher's p is 1 (fisher.test()'s, and compare_rates()'s). One level or
  # one group: a single table. Two groups (or two levels): the check of
  # summary.alleviation_table(), the levels (groups) as its strata.
  uniform <- nrow(counts) < 2L || ncol(counts) < 2L ||
    (ncol(counts) == 2L &&
       margins_decide_everything(as.double(counts[, 1L]), as.double(rowSums(counts)))) ||
    (nrow(counts) == 2L &&
       margins_decide_everything(as.double(counts[1L, ]), as.double(colSums(counts))))
  if (uniform) {
    return(list(test = not_informative, statistic = NA_real_, p_value = 1))
  }
  expected <- outer(rowSums(counts), colSums(counts)) / sum(counts)
  if (all(expected >= 5)) {
    result <- suppressWarnings(stats::chisq.test(counts))
    return(list(test = "chi-square", statistic = unname(result$statistic),
                p_value = result$p.value))
  }
  fisher <- if (fisher_is_cheap(unclass(counts))) {
    tryCatch(stats::fisher.test(counts)$p.value, error = function(e) NULL)
  }
  if (!is.null(fisher)) {
    return(list(test = "Fisher's exact", statistic = NA_real_, p_value = fisher))
  }
  p <- with_seed(seed, simulated_chisq_p(unclass(counts), simulate_B))
  list(test = "chi-square (simulated p)",
       statistic = unname(suppressWarnings(stats::chisq.test(counts))$statistic),
       p_value = p)
}

# The SMD of every pair of groups (in level order: 2 vs 1, 3 vs 1, 3 vs 2,
# ...), on the patients with a value.
pairwise_smd <- function(name, x, g) {
  keep <- !is.na(x)
  x <- x[keep]
  g <- g[keep]
  lv <- levels(g)
  pairs <- utils::combn(seq_along(lv), 2L)
  rows <- lapply(seq_len(ncol(pairs)), function(k) {
    a <- x[g == lv[pairs[1L, k]]]
    b <- x[g == lv[pairs[2L, k]]]
    value <- if (is.factor(x)) smd_categorical(a, b) else smd_numeric(a, b)
    data.frame(variable = name, group = lv[pairs[2L, k]],
               reference = lv[pairs[1L, k]], smd = value,
               stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

smd_numeric <- function(a, b) {
  if (length(a) < 2L || length(b) < 2L) return(NA_real_)
  pooled <- sqrt((stats::var(a) + stats::var(b)) / 2)
  difference <- abs(mean(a) - mean(b))
  if (pooled == 0) return(if (difference == 0) 0 else NA_real_)
  difference / pooled
}

# Yang & Dalton: sqrt(T' S^- T) over the levels but the first.
smd_categorical <- function(a, b) {
  if (!length(a) || !length(b)) return(NA_real_)
  p <- as.vector(table(a)) / length(a)
  q <- as.vector(table(b)) / length(b)
  if (length(p) < 2L) return(0)
  p <- p[-1L]
  q <- q[-1L]
  covariance <- function(r) {
    s <- -outer(r, r)
    diag(s) <- r * (1 - r)
    s
  }
  s <- (covariance(p) + covariance(q)) / 2
  t <- p - q
  value <- drop(t(t) %*% generalized_inverse(s) %*% t)
  sqrt(max(value, 0))
}

# The Moore-Penrose inverse through the singular value decomposition (as
# MASS::ginv()), for a covariance matrix with an unused level.
generalized_inverse <- function(m, tolerance = sqrt(.Machine$double.eps)) {
  s <- svd(m)
  positive <- s$d > max(tolerance * s$d[1L], 0)
  if (!any(positive)) return(array(0, dim(m)[2:1]))
  s$v[, positive, drop = FALSE] %*%
    ((1 / s$d[positive]) * t(s$u[, positive, drop = FALSE]))
}

# "12.3", fixed decimals.
format_fixed <- function(x, digits) {
  ifelse(is.na(x), "-", formatC(x, format = "f", digits = digits, big.mark = ","))
}

# The text of one cell.
format_cell <- function(row, digits) {
  if (row$kind == "missing") return(format_integer(row$n))
  if (row$kind == "level") {
    return(sprintf("%s (%s)", format_integer(row$n),
                   if (is.na(row$proportion)) "-"
                   else paste0(formatC(100 * row$proportion, format = "f",
                                       digits = 1L), "%")))
  }
  if (row$n == 0) return("-")
  if (row$summary == "median [Q1-Q3]") {
    sprintf("%s [%s\u2013%s]", format_fixed(row$median, digits),
            format_fixed(row$q1, digits), format_fixed(row$q3, digits))
  } else {
    sprintf("%s (%s)", format_fixed(row$mean, digits),
            format_fixed(row$sd, digits))
  }
}

#' @rdname table_one
#' @param x A `table_one`.
#' @param ... Ignored.
#' @export
format.table_one <- function(x, ...) {
  cells <- plain_data_frame(x)
  tests <- attr(x, "tests")
  column_n <- attr(x, "column_n")
  columns <- names(column_n)
  headers <- sprintf("%s (N = %s)", columns, format_integer(column_n))
  digits <- attr(x, "digits")
  has_test <- isTRUE(attr(x, "has_test"))
  has_smd <- isTRUE(attr(x, "has_smd"))
  out <- list()
  for (v in attr(x, "vars")) {
    info <- tests[tests$variable == v, ]
    rows <- cells[cells$variable == v, ]
    rows$summary <- info$summary
    key <- paste(rows$kind, rows$level)
    keys <- unique(key)
    p_text <- if (has_test) {
      if (is.na(info$p_value)) "" else format_p(info$p_value)
    }
    test_text <- if (has_test) {
      if (is.na(info$test)) "" else info$test
    }
    smd_text <- if (has_smd) {
      if (is.na(info$smd)) "" else formatC(info$smd, format = "f", digits = 3L)
    }
    text_of <- function(k) {
      vapply(columns, function(column) {
        format_cell(rows[key == k & rows$group == column, ][1L, ], digits[[v]])
      }, "")
    }
    block <- list()
    if (info$kind == "numeric") {
      block[[1L]] <- c(variable = v,
                       level = sub("Q1-Q3", "Q1\u2013Q3", info$summary, fixed = TRUE),
                       text_of(keys[1L]),
                       p = p_text, test = test_text, SMD = smd_text)
      keys <- keys[-1L]
    } else {
      block[[1L]] <- c(variable = v, level = "n (%)",
                       stats::setNames(rep("", length(columns)), columns),
                       p = p_text, test = test_text, SMD = smd_text)
    }
    for (k in keys) {
      first <- rows[key == k, ][1L, ]
      label <- if (first$kind == "missing") "missing" else first$level
      block[[length(block) + 1L]] <-
        c(variable = "", level = label, text_of(k),
          p = if (has_test) "", test = if (has_test) "",
          SMD = if (has_smd) "")
    }
    out <- c(out, block)
  }
  shown <- as.data.frame(do.call(rbind, out), stringsAsFactors = FALSE)
  names(shown) <- c("variable", "level", headers,
                    if (has_test) c("p", "test"), if (has_smd) "SMD")
  rownames(shown) <- NULL
  shown
}

#' @rdname table_one
#' @param all `print()`: show every column, even past the console width.
#' @export
print.table_one <- function(x, all = FALSE, ...) {
  group <- attr(x, "group_name")
  cat(if (is.null(group)) "Patient characteristics\n"
      else sprintf("Patient characteristics by %s\n", group))
  shown <- format(x)
  if (!l10n_info()[["UTF-8"]]) {
    for (j in seq_along(shown)) shown[[j]] <- gsub("\u2013", "-", shown[[j]])
  }
  overall <- attr(x, "overall_label")
  overall <- if (!is.null(overall) && length(attr(x, "group_levels"))) {
    grep(paste0("^", overall, " \\(N = "), names(shown), value = TRUE)
  }
  print_within_width(shown, optional = list("p", "SMD", overall, "test"),
                     all = all)
  notes <- table_one_notes(x)
  if (length(notes)) cat(wrap_lines(notes), sep = "\n")
  if (isTRUE(attr(x, "has_test"))) {
    print_test_notes(attr(x, "tests")$test, attr(x, "simulate_B"), attr(x, "seed"),
                     fisher_note = FALSE)
  }
  invisible(x)
}

# The notes print() shows under Table 1 (rows without a group, the tests,
# SMD), as sentences; the notes on tests come from test_notes_text().
table_one_notes <- function(x) {
  group <- attr(x, "group_name")
  notes <- character()
  if (isTRUE(attr(x, "n_group_missing") > 0)) {
    notes <- c(notes, sprintf("%s with %s missing: in the %s column only.",
                              count_of(attr(x, "n_group_missing"), "row"),
                              group, attr(x, "overall_label") %||% "overall"))
  }
  tests <- attr(x, "tests")$test
  used <- function(name) any(tests %in% name)
  if (isTRUE(attr(x, "has_test"))) {
    named <- c("Welch t" = "Welch's two-sample t test",
               "Welch ANOVA" = "Welch's one-way analysis of variance",
               "Wilcoxon rank-sum" = "Wilcoxon rank-sum test",
               "Kruskal-Wallis" = "Kruskal-Wallis rank-sum test",
               "chi-square" = "Pearson's chi-square test (Yates' correction on 2-by-2 tables)",
               "Fisher's exact" = "Fisher's exact test (an expected count below 5)")
    named <- named[names(named) %in% tests]
    if (length(named)) {
      notes <- c(notes, paste0("p: ", paste(named, collapse = "; "),
                               "; missing values left out."))
    }
  }
  if (isTRUE(attr(x, "has_smd"))) {
    notes <- c(notes, if (length(attr(x, "group_levels")) > 2L) {
      "SMD: standardized mean difference, the largest over all pairs of groups."
    } else "SMD: standardized mean difference.")
  }
  notes
}

#' @rdname table_one
#' @param row.names,optional Ignored.
#' @param what `as.data.frame()`: `"cells"`, `"tests"` or `"smd"`.
#' @export
as.data.frame.table_one <- function(x, row.names = NULL, optional = FALSE,
                                    what = c("cells", "tests", "smd"), ...) {
  what <- check_choice(what, c("cells", "tests", "smd"), "what", sys.call())
  out <- switch(what,
                cells = plain_data_frame(x),
                tests = attr(x, "tests"),
                smd = attr(x, "smd_pairs") %||%
                  data.frame(variable = character(), group = character(),
                             reference = character(), smd = numeric()))
  rownames(out) <- NULL
  out
}
