# Stratum columns, counted by value.
#
# Every stratum column becomes integer codes of its distinct values plus
# those values in their own type ("values") and a "kind" (the type, used
# when combining tables of chunks). Factors keep their levels, empty ones
# too, in their order; any other atomic vector is grouped by its stored
# values (the numbers behind a Date or POSIXct, never their printed text),
# sorted. Labels, the text shown in tables, are made afterwards and are
# always distinct for distinct values.

stratum_column <- function(values, column, call) {
  if (inherits(values, "POSIXlt")) values <- as.POSIXct(values)
  if (!is.atomic(values) || is.null(values) || !is.null(dim(values))) {
    abort(sprintf("`by` column \"%s\" must be a vector (factor, character, number, logical, date), not %s.",
                  column, describe_value(values)), call)
  }
  if (is.factor(values)) return(factor_stratum(values, column, call))
  key <- stratum_key_values(values)
  # Text is numbered in C by string identity, its distinct strings sorted
  # by their bytes there (radix order() of UTF-8 text, the C locale's
  # order); NULL where encodings are mixed.
  coded <- if (is.character(key)) .Call(C_string_codes, key)
  if (!is.null(coded)) {
    codes <- coded[[1L]]
    first <- coded[[2L]]
  } else {
    first <- which(!duplicated(key) & !is.na(key))
    first <- first[sort_order(key[first])]
    codes <- match(key, key[first])
  }
  # plain text: the distinct strings C_string_codes() returned, which are
  # values[first] (a class such as "glue" keeps R's subsetting)
  typed <- if (!is.null(coded) && !is.object(values)) coded[[3L]] else values[first]
  # (only when there are names: `names<-` copies a vector the list holds)
  if (!is.null(names(typed))) names(typed) <- NULL
  list(codes = codes, values = typed, kind = stratum_kind(values))
}

factor_stratum <- function(values, column, call) {
  levels <- levels(values)
  if (anyDuplicated(levels)) {
    abort(sprintf("`by` column \"%s\" is a factor with duplicated levels (\"%s\"); make them unique first.",
                  column, levels[anyDuplicated(levels)]), call)
  }
  # The factor goes to C as it is: its integer codes are read in place (a
  # copy of 10^7 codes costs as much as counting them).
  codes <- values
  # An NA level (addNA()) is the same stratum as a missing value.
  na_level <- which(is.na(levels))
  if (length(na_level)) {
    codes <- as.vector(unclass(values))
    codes[codes %in% na_level] <- NA_integer_
    codes <- codes - (codes > na_level)
    levels <- levels[-na_level]
  }
  list(codes = codes, values = levels, kind = "factor")
}

# Radix order: fast, and for text the C locale's byte order, the same on
# every machine whatever its locale (as data.table sorts). Complex numbers,
# which radix sorting does not take, by real then imaginary part. Text in
# the native encoding (read.csv()'s "Zürich") is refused by radix
# ordering, so it is marked as UTF-8 first.
sort_order <- function(key) {
  if (is.character(key)) key <- enc2utf8(key)
  if (is.complex(key)) order(key) else order(key, method = "radix")
}

# The plain vector values are matched and sorted by.
stratum_key_values <- function(values) {
  if (is.raw(values)) return(as.integer(values))
  if (is.object(values) || !is.null(attributes(values))) {
    values <- unclass(values)
    attributes(values) <- NULL
  }
  values
}

stratum_kind <- function(values) {
  if (is.factor(values)) return("factor")
  for (cls in c("Date", "POSIXct", "difftime")) {
    if (inherits(values, cls)) return(cls)
  }
  if (is.object(values)) return(class(values)[1L])
  typeof(values)
}

# Kinds that can meet in one column across chunks: their values are then
# merged as the family's common type.
kind_family <- function(kind) {
  if (kind %in% c("factor", "character")) return("text")
  if (kind %in% c("integer", "double")) return("number")
  kind
}

# Text for each value; distinct values always get distinct labels (0.3 and
# 0.1 + 0.2 print alike with 15 digits, two times a fraction of a second
# apart alike in seconds).
stratum_labels <- function(values) {
  if (!length(values)) return(character(0))
  # distinct strings are their own distinct labels
  if (is.character(values) && !is.object(values)) return(values)
  labels <- if (is.character(values)) {
    values
  } else if (is.double(values) && !is.object(values)) {
    # whole numbers as integers print ("100000", not "1e+05")
    whole <- !is.na(values) & values == round(values) & abs(values) < 1e15
    ifelse(whole, sprintf("%.0f", values), as.character(values))
  } else if (inherits(values, "difftime")) {
    paste(as.character(unclass(values)), attr(values, "units"))
  } else {
    as.character(values)
  }
  clash <- labels %in% labels[duplicated(labels)]
  if (any(clash)) {
    precise <- precise_labels(values[clash])
    labels[clash] <- if (is.double(values) && !is.object(values)) precise
                     else paste0(labels[clash], " [", precise, "]")
  }
  # Anything still alike (it should not happen) is told apart by position.
  clash <- labels %in% labels[duplicated(labels)]
  if (any(clash)) labels[clash] <- paste0(labels[clash], " #", which(clash))
  labels
}

precise_labels <- function(values) {
  key <- stratum_key_values(values)
  if (is.complex(key)) {
    return(sprintf("%.17g%+.17gi", Re(key), Im(key)))
  }
  if (is.numeric(key)) return(sprintf("%.17g", as.double(key)))
  as.character(key)
}

# The stratum columns named by `by`, read from the cohort (which carries its
# patients' columns) or from `data` once it is shown to be aligned.
stratum_columns <- function(x, by, data, margins, call) {
  if (is.null(by)) return(list())
  check_names(by, "by", call)
  if (anyDuplicated(by)) {
    abort(sprintf("`by` must not repeat a column: %s.",
                  paste0("\"", by[duplicated(by)], "\"", collapse = ", ")), call)
  }
  clash <- intersect(by, c("symptom", table_columns))
  if (length(clash)) {
    abort(sprintf("`by` must not name a column the table itself has: %s.",
                  paste0("\"", clash, "\"", collapse = ", ")), call)
  }
  if (!is.null(data)) check_aligned_data(data, x, call)
  check_columns_exist(c(names(data), names(x)), by, "by",
                      data_arg = if (is.null(data)) "x" else "data or x",
                      call = call)
  lapply(stats::setNames(by, by), function(column) {
    values <- if (column %in% names(data)) data[[column]] else x[[column]]
    stratum <- stratum_column(values, column, call)
    if (length(values) != nrow(x)) {
      abort(sprintf("`by` column \"%s\" must have one value per patient (%d), not %d.",
                    column, nrow(x), length(values)), call)
    }
    stratum$labels <- stratum_labels(stratum$values)
    # (== rather than %in%: no hash table of a million labels)
    if (margins && any(stratum$labels == margin_label, na.rm = TRUE)) {
      abort(sprintf("`by` column \"%s\" has the value \"%s\", which `margins = TRUE` uses for overall rows; rename it or set `margins = FALSE`.",
                    column, margin_label), call)
    }
    stratum
  })
}

# Cells (observed stratum combinations with their counts) in table order,
# the first stratum varying fastest and NA after the levels. With
# drop = FALSE every combination of the strata's levels (and NA where a
# stratum has missing values) is a cell, as table() makes them.
#   codes: per stratum, the cells' codes (1-based, NA);
#   counts: a matrix, one row per cell;
#   n_levels: levels per stratum.
# The result's `rows`, when not NULL, is the table order of codes and counts
# (which are then left as they are: build_alleviation_table() gathers them
# in that order in one pass, without copying a million-row matrix).
arrange_cells <- function(codes, counts, n_levels, drop, call) {
  if (!length(codes)) return(list(codes = codes, counts = counts, rows = NULL))
  if (drop) {
    # order() of the codes, last stratum first, NA last (a counting sort per
    # stratum in C: no radix order()'s copies of a million cells)
    codes <- lapply(codes, as.integer)
    order <- .Call(C_cell_order, unname(codes), as.integer(n_levels))
    return(list(codes = codes, counts = counts, rows = order))
  }
  has_na <- vapply(codes, anyNA, logical(1))
  slots <- n_levels + has_na
  cells <- prod(as.double(slots))
  limit <- max(1e6, nrow(counts))
  if (cells > limit) {
    abort(sprintf("`by` crosses into %s combinations of levels, too many to list; use `drop = TRUE` to list only the %s combinations present.",
                  format_integer(cells), format_integer(nrow(counts))), call)
  }
  stride <- cumprod(c(1, slots))[seq_along(slots)]
  at <- 1
  for (j in seq_along(codes)) {
    slot <- ifelse(is.na(codes[[j]]), n_levels[j] + 1L, codes[[j]])
    at <- at + (slot - 1) * stride[j]
  }
  full <- matrix(0, cells, ncol(counts))
  full[at, ] <- counts
  grid <- lapply(seq_along(codes), function(j) {
    slot <- rep(rep(seq_len(slots[j]), each = stride[j]), length.out = cells)
    slot[slot > n_levels[j]] <- NA_integer_
    slot
  })
  names(grid) <- names(codes)
  list(codes = grid, counts = full, rows = NULL)
}

# Levels, values and kinds of each stratum across tables, and each table's
# codes translated to them, merged by value. Within a column, factors with
# levels keep the union of their levels in order of first appearance;
# otherwise values are merged and sorted (as character where some tables
# had a factor and some a character vector, as double where some had
# integers and some doubles). Other mixtures are refused.
merge_strata <- function(tables, by, call) {
  lapply(stats::setNames(by, by), function(column) {
    values <- lapply(tables, function(t) attr(t, "by_levels")[[column]])
    kinds <- vapply(tables, function(t) attr(t, "by_kinds")[[column]], "")
    # A chunk without a value (no rows, or all missing) fits any type.
    informative <- lengths(values) > 0L
    if (!any(informative)) {
      return(list(values = values[[1L]], kind = kinds[[1L]],
                  labels = character(0)))
    }
    families <- vapply(kinds[informative], kind_family, "")
    if (length(unique(families)) > 1L) {
      k <- which(informative)
      other <- k[match(TRUE, families != families[1L])]
      abort(sprintf("Stratum column \"%s\" is %s in table %d but %s in table %d; make it one type in every chunk.",
                    column, kinds[k[1L]], k[1L], kinds[other], other), call)
    }
    used <- unique(kinds[informative])
    if (identical(used, "factor")) {
      merged <- unique(unlist(values[informative], use.names = FALSE))
      kind <- "factor"
    } else {
      if (families[1L] == "text") {
        values <- lapply(values, as.character)
      } else if (families[1L] == "number" && length(used) > 1L) {
        values <- lapply(values, as.double)
      }
      all_values <- do.call(c, unname(values[informative]))
      if (identical(used, "POSIXct")) {
        attr(all_values, "tzone") <- attr(values[informative][[1L]], "tzone")
      }
      # A missing value (NA, NaN) is no stratum: its cells count as missing
      # (CSV strata typed once for the source turn "  " and "NaN" into NA).
      all_values <- all_values[!is.na(all_values)]
      key <- stratum_key_values(all_values)
      first <- which(!duplicated(key))
      merged <- all_values[first[sort_order(key[first])]]
      kind <- if (length(used) == 1L) used else if (families[1L] == "text")
        "character" else "double"
    }
    list(values = merged, kind = kind, labels = stratum_labels(merged))
  })
}

# Codes of one table's cells in the merged values of a stratum.
recode_stratum <- function(codes, values, merged) {
  key <- stratum_key_values(if (is.character(merged$values)) as.character(values)
                            else if (is.double(merged$values) && !is.object(merged$values))
                              as.double(values) else values)
  match(key, stratum_key_values(merged$values))[codes]
}
