#' Tidy results: one row per estimate, with broom's column names
#'
#' `tidy()` and `glance()` methods for the package's results, for the
#' generics of the **generics** package (which broom re-exports), so
#' `generics::tidy(x)` or, with broom attached, `tidy(x)` works. Nothing is
#' imported: the methods are registered when generics is loaded. Each
#' `tidy()` is a plain data frame with one row per estimate: the package's
#' identifying columns first (`symptom`, the strata, `group`, `measure`,
#' ...), then broom's `term`, `estimate`, `conf.low`, `conf.high`,
#' `statistic` and `p.value` (the ones the result has), then the counts
#' behind the estimate. The numbers are those of `as.data.frame(x)`, under
#' broom's names; `as.data.frame()` is unchanged. A stratum column whose name
#' is taken by one of these (a stratum called `term`, say) gets `.by` added
#' to its name.
#'
#' What each result gives:
#' * `alleviation_table` ([tabulate_cohort()]): one row per stratum and
#'   symptom, `term = "rate"`: the alleviation rate and its interval, with
#'   `n`, `alleviated`, `evaluable`. `glance()`: one row with the number of
#'   patients, symptoms and strata, the confidence level and method.
#' * `summary.alleviation_table`: per symptom a `"rate"` row (the whole
#'   table's rate), and a `"difference"` row (two strata: the difference in
#'   rates with its interval and the test's p-value) or a `"heterogeneity"`
#'   row (more strata: the test's p-value, `estimate` `NA`).
#' * `rate_comparison` ([compare_rates()]) and its `summary()`: one row per
#'   symptom, compared level, analysis (`"crude"`, `"Mantel-Haenszel"`,
#'   and in the summary each `"stratum"`) and `measure` (`"rd"` risk
#'   difference, `"rr"` risk ratio, `"or"` odds ratio, `"nnt"` number needed
#'   to treat); `term` is `"<group> vs <reference>"`; `statistic` and
#'   `p.value` are those of the row's test (Fisher's exact or
#'   Cochran-Mantel-Haenszel), the same for every measure. `glance()`: one
#'   row per symptom and compared level of the pooled (Mantel-Haenszel)
#'   analysis, or the crude one without strata: the pooled estimates, the
#'   Cochran-Mantel-Haenszel test, the heterogeneity statistics (Cochran's Q
#'   and I-squared for rd and rr, Breslow-Day for the odds ratio) and
#'   `n_strata`. (A result with several symptoms has several comparisons,
#'   hence several rows.)
#' * `alleviation_comparison` ([compare_alleviated()]): its cells are
#'   formatted text, so `tidy()` gives its tests: one row per variable,
#'   `term` the variable, `test` and `p.value`. [table_one()] has the
#'   numbers.
#' * `alleviation_curve`: one row per threshold, `term = "rate"`.
#' * `guo2016_reproduction`: one row per figure, `term = "share"`: the
#'   reproduced share with its exact (Clopper-Pearson) interval as
#'   `conf.low`/`conf.high` and the Wilson interval as
#'   `conf.low.wilson`/`conf.high.wilson`, with the published and
#'   reproduced counts.
#' * `mcid` ([estimate_mcid()]): a `"cut-off"` row (`"mic"` for the predictive methods; the estimate and its
#'   interval, when there is one) and an `"auc"` row (the area under the ROC
#'   curve and its DeLong interval, where computed); `glance()`: one row
#'   with the method, scale, sensitivity, specificity, Youden's J and the
#'   numbers of patients used.
#' * `myelo_durability` ([durability()]): one row per symptom and visit,
#'   `term = "rate"`, the rate alleviated among judged patients at that
#'   visit; `durability_summary`: one row per symptom,
#'   `term = "sustained rate"`.
#' * `table_one` ([table_one()]): one row per cell: `variable`, `level`,
#'   `group` (the overall column's label, with `overall = TRUE`), `measure`
#'   (`"mean"` or `"median"` for numeric variables, as shown; `"proportion"`
#'   for a level; `"missing"`, whose `estimate` is the count), `term` the
#'   variable, `estimate`, `std.error` (of a mean: SD / sqrt(n)), `sd`,
#'   `q1`, `q3`, `n`, `total`, and the variable's `test`, `statistic`,
#'   `p.value` and `smd` on each of its rows. `glance()`: one row with `n`
#'   (patients), `n_groups`, `n_group_missing` and `n_vars`.
#'
#' @param x A result of the package.
#' @param ... Ignored.
#' @return A data frame.
#' @examples
#' if (requireNamespace("generics", quietly = TRUE)) {
#'   cohort <- classify_cohort(myelography)
#'   generics::tidy(tabulate_cohort(cohort, by = "sex"))
#'   cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")),
#'                        "sex", strata = "hospital")
#'   generics::tidy(cmp)
#'   generics::glance(cmp)
#' }
#' @name tidy_results
NULL

# A tidy frame: identifying columns, then broom's, then the rest.
tidy_frame <- function(ids, term, estimate, conf.low = NULL, conf.high = NULL,
                       statistic = NULL, p.value = NULL, extra = NULL,
                       std.error = NULL) {
  n <- length(term)
  out <- if (is.null(ids)) data.frame(row.names = seq_len(n)) else ids
  # an identifying column (a stratum) named like one of broom's keeps its
  # values under the name with ".by" added, rather than being overwritten
  taken <- names(out) %in% c("term", "estimate", "std.error", "conf.low",
                             "conf.high", "statistic", "p.value", names(extra))
  names(out)[taken] <- paste0(names(out)[taken], ".by")
  out$term <- as.character(term)
  out$estimate <- as.double(estimate)
  if (!is.null(std.error)) out$std.error <- as.double(std.error)
  if (!is.null(conf.low)) out$conf.low <- as.double(conf.low)
  if (!is.null(conf.high)) out$conf.high <- as.double(conf.high)
  if (!is.null(statistic)) out$statistic <- as.double(statistic)
  if (!is.null(p.value)) out$p.value <- as.double(p.value)
  for (column in names(extra)) out[[column]] <- extra[[column]]
  rownames(out) <- NULL
  out
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.alleviation_table <- function(x, ...) {
  d <- as.data.frame(x)
  rate_columns <- c("n", "alleviated", "unchanged", "worsened", "absent",
                    "missing", "evaluable", "rate", "rate_lower",
                    "rate_upper", "share", weighted_columns, "n_effective")
  ids <- d[setdiff(names(d), rate_columns)]
  tidy_frame(ids, rep("rate", nrow(d)), d$rate, d$rate_lower, d$rate_upper,
             extra = d[intersect(c("n", "alleviated", "evaluable", "n_effective"),
                                 names(d))])
}

#' @rdname tidy_results
#' @exportS3Method generics::glance
glance.alleviation_table <- function(x, ...) {
  d <- as.data.frame(x)
  by <- attr(x, "by")
  whole <- if (length(by)) {
    Reduce(`&`, lapply(by, function(b) as.character(d[[b]]) == "(all)"))
  } else rep(TRUE, nrow(d))
  patients <- max(c(d$n[whole], 0))
  data.frame(patients = patients, symptoms = length(unique(d$symptom)),
             strata = if (length(by)) {
               nrow(unique(d[!whole, by, drop = FALSE]))
             } else 1L,
             conf_level = attr(x, "conf_level") %||% NA_real_,
             method = attr(x, "method") %||% NA_character_,
             stringsAsFactors = FALSE)
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.summary.alleviation_table <- function(x, ...) {
  d <- as.data.frame(x)
  rows <- list()
  for (i in seq_len(nrow(d))) {
    r <- d[i, ]
    rows[[length(rows) + 1L]] <- tidy_frame(
      data.frame(symptom = r$symptom, contrast = NA_character_,
                 stringsAsFactors = FALSE),
      "rate", r$rate, r$rate_lower, r$rate_upper, p.value = NA_real_,
      extra = list(test = NA_character_, alleviated = r$alleviated,
                   evaluable = r$evaluable, strata = r$strata))
    if (!is.na(r$contrast) || !is.na(r$difference)) {
      rows[[length(rows) + 1L]] <- tidy_frame(
        data.frame(symptom = r$symptom, contrast = r$contrast,
                   stringsAsFactors = FALSE),
        "difference", r$difference, r$difference_lower, r$difference_upper,
        p.value = r$p_value,
        extra = list(test = r$test, alleviated = r$alleviated,
                     evaluable = r$evaluable, strata = r$strata))
    } else if (!is.na(r$p_value) || !is.na(r$test)) {
      rows[[length(rows) + 1L]] <- tidy_frame(
        data.frame(symptom = r$symptom, contrast = NA_character_,
                   stringsAsFactors = FALSE),
        "heterogeneity", NA_real_, NA_real_, NA_real_, p.value = r$p_value,
        extra = list(test = r$test, alleviated = r$alleviated,
                     evaluable = r$evaluable, strata = r$strata))
    }
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

# Rate-comparison rows (crude, pooled or per stratum) in long form: one row
# per measure.
tidy_rate_rows <- function(d) {
  measures <- c("rd", "rr", "or", "nnt")
  id_columns <- intersect(c("symptom", "group", "reference", "analysis",
                            "stratum"), names(d))
  count_columns <- intersect(c("events", "total", "ref_events", "ref_total",
                               "rate", "ref_rate"), names(d))
  rows <- lapply(measures, function(m) {
    ids <- d[id_columns]
    ids$measure <- rep(m, nrow(d))
    extra <- list(test = if ("test" %in% names(d)) d$test
                         else rep(NA_character_, nrow(d)))
    extra <- c(extra, as.list(d[count_columns]))
    tidy_frame(ids, paste(d$group, "vs", d$reference), d[[m]],
               d[[paste0(m, "_lower")]], d[[paste0(m, "_upper")]],
               statistic = if ("statistic" %in% names(d)) d$statistic
                           else rep(NA_real_, nrow(d)),
               p.value = if ("p_value" %in% names(d)) d$p_value
                         else rep(NA_real_, nrow(d)),
               extra = extra)
  })
  out <- do.call(rbind, rows)
  # measures of one row together, rows in their order
  out <- out[order(rep(seq_len(nrow(d)), length(measures))), ]
  rownames(out) <- NULL
  out
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.rate_comparison <- function(x, ...) {
  tidy_rate_rows(as.data.frame(x))
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.summary.rate_comparison <- function(x, ...) {
  tidy_rate_rows(as.data.frame(x))
}

#' @rdname tidy_results
#' @exportS3Method generics::glance
glance.rate_comparison <- function(x, ...) {
  d <- as.data.frame(x)
  pooled <- d[d$analysis != "crude", ]
  if (!nrow(pooled)) pooled <- d
  keep <- c("symptom", "group", "reference", "analysis", "rd", "rd_lower",
            "rd_upper", "rr", "rr_lower", "rr_upper", "or", "or_lower",
            "or_upper", "test", "statistic", "p_value", "q_rd", "q_rd_p",
            "i2_rd", "q_rr", "q_rr_p", "i2_rr", "breslow_day",
            "breslow_day_p", "heterogeneity_df")
  out <- pooled[intersect(keep, names(pooled))]
  names(out)[names(out) == "p_value"] <- "p.value"
  out$n_strata <- rep(attr(x, "n_strata") %||% NA_integer_, nrow(out))
  out$conf_level <- rep(attr(x, "conf_level") %||% NA_real_, nrow(out))
  rownames(out) <- NULL
  out
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.alleviation_comparison <- function(x, ...) {
  d <- as.data.frame(x)
  first <- !duplicated(d$variable)
  d <- d[first, ]
  out <- data.frame(variable = d$variable, term = d$variable,
                    p.value = as.double(d$p_value), test = d$test,
                    stringsAsFactors = FALSE)
  rownames(out) <- NULL
  out
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.alleviation_curve <- function(x, ...) {
  d <- as.data.frame(x)
  tidy_frame(data.frame(threshold = d$threshold), rep("rate", nrow(d)),
             d$rate, d$rate_lower, d$rate_upper,
             extra = d[c("alleviated", "evaluable")])
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.guo2016_reproduction <- function(x, ...) {
  d <- as.data.frame(x)
  tidy_frame(d[c("symptom", "description")], rep("share", nrow(d)), d$share,
             d$share_exact_lower, d$share_exact_upper,
             extra = list(conf.low.wilson = d$share_wilson_lower,
                          conf.high.wilson = d$share_wilson_upper,
                          published = d$published, reproduced = d$reproduced,
                          patients_published = d$patients_published,
                          patients_reproduced = d$patients_reproduced,
                          match = d$match))
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.mcid <- function(x, ...) {
  d <- as.data.frame(x)
  ids <- data.frame(method = rep(d$method, 2L), scale = rep(d$scale, 2L),
                    direction = rep(d$direction, 2L), stringsAsFactors = FALSE)
  # a predictive MIC is an estimate of the change, not a cut-off of a curve
  term <- if (d$method %in% c("predictive", "adjusted_predictive")) "mic" else "cut-off"
  out <- tidy_frame(ids, c(term, "auc"), c(d$estimate, d$auc),
                    c(d$estimate_lower, d$auc_lower),
                    c(d$estimate_upper, d$auc_upper),
                    extra = list(interval = c(d$interval,
                                              if (is.na(d$auc)) NA_character_
                                              else "DeLong"),
                                 conf_level = rep(d$conf_level, 2L)))
  out[!(out$term == "auc" & is.na(out$estimate)), , drop = FALSE]
}

#' @rdname tidy_results
#' @exportS3Method generics::glance
glance.mcid <- function(x, ...) {
  d <- as.data.frame(x)
  keep <- c("method", "scale", "direction", "estimate", "sensitivity",
            "specificity", "youden", "auc", "patients", "used", "improved",
            "not_improved", "boot_used", "conf_level")
  out <- d[intersect(keep, names(d))]
  rownames(out) <- NULL
  out
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.myelo_durability <- function(x, ...) {
  d <- as.data.frame(x, what = "visits")
  tidy_frame(d[c("symptom", "visit")], rep("rate", nrow(d)), d$rate,
             d$rate_lower, d$rate_upper,
             extra = d[c("alleviated", "not_alleviated", "evaluable")])
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.durability_summary <- function(x, ...) {
  d <- as.data.frame(x)
  tidy_frame(d["symptom"], rep("sustained rate", nrow(d)), d$sustained_rate,
             d$sustained_rate_lower, d$sustained_rate_upper,
             extra = d[c("patients", "alleviated", "sustained", "relapsed",
                         "unconfirmed")])
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.table_one <- function(x, ...) {
  d <- as.data.frame(x)
  tests <- as.data.frame(x, what = "tests")
  info <- tests[match(d$variable, tests$variable), ]
  mean_shown <- info$summary == "mean (SD)"
  measure <- ifelse(d$kind == "level", "proportion",
                    ifelse(d$kind == "missing", "missing",
                           ifelse(mean_shown, "mean", "median")))
  estimate <- ifelse(measure == "proportion", d$proportion,
                     ifelse(measure == "missing", d$n,
                            ifelse(measure == "mean", d$mean, d$median)))
  std_error <- ifelse(measure == "mean" & d$n > 0, d$sd / sqrt(d$n), NA_real_)
  ids <- d[c("variable", "level", "group", "overall")]
  ids$measure <- measure
  tidy_frame(ids, d$variable, estimate, std.error = std_error,
             statistic = info$statistic, p.value = info$p_value,
             extra = list(sd = d$sd, q1 = d$q1, q3 = d$q3, n = d$n,
                          total = d$total, test = info$test, smd = info$smd))
}

#' @rdname tidy_results
#' @exportS3Method generics::glance
glance.table_one <- function(x, ...) {
  column_n <- attr(x, "column_n")
  levels <- attr(x, "group_levels")
  n <- if (!is.null(attr(x, "overall_label"))) {
    column_n[[attr(x, "overall_label")]]
  } else sum(column_n) + attr(x, "n_group_missing")
  data.frame(n = as.double(n), n_groups = length(levels),
             n_group_missing = as.double(attr(x, "n_group_missing")),
             n_vars = length(attr(x, "vars")),
             group = attr(x, "group_name") %||% NA_character_,
             stringsAsFactors = FALSE)
}

#' @rdname tidy_results
#' @exportS3Method generics::tidy
tidy.score_change <- function(x, ...) {
  d <- as.data.frame(x)
  ids <- d[intersect(c("measure", "direction", attr(x, "by"), attr(x, "group")),
                     names(d))]
  ids$measure <- as.character(ids$measure)
  terms <- list(
    list("mean change", "change_mean", "change_lower", "change_upper", "t_p"),
    list("standardized response mean", "srm", "srm_lower", "srm_upper", NULL),
    list("effect size (Kazis)", "es", "es_lower", "es_upper", NULL),
    list("difference in mean change", "diff_change", "diff_lower", "diff_upper", "diff_p"),
    list("adjusted difference (ANCOVA)", "ancova_diff", "ancova_lower", "ancova_upper", "ancova_p"))
  parts <- lapply(terms, function(t) {
    if (!t[[2]] %in% names(d)) return(NULL)
    tidy_frame(ids, rep(t[[1]], nrow(d)), d[[t[[2]]]], d[[t[[3]]]], d[[t[[4]]]],
               p.value = if (is.null(t[[5]])) rep(NA_real_, nrow(d)) else d[[t[[5]]]],
               extra = d["n"])
  })
  out <- do.call(rbind, parts[!vapply(parts, is.null, logical(1))])
  rownames(out) <- NULL
  out
}
