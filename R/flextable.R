# as_flextable() methods: the package's results as Word and PowerPoint
# tables through the flextable package (in Suggests; its generic, so
# nothing is imported).

#' Tables for Word: `as_flextable()` of the package's results
#'
#' Methods for [flextable::as_flextable()] that turn the results users put
#' in papers into flextables, ready for [flextable::save_as_docx()],
#' `officer::body_add_flextable()` or a Word document from R Markdown. Each
#' table holds exactly the text of the result's `format()`, the text its
#' `print()` shows (every column of it, also those `print()` leaves out on a
#' narrow console): the same numbers, rounded the same way. Labels, levels
#' and column names appear as written, never read as markup.
#'
#' Where `print()` explains marks in the cells under the table (the tests
#' of Table 1, "not informative", the "*" of a rate pooled with a
#' correction), the flextable carries the same notes as footer lines; the
#' headers are those `print()` shows.
#'
#' For an `mcid` estimate, whose `format()` is lines of text, the table has
#' one column: the first line (the method) is its header and every other
#' line a row, without its indentation; the mean change by anchor category
#' keeps its columns in a fixed-width font.
#'
#' The tables start from flextable's defaults (see
#' [flextable::set_flextable_defaults()]) and fit their columns to their
#' text ([flextable::autofit()]) within 160 mm, the text column of an A4 or
#' Letter page with 25 mm margins. A wider table keeps its numbers whole
#' (Word would break "8.9% (6.1-12.7)" after the hyphen) and wraps its
#' labels and headers between words, with cells padded by 1 point a side
#' if that is what it takes; only where even that is too wide are its widest
#' columns narrowed, their text wrapped where it must. Style them further
#' with flextable's functions (after a change of type size, call
#' [flextable::autofit()] again). [alleviation_report()] writes its Word tables from the same
#' `format()`.
#'
#' @param x A result: an `alleviation_table` ([tabulate_cohort()]) or its
#'   `summary()`, a `rate_comparison` ([compare_rates()]), an
#'   `alleviation_comparison` ([compare_alleviated()]), a
#'   `guo2016_reproduction` ([reproduce_guo2016()]), an `alleviation_curve`
#'   ([alleviation_curve()]), an `mcid` ([estimate_mcid()]), a
#'   `myelo_durability` ([durability()]) or its `summary()`, a `table_one`
#'   ([table_one()]), a `score_change` ([score_change()]), loss-to-follow-up
#'   bounds ([alleviation_bounds()] and [compare_rates()] of them), results
#'   pooled over imputations ([tabulate_cohort()] of an imputed cohort and
#'   [compare_rates()] of that) or a weighted [compare_rates()].
#' @param digits Decimal places of percentages, as in `format()`.
#' @param ... Passed to `format()`.
#' @return A `flextable`.
#' @examples
#' if (requireNamespace("flextable", quietly = TRUE)) {
#'   tab <- tabulate_cohort(classify_cohort(myelography), by = "hospital")
#'   ft <- flextable::as_flextable(tab)
#'   ft
#'   path <- flextable::save_as_docx(ft, path = tempfile(fileext = ".docx"))
#' }
#' @name as_flextable.alleviation_table
NULL

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.alleviation_table <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.summary.alleviation_table <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.rate_comparison <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.alleviation_comparison <- function(x, ...) {
  text_flextable(format(x, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.guo2016_reproduction <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.alleviation_curve <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.durability_summary <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.myelo_durability <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.mcid <- function(x, ...) {
  lines <- format(x, ...)
  rows <- trimws(lines[-1L])
  shown <- data.frame(x = rows, stringsAsFactors = FALSE)
  names(shown) <- sub("^<mcid> ", "", lines[[1L]])
  ft <- text_flextable(shown)
  # the mean change by anchor category, laid out in columns by print(),
  # keeps its alignment in a fixed-width font
  columns <- grepl("^    ", lines[-1L])
  if (any(columns)) {
    ft <- flextable::font(ft, i = which(columns), j = 1L, fontname = "Courier New")
    ft <- fit_flextable(ft)
  }
  ft
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.table_one <- function(x, ...) {
  notes <- table_one_notes(x)
  if (isTRUE(attr(x, "has_test"))) {
    notes <- c(notes, test_notes_text(attr(x, "tests")$test, attr(x, "simulate_B"),
                                      attr(x, "seed"), fisher_note = FALSE))
  }
  footnoted(text_flextable(format(x, ...)), notes)
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.score_change <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.alleviation_bounds <- function(x, digits = 1L, ...) {
  text_flextable(shown_bounds(x, digits))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.rate_comparison_bounds <- function(x, digits = 1L, ...) {
  text_flextable(shown_comparison_bounds(x, digits))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.pooled_alleviation_table <- function(x, digits = 1L, ...) {
  shown <- format(x, digits = digits, ...)
  names(shown)[names(shown) == "rate"] <- "rate (CI)"
  footnoted(text_flextable(shown), pooled_table_notes(x))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.pooled_rate_comparison <- function(x, digits = 1L, ...) {
  footnoted(text_flextable(format(x, digits = digits, ...)), pooled_comparison_notes(x))
}

#' @rdname as_flextable.alleviation_table
#' @exportS3Method flextable::as_flextable
as_flextable.weighted_rate_comparison <- function(x, digits = 1L, ...) {
  text_flextable(format(x, digits = digits, ...))
}

# The notes print() shows under a table, as footer lines of the flextable
# (a console line break within a note becomes a space).
footnoted <- function(ft, notes) {
  if (!length(notes)) return(ft)
  flextable::add_footer_lines(ft, values = docx_text(gsub("\n\\s*", " ", notes)))
}

# A data frame of text as a flextable: headers and cells verbatim (line
# breaks as spaces, characters XML cannot hold dropped), columns fitted to
# their text and a page (`fit = FALSE`: left to the caller, which styles the
# table first and fits it then, once).
text_flextable <- function(x, fit = TRUE) {
  if (!requireNamespace("flextable", quietly = TRUE)) {
    abort("as_flextable() needs the package flextable: install.packages(\"flextable\").",
          sys.call(-1L))
  }
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  headers <- docx_text(names(x))
  # the column names are the keys (ft$col_keys, j = "rate (95% CI)") unless
  # flextable cannot take them: then keys of our own under the same headers
  usable <- length(headers) && !anyDuplicated(headers) && all(nzchar(headers))
  keys <- if (usable) headers else sprintf("c%d", seq_along(x))
  names(x) <- keys
  x[] <- lapply(x, function(column) {
    docx_text(ifelse(is.na(column), "NA", as.character(column)))
  })
  ft <- flextable::flextable(x, col_keys = keys)
  if (!usable) {
    ft <- flextable::set_header_labels(ft, values = stats::setNames(as.list(headers), keys))
  }
  if (fit) fit_flextable(ft) else ft
}
