#' Does relief last? Durability of alleviation across visits
#'
#' Follows each patient and symptom of a [classify_visits()] cohort through
#' the visits, in one pass of compiled C code: when relief was first seen,
#' whether it lasted, and how patients moved between alleviated, not
#' alleviated and missing from one visit to the next.
#'
#' @section Rules:
#' At each visit a patient's symptom is *alleviated*, *not alleviated*
#' (unchanged or worsened), *absent* (free of the symptom at baseline) or
#' *missing* (the visit, or the baseline, was not measured). A visit is
#' *judged* when it is alleviated or not alleviated.
#' * `first_alleviated`: the first visit, in visit order, at which the
#'   symptom was alleviated (the time to relief, as a visit); `NA` if never.
#' * `relapsed`: alleviated at some visit and not alleviated at a later
#'   judged visit.
#' * `sustained`: alleviated at `first_alleviated` and at every later visit
#'   that was measured, with at least one later visit measured.
#' * Missing visits are skipped: they are neither carried forward (last
#'   observation not carried forward) nor counted as a loss of relief.
#'   Relief seen only at a patient's last judged visit cannot be called
#'   sustained or not: `sustained` is `NA` and the course is
#'   `"unconfirmed"`.
#'
#' `course` puts this in one factor: `"sustained"`, `"relapsed"`,
#' `"unconfirmed"` (alleviated, no later visit judged), `"never"` (judged,
#' never alleviated), `"absent"` (no symptom at baseline: `sustained` and
#' `relapsed` are `NA`) and `"missing"` (no visit judged: both `NA`). Among
#' patients ever alleviated, `sustained` is `TRUE` exactly when the course
#' is `"sustained"`; patients never alleviated are neither sustained nor
#' relapsed (`FALSE`).
#'
#' The transition table counts, for each pair of consecutive visits, the
#' patients in each state at the first (alleviated, not alleviated,
#' missing) by their state at the second; patients absent at baseline are
#' left out. Rates per visit are alleviated / judged, with intervals by
#' [prop_ci()]'s methods; they equal those of
#' `tabulate_cohort(x, by = "visit")`.
#'
#' The rows of `x` may be in any order (a subset or a shuffle of a
#' `classify_visits()` result); patients are told apart by its id column
#' (or `patient`), and a patient without a row for a visit counts as
#' missing there. A missing id, or two rows of one id at one visit (ids
#' changed after [classify_visits()], which refuses both), is an error
#' rather than two patients followed as one.
#'
#' @param x A `myelo_visits` cohort from [classify_visits()].
#' @param conf_level Confidence level of the intervals.
#' @param method Interval method, see [prop_ci()].
#' @return A data frame of class `myelo_durability`, one row per symptom and
#'   patient (symptoms in the order of the rules, patients in order of first
#'   appearance in `x`): the id column, the patient-level columns `x`
#'   carries (as on the patient's first row), `symptom`, `n_judged` (visits
#'   judged), `n_alleviated` (visits alleviated), `first_alleviated` (a
#'   factor with the visits as levels), `sustained`, `relapsed` and
#'   `course`. `print()` shows the summary per symptom; `as.data.frame(x)`
#'   every patient, `as.data.frame(x, what = "visits")` the rates per visit
#'   and `as.data.frame(x, what = "transitions")` the transition counts.
#' @references Newcombe RG. Two-sided confidence intervals for the single
#'   proportion: comparison of seven methods. Stat Med 1998;17:857-872
#'   (the Wilson interval). Guo R, Sakakibara T, Mizuno T, Akeda K, Kondo T,
#'   Kasai Y. Relief of lower back and leg pain after myelography. Open
#'   Orthop J 2016;10:539-542. \doi{10.2174/1874325001610010539} (which
#'   reported one follow-up, and no duration of relief).
#' @seealso [summary.myelo_durability()], [plot.myelo_durability()].
#' @examples
#' d <- durability(classify_visits(hypothetical_followup,
#'   visits = c("post", "week1", "month1", "month3"),
#'                                 id = "id"))
#' d
#' head(as.data.frame(d))
#' as.data.frame(d, what = "visits")
#' @export
durability <- function(x, conf_level = 0.95, method = "wilson") {
  call <- sys.call()
  check_visits(x, "x", call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  rules <- cohort_rules(x)
  symptoms <- names(rules)
  visits <- visits_of(x)
  key_name <- attr(x, "source")$id
  key <- x[[key_name]]
  n_visits <- length(visits)
  # classify_visits() refuses missing and duplicated ids; a cohort whose id
  # column was changed since is checked again, so that no two patients are
  # followed as one.
  key_arg <- sprintf("`x$%s`", key_name)
  check_ids(key, key_arg, call, unique = FALSE)
  canonical <- .Call(C_visits_canonical, key, x$visit, n_visits)
  if (canonical) {
    n_patients <- nrow(x) %/% n_visits
    first_rows <- seq_len(n_patients)
    patient <- NULL
    # rows of the first visit: one per patient (integer ids proven
    # distinct in C first, without hashing; anyDuplicated() otherwise)
    if (!ids_distinct(key, n_patients)) check_ids(key[first_rows], key_arg, call,
              duplicate = function(value, rows) {
                sprintf("has the patient %s in more than one row of visit \"%s\" (%s); ids must be unique: one row per patient and visit.",
                        value, visits[1L], rows)
              })
  } else {
    if (anyNA(x$visit)) {
      abort(sprintf("`x$visit` is missing at row %d.", which(is.na(x$visit))[1L]),
            call)
    }
    patient_keys <- unique(key)
    patient <- match(key, patient_keys)
    n_patients <- length(patient_keys)
    first_rows <- match(patient_keys, key)
  }
  codes <- lapply(symptoms, function(s) x[[s]])
  res <- tryCatch(
    .Call(C_durability, codes, patient, as.double(n_patients), x$visit,
          n_visits, list(symptoms, visits, course_levels)),
    error = function(e) abort(conditionMessage(e), call))
  n_symptoms <- length(symptoms)
  carried <- setdiff(names(x), c(key_name, "visit", symptoms, patient_columns))
  patient_level <- lapply(as.list(x)[c(key_name, carried)], function(column) {
    rep(column[first_rows], times = n_symptoms)
  })
  out <- c(patient_level, list(
    symptom = res$symptom,
    n_judged = res$n_judged,
    n_alleviated = res$n_alleviated,
    first_alleviated = res$first,
    sustained = res$sustained,
    relapsed = res$relapsed,
    course = res$course))
  per_visit <- visit_rates(res$states, symptoms, visits, conf_level, method)
  transitions <- visit_transitions(res$transitions, symptoms, visits)
  structure(out, class = c("myelo_durability", "data.frame"),
            row.names = .set_row_names(n_patients * n_symptoms),
            rules = rules, visits = visits, key = key_name,
            per_visit = per_visit, transitions = transitions,
            conf_level = conf_level, method = method)
}

course_levels <- c("sustained", "relapsed", "unconfirmed", "never", "absent",
                   "missing")
state_levels <- c("alleviated", "not alleviated", "missing")

visit_rates <- function(states, symptoms, visits, conf_level, method) {
  counts <- matrix(states, ncol = 4L, byrow = TRUE)
  out <- data.frame(
    symptom = factor(rep(symptoms, each = length(visits)), levels = symptoms),
    visit = factor(rep(visits, times = length(symptoms)), levels = visits),
    alleviated = counts[, 1L], not_alleviated = counts[, 2L],
    absent = counts[, 3L], missing = counts[, 4L])
  out$evaluable <- out$alleviated + out$not_alleviated
  ci <- proportion_interval(out$alleviated, out$evaluable, conf_level, method)
  out$rate <- ci$estimate
  out$rate_lower <- ci$lower
  out$rate_upper <- ci$upper
  out
}

visit_transitions <- function(transitions, symptoms, visits) {
  n_pairs <- length(visits) - 1L
  if (n_pairs < 1L) {
    return(data.frame(symptom = factor(character(0), levels = symptoms),
                      from_visit = factor(character(0), levels = visits),
                      to_visit = factor(character(0), levels = visits),
                      from = factor(character(0), levels = state_levels),
                      to = factor(character(0), levels = state_levels),
                      patients = numeric(0)))
  }
  # layout: symptom, pair, from state, to state (to fastest)
  each <- 9L * n_pairs
  pair <- rep(rep(seq_len(n_pairs), each = 9L), times = length(symptoms))
  data.frame(
    symptom = factor(rep(symptoms, each = each), levels = symptoms),
    from_visit = factor(visits[pair], levels = visits),
    to_visit = factor(visits[pair + 1L], levels = visits),
    from = factor(rep(rep(state_levels, each = 3L), length.out = length(pair)),
                  levels = state_levels),
    to = factor(rep(state_levels, length.out = length(pair)),
                levels = state_levels),
    patients = transitions)
}

#' Summarise, print and plot durability
#'
#' `summary()` counts, per symptom, the patients by the course of their
#' relief (see [durability()]), with the share sustained among those whose
#' relief could be followed (sustained / (sustained + relapsed)) and its
#' confidence interval. `print()` shows that summary; `format()` gives it
#' as text columns for [knitr::kable()]; `as.data.frame()` gives every
#' patient (`what = "patients"`), the rates per visit (`"visits"`) or the
#' transitions (`"transitions"`) as plain data frames for [write.csv()].
#'
#' `plot()` draws the alleviation rate at each visit with its interval, one
#' line per symptom (`which = "rates"`), or, per symptom, the patients'
#' states at each visit as stacked bars joined by bands for the transitions
#' between consecutive visits (`which = "transitions"`, a compact alluvial
#' chart; patients absent at baseline left out).
#'
#' @param x,object A `myelo_durability` from [durability()].
#' @param digits Decimal places of percentages.
#' @param what Which rows `as.data.frame()` returns.
#' @param which `"rates"` or `"transitions"`.
#' @param symptoms Symptoms to plot (default: all with judged visits).
#' @param main Title (default from the rules' labels).
#' @param col Colours: one per symptom for rates; three (alleviated, not
#'   alleviated, missing) for transitions.
#' @param row.names,optional Ignored.
#' @param ... Ignored, or passed to [graphics::plot.default()] by `plot()`.
#' @return `summary()`: a data frame of class `durability_summary` with
#'   columns `symptom`, `patients`, `absent`, `missing`, `never`,
#'   `alleviated` (ever), `first_visit` (alleviated at the first visit),
#'   `sustained`, `relapsed`, `unconfirmed`, `sustained_rate`,
#'   `sustained_rate_lower` and `sustained_rate_upper`. `format()`: a data
#'   frame of text. `print()` and `plot()`: `x`, invisibly.
#' @examples
#' d <- durability(classify_visits(hypothetical_followup,
#'   visits = c("post", "week1", "month1", "month3"),
#'                                 id = "id"))
#' summary(d)
#' format(d)
#' as.data.frame(d, what = "transitions")[1:9, ]
#' plot(d)
#' plot(d, which = "transitions", symptoms = "lbp")
#' @name summary.myelo_durability
NULL

#' @rdname summary.myelo_durability
#' @export
summary.myelo_durability <- function(object, ...) {
  symptoms <- levels(object$symptom)
  counts <- table(object$symptom, object$course)
  first <- tabulate(as.integer(object$symptom)[as.integer(object$first_alleviated) %in% 1L],
                    nbins = length(symptoms))
  out <- data.frame(symptom = factor(symptoms, levels = symptoms),
                    patients = as.vector(rowSums(counts)))
  for (k in c("absent", "missing", "never")) out[[k]] <- as.vector(counts[, k])
  out$alleviated <- as.vector(rowSums(counts[, c("sustained", "relapsed",
                                                 "unconfirmed"), drop = FALSE]))
  out$first_visit <- first
  for (k in c("sustained", "relapsed", "unconfirmed")) {
    out[[k]] <- as.vector(counts[, k])
  }
  ci <- proportion_interval(out$sustained, out$sustained + out$relapsed,
                            attr(object, "conf_level"), attr(object, "method"))
  out$sustained_rate <- ci$estimate
  out$sustained_rate_lower <- ci$lower
  out$sustained_rate_upper <- ci$upper
  structure(out, class = c("durability_summary", "data.frame"),
            visits = attr(object, "visits"),
            conf_level = attr(object, "conf_level"),
            method = attr(object, "method"))
}

#' @rdname summary.myelo_durability
#' @export
format.durability_summary <- function(x, digits = 1L, ...) {
  followed <- x$sustained + x$relapsed
  out <- data.frame(
    symptom = as.character(x$symptom),
    judged = format_integer(x$patients - x$absent - x$missing),
    alleviated = format_integer(x$alleviated),
    at_first = format_integer(x$first_visit),
    relapsed = format_integer(x$relapsed),
    unconfirmed = format_integer(x$unconfirmed),
    sustained = sprintf("%s/%s", format_integer(x$sustained),
                        format_integer(followed)),
    rate = format_rate(x$sustained_rate, x$sustained_rate_lower,
                       x$sustained_rate_upper, digits),
    stringsAsFactors = FALSE)
  names(out)[names(out) == "at_first"] <- paste("at", attr(x, "visits")[1L])
  names(out)[names(out) == "rate"] <- sprintf("sustained %% (%s%% CI)",
                                               format(100 * attr(x, "conf_level")))
  out
}

# The columns print() shows (format() has them all).
compact_durability <- function(formatted) {
  formatted[setdiff(names(formatted), c("judged", "unconfirmed"))]
}

#' @rdname summary.myelo_durability
#' @export
print.durability_summary <- function(x, digits = 1L, ...) {
  visits <- attr(x, "visits")
  cat(sprintf("<durability_summary> %s: %s\n",
              count_of(length(visits), "visit"), paste(visits, collapse = ", ")))
  cat(strwrap(sprintf("alleviated: at any visit; at %s: alleviated at the first visit; sustained: of the patients whose relief was seen and followed by a later judged visit (sustained + relapsed)",
                      visits[1L]),
              width = getOption("width")), sep = "\n")
  print(compact_durability(format(x, digits = digits)), right = FALSE,
        row.names = FALSE)
  cat("format(x) for every column (judged, unconfirmed).\n")
  invisible(x)
}

#' @rdname summary.myelo_durability
#' @export
as.data.frame.durability_summary <- function(x, row.names = NULL,
                                             optional = FALSE, ...) {
  attributes(x) <- attributes(x)[c("names", "row.names")]
  class(x) <- "data.frame"
  x
}

#' @rdname summary.myelo_durability
#' @export
format.myelo_durability <- function(x, digits = 1L, ...) {
  format(summary(x), digits = digits)
}

#' @rdname summary.myelo_durability
#' @export
print.myelo_durability <- function(x, digits = 1L, ...) {
  n_symptoms <- nlevels(x$symptom)
  n_patients <- if (n_symptoms) nrow(x) / n_symptoms else 0
  visits <- attr(x, "visits")
  cat(strwrap(sprintf("<myelo_durability> %s x %s over %s: %s",
                      count_of(n_patients, "patient"),
                      count_of(n_symptoms, "symptom"),
                      count_of(length(visits), "visit"),
                      paste(visits, collapse = ", ")),
              width = getOption("width"), exdent = 2L), sep = "\n")
  s <- summary(x)
  cat(strwrap(sprintf("alleviated: at any visit; at %s: alleviated at the first visit; sustained: of the patients whose relief was seen and followed by a later judged visit (sustained + relapsed)",
                      visits[1L]),
              width = getOption("width")), sep = "\n")
  print(compact_durability(format(s, digits = digits)), right = FALSE,
        row.names = FALSE)
  cat(strwrap("format(x) for every column; as.data.frame(x) for every patient, with what = \"visits\" or \"transitions\" for the rest.",
              width = getOption("width")), sep = "\n")
  invisible(x)
}

#' @rdname summary.myelo_durability
#' @export
as.data.frame.myelo_durability <- function(x, row.names = NULL,
                                           optional = FALSE,
                                           what = c("patients", "visits",
                                                    "transitions"), ...) {
  what <- check_choice(what, c("patients", "visits", "transitions"), "what",
                       sys.call())
  if (what == "visits") return(attr(x, "per_visit"))
  if (what == "transitions") return(attr(x, "transitions"))
  attributes(x) <- attributes(x)[c("names", "row.names")]
  class(x) <- "data.frame"
  x
}

#' @export
`[.myelo_durability` <- function(x, ...) {
  out <- NextMethod()
  if (is.data.frame(out)) {
    attributes(out) <- attributes(out)[c("names", "row.names")]
    class(out) <- "data.frame"
  }
  out
}

symptom_labels <- function(rules, symptoms) {
  vapply(symptoms, function(s) {
    label <- rules[[s]]$label
    if (is.null(label) || is.na(label) || !nzchar(label)) s else label
  }, character(1))
}

#' @rdname summary.myelo_durability
#' @export
plot.myelo_durability <- function(x, which = c("rates", "transitions"),
                                  symptoms = NULL, main = NULL, col = NULL,
                                  ...) {
  call <- sys.call()
  which <- check_choice(which, c("rates", "transitions"), "which", call)
  rates <- attr(x, "per_visit")
  judged <- tapply(rates$evaluable, rates$symptom, sum)
  if (is.null(symptoms)) symptoms <- names(judged)[judged > 0]
  if (!is.character(symptoms) || !length(symptoms) ||
      !all(symptoms %in% levels(x$symptom))) {
    abort(sprintf("`symptoms` must name symptoms of `x` (%s), not %s.",
                  paste0("\"", levels(x$symptom), "\"", collapse = ", "),
                  describe_value(symptoms)), call)
  }
  labels <- symptom_labels(attr(x, "rules"), symptoms)
  visits <- attr(x, "visits")
  if (which == "rates") {
    plot_visit_rates(rates, symptoms, labels, visits, main, col,
                     attr(x, "conf_level"), ...)
  } else {
    plot_transitions(attr(x, "transitions"), rates, symptoms, labels, visits,
                     main, col)
  }
  invisible(x)
}

plot_visit_rates <- function(rates, symptoms, labels, visits, main, col,
                             conf_level, ...) {
  rates <- rates[rates$symptom %in% symptoms & rates$evaluable > 0, ]
  if (!nrow(rates)) abort("Nothing to plot: no visit has judged patients.")
  if (is.null(col)) col <- grDevices::hcl.colors(max(length(symptoms), 2L), "Dark 3")
  col <- rep_len(col, length(symptoms))
  if (is.null(main)) main <- "Alleviated at each visit"
  k <- match(as.character(rates$symptom), symptoms)
  offset <- if (length(symptoms) > 1L) {
    (k - (length(symptoms) + 1) / 2) * 0.25 / length(symptoms) * 2
  } else 0
  at <- as.integer(rates$visit) + offset
  old <- graphics::par(mar = c(4.5, 4.5, 3, 1))
  on.exit(graphics::par(old))
  graphics::plot.default(at, 100 * rates$rate, type = "n",
                         xlim = c(0.6, length(visits) + 0.4),
                         ylim = c(0, 100 * max(rates$rate_upper) *
                                    (1 + 0.08 * length(symptoms))),
                         xaxt = "n",
                         xlab = "", ylab = "", main = NULL, ...)
  draw_title(fit_main(main))
  draw_axis_titles("Visit", sprintf("Alleviated among judged, %% (%s%% CI)",
                                    format(100 * conf_level)))
  visit_axis(visits)
  for (j in seq_along(symptoms)) {
    r <- k == j
    graphics::lines(at[r], 100 * rates$rate[r], col = col[j], lwd = 1.5)
    graphics::segments(at[r], 100 * rates$rate_lower[r], at[r],
                       100 * rates$rate_upper[r], col = col[j], lwd = 2)
    graphics::points(at[r], 100 * rates$rate[r], pch = 19, col = col[j])
  }
  if (length(symptoms) == 1L) {
    graphics::text(at, 100 * rates$rate_upper,
                   sprintf("%s/%s", format_integer(rates$alleviated),
                           format_integer(rates$evaluable)),
                   pos = 3, cex = 0.8, xpd = TRUE)
  }
  # each label no wider than the plot region, less the legend's symbol
  labels <- fit_labels(labels, graphics::par("pin")[1L] - 0.6,
                       0.75 * graphics::par("cex"))
  graphics::legend("top", legend = labels, col = col, lwd = 2, pch = 19,
                   bty = "n", cex = 0.75)
}

# The visits under the x axis, one mtext() each (axis() drops labels that
# overlap), each shortened to the room between its neighbours.
visit_axis <- function(visits, cex = graphics::par("cex"), line = 1, ticks = TRUE) {
  n <- length(visits)
  at <- seq_len(n)
  usr <- graphics::par("usr")[1:2]
  slot <- graphics::par("pin")[1L] / diff(usr) - 0.08
  if (ticks) graphics::axis(1, at = at, labels = FALSE)
  graphics::mtext(fit_labels(visits, slot, cex), side = 1, at = at, cex = cex,
                  line = line)
}

plot_transitions <- function(transitions, rates, symptoms, labels, visits,
                             main, col) {
  if (is.null(col)) col <- c("#1B9E77", "grey55", "grey88")
  col <- rep_len(col, 3L)
  n <- length(symptoms)
  rows <- ceiling(sqrt(n))
  # the legend goes in the outer margin under the panels, clear of the bars
  old <- graphics::par(mfrow = c(rows, ceiling(n / rows)), oma = c(1.6, 0, 0, 0),
                       mar = c(3, 4, if (is.null(main)) 2.5 else 3.5, 1))
  on.exit(graphics::par(old))
  # text at 9 points at print size (par(mfrow) has set it smaller for
  # several panels)
  graphics::par(cex = graphics::par("cex") * print_cex(9))
  # bands a lighter tint of the state they leave, edged in its darker tone
  darker <- function(colour) {
    rgb <- grDevices::col2rgb(colour) * 0.7
    grDevices::rgb(rgb[1L, ], rgb[2L, ], rgb[3L, ], maxColorValue = 255)
  }
  for (j in seq_len(n)) {
    s <- symptoms[j]
    r <- rates[rates$symptom == s, ]
    # states per visit: alleviated, not alleviated, missing (absent left out)
    tr <- transitions[transitions$symptom == s, ]
    height <- if (length(visits) > 1L) {
      # from the transitions, which leave out patients absent at baseline
      flow <- lapply(seq_len(length(visits) - 1L), function(v) {
        matrix(tr$patients[as.integer(tr$from_visit) == v], 3L, 3L,
               byrow = TRUE)
      })
      cbind(vapply(flow, rowSums, numeric(3)),
            colSums(flow[[length(flow)]]))
    } else rbind(r$alleviated, r$not_alleviated, r$missing)
    total <- max(colSums(height), 1)
    graphics::plot.new()
    graphics::plot.window(xlim = c(0.5, length(visits) + 0.5),
                          ylim = c(0, 100))
    # narrow bars, so the bands between them have room to be seen
    width <- 0.14
    for (v in seq_len(length(visits) - 1L)) {
      flows <- matrix(tr$patients[as.integer(tr$from_visit) == v],
                      3L, 3L, byrow = TRUE)
      from_base <- c(0, cumsum(height[, v]))[1:3]
      to_base <- c(0, cumsum(height[, v + 1L]))[1:3]
      from_at <- from_base
      to_at <- to_base
      for (a in 1:3) for (b in 1:3) {
        f <- flows[a, b]
        if (f <= 0) next
        y0 <- 100 * c(from_at[a], from_at[a] + f) / total
        y1 <- 100 * c(to_at[b], to_at[b] + f) / total
        band_x <- seq(v + width, v + 1 - width, length.out = 20)
        t <- (1 - cos(pi * seq(0, 1, length.out = 20))) / 2
        lower <- y0[1] + (y1[1] - y0[1]) * t
        upper <- y0[2] + (y1[2] - y0[2]) * t
        graphics::polygon(c(band_x, rev(band_x)), c(lower, rev(upper)),
                          col = grDevices::adjustcolor(col[a], 0.55),
                          border = darker(col[a]), lwd = 0.6)
        from_at[a] <- from_at[a] + f
        to_at[b] <- to_at[b] + f
      }
    }
    for (v in seq_along(visits)) {
      bottom <- 100 * c(0, cumsum(height[, v]))[1:3] / total
      top <- 100 * cumsum(height[, v]) / total
      graphics::rect(v - width, bottom, v + width, top, col = col,
                     border = "white")
      graphics::text(v, top[1], format_integer(height[1, v]), pos = 3,
                     cex = 0.75, offset = 0.2)
    }
    visit_axis(visits, cex = 0.85 * graphics::par("cex"), line = 0.2, ticks = FALSE)
    graphics::axis(2, las = 1, cex.axis = 0.8)
    # the longest wording the panel's height holds
    wordings <- c("% of patients with the symptom", "% of patients", "%")
    lab_cex <- max(0.8 * graphics::par("cex"), min_plot_cex())
    fits <- text_inches(wordings, lab_cex) <= graphics::par("pin")[2L] + 0.2
    graphics::mtext(c(wordings[fits], "%")[1L], 2, line = 2.6, cex = lab_cex)
    # a long label wraps to the panel's width, then is shortened
    title_cex <- 0.95 * graphics::par("cex")
    panel_title <- wrap_to_width(labels[j], graphics::par("pin")[1L], title_cex, 2,
                                 max_lines = if (is.null(main)) 2L else 1L)
    graphics::mtext(panel_title, side = 3, font = 2, cex = title_cex,
                    line = 0.4 + 1.1 * (title_cex / graphics::par("cex")) *
                      rev(seq_along(panel_title) - 1))
  }
  if (!is.null(main)) graphics::mtext(main, outer = FALSE, side = 3, line = 2.2,
                                      font = 2)
  graphics::par(fig = c(0, 1, 0, 1), oma = c(0, 0, 0, 0), mar = c(0, 0, 0, 0),
                new = TRUE)
  graphics::plot.new()
  graphics::legend("bottom", legend = state_levels, fill = col, border = darker(col),
                   bty = "n", horiz = TRUE, cex = print_cex(9) / graphics::par("cex"),
                   xpd = NA)
}
