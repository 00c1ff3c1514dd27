# Column widths of the Word tables (as_flextable() and the report's): fitted
# to their text within the text column of the page, breaking a cell's text
# only where a reader expects it.

# Columns fitted to their text, within `width_mm` (160: the text column of
# an A4 or Letter page with 25 mm margins). A table that fits keeps
# autofit()'s widths. A wider one first gives every column the narrowest
# width that breaks no word, and no cell of a column of numbers at all: Word
# breaks a line after a hyphen as readily as at a space, so "12.2%
# (6.8-21.0)" in a narrow column became "12.2% (6.8-" over "21.0)". The
# rest of the width is shared in proportion to what each column lacks of
# its autofit() width. Where those widths do not fit, cells are padded by 1
# point a side instead; where even that does not fit, the widest columns
# are cut to one common width and their text wraps where it must.
fit_flextable <- function(ft, width_mm = 160) {
  ft <- flextable::autofit(ft)
  preferred <- dim(ft)$widths
  total <- width_mm / 25.4
  if (sum(preferred) <= total) return(ft)
  minimum <- pmin(unbreakable_widths(ft), preferred)
  if (sum(minimum) > total) {
    # a tight table: cells padded by 1 point a side instead of wrapping;
    # every width less the padding given up (measuring again took seconds
    # on a long table)
    given_up <- padding_width(column_padding(ft)) - padding_width(2)
    ft <- flextable::padding(ft, padding.left = 1, padding.right = 1, part = "all")
    preferred <- preferred - given_up
    minimum <- minimum - given_up
  }
  if (sum(minimum) > total) {
    # still too wide: number cells in two lines, widest columns first
    split <- split_number_columns(ft, minimum, total)
    ft <- split$ft
    minimum[split$columns] <- split$minimum[split$columns]
    # (width beyond the two lines would be left empty)
    preferred[split$columns] <- minimum[split$columns]
  }
  widths <- if (sum(minimum) <= total) {
    shared_widths(minimum, preferred, total)
  } else {
    capped_widths(preferred, total)
  }
  flextable::width(ft, width = widths)
}

# Number columns set in two lines, broken at each cell's first space
# ("26/293" over "8.9% (6.1-12.7)", "-25.6%" over "(-34.1 to -18.2)"):
# Word fills a line before it breaks, so a column narrower than a cell
# breaks it after a hyphen ("8.9% (6.1-" over "12.7)") unless the break is
# made first. Columns are split, the widest first, until the minimums fit
# `total` or no column gains. Returns the table, the split columns and
# every column's new minimum width.
split_number_columns <- function(ft, minimum, total) {
  candidates <- which(number_columns(ft) & vapply(ft$col_keys, function(key) {
    any(grepl(" ", as.character(ft$body$dataset[[key]]), fixed = TRUE))
  }, logical(1)))
  split <- integer()
  for (j in candidates[order(-minimum[candidates])]) {
    if (sum(minimum) <= total) break
    key <- ft$col_keys[[j]]
    text <- as.character(ft$body$dataset[[key]])
    two_lines <- sub(" ", "\n", text, fixed = TRUE)
    broken <- which(two_lines != text)
    trial <- flextable::compose(ft, i = broken, j = key, part = "body",
                                value = flextable::as_paragraph(flextable::as_chunk(two_lines[broken])))
    width <- widest_pieces(trial, "body", j,
                           list(unlist(strsplit(two_lines, "\n", fixed = TRUE))))
    if (width >= minimum[[j]]) next
    ft <- trial
    minimum[[j]] <- width
    split <- c(split, j)
  }
  list(ft = ft, columns = split, minimum = minimum)
}

# Per column: is every body cell a number (a "-" rate, of no evaluable
# patients, does not make a column text)?
number_columns <- function(ft) {
  vapply(ft$col_keys, function(key) {
    body <- as.character(unlist(ft$body$dataset[[key]]))
    all(is_number_text(body[!grepl("^[-\u2013\u2014]$", body)]))
  }, logical(1), USE.NAMES = FALSE)
}

# Per column, in points: the larger left plus right padding of its first
# header and first body cell (what autofit() counted in its width).
column_padding <- function(ft) {
  sides <- function(part) {
    if (flextable::nrow_part(ft, part) == 0L) return(rep(0, length(ft$col_keys)))
    pars <- ft[[part]]$styles$pars
    pars$padding.left$data[1L, ] + pars$padding.right$data[1L, ]
  }
  unname(pmax(sides("header"), sides("body")))
}

# The width (inches) that `points` of padding (left plus right) add to a
# column, as flextable measures it (a one-cell probe per distinct value).
padding_width <- function(points) {
  widths <- vapply(unique(points), function(p) {
    probe <- flextable::padding(flextable::flextable(data.frame(x = "x")),
                                padding.left = p / 2, padding.right = p / 2, part = "all")
    flextable::dim_pretty(probe, part = "body")$widths[[1L]]
  }, numeric(1))
  widths[match(points, unique(points))]
}

# From `minimum` towards `preferred`, the width left over (`total` less the
# minimums) shared in proportion to each column's shortfall.
shared_widths <- function(minimum, preferred, total) {
  short <- preferred - minimum
  if (sum(short) <= 0) return(minimum)
  minimum + short * min(1, (total - sum(minimum)) / sum(short))
}

# Column widths that sum to at most `total`: the widest columns cut to one
# common width, the others kept.
capped_widths <- function(widths, total) {
  if (sum(widths) <= total) return(widths)
  sorted <- sort(widths, decreasing = TRUE)
  for (k in seq_along(sorted)) {
    cap <- (total - sum(sorted[-seq_len(k)])) / k
    if (k == length(sorted) || cap >= sorted[[k + 1L]]) break
  }
  pmin(widths, cap)
}

# Per column, in inches: the widest unbreakable piece of its header and body
# text, with the cell's padding. A body column whose every cell is a number
# ("26/293 (8.9%)", "8.9% (6.1-12.7)", ">0.99", "NA") counts its widest cell
# whole (autofit()'s width of the body); other text may break at spaces and
# after hyphens, as Word breaks it.
unbreakable_widths <- function(ft) {
  columns <- seq_along(ft$col_keys)
  has_header <- flextable::nrow_part(ft, "header") > 0L
  number_column <- number_columns(ft)
  # every column measured in one go (a probe table per column took most of
  # the time of a Word report): the lines of a number column's cells whole
  # (a cell split by split_number_columns() is two lines), the words of
  # other cells and of the headers
  wanted <- rbind(
    data.frame(part = rep("body", length(columns)), j = columns),
    if (has_header) data.frame(part = rep("header", length(columns)), j = columns))
  pieces <- Map(function(part, j) {
    if (part == "body" && number_column[[j]]) {
      unlist(strsplit(cell_lines(ft, j), "\n", fixed = TRUE))
    } else {
      text <- as.character(unlist(ft[[part]]$dataset[[ft$col_keys[[j]]]]))
      unlist(strsplit(text[!is.na(text)], "\\s+|(?<=-)", perl = TRUE))
    }
  }, wanted$part, wanted$j)
  widths <- widest_pieces(ft, wanted$part, wanted$j, pieces)
  body_width <- widths[wanted$part == "body"]
  header_width <- numeric(length(columns))
  header_width[wanted$j[wanted$part == "header"]] <- widths[wanted$part == "header"]
  pmax(body_width, header_width)
}

# The text of column j's body cells as the table shows it (the cells
# split_number_columns() composed in two lines hold a line break).
cell_lines <- function(ft, j) {
  vapply(ft$body$content$content$data[, j],
         function(chunks) paste(chunks$txt, collapse = ""), character(1))
}

# The text of a number, an interval or a p-value: digits and what formats
# them ("to" between the limits of an interval of signed numbers), nothing
# a reader would break.
is_number_text <- function(x) {
  x <- x[!is.na(x) & nzchar(x)]
  x <- gsub("(?<=[0-9%]) to (?=[-+\u2212]?[0-9])", " ", x, perl = TRUE)
  grepl("^(NA|Inf|-Inf|[-+<>=0-9.,%()/ \u2212\u2013\u2264\u2265]*[0-9][-+<>=0-9.,%()/ \u2212\u2013\u2264\u2265]*)$", x)
}

# A rough width of each string in ems, to choose which to measure: letters
# and figures by their usual widths in Arial or Helvetica (every figure
# alike), so that of a thousand numbers of equal length the ones with most
# figures and percent signs are measured, not any twenty.
rough_width <- function(x) {
  chars <- strsplit(x, "", fixed = TRUE)
  widths <- c("%" = 0.89, W = 0.94, M = 0.83, m = 0.83, w = 0.72, "@" = 1.02)
  vapply(chars, function(ch) {
    w <- widths[ch]
    other <- ch[is.na(w)]
    w[is.na(w)] <- ifelse(grepl("[0-9]", other), 0.56,
                          ifelse(grepl("[A-Z]", other), 0.67,
                                 ifelse(grepl("[ .,:;/()|!'il-]", other), 0.3, 0.5)))
    sum(w)
  }, numeric(1))
}

# For each (part, column j, pieces of text): the widest piece set in the
# font of column j's first cell of that part, with that cell's padding (of
# its 20 longest pieces: another, of fewer but wider letters, could be a
# little wider; measuring every cell of a long table took seconds). One
# probe table holds every column's pieces, styled column by column,
# measured by flextable once.
widest_pieces <- function(ft, parts, js, pieces) {
  word_lists <- lapply(pieces, function(words) {
    words <- unique(words[!is.na(words) & nzchar(words)])
    words[order(-rough_width(words))][seq_len(min(20L, length(words)))]
  })
  measured <- lengths(word_lists) > 0L
  widths <- numeric(length(word_lists))
  if (!any(measured)) return(widths)
  rows <- max(lengths(word_lists))
  probe_data <- as.data.frame(
    lapply(word_lists[measured], function(words) c(words, rep("", rows - length(words)))),
    col.names = paste0("w", seq_len(sum(measured))), stringsAsFactors = FALSE)
  probe <- flextable::delete_part(flextable::flextable(probe_data), part = "header")
  for (k in seq_len(sum(measured))) {
    i <- which(measured)[[k]]
    style <- ft[[parts[[i]]]]$styles
    j <- js[[i]]
    probe <- flextable::style(
      probe, j = k, part = "body",
      pr_t = officer::fp_text(font.family = style$text$font.family$data[1L, j],
                              font.size = style$text$font.size$data[1L, j],
                              bold = isTRUE(style$text$bold$data[1L, j]),
                              italic = isTRUE(style$text$italic$data[1L, j])),
      pr_p = officer::fp_par(padding.left = style$pars$padding.left$data[1L, j],
                             padding.right = style$pars$padding.right$data[1L, j]))
  }
  widths[measured] <- flextable::dim_pretty(probe, part = "body")$widths
  widths
}
