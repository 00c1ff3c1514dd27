# The package's own CSV reader (src/csv_kernel.c, src/csv.c) against
# independent oracles: utils::read.csv() of the whole file and as.numeric()
# of the text, on hostile numbers and on random hostile files.

# The columns the native reader makes of a file, `chunk_rows` records at a
# time: measurements `measured`, the rest text.
native_columns <- function(path, columns, measured, chunk_rows) {
  ctx <- list(call = NULL, chunk_rows = chunk_rows)
  src <- csv_source_open(path, ctx)
  on.exit(if (isOpen(src$con)) close(src$con))
  slot <- rep(-1L, length(src$header))
  positions <- match(columns, src$header)
  slot[positions] <- seq_along(positions) - 1L
  out <- NULL
  repeat {
    read <- csv_read_chunk(src, chunk_rows, slot, columns, measured, ctx)
    if (read$n > 0) out <- if (is.null(out)) read$chunk else rbind(out, read$chunk)
    if (src$eof && src$pos >= length(src$buf)) break
  }
  out
}

# What ?tabulate_source says a field is: read.csv()'s text, "" and "NA"
# missing; a measurement by as.numeric() (measurement_from_text()).
oracle_columns <- function(path, columns, measured, encoding = "unknown") {
  # (a file without a last line end is read whole, with a warning)
  read <- suppressWarnings(utils::read.csv(path, colClasses = "character", na.strings = "NA",
                                           strip.white = FALSE, check.names = FALSE,
                                           encoding = encoding))[columns]
  for (column in columns) {
    values <- read[[column]]
    if (column %in% measured) {
      read[[column]] <- measurement_from_text(values)$value
    } else {
      values[values %in% c("", "NA")] <- NA
      read[[column]] <- values
    }
  }
  read
}

hostile_numbers <- c(
  "1e-320", "0x1A", " 3 ", "+4", "Inf", "-inf", "1.", ".5", "1e400", "NaN",
  "-NaN", "nan", "NAN", "NA", " NA ", "NA ", "infinity", "-Infinity", "-0", "+0",
  "0x1p3", "0x1.8p1", "0XFF", "1e-400", "4.9e-324", "2.2250738585072011e-308",
  "0.1", "0.3", "123456789012345", "1234567890123456", "12345678901234567890",
  "9007199254740993", "1.7976931348623157e308", "1.7976931348623159e308", "00012",
  "\t7\t", "1e5", "1E5", "1e+05", "1e", "1e+", "  ", "", "1.5e-3", "-.5e1",
  "000000000000000000000000001", "0.000000000000000000000000000001",
  "3.14159265358979323846264338327950288", "-1234567.890123e-7", "1\u3000",
  "-000", "+007", "0", "999999999999999", "-999999999999999", "9999999999999999",
  "7 ", "7.")
hostile_bad <- c("x", "1d", "0x", "1_000", "1,5", "- 1", "1 2", "NA NA", "\u00e9", "--1",
                 "Infx", "\"\"", "\u30002", "-", "+", "+-7", "-+7", "7-")

test_that("measurements are the doubles as.numeric() gives, on hostile numbers", {
  set.seed(2101)
  random_numbers <- function(n) {
    vapply(seq_len(n), function(i) {
      digits <- paste(sample(0:9, sample(1:25, 1), replace = TRUE), collapse = "")
      dot <- sample(0:nchar(digits), 1)
      if (runif(1) < 0.5) digits <- paste0(substr(digits, 1, dot), ".",
                                           substr(digits, dot + 1, nchar(digits)))
      if (digits == ".") digits <- "0."
      sign <- sample(c("", "-", "+"), 1)
      exponent <- if (runif(1) < 0.4) paste0(sample(c("e", "E"), 1),
                                             sample(c("", "-", "+"), 1),
                                             sample(0:330, 1)) else ""
      paste0(sign, digits, exponent)
    }, "")
  }
  texts <- c(hostile_numbers, random_numbers(3000),
             sprintf("%.17g", runif(500, -1e6, 1e6)), sprintf("%.3f", runif(200)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  # each text unquoted where it can be, and quoted
  quoted <- paste0("\"", gsub("\"", "\"\"", texts), "\"")
  lines <- c("pre,post,site", paste0(ifelse(grepl("[,\"]", texts), quoted, texts), ",",
                                     quoted, ",s"))
  writeBin(charToRaw(enc2utf8(paste0(paste(lines, collapse = "\n"), "\n"))), path)
  expected <- suppressWarnings(as.numeric(texts))
  for (chunk_rows in c(1e6, 7)) {
    got <- native_columns(path, c("pre", "post"), c("pre", "post"), chunk_rows)
    # identical(): NA and NaN told apart, every bit of every double
    for (column in c("pre", "post")) {
      for (i in which(!vapply(seq_along(texts), function(i)
        identical(got[[column]][i], expected[i]), NA))) {
        fail(sprintf("%s %s: %s read as %.17g, as.numeric() gives %.17g", column,
                     chunk_rows, encodeString(texts[i], quote = "\""), got[[column]][i],
                     expected[i]))
      }
    }
    expect_identical(got$pre, expected, info = chunk_rows)
    expect_identical(got$post, expected, info = chunk_rows)
  }
  for (bad in hostile_bad) {
    writeBin(charToRaw(enc2utf8(paste0("pre,post\n1,2\n3,\"", gsub("\"", "\"\"", bad), "\"\n"))), path)
    expect_error(native_columns(path, c("pre", "post"), c("pre", "post"), 1e6),
                 sprintf("Column \"post\" holds %s, which is not a number, in line 3 of",
                         gsub("([][{}()+*^$|\\\\?.])", "\\\\\\1",
                              encodeString(bad, quote = "\""))),
                 info = bad)
  }
})

# A random hostile file: values with commas, quotes, line breaks (and
# blank lines) inside quotes, quotes in the middle of a field, blanks and
# "NA"; blank lines between records; LF, CRLF or CR line ends; a byte order
# mark; with or without a last line end. Returns the path and the values
# read.csv() must give (the truth the file was written from).
hostile_csv <- function(path, n) {
  eol <- sample(c("\n", "\r\n", "\r"), 1)
  texts <- c("a", "b", "north, old", "say \"hi\"", "two\nlines", "blank\n\nline",
             "Z\u00fcrich", "  padded  ", "NA", "", "#x", "'q'", "\"", ",", "a\"b")
  render <- function(value) {
    way <- if (grepl("[\",\n]", value)) sample(c("quoted", "split"), 1)
           else sample(c("plain", "quoted", "split"), 1)
    body <- gsub("\n", eol, value, fixed = TRUE)
    quote <- function(x) paste0("\"", gsub("\"", "\"\"", x, fixed = TRUE), "\"")
    switch(way,
           plain = body,
           quoted = quote(body),
           split = {
             # read.csv() joins the text before, in and after the quotes
             cut <- sample(0:nchar(body), 2, replace = TRUE)
             cut <- sort(cut)
             before <- substr(body, 1, cut[1])
             inside <- substr(body, cut[1] + 1, cut[2])
             after <- substr(body, cut[2] + 1, nchar(body))
             if (grepl("[\",\r\n]", before) || grepl("[\",\r\n]", after)) quote(body)
             else paste0(before, quote(inside), after)
           })
  }
  numbers <- c("1", "2.5", " 3", "NA", "", "  ", "-0", "1e1", "-7.25", "0x1A")
  site <- sample(texts, n, replace = TRUE)
  ward <- sample(texts, n, replace = TRUE)
  pre <- sample(numbers, n, replace = TRUE)
  post <- sample(numbers, n, replace = TRUE)
  records <- vapply(seq_len(n), function(i) {
    paste(render(site[i]), render(pre[i]), render(ward[i]), render(post[i]), sep = ",")
  }, "")
  blank <- runif(n) < 0.1
  records[blank] <- paste0(records[blank], strrep(eol, sample(1:2, sum(blank), TRUE)))
  text <- paste0(paste(c("site,pain_pre,ward,pain_post", records), collapse = eol),
                 if (runif(1) < 0.8) eol else "")
  bom <- runif(1) < 0.3
  bytes <- c(if (bom) as.raw(c(0xef, 0xbb, 0xbf)), charToRaw(enc2utf8(text)))
  writeBin(bytes, path)
  missing_text <- function(x) {
    x[x %in% c("", "NA")] <- NA_character_
    x
  }
  list(truth = data.frame(site = missing_text(site), pain_pre = suppressWarnings(as.numeric(pre)),
                          ward = missing_text(ward), pain_post = suppressWarnings(as.numeric(post)),
                          stringsAsFactors = FALSE),
       eol = eol, bom = bom)
}

test_that("the native reader reads random hostile files as read.csv() does, and the three readers agree", {
  skip_if_not_installed("data.table")
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(-100, 100)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  for (case in seq_len(n_cases(40))) {
    seed <- 2110 + case
    set.seed(seed)
    n <- sample(c(1, 2, 5, 30, 120), 1)
    made <- hostile_csv(path, n)
    columns <- c("pain_pre", "pain_post", "site", "ward")
    measured <- c("pain_pre", "pain_post")
    info <- sprintf("seed %d, n %d, eol %s, bom %s", seed, n,
                    encodeString(made$eol), made$bom)
    chunk_rows <- sample(c(1, 2, 7, 1e6), 1)
    got <- native_columns(path, columns, measured, chunk_rows)
    truth <- made$truth[columns]
    expect_identical(got, truth, info = paste(info, "chunk_rows", chunk_rows))
    # read.csv() of the whole file (its byte order mark dropped as the
    # native reader drops it)
    if (!made$bom && made$eol != "\r") {
      expect_identical(oracle_columns(path, columns, measured, encoding = "UTF-8"),
                       truth, info = info)
    }
    by <- sample(list("site", "ward", c("site", "ward")), 1)[[1]]
    # strata typed as read.csv() types a whole column (all NA: logical)
    typed <- made$truth
    for (b in by) typed[[b]] <- utils::type.convert(typed[[b]], as.is = TRUE,
                                                    na.strings = c("NA", ""))
    whole <- whole_table(typed, rules, by)
    for (reader in csv_readers()) {
      withr::local_options(myelorelief.csv_reader = reader)
      expect_identical(tabulate_source(path, rules, by = by, chunk_rows = chunk_rows),
                       whole, info = paste(info, reader, chunk_rows))
    }
  }
})

test_that("the native reader refuses a nul byte, an open quote and a short record by line", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  writeBin(c(charToRaw("pain_pre,pain_post,ward\n8,2,a\n6,1,b"), as.raw(0),
             charToRaw("c\n")), path)
  expect_error(tabulate_source(path, rules, by = "ward"),
               "Line 3 of file .* could not be read as CSV: it holds a nul byte")
  writeBin(charToRaw("pain_pre,pain_post,ward\r\n8,2,a\r\n\r\n6,1,\"b\r\n5,1,c\r\n"), path)
  expect_error(tabulate_source(path, rules, by = "ward", chunk_rows = 1),
               "Line 4 of file .* could not be read as CSV: a quote opens a field there")
  writeBin(charToRaw("pain_pre,pain_post,ward\r8,2,a\r\r6;1;b\r"), path)
  expect_error(tabulate_source(path, rules, by = "ward", chunk_rows = 1),
               "Line 4 of file .* has 1 field where its header has 3.*separated by semicolons")
  # a file of only a header, and of only blank lines after it
  writeBin(charToRaw("pain_pre,pain_post,ward\r\n\r\n\n"), path)
  expect_identical(tabulate_source(path, rules, by = "ward")$n, 0)
  expect_error(withr::with_options(list(myelorelief.csv_reader = "arrow"),
                                   tabulate_source(path, rules)),
               "Option `myelorelief.csv_reader` must be \"native\", \"fread\" or \"base\"")
})

test_that("records longer than a block of bytes and chunks across blocks read alike", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  set.seed(2160)
  # (fewer rows under valgrind, where chunks of one row took 20 minutes;
  # the records longer than a block are there either way)
  n <- if (nzchar(Sys.getenv("MYELORELIEF_MEMCHECK"))) 300 else 3000
  note_chars <- sample(c(1, 10, 70000), n, TRUE, prob = c(0.6, 0.39, 0.01))
  note_chars[c(2, n %/% 2, n)] <- 70000
  data <- data.frame(pain_pre = sample(0:10, n, TRUE), pain_post = sample(0:10, n, TRUE),
                     note = strrep("x", note_chars),
                     ward = sample(c("a", "b\nc", "d"), n, TRUE))
  utils::write.csv(data, path, row.names = FALSE)
  whole <- whole_table(data, rules, "ward")
  for (chunk_rows in c(1, 97, 999, 1e6)) {
    expect_identical(tabulate_source(path, rules, by = "ward", chunk_rows = chunk_rows),
                     whole, info = chunk_rows)
  }
})
