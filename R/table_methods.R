# print(), format(), as.data.frame() and plot() for alleviation_table.

#' Print, format and convert an alleviation table
#'
#' `format()` turns the table into text columns: `alleviated` as
#' "26/325 (8.0%)" (the share of all patients in the stratum), `rate` as the
#' percentage among evaluable patients with its interval, then the other
#' counts. `print()` shows that, aligned, under a one-line header.
#'
#' @param x An `alleviation_table` from [tabulate_cohort()].
#' @param digits Decimal places of percentages.
#' @param ... Ignored.
#' @return `format()`: a data frame of character columns. `print()`: `x`,
#'   invisibly. `as.data.frame()`: a plain data frame.
#' @examples
#' tab <- tabulate_cohort(classify_cohort(myelography))
#' tab
#' format(tab)
#' as.data.frame(tab)
#' @export
format.alleviation_table <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  out <- lapply(x[by], function(f) ifelse(is.na(f), "NA", as.character(f)))
  out$symptom <- as.character(x$symptom)
  out$alleviated <- format_count(x$alleviated, x$n, digits)
  out$rate <- format_rate(x$rate, x$rate_lower, x$rate_upper, digits)
  out$evaluable <- format_integer(x$evaluable)
  for (column in c("unchanged", "worsened", "absent", "missing")) {
    out[[column]] <- format_integer(x[[column]])
  }
  out <- as.data.frame(out, stringsAsFactors = FALSE)
  names(out)[names(out) == "alleviated"] <- "alleviated/n"
  names(out)[names(out) == "rate"] <- sprintf("rate (%s%% CI)",
                                               format(100 * attr(x, "conf_level")))
  out
}

#' @rdname format.alleviation_table
#' @export
print.alleviation_table <- function(x, digits = 1L, ...) {
  by <- attr(x, "by")
  cells <- strip_margins(x, by)
  patients <- if (nrow(cells)) sum(cells$n[cells$symptom == cells$symptom[1L]]) else 0
  cat(sprintf("<alleviation_table> %s, %s%s; %s%% %s intervals\n",
              count_of(patients, "patient"),
              count_of(nlevels(x$symptom) - 1L, "symptom"),
              if (length(by)) paste0(", by ", paste(by, collapse = " x ")) else "",
              format(100 * attr(x, "conf_level")),
              method_label(attr(x, "method"))))
  cat("rate = alleviated / evaluable (had the symptom and could be judged)\n")
  print(format(x, digits = digits), right = FALSE, row.names = FALSE)
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
              "margins", "drop")) {
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
