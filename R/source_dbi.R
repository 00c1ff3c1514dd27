# Database sources of tabulate_source(): a DBI connection with a table or a
# query. Only the needed columns are selected. An SQLite table in a database
# file is split into ranges of rowids that workers read through connections
# of their own; everything else streams through the user's connection.

dbi_plan <- function(con, table, query, ctx) {
  call <- ctx$call
  need_package("DBI", "Reading a database", call)
  if (is.null(table) == is.null(query)) {
    abort("With a DBI connection as `source`, give exactly one of `table` (a table name) and `query` (an SQL query).",
          call)
  }
  if (!DBI::dbIsValid(con)) {
    abort("`source` is a database connection that is no longer valid (closed?); connect again.", call)
  }
  if (!is.null(query)) {
    if (!is.character(query) || length(query) != 1L || is.na(query) ||
        !nzchar(trimws(query))) {
      abort(sprintf("`query` must be a single SQL query (a string), not %s.",
                    describe_value(query)), call)
    }
    # A trailing semicolon would end the query inside the SELECT around it.
    query <- sub("[;[:space:]]+$", "", query)
    inner <- sprintf("(%s) AS myelorelief_query", query)
    fields <- tryCatch(
      names(DBI::dbGetQuery(con, sprintf("SELECT * FROM %s WHERE 1 = 0", inner))),
      error = function(e) {
        abort(sprintf("`query` failed in the database: %s", conditionMessage(e)), call)
      })
    where <- "the result of `query`"
    ctx <- resolve_rules(ctx, fields, where)
    sql <- sprintf("SELECT %s FROM %s", select_list(con, ctx$columns), inner)
    return(list(pieces = list(), ctx = ctx, steps = NA,
                first = function(progress) {
                  list(stream_table(con, sql, ctx, progress, where))
                }))
  }
  ok <- (is.character(table) && length(table) == 1L && !is.na(table) &&
           nzchar(table)) || inherits(table, "Id")
  if (!ok) {
    abort(sprintf("`table` must be a single table name (a string or DBI::Id()), not %s.",
                  describe_value(table)), call)
  }
  label <- if (is.character(table)) table else
    paste(table@name, collapse = ".")
  if (!DBI::dbExistsTable(con, table)) {
    abort(sprintf("`table` names a table not found in the database: \"%s\".%s",
                  label, did_you_mean(label, DBI::dbListTables(con))), call)
  }
  where <- sprintf("table \"%s\"", label)
  fields <- DBI::dbListFields(con, table)
  ctx <- resolve_rules(ctx, fields, where)
  from <- as.character(DBI::dbQuoteIdentifier(con, table))
  sql <- sprintf("SELECT %s FROM %s", select_list(con, ctx$columns), from)
  ranges <- sqlite_ranges(con, from, fields, ctx$chunk_rows)
  if (is.null(ranges)) {
    return(list(pieces = list(), ctx = ctx, steps = NA,
                first = function(progress) {
                  list(stream_table(con, sql, ctx, progress, where))
                }))
  }
  pieces <- lapply(seq_len(nrow(ranges)), function(k) {
    list(kind = "rowid", dbname = ranges$dbname[k],
         sql = sprintf("%s WHERE rowid BETWEEN %.0f AND %.0f", sql,
                       ranges$from[k], ranges$to[k]),
         where = sprintf("rowids %s-%s of %s", format_integer(ranges$from[k]),
                         format_integer(ranges$to[k]), where))
  })
  list(pieces = pieces, ctx = ctx, steps = attr(ranges, "rows"),
       first = function(progress) list())
}

select_list <- function(con, columns) {
  paste(as.character(DBI::dbQuoteIdentifier(con, columns)), collapse = ", ")
}

# Ranges of `chunk_rows` rowids covering an SQLite table in a database file
# (which workers can open read-only), or NULL: another backend, an in-memory
# database, a view or WITHOUT ROWID table, a column named rowid, an empty
# table, or rowids too sparse for ranges of them to hold whole chunks.
sqlite_ranges <- function(con, from, fields, chunk_rows) {
  if (!inherits(con, "SQLiteConnection")) return(NULL)
  dbname <- tryCatch(con@dbname, error = function(e) "")
  if (!is.character(dbname) || length(dbname) != 1L || !nzchar(dbname) ||
      dbname == ":memory:" || startsWith(dbname, "file:") ||
      !file.exists(dbname)) {
    return(NULL)
  }
  if (any(tolower(fields) %in% c("rowid", "_rowid_", "oid"))) return(NULL)
  info <- tryCatch(
    DBI::dbGetQuery(con, sprintf(
      "SELECT MIN(rowid) AS lo, MAX(rowid) AS hi, COUNT(*) AS n FROM %s", from)),
    error = function(e) NULL)
  if (is.null(info) || !nrow(info) || is.na(info$n) || info$n == 0) return(NULL)
  lo <- as.double(info$lo)
  hi <- as.double(info$hi)
  n_ranges <- ceiling((hi - lo + 1) / chunk_rows)
  if (n_ranges > 2 * ceiling(info$n / chunk_rows) + 1) return(NULL)
  from_id <- lo + (seq_len(n_ranges) - 1) * chunk_rows
  structure(data.frame(dbname = normalizePath(dbname), from = from_id,
                       to = pmin(from_id + chunk_rows - 1, hi)),
            rows = as.double(info$n))
}

# One rowid range of an SQLite table, read through a read-only connection of
# its own (this runs on a future's worker).
rowid_table <- function(piece, ctx, progress) {
  need_package("RSQLite", "Reading an SQLite database", ctx$call)
  con <- DBI::dbConnect(RSQLite::SQLite(), piece$dbname,
                        flags = RSQLite::SQLITE_RO)
  on.exit(DBI::dbDisconnect(con))
  chunk <- DBI::dbGetQuery(con, piece$sql)
  table <- tabulate_chunk(chunk, ctx, piece$where)
  signal_progress(progress, nrow(chunk))
  table
}

# A query's rows fetched `chunk_rows` at a time through one result set.
stream_table <- function(con, sql, ctx, progress, where) {
  result <- DBI::dbSendQuery(con, sql)
  on.exit(DBI::dbClearResult(result))
  total <- NULL
  read <- 0
  repeat {
    chunk <- DBI::dbFetch(result, n = ctx$chunk_rows)
    rows <- nrow(chunk)
    if (rows > 0L || is.null(total)) {
      at <- if (rows) sprintf("rows %s-%s of %s", format_integer(read + 1),
                              format_integer(read + rows), where) else where
      total <- add_table(total, tabulate_chunk(chunk, ctx, at), ctx, where)
    }
    read <- read + rows
    signal_progress(progress, 0, sprintf("%s rows read", format_integer(read)))
    if (!rows || DBI::dbHasCompleted(result)) break
  }
  total
}
