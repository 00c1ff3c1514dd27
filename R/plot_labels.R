# Text from the data in base-graphics figures: group, stratum, symptom and
# category labels of any length must fit the figure, never make it fail.
# Everything is measured on the open device in inches (strwidth(units =
# "inches")), so a figure laid out here works at a journal's one-column
# (85 mm) and two-column (170 mm) widths as well as at the default sizes of
# pdf() and png(). These helpers need plot.new() to have been called.

# The smallest text the plots shrink to, in points (journals ask for 6 to
# 8 pt at print size). Labels that still do not fit are shortened.
min_plot_points <- 7

# The smallest `cex` that keeps text at min_plot_points on this device
# (a user's own smaller `cex` is kept: min() with it at the call site).
min_plot_cex <- function() min_plot_points / graphics::par("ps")

# Widths in inches of text drawn at `cex`, taken as mtext() takes it: an
# absolute size, not scaled by par("cex") (which par(mfrow) lowers).
text_inches <- function(x, cex = 1, font = 1) {
  if (!length(x)) return(numeric())
  x <- as.character(x)
  x[is.na(x)] <- "NA"
  graphics::strwidth(x, units = "inches", cex = cex / graphics::par("cex"),
                     font = font)
}

# The first `k` characters of x (and the last `tail` of them) around an
# ASCII ellipsis: "..." survives every device and encoding, where the
# one-character ellipsis is dropped by pdf()'s Latin-1 fonts.
ellipsize <- function(x, head, tail = 0L) {
  n <- nchar(x, type = "chars")
  paste0(substr(x, 1L, head), "...",
         if (tail > 0L) substr(x, n - tail + 1L, n) else "")
}

# One label cut to at most `width` inches: as many characters as fit,
# a share `at` of them from the start and the rest from the end.
shorten_one <- function(x, width, cex, font, at = 1) {
  n <- nchar(x, type = "chars")
  fits <- function(k) {
    head <- ceiling(at * k)
    text_inches(ellipsize(x, head, k - head), cex, font) <= width
  }
  lo <- 0L
  hi <- n - 1L
  while (lo < hi) {                 # the most characters that fit
    mid <- (lo + hi + 1L) %/% 2L
    if (fits(mid)) lo <- mid else hi <- mid - 1L
  }
  head <- ceiling(at * lo)
  ellipsize(x, head, lo - head)
}

# Labels at most `width` inches wide: the longer ones shortened with an
# ellipsis, keeping labels that were distinct distinct (cut at the end, or
# where that makes two alike, around the middle, keeping both ends, then
# with more of the start or of the end). Leading spaces (indentation) are
# kept. Labels that fit are returned unchanged.
fit_labels <- function(labels, width, cex = 1, font = 1) {
  labels <- as.character(labels)
  labels[is.na(labels)] <- "NA"
  out <- labels
  if (!length(labels)) return(out)
  width <- max(width, text_inches("Ab...", cex, font))
  long <- which(text_inches(labels, cex, font) > width)
  if (!length(long)) return(out)
  indent <- sub("^( *).*$", "\\1", labels)
  body <- substring(labels, nchar(indent) + 1L)
  room <- width - text_inches(indent, cex, font)
  cut <- function(i, at) {
    paste0(indent[i], shorten_one(body[i], room[i], cex, font, at))
  }
  out[long] <- vapply(long, cut, character(1), at = 1)
  clashing <- function() {
    long[out[long] %in% out[duplicated(out)] &
           !labels[long] %in% labels[duplicated(labels)]]
  }
  for (at in c(0.5, 0.3, 0.7, 0.15, 0.85, 0)) {
    clash <- clashing()
    if (!length(clash)) break
    out[clash] <- vapply(clash, cut, character(1), at = at)
  }
  # alike at both ends: show where each differs from the others
  for (i in clashing()) {
    others <- setdiff(body[labels != labels[i]], body[i])
    prefix <- max(vapply(others, common_prefix, integer(1), body[i]), 0L)
    out[i] <- paste0(indent[i], shorten_window(body[i], prefix, room[i], cex, font))
  }
  out
}

# Characters two strings share at their start.
common_prefix <- function(a, b) {
  a <- strsplit(a, "")[[1L]]
  b <- strsplit(b, "")[[1L]]
  n <- min(length(a), length(b))
  same <- a[seq_len(n)] == b[seq_len(n)]
  if (all(same)) n else which(!same)[1L] - 1L
}

# "..." and as many characters from x as fit from a little before its
# character `from` on, then "...".
shorten_window <- function(x, from, width, cex, font) {
  n <- nchar(x, type = "chars")
  start <- max(1L, from - 2L)
  show <- function(k) {
    paste0(if (start > 1L) "...", substr(x, start, start + k - 1L),
           if (start + k - 1L < n) "...")
  }
  k <- 1L
  while (start + k - 1L < n && text_inches(show(k + 1L), cex, font) <= width) k <- k + 1L
  show(k)
}

# A title (or any line of text) wrapped into at most `max_lines` lines of
# at most `width` inches, the last shortened with an ellipsis if need be.
# Existing line breaks are kept.
wrap_to_width <- function(text, width, cex = 1, font = 1, max_lines = 2L) {
  if (is.null(text) || !length(text)) return(character())
  text <- paste(as.character(text), collapse = "\n")
  paragraphs <- strsplit(text, "\n", fixed = TRUE)[[1L]]
  lines <- unlist(lapply(paragraphs, function(p) {
    if (!nzchar(p) || text_inches(p, cex, font) <= width) return(p)
    words <- strsplit(p, " ", fixed = TRUE)[[1L]]
    words <- words[nzchar(words)]
    out <- character()
    current <- ""
    for (w in words) {
      candidate <- if (nzchar(current)) paste(current, w) else w
      if (!nzchar(current) || text_inches(candidate, cex, font) <= width) {
        current <- candidate
      } else {
        out <- c(out, current)
        current <- w
      }
    }
    c(out, current)
  }))
  if (length(lines) > max_lines) {
    lines <- c(lines[seq_len(max_lines - 1L)],
               paste(lines[max_lines:length(lines)], collapse = " "))
  }
  # words longer than the width, and the merged last line
  too_long <- text_inches(lines, cex, font) > width
  lines[too_long] <- vapply(lines[too_long], shorten_one, character(1),
                            width = width, cex = cex, font = font)
  lines
}

# The size title() draws a main title at.
main_cex <- function() graphics::par("cex.main") * graphics::par("cex")

# A title drawn line by line from the top of the margin (title() centres a
# multi-line title on one line and pushes it off the top); returns the
# number of lines drawn. Call after the margins are set.
draw_title <- function(lines, cex = attr(lines, "cex") %||% main_cex(), font = 2) {
  n <- length(lines)
  if (!n) return(0L)
  top <- graphics::par("mar")[3L]
  step <- 1.1 * cex
  for (i in seq_len(n)) {
    # (never inside the plot region, whatever the margin)
    line <- max(top - 0.3 - step * i, 0.2 + step * (n - i))
    graphics::mtext(lines[i], side = 3, line = line, cex = cex, font = font)
  }
  n
}

# Lines of top margin a title of `n` lines needs (plus `extra`).
title_margin <- function(n, cex = main_cex(), extra = 0.8) {
  max(1, 1.1 * cex * n + extra)
}

# A main title fitted above the plot region of the current plot: wrapped
# to its width into as many lines as the top margin holds.
# A title that would have to be shortened is set a size smaller (the
# size of the text) first; draw_title() draws it at that size.
fit_main <- function(main, cex = main_cex()) {
  if (is.null(main) || !length(main)) return(character())
  lines <- NULL
  for (size in unique(c(cex, min(cex, graphics::par("cex"))))) {
    room <- max(1L, floor((graphics::par("mar")[3L] - 0.3) / (1.1 * size)))
    lines <- wrap_to_width(main, graphics::par("pin")[1L], size, font = 2,
                           max_lines = room)
    if (!any(grepl("...", lines, fixed = TRUE) & !grepl("...", main, fixed = TRUE))) break
  }
  structure(lines, cex = size)
}

# Axis titles that fit: each centred on its axis, moved towards the middle
# of the device where it would run off an edge; a title longer than the
# device is drawn smaller, down to the readable minimum, then shortened.
draw_axis_titles <- function(xlab = NULL, ylab = NULL) {
  mai <- graphics::par("mai")
  din <- graphics::par("din")
  pin <- graphics::par("pin")
  draw <- function(text, side) {
    if (is.null(text) || !length(text) || is.na(text[1L]) || !nzchar(text[1L])) return()
    text <- paste(as.character(text), collapse = " ")
    centre <- if (side == 1L) mai[2L] + pin[1L] / 2 else mai[1L] + pin[2L] / 2
    along <- if (side == 1L) din[1L] else din[2L]
    room <- along - 0.1
    cex <- graphics::par("cex.lab") * graphics::par("cex")
    w <- text_inches(text, cex)
    # (text does not scale exactly with cex: fonts come in whole sizes)
    if (w > room) cex <- max(min(cex, min_plot_cex()), 0.95 * cex * room / w)
    text <- fit_labels(text, room, cex)
    half <- text_inches(text, cex) / 2 + 0.05
    centre <- min(max(centre, half), along - half) / along
    at <- if (side == 1L) graphics::grconvertX(centre, "ndc", "user")
          else graphics::grconvertY(centre, "ndc", "user")
    graphics::mtext(text, side = side, line = graphics::par("mgp")[1L], cex = cex,
                    font = graphics::par("font.lab"), at = at)
  }
  draw(xlab, 1L)
  draw(ylab, 2L)
}

# Text size (as cex) that reads `points` at print size: a figure is printed
# at most a journal's two-column width (170 mm) wide, so text on a wider
# device (a 900-pixel PNG is 9.4 inches at 96 dpi) is drawn larger by the
# ratio, and reads `points` once the figure is shrunk to the column.
print_cex <- function(points = 9) {
  width <- graphics::par("din")[1L]
  points * max(1, width / (170 / 25.4)) / graphics::par("ps")
}
