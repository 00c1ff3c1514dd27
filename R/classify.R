#' Classify paired before/after measurements as alleviated or not
#'
#' Applies an [alleviation_rule()] to each pair of a baseline (`pre`) and a
#' follow-up (`post`) measurement, in one pass of compiled C code.
#'
#' Each pair is judged in this order:
#' 1. `pre` or `post` missing (`NA` or `NaN`): `NA`.
#' 2. Symptom absent at baseline: `"absent"`. For a `"decrease"` rule when
#'    `pre <= absent_at`, for an `"increase"` rule when `pre >= absent_at`.
#'    Absent patients leave the symptom's denominator in [tabulate_cohort()].
#' 3. The change in the better direction is `pre - post` (`"decrease"`) or
#'    `post - pre` (`"increase"`; `post = Inf`, unlimited, gives `Inf`); the
#'    relative change is change / |pre|, and where `pre` is 0 it is `Inf`,
#'    `-Inf` or 0 by the sign of the change.
#' 4. `"alleviated"` when the change is positive and meets the rule's
#'    thresholds (inclusive) under its `combine` setting.
#' 5. Otherwise `"worsened"` when the change is negative and its reverse meets
#'    the worsening thresholds.
#' 6. Otherwise `"unchanged"`.
#'
#' @param pre,post Numeric vectors of equal length: the measurement before and
#'   after myelography. Integer vectors work. Values outside the rule's
#'   `range`, `-Inf`, and `Inf` for a `"decrease"` measure are errors.
#' @param rule An [alleviation_rule()].
#' @return A factor as long as `pre` with levels `"alleviated"`,
#'   `"unchanged"`, `"worsened"`, `"absent"` (in that order), `NA` where a
#'   value is missing, and the names of `pre`.
#' @seealso [classify_cohort()] for several symptoms of a data frame,
#'   [alleviation_curve()] for how the result moves with a threshold.
#' @examples
#' rule <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
#'                          range = c(0, 10))
#' classify_alleviation(pre  = c(7, 7,   5, 0, 4, NA, 3),
#'                      post = c(4, 4.9, 4, 0, 8, 2,  0), rule)
#'
#' walk <- alleviation_rule("increase", min_relative = 0.3)
#' classify_alleviation(c(100, 200, Inf), c(Inf, 210, 300), walk)
#' @export
classify_alleviation <- function(pre, post, rule) {
  pre <- as_measurements(pre, "pre")
  post <- as_measurements(post, "post")
  check_rule(rule)
  # Equal lengths and valid ranges are checked in C, in the classifying pass.
  .Call(C_classify_alleviation, pre, post, rule_params(rule))
}

alleviation_levels <- c("alleviated", "unchanged", "worsened", "absent")
