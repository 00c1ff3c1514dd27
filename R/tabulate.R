#' Tabulate alleviation in a cohort, overall or by strata
#'
#' Counts, for every stratum and symptom, how many patients were alleviated,
#' unchanged, worsened, free of the symptom at baseline, or missing, with the
#' alleviation rate and its confidence interval. The counting is one pass of
#' compiled C code over all patients, symptoms and strata.
#'
#' The `rate` is alleviated / evaluable: among patients who had the symptom
#' and could be judged. The `share` is alleviated / n: the share of the whole
#' stratum, as Guo et al. (2016) report 35 of 325 patients (10.8%).
#'
#' With several rules, the rows of `symptom == "any"` count patients by
#' their class across symptoms (`patient_class` of [classify_cohort()]):
#' alleviated if any symptom was; else worsened if any symptom worsened;
#' else absent if every symptom was absent at baseline; else unchanged;
#' missing when no symptom could be judged. With one rule there are no
#' `"any"` rows: they would repeat the symptom's.
#'
#' No patient is lost: a missing stratum value is a stratum of its own (shown
#' as `NA`), and empty levels of a factor are kept with zero counts and `NA`
#' rates. On every row alleviated + unchanged + worsened + absent + missing
#' equals `n`.
#'
#' Strata are counted by value, whatever their type: factors (by level),
#' characters, integers, doubles (0.3 and `0.1 + 0.2` are two strata),
#' logicals, dates and date-times (the instant, whatever the time zone),
#' time differences and complex numbers. Non-factor strata are sorted; their
#' values, in their own type, are kept in `attr(table, "by_levels")`. `NaN`
#' counts as missing.
#'
#' Rows are grouped by the combinations of stratum values present, so cost
#' and memory grow with the patients and the combinations they hold, not
#' with the product of the strata's levels.
#'
#' @param x A `myelo_cohort` from [classify_cohort()]. It carries its
#'   patients' other columns, so `by` can name them directly.
#' @param by Optional character vector naming stratum columns (hospital,
#'   diagnosis, sex, an age group, ...) of `x` or of `data`. Several columns
#'   stratify by every combination of their values.
#' @param data Optional data frame with further columns for `by`, one row per
#'   row of `x` and in the same order. It must be shown to be aligned with
#'   `x`: where the two share columns (the `id` column, hospital, ...) or
#'   informative row names, those must agree row for row, and its
#'   measurements must classify as `x` does; otherwise the call is refused.
#'   Not needed for the columns `x` already carries.
#' @param conf_level Confidence level of the intervals.
#' @param method Interval method, see [prop_ci()].
#' @param margins With `by`: add an overall row per symptom, whose strata
#'   read `"(all)"`.
#' @param drop With `by`: `FALSE` (the default) lists every combination of
#'   the strata's levels, as [table()] does (factor levels without patients
#'   included, with zero counts); `TRUE` lists only the combinations present.
#'   A full listing of more than 10^6 combinations is refused with a
#'   suggestion to use `drop = TRUE`.
#' @return A data frame of class `alleviation_table`, one row per stratum and
#'   symptom (symptoms in the order of the rules, then `"any"` when there are
#'   several), with the
#'   stratum columns (factors), `symptom`, `n`, `alleviated`, `unchanged`,
#'   `worsened`, `absent`, `missing`, `evaluable`, `rate`, `rate_lower`,
#'   `rate_upper` and `share`. Counts are doubles, so that registries past
#'   2^31 patients count exactly.
#' @seealso [combine_tables()] to add tables of chunks of one cohort,
#'   [summary.alleviation_table()] for tests between strata,
#'   [plot.alleviation_table()].
#' @examples
#' cohort <- classify_cohort(myelography)
#' tabulate_cohort(cohort)
#'
#' by_hospital <- tabulate_cohort(cohort, by = "hospital")
#' by_hospital
#' summary(by_hospital)
#' plot(by_hospital)
#'
#' # Any column type counts by value, here the date of myelography by year
#' cohort$year <- as.integer(format(cohort$exam_date, "%Y"))
#' tabulate_cohort(cohort, by = "year")
#' @export
tabulate_cohort <- function(x, by = NULL, data = NULL, conf_level = 0.95,
                            method = "wilson", margins = TRUE, drop = FALSE) {
  if (inherits(x, "imputed_cohort")) {
    return(tabulate_imputed(x, by, data, conf_level, if (!missing(method)) method,
                            margins, drop, sys.call()))
  }
  call <- sys.call()
  check_cohort(x, "x", call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  check_flag(margins, "margins", call)
  check_flag(drop, "drop", call)
  strata <- stratum_columns(x, by, data, margins, call)
  rules <- cohort_rules(x)
  n_levels <- vapply(strata, function(s) length(s$values), integer(1))
  class_columns <- lapply(table_symptoms(rules), function(s) {
    x[[if (s == "any") "patient_class" else s]]
  })
  counted <- .Call(C_tabulate_cohort,
                   unname(lapply(strata, `[[`, "codes")), unname(n_levels),
                   class_columns, as.double(nrow(x)))
  counts <- counted[[1L]]
  codes <- stats::setNames(counted[[2L]], names(strata))
  cells <- arrange_cells(codes, counts, n_levels, drop, call)
  table <- build_alleviation_table(cells, strata, rules = rules,
                                   conf_level = conf_level, method = method,
                                   margins = margins, drop = drop)
  # a cohort of visits has a row per patient and visit: say so when printing
  if (inherits(x, "myelo_visits")) attr(table, "unit") <- "patient-visit"
  table
}

n_categories <- 5L
count_columns <- c("alleviated", "unchanged", "worsened", "absent", "missing")
margin_label <- "(all)"
table_columns <- c("n", count_columns, "evaluable", "rate", "rate_lower",
                   "rate_upper", "share")

# The symptoms of a table's rows: the rules', then the patient-level "any"
# (the patient class) when there are several.
table_symptoms <- function(rules) {
  if (length(rules) > 1L) c(names(rules), "any") else names(rules)
}

check_cohort <- function(x, arg, call) {
  rules <- cohort_rules(x)
  if (!inherits(x, "myelo_cohort") || is.null(rules) ||
      !all(c(names(rules), patient_columns) %in% names(x)) ||
      !is.logical(x$any_alleviated)) {
    abort(sprintf("`%s` must be a myelo_cohort made by classify_cohort(), not %s.",
                  arg, describe_value(x)), call)
  }
  for (s in c(names(rules), "patient_class")) {
    if (!is.factor(x[[s]]) || !identical(levels(x[[s]]), alleviation_levels)) {
      abort(sprintf("`%s$%s` must be the factor classify_cohort() made; it was changed.",
                    arg, s), call)
    }
  }
  invisible(x)
}

# The table from cells: cells$codes (per stratum, the cells' codes),
# cells$counts, a matrix with one row per cell and one column per category
# and symptom (column (category - 1) * symptoms + symptom, the "any"
# symptom last when there is one), and cells$rows, the cells' table order
# (NULL: as they are). Shared by tabulate_cohort() and combine_tables().
# The count and stratum columns are gathered in C in one pass (the overall
# row, with margins, last in each symptom's block): on the million cells of
# sparse strata, subsetting, rbind() and slicing the matrix in R made four
# copies of it.
build_alleviation_table <- function(cells, strata, rules, conf_level, method,
                                    margins, drop) {
  symptoms <- table_symptoms(rules)
  by <- names(strata)
  labels <- lapply(strata, `[[`, "labels")
  with_margin <- margins && length(by) > 0L
  margin_codes <- NULL
  if (with_margin) {
    margin_codes <- unname(lengths(labels)) + 1L
    labels <- lapply(labels, c, margin_label)
  }
  n_symptoms <- length(symptoms)
  built <- .Call(C_table_columns, cells$counts, cells$rows,
                 unname(cells$codes[by]), margin_codes, n_symptoms)
  n_cells <- nrow(cells$counts) + with_margin
  table <- lapply(seq_along(by), function(j) {
    structure(built[[n_categories + 3L]][[j]], levels = labels[[j]],
              class = "factor")
  })
  names(table) <- by
  table$symptom <- structure(rep(seq_len(n_symptoms), each = n_cells),
                             levels = symptoms, class = "factor")
  # rows: symptom outer, cell inner
  table$n <- built[[1L]]
  table[count_columns] <- built[1L + seq_len(n_categories)]
  table$evaluable <- built[[n_categories + 2L]]
  table <- list2DF(table, nrow = n_cells * n_symptoms)
  finish_rates(table, rules = rules, by = by,
               by_levels = lapply(strata, `[[`, "values"),
               by_kinds = lapply(strata, `[[`, "kind"),
               conf_level = conf_level, method = method, margins = margins,
               drop = drop)
}

finish_rates <- function(table, rules, by, by_levels, by_kinds, conf_level,
                         method, margins, drop) {
  # Wilson intervals (the default) in one pass of C, the same doubles as
  # proportion_interval() (tested): in R, on the million rows of sparse
  # strata, its temporaries were a third of the table's allocations.
  ci <- if (method == "wilson" && is.double(table$alleviated) &&
            is.double(table$evaluable)) {
    z <- stats::qnorm((1 - conf_level) / 2, lower.tail = FALSE)
    stats::setNames(.Call(C_wilson_columns, table$alleviated, table$evaluable, z),
                    c("estimate", "lower", "upper"))
  } else {
    proportion_interval(table$alleviated, table$evaluable, conf_level, method)
  }
  table$rate <- ci$estimate
  table$rate_lower <- ci$lower
  table$rate_upper <- ci$upper
  share <- table$alleviated / table$n
  share[table$n == 0] <- NA_real_
  table$share <- share
  structure(table, class = c("alleviation_table", "data.frame"),
            rules = rules, by = by, by_levels = by_levels, by_kinds = by_kinds,
            conf_level = conf_level, method = method, margins = margins,
            drop = drop)
}

# The stratum cells of a table, without its overall ("(all)") rows.
strip_margins <- function(table, by) {
  if (!length(by) || !attr(table, "margins")) return(table)
  is_margin <- Reduce(`|`, lapply(table[by], function(f) {
    !is.na(f) & f == margin_label
  }))
  table[!is_margin, , drop = FALSE]
}
