# compare_rates() on a weighted alleviation_table (tabulate_cohort(...,
# weights = "w")): weighted risk difference, risk ratio and odds ratio with
# robust (sandwich, design-based) intervals, from the table's sums of
# weights and of squared weights alone. See the section "Weighted tables"
# of ?compare_rates.

# "a", "a and b", "a, b and c"
and_list <- function(x) {
  if (length(x) < 2L) return(x)
  paste(paste(x[-length(x)], collapse = ", "), "and", x[length(x)])
}

# The columns a weighted table must hold.
weighted_columns <- c("weighted_alleviated", "weighted_evaluable",
                      "sum_w2_alleviated", "sum_w2_evaluable")

# Is `x` a table of weighted counts?
is_weighted_table <- function(x) {
  !is.null(attr(x, "weights", exact = TRUE))
}

# compare_rates() for a weighted table. `supplied`: which of compare_rates()'s
# arguments the user gave (those that have no weighted version are refused
# even at their defaults' values).
compare_rates_weighted <- function(x, group, reference, strata, conf_level,
                                   denominator, exact, correct, supplied,
                                   call) {
  check_alleviation_table(x, "x", call)
  absent <- setdiff(weighted_columns, names(x))
  if (length(absent)) {
    abort(sprintf("`x` is marked as weighted (by \"%s\") but lacks the column%s %s; tabulate it again with tabulate_cohort(weights = ).",
                  paste(attr(x, "weights"), collapse = ", "),
                  if (length(absent) > 1L) "s" else "",
                  paste0("`", absent, "`", collapse = ", ")), call)
  }
  refused <- c(
    strata = !is.null(strata),
    exact = !identical(exact, FALSE),
    correct = !identical(correct, FALSE),
    interval = supplied[["interval"]],
    breslow_day = supplied[["breslow_day"]])
  if (any(refused)) {
    abort(sprintf("%s %s not available for a weighted table: its comparisons are crude weighted estimates with robust (sandwich) Wald intervals. Leave %s out, or compare an unweighted table.",
                  and_list(paste0("`", names(refused)[refused], "`")),
                  if (sum(refused) > 1L) "are" else "is",
                  if (sum(refused) > 1L) "them" else "it"), call)
  }
  by <- attr(x, "by")
  check_by_columns(group, by, "group", call, single = TRUE)
  check_conf_level(conf_level, call)
  denominator <- check_choice(denominator, c("evaluable", "n"), "denominator",
                              call)
  if (denominator == "n") {
    abort("`denominator = \"n\"` is not available for a weighted table (its sums of squared weights are over the evaluable patients); use \"evaluable\".",
          call)
  }
  cells <- strip_margins(x, by)
  for (column in weighted_columns) {
    v <- cells[[column]]
    if (!is.numeric(v) || anyNA(v) || any(!is.finite(v)) || any(v < 0)) {
      abort(sprintf("`x`'s column `%s` must hold finite non-negative sums of weights.",
                    column), call)
    }
  }
  # the same cells, summed over the other strata as for counts, with the
  # weighted sums in place of the counts
  counts_of <- function(events, totals) {
    swapped <- cells
    swapped$alleviated <- cells[[events]]
    swapped$evaluable <- cells[[totals]]
    comparison_counts(swapped, group, reference, NULL, "evaluable", call,
                      by = by)
  }
  plain <- counts_of("alleviated", "evaluable")
  sums <- counts_of("weighted_alleviated", "weighted_evaluable")
  squares <- counts_of("sum_w2_alleviated", "sum_w2_evaluable")
  out <- weighted_comparison_rows(
    plain$events[, 1L, , drop = FALSE], plain$totals[, 1L, , drop = FALSE],
    sums$events[, 1L, , drop = FALSE], sums$totals[, 1L, , drop = FALSE],
    squares$events[, 1L, , drop = FALSE], squares$totals[, 1L, , drop = FALSE],
    conf_level)
  frame <- data.frame(
    symptom = factor(plain$symptoms[out$symptom], levels = plain$symptom_levels),
    group = plain$compared[out$level], reference = plain$reference,
    analysis = "weighted", stringsAsFactors = FALSE)
  out$symptom <- out$level <- NULL
  out <- cbind(frame, out)
  rownames(out) <- NULL
  structure(out, class = c("weighted_rate_comparison", "data.frame"),
            group_name = group, strata_names = NULL,
            reference = plain$reference, denominator = "evaluable",
            conf_level = conf_level, not_compared = plain$not_compared,
            weights = attr(x, "weights"), interval = "robust")
}

# The weighted measures from arrays of dim c(levels, 1, symptoms), the
# reference level first: `n` evaluable patients, `a` alleviated (counts);
# `W`, `A` their sums of weights; `W2`, `A2` their sums of squared weights.
# One row per symptom (outer) and compared level (inner).
#
# Per symptom, the comparison is the saturated model y ~ group fitted to the
# evaluable patients of every compared level (`n_design` of them), weighted:
# each level's estimating equation sum w_i (y_i - p_g) = 0 involves its own
# patients only, so the sandwich variance of p_g is
#   V_g = n/(n - 1) * ((1 - p_g)^2 A2_g + p_g^2 (W2_g - A2_g)) / W_g^2,
# with covariance 0 between levels, and the variances of log p_g and
# logit p_g follow by the delta method exactly (the model is saturated). The
# factor n/(n - 1) and the t quantiles with n - L degrees of freedom (L
# levels with evaluable patients) are those of survey::svyglm() on
# svydesign(ids = ~1, weights = ~w).
weighted_comparison_rows <- function(a, n, A, W, A2, W2, conf_level) {
  L <- dim(n)[1L]
  S <- dim(n)[3L]
  n <- matrix(n, L, S)
  a <- matrix(a, L, S)
  A <- matrix(A, L, S)
  W <- matrix(W, L, S)
  A2 <- matrix(A2, L, S)
  W2 <- matrix(W2, L, S)
  n_design <- colSums(n)
  levels_used <- colSums(n > 0)
  df <- n_design - levels_used
  factor <- ifelse(n_design > 1, n_design / (n_design - 1), NA_real_)
  p <- ifelse(W > 0, A / W, NA_real_)
  V <- rep(factor, each = L) * ((1 - p)^2 * A2 + p^2 * (W2 - A2)) / W^2
  V[!is.na(V) & V < 0] <- 0   # rounding of W2 - A2 when p is 1
  # each level's effective sample size as tabulate_cohort() gives it: p (1 -
  # p) over the variance of its rate in a design of its own patients (n_g /
  # (n_g - 1)), Kish's W^2 / W2 where p is 0 or 1
  own <- ifelse(n > 1, n / (n - 1), NA_real_) *
    ((1 - p)^2 * A2 + p^2 * (W2 - A2)) / W^2
  n_eff <- ifelse(!is.na(own) & own > 0, p * (1 - p) / own,
                  ifelse(W2 > 0, W^2 / W2, NA_real_))
  # the compared levels (rows 2..L) against the reference (row 1)
  symptom <- rep(seq_len(S), each = L - 1L)
  level <- rep(seq_len(L - 1L), times = S)
  g <- cbind(level + 1L, symptom)
  r <- cbind(1L, symptom)
  p1 <- p[g]
  p0 <- p[r]
  V1 <- V[g]
  V0 <- V[r]
  df <- df[symptom]
  ok <- !is.na(p1) & !is.na(p0) & df >= 1
  q <- ifelse(ok, stats::qt((1 - conf_level) / 2, pmax(df, 1), lower.tail = FALSE),
              NA_real_)
  wald <- function(estimate, se, usable) {
    usable <- usable & !is.na(se) & se > 0
    statistic <- ifelse(usable, estimate / se, NA_real_)
    list(lower = ifelse(usable, estimate - q * se, NA_real_),
         upper = ifelse(usable, estimate + q * se, NA_real_),
         statistic = statistic,
         p = ifelse(usable, 2 * stats::pt(-abs(statistic), pmax(df, 1)), NA_real_),
         se = ifelse(usable, se, NA_real_))
  }
  rd <- ifelse(ok, p1 - p0, NA_real_)
  rd_w <- wald(rd, sqrt(V1 + V0), ok)
  # ratios: on the log scale where both rates are inside (0, 1] (risk) or
  # (0, 1) (odds); 0 or Inf without an interval where one rate is at the
  # boundary, NA where both are
  rr_ok <- ok & p1 > 0 & p0 > 0
  log_rr <- ifelse(rr_ok, log(p1) - log(p0), NA_real_)
  rr_w <- wald(log_rr, sqrt(V1 / p1^2 + V0 / p0^2), rr_ok)
  rr <- ifelse(ok & !(p1 == 0 & p0 == 0), p1 / p0, NA_real_)
  or_ok <- ok & p1 > 0 & p1 < 1 & p0 > 0 & p0 < 1
  log_or <- ifelse(or_ok, stats::qlogis(p1) - stats::qlogis(p0), NA_real_)
  or_w <- wald(log_or, sqrt(V1 / (p1 * (1 - p1))^2 + V0 / (p0 * (1 - p0))^2),
               or_ok)
  odds <- function(p) p / (1 - p)
  or <- ifelse(or_ok, exp(log_or),
               ifelse(ok & !((p1 == 0 & p0 == 0) | (p1 == 1 & p0 == 1)),
                      odds(p1) / odds(p0), NA_real_))
  nnt <- nnt_interval(rd, rd_w$lower, rd_w$upper)
  data.frame(
    symptom = symptom, level = level,
    events = a[g], total = n[g], ref_events = a[r], ref_total = n[r],
    weighted_events = A[g], weighted_total = W[g],
    ref_weighted_events = A[r], ref_weighted_total = W[r],
    n_effective = n_eff[g], ref_n_effective = n_eff[r],
    rate = p1, ref_rate = p0,
    rd = rd, rd_lower = rd_w$lower, rd_upper = rd_w$upper,
    rr = rr, rr_lower = exp(rr_w$lower), rr_upper = exp(rr_w$upper),
    or = or, or_lower = exp(or_w$lower), or_upper = exp(or_w$upper),
    nnt = nnt$nnt, nnt_lower = nnt$lower, nnt_upper = nnt$upper,
    corrected = FALSE,
    test = ifelse(is.na(rd_w$p), not_informative, weighted_test),
    statistic = rd_w$statistic, p_value = rd_w$p,
    se_rd = rd_w$se, se_log_rr = rr_w$se, se_log_or = or_w$se,
    p_rr = rr_w$p, p_or = or_w$p, df = ifelse(ok, df, NA_real_),
    n_design = n_design[symptom],
    stringsAsFactors = FALSE)
}

# The `test` of a weighted comparison.
weighted_test <- "Wald, robust variance"

#' @rdname compare_rates
#' @section Weighted tables:
#' On a table of weighted counts (`tabulate_cohort(..., weights = "w")`,
#' for inverse-probability-of-response or survey weights), each symptom's
#' comparison is the weighted one: the rates are `p = A / W`, the sum of the
#' weights of the alleviated patients over that of the evaluable patients
#' (summed over the table's other strata), the risk difference
#' `p1 - p0`, the risk ratio `p1 / p0` and the odds ratio of the two weighted
#' rates, with Wald intervals and tests from the robust (sandwich,
#' design-based) variance. They are exactly what
#' `survey::svyglm(y ~ group, design = svydesign(ids = ~1, weights = ~w, data = e),
#' family = quasibinomial(link))` gives, with `e` the evaluable patients of
#' every compared level of `group` and `link` `"identity"`, `"log"`
#' (risk ratio) or `"logit"` (odds ratio): its coefficients, its `vcov()`,
#' and its `confint()` and `summary()` p-values, which use the t
#' distribution with `n - k` degrees of freedom (`n` evaluable patients of
#' the compared levels, `k` levels with evaluable patients; where some
#' evaluable patients weigh 0, `svyglm()` counts them in its variance but not
#' in its degrees of freedom, which the table's sums cannot tell apart: here
#' they count in both). They are
#' computed from the table's sums alone: with `W2` and `A2` the sums of the
#' squared weights of the evaluable and of the alleviated patients of a
#' level, the variance of its rate is
#' `n / (n - 1) * ((1 - p)^2 A2 + p^2 (W2 - A2)) / W^2`, levels are
#' independent, and the ratios' variances on the log scale follow by the
#' delta method (exact here, the model being saturated), so a table added up
#' from chunks by [combine_tables()] gives the same comparison.
#' Where a rate is 0 or 1 its log or logit is infinite: the ratio is then
#' given (0, `Inf`) without an interval, or `NA` when both rates are 0 (or,
#' for the odds ratio, both 1); nothing is added to any cell. The
#' options that belong to counts (`strata`, `exact`, `correct`, `interval`,
#' `breslow_day`, `denominator = "n"`) are refused. The result is a data
#' frame of class `weighted_rate_comparison` with the columns of a crude
#' `rate_comparison` (`events`, `total`, `ref_events` and `ref_total` are
#' the unweighted counts; `rate` and `ref_rate` the weighted rates;
#' `analysis` is `"weighted"`, `test` `"Wald, robust variance"`, `p_value`
#' that of the risk difference) and `weighted_events`, `weighted_total`,
#' `ref_weighted_events`, `ref_weighted_total`, `n_effective`,
#' `ref_n_effective` (each level's effective sample size, as
#' [tabulate_cohort()] gives it), `se_rd`, `se_log_rr`, `se_log_or`, `p_rr`,
#' `p_or`, `df` and `n_design`; attribute `weights`, the weights' name.
#' @param digits Decimal places of percentages and of the NNT.
#' @param ... Ignored.
#' @references
#' Lumley T. Analysis of complex survey samples. J Stat Softw 2004;9(1):1-19.
#'
#' Korn EL, Graubard BI. Confidence intervals for proportions with small
#' expected number of positive counts estimated from survey data. Survey
#' Methodology 1998;24:193-201.
#' @examples
#'
#' # Weighted: hypothetical weights, one per patient (in practice, say, the
#' # inverse of each patient's estimated probability of follow-up)
#' w <- rep(c(0.8, 1.5), length.out = nrow(myelography))
#' compare_rates(tabulate_cohort(cohort, by = "sex", weights = w), "sex")
#' @export
format.weighted_rate_comparison <- function(x, digits = 1L, ...) {
  level <- format(100 * attr(x, "conf_level"))
  out <- data.frame(symptom = as.character(x$symptom), group = x$group,
                    stringsAsFactors = FALSE)
  names(out)[2L] <- attr(x, "group_name")
  weighted_rate <- function(rate, n, n_eff) {
    ifelse(is.na(rate), sprintf("- (n %s)", format_integer(n)),
           sprintf("%s (n %s, eff. %s)", format_percent(rate, digits),
                   format_integer(n), formatC(n_eff, format = "f", digits = 1)))
  }
  out[["weighted rate"]] <- weighted_rate(x$rate, x$total, x$n_effective)
  out[[sprintf("%s (reference)", attr(x, "reference"))]] <-
    weighted_rate(x$ref_rate, x$ref_total, x$ref_n_effective)
  out[[sprintf("difference (%s%% CI)", level)]] <-
    ifelse(is.na(x$rd_lower) & !is.na(x$rd), format_percent(x$rd, digits),
           format_rate(x$rd, x$rd_lower, x$rd_upper, digits, sep = " to "))
  out[[sprintf("risk ratio (%s%% CI)", level)]] <-
    format_ratio(x$rr, x$rr_lower, x$rr_upper)
  out[[sprintf("odds ratio (%s%% CI)", level)]] <-
    format_ratio(x$or, x$or_lower, x$or_upper)
  out$NNT <- format_nnt(x$nnt, x$nnt_lower, x$nnt_upper, digits)
  out$p <- format_p(x$p_value)
  out$df <- ifelse(is.na(x$df), "-", format_integer(x$df))
  out
}

#' @rdname compare_rates
#' @export
print.weighted_rate_comparison <- function(x, digits = 1L, ...) {
  group <- attr(x, "group_name")
  reference <- attr(x, "reference")
  cat(wrap_lines(sprintf(
    "Weighted alleviation compared by %s (weights \"%s\"): each level against the reference \"%s\" (differences are level minus reference); robust (sandwich) %s%% intervals",
    group, paste(attr(x, "weights"), collapse = ", "), reference,
    format(100 * attr(x, "conf_level")))), sep = "\n")
  cat(wrap_lines("rate = weighted alleviated / weighted evaluable; n = evaluable patients, eff. = effective sample size"), sep = "\n")
  text <- format(x, digits = digits)
  for (i in seq_len(nrow(x))) {
    cat(paste0(c("", wrap_lines(sprintf("%s: %s %s vs %s (reference) %s",
      x$symptom[i], x$group[i], text[["weighted rate"]][i], x$reference[i],
      text[[4L]][i]))), "\n"), sep = "")
    lines <- rbind(
      "risk difference" = c(text[i, 5L], format_p(x$p_value[i])),
      "risk ratio" = c(text[i, 6L], format_p(x$p_rr[i])),
      "odds ratio" = c(text[i, 7L], format_p(x$p_or[i])))
    colnames(lines) <- c("weighted", "p")
    print_block(lines, c(NNT = text$NNT[i],
                         "design" = if (is.na(x$df[i])) "-" else
                           sprintf("%s evaluable patients, t with %s df",
                                   format_integer(x$n_design[i]), format_integer(x$df[i]))))
  }
  notes <- c(
    "Weighted estimates; intervals and Wald p from the robust (sandwich) variance,\n  as survey::svyglm() gives them (ratios on the log scale).",
    if (any(!is.na(x$nnt))) sprintf(paste0(
      "NNTB (NNTH): patients to give the compared group rather than \"%s\" for one\n",
      "  more (fewer) alleviated; through Inf where the difference may be 0."), reference),
    if (attr(x, "not_compared") > 0) sprintf("%s with %s missing not compared.",
      count_of(attr(x, "not_compared"), "patient"), group))
  cat("\n", paste0(notes, "\n"), sep = "")
  invisible(x)
}

#' Forest plot of weighted comparisons
#'
#' The forest plot of [plot.rate_comparison()] for a comparison of weighted
#' rates: each level's weighted risk difference, risk ratio or odds ratio
#' against the reference with its robust interval. The counts beside the
#' lines are patients (alleviated / evaluable), unweighted.
#'
#' @inheritParams plot.rate_comparison
#' @param x A `weighted_rate_comparison` from [compare_rates()] of a table
#'   made by `tabulate_cohort(weights = )`.
#' @return `x`, invisibly.
#' @examples
#' d <- myelography
#' d$w <- rep_len(c(0.5, 1, 2), nrow(d))   # hypothetical weights
#' cmp <- compare_rates(tabulate_cohort(classify_cohort(d), by = "hospital",
#'                                      weights = "w"), "hospital")
#' plot(cmp, symptoms = "lbp")
#' @export
plot.weighted_rate_comparison <- function(x, measure = c("rd", "rr", "or"),
                                          symptoms = NULL, main = NULL,
                                          xlab = NULL, cex = NULL, ...) {
  measure <- check_choice(measure, c("rd", "rr", "or"), "measure", sys.call())
  if (is.null(xlab)) {
    xlab <- c(rd = "Weighted risk difference (percentage points)",
              rr = "Weighted risk ratio (log scale)",
              or = "Weighted odds ratio (log scale)")[[measure]]
    xlab <- sprintf("%s, robust %s%% CI", xlab, format(100 * attr(x, "conf_level")))
  }
  plot.rate_comparison(x, measure = measure, symptoms = symptoms, main = main,
                       xlab = xlab, cex = cex)
  invisible(x)
}

#' @export
`[.weighted_rate_comparison` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
as.data.frame.weighted_rate_comparison <- function(x, row.names = NULL,
                                                   optional = FALSE, ...) {
  plain_data_frame(x)
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.weighted_rate_comparison <- function(x, ...) {
  d <- as.data.frame(x)
  measures <- c("rd", "rr", "or", "nnt")
  se <- list(rd = d$se_rd, rr = d$se_log_rr, or = d$se_log_or, nnt = rep(NA_real_, nrow(d)))
  p <- list(rd = d$p_value, rr = d$p_rr, or = d$p_or, nnt = rep(NA_real_, nrow(d)))
  statistic <- list(rd = d$rd / d$se_rd, rr = log(d$rr) / d$se_log_rr,
                    or = log(d$or) / d$se_log_or, nnt = rep(NA_real_, nrow(d)))
  rows <- lapply(measures, function(m) {
    ids <- d[c("symptom", "group", "reference", "analysis")]
    ids$measure <- rep(m, nrow(d))
    s <- statistic[[m]]
    s[is.na(se[[m]])] <- NA_real_
    tidy_frame(ids, paste(d$group, "vs", d$reference), d[[m]],
               d[[paste0(m, "_lower")]], d[[paste0(m, "_upper")]],
               statistic = s, p.value = p[[m]], std.error = se[[m]],
               extra = list(df = d$df,
                            events = d$events, total = d$total,
                            ref_events = d$ref_events, ref_total = d$ref_total,
                            weighted_events = d$weighted_events,
                            weighted_total = d$weighted_total,
                            ref_weighted_events = d$ref_weighted_events,
                            ref_weighted_total = d$ref_weighted_total,
                            rate = d$rate, ref_rate = d$ref_rate))
  })
  out <- do.call(rbind, rows)
  out <- out[order(rep(seq_len(nrow(d)), length(measures))), ]
  rownames(out) <- NULL
  out
}

# methods_text(): the sentences on weighted rates and comparisons, or NULL
# when nothing weighted is described. `weights`: the name of the weights
# given to methods_text(), or NULL; `comparison`: its comparison.
weighted_methods <- function(weights, comparison, group, method, conf_level,
                             call) {
  if (inherits(comparison, "weighted_rate_comparison")) {
    weights <- weights %||% attr(comparison, "weights")
  }
  if (is.null(weights)) return(NULL)
  if (!is.character(weights) || length(weights) != 1L || is.na(weights) ||
      !nzchar(weights)) {
    abort(sprintf("`weights` must be NULL or the name of the weights, a single string, not %s.",
                  describe_value(weights)), call)
  }
  if (inherits(comparison, "rate_comparison")) {
    abort("`comparison` is an unweighted comparison but `weights` names weights: give the comparison of the weighted table, or leave `weights` out.",
          call)
  }
  level <- format(100 * conf_level)
  interval <- if (method == "exact") {
    "Korn-Graubard intervals (Clopper-Pearson intervals at the effective sample size; Korn and Graubard 1998)"
  } else {
    sprintf("%s intervals at the effective sample size (Korn and Graubard 1998)",
            c(wilson = "Wilson", jeffreys = "Jeffreys", "agresti-coull" = "Agresti-Coull")[[method]])
  }
  sentences <- sprintf(
    "Patients were weighted by %s: rates are weighted proportions (the sum of the weights of the alleviated patients over that of the evaluable patients) with %s%% %s, the effective sample size being the rate times one minus the rate over the rate's linearized (design-based) variance, as the survey package computes it (Lumley 2004).",
    weights, level, interval)
  if (length(group) || inherits(comparison, "weighted_rate_comparison")) {
    sentences <- c(sentences, sprintf(
      "Each level of %s was compared with the reference level by the weighted risk difference, risk ratio and odds ratio, with Wald intervals and tests from the robust (sandwich, design-based) variance of a weighted generalized linear model with identity, log and logit link, as the survey package computes them (Lumley 2004), using the t distribution with n - k degrees of freedom (n evaluable patients, k levels).",
      if (length(group)) paste(group, collapse = " and ") else attr(comparison, "group_name")))
  }
  list(sentences = sentences, references = weighted_references)
}

weighted_references <- c(
  korn = "Korn EL, Graubard BI. Confidence intervals for proportions with small expected number of positive counts estimated from survey data. Survey Methodology 1998;24:193-201.",
  lumley = "Lumley T. Analysis of complex survey samples. Journal of Statistical Software 2004;9(1):1-19.")
