# Formatting helpers shared by the print methods.

# "26/325 (8.0%)"; "0/0 (-)" when the denominator is zero.
format_count <- function(x, n, digits = 1L) {
  pct <- ifelse(n > 0, sprintf(paste0("%.", digits, "f%%"), 100 * x / n), "-")
  sprintf("%s/%s (%s)", format_integer(x), format_integer(n), pct)
}

format_integer <- function(x) {
  formatC(x, format = "f", digits = 0, big.mark = ",")
}

# "8.0% (5.5-11.5)"; "-" where the rate is undefined.
# Differences, which can be negative, read better with sep = " to ".
format_rate <- function(rate, lower, upper, digits = 1L, sep = "-") {
  f <- function(p) formatC(100 * p, format = "f", digits = digits)
  ifelse(is.na(rate), "-",
         sprintf("%s%% (%s%s%s)", f(rate), f(lower), sep, f(upper)))
}

# One style for every p-value the package shows, element by element (so a
# column never mixes "2e-04" with "0.0026"): the New England Journal of
# Medicine's convention, two decimals above 0.01, three between 0.001 and
# 0.01, "<0.001" below and ">0.99" above; "-" where there is no test.
format_p <- function(p) {
  out <- ifelse(p < 0.01, sprintf("%.3f", p), sprintf("%.2f", p))
  out[!is.na(p) & p < 0.001] <- "<0.001"
  out[!is.na(p) & p > 0.99] <- ">0.99"
  out[is.na(p)] <- "-"
  out
}

# "1 patient", "2 patients", "1,234 patients": a count and its noun.
count_of <- function(n, singular, plural = paste0(singular, "s")) {
  paste(format_integer(n), ifelse(n == 1, singular, plural))
}

# Prints `shown` (a data frame of character columns) within the console
# width: the columns not named in `optional`, then the `optional` groups (a
# list of character vectors of column names) in order while each whole group
# still fits (`all = TRUE`: every group, on lines as long as they need). Says
# which columns were left out and how to see them.
print_within_width <- function(shown, optional = list(), all = FALSE,
                               width = getOption("width"),
                               see_all = "print(x, all = TRUE)") {
  column_width <- function(column) {
    max(nchar(c(column, shown[[column]]), type = "width"), 0L) + 1L
  }
  kept <- setdiff(names(shown), unlist(optional))
  used <- sum(vapply(kept, column_width, numeric(1)))
  left_out <- character()
  for (group in optional) {
    group <- intersect(group, names(shown))
    extra <- sum(vapply(group, column_width, numeric(1)))
    # print.data.frame() wraps a line as long as the width
    if (all || (!length(left_out) && used + extra < width)) {
      kept <- c(kept, group)
      used <- used + extra
    } else {
      left_out <- c(left_out, group)
    }
  }
  shown <- shown[intersect(names(shown), kept)]
  # numbers (and "-") right-aligned, text left-aligned
  for (j in seq_along(shown)) {
    values <- shown[[j]]
    if (length(values) && all(grepl("^(-|[-+<>]?[0-9][0-9,.]*%?)$", values))) {
      w <- max(nchar(c(names(shown)[j], values), type = "width"))
      shown[[j]] <- formatC(values, width = w)
      names(shown)[j] <- formatC(names(shown)[j], width = w)
    }
  }
  if (all) {
    old <- options(width = max(width, used + 1L))
    on.exit(options(old))
  }
  print(shown, right = FALSE, row.names = FALSE)
  if (length(left_out)) {
    see <- unique(c(see_all, "as.data.frame(x)"))
    cat(strwrap(sprintf("Not shown for width: %s (see all with %s).",
                        paste(left_out, collapse = ", "), paste(see, collapse = " or ")),
                width = width), sep = "\n")
  }
  invisible(left_out)
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# A result as a plain data frame of its numbers: no class of the package's,
# no attributes but names and row names.
plain_data_frame <- function(x) {
  attributes(x) <- attributes(x)[c("names", "row.names")]
  class(x) <- "data.frame"
  x
}

# "26/293"
format_fraction <- function(x, n) {
  sprintf("%s/%s", format_integer(x), format_integer(n))
}

# "7.6-14.7%"
format_interval <- function(lower, upper, digits = 1L) {
  f <- function(p) formatC(100 * p, format = "f", digits = digits)
  ifelse(is.na(lower), "-", sprintf("%s-%s%%", f(lower), f(upper)))
}

# "10.8%"; "-" where undefined.
format_percent <- function(p, digits = 1L) {
  ifelse(is.na(p), "-", paste0(formatC(100 * p, format = "f", digits = digits), "%"))
}

# Lines longer than the console wrapped at words, continuation lines
# indented two more spaces than the line they continue.
wrap_lines <- function(lines, width = getOption("width")) {
  unlist(lapply(lines, function(line) {
    if (nchar(line, type = "width") <= width) return(line)
    indent <- nchar(sub("^( *).*$", "\\1", line))
    strwrap(line, width = width, indent = indent, exdent = indent + 2L)
  }))
}
