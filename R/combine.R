#' Combine the tables of chunks of one cohort
#'
#' Adds the counts of [tabulate_cohort()] tables made from disjoint chunks of
#' one cohort (split by rows, processed in turn or on different processes or
#' machines) and recomputes rates, intervals and overall rows. The result
#' equals the table of the whole cohort: strata missing from a chunk count as
#' zero there, and stratum values made from non-factor columns are merged and
#' sorted as [tabulate_cohort()] would have sorted them.
#'
#' The tables must share rules, `by` columns, interval method, confidence
#' level and `margins`; otherwise the error says what differs.
#'
#' @param ... `alleviation_table`s, or one list of them.
#' @return An `alleviation_table`.
#' @examples
#' rows <- split(seq_len(nrow(myelography)), rep(1:3, length.out = nrow(myelography)))
#' chunks <- lapply(rows, function(i) {
#'   part <- myelography[i, ]
#'   tabulate_cohort(classify_cohort(part), by = "hospital", data = part)
#' })
#' combined <- combine_tables(chunks)
#' whole <- tabulate_cohort(classify_cohort(myelography), by = "hospital",
#'                          data = myelography)
#' all.equal(combined, whole)
#'
#' # The same on a cluster of worker processes (which can span machines)
#' \donttest{
#' cl <- parallel::makePSOCKcluster(2)
#' parts <- parallel::parLapply(cl, rows, function(i, data) {
#'   part <- data[i, ]
#'   myelorelief::tabulate_cohort(myelorelief::classify_cohort(part),
#'                                by = "hospital", data = part)
#' }, data = myelography)
#' parallel::stopCluster(cl)
#' combine_tables(parts)
#' }
#' @export
combine_tables <- function(...) {
  call <- sys.call()
  tables <- list(...)
  if (length(tables) == 1L && is.list(tables[[1L]]) &&
      !is.data.frame(tables[[1L]])) {
    tables <- tables[[1L]]
  }
  if (!length(tables)) abort("`...` must hold at least one alleviation_table.", call)
  for (k in seq_along(tables)) {
    if (!inherits(tables[[k]], "alleviation_table")) {
      abort(sprintf("`...` element %d must be an alleviation_table, not %s.",
                    k, describe_value(tables[[k]])), call)
    }
  }
  first <- tables[[1L]]
  for (k in seq_along(tables)[-1L]) {
    for (a in c("rules", "by", "method", "conf_level", "margins")) {
      if (!identical(attr(tables[[k]], a), attr(first, a))) {
        abort(sprintf("Table %d differs from table 1 in `%s`: only tables made with the same rules, strata, method, confidence level and margins can be combined.",
                      k, a), call)
      }
    }
  }
  by <- attr(first, "by")
  by_levels <- merged_stratum_levels(tables, by)
  levels_list <- lapply(by_levels, `[[`, "levels")
  grid <- strata_grid(levels_list)
  symptoms <- levels(first$symptom)
  counts <- array(0, dim = c(n_categories, length(symptoms), nrow(grid)))
  grid_key <- stratum_key(grid, by)
  for (table in tables) {
    cells <- strip_margins(table, by)
    at <- match(stratum_key(cells, by), grid_key)
    symptom <- match(as.character(cells$symptom), symptoms)
    for (category in seq_len(n_categories)) {
      index <- cbind(category, symptom, at)
      counts[index] <- counts[index] + cells[[count_columns[category]]]
    }
  }
  used <- cells_to_keep(grid, counts)
  build_alleviation_table(
    grid[used, , drop = FALSE], counts[, , used, drop = FALSE],
    rules = attr(first, "rules"),
    by_levels = lapply(by_levels, `[[`, "sort_values"),
    conf_level = attr(first, "conf_level"), method = attr(first, "method"),
    margins = attr(first, "margins"))
}

# One string per row identifying its stratum; NA kept apart from "NA".
stratum_key <- function(frame, by) {
  if (!length(by)) return(rep("", nrow(frame)))
  parts <- lapply(frame[by], function(f) {
    ifelse(is.na(f), "\r<NA>", as.character(f))
  })
  do.call(paste, c(parts, sep = "\r|"))
}

# Levels of each stratum across tables: the factor's levels when they came
# from a factor, else the sorted union of the values.
merged_stratum_levels <- function(tables, by) {
  if (!length(by)) return(list())
  lapply(stats::setNames(by, by), function(column) {
    values <- lapply(tables, function(t) attr(t, "by_levels")[[column]])
    if (all(vapply(values, is.null, logical(1)))) {
      levels <- unique(unlist(lapply(tables, function(t) {
        setdiff(levels(t[[column]]), margin_label)
      })))
      return(list(levels = levels, sort_values = NULL))
    }
    sorted <- sort(unique(do.call(c, values)))
    list(levels = as.character(sorted), sort_values = sorted)
  })
}
