#' Patient flow diagram of a cohort
#'
#' Draws the flow of patients that journals ask for (CONSORT, STROBE): for
#' each symptom, and with `group` for each of its levels, a column of boxes
#' from the patients in the data to those analysed, with the patients left
#' out and why in boxes at the side. The counts are those of
#' [tabulate_cohort()]: `n` patients; a value missing (`missing`); the
#' symptom absent at baseline (`absent`); analysed (`evaluable`), of whom
#' `alleviated` were alleviated.
#'
#' Patients with a value missing are set aside first, as
#' [classify_alleviation()] judges them (a patient whose follow-up is missing
#' is missing even when the symptom was absent at baseline); the symptom
#' absent at baseline is judged among those with both values. With `data`,
#' the data frame the cohort was classified from, the missing are split into
#' those with no baseline value and those with a baseline but no follow-up.
#'
#' The figure fits the device: text from 9 pt down to 7 pt, long labels
#' wrapped and then shortened, the flows in as many columns as the width
#' holds, so it works at a journal's one-column (85 mm) and two-column
#' (170 mm) widths. Give it about 2.5 inches of height per row of flows.
#'
#' @param x A `myelo_cohort` from [classify_cohort()].
#' @param symptom Symptoms to draw, names of the cohort's rules or `"any"`
#'   (the patient-level result); by default every symptom of the rules.
#' @param group Optional name of a column of the cohort (sex, treatment
#'   arm, ...): a flow per level (`NA` as a level of its own when present).
#' @param data Optional data frame the cohort was classified from, in the
#'   cohort's order, to split the missing into baseline and follow-up.
#' @param ... Not used.
#' @return Invisibly, a data frame with one row per box drawn: `symptom`,
#'   `group` (the level, `NA` without `group`), `box` (`"enrolled"`,
#'   `"missing"`, `"recorded"`, `"absent"`, `"analysed"`), `n` (the
#'   patients in the box), `alleviated` (in the `"analysed"` box), the
#'   split of the missing (`missing_baseline`, `missing_followup`, with
#'   `data`; `missing_followup` counts those with a baseline value but no
#'   follow-up), `text` (the text drawn) and the box's corners in inches from
#'   the bottom left of the figure (`x0`, `y0`, `x1`, `y1`); the size of the
#'   text in points is its attribute `"points"`.
#' @seealso [tabulate_cohort()] for the same counts as a table.
#' @examples
#' cohort <- classify_cohort(myelography)
#' plot(cohort, symptom = "lbp", group = "sex")
#' boxes <- plot(cohort, symptom = "lbp", data = myelography)
#' boxes[c("box", "n")]
#' @export
plot.myelo_cohort <- function(x, symptom = NULL, group = NULL, data = NULL, ...) {
  call <- sys.call()
  if (...length()) {
    extra <- names(list(...)) %||% rep("", ...length())
    extra <- ifelse(nzchar(extra), paste0("`", extra, "`"), "an unnamed argument")
    abort(sprintf("plot() of a cohort takes `symptom`, `group` and `data`, not %s.",
                  paste(unique(extra), collapse = ", ")), call)
  }
  rules <- cohort_rules(x)
  choices <- c(names(rules), "any")
  if (is.null(symptom)) symptom <- names(rules)
  if (!is.character(symptom) || !length(symptom) || anyNA(symptom) ||
      !all(symptom %in% choices) || anyDuplicated(symptom)) {
    abort(sprintf("`symptom` must name symptoms of `x` (%s), each once, not %s.",
                  paste0("\"", choices, "\"", collapse = ", "),
                  describe_value(symptom)), call)
  }
  if (!is.null(group)) {
    if (!is.character(group) || length(group) != 1L || is.na(group)) {
      abort(sprintf("`group` must be NULL or the name of one column of `x`, not %s.",
                    describe_value(group)), call)
    }
    check_columns_exist(names(x), group, "group", data_arg = "x", call = call)
    if (group %in% c(names(rules), patient_columns)) {
      abort(sprintf("`group` must be a column of the patients, not the result column \"%s\".",
                    group), call)
    }
  }
  if (!is.null(data)) check_aligned_data(data, x, call)
  flows <- flow_counts(x, symptom, group, data)
  flows$title <- ifelse(flows$symptom == "any", "Any symptom (patient level)",
                        symptom_labels(rules, flows$symptom))
  boxes <- draw_flow(flows, group, call)
  invisible(boxes)
}

# The counts of each flow: one row per symptom and level of `group`.
flow_counts <- function(x, symptoms, group, data) {
  if (is.null(group)) {
    level <- rep(1L, nrow(x))
    levels <- NA_character_
  } else {
    g <- x[[group]]
    if (is.factor(g)) {
      levels <- levels(g)
      level <- as.integer(g)
    } else {
      # values as tabulate_cohort() counts and labels them: 0.3 and
      # 0.1 + 0.2 are two groups (format() gave both the label "0.3", and
      # factor() then merged them), and labels are not padded to one width
      coded <- stratum_column(g, group, NULL)
      levels <- stratum_labels(coded$values)
      level <- as.integer(coded$codes)
    }
    if (anyNA(level)) {
      levels <- c(levels, NA_character_)
      level[is.na(level)] <- length(levels)
    }
    if (!length(levels)) {
      levels <- NA_character_
      level <- integer()
    }
  }
  source <- attr(x, "source")
  rows <- list()
  for (s in symptoms) {
    class <- if (s == "any") x$patient_class else x[[s]]
    missing <- is.na(class)
    absent <- !missing & class == "absent"
    alleviated <- !missing & class == "alleviated"
    no_baseline <- if (!is.null(data) && s != "any") is.na(data[[source$pre[[s]]]])
    for (k in seq_along(levels)) {
      here <- level == k
      rows[[length(rows) + 1L]] <- data.frame(
        symptom = s, group = levels[k], n = sum(here),
        missing = sum(here & missing), absent = sum(here & absent),
        evaluable = sum(here & !missing & !absent),
        alleviated = sum(here & alleviated),
        missing_baseline = if (is.null(no_baseline)) NA_integer_
                           else sum(here & missing & no_baseline),
        stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, rows)
  out$missing_followup <- out$missing - out$missing_baseline
  out$group_label <- if (is.null(group)) "" else
    paste0(group, ": ", ifelse(is.na(out$group), "NA (missing)", out$group))
  out
}

# The texts of a flow's five boxes.
flow_texts <- function(f) {
  pct <- function(k, n) if (n > 0) sprintf(" (%s%%)", format(round(100 * k / n, 1), nsmall = 1)) else ""
  missing <- sprintf("Value missing: %s", format_integer(f$missing))
  if (!is.na(f$missing_baseline) && f$missing > 0) {
    missing <- paste0(missing, sprintf("\nbaseline: %s\nfollow-up only: %s",
                                       format_integer(f$missing_baseline),
                                       format_integer(f$missing_followup)))
  }
  c(enrolled = sprintf("Patients: %s", format_integer(f$n)),
    missing = missing,
    recorded = sprintf("Both values recorded: %s", format_integer(f$n - f$missing)),
    absent = sprintf("Absent at baseline: %s", format_integer(f$absent)),
    analysed = sprintf("Analysed: %s\nalleviated: %s%s", format_integer(f$evaluable),
                       format_integer(f$alleviated), pct(f$alleviated, f$evaluable)))
}

# Lays out and draws the flows on a fresh page, in inches; returns the boxes.
draw_flow <- function(flows, group, call) {
  old <- graphics::par(mar = c(0, 0, 0, 0), xpd = NA)
  on.exit(graphics::par(old))
  graphics::plot.new()
  pin <- graphics::par("pin")
  graphics::plot.window(xlim = c(0, pin[1L]), ylim = c(0, pin[2L]), xaxs = "i",
                        yaxs = "i")
  ps <- graphics::par("ps")
  n <- nrow(flows)
  levels_per_row <- if (is.null(group)) 1L else length(unique(flows$group_label))
  texts <- lapply(seq_len(n), function(i) flow_texts(flows[i, ]))
  # the largest text from 9 pt down to the readable minimum, and the most
  # columns, whose flows fit the page
  sizes <- unique(c(seq(min(9, ps), min_plot_points, by = -0.5), min_plot_points)) / ps
  plans <- lapply(sizes, function(cex) {
    line <- 1.2 * cex * ps / 72
    min_width <- max(text_inches("Both values recorded: 0000", cex) * 1.9, 1.6)
    ncol <- max(1L, min(n, floor(pin[1L] / min_width)))
    # keep the levels of a group side by side when they fit
    if (ncol >= levels_per_row && levels_per_row > 1L) {
      ncol <- levels_per_row * (ncol %/% levels_per_row)
    }
    nrow <- ceiling(n / ncol)
    # a lone flow is no wider than 4.5 inches
    panel <- c(min(pin[1L] / ncol, 4.5), pin[2L] / nrow)
    panels <- lapply(seq_len(n), function(i) {
      flow_panel_layout(flows[i, ], texts[[i]], panel, cex, line)
    })
    list(cex = cex, ncol = ncol, panel = panel, line = line, panels = panels,
         fits = all(vapply(panels, `[[`, logical(1), "fits")),
         shortened = any(vapply(panels, `[[`, logical(1), "shortened")))
  })
  fits <- vapply(plans, `[[`, logical(1), "fits")
  whole <- fits & !vapply(plans, `[[`, logical(1), "shortened")
  # the largest text that fits without shortening a label, else the
  # largest that fits
  plan <- plans[[c(which(whole), which(fits), length(plans))[1L]]]
  fits <- plan$fits
  if (!fits) {
    need <- max(vapply(plan$panels, `[[`, numeric(1), "needed"))
    abort(sprintf("The device is too small for %s (%.1f x %.1f inches): at 7 pt each flow needs %.1f inches of height in %s of %.1f inches; make it taller or draw fewer with `symptom`.",
                  count_of(n, "flow"), pin[1L], pin[2L], need,
                  count_of(ceiling(n / plan$ncol), "row"), plan$panel[2L]), call)
  }
  boxes <- list()
  for (i in seq_len(n)) {
    col <- (i - 1L) %% plan$ncol
    row <- (i - 1L) %/% plan$ncol
    origin <- c(col * plan$panel[1L] + (pin[1L] - plan$ncol * plan$panel[1L]) / 2,
                pin[2L] - (row + 1L) * plan$panel[2L])
    boxes[[i]] <- draw_flow_panel(plan$panels[[i]], origin, plan$cex, plan$line)
    boxes[[i]] <- cbind(flows[rep(i, nrow(boxes[[i]])), c("symptom", "group")],
                        boxes[[i]], stringsAsFactors = FALSE)
  }
  out <- do.call(rbind, boxes)
  # inches from the bottom left of the figure (the plot region is the figure)
  out$x0 <- out$x0 + graphics::par("mai")[2L]
  out$x1 <- out$x1 + graphics::par("mai")[2L]
  rownames(out) <- NULL
  attr(out, "points") <- plan$cex * ps
  out
}

# Where the boxes of one flow go in a panel of `size` inches: a main column
# of boxes (patients, recorded, analysed) and the exclusions at the right,
# each between the two main boxes it separates. Box texts wrap to their
# width (up to 3 lines a paragraph), then are shortened.
flow_panel_layout <- function(f, texts, size, cex, line) {
  pad <- 0.06
  inner <- size[1L] - 2 * pad
  main_w <- 0.5 * inner
  side_w <- inner - main_w - 0.12
  wrap <- function(text, width, font = 1, max_lines = 3L) {
    unlist(lapply(strsplit(text, "\n", fixed = TRUE)[[1L]], wrap_to_width,
                  width = width, cex = cex, font = font, max_lines = max_lines))
  }
  title <- c(wrap(f$title, inner, 2, 2L),
             if (nzchar(f$group_label)) wrap(f$group_label, inner, 2, 1L))
  widths <- c(enrolled = main_w, missing = side_w, recorded = main_w,
              absent = side_w, analysed = main_w)
  lines <- lapply(names(widths), function(b) wrap(texts[[b]], widths[[b]] - 0.1))
  names(lines) <- names(widths)
  heights <- vapply(lines, length, integer(1)) * line + 0.1
  gap <- 0.12
  needed <- length(title) * line + 0.08 + sum(heights) + 4 * gap + 2 * pad
  shortened <- any(grepl("...", unlist(c(title, lines)), fixed = TRUE) &
                   !grepl("...", paste(f$title, f$group_label), fixed = TRUE))
  list(title = title, lines = lines, widths = widths, heights = heights,
       fits = needed <= size[2L], shortened = shortened, needed = needed, size = size, pad = pad,
       main_w = main_w, side_w = side_w, gap = gap,
       n = c(enrolled = f$n, missing = f$missing, recorded = f$n - f$missing,
             absent = f$absent, analysed = f$evaluable),
       f = f)
}

draw_flow_panel <- function(p, origin, cex, line) {
  text_cex <- cex / graphics::par("cex")
  top <- origin[2L] + p$size[2L] - p$pad
  left <- origin[1L] + p$pad
  for (i in seq_along(p$title)) {
    graphics::text(left, top - (i - 0.5) * line, p$title[i], adj = c(0, 0.5),
                   font = 2, cex = text_cex)
  }
  y <- top - length(p$title) * line - 0.08
  main_x <- c(left, left + p$main_w)
  side_x <- c(left + p$main_w + 0.12, left + p$main_w + 0.12 + p$side_w)
  spine <- mean(main_x)
  out <- list()
  for (b in names(p$widths)) {
    h <- p$heights[[b]]
    main <- b %in% c("enrolled", "recorded", "analysed")
    x <- if (main) main_x else side_x
    y0 <- y - h
    graphics::rect(x[1L], y0, x[2L], y, col = if (main) "white" else "grey95",
                   border = "grey20", lwd = 0.8)
    graphics::text(x[1L] + 0.05, y - 0.05 - (seq_along(p$lines[[b]]) - 0.5) * line,
                   p$lines[[b]], adj = c(0, 0.5), cex = text_cex)
    if (!main) {
      graphics::arrows(spine, (y + y0) / 2, x[1L], (y + y0) / 2, length = 0.05,
                       lwd = 0.8)
    }
    out[[b]] <- data.frame(box = b, n = p$n[[b]],
                           alleviated = if (b == "analysed") p$f$alleviated else NA_integer_,
                           missing_baseline = if (b == "missing") p$f$missing_baseline else NA_integer_,
                           missing_followup = if (b == "missing") p$f$missing_followup else NA_integer_,
                           text = paste(p$lines[[b]], collapse = "\n"),
                           x0 = x[1L], y0 = y0, x1 = x[2L], y1 = y,
                           stringsAsFactors = FALSE)
    y <- y0 - p$gap
  }
  # the spine: from each main box to the next, through the exclusions
  mains <- out[c("enrolled", "recorded", "analysed")]
  for (k in 1:2) {
    graphics::arrows(spine, mains[[k]]$y0, spine, mains[[k + 1L]]$y1,
                     length = 0.06, lwd = 0.8)
  }
  do.call(rbind, out)
}
