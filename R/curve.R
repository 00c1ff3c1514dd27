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
#' @param vary Which threshold varies: `"min_relative"` (a fraction of
#'   baseline) or `"min_change"` (in the measure's units). The varied
#'   threshold takes part even when the rule leaves it `NA`.
#' @param conf_level,method Confidence level and interval method (see
#'   [prop_ci()]).
#' @return A data frame of class `alleviation_curve`, one row per threshold
#'   in the order given: `threshold`, `alleviated`, `evaluable` (pairs with
#'   the symptom present and both values known, the same for every
#'   threshold), `rate`, `lower`, `upper`.
#' @examples
#' curve <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
#'                            study_rules()$lbp,
#'                            thresholds = seq(0, 1, by = 0.05))
#' curve
#' plot(curve)
#' @export
alleviation_curve <- function(pre, post, rule, thresholds,
                              vary = c("min_relative", "min_change"),
                              conf_level = 0.95, method = "wilson") {
  call <- sys.call()
  pre <- as_measurements(pre, "pre", call)
  post <- as_measurements(post, "post", call)
  check_rule(rule, call = call)
  if (!is.numeric(thresholds) || is.object(thresholds) || !length(thresholds) ||
      !is.null(dim(thresholds)) ||
      anyNA(thresholds) || any(!is.finite(thresholds)) || any(thresholds < 0)) {
    abort(sprintf("`thresholds` must be finite numbers >= 0, not %s.",
                  describe_value(thresholds)), call)
  }
  vary <- check_choice(vary, c("min_relative", "min_change"), "vary", call)
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
               evaluable = evaluable, rate = ci$estimate, lower = ci$lower,
               upper = ci$upper)),
    class = c("alleviation_curve", "data.frame"),
    rule = rule, vary = vary, conf_level = conf_level, method = method)
}

#' @rdname alleviation_curve
#' @param x An `alleviation_curve`.
#' @param ... `print()`: ignored; `plot()`: passed to
#'   [graphics::plot.default()].
#' @export
print.alleviation_curve <- function(x, ...) {
  rule <- attr(x, "rule")
  cat(sprintf("<alleviation_curve> varying `%s` of: %s\n", attr(x, "vary"),
              format(rule)[1L]))
  cat(sprintf("%s evaluable pairs; %s%% %s intervals\n",
              format_integer(x$evaluable[1L]), format(100 * attr(x, "conf_level")),
              method_label(attr(x, "method"))))
  shown <- data.frame(threshold = curve_threshold_label(x$threshold, attr(x, "vary")),
                      alleviated = format_count(x$alleviated, x$evaluable),
                      "rate (CI)" = format_rate(x$rate, x$lower, x$upper),
                      check.names = FALSE)
  print(shown, right = FALSE, row.names = FALSE)
  invisible(x)
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
                         ylim = c(0, 100 * max(x$upper[shown])),
                         xlab = xlab, ylab = ylab, main = main, ...)
  graphics::polygon(c(along, rev(along)),
                    100 * c(x$lower[shown], rev(x$upper[shown])),
                    col = grDevices::adjustcolor("steelblue", 0.25),
                    border = NA)
  graphics::lines(along, 100 * x$rate[shown], lwd = 2, col = "steelblue4")
  current <- rule[[vary]]
  if (!is.na(current)) {
    graphics::abline(v = scale * current, lty = 2, col = "grey40")
    graphics::mtext("rule's cut-off", side = 3, at = scale * current,
                    line = 0.2, cex = 0.8, col = "grey30")
  }
  invisible(x)
}
