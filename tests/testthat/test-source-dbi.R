# tabulate_source() on a database reads what the user's own connection sees:
# TEMP tables, attached schemas, an open transaction; text in numeric
# columns by the same rule as CSV files; queries with trailing comments.

pain_rules <- function() {
  list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
}

# The plans a database source is read under: sequential, and two local
# workers (where the package may reopen an SQLite file, but only when that
# provably reads the same rows).
with_plans <- function(code_fn) {
  plans <- "sequential"
  if (requireNamespace("future", quietly = TRUE) &&
      requireNamespace("future.apply", quietly = TRUE) &&
      Sys.getenv("MYELORELIEF_MEMCHECK") == "") {
    plans <- c(plans, "multisession")
  }
  old <- if (requireNamespace("future", quietly = TRUE)) future::plan()
  on.exit(if (!is.null(old)) future::plan(old), add = TRUE)
  for (plan in plans) {
    if (plan == "multisession") future::plan(future::multisession, workers = 2)
    else if (!is.null(old)) future::plan(future::sequential)
    code_fn(plan)
  }
}

test_that("a TEMP table that shadows a main table is the one read, under every plan", {
  con <- sqlite_file()
  set.seed(1801)
  main <- data.frame(pain_pre = sample(0:10, 300, TRUE), pain_post = sample(0:10, 300, TRUE),
                     site = sample(c("A", "B", "C"), 300, TRUE))
  temp <- main[1:44, ]
  temp$site <- "D"
  rownames(temp) <- NULL
  DBI::dbWriteTable(con, "registry", main)
  DBI::dbExecute(con, "CREATE TEMP TABLE registry AS SELECT pain_pre, pain_post, 'D' AS site FROM main.registry WHERE rowid <= 44")
  whole <- whole_table(temp, pain_rules(), "site")
  with_plans(function(plan) {
    for (chunk_rows in c(1, 10, 1000)) {
      expect_identical(tabulate_source(con, pain_rules(), by = "site", table = "registry",
                                       chunk_rows = chunk_rows),
                       whole, info = paste(plan, chunk_rows))
    }
  })
  # a TEMP table of its own name, and an attached schema
  DBI::dbWriteTable(con, "only_temp", temp, temporary = TRUE)
  aux <- tempfile(fileext = ".sqlite")
  on.exit(unlink(aux), add = TRUE)
  DBI::dbExecute(con, sprintf("ATTACH DATABASE '%s' AS aux", aux))
  DBI::dbWriteTable(con, DBI::Id(schema = "aux", table = "registry"), main[1:100, ])
  with_plans(function(plan) {
    expect_identical(tabulate_source(con, pain_rules(), by = "site", table = "only_temp",
                                     chunk_rows = 7), whole, info = plan)
    expect_identical(tabulate_source(con, pain_rules(), by = "site",
                                     table = DBI::Id(schema = "aux", table = "registry"),
                                     chunk_rows = 7),
                     whole_table(main[1:100, ], pain_rules(), "site"), info = plan)
  })
})

test_that("rows written in the user's open transaction are read, under every plan", {
  con <- sqlite_file()
  set.seed(1802)
  data <- data.frame(pain_pre = sample(0:10, 425, TRUE), pain_post = sample(0:10, 425, TRUE),
                     site = sample(c("A", "B"), 425, TRUE))
  DBI::dbWriteTable(con, "registry", data[1:325, ])
  DBI::dbBegin(con)
  DBI::dbWriteTable(con, "registry", data[326:425, ], append = TRUE)
  whole <- whole_table(data, pain_rules(), "site")
  with_plans(function(plan) {
    for (chunk_rows in c(50, 1e6)) {
      got <- tabulate_source(con, pain_rules(), by = "site", table = "registry",
                             chunk_rows = chunk_rows)
      expect_identical(got, whole, info = paste(plan, chunk_rows))
      expect_identical(got$n[got$site == "(all)"], 425)
    }
  })
  DBI::dbRollback(con)
  # the transaction test left no transaction behind, and nothing changed
  expect_identical(tabulate_source(con, pain_rules(), table = "registry")$n, 325)
  expect_silent(DBI::dbBegin(con))
  DBI::dbRollback(con)
})

test_that("SQLite: text in a numeric column is missing when blank, an error naming column, rowid and value otherwise", {
  con <- sqlite_file()
  DBI::dbExecute(con, "CREATE TABLE registry (pain_pre REAL, pain_post REAL, site TEXT)")
  DBI::dbExecute(con, "INSERT INTO registry VALUES (8, 2, 'a'), (6, '', 'a'), (5, '  ', 'b'), (9, NULL, 'b'), ('', 1, 'a'), (7, 'NA', 'b'), (4, 4, 'b')")
  oracle <- data.frame(pain_pre = c(8, 6, 5, 9, NA, 7, 4), pain_post = c(2, NA, NA, NA, 1, NA, 4),
                       site = c("a", "a", "b", "b", "a", "b", "b"))
  whole <- whole_table(oracle, pain_rules(), "site")
  # the same file as CSV gives the same table
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path), add = TRUE)
  writeLines(c("pain_pre,pain_post,site", "8,2,a", "6,,a", "5,  ,b", "9,NA,b", ",1,a",
               "7,NA,b", "4,4,b"), path)
  with_plans(function(plan) {
    for (chunk_rows in 1:8) {
      expect_identical(tabulate_source(con, pain_rules(), by = "site", table = "registry",
                                       chunk_rows = chunk_rows), whole,
                       info = paste(plan, chunk_rows))
      expect_identical(tabulate_source(con, pain_rules(), by = "site", chunk_rows = chunk_rows,
                                       query = "SELECT * FROM registry"), whole,
                       info = paste(plan, chunk_rows))
      expect_identical(tabulate_source(path, pain_rules(), by = "site", chunk_rows = chunk_rows),
                       whole, info = paste(plan, chunk_rows))
    }
  })
  DBI::dbExecute(con, "INSERT INTO registry VALUES (3, 'x', 'a')")
  with_plans(function(plan) {
    for (chunk_rows in c(1, 3, 100)) {
      expect_error(tabulate_source(con, pain_rules(), table = "registry", chunk_rows = chunk_rows),
                   "Column \"pain_post\" holds \"x\", which is not a number, in rowid 8 of table \"registry\"",
                   info = paste(plan, chunk_rows))
      expect_error(tabulate_source(con, pain_rules(), query = "SELECT * FROM registry",
                                   chunk_rows = chunk_rows),
                   "Column \"pain_post\" holds \"x\", which is not a number, in row 8 of the result of `query`",
                   info = paste(plan, chunk_rows))
    }
  })
})

test_that("SQLite: a stratum column of mixed types is refused, never coerced", {
  con <- sqlite_file()
  DBI::dbExecute(con, "CREATE TABLE registry (pain_pre REAL, pain_post REAL, site INTEGER)")
  DBI::dbExecute(con, "INSERT INTO registry VALUES (8, 2, 1), (6, 1, 2), (5, 1, 'north')")
  for (chunk_rows in c(1, 10)) {
    expect_error(tabulate_source(con, pain_rules(), by = "site", table = "registry",
                                 chunk_rows = chunk_rows),
                 "the database driver warned: .*site.*make the column one type",
                 info = chunk_rows)
  }
})

test_that("queries with trailing comments and semicolons are read; two statements are refused", {
  con <- sqlite_file()
  set.seed(1803)
  data <- data.frame(pain_pre = sample(0:10, 50, TRUE), pain_post = sample(0:10, 50, TRUE),
                     site = sample(c("A", "B"), 50, TRUE))
  DBI::dbWriteTable(con, "registry", data)
  whole <- whole_table(data, pain_rules(), "site")
  queries <- c("SELECT * FROM registry -- every patient",
               "SELECT * FROM registry;",
               "SELECT * FROM registry; -- done\n",
               "/* all */ SELECT * FROM registry /* x */ ;;",
               "SELECT * FROM registry WHERE site <> 'a;--b' -- 'quote'",
               "SELECT *\nFROM registry -- a\n-- b")
  for (query in queries) {
    expect_identical(tabulate_source(con, pain_rules(), by = "site", query = query),
                     whole, info = query)
  }
  expect_error(tabulate_source(con, pain_rules(), query = "SELECT * FROM registry; DROP TABLE registry"),
               "`query` must be a single SQL statement")
  expect_error(tabulate_source(con, pain_rules(), query = "-- nothing\n;"),
               "`query` holds no SQL statement")
  expect_true(DBI::dbExistsTable(con, "registry"))
})

test_that("PostgreSQL: the same tables as in memory, through a driver without dbIsValid()", {
  server <- local_postgres()
  con <- server$connect()
  on.exit(DBI::dbDisconnect(con), add = TRUE)
  set.seed(1804)
  n <- 500
  data <- data.frame(pain_pre = sample(c(0:10, NA), n, TRUE), pain_post = sample(c(0:10, NA), n, TRUE),
                     site = sample(c("A", "B", "Zürich", NA), n, TRUE),
                     dose = sample(c(2.5, 5, NA), n, TRUE))
  DBI::dbWriteTable(con, "reg", data, row.names = FALSE)
  for (by in list(NULL, "site", c("site", "dose"))) {
    whole <- whole_table(DBI::dbReadTable(con, "reg"), pain_rules(), by)
    for (chunk_rows in c(1, 77, 1e6)) {
      info <- paste(paste(by, collapse = "+"), chunk_rows)
      expect_identical(tabulate_source(con, pain_rules(), by = by, table = "reg",
                                       chunk_rows = chunk_rows), whole, info = info)
      expect_identical(tabulate_source(con, pain_rules(), by = by, chunk_rows = chunk_rows,
                                       query = "SELECT * FROM reg; -- all"), whole, info = info)
      expect_identical(tabulate_source(con, pain_rules(), by = by, chunk_rows = chunk_rows,
                                       table = DBI::Id(schema = "public", table = "reg")),
                       whole, info = info)
    }
  }
  # text columns: numbers as text are numbers, blanks missing, other text refused
  DBI::dbExecute(con, "CREATE TABLE textreg (pain_pre TEXT, pain_post TEXT, site TEXT)")
  DBI::dbExecute(con, "INSERT INTO textreg VALUES ('8', '2', 'a'), ('6', '', 'a'), ('5', ' ', 'b'), ('9', NULL, 'b')")
  oracle <- data.frame(pain_pre = c(8, 6, 5, 9), pain_post = c(2, NA, NA, NA), site = c("a", "a", "b", "b"))
  expect_identical(tabulate_source(con, pain_rules(), by = "site", table = "textreg", chunk_rows = 2),
                   whole_table(oracle, pain_rules(), "site"))
  DBI::dbExecute(con, "INSERT INTO textreg VALUES ('3', 'x', 'a')")
  expect_error(tabulate_source(con, pain_rules(), table = "textreg", chunk_rows = 2),
               "Column \"pain_post\" holds \"x\", which is not a number, in row 5 of table \"textreg\"")
  # a temporary table is read as the connection sees it
  DBI::dbExecute(con, "CREATE TEMPORARY TABLE reg AS SELECT * FROM reg LIMIT 44")
  expect_identical(tabulate_source(con, pain_rules(), table = "reg")$n,
                   whole_table(DBI::dbGetQuery(con, "SELECT * FROM reg"), pain_rules(), NULL)$n)
  expect_identical(tabulate_source(con, pain_rules(), table = "reg")$n, 44)
  expect_error(tabulate_source(con, pain_rules(), table = "nowhere"),
               "`table` names a table the connection cannot read: \"nowhere\"")
})
