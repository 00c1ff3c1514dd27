# print(), format(), as.data.frame(), summary() and plot() for
# rate_comparison.

#' Print, format and convert a rate comparison
#'
#' `format()` turns a [compare_rates()] result into text columns, one row per
#' comparison and analysis: the counts as "45/120 (37.5%)", the risk
#' difference in percentage points, the ratios (a ratio of 0 or `Inf` with
#' its reason, such as "no treated patient alleviated"), the number needed
#' to treat (NNTB to benefit, NNTH to harm, an interval through infinity
#' where the difference's interval contains 0) and the p-value; with
#' `exact = TRUE`, the exact odds ratio and p. `print()` shows, for each
#' symptom and compared level, the measures as rows and the crude and
#' Mantel-Haenszel analyses as columns, then the heterogeneity tests, with
#' the reasons for ratios of 0 or `Inf` on a line of their own.
#'
#' @param x A `rate_comparison` from [compare_rates()].
#' @param digits Decimal places of percentages, and of the NNT.
#' @param ... Ignored.
#' @return `format()`: a data frame of character columns. `print()`: `x`,
#'   invisibly. `as.data.frame()`: a plain data frame.
#' @examples
#' cohort <- classify_cohort(myelography)
#' cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")),
#'                      "sex", strata = "hospital")
#' cmp
#' format(cmp)
#' as.data.frame(cmp)
#' @export
format.rate_comparison <- function(x, digits = 1L, ...) {
  format_comparison(x, digits, reasons = TRUE)
}

# format(); `reasons`: a ratio of 0 or Inf followed by its reason
# (print() gives the reasons on a line of their own).
format_comparison <- function(x, digits = 1L, reasons = TRUE) {
  why <- if (reasons) with_ratio_reason else function(text, x, measure) text
  out <- data.frame(symptom = as.character(x$symptom), group = x$group,
                    analysis = x$analysis, stringsAsFactors = FALSE)
  names(out)[2L] <- attr(x, "group_name")
  counts <- sprintf("alleviated/%s", attr(x, "denominator"))
  out[[counts]] <- format_count(x$events, x$total, digits)
  out[[sprintf("%s (reference)", attr(x, "reference"))]] <-
    format_count(x$ref_events, x$ref_total, digits)
  level <- format(100 * attr(x, "conf_level"))
  out[[sprintf("difference (%s%% CI)", level)]] <-
    format_rate(x$rd, x$rd_lower, x$rd_upper, digits, sep = " to ")
  out[[sprintf("risk ratio (%s%% CI)", level)]] <-
    why(format_ratio(x$rr, x$rr_lower, x$rr_upper), x, "rr")
  out[[sprintf("odds ratio (%s%% CI)", level)]] <-
    why(format_ratio(x$or, x$or_lower, x$or_upper), x, "or")
  out$NNT <- format_nnt(x$nnt, x$nnt_lower, x$nnt_upper, digits)
  out$p <- format_p(x$p_value)
  out$test <- x$test
  if (isTRUE(attr(x, "exact"))) {
    out[[sprintf("exact odds ratio (%s%% CI)", level)]] <-
      why(format_ratio(x$or_exact, x$or_exact_lower, x$or_exact_upper), x, "or_exact")
    out[["exact p"]] <- format_p(x$p_exact)
  }
  out
}

# A ratio of 0 or Inf says why: which group had no (or every) patient
# alleviated; for a pooled ratio, that no stratum has the pair of cells the
# ratio needs. `text` is format_ratio() of x's `measure` ("rr", "or",
# "or_exact").
with_ratio_reason <- function(text, x, measure) {
  reason <- ratio_reason(x, measure)
  ifelse(nzchar(reason), sprintf("%s (%s)", text, reason), text)
}

# The reason of with_ratio_reason(), "" for a finite positive ratio.
ratio_reason <- function(x, measure) {
  estimate <- x[[measure]]
  zero <- !is.na(estimate) & estimate == 0
  infinite <- !is.na(estimate) & is.infinite(estimate)
  odds <- measure != "rr"
  group <- x$group
  reference <- x$reference
  # with every cell counted, a zero arm explains it; otherwise the strata
  # that have both groups lack the cells the ratio needs
  by_strata <- if (odds) {
    ifelse(zero, sprintf("no stratum with %s alleviated and %s not", group, reference),
           sprintf("no stratum with %s alleviated and %s not", reference, group))
  } else {
    ifelse(zero, sprintf("no %s patient alleviated in strata with both groups", group),
           sprintf("no %s patient alleviated in strata with both groups", reference))
  }
  reason <- ifelse(zero,
    ifelse(x$events == 0, sprintf("no %s patient alleviated", group),
           ifelse(odds & x$ref_events == x$ref_total,
                  sprintf("every %s patient alleviated", reference), by_strata)),
    ifelse(x$ref_events == 0, sprintf("no %s patient alleviated", reference),
           ifelse(odds & x$events == x$total,
                  sprintf("every %s patient alleviated", group), by_strata)))
  ifelse(zero | infinite, reason, "")
}

#' @rdname format.rate_comparison
#' @export
print.rate_comparison <- function(x, digits = 1L, ...) {
  group <- attr(x, "group_name")
  strata <- attr(x, "strata_names")
  reference <- attr(x, "reference")
  cat(wrap_lines(sprintf(
    "Alleviation compared by %s: each level against the reference \"%s\" (differences are level minus reference); %s%% intervals",
    group, reference, format(100 * attr(x, "conf_level")))), sep = "\n")
  cat(sprintf("%s = alleviated / %s%s\n",
              if (attr(x, "denominator") == "n") "share" else "rate",
              if (attr(x, "denominator") == "n") "all patients" else "evaluable",
              if (length(strata)) {
                sprintf("; pooled over %s of %s", count_of(attr(x, "n_strata"), "stratum", "strata"),
                        paste(strata, collapse = " x "))
              } else ""))
  text <- format_comparison(x, digits, reasons = FALSE)
  exact <- isTRUE(attr(x, "exact"))
  short_test <- c("Fisher's exact" = "Fisher", "Cochran-Mantel-Haenszel" = "CMH")
  short_test[cmh_corrected] <- "CMH, corrected"
  for (i in which(x$analysis == "crude")) {
    rows <- c(i, pooled_row(x, i))
    cat(paste0(c("", wrap_lines(sprintf("%s: %s %s vs %s (reference) %s", x$symptom[i], x$group[i],
                format_count(x$events[i], x$total[i], digits), x$reference[i],
                format_count(x$ref_events[i], x$ref_total[i], digits)))), "\n"), sep = "")
    test <- ifelse(x$test[rows] %in% names(short_test), short_test[x$test[rows]],
                   x$test[rows])
    lines <- rbind(
      "risk difference" = text[rows, 6L],
      "risk ratio" = text[rows, 7L],
      "odds ratio" = text[rows, 8L],
      "p" = ifelse(is.na(x$p_value[rows]), test,
                   sprintf("%s (%s)", text$p[rows], test)))
    if (exact) {
      lines <- rbind(lines,
        "odds ratio, exact" = text[rows, ncol(text) - 1L],
        "p, exact" = text[["exact p"]][rows])
    }
    colnames(lines) <- c("crude", "Mantel-Haenszel")[seq_along(rows)]
    j <- rows[2L]
    nnt <- if (!is.na(j)) {
      c("NNT, crude" = text$NNT[i], "NNT, Mantel-Haenszel" = text$NNT[j])
    } else c(NNT = text$NNT[i])
    pooled <- x[j, , drop = FALSE]
    attr(pooled, "breslow_day") <- attr(x, "breslow_day")
    extra <- if (!is.na(j)) c(heterogeneity_lines(pooled),
      "strata used" = sprintf("RD %d, RR %d, OR %d", x$strata_rd[j],
                              x$strata_rr[j], x$strata_or[j]))
    print_block(lines, c(nnt, zero_ratio_lines(x, rows), extra))
  }
  notes <- character()
  score <- identical(attr(x, "interval"), "score")
  if (any(x$corrected)) {
    notes <- c(notes, sprintf("%s of tables with a zero cell: 0.5 added to every cell.",
                              if (score) "Odds ratios" else "Ratios"))
  }
  if (score) {
    notes <- c(notes, "Crude difference and risk ratio: Miettinen-Nurminen score intervals.")
  }
  if (exact) {
    notes <- c(notes, paste0(
      "Exact: conditional maximum likelihood odds ratio with its exact interval,\n",
      "  and the exact conditional test of odds ratio 1 (two-sided)."))
  }
  if (any(!is.na(x$nnt))) {
    notes <- c(notes, sprintf(paste0(
      "NNTB (NNTH): patients to give the compared group rather than \"%s\" for one\n",
      "  more (fewer) alleviated; through Inf where the difference may be 0."), reference))
  }
  if (any(x$test %in% names(short_test)[2L])) {
    notes <- c(notes, "CMH: Cochran-Mantel-Haenszel test (no continuity correction).")
  }
  if (any(x$test %in% cmh_corrected)) {
    notes <- c(notes, "CMH, corrected: Cochran-Mantel-Haenszel test, continuity-corrected.")
  }
  if (any(x$test %in% names(short_test)[1L])) {
    notes <- c(notes, "Fisher: Fisher's exact test of equal rates, two-sided.")
  }
  if (attr(x, "not_compared") > 0) {
    notes <- c(notes, sprintf("%s with %s missing not compared.",
                              count_of(attr(x, "not_compared"), "patient"), group))
  }
  if (length(notes)) cat("\n", paste0(notes, "\n"), sep = "")
  print_test_notes(x$test, NULL, NULL, fisher_note = FALSE)
  invisible(x)
}

# The lines of print() that say why a ratio of rows `rows` (crude,
# pooled) is 0 or Inf.
zero_ratio_lines <- function(x, rows) {
  measures <- c(rr = "risk ratio", or = "odds ratio",
                or_exact = "odds ratio, exact")
  measures <- measures[names(measures) %in% names(x)]
  out <- character()
  for (value in c("0", "Inf")) {
    reasons <- unlist(lapply(names(measures), function(m) {
      reason <- ratio_reason(x[rows, , drop = FALSE], m)
      estimate <- x[[m]][rows]
      reason[nzchar(reason) & (if (value == "0") estimate == 0 else is.infinite(estimate))]
    }))
    if (length(reasons)) {
      out[[sprintf("ratio of %s", value)]] <- paste(unique(reasons), collapse = "; ")
    }
  }
  out
}

# The Mantel-Haenszel row that goes with crude row i (none without strata).
pooled_row <- function(x, i) {
  j <- which(x$analysis == "Mantel-Haenszel" & x$symptom == x$symptom[i] &
               x$group == x$group[i])
  if (length(j)) j[1L] else integer()
}

# The heterogeneity lines of print() for one pooled row.
heterogeneity_lines <- function(row) {
  df <- row$heterogeneity_df
  q <- function(stat, p, i2) {
    if (is.na(stat)) return("-")
    sprintf("Q %.2f, df %d, p %s, I2 %.0f%%", stat, df, format_p(p), 100 * i2)
  }
  c("heterogeneity RD" = q(row$q_rd, row$q_rd_p, row$i2_rd),
    "heterogeneity RR" = q(row$q_rr, row$q_rr_p, row$i2_rr),
    "heterogeneity OR" = if (is.na(row$breslow_day)) "-" else
      sprintf("%s %.2f, df %d, p %s",
              if (identical(attr(row, "breslow_day"), "uncorrected")) "Breslow-Day"
              else "Breslow-Day-Tarone",
              row$breslow_day, df, format_p(row$breslow_day_p)))
}

# A character matrix with row and column names, left-aligned and indented,
# then named lines that span the columns.
print_block <- function(lines, spanning = character()) {
  labels <- c("", rownames(lines), names(spanning))
  width <- max(nchar(labels))
  body <- rbind(colnames(lines), lines)
  columns <- apply(body, 2L, function(v) formatC(v, width = -max(nchar(v))))
  columns <- matrix(columns, nrow = nrow(body))
  text <- c(apply(columns, 1L, paste, collapse = "  "), unname(spanning))
  cat(paste0("  ", formatC(labels, width = -width), "  ", trimws(text, "right")),
      sep = "\n")
}

# "2.21 (1.39-3.51)": ratios with two decimals (three significant digits
# below 0.1); "-" where not estimable, an estimate of 0 or Inf alone.
format_ratio <- function(estimate, lower, upper) {
  f <- function(v) {
    ifelse(is.infinite(v), "Inf",
           ifelse(abs(v) < 0.1, formatC(v, format = "fg", digits = 2),
                  formatC(v, format = "f", digits = 2)))
  }
  ifelse(is.na(estimate), "-",
         ifelse(is.na(lower), f(estimate),
                sprintf("%s (%s-%s)", f(estimate), f(lower), f(upper))))
}

# Altman's (1998) notation: "NNTB 4.9 (3.2 to 10.4)", "NNTH 8.0 (4.1 to
# 95.2)", and through infinity "NNTB 10.2 (NNTH 21.5 to Inf to NNTB 4.2)".
format_nnt <- function(nnt, lower, upper, digits = 1L) {
  size <- function(v) {
    ifelse(is.infinite(v), "Inf", formatC(abs(v), format = "f", digits = digits))
  }
  kind <- function(v) ifelse(v > 0, "NNTB", "NNTH")
  point <- ifelse(is.infinite(nnt) , "NNT Inf", paste(kind(nnt), size(nnt)))
  through <- !is.na(lower) & lower < 0 & upper > 0
  interval <- ifelse(through,
                     sprintf("NNTH %s to Inf to NNTB %s", size(lower), size(upper)),
                     sprintf("%s to %s", size(pmin(abs(lower), abs(upper))),
                             size(pmax(abs(lower), abs(upper)))))
  ifelse(is.na(nnt), "-",
         ifelse(is.na(lower), point, sprintf("%s (%s)", point, interval)))
}

#' @rdname format.rate_comparison
#' @param row.names,optional Ignored; present for compatibility with the
#'   generic.
#' @export
as.data.frame.rate_comparison <- function(x, row.names = NULL,
                                          optional = FALSE, ...) {
  plain_data_frame(x)
}

#' Stratum by stratum: the tables behind a pooled comparison
#'
#' For each symptom and compared level: every stratum's counts with its risk
#' difference (Newcombe), risk ratio (Katz) and odds ratio (Woolf; 0.5 added
#' to every cell of a stratum with a zero cell), its Mantel-Haenszel weights,
#' then the crude and pooled rows of [compare_rates()].
#'
#' @param object A `rate_comparison` from [compare_rates()].
#' @param ... Ignored.
#' @return A data frame of class `summary.rate_comparison`: the columns of
#'   `attr(object, "stratum_rows")` with `analysis` (`"stratum"`, `"crude"`,
#'   `"Mantel-Haenszel"`), in the order symptom, compared level, strata,
#'   crude, pooled. Without strata, the crude rows.
#' @examples
#' cohort <- classify_cohort(myelography)
#' cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")),
#'                      "sex", strata = "hospital")
#' summary(cmp)
#' @export
summary.rate_comparison <- function(object, ...) {
  strata <- attr(object, "stratum_rows")
  rows <- as.data.frame(object)
  rows$stratum <- ifelse(rows$analysis == "crude", "(crude)", "(pooled)")
  if (!is.null(strata)) {
    strata$analysis <- "stratum"
    for (column in setdiff(names(rows), names(strata))) strata[[column]] <- NA
    for (column in setdiff(names(strata), names(rows))) rows[[column]] <- NA
    k <- attr(object, "n_strata")
    comparison <- c(rep(seq_len(nrow(strata) / k), each = k),
                    rep(seq_len(nrow(rows) / 2L), each = 2L))
    rows <- rbind(strata, rows[names(strata)])
    rows <- rows[order(comparison, match(rows$analysis,
                                         c("stratum", "crude", "Mantel-Haenszel"))), ]
  }
  rownames(rows) <- NULL
  first <- c("symptom", "group", "reference", "analysis", "stratum")
  rows <- rows[c(first, setdiff(names(rows), first))]
  attributes(rows)[c("group_name", "strata_names", "reference", "denominator",
                     "conf_level", "n_strata")] <-
    attributes(object)[c("group_name", "strata_names", "reference",
                         "denominator", "conf_level", "n_strata")]
  class(rows) <- c("summary.rate_comparison", "data.frame")
  rows
}

#' @rdname summary.rate_comparison
#' @param row.names,optional Ignored.
#' @export
as.data.frame.summary.rate_comparison <- function(x, row.names = NULL,
                                                  optional = FALSE, ...) {
  plain_data_frame(x)
}

#' @rdname summary.rate_comparison
#' @param x A `summary.rate_comparison`.
#' @param measure The measure `print()` shows beside the counts: `"rd"`,
#'   `"rr"` or `"or"`; with strata, also each stratum's share of the
#'   Mantel-Haenszel weight. `as.data.frame()` of the summary has every
#'   column.
#' @param n Strata shown per comparison (the first `n`; the crude and pooled
#'   rows are always shown).
#' @param digits Decimal places of percentages.
#' @export
print.summary.rate_comparison <- function(x, measure = c("rd", "rr", "or"),
                                          n = 20L, digits = 1L, ...) {
  call <- sys.call()
  measure <- check_choice(measure, c("rd", "rr", "or"), "measure", call)
  check_number(n, "n", min = 0, call = call)
  strata <- attr(x, "strata_names")
  cat(wrap_lines(sprintf("Alleviation by %s%s, against the reference \"%s\"; %s%% intervals",
              attr(x, "group_name"),
              if (length(strata)) paste0(" in strata of ", paste(strata, collapse = " x ")) else "",
              attr(x, "reference"), format(100 * attr(x, "conf_level")))), sep = "\n")
  label <- c(rd = "difference", rr = "risk ratio", or = "odds ratio")[[measure]]
  key <- paste(x$symptom, x$group, sep = "\r")
  for (k in unique(key)) {
    block <- x[key == k, , drop = FALSE]
    cat(paste0(c("", wrap_lines(sprintf("%s: %s vs %s (reference)%s", block$symptom[1L],
                block$group[1L], block$reference[1L],
                if (measure == "rd") sprintf("; difference: %s minus %s", block$group[1L],
                                             block$reference[1L]) else ""))), "\n"), sep = "")
    is_stratum <- block$analysis == "stratum"
    hidden <- max(0, sum(is_stratum) - n)
    if (hidden > 0) block <- block[!is_stratum | cumsum(is_stratum) <= n, , drop = FALSE]
    estimate <- block[[measure]]
    lower <- block[[paste0(measure, "_lower")]]
    upper <- block[[paste0(measure, "_upper")]]
    shown <- data.frame(
      stratum = ifelse(block$analysis == "stratum", block$stratum, block$analysis),
      group = format_count(block$events, block$total, digits),
      reference = format_count(block$ref_events, block$ref_total, digits),
      measure = if (measure == "rd") format_rate(estimate, lower, upper, digits, sep = " to ")
                else format_ratio(estimate, lower, upper),
      check.names = FALSE, stringsAsFactors = FALSE)
    names(shown)[2:4] <- c(block$group[1L], block$reference[1L], label)
    if (length(strata)) {
      weight <- block[[paste0("weight_", measure)]]
      total <- sum(x[[paste0("weight_", measure)]][key == k & x$analysis == "stratum"])
      shown$weight <- ifelse(is.na(weight) | total == 0, "",
                             sprintf("%.1f%%", 100 * weight / total))
    }
    print(shown, right = FALSE, row.names = FALSE)
    if (hidden > 0) cat(sprintf("... %s more\n", count_of(hidden, "stratum", "strata")))
  }
  invisible(x)
}

#' Forest plot of a rate comparison
#'
#' One line per stratum with its estimate and confidence interval (a square
#' sized by its Mantel-Haenszel weight), the Mantel-Haenszel pooled estimate
#' as a filled diamond and the crude one as an open diamond; the counts of
#' both groups (alleviated/denominator) on the left, the estimates with
#' their intervals on the right. Without strata, one line per symptom.
#' Ratios are drawn on a log scale. Base graphics, readable at the default
#' device size. Rows are never taller than about two lines of text, so on a
#' tall device the plot is centred rather than stretched, and the squares
#' and diamonds are sized in proportion to the row height.
#'
#' Labels of any length fit: the columns are laid out from the measured
#' width of their text, the text shrinks as far as 7 points, then labels
#' too long for their column are shortened with an ellipsis ("...",
#' keeping labels that differ distinct) and the title wraps. On a narrow
#' device such as one journal column (85 mm) the two count columns are
#' left out before the labels become unreadable.
#'
#' @param x A `rate_comparison` from [compare_rates()].
#' @param measure `"rd"` (risk difference, percentage points), `"rr"` (risk
#'   ratio) or `"or"` (odds ratio).
#' @param symptoms The symptoms to show: by default every symptom without
#'   strata, and with strata `"any"` (or the first symptom where there is
#'   no `"any"`).
#' @param max_strata With more strata than this in a comparison, only the
#'   pooled and crude lines are drawn (and the number of strata is said).
#' @param main Title; by default the groups compared.
#' @param xlab Axis label; by default the measure.
#' @param cex Size of the text. By default 9 points at print size: 9 points
#'   on a device up to 170 mm (a journal's two columns) wide, and larger in
#'   proportion on a wider one (12.6 points on a 900-pixel PNG at 96 dpi),
#'   so the figure still reads 9 points shrunk to a column. It shrinks (to 7
#'   points at least) where the labels need the room.
#' @param ... Ignored.
#' @return `x`, invisibly.
#' @examples
#' cohort <- classify_cohort(myelography)
#' cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")),
#'                      "sex", strata = "hospital")
#' plot(cmp)
#' plot(cmp, measure = "or", symptoms = "lbp")
#' @export
plot.rate_comparison <- function(x, measure = c("rd", "rr", "or"),
                                 symptoms = NULL, max_strata = 30L,
                                 main = NULL, xlab = NULL, cex = NULL, ...) {
  call <- sys.call()
  measure <- check_choice(measure, c("rd", "rr", "or"), "measure", call)
  check_number(max_strata, "max_strata", min = 0, call = call)
  if (!is.null(cex)) check_number(cex, "cex", min = 0.1, max = 5, call = call)
  strata <- attr(x, "strata_names")
  all_symptoms <- levels(x$symptom)
  if (is.null(symptoms)) {
    symptoms <- if (!length(strata)) all_symptoms
                else if ("any" %in% all_symptoms) "any" else all_symptoms[1L]
  }
  if (!is.character(symptoms) || !length(symptoms) || anyNA(symptoms) ||
      !all(symptoms %in% all_symptoms)) {
    abort(sprintf("`symptoms` must name symptoms of `x` (%s), not %s.",
                  paste0("\"", all_symptoms, "\"", collapse = ", "),
                  describe_value(symptoms)), call)
  }
  rows <- forest_rows(x, measure, symptoms, max_strata)
  ratio <- measure != "rd"
  scale <- if (ratio) log else function(v) 100 * v
  null_value <- if (ratio) 1 else 0
  if (is.null(main)) {
    main <- sprintf("%s vs %s%s", paste(unique(x$group), collapse = ", "),
                    attr(x, "reference"),
                    if (length(strata)) paste0(", by ", paste(strata, collapse = " x ")) else "")
  }
  if (is.null(xlab)) {
    xlab <- c(rd = "Risk difference (percentage points)",
              rr = "Risk ratio (log scale)", or = "Odds ratio (log scale)")[[measure]]
    xlab <- sprintf("%s, %s%% CI", xlab, format(100 * attr(x, "conf_level")))
  }
  estimates <- ifelse(rows$kind == "header", "",
                      if (ratio) format_ratio(rows$estimate, rows$lower, rows$upper)
                      else format_rate(rows$estimate, rows$lower, rows$upper, 1L, sep = " to "))
  estimates[rows$kind != "header" & is.na(rows$estimate)] <- "not estimable"
  header <- c(if (length(strata)) "stratum" else "symptom",
              as.character(unique(x$group))[1L], attr(x, "reference"),
              c(rd = "difference", rr = "risk ratio", or = "odds ratio")[[measure]])
  if (length(unique(x$group)) > 1L) header[2L] <- "group"
  group_name <- header[2L]

  old <- graphics::par(mar = c(4.5, 0.5, 3, 0.5))
  on.exit(graphics::par(old))
  n_rows <- nrow(rows)
  graphics::plot.new()
  if (is.null(cex)) cex <- print_cex(9)
  # text columns: label, group counts, reference counts | graph | estimate,
  # laid out in inches from the measured width of the text
  fit <- forest_layout(rows, header, estimates, cex, graphics::par("pin")[1L])
  if (is.null(fit)) {
    abort(sprintf("The device is too narrow for a forest plot (%.1f inches of plot region); make it wider.",
                  graphics::par("pin")[1L]), call)
  }
  # the title a little larger than the text, wrapped to the width (a title
  # of several lines at the size of the text)
  title_cex <- 1.2 * fit$cex
  lines <- wrap_to_width(main, graphics::par("pin")[1L], title_cex, 2, 3L)
  if (length(lines) > 1L) {
    title_cex <- fit$cex
    lines <- wrap_to_width(main, graphics::par("pin")[1L], title_cex, 2, 3L)
  }
  # margins in lines of par("csi"); a row no taller than 2.2 lines of the
  # text: on a tall device the plot is centred, not stretched
  # under the rows, in lines of the margin: the tick labels, the axis
  # title and the note on which side favours which group, spaced by the
  # size of their text
  below <- c(ticks = 0.25 + 0.25 * fit$cex, xlab = 0.55 + 1.3 * fit$cex, note = 0.65 + 2.45 * fit$cex)
  mar <- c(below[["note"]] + 1.1 * fit$cex, 0.5,
           title_margin(length(lines), title_cex), 0.5)
  csi <- graphics::par("csi")
  room <- graphics::par("din")[2L] - sum(mar[c(1L, 3L)]) * csi
  row_max <- 2.2 * fit$cex * graphics::par("ps") / 72
  extra <- room - (n_rows + 1) * row_max
  if (extra > 0) mar[c(1L, 3L)] <- mar[c(1L, 3L)] + extra / 2 / csi
  graphics::par(mar = mar)
  graphics::plot.window(xlim = c(0, 1), ylim = c(0.5, n_rows + 1.5), xaxs = "i",
                        yaxs = "i")
  # the title just above the rows (draw_title() would set it at the top of
  # a margin made tall to centre the plot)
  for (i in seq_along(lines)) {
    graphics::mtext(lines[i], side = 3, line = 0.5 + 1.1 * title_cex * (length(lines) - i),
                    cex = title_cex, font = 2)
  }
  cex <- fit$cex
  header <- fit$header
  rows$label <- fit$label
  left <- fit$left
  graph <- fit$graph
  counts <- fit$counts
  y <- rev(seq_len(n_rows))
  bounds <- scale(c(rows$estimate, rows$lower, rows$upper, null_value))
  lim <- range(bounds[is.finite(bounds)])
  lim <- lim + c(-1, 1) * 0.04 * max(diff(lim), if (ratio) log(2) else 1)
  at_x <- function(v) {
    s <- scale(v)
    graph[1L] + (pmin(pmax(s, lim[1L]), lim[2L]) - lim[1L]) / diff(lim) * diff(graph)
  }
  top <- n_rows + 1
  shown <- if (counts) 1:3 else 1L
  graphics::text(left[shown], top, header[shown], adj = 0, font = 2, cex = cex)
  graphics::text(fit$estimate_at, top, header[4L], adj = 0, font = 2, cex = cex)
  graphics::segments(at_x(null_value), 0.5, at_x(null_value), n_rows + 0.5,
                     lty = 2, col = "grey50")
  is_header <- rows$kind == "header"
  graphics::text(left[1L], y, rows$label, adj = 0, cex = cex,
                 font = ifelse(is_header, 2, 1))
  if (counts) {
    graphics::text(left[2L], y, rows$group_counts, adj = 0, cex = cex)
    graphics::text(left[3L], y, rows$ref_counts, adj = 0, cex = cex)
  }
  graphics::text(fit$estimate_at, y, estimates, adj = 0, cex = cex)
  drawn <- !is_header & !is.na(rows$estimate)
  has_ci <- drawn & !is.na(rows$lower) & !is.na(rows$upper) &
    rows$kind %in% c("stratum", "single")
  lo <- scale(rows$lower)
  hi <- scale(rows$upper)
  graphics::segments(at_x(rows$lower[has_ci]), y[has_ci], at_x(rows$upper[has_ci]),
                     y[has_ci], lwd = 1.5)
  # intervals running past the axis end in arrows
  for (side in c("lower", "upper")) {
    v <- if (side == "lower") lo else hi
    out <- has_ci & (if (side == "lower") v < lim[1L] else v > lim[2L])
    # (an estimate of 0 or Inf sits at the axis end itself: no arrow)
    end <- if (side == "lower") graph[1L] else graph[2L]
    out <- out & abs(at_x(rows$estimate) - end) > 1e-9
    if (any(out)) {
      graphics::arrows(at_x(rows$estimate[out]), y[out], end, y[out],
                       length = 0.06, lwd = 1.5)
    }
  }
  # squares and diamonds in proportion to the row (one user unit high):
  # a square's side from 0.2 to 0.55 of the row by its weight, a diamond
  # 0.5 of the row high
  row_inches <- graphics::par("pin")[2L] / diff(graphics::par("usr")[3:4])
  square <- drawn & rows$kind %in% c("stratum", "single")
  if (any(square)) {
    weight <- ifelse(is.na(rows$weight[square]), 1, rows$weight[square])
    side <- 0.2 + 0.35 * sqrt(weight / max(weight, 1e-300))
    half_x <- side / 2 * row_inches / graphics::par("pin")[1L]
    xs <- at_x(rows$estimate[square])
    graphics::rect(xs - half_x, y[square] - side / 2, xs + half_x, y[square] + side / 2,
                   col = "grey25", border = NA)
  }
  for (i in which(drawn & rows$kind %in% c("pooled", "crude"))) {
    xs <- at_x(c(rows$lower[i], rows$estimate[i], rows$upper[i], rows$estimate[i]))
    if (anyNA(xs)) xs <- at_x(rep(rows$estimate[i], 4L)) + c(-0.008, 0, 0.008, 0)
    graphics::polygon(xs, y[i] + c(0, 0.25, 0, -0.25),
                      col = if (rows$kind[i] == "pooled") "grey20" else NA,
                      border = "grey20")
  }
  # axis
  if (ratio) {
    ticks <- c(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
               10, 20, 50, 100, 200, 500, 1000)
    ticks <- ticks[log(ticks) >= lim[1L] & log(ticks) <= lim[2L]]
    if (length(ticks) > 7L) ticks <- ticks[ticks %in% 10^(-3:3) | ticks == 1]
  } else {
    ticks <- pretty(lim, n = 5)
    ticks <- ticks[ticks >= lim[1L] & ticks <= lim[2L]] / 100
  }
  graphics::axis(1, at = at_x(ticks), labels = format(if (ratio) ticks else 100 * ticks,
                                                      trim = TRUE, drop0trailing = TRUE),
                 cex.axis = cex, pos = 0.5, tcl = -0.3, mgp = c(0, below[["ticks"]], 0))
  width <- graphics::par("pin")[1L]
  graphics::mtext(fit_labels(xlab, width, cex), side = 1, line = below[["xlab"]], cex = cex)
  # which side favours which group, each name shortened to fit
  note_cex <- cex * 0.85
  names <- fit_labels(c(attr(x, "reference"), group_name),
                      (width - text_inches("<- more alleviated with       more alleviated with ->",
                                           note_cex)) / 2, note_cex)
  note <- sprintf("<- more alleviated with %s        more alleviated with %s ->",
                  names[1L], names[2L])
  half <- text_inches(note, note_cex) / 2 / width
  graphics::mtext(note, side = 1, line = below[["note"]], cex = note_cex, col = "grey30",
                  at = min(max(mean(graph), half), 1 - half))
  invisible(x)
}

# Where the columns of a forest plot go, in the plot region's 0-1 units,
# for a plot region `width` inches wide. The text shrinks from `cex` down
# to min_plot_cex(); labels (and the group names heading the count
# columns) longer than their room are shortened; on a narrow device the
# two count columns are left out before the labels become unreadable.
# NULL when not even that leaves room for the intervals.
forest_layout <- function(rows, header, estimates, cex, width) {
  gap <- 0.08
  bold <- rows$kind == "header"
  label_inches <- function(cex) {
    max(text_inches(rows$label[bold], cex, 2), text_inches(rows$label[!bold], cex))
  }
  layout <- function(cex, counts, label_room = Inf) {
    counts_width <- function(counts, title) {
      w <- max(text_inches(counts, cex))
      # the group's name heads the column: shortened past a sensible width
      max(w, min(text_inches(title, cex, 2), max(w, 0.8)))
    }
    # headings are bold, the rest plain
    w <- c(max(text_inches(header[1L], cex, 2), label_inches(cex)),
           if (counts) counts_width(rows$group_counts, header[2L]) else 0,
           if (counts) counts_width(rows$ref_counts, header[3L]) else 0,
           max(text_inches(header[4L], cex, 2), text_inches(estimates, cex)))
    w[1L] <- min(w[1L], label_room)
    gaps <- gap * (if (counts) 6 else 4)
    list(cex = cex, counts = counts, w = w, graph_width = width - sum(w) - gaps)
  }
  graph_min <- max(1, 0.3 * width)
  smallest <- min(cex, min_plot_cex())
  steps <- unique(c(seq(cex, smallest, by = -0.05), smallest))
  fit <- NULL
  for (size in steps) {
    candidate <- layout(size, TRUE)
    if (candidate$graph_width >= graph_min) {
      fit <- candidate
      break
    }
  }
  if (is.null(fit)) {
    # at the smallest text: shorten the labels, to no less than an inch
    # (or what they need); then leave out the counts
    full <- layout(smallest, TRUE)
    label_min <- min(full$w[1L],
                     max(1, text_inches("  Mantel-Haenszel", smallest)))
    for (counts in c(TRUE, FALSE)) {
      candidate <- layout(smallest, counts)
      room <- max(candidate$w[1L] - (graph_min - candidate$graph_width), label_min)
      candidate <- layout(smallest, counts, room)
      if (candidate$graph_width >= graph_min - 1e-6) break
    }
    # the intervals keep at least 0.8 inch before the labels go below
    # their minimum
    if (candidate$graph_width < 0.8 - 1e-6) {
      room <- max(candidate$w[1L] - (0.8 - candidate$graph_width), 0.5)
      candidate <- layout(smallest, FALSE, room)
    }
    fit <- candidate
  }
  if (fit$graph_width < 0.4) return(NULL)
  w <- fit$w
  fit$label <- rows$label
  fit$label[bold] <- fit_labels(rows$label[bold], w[1L], fit$cex, 2)
  fit$label[!bold] <- fit_labels(rows$label[!bold], w[1L], fit$cex)
  if (fit$counts) {
    header[2L] <- fit_labels(header[2L], w[2L], fit$cex, 2)
    header[3L] <- fit_labels(header[3L], w[3L], fit$cex, 2)
  }
  header[1L] <- fit_labels(header[1L], w[1L], fit$cex, 2)
  fit$header <- header
  inches <- cumsum(c(gap, w[1L] + gap, w[2L] + gap, w[3L] + gap))
  if (!fit$counts) inches[2:4] <- inches[2L]
  fit$left <- inches / width
  fit$graph <- c(inches[4L], width - w[4L] - 2 * gap) / width
  fit$estimate_at <- (width - w[4L] - gap) / width
  fit
}

# The lines of the forest plot: for each symptom and comparison, a header
# (with strata), the strata (up to max_strata), the pooled and crude rows.
forest_rows <- function(x, measure, symptoms, max_strata) {
  strata <- attr(x, "strata_names")
  pick <- function(d) {
    data.frame(estimate = d[[measure]], lower = d[[paste0(measure, "_lower")]],
               upper = d[[paste0(measure, "_upper")]],
               group_counts = sprintf("%s/%s", format_integer(d$events), format_integer(d$total)),
               ref_counts = sprintf("%s/%s", format_integer(d$ref_events),
                                    format_integer(d$ref_total)),
               stringsAsFactors = FALSE)
  }
  several <- length(unique(x$group)) > 1L
  if (!length(strata)) {
    d <- x[x$symptom %in% symptoms, , drop = FALSE]
    out <- pick(d)
    out$label <- if (several) paste0(d$symptom, ": ", d$group) else as.character(d$symptom)
    out$kind <- "single"
    out$weight <- NA_real_
    return(out)
  }
  stratum_rows <- attr(x, "stratum_rows")
  blocks <- list()
  crude <- which(x$analysis == "crude" & x$symptom %in% symptoms)
  for (i in crude) {
    s <- stratum_rows[stratum_rows$symptom == x$symptom[i] &
                        stratum_rows$group == x$group[i], , drop = FALSE]
    title <- if (several || length(symptoms) > 1L) {
      paste0(x$symptom[i], if (several) paste0(": ", x$group[i]))
    } else as.character(x$symptom[i])
    header <- data.frame(estimate = NA_real_, lower = NA_real_, upper = NA_real_,
                         group_counts = "", ref_counts = "", label = title,
                         kind = "header", weight = NA_real_, stringsAsFactors = FALSE)
    if (nrow(s) <= max_strata) {
      strata_lines <- pick(s)
      strata_lines$label <- paste0("  ", s$stratum)
      strata_lines$kind <- "stratum"
      strata_lines$weight <- s[[paste0("weight_", measure)]]
    } else {
      strata_lines <- NULL
      header$label <- sprintf("%s (%s not shown)", title,
                              count_of(nrow(s), "stratum", "strata"))
    }
    pooled <- pick(x[pooled_row(x, i), , drop = FALSE])
    pooled$label <- "  Mantel-Haenszel"
    pooled$kind <- "pooled"
    pooled$weight <- NA_real_
    crude_line <- pick(x[i, , drop = FALSE])
    crude_line$label <- "  crude"
    crude_line$kind <- "crude"
    crude_line$weight <- NA_real_
    blocks[[length(blocks) + 1L]] <- rbind(header, strata_lines, pooled, crude_line)
  }
  do.call(rbind, blocks)
}
