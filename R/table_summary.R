#' Compare alleviation rates between strata
#'
#' For each symptom of a stratified [tabulate_cohort()] table: the overall
#' rate with its interval, a test that the rate is the same in every stratum
#' (Fisher's exact test on the strata x alleviated/not table of evaluable
#' patients; a chi-square test with a simulated p-value where Fisher's is
#' infeasible), and, when there are exactly two strata, the difference of
#' their rates (first minus second) with the Newcombe hybrid score interval.
#' With several `by` columns each combination of their values is a stratum.
#' Strata without evaluable patients and the overall rows take no part.
#'
#' @param object An `alleviation_table`.
#' @param simulate_B Replicates for the simulated chi-square p-value, used
#'   only where Fisher's test is infeasible.
#' @param ... Ignored.
#' @return A data frame of class `summary.alleviation_table`, one row per
#'   symptom: `symptom`, `n`, `alleviated`, `evaluable`, `rate`, `rate_lower`,
#'   `rate_upper`, `strata` (strata with evaluable patients), `test`,
#'   `p_value`, `difference`, `difference_lower`, `difference_upper`.
#' @references
#' Newcombe RG. Interval estimation for the difference between independent
#' proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
#' @examples
#' cohort <- classify_cohort(myelography)
#' summary(tabulate_cohort(cohort, by = "hospital"))
#' summary(tabulate_cohort(cohort, by = "sex"))
#' @export
summary.alleviation_table <- function(object, simulate_B = 10000L, ...) {
  check_number(simulate_B, "simulate_B", min = 100)
  by <- attr(object, "by")
  conf_level <- attr(object, "conf_level")
  method <- attr(object, "method")
  cells <- strip_margins(object, by)
  rows <- lapply(levels(object$symptom), function(s) {
    strata <- cells[cells$symptom == s, , drop = FALSE]
    totals <- colSums(as.matrix(as.data.frame(strata)[c("n", "alleviated", "evaluable")]))
    overall <- proportion_interval(totals[["alleviated"]], totals[["evaluable"]],
                                   conf_level, method)
    judged <- strata[strata$evaluable > 0, , drop = FALSE]
    test <- if (length(by) && nrow(judged) >= 2L) {
      heterogeneity_test(judged$alleviated, judged$evaluable, simulate_B)
    } else list(test = NA_character_, p_value = NA_real_)
    difference <- if (length(by) && nrow(judged) == 2L) {
      newcombe_difference(judged$alleviated, judged$evaluable, conf_level)
    } else c(NA_real_, NA_real_, NA_real_)
    data.frame(symptom = s, n = totals[["n"]],
               alleviated = totals[["alleviated"]],
               evaluable = totals[["evaluable"]], rate = overall$estimate,
               rate_lower = overall$lower, rate_upper = overall$upper,
               strata = nrow(judged), test = test$test, p_value = test$p_value,
               difference = difference[1L], difference_lower = difference[2L],
               difference_upper = difference[3L])
  })
  out <- do.call(rbind, rows)
  out$symptom <- factor(out$symptom, levels = levels(object$symptom))
  structure(out, class = c("summary.alleviation_table", "data.frame"),
            by = by, conf_level = conf_level, method = method)
}

# Are the alleviation rates equal across strata? Fisher's exact test where
# it is cheap; otherwise chi-square with a simulated p-value (which uses the
# RNG, as chisq.test() does). R's network algorithm for tables larger than
# 2 x 2 can run for minutes without failing (a 60 x 2 table of 1,000-patient
# strata did), so it is tried only on small tables, and its own "workspace
# too small" errors fall back as well.
heterogeneity_test <- function(alleviated, evaluable, simulate_B) {
  counts <- cbind(alleviated, evaluable - alleviated)
  fisher <- if (fisher_is_cheap(counts)) {
    tryCatch(stats::fisher.test(counts)$p.value, error = function(e) NULL)
  }
  if (!is.null(fisher)) return(list(test = "Fisher's exact", p_value = fisher))
  p <- suppressWarnings(stats::chisq.test(counts, simulate.p.value = TRUE,
                                          B = simulate_B)$p.value)
  list(test = "chi-square (simulated p)", p_value = p)
}

# Measured worst case within these bounds: 0.15 s (20 strata, 2,000 patients).
fisher_is_cheap <- function(counts) {
  identical(dim(counts), c(2L, 2L)) ||
    (nrow(counts) <= 20L && sum(counts) <= 2000)
}

# Newcombe's (1998) hybrid score interval for p1 - p2 from Wilson intervals.
newcombe_difference <- function(x, n, conf_level) {
  ci <- proportion_interval(x, n, conf_level, "wilson")
  p <- ci$estimate
  d <- p[1L] - p[2L]
  c(d,
    d - sqrt((p[1L] - ci$lower[1L])^2 + (ci$upper[2L] - p[2L])^2),
    d + sqrt((ci$upper[1L] - p[1L])^2 + (p[2L] - ci$lower[2L])^2))
}

#' @rdname summary.alleviation_table
#' @param x A `summary.alleviation_table`.
#' @param digits Decimal places of percentages.
#' @export
print.summary.alleviation_table <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  cat(sprintf("Alleviation rates%s (%s%% %s intervals)\n",
              if (length(by)) paste0(" across strata of ", paste(by, collapse = " x ")) else "",
              format(100 * attr(x, "conf_level")), method_label(attr(x, "method"))))
  shown <- data.frame(
    symptom = as.character(x$symptom),
    "alleviated/evaluable" = format_count(x$alleviated, x$evaluable, digits),
    rate = format_rate(x$rate, x$rate_lower, x$rate_upper, digits),
    check.names = FALSE)
  if (length(by)) {
    shown$strata <- x$strata
    shown$test <- ifelse(is.na(x$test), "-", x$test)
    shown$p <- format_p(x$p_value)
    if (any(!is.na(x$difference))) {
      shown$difference <- format_rate(x$difference, x$difference_lower,
                                      x$difference_upper, digits, sep = " to ")
    }
  }
  print(shown, right = FALSE, row.names = FALSE)
  invisible(x)
}
