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
#' @section Weights:
#' With `weights`, the count columns stay the patients counted (unweighted,
#' exactly as without weights), and six columns are added: `weighted_n`,
#' `weighted_alleviated` and `weighted_evaluable` (sums of the weights of the
#' stratum's patients, of the alleviated, of the evaluable),
#' `sum_w2_alleviated` and `sum_w2_evaluable` (sums of the squared weights of
#' the alleviated and of the evaluable), and `n_effective`. The `rate` is
#' then `weighted_alleviated / weighted_evaluable` and the `share`
#' `weighted_alleviated / weighted_n`. The sums are computed in the same
#' compiled pass as the counts, in fixed point: each weight is kept as a
#' whole multiple of 2^-s, where 2^s is the power of two that puts the
#' largest weight between 2^61 and 2^62, so within 2^-61 of the largest
#' weight (whole numbers and fractions such as k / 8 exactly, as long as
#' they hold fewer than 61 binary digits below the largest weight's
#' leading one); its square is taken from that kept value and summed
#' exactly, however small the weight beside the largest. A sum of n weights is
#' therefore within n * 2^-61 times the largest weight of the exact sum
#' (10^7 patients: 4e-12 of it, far below a table's digits unless the
#' weights span many orders of magnitude). The integers are added in 128
#' bits, so that the sums are rounded once, do not depend on the order of
#' the rows or on threads to the last bit, and weights all 1 give the
#' counts.
#'
#' The intervals are design-based, as `survey::svyciprop(~alleviated,
#' svydesign(ids = ~1, weights = ~w, data = evaluable_rows), method =
#' "beta")` gives them (Korn & Graubard 1998): with p the weighted rate, n
#' the evaluable patients and W the sum of their weights, the linearised
#' variance is `n / (n - 1) * ((1 - p)^2 * sum_w2_alleviated + p^2 *
#' (sum_w2_evaluable - sum_w2_alleviated)) / W^2` and the effective sample
#' size `n_effective = p * (1 - p) / variance`. Where p is 0 or 1 that
#' variance is 0, and `n_effective` is Kish's `W^2 / sum_w2_evaluable`
#' instead. The interval is then the `method`'s interval for `p *
#' n_effective` alleviated out of `n_effective`: `"exact"` gives the
#' Korn-Graubard interval (Clopper-Pearson's beta quantiles at the effective
#' size), `"wilson"`, `"jeffreys"` and `"agresti-coull"` their formulas with
#' the effective size. Rows whose evaluable patients all weigh 0 have no
#' rate. The patients are taken as independent (no clusters or strata of a
#' survey design); [compare_rates()] compares weighted rates, while
#' [summary.alleviation_table()] (unweighted tests) refuses a weighted
#' table. Weights are not available for an imputed cohort.
#'
#' @references
#' Korn EL, Graubard BI. Confidence intervals for proportions with small
#' expected number of positive counts estimated from survey data. Survey
#' Methodology 1998;24:193-201.
#'
#' Kish L. Survey Sampling. New York: Wiley; 1965.
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
#' @param weights Optional weights, one per patient (row of `x`), such as
#'   inverse-probability-of-response weights or survey weights: the name of
#'   a numeric column of `data` or `x` (looked up as `by` columns are), or a
#'   numeric vector (double or integer) with one weight per row of `x`.
#'   Weights must be finite and >= 0; negative, missing (`NA`, `NaN`) or
#'   infinite weights are refused, naming their rows, and so are weights
#'   whose largest is below 1e-150 or above 1e154 (their squares would
#'   underflow or overflow; multiplying every weight by the same number
#'   changes no rate or interval). A weight of 0 keeps
#'   the patient in the counts but adds nothing to the weighted sums. See
#'   "Weights" below.
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
#'
#' # Weights (hypothetical ones, for illustration): inverse probabilities of
#' # response would come from a model of who was followed up
#' cohort$w <- ifelse(cohort$sex == "female", 1.5, 1)
#' tabulate_cohort(cohort, by = "hospital", weights = "w")
#' @export
tabulate_cohort <- function(x, by = NULL, data = NULL, conf_level = 0.95,
                            method = "wilson", margins = TRUE, drop = FALSE,
                            weights = NULL) {
  if (inherits(x, "imputed_cohort")) {
    if (!is.null(weights)) {
      abort("`weights` are not available for an imputed cohort: pooling weighted rates over imputations is not implemented. Tabulate the imputed cohort without weights, or one weighted complete-case cohort.",
            sys.call())
    }
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
  w <- table_weights(weights, substitute(weights), x, data, call)
  rules <- cohort_rules(x)
  n_levels <- vapply(strata, function(s) length(s$values), integer(1))
  class_columns <- lapply(table_symptoms(rules), function(s) {
    x[[if (s == "any") "patient_class" else s]]
  })
  stratum_codes <- unname(lapply(strata, `[[`, "codes"))
  counted <- if (is.null(w)) {
    .Call(C_tabulate_cohort, stratum_codes, unname(n_levels), class_columns,
          as.double(nrow(x)))
  } else {
    # the counts and, in the same pass, the exact sums of the weights and
    # of their squares (see weighted_columns() in src/tabulate.c)
    .Call(C_tabulate_weighted, stratum_codes, unname(n_levels), class_columns,
          as.double(nrow(x)), w$values, w$max)
  }
  counts <- counted[[1L]]
  codes <- stats::setNames(counted[[2L]], names(strata))
  if (is.null(w)) {
    cells <- arrange_cells(codes, counts, n_levels, drop, call)
  } else {
    # the weighted sums travel beside the counts, cell for cell
    width <- ncol(counts)
    cells <- arrange_cells(codes, cbind(counts, counted[[3L]]), n_levels, drop,
                           call)
    cells$weighted <- cells$counts[, width + seq_len(width), drop = FALSE]
    cells$counts <- cells$counts[, seq_len(width), drop = FALSE]
    cells$weighted_totals <- counted[[4L]]
  }
  table <- build_alleviation_table(cells, strata, rules = rules,
                                   conf_level = conf_level, method = method,
                                   margins = margins, drop = drop,
                                   weights = w$name)
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
                                    margins, drop, weights = NULL) {
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
  if (!is.null(weights)) {
    table[weighted_columns] <- weighted_table_columns(
      cells$weighted, cells$rows, n_symptoms, with_margin,
      cells$weighted_totals)
  }
  table <- list2DF(table, nrow = n_cells * n_symptoms)
  finish_rates(table, rules = rules, by = by,
               by_levels = lapply(strata, `[[`, "values"),
               by_kinds = lapply(strata, `[[`, "kind"),
               conf_level = conf_level, method = method, margins = margins,
               drop = drop, weights = weights)
}

finish_rates <- function(table, rules, by, by_levels, by_kinds, conf_level,
                         method, margins, drop, weights = NULL) {
  if (!is.null(weights)) {
    ci <- weighted_interval(table, conf_level, method)
    table$rate <- ci$estimate
    table$rate_lower <- ci$lower
    table$rate_upper <- ci$upper
    share <- table$weighted_alleviated / table$weighted_n
    share[!(table$weighted_n > 0)] <- NA_real_
    table$share <- share
    table$n_effective <- ci$n_effective
    return(structure(table, class = c("alleviation_table", "data.frame"),
                     rules = rules, by = by, by_levels = by_levels,
                     by_kinds = by_kinds, conf_level = conf_level,
                     method = method, margins = margins, drop = drop,
                     weights = weights))
  }
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
  # attributes set one by one, in structure()'s order: structure() takes
  # attributes(table), whose row names are expanded to 1:n (4 MB per
  # million rows) before being compacted again
  class(table) <- c("alleviation_table", "data.frame")
  attr(table, "rules") <- rules
  attr(table, "by") <- by
  attr(table, "by_levels") <- by_levels
  attr(table, "by_kinds") <- by_kinds
  attr(table, "conf_level") <- conf_level
  attr(table, "method") <- method
  attr(table, "margins") <- margins
  attr(table, "drop") <- drop
  table
}

# The stratum cells of a table, without its overall ("(all)") rows.
strip_margins <- function(table, by) {
  if (!length(by) || !attr(table, "margins")) return(table)
  is_margin <- Reduce(`|`, lapply(table[by], function(f) {
    !is.na(f) & f == margin_label
  }))
  table[!is_margin, , drop = FALSE]
}
