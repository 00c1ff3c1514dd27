#' Multiply imputed cohorts: classify each completed dataset, pool with Rubin's rules
#'
#' [classify_cohort()] accepts, in place of one data frame, the completed
#' datasets of a multiple imputation: a `mids` object of package **mice**
#' or a list of completed data frames (from any imputation software). Each
#' dataset is classified by the same compiled code as a single data frame,
#' and the result, of class `imputed_cohort`, is tabulated and compared by
#' the usual verbs, which pool over the imputations:
#' * [tabulate_cohort()] gives, per stratum and symptom, the alleviation
#'   rate pooled with Rubin's rules on the **logit** scale (Marshall et al.
#'   2009): the estimate of each completed dataset is `log(a / (e - a))` for
#'   `a` alleviated of `e` evaluable patients, with variance
#'   `1/a + 1/(e - a)`; the pooled logit and its interval, from the
#'   t distribution with the Barnard-Rubin degrees of freedom, are
#'   transformed back to rates.
#' * [compare_rates()] on that table compares each level of `group` with the
#'   reference in every completed dataset and pools the risk difference on
#'   its own scale (Wald variance `p1(1-p1)/n1 + p0(1-p0)/n0`), and the risk
#'   and odds ratios on the log scale (variances of Katz et al. and of
#'   Woolf, as [compare_rates()] uses them).
#' * [compare_rates()] with `strata` adds, for each comparison, the
#'   Mantel-Haenszel estimates over the strata (rows with `analysis`
#'   `"Mantel-Haenszel"`, beside the `"crude"` ones): in every completed
#'   dataset the estimate and variance of [compare_rates()] (the risk
#'   difference with the variance of Sato, Greenland and Robins, the risk
#'   ratio with that of Greenland and Robins, the odds ratio with that of
#'   Robins, Breslow and Greenland), pooled with Rubin's rules, the
#'   difference on its own scale and the ratios on the log scale. No cell
#'   correction is made: a Mantel-Haenszel ratio of 0 or infinity, or an
#'   estimate with a variance of 0, in some completed dataset is not pooled
#'   (`NA`, printed `-`). Their complete-data degrees of freedom are the
#'   compared patients less one per stratum holding both groups and one
#'   for the effect.
#'
#' Each pooled estimate comes with the within-imputation variance `ubar`,
#' the between-imputation variance `b`, the total variance `t`, the degrees
#' of freedom `df`, the relative increase in variance `riv`, the proportion
#' of the variance due to the missing data `lambda` and the fraction of
#' missing information `fmi`, all as `mice::pool.scalar()` computes them.
#' The complete-data degrees of freedom of the Barnard-Rubin formula are
#' those of a binomial model of the patients: the evaluable patients (mean
#' over the imputations) minus 1 for a rate, the compared patients minus 2
#' for a comparison.
#'
#' [classify_visits()] accepts the same completed datasets: each is
#' classified at every visit, and `tabulate_cohort(x, by = "visit")` pools
#' each visit's rate over the imputations (tabulated without `visit`, the
#' rows of every visit are pooled, counting patients once per visit, as for
#' a single dataset). [durability()] and [alleviation_bounds()] take one
#' cohort.
#'
#' The counts of a single completed dataset are not data, and no pooled
#' result shows them: only the patients per stratum (when the strata are not
#' imputed, the same in every dataset) and the mean number of evaluable
#' patients.
#'
#' @section Rates of 0 or 1:
#' Where a stratum has no patient alleviated, or every evaluable patient
#' alleviated, in some completed dataset, its logit is infinite. For such
#' a row 0.5 is added to the alleviated and to the not alleviated in
#' **every** completed dataset (the Haldane-Anscombe correction that
#' [compare_rates()] applies to a table with a zero cell; Marshall et al.
#' 2009 transform to a scale where the estimate is approximately normal,
#' and the correction keeps that scale usable), so that all imputations are
#' pooled on one scale; the column `adjusted` says where. The same holds
#' for the risk and odds ratios of a comparison with a zero cell in some
#' completed dataset (column `corrected`). A stratum without evaluable
#' patients in some dataset has no pooled rate (`NA`); a ratio that cannot
#' be estimated in some dataset (nobody alleviated in either group, or for
#' the odds ratio everybody) has no pooled value. The risk difference needs
#' no correction; where its variance is 0 in every dataset it has no
#' interval, and its interval is cut to the possible range, -1 to 1.
#'
#' @section Input:
#' A `mids` object is completed with `mice::complete(data, "all")`
#' (package **mice** must be installed). A list must hold at least two data
#' frames with the same columns and the same number of rows, the same
#' patients in the same order (with `id`, their ids must agree). Strata
#' (`by`) must be columns of the completed data; they may be imputed, but
#' every completed dataset must then give the same table rows (factor
#' strata with `drop = FALSE` do). `data` of [tabulate_cohort()] is not
#' available for imputed cohorts; the interval `method` does not apply.
#'
#' @name imputed_cohort
#' @references
#' Rubin DB. Multiple Imputation for Nonresponse in Surveys. New York:
#' Wiley; 1987.
#'
#' Barnard J, Rubin DB. Small-sample degrees of freedom with multiple
#' imputation. Biometrika 1999;86:948-955.
#'
#' Marshall A, Altman DG, Holder RL, Royston P. Combining estimates of
#' interest in prognostic modelling studies after multiple imputation:
#' current practice and guidelines. BMC Med Res Methodol 2009;9:57.
#'
#' van Buuren S. Flexible Imputation of Missing Data, 2nd ed. Boca Raton:
#' CRC Press; 2018.
#' @examples
#' # Hypothetical: the follow-up of leg pain lost for a fifth of the patients,
#' # imputed three times by drawing from the observed values (for the example
#' # only; use a proper imputation model, as mice fits)
#' set.seed(2)
#' lost <- sample(nrow(myelography), nrow(myelography) / 5)
#' completed <- lapply(1:3, function(k) {
#'   d <- myelography
#'   d$leg_pain_post[lost] <- sample(d$leg_pain_post[-lost], length(lost))
#'   d
#' })
#' imputed <- classify_cohort(completed, id = "id")
#' imputed
#' pooled <- tabulate_cohort(imputed, by = "sex")
#' pooled
#' compare_rates(pooled, "sex")
#' # pooled over hospitals by Mantel-Haenszel in each completed dataset
#' by_hospital <- tabulate_cohort(imputed, by = c("sex", "hospital"))
#' compare_rates(by_hospital, "sex", strata = "hospital")
NULL

mice_available <- function() requireNamespace("mice", quietly = TRUE)

# classify_cohort() on a mids object or a list of completed data frames: a
# list is taken as imputations when it holds a data frame (a list of
# columns is refused as before, as not a data frame).
is_imputed_data <- function(data) {
  inherits(data, c("mids", "mild")) ||
    (is.list(data) && !is.object(data) &&
       any(vapply(data, is.data.frame, logical(1))))
}

classify_imputed <- function(data, rules, pre, post, id, call) {
  completed <- completed_datasets(data, id, call)
  cohorts <- lapply(seq_along(completed), function(k) {
    tryCatch(classify_cohort(completed[[k]], rules, pre = pre, post = post, id = id),
             myelorelief_error = function(e) {
               abort(sprintf("Completed dataset %d of `data`: %s", k,
                             conditionMessage(e)), call)
             })
  })
  structure(cohorts, class = "imputed_cohort",
            source = if (inherits(data, "mids")) "mids" else "list")
}

# classify_visits() on a mids object or a list of completed data frames:
# each classified by classify_visits(), pooled later visit by visit.
classify_imputed_visits <- function(data, rules, visits, baseline, id, call) {
  completed <- completed_datasets(data, id, call)
  cohorts <- lapply(seq_along(completed), function(k) {
    tryCatch(classify_visits(completed[[k]], rules, visits = visits,
                             baseline = baseline, id = id),
             myelorelief_error = function(e) {
               abort(sprintf("Completed dataset %d of `data`: %s", k,
                             conditionMessage(e)), call)
             })
  })
  structure(cohorts, class = "imputed_cohort",
            source = if (inherits(data, "mids")) "mids" else "list")
}

# Which rows of two data frames with the same columns are equal in every
# column (NA equal to NA).
rows_identical <- function(a, b) {
  same <- rep(TRUE, nrow(a))
  for (column in names(a)) {
    x <- a[[column]]
    y <- b[[column]]
    if (is.factor(x) || is.factor(y)) {
      x <- as.character(x)
      y <- as.character(y)
    }
    if (!is.atomic(x) || !is.atomic(y) || !is.null(dim(x)) || !is.null(dim(y))) next
    equal <- (x == y) %in% TRUE | (is.na(x) & is.na(y))
    same <- same & equal
  }
  same
}

completed_datasets <- function(data, id, call) {
  if (inherits(data, "mids")) {
    if (!mice_available()) {
      abort("`data` is a mids object: package \"mice\" is needed to complete it; install it with install.packages(\"mice\").",
            call)
    }
    data <- mice::complete(data, action = "all")
    what <- "`data` (a mids object)"
  } else {
    what <- "`data`, a list taken as the completed datasets of a multiple imputation,"
  }
  from_list <- !startsWith(what, "`data` (a mids")
  data <- unclass(data)
  if (length(data) < 2L) {
    abort(sprintf("%s must hold at least 2 completed datasets, not %d: with one there is nothing to pool (classify a single data frame as it is).",
                  what, length(data)), call)
  }
  for (k in seq_along(data)) {
    if (!is.data.frame(data[[k]])) {
      abort(sprintf("%s must hold data frames only: `data[[%d]]` is %s.", what,
                    k, describe_value(data[[k]])), call)
    }
  }
  first <- data[[1L]]
  for (k in seq_along(data)[-1L]) {
    d <- data[[k]]
    if (nrow(d) != nrow(first)) {
      abort(sprintf("The completed datasets in `data` must have the same patients: `data[[1]]` has %d rows, `data[[%d]]` %d.",
                    nrow(first), k, nrow(d)), call)
    }
    if (!identical(names(d), names(first))) {
      abort(sprintf("The completed datasets in `data` must have the same columns: `data[[%d]]` differs from `data[[1]]` (%s).",
                    k, paste0("\"", setdiff(union(names(d), names(first)),
                                            intersect(names(d), names(first))),
                              "\"", collapse = ", ")), call)
    }
    if (!is.null(id) && id %in% names(first) &&
        !identical(as.vector(d[[id]]), as.vector(first[[id]]))) {
      abort(sprintf("The completed datasets in `data` must hold the same patients in the same order: the `id` column \"%s\" of `data[[%d]]` differs from `data[[1]]`'s at row %d.",
                    id, k, first_difference(d[[id]], first[[id]])), call)
    }
    # Completed datasets agree wherever nothing was imputed; a list of
    # chunks (split()) or of different cohorts agrees nowhere, and pooling
    # it with Rubin's rules would print rates of patients who are not there.
    if (from_list && nrow(first) > 0L && !any(rows_identical(d, first))) {
      abort(sprintf("`data` is a list, taken as the completed datasets of a multiple imputation, but `data[[%d]]` and `data[[1]]` agree on no row: completed datasets differ only in imputed values. For chunks of one cohort use tabulate_source() or combine_tables(); classify a single data frame as it is.",
                    k), call)
    }
  }
  data
}

#' @rdname imputed_cohort
#' @param x An `imputed_cohort` (from [classify_cohort()]), a
#'   `pooled_alleviation_table` or a `pooled_rate_comparison`.
#' @param ... Ignored.
#' @export
print.imputed_cohort <- function(x, ...) {
  rules <- cohort_rules(x[[1L]])
  visits <- if (inherits(x[[1L]], "myelo_visits")) attr(x[[1L]], "visits")
  patients <- if (is.null(visits)) count_of(nrow(x[[1L]]), "patient")
              else sprintf("%s at %s", count_of(nrow(x[[1L]]) / length(visits), "patient"),
                           count_of(length(visits), "visit"))
  cat(strwrap(sprintf("<imputed_cohort> %s completed datasets of %s, %s: %s",
                      format_integer(length(x)), patients,
                      count_of(length(rules), "symptom"),
                      paste(names(rules), collapse = ", ")),
              getOption("width"), exdent = 2L), sep = "\n")
  cat(strwrap(paste0("Each dataset classified on its own; tabulate_cohort()",
                     if (!is.null(visits)) " (by = \"visit\")",
                     " pools the rates over them with Rubin's rules. The counts of a single completed dataset are not data."),
              getOption("width"), indent = 2L, exdent = 2L), sep = "\n")
  invisible(x)
}

#' @rdname imputed_cohort
#' @param object An `imputed_cohort`.
#' @export
summary.imputed_cohort <- function(object, ...) tabulate_cohort(object, ...)

# tabulate_cohort() on an imputed_cohort; `method` is NULL unless given.
tabulate_imputed <- function(x, by, data, conf_level, method, margins, drop,
                             call) {
  if (!is.null(data)) {
    abort("`data` is not available for an imputed cohort: the strata must be columns of the completed datasets.",
          call)
  }
  if (!is.null(method)) {
    abort("`method` does not apply to an imputed cohort: pooled rates have Rubin's intervals on the logit scale.",
          call)
  }
  check_conf_level(conf_level, call)
  tables <- lapply(seq_along(x), function(k) {
    tryCatch(tabulate_cohort(x[[k]], by = by, conf_level = conf_level,
                             margins = margins, drop = drop),
             myelorelief_error = function(e) {
               abort(sprintf("Completed dataset %d: %s", k, conditionMessage(e)), call)
             })
  })
  by <- attr(tables[[1L]], "by")
  check_same_rows(tables, c(by, "symptom"), call)
  first <- tables[[1L]]
  m <- length(tables)
  a <- vapply(tables, `[[`, numeric(nrow(first)), "alleviated")
  e <- vapply(tables, `[[`, numeric(nrow(first)), "evaluable")
  n <- vapply(tables, `[[`, numeric(nrow(first)), "n")
  dim(a) <- dim(e) <- dim(n) <- c(nrow(first), m)
  estimable <- rowSums(e == 0) == 0
  adjusted <- estimable & rowSums(a == 0 | a == e) > 0
  a_used <- a + 0.5 * adjusted
  e_used <- e + 1 * adjusted
  q <- log(a_used / (e_used - a_used))
  u <- 1 / a_used + 1 / (e_used - a_used)
  q[!estimable, ] <- NA_real_
  u[!estimable, ] <- NA_real_
  pooled <- rubin_pool(q, u, dfcom = rowMeans(e) - 1, conf_level)
  out <- plain_data_frame(first)[c(by, "symptom")]
  out$m <- rep(m, nrow(first))
  out$n <- rowMeans(n)
  out$evaluable_mean <- rowMeans(e)
  out$rate <- stats::plogis(pooled$qbar)
  out$rate_lower <- stats::plogis(pooled$lower)
  out$rate_upper <- stats::plogis(pooled$upper)
  out$adjusted <- adjusted
  out[c("qbar", "ubar", "b", "t", "df", "riv", "lambda", "fmi")] <-
    pooled[c("qbar", "ubar", "b", "t", "df", "riv", "lambda", "fmi")]
  structure(out, class = c("pooled_alleviation_table", "data.frame"),
            by = by, m = m, conf_level = conf_level, margins = margins,
            drop = drop, rules = attr(first, "rules"), imputations = tables)
}

# The tables of the completed datasets must have the same rows (strata and
# symptom), in the same order.
check_same_rows <- function(tables, keys, call) {
  key <- function(t) do.call(paste, c(lapply(t[keys], as.character), sep = "\r"))
  first <- key(tables[[1L]])
  for (k in seq_along(tables)[-1L]) {
    if (!identical(key(tables[[k]]), first)) {
      abort(sprintf("The completed datasets give different strata: the table of dataset %d has other rows than dataset 1's. With imputed strata, make them factors with the same levels and keep drop = FALSE.",
                    k), call)
    }
  }
  invisible(tables)
}

# Rubin's rules, one row per estimate: Q and U matrices (estimates by
# imputations), dfcom the complete-data degrees of freedom per row. As
# mice::pool.scalar(rule = "rubin1987") with its Barnard-Rubin degrees of
# freedom (lambda floored at 1e-4 as there). Rows whose total variance is 0
# have no interval.
rubin_pool <- function(Q, U, dfcom, conf_level) {
  m <- ncol(Q)
  qbar <- rowMeans(Q)
  ubar <- rowMeans(U)
  b <- rowSums((Q - qbar)^2) / (m - 1)
  t <- ubar + (1 + 1 / m) * b
  riv <- (1 + 1 / m) * b / ubar
  lambda <- (1 + 1 / m) * b / t
  floored <- pmax(lambda, 1e-4)
  dfold <- (m - 1) / floored^2
  dfobs <- (dfcom + 1) / (dfcom + 3) * dfcom * (1 - floored)
  df <- ifelse(is.infinite(dfcom), dfold, dfold * dfobs / (dfold + dfobs))
  fmi <- (riv + 2 / (df + 3)) / (riv + 1)
  no_variance <- !is.na(t) & t == 0
  df[no_variance] <- riv[no_variance] <- lambda[no_variance] <-
    fmi[no_variance] <- NA_real_
  half <- stats::qt((1 - conf_level) / 2, df, lower.tail = FALSE) * sqrt(t)
  list(qbar = qbar, ubar = ubar, b = b, t = t, df = df, riv = riv,
       lambda = lambda, fmi = fmi, lower = qbar - half, upper = qbar + half)
}

#' @rdname imputed_cohort
#' @param digits Decimal places of the percentages.
#' @export
format.pooled_alleviation_table <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  out <- lapply(x[by], function(f) ifelse(is.na(f), "NA", as.character(f)))
  out$symptom <- as.character(x$symptom)
  out$patients <- ifelse(x$n == round(x$n), format_integer(x$n),
                         formatC(x$n, format = "f", digits = 1))
  out$rate <- paste0(format_rate(x$rate, x$rate_lower, x$rate_upper, digits),
                     ifelse(x$adjusted, "*", ""))
  out$df <- ifelse(is.na(x$df), "-", formatC(x$df, format = "f", digits = 1))
  out$fmi <- ifelse(is.na(x$fmi), "-", formatC(x$fmi, format = "f", digits = 2))
  list2DF(out, nrow = nrow(x))
}

#' @rdname imputed_cohort
#' @export
print.pooled_alleviation_table <- function(x, digits = 1L, ...) {
  cat(strwrap(sprintf("<pooled_alleviation_table> Alleviation rates (%s%% CI) pooled over %s completed datasets with Rubin's rules on the logit scale; df: Barnard-Rubin; fmi: fraction of missing information",
                      format(100 * attr(x, "conf_level")),
                      format_integer(attr(x, "m"))),
              getOption("width"), exdent = 2L), sep = "\n")
  cat("\n")
  shown <- format(x, digits = digits)
  names(shown)[names(shown) == "rate"] <- "rate (CI)"
  print(shown, right = FALSE, row.names = FALSE)
  for (note in pooled_table_notes(x)) {
    cat(strwrap(note, getOption("width"), exdent = 2L), sep = "\n")
  }
  invisible(x)
}

# The notes that explain the marks in format()'s cells.
pooled_table_notes <- function(x) {
  if (any(x$adjusted, na.rm = TRUE)) {
    "* a rate of 0 or 1 in some completed dataset: 0.5 added to the alleviated and the not alleviated in every dataset."
  }
}

#' @export
as.data.frame.pooled_alleviation_table <- function(x, ...) plain_data_frame(x)

#' @export
`[.pooled_alleviation_table` <- function(x, i, j, ...) {
  plain_data_frame(NextMethod())
}

# compare_rates() on a pooled_alleviation_table: each completed dataset's
# crude comparison, pooled per measure; with `strata`, each dataset's
# Mantel-Haenszel estimates too, pooled per measure.
compare_rates_pooled <- function(x, group, reference, strata, conf_level,
                                 denominator, call) {
  check_conf_level(conf_level, call)
  tables <- attr(x, "imputations")
  by <- attr(x, "by")
  if (!is.null(strata)) {
    # checked here so that the message does not name a completed dataset
    check_by_columns(strata, by, "strata", call)
    if (group %in% strata) {
      abort(sprintf("`strata` must not include the `group` column \"%s\".",
                    group), call)
    }
  }
  comparisons <- list()
  for (k in seq_along(tables)) {
    comparisons[[k]] <- tryCatch(
      compare_rates(tables[[k]], group, reference = reference, strata = strata,
                    conf_level = conf_level, denominator = denominator),
      myelorelief_error = function(e) {
        abort(sprintf("Completed dataset %d: %s", k, conditionMessage(e)), call)
      })
    # every dataset against the first one's reference
    if (k == 1L) reference <- attr(comparisons[[1L]], "reference")
  }
  crude <- pool_crude_comparisons(comparisons, conf_level, call)
  out <- crude
  if (!is.null(strata)) {
    mh <- pool_mh_comparisons(comparisons, conf_level, call)
    crude$analysis <- "crude"
    out <- rbind(crude, mh)[c("symptom", "group", "reference", "analysis",
                              setdiff(names(crude), c("symptom", "group",
                                                      "reference", "analysis")))]
  }
  # symptom by symptom, the group's measures together (crude, then pooled
  # over the strata)
  first <- crude
  out <- out[order(as.integer(out$symptom), match(out$group, unique(first$group)),
                   match(out$analysis %||% rep("crude", nrow(out)),
                         c("crude", "Mantel-Haenszel")),
                   match(out$measure, c("rd", "rr", "or"))), ]
  rownames(out) <- NULL
  structure(out, class = c("pooled_rate_comparison", "data.frame"),
            group_name = group, reference = reference, m = length(tables),
            conf_level = conf_level, denominator = denominator,
            strata_names = strata)
}

# The crude rows of each completed dataset's comparison, pooled per measure.
pool_crude_comparisons <- function(comparisons, conf_level, call) {
  comparisons <- lapply(comparisons, function(cmp) plain_data_frame(cmp)[cmp$analysis == "crude", ])
  check_same_rows(comparisons, c("symptom", "group"), call)
  first <- comparisons[[1L]]
  m <- length(comparisons)
  take <- function(column) {
    v <- vapply(comparisons, `[[`, numeric(nrow(first)), column)
    dim(v) <- c(nrow(first), m)
    v
  }
  a <- take("events")
  n1 <- take("total")
  c0 <- take("ref_events")
  n0 <- take("ref_total")
  b <- n1 - a
  d <- n0 - c0
  dfcom <- rowMeans(n1 + n0) - 2
  # risk difference, on its own scale
  p1 <- a / n1
  p0 <- c0 / n0
  q_rd <- p1 - p0
  u_rd <- p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0
  bad <- rowSums(n1 == 0 | n0 == 0) > 0
  q_rd[bad, ] <- u_rd[bad, ] <- NA_real_
  # ratios, on the log scale, 0.5 added to every cell in every dataset where
  # some dataset has a zero cell
  corrected <- !bad & rowSums(a == 0 | b == 0 | c0 == 0 | d == 0) > 0
  h <- 0.5 * corrected
  ah <- a + h; bh <- b + h; ch <- c0 + h; dh <- d + h
  q_rr <- log((ah / (ah + bh)) / (ch / (ch + dh)))
  u_rr <- 1 / ah - 1 / (ah + bh) + 1 / ch - 1 / (ch + dh)
  no_rr <- bad | rowSums(a == 0 & c0 == 0) > 0
  q_rr[no_rr, ] <- u_rr[no_rr, ] <- NA_real_
  q_or <- log(ah * dh / (bh * ch))
  u_or <- 1 / ah + 1 / bh + 1 / ch + 1 / dh
  no_or <- no_rr | rowSums(b == 0 & d == 0) > 0
  q_or[no_or, ] <- u_or[no_or, ] <- NA_real_
  rbind(pooled_measure(first, q_rd, u_rd, dfcom, "rd", FALSE, conf_level),
        pooled_measure(first, q_rr, u_rr, dfcom, "rr", corrected, conf_level),
        pooled_measure(first, q_or, u_or, dfcom, "or", corrected, conf_level))
}

# The Mantel-Haenszel rows of each completed dataset's comparison, pooled per
# measure: the risk difference on its own scale with the variance of Sato,
# Greenland and Robins, the risk ratio (Greenland-Robins) and the odds ratio
# (Robins-Breslow-Greenland) on the log scale, each dataset's estimate and
# variance those of compare_rates(). compare_rates() gives each estimate
# with its Wald interval, estimate -/+ z * se (on the log scale for the
# ratios), so the variance is ((upper - lower) / (2 z))^2. A measure with no
# interval in some dataset (a ratio of 0 or infinity, a variance of 0) is
# not pooled. The complete-data degrees of freedom: the compared patients
# less one per stratum with patients in both groups and one for the effect.
pool_mh_comparisons <- function(comparisons, conf_level, call) {
  comparisons <- lapply(comparisons, function(cmp) {
    plain_data_frame(cmp)[cmp$analysis == "Mantel-Haenszel", ]
  })
  check_same_rows(comparisons, c("symptom", "group"), call)
  first <- comparisons[[1L]]
  m <- length(comparisons)
  take <- function(column) {
    v <- vapply(comparisons, function(cmp) as.double(cmp[[column]]),
                numeric(nrow(first)))
    dim(v) <- c(nrow(first), m)
    v
  }
  z <- stats::qnorm((1 - conf_level) / 2, lower.tail = FALSE)
  dfcom <- rowMeans(take("total") + take("ref_total")) - rowMeans(take("strata_rd")) - 1
  measure <- function(name, log_scale) {
    estimate <- take(name)
    lower <- take(paste0(name, "_lower"))
    upper <- take(paste0(name, "_upper"))
    if (log_scale) {
      q <- log(estimate)
      u <- ((log(upper) - log(lower)) / (2 * z))^2
    } else {
      q <- estimate
      u <- ((upper - lower) / (2 * z))^2
    }
    unusable <- rowSums(!is.finite(q) | !is.finite(u)) > 0
    q[unusable, ] <- u[unusable, ] <- NA_real_
    out <- pooled_measure(first, q, u, dfcom, name, FALSE, conf_level)
    out$analysis <- rep("Mantel-Haenszel", nrow(out))
    out
  }
  rbind(measure("rd", FALSE), measure("rr", TRUE), measure("or", TRUE))
}

# One measure pooled over the imputations: `q` and `u` (comparisons by
# imputations) on the scale of pooling, back-transformed for the ratios.
pooled_measure <- function(first, q, u, dfcom, measure, corrected, conf_level) {
  p <- rubin_pool(q, u, dfcom, conf_level)
  back <- if (measure == "rd") identity else exp
  out <- first[c("symptom", "group", "reference")]
  out$measure <- rep(measure, nrow(first))
  out$m <- rep(ncol(q), nrow(first))
  out$estimate <- back(p$qbar)
  # a difference of two rates lies in [-1, 1]; its t interval need not
  out$lower <- if (measure == "rd") pmax(-1, p$lower) else back(p$lower)
  out$upper <- if (measure == "rd") pmin(1, p$upper) else back(p$upper)
  out$corrected <- rep_len(corrected, nrow(first))
  out[c("qbar", "ubar", "b", "t", "df", "riv", "lambda", "fmi")] <-
    p[c("qbar", "ubar", "b", "t", "df", "riv", "lambda", "fmi")]
  out
}

#' @rdname imputed_cohort
#' @export
format.pooled_rate_comparison <- function(x, digits = 1L, ...) {
  is_rd <- x$measure == "rd"
  value <- ifelse(is_rd,
                  format_rate(x$estimate, x$lower, x$upper, digits, sep = " to "),
                  ifelse(is.na(x$estimate), "-",
                         sprintf("%s (%s to %s)", formatC(x$estimate, format = "f", digits = 2),
                                 formatC(x$lower, format = "f", digits = 2),
                                 formatC(x$upper, format = "f", digits = 2))))
  value <- gsub("(NA to NA)", "(-)", value, fixed = TRUE)
  columns <- list(
    symptom = as.character(x$symptom),
    comparison = sprintf("%s vs %s", x$group, x$reference),
    analysis = x$analysis,
    measure = unname(c(rd = "risk difference", rr = "risk ratio", or = "odds ratio")[x$measure]),
    estimate = paste0(value, ifelse(x$corrected, "*", "")),
    df = ifelse(is.na(x$df), "-", formatC(x$df, format = "f", digits = 1)),
    fmi = ifelse(is.na(x$fmi), "-", formatC(x$fmi, format = "f", digits = 2)))
  list2DF(columns[!vapply(columns, is.null, logical(1))], nrow = nrow(x))
}

#' @rdname imputed_cohort
#' @export
print.pooled_rate_comparison <- function(x, digits = 1L, ...) {
  strata <- attr(x, "strata_names")
  cat(strwrap(sprintf("<pooled_rate_comparison> %s (%s%% CI) pooled over %s completed datasets with Rubin's rules: the risk difference on its own scale, the ratios on the log scale; df: Barnard-Rubin; fmi: fraction of missing information",
                      if (is.null(strata)) "Crude comparisons"
                      else sprintf("Crude comparisons and Mantel-Haenszel estimates over %s",
                                   paste(strata, collapse = " and ")),
                      format(100 * attr(x, "conf_level")),
                      format_integer(attr(x, "m"))),
              getOption("width"), exdent = 2L), sep = "\n")
  cat("\n")
  print(format(x, digits = digits), right = FALSE, row.names = FALSE)
  for (note in pooled_comparison_notes(x)) {
    cat(strwrap(note, getOption("width"), exdent = 2L), sep = "\n")
  }
  invisible(x)
}

# The notes that explain the marks in format()'s cells.
pooled_comparison_notes <- function(x) {
  c(if (any(x$corrected, na.rm = TRUE)) {
      "* a zero cell in some completed dataset: 0.5 added to every cell in every dataset."
    },
    if (!is.null(x$analysis) && any(x$analysis == "Mantel-Haenszel" & is.na(x$estimate))) {
      "-: a Mantel-Haenszel estimate without an interval in some completed dataset (a ratio of 0 or infinity, or a variance of 0), not pooled."
    })
}

#' @export
as.data.frame.pooled_rate_comparison <- function(x, ...) plain_data_frame(x)

#' @rdname imputed_cohort
#' @exportS3Method generics::tidy
tidy.pooled_alleviation_table <- function(x, ...) {
  d <- as.data.frame(x)
  tidy_frame(d[c(attr(x, "by"), "symptom")], rep("rate", nrow(d)), d$rate,
             d$rate_lower, d$rate_upper,
             extra = d[c("m", "df", "riv", "fmi", "adjusted")])
}

#' @rdname imputed_cohort
#' @exportS3Method generics::tidy
tidy.pooled_rate_comparison <- function(x, ...) {
  d <- as.data.frame(x)
  tidy_frame(d[intersect(c("symptom", "group", "reference", "analysis"), names(d))],
             d$measure, d$estimate,
             d$lower, d$upper, extra = d[c("m", "df", "riv", "fmi", "corrected")])
}
