#' Reproduce the published figures of Guo et al. (2016)
#'
#' Runs the whole pipeline, [classify_cohort()] then [tabulate_cohort()], on
#' a cohort and sets each figure the paper published ([guo2016]) beside the
#' figure reproduced, with whether they match. It adds what the paper did not
#' report: confidence intervals for each figure as a share of all patients
#' (exact Clopper-Pearson and Wilson).
#'
#' With the default synthetic cohort every figure matches by construction:
#' see [myelography] for what that cohort is and is not.
#'
#' @param data A data frame in the layout of [myelography].
#' @param rules A named list of [alleviation_rule()]s with the symptoms of
#'   [guo2016] (`lbp`, `leg_pain`, `numbness`, `claudication`).
#' @param conf_level Confidence level of the intervals.
#' @return A data frame of class `guo2016_reproduction`, one row per
#'   published figure: `symptom`, `description`, `published`, `reproduced`
#'   (alleviated patients), `patients_published`, `patients_reproduced`,
#'   `match`, the reproduced `share` (reproduced / patients) and its
#'   intervals `share_exact_lower`, `share_exact_upper`,
#'   `share_wilson_lower`, `share_wilson_upper`. The classified cohort and
#'   its table are in the attributes `"cohort"` and `"table"`. `format()`
#'   gives the rows as text for a report; `as.data.frame()` the numbers.
#' @seealso `vignette("guo2016", package = "myelorelief")`.
#' @examples
#' reproduce_guo2016()
#'
#' # A stricter cut-off no longer reproduces the paper
#' reproduce_guo2016(rules = study_rules(min_relative = 0.5))
#' @export
reproduce_guo2016 <- function(data = myelorelief::myelography,
                              rules = study_rules(), conf_level = 0.95) {
  call <- sys.call()
  check_rules(rules, call = call)
  check_conf_level(conf_level, call)
  published <- myelorelief::guo2016
  missing <- setdiff(published$symptom[-1L], names(rules))
  if (length(missing)) {
    abort(sprintf("`rules` must have the symptoms of the study; it lacks %s.",
                  paste0("\"", missing, "\"", collapse = ", ")), call)
  }
  cohort <- classify_cohort(data, rules)
  table <- tabulate_cohort(cohort, conf_level = conf_level)
  row <- match(published$symptom, as.character(table$symptom))
  reproduced <- table$alleviated[row]
  patients <- table$n[row]
  exact <- proportion_interval(reproduced, patients, conf_level, "exact")
  wilson <- proportion_interval(reproduced, patients, conf_level, "wilson")
  out <- list2DF(list(
    symptom = published$symptom, description = published$description,
    published = published$alleviated, reproduced = reproduced,
    patients_published = published$patients, patients_reproduced = patients,
    match = reproduced == published$alleviated &
      patients == published$patients,
    share = exact$estimate,
    share_exact_lower = exact$lower, share_exact_upper = exact$upper,
    share_wilson_lower = wilson$lower, share_wilson_upper = wilson$upper))
  structure(out, class = c("guo2016_reproduction", "data.frame"),
            conf_level = conf_level, cohort = cohort, table = table)
}

#' @rdname reproduce_guo2016
#' @param x A `guo2016_reproduction`.
#' @param digits Decimal places of percentages.
#' @param ... Ignored.
#' @export
format.guo2016_reproduction <- function(x, digits = 1L, ...) {
  level <- format(100 * attr(x, "conf_level"))
  out <- data.frame(
    figure = x$description,
    published = format_count(x$published, x$patients_published, digits),
    reproduced = format_count(x$reproduced, x$patients_reproduced, digits),
    match = ifelse(x$match, "yes", "NO"))
  out[[sprintf("exact %s%% CI", level)]] <-
    format_interval(x$share_exact_lower, x$share_exact_upper, digits)
  out[[sprintf("Wilson %s%% CI", level)]] <-
    format_interval(x$share_wilson_lower, x$share_wilson_upper, digits)
  out
}

#' @rdname reproduce_guo2016
#' @param all `print()`: show every column, even past the console width.
#' @export
print.guo2016_reproduction <- function(x, digits = 1L, all = FALSE, ...) {
  cat("Guo et al. (2016), Open Orthop J 10:539-542: published versus reproduced\n")
  shown <- format(x, digits = digits)
  print_within_width(shown[1:4], all = all)
  cat(if (all(x$match)) "All published figures reproduced.\n"
      else sprintf("%d of %d published figures NOT reproduced.\n",
                   sum(!x$match), nrow(x)))
  cat("\nNot in the paper: intervals of the reproduced shares\n")
  print_within_width(cbind(shown[1L], share = format_percent(x$share, digits),
                           shown[5:6]), all = all)
  cat("The default cohort `myelography` is synthetic, built to match the published\n",
      "aggregates (the patient data were never published).\n", sep = "")
  invisible(x)
}

#' @rdname reproduce_guo2016
#' @param row.names,optional Ignored.
#' @export
as.data.frame.guo2016_reproduction <- function(x, row.names = NULL,
                                               optional = FALSE, ...) {
  plain_data_frame(x)
}
