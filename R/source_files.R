# File and function sources of tabulate_source(). CSV files are read in
# blocks of bytes, `chunk_rows` records at a time, by the package's own
# tokenizer (src/csv_kernel.c), which splits records and fields as
# utils::read.csv() does and reads measurements as as.numeric() does. The
# earlier reader (lines through data.table::fread() or utils::read.csv())
# stays as options(myelorelief.csv_reader = "fread" or "base"): the tests
# hold the three readers identical.

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
  ctx$reader <- csv_reader(call)
  first <- if (ctx$reader == "native") csv_source_open(paths[1L], ctx)
           else csv_open(paths[1L], ctx)
  close(first$con)
  ctx <- resolve_rules(ctx, first$header, first$where)
  pieces <- lapply(paths, function(path) {
    list(kind = "csv", path = path, where = sprintf("file \"%s\"", path))
  })
  list(pieces = pieces, ctx = ctx, steps = sum(file.size(paths)),
       first = function(progress) list(),
       finish = function(table) type_csv_strata(table, ctx))
}

# The package's own reader; option myelorelief.csv_reader ("native",
# "fread" or "base", the earlier line readers) chooses for the tests.
csv_reader <- function(call = NULL) {
  chosen <- getOption("myelorelief.csv_reader")
  if (is.null(chosen)) return("native")
  if (!is.character(chosen) || length(chosen) != 1L ||
      !chosen %in% c("native", "fread", "base")) {
    abort(sprintf("Option `myelorelief.csv_reader` must be \"native\", \"fread\" or \"base\", not %s.",
                  describe_value(chosen)), call)
  }
  chosen
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
  if (identical(ctx$reader, "native")) return(csv_table_native(piece, ctx, progress))
  opened <- csv_open(piece$path, ctx)
  con <- opened$con
  on.exit(close(con))
  check_source_columns(opened$header, ctx, piece$where)
  positions <- match(ctx$columns, opened$header)
  progress_to <- file_progress(progress, piece$path)
  read_bytes <- opened$bytes
  progress_to(read_bytes)
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
    read_bytes <- read_bytes + sum(nchar(records$lines, "bytes")) + length(records$lines)
    progress_to(read_bytes)
    if (records$eof) break
  }
  progress_to(Inf)
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

# ---- The native reader: blocks of bytes, records split in C ----------------

# A connection to read a file's bytes: gzfile() for gzip, bzip2 and xz
# files (by their first bytes), file() otherwise.
csv_connection <- function(path) {
  con <- file(path, open = "rb")
  magic <- readBin(con, "raw", n = 6L)
  close(con)
  compressed <- length(magic) >= 2L && (
    identical(magic[1:2], as.raw(c(0x1f, 0x8b))) ||
      (length(magic) >= 3L && identical(magic[1:3], charToRaw("BZh"))) ||
      (length(magic) >= 6L && identical(magic, as.raw(c(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)))))
  if (compressed) gzfile(path, open = "rb") else file(path, open = "rb")
}

# The state of one file being read: its connection, a buffer of bytes
# (`buf`, read up to position `pos`, 0-based), the bytes before the buffer
# (`base`), the lines read (`line`) and whether the file has ended.
csv_source_open <- function(path, ctx) {
  where <- sprintf("file \"%s\"", path)
  src <- new.env(parent = emptyenv())
  src$con <- csv_connection(path)
  src$buf <- raw(0)
  src$pos <- 0
  src$base <- 0
  src$line <- 0
  src$eof <- FALSE
  src$where <- where
  fail <- function(message) {
    close(src$con)
    abort(message, ctx$call)
  }
  csv_fill(src, 1, force = TRUE)
  # A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the first
  # name, in any locale.
  if (length(src$buf) >= 3L &&
      identical(src$buf[1:3], as.raw(c(0xef, 0xbb, 0xbf)))) {
    src$pos <- 3
  }
  repeat {
    first <- .Call(C_csv_first_record, src$buf, src$pos, src$eof)
    if (!is.na(first[1L]) || src$eof) break
    csv_fill(src, 1, force = TRUE)
  }
  if (first[3L] == 4) {
    fail(sprintf("Line %s of %s could not be read as CSV: it holds a nul byte.",
                 format_integer(first[2L] + 1), where))
  }
  if (first[3L] == 3) {
    fail(sprintf("Line %s of %s could not be read as CSV: a quote opens a field there that no quote closes before the end of the file.",
                 format_integer(first[2L] + 1), where))
  }
  if (first[4L] == 0) {
    fail(sprintf("%s is empty; a CSV file starts with a header line of column names.",
                 where))
  }
  bytes <- src$buf[seq.int(src$pos + 1, first[1L])]
  text <- sub("(\r\n|\r|\n)$", "", rawToChar(bytes))
  text <- gsub("\r\n?", "\n", text)
  header <- scan(text = text, what = "", sep = ",", quote = "\"",
                 na.strings = character(0), quiet = TRUE, strip.white = TRUE)
  if (length(header) == 1L && nzchar(separator_hint(header))) {
    fail(sprintf("The header line of %s is one column, %s.%s", where,
                 quote_value(header), separator_hint(header)))
  }
  src$pos <- first[1L]
  src$line <- first[2L]
  src$header <- header
  src
}

# Reads more bytes until the buffer holds `ends` line ends after `pos` (or
# the file ends); with `force`, reads at least once. Bytes before `pos` are
# dropped.
csv_fill <- function(src, ends, force = FALSE) {
  have <- .Call(C_csv_line_ends, src$buf, src$pos)
  while (!src$eof && (force || have < ends)) {
    # a forced read (a record longer than the buffer) at least doubles it
    at_least <- if (force) length(src$buf) - src$pos else 0
    force <- FALSE
    # bytes per line from the buffer itself (a first block of 1 MB when it
    # holds no line yet), so that a chunk is about one block
    left <- length(src$buf) - src$pos
    size <- if (have > 0) ceiling(left / have * max(ends - have, 1) * 1.05) + 4096
            else 2^20
    size <- min(max(size, at_least, 65536), 2^26)
    more <- readBin(src$con, "raw", n = size)
    if (!length(more)) {
      src$eof <- TRUE
      break
    }
    src$buf <- if (src$pos >= length(src$buf)) more
               else .Call(C_csv_join, src$buf, src$pos, more)
    src$base <- src$base + src$pos
    src$pos <- 0
    have <- .Call(C_csv_line_ends, src$buf, 0)
  }
  invisible(src)
}

# The next chunk of up to `want` records: list(columns, n, lines), the
# columns named `columns` (measurements as numbers by the one rule of
# measurement_from_text(), strata as text with "" and "NA" missing).
# `slot` maps the header's fields to columns (0-based, -1 not read).
csv_read_chunk <- function(src, want, slot, columns, measured, ctx) {
  kinds <- as.integer(columns %in% measured)
  pieces <- list()
  got <- 0
  first_line <- src$line + 1
  repeat {
    csv_fill(src, want - got)
    res <- .Call(C_csv_chunk, src$buf, src$pos, src$eof, want - got, slot,
                 kinds, src$line)
    status <- res[[3L]]
    src$pos <- res[[1L]]
    src$line <- res[[2L]]
    if (status >= 2L) csv_stop(src, res, length(slot), ctx)
    n <- res[[4L]]
    if (n > 0) {
      odd <- res[[6L]]
      odd[[2L]] <- odd[[2L]] + got
      pieces[[length(pieces) + 1L]] <- list(columns = res[[5L]], odd = odd)
    }
    got <- got + n
    if (got >= want || (src$eof && status == 0L)) break
    # the buffer ended inside a record, or before `want` records
    csv_fill(src, 1, force = TRUE)
  }
  if (!length(pieces)) {
    return(list(chunk = NULL, n = 0, first_line = first_line, last_line = src$line))
  }
  values <- if (length(pieces) == 1L) pieces[[1L]]$columns else {
    lapply(seq_along(columns), function(k) {
      unlist(lapply(pieces, function(p) p$columns[[k]]), use.names = FALSE)
    })
  }
  odd <- lapply(1:4, function(k) unlist(lapply(pieces, function(p) p$odd[[k]]),
                                         use.names = FALSE))
  values <- csv_odd_measurements(values, odd, columns, src$where, ctx)
  names(values) <- columns
  list(chunk = list2DF(values, nrow = got), n = got, first_line = first_line,
       last_line = src$line)
}

# Measurement fields the C reader left to R (text that is not plain ASCII
# or not a number): read by measurement_from_text(); a value that is not a
# number is an error naming the first such line of the chunk.
csv_odd_measurements <- function(values, odd, columns, file, ctx) {
  if (!length(odd[[1L]])) return(values)
  first_bad <- NULL
  for (k in unique(odd[[1L]])) {
    here <- which(odd[[1L]] == k)
    rows <- odd[[2L]][here]
    text <- odd[[4L]][here]
    read <- measurement_from_text(text)
    values[[k]][rows] <- read$value
    if (length(read$bad)) {
      bad <- read$bad
      if (is.null(first_bad) || rows[bad[1L]] < first_bad$row ||
          (rows[bad[1L]] == first_bad$row && k < first_bad$k)) {
        first_bad <- list(k = k, row = rows[bad[1L]], text = text[bad[1L]],
                          line = odd[[3L]][here][bad[1L]], more = length(bad) - 1L)
      }
    }
  }
  if (!is.null(first_bad)) {
    stop_not_a_number(columns[first_bad$k], first_bad$text,
                      sprintf("line %s of %s", format_integer(first_bad$line), file),
                      first_bad$more, ctx$call)
  }
  values
}

# The error of a record the C reader could not read.
csv_stop <- function(src, res, n_fields, ctx) {
  close(src$con)
  line <- format_integer(res[[2L]] + 1)
  status <- res[[3L]]
  if (status == 2L) {
    found <- res[[7L]]
    abort(sprintf("Line %s of %s has %d field%s where its header has %d; every record must have one field per column (a missing value is an empty field).%s",
                  line, src$where, found, if (found == 1L) "" else "s", n_fields,
                  separator_hint(res[[8L]])), ctx$call)
  }
  abort(sprintf("Line %s of %s could not be read as CSV: %s", line, src$where,
                if (status == 3L) "a quote opens a field there that no quote closes before the end of the file."
                else "it holds a nul byte."), ctx$call)
}

csv_table_native <- function(piece, ctx, progress) {
  src <- csv_source_open(piece$path, ctx)
  on.exit(if (isOpen(src$con)) close(src$con))
  header <- src$header
  check_source_columns(header, ctx, piece$where)
  positions <- match(ctx$columns, header)
  slot <- rep(-1L, length(header))
  slot[positions] <- seq_along(positions) - 1L
  measured <- unique(c(ctx$pre, ctx$post))
  progress_to <- file_progress(progress, piece$path)
  progress_to(src$base + src$pos)
  total <- NULL
  repeat {
    read <- csv_read_chunk(src, ctx$chunk_rows, slot, ctx$columns, measured, ctx)
    if (read$n > 0 || is.null(total)) {
      chunk <- if (read$n > 0) read$chunk else empty_chunk(ctx)
      where <- if (read$n > 0) {
        sprintf("lines %s-%s of %s", format_integer(read$first_line),
                format_integer(read$last_line), piece$where)
      } else piece$where
      row_name <- function(i) sprintf("record %s of %s", format_integer(i), where)
      table <- tabulate_chunk(chunk, ctx, where, row_name)
      total <- add_table(total, table, ctx, piece$where)
    }
    progress_to(src$base + src$pos)
    if (src$eof && src$pos >= length(src$buf)) break
  }
  progress_to(Inf)
  total
}

# Progress through a file in bytes: progress_to(position) signals the bytes
# from the last position signalled up to `position`, never past the file's
# size (a compressed file's decompressed bytes outnumber its size).
file_progress <- function(progress, path) {
  size <- file.size(path)
  signalled <- 0
  function(position) {
    bytes <- min(position, size) - signalled
    if (bytes > 0) {
      signal_progress(progress, bytes)
      signalled <<- signalled + bytes
    }
    invisible(signalled)
  }
}
