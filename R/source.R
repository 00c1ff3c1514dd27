#' Tabulate a registry too large for memory: a database, files or chunks
#'
#' Reads a registry piece by piece, classifies and tabulates each chunk with
#' [classify_cohort()] and [tabulate_cohort()] (the package's C routines) and
#' adds the chunks' tables with [combine_tables()]. The result is identical
#' to [tabulate_cohort()] on the whole registry loaded at once, while memory
#' grows with `chunk_rows`, not with the registry.
#'
#' @section Sources:
#' * **A DBI connection** (any backend: SQLite, PostgreSQL, DuckDB, ...)
#'   with `table`, a table name (a string or [DBI::Id()], a schema too), or
#'   `query`, one SQL statement (a trailing `;` or `-- comment` is fine;
#'   two statements are refused). The source is read as this connection
#'   sees it: its TEMP tables (also one that shadows a table of the same
#'   name), attached schemas, and rows written in its open transaction.
#'   Only the needed columns are selected (the measurements of `rules` and
#'   the `by` columns), and rows are fetched `chunk_rows` at a time through
#'   the connection, in this process. Only one case is read in parallel:
#'   under a parallel [future::plan()], a table in the main schema of an
#'   SQLite database file, with no TEMP table of its name and no open
#'   transaction on the connection, is read in ranges of `chunk_rows`
#'   rowids by workers that open the file read-only, once a new connection
#'   counts the same rows as yours; the rows read are checked against that
#'   count. The data must not change during the run.
#' * **CSV files**, a character vector of paths: comma-separated with a
#'   header line (as [utils::write.csv()] and `data.table::fwrite()` write
#'   them; gzip, bzip2 and xz compressed files are read too). Each file is
#'   read in blocks of bytes, `chunk_rows` records at a time, columns by
#'   name, by the package's own reader (in C, no other package needed),
#'   which splits fields as [utils::read.csv()] does (a quoted part anywhere
#'   in a field, `""` inside quotes for a quote, line breaks inside quotes,
#'   `\r\n` and `\r` line ends, a UTF-8 byte order mark dropped) and reads
#'   measurements as [as.numeric()] does: the result is identical to
#'   tabulating `read.csv(file, na.strings = c("NA", ""))` of the whole
#'   source. A nul byte, or a quote that the end of the file leaves open, is
#'   an error naming its line. Column
#'   types are decided once for the whole source: a `by` column is typed as
#'   `read.csv()` types a whole column (logical, integer, double or text,
#'   from all its values, so a chunk holding only `"F"` is not read as
#'   logical beside a chunk of text, and `"1"` and `"01"` are one stratum).
#'   Blank lines between records are skipped, blank lines inside a quoted
#'   field kept; a record with more or fewer fields than the header is an
#'   error naming its line. Each file is a piece.
#' * **A list of data frames** (or one data frame): each element is a piece,
#'   tabulated `chunk_rows` rows at a time.
#' * **A function** called with no arguments that returns the next chunk, a
#'   data frame, or `NULL` when there is no more. It is called in this
#'   process, one chunk after another.
#'
#' @section Values:
#' One rule for every source: a measurement that arrives as text (a CSV
#' field, text in a numeric column of an SQLite table, a text column of a
#' database or of a data frame) is missing when it is empty, all blank or
#' `"NA"`, a number when it reads as one ([as.numeric()]), and otherwise an
#' error that names the column, the row (line of a CSV file, rowid of an
#' SQLite table, row of a query's result or of a data frame) and the value:
#' a blank is never 0 and a typo never a missing value, whatever
#' `chunk_rows` and whichever reader. A database driver's warning while
#' fetching (RSQLite's "coercing other values" of a column of mixed types)
#' is an error too: such rows would not arrive as the database holds them.
#' A text stratum that is empty or `"NA"` is missing in every source, as in
#' a CSV file.
#'
#' @section Parallel pieces:
#' Pieces (files, elements of a list, rowid ranges of an SQLite file) are
#' tabulated through `future.apply::future_lapply()` under the plan the user
#' set with `future::plan()`: in this process under the default
#' `plan(sequential)`, on local worker processes under
#' `plan(multisession)`, on other machines under `plan(cluster)`, or as jobs
#' of a scheduler under the plans of future.batchtools. The function never
#' sets a plan. Results are identical under every plan. Without the
#' future.apply package, pieces run one after another (and a plan other than
#' sequential is an error that says to install it). Workers must have
#' myelorelief installed, and read files and database files by the paths
#' given, so on other machines those paths must exist there too.
#'
#' @section Progress:
#' Progress is reported through the progressr package, when installed, and
#' is silent unless asked for, as progressr's conventions say: wrap the call
#' in `progressr::with_progress()` or set `progressr::handlers(global =
#' TRUE)`. Steps are rows (lists, database tables, counted first) or bytes
#' (files); a query or function source reports the rows read so far.
#'
#' @inheritParams tabulate_cohort
#' @param source A DBI connection (with `table` or `query`), a character
#'   vector of CSV file paths, a list of data frames, or a function returning
#'   the next chunk or `NULL`. See the section Sources.
#' @param rules A named list of [alleviation_rule()]s, as in
#'   [classify_cohort()], or a single rule for a single symptom.
#' @param by Optional character vector naming stratum columns of the source.
#' @param ... Must be empty; the arguments after it are given by name.
#' @param table,query With a DBI connection: the table to read (a string or
#'   [DBI::Id()]), or an SQL query; exactly one of them.
#' @param pre,post The baseline and follow-up columns of each symptom, as in
#'   [classify_cohort()]: `NULL` (`<symptom>_pre`, `<symptom>_post`), a
#'   suffix (`post = "6w"` reads `<symptom>_6w`), a named mapping
#'   `c(symptom = "column")`, or a mapping with one unnamed suffix.
#' @param chunk_rows The most rows read, classified and tabulated at once
#'   (and the size of a rowid range of an SQLite table).
#' @return An `alleviation_table`, identical to [tabulate_cohort()] on the
#'   whole source loaded as one data frame.
#' @seealso [combine_tables()], which adds the chunks' tables.
#' @references
#' Bengtsson H (2021). A unifying framework for parallel and distributed
#' processing in R using futures. The R Journal 13(2):208-227.
#' \doi{10.32614/RJ-2021-048}
#'
#' R Special Interest Group on Databases (R-SIG-DB), Wickham H, Müller K
#' (2022). DBI: R Database Interface. <https://dbi.r-dbi.org>
#' @examples
#' # A list of chunks, as from a registry exported in parts
#' parts <- split(myelography, rep(1:3, length.out = nrow(myelography)))
#' tabulate_source(parts, by = "hospital")
#'
#' # The same from a CSV file, 100 rows at a time
#' path <- tempfile(fileext = ".csv")
#' utils::write.csv(myelography, path, row.names = FALSE)
#' tabulate_source(path, by = "sex", chunk_rows = 100)
#'
#' # A function handing out chunks until it returns NULL
#' next_chunk <- local({
#'   k <- 0
#'   function() {
#'     k <<- k + 1
#'     if (k <= length(parts)) parts[[k]]
#'   }
#' })
#' tabulate_source(next_chunk)
#'
#' # An SQLite database (with the DBI and RSQLite packages)
#' if (requireNamespace("RSQLite", quietly = TRUE)) {
#'   db <- tempfile(fileext = ".sqlite")
#'   con <- DBI::dbConnect(RSQLite::SQLite(), db)
#'   DBI::dbWriteTable(con, "registry", myelography)
#'   print(tabulate_source(con, table = "registry", by = "hospital",
#'                         chunk_rows = 100))
#'   DBI::dbDisconnect(con)
#' }
#' unlink(path)
#' @export
tabulate_source <- function(source, rules = study_rules(), by = NULL, ...,
                            table = NULL, query = NULL, pre = NULL,
                            post = NULL, chunk_rows = 1e6, conf_level = 0.95,
                            method = "wilson", margins = TRUE, drop = FALSE) {
  call <- sys.call()
  dots <- list(...)
  if (length(dots)) {
    named <- names(dots)
    what <- if (is.null(named) || any(named == "")) {
      "an unnamed argument"
    } else {
      paste0("`", named, "`", collapse = ", ")
    }
    abort(sprintf("tabulate_source() got %s it does not know; arguments after `...` must be named in full.%s",
                  what, if (is.null(named)) "" else
                    did_you_mean(named[named != ""], names(formals(tabulate_source)))),
          call)
  }
  if (missing(source)) abort("`source` is missing: give a DBI connection, CSV file paths, a list of data frames or a function.", call)
  check_number(chunk_rows, "chunk_rows", min = 1, call = call)
  if (chunk_rows != floor(chunk_rows)) {
    abort(sprintf("`chunk_rows` must be a whole number of at least 1, not %s.",
                  describe_value(chunk_rows)), call)
  }
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  check_flag(margins, "margins", call)
  check_flag(drop, "drop", call)
  if (!is.null(by)) {
    check_names(by, "by", call)
    if (anyDuplicated(by)) {
      abort(sprintf("`by` must not repeat a column: %s.",
                    paste0("\"", by[duplicated(by)], "\"", collapse = ", ")), call)
    }
  }
  ctx <- list(rules = rules, pre = pre, post = post, by = by,
              chunk_rows = chunk_rows, conf_level = conf_level,
              method = method, margins = margins, drop = drop, call = call)
  plan <- source_plan(source, table, query, ctx)
  progress <- source_progress(plan$steps)
  tables <- c(plan$first(progress),
              run_pieces(plan$pieces, plan$ctx, progress))
  tables <- tables[!vapply(tables, is.null, logical(1))]
  if (!is.null(plan$verify)) tables <- plan$verify(tables)
  total <- total_table(tables, plan$ctx, "the pieces of `source`")
  if (is.null(plan$finish)) total else plan$finish(total)
}

# What to read: the source's pieces (run through future.apply when there
# are several), the work done in this process first (`first`, a function of
# the progress signaller returning a list of tables: streams and functions
# cannot move to another process), the context with the rules resolved
# against the source's columns, and the progress steps (NA when unknown).
source_plan <- function(source, table, query, ctx) {
  call <- ctx$call
  is_dbi <- inherits(source, "DBIConnection")
  if (!is_dbi && (!is.null(table) || !is.null(query))) {
    abort(sprintf("`%s` is only for a DBI connection; `source` is %s.",
                  if (!is.null(table)) "table" else "query",
                  describe_value(source)), call)
  }
  nothing <- function(progress) list()
  if (is_dbi) return(dbi_plan(source, table, query, ctx))
  if (is.character(source) && !is.object(source)) return(csv_plan(source, ctx))
  if (is.data.frame(source)) source <- list(source)
  if (is.function(source)) return(function_plan(source, ctx))
  if (is.list(source) && !is.object(source)) {
    if (!length(source)) {
      abort("`source` is an empty list; it must hold at least one data frame.", call)
    }
    for (k in seq_along(source)) {
      if (!is.data.frame(source[[k]])) {
        abort(sprintf("`source` element %d must be a data frame, not %s.", k,
                      describe_value(source[[k]])), call)
      }
    }
    ctx <- resolve_rules(ctx, names(source[[1L]]), "`source` element 1")
    pieces <- lapply(seq_along(source), function(k) {
      list(kind = "frame", data = source[[k]],
           where = sprintf("`source` element %d", k))
    })
    steps <- sum(vapply(source, nrow, integer(1)))
    return(list(pieces = pieces, first = nothing, ctx = ctx, steps = steps))
  }
  abort(sprintf("`source` must be a DBI connection, CSV file paths, a list of data frames or a function returning chunks, not %s.",
                describe_value(source)), call)
}

# The rules resolved against the source's columns (a single rule named, the
# symptoms' columns found), and the columns to read.
resolve_rules <- function(ctx, fields, where) {
  call <- ctx$call
  rules <- ctx$rules
  pre <- ctx$pre
  post <- ctx$post
  if (is_alleviation_rule(rules)) {
    single <- name_single_rule(rules, stats::setNames(vector("list", length(fields)), fields),
                               pre, post, call)
    rules <- single$rules
    pre <- single$pre
    post <- single$post
  }
  check_rules(rules, call = call)
  pre_columns <- time_point_columns(names(rules), pre, "pre", "pre", call)
  post_columns <- time_point_columns(names(rules), post, "post", "post", call)
  measured <- c(pre_columns, post_columns)
  used <- intersect(ctx$by, measured)
  if (length(used)) {
    abort(sprintf("`by` must not name a measurement column: %s.",
                  paste0("\"", used, "\"", collapse = ", ")), call)
  }
  ctx$rules <- rules
  ctx$pre <- pre_columns
  ctx$post <- post_columns
  ctx$columns <- unique(c(measured, ctx$by))
  if (!is.null(fields)) check_source_columns(fields, ctx, where)
  ctx
}

check_source_columns <- function(fields, ctx, where) {
  missing <- setdiff(ctx$columns, fields)
  if (length(missing)) {
    abort(sprintf("%s has no column %s, which %s.%s", where,
                  paste0("\"", missing, "\"", collapse = ", "),
                  if (all(missing %in% ctx$by)) "`by` names"
                  else "the rules read (set `pre` and `post` for other names)",
                  did_you_mean(missing, fields)), ctx$call)
  }
  # a name given twice: which column was read would decide the table
  twice <- intersect(ctx$columns, fields[duplicated(fields)])
  if (length(twice)) {
    abort(sprintf("%s has more than one column named %s, which %s; rename one of them, so that the table does not depend on which is read.",
                  where, paste0("\"", twice, "\"", collapse = ", "),
                  if (all(twice %in% ctx$by)) "`by` names" else "the rules read"),
          ctx$call)
  }
  invisible(fields)
}

# One chunk's table, through classify_cohort() and tabulate_cohort(). Errors
# say where in the source the chunk came from; `row_name(i)` says where its
# i-th row is (for a measurement that is text but not a number).
tabulate_chunk <- function(chunk, ctx, where, row_name = NULL) {
  check_source_columns(names(chunk), ctx, where)
  if (is.null(row_name)) {
    row_name <- function(i) sprintf("row %s of %s", format_integer(i), where)
  }
  chunk <- numeric_measurements(
    take_columns(chunk, c(ctx$columns, unlist(ctx$text_parts, use.names = FALSE))),
    ctx, row_name)
  chunk <- missing_text_strata(chunk, ctx$by)
  in_source(where, ctx$call, {
    cohort <- classify_frame(chunk, ctx$rules, ctx$pre, ctx$post, NULL,
                             quote(classify_cohort(chunk, ctx$rules, pre = ctx$pre,
                                                   post = ctx$post)),
                             keep = FALSE)
    tabulate_cohort(cohort, by = ctx$by, conf_level = ctx$conf_level,
                    method = ctx$method, margins = ctx$margins,
                    drop = ctx$drop)
  })
}

# Evaluates `code`; a package error from it is raised again for the user's
# call, saying where in the source it happened.
in_source <- function(where, call, code) {
  tryCatch(code, myelorelief_error = function(e) {
    abort(sprintf("In %s: %s", where, conditionMessage(e)), call)
  })
}

# The running total of a piece's chunks: NULL, then a table.
add_table <- function(total, table, ctx, where) {
  if (is.null(total)) return(table)
  in_source(where, ctx$call, combine_tables(total, table))
}

total_table <- function(tables, ctx, where) {
  if (length(tables) == 1L) return(tables[[1L]])
  in_source(where, ctx$call, combine_tables(tables))
}

# A data frame of the needed columns, without the method dispatch of `[`.
take_columns <- function(data, columns) {
  list2DF(as.list(data)[columns], nrow = nrow(data))
}

# A data frame of the needed columns and the given rows, without the
# method dispatch of `[` (a data.table element behaves as a data frame).
take_rows <- function(data, columns, rows) {
  list2DF(lapply(as.list(data)[columns], function(v) v[rows]),
          nrow = length(rows))
}

# One piece's table; runs in this process or on a future's worker.
piece_table <- function(piece, ctx, progress) {
  switch(piece$kind,
         frame = frame_table(piece, ctx, progress),
         csv = csv_table(piece, ctx, progress),
         rowid = rowid_table(piece, ctx, progress))
}

frame_table <- function(piece, ctx, progress) {
  data <- piece$data
  check_source_columns(names(data), ctx, piece$where)
  n <- nrow(data)
  starts <- if (n) seq(1, n, by = ctx$chunk_rows) else 1
  total <- NULL
  for (start in starts) {
    end <- min(n, start + ctx$chunk_rows - 1)
    rows <- if (n) seq(start, end) else integer(0)
    where <- if (length(starts) > 1L) {
      sprintf("rows %s-%s of %s", format_integer(start), format_integer(end),
              piece$where)
    } else piece$where
    row_name <- function(i) {
      sprintf("row %s of %s", format_integer(start - 1 + i), piece$where)
    }
    table <- tabulate_chunk(take_rows(data, ctx$columns, rows), ctx, where,
                            row_name)
    total <- add_table(total, table, ctx, piece$where)
    signal_progress(progress, length(rows))
  }
  total
}

# Pieces through future.apply under the user's plan; one after another when
# future.apply is not installed and no parallel plan was set.
run_pieces <- function(pieces, ctx, progress) {
  if (!length(pieces)) return(list())
  if (requireNamespace("future.apply", quietly = TRUE)) {
    return(future.apply::future_lapply(
      pieces, piece_table, ctx = ctx, progress = progress,
      future.packages = "myelorelief", future.seed = NULL,
      future.label = "tabulate_source-%d"))
  }
  if (requireNamespace("future", quietly = TRUE) &&
      !inherits(future::plan(), "sequential")) {
    abort("A parallel future::plan() is set, and tabulating its pieces in parallel needs the future.apply package: install.packages(\"future.apply\").",
          ctx$call)
  }
  lapply(pieces, piece_table, ctx = ctx, progress = progress)
}

# A progressr progressor when progressr is installed (silent unless the user
# asked for progress), else NULL. `steps` NA: a stream of unknown length.
source_progress <- function(steps, envir = parent.frame()) {
  if (!requireNamespace("progressr", quietly = TRUE)) return(NULL)
  progressr::progressor(steps = if (is.na(steps)) 0 else steps,
                        envir = envir)
}

signal_progress <- function(progress, amount, message = NULL) {
  if (is.null(progress)) return(invisible())
  if (is.null(message)) progress(amount = amount)
  else progress(amount = amount, message = message)
  invisible()
}

need_package <- function(package, what, call) {
  if (!requireNamespace(package, quietly = TRUE)) {
    abort(sprintf("%s needs the %s package: install.packages(\"%s\").",
                  what, package, package), call)
  }
}
