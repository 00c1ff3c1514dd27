#' A symptom's class as the 0/1 outcome of a model
#'
#' Turns the classes of one symptom into the binary outcome a logistic model
#' ([glm()] with `family = binomial`) needs: `TRUE` where the symptom was
#' alleviated, `FALSE` where it was unchanged or worsened, and `NA` where it
#' was absent at baseline or could not be judged (a value missing), so that
#' the model's patients are those of the `"evaluable"` rates of
#' [tabulate_cohort()] and [compare_rates()]: `sum(!is.na(outcome))` is the
#' table's `evaluable` count, for each symptom and for `"any"`.
#'
#' @param x A `myelo_cohort` from [classify_cohort()], or a factor of
#'   classes from [classify_alleviation()].
#' @param symptom With a cohort: the name of one of its symptoms, or
#'   `"any"` for the patient-level result: `TRUE` where any symptom was
#'   alleviated, `FALSE` where some symptom was judged and none alleviated,
#'   `NA` where every symptom was absent at baseline or nothing could be
#'   judged (unlike the cohort's `any_alleviated`, which is `FALSE` for a
#'   patient absent in every symptom). Not used with a factor.
#' @return A logical vector, one element per patient (per element of `x`),
#'   with the names of a factor `x`.
#' @seealso [compare_rates()] for the crude and Mantel-Haenszel comparisons
#'   the model can be set beside.
#' @examples
#' cohort <- classify_cohort(myelography)
#' table(alleviation_outcome(cohort, "lbp"), useNA = "ifany")
#'
#' # Odds ratios adjusted for hospital, age and sex
#' fit <- glm(alleviation_outcome(cohort, "any") ~ hospital + age + sex,
#'            family = binomial, data = cohort)
#' exp(cbind(OR = coef(fit), confint.default(fit)))
#' @export
alleviation_outcome <- function(x, symptom = NULL) {
  call <- sys.call()
  if (is.factor(x)) {
    if (!identical(levels(x), alleviation_levels)) {
      abort(sprintf("`x` must be a factor of classes made by classify_alleviation() (levels %s), not a factor with levels %s.",
                    paste0("\"", alleviation_levels, "\"", collapse = ", "),
                    paste0("\"", utils::head(levels(x), 5L), "\"", collapse = ", ")),
            call)
    }
    return(class_outcome(x))
  }
  if (!inherits(x, "myelo_cohort")) {
    abort(sprintf("`x` must be a myelo_cohort made by classify_cohort() or a factor made by classify_alleviation(), not %s.",
                  describe_value(x)), call)
  }
  check_cohort(x, "x", call)
  symptoms <- c(names(cohort_rules(x)), "any")
  if (!is.character(symptom) || length(symptom) != 1L || is.na(symptom) ||
      !symptom %in% symptoms) {
    abort(sprintf("`symptom` must be one of %s, not %s.",
                  paste0("\"", symptoms, "\"", collapse = ", "),
                  describe_value(symptom)), call)
  }
  # "any" from the patient class, as tabulate_cohort()'s "any" rows count:
  # a patient absent at baseline in every symptom is not evaluable (NA),
  # where `any_alleviated` says FALSE.
  out <- class_outcome(x[[if (symptom == "any") "patient_class" else symptom]])
  names(out) <- NULL
  out
}

# alleviated -> TRUE, unchanged or worsened -> FALSE, absent or NA -> NA.
class_outcome <- function(classes) {
  out <- c(TRUE, FALSE, FALSE, NA)[as.integer(classes)]
  names(out) <- names(classes)
  out
}
