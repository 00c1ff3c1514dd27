# tabulate_source(): every source type gives exactly the table of the whole
# data loaded at once (tabulate_cohort() on it, and the plain-R oracle of
# helper-tabulate-oracle.R), under any chunking and any future plan.

test_that("a list of data frames gives the whole table, for any chunking", {
  for (case in seq_len(n_cases(15))) {
    seed <- 1400 + case
    set.seed(seed)
    n <- sample(c(0, 1, 5, 60, 400), 1)
    made <- random_registry(n, sample(1:3, 1))
    by <- sample(list(NULL, "site", "group", c("site", "dose"), c("day", "flag"),
                      c("age_band", "group")), 1)[[1]]
    drop <- sample(c(TRUE, FALSE), 1)
    margins <- sample(c(TRUE, FALSE), 1)
    whole <- whole_table(made$data, made$rules, by, drop = drop, margins = margins)
    parts <- random_chunks(made$data, sample(1:6, 1))
    chunk_rows <- sample(c(1, 7, 50, 1e6), 1)
    got <- tabulate_source(parts, made$rules, by = by, chunk_rows = chunk_rows,
                           drop = drop, margins = margins)
    info <- sprintf("seed %d, n %d, by %s, chunk_rows %g", seed, n,
                    paste(by, collapse = "+"), chunk_rows)
    expect_identical(got, whole, info = info)
    strata <- lapply(by, function(b) made$data[[b]])
    expect_same_cells(got, oracle_tabulate(classify_cohort(made$data, made$rules), strata),
                      info = info)
    # one data frame, or a data.table, in chunks
    expect_identical(tabulate_source(made$data, made$rules, by = by, chunk_rows = chunk_rows,
                                     drop = drop, margins = margins),
                     whole, info = info)
  }
})

test_that("a hand-worked case: one rule, chunks of one row", {
  data <- data.frame(pain_pre = c(8, 8, 0, 5, NA), pain_post = c(3, 9, 0, 5, 2),
                     site = c("b", "a", "a", "b", "b"))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  got <- tabulate_source(data, rules, by = "site", chunk_rows = 1)
  a <- got[got$site == "a", ]
  b <- got[got$site == "b", ]
  # 8 to 9 is a rise of 1, under the worsening threshold of 2: unchanged
  expect_equal(c(a$n, a$alleviated, a$unchanged, a$absent), c(2, 0, 1, 1))
  expect_equal(c(b$n, b$alleviated, b$unchanged, b$missing), c(3, 1, 1, 1))
  # a single rule, named after its columns, as classify_cohort() takes it
  expect_identical(tabulate_source(list(data[1:2, ], data[3:5, ]), rules$pain, by = "site"),
                   got)
})

test_that("a data.table element is read as a data frame", {
  skip_if_not_installed("data.table")
  set.seed(1431)
  made <- random_registry(200)
  dt <- data.table::as.data.table(made$data)
  expect_identical(tabulate_source(list(dt), made$rules, by = "site", chunk_rows = 30),
                   whole_table(made$data, made$rules, "site"))
})

test_that("a function returning chunks until NULL gives the whole table", {
  for (case in seq_len(n_cases(8))) {
    seed <- 1440 + case
    set.seed(seed)
    made <- random_registry(sample(c(1, 30, 300), 1))
    parts <- random_chunks(made$data, sample(1:5, 1))
    k <- 0
    next_chunk <- function() {
      k <<- k + 1
      if (k <= length(parts)) parts[[k]]
    }
    by <- c("group", "site")
    expect_identical(tabulate_source(next_chunk, made$rules, by = by,
                                     chunk_rows = sample(c(3, 1e6), 1)),
                     whole_table(made$data, made$rules, by),
                     info = sprintf("seed %d", seed))
    expect_identical(k, length(parts) + 1)
  }
  # nothing at all: a table of no patients
  empty <- tabulate_source(function() NULL, study_rules())
  expect_identical(empty$n, rep(0, 5))
})

test_that("CSV files, read by fread or by base R, give the whole table", {
  for (reader in csv_readers()) {
    if (reader == "fread") skip_if_not_installed("data.table")
    # (restored last in, first out: the option is unset again after the test)
    withr::local_options(myelorelief.csv_reader = reader)
    # Both readers type the columns as read.csv() types the whole file.
    read_whole <- function(path) {
      blank_to_na(utils::read.csv(path, na.strings = c("NA", "")))
    }
    for (case in seq_len(n_cases(6))) {
      seed <- 1450 + case
      set.seed(seed)
      made <- random_registry(sample(c(1, 40, 500), 1))
      all_path <- tempfile(fileext = ".csv")
      utils::write.csv(made$data, all_path, row.names = FALSE)
      parts <- random_chunks(made$data, sample(1:3, 1))
      parts <- parts[vapply(parts, nrow, 1L) > 0]
      paths <- vapply(parts, function(p) {
        path <- tempfile(fileext = ".csv")
        # columns in another order in each file: they are found by name
        utils::write.csv(p[sample(ncol(p))], path, row.names = FALSE)
        path
      }, "")
      by <- sample(list(c("site", "group"), c("age_band", "dose"), "day", "flag"), 1)[[1]]
      whole <- whole_table(read_whole(all_path), made$rules, by)
      info <- sprintf("%s, seed %d, by %s", reader, seed, paste(by, collapse = "+"))
      chunk_rows <- sample(c(1, 13, 1e6), 1)
      expect_identical(tabulate_source(all_path, made$rules, by = by, chunk_rows = chunk_rows),
                       whole, info = info)
      expect_identical(tabulate_source(paths, made$rules, by = by, chunk_rows = chunk_rows),
                       whole, info = info)
      unlink(c(all_path, paths))
    }
  }
})

test_that("CSV: quoted commas and line breaks, compressed files, a file of no rows", {
  skip_if_not_installed("data.table")
  data <- data.frame(pain_pre = c(8, 6, 5, 9, 7, 3), pain_post = c(2, 6, 1, 9, 7, 1),
                     ward = c("north, old", "south\nwing", "\"east\"", "north, old", "", NA))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  utils::write.csv(data, path, row.names = FALSE)
  for (reader in csv_readers()) {
    old <- options(myelorelief.csv_reader = reader)
    whole <- whole_table(utils::read.csv(path, na.strings = c("NA", "")), rules, "ward")
    for (chunk_rows in 1:7) {
      expect_identical(tabulate_source(path, rules, by = "ward", chunk_rows = chunk_rows),
                       whole, info = paste(reader, chunk_rows))
    }
    options(old)
  }
  # read.csv() undoes write.csv()'s doubled quotes; a blank ward is missing
  expect_setequal(as.character(whole$ward),
                  c("\"east\"", "north, old", "south\nwing", NA, "(all)"))
  old <- options(myelorelief.csv_reader = "base")
  on.exit(options(old), add = TRUE)
  gz <- tempfile(fileext = ".csv.gz")
  con <- gzfile(gz, "w")
  utils::write.csv(data, con, row.names = FALSE)
  close(con)
  expect_identical(tabulate_source(gz, rules, by = "ward", chunk_rows = 2), whole)
  options(myelorelief.csv_reader = "native")
  expect_identical(tabulate_source(gz, rules, by = "ward", chunk_rows = 2), whole)
  options(myelorelief.csv_reader = "base")
  header_only <- tempfile(fileext = ".csv")
  writeLines("pain_pre,pain_post,ward", header_only)
  expect_identical(tabulate_source(c(header_only, path), rules, by = "ward"), whole)
  none <- tabulate_source(header_only, rules, by = "ward")
  expect_identical(none$n, 0)
  unlink(c(path, gz, header_only))
})

test_that("an SQLite table (rowid ranges), an in-memory one and a query give the whole table", {
  for (case in seq_len(n_cases(6))) {
    seed <- 1460 + case
    set.seed(seed)
    made <- random_registry(sample(c(1, 50, 400), 1))
    con <- local_sqlite(made$data)
    mem <- local_sqlite(made$data, file = FALSE)
    reference <- DBI::dbReadTable(con, "registry")
    by <- sample(list(NULL, c("site", "group"), c("age_band", "dose"), "day"), 1)[[1]]
    whole <- whole_table(reference, made$rules, by)
    chunk_rows <- sample(c(1, 17, 1e6), 1)
    info <- sprintf("seed %d, chunk_rows %g", seed, chunk_rows)
    expect_identical(tabulate_source(con, made$rules, by = by, table = "registry",
                                     chunk_rows = chunk_rows), whole, info = info)
    expect_identical(tabulate_source(mem, made$rules, by = by, table = "registry",
                                     chunk_rows = chunk_rows), whole, info = info)
    expect_identical(tabulate_source(con, made$rules, by = by, chunk_rows = chunk_rows,
                                     query = "SELECT * FROM registry;"),
                     whole, info = info)
    expect_identical(tabulate_source(con, made$rules, by = by,
                                     table = DBI::Id(table = "registry"),
                                     chunk_rows = chunk_rows), whole, info = info)
  }
})

test_that("sparse rowids, a view, and a filtering query still tabulate exactly", {
  set.seed(1470)
  made <- random_registry(300)
  con <- local_sqlite(made$data)
  DBI::dbExecute(con, "DELETE FROM registry WHERE rowid % 7 <> 0 OR rowid BETWEEN 50 AND 200")
  DBI::dbExecute(con, "CREATE VIEW hospital_a AS SELECT * FROM registry WHERE site = 'a'")
  left <- DBI::dbReadTable(con, "registry")
  for (chunk_rows in c(1, 5, 100)) {
    expect_identical(tabulate_source(con, made$rules, by = "site", table = "registry",
                                     chunk_rows = chunk_rows),
                     whole_table(left, made$rules, "site"))
    expect_identical(tabulate_source(con, made$rules, by = "group", table = "hospital_a",
                                     chunk_rows = chunk_rows),
                     whole_table(left[left$site %in% "a", ], made$rules, "group"))
  }
  expect_identical(
    tabulate_source(con, made$rules, query = "SELECT * FROM registry WHERE age_band > 40"),
    whole_table(left[left$age_band > 40, ], made$rules, NULL))
  DBI::dbExecute(con, "DELETE FROM registry")
  expect_identical(tabulate_source(con, made$rules, table = "registry")$n, rep(0, 3))
})

test_that("only the needed columns are selected", {
  set.seed(1475)
  made <- random_registry(40)
  made$data$secret <- "not to be read"
  con <- local_sqlite(made$data, file = FALSE)
  log <- new.env()
  log$seen <- character()
  suppressMessages(trace(DBI::dbSendQuery, bquote(assign("seen", c(get("seen", envir = .(log)), statement),
                                        envir = .(log))),
        print = FALSE, where = asNamespace("DBI")))
  on.exit(suppressMessages(untrace(DBI::dbSendQuery, where = asNamespace("DBI"))),
          add = TRUE)
  tabulate_source(con, made$rules, by = "site", table = "registry")
  selects <- grep("^SELECT .* FROM `registry`$", log$seen, value = TRUE)
  selects <- selects[!grepl("COUNT(*)", selects, fixed = TRUE)]
  expect_length(selects, 1L)
  expect_false(grepl("secret|\\*", selects))
  expect_true(grepl("`site`", selects))
})

test_that("results are identical under plan(sequential) and plan(multisession, workers = 2)", {
  skip_if_not_installed("future")
  skip_if_not_installed("future.apply")
  skip_if_not_installed("RSQLite")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "", "starts worker processes")
  set.seed(1480)
  made <- random_registry(300)
  by <- c("site", "group")
  con <- local_sqlite(made$data)
  whole_db <- whole_table(DBI::dbReadTable(con, "registry"), made$rules, by)
  parts <- random_chunks(made$data, 4)
  whole <- whole_table(made$data, made$rules, by)
  paths <- vapply(parts, function(p) {
    path <- tempfile(fileext = ".csv")
    utils::write.csv(p, path, row.names = FALSE)
    path
  }, "")
  all_path <- tempfile(fileext = ".csv")
  utils::write.csv(made$data, all_path, row.names = FALSE)
  whole_csv <- whole_table(blank_to_na(utils::read.csv(all_path, na.strings = c("NA", ""))),
                           made$rules, by)
  on.exit(unlink(c(paths, all_path)), add = TRUE)
  old_plan <- future::plan()
  on.exit(future::plan(old_plan), add = TRUE)
  results <- list()
  for (plan in c("sequential", "multisession")) {
    if (plan == "sequential") future::plan(future::sequential)
    else future::plan(future::multisession, workers = 2)
    results[[plan]] <- list(
      list = tabulate_source(parts, made$rules, by = by, chunk_rows = 40),
      csv = tabulate_source(paths, made$rules, by = by, chunk_rows = 40),
      db = tabulate_source(con, made$rules, by = by, table = "registry", chunk_rows = 40))
  }
  for (plan in names(results)) {
    expect_identical(results[[plan]]$list, whole, info = plan)
    expect_identical(results[[plan]]$db, whole_db, info = plan)
    expect_identical(results[[plan]]$csv, whole_csv, info = plan)
  }
})

test_that("progress is silent unless asked for, and counts every row or byte when asked", {
  skip_if_not_installed("progressr")
  set.seed(1490)
  made <- random_registry(120)
  parts <- random_chunks(made$data, 3)
  expect_silent(tabulate_source(parts, made$rules, chunk_rows = 10))
  old <- options(progressr.enable = TRUE)
  on.exit(options(old), add = TRUE)
  progress_of <- function(code) {
    steps <- NULL
    amounts <- 0
    withCallingHandlers(code, progression = function(p) {
      if (p$type == "initiate") steps <<- p$steps
      if (p$type == "update") amounts <<- amounts + p$amount
    })
    c(steps = steps, amounts = amounts)
  }
  expect_equal(progress_of(tabulate_source(parts, made$rules, chunk_rows = 10)),
               c(steps = 120, amounts = 120))
  path <- tempfile(fileext = ".csv")
  utils::write.csv(made$data, path, row.names = FALSE)
  on.exit(unlink(path), add = TRUE)
  expect_equal(progress_of(tabulate_source(path, made$rules, chunk_rows = 10)),
               c(steps = file.size(path), amounts = file.size(path)))
  con <- local_sqlite(made$data)
  expect_equal(progress_of(tabulate_source(con, made$rules, table = "registry",
                                           chunk_rows = 25)),
               c(steps = 120, amounts = 120))
})

test_that("bad sources and arguments fail with errors that name them", {
  data <- myelography
  expect_error(tabulate_source(42), "`source` must be a DBI connection, CSV file paths")
  expect_error(tabulate_source(), "`source` is missing")
  expect_error(tabulate_source(list()), "`source` is an empty list")
  expect_error(tabulate_source(list(data, 1:3)), "`source` element 2 must be a data frame")
  expect_error(tabulate_source(data, chunk_rows = 0), "`chunk_rows` must be")
  expect_error(tabulate_source(data, chunk_rows = 2.5), "`chunk_rows` must be a whole number")
  expect_error(tabulate_source(data, chunk_rows = "a"), "`chunk_rows`")
  expect_error(tabulate_source(data, chunk_row = 5), "`chunk_row`.*Did you mean \"chunk_rows\"")
  expect_error(tabulate_source(data, study_rules(), "hospital", 5), "an unnamed argument")
  expect_error(tabulate_source(data, by = "hospitl"), "no column \"hospitl\".*`by`.*Did you mean \"hospital\"")
  expect_error(tabulate_source(data, by = c("sex", "sex")), "`by` must not repeat")
  expect_error(tabulate_source(data, by = "lbp_pre"), "`by` must not name a measurement column")
  expect_error(tabulate_source(data, by = 1), "`by` must be a character vector")
  expect_error(tabulate_source(data, method = "x"), "`method` must be one of")
  expect_error(tabulate_source(data, conf_level = 2), "`conf_level`")
  expect_error(tabulate_source(data, margins = NA), "`margins`")
  expect_error(tabulate_source(data, rules = list(1)), "`rules` must be a list of alleviation_rule")
  expect_error(tabulate_source(data, table = "x"), "`table` is only for a DBI connection")
  renamed <- data
  names(renamed)[names(renamed) == "lbp_pre"] <- "LBP_pre"
  expect_error(tabulate_source(list(data, renamed)),
               "`source` element 2 has no column \"lbp_pre\".*Did you mean \"LBP_pre\"")
  expect_error(tabulate_source(list(renamed)), "the rules read")
  bad <- data
  bad$lbp_post[3] <- 11
  expect_error(tabulate_source(list(data, bad), chunk_rows = 100),
               "In rows 1-100 of `source` element 2: Symptom \"lbp\"")
  calls <- 0
  expect_error(tabulate_source(function() {
    calls <<- calls + 1
    if (calls == 1) data else "more"
  }), "`source` returned \"more\" on call 2")
  expect_error(tabulate_source(tempfile()), "`source` names a file that does not exist")
  expect_error(tabulate_source(tempdir()), "does not exist")
  expect_error(tabulate_source(NA_character_), "`source` must name at least one CSV file")
  empty <- tempfile(fileext = ".csv")
  file.create(empty)
  expect_error(tabulate_source(empty), "is empty; a CSV file starts with a header")
  on.exit(unlink(empty), add = TRUE)
})

test_that("CSV strata are typed once for the whole file, whatever the chunks hold", {
  data <- data.frame(pain_pre = c(8, 6, 5, 9), pain_post = c(2, 6, 1, 9),
                     ward = c("1", "2", "2b", "3"))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  utils::write.csv(data, path, row.names = FALSE)
  expect_csv_readers(path, rules, "ward", whole_table(utils::read.csv(path), rules, "ward"), 1:4)
  # A chunk of only "F" is not logical while the next is text; "T", "F",
  # "TRUE" are one logical column for both readers; "1" and "01" one number.
  sex <- data.frame(pain_pre = 1:6 + 3, pain_post = c(1, 5, 2, 9, 4, 1),
                    sex = c("F", "F", "F", "M", "F", "M"),
                    flag = c("T", "F", "TRUE", "false", NA, "T"),
                    site = c("1", "01", "2", "1.0", "2", "10"))
  sex_path <- tempfile(fileext = ".csv")
  on.exit(unlink(sex_path), add = TRUE)
  utils::write.csv(sex, sex_path, row.names = FALSE)
  for (by in c("sex", "flag", "site")) {
    whole <- whole_table(utils::read.csv(sex_path, na.strings = c("NA", "")), rules, by)
    expect_csv_readers(sex_path, rules, by, whole, c(1, 2, 3, 6))
  }
  expect_error(tabulate_source(path, rules, by = "wards"),
               "has no column \"wards\".*Did you mean \"ward\"")
  other <- tempfile(fileext = ".csv")
  on.exit(unlink(other), add = TRUE)
  utils::write.csv(data[c("pain_pre", "ward")], other, row.names = FALSE)
  expect_error(tabulate_source(c(path, other), rules), "has no column \"pain_post\"")
})

test_that("database sources: bad table, query and connection are named", {
  con <- local_sqlite(myelography)
  expect_error(tabulate_source(con), "give exactly one of `table`")
  expect_error(tabulate_source(con, table = "registry", query = "SELECT 1"),
               "give exactly one of `table`")
  expect_error(tabulate_source(con, table = "registri"),
               "`table` names a table the connection cannot read: \"registri\".*no such table.*Did you mean \"registry\"")
  expect_error(tabulate_source(con, table = 1), "`table` must be a single table name")
  expect_error(tabulate_source(con, query = c("a", "b")), "`query` must be a single SQL query")
  expect_error(tabulate_source(con, query = "SELECT * FROM nowhere"),
               "`query` failed in the database")
  expect_error(tabulate_source(con, table = "registry", by = "hospitl"),
               "table \"registry\" has no column \"hospitl\"")
  closed <- DBI::dbConnect(RSQLite::SQLite(), ":memory:")
  DBI::dbDisconnect(closed)
  expect_error(tabulate_source(closed, table = "registry"), "no longer valid")
})

test_that("a missing optional package is named with how to install it", {
  expect_error(need_package("notAPackage14", "Reading X", NULL),
               "Reading X needs the notAPackage14 package: install.packages\\(\"notAPackage14\"\\)")
})

test_that("CSV: a blank line inside a quoted field is kept, blank lines between records skipped", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  writeLines(c("pain_pre,pain_post,ward", "8,2,\"north", "", "wing\"", "",
               "6,6,south", "", "5,1,\"north", "", "wing\""), path)
  whole <- whole_table(utils::read.csv(path), rules, "ward")
  expect_setequal(as.character(whole$ward), c("north\n\nwing", "south", "(all)"))
  expect_csv_readers(path, rules, "ward", whole, 1:6)
})

test_that("CSV: text in a measurement column is missing when blank, an error naming line and value otherwise", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  writeLines(c("pain_pre,pain_post,ward", "8,2,a", "6,,a", "5,\"\",b", "9,  ,b",
               "7,NA,a", "4,\" 1 \",b"), path)
  oracle <- data.frame(pain_pre = c(8, 6, 5, 9, 7, 4), pain_post = c(2, NA, NA, NA, NA, 1),
                       ward = c("a", "a", "b", "b", "a", "b"))
  whole <- whole_table(oracle, rules, "ward")
  expect_csv_readers(path, rules, "ward", whole, 1:6)
  bad <- tempfile(fileext = ".csv")
  on.exit(unlink(bad), add = TRUE)
  writeLines(c("pain_pre,pain_post,ward", "8,2,a", "6,x,a", "T,1,b"), bad)
  for (reader in csv_readers()) {
    old <- options(myelorelief.csv_reader = reader)
    for (chunk_rows in c(1, 2, 10)) {
      expect_error(tabulate_source(bad, rules, chunk_rows = chunk_rows),
                   "Column \"pain_post\" holds \"x\", which is not a number, in line 3 of file",
                   info = paste(reader, chunk_rows))
    }
    writeLines(c("pain_pre,pain_post,ward", "8,2,a", "6,,a", "T,1,b"), bad)
    expect_error(tabulate_source(bad, rules, chunk_rows = 10),
                 "\"pain_pre\" holds \"T\", which is not a number, in line 4", info = reader)
    writeLines(c("pain_pre,pain_post,ward", "8,2,a", "6,x,a", "T,1,b"), bad)
    options(old)
  }
})

test_that("CSV: a record with too few or too many fields, or a semicolon file, is named by its line", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  short <- tempfile(fileext = ".csv")
  semicolon <- tempfile(fileext = ".csv")
  on.exit(unlink(c(short, semicolon)), add = TRUE)
  writeLines(c("pain_pre,pain_post,ward", "8,2,a", "\"6\n\",1", "5,1,b,c"), short)
  writeLines(c("pain_pre;pain_post;ward", "8;2;a"), semicolon)
  for (reader in csv_readers()) {
    old <- options(myelorelief.csv_reader = reader)
    for (chunk_rows in c(1, 10)) {
      expect_error(tabulate_source(short, rules, by = "ward", chunk_rows = chunk_rows),
                   "Line 3 of file .* has 2 fields where its header has 3",
                   info = paste(reader, chunk_rows))
    }
    options(old)
  }
  writeLines(c("pain_pre,pain_post,ward", "8,2,a", "5,1,b,c"), short)
  expect_error(tabulate_source(short, rules), "Line 3 of file .* has 4 fields where its header has 3")
  expect_error(tabulate_source(semicolon, rules),
               "one column, \"pain_pre;pain_post;ward\".*separated by semicolons.*read.csv2")
})

test_that("CSV: a byte order mark (Excel's CSV UTF-8) and CRLF line endings are read as read.csv(fileEncoding = \"UTF-8-BOM\") reads them", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  con <- file(path, "wb")
  writeBin(c(as.raw(c(0xef, 0xbb, 0xbf)),
             charToRaw("pain_pre,pain_post,ward\r\n8,2,north\r\n6,,south\r\n5,1,north\r\n")), con)
  close(con)
  whole <- whole_table(utils::read.csv(path, fileEncoding = "UTF-8-BOM",
                                       na.strings = c("NA", "")), rules, "ward")
  expect_identical(as.character(whole$ward), c("north", "south", "(all)"))
  expect_csv_readers(path, rules, "ward", whole, c(1, 2, 10))
})

test_that("CSV: a quote inside an unquoted field is read as read.csv() reads it, by both readers", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  # read.csv() drops the quotes: one stratum `Clinic North` of 3 patients
  # (fread() kept `Clinic "North"` apart); `"a"b` is `ab`
  writeLines(c("pain_pre,pain_post,site", "8,2,Clinic \"North\"", "6,1,Clinic North",
               "5,5,Clinic North", "7,1,\"a\"b"), path)
  whole <- whole_table(utils::read.csv(path, na.strings = c("NA", "")), rules, "site")
  expect_setequal(as.character(whole$site), c("Clinic North", "ab", "(all)"))
  expect_csv_readers(path, rules, "site", whole, 1:5)
  # a record that read.csv() cannot read is refused by both readers (fread()
  # read one record of two, silently)
  writeLines(c("pain_pre,pain_post,site", "8,2,a\",", "6,1,b"), path)
  for (reader in csv_readers()) {
    old <- options(myelorelief.csv_reader = reader)
    expect_error(tabulate_source(path, rules, by = "site"), "could not be read as CSV",
                 info = reader)
    options(old)
  }
})

test_that("CSV: a stratum typed as numbers or logical keeps one missing stratum (blank, \"NaN\")", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  # read.csv() reads "  " in a column of numbers or logicals as NA, and
  # "NaN" as NaN, which tabulate_cohort() counts as missing: one <NA> row
  writeLines(c("pain_pre,pain_post,dose,flag", "8,2,1,T", "6,1,  ,  ", "5,5,2,FALSE",
               "7,1,,", "9,9,NA,NA", "4,1,NaN,TRUE"), path)
  for (by in list("dose", "flag", c("dose", "flag"))) {
    whole <- whole_table(utils::read.csv(path, na.strings = c("NA", "")), rules, by)
    expect_equal(sum(is.na(whole[[by[1L]]])), if (length(by) == 1L) 1L else 3L,
                 info = paste(by, collapse = "+"))
    expect_csv_readers(path, rules, by, whole, c(1, 2, 10))
  }
})

test_that("CSV: a UTF-8 byte order mark before the header is not part of the first name, in any locale", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  writeBin(c(as.raw(c(0xef, 0xbb, 0xbf)), charToRaw("pain_pre,pain_post,ward\n8,2,a\n6,6,b\n")), path)
  whole <- whole_table(data.frame(pain_pre = c(8, 6), pain_post = c(2, 6), ward = c("a", "b")),
                       rules, "ward")
  old_ctype <- Sys.getlocale("LC_CTYPE")
  on.exit(Sys.setlocale("LC_CTYPE", old_ctype), add = TRUE)
  for (locale in c(old_ctype, "C")) {
    Sys.setlocale("LC_CTYPE", locale)
    expect_csv_readers(path, rules, "ward", whole, c(1, 10))
  }
})

test_that("a chunk_rows beyond the rows (and beyond 2^31) reads everything at the cost of what is read", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  data <- data.frame(pain_pre = c(8, 6, 5), pain_post = c(2, 6, 1), ward = c("a", "b", "a"))
  whole <- whole_table(data, rules, "ward")
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  utils::write.csv(data, path, row.names = FALSE)
  # readLines() set aside room for chunk_rows lines: 1e15 could not be
  # allocated; a driver's fetch refused n beyond 2^31 - 1 with a warning,
  # reported as a column of mixed types
  expect_csv_readers(path, rules, "ward", whole, c(3e9, 1e15))
  con <- local_sqlite(data, file = FALSE)
  for (chunk_rows in c(3e9, 1e15)) {
    expect_identical(tabulate_source(con, rules, by = "ward", table = "registry",
                                     chunk_rows = chunk_rows), whole, info = chunk_rows)
    expect_identical(tabulate_source(con, rules, by = "ward", query = "SELECT * FROM registry",
                                     chunk_rows = chunk_rows), whole, info = chunk_rows)
  }
})

test_that("CSV: doubled quotes and line breaks inside quoted fields read alike by both readers, in every chunk", {
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  # a line of a multi-line field that is a doubled quote (fread() read
  # chunks of one record differently, silently); a field that opens with a
  # line break before a blank line (fread() refused it)
  files <- list(
    "pain_pre,pain_post,ward\n1,9,\"\n\"\"\n \"\n3,2,\"TT\"\"a\"\n8,3,a\n5,8,\"\"\n6,0,\u00e91.\n",
    "pain_pre,pain_post,ward\r\n0,3,\r\n4,9,\"\"\"\"\r\n8,1,\",\"\"\n\"\r\n7,7,\r\n4,8,\"e\"\n",
    "pain_pre,pain_post,ward\n3,6,#\n6,7,\"\n\n4,9,\"\n9,7,\"'',\"\"\"\n10,2,\n")
  for (k in seq_along(files)) {
    writeBin(charToRaw(enc2utf8(files[[k]])), path)
    whole <- whole_table(utils::read.csv(path, na.strings = c("NA", ""), encoding = "UTF-8"),
                         rules, "ward")
    for (reader in csv_readers()) {
      old <- options(myelorelief.csv_reader = reader)
      for (chunk_rows in c(1, 2, 10)) {
        expect_identical(tabulate_source(path, rules, by = "ward", chunk_rows = chunk_rows),
                         whole, info = paste("file", k, reader, chunk_rows))
      }
      options(old)
    }
  }
})

test_that("a CSV header naming a needed column twice is refused by every reader", {
  rules <- study_rules()["lbp"]
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path))
  writeLines(c("ward,lbp_pre,lbp_post,ward", "A,8,3,B", "A,6,6,B"), path)
  for (reader in csv_readers()) {
    if (reader == "fread") skip_if_not_installed("data.table")
    withr::local_options(myelorelief.csv_reader = reader)
    expect_error(tabulate_source(path, rules, by = "ward"),
                 "has more than one column named \"ward\", which `by` names",
                 class = "myelorelief_error", info = reader)
  }
  writeLines(c("ward,lbp_pre,lbp_post,lbp_pre", "A,8,3,1", "A,6,6,1"), path)
  expect_error(tabulate_source(path, rules), "column named \"lbp_pre\", which the rules read",
               class = "myelorelief_error")
  # a repeated column nobody reads is harmless
  writeLines(c("ward,lbp_pre,lbp_post,note,note", "A,8,3,x,y", "A,6,6,x,y"), path)
  expect_identical(tabulate_source(path, rules, by = "ward"),
                   tabulate_cohort(classify_cohort(data.frame(ward = "A", lbp_pre = c(8, 6),
                                                              lbp_post = c(3, 6)), rules),
                                   by = "ward"))
})
