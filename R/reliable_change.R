#' A rule whose threshold is the reliable change: larger than measurement error
#'
#' The distribution-based way to justify a cut-off: a change counts only when
#' it is larger than what measurement error alone would produce with
#' probability `1 - conf_level`. Jacobson and Truax (1991) divide a patient's
#' change by the standard error of the difference between two measurements,
#' \eqn{S_{diff} = \sqrt{2} \cdot SD \cdot \sqrt{1 - r}}{S_diff = sqrt(2) * SD * sqrt(1 - r)},
#' where `SD` is the spread of the measure (usually of the baseline scores)
#' and `r` its reliability (test-retest, or internal consistency), and call
#' the change reliable when the ratio passes
#' \eqn{z = }`qnorm(1 - (1 - conf_level) / 2)` (1.96 at 95%). The returned
#' rule's threshold is therefore the reliable change
#' \deqn{RC = z \cdot SD \cdot \sqrt{2 (1 - r)}}{RC = z * SD * sqrt(2 * (1 - r))}
#' in the measure's units, for improvement (`min_change`) and for worsening
#' (`worsen_change`) alike, with no relative threshold.
#' [classify_alleviation()] with it gives the three categories of the
#' Jacobson-Truax approach: `"alleviated"` (reliable improvement),
#' `"worsened"` (reliable deterioration) and `"unchanged"` (no reliable
#' change).
#'
#' A reliable change larger than the width of `range` (a 52.6-point
#' threshold on a 0-10 scale, from an SD or a reliability that is not the
#' instrument's) is an error: no patient could ever change by that much, and
#' every table made with the rule would count everyone unchanged. A
#' threshold equal to the width is a rule: only a change across the whole
#' range counts.
#'
#' `sd` is either given (from a normative sample, or a published value for
#' the instrument), or computed as [stats::sd()] of `baseline`: of its values
#' that are known and in which the symptom is present (not absent by
#' `absent_at`), since only those patients are judged. Their number is
#' reported in the rule's `origin`.
#'
#' @section The boundary:
#' As with every rule of the package the threshold is inclusive: a change of
#' exactly `RC` (within the package's relative tolerance of 1e-9, see
#' [classify_alleviation()]) counts as alleviated or worsened, where Jacobson
#' and Truax call a change reliable only when it *exceeds* the reliable
#' change (|RCI| > 1.96). The two differ only for a change equal to `RC`
#' to round-off, which happens on integer scales only when the SD and the
#' reliability were chosen to make `RC` a whole number. [clinical_significance()]
#' follows the literature (an index equal to the critical value is not
#' reliable) and gives the five categories of Jacobson and Truax with a
#' cut-off; use it when the strict boundary matters.
#'
#' @section The SD's sample:
#' From `baseline`, the SD is taken over every known baseline with the
#' symptom present, also of patients without a follow-up. The CRAN package
#' clinicalsignificance takes it over the complete pairs only;
#' [clinical_significance()] offers both (`sd_sample`). To reproduce the
#' peer's reliable change here, give its SD:
#' `sd = sd(pre[!is.na(pre) & !is.na(post)])` (every baseline of a complete
#' pair, also those where the symptom is absent).
#'
#' @param sd The standard deviation of the measure: a single positive
#'   number. Leave it out to compute it from `baseline`.
#' @param reliability The measure's reliability coefficient, strictly between
#'   0 and 1 (0.85 is typical for a pain rating scale's test-retest
#'   reliability; use the value for your instrument and population).
#' @param direction `"decrease"` when lower values are better, `"increase"`
#'   when higher values are better; see [alleviation_rule()].
#' @param conf_level The confidence level of "reliable": 0.95 gives
#'   `z = 1.96`, 0.90 gives 1.645.
#' @param ... `range`, `absent_at` and `label`, passed to
#'   [alleviation_rule()]; nothing else.
#' @param baseline Baseline measurements (a numeric vector) to compute `sd`
#'   from, instead of giving `sd`. Values outside `range` are errors, as in
#'   [classify_alleviation()].
#' @return An [alleviation_rule()] with `min_change` and `worsen_change` at
#'   the reliable change; its `origin` field, shown by `print()`, gives the
#'   computation.
#' @seealso [clinical_significance()] for the Jacobson-Truax categories
#'   (recovered, improved, unchanged, deteriorated, harmed) with other
#'   reliable change indices and a cut-off; [estimate_mcid()] for an
#'   anchor-based threshold, [alleviation_curve()] for how a rate depends on
#'   the threshold.
#' @references
#' Jacobson NS, Truax P. Clinical significance: a statistical approach to
#' defining meaningful change in psychotherapy research. J Consult Clin
#' Psychol 1991;59:12-19. \doi{10.1037/0022-006X.59.1.12}
#'
#' Christensen L, Mendoza JL. A method of assessing change in a single
#' subject: an alteration of the RC index. Behav Ther 1986;17:305-308
#' (the standard error of the difference).
#' @examples
#' # A 0-10 pain score with SD 2.2 and test-retest reliability 0.85
#' rule <- reliable_change_rule(sd = 2.2, reliability = 0.85, range = c(0, 10),
#'                              label = "Lower back pain (NRS)")
#' rule
#' rule$min_change
#'
#' # The SD from the cohort's own baseline scores
#' reliable_change_rule(reliability = 0.85, baseline = myelography$lbp_pre,
#'                      range = c(0, 10))
#'
#' table(classify_alleviation(myelography$lbp_pre, myelography$lbp_post, rule))
#' @export
reliable_change_rule <- function(sd, reliability,
                                 direction = c("decrease", "increase"),
                                 conf_level = 0.95, ..., baseline = NULL) {
  call <- sys.call()
  direction <- check_choice(direction, c("decrease", "increase"), "direction",
                            call = call)
  check_conf_level(conf_level, call)
  if (missing(reliability)) {
    abort("`reliability` is missing: give the measure's reliability coefficient, strictly between 0 and 1.",
          call)
  }
  ok <- is.numeric(reliability) && !is.object(reliability) &&
    length(reliability) == 1L && is.null(dim(reliability)) &&
    !is.na(reliability) && reliability > 0 && reliability < 1
  if (!ok) {
    abort(sprintf(
      "`reliability` must be a single number strictly between 0 and 1, not %s: at 1 any change would be reliable, at 0 the measure is noise.",
      describe_value(reliability)), call)
  }
  passed <- list(...)
  allowed <- c("range", "absent_at", "label")
  given <- names(passed)
  if (length(passed) &&
      (is.null(given) || anyNA(given) || any(!given %in% allowed) ||
       anyDuplicated(given))) {
    bad <- if (is.null(given)) "" else given[is.na(given) | !given %in% allowed |
                                                duplicated(given)][1L]
    abort(sprintf(
      "`...` passes only `range`, `absent_at` and `label` to alleviation_rule(), each once and by name, not %s.",
      if (is.na(bad) || bad == "") "an unnamed argument" else sprintf("`%s`", bad)),
      call)
  }
  # The rule first, with a placeholder threshold: it checks `range`,
  # `absent_at` and `label`, and judges the baseline values.
  make_rule <- function(threshold) {
    tryCatch(do.call(alleviation_rule,
                     c(list(direction = direction, min_change = threshold),
                       passed)),
             myelorelief_error = function(e) abort(conditionMessage(e), call))
  }
  has_sd <- !missing(sd)
  if (has_sd == !is.null(baseline)) {
    abort("Give either `sd` or `baseline` (to compute the SD from), not both or neither.",
          call)
  }
  sd_source <- ""
  # The rule with a threshold of 0 checks `range`, `absent_at` and `label`
  # (and judges the baselines) whatever the scale: a placeholder of 1 would
  # be refused on a range narrower than 1.
  if (has_sd) {
    ok <- is.numeric(sd) && !is.object(sd) && length(sd) == 1L &&
      is.null(dim(sd)) && !is.na(sd) && is.finite(sd) && sd > 0
    if (!ok) {
      abort(sprintf("`sd` must be a single positive finite number, not %s.",
                    describe_value(sd)), call)
    }
    probe <- make_rule(0)
  } else {
    baseline <- as_measurements(baseline, "baseline", call)
    probe <- make_rule(0)
    classes <- tryCatch(
      classify_alleviation(baseline, baseline, probe),
      myelorelief_error = function(e) {
        abort(sub("`(pre|post)`", "`baseline`", conditionMessage(e)), call)
      })
    present <- as.double(baseline[!is.na(classes) & classes != "absent"])
    if (length(present) < 2L) {
      abort(sprintf(
        "`baseline` has %s with the symptom present (known and not absent by `absent_at`); the SD needs at least 2.",
        count_of(length(present), "value")), call)
    }
    if (any(!is.finite(present))) {
      abort("`baseline` has infinite values in patients with the symptom present; the SD would be infinite. Give `sd`, or an `absent_at` under which Inf is absent.",
            call)
    }
    sd <- stats::sd(present)
    if (!(sd > 0)) {
      abort(sprintf("`baseline` has no spread: all %s values with the symptom present are %s, so the SD is 0.",
                    format_integer(length(present)), format(present[1L])),
            call)
    }
    sd_source <- sprintf("; SD of %s baseline values with the symptom present",
                         format_integer(length(present)))
  }
  z <- stats::qnorm(1 - (1 - conf_level) / 2)
  threshold <- z * sd * sqrt(2 * (1 - reliability))
  if (!is.finite(threshold) || !(threshold > 0)) {
    abort(sprintf("`sd` (%s) with `reliability` %s gives a threshold of %s, not a positive finite number.",
                  format(sd), format(reliability), format(threshold)), call)
  }
  # A threshold wider than the scale: no patient could ever change reliably,
  # and every symptom would be "unchanged". Refused rather than warned about,
  # since tables made with such a rule would look like results.
  # Checked before the rule is made, whose own check of the width would
  # say less.
  width <- probe$range[2L] - probe$range[1L]
  if (threshold > width * (1 + 1e-9)) {
    abort(sprintf("%s with `reliability` %s gives a reliable change of %s, more than the width of `range` (%s to %s: %s): no patient could ever change reliably. Check that the SD is in the measure's units and the reliability is the instrument's.",
                  if (has_sd) sprintf("`sd` (%s)", format(sd))
                  else sprintf("The SD of `baseline` (%s)", format(sd, digits = 4)),
                  format(reliability), format(threshold, digits = 4),
                  format(probe$range[1L]), format(probe$range[2L]), format(width)),
          call)
  }
  rule <- make_rule(threshold)
  rule$origin <- sprintf(
    "reliable change (Jacobson & Truax 1991) at %s%%: %s x SD %s x sqrt(2 x (1 - reliability %s)) = %s%s",
    format(100 * conf_level), format(z, digits = 4), format(sd, digits = 4),
    format(reliability), format(threshold, digits = 4), sd_source)
  rule
}
