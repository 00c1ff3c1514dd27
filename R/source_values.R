# Values as every source of tabulate_source() reads them, whatever reader
# or database delivers them: one rule for measurements that arrive as text,
# and one typing of CSV strata for the whole source.

# A measurement that arrives as text (a CSV field, a text value in a
# numeric column of a dynamically typed database, a character column of a
# data frame) is missing when it is empty, all blank or "NA", a number when
# it reads as one (as.numeric(), the parser of read.csv()), and otherwise
# an error naming the column, the row and the value: a blank is never a 0
# and a typo never a missing value. Returns the numbers and the positions
# of text that is not one.
measurement_from_text <- function(text) {
  text <- as.character(text)
  # as.numeric() skips blanks around a number; what it cannot read is
  # missing if blank or "NA", else bad (checked only where it failed).
  value <- suppressWarnings(as.numeric(text))
  failed <- which(is.na(value))
  failed <- failed[!is.na(text[failed]) & !is.nan(value[failed])]
  if (length(failed)) {
    missing <- grepl("^[[:space:]]*(NA)?[[:space:]]*$", text[failed])
    failed <- failed[!missing]
  }
  list(value = value, bad = failed)
}

quote_value <- function(x) {
  x <- encodeString(x, quote = "\"")
  if (nchar(x) > 60L) paste0(substr(x, 1L, 57L), "...\"") else x
}

# The measurement columns of a chunk made numbers: text by the rule above,
# factors by their labels (read.csv(stringsAsFactors = TRUE) makes them).
# Other columns are left to classify_cohort(), which checks them. Text that
# is not a number is an error naming the first such row of the chunk;
# `row_name(i)` says where row i of the chunk is in the source.
numeric_measurements <- function(chunk, ctx, row_name) {
  first_bad <- NULL
  for (column in unique(c(ctx$pre, ctx$post))) {
    values <- chunk[[column]]
    # A database column's text part (see source_select()): text where the
    # database holds text in a numeric column, NA elsewhere.
    part <- ctx$text_parts[[column]]
    text <- if (!is.null(part)) chunk[[part]]
    if (!is.null(part)) chunk[[part]] <- NULL
    if (is.character(values) || is.factor(values)) {
      text <- as.character(values)
      values <- rep(NA_real_, length(text))
    }
    if (is.null(text) || !any(!is.na(text))) {
      chunk[[column]] <- values
      next
    }
    read <- measurement_from_text(text)
    if (length(read$bad) &&
        (is.null(first_bad) || read$bad[1L] < first_bad$bad[1L])) {
      first_bad <- c(read, list(column = column, text = text))
    }
    values <- as.double(values)
    has_text <- !is.na(text)
    values[has_text] <- read$value[has_text]
    chunk[[column]] <- values
  }
  if (!is.null(first_bad)) {
    row <- first_bad$bad[1L]
    stop_not_a_number(first_bad$column, first_bad$text[row], row_name(row),
                      length(first_bad$bad) - 1L, ctx$call)
  }
  chunk
}

# The error of a measurement that is text but not a number, at `where`,
# with `more` such values after it in the column of the chunk.
stop_not_a_number <- function(column, text, where, more, call) {
  abort(sprintf("Column \"%s\" holds %s, which is not a number, in %s%s. A measurement must be a number, or empty or NA where it is missing; correct the value or make it empty.",
                column, quote_value(text), where,
                if (more > 0L) sprintf(" (and %d more such value%s in the column)", more,
                                       if (more == 1L) "" else "s") else ""),
        call)
}

# An empty or "NA" text stratum is missing in every source, as in a CSV
# file read with na.strings = c("NA", "").
missing_text_strata <- function(chunk, by) {
  for (column in by) {
    values <- chunk[[column]]
    if (is.character(values) && !is.object(values)) {
      blank <- which(!nzchar(values) | values == "NA")
      if (length(blank)) {
        values[blank] <- NA_character_
        chunk[[column]] <- values
      }
    }
  }
  chunk
}

# Strata of CSV files are read as text, chunk by chunk, and typed once for
# the whole source as read.csv() types a whole column (type.convert() of
# all its values: logical, integer, double or text): a chunk holding only
# "F" is not logical while the next is text, and both readers agree. Text
# that becomes one value ("1" and "01") is then one stratum.
type_csv_strata <- function(table, ctx) {
  by <- ctx$by
  if (!length(by)) return(table)
  by_levels <- attr(table, "by_levels")
  by_kinds <- attr(table, "by_kinds")
  changed <- FALSE
  for (column in by) {
    values <- by_levels[[column]]
    if (!is.character(values) && length(values)) next
    typed <- utils::type.convert(values, as.is = TRUE, na.strings = c("NA", ""),
                                 numerals = "allow.loss")
    if (is.character(typed) && length(values)) next
    by_levels[[column]] <- typed
    by_kinds[[column]] <- stratum_kind(typed)
    changed <- TRUE
  }
  if (!changed) return(table)
  attr(table, "by_levels") <- by_levels
  attr(table, "by_kinds") <- by_kinds
  # combine_tables() of the one table merges equal values and sorts them
  # as tabulate_cohort() sorts a column of that type.
  in_source("the source", ctx$call, combine_tables(list(table)))
}
