# Database sources of tabulate_source(): a DBI connection with a table or a
# query, read as the user's own connection sees it (its TEMP tables,
# attached schemas and open transaction included). Only the needed columns
# are selected. Only DBI's core methods are used (dbGetQuery, dbSendQuery,
# dbFetch, dbHasCompleted, dbClearResult, dbQuoteIdentifier): a driver may
# lack the others (RPostgreSQL has no dbIsValid(), and its dbExistsTable()
# does not find a table named with a schema).

dbi_plan <- function(con, table, query, ctx) {
  call <- ctx$call
  need_package("DBI", "Reading a database", call)
  if (is.null(table) == is.null(query)) {
    abort("With a DBI connection as `source`, give exactly one of `table` (a table name) and `query` (an SQL query).",
          call)
  }
  if (identical(connection_valid(con), FALSE)) {
    abort("`source` is a database connection that is no longer valid (closed?); connect again.", call)
  }
  if (!is.null(query)) {
    query <- single_statement(query, call)
    # The query on lines of its own: a trailing `-- comment` cannot hide
    # the closing parenthesis.
    from <- sprintf("(\n%s\n) AS myelorelief_query", query)
    where <- "the result of `query`"
    fields <- tryCatch(source_fields(con, from), error = function(e) {
      abort(sprintf("`query` failed in the database: %s", conditionMessage(e)), call)
    })
  } else {
    ok <- (is.character(table) && length(table) == 1L && !is.na(table) &&
             nzchar(table)) || inherits(table, "Id")
    if (!ok) {
      abort(sprintf("`table` must be a single table name (a string or DBI::Id()), not %s.",
                    describe_value(table)), call)
    }
    label <- if (is.character(table)) table else paste(table@name, collapse = ".")
    from <- as.character(DBI::dbQuoteIdentifier(con, table))
    where <- sprintf("table \"%s\"", label)
    fields <- tryCatch(source_fields(con, from), error = function(e) {
      known <- tryCatch(DBI::dbListTables(con), error = function(e) character(0))
      abort(sprintf("`table` names a table the connection cannot read: \"%s\" (the database says: %s).%s",
                    label, conditionMessage(e), did_you_mean(label, known)), call)
    })
  }
  ctx <- resolve_rules(ctx, fields, where)
  rowid <- is.null(query) && has_sqlite_rowid(con, from, fields)
  sql <- source_select(con, ctx, from, rowid)
  ctx$text_parts <- sql$text_parts
  ranges <- if (is.null(query)) parallel_sqlite_ranges(con, table, from, ctx)
  if (is.null(ranges)) {
    # A table's rows are counted for the progress bar; a query's are not
    # (that would run it twice).
    steps <- if (is.null(query)) {
      tryCatch(table_rows(con, from), error = function(e) NA)
    } else NA
    return(list(pieces = list(), ctx = ctx, steps = steps,
                first = function(progress) {
                  list(stream_table(con, sql$select, ctx, progress, where,
                                    counted = !is.na(steps)))
                }))
  }
  pieces <- lapply(seq_len(nrow(ranges)), function(k) {
    list(kind = "rowid", dbname = ranges$dbname[k],
         sql = sprintf("%s WHERE rowid BETWEEN %.0f AND %.0f", sql$select,
                       ranges$from[k], ranges$to[k]),
         where = sprintf("rowids %s-%s of %s", format_integer(ranges$from[k]),
                         format_integer(ranges$to[k]), where),
         table_where = where)
  })
  rows <- attr(ranges, "rows")
  # The workers must have read every row the user's connection counts, and
  # the table must not have changed meanwhile.
  verify <- function(tables) {
    read <- sum(vapply(tables, function(t) attr(t, "rows_read"), numeric(1)))
    now <- table_rows(con, from)
    if (read != rows || !identical(now, rows)) {
      abort(sprintf("%s changed while it was read (%s rows counted, %s read, %s now); tabulate it when nothing writes to it.",
                    where, format_integer(rows), format_integer(read),
                    format_integer(now)), call)
    }
    lapply(tables, function(t) {
      attr(t, "rows_read") <- NULL
      t
    })
  }
  list(pieces = pieces, ctx = ctx, steps = rows, verify = verify,
       first = function(progress) list())
}

# TRUE, FALSE, or NA where the driver has no dbIsValid() method.
connection_valid <- function(con) {
  tryCatch(isTRUE(DBI::dbIsValid(con)), error = function(e) NA)
}

# The column names of `from` (a quoted table or a parenthesised query) as
# the connection sees them, without reading a row.
source_fields <- function(con, from) {
  # Some drivers (RPostgreSQL) report a failed query as a warning and a NULL.
  none <- withCallingHandlers(
    DBI::dbGetQuery(con, sprintf("SELECT * FROM %s WHERE 1 = 0", from)),
    warning = function(w) stop(conditionMessage(w), call. = FALSE))
  if (!is.data.frame(none)) stop("the database returned no result", call. = FALSE)
  names(none)
}

table_rows <- function(con, from) {
  as.double(DBI::dbGetQuery(con, sprintf("SELECT COUNT(*) AS n FROM %s", from))$n)
}

# The SELECT of the needed columns. In SQLite, a value of any type can sit
# in a numeric column, and RSQLite turns text there into 0: each
# measurement is read as two columns, its numbers and its text (made
# numbers or refused by measurement_from_text()). An SQLite table's rowid
# comes along to name a row in an error.
source_select <- function(con, ctx, from, rowid) {
  measured <- unique(c(ctx$pre, ctx$post))
  quoted <- stats::setNames(as.character(DBI::dbQuoteIdentifier(con, ctx$columns)),
                            ctx$columns)
  expressions <- quoted
  text_parts <- list()
  if (inherits(con, "SQLiteConnection")) {
    for (k in seq_along(measured)) {
      column <- measured[k]
      q <- quoted[[column]]
      part <- sprintf("myelorelief_text_%d", k)
      expressions[[column]] <- sprintf(
        "CASE WHEN typeof(%s) IN ('integer', 'real') THEN %s END AS %s, CASE WHEN typeof(%s) IN ('text', 'blob') THEN CAST(%s AS TEXT) END AS %s",
        q, q, q, q, q, part)
      text_parts[[column]] <- part
    }
  }
  if (rowid) expressions <- c(expressions, "rowid AS myelorelief_rowid")
  list(select = sprintf("SELECT %s FROM %s", paste(expressions, collapse = ", "), from),
       text_parts = text_parts)
}

# Does `from` have SQLite rowids a query can select (not a view or a
# WITHOUT ROWID table, no column named rowid)?
has_sqlite_rowid <- function(con, from, fields) {
  if (!inherits(con, "SQLiteConnection")) return(FALSE)
  if (any(tolower(fields) %in% c("rowid", "_rowid_", "oid", "myelorelief_rowid"))) {
    return(FALSE)
  }
  tryCatch({
    DBI::dbGetQuery(con, sprintf("SELECT rowid FROM %s LIMIT 0", from))
    TRUE
  }, error = function(e) FALSE)
}

# Ranges of `chunk_rows` rowids covering an SQLite table, for workers that
# open the database file read-only, or NULL, to read through the user's
# connection. Workers see the same data only when it is provable: a
# parallel future plan is set (otherwise the connection is as fast), the
# table is in the main schema of a database file and not shadowed by a
# TEMP table, the connection has no open transaction, and a new connection
# counts the same rows. Also NULL for rowids too sparse for ranges of them
# to hold whole chunks.
parallel_sqlite_ranges <- function(con, table, from, ctx) {
  if (!inherits(con, "SQLiteConnection")) return(NULL)
  if (!requireNamespace("future", quietly = TRUE) ||
      !requireNamespace("future.apply", quietly = TRUE) ||
      inherits(future::plan(), "sequential")) {
    return(NULL)
  }
  name <- if (is.character(table)) table else {
    parts <- table@name
    schema <- parts[names(parts) %in% c("schema", "catalog")]
    if (length(schema) && !identical(tolower(unname(schema)), "main")) return(NULL)
    unname(parts[["table"]])
  }
  dbname <- tryCatch(con@dbname, error = function(e) "")
  if (!is.character(dbname) || length(dbname) != 1L || !nzchar(dbname) ||
      dbname == ":memory:" || startsWith(dbname, "file:") ||
      !file.exists(dbname)) {
    return(NULL)
  }
  shadowed <- tryCatch(
    DBI::dbGetQuery(con, "SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE lower(name) = lower(?)",
                    params = list(name))$n > 0,
    error = function(e) TRUE)
  in_main <- tryCatch(
    DBI::dbGetQuery(con, "SELECT COUNT(*) AS n FROM main.sqlite_master WHERE type = 'table' AND lower(name) = lower(?)",
                    params = list(name))$n == 1,
    error = function(e) FALSE)
  if (shadowed || !in_main || sqlite_in_transaction(con)) return(NULL)
  info <- tryCatch(
    DBI::dbGetQuery(con, sprintf(
      "SELECT MIN(rowid) AS lo, MAX(rowid) AS hi, COUNT(*) AS n FROM %s", from)),
    error = function(e) NULL)
  if (is.null(info) || !nrow(info) || is.na(info$n) || info$n == 0) return(NULL)
  path <- normalizePath(dbname)
  other <- tryCatch({
    fresh <- DBI::dbConnect(RSQLite::SQLite(), path, flags = RSQLite::SQLITE_RO)
    on.exit(DBI::dbDisconnect(fresh))
    table_rows(fresh, from)
  }, error = function(e) NA)
  if (!identical(other, as.double(info$n))) return(NULL)
  chunk_rows <- ctx$chunk_rows
  lo <- as.double(info$lo)
  hi <- as.double(info$hi)
  n_ranges <- ceiling((hi - lo + 1) / chunk_rows)
  if (n_ranges > 2 * ceiling(info$n / chunk_rows) + 1) return(NULL)
  from_id <- lo + (seq_len(n_ranges) - 1) * chunk_rows
  structure(data.frame(dbname = path, from = from_id,
                       to = pmin(from_id + chunk_rows - 1, hi)),
            rows = as.double(info$n))
}

# SQLite refuses BEGIN inside a transaction; outside one, BEGIN and an
# immediate ROLLBACK change nothing. TRUE also where the test fails.
sqlite_in_transaction <- function(con) {
  tryCatch({
    DBI::dbExecute(con, "BEGIN")
    DBI::dbExecute(con, "ROLLBACK")
    FALSE
  }, error = function(e) TRUE)
}

# One rowid range of an SQLite table, read through a read-only connection of
# its own (this runs on a future's worker).
rowid_table <- function(piece, ctx, progress) {
  need_package("RSQLite", "Reading an SQLite database", ctx$call)
  con <- DBI::dbConnect(RSQLite::SQLite(), piece$dbname,
                        flags = RSQLite::SQLITE_RO)
  on.exit(DBI::dbDisconnect(con))
  chunk <- driver_warnings_as_errors(DBI::dbGetQuery(con, piece$sql),
                                     piece$where, ctx$call)
  table <- database_chunk_table(chunk, ctx, piece$where, piece$table_where, 0)
  signal_progress(progress, nrow(chunk))
  attr(table, "rows_read") <- as.double(nrow(chunk))
  table
}

# A chunk's table, with its rows named by rowid where it has them, else by
# their position in the result (`before` rows came earlier).
database_chunk_table <- function(chunk, ctx, at, where, before) {
  rowids <- chunk[["myelorelief_rowid"]]
  chunk[["myelorelief_rowid"]] <- NULL
  row_name <- if (!is.null(rowids)) {
    function(i) sprintf("rowid %s of %s", format_integer(rowids[i]), where)
  } else {
    function(i) sprintf("row %s of %s", format_integer(before + i), where)
  }
  tabulate_chunk(chunk, ctx, at, row_name)
}

# A driver's warning while fetching (RSQLite's "coercing other values" of a
# column of mixed types) means rows that differ from what the database
# holds: an error naming where.
driver_warnings_as_errors <- function(code, where, call) {
  withCallingHandlers(code, warning = function(w) {
    abort(sprintf("Reading %s, the database driver warned: %s. The rows would not arrive as the database holds them; make the column one type (or CAST it in a `query`).",
                  where, conditionMessage(w)), call)
  })
}

# A query's rows fetched `chunk_rows` at a time through one result set.
stream_table <- function(con, sql, ctx, progress, where, counted) {
  result <- DBI::dbSendQuery(con, sql)
  on.exit(DBI::dbClearResult(result))
  total <- NULL
  read <- 0
  repeat {
    # (drivers take n as an integer: a larger chunk_rows is all rows)
    fetch <- if (ctx$chunk_rows > .Machine$integer.max) -1L else ctx$chunk_rows
    chunk <- driver_warnings_as_errors(DBI::dbFetch(result, n = fetch),
                                       sprintf("rows %s- of %s", format_integer(read + 1), where),
                                       ctx$call)
    rows <- nrow(chunk)
    if (rows > 0L || is.null(total)) {
      at <- if (rows) sprintf("rows %s-%s of %s", format_integer(read + 1),
                              format_integer(read + rows), where) else where
      table <- database_chunk_table(chunk, ctx, at, where, read)
      total <- add_table(total, table, ctx, where)
    }
    read <- read + rows
    signal_progress(progress, if (counted) rows else 0,
                    sprintf("%s rows read", format_integer(read)))
    if (!rows || DBI::dbHasCompleted(result)) break
  }
  total
}

# The query as one statement: comments and semicolons after its last token
# dropped (a trailing `-- note` or `;` would break the SELECT around it),
# and more than one statement refused. Quoted strings and identifiers, and
# comments, are skipped while looking.
single_statement <- function(query, call) {
  if (!is.character(query) || length(query) != 1L || is.na(query) ||
      !nzchar(trimws(query))) {
    abort(sprintf("`query` must be a single SQL query (a string), not %s.",
                  describe_value(query)), call)
  }
  chars <- strsplit(query, "")[[1L]]
  n <- length(chars)
  last <- 0L
  semicolons <- integer(0)
  i <- 1L
  while (i <= n) {
    ch <- chars[i]
    nxt <- if (i < n) chars[i + 1L] else ""
    if (ch == "-" && nxt == "-") {
      while (i <= n && chars[i] != "\n") i <- i + 1L
      next
    }
    if (ch == "/" && nxt == "*") {
      i <- i + 2L
      while (i <= n && !(chars[i] == "*" && i < n && chars[i + 1L] == "/")) i <- i + 1L
      i <- i + 2L
      next
    }
    if (ch %in% c("'", "\"", "`")) {
      i <- i + 1L
      repeat {
        while (i <= n && chars[i] != ch) i <- i + 1L
        # a doubled quote is a quote inside the string
        if (i < n && chars[i + 1L] == ch) i <- i + 2L else break
      }
      last <- min(i, n)
      i <- i + 1L
      next
    }
    if (ch == ";") {
      semicolons <- c(semicolons, i)
    } else if (!grepl("^[[:space:]]$", ch)) {
      last <- i
    }
    i <- i + 1L
  }
  if (!last) {
    abort("`query` holds no SQL statement, only comments or semicolons.", call)
  }
  if (any(semicolons < last)) {
    abort("`query` must be a single SQL statement (a SELECT); it holds more than one, separated by `;`.",
          call)
  }
  paste(chars[seq_len(last)], collapse = "")
}
