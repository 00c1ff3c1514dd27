#' Worst-case and best-case rates for patients lost to follow-up
#'
#' Beside the complete-case rate of [tabulate_cohort()] (the patients who
#' could be judged), the rates under the two extreme assumptions about the
#' patients without a follow-up value: every one of them who may have had
#' the symptom counted as **not alleviated** (the worst case), then as
#' **alleviated** (the best case). Whatever the missing values are, the true
#' rate of the cohort lies between the two; how far apart they are shows how
#' much the missing follow-up could matter. Each rate has its confidence
#' interval, computed as the complete-case rate's is.
#'
#' @section Who counts as missing with the symptom:
#' A patient whose follow-up value of a symptom is missing is, for that
#' symptom:
#' * **with the symptom at baseline** when the baseline value is recorded
#'   and shows the symptom: counted as not alleviated (worst case) and as
#'   alleviated (best case);
#' * **free of it at baseline** when the baseline value shows the symptom
#'   absent: absent in both scenarios, whatever the follow-up, so outside
#'   the denominator as any absent patient is;
#' * **of unknown baseline** when the baseline value is missing too: the
#'   patient may have had the symptom, so is counted with the first group.
#'   This is what makes the bounds hold for every value the missing
#'   measurements could take (adding a patient who is not alleviated can
#'   only lower a rate, one who is alleviated only raise it), and it is the
#'   conservative choice: it never narrows the bounds. The columns
#'   `missing_symptom`, `missing_unknown` and `missing_absent` say how many
#'   patients were of each kind, so a reader can judge.
#'
#' The baseline is read from `data`, since a cohort keeps only the classes
#' (and a patient with the baseline recorded but the follow-up missing is
#' `NA` there, whatever the baseline showed). On the patient-level rows
#' (`symptom == "any"`) each patient's class is formed from the symptoms'
#' classes under each scenario, as [classify_cohort()] forms it: in the best
#' case a patient with one symptom unchanged and another missing is
#' alleviated; so `best_alleviated` can rise by more than
#' `bounds_evaluable - evaluable` there.
#'
#' For a comparison of groups, pass the result to [compare_rates()]: beside
#' the complete-case risk difference it gives the difference with the
#' group's missing patients not alleviated and the reference's alleviated
#' (`rd_worst`) and the reverse (`rd_best`), each with Newcombe's interval.
#' For the crude difference these are the lowest and the highest it can be.
#' A Mantel-Haenszel difference (with `strata`) under the same two
#' scenarios is an extreme scenario, not a bound, when some baselines are
#' missing: completing them changes the strata's weights, and another
#' completion can give a slightly more extreme pooled difference.
#'
#' @param x A `myelo_cohort` from [classify_cohort()].
#' @param data The data frame `x` was classified from (at least its baseline
#'   columns), in the same order; it is checked to be aligned with `x` as
#'   [tabulate_cohort()] checks its `data`.
#' @param by,conf_level,method,margins,drop As for [tabulate_cohort()];
#'   `by` may name columns of `x` or of `data`.
#' @return A data frame of class `alleviation_bounds`, one row per row of
#'   the complete-case table: the stratum columns, `symptom`, `n`,
#'   `alleviated`, `evaluable`, `missing` and its parts `missing_symptom`,
#'   `missing_unknown`, `missing_absent`; the complete-case `rate`,
#'   `rate_lower`, `rate_upper`; `bounds_evaluable` (the denominator of
#'   both scenarios), `worst_alleviated`, `worst`, `worst_lower`,
#'   `worst_upper`, `best_alleviated`, `best`, `best_lower`, `best_upper`.
#'   The complete-case rows are those of [tabulate_cohort()], unchanged.
#' @references
#' Horowitz JL, Manski CF. Nonparametric analysis of randomized experiments
#' with missing covariate and outcome data. J Am Stat Assoc 2000;95:77-84.
#' @seealso [tabulate_cohort()], [compare_rates()], [methods_text()] with
#'   `missing = "bounds"`.
#' @examples
#' # Hypothetical: a fifth of the follow-up values of leg pain lost
#' d <- myelography
#' set.seed(1)
#' d$leg_pain_post[sample(nrow(d), nrow(d) / 5)] <- NA
#' cohort <- classify_cohort(d)
#' b <- alleviation_bounds(cohort, d, by = "sex")
#' b
#' compare_rates(b, "sex")
#' @export
alleviation_bounds <- function(x, data, by = NULL, conf_level = 0.95,
                               method = "wilson", margins = TRUE,
                               drop = FALSE) {
  call <- sys.call()
  if (inherits(x, "imputed_cohort")) {
    abort("`x` is an imputed cohort: its completed datasets have no missing follow-up to bound. Give alleviation_bounds() the cohort classified from the data with the missing values.",
          call)
  }
  check_cohort(x, "x", call)
  if (inherits(x, "myelo_visits")) {
    abort("`x` must be a cohort of patients (classify_cohort()), not of visits.", call)
  }
  if (missing(data)) {
    abort("`data` is needed: the bounds depend on the baseline values of the patients whose follow-up is missing, which the cohort does not keep.",
          call)
  }
  check_aligned_data(data, x, call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  check_flag(margins, "margins", call)
  check_flag(drop, "drop", call)
  if (!is.null(by)) check_names(by, "by", call)
  x <- with_strata(x, data, by, call)
  status <- missing_status(x, data)
  scenarios <- list(complete = x,
                    known = scenario_cohort(x, status, "unchanged", unknown = FALSE),
                    worst = scenario_cohort(x, status, "unchanged"),
                    best = scenario_cohort(x, status, "alleviated"))
  tables <- lapply(scenarios, tabulate_cohort, by = by, conf_level = conf_level,
                   method = method, margins = margins, drop = drop)
  cc <- tables$complete
  out <- plain_data_frame(cc)[c(by, "symptom", "n", "alleviated", "evaluable",
                                "missing")]
  out$missing_symptom <- tables$known$evaluable - cc$evaluable
  out$missing_unknown <- tables$worst$evaluable - tables$known$evaluable
  out$missing_absent <- cc$missing - out$missing_symptom - out$missing_unknown
  out$rate <- cc$rate
  out$rate_lower <- cc$rate_lower
  out$rate_upper <- cc$rate_upper
  out$bounds_evaluable <- tables$worst$evaluable
  for (s in c("worst", "best")) {
    out[[paste0(s, "_alleviated")]] <- tables[[s]]$alleviated
    out[[s]] <- tables[[s]]$rate
    out[[paste0(s, "_lower")]] <- tables[[s]]$rate_lower
    out[[paste0(s, "_upper")]] <- tables[[s]]$rate_upper
  }
  structure(out, class = c("alleviation_bounds", "data.frame"),
            tables = tables[c("complete", "worst", "best")],
            by = by, conf_level = conf_level, method = method,
            rules = cohort_rules(x))
}

# The cohort with the `by` columns it lacks taken from `data` (already shown
# to be aligned), so that the scenario cohorts can be tabulated without a
# `data` whose measurements no longer classify as they do.
with_strata <- function(x, data, by, call) {
  taken <- setdiff(by, names(x))
  check_columns_exist(c(names(x), names(data)), by, "by", data_arg = "x` or `data",
                      call = call)
  for (column in taken) x[[column]] <- data[[column]]
  x
}

# Per symptom, a code for every patient: 0 judged or absent in the cohort,
# 1 follow-up missing with the symptom at baseline, 2 baseline missing
# (unknown), 3 follow-up missing but the symptom absent at baseline. The
# baseline is judged by the same C classifier, given the baseline as both
# values: "absent" when the rule finds it absent, otherwise unchanged.
missing_status <- function(x, data) {
  rules <- cohort_rules(x)
  pre <- attr(x, "source")$pre
  lapply(stats::setNames(seq_along(rules), names(rules)), function(k) {
    values <- as_measurements(data[[pre[[k]]]], sprintf("data$%s", pre[[k]]))
    baseline <- .Call(C_classify_alleviation, values, values,
                      rule_params(rules[[k]]))
    lost <- is.na(x[[names(rules)[k]]])
    code <- integer(length(lost))
    code[lost] <- 1L
    code[lost & is.na(values)] <- 2L
    code[lost & !is.na(baseline) & baseline == "absent"] <- 3L
    code
  })
}

# The cohort with each missing symptom filled: `fill` ("alleviated" or
# "unchanged") for the patients who may have had the symptom (those of
# unknown baseline too unless `unknown = FALSE`), "absent" for those free of
# it at baseline; the patient classes formed again by the C code of
# classify_cohort(). `rows`: only these patients are filled.
scenario_cohort <- function(x, status, fill, unknown = TRUE,
                            rows = rep(TRUE, nrow(x))) {
  rules <- cohort_rules(x)
  for (s in names(rules)) {
    v <- x[[s]]
    code <- status[[s]]
    v[rows & (code == 1L | (unknown & code == 2L))] <- fill
    v[rows & code == 3L] <- "absent"
    x[[s]] <- v
  }
  patients <- .Call(C_summarise_patients, unclass(x)[names(rules)],
                    as.double(nrow(x)), names(rules), alleviation_levels)
  x$patient_class <- patients[[1L]]
  x$any_alleviated <- patients[[2L]]
  x$primary_symptom <- patients[[3L]]
  x
}

#' @rdname alleviation_bounds
#' @param digits Decimal places of the percentages.
#' @export
format.alleviation_bounds <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  out <- lapply(x[by], function(f) ifelse(is.na(f), "NA", as.character(f)))
  out$symptom <- as.character(x$symptom)
  out$n <- format_integer(x$n)
  out$missing <- sprintf("%s (%s/%s/%s)", format_integer(x$missing),
                         format_integer(x$missing_symptom),
                         format_integer(x$missing_unknown),
                         format_integer(x$missing_absent))
  out$complete_case <- paste(format_fraction(x$alleviated, x$evaluable),
                             format_rate(x$rate, x$rate_lower, x$rate_upper, digits))
  out$worst_case <- paste(format_fraction(x$worst_alleviated, x$bounds_evaluable),
                          format_rate(x$worst, x$worst_lower, x$worst_upper, digits))
  out$best_case <- paste(format_fraction(x$best_alleviated, x$bounds_evaluable),
                         format_rate(x$best, x$best_lower, x$best_upper, digits))
  list2DF(out, nrow = nrow(x))
}

#' @rdname alleviation_bounds
#' @param ... Ignored.
#' @export
print.alleviation_bounds <- function(x, digits = 1L, ...) {
  level <- format(100 * attr(x, "conf_level"))
  cat(strwrap(sprintf("<alleviation_bounds> Alleviation rates (%s%% CI): complete case, and bounds for the patients without follow-up", level),
              getOption("width"), exdent = 2L), sep = "\n")
  cat(strwrap("worst case: every patient missing at follow-up who had the symptom at baseline, or whose baseline is missing too, counted as not alleviated; best case: counted as alleviated. missing: with the symptom/baseline unknown/symptom absent at baseline.",
              getOption("width"), indent = 2L, exdent = 2L), sep = "\n")
  cat("\n")
  print(shown_bounds(x, digits), right = FALSE, row.names = FALSE)
  invisible(x)
}

# format() under the headers print() and as_flextable() show.
shown_bounds <- function(x, digits = 1L) {
  shown <- format(x, digits = digits)
  headers <- c(missing = "missing (sym/unk/abs)", complete_case = "complete case",
               worst_case = "worst case", best_case = "best case")
  renamed <- names(shown) %in% names(headers)
  names(shown)[renamed] <- headers[names(shown)[renamed]]
  shown
}

#' @export
as.data.frame.alleviation_bounds <- function(x, ...) plain_data_frame(x)

#' @export
`[.alleviation_bounds` <- function(x, i, j, ...) {
  plain_data_frame(NextMethod())
}

# compare_rates() on an alleviation_bounds: the complete-case comparison
# and the two extreme scenarios, from the scenario tables with the
# reference level's rows of one scenario and the others' of the other.
compare_rates_bounds <- function(x, group, reference = NULL, strata = NULL,
                                 conf_level = 0.95,
                                 denominator = "evaluable") {
  tables <- attr(x, "tables")
  complete <- compare_rates(tables$complete, group, reference = reference,
                            strata = strata, conf_level = conf_level,
                            denominator = denominator)
  reference <- attr(complete, "reference")
  mixed <- function(own, ref) {
    out <- tables[[own]]
    is_ref <- !is.na(out[[group]]) & out[[group]] == reference
    columns <- c(count_columns, "n", "evaluable", "rate", "rate_lower",
                 "rate_upper", "share")
    for (column in columns) out[[column]][is_ref] <- tables[[ref]][[column]][is_ref]
    compare_rates(out, group, reference = reference, strata = strata,
                  conf_level = conf_level, denominator = denominator)
  }
  low <- mixed("worst", "best")
  high <- mixed("best", "worst")
  keep <- c("symptom", "group", "reference", "analysis", "rate", "ref_rate",
            "rd", "rd_lower", "rd_upper")
  out <- plain_data_frame(complete)[keep]
  out$rd_worst <- low$rd
  out$rd_worst_lower <- low$rd_lower
  out$rd_worst_upper <- low$rd_upper
  out$rd_best <- high$rd
  out$rd_best_lower <- high$rd_lower
  out$rd_best_upper <- high$rd_upper
  structure(out, class = c("rate_comparison_bounds", "data.frame"),
            group_name = group, reference = reference,
            conf_level = conf_level, complete = complete,
            worst = low, best = high)
}

#' @export
format.rate_comparison_bounds <- function(x, digits = 1L, ...) {
  rd <- function(e, l, u) format_rate(e, l, u, digits, sep = " to ")
  list2DF(list(
    symptom = as.character(x$symptom),
    group = sprintf("%s vs %s", x$group, x$reference),
    analysis = x$analysis,
    complete_case = rd(x$rd, x$rd_lower, x$rd_upper),
    group_worst = rd(x$rd_worst, x$rd_worst_lower, x$rd_worst_upper),
    group_best = rd(x$rd_best, x$rd_best_lower, x$rd_best_upper)),
    nrow = nrow(x))
}

#' @export
print.rate_comparison_bounds <- function(x, digits = 1L, ...) {
  level <- format(100 * attr(x, "conf_level"))
  cat(strwrap(sprintf("<rate_comparison_bounds> Risk differences (%s%% CI, Newcombe), percentage points: complete case, and the extreme scenarios for the patients without follow-up", level),
              getOption("width"), exdent = 2L), sep = "\n")
  cat(strwrap("group worst: the group's missing patients with the symptom (or an unknown baseline) not alleviated, the reference's alleviated; group best: the reverse.",
              getOption("width"), indent = 2L, exdent = 2L), sep = "\n")
  cat("\n")
  print(shown_comparison_bounds(x, digits), right = FALSE, row.names = FALSE)
  invisible(x)
}

# format() under the headers print() and as_flextable() show.
shown_comparison_bounds <- function(x, digits = 1L) {
  shown <- format(x, digits = digits)
  names(shown) <- c("symptom", "comparison", "analysis", "complete case",
                    "group worst", "group best")
  shown
}

#' @export
as.data.frame.rate_comparison_bounds <- function(x, ...) plain_data_frame(x)

# compare_rates() on the results of alleviation_bounds() and of
# tabulate_cohort() on an imputed cohort.
compare_rates_missing <- function(x, group, reference, strata, conf_level,
                                  denominator, call) {
  denominator <- check_choice(denominator, c("evaluable", "n"), "denominator",
                              call)
  if (inherits(x, "alleviation_bounds")) {
    compare_rates_bounds(x, group, reference, strata, conf_level, denominator)
  } else {
    compare_rates_pooled(x, group, reference, strata, conf_level, denominator,
                         call)
  }
}

# methods_text()'s sentences for `missing`: "bounds" and/or "imputation".
missing_methods <- function(missing, imputations, compared, call,
                            stratified = FALSE) {
  if (is.null(missing)) {
    if (!is.null(imputations)) {
      abort("`imputations` is the number of completed datasets of `missing = \"imputation\"`; give that too.",
            call)
    }
    return(list(sentences = character(), references = character()))
  }
  if (!is.character(missing) || !length(missing) || anyNA(missing) ||
      !all(missing %in% c("bounds", "imputation")) || anyDuplicated(missing)) {
    abort(sprintf("`missing` must be NULL, \"bounds\", \"imputation\" or both, not %s.",
                  describe_value(missing)), call)
  }
  if (!is.null(imputations)) {
    check_number(imputations, "imputations", min = 2, call = call)
    if (imputations != round(imputations) || !"imputation" %in% missing) {
      abort(sprintf("`imputations` must be a whole number of completed datasets, given with missing = \"imputation\", not %s.",
                    describe_value(imputations)), call)
    }
  }
  sentences <- character()
  references <- character()
  if ("bounds" %in% missing) {
    sentences <- c(sentences, paste0(
      "Patients without a follow-up value were left out of the rates (a complete-case analysis); ",
      "as bounds, worst-case and best-case rates counted every such patient who had the symptom at baseline, ",
      "or whose baseline value was missing too, as not alleviated and then as alleviated (Horowitz and Manski 2000)",
      if (compared) ", and the difference between groups was given under the two extreme scenarios (the missing patients of the compared level not alleviated and those of the reference alleviated, and the reverse)",
      "."))
    references <- c(references, missing_references["horowitz"])
  }
  if ("imputation" %in% missing) {
    sentences <- c(sentences, sprintf(paste0(
      "Missing values were multiply imputed%s; each completed dataset was classified and tabulated separately ",
      "and the estimates were pooled with Rubin's rules (Rubin 1987): rates on the logit scale (Marshall et al. 2009)",
      if (compared && stratified) ", crude risk differences (Wald variance) and the Mantel-Haenszel risk differences (with their variances above) on their own scale, and crude and Mantel-Haenszel risk and odds ratios on the log scale"
      else if (compared) ", risk differences (Wald variance) on their own scale and risk and odds ratios on the log scale" else "",
      ", with the degrees of freedom of Barnard and Rubin (1999); where a completed dataset had a rate of 0 or 1",
      if (compared) " or a zero cell" else "",
      ", 0.5 was added to the alleviated and the not alleviated in every dataset",
      if (compared && stratified) " (crude estimates; a Mantel-Haenszel ratio of 0 or infinity in some completed dataset was not pooled)" else "",
      "."),
      if (is.null(imputations)) "" else sprintf(" (%d completed datasets)", as.integer(imputations))))
    references <- c(references, missing_references[c("rubin", "marshall", "barnard")])
  }
  list(sentences = sentences, references = unname(references))
}

missing_references <- c(
  horowitz = "Horowitz JL, Manski CF. Nonparametric analysis of randomized experiments with missing covariate and outcome data. J Am Stat Assoc 2000;95:77-84.",
  rubin = "Rubin DB. Multiple Imputation for Nonresponse in Surveys. New York: Wiley; 1987.",
  marshall = "Marshall A, Altman DG, Holder RL, Royston P. Combining estimates of interest in prognostic modelling studies after multiple imputation: current practice and guidelines. BMC Med Res Methodol 2009;9:57.",
  barnard = "Barnard J, Rubin DB. Small-sample degrees of freedom with multiple imputation. Biometrika 1999;86:948-955."
)

#' @rdname alleviation_bounds
#' @exportS3Method generics::tidy
tidy.alleviation_bounds <- function(x, ...) {
  d <- as.data.frame(x)
  k <- rep(seq_len(nrow(d)), each = 3L)
  scenario <- rep(c("complete case", "worst case", "best case"), nrow(d))
  pick <- function(a, b, c) as.vector(rbind(a, b, c))
  tidy_frame(d[k, c(attr(x, "by"), "symptom"), drop = FALSE], scenario,
             pick(d$rate, d$worst, d$best),
             pick(d$rate_lower, d$worst_lower, d$best_lower),
             pick(d$rate_upper, d$worst_upper, d$best_upper),
             extra = list(alleviated = pick(d$alleviated, d$worst_alleviated, d$best_alleviated),
                          evaluable = pick(d$evaluable, d$bounds_evaluable, d$bounds_evaluable)))
}

#' @rdname alleviation_bounds
#' @exportS3Method generics::tidy
tidy.rate_comparison_bounds <- function(x, ...) {
  d <- as.data.frame(x)
  k <- rep(seq_len(nrow(d)), each = 3L)
  pick <- function(a, b, c) as.vector(rbind(a, b, c))
  tidy_frame(d[k, c("symptom", "group", "reference", "analysis"), drop = FALSE],
             rep(c("complete case", "group worst", "group best"), nrow(d)),
             pick(d$rd, d$rd_worst, d$rd_best),
             pick(d$rd_lower, d$rd_worst_lower, d$rd_best_lower),
             pick(d$rd_upper, d$rd_worst_upper, d$rd_best_upper))
}
