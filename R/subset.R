# Subsetting keeps the package's classes (and the attributes their methods
# need) while every column those methods read is still there; otherwise the
# result is a plain data frame.
keep_class_after_subset <- function(out, x, required) {
  if (!is.data.frame(out)) return(out)
  if (!all(required %in% names(out))) return(plain_data_frame(out))
  kept <- setdiff(names(attributes(x)), c("names", "row.names"))
  attributes(out)[kept] <- attributes(x)[kept]
  out
}

#' @export
`[.myelo_cohort` <- function(x, ...) {
  keep_class_after_subset(
    NextMethod(), x,
    c(names(cohort_rules(x)), patient_columns))
}

#' @export
`[.alleviation_table` <- function(x, ...) {
  out <- keep_class_after_subset(
    NextMethod(), x,
    c(attr(x, "by"), "symptom", count_columns, "n", "evaluable", "rate",
      "rate_lower", "rate_upper", "share"))
  # A table with rows left out or reordered no longer describes its
  # patients as a whole: print() then says so rather than count them.
  if (inherits(out, "alleviation_table") &&
      !identical(row_numbers(out), row_numbers(x))) {
    attr(out, "subset") <- TRUE
  }
  out
}

# Row names as integers, whether stored compactly or not.
row_numbers <- function(x) {
  names <- attr(x, "row.names")
  if (is.integer(names) && length(names) == 2L && is.na(names[1L])) {
    seq_len(abs(names[2L]))
  } else as.integer(names)
}

# Results whose print() reads every column and the attributes describing
# them: a subset keeps the class while it keeps every column (rows may be
# chosen, reordered or dropped), and is a plain data frame otherwise.
keep_class_with_all_columns <- function(out, x) {
  keep_class_after_subset(out, x, names(x))
}

#' @export
`[.summary.alleviation_table` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
`[.rate_comparison` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
`[.alleviation_comparison` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
`[.score_change` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
`[.guo2016_reproduction` <- function(x, ...) {
  keep_class_with_all_columns(NextMethod(), x)
}

#' @export
`[.alleviation_curve` <- function(x, ...) {
  out <- keep_class_with_all_columns(NextMethod(), x)
  # a curve without a point has nothing to print as a curve
  if (inherits(out, "alleviation_curve") && !nrow(out)) {
    out <- plain_data_frame(out)
  }
  out
}

# Table 1 is printed variable by variable: a subset keeps the class when it
# keeps every column and each variable's rows whole (a variable may be left
# out; the summary of a variable with some of its cells gone would be a
# wrong table). Otherwise it is a plain data frame.
#' @export
`[.table_one` <- function(x, ...) {
  out <- keep_class_with_all_columns(NextMethod(), x)
  if (!inherits(out, "table_one")) return(out)
  keys <- function(t) paste(t$variable, t$kind, t$level, t$group, sep = "\r")
  all_keys <- keys(x)
  kept_keys <- keys(out)
  kept <- attr(x, "vars")[vapply(attr(x, "vars"), function(v) {
    all(all_keys[x$variable == v] %in% kept_keys)
  }, logical(1))]
  if (!length(kept) || anyDuplicated(kept_keys) ||
      !all(out$variable %in% kept)) {
    return(plain_data_frame(out))
  }
  attr(out, "vars") <- kept
  tests <- attr(x, "tests")
  attr(out, "tests") <- tests[tests$variable %in% kept, , drop = FALSE]
  attr(out, "digits") <- attr(x, "digits")[kept]
  out
}
