#' Clinical significance: reliable change and a cut-off between populations
#'
#' Classifies each patient's change from baseline (`pre`) to follow-up
#' (`post`) in the five categories of Jacobson and Truax (1991):
#' * `"recovered"`: a reliable improvement that also takes the patient from
#'   the clinical into the functional range (across the cut-off);
#' * `"improved"`: a reliable improvement that does not;
#' * `"unchanged"`: no reliable change;
#' * `"deteriorated"`: a reliable worsening that does not cross into the
#'   clinical range;
#' * `"harmed"`: a reliable worsening that takes the patient from the
#'   functional into the clinical range.
#'
#' @section Reliable change:
#' A change is reliable when it is larger than measurement error alone would
#' produce. Each `method` divides a patient's (adjusted) change by a
#' standard error, giving the reliable change index (RCI, column `rci`; its
#' sign is that of `post - pre`), and calls the change reliable when the
#' index **exceeds** the critical value `z` in the better or the worse
#' direction. `SD` and `M` are the standard deviation and mean of the
#' clinical population (by default the patients' baseline scores, see
#' `clinical` and `sd_sample`), `r` the reliability:
#' * `"JT"`, Jacobson and Truax (1991), with the standard error of the
#'   difference of Christensen and Mendoza (1986):
#'   `(post - pre) / (sqrt(2) * SD * sqrt(1 - r))`;
#' * `"GLN"`, Gulliksen, Lord and Novick (Hsu 1989), which allows for
#'   regression to the mean: `((post - M) - r * (pre - M)) / (SD * sqrt(1 - r^2))`;
#' * `"EN"`, Edwards and Nunnally in the formulation of Speer (1992), from the
#'   estimated true baseline score: `(post - (r * (pre - M) + M)) / (SD * sqrt(1 - r))`;
#' * `"NK"`, Nunnally and Kotsch (1983), the same change over
#'   `sqrt(r^2 * SD^2 * (1 - r) + SD^2 * (1 - r_post))`, with the reliability
#'   at follow-up `reliability_post`;
#' * `"HA"`, Hageman and Arrindell (1999), with the reliability of the
#'   difference `r_dd` (from `r`, the follow-up SD and the correlation of
#'   baseline and follow-up over the complete pairs):
#'   `((post - pre) * r_dd + (M_post - M) * (1 - r_dd)) / (sqrt(r_dd) * sqrt(2) * SE)`,
#'   `SE = SD * sqrt(1 - r)`.
#'
#' `z` is `qnorm(1 - (1 - conf_level) / 2)` (1.96 at 95%), and for `"HA"`,
#' whose tests are one-sided, `qnorm(conf_level)` (1.645), as in Hageman and
#' Arrindell (1999) and clinicalsignificance.
#'
#' @section The boundary:
#' Following the literature, a change is reliable only when the index
#' *exceeds* `z` (|RCI| > 1.96), and a score is in a range only when it is
#' *beyond* the cut-off: an index equal to `z`, or a score equal to the
#' cut-off, is not. [reliable_change_rule()] follows the same boundary by
#' default (`strict = TRUE`) and the same comparison: for `"JT"` with the
#' same SD its rule calls a change reliable exactly where this function
#' does. (The package's other rules, [alleviation_rule()] by default, count
#' a change equal to the threshold as meeting it.) Equality is judged as
#' everywhere in the package,
#' forgiving decimal round-off: two numbers are equal when they differ by at
#' most `1e-9` times the largest magnitude involved (the pair's scores, the
#' means and the threshold), so scaling every score and norm by a power of
#' ten gives the same categories.
#'
#' @section Cut-off:
#' The cut-off between the clinical and the functional population is one of
#' Jacobson and Truax's (1991):
#' * `"a"`: two standard deviations from the clinical mean, in the better
#'   direction: `M_clin - 2 SD_clin` (`"decrease"`) or `M_clin + 2 SD_clin`;
#' * `"b"`: two standard deviations of the functional population from its
#'   mean, towards the clinical one: `M_func + 2 SD_func` or `M_func - 2 SD_func`;
#' * `"c"`: the point between the two means weighted by their spread,
#'   `(SD_clin M_func + SD_func M_clin) / (SD_clin + SD_func)`, the default
#'   when `functional` is given (Jacobson and Truax's recommendation).
#'
#' A baseline beyond the cut-off on the worse side is in the clinical range,
#' a follow-up beyond it on the better side in the functional range (and
#' vice versa for harm); a score equal to the cut-off is in neither (column
#' `pre_range`/`post_range` `"borderline"`). For `"HA"` the cut-offs are
#' those of true scores (each SD multiplied by the square root of its
#' population's reliability), and the follow-up is in the functional
#' (clinical) range only when its individual clinical significance index
#' (column `cs_indiv`) exceeds `z` (is below `-z`) as Hageman and Arrindell
#' define it; otherwise it is `"borderline"`.
#'
#' @section Differences from clinicalsignificance:
#' clinicalsignificance 3.0 (`cs_combined()`) is reproduced patient by patient
#' with `sd_sample = "complete_pairs"`, except where it departs from the
#' papers: (1) its cut-off `"b"` uses the clinical SD where Jacobson and
#' Truax use the functional one (give `functional = c(mean = M, sd = SD_clin)`
#' to reproduce it); (2) with `"HA"` it never classifies a patient as
#' harmed, here a reliable worsening whose follow-up is reliably in the
#' clinical range from a functional baseline is; (3) it counts a score equal
#' to the cut-off as functional at baseline and clinical at follow-up when
#' judging harm, here such a score is in neither range. The tests compare
#' the two on the package's datasets `claus_2020`, `jacobson_1989`,
#' `hechler_2014` and `anxiety_complete`.
#'
#' @param pre,post Numeric vectors of equal length: each patient's baseline
#'   and follow-up score. A pair with a missing value gets `NA`.
#' @param reliability The instrument's reliability (test-retest, or internal
#'   consistency), strictly between 0 and 1.
#' @param method The reliable change index: `"JT"`, `"GLN"`, `"EN"`, `"NK"`
#'   or `"HA"` (see Reliable change).
#' @param direction `"decrease"` when lower scores are better (symptom
#'   scales), `"increase"` when higher scores are better; as in
#'   [alleviation_rule()].
#' @param cutoff `"a"`, `"b"` or `"c"` (see Cut-off). By default `"c"` when
#'   `functional` is given, else `"a"`; `"b"` and `"c"` need `functional`.
#' @param functional The functional (non-clinical) population: its norms as
#'   `c(mean = , sd = )`, or a numeric vector of at least 3 scores to
#'   estimate them from (missing values dropped).
#' @param clinical The clinical population, in the same form. By default the
#'   patients' own baseline scores (see `sd_sample`), as Jacobson and Truax
#'   do. Its mean and SD enter the cut-off and the reliable change index.
#' @param sd_sample Which baselines give the clinical mean and SD when
#'   `clinical` is not given: `"all_baselines"` (every known baseline, also
#'   of patients without a follow-up, as [reliable_change_rule()] does) or
#'   `"complete_pairs"` (only the patients with both scores, as
#'   clinicalsignificance does).
#' @param reliability_post The reliability at follow-up, for `"NK"` only
#'   (by default `reliability`).
#' @param conf_level The confidence level of "reliable" (see `z` above).
#' @param range The valid scores, `c(lower, upper)`; scores outside it are
#'   errors.
#' @return A data frame of class `clinical_significance`, one row per pair:
#'   `pre`, `post`, `rci`, `pre_range` and `post_range` (factors with levels
#'   `"clinical"`, `"borderline"`, `"functional"`), for `"HA"` `cs_indiv`, and
#'   `category` (a factor with levels `"recovered"`, `"improved"`,
#'   `"unchanged"`, `"deteriorated"`, `"harmed"`; `NA` where a score is
#'   missing). Its attribute `"clinical_significance"` records the method,
#'   its name and references, `z`, the means and SDs used and where they came
#'   from, the cut-off, and `n_original` (pairs given) and `n_used` (pairs
#'   with both scores). `print()` and `summary()` give the counts and
#'   percentages of each category among the pairs used; `plot()` draws
#'   follow-up against baseline with the band of no reliable change and the
#'   cut-off. Subsetting the rows gives a plain data frame.
#' @seealso [reliable_change_rule()] for the reliable change as an
#'   [alleviation_rule()]; [methods_text()] for the Methods sentence.
#' @references
#' Jacobson NS, Truax P. Clinical significance: a statistical approach to
#' defining meaningful change in psychotherapy research. J Consult Clin
#' Psychol 1991;59:12-19. \doi{10.1037/0022-006X.59.1.12}
#'
#' Christensen L, Mendoza JL. A method of assessing change in a single
#' subject: an alteration of the RC index. Behav Ther 1986;17:305-308.
#'
#' Hsu LM. Reliable changes in psychotherapy: taking into account regression
#' toward the mean. Behav Assess 1989;11:459-467.
#'
#' Speer DC. Clinically significant change: Jacobson and Truax (1991)
#' revisited. J Consult Clin Psychol 1992;60:402-408.
#' \doi{10.1037/0022-006X.60.3.402}
#'
#' Nunnally JC, Kotsch WE. Studies of individual subjects: logic and methods
#' of analysis. Br J Clin Psychol 1983;22:83-93.
#' \doi{10.1111/j.2044-8260.1983.tb00582.x}
#'
#' Hageman WJ, Arrindell WA. Establishing clinically significant change:
#' increment of precision and the distinction between individual and group
#' level analysis. Behav Res Ther 1999;37:1169-1193.
#' \doi{10.1016/S0005-7967(99)00032-7}
#'
#' Claus BB, Wager J, Bonnet U. clinicalsignificance: clinical significance
#' analyses of intervention studies in R. J Stat Softw 2024;111(1):1-39
#' (the peer; version 3.0.0 was compared). \doi{10.18637/jss.v111.i01}
#' @examples
#' # Hypothetical depression scores (lower is better), reliability 0.85,
#' # functional norms from a published sample
#' pre  <- c(32, 28, 35, 24, 30, 27, 33, 29, 26, 31)
#' post <- c(10, 25, 36, 12, 29, 14, 40, 28, 9,  NA)
#' cs <- clinical_significance(pre, post, reliability = 0.85,
#'                             functional = c(mean = 7, sd = 6))
#' cs
#' summary(cs)
#' cs$category
#' plot(cs)
#'
#' # Another index, and the cut-off "a" from the patients alone
#' clinical_significance(pre, post, reliability = 0.85, method = "GLN")
#' @export
clinical_significance <- function(pre, post, reliability,
                                  method = c("JT", "GLN", "EN", "NK", "HA"),
                                  direction = c("decrease", "increase"),
                                  cutoff = NULL, functional = NULL,
                                  clinical = NULL,
                                  sd_sample = c("all_baselines", "complete_pairs"),
                                  reliability_post = reliability,
                                  conf_level = 0.95, range = c(-Inf, Inf)) {
  call <- sys.call()
  pre <- as_measurements(pre, "pre", call)
  post <- as_measurements(post, "post", call)
  if (length(pre) != length(post)) {
    abort(sprintf("`pre` and `post` must have the same length, not %s and %s.",
                  format_integer(length(pre)), format_integer(length(post))), call)
  }
  method <- check_choice(method, names(cs_methods), "method", call)
  direction <- check_choice(direction, c("decrease", "increase"), "direction", call)
  sd_sample <- check_choice(sd_sample, c("all_baselines", "complete_pairs"),
                            "sd_sample", call)
  if (missing(reliability)) {
    abort("`reliability` is missing: give the instrument's reliability, strictly between 0 and 1.",
          call)
  }
  cs_check_reliability(reliability, "reliability", call)
  if (method == "NK") {
    cs_check_reliability(reliability_post, "reliability_post", call)
  } else if (!missing(reliability_post)) {
    abort(sprintf("`reliability_post` is used only by method \"NK\", not by \"%s\".", method),
          call)
  }
  check_conf_level(conf_level, call)
  if (!is.numeric(range) || is.object(range) || length(range) != 2L ||
      !is.null(dim(range)) || anyNA(range) || range[1L] >= range[2L]) {
    abort(sprintf("`range` must be two increasing numbers c(lower, upper), not %s.",
                  describe_value(range)), call)
  }
  for (arg in c("pre", "post")) {
    values <- if (arg == "pre") pre else post
    bad <- which(!is.na(values) &
                   (!is.finite(values) | values < range[1L] - 1e-9 * pmax(abs(values), abs(range[1L])) |
                      values > range[2L] + 1e-9 * pmax(abs(values), abs(range[2L]))))
    if (length(bad)) {
      abort(sprintf("`%s` is %s at position %s, %s.", arg, format(values[bad[1L]]),
                    format_integer(bad[1L]),
                    if (is.finite(values[bad[1L]])) sprintf("outside `range` [%s, %s]",
                                                            format(range[1L]), format(range[2L]))
                    else "not a finite score"), call)
    }
  }
  functional <- cs_population(functional, "functional", call)
  if (is.null(cutoff)) {
    cutoff <- if (is.null(functional)) "a" else "c"
  } else {
    cutoff <- check_choice(cutoff, c("a", "b", "c"), "cutoff", call, default_ok = FALSE)
  }
  if (cutoff != "a" && is.null(functional)) {
    abort(sprintf("`cutoff` \"%s\" needs the functional population: give `functional` as c(mean = , sd = ) or as scores.",
                  cutoff), call)
  }

  complete <- !is.na(pre) & !is.na(post)
  n_used <- sum(complete)
  clinical <- cs_population(clinical, "clinical", call)
  if (is.null(clinical)) {
    sample <- if (sd_sample == "all_baselines") pre[!is.na(pre)] else pre[complete]
    if (length(sample) < 2L) {
      abort(sprintf("`pre` has %s %s; the clinical SD needs at least 2 (or give `clinical`).",
                    count_of(length(sample), "baseline"),
                    if (sd_sample == "all_baselines") "known" else "in complete pairs"),
            call)
    }
    clinical <- list(mean = mean(sample), sd = stats::sd(sample),
                     source = sprintf("%s %s", count_of(length(sample), "baseline score"),
                                      if (sd_sample == "all_baselines") "(all known baselines)"
                                      else "(complete pairs)"))
    if (!(clinical$sd > 0)) {
      abort("`pre` has no spread: the baseline SD is 0, so no change can be judged (or give `clinical`).",
            call)
    }
  }
  better <- if (direction == "increase") 1 else -1
  z <- if (method == "HA") stats::qnorm(conf_level) else stats::qnorm(1 - (1 - conf_level) / 2)
  info <- list(method = method, method_name = cs_methods[[method]]$name,
               cite = cs_methods[[method]]$cite,
               references = unname(method_references[cs_methods[[method]]$references]),
               direction = direction, reliability = reliability,
               reliability_post = if (method == "NK") reliability_post else NULL,
               conf_level = conf_level, z = z, sided = if (method == "HA") 1L else 2L,
               clinical = clinical, functional = functional, sd_sample = sd_sample,
               n_original = length(pre), n_used = n_used)
  pre_c <- pre[complete]
  post_c <- post[complete]
  m <- clinical$mean
  s <- clinical$sd
  r <- reliability
  if (method == "HA") {
    if (n_used < 3L) {
      abort(sprintf("The \"HA\" method needs the correlation of baseline and follow-up: at least 3 complete pairs, not %s.",
                    format_integer(n_used)), call)
    }
    se <- s * sqrt(1 - r)
    r_pre <- (s^2 - se^2) / s^2
    m_post <- mean(post_c)
    s_post <- stats::sd(post_c)
    r_post <- (s_post^2 - se^2) / s_post^2
    rho <- stats::cor(pre_c, post_c)
    r_dd <- (s^2 * r_pre + s_post^2 * r_post - 2 * s * s_post * rho) /
      (s^2 + s_post^2 - 2 * s * s_post * rho)
    if (!is.finite(r_post) || r_post <= 0 || !is.finite(r_dd) || r_dd <= 0) {
      abort(sprintf("The \"HA\" method cannot be used here: the reliability of the follow-up scores (%s) or of the differences (%s) is not positive; the follow-up SD (%s) is not larger than the standard error of measurement (%s), or the scores barely change.",
                    format(r_post, digits = 3), format(r_dd, digits = 3),
                    format(s_post, digits = 4), format(se, digits = 4)), call)
    }
    numerator <- (post - pre) * r_dd + (m_post - m) * (1 - r_dd)
    denominator <- sqrt(r_dd) * sqrt(2 * se^2)
    scale <- pmax(abs(pre), abs(post), abs(m), abs(m_post))
    # the band of no reliable change: post = pre + offset +/- half-width
    band <- c(intercept = -(m_post - m) * (1 - r_dd) / r_dd, slope = 1,
              half_width = z * denominator / r_dd)
    info[c("se_measurement", "m_post", "sd_post", "cor_pre_post", "r_dd", "r_post")] <-
      list(se, m_post, s_post, rho, r_dd, r_post)
  } else {
    centre <- switch(method, JT = pre, r * (pre - m) + m)
    numerator <- post - centre
    denominator <- switch(method,
      JT = sqrt(2) * s * sqrt(1 - r),
      GLN = s * sqrt(1 - r^2),
      EN = s * sqrt(1 - r),
      NK = sqrt(r^2 * s^2 * (1 - r) + s^2 * (1 - reliability_post)))
    scale <- pmax(abs(pre), abs(post), if (method == "JT") 0 else abs(m))
    band <- if (method == "JT") c(intercept = 0, slope = 1, half_width = z * denominator)
            else c(intercept = m * (1 - r), slope = r, half_width = z * denominator)
  }
  info$denominator <- denominator
  info$band <- band
  rci <- numerator / denominator
  # For "JT" the reliable change as reliable_change_rule() computes it, to
  # the last bit, so that the two agree on every pair.
  limit <- if (method == "JT") jt_reliable_change(z, s, r) else z * denominator
  # reliable when the change exceeds z standard errors by more than
  # round-off: the comparison of the C classifier for a strict rule
  # (mr_meets_bound() in src/kernels.h), change > limit + tol
  tol <- 1e-9 * pmax(scale, limit)
  improved <- better * numerator > limit + tol
  worsened <- -better * numerator > limit + tol

  # the cut-off, and where each score lies
  cut <- cs_cutoff(cutoff, clinical, functional, better, method,
                   se = if (method == "HA") info$se_measurement else NULL, call = call)
  info$cutoff <- cut
  # ranges and categories as integer codes (1 clinical, 2 borderline, 3
  # functional; positions in cs_levels), made factors at the end: building
  # factors from strings cost most of the time on a million pairs
  code <- function(up, down) {
    out <- rep.int(2L, length(up))
    out[up] <- 3L
    out[down] <- 1L
    out
  }
  side <- function(x) {
    d <- better * (x - cut$value)
    t <- 1e-9 * pmax(abs(x), abs(cut$value))
    code(d > t, -d > t)
  }
  pre_range <- side(pre)
  if (method == "HA") {
    cs_num <- info$m_post + (post - info$m_post) * info$r_post - cut$value
    cs_den <- sqrt(info$r_post) * info$se_measurement
    cs_tol <- 1e-9 * pmax(abs(post), abs(info$m_post), abs(cut$value), z * cs_den)
    post_range <- code(better * cs_num - z * cs_den > cs_tol,
                       -better * cs_num - z * cs_den > cs_tol)
    cs_indiv <- cs_num / cs_den
    # the follow-up scores at which cs_indiv is +/- z, for the plot
    info$post_limits <- info$m_post + (cut$value + c(-1, 1) * z * cs_den - info$m_post) / info$r_post
  } else {
    post_range <- side(post)
  }
  category <- rep.int(3L, length(pre))                        # unchanged
  improved <- improved & complete
  worsened <- worsened & complete & !improved
  category[improved] <- 2L
  category[improved & pre_range == 1L & post_range == 3L] <- 1L  # recovered
  category[worsened] <- 4L
  category[worsened & pre_range == 3L & post_range == 1L] <- 5L  # harmed
  category[!complete] <- NA_integer_
  rci[!complete] <- NA
  pre_range[is.na(pre)] <- NA_integer_
  post_range[is.na(post)] <- NA_integer_
  as_factor <- function(codes, levels) structure(codes, levels = levels, class = "factor")
  out <- data.frame(pre = as.double(pre), post = as.double(post), rci = rci,
                    pre_range = as_factor(pre_range, cs_range_levels),
                    post_range = as_factor(post_range, cs_range_levels))
  if (method == "HA") {
    cs_indiv[!complete] <- NA
    out$cs_indiv <- cs_indiv
  }
  out$category <- as_factor(category, cs_levels)
  attr(out, "clinical_significance") <- info
  class(out) <- c("clinical_significance", "data.frame")
  out
}

cs_levels <- c("recovered", "improved", "unchanged", "deteriorated", "harmed")
cs_range_levels <- c("clinical", "borderline", "functional")

# The reliable change indices: names, short citations, and keys of
# method_references (R/methods_text.R).
cs_methods <- list(
  JT = list(name = "Jacobson-Truax", cite = "Jacobson and Truax 1991",
            references = c("jacobson", "christensen")),
  GLN = list(name = "Gulliksen-Lord-Novick", cite = "Hsu 1989",
             references = c("jacobson", "hsu")),
  EN = list(name = "Edwards-Nunnally", cite = "Speer 1992",
            references = c("jacobson", "speer")),
  NK = list(name = "Nunnally-Kotsch", cite = "Nunnally and Kotsch 1983",
            references = c("jacobson", "nunnally")),
  HA = list(name = "Hageman-Arrindell", cite = "Hageman and Arrindell 1999",
            references = c("jacobson", "hageman")))

cs_check_reliability <- function(x, arg, call) {
  ok <- is.numeric(x) && !is.object(x) && length(x) == 1L && is.null(dim(x)) &&
    !is.na(x) && x > 0 && x < 1
  if (!ok) {
    abort(sprintf("`%s` must be a single number strictly between 0 and 1, not %s.",
                  arg, describe_value(x)), call)
  }
  invisible(x)
}

# A population as list(mean, sd, source): from norms c(mean = , sd = ) or
# from at least 3 scores; NULL stays NULL.
cs_population <- function(x, arg, call) {
  if (is.null(x)) return(NULL)
  if (!is.numeric(x) || is.object(x) || !is.null(dim(x))) {
    abort(sprintf("`%s` must be c(mean = , sd = ) or a numeric vector of scores, not %s.",
                  arg, describe_value(x)), call)
  }
  nm <- names(x)
  if (!is.null(nm) && length(x) == 2L && setequal(nm, c("mean", "sd"))) {
    mean <- unname(x[["mean"]])
    sd <- unname(x[["sd"]])
    if (!is.finite(mean) || !is.finite(sd) || !(sd > 0)) {
      abort(sprintf("`%s` must have a finite mean and a positive finite sd, not mean %s and sd %s.",
                    arg, format(mean), format(sd)), call)
    }
    return(list(mean = mean, sd = sd, source = "norms given"))
  }
  if (!is.null(nm) && any(nm %in% c("mean", "sd", "m", "s"))) {
    abort(sprintf("`%s` names its values %s: norms are given as c(mean = , sd = ), exactly these two.",
                  arg, paste0("\"", nm, "\"", collapse = ", ")), call)
  }
  scores <- x[!is.na(x)]
  if (length(scores) < 3L) {
    abort(sprintf("`%s` has %s: give c(mean = , sd = ) for norms, or at least 3 scores to estimate them from.",
                  arg, count_of(length(scores), "known score")), call)
  }
  if (any(!is.finite(scores))) {
    abort(sprintf("`%s` has infinite scores.", arg), call)
  }
  sd <- stats::sd(scores)
  if (!(sd > 0)) abort(sprintf("`%s` has no spread: its SD is 0.", arg), call)
  list(mean = mean(scores), sd = sd,
       source = sprintf("estimated from %s", count_of(length(scores), "score")))
}

# Jacobson and Truax's cut-offs a, b and c; for "HA" those of true scores
# (each SD times the square root of its population's reliability, Hageman
# and Arrindell 1999).
cs_cutoff <- function(type, clinical, functional, better, method, se, call) {
  s_c <- clinical$sd
  s_f <- functional$sd
  if (method == "HA") {
    r_c <- (s_c^2 - se^2) / s_c^2
    s_c <- s_c * sqrt(r_c)
    if (!is.null(functional)) {
      r_f <- (s_f^2 - se^2) / s_f^2
      if (!(r_f > 0)) {
        abort(sprintf("The \"HA\" cut-off needs a functional SD (%s) larger than the standard error of measurement (%s).",
                      format(s_f, digits = 4), format(se, digits = 4)), call)
      }
      s_f <- s_f * sqrt(r_f)
    }
  }
  value <- switch(type,
    a = clinical$mean + better * 2 * s_c,
    b = functional$mean - better * 2 * s_f,
    c = (s_c * functional$mean + s_f * clinical$mean) / (s_c + s_f))
  list(type = type, value = value, true_scores = method == "HA")
}

#' @export
`[.clinical_significance` <- function(x, ...) {
  out <- NextMethod()
  if (is.data.frame(out)) plain_data_frame(out) else out
}

#' @export
as.data.frame.clinical_significance <- function(x, ...) plain_data_frame(x)

#' @rdname clinical_significance
#' @param object,x A `clinical_significance` result.
#' @param ... Ignored.
#' @export
summary.clinical_significance <- function(object, ...) {
  info <- attr(object, "clinical_significance")
  counts <- tabulate(as.integer(object$category), nbins = length(cs_levels))
  out <- data.frame(category = factor(cs_levels, levels = cs_levels),
                    n = counts,
                    percent = if (info$n_used > 0) 100 * counts / info$n_used else NA_real_)
  attr(out, "n_original") <- info$n_original
  attr(out, "n_used") <- info$n_used
  class(out) <- c("summary.clinical_significance", "data.frame")
  out
}

#' @export
print.summary.clinical_significance <- function(x, ...) {
  n_original <- attr(x, "n_original")
  n_used <- attr(x, "n_used")
  cat(if (n_used == n_original) {
    sprintf("%s, all with both scores\n", count_of(n_original, "pair"))
  } else {
    sprintf("%s of %s pairs used (%.1f%%); %s without both scores left out\n",
            format_integer(n_used), format_integer(n_original),
            100 * n_used / n_original, format_integer(n_original - n_used))
  })
  labels <- format(c("category", as.character(x$category)))
  shown <- data.frame(category = labels[-1L], n = format_integer(x$n),
                      percent = ifelse(is.na(x$percent), "-", sprintf("%.1f%%", x$percent)))
  names(shown)[1L] <- labels[1L]
  print(shown, row.names = FALSE)
  invisible(x)
}

#' @export
format.clinical_significance <- function(x, ...) {
  info <- attr(x, "clinical_significance")
  cut <- info$cutoff
  number <- function(v) format(signif(v, 4L))
  pop <- function(p) sprintf("mean %s, SD %s, %s", number(p$mean), number(p$sd), p$source)
  c(sprintf("Reliable change: %s index (%s), reliability %s%s; reliable when |RCI| > %s (%s%% %s-sided), an index equal to it is not",
            info$method_name, info$cite, format(info$reliability),
            if (!is.null(info$reliability_post)) sprintf(" (%s at follow-up)", format(info$reliability_post)) else "",
            format(round(info$z, 3)), format(100 * info$conf_level),
            if (info$sided == 1L) "one" else "two"),
    sprintf("Cut-off %s%s = %s: %s is better; a score equal to the cut-off is in neither range",
            cut$type, if (cut$true_scores) " (true scores)" else "", number(cut$value),
            if (info$direction == "decrease") "lower" else "higher"),
    sprintf("Clinical population: %s", pop(info$clinical)),
    if (!is.null(info$functional)) sprintf("Functional population: %s", pop(info$functional)))
}

#' @export
print.clinical_significance <- function(x, ...) {
  cat("<clinical_significance>\n")
  cat(wrap_lines(paste0("  ", format(x))), sep = "\n")
  cat("\n")
  print(summary(x))
  cat("Each patient's result: as.data.frame(x); the categories: x$category\n")
  invisible(x)
}

#' @rdname clinical_significance
#' @param main,xlab,ylab Title and axis labels.
#' @export
plot.clinical_significance <- function(x, main = NULL, xlab = "Baseline",
                                       ylab = "Follow-up", ...) {
  info <- attr(x, "clinical_significance")
  used <- !is.na(x$category)
  pre <- x$pre[used]
  post <- x$post[used]
  category <- x$category[used]
  band <- info$band
  cut <- info$cutoff$value
  lim <- range(c(pre, post, cut), finite = TRUE)
  if (!all(is.finite(lim))) lim <- c(0, 1)
  lim <- lim + c(-1, 1) * 0.04 * max(diff(lim), 1e-8)
  if (is.null(main)) main <- sprintf("Clinical significance (%s, cut-off %s)",
                                     info$method, info$cutoff$type)
  colours <- c(recovered = "#1b7837", improved = "#7fbf7b", unchanged = "grey45",
               deteriorated = "#e08214", harmed = "#b2182b")
  shapes <- c(recovered = 16, improved = 17, unchanged = 1, deteriorated = 2,
              harmed = 15)
  graphics::plot(pre, post, xlim = lim, ylim = lim, asp = 1, type = "n",
                 main = main, xlab = xlab, ylab = ylab, ...)
  xs <- lim + c(-1, 1) * diff(lim)
  centre <- band[["intercept"]] + band[["slope"]] * xs
  graphics::polygon(c(xs, rev(xs)), c(centre - band[["half_width"]],
                                      rev(centre + band[["half_width"]])),
                    col = grDevices::adjustcolor("grey70", 0.35), border = NA)
  graphics::abline(0, 1, col = "grey40", lty = 3)
  graphics::abline(v = cut, h = cut, col = "grey20", lty = 2)
  if (!is.null(info$post_limits)) {
    graphics::abline(h = info$post_limits, col = "grey20", lty = 3)
  }
  # integer scores pile up: one symbol per distinct pair and category, its
  # area proportional to the number of patients
  key <- paste(pre, post, as.character(category), sep = "\r")
  first <- !duplicated(key)
  count <- tabulate(match(key, key[first]), nbins = sum(first))
  graphics::points(pre[first], post[first], col = colours[as.character(category[first])],
                   pch = shapes[as.character(category[first])], cex = pmin(sqrt(count), 6))
  if (any(count > 1L)) {
    graphics::mtext("symbol area proportional to the number of patients", side = 3,
                    line = 0.2, cex = 0.75)
  }
  present <- cs_levels[cs_levels %in% as.character(category)]
  ha <- !is.null(info$post_limits)
  # the legend goes to the corner whose box covers the fewest points
  draw_legend <- function(where, plot = TRUE) {
    graphics::legend(where, legend = c(present, "no reliable change", "cut-off",
                                       if (ha) "follow-up reliably past it"),
                     col = c(colours[present], grDevices::adjustcolor("grey70", 0.6), "grey20",
                             if (ha) "grey20"),
                     pch = c(shapes[present], 15, NA, if (ha) NA),
                     pt.cex = c(rep(1, length(present)), 1.8, 1, if (ha) 1),
                     lty = c(rep(NA, length(present)), NA, 2, if (ha) 3),
                     bty = "n", cex = 0.8, inset = 0.01, plot = plot)
  }
  corners <- c("topleft", "bottomright", "topright", "bottomleft")
  covered <- vapply(corners, function(where) {
    box <- draw_legend(where, plot = FALSE)$rect
    sum(pre >= box$left & pre <= box$left + box$w &
          post <= box$top & post >= box$top - box$h)
  }, numeric(1))
  draw_legend(corners[which.min(covered)])
  invisible(x)
}

# The Methods sentence for methods_text(clinical_significance = ): the
# method, the critical value and its boundary, the cut-off and where the
# means and SDs came from; with its references.
cs_methods_sentence <- function(x) {
  info <- attr(x, "clinical_significance")
  cut <- info$cutoff
  number <- function(v) format(signif(v, 3L))
  population <- function(p, what) {
    if (identical(p$source, "norms given")) {
      sprintf("the %s population's published mean %s and SD %s", what, number(p$mean), number(p$sd))
    } else {
      sprintf("the %s population's mean %s and SD %s (%s)", what, number(p$mean),
              number(p$sd), p$source)
    }
  }
  cut_text <- switch(cut$type,
    a = "two standard deviations beyond the clinical mean in the direction of improvement (cut-off a)",
    b = "two standard deviations of the functional population from its mean (cut-off b)",
    c = "the point between the clinical and functional means weighted by their standard deviations (cut-off c)")
  sentence <- paste0(
    sprintf("Clinical significance was assessed for the %s of %s patients with both scores (Jacobson and Truax 1991): ",
            format_integer(info$n_used), format_integer(info$n_original)),
    sprintf("a change was reliable when the %s reliable change index (%s; reliability %s) exceeded %s (%s%%, %s-sided), an index equal to the critical value not counting, ",
            info$method_name, info$cite, format(info$reliability),
            format(round(info$z, 3)), format(100 * info$conf_level),
            if (info$sided == 1L) "one" else "two"),
    sprintf("and the cut-off between the clinical and functional ranges, %s, was %s%s, from %s%s. ",
            number(cut$value), cut_text,
            if (cut$true_scores) " of true scores (Hageman and Arrindell 1999)" else "",
            population(info$clinical, "clinical"),
            if (!is.null(info$functional)) paste(" and", population(info$functional, "functional")) else ""),
    "Patients were classified as recovered (a reliable improvement from the clinical into the functional range), improved, unchanged, deteriorated, or harmed (a reliable worsening from the functional into the clinical range); a score equal to the cut-off was in neither range.")
  list(sentence = sentence, references = info$references)
}

#' @rdname clinical_significance
#' @details `tidy()` (from the generics package) gives one row per category:
#'   `term` (the category), `n`, `estimate` (the proportion of the pairs
#'   used) and `n_used`.
#' @exportS3Method generics::tidy
tidy.clinical_significance <- function(x, ...) {
  s <- summary(x)
  n_used <- attr(s, "n_used")
  data.frame(term = as.character(s$category), n = s$n,
             estimate = if (n_used > 0) s$n / n_used else rep(NA_real_, nrow(s)),
             n_used = rep(n_used, nrow(s)), stringsAsFactors = FALSE)
}
