#' Anchor-based minimal important change: a cut-off from the patients' own rating
#'
#' The anchor-based way to justify a cut-off: which change separates the
#' patients who say they improved (the anchor, a global rating of change)
#' from those who do not? Two classic methods (Copay et al. 2007), and the
#' predictive modelling that current methods papers recommend (Terluin et
#' al. 2015, 2017):
#'
#' * `method = "roc"`: the change is a test and the anchor the truth. For
#'   every candidate cut-off `c` (each distinct change observed),
#'   sensitivity is P(change >= c | improved) and specificity P(change < c |
#'   not improved). The estimate is the `c` with the largest Youden's J =
#'   sensitivity + specificity - 1 (Youden 1950); **when several cut-offs
#'   share the largest J, the smallest of them** (the most lenient cut-off
#'   that is as good as any; `ties = "largest"` takes the largest). Other
#'   best points, as pROC's `coords(best.method, best.weights)` defines
#'   them: `best = "closest_topleft"`, the cut-off closest to the top-left
#'   corner, the smallest (1 - sensitivity)^2 + r (1 - specificity)^2
#'   (Perkins & Schisterman 2006); `best = "weighted"`, the largest
#'   sensitivity + r specificity; with `best_weights = c(cost, prevalence)`,
#'   r = (1 - prevalence) / (cost x prevalence) (cost: of a false negative
#'   relative to a false positive; the defaults give r = 1). Also reported:
#'   the area under the ROC curve (the Mann-Whitney probability that an
#'   improved patient changed more than another, ties counted half; Hanley
#'   & McNeil 1982) with a **DeLong** interval (DeLong et al. 1988) and a
#'   bootstrap percentile interval, and a bootstrap percentile interval for
#'   the cut-off.
#' * `method = "predictive"` (Terluin et al. 2015): a logistic regression of
#'   the anchor (improved or not) on the change; the estimate is the change
#'   at which the odds of improvement equal the sample's,
#'   MIC = (ln(odds of improvement) - intercept) / slope, the change with a
#'   likelihood ratio of 1. `method = "adjusted_predictive"` (Terluin et al.
#'   2017) corrects it for the bias that a proportion improved other than
#'   one half causes: MIC - (0.090 + 0.103 r) x SD(change) x ln(odds of
#'   improvement), r the point-biserial correlation of change and anchor and
#'   SD the standard deviation of the change (n - 1). Both come with a
#'   bootstrap percentile interval from the same resamples as the ROC
#'   cut-off's, and need finite changes. A fit that does not converge (the
#'   change separates the groups completely) gives `NA` with a warning; a
#'   resample whose fit does not converge is left out of the interval.
#' * `method = "mean_change"`: the mean change among patients in one anchor
#'   category of minimal improvement (`minimal`, e.g. "a little better"), with
#'   its t interval (Jaeschke et al. 1989). The mean change by every anchor
#'   category is reported beside it.
#'
#' The change is `pre - post` for a `"decrease"` measure and `post - pre` for
#' an `"increase"` one, so a positive change is an improvement; with
#' `scale = "percent"` it is divided by the baseline, `|pre|` (0.3 = 30%,
#' the unit of `min_relative` in [alleviation_rule()]; `Inf` after a
#' baseline of 0). Round-off is forgiven as in [classify_alleviation()]: a
#' change within 1e-9 of the pair's magnitude is no change, and changes
#' within 1e-9 of each other's magnitude are one candidate cut-off, at the
#' smaller value.
#'
#' Patients are left out, and counted in the result, in this order: a value
#' missing (`pre` or `post`), the symptom absent at baseline (by
#' `absent_at`), the anchor missing (`NA`, or a factor's `NA` level). Every
#' other patient is "improved" (its anchor is one of `improved`) or "not
#' improved" (any other rating, worse ones included: set those to `NA` to
#' leave them out).
#'
#' @section Computation:
#' The ROC sweep is compiled C: one radix sort of the changes and one pass
#' over the distinct values, O(n log n) at most. Each bootstrap resample
#' draws n patients with replacement as counts per distinct change and
#' class, never as a copy of the data (with `stratified = TRUE`, as pROC
#' does by default, the improved and the other patients are resampled
#' separately, so every resample keeps the sample's numbers of each). How
#' a resample is drawn depends on the data:
#' * few distinct changes (0-10 scores): the cell counts as a chain of
#'   binomials, drawn with R's random number generator (`rbinom()`);
#' * many (a nearly continuous change): patient by patient, with the
#'   package's own generator, xoshiro256++ (Blackman & Vigna 2021) and
#'   Lemire's (2019) exact bounded draw, one stream per resample, seeded by
#'   two draws from R's generator. Resamples then run in parallel (see
#'   [myelorelief_threads()]) and their results do not depend on the
#'   number of threads.
#'
#' Either way **`set.seed()` makes the result reproducible, but the
#' resamples are not those of `sample()`** (a plain-R bootstrap with the
#' same seed draws other patients; the intervals agree within Monte-Carlo
#' error). `boot = 0` skips the resamples and leaves R's generator
#' untouched. A resample without an improved or without a not-improved
#' patient has no cut-off and is left out of the interval (the result
#' counts them). The interval's bounds are the resampled cut-offs at the
#' `(1 - conf_level) / 2` and `(1 + conf_level) / 2` quantiles (type 1:
#' each bound is a cut-off some resample chose).
#'
#' @param pre,post Numeric vectors of equal length: the measurement before and
#'   after, as in [classify_alleviation()].
#' @param anchor Each patient's global rating of change: a factor (ordered or
#'   not), or a logical, numeric or character vector, as long as `pre`.
#' @param improved For the ROC and predictive methods: the levels (or values) of `anchor`
#'   that count as improved, e.g. `c("much better", "a little better")`;
#'   `TRUE` by default for a logical anchor. Levels of a factor, and values of
#'   a character anchor, must exist in it (a misspelt level is an error).
#' @param direction `"decrease"` when lower values are better, `"increase"`
#'   when higher values are better.
#' @param scale `"points"`: the change in the measure's units (the cut-off
#'   becomes `min_change`); `"percent"`: relative to baseline (the cut-off
#'   becomes `min_relative`).
#' @param conf_level Confidence level of the intervals.
#' @param boot Number of bootstrap resamples for the cut-off's interval
#'   (`method = "roc"`), a whole number; 0 skips the bootstrap.
#' @param method `"roc"`, `"predictive"`, `"adjusted_predictive"` or
#'   `"mean_change"`, see Details.
#' @param minimal For `method = "mean_change"`: the level(s) of `anchor` of a
#'   minimal improvement.
#' @param absent_at,range As in [alleviation_rule()]: a baseline at (or
#'   beyond) `absent_at` means the symptom was absent and the patient is left
#'   out; values outside `range` are errors. `range` is also the range of the
#'   rule in the result.
#' @param stratified For the bootstrap: `FALSE` (default) resamples all
#'   patients together; `TRUE` resamples the improved and the other patients
#'   separately (a stratified bootstrap, pROC's default).
#' @param best For `method = "roc"`: the best cut-off, `"youden"` (the
#'   default), `"closest_topleft"` or `"weighted"`, see Details.
#' @param best_weights `c(cost, prevalence)` as pROC's `best.weights`: the
#'   cost of a false negative relative to a false positive, and the
#'   prevalence of improvement (between 0 and 1), for `best =
#'   "closest_topleft"` and `"weighted"`.
#' @param ties Which of several cut-offs with the best criterion:
#'   `"smallest"` (the default) or `"largest"`.
#' @return An object of class `mcid`, a list with: `estimate` (the cut-off,
#'   in points or as a fraction of baseline), `lower`, `upper` and
#'   `interval` (its interval and how it was made); for `"roc"` also
#'   `sensitivity`, `specificity`, `youden` at the estimate, `auc`,
#'   `auc_lower`, `auc_upper` (DeLong), `auc_boot_lower`,
#'   `auc_boot_upper` (bootstrap percentile), `boot`, `boot_used`,
#'   `boot_estimates` (the resampled estimates, `NA` where a resample had
#'   none) and `boot_auc`, `cutoff` (the best ROC cut-off, by `best`;
#'   `sensitivity`, `specificity` and `youden` are those at it, also for
#'   the predictive methods), and `roc`, a data frame with one row per candidate cut-off
#'   (`cutoff`, the patients `improved` and `not_improved` whose change is
#'   that value, `sensitivity`, `specificity`, `youden`); for
#'   `"mean_change"` `categories`, a data frame with the `n`, `mean` and
#'   `sd` of the change by anchor category; `counts` (patients, those left
#'   out by reason, used, improved and not, or in the minimal category); the
#'   settings; and `rule`, the [alleviation_rule()] with its threshold at
#'   the estimate (as [as_rule()] makes it), or `NULL` when the estimate is
#'   not a positive, finite change. `print()` shows a short report,
#'   `format()` its lines, `as.data.frame()` one row with the estimate (or
#'   the ROC table, `what = "roc"`), `plot()` the ROC curve with the chosen
#'   cut-off (or, for `"mean_change"`, the mean change by category).
#' @seealso [as_rule()], [reliable_change_rule()] for a distribution-based
#'   threshold, [alleviation_curve()] for how the alleviation rate depends
#'   on the threshold.
#' @references
#' Copay AG, Subach BR, Glassman SD, Polly DW, Schuler TC. Understanding the
#' minimum clinically important difference: a review of concepts and
#' methods. Spine J 2007;7:541-546. \doi{10.1016/j.spinee.2007.01.008}
#'
#' Youden WJ. Index for rating diagnostic tests. Cancer 1950;3:32-35.
#'
#' Hanley JA, McNeil BJ. The meaning and use of the area under a receiver
#' operating characteristic (ROC) curve. Radiology 1982;143:29-36.
#'
#' DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or
#' more correlated receiver operating characteristic curves: a
#' nonparametric approach. Biometrics 1988;44:837-845.
#'
#' Jaeschke R, Singer J, Guyatt GH. Measurement of health status:
#' ascertaining the minimal clinically important difference. Control Clin
#' Trials 1989;10:407-415.
#'
#' Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall,
#' 1993 (the percentile interval).
#'
#' Perkins NJ, Schisterman EF. The inconsistency of "optimal" cutpoints
#' obtained using two criteria based on the receiver operating
#' characteristic curve. Am J Epidemiol 2006;163:670-675.
#'
#' Terluin B, Eekhout I, Terwee CB, de Vet HCW. Minimal important change
#' (MIC) based on a predictive modeling approach was more precise than MIC
#' based on ROC analysis. J Clin Epidemiol 2015;68:1388-1396.
#' \doi{10.1016/j.jclinepi.2015.03.015}
#'
#' Terluin B, Eekhout I, Terwee CB. The anchor-based minimal important
#' change, based on receiver operating characteristic analysis or
#' predictive modeling, may need to be adjusted for the proportion of
#' improved patients. J Clin Epidemiol 2017;83:90-100.
#'
#' Robin X, Turck N, Hainard A, et al. pROC: an open-source package for R
#' and S+ to analyze and compare ROC curves. BMC Bioinformatics 2011;12:77
#' (the best points and their weights).
#'
#' Blackman D, Vigna S. Scrambled linear pseudorandom number generators.
#' ACM Trans Math Softw 2021;47(4):36. \doi{10.1145/3460772}
#'
#' Lemire D. Fast random integer generation in an interval. ACM Trans Model
#' Comput Simul 2019;29(1):3. \doi{10.1145/3230636}
#' @examples
#' # A synthetic anchor for the synthetic cohort: invented, for illustration
#' set.seed(1)
#' fall <- myelography$lbp_pre - myelography$lbp_post
#' anchor <- cut(fall + rnorm(length(fall), sd = 1.5),
#'               c(-Inf, -1, 1, 3, Inf),
#'               labels = c("worse", "about the same", "a little better",
#'                          "much better"))
#' m <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
#'                    improved = c("a little better", "much better"),
#'                    boot = 200)
#' m
#' as_rule(m, range = c(0, 10), label = "Lower back pain (NRS)")
#' plot(m)
#'
#' estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
#'               method = "mean_change", minimal = "a little better")
#'
#' # Predictive modelling, adjusted for the proportion improved, with a
#' # stratified bootstrap
#' estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
#'               improved = c("a little better", "much better"),
#'               method = "adjusted_predictive", boot = 200, stratified = TRUE)
#' @export
estimate_mcid <- function(pre, post, anchor, improved,
                          direction = c("decrease", "increase"),
                          scale = c("points", "percent"), conf_level = 0.95,
                          boot = 2000,
                          method = c("roc", "mean_change", "predictive",
                                     "adjusted_predictive"),
                          minimal = NULL,
                          absent_at = if (direction == "decrease") 0 else Inf,
                          range = c(0, Inf), stratified = FALSE,
                          best = c("youden", "closest_topleft", "weighted"),
                          best_weights = c(1, 0.5),
                          ties = c("smallest", "largest")) {
  call <- sys.call()
  pre <- as_measurements(pre, "pre", call)
  post <- as_measurements(post, "post", call)
  direction <- check_choice(direction, c("decrease", "increase"), "direction",
                            call)
  scale <- check_choice(scale, c("points", "percent"), "scale", call)
  method <- check_choice(method, c("roc", "mean_change", "predictive",
                                   "adjusted_predictive"), "method", call)
  best <- check_choice(best, c("youden", "closest_topleft", "weighted"), "best",
                       call)
  ties <- check_choice(ties, c("smallest", "largest"), "ties", call)
  ok <- is.numeric(best_weights) && !is.object(best_weights) &&
    length(best_weights) == 2L && is.null(dim(best_weights)) &&
    !anyNA(best_weights) && is.finite(best_weights[1L]) &&
    best_weights[1L] > 0 && best_weights[2L] > 0 && best_weights[2L] < 1
  if (!ok) {
    abort(sprintf("`best_weights` must be c(cost, prevalence): a cost > 0 and a prevalence between 0 and 1 (as pROC's best.weights), not %s.",
                  describe_value(best_weights)), call)
  }
  if (best == "youden" && !missing(best_weights) &&
      !isTRUE(all(best_weights == c(1, 0.5)))) {
    abort("`best_weights` weighs Youden's J only with best = \"weighted\" (or the distance of best = \"closest_topleft\"); best = \"youden\" is the unweighted index.",
          call)
  }
  check_conf_level(conf_level, call)
  ok <- is.numeric(boot) && !is.object(boot) && length(boot) == 1L &&
    is.null(dim(boot)) && !is.na(boot) && boot >= 0 && boot <= 1e6 &&
    boot == round(boot)
  if (!ok) {
    abort(sprintf("`boot` must be a whole number from 0 (no bootstrap) to 1e6, not %s.",
                  describe_value(boot)), call)
  }
  if (!is.logical(stratified) || length(stratified) != 1L ||
      is.na(stratified) || !is.null(dim(stratified))) {
    abort(sprintf("`stratified` must be TRUE or FALSE, not %s.",
                  describe_value(stratified)), call)
  }
  n <- length(pre)
  if (length(post) != n) {
    abort(sprintf("`post` must have the same length as `pre` (%s), not %s.",
                  format_integer(n), format_integer(length(post))), call)
  }
  check_anchor(anchor, n, call)
  if (method != "mean_change") {
    if (!is.null(minimal)) {
      abort(sprintf("`minimal` is for method = \"mean_change\"; method = \"%s\" takes the improved levels in `improved`.", method),
            call)
    }
    if (missing(improved)) {
      if (!is.logical(anchor)) {
        abort("`improved` is missing: name the levels (or values) of `anchor` that count as improved.",
              call)
      }
      improved <- TRUE
    }
    values <- improved
    arg <- "improved"
  } else {
    if (!missing(improved)) {
      abort("`improved` is for the ROC and predictive methods; method = \"mean_change\" takes the anchor level of a minimal improvement in `minimal`.",
            call)
    }
    if (is.null(minimal)) {
      abort("`minimal` is missing: method = \"mean_change\" needs the level(s) of `anchor` of a minimal improvement, e.g. \"a little better\".",
            call)
    }
    values <- minimal
    arg <- "minimal"
  }
  flags <- anchor_flags(anchor, values, arg, call)

  # The package's own judgement of each pair: missing, absent, range errors.
  probe <- tryCatch(
    alleviation_rule(direction, min_change = 0, absent_at = absent_at,
                     range = range),
    myelorelief_error = function(e) abort(conditionMessage(e), call))
  codes <- tryCatch(as.integer(classify_alleviation(pre, post, probe)),
                    myelorelief_error = function(e) abort(conditionMessage(e), call))
  missing_value <- is.na(codes)
  absent <- !missing_value & codes == 4L
  missing_anchor <- !missing_value & !absent & is.na(flags)
  used <- !(missing_value | absent | missing_anchor)
  change <- mcid_change(pre[used], post[used], direction, scale)
  flag <- flags[used]
  counts <- as.double(c(patients = n, missing_value = sum(missing_value),
                        absent = sum(absent),
                        missing_anchor = sum(missing_anchor), used = sum(used)))
  names(counts) <- c("patients", "missing_value", "absent", "missing_anchor",
                     "used")
  settings <- list(method = method, direction = direction, scale = scale,
                   conf_level = conf_level, absent_at = probe$absent_at,
                   range = probe$range, anchor_values = values,
                   stratified = stratified, best = best,
                   best_weights = as.double(best_weights), ties = ties)
  x <- if (method != "mean_change") {
    mcid_roc(change, flag, boot, counts, settings, call)
  } else {
    mcid_mean_change(change, flag, anchor[used], anchor, counts, settings,
                     call)
  }
  rule <- mcid_rule(x, x$range, NULL)
  x$rule <- if (is_alleviation_rule(rule)) rule
  x
}

check_anchor <- function(anchor, n, call) {
  ok <- is.null(dim(anchor)) &&
    (is.factor(anchor) ||
       (!is.object(anchor) &&
          (is.logical(anchor) || is.numeric(anchor) || is.character(anchor))))
  if (!ok) {
    abort(sprintf("`anchor` must be a factor, or a logical, numeric or character vector, not %s.",
                  describe_value(anchor)), call)
  }
  if (length(anchor) != n) {
    abort(sprintf("`anchor` must have one value per patient (%s), not %s.",
                  format_integer(n), format_integer(length(anchor))), call)
  }
  invisible(anchor)
}

# TRUE where the anchor is one of `values`, FALSE elsewhere, NA where the
# anchor is missing (NA, or a factor's NA level).
anchor_flags <- function(anchor, values, arg, call) {
  if (is.factor(values)) values <- as.character(values)
  quoted <- function(x) paste0("\"", x, "\"", collapse = ", ")
  if (is.factor(anchor) || is.character(anchor)) {
    if (!is.character(values) || !length(values) || anyNA(values) ||
        !is.null(dim(values))) {
      abort(sprintf("`%s` must name levels of `anchor` (a character vector), not %s.",
                    arg, describe_value(values)), call)
    }
    known <- if (is.factor(anchor)) levels(anchor)[!is.na(levels(anchor))]
             else sort(unique(anchor[!is.na(anchor)]))
    unknown <- setdiff(values, known)
    if (length(unknown)) {
      shown <- if (length(known) > 12L) c(utils::head(known, 12L), "...") else known
      abort(sprintf("`%s` names %s not in `anchor`: %s. The %s: %s.", arg,
                    if (length(unknown) == 1L) "a level" else "levels",
                    quoted(unknown),
                    if (is.factor(anchor)) "levels are" else "values are",
                    if (length(known)) quoted(shown) else "none"), call)
    }
    if (is.factor(anchor)) {
      codes <- as.integer(anchor)
      flag <- codes %in% match(values, levels(anchor))
      flag[is.na(levels(anchor)[codes])] <- NA
      return(flag)
    }
    flag <- anchor %in% values
  } else if (is.logical(anchor)) {
    if (!is.logical(values) || !length(values) || anyNA(values) ||
        !is.null(dim(values))) {
      abort(sprintf("`%s` must be TRUE or FALSE for a logical `anchor`, not %s.",
                    arg, describe_value(values)), call)
    }
    flag <- anchor %in% values
  } else {
    if (!is.numeric(values) || is.object(values) || !length(values) ||
        anyNA(values) || !is.null(dim(values))) {
      abort(sprintf("`%s` must be numbers for a numeric `anchor`, not %s.",
                    arg, describe_value(values)), call)
    }
    flag <- anchor %in% values
  }
  flag[is.na(anchor)] <- NA
  flag
}

# The change in the better direction, in points or relative to |pre|, with
# the classifier's tolerance: within 1e-9 of the pair's largest finite
# magnitude is no change.
mcid_change <- function(pre, post, direction, scale) {
  pre <- as.double(pre)
  post <- as.double(post)
  change <- if (direction == "decrease") pre - post else post - pre
  magnitude <- pmax(finite_abs(pre), finite_abs(post))
  change[is.finite(change) & abs(change) <= 1e-9 * magnitude] <- 0
  if (scale == "percent") {
    relative <- change / abs(pre)
    relative[change == 0] <- 0          # 0 / 0 at a baseline of 0
    change <- relative
  }
  change
}

finite_abs <- function(x) {
  a <- abs(x)
  a[!is.finite(a)] <- 0
  a
}

mcid_warn <- function(message, call) {
  warning(warningCondition(message, class = "myelorelief_warning", call = call))
}

mcid_roc <- function(change, flag, boot, counts, settings, call,
                     by_patient = NA) {
  predictive <- settings$method %in% c("predictive", "adjusted_predictive")
  if (predictive && any(!is.finite(change))) {
    abort(sprintf(
      "`method = \"%s\"` needs finite changes, but %s %s an infinite change (a rise to Inf, or a baseline of 0 with scale = \"percent\").",
      settings$method, count_of(sum(!is.finite(change)), "patient"),
      if (sum(!is.finite(change)) == 1) "has" else "have"), call)
  }
  weights <- settings$best_weights
  r <- if (settings$best == "youden") 1 else
    (1 - weights[2L]) / (weights[1L] * weights[2L])
  options <- c(match(settings$best, c("youden", "closest_topleft", "weighted")) - 1,
               r, settings$ties == "largest", predictive)
  roc <- tryCatch(.Call(C_mcid_roc, change, flag, as.double(boot), by_patient,
                        settings$stratified, as.double(options)),
                  error = function(e) abort(conditionMessage(e), call))
  counts <- c(counts, improved = sum(roc$n_improved),
              not_improved = sum(roc$n_other))
  youden <- roc$sensitivity + roc$specificity - 1
  curve <- data.frame(cutoff = roc$value, improved = roc$n_improved,
                      not_improved = roc$n_other,
                      sensitivity = roc$sensitivity,
                      specificity = roc$specificity, youden = youden)
  best <- roc$best
  if (counts[["used"]] == 0) {
    mcid_warn("No patient has both values, the symptom at baseline and the anchor: there is nothing to estimate from.",
              call)
  } else if (is.na(best)) {
    mcid_warn(sprintf(
      "%s patient used (%s) is improved by the anchor: %s needs both groups, so the estimate is NA.",
      if (counts[["improved"]] == 0) "No" else "Every",
      format_integer(counts[["used"]]),
      if (predictive) "the logistic regression" else "sensitivity and specificity"),
      call)
  }
  z <- stats::qnorm(1 - (1 - settings$conf_level) / 2)
  auc_se <- sqrt(roc$auc_var)
  probs <- c((1 - settings$conf_level) / 2, (1 + settings$conf_level) / 2)
  percentile <- function(v) {
    kept <- v[!is.na(v)]
    if (length(kept)) stats::quantile(kept, probs, type = 1, names = FALSE)
    else c(NA_real_, NA_real_)
  }
  boot_values <- switch(settings$method, roc = roc$boot,
                        predictive = roc$boot_predictive,
                        adjusted_predictive = roc$boot_adjusted)
  estimate <- switch(settings$method,
                     roc = if (is.na(best)) NA_real_ else roc$value[best],
                     predictive = roc$predictive,
                     adjusted_predictive = roc$adjusted)
  if (predictive && !is.na(best) && is.na(estimate)) {
    mcid_warn("The logistic regression of the anchor on the change did not converge (the change separates the improved from the other patients completely, or nearly): the estimate is NA.",
              call)
  }
  interval <- percentile(boot_values)
  auc_boot <- percentile(roc$boot_auc)
  at_best <- function(v) if (is.na(best)) NA_real_ else v[best]
  out <- c(settings, list(
    estimate = estimate,
    lower = interval[1L], upper = interval[2L],
    interval = "bootstrap percentile",
    sensitivity = at_best(roc$sensitivity),
    specificity = at_best(roc$specificity),
    youden = at_best(youden),
    cutoff = at_best(roc$value),
    auc = roc$auc,
    auc_lower = max(0, roc$auc - z * auc_se),
    auc_upper = min(1, roc$auc + z * auc_se),
    auc_method = "DeLong",
    auc_boot_lower = auc_boot[1L], auc_boot_upper = auc_boot[2L],
    boot = boot, boot_used = sum(!is.na(boot_values)),
    boot_estimates = boot_values, boot_auc = roc$boot_auc,
    boot_by_patient = roc$by_patient,
    counts = counts, roc = curve, categories = NULL))
  structure(out, class = "mcid")
}

mcid_mean_change <- function(change, flag, anchor_used, anchor, counts,
                             settings, call) {
  minimal_change <- change[flag]
  counts <- c(counts, minimal = as.double(length(minimal_change)))
  if (any(!is.finite(minimal_change))) {
    abort(sprintf(
      "`method = \"mean_change\"` needs finite changes, but %s in the minimal category %s an infinite change (a rise to Inf, or a baseline of 0 with scale = \"percent\").",
      count_of(sum(!is.finite(minimal_change)), "patient"),
      if (sum(!is.finite(minimal_change)) == 1) "has" else "have"), call)
  }
  k <- length(minimal_change)
  if (k == 0L) {
    mcid_warn(sprintf("No patient used is in the minimal category (%s): the estimate is NA.",
                      paste0("\"", settings$anchor_values, "\"", collapse = ", ")),
              call)
  }
  estimate <- if (k) mean(minimal_change) else NA_real_
  half <- if (k >= 2L) {
    stats::qt(1 - (1 - settings$conf_level) / 2, k - 1) *
      stats::sd(minimal_change) / sqrt(k)
  } else NA_real_
  # Mean change by anchor category, in the anchor's order.
  categories <- if (is.factor(anchor)) {
    lv <- levels(anchor)
    factor(as.character(anchor_used), levels = lv[!is.na(lv)])
  } else {
    factor(anchor_used, levels = sort(unique(anchor_used)))
  }
  groups <- split(change, categories)
  table <- data.frame(
    category = names(groups),
    n = vapply(groups, length, numeric(1)),
    mean = vapply(groups, function(g) if (length(g)) mean(g) else NA_real_,
                  numeric(1)),
    sd = vapply(groups, function(g) if (length(g) > 1L) stats::sd(g) else NA_real_,
                numeric(1)),
    minimal = names(groups) %in% as.character(settings$anchor_values),
    row.names = NULL, stringsAsFactors = FALSE)
  out <- c(settings, list(
    estimate = estimate, lower = estimate - half, upper = estimate + half,
    interval = "t",
    sensitivity = NA_real_, specificity = NA_real_, youden = NA_real_,
    auc = NA_real_, auc_lower = NA_real_, auc_upper = NA_real_,
    auc_method = NA_character_, cutoff = NA_real_,
    auc_boot_lower = NA_real_, auc_boot_upper = NA_real_,
    boot = 0, boot_used = 0L,
    boot_estimates = numeric(), boot_auc = numeric(), boot_by_patient = NA,
    counts = counts, roc = NULL, categories = table))
  structure(out, class = "mcid")
}

# The rule at the estimate, or a sentence saying why there is none.
mcid_rule <- function(x, range, label) {
  est <- x$estimate
  why <- if (is.na(est)) {
    "there is no estimate"
  } else if (x$method == "roc" && !(x$youden > 0)) {
    "Youden's J is 0 at best: the change does not separate improved from other patients"
  } else if (!is.finite(est)) {
    "the estimate is infinite"
  } else if (est <= 0) {
    sprintf("the estimate (%s) is not an improvement, and a rule's threshold is a change > 0",
            format_mcid_value(est, x$scale))
  }
  if (!is.null(why)) return(why)
  rule <- alleviation_rule(
    x$direction,
    min_change = if (x$scale == "points") est else NA,
    min_relative = if (x$scale == "percent") est else NA,
    absent_at = x$absent_at, range = range, label = label)
  rule$origin <- mcid_origin(x)
  rule
}

mcid_origin <- function(x) {
  values <- format_anchor_values(x$anchor_values)
  among <- if (x$method != "mean_change") {
    sprintf("among %s, %s of them rating %s",
            count_of(x$counts[["used"]], "patient"),
            format_integer(x$counts[["improved"]]), values)
  }
  best <- if (is.null(x$best)) "youden" else x$best
  if (x$method == "roc" && best == "youden") {
    sprintf("anchor-based, the ROC cut-off with the largest Youden's J (%s; AUC %s) %s",
            format(round(x$youden, 3)), format(round(x$auc, 3)), among)
  } else if (x$method == "roc") {
    sprintf("anchor-based, the ROC cut-off %s (cost %s, prevalence %s; AUC %s) %s",
            if (best == "weighted") "with the largest weighted Youden's J"
            else "closest to the top-left corner",
            format(signif(x$best_weights[1L], 3)),
            format(signif(x$best_weights[2L], 3)), format(round(x$auc, 3)),
            among)
  } else if (x$method %in% c("predictive", "adjusted_predictive")) {
    sprintf("anchor-based, the %s (%s%% bootstrap interval %s to %s) %s",
            if (x$method == "predictive") "predictive MIC"
            else "predictive MIC adjusted for the proportion improved",
            format(100 * x$conf_level), format_mcid_value(x$lower, x$scale),
            format_mcid_value(x$upper, x$scale), among)
  } else {
    sprintf("anchor-based, the mean change of the %s rating %s (%s%% t interval %s to %s)",
            count_of(x$counts[["minimal"]], "patient"), values,
            format(100 * x$conf_level), format_mcid_value(x$lower, x$scale),
            format_mcid_value(x$upper, x$scale))
  }
}

format_anchor_values <- function(values) {
  if (is.character(values) || is.factor(values)) {
    values <- paste0("\"", values, "\"")
  } else {
    values <- vapply(values, format, "")
  }
  if (length(values) < 2L) return(values)
  paste(paste(values[-length(values)], collapse = ", "), "or",
        values[length(values)])
}

# 3 significant digits, "30%" for a relative change; "NA" where missing.
format_mcid_value <- function(x, scale, digits = 3L) {
  vapply(x, function(v) {
    if (is.na(v)) return("NA")
    if (scale == "percent") paste0(format(100 * v, digits = digits), "%")
    else format(v, digits = digits)
  }, character(1), USE.NAMES = FALSE)
}

#' Turn an estimated threshold into an alleviation rule
#'
#' Gives the [alleviation_rule()] whose threshold is the estimate of
#' [estimate_mcid()]: `min_change` (points) or `min_relative` (percent) at
#' the estimate, the same threshold for worsening, and the `absent_at` used
#' in the estimation. The rule's `origin` says where the threshold came
#' from. An estimate that is missing, infinite, not a positive change, or
#' whose ROC cut-off does not separate the groups at all (Youden's J = 0)
#' makes no rule, and the error says why.
#'
#' @param x An `mcid` from [estimate_mcid()].
#' @param range The valid values of the measure (see [alleviation_rule()]);
#'   by default the range given to [estimate_mcid()].
#' @param label Optional name of the measure.
#' @param ... Not used.
#' @return An [alleviation_rule()].
#' @examples
#' set.seed(2)
#' fall <- myelography$lbp_pre - myelography$lbp_post
#' better <- fall + rnorm(length(fall), sd = 1.5) > 2   # synthetic anchor
#' m <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, better,
#'                    boot = 0)
#' rule <- as_rule(m, range = c(0, 10), label = "Lower back pain (NRS)")
#' rule
#' table(classify_alleviation(myelography$lbp_pre, myelography$lbp_post, rule))
#' @export
as_rule <- function(x, ...) UseMethod("as_rule")

#' @rdname as_rule
#' @export
as_rule.mcid <- function(x, range = x$range, label = NULL, ...) {
  call <- sys.call()
  if (...length()) {
    abort(sprintf("as_rule() takes `range` and `label`; %s not used.",
                  if (...length() == 1L) "one more argument is" else "more arguments are"),
          call)
  }
  rule <- tryCatch(mcid_rule(x, range, label),
                   myelorelief_error = function(e) abort(conditionMessage(e), call))
  if (is.character(rule)) {
    abort(sprintf("No rule can be made from this estimate: %s.", rule), call)
  }
  rule
}

#' @rdname as_rule
#' @export
as_rule.default <- function(x, ...) {
  abort(sprintf("`x` must be an estimate from estimate_mcid(), not %s.",
                describe_value(x)), sys.call())
}

#' @rdname estimate_mcid
#' @param x An `mcid`.
#' @param ... `print()`, `format()`: ignored; `plot()`: passed to
#'   [graphics::plot.default()].
#' @export
format.mcid <- function(x, ...) {
  counts <- x$counts
  decrease <- x$direction == "decrease"
  verb <- if (decrease) "a fall" else "a rise"
  unit <- function(v) {
    if (x$scale == "percent") " of baseline"
    else if (!decrease) ""
    else if (isTRUE(v == 1)) " point" else " points"
  }
  value <- function(v) format_mcid_value(v, x$scale)
  conf <- paste0(format(100 * x$conf_level), "%")
  left_out <- c(
    if (counts[["missing_value"]] > 0) paste(format_integer(counts[["missing_value"]]), "missing a value"),
    if (counts[["absent"]] > 0) paste(format_integer(counts[["absent"]]), "without the symptom at baseline"),
    if (counts[["missing_anchor"]] > 0) paste(format_integer(counts[["missing_anchor"]]), "without the anchor"))
  patients <- function(groups) {
    sprintf("patients: %s; used %s (%s)%s",
            format_integer(counts[["patients"]]),
            format_integer(counts[["used"]]), groups,
            if (length(left_out)) {
              sprintf("; left out %s: %s",
                      format_integer(counts[["patients"]] - counts[["used"]]),
                      paste(left_out, collapse = ", "))
            } else "")
  }
  change <- sprintf("change in %s, %s is an improvement",
                    if (x$scale == "percent") "percent of baseline" else "points",
                    verb)
  values <- format_anchor_values(x$anchor_values)
  estimate <- if (is.na(x$estimate)) "NA" else paste0(verb, " of at least ", value(x$estimate), unit(x$estimate))
  if (x$method != "mean_change") {
    best <- if (is.null(x$best)) "youden" else x$best
    boot_text <- if (x$boot == 0) {
      "no bootstrap (boot = 0)"
    } else if (is.na(x$estimate)) {
      "no bootstrap"
    } else {
      sprintf("%s bootstrap percentile interval %s to %s (%s%s%s)", conf,
              value(x$lower), value(x$upper),
              count_of(x$boot_used, "resample"),
              if (isTRUE(x$stratified)) ", stratified" else "",
              if (x$boot_used < x$boot) {
                sprintf("; %s without both groups%s left out",
                        format_integer(x$boot - x$boot_used),
                        if (x$method == "roc") "" else " or a fit")
              } else "")
    }
    weights <- sprintf(" (cost %s, prevalence %s)",
                       format(signif(x$best_weights[1L], 3)),
                       format(signif(x$best_weights[2L], 3)))
    title <- switch(x$method,
      roc = switch(best,
        youden = "ROC, the largest Youden's J",
        closest_topleft = paste0("ROC, the closest to the top-left corner",
                                 if (!isTRUE(all(x$best_weights == c(1, 0.5)))) weights else ""),
        weighted = paste0("ROC, the largest weighted Youden's J", weights)),
      predictive = "predictive modelling (Terluin 2015)",
      adjusted_predictive = "predictive modelling adjusted for the proportion improved (Terluin 2017)")
    out <- c(
      paste0("<mcid> anchor-based cut-off: ", title),
      paste0("  ", change, "; improved by the anchor: ", values),
      paste0("  ", patients(sprintf("%s improved, %s not",
                                     format_integer(counts[["improved"]]),
                                     format_integer(counts[["not_improved"]])))),
      sprintf("  %s: %s; %s", if (x$method == "roc") "cut-off" else "MIC",
              estimate, boot_text))
    if (!is.na(x$cutoff)) {
      auc_boot <- if (!is.null(x$auc_boot_lower) && !is.na(x$auc_boot_lower)) {
        sprintf("; bootstrap %.3f to %.3f", x$auc_boot_lower, x$auc_boot_upper)
      } else ""
      out <- c(out,
        if (x$method == "roc") {
          sprintf("  at the cut-off: sensitivity %.1f%%, specificity %.1f%%, Youden's J %.3f",
                  100 * x$sensitivity, 100 * x$specificity, x$youden)
        },
        sprintf("  AUC %.3f, %s CI %s (%s)%s", x$auc, conf,
                if (is.na(x$auc_lower)) "not estimable with fewer than 2 patients in a group"
                else sprintf("%.3f to %.3f", x$auc_lower, x$auc_upper),
                x$auc_method, auc_boot))
      if (x$method == "roc" && !(x$youden > 0)) {
        out <- c(out, "  note: Youden's J is 0: the change does not separate improved from other patients")
      }
    }
  } else {
    out <- c(
      "<mcid> anchor-based cut-off: mean change of the minimal category",
      paste0("  ", change, "; minimal improvement by the anchor: ", values),
      paste0("  ", patients(sprintf("%s in the minimal category",
                                     format_integer(counts[["minimal"]])))),
      sprintf("  estimate: %s; %s t interval %s to %s",
              if (is.na(x$estimate)) "NA"
              else paste0(verb, " of ", value(x$estimate), unit(x$estimate)),
              conf, value(x$lower), value(x$upper)),
      "  mean change by anchor category:",
      paste0("    ", utils::capture.output(print(data.frame(
        category = x$categories$category,
        n = format_integer(x$categories$n),
        mean = value(x$categories$mean),
        sd = value(x$categories$sd),
        " " = ifelse(x$categories$minimal, "<- minimal", ""),
        check.names = FALSE), right = FALSE, row.names = FALSE))))
  }
  rule_line <- if (is.null(x$rule)) {
    paste0("  as_rule(): none (", mcid_rule(x, x$range, NULL), ")")
  } else {
    paste0("  as_rule(): ", format(x$rule)[1L])
  }
  c(out, rule_line)
}

#' @rdname estimate_mcid
#' @export
print.mcid <- function(x, ...) {
  cat(wrap_lines(format(x)), sep = "\n")
  invisible(x)
}


#' @rdname estimate_mcid
#' @param row.names,optional Ignored (for the generic).
#' @param what `"estimate"`: one row with the `estimate`, its interval
#'   (`estimate_lower`, `estimate_upper`, named like every interval of the
#'   package),
#'   sensitivity, specificity, Youden's J, AUC and the counts (rows of
#'   several estimates bind into a table); `"roc"`: the ROC table, one row per
#'   candidate cut-off; `"categories"`: the mean change by anchor category
#'   (`"mean_change"`).
#' @export
as.data.frame.mcid <- function(x, row.names = NULL, optional = FALSE,
                               what = c("estimate", "roc", "categories"), ...) {
  what <- check_choice(what, c("estimate", "roc", "categories"), "what",
                       sys.call())
  if (what == "roc") {
    if (is.null(x$roc)) {
      abort("This estimate has no ROC table: it was made with method = \"mean_change\".",
            sys.call())
    }
    return(x$roc)
  }
  if (what == "categories") {
    if (is.null(x$categories)) {
      abort("This estimate has no category table: it was made with method = \"roc\".",
            sys.call())
    }
    return(x$categories)
  }
  count <- function(name) {
    if (name %in% names(x$counts)) x$counts[[name]] else NA_real_
  }
  data.frame(method = x$method, scale = x$scale, direction = x$direction,
             estimate = x$estimate, estimate_lower = x$lower,
             estimate_upper = x$upper,
             interval = x$interval, conf_level = x$conf_level,
             sensitivity = x$sensitivity, specificity = x$specificity,
             youden = x$youden, auc = x$auc, auc_lower = x$auc_lower,
             auc_upper = x$auc_upper,
             auc_boot_lower = if (is.null(x$auc_boot_lower)) NA_real_ else x$auc_boot_lower,
             auc_boot_upper = if (is.null(x$auc_boot_upper)) NA_real_ else x$auc_boot_upper,
             patients = count("patients"),
             used = count("used"), improved = count("improved"),
             not_improved = count("not_improved"), minimal = count("minimal"),
             boot_used = x$boot_used, stringsAsFactors = FALSE)
}

#' @rdname estimate_mcid
#' @param main,xlab,ylab Title and axis labels.
#' @export
plot.mcid <- function(x, main = NULL, xlab = NULL, ylab = NULL, ...) {
  if (x$method == "mean_change") return(invisible(plot_mean_change(x, main, xlab, ylab, ...)))
  roc <- x$roc
  if (is.na(x$estimate)) {
    abort("Nothing to plot: the ROC curve needs improved and not-improved patients.",
          sys.call())
  }
  if (is.null(main)) main <- "ROC curve of the change against the anchor"
  if (is.null(xlab)) xlab <- "1 - specificity (not improved, yet past the cut-off)"
  if (is.null(ylab)) ylab <- "Sensitivity (improved and past the cut-off)"
  # From the lowest cut-off (everyone past it) to above the highest (no one).
  fpr <- c(1 - roc$specificity, 0)
  tpr <- c(roc$sensitivity, 0)
  graphics::plot.default(fpr, tpr, type = "n", xlim = c(0, 1), ylim = c(0, 1),
                         xaxs = "i", yaxs = "i", main = NULL, xlab = "",
                         ylab = "", ...)
  draw_title(fit_main(main))
  draw_axis_titles(xlab, ylab)
  graphics::abline(0, 1, lty = 2, col = "grey60")
  graphics::lines(fpr, tpr, lwd = 2, col = "steelblue4")
  px <- 1 - x$specificity
  py <- x$sensitivity
  graphics::points(px, py, pch = 19, col = "firebrick", cex = 1.3)
  verb <- if (x$direction == "decrease") "fall" else "rise"
  graphics::text(px, py, pos = if (px < 0.6) 4 else 2, cex = 0.85,
                 sprintf("%s >= %s: sensitivity %.0f%%, specificity %.0f%%",
                         verb, format_mcid_value(x$estimate, x$scale),
                         100 * x$sensitivity, 100 * x$specificity))
  graphics::legend("bottomright", bty = "n",
                   legend = sprintf("AUC %.2f (%s%% CI %.2f-%.2f, DeLong)",
                                    x$auc, format(100 * x$conf_level),
                                    x$auc_lower, x$auc_upper))
  invisible(x)
}

plot_mean_change <- function(x, main, xlab, ylab, ...) {
  tab <- x$categories
  shown <- tab$n > 0
  if (!any(shown)) abort("Nothing to plot: no patient has a rating.", sys.call(-1L))
  tab <- tab[shown, , drop = FALSE]
  half <- ifelse(tab$n > 1,
                 stats::qt(1 - (1 - x$conf_level) / 2, pmax(tab$n - 1, 1)) *
                   tab$sd / sqrt(tab$n), 0)
  k <- nrow(tab)
  scale <- if (x$scale == "percent") 100 else 1
  if (is.null(main)) main <- "Mean change by anchor category"
  if (is.null(xlab)) xlab <- "Anchor category"
  if (is.null(ylab)) {
    ylab <- if (x$scale == "percent") "Mean change, % of baseline (improvement > 0)"
            else "Mean change (improvement > 0)"
  }
  lo <- scale * (tab$mean - half)
  hi <- scale * (tab$mean + half)
  graphics::plot.default(seq_len(k), scale * tab$mean, xlim = c(0.5, k + 0.5),
                         ylim = range(c(lo, hi, 0), finite = TRUE), xaxt = "n",
                         pch = 19, col = ifelse(tab$minimal, "firebrick", "steelblue4"),
                         main = NULL, xlab = "", ylab = "", ...)
  draw_title(fit_main(main))
  draw_axis_titles(xlab, ylab)
  # category names on two staggered lines, so that none is dropped
  graphics::axis(1, at = seq_len(k), labels = FALSE)
  # each shortened to its room: one slot, or two where staggered
  staggered <- k > 3
  slot <- graphics::par("pin")[1L] / k * (if (staggered) 2 else 1) - 0.1
  graphics::mtext(fit_labels(tab$category, slot, 0.85), side = 1, at = seq_len(k),
                  cex = 0.85,
                  line = if (staggered) ifelse(seq_len(k) %% 2 == 1, 0.8, 1.8) else 1)
  graphics::segments(seq_len(k), lo, seq_len(k), hi,
                     col = ifelse(tab$minimal, "firebrick", "steelblue4"))
  graphics::abline(h = 0, col = "grey60", lty = 2)
  if (!is.na(x$estimate)) {
    graphics::abline(h = scale * x$estimate, col = "firebrick", lty = 3)
  }
  x
}
