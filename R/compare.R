#' Compare alleviated with not-alleviated patients ("Table 1")
#'
#' Describes patients whose symptoms were alleviated (`any_alleviated` TRUE)
#' beside those whose were not (FALSE): numeric variables as median \[IQR\]
#' with the Wilcoxon rank-sum test, categorical variables (factors,
#' characters, logicals) as n (%) per level with Fisher's exact test, or a
#' chi-square test with a simulated p-value where Fisher's is infeasible.
#' Patients who could not be judged (`any_alleviated` NA) and missing values
#' of each variable are counted, not hidden.
#'
#' Where no test can tell the groups apart whatever the data, `test` says
#' `"not informative"`: for a numeric variable when one group has no values
#' or every value is the same (`p_value` `NA`); for a categorical one when
#' the counts leave every table equally likely (one level observed, one group
#' empty, every level seen once, ...; see [summary.alleviation_table()]),
#' with `p_value` 1, as [fisher.test()] and [compare_rates()] give it.
#'
#' @param x A `myelo_cohort` from [classify_cohort()]; it carries its
#'   patients' columns.
#' @param vars Names of the columns to describe, of `x` or of `data`.
#' @param data Optional data frame with further columns, one row per row of
#'   `x` in the same order, shown to be aligned with `x` as in
#'   [tabulate_cohort()]. (Version 0.1.0 took `data` before `vars`; that
#'   order still works, with a warning.)
#' @param simulate_B Replicates for a simulated chi-square p-value.
#' @param symptom `NULL` (the default) to compare patients with any symptom
#'   alleviated against the others, or the name of one symptom of `x` to
#'   compare those with that symptom alleviated against those judged on it
#'   and not alleviated (patients absent at baseline or missing a value of it
#'   are not judged).
#' @param seed The random seed of a simulated p-value (default 1), or `NULL`
#'   for the session's own random numbers; the session's random number state
#'   is put back exactly as it was. See [summary.alleviation_table()].
#' @return A data frame of class `alleviation_comparison`, one row per
#'   numeric variable and one per level of a categorical one (plus a row for
#'   its missing values when there are any; a variable without a single value
#'   among the judged patients gets only that row): `variable`, `level`,
#'   `alleviated`, `not_alleviated` (formatted text), `p_value` and `test`
#'   (on the first row of each variable). The group sizes and the number not
#'   judged are in the attributes `n_alleviated`, `n_not_alleviated` and
#'   `n_not_judged`.
#' @seealso [table_one()], the general characteristics table by any group,
#'   with mean (SD) or median \[Q1-Q3\] per variable, chi-square or Fisher's
#'   test, and standardized mean differences:
#'   `table_one(x, vars, group = "any_alleviated")` is the same comparison
#'   in that layout. `compare_alleviated()` keeps its own layout and results.
#' @examples
#' cohort <- classify_cohort(myelography)
#' compare_alleviated(cohort, c("age", "sex", "diagnosis", "myelo_block"))
#' @export
compare_alleviated <- function(x, vars, data = NULL, simulate_B = 10000L,
                               seed = 1L, symptom = NULL) {
  call <- sys.call()
  if (is.data.frame(vars) && is.character(data)) {
    warning("compare_alleviated(x, data, vars) is the argument order of version 0.1.0; use compare_alleviated(x, vars, data = data), or leave `data` out: the cohort carries its columns.",
            call. = FALSE)
    swapped <- vars
    vars <- data
    data <- swapped
  }
  check_cohort(x, "x", call)
  check_names(vars, "vars", call)
  if (!is.null(data)) check_aligned_data(data, x, call)
  check_columns_exist(c(names(data), names(x)), vars, "vars",
                      data_arg = if (is.null(data)) "x" else "data or x",
                      call = call)
  check_number(simulate_B, "simulate_B", min = 100, call = call)
  check_seed(seed, call = call)
  group <- alleviated_group(x, symptom, call)
  judged <- !is.na(group)
  rows <- lapply(vars, function(v) {
    values <- if (v %in% names(data)) data[[v]] else x[[v]]
    if (is.numeric(values) && !is.object(values) && is.null(dim(values))) {
      describe_numeric(v, values[judged], group[judged])
    } else if ((is.factor(values) || is.character(values) ||
                is.logical(values)) && is.null(dim(values))) {
      describe_categorical(v, values[judged], group[judged], simulate_B, seed)
    } else {
      abort(sprintf("`vars` column \"%s\" must be numeric, factor, character or logical, not %s.",
                    v, describe_value(values)), call)
    }
  })
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  structure(out, class = c("alleviation_comparison", "data.frame"),
            n_alleviated = sum(group, na.rm = TRUE),
            n_not_alleviated = sum(!group, na.rm = TRUE),
            n_not_judged = sum(!judged), simulate_B = simulate_B, seed = seed)
}

describe_numeric <- function(name, values, group) {
  if (all(is.na(values))) return(all_missing_rows(name, group))
  summarise <- function(v) {
    v <- v[!is.na(v)]
    if (!length(v)) return("-")
    q <- stats::quantile(v, c(0.5, 0.25, 0.75), names = FALSE)
    sprintf("%s [%s-%s]", format_number(q[1L]), format_number(q[2L]),
            format_number(q[3L]))
  }
  a <- values[group]
  b <- values[!group]
  # No rank test can tell the groups apart when one of them has no values or
  # when every value is the same (wilcox.test() then gives NaN).
  p <- if (sum(!is.na(a)) && sum(!is.na(b))) {
    suppressWarnings(stats::wilcox.test(a, b)$p.value)
  } else NA_real_
  out <- data.frame(variable = name, level = "median [IQR]",
                    alleviated = summarise(a), not_alleviated = summarise(b),
                    p_value = if (is.na(p)) NA_real_ else p,
                    test = if (is.na(p)) not_informative else "Wilcoxon rank-sum")
  rbind(out, missing_row(name, c(sum(is.na(a)), sum(is.na(b)))))
}

describe_categorical <- function(name, values, group, simulate_B, seed) {
  if (all(is.na(values))) return(all_missing_rows(name, group))
  f <- if (is.factor(values)) values else factor(values)
  counts <- table(f, factor(group, levels = c(TRUE, FALSE)), useNA = "no")
  column_totals <- colSums(counts)
  cell <- function(k, j) {
    format_percent_of(counts[k, j], column_totals[[j]])
  }
  # levels x (alleviated, not): the strata of heterogeneity_test()
  test <- heterogeneity_test(counts[, 1L], rowSums(counts), simulate_B, seed)
  out <- data.frame(variable = name, level = levels(f),
                    alleviated = vapply(seq_len(nrow(counts)), cell, "", j = 1L),
                    not_alleviated = vapply(seq_len(nrow(counts)), cell, "", j = 2L),
                    p_value = c(test$p_value, rep(NA_real_, nrow(counts) - 1L)),
                    test = c(test$test, rep(NA_character_, nrow(counts) - 1L)))
  rbind(out, missing_row(name, c(sum(is.na(f) & group), sum(is.na(f) & !group))))
}

# A variable without a single value among the judged patients (an all-NA
# column of any type, a factor without levels, no judged patient at all):
# only its "missing" row, with the counts per group, and no test.
all_missing_rows <- function(name, group) {
  data.frame(variable = name, level = "missing",
             alleviated = format_integer(sum(group)),
             not_alleviated = format_integer(sum(!group)),
             p_value = NA_real_, test = NA_character_)
}

# The "missing" row of a variable (alleviated, not alleviated); none when
# nothing is missing.
missing_row <- function(name, missing) {
  if (!any(missing > 0)) return(NULL)
  data.frame(variable = name, level = "missing",
             alleviated = format_integer(missing[1L]),
             not_alleviated = format_integer(missing[2L]),
             p_value = NA_real_, test = NA_character_)
}

# "12 (34.3%)"
format_percent_of <- function(x, n) {
  sprintf("%s (%s)", format_integer(x),
          ifelse(n > 0, sprintf("%.1f%%", 100 * x / n), "-"))
}

format_number <- function(x) format(round(x, 1), trim = TRUE)

#' @rdname compare_alleviated
#' @param ... Ignored.
#' @export
format.alleviation_comparison <- function(x, ...) {
  shown <- plain_data_frame(x)
  shown$variable[duplicated(shown$variable)] <- ""
  names(shown)[names(shown) == "not_alleviated"] <- "not alleviated"
  shown$p_value <- ifelse(is.na(x$p_value), "", format_p(x$p_value))
  names(shown)[names(shown) == "p_value"] <- "p"
  shown$test[is.na(shown$test)] <- ""
  shown
}

#' @rdname compare_alleviated
#' @param all `print()`: show every column, even past the console width.
#' @export
print.alleviation_comparison <- function(x, all = FALSE, ...) {
  cat(sprintf("Alleviated (n = %s) versus not alleviated (n = %s); %s not judged\n",
              format_integer(attr(x, "n_alleviated")),
              format_integer(attr(x, "n_not_alleviated")),
              format_integer(attr(x, "n_not_judged"))))
  print_within_width(format(x), optional = list("test"), all = all)
  print_test_notes(x$test, attr(x, "simulate_B"), attr(x, "seed"),
                   fisher_note = FALSE)
  invisible(x)
}

#' @rdname compare_alleviated
#' @param row.names,optional Ignored.
#' @export
as.data.frame.alleviation_comparison <- function(x, row.names = NULL,
                                                 optional = FALSE, ...) {
  plain_data_frame(x)
}

# TRUE (alleviated), FALSE (judged, not alleviated) or NA (not judged): by
# any symptom (`any_alleviated`) or by one symptom's class.
alleviated_group <- function(x, symptom, call) {
  if (is.null(symptom)) return(x$any_alleviated)
  symptoms <- names(cohort_rules(x))
  if (!is.character(symptom) || length(symptom) != 1L || is.na(symptom) ||
      !symptom %in% symptoms) {
    abort(sprintf("`symptom` must be NULL or one symptom of the cohort (%s), not %s.%s",
                  paste0("\"", symptoms, "\"", collapse = ", "), describe_value(symptom),
                  if (is.character(symptom)) did_you_mean(symptom, symptoms) else ""),
          call)
  }
  class <- as.character(x[[symptom]])
  ifelse(class %in% c("alleviated", "unchanged", "worsened"), class == "alleviated", NA)
}
