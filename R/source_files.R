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
       first = function(progress) list())
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
  header <- scan(text = first$lines, what = "", sep = ",", quote = "\"",
                 na.strings = character(0), quiet = TRUE, strip.white = TRUE)
  list(con = con, header = header, where = where,
       bytes = sum(nchar(first$lines, "bytes")) + length(first$lines))
}

# Up to n records: n lines, and more while a quoted field is open (an odd
# number of quotes so far). `eof` when the file ended.
read_records <- function(con, n) {
  lines <- readLines(con, n = n, warn = FALSE)
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
  read <- 0
  repeat {
    records <- read_records(con, ctx$chunk_rows)
    lines <- records$lines[nzchar(records$lines)]
    if (length(lines) || (records$eof && is.null(total))) {
      where <- if (length(lines)) {
        sprintf("records %s-%s of %s", format_integer(read + 1),
                format_integer(read + length(lines)), piece$where)
      } else piece$where
      chunk <- in_source(where, ctx$call,
                         parse_csv(lines, opened$header, positions, ctx))
      total <- add_table(total, tabulate_chunk(chunk, ctx, where), ctx,
                         piece$where)
      read <- read + length(lines)
    }
    advance(sum(nchar(records$lines, "bytes")) + length(records$lines))
    if (records$eof) break
  }
  advance(size)
  total
}

# The needed columns of some CSV lines, by the header's positions, typed as
# the reader types a whole file.
parse_csv <- function(lines, header, positions, ctx) {
  if (!length(lines)) return(empty_chunk(ctx))
  out <- tryCatch({
    if (identical(ctx$reader, "fread")) {
      need_package("data.table", "Reading CSV files with fread", ctx$call)
      read <- data.table::fread(text = paste(c(lines, ""), collapse = "\n"),
                                sep = ",", header = FALSE, select = positions,
                                na.strings = c("NA", ""), data.table = FALSE,
                                showProgress = FALSE)
      # fread keeps a quoted "" as text, but a chunk holding nothing else
      # would read it as NA: blank fields are missing, quoted or not.
      for (j in which(vapply(read, is.character, logical(1)))) {
        blank <- which(!nzchar(read[[j]]))
        if (length(blank)) read[[j]][blank] <- NA_character_
      }
      read
    } else {
      classes <- rep("NULL", length(header))
      classes[positions] <- NA
      read <- utils::read.csv(text = lines, header = FALSE,
                              colClasses = classes, na.strings = c("NA", ""),
                              stringsAsFactors = FALSE, check.names = FALSE)
      # read.csv() keeps the columns in file order
      read[match(positions, sort(positions))]
    }
  }, error = function(e) {
    abort(sprintf("the CSV lines could not be read: %s", conditionMessage(e)))
  })
  if (length(out) != length(positions)) {
    abort(sprintf("the CSV lines have fewer columns than the header (%d)",
                  length(header)))
  }
  names(out) <- ctx$columns
  out
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
