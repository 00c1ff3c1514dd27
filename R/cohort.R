#' Classify every symptom of a cohort
#'
#' Applies a list of [alleviation_rule()]s to a wide data frame with one row
#' per patient and summarises each patient: was any symptom alleviated, and
#' which one first, in the order of the rules.
#'
#' Symptom `s` is read from the columns `paste0(s, "_pre")` and
#' `paste0(s, "_post")` unless `pre` or `post` name other columns. Long data
#' (one row per patient, symptom and time point) can be made wide with
#' [widen_measurements()].
#'
#' `any_alleviated` is `TRUE` when any symptom was alleviated; `FALSE` when
#' none was and at least one symptom could be judged, or every symptom was
#' absent at baseline; `NA` when missing values left nothing to judge.
#'
#' @param data A data frame, one row per patient.
#' @param rules A named list of [alleviation_rule()]s, one per symptom; the
#'   default [study_rules()] follows Guo et al. (2016).
#' @param pre,post Optional named character vectors mapping symptom names to
#'   the columns that hold the baseline and follow-up values, for the symptoms
#'   whose columns do not follow the `<symptom>_pre` / `<symptom>_post`
#'   pattern.
#' @param id Optional name of an identifier column of `data` to carry into
#'   the result.
#' @return A data frame of class `myelo_cohort` with the `id` column (if
#'   given), one factor per symptom (levels as in [classify_alleviation()]),
#'   `any_alleviated` and `primary_symptom` (a factor with the rules' names as
#'   levels). The rules are kept in the attribute `"rules"`.
#' @seealso [tabulate_cohort()] for counts and rates,
#'   [compare_alleviated()] for alleviated versus not-alleviated patients.
#' @examples
#' cohort <- classify_cohort(myelography, id = "id")
#' cohort
#' summary(cohort)
#'
#' # Columns named differently
#' d <- data.frame(back_before = c(8, 5, 0), back_after = c(3, 5, 0))
#' classify_cohort(d, rules = study_rules()["lbp"],
#'                 pre = c(lbp = "back_before"), post = c(lbp = "back_after"))
#' @export
classify_cohort <- function(data, rules = study_rules(), pre = NULL,
                            post = NULL, id = NULL) {
  call <- sys.call()
  check_data_frame(data, "data", call = call)
  check_rules(rules, call = call)
  symptoms <- names(rules)
  pre_columns <- symptom_columns(symptoms, pre, "_pre", "pre", call)
  post_columns <- symptom_columns(symptoms, post, "_post", "post", call)
  check_columns_exist(names(data), pre_columns, "pre", call = call)
  check_columns_exist(names(data), post_columns, "post", call = call)
  if (!is.null(id)) {
    if (!is.character(id) || length(id) != 1L || is.na(id)) {
      abort(sprintf("`id` must be NULL or a single column name, not %s.",
                    describe_value(id)), call)
    }
    check_columns_exist(names(data), id, "id", call = call)
  }

  classes <- lapply(seq_along(rules), function(k) {
    pre_values <- data[[pre_columns[k]]]
    post_values <- data[[post_columns[k]]]
    pre_values <- as_measurements(pre_values, sprintf("data$%s", pre_columns[k]), call)
    post_values <- as_measurements(post_values, sprintf("data$%s", post_columns[k]), call)
    tryCatch(
      .Call(C_classify_alleviation, pre_values, post_values,
            rule_params(rules[[k]])),
      error = function(e) {
        abort(sprintf("Symptom \"%s\" (columns `%s`, `%s`): %s", symptoms[k],
                      pre_columns[k], post_columns[k], conditionMessage(e)),
              call)
      })
  })
  names(classes) <- symptoms
  patients <- .Call(C_summarise_patients, classes, as.double(nrow(data)),
                    symptoms)

  columns <- c(
    if (!is.null(id)) stats::setNames(list(data[[id]]), id),
    classes,
    list(any_alleviated = patients[[1L]], primary_symptom = patients[[2L]])
  )
  new_myelo_cohort(columns, nrow(data), rules,
                   list(pre = pre_columns, post = post_columns, id = id))
}

new_myelo_cohort <- function(columns, n, rules, source) {
  structure(columns, class = c("myelo_cohort", "data.frame"),
            row.names = .set_row_names(n), rules = rules, source = source)
}

# Column names for each symptom: the user's mapping where given, else the
# <symptom><suffix> pattern.
symptom_columns <- function(symptoms, mapping, suffix, arg, call) {
  columns <- stats::setNames(paste0(symptoms, suffix), symptoms)
  if (is.null(mapping)) return(columns)
  if (!is.character(mapping) || is.null(names(mapping)) || anyNA(mapping) ||
      anyDuplicated(names(mapping))) {
    abort(sprintf(paste0("`%s` must be a named character vector mapping ",
                         "symptoms to columns, such as c(lbp = \"back_%s\"), ",
                         "not %s."), arg, arg, describe_value(mapping)), call)
  }
  unknown <- setdiff(names(mapping), symptoms)
  if (length(unknown)) {
    abort(sprintf("`%s` names symptoms that `rules` lacks: %s.", arg,
                  paste0("\"", unknown, "\"", collapse = ", ")), call)
  }
  columns[names(mapping)] <- mapping
  columns
}

cohort_rules <- function(x) attr(x, "rules", exact = TRUE)

#' @rdname classify_cohort
#' @param x,object A `myelo_cohort`.
#' @param n Number of rows to show.
#' @param ... Passed on to [tabulate_cohort()] by `summary()`; ignored by
#'   `print()`.
#' @export
print.myelo_cohort <- function(x, n = 6L, ...) {
  rules <- cohort_rules(x)
  total <- nrow(x)
  cat(sprintf("<myelo_cohort> %s patients, %d symptoms: %s\n",
              format(total, big.mark = ","), length(rules),
              paste(names(rules), collapse = ", ")))
  judged <- sum(!is.na(x$any_alleviated))
  cat(sprintf("Any symptom alleviated: %s (%d not judged: missing values)\n",
              format_count(sum(x$any_alleviated, na.rm = TRUE), total),
              total - judged))
  for (s in names(rules)) {
    counts <- tabulate(x[[s]], nbins = length(alleviation_levels))
    counts <- c(counts, missing = total - sum(counts))
    cat(sprintf("  %-14s %s\n", s, paste(
      sprintf("%s %s", c(alleviation_levels, "missing"), format_integer(counts)),
      collapse = ", ")))
  }
  if (total > 0L) {
    cat("\n")
    print(as.data.frame(utils::head(x, n)), ...)
    if (total > n) cat(sprintf("... %s more rows\n", format(total - n, big.mark = ",")))
  }
  invisible(x)
}

#' @rdname classify_cohort
#' @export
summary.myelo_cohort <- function(object, ...) {
  tabulate_cohort(object, ...)
}

#' @export
as.data.frame.myelo_cohort <- function(x, ...) {
  attr(x, "rules") <- NULL
  attr(x, "source") <- NULL
  class(x) <- "data.frame"
  x
}
