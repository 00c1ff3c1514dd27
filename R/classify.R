#' Classify paired baseline/follow-up measurements as alleviated or not
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
#'    thresholds under its `combine` setting: reaches them (inclusive, the
#'    default) or, for a rule with `strict = TRUE` (the reliable change of
#'    [reliable_change_rule()]), exceeds them.
#' 5. Otherwise `"worsened"` when the change is negative and its reverse meets
#'    the worsening thresholds.
#'
#' Each comparison allows for decimal round-off; see the section Tolerance.
#' 6. Otherwise `"unchanged"`.
#'
#' @section Tolerance:
#' Decimal data are not exact in binary (`0.1 + 0.2` is not `0.3`; 7 to 4.9
#' is 29.999999999999993% of 7), so every comparison above forgives
#' round-off by one rule: two numbers compared in the judgement of a pair
#' are equal when they differ by at most `1e-9 * M`, where `M` is the largest
#' finite magnitude among the pair's `pre` and `post` and the value it is
#' compared with: the threshold (`|min_change|`, or `|min_relative * pre|`
#' for a relative one), `|absent_at|` or the range bound. This applies to the
#' sign of the change (a change within the tolerance is no change, so the
#' pair is `"unchanged"` even under a threshold of 0), to the alleviation and
#' worsening thresholds (inclusive: a change within the tolerance of the
#' threshold meets it; strict: a change must exceed the threshold by more
#' than the tolerance, so one equal to it to round-off does not), to
#' `absent_at`, and to the range check
#' (a value within the tolerance of a bound is valid). The tolerance is
#' relative, so scaling the values, `min_change`, `worsen_change`,
#' `absent_at` and `range` by any power of ten gives the same classes.
#' Infinite values do not enter `M`: a rise to `Inf` is still an infinite
#' improvement, and `absent_at = Inf` still means "only `Inf` is absent".
#' [alleviation_curve()] uses the same comparisons.
#'
#' @param pre,post Numeric vectors of equal length: the baseline and the
#'   follow-up measurement. Integer vectors work. Values outside the rule's
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
  call <- sys.call()
  pre <- as_measurements(pre, "pre", call)
  post <- as_measurements(post, "post", call)
  check_rule(rule, call = call)
  # Equal lengths and valid ranges are checked in C, in the classifying pass;
  # its errors become the package's error class.
  tryCatch(.Call(C_classify_alleviation, pre, post, rule_params(rule)),
           error = function(e) abort(conditionMessage(e), call))
}

alleviation_levels <- c("alleviated", "unchanged", "worsened", "absent")
