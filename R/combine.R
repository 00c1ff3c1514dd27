#' Combine the tables of chunks of one cohort
#'
#' Adds the counts of [tabulate_cohort()] tables made from disjoint chunks of
#' one cohort (split by rows, processed in turn or on different processes or
#' machines) and recomputes rates, intervals and overall rows. The result
#' equals the table of the whole cohort: strata missing from a chunk count as
#' zero there, and strata are merged by value: the levels of factor strata
#' in order of first appearance, the values of other strata sorted as
#' [tabulate_cohort()] sorts them. Where one column has different types in
#' different chunks, factor and character values merge as character, integer
#' and double values as double (a chunk with no value in a column fits any
#' type); other mixtures (a date in one chunk, text in another) are refused
#' with an error naming the column and both types.
#'
#' The tables must share rules, `by` columns, interval method, confidence
#' level, `margins` and `drop`, and count the same unit: a table of a
#' [classify_visits()] cohort counts patient-visits and cannot be added to
#' one of a [classify_cohort()] cohort, which counts patients. Otherwise the
#' error says which table differs and how.
#'
#' Weighted tables (`tabulate_cohort(weights = )`) add their sums of
#' weights and of squared weights, and their rates and intervals are
#' recomputed from the sums; all the tables must be weighted by the same
#' weights (by name), or none. The counts are then those of the whole
#' cohort exactly, and the sums to the precision of the weights' fixed point
#' (each table keeps each weight to 2^-61 of its own largest weight, see
#' [tabulate_cohort()], and its sums are rounded once; their sum is rounded
#' again: within about 1e-15 of the whole's when the weights are held
#' exactly, as whole numbers or k / 8 are, and equal to it for such weights
#' of few digits).
#'
#' @param ... `alleviation_table`s, or one list of them.
#' @return An `alleviation_table`.
#' @examples
#' rows <- split(seq_len(nrow(myelography)), rep(1:3, length.out = nrow(myelography)))
#' chunks <- lapply(rows, function(i) {
#'   tabulate_cohort(classify_cohort(myelography[i, ]), by = "hospital")
#' })
#' combined <- combine_tables(chunks)
#' whole <- tabulate_cohort(classify_cohort(myelography), by = "hospital")
#' all.equal(combined, whole)
#'
#' # The same on a cluster of worker processes (which can span machines)
#' \donttest{
#' cl <- parallel::makePSOCKcluster(2)
#' parts <- parallel::parLapply(cl, rows, function(i, data) {
#'   myelorelief::tabulate_cohort(myelorelief::classify_cohort(data[i, ]),
#'                                by = "hospital")
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
  # a table of a classify_visits() cohort counts patient-visits, one of
  # classify_cohort() patients: their sum would count neither
  unit_of <- function(table) attr(table, "unit") %||% "patient"
  describe_unit <- function(unit) {
    if (unit == "patient-visit") {
      "patient-visits (a table of a classify_visits() cohort)"
    } else paste0(unit, "s")
  }
  for (k in seq_along(tables)[-1L]) {
    if (!identical(unit_of(tables[[k]]), unit_of(first))) {
      abort(sprintf("Table %d counts %s, but table 1 counts %s: only tables of the same unit can be combined. Tabulate every chunk from the same kind of cohort.",
                    k, describe_unit(unit_of(tables[[k]])),
                    describe_unit(unit_of(first))), call)
    }
  }
  # weighted sums add up only with weighted sums of the same weights
  weights_of <- function(table) attr(table, "weights")
  describe_weights <- function(table) {
    if (is.null(weights_of(table))) "is not weighted"
    else sprintf("is weighted by \"%s\"", weights_of(table))
  }
  for (k in seq_along(tables)[-1L]) {
    if (!identical(weights_of(tables[[k]]), weights_of(first))) {
      abort(sprintf("Table %d %s, but table 1 %s: only tables with the same weights (or none) can be combined.",
                    k, describe_weights(tables[[k]]), describe_weights(first)),
            call)
    }
  }
  weights <- weights_of(first)
  for (k in seq_along(tables)[-1L]) {
    for (a in c("rules", "by", "method", "conf_level", "margins", "drop")) {
      if (!identical(attr(tables[[k]], a), attr(first, a))) {
        abort(sprintf("Table %d differs from table 1 in `%s`: only tables made with the same rules, strata, method, confidence level, margins and drop can be combined.",
                      k, a), call)
      }
    }
  }
  by <- attr(first, "by")
  rules <- attr(first, "rules")
  strata <- merge_strata(tables, by, call)
  n_symptoms <- nlevels(first$symptom)
  # Every table's rows (stratum cells x symptoms, margins left out) with
  # their strata as codes of the merged values.
  rows <- lapply(tables, function(table) {
    cells <- strip_margins(table, by)
    codes <- lapply(stats::setNames(by, by), function(column) {
      recode_stratum(as.integer(cells[[column]]),
                     attr(table, "by_levels")[[column]], strata[[column]])
    })
    # with weights, the weighted sums as five more columns
    columns <- c(count_columns, if (!is.null(weights)) weighted_columns)
    list(codes = codes, symptom = as.integer(cells$symptom),
         counts = matrix(as.double(unlist(as.list(cells)[columns],
                                          use.names = FALSE)),
                         ncol = length(columns)))
  })
  codes <- lapply(stats::setNames(by, by), function(column) {
    unlist(lapply(rows, function(r) r$codes[[column]]), use.names = FALSE)
  })
  symptom <- unlist(lapply(rows, `[[`, "symptom"), use.names = FALSE)
  counts <- do.call(rbind, lapply(rows, `[[`, "counts"))
  n_levels <- vapply(strata, function(s) length(s$values), integer(1))
  grouped <- .Call(C_group_rows, unname(codes), unname(n_levels),
                   as.double(length(symptom)))
  cell <- grouped[[1L]]
  n_cells <- length(grouped[[2L]])
  # Rows of one cell and symptom from several tables add up.
  slot <- (cell - 1) * n_symptoms + symptom
  sums <- rowsum(counts, slot, reorder = FALSE)
  if (!length(by)) n_cells <- 1L
  # one row per cell, one column per category and symptom (see
  # build_alleviation_table())
  n_quantities <- ncol(counts)
  totals <- matrix(0, n_cells, n_quantities * n_symptoms)
  at <- as.numeric(rownames(sums))
  cell_of <- (at - 1) %/% n_symptoms + 1
  symptom_of <- (at - 1) %% n_symptoms + 1
  for (k in seq_len(n_quantities)) {
    totals[cbind(cell_of, (k - 1) * n_symptoms + symptom_of)] <- sums[, k]
  }
  cell_codes <- lapply(codes, `[`, grouped[[2L]])
  cells <- arrange_cells(cell_codes, totals, n_levels, attr(first, "drop"),
                         call)
  if (!is.null(weights)) {
    width <- n_categories * n_symptoms
    cells$weighted <- cells$counts[, width + seq_len(width), drop = FALSE]
    cells$counts <- cells$counts[, seq_len(width), drop = FALSE]
  }
  table <- build_alleviation_table(cells, strata, rules = rules,
                                   conf_level = attr(first, "conf_level"),
                                   method = attr(first, "method"),
                                   margins = attr(first, "margins"),
                                   drop = attr(first, "drop"),
                                   weights = weights)
  attr(table, "unit") <- attr(first, "unit")
  table
}
