#' Compare alleviation rates between groups, crude and pooled over strata
#'
#' The effect measures of a responder analysis, computed from the counts of
#' an `alleviation_table` ([tabulate_cohort()]): for each symptom (and `"any"`) and each level of
#' `group` against the `reference` level, the risk difference, risk ratio,
#' odds ratio, number needed to treat and Fisher's exact test, on the whole
#' groups (crude); and with `strata` (a hospital, a centre), the
#' Mantel-Haenszel estimates pooled over the strata with the
#' Cochran-Mantel-Haenszel test and tests of heterogeneity across strata.
#' Because everything is computed from count tables, it works on any table,
#' including one added up from chunks by [combine_tables()], and its cost
#' does not grow with the number of patients.
#'
#' @section Crude measures:
#' With `a` of `n1` patients alleviated in the group and `c` of `n0` in the
#' reference (`b = n1 - a`, `d = n0 - c`):
#' * **Risk difference** `a/n1 - c/n0` with Newcombe's (1998) hybrid score
#'   interval (his method 10, from the Wilson intervals of the two rates; the
#'   interval [summary.alleviation_table()] gives for two strata).
#' * **Risk ratio** `(a/n1) / (c/n0)` with the Katz et al. (1978) interval on
#'   the log scale, standard error `sqrt(1/a - 1/n1 + 1/c - 1/n0)`.
#' * **Odds ratio** `ad / bc` with Woolf's (1955) interval on the log scale,
#'   standard error `sqrt(1/a + 1/b + 1/c + 1/d)`.
#' * **Zero cells.** Where one of the four cells is 0, the risk and odds
#'   ratios and their intervals are computed after adding 0.5 to every cell
#'   of that table (Haldane 1956; as RevMan and `metafor` do); tables
#'   without a zero cell are used as they are. `corrected` says where this
#'   was done. Neither ratio can be estimated when no patient in either group
#'   was alleviated, nor the odds ratio when every patient was; they are then
#'   `NA`. The risk difference needs no correction.
#' * **Fisher's exact test** of equal rates (two-sided, as [fisher.test()]).
#'   Where the counts leave every table equally likely (a group without
#'   patients, nobody or everybody alleviated) no test can tell the groups
#'   apart: `test` is then `"not informative"`, and `p_value` is 1, as
#'   [fisher.test()] gives it (earlier versions gave `NA`).
#' * **Score intervals** (`interval = "score"`): the risk difference and the
#'   risk ratio with the intervals of Miettinen and Nurminen (1985), which
#'   invert their score test (restricted maximum likelihood rates, variance
#'   times `N / (N - 1)`) and need no correction for zero cells; the risk
#'   ratio is then the observed ratio (0 when the group has no alleviated
#'   patient, with an interval from 0; `Inf` when the reference has none),
#'   and `corrected` refers to the odds ratio only. The NNT's interval
#'   follows the difference's. The default, `"newcombe"`, is Newcombe's
#'   interval for the difference and Katz's for the ratio.
#' * **Exact conditional odds ratio** (`exact = TRUE`): the conditional
#'   maximum likelihood estimate with its exact interval (each tail
#'   `(1 - conf_level) / 2`), as [fisher.test()] gives them, in the columns
#'   `or_exact`, `or_exact_lower`, `or_exact_upper`, and `p_exact` (the
#'   Fisher p).
#' * **Number needed to treat** `1 / RD` with the interval of Altman (1998):
#'   the reciprocals of the risk difference's bounds. A positive value is
#'   the number of patients to give `group` rather than `reference` for one
#'   more to be alleviated (NNTB, to benefit), a negative one the number for
#'   one fewer (NNTH, to harm, shown as its size). When the difference's
#'   interval contains 0, the NNT's interval runs through infinity: from
#'   NNTH `|nnt_lower|` to infinity to NNTB `nnt_upper`, printed so.
#'   `nnt_lower` and `nnt_upper` are always the smaller and larger of the
#'   two reciprocals; a bound of the difference at exactly 0 gives an
#'   infinite one.
#'
#' @section Pooled over strata (Mantel-Haenszel):
#' * **Risk difference**: the Mantel-Haenszel estimate (weights
#'   `n1 n0 / N`) with the variance of Sato, Greenland and Robins (1989),
#'   which holds both for few large strata and for many small ones.
#' * **Risk ratio**: the Mantel-Haenszel estimate with the variance of
#'   Greenland and Robins (1985).
#' * **Odds ratio**: the Mantel-Haenszel estimate with the variance of
#'   Robins, Breslow and Greenland (1986), as [mantelhaen.test()] gives it.
#' * **Cochran-Mantel-Haenszel test** of no association in any stratum,
#'   without continuity correction (as `mantelhaen.test(correct = FALSE)`);
#'   with `correct = TRUE`, with it (`|O - E|` less 1/2, as
#'   [mantelhaen.test()]'s default), and `test` says so.
#' * **Exact conditional inference** (`exact = TRUE`), for sparse strata
#'   where the asymptotic tests and intervals are poor: the conditional
#'   maximum likelihood estimate of the common odds ratio, its exact
#'   interval and the exact conditional test of odds ratio 1 (Gart 1970;
#'   Mehta, Patel and Gray 1985; as `mantelhaen.test(exact = TRUE)`), from
#'   the distribution of the number alleviated in the group given every
#'   stratum's margins (the strata's hypergeometric distributions
#'   convolved). The two-sided p adds the sums no more likely than the
#'   observed one. An estimate of 0 or `Inf` (the sum at the end of its
#'   range) has an interval from 0 or to `Inf`.
#'   [mantelhaen.test()] and [fisher.test()] find the estimate and the
#'   bounds to `uniroot()`'s default tolerance (about 1e-4 on the odds
#'   ratio or its reciprocal); here they are found to 1e-12 on the log
#'   scale, so the two may differ in the fourth significant digit.
#' * **Heterogeneity**: for the odds ratio, the Breslow-Day test with
#'   Tarone's (1985) correction (`breslow_day = "tarone"`, the default), or
#'   without it (`"uncorrected"`, as SAS, epiR and DescTools report it
#'   first; the correction matters when the Mantel-Haenszel estimate is far
#'   from the conditional one); for the risk difference and the risk ratio
#'   (log scale), Cochran's Q around the Mantel-Haenszel estimate with
#'   inverse-variance weights, and I^2 = max(0, (Q - df) / Q) (Higgins and
#'   Thompson 2002), as `metafor::rma.mh()` computes them: per-stratum
#'   estimates and Wald variances, 0.5 added to every cell of a stratum with
#'   a zero cell.
#'
#' Strata that carry no information for a measure are left out of it, as the
#' textbooks do, and the counts say how many were used: a stratum enters the
#' pooled risk difference when it has patients in both groups
#' (`strata_rd`), the pooled risk ratio when it also has an alleviated
#' patient (`strata_rr`), and the odds ratio, the CMH test and every
#' heterogeneity test when it also has a patient not alleviated
#' (`strata_or`; the heterogeneity tests have `strata_or - 1` degrees of
#' freedom). A stratum with one group only, or with nobody (or everybody)
#' alleviated, changes none of these results. No pooled ratio can be
#' estimated when no stratum has an alleviated patient in each group's
#' numerator; a ratio that is 0 or infinite, or whose variance is 0 (every
#' stratum with an alleviated patient has nobody else), is given without an
#' interval, and `format()` and `print()` say why it is 0 or infinite (no
#' patient of one group alleviated, every patient of one group alleviated,
#' or no stratum with the two cells the ratio needs).
#' When the Sato variance is 0 (every stratum has nobody or everybody
#' alleviated) the pooled difference has no interval.
#'
#' @section Groups and strata:
#' Patients whose `group` is missing (`NA`) are left out, and counted in the
#' attribute `not_compared`; a missing stratum value is a stratum of its own.
#' Levels of `group` without patients are not compared. The table's other
#' `by` columns, if any, are added up. Rows of the table that are overall
#' margins (`"(all)"`) are not used. A table subset to some symptoms
#' (`x[x$symptom == "leg_pain", ]`) gives those symptoms' rows of the
#' comparison of the whole table, with the patients of each level counted
#' once per stratum from whichever symptoms it holds; a table whose rows
#' were subset otherwise, so that its symptoms hold different strata, or
#' whose rows were repeated, is refused rather than compared.
#'
#' @param x An `alleviation_table` from [tabulate_cohort()] or
#'   [combine_tables()], tabulated by `group` (and by `strata`, when given).
#' @param group The name of the table's stratum column that holds the groups
#'   to compare (an arm, a sex, ...).
#' @param reference The level of `group` the others are compared with;
#'   default the first level with patients.
#' @param strata `NULL`, or names of further stratum columns of the table
#'   (a hospital, a centre) to pool over; several columns make every
#'   combination of their values a stratum.
#' @param conf_level Confidence level of every interval.
#' @param denominator `"evaluable"` (the default) compares rates among
#'   patients who had the symptom and could be judged; `"n"` compares shares
#'   of the whole group, as Guo et al. (2016) report 35 of 325.
#' @param interval The intervals of the crude (and each stratum's) risk
#'   difference and risk ratio: `"newcombe"` (the default: Newcombe's hybrid
#'   score interval and Katz's log interval) or `"score"` (Miettinen and
#'   Nurminen's score intervals for both).
#' @param exact `TRUE` adds the exact conditional odds ratio, its exact
#'   interval and the exact test of odds ratio 1 (columns `or_exact`,
#'   `or_exact_lower`, `or_exact_upper`, `p_exact`): for one table as
#'   [fisher.test()], pooled over strata as `mantelhaen.test(exact = TRUE)`.
#' @param correct `TRUE` applies the continuity correction to the
#'   Cochran-Mantel-Haenszel test (the default of [mantelhaen.test()]);
#'   `FALSE`, the default here, leaves it out.
#' @param breslow_day The Breslow-Day test of a common odds ratio:
#'   `"tarone"` (with Tarone's correction, the default) or `"uncorrected"`.
#' @return A data frame of class `rate_comparison`, for each symptom and
#'   each compared level of `group` a row `analysis = "crude"` and, with
#'   `strata`, a row `"Mantel-Haenszel"`: `symptom`, `group` (the level),
#'   `reference`, `analysis`, `events`, `total`, `ref_events`, `ref_total`,
#'   `rate`, `ref_rate` (crude rates; the same patients on both rows), `rd`,
#'   `rd_lower`, `rd_upper`, `rr`, `rr_lower`, `rr_upper`, `or`, `or_lower`,
#'   `or_upper`, `nnt`, `nnt_lower`, `nnt_upper`, `corrected`, `test`
#'   (`"Fisher's exact"`, `"Cochran-Mantel-Haenszel"` or
#'   `"not informative"`), `statistic` (the CMH chi-square), `p_value`; with
#'   `strata` also `strata_rd`, `strata_rr`, `strata_or`, `q_rd`, `q_rd_p`,
#'   `i2_rd`, `q_rr`, `q_rr_p`, `i2_rr`, `breslow_day` (with Tarone's
#'   correction unless `breslow_day = "uncorrected"`), `breslow_day_p` and
#'   `heterogeneity_df` (on the pooled rows); with `exact = TRUE` also
#'   `or_exact`, `or_exact_lower`, `or_exact_upper` and `p_exact`. Rates and
#'   risk differences are proportions (0.05 is 5 percentage points).
#'   Attributes: `group_name`, `strata_names`, `reference`, `denominator`,
#'   `conf_level`, `n_strata`, `not_compared`, `interval`, `exact`,
#'   `correct`, `breslow_day`, and `stratum_rows`: the
#'   per-stratum counts and measures (with the Mantel-Haenszel weights
#'   `weight_rd`, `weight_rr`, `weight_or`) that [summary()][summary.rate_comparison()]
#'   and [plot()][plot.rate_comparison()] show.
#' @seealso [plot.rate_comparison()] for a forest plot,
#'   [summary.rate_comparison()] for the strata, [alleviation_outcome()] for
#'   a logistic model of the patients.
#' @references
#' Newcombe RG. Interval estimation for the difference between independent
#' proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
#'
#' Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for
#' the risk ratio in cohort studies. Biometrics 1978;34:469-474.
#'
#' Woolf B. On estimating the relation between blood group and disease. Ann
#' Hum Genet 1955;19:251-253.
#'
#' Haldane JBS. The estimation and significance of the logarithm of a ratio
#' of frequencies. Ann Hum Genet 1956;20:309-311.
#'
#' Altman DG. Confidence intervals for the number needed to treat. BMJ
#' 1998;317:1309-1312.
#'
#' Mantel N, Haenszel W. Statistical aspects of the analysis of data from
#' retrospective studies of disease. J Natl Cancer Inst 1959;22:719-748.
#'
#' Greenland S, Robins JM. Estimation of a common effect parameter from
#' sparse follow-up data. Biometrics 1985;41:55-68.
#'
#' Sato T, Greenland S, Robins JM. On the variance estimator for the
#' Mantel-Haenszel risk difference. Biometrics 1989;45:1323-1324.
#'
#' Robins J, Breslow N, Greenland S. Estimators of the Mantel-Haenszel
#' variance consistent in both sparse data and large-strata limiting models.
#' Biometrics 1986;42:311-323.
#'
#' Breslow NE, Day NE. Statistical Methods in Cancer Research, Vol. I. Lyon:
#' IARC; 1980.
#'
#' Tarone RE. On heterogeneity tests based on efficient scores. Biometrika
#' 1985;72:91-95.
#'
#' Miettinen O, Nurminen M. Comparative analysis of two rates. Stat Med
#' 1985;4:213-226.
#'
#' Gart JJ. Point and interval estimation of the common odds ratio in the
#' combination of 2 x 2 tables with fixed marginals. Biometrika
#' 1970;57:471-475.
#'
#' Mehta CR, Patel NR, Gray R. Computing an exact confidence interval for
#' the common odds ratio in several 2 x 2 contingency tables. J Am Stat
#' Assoc 1985;80:969-973.
#'
#' Agresti A. Categorical Data Analysis, 2nd ed. Hoboken: Wiley; 2002.
#' Sections 3.6 and 6.7.
#'
#' Cochran WG. The combination of estimates from different experiments.
#' Biometrics 1954;10:101-129.
#'
#' Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis.
#' Stat Med 2002;21:1539-1558.
#'
#' Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed.
#' Philadelphia: Lippincott Williams & Wilkins; 2008. Chapter 15.
#' @examples
#' cohort <- classify_cohort(myelography)
#' # Men against women, crude
#' compare_rates(tabulate_cohort(cohort, by = "sex"), "sex")
#'
#' # Pooled over the four hospitals
#' by_sex <- tabulate_cohort(cohort, by = c("sex", "hospital"))
#' cmp <- compare_rates(by_sex, "sex", strata = "hospital")
#' cmp
#' summary(cmp)
#' plot(cmp, measure = "or")
#'
#' # Sparse strata: exact conditional odds ratio, score intervals, the
#' # Breslow-Day test without Tarone's correction
#' compare_rates(by_sex, "sex", strata = "hospital", exact = TRUE,
#'               interval = "score", breslow_day = "uncorrected")
#'
#' # Shares of all patients, as the paper reports them
#' compare_rates(by_sex, "sex", denominator = "n")
#'
#' # A table subset to one symptom compares that symptom
#' crude <- tabulate_cohort(cohort, by = "sex")
#' compare_rates(crude[crude$symptom == "leg_pain", ], "sex")
#' @export
compare_rates <- function(x, group, reference = NULL, strata = NULL,
                          conf_level = 0.95,
                          denominator = c("evaluable", "n"),
                          interval = c("newcombe", "score"), exact = FALSE,
                          correct = FALSE,
                          breslow_day = c("tarone", "uncorrected")) {
  if (inherits(x, c("alleviation_bounds", "pooled_alleviation_table"))) {
    # the scenarios and the pooled comparisons have their own methods
    if (!missing(interval) || !missing(exact) || !missing(correct) ||
        !missing(breslow_day)) {
      abort(sprintf("`interval`, `exact`, `correct` and `breslow_day` apply to a table of counts, not to %s; leave them out.",
                    if (inherits(x, "alleviation_bounds")) "the bounds of alleviation_bounds()"
                    else "a table pooled over imputations"), sys.call())
    }
    return(compare_rates_missing(x, group, reference, strata, conf_level,
                                 denominator, sys.call()))
  }
  call <- sys.call()
  if (is_weighted_table(x)) {
    # weighted counts: R/compare_weighted.R
    return(compare_rates_weighted(x, group, reference, strata, conf_level,
                                  denominator, exact, correct,
                                  c(interval = !missing(interval),
                                    breslow_day = !missing(breslow_day)), call))
  }
  check_alleviation_table(x, "x", call)
  by <- attr(x, "by")
  check_by_columns(group, by, "group", call, single = TRUE)
  if (!is.null(strata)) {
    check_by_columns(strata, by, "strata", call)
    if (group %in% strata) {
      abort(sprintf("`strata` must not include the `group` column \"%s\".",
                    group), call)
    }
  }
  check_conf_level(conf_level, call)
  denominator <- check_choice(denominator, c("evaluable", "n"), "denominator",
                              call)
  options <- comparison_options(interval, exact, correct, breslow_day, call)
  counts <- comparison_counts(strip_margins(x, by), group, reference, strata,
                              denominator, call, by = by)
  compare_counts(counts, conf_level, denominator, options)
}

# The methods compare_rates() was asked for, checked.
comparison_options <- function(interval = "newcombe", exact = FALSE,
                               correct = FALSE, breslow_day = "tarone",
                               call = sys.call(-1L)) {
  interval <- check_choice(interval, c("newcombe", "score"), "interval", call)
  check_flag(exact, "exact", call)
  check_flag(correct, "correct", call)
  breslow_day <- check_choice(breslow_day, c("tarone", "uncorrected"),
                              "breslow_day", call)
  list(interval = interval, exact = exact, correct = correct,
       breslow_day = breslow_day)
}

check_alleviation_table <- function(x, arg, call) {
  if (!inherits(x, "alleviation_table") || !is.data.frame(x) ||
      !all(c("symptom", "n", "alleviated", "evaluable") %in% names(x))) {
    abort(sprintf("`%s` must be an alleviation_table made by tabulate_cohort() or combine_tables(), not %s.",
                  arg, describe_value(x)), call)
  }
  invisible(x)
}

# `columns` must name stratum columns of the table (its `by`); `single`: one.
check_by_columns <- function(columns, by, arg, call, single = FALSE) {
  ok <- is.character(columns) && length(columns) >= 1L && !anyNA(columns) &&
    (!single || length(columns) == 1L) && !anyDuplicated(columns)
  what <- if (single) "a single column name" else "a character vector of distinct column names"
  if (!ok) {
    abort(sprintf("`%s` must be %s, not %s.", arg, what,
                  describe_value(columns)), call)
  }
  unknown <- setdiff(columns, by)
  if (length(unknown)) {
    abort(sprintf("`%s` must name stratum columns of `x` (its `by`: %s), not %s.",
                  arg, if (length(by)) paste0("\"", by, "\"", collapse = ", ")
                  else "none; tabulate with `by`",
                  paste0("\"", unknown, "\"", collapse = ", ")), call)
  }
  invisible(columns)
}

# From the table's cells (margins stripped): alleviated and denominator
# counts per symptom, stratum and level, as arrays of dim c(levels, strata,
# symptoms) with the reference level first.
comparison_counts <- function(cells, group, reference, strata, denominator,
                              call, by = c(group, strata)) {
  # the symptoms the table holds (a table may be subset to some), in the
  # order of the rules
  symptom_codes <- as.integer(cells$symptom)
  held <- sort(unique(symptom_codes))
  symptoms <- levels(cells$symptom)[held]
  symptom_codes <- match(symptom_codes, held)
  g <- cells[[group]]
  labels <- levels(g)
  codes <- as.integer(g)
  # n is the same for every symptom of a stratum cell: each cell's patients
  # are counted once, from its first row, whichever symptoms the table holds
  first <- check_symptom_cells(cells, by, symptoms, symptom_codes, call)
  # patients per level
  patients <- sum_by(cells$n[first & !is.na(codes)], codes[first & !is.na(codes)],
                     length(labels))
  not_compared <- sum(cells$n[first & is.na(codes)])
  present <- labels[patients > 0]
  if (is.null(reference)) {
    if (!length(present)) {
      abort(sprintf("`group` column \"%s\" has no patients in `x`: nothing to compare.",
                    group), call)
    }
    reference <- present[1L]
  } else {
    ok <- is.atomic(reference) && length(reference) == 1L && !is.na(reference) &&
      is.null(dim(reference))
    if (!ok || !as.character(reference) %in% labels) {
      abort(sprintf("`reference` must be one of the levels of \"%s\" (%s), not %s.",
                    group, paste0("\"", utils::head(present, 10L), "\"", collapse = ", "),
                    describe_value(reference)), call)
    }
    reference <- as.character(reference)
    if (!reference %in% present) {
      abort(sprintf("`reference` level \"%s\" of \"%s\" has no patients in `x`.",
                    reference, group), call)
    }
  }
  compared <- setdiff(present, reference)
  if (!length(compared)) {
    abort(sprintf("`group` column \"%s\" has patients in one level only (\"%s\"): nothing to compare it with.",
                  group, reference), call)
  }
  level_of <- match(labels, c(reference, compared))[codes]
  # strata: the combinations of the strata columns' values (NA a value of
  # its own) that hold patients of the compared levels, in the order of the
  # levels
  if (length(strata)) {
    key <- 0
    size <- 1
    for (column in strata) {
      f <- cells[[column]]
      k <- as.integer(f)
      k[is.na(k)] <- nlevels(f) + 1L
      key <- key + (k - 1) * size
      size <- size * (nlevels(f) + 1)
    }
    keys <- sort(unique(key[first & !is.na(level_of) & cells$n > 0]))
    stratum <- match(key, keys)
    at <- match(keys, key)
    stratum_labels <- do.call(paste, c(lapply(cells[strata], function(f) {
      v <- as.character(f[at])
      ifelse(is.na(v), "NA", v)
    }), sep = " / "))
  } else {
    stratum <- rep(1L, nrow(cells))
    stratum_labels <- "(all)"
  }
  L <- length(compared) + 1L
  K <- length(stratum_labels)
  S <- length(symptoms)
  keep <- !is.na(level_of) & !is.na(stratum)
  slot <- ((symptom_codes[keep] - 1) * K + (stratum[keep] - 1)) * L +
    level_of[keep]
  size <- L * K * S
  events <- array(sum_by(cells$alleviated[keep], slot, size), c(L, K, S))
  totals <- array(sum_by(cells[[denominator]][keep], slot, size), c(L, K, S))
  list(events = events, totals = totals, symptoms = symptoms,
       symptom_levels = levels(cells$symptom),
       reference = reference, compared = compared,
       stratum_labels = stratum_labels, group = group, strata = strata,
       not_compared = not_compared)
}

# The first row of each stratum cell (the combination of the `by` values),
# after checking that every symptom the table holds has one row in each
# cell: a row repeated, or a cell's rows kept for some symptoms only, would
# compare other patients than the table's, so such a subset is refused.
check_symptom_cells <- function(cells, by, symptoms, symptom_codes, call) {
  if (!nrow(cells)) return(logical(0))
  cell <- cell_codes(cells, by)
  first <- !duplicated(cell)
  n_cells <- sum(first)
  repeated <- anyDuplicated((cell - 1) * length(symptoms) + symptom_codes)
  if (repeated) {
    rows <- which(cell == cell[repeated] &
                    symptom_codes == symptom_codes[repeated])
    abort(sprintf("`x` has the row of symptom \"%s\"%s more than once (rows %s): its patients would be counted twice.",
                  symptoms[symptom_codes[repeated]],
                  if (length(by)) sprintf(" and stratum %s", cell_label(cells, by, repeated)) else "",
                  paste(utils::head(rows, 5L), collapse = ", ")), call)
  }
  per_symptom <- tabulate(symptom_codes, length(symptoms))
  short <- which(per_symptom < n_cells)
  if (length(short)) {
    abort(sprintf("`x` has rows of symptom \"%s\" for %d of its %d strata: its rows were subset by something other than the symptom, so its symptoms describe different patients. Subset a table by symptom only (x[x$symptom == \"%s\", ]), or tabulate the patients to compare.",
                  symptoms[short[1L]], per_symptom[short[1L]], n_cells,
                  symptoms[short[1L]]), call)
  }
  first
}

# One integer per combination of the `by` values of the cells (a missing
# value a level of its own), in order of first appearance: the factor codes
# folded into one number, or pasted when their product passes 2^53.
cell_codes <- function(cells, by) {
  if (!length(by)) return(rep(1L, nrow(cells)))
  sizes <- vapply(cells[by], nlevels, integer(1)) + 1
  codes <- lapply(by, function(column) {
    k <- as.integer(cells[[column]])
    k[is.na(k)] <- nlevels(cells[[column]]) + 1L
    k
  })
  key <- if (prod(sizes) < 2^53) {
    folded <- 0
    size <- 1
    for (j in seq_along(codes)) {
      folded <- folded + (codes[[j]] - 1) * size
      size <- size * sizes[[j]]
    }
    folded
  } else do.call(paste, c(codes, sep = "\r"))
  match(key, key)
}

# "sex = female, hospital = A" for row `i` of a table's cells
cell_label <- function(cells, by, i) {
  paste(vapply(by, function(column) {
    value <- as.character(cells[[column]][i])
    sprintf("%s = %s", column, if (is.na(value)) "NA" else sprintf("\"%s\"", value))
  }, character(1)), collapse = ", ")
}

# sum(values) for each code in 1..size (codes without values give 0).
sum_by <- function(values, codes, size) {
  out <- numeric(size)
  if (!length(values)) return(out)
  # reorder = TRUE sorts the groups, so they are sort(unique(codes)) (much
  # faster than reading them back from the row names)
  out[sort(unique(codes))] <- rowsum(as.double(values), codes, reorder = TRUE)[, 1L]
  out
}

# The comparisons from the count arrays: one per symptom (outer) and
# compared level (inner); per-stratum vectors have the strata innermost.
compare_counts <- function(counts, conf_level, denominator,
                           options = comparison_options()) {
  events <- counts$events
  totals <- counts$totals
  L <- dim(events)[1L]
  K <- dim(events)[2L]
  S <- dim(events)[3L]
  M <- (L - 1L) * S
  comp_symptom <- rep(seq_len(S), each = L - 1L)
  comp_level <- rep(seq_len(L - 1L), times = S)
  group_vector <- function(a) as.vector(aperm(a[-1L, , , drop = FALSE], c(2L, 1L, 3L)))
  reference_vector <- function(a) as.vector(matrix(a[1L, , ], K, S)[, comp_symptom])
  a <- group_vector(events)
  n1 <- group_vector(totals)
  c0 <- reference_vector(events)
  n0 <- reference_vector(totals)
  id <- rep(seq_len(M), each = K)

  comparison <- data.frame(
    symptom = factor(counts$symptoms[comp_symptom], levels = counts$symptom_levels),
    group = counts$compared[comp_level], reference = counts$reference,
    stringsAsFactors = FALSE)
  totals_of <- function(v) colSums(matrix(v, K, M))
  crude <- comparison_rows(comparison, "crude", totals_of(a), totals_of(n1),
                           totals_of(c0), totals_of(n0), conf_level,
                           options$interval)
  informative <- !vapply(seq_len(M), function(m) {
    margins_decide_everything(c(crude$events[m], crude$ref_events[m])[
      c(crude$total[m], crude$ref_total[m]) > 0],
      c(crude$total[m], crude$ref_total[m])[c(crude$total[m], crude$ref_total[m]) > 0])
  }, logical(1))
  # where every table is equally likely, Fisher's p is 1, as fisher.test()
  # gives it; `test` says that no test could have told the groups apart
  crude$test <- ifelse(informative, "Fisher's exact", not_informative)
  crude$statistic <- NA_real_
  crude$p_value <- fisher_p(crude$events, crude$total, crude$ref_events,
                            crude$ref_total)
  if (options$exact) {
    crude_exact <- exact_odds_ratios(crude$events, crude$total, crude$ref_events,
                                     crude$ref_total, seq_len(M), M, conf_level)
    crude_exact$p_exact <- crude$p_value
  }

  stratified <- length(counts$strata) > 0L
  stratum_rows <- NULL
  out <- crude
  if (stratified) {
    stratum_rows <- comparison[id, , drop = FALSE]
    stratum_rows$stratum <- rep(counts$stratum_labels, M)
    stratum_rows <- comparison_rows(stratum_rows, "stratum", a, n1, c0, n0,
                                    conf_level, options$interval)
    stratum_rows$analysis <- NULL
    N <- pmax(n1 + n0, 1)
    stratum_rows$weight_rd <- n1 * n0 / N
    stratum_rows$weight_rr <- c0 * n1 / N
    stratum_rows$weight_or <- (n1 - a) * c0 / N
    rownames(stratum_rows) <- NULL
    pooled <- mantel_haenszel(a, n1, c0, n0, id, conf_level, options$correct,
                              options$breslow_day)
    if (options$exact) {
      pooled <- c(pooled, exact_odds_ratios(a, n1, c0, n0, id, M, conf_level))
    }
    mh <- crude
    mh$analysis <- "Mantel-Haenszel"
    for (column in names(pooled)) mh[[column]] <- pooled[[column]]
    mh$corrected <- FALSE
    for (column in setdiff(names(pooled), names(crude))) crude[[column]] <- NA
    crude$strata_rd <- crude$strata_rr <- crude$strata_or <-
      crude$heterogeneity_df <- NA_integer_
    crude <- crude[names(mh)]
    if (options$exact) for (column in names(crude_exact)) crude[[column]] <- crude_exact[[column]]
    out <- rbind(crude, mh)[order(rep(seq_len(M), 2L), rep(1:2, each = M)), ]
  } else if (options$exact) {
    for (column in names(crude_exact)) out[[column]] <- crude_exact[[column]]
  }
  rownames(out) <- NULL
  structure(out, class = c("rate_comparison", "data.frame"),
            group_name = counts$group, strata_names = counts$strata,
            reference = counts$reference, denominator = denominator,
            conf_level = conf_level,
            n_strata = if (stratified) length(counts$stratum_labels) else NA_integer_,
            not_compared = counts$not_compared, stratum_rows = stratum_rows,
            interval = options$interval, exact = options$exact,
            correct = options$correct, breslow_day = options$breslow_day)
}

# Rows of the crude 2 x 2 measures: `frame` holds the identifying columns.
comparison_rows <- function(frame, analysis, a, n1, c0, n0, conf_level,
                            interval = "newcombe") {
  m <- two_by_two(a, n1, c0, n0, conf_level, interval)
  frame$analysis <- analysis
  frame$events <- a
  frame$total <- n1
  frame$ref_events <- c0
  frame$ref_total <- n0
  frame$rate <- ifelse(n1 > 0, a / n1, NA_real_)
  frame$ref_rate <- ifelse(n0 > 0, c0 / n0, NA_real_)
  for (column in names(m)) frame[[column]] <- m[[column]]
  frame
}

# The measures of 2 x 2 tables (vectorised): group a of n1, reference c of
# n0. See the section "Crude measures" of ?compare_rates.
two_by_two <- function(a, n1, c, n0, conf_level, interval = "newcombe") {
  z <- stats::qnorm((1 - conf_level) / 2, lower.tail = FALSE)
  rd <- newcombe_interval(a, n1, c, n0, conf_level)
  if (interval == "score") {
    score_rd <- mn_interval_rd(a, n1, c, n0, conf_level)
    score_rr <- mn_interval_rr(a, n1, c, n0, conf_level)
    rd$lower <- score_rd$lower
    rd$upper <- score_rd$upper
    rr_plain <- ifelse(n1 > 0 & n0 > 0 & a + c > 0, (a / n1) / (c / n0), NA_real_)
  }
  b <- n1 - a
  d <- n0 - c
  both <- n1 > 0 & n0 > 0
  rr_ok <- both & a + c > 0
  or_ok <- rr_ok & b + d > 0
  corrected <- rr_ok & (a == 0 | b == 0 | c == 0 | d == 0)
  h <- ifelse(corrected, 0.5, 0)
  a <- a + h
  b <- b + h
  c <- c + h
  d <- d + h
  log_rr <- ifelse(rr_ok, log(a / (a + b)) - log(c / (c + d)), NA_real_)
  se_rr <- sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
  log_or <- ifelse(or_ok, log(a) + log(d) - log(b) - log(c), NA_real_)
  se_or <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
  nnt <- nnt_interval(rd$estimate, rd$lower, rd$upper)
  rr <- list(exp(log_rr), exp(log_rr - z * se_rr), exp(log_rr + z * se_rr))
  if (interval == "score") {
    # the score interval needs no correction: the ratio as observed
    rr <- list(rr_plain, score_rr$lower, score_rr$upper)
    corrected <- corrected & or_ok
  }
  list(rd = rd$estimate, rd_lower = rd$lower, rd_upper = rd$upper,
       rr = rr[[1L]], rr_lower = rr[[2L]], rr_upper = rr[[3L]],
       or = exp(log_or), or_lower = exp(log_or - z * se_or),
       or_upper = exp(log_or + z * se_or),
       nnt = nnt$nnt, nnt_lower = nnt$lower, nnt_upper = nnt$upper,
       corrected = corrected)
}

# The two-sided p-value of Fisher's exact test on 2 x 2 tables (group a of
# n1, reference c of n0), as fisher.test(): the probability of the tables no
# more likely than the observed one (to a relative 1e-7), under the
# hypergeometric distribution of a given the margins. fisher.test() sums the
# whole distribution, whose support has as many values as the smaller
# margin, which took seconds and gigabytes on a registry's table; here the
# observed side is one phyper() tail, and the other tail's boundary is found
# by bisection on the (unimodal) density, so the cost does not grow with the
# counts.
fisher_p <- function(a, n1, c, n0) {
  vapply(seq_along(a), function(i) {
    m <- a[i] + c[i]                 # events: the "white balls"
    n <- n1[i] + n0[i] - m
    k <- n1[i]                       # the group: the balls drawn
    x <- a[i]
    lo <- max(0, k - n)
    hi <- min(k, m)
    if (lo == hi) return(1)
    log_d <- function(v) stats::dhyper(v, m, n, k, log = TRUE)
    threshold <- log_d(x) + log1p(1e-7)
    mode <- min(hi, max(lo, floor((k + 1) * (m + 1) / (m + n + 2))))
    if (x <= mode) {
      # the first y above x (and at or above the mode) as unlikely as x
      left <- max(x + 1, mode)
      if (left > hi || log_d(hi) > threshold) return(stats::phyper(x, m, n, k))
      right <- hi
      while (left < right) {
        mid <- floor((left + right) / 2)
        if (log_d(mid) <= threshold) right <- mid else left <- mid + 1
      }
      stats::phyper(x, m, n, k) + stats::phyper(left - 1, m, n, k, lower.tail = FALSE)
    } else {
      # the last y below x (and at or below the mode) as unlikely as x
      right <- min(x - 1, mode)
      upper_tail <- stats::phyper(x - 1, m, n, k, lower.tail = FALSE)
      if (right < lo || log_d(lo) > threshold) return(upper_tail)
      left <- lo
      while (left < right) {
        mid <- ceiling((left + right) / 2)
        if (log_d(mid) <= threshold) left <- mid else right <- mid - 1
      }
      stats::phyper(left, m, n, k) + upper_tail
    }
  }, numeric(1))
}

# Altman's (1998) interval for the number needed to treat, from a risk
# difference and its interval: the reciprocals, the smaller as `lower`. A
# difference of exactly 0 gives an infinite NNT; a lower bound of exactly 0
# is approached from above (+Inf), an upper bound from below (-Inf).
nnt_interval <- function(rd, lower, upper) {
  reciprocal <- function(v, zero) {
    out <- 1 / v
    out[!is.na(v) & v == 0] <- zero
    out
  }
  at_lower <- reciprocal(lower, Inf)
  at_upper <- reciprocal(upper, -Inf)
  list(nnt = reciprocal(rd, Inf), lower = pmin(at_lower, at_upper),
       upper = pmax(at_lower, at_upper))
}

# Mantel-Haenszel estimates, the CMH test and heterogeneity tests, pooled
# over the strata of each comparison (`id`). See ?compare_rates.
mantel_haenszel <- function(a, n1, c, n0, id, conf_level, correct = FALSE,
                            breslow_day = "tarone") {
  z <- stats::qnorm((1 - conf_level) / 2, lower.tail = FALSE)
  b <- n1 - a
  d <- n0 - c
  N <- n1 + n0
  # every term below is 0 in a stratum without patients, so N = 0 may be
  # replaced by 1
  Ns <- pmax(N, 1)
  m1 <- a + c
  m0 <- b + d
  both <- n1 > 0 & n0 > 0
  informative <- both & m1 > 0 & m0 > 0
  s <- rowsum(cbind(
    w = n1 * n0 / Ns,
    rd = (a * n0 - c * n1) / Ns,
    # Sato, Greenland & Robins (1989)
    P = (n1^2 * c - n0^2 * a + n1 * n0 * (n0 - n1) / 2) / Ns^2,
    Q = (a * (n0 - c) + c * (n1 - a)) / (2 * Ns),
    # Greenland & Robins (1985)
    R_rr = a * n0 / Ns,
    S_rr = c * n1 / Ns,
    V_rr = (n1 * n0 * m1 / Ns - a * c) / Ns,
    # Robins, Breslow & Greenland (1986)
    R = a * d / Ns,
    S = b * c / Ns,
    PR = (a + d) * a * d / Ns^2,
    PS_QR = ((a + d) * b * c + (b + c) * a * d) / Ns^2,
    QS = (b + c) * b * c / Ns^2,
    # Cochran-Mantel-Haenszel
    O_E = ifelse(informative, a - n1 * m1 / Ns, 0),
    V = ifelse(informative, n1 * n0 * m1 * m0 / (Ns^2 * (N - 1)), 0),
    strata_rd = both, strata_rr = both & m1 > 0, strata_or = informative),
    id, reorder = TRUE)
  s <- as.data.frame(s)

  rd <- s$rd / s$w
  rd[s$w == 0] <- NA_real_
  rd_var <- (rd * s$P + s$Q) / s$w^2
  rd_se <- ifelse(!is.na(rd_var) & rd_var > 0, sqrt(rd_var), NA_real_)
  rr <- ratio_interval(s$R_rr, s$S_rr, s$V_rr / (s$R_rr * s$S_rr), z)
  or <- ratio_interval(s$R, s$S, s$PR / (2 * s$R^2) + s$PS_QR / (2 * s$R * s$S) +
                         s$QS / (2 * s$S^2), z)
  # the continuity correction of mantelhaen.test(correct = TRUE): |O - E|
  # less 1/2, unless |O - E| is below 1/2
  yates <- if (correct) ifelse(abs(s$O_E) >= 0.5, 0.5, 0) else 0
  statistic <- ifelse(s$V > 0, (abs(s$O_E) - yates)^2 / s$V, NA_real_)
  nnt <- nnt_interval(rd, rd - z * rd_se, rd + z * rd_se)
  heterogeneity <- heterogeneity_tests(a, b, c, d, id, informative, rd,
                                       rr$estimate, or$estimate, breslow_day)
  c(list(rd = rd, rd_lower = rd - z * rd_se, rd_upper = rd + z * rd_se,
         rr = rr$estimate, rr_lower = rr$lower, rr_upper = rr$upper,
         or = or$estimate, or_lower = or$lower, or_upper = or$upper,
         nnt = nnt$nnt, nnt_lower = nnt$lower, nnt_upper = nnt$upper,
         test = ifelse(s$V > 0, if (correct) cmh_corrected else "Cochran-Mantel-Haenszel",
                       not_informative),
         statistic = statistic,
         p_value = stats::pchisq(statistic, 1, lower.tail = FALSE),
         strata_rd = as.integer(s$strata_rd), strata_rr = as.integer(s$strata_rr),
         strata_or = as.integer(s$strata_or)),
    heterogeneity)
}

# The `test` of the CMH test with the continuity correction.
cmh_corrected <- "Cochran-Mantel-Haenszel, continuity-corrected"

# A pooled ratio R / S with its interval from the variance of its log:
# NA when both sums are 0; 0 or Inf, without an interval, when one is.
ratio_interval <- function(R, S, log_var, z) {
  estimate <- R / S
  estimate[R == 0 & S == 0] <- NA_real_
  finite <- R > 0 & S > 0 & !is.na(log_var) & log_var > 0
  se <- ifelse(finite, sqrt(log_var), NA_real_)
  list(estimate = estimate, lower = ifelse(finite, estimate * exp(-z * se), NA_real_),
       upper = ifelse(finite, estimate * exp(z * se), NA_real_))
}

# Heterogeneity across the informative strata of each comparison:
# Cochran's Q and I^2 of the risk difference and log risk ratio around
# their Mantel-Haenszel estimates (inverse-variance weights, per-stratum
# Wald variances, 0.5 added to every cell of a stratum with a zero cell),
# and the Breslow-Day statistic with Tarone's correction for the odds ratio.
heterogeneity_tests <- function(a, b, c, d, id, informative, rd, rr, or,
                                breslow_day = "tarone") {
  M <- length(rd)
  k <- as.integer(sum_by(informative, id, M))
  df <- k - 1L
  use <- informative
  a <- a[use]; b <- b[use]; c <- c[use]; d <- d[use]; id <- id[use]
  h <- ifelse(a == 0 | b == 0 | c == 0 | d == 0, 0.5, 0)
  a2 <- a + h; b2 <- b + h; c2 <- c + h; d2 <- d + h
  p1 <- a2 / (a2 + b2)
  p0 <- c2 / (c2 + d2)
  q_rd <- sum_by((p1 - p0 - rd[id])^2 /
                   (p1 * (1 - p1) / (a2 + b2) + p0 * (1 - p0) / (c2 + d2)), id, M)
  q_rr <- sum_by((log(p1 / p0) - log(rr[id]))^2 /
                   (1 / a2 - 1 / (a2 + b2) + 1 / c2 - 1 / (c2 + d2)), id, M)
  # Breslow-Day: the count `a` expected under the common odds ratio psi
  # solves A (n0 - m1 + A) = psi (n1 - A)(m1 - A); the root inside the
  # margins, in a form that is stable for any psi (psi = 1 gives n1 m1 / N).
  psi <- or[id]
  n1 <- a + b
  n0 <- c + d
  m1 <- a + c
  B <- psi * (n1 + m1) + n0 - m1
  C <- psi * n1 * m1
  A <- 2 * C / (B + sqrt(pmax(0, B^2 - 4 * (psi - 1) * C)))
  V <- 1 / (1 / A + 1 / (n1 - A) + 1 / (m1 - A) + 1 / (n0 - m1 + A))
  # Breslow and Day's statistic, less Tarone's (1985) correction
  bd <- sum_by((a - A)^2 / V, id, M)
  if (breslow_day == "tarone") {
    bd <- bd - sum_by(a - A, id, M)^2 / sum_by(V, id, M)
  }
  usable <- df >= 1L
  chi <- function(q, ok) {
    q[!ok] <- NA_real_
    list(q = q, p = stats::pchisq(q, pmax(df, 1L), lower.tail = FALSE))
  }
  q_rd <- chi(pmax(0, q_rd), usable & is.finite(rd))
  q_rr <- chi(pmax(0, q_rr), usable & is.finite(rr) & rr > 0)
  bd <- chi(pmax(0, bd), usable & is.finite(or) & or > 0)
  # as.double(): a column of NA from ifelse() would be logical
  i2 <- function(q) as.double(ifelse(q > 0, pmax(0, (q - df) / q), 0))
  list(q_rd = q_rd$q, q_rd_p = q_rd$p, i2_rd = i2(q_rd$q),
       q_rr = q_rr$q, q_rr_p = q_rr$p, i2_rr = i2(q_rr$q),
       breslow_day = bd$q, breslow_day_p = bd$p,
       heterogeneity_df = ifelse(usable, df, NA_integer_))
}
