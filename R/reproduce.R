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
#'   `match`, and the intervals of the reproduced share `exact_lower`,
#'   `exact_upper`, `wilson_lower`, `wilson_upper`. The classified cohort and
#'   its table are in the attributes `"cohort"` and `"table"`.
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
    exact_lower = exact$lower, exact_upper = exact$upper,
    wilson_lower = wilson$lower, wilson_upper = wilson$upper))
  structure(out, class = c("guo2016_reproduction", "data.frame"),
            conf_level = conf_level, cohort = cohort, table = table)
}

#' @rdname reproduce_guo2016
#' @param x A `guo2016_reproduction`.
#' @param ... Ignored.
#' @export
print.guo2016_reproduction <- function(x, ...) {
  cat("Guo et al. (2016), Open Orthop J 10:539-542: published versus reproduced\n")
  shown <- data.frame(
    symptom = x$description,
    published = format_count(x$published, x$patients_published),
    reproduced = format_count(x$reproduced, x$patients_reproduced),
    match = ifelse(x$match, "yes", "NO"))
  print(shown, right = FALSE, row.names = FALSE)
  cat(if (all(x$match)) "All published figures reproduced.\n"
      else sprintf("%d of %d published figures NOT reproduced.\n",
                   sum(!x$match), nrow(x)))
  level <- format(100 * attr(x, "conf_level"))
  cat(sprintf("\nNot in the paper: %s%% intervals of the reproduced shares\n", level))
  share <- x$reproduced / x$patients_reproduced
  intervals <- data.frame(
    symptom = x$description,
    exact = format_rate(share, x$exact_lower, x$exact_upper),
    wilson = format_rate(share, x$wilson_lower, x$wilson_upper))
  names(intervals)[2:3] <- c("exact (Clopper-Pearson)", "Wilson")
  print(intervals, right = FALSE, row.names = FALSE)
  cat("\nThe default cohort `myelography` is synthetic, built to match the",
      "published\naggregates (the patient data were never published).\n")
  invisible(x)
}
