# Subsetting keeps the package's classes (and the attributes their methods
# need) while every column those methods read is still there; otherwise the
# result is a plain data frame.
keep_class_after_subset <- function(out, x, required) {
  if (!is.data.frame(out)) return(out)
  if (!all(required %in% names(out))) {
    attributes(out) <- attributes(out)[c("names", "row.names")]
    class(out) <- "data.frame"
    return(out)
  }
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
