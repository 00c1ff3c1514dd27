#' How the alleviation rate depends on a threshold
#'
#' Counts alleviated pairs for many values of one threshold of a rule, the
#' other settings fixed: how much does "about 10%" depend on the cut-off?
#' Computed in one pass of compiled C code over the data (a binary search
#' over the sorted thresholds per pair), not by classifying once per
#' threshold; the counts equal, threshold for threshold, those of
#' [classify_alleviation()] with the rule changed accordingly.
#'
#' @inheritParams classify_alleviation
#' @param thresholds Values of the varied threshold: finite numbers >= 0.
#'   By default a grid of about 20 values: 0 to 100% in steps of 5% for
#'   `"min_relative"`; for `"min_change"`, round steps from 0 to the
#'   largest improvement in the data (or to the width of a finite range).
#' @param vary Which threshold varies: `"min_relative"` (a fraction of
#'   baseline) or `"min_change"` (in the measure's units). The varied
#'   threshold takes part even when the rule leaves it `NA`.
#' @param conf_level,method Confidence level and interval method (see
#'   [prop_ci()]).
#' @return A data frame of class `alleviation_curve`, one row per threshold
#'   in the order given: `threshold`, `alleviated`, `evaluable` (pairs with
#'   the symptom present and both values known, the same for every
#'   threshold), `rate`, `rate_lower`, `rate_upper`.
#' @examples
#' curve <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
#'                            study_rules()$lbp)
#' curve
#' plot(curve)
#' # In points instead of percent of baseline
#' alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
#'                   study_rules()$lbp, vary = "min_change")
#' @export
alleviation_curve <- function(pre, post, rule, thresholds = NULL,
                              vary = c("min_relative", "min_change"),
                              conf_level = 0.95, method = "wilson") {
  call <- sys.call()
  pre <- as_measurements(pre, "pre", call)
  post <- as_measurements(post, "post", call)
  check_rule(rule, call = call)
  vary <- check_choice(vary, c("min_relative", "min_change"), "vary", call)
  if (is.null(thresholds)) thresholds <- default_thresholds(pre, post, rule, vary)
  if (!is.numeric(thresholds) || is.object(thresholds) || !length(thresholds) ||
      !is.null(dim(thresholds)) ||
      anyNA(thresholds) || any(!is.finite(thresholds)) || any(thresholds < 0)) {
    abort(sprintf("`thresholds` must be finite numbers >= 0, not %s.",
                  describe_value(thresholds)), call)
  }
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)

  thresholds <- as.double(thresholds)
  ascending <- order(thresholds)
  counts <- tryCatch(
    .Call(C_alleviation_curve, pre, post, rule_params(rule),
          vary == "min_relative", thresholds[ascending]),
    error = function(e) abort(conditionMessage(e), call))
  alleviated <- numeric(length(thresholds))
  alleviated[ascending] <- counts[[1L]]
  evaluable <- rep(counts[[2L]], length(thresholds))
  ci <- proportion_interval(alleviated, evaluable, conf_level, method)
  structure(
    list2DF(list(threshold = thresholds, alleviated = alleviated,
               evaluable = evaluable, rate = ci$estimate,
               rate_lower = ci$lower, rate_upper = ci$upper)),
    class = c("alleviation_curve", "data.frame"),
    rule = rule, vary = vary, conf_level = conf_level, method = method)
}

# About 20 round cut-offs: 0-100% for a relative threshold; for one in
# points, from 0 to the largest improvement seen (or the width of a finite
# range, when nothing improved).
default_thresholds <- function(pre, post, rule, vary) {
  if (vary == "min_relative") return(seq(0, 1, by = 0.05))
  change <- if (rule$direction == "decrease") pre - post else post - pre
  top <- suppressWarnings(max(change[is.finite(change)], na.rm = TRUE))
  if (!is.finite(top) || top <= 0) {
    top <- if (all(is.finite(rule$range))) diff(rule$range) else 1
  }
  if (all(change[is.finite(change)] == round(change[is.finite(change)]), na.rm = TRUE) &&
      top == round(top)) {
    return(seq(0, top, by = max(1, ceiling(top / 20))))   # whole-number data
  }
  grid <- pretty(c(0, top), n = 20)
  grid[grid >= 0 & grid <= top]
}

#' @rdname alleviation_curve
#' @param x An `alleviation_curve`.
#' @param digits Decimal places of percentages.
#' @param ... `print()`, `format()`: ignored; `plot()`: passed to
#'   [graphics::plot.default()].
#' @export
format.alleviation_curve <- function(x, digits = 1L, ...) {
  out <- data.frame(threshold = curve_threshold_label(x$threshold, attr(x, "vary")),
                    "alleviated/evaluable" = format_fraction(x$alleviated, x$evaluable),
                    check.names = FALSE)
  out[[rate_header(attr(x, "conf_level"))]] <-
    format_rate(x$rate, x$rate_lower, x$rate_upper, digits)
  out
}

#' @rdname alleviation_curve
#' @export
print.alleviation_curve <- function(x, digits = 1L, ...) {
  rule <- attr(x, "rule")
  what <- if (attr(x, "vary") == "min_relative") "relative cut-off (% of baseline)"
          else "cut-off (points)"
  cat(sprintf("<alleviation_curve> alleviation by %s
", what))
  if (!is.null(rule$label)) cat(sprintf("measure: %s
", rule$label))
  cat(strwrap(sprintf("rule otherwise: %s", format(rule)[1L]), width = getOption("width"),
              exdent = 2L), sep = "\n")
  cat(sprintf("%s; %s%% %s intervals\n",
              count_of(x$evaluable[1L], "evaluable pair"),
              format(100 * attr(x, "conf_level")), method_label(attr(x, "method"))))
  print_within_width(format(x, digits = digits))
  invisible(x)
}

#' @rdname alleviation_curve
#' @param row.names,optional Ignored.
#' @export
as.data.frame.alleviation_curve <- function(x, row.names = NULL,
                                            optional = FALSE, ...) {
  plain_data_frame(x)
}

curve_threshold_label <- function(threshold, vary) {
  if (vary == "min_relative") paste0(format(100 * threshold), "%")
  else format(threshold)
}

#' @rdname alleviation_curve
#' @param main,xlab,ylab Title and axis labels.
#' @export
plot.alleviation_curve <- function(x, main = NULL, xlab = NULL,
                                   ylab = "Alleviated among evaluable, %", ...) {
  vary <- attr(x, "vary")
  rule <- attr(x, "rule")
  relative <- vary == "min_relative"
  scale <- if (relative) 100 else 1
  if (is.null(xlab)) {
    xlab <- if (relative) "Minimum improvement, % of baseline"
            else "Minimum improvement (measure's units)"
  }
  if (is.null(main)) {
    main <- paste("Alleviation rate by cut-off",
                  if (!is.null(rule$label)) paste0("\n", rule$label) else "")
  }
  x <- x[order(x$threshold), , drop = FALSE]
  shown <- !is.na(x$rate)
  if (!any(shown)) {
    abort("Nothing to plot: there are no evaluable pairs.", sys.call())
  }
  along <- scale * x$threshold[shown]
  graphics::plot.default(along, 100 * x$rate[shown], type = "n",
                         ylim = c(0, 100 * max(x$rate_upper[shown])),
                         xlab = "", ylab = "", main = NULL, ...)
  # a rule's long label wraps, and what the margin cannot hold is shortened
  draw_title(fit_main(main))
  draw_axis_titles(xlab, ylab)
  graphics::polygon(c(along, rev(along)),
                    100 * c(x$rate_lower[shown], rev(x$rate_upper[shown])),
                    col = grDevices::adjustcolor("steelblue", 0.25),
                    border = NA)
  graphics::lines(along, 100 * x$rate[shown], lwd = 2, col = "steelblue4")
  current <- rule[[vary]]
  if (!is.na(current)) {
    graphics::abline(v = scale * current, lty = 2, col = "grey40")
    # inside the box, below its top, clear of a two-line title
    top <- graphics::par("usr")[4L]
    graphics::text(scale * current, top - 0.03 * diff(graphics::par("usr")[3:4]),
                   "rule's cut-off", pos = 4, offset = 0.3, cex = 0.8, col = "grey30")
  }
  invisible(x)
}
