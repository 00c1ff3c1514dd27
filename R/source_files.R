# File and function sources of tabulate_source(). CSV files are read record
# by record (a quoted field may span lines), `chunk_rows` records at a time,
# and each chunk parsed by data.table::fread() or utils::read.csv().

csv_plan <- function(paths, ctx) {
  call <- ctx$call
  if (!length(paths) || anyNA(paths) || any(!nzchar(paths))) {
    abort(sprintf("`source` must name at least one CSV file, not %s.",
                  describe_value(paths)), call)
  }
  absent <- paths[!file.exists(paths) | dir.exists(paths)]
  if (length(absent)) {
    abort(sprintf("`source` names %s that do%s not exist: %s.",
                  if (length(absent) == 1L) "a file" else "files",
                  if (length(absent) == 1L) "es" else "",
                  paste0("\"", absent, "\"", collapse = ", ")), call)
  }
  paths <- normalizePath(paths)
  ctx$reader <- csv_reader()
  first <- csv_open(paths[1L], ctx)
  close(first$con)
  ctx <- resolve_rules(ctx, first$header, first$where)
  pieces <- lapply(paths, function(path) {
    list(kind = "csv", path = path, where = sprintf("file \"%s\"", path))
  })
  list(pieces = pieces, ctx = ctx, steps = sum(file.size(paths)),
       first = function(progress) list(),
       finish = function(table) type_csv_strata(table, ctx))
}

# fread() where data.table is installed; option myelorelief.csv_reader
# ("fread" or "base") chooses for the tests.
csv_reader <- function() {
  chosen <- getOption("myelorelief.csv_reader")
  if (!is.null(chosen)) return(chosen)
  if (requireNamespace("data.table", quietly = TRUE)) "fread" else "base"
}

# A file's connection, positioned after its header line, and the header.
csv_open <- function(path, ctx) {
  where <- sprintf("file \"%s\"", path)
  # file() reads gzip, bzip2 and xz compressed files too.
  con <- file(path, open = "r")
  first <- read_records(con, 1L)
  if (!length(first$lines)) {
    close(con)
    abort(sprintf("%s is empty; a CSV file starts with a header line of column names.",
                  where), ctx$call)
  }
  # A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the first
  # name, in any locale (read.csv() drops it only in a UTF-8 locale).
  first$lines[1L] <- drop_bom(first$lines[1L])
  header <- scan(text = first$lines, what = "", sep = ",", quote = "\"",
                 na.strings = character(0), quiet = TRUE, strip.white = TRUE)
  if (length(header) == 1L && nzchar(separator_hint(header))) {
    close(con)
    abort(sprintf("The header line of %s is one column, %s.%s", where,
                  quote_value(header), separator_hint(header)), ctx$call)
  }
  list(con = con, header = header, where = where,
       lines = length(first$lines),
       bytes = sum(nchar(first$lines, "bytes")) + length(first$lines))
}

drop_bom <- function(line) {
  bytes <- charToRaw(line)
  if (length(bytes) < 3L || !identical(bytes[1:3], as.raw(c(0xef, 0xbb, 0xbf)))) {
    return(line)
  }
  out <- rawToChar(bytes[-(1:3)])
  Encoding(out) <- Encoding(line)
  out
}

# Up to n records: n lines, and more while a quoted field is open (an odd
# number of quotes so far). `eof` when the file ended.
read_records <- function(con, n) {
  # readLines() sets aside room for n lines before reading one: read at
  # most 2^16 at a time, so a large `chunk_rows` costs only what is read
  batches <- list()
  got <- 0
  repeat {
    want <- min(n - got, 65536)
    batch <- readLines(con, n = want, warn = FALSE)
    batches[[length(batches) + 1L]] <- batch
    got <- got + length(batch)
    if (length(batch) < want || got >= n) break
  }
  lines <- unlist(batches, use.names = FALSE)
  if (is.null(lines)) lines <- character(0)
  eof <- length(lines) < n
  if (!eof) {
    count_quotes <- function(x) {
      x <- x[grepl("\"", x, fixed = TRUE, useBytes = TRUE)]
      sum(nchar(x, "bytes") -
            nchar(gsub("\"", "", x, fixed = TRUE, useBytes = TRUE), "bytes"))
    }
    quotes <- count_quotes(lines)
    while (quotes %% 2 == 1) {
      more <- readLines(con, n = 1L, warn = FALSE)
      if (!length(more)) {
        eof <- TRUE
        break
      }
      lines <- c(lines, more)
      quotes <- quotes + count_quotes(more)
    }
  }
  list(lines = lines, eof = eof)
}

csv_table <- function(piece, ctx, progress) {
  opened <- csv_open(piece$path, ctx)
  con <- opened$con
  on.exit(close(con))
  check_source_columns(opened$header, ctx, piece$where)
  positions <- match(ctx$columns, opened$header)
  size <- file.size(piece$path)
  signalled <- 0
  advance <- function(bytes) {
    bytes <- min(bytes, size - signalled)
    if (bytes > 0) {
      signal_progress(progress, bytes)
      signalled <<- signalled + bytes
    }
  }
  advance(opened$bytes)
  total <- NULL
  line <- opened$lines
  repeat {
    records <- read_records(con, ctx$chunk_rows)
    lines <- records$lines
    if (length(lines) || (records$eof && is.null(total))) {
      first_line <- line + 1
      where <- if (length(lines)) {
        sprintf("lines %s-%s of %s", format_integer(first_line),
                format_integer(line + length(lines)), piece$where)
      } else piece$where
      parsed <- parse_csv(lines, first_line, opened$header, positions, ctx,
                          piece$where)
      table <- tabulate_chunk(parsed$chunk, ctx, where, parsed$row_name)
      total <- add_table(total, table, ctx, piece$where)
      line <- line + length(lines)
    }
    advance(sum(nchar(records$lines, "bytes")) + length(records$lines))
    if (records$eof) break
  }
  advance(size)
  total
}

# The needed columns of some CSV lines (starting at line `first_line` of the
# file), by the header's positions, as text: strata are typed once for the
# whole source (type_csv_strata()), measurements by one rule
# (measurement_from_text()), so both readers give the same values. Blank
# lines are skipped, except inside a quoted field. Every record must have
# the header's number of fields: a short or long record is an error naming
# its line, never a row filled up or shifted. Also returns `row_name(i)`,
# the line of the chunk's i-th record.
parse_csv <- function(lines, first_line, header, positions, ctx, file) {
  call <- ctx$call
  if (!length(lines)) return(list(chunk = empty_chunk(ctx), row_name = NULL))
  text <- paste(c(lines, ""), collapse = "\n")
  # Fields per line: NA on the lines of a record that spans lines but its
  # last, 0 on a blank line.
  fields <- utils::count.fields(textConnection(text), sep = ",", quote = "\"",
                                comment.char = "", blank.lines.skip = FALSE)
  ends <- which(!is.na(fields) & fields > 0L)
  if (!length(ends)) return(list(chunk = empty_chunk(ctx), row_name = NULL))
  starts <- record_starts(fields, ends)
  wrong <- which(fields[ends] != length(header))
  if (length(wrong)) {
    k <- wrong[1L]
    abort(sprintf("Line %s of %s has %d field%s where its header has %d; every record must have one field per column (a missing value is an empty field).%s",
                  format_integer(first_line - 1 + starts[k]), file, fields[ends[k]],
                  if (fields[ends[k]] == 1L) "" else "s", length(header),
                  separator_hint(lines[starts[k]])), call)
  }
  # fread() and read.csv() undo a doubled quote inside a quoted field
  # differently ("""east""" is "east" with its quotes to read.csv(), which
  # defines the values), and read a quote that does not open or close a
  # field differently (read.csv() drops the quotes of `Clinic "North"`,
  # fread() keeps them; `a",` loses a record to fread()): such chunks are
  # read by read.csv().
  use_fread <- identical(ctx$reader, "fread") && csv_quotes_plain(text)
  read <- tryCatch(withCallingHandlers({
    if (use_fread) {
      need_package("data.table", "Reading CSV files with fread", call)
      data.table::fread(text = text, sep = ",", quote = "\"",
                        header = FALSE, select = positions,
                        colClasses = list(character = positions),
                        na.strings = "NA", strip.white = FALSE, fill = FALSE,
                        blank.lines.skip = TRUE, data.table = FALSE,
                        showProgress = FALSE)
    } else {
      classes <- rep("NULL", length(header))
      classes[positions] <- "character"
      out <- utils::read.csv(text = text, header = FALSE, colClasses = classes,
                             na.strings = "NA", strip.white = FALSE,
                             fill = FALSE, blank.lines.skip = TRUE,
                             stringsAsFactors = FALSE, check.names = FALSE,
                             comment.char = "", quote = "\"")
      # read.csv() keeps the columns in file order
      out[match(positions, sort(positions))]
    }
  }, warning = function(w) stop(conditionMessage(w), call. = FALSE)),
  error = function(e) {
    abort(sprintf("Lines %s-%s of %s could not be read as CSV: %s",
                  format_integer(first_line),
                  format_integer(first_line - 1 + length(lines)), file,
                  conditionMessage(e)), call)
  })
  if (nrow(read) != length(ends) || length(read) != length(positions)) {
    abort(sprintf("Lines %s-%s of %s hold %d records, but the CSV reader returned %d rows of %d columns; the file may be malformed there.",
                  format_integer(first_line),
                  format_integer(first_line - 1 + length(lines)), file,
                  length(ends), nrow(read), length(read)), call)
  }
  names(read) <- ctx$columns
  # Blank strata are missing, quoted or not, as are "NA" fields
  # (missing_text_strata()); measurements are read by their own rule.
  read <- missing_text_strata(read, ctx$by)
  row_name <- function(i) {
    sprintf("line %s of %s", format_integer(first_line - 1 + starts[i]), file)
  }
  list(chunk = list2DF(as.list(read), nrow = nrow(read)), row_name = row_name)
}

# TRUE when every quote in `text` opens or closes a field quoted from its
# first to its last character with no quote inside ("a, b", "", or a field
# spanning lines), the only quoting both readers read alike; FALSE when a
# quote sits inside or at one end of an unquoted field (Clinic "North",
# a"), or a quoted field holds a doubled quote ("say ""hi""", also on a
# line of a multi-line field).
csv_quotes_plain <- function(text) {
  if (!grepl("\"", text, fixed = TRUE)) return(TRUE)
  quoted <- "(?:^|(?<=[,\n]))\"[^\"]*+\"(?=[,\n]|$)"
  if (grepl("\"", gsub(quoted, "", text, perl = TRUE), fixed = TRUE)) return(FALSE)
  # fread() refuses some fields that span lines (one that opens with a
  # line break before a blank line): read.csv() reads those chunks
  !grepl("(?:^|(?<=[,\n]))\"[^\"\n]*\n[^\"]*\"(?=[,\n]|$)", text, perl = TRUE)
}

# The first line of each record, from count.fields()'s fields per line and
# the lines where records end: the first line after the previous record
# that is not blank.
record_starts <- function(fields, ends) {
  if (!length(ends)) return(integer(0))
  used <- which(is.na(fields) | fields > 0L)
  previous_end <- c(0L, ends[-length(ends)])
  used[findInterval(previous_end, used) + 1L]
}

# A hint where a line looks separated by semicolons or tabs rather than
# commas.
separator_hint <- function(line) {
  if (!length(line) || is.na(line)) return("")
  for (sep in c(";", "\t")) {
    if (grepl(sep, line, fixed = TRUE)) {
      return(sprintf(" The file seems to be separated by %s; tabulate_source() reads comma-separated files: read it with %s and pass the data frame, or write it with commas.",
                     if (sep == ";") "semicolons" else "tabs",
                     if (sep == ";") "utils::read.csv2()" else "utils::read.delim()"))
    }
  }
  ""
}

# A chunk without rows: measurements as numbers, strata without a type.
empty_chunk <- function(ctx) {
  measured <- c(ctx$pre, ctx$post)
  columns <- lapply(stats::setNames(ctx$columns, ctx$columns), function(column) {
    if (column %in% measured) double(0) else logical(0)
  })
  list2DF(columns, nrow = 0L)
}

# A function source: called in this process until it returns NULL.
function_plan <- function(source, ctx) {
  call <- ctx$call
  next_chunk <- function(k) {
    chunk <- source()
    if (!is.null(chunk) && !is.data.frame(chunk)) {
      abort(sprintf("`source` returned %s on call %d; it must return a data frame, or NULL when there is no more.",
                    describe_value(chunk), k), call)
    }
    chunk
  }
  first_chunk <- next_chunk(1L)
  if (is.null(first_chunk)) {
    ctx <- resolve_rules(ctx, NULL, "`source`")
    return(list(pieces = list(), ctx = ctx, steps = NA,
                first = function(progress) {
                  list(tabulate_chunk(empty_chunk(ctx), ctx, "`source`"))
                }))
  }
  ctx <- resolve_rules(ctx, names(first_chunk), "chunk 1 of `source`")
  list(pieces = list(), ctx = ctx, steps = NA, first = function(progress) {
    chunk <- first_chunk
    k <- 1L
    read <- 0
    total <- NULL
    while (!is.null(chunk)) {
      piece <- list(data = chunk, where = sprintf("chunk %d of `source`", k))
      total <- add_table(total, frame_table(piece, ctx, NULL), ctx, "`source`")
      read <- read + nrow(chunk)
      signal_progress(progress, 0, sprintf("%s rows read", format_integer(read)))
      chunk <- NULL
      k <- k + 1L
      chunk <- next_chunk(k)
    }
    list(total)
  })
}
