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
  widths <- if (sum(minimum) <= total) {
    shared_widths(minimum, preferred, total)
  } else {
    capped_widths(preferred, total)
  }
  flextable::width(ft, width = widths)
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
  body_whole <- flextable::dim_pretty(ft, part = "body")$widths
  vapply(seq_along(ft$col_keys), function(j) {
    key <- ft$col_keys[[j]]
    body <- as.character(ft$body$dataset[[key]])
    # (a rate of no evaluable patients is "-": it does not make a column text)
    body_width <- if (all(is_number_text(body[!grepl("^[-\u2013\u2014]$", body)]))) {
      body_whole[[j]]
    } else {
      widest_word(ft, "body", j, body)
    }
    header <- if (flextable::nrow_part(ft, "header") > 0L) {
      widest_word(ft, "header", j, as.character(unlist(ft$header$dataset[[key]])))
    } else 0
    max(body_width, header)
  }, numeric(1))
}

# The text of a number, an interval or a p-value: digits and what formats
# them, nothing a reader would break.
is_number_text <- function(x) {
  x <- x[!is.na(x) & nzchar(x)]
  grepl("^(NA|Inf|-Inf|[-+<>=0-9.,%()/ \u2212\u2013\u2264\u2265]*[0-9][-+<>=0-9.,%()/ \u2212\u2013\u2264\u2265]*)$", x)
}

# The widest word of `text` (split at spaces and after hyphens) set in the
# font of column `j`'s first cell of `part`, with that cell's padding (of
# its 20 longest words: another, of fewer but wider letters, could be a
# little wider).
widest_word <- function(ft, part, j, text) {
  words <- unique(unlist(strsplit(text[!is.na(text)], "\\s+|(?<=-)", perl = TRUE)))
  words <- words[nzchar(words)]
  if (!length(words)) return(0)
  # the widest is among the longest: measure 20 of them, not every word of
  # a long table (measuring is most of the time of a large as_flextable())
  words <- words[order(-nchar(words, type = "width"))][seq_len(min(20L, length(words)))]
  style <- ft[[part]]$styles
  probe <- flextable::flextable(data.frame(text = words, stringsAsFactors = FALSE))
  probe <- flextable::delete_part(probe, part = "header")
  probe <- flextable::font(probe, fontname = style$text$font.family$data[1L, j], part = "body")
  probe <- flextable::fontsize(probe, size = style$text$font.size$data[1L, j], part = "body")
  probe <- flextable::bold(probe, bold = isTRUE(style$text$bold$data[1L, j]), part = "body")
  probe <- flextable::italic(probe, italic = isTRUE(style$text$italic$data[1L, j]), part = "body")
  probe <- flextable::padding(probe, padding.left = style$pars$padding.left$data[1L, j],
                              padding.right = style$pars$padding.right$data[1L, j],
                              part = "body")
  max(flextable::dim_pretty(probe, part = "body")$widths)
}
