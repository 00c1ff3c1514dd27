#' Change in scores: means, medians, tests and effect sizes
#'
#' The other half of a results section: for every measure of `rules`, per
#' stratum (`by`) and per group (`group`), the baseline and follow-up scores
#' as numbers, the mean change with its paired t interval, the Wilcoxon
#' signed-rank test, and two effect sizes with confidence intervals; with
#' `group`, each group against a reference group, unadjusted and adjusted
#' for baseline (ANCOVA).
#'
#' @section Patients counted:
#' Every statistic of a row is computed over the patients of that row who
#' have both values (`n`). `n_missing` counts the patients with one or both
#' values missing; `n_infinite` those with an infinite value (a walking
#' distance recorded as `Inf`, unlimited), which an average cannot take:
#' they are left out of the statistics, not silently treated as numbers.
#' Values outside the rule's `range` are errors, as in [classify_cohort()].
#'
#' @section Direction:
#' Change is reported so that improvement is positive, following each rule:
#' for a `"decrease"` rule (pain scores) change = pre - post, for an
#' `"increase"` rule (walking distance, weight) change = post - pre. The
#' `direction` column and the printed header say which.
#'
#' @section Statistics:
#' * Baseline and follow-up mean and standard deviation, median and
#'   quartiles (as `quantile(type = 7)`, R's default).
#' * Mean change with its paired t interval and p-value, as
#'   `t.test(pre, post, paired = TRUE)` gives them (with the sign of the
#'   direction).
#' * The Wilcoxon signed-rank p-value exactly as
#'   `wilcox.test(pre, post, paired = TRUE)` computes it in R: zero
#'   changes dropped, the exact distribution when fewer than 50 changes
#'   remain and there are neither ties nor zeros, otherwise the normal
#'   approximation with tie and continuity corrections
#'   (`wilcoxon_method` says which).
#' * The standardized response mean, SRM = mean change / SD of change
#'   (Liang et al. 1990; Husted et al. 2000). It is numerically the same as
#'   Cohen's d_z for paired data (Cohen 1988). Its interval is exact, by
#'   inverting the noncentral t distribution of `sqrt(n) * SRM` (Steiger and
#'   Fouladi 1997). (For a noncentrality beyond about 37.6, R's `pt()`
#'   itself switches to an approximation.)
#' * The effect size of Kazis et al. (1989), ES = mean change / SD at
#'   baseline, with a delta-method normal interval: its standard error is
#'   `sqrt(sd_change^2 / (n * sd_pre^2) + ES^2 / (2 * (n - 1)))`, the
#'   large-sample variance of a standardized mean change with the baseline
#'   SD as standardizer (Becker 1988), which assumes normal scores.
#'
#' Where a statistic is undefined (fewer than two patients, no spread) it is
#' `NA`: a cell with no patient gives a row of `NA`s, never an error.
#'
#' @section Computation:
#' The counts, moments and quartiles are computed in compiled C, in one
#' pass over the rows (plus a second for the deviations from the means):
#' without `by` and `group` straight from the columns; with them, after a
#' counting sort of the rows into one slice per cell. Quartiles come from a
#' selection (a histogram of the values' leading bits, then quickselect
#' within the few buckets that hold them), never a full sort. The Wilcoxon
#' test needs the ranks of the absolute changes: those are sorted (a radix
#' sort), which costs more; see `bench/RESULTS-score-change.md` in the
#' sources for measured times.
#'
#' @section Groups:
#' With `group`, each level other than `reference` is compared with it
#' (rows of the reference level have `NA` there):
#' * `diff_change`: the difference in mean change, level - reference, with
#'   the Welch interval and p-value of `t.test(change ~ group)` on the two
#'   levels;
#' * `ancova_diff`: the difference at follow-up adjusted for baseline, the
#'   coefficient of the level in `lm(post ~ group + pre)` (fitted with
#'   [stats::lm()] on the patients of all levels in the stratum), with its
#'   t interval and p-value. On the overall rows (`"(all)"`) made when `by`
#'   is given, the model also holds the `by` strata as factor covariates:
#'   `lm(post ~ group + pre + <by>)`. For an `"increase"` rule a positive
#'   difference favours the level; for a `"decrease"` rule the adjusted
#'   difference is also turned (reference - level), so that positive again
#'   means the level improved more.
#' Patients without a group value are left out (the print says how many).
#'
#' @param data A data frame, one row per patient, with the columns
#'   `<measure>_pre` and `<measure>_post`, or those that `pre` and `post` map,
#'   as for [classify_cohort()].
#' @param rules A named list of [alleviation_rule()]s, one per measure (their
#'   direction, range and labels are used; their thresholds are not), or a
#'   single rule (named as [classify_cohort()] names it).
#' @param by Optional character vector naming stratum columns of `data`.
#'   Every combination of their levels is a row (with missing values as a
#'   stratum of their own), followed by overall rows whose strata read
#'   `"(all)"`.
#' @param group Optional name of one column of `data` holding the groups to
#'   compare (treatment arms). It must have at least two levels.
#' @param reference The level of `group` the others are compared with;
#'   by default its first level with patients (of a factor, or the first in
#'   sorted order), as [compare_rates()] takes it.
#' @param conf_level Confidence level of every interval.
#' @param pre,post Optional named character vectors mapping measure names to
#'   columns, as in [classify_cohort()].
#' @return A data frame of class `score_change`, one row per measure,
#'   stratum and group level (measures in the order of the rules, strata
#'   with the first `by` column varying fastest, groups innermost), with the
#'   columns `measure`, `label`, `direction` (`"pre - post"` or
#'   `"post - pre"`), the `by` columns, the `group` column, then `n`,
#'   `n_missing`, `n_infinite`, `pre_mean`, `pre_sd`, `pre_median`,
#'   `pre_q1`, `pre_q3`, the same five for `post_`, `change_mean`,
#'   `change_sd`, `change_lower`, `change_upper`, `t_p`, `wilcoxon_p`,
#'   `wilcoxon_method`, `srm`, `srm_lower`, `srm_upper`, `es`, `es_lower`,
#'   `es_upper`, and with `group`: `diff_change`, `diff_lower`, `diff_upper`,
#'   `diff_p`, `ancova_diff`, `ancova_lower`, `ancova_upper`, `ancova_p`.
#' @seealso [classify_cohort()] and [tabulate_cohort()] for responder
#'   rates, [alleviation_rule()].
#' @references
#' Kazis LE, Anderson JJ, Meenan RF. Effect sizes for interpreting changes
#' in health status. Med Care 1989;27(3 Suppl):S178-S189.
#'
#' Liang MH, Fossel AH, Larson MG. Comparisons of five health status
#' instruments for orthopedic evaluation. Med Care 1990;28:632-642.
#'
#' Husted JA, Cook RJ, Farewell VT, Gladman DD. Methods for assessing
#' responsiveness: a critical review and recommendations. J Clin Epidemiol
#' 2000;53:459-468.
#'
#' Cohen J. Statistical Power Analysis for the Behavioral Sciences. 2nd ed.
#' Hillsdale, NJ: Lawrence Erlbaum; 1988.
#'
#' Steiger JH, Fouladi RT. Noncentrality interval estimation and the
#' evaluation of statistical models. In: Harlow LL, Mulaik SA, Steiger JH,
#' eds. What If There Were No Significance Tests? Mahwah, NJ: Lawrence
#' Erlbaum; 1997:221-257.
#'
#' Becker BJ. Synthesizing standardized mean-change measures. Br J Math
#' Stat Psychol 1988;41:257-278.
#' @examples
#' # The synthetic cohort (invented to match Guo et al. 2016, not real
#' # patients): pain scores by sex
#' rules <- study_rules()[c("lbp", "leg_pain")]
#' score_change(myelography, rules, by = "sex")
#'
#' # Real data: weight of young women with anorexia (MASS), each treatment
#' # against the control group; weight gain is improvement
#' if (requireNamespace("MASS", quietly = TRUE)) {
#'   weight <- list(weight = alleviation_rule("increase", min_change = 1,
#'                                            label = "Weight (lb)"))
#'   anorexia <- score_change(MASS::anorexia, weight, group = "Treat",
#'                            reference = "Cont",
#'                            pre = c(weight = "Prewt"),
#'                            post = c(weight = "Postwt"))
#'   anorexia
#'   as.data.frame(anorexia)[c("Treat", "diff_change", "ancova_diff",
#'                             "ancova_p")]
#' }
#' @export
score_change <- function(data, rules, by = NULL, group = NULL,
                         reference = NULL, conf_level = 0.95, pre = NULL,
                         post = NULL) {
  call <- sys.call()
  check_data_frame(data, "data", call = call)
  if (missing(rules)) {
    abort("`rules` must be given: a named list of alleviation_rule()s, one per measure, such as study_rules().",
          call)
  }
  measured <- measure_columns(data, rules, pre, post, call)
  check_conf_level(conf_level, call)
  rules <- measured$rules
  measures <- names(rules)
  pre_columns <- measured$pre
  post_columns <- measured$post
  strata <- score_strata(data, by, group, call)
  groups <- score_group(data, group, reference, by, call)
  if (!is.null(groups) && any(c(pre_columns, post_columns) == group)) {
    abort(sprintf("`group` must not be a measurement column: \"%s\" is read as a measure's values.",
                  group), call)
  }

  n_by <- vapply(strata, function(s) length(s$values) + anyNA(s$codes), integer(1))
  n_group <- if (is.null(groups)) 1L else length(groups$labels)
  by_cells <- prod(as.double(n_by))
  if (by_cells * n_group > 1e6) {
    abort(sprintf("`by` and `group` cross into %s cells, too many to list.",
                  format_integer(by_cells * n_group)), call)
  }
  cell <- score_cell_index(strata, n_by, groups, n_group)
  margins <- length(strata) > 0L
  overall <- if (margins) score_cell_index(list(), integer(0), groups, n_group)

  rows <- lapply(seq_along(rules), function(k) {
    rule <- rules[[k]]
    label <- sprintf("data$%s", c(pre_columns[k], post_columns[k]))
    x0 <- as_measurements(data[[pre_columns[k]]], label[1L], call)
    x1 <- as_measurements(data[[post_columns[k]]], label[2L], call)
    increase <- rule$direction == "increase"
    stats <- tryCatch({
      stats <- score_cell_stats(x0, x1, cell, by_cells * n_group, increase,
                                rule$range)
      if (margins) {
        stats <- rbind(stats, score_cell_stats(x0, x1, overall, n_group,
                                               increase, rule$range))
      }
      stats
    }, error = function(e) {
      if (inherits(e, "myelorelief_error")) stop(e)
      abort(sprintf("Measure \"%s\" (columns `%s`, `%s`): %s", measures[k],
                    pre_columns[k], post_columns[k], conditionMessage(e)), call)
    })
    stats <- score_derived(stats, conf_level)
    if (!is.null(groups)) {
      stats <- cbind(stats, score_group_tests(stats, x0, x1, increase, cell,
                                              overall, strata, n_by, groups,
                                              conf_level))
    }
    stats$measure <- measures[k]
    stats$label <- rule$label %||% measures[k]
    stats$direction <- if (increase) "post - pre" else "pre - post"
    stats
  })
  result <- do.call(rbind, rows)
  layout <- score_layout(strata, n_by, groups, n_group, margins)
  layout <- layout[rep(seq_len(nrow(layout)), length(measures)), , drop = FALSE]
  result <- cbind(
    data.frame(measure = factor(result$measure, levels = measures),
               label = result$label, direction = result$direction,
               stringsAsFactors = FALSE),
    layout,
    result[setdiff(names(result), c("measure", "label", "direction"))]
  )
  rownames(result) <- NULL
  structure(result, class = c("score_change", "data.frame"),
            by = names(strata), group = group,
            reference = groups$labels[groups$reference],
            group_missing = groups$n_missing %||% 0,
            conf_level = conf_level, rules = rules)
}

# ---- strata and cells -------------------------------------------------------

score_strata <- function(data, by, group, call) {
  if (is.null(by)) return(list())
  check_names(by, "by", call)
  if (anyDuplicated(by)) {
    abort(sprintf("`by` must not repeat a column: %s.",
                  paste0("\"", by[duplicated(by)], "\"", collapse = ", ")), call)
  }
  check_columns_exist(names(data), by, "by", call = call)
  if (!is.null(group) && is.character(group) && any(by == group)) {
    abort(sprintf("`group` must not also be a `by` column: \"%s\".", group), call)
  }
  lapply(stats::setNames(by, by), function(column) {
    stratum <- stratum_column(data[[column]], column, call)
    stratum$labels <- stratum_labels(stratum$values)
    if (any(stratum$labels == margin_label, na.rm = TRUE)) {
      abort(sprintf("`by` column \"%s\" has the value \"%s\", which score_change() uses for overall rows; rename it.",
                    column, margin_label), call)
    }
    stratum
  })
}

score_group <- function(data, group, reference, by, call) {
  if (is.null(group)) {
    if (!is.null(reference)) {
      abort("`reference` needs `group`: name the column of groups to compare.", call)
    }
    return(NULL)
  }
  if (!is.character(group) || length(group) != 1L || is.na(group) || group == "") {
    abort(sprintf("`group` must be the name of one column of `data`, not %s.",
                  describe_value(group)), call)
  }
  check_columns_exist(names(data), group, "group", call = call)
  coded <- stratum_column(data[[group]], group, call)
  labels <- stratum_labels(coded$values)
  if (length(labels) < 2L) {
    abort(sprintf("`group` column \"%s\" must have at least two levels to compare, not %d%s.",
                  group, length(labels),
                  if (length(labels)) sprintf(" (\"%s\")", labels) else ""), call)
  }
  if (is.null(reference)) {
    # the first level with patients, as compare_rates() and summary() take
    # it (an empty first level made every comparison NA)
    held <- tabulate(coded$codes[!is.na(coded$codes)], nbins = length(labels))
    at <- if (any(held > 0)) which(held > 0)[1L] else 1L
  } else {
    if (is.factor(reference)) reference <- as.character(reference)
    at <- if (length(reference) == 1L && !is.na(reference)) {
      match(as.character(reference), labels)
    } else NA_integer_
    if (is.na(at)) {
      abort(sprintf("`reference` must be one level of `group` column \"%s\" (%s), not %s.",
                    group, paste0("\"", labels, "\"", collapse = ", "),
                    describe_value(reference)), call)
    }
  }
  list(name = group, codes = as.vector(unclass(coded$codes)), values = coded$values,
       labels = labels, reference = at, kind = coded$kind,
       n_missing = sum(is.na(coded$codes)))
}

# 0-based cell of every row: the by strata (first fastest, NA last) outside,
# the group innermost; NA where the group is missing (the row is left out).
score_cell_index <- function(strata, n_by, groups, n_group) {
  n <- if (length(strata)) length(strata[[1L]]$codes) else length(groups$codes)
  cell <- if (is.null(groups)) 0L else groups$codes - 1L
  stride <- n_group
  for (j in seq_along(strata)) {
    codes <- strata[[j]]$codes
    codes <- as.vector(unclass(codes))
    slot <- codes - 1L
    slot[is.na(slot)] <- length(strata[[j]]$values)
    cell <- cell + slot * as.integer(stride)
    stride <- stride * n_by[j]
  }
  if (!length(strata) && is.null(groups)) return(NULL)
  as.integer(cell)
}

# The stratum and group columns of the rows of one measure.
score_layout <- function(strata, n_by, groups, n_group, margins) {
  cells <- prod(n_by) * n_group
  out <- list()
  stride <- n_group
  for (j in seq_along(strata)) {
    labels <- strata[[j]]$labels
    slot <- rep(rep(seq_len(n_by[j]), each = stride), length.out = cells)
    slot[slot > length(labels)] <- NA_integer_
    if (margins) {
      slot <- c(slot, rep(length(labels) + 1L, n_group))
      labels <- c(labels, margin_label)
    }
    out[[names(strata)[j]]] <- structure(slot, levels = labels, class = "factor")
    stride <- stride * n_by[j]
  }
  if (!is.null(groups)) {
    total <- cells + if (margins) n_group else 0
    out[[groups$name]] <- structure(rep(seq_len(n_group), length.out = total),
                                levels = groups$labels, class = "factor")
  }
  if (!length(out)) return(data.frame(row.names = 1L))
  list2DF(out, nrow = length(out[[1L]]))
}

# ---- statistics of cells ----------------------------------------------------

# The per-cell moments, quartiles and Wilcoxon statistics of one measure,
# one row per cell (0-based `cell` codes in 0..n_cells-1, NA rows left out;
# NULL: one cell). Computed in C (src/score.c).
score_cell_stats <- function(pre, post, cell, n_cells, increase, range) {
  out <- .Call(C_score_cells, pre, post, cell, as.integer(n_cells),
               as.logical(increase), as.double(range), TRUE)
  names(out) <- score_stat_names
  list2DF(out, nrow = n_cells)
}

score_stat_names <- c("n", "n_missing", "n_infinite",
                      "pre_mean", "pre_sd", "pre_median", "pre_q1", "pre_q3",
                      "post_mean", "post_sd", "post_median", "post_q1", "post_q3",
                      "change_mean", "change_sd",
                      "w_v", "w_n", "w_ties", "w_zeros", "w_tie_sum")

# From the cells' moments and Wilcoxon statistics: intervals, p-values,
# effect sizes.
score_derived <- function(s, conf_level) {
  n <- s$n
  alpha <- 1 - conf_level
  ok <- n >= 2
  se <- s$change_sd / sqrt(n)
  q <- stats::qt(1 - alpha / 2, pmax(n - 1, 1))
  s$change_lower <- ifelse(ok, s$change_mean - q * se, NA_real_)
  s$change_upper <- ifelse(ok, s$change_mean + q * se, NA_real_)
  tstat <- s$change_mean / se
  s$t_p <- ifelse(ok & se > 0, 2 * stats::pt(-abs(tstat), pmax(n - 1, 1)), NA_real_)
  s$wilcoxon_p <- wilcoxon_p(s$w_v, s$w_n, s$w_ties, s$w_zeros, s$w_tie_sum)
  s$wilcoxon_method <- ifelse(is.na(s$wilcoxon_p), NA_character_,
                              ifelse(s$w_n < 50 & !s$w_ties & !s$w_zeros,
                                     "exact", "normal"))
  srm <- ifelse(ok & s$change_sd > 0, s$change_mean / s$change_sd, NA_real_)
  s$srm <- srm
  ci <- srm_interval(srm, n, conf_level)
  s$srm_lower <- ci$lower
  s$srm_upper <- ci$upper
  es <- ifelse(ok & s$pre_sd > 0, s$change_mean / s$pre_sd, NA_real_)
  es_se <- sqrt(s$change_sd^2 / (n * s$pre_sd^2) + es^2 / (2 * (n - 1)))
  z <- stats::qnorm(1 - alpha / 2)
  s$es <- es
  s$es_lower <- es - z * es_se
  s$es_upper <- es + z * es_se
  s[c("w_v", "w_n", "w_ties", "w_zeros", "w_tie_sum")] <- NULL
  # undefined statistics of tiny cells are NA, not NaN
  for (j in seq_along(s)) {
    if (is.double(s[[j]])) s[[j]][is.nan(s[[j]])] <- NA_real_
  }
  s
}

# The two-sided p of wilcox.test(paired = TRUE) from the signed-rank
# statistic V of the nonzero changes (w_n of them), whether there were
# ties or zeros, and sum(t^3 - t) over tied groups, as R 4.2 computes it.
wilcoxon_p <- function(v, n, ties, zeros, tie_sum) {
  p <- rep(NA_real_, length(v))
  exact <- n < 50 & !ties & !zeros & n > 0
  if (any(exact)) {
    ve <- v[exact]
    ne <- n[exact]
    upper <- ve > ne * (ne + 1) / 4
    pe <- ifelse(upper,
                 stats::psignrank(ve - 1, ne, lower.tail = FALSE),
                 stats::psignrank(ve, ne))
    p[exact] <- pmin(2 * pe, 1)
  }
  approx <- !exact & n > 0
  if (any(approx)) {
    z <- v[approx] - n[approx] * (n[approx] + 1) / 4
    sigma <- sqrt(n[approx] * (n[approx] + 1) * (2 * n[approx] + 1) / 24 -
                    tie_sum[approx] / 48)
    z <- (z - sign(z) * 0.5) / sigma
    p[approx] <- 2 * pmin(stats::pnorm(z), stats::pnorm(z, lower.tail = FALSE))
  }
  p[is.nan(p)] <- NA_real_
  p
}

# The exact interval of the SRM (Cohen's d_z): sqrt(n) * SRM has a
# noncentral t distribution with n - 1 degrees of freedom and noncentrality
# sqrt(n) * delta; the limits are the noncentralities at which the observed
# t is the upper and lower alpha/2 quantile (Steiger and Fouladi 1997).
srm_interval <- function(srm, n, conf_level) {
  alpha <- 1 - conf_level
  lower <- upper <- rep(NA_real_, length(srm))
  for (i in which(!is.na(srm) & n >= 2)) {
    t <- srm[i] * sqrt(n[i])
    df <- n[i] - 1
    ncp_at <- function(p) {
      f <- function(ncp) suppressWarnings(stats::pt(t, df, ncp)) - p
      width <- 2 + abs(t) * 0.5
      stats::uniroot(f, c(t - width, t + width), extendInt = "downX",
                     tol = 1e-10 * max(1, abs(t)), maxiter = 1000)$root
    }
    lower[i] <- ncp_at(1 - alpha / 2) / sqrt(n[i])
    upper[i] <- ncp_at(alpha / 2) / sqrt(n[i])
  }
  list(lower = lower, upper = upper)
}

# ---- groups -----------------------------------------------------------------

# Per cell row (in the order of score_cell_stats(), overall rows last):
# the Welch difference in mean change and the ANCOVA difference at
# follow-up against the reference level of the same stratum.
score_group_tests <- function(s, pre, post, increase, cell, overall, strata,
                              n_by, groups, conf_level) {
  n_group <- length(groups$labels)
  ref <- groups$reference
  rows <- nrow(s)
  out <- data.frame(diff_change = rep(NA_real_, rows), diff_lower = NA_real_,
                    diff_upper = NA_real_, diff_p = NA_real_,
                    ancova_diff = NA_real_, ancova_lower = NA_real_,
                    ancova_upper = NA_real_, ancova_p = NA_real_)
  alpha <- 1 - conf_level
  # Welch, from the cells' moments
  base <- (seq_len(rows) - 1L) %/% n_group * n_group
  ref_row <- base + ref
  m1 <- s$change_mean
  v1 <- s$change_sd^2 / s$n
  v0 <- v1[ref_row]
  se <- sqrt(v1 + v0)
  df <- (v1 + v0)^2 / (v1^2 / (s$n - 1) + v0^2 / (s$n[ref_row] - 1))
  ok <- s$n >= 2 & s$n[ref_row] >= 2 & seq_len(rows) != ref_row & se > 0
  ok[is.na(ok)] <- FALSE
  d <- m1 - m1[ref_row]
  q <- stats::qt(1 - alpha / 2, df[ok])
  out$diff_change[ok] <- d[ok]
  out$diff_lower[ok] <- d[ok] - q * se[ok]
  out$diff_upper[ok] <- d[ok] + q * se[ok]
  out$diff_p[ok] <- 2 * stats::pt(-abs(d[ok] / se[ok]), df[ok])

  # ANCOVA, one model per stratum cell (and one over all strata)
  finite <- is.finite(pre) & is.finite(post) & !is.na(groups$codes)
  sign <- if (increase) 1 else -1
  fit_rows <- function(rows_in, covariates, first_row) {
    keep <- which(finite & rows_in)
    g <- groups$codes[keep]
    if (length(unique(g)) < 2L || !ref %in% g) return(NULL)
    frame <- list(post = post[keep], pre = pre[keep],
                  group = stats::relevel(factor(g, levels = seq_len(n_group)),
                                         ref = as.character(ref)))
    # strata as by_1, by_2, ...: syntactic whatever the columns' names
    for (j in seq_along(covariates)) {
      frame[[paste0("by_", j)]] <- factor(covariates[[j]][keep], exclude = NULL)
    }
    frame <- as.data.frame(frame)
    # drop strata covariates with a single level (lm() refuses them)
    terms <- c("group", "pre", names(frame)[-(1:3)][vapply(frame[-(1:3)], function(f)
      nlevels(droplevels(f)) > 1L, logical(1))])
    fit <- stats::lm(stats::reformulate(terms, "post"), data = frame)
    coefs <- summary(fit)$coefficients
    ci <- suppressWarnings(stats::confint(fit, level = conf_level))
    for (level in setdiff(seq_len(n_group), ref)) {
      name <- paste0("group", level)
      if (!name %in% rownames(coefs)) next
      at <- first_row + level - 1L
      est <- coefs[name, "Estimate"]
      out$ancova_diff[at] <<- sign * est
      lims <- sign * ci[name, ]
      out$ancova_lower[at] <<- min(lims)
      out$ancova_upper[at] <<- max(lims)
      out$ancova_p[at] <<- coefs[name, 4L]
    }
    NULL
  }
  by_cells <- prod(n_by)
  if (!length(strata)) {
    fit_rows(rep(TRUE, length(pre)), list(), 1L)
  } else {
    by_cell <- cell %/% n_group
    for (b in seq_len(by_cells) - 1L) {
      fit_rows(!is.na(by_cell) & by_cell == b, list(), b * n_group + 1L)
    }
    covariates <- lapply(strata, function(st) as.vector(unclass(st$codes)))
    fit_rows(rep(TRUE, length(pre)), covariates, by_cells * n_group + 1L)
  }
  # a model without residual degrees of freedom gives NaN: undefined, NA
  for (j in seq_along(out)) out[[j]][is.nan(out[[j]])] <- NA_real_
  out
}

# ---- methods ----------------------------------------------------------------

#' @rdname score_change
#' @param x A `score_change` result.
#' @param digits Significant decimals of the scores shown.
#' @param ... Ignored.
#' @export
format.score_change <- function(x, digits = 1L, ...) {
  number <- function(v, d) {
    v <- round(v, d)
    v[!is.na(v) & v == 0] <- 0   # no "-0.0"
    ifelse(is.na(v), "-", formatC(v, format = "f", digits = d))
  }
  f <- function(v) number(v, digits)
  g <- function(v) number(v, 2L)
  interval <- function(est, lo, hi, fmt) {
    ifelse(is.na(est), "-", ifelse(is.na(lo), fmt(est),
                                   sprintf("%s (%s, %s)", fmt(est), fmt(lo), fmt(hi))))
  }
  mean_sd <- function(m, s) ifelse(is.na(m), "-", ifelse(is.na(s), f(m),
                                                         sprintf("%s (%s)", f(m), f(s))))
  median_iqr <- function(m, a, b) ifelse(is.na(m), "-",
                                         sprintf("%s [%s, %s]", f(m), f(a), f(b)))
  by <- attr(x, "by", exact = TRUE)
  group <- attr(x, "group", exact = TRUE)
  out <- data.frame(measure = as.character(x$measure), stringsAsFactors = FALSE,
                    check.names = FALSE)
  for (column in c(by, group)) {
    values <- as.character(x[[column]])
    out[[column]] <- ifelse(is.na(values), "NA", values)
  }
  out$n <- format_integer(x$n)
  out$missing <- format_integer(x$n_missing + x$n_infinite)
  out[["pre mean (SD)"]] <- mean_sd(x$pre_mean, x$pre_sd)
  out[["post mean (SD)"]] <- mean_sd(x$post_mean, x$post_sd)
  out[["change (CI)"]] <- interval(x$change_mean, x$change_lower, x$change_upper, f)
  out[["Wilcoxon p"]] <- format_p(x$wilcoxon_p)
  out[["SRM (CI)"]] <- interval(x$srm, x$srm_lower, x$srm_upper, g)
  out[["ES (CI)"]] <- interval(x$es, x$es_lower, x$es_upper, g)
  if (!is.null(group)) {
    out[["diff (CI)"]] <- interval(x$diff_change, x$diff_lower, x$diff_upper, f)
    out[["diff p"]] <- format_p(x$diff_p)
    out[["ANCOVA (CI)"]] <- interval(x$ancova_diff, x$ancova_lower, x$ancova_upper, f)
    out[["ANCOVA p"]] <- format_p(x$ancova_p)
  }
  out[["pre median [IQR]"]] <- median_iqr(x$pre_median, x$pre_q1, x$pre_q3)
  out[["post median [IQR]"]] <- median_iqr(x$post_median, x$post_q1, x$post_q3)
  out
}

#' @rdname score_change
#' @param all Print every column, on lines as long as they need.
#' @export
print.score_change <- function(x, digits = 1L, all = FALSE, ...) {
  width <- getOption("width")
  pct <- format(100 * attr(x, "conf_level", exact = TRUE))
  rules <- attr(x, "rules", exact = TRUE)
  # the measures of these rows (a subset may hold fewer than were analysed)
  rules <- rules[names(rules) %in% as.character(x$measure)]
  group <- attr(x, "group", exact = TRUE)
  header <- sprintf("<score_change> %s", count_of(length(rules), "measure"))
  if (!is.null(group)) {
    header <- paste0(header, sprintf("; groups of \"%s\" against \"%s\"", group,
                                     attr(x, "reference", exact = TRUE)))
  }
  lines <- c(header)
  for (m in names(rules)) {
    rule <- rules[[m]]
    lines <- c(lines, sprintf("  %s: change = %s (%s is better, improvement positive)",
                              if (is.null(rule$label)) m else sprintf("%s (%s)", m, rule$label),
                              if (rule$direction == "increase") "post - pre" else "pre - post",
                              if (rule$direction == "increase") "higher" else "lower"))
  }
  cat(wrap_lines(lines, width), sep = "\n")
  cat("\n")
  shown <- format(x, digits = digits)
  keys <- c("measure", attr(x, "by", exact = TRUE), group)
  # Three blocks of the same rows, each within the width (all = TRUE: one
  # block, lines as long as they need): scores, tests and effect sizes,
  # medians.
  blocks <- list(
    c("n", "missing", "pre mean (SD)", "post mean (SD)", "change (CI)"),
    c("Wilcoxon p", "SRM (CI)", "ES (CI)"),
    if (!is.null(group)) c("diff (CI)", "diff p", "ANCOVA (CI)", "ANCOVA p"),
    c("pre median [IQR]", "post median [IQR]")
  )
  blocks <- Filter(length, blocks)
  if (all) blocks <- list(unlist(blocks))
  for (k in seq_along(blocks)) {
    if (k > 1L) cat("\n")
    print_within_width(shown[c(keys, blocks[[k]])],
                       optional = as.list(blocks[[k]][-1L]), all = all,
                       width = width)
  }
  notes <- c(
    sprintf("pre: baseline, post: follow-up; n: patients with both values; missing: one or both missing%s.",
            if (any(x$n_infinite > 0)) " or infinite (left out)" else ""),
    sprintf("change: mean change with its paired t %s%% CI; Wilcoxon p: signed-rank test as wilcox.test(paired = TRUE).", pct),
    sprintf("SRM: standardized response mean = mean change / SD of change (the same number as Cohen's d_z), exact noncentral-t %s%% CI.", pct),
    sprintf("ES: effect size of Kazis = mean change / SD at baseline, delta-method %s%% CI.", pct)
  )
  if (!is.null(group)) {
    notes <- c(notes,
               sprintf("diff: difference in mean change, level - \"%s\", Welch CI and p; ANCOVA: difference at follow-up adjusted for baseline (lm(post ~ group + pre)%s), signed so that positive favours the level.",
                       attr(x, "reference", exact = TRUE),
                       if (length(attr(x, "by", exact = TRUE))) "; on \"(all)\" rows + strata" else ""))
    if (attr(x, "group_missing", exact = TRUE) > 0) {
      notes <- c(notes, sprintf("%s without a value of \"%s\" left out.",
                                count_of(attr(x, "group_missing", exact = TRUE), "patient"), group))
    }
  }
  cat(wrap_lines(notes, width), sep = "\n")
  invisible(x)
}

#' @export
as.data.frame.score_change <- function(x, ...) {
  plain_data_frame(x)
}
