# print(), format(), as.data.frame() and plot() for alleviation_table.

#' Print, format and convert an alleviation table
#'
#' `format()` turns the table into text columns ready for a report
#' (`knitr::kable(format(x))`): the strata, `symptom`, `alleviated/n` as
#' "26/325 (8.0%)" (the share of all patients in the stratum), `evaluable`,
#' the rate among evaluable patients with its interval as "8.9% (6.1-12.7)",
#' then `unchanged`, `worsened`, `absent` and `missing`. `as.data.frame()`
#' gives the numbers (for `write.csv()`).
#'
#' `print()` shows the formatted table under a short header. It keeps to the
#' console width (`getOption("width")`): the last four counts are shown only
#' when they fit; `print(x, all = TRUE)` shows every column, and
#' `as.data.frame(x)` gives every number.
#'
#' @param x An `alleviation_table` from [tabulate_cohort()].
#' @param digits Decimal places of percentages.
#' @param all Show every column, even past the console width.
#' @param ... Ignored.
#' @return `format()`: a data frame of character columns. `print()`: `x`,
#'   invisibly. `as.data.frame()`: a plain data frame.
#' @examples
#' tab <- tabulate_cohort(classify_cohort(myelography))
#' tab
#' print(tab, all = TRUE)
#' format(tab)
#' as.data.frame(tab)
#' @export
format.alleviation_table <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  out <- lapply(x[by], function(f) ifelse(is.na(f), "NA", as.character(f)))
  out$symptom <- as.character(x$symptom)
  out[["alleviated/n"]] <- format_count(x$alleviated, x$n, digits)
  out$evaluable <- format_integer(x$evaluable)
  out[[rate_header(attr(x, "conf_level"))]] <-
    format_rate(x$rate, x$rate_lower, x$rate_upper, digits)
  for (column in c("unchanged", "worsened", "absent", "missing")) {
    out[[column]] <- format_integer(x[[column]])
  }
  as.data.frame(out, stringsAsFactors = FALSE, check.names = FALSE)
}

# "rate (95% CI)"
rate_header <- function(conf_level, what = "rate") {
  sprintf("%s (%s%% CI)", what, format(100 * conf_level))
}

#' @rdname format.alleviation_table
#' @export
print.alleviation_table <- function(x, digits = 1L, all = FALSE, ...) {
  by <- attr(x, "by")
  strata <- if (length(by)) paste0(", by ", paste(by, collapse = " x ")) else ""
  if (isTRUE(attr(x, "subset"))) {
    cat(sprintf("<alleviation_table> %s selected from a table%s\n",
                count_of(nrow(x), "row"), sub(",", "", strata)))
  } else {
    cells <- strip_margins(x, by)
    patients <- sum(cells$n[as.integer(cells$symptom) == 1L])
    cat(sprintf("<alleviation_table> %s, %s%s\n", count_of(patients, "patient"),
                count_of(length(attr(x, "rules")), "symptom"), strata))
  }
  cat("rate: alleviated / evaluable (symptom present at baseline and judged)\n")
  cat(sprintf("intervals: %s%% %s\n", format(100 * attr(x, "conf_level")),
              method_label(attr(x, "method"))))
  print_within_width(format(x, digits = digits),
                     optional = list(c("unchanged", "worsened"),
                                     c("absent", "missing")),
                     all = all)
  invisible(x)
}

method_label <- function(method) {
  c(wilson = "Wilson score", exact = "Clopper-Pearson exact",
    jeffreys = "Jeffreys", "agresti-coull" = "Agresti-Coull")[[method]]
}

#' @rdname format.alleviation_table
#' @param row.names,optional Ignored; present for compatibility with the
#'   generic.
#' @export
as.data.frame.alleviation_table <- function(x, row.names = NULL,
                                            optional = FALSE, ...) {
  for (a in c("rules", "by", "by_levels", "by_kinds", "conf_level", "method",
              "margins", "drop", "subset")) {
    attr(x, a) <- NULL
  }
  class(x) <- "data.frame"
  x
}

#' Plot alleviation rates with their confidence intervals
#'
#' A dot-and-whisker chart in base graphics: one line per symptom (and
#' stratum), the dot at the alleviation rate among evaluable patients and the
#' whisker across its confidence interval. Overall rows of a stratified table
#' are drawn as open diamonds.
#'
#' @param x An `alleviation_table`.
#' @param symptoms Which symptoms to show (default: all, including `"any"`).
#' @param main,xlab Title and axis label.
#' @param col Colours, one per stratum (recycled).
#' @param ... Passed to [graphics::plot.default()].
#' @return `x`, invisibly.
#' @examples
#' cohort <- classify_cohort(myelography)
#' plot(tabulate_cohort(cohort, by = "hospital"))
#' @export
plot.alleviation_table <- function(x, symptoms = levels(x$symptom),
                                   main = "Alleviation after myelography",
                                   xlab = NULL, col = NULL, ...) {
  x <- x[x$symptom %in% symptoms & x$evaluable > 0, , drop = FALSE]
  if (!nrow(x)) {
    abort("Nothing to plot: no symptom has evaluable patients.", sys.call())
  }
  by <- attr(x, "by")
  stratum <- if (length(by)) {
    do.call(paste, c(lapply(x[by], function(f) ifelse(is.na(f), "NA", as.character(f))),
                     sep = " / "))
  } else rep("", nrow(x))
  strata <- unique(stratum)
  if (is.null(col)) col <- grDevices::hcl.colors(max(length(strata), 2L), "Dark 3")
  colour <- rep_len(col, length(strata))[match(stratum, strata)]
  is_margin <- grepl(margin_label, stratum, fixed = TRUE)
  colour[is_margin] <- "grey15"
  labels <- ifelse(stratum == "", as.character(x$symptom),
                   paste0(x$symptom, ": ", stratum))
  # one row per line, symptoms top to bottom with a gap between groups
  group_gap <- cumsum(c(0, diff(as.integer(x$symptom)) != 0))
  y <- rev(seq_len(nrow(x)) + 0.6 * group_gap)
  if (is.null(xlab)) {
    xlab <- sprintf("Alleviated among evaluable patients, %% (%s%% CI)",
                    format(100 * attr(x, "conf_level")))
  }
  old <- graphics::par(mar = c(4.5, 1 + 0.55 * max(nchar(labels)), 3, 1))
  on.exit(graphics::par(old))
  graphics::plot.default(100 * x$rate, y, xlim = c(0, 100 * max(x$rate_upper)),
                         ylim = range(y) + c(-0.5, 0.5), yaxt = "n", type = "n",
                         xlab = xlab, ylab = "", main = main, ...)
  graphics::abline(h = y, col = "grey92")
  graphics::segments(100 * x$rate_lower, y, 100 * x$rate_upper, y,
                     col = colour, lwd = 2)
  graphics::points(100 * x$rate, y, pch = ifelse(is_margin, 23, 19),
                   col = colour, bg = "white", cex = 1.2)
  graphics::axis(2, at = y, labels = labels, las = 1, cex.axis = 0.85,
                 tick = FALSE)
  invisible(x)
}
