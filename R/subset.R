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
    c(names(cohort_rules(x)), "any_alleviated", "primary_symptom"))
}

#' @export
`[.alleviation_table` <- function(x, ...) {
  keep_class_after_subset(
    NextMethod(), x,
    c(attr(x, "by"), "symptom", count_columns, "n", "evaluable", "rate",
      "rate_lower", "rate_upper", "share"))
}
