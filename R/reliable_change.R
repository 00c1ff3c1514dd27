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
#' every table made with the rule would count everyone unchanged. So is one
#' equal to the width (to round-off), which no change can exceed; with
#' `strict = FALSE` that is a rule where only a change across the whole
#' range counts.
#'
#' `sd` is either given (from a normative sample, or a published value for
#' the instrument), or computed as [stats::sd()] of `baseline`, over the
#' values `sd_sample` chooses (see The SD's sample). Their number is
#' reported in the rule's `origin`.
#'
#' @section The boundary:
#' Following Jacobson and Truax (1991), who call a change reliable only when
#' it *exceeds* the reliable change (|RCI| > 1.96), the rule is strict by
#' default (`strict = TRUE`, see [alleviation_rule()]): a change equal to
#' `RC` is `"unchanged"`, and `print()` says "by more than". Equality is
#' judged with the package's relative tolerance (see
#' [classify_alleviation()]): a change must exceed `RC` by more than `1e-9`
#' times the largest magnitude involved (the pair's values and `RC`), so a
#' change that equals `RC` on paper but not in binary (decimal data) is not
#' reliable either, at every scale. [clinical_significance()] uses the same
#' comparison, so for the Jacobson-Truax index with the same SD the two
#' agree patient by patient: `"alleviated"` where it says improved or
#' recovered, `"worsened"` where it says deteriorated or harmed.
#' `strict = FALSE` gives the inclusive rule of earlier versions of the
#' package (a change equal to `RC` counts).
#'
#' @section The SD's sample:
#' `sd_sample` says which baselines give the SD when it is computed from
#' `baseline`:
#' * `"present"` (the default): every known baseline in which the symptom is
#'   present (not absent by `absent_at`), also of patients without a
#'   follow-up, since only those patients are judged;
#' * `"complete_pairs"`: the baselines of the patients with both values
#'   known (give their follow-up values as `follow_up`), also those in which
#'   the symptom is absent: the SD of the CRAN package clinicalsignificance,
#'   reproduced exactly (`sd(baseline[!is.na(baseline) & !is.na(follow_up)])`);
#' * `"all_baselines"`: every known baseline, as [clinical_significance()]'s
#'   default.
#'
#' [clinical_significance()] offers the last two (its `sd_sample`).
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
#' @param follow_up The follow-up measurements of the same patients, in the
#'   same order as `baseline`: needed by `sd_sample = "complete_pairs"` (and
#'   used by nothing else). Values outside `range` are errors.
#' @param sd_sample Which baselines give the SD: `"present"`,
#'   `"complete_pairs"` or `"all_baselines"` (see The SD's sample). Only with
#'   `baseline`.
#' @param strict `TRUE` (the default, as Jacobson and Truax): a change must
#'   exceed the reliable change; `FALSE`: a change equal to it counts too.
#'   See The boundary.
#' @return An [alleviation_rule()] with `min_change` and `worsen_change` at
#'   the reliable change and `strict` as given; its `origin` field, shown by
#'   `print()`, gives the computation.
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
#'
#' # The SD as clinicalsignificance takes it: baselines of complete pairs
#' reliable_change_rule(reliability = 0.85, baseline = myelography$lbp_pre,
#'                      follow_up = myelography$lbp_post,
#'                      sd_sample = "complete_pairs", range = c(0, 10))
#' @export
reliable_change_rule <- function(sd, reliability,
                                 direction = c("decrease", "increase"),
                                 conf_level = 0.95, ..., baseline = NULL,
                                 follow_up = NULL,
                                 sd_sample = c("present", "complete_pairs",
                                               "all_baselines"),
                                 strict = TRUE) {
  call <- sys.call()
  direction <- check_choice(direction, c("decrease", "increase"), "direction",
                            call = call)
  sd_sample_given <- !missing(sd_sample)
  sd_sample <- check_choice(sd_sample, c("present", "complete_pairs", "all_baselines"),
                            "sd_sample", call = call)
  check_conf_level(conf_level, call)
  if (!is_flag(strict)) {
    abort(sprintf("`strict` must be TRUE or FALSE, not %s.", describe_value(strict)),
          call)
  }
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
                     c(list(direction = direction, min_change = threshold,
                            strict = strict),
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
  if (has_sd && sd_sample_given) {
    abort("`sd_sample` chooses the baselines the SD is computed from; it has no use when `sd` is given.",
          call)
  }
  if (!is.null(follow_up) && sd_sample != "complete_pairs") {
    abort(sprintf("`follow_up` is used only by `sd_sample = \"complete_pairs\"`, %s.",
                  if (has_sd) "not when `sd` is given" else sprintf("not by \"%s\"", sd_sample)),
          call)
  }
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
    pairs <- sd_sample == "complete_pairs"
    if (pairs) {
      if (is.null(follow_up)) {
        abort("`sd_sample = \"complete_pairs\"` needs `follow_up`, the follow-up values of the patients in `baseline`.",
              call)
      }
      follow_up <- as_measurements(follow_up, "follow_up", call)
      if (length(follow_up) != length(baseline)) {
        abort(sprintf("`follow_up` must have the length of `baseline` (%s), not %s.",
                      format_integer(length(baseline)), format_integer(length(follow_up))),
              call)
      }
    }
    probe <- make_rule(0)
    classes <- tryCatch(
      classify_alleviation(baseline, if (pairs) follow_up else baseline, probe),
      myelorelief_error = function(e) {
        abort(sub("`pre`", "`baseline`",
                  sub("`post`", if (pairs) "`follow_up`" else "`baseline`",
                      conditionMessage(e))), call)
      })
    known <- !is.na(baseline)
    keep <- switch(sd_sample,
                   present = !is.na(classes) & classes != "absent",
                   complete_pairs = known & !is.na(follow_up),
                   all_baselines = known)
    present <- as.double(baseline[keep])
    which_values <- switch(sd_sample,
      present = "with the symptom present (known and not absent by `absent_at`)",
      complete_pairs = "in complete pairs (with `follow_up` known)",
      all_baselines = "known")
    if (length(present) < 2L) {
      abort(sprintf("`baseline` has %s %s; the SD needs at least 2.",
                    count_of(length(present), "value"), which_values), call)
    }
    if (any(!is.finite(present))) {
      abort(sprintf("`baseline` has infinite values%s; the SD would be infinite. Give `sd`%s.",
                    switch(sd_sample, present = " in patients with the symptom present",
                           complete_pairs = " in complete pairs", all_baselines = ""),
                    if (sd_sample == "present") ", or an `absent_at` under which Inf is absent"
                    else ", or `sd_sample = \"present\"` with an `absent_at` under which Inf is absent"),
            call)
    }
    sd <- stats::sd(present)
    if (!(sd > 0)) {
      abort(sprintf("`baseline` has no spread: all %s values with the symptom present are %s, so the SD is 0.",
                    format_integer(length(present)), format(present[1L])),
            call)
    }
    sd_source <- sprintf(switch(sd_sample,
                                present = "; SD of %s baseline values with the symptom present",
                                complete_pairs = "; SD of the baselines of %s complete pairs",
                                all_baselines = "; SD of %s known baseline values"),
                         format_integer(length(present)))
  }
  z <- stats::qnorm(1 - (1 - conf_level) / 2)
  threshold <- jt_reliable_change(z, sd, reliability)
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
  if (threshold_beyond_range(threshold, probe$range, strict)) {
    abort(sprintf("%s with `reliability` %s gives a reliable change of %s, %s the width of `range` (%s to %s: %s): no patient could ever change reliably. Check that the SD is in the measure's units and the reliability is the instrument's.",
                  if (has_sd) sprintf("`sd` (%s)", format(sd))
                  else sprintf("The SD of `baseline` (%s)", format(sd, digits = 4)),
                  format(reliability), format(threshold, digits = 4),
                  if (threshold > width * (1 + 1e-9)) "more than"
                  else "as much as (and a change must exceed it, `strict = TRUE`)",
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

# The reliable change of Jacobson and Truax, z * SD * sqrt(2 (1 - r)), as one
# expression shared by reliable_change_rule() and clinical_significance():
# the same double in both, so that they judge every pair alike.
jt_reliable_change <- function(z, sd, reliability) {
  z * sd * sqrt(2 * (1 - reliability))
}
