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
#' A weighted table (`tabulate_cohort(weights = )`) shows the patients
#' counted as `alleviated/n` (without a percentage), the weighted rate with
#' its design-based interval, and `n_eff` (the column `n_effective`); its
#' header says what the weights are.
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
  weighted <- !is.null(attr(x, "weights"))
  if (weighted) {
    # patients counted, without a percentage: the rate is the weighted one
    out[["alleviated/n"]] <- sprintf("%s/%s", format_integer(x$alleviated),
                                     format_integer(x$n))
  } else {
    out[["alleviated/n"]] <- format_count(x$alleviated, x$n, digits)
  }
  out$evaluable <- format_integer(x$evaluable)
  out[[rate_header(attr(x, "conf_level"),
                   if (weighted) "weighted rate" else "rate")]] <-
    format_rate(x$rate, x$rate_lower, x$rate_upper, digits)
  if (weighted) {
    # "n_eff": the long name pushed a table by hospital past 80 columns
    out$n_eff <- ifelse(is.na(x$n_effective), "-",
                              formatC(x$n_effective, format = "f", digits = 1,
                                      big.mark = ","))
  }
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
    cat(sprintf("<alleviation_table> %s, %s%s\n", count_of(patients, attr(x, "unit") %||% "patient"),
                count_of(length(attr(x, "rules")), "symptom"), strata))
  }
  weights <- attr(x, "weights")
  if (is.null(weights)) {
    cat("rate: alleviated / evaluable (symptom present at baseline and judged)\n")
    cat(sprintf("intervals: %s%% %s\n", format(100 * attr(x, "conf_level")),
                method_label(attr(x, "method"))))
  } else {
    cat(sprintf("weights: %s (counts are patients; rates are weighted)\n",
                encodeString(weights, quote = "\"")))
    cat("rate: weight of the alleviated / weight of the evaluable\n")
    cat(sprintf("intervals: %s%% %s, design-based, at the effective size n_eff\n",
                format(100 * attr(x, "conf_level")),
                if (attr(x, "method") == "exact") "Korn-Graubard"
                else method_label(attr(x, "method"))))
  }
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
              "margins", "drop", "subset", "unit", "weights")) {
    attr(x, a) <- NULL
  }
  class(x) <- "data.frame"
  x
}

#' Plot alleviation rates with their confidence intervals
#'
#' A dot-and-whisker chart in base graphics: one line per symptom (and
#' stratum), the dot at the alleviation rate among evaluable patients and the
#' whisker across its confidence interval, with alleviated/evaluable written
#' at the right. In a stratified table each symptom is a heading over its
#' strata, and its overall row ("all") is drawn as an open diamond. Text
#' shrinks as rows are added, so that every row keeps its label on the
#' default 480 x 480 `png()`; beyond about 60 rows, plot fewer symptoms or
#' a larger device. Labels get up to 45% of the width: longer ones make the
#' text smaller (to 7 points), then are shortened with an ellipsis, keeping
#' distinct labels distinct; a long title wraps.
#'
#' @param x An `alleviation_table`.
#' @param symptoms Which symptoms to show (default: all, including `"any"`).
#' @param main,xlab Title and axis label. The default title names the
#'   strata (`"Alleviation rates by hospital"`).
#' @param col Colours, one per stratum (recycled).
#' @param counts Write alleviated/evaluable beside each interval.
#' @param ... Passed to [graphics::plot.window()].
#' @return `x`, invisibly.
#' @examples
#' cohort <- classify_cohort(myelography)
#' plot(tabulate_cohort(cohort, by = "hospital"))
#' plot(tabulate_cohort(cohort), main = "Synthetic cohort of Guo et al. (2016)")
#' @export
plot.alleviation_table <- function(x, symptoms = levels(x$symptom),
                                   main = NULL, xlab = NULL, col = NULL,
                                   counts = TRUE, ...) {
  # (a weighted row whose evaluable patients all weigh 0 has no rate)
  x <- x[x$symptom %in% symptoms & x$evaluable > 0 & !is.na(x$rate), ,
         drop = FALSE]
  if (!nrow(x)) {
    abort("Nothing to plot: no symptom has evaluable patients.", sys.call())
  }
  by <- attr(x, "by")
  if (is.null(main)) {
    main <- if (length(by)) paste("Alleviation rates by", paste(by, collapse = " and "))
            else "Alleviation rates"
  }
  if (is.null(xlab)) {
    xlab <- sprintf("%s among evaluable patients, %% (%s%% CI)",
                    if (is.null(attr(x, "weights"))) "Alleviated"
                    else "Weighted share alleviated",
                    format(100 * attr(x, "conf_level")))
  }
  layout <- plot_rows(x, by)
  stratum <- layout$stratum
  strata <- unique(stratum[!layout$is_margin])
  if (is.null(col)) col <- grDevices::hcl.colors(max(length(strata), 2L), "Dark 3")
  colour <- rep_len(col, max(length(strata), 1L))[match(stratum, strata)]
  colour[layout$is_margin] <- "grey15"

  # Text small enough that every line (rows and headings) has room
  n_lines <- max(layout$y) + 1
  plot_height <- graphics::par("din")[2L] - 1.6       # inches, less title and axis
  graphics::plot.new()                                # to measure text
  cex <- max(0.45, min(0.9, 0.8 * plot_height / n_lines /
                         graphics::strheight("M", units = "inches")))
  events <- format_fraction(x$alleviated, x$evaluable)
  right <- if (counts) max(text_inches(events, cex)) + 0.2 else 0.2
  # labels get up to 45% of the width; beyond it the text shrinks to a
  # readable minimum, then the labels are shortened
  width <- graphics::par("din")[1L]
  room <- 0.45 * width - 0.3
  needed <- function(cex) {
    max(text_inches(layout$label, cex), text_inches(layout$heading, cex, 2))
  }
  if (needed(cex) > room) cex <- max(min(cex, min_plot_cex()),
                                     min(cex, 0.95 * cex * room / needed(cex)))
  layout$label <- fit_labels(layout$label, room, cex)
  layout$heading <- fit_labels(layout$heading, room, cex, 2)
  left <- needed(cex) + 0.3
  title_cex <- main_cex()
  lines <- wrap_to_width(main, width - 0.2, title_cex, 2, 3L)
  old <- graphics::par(mai = c(0.9, left, max(0.6, 0.2 * title_cex * (length(lines) + 1)), right))
  on.exit(graphics::par(old))
  # plot.default() without its plot.new(): the page is already begun
  graphics::plot.window(xlim = c(0, 100 * max(x$rate_upper)),
                        ylim = c(max(layout$y) + 0.5, 0.5), ...)
  graphics::axis(1)
  graphics::box()
  draw_axis_titles(xlab)
  # the title centred on the device, so that wide labels do not push it off
  for (i in seq_along(lines)) {
    graphics::mtext(lines[i], side = 3, outer = FALSE, font = 2, cex = title_cex,
                    line = graphics::par("mar")[3L] - 0.3 - 1.1 * title_cex * i,
                    at = graphics::grconvertX(0.5, "ndc", "user"))
  }
  graphics::abline(h = layout$y, col = "grey92")
  graphics::segments(100 * x$rate_lower, layout$y, 100 * x$rate_upper, layout$y,
                     col = colour, lwd = 2)
  graphics::points(100 * x$rate, layout$y, pch = ifelse(layout$is_margin, 23, 19),
                   col = colour, bg = "white", cex = min(1.2, 1.4 * cex))
  # one mtext() per line: axis() would drop labels that overlap
  graphics::mtext(layout$label, side = 2, at = layout$y, las = 1, line = 0.4,
                  cex = cex, adj = 1)
  if (length(layout$heading)) {
    graphics::mtext(layout$heading, side = 2, at = layout$heading_y, las = 1,
                    line = left / graphics::par("csi") - 0.6, adj = 0,
                    cex = cex, font = 2)
  }
  if (counts) {
    graphics::mtext(events, side = 4, at = layout$y, las = 1, line = 0.3,
                    cex = cex, adj = 0, col = "grey25")
  }
  invisible(x)
}

# Where each row of a table goes: symptoms top to bottom; in a stratified
# table a heading line per symptom, then its strata (the overall row last,
# labelled "all"). Returns y (1 = top), the labels, the headings and their
# y, the stratum of each row and which rows are overall rows.
plot_rows <- function(x, by) {
  symptom <- as.character(x$symptom)
  if (!length(by)) {
    return(list(y = seq_len(nrow(x)), label = symptom, heading = character(),
                heading_y = numeric(), stratum = rep("", nrow(x)),
                is_margin = rep(FALSE, nrow(x))))
  }
  stratum <- stratum_names(x, by)
  is_margin <- Reduce(`|`, lapply(x[by], function(f) !is.na(f) & f == margin_label))
  label <- ifelse(is_margin, "all", stratum)
  group <- match(symptom, unique(symptom))
  # each symptom: one heading line, then its rows, then a half-line gap
  y <- seq_len(nrow(x)) + group + 0.5 * (group - 1)
  first <- !duplicated(group)
  list(y = y, label = label, heading = symptom[first], heading_y = y[first] - 1,
       stratum = stratum, is_margin = is_margin)
}
