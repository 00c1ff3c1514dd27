# One metamorphic property over every source of tabulate_source(): the same
# random registry (blank and "NA" measurements written as text, strata with
# NA, non-ASCII text, commas and quotes; sometimes a measurement that is
# text but not a number) gives the identical table, or the same error,
# through a data frame, a list of chunks, a chunk function, CSV files read
# by the package's own reader, by fread and by the base reader, SQLite (table, query, TEMP table, inside
# an open transaction) and PostgreSQL (table and query), for any
# `chunk_rows`, sequentially and on worker processes.

site_labels <- c("A", "B", "Zürich", "north, old", "say \"hi\"", "NA", "")

# The registry as numbers (the truth) and as the text a registry exports:
# a missing value is NA, "", "  " or "NA"; with `bad`, one follow-up value
# is "x".
random_source_registry <- function(n, bad) {
  truth <- data.frame(
    pain_pre = sample(c(0:10, 2.5, NA), n, replace = TRUE),
    pain_post = sample(c(0:10, 7.5, NA), n, replace = TRUE),
    numb_pre = sample(c(0:3, NA), n, replace = TRUE),
    numb_post = sample(c(0:3, NA), n, replace = TRUE),
    site = sample(c(site_labels, NA), n, replace = TRUE),
    dose = sample(c(2.5, 5, 10, NA), n, replace = TRUE),
    stringsAsFactors = FALSE)
  text <- truth
  for (column in c("pain_pre", "pain_post", "numb_pre", "numb_post")) {
    values <- as.character(truth[[column]])
    gone <- which(is.na(values))
    values[gone] <- sample(c(NA, "", "  ", "NA"), length(gone), replace = TRUE)
    text[[column]] <- values
  }
  if (bad && n > 0) text$pain_post[sample(n, 1)] <- "x"
  truth$site[truth$site %in% c("", "NA")] <- NA
  list(truth = truth, text = text)
}

source_rules <- function() {
  list(pain = alleviation_rule(min_change = 2, range = c(0, 10)),
       numb = alleviation_rule(min_change = 1, range = c(0, 3)))
}

write_sqlite_registry <- function(con, name, text, temporary = FALSE) {
  DBI::dbExecute(con, sprintf(
    "CREATE %s TABLE %s (pain_pre REAL, pain_post REAL, numb_pre REAL, numb_post REAL, site TEXT, dose REAL)",
    if (temporary) "TEMP" else "", name))
  if (nrow(text)) DBI::dbAppendTable(con, name, text)
}

# Every source of the registry, as functions of chunk_rows.
registry_sources <- function(made, by, dir, sqlite, postgres) {
  rules <- source_rules()
  text <- made$text
  n <- nrow(text)
  parts <- random_chunks(text, sample(1:4, 1))
  csv_all <- file.path(dir, "all.csv")
  utils::write.csv(text, csv_all, row.names = FALSE)
  csv_parts <- vapply(seq_along(parts), function(k) {
    path <- file.path(dir, sprintf("part%d.csv", k))
    utils::write.csv(parts[[k]][sample(ncol(text))], path, row.names = FALSE)
    path
  }, "")
  run <- function(source, ...) {
    function(chunk_rows) tabulate_source(source, rules, by = by, chunk_rows = chunk_rows, ...)
  }
  sources <- list(
    data_frame = run(text),
    list = run(parts),
    `function` = function(chunk_rows) {
      k <- 0
      tabulate_source(function() {
        k <<- k + 1
        if (k <= length(parts)) parts[[k]]
      }, rules, by = by, chunk_rows = chunk_rows)
    },
    csv_fread = function(chunk_rows) {
      withr::local_options(myelorelief.csv_reader = "fread")
      tabulate_source(csv_parts, rules, by = by, chunk_rows = chunk_rows)
    },
    csv_base = function(chunk_rows) {
      withr::local_options(myelorelief.csv_reader = "base")
      tabulate_source(csv_all, rules, by = by, chunk_rows = chunk_rows)
    },
    csv_native = function(chunk_rows) {
      withr::local_options(myelorelief.csv_reader = NULL)
      tabulate_source(csv_all, rules, by = by, chunk_rows = chunk_rows)
    },
    csv_native_parts = function(chunk_rows) {
      withr::local_options(myelorelief.csv_reader = "native")
      tabulate_source(csv_parts, rules, by = by, chunk_rows = chunk_rows)
    })
  if (!is.null(sqlite)) {
    for (name in c("temp.shadowed", "main.shadowed", "main.registry", "main.in_transaction")) {
      DBI::dbExecute(sqlite, sprintf("DROP TABLE IF EXISTS %s", name))
    }
    write_sqlite_registry(sqlite, "registry", text)
    # a main table shadowed by a TEMP table holding the registry
    write_sqlite_registry(sqlite, "shadowed", text[0, ])
    DBI::dbAppendTable(sqlite, "shadowed", data.frame(pain_pre = 1, pain_post = 0, numb_pre = 1,
                                                      numb_post = 0, site = "other", dose = 1))
    write_sqlite_registry(sqlite, "shadowed", text, temporary = TRUE)
    write_sqlite_registry(sqlite, "in_transaction", text[seq_len(n %/% 2), , drop = FALSE])
    sources$sqlite_table <- run(sqlite, table = "registry")
    sources$sqlite_query <- run(sqlite, query = "SELECT * FROM registry -- all of it")
    sources$sqlite_temp <- run(sqlite, table = "shadowed")
    sources$sqlite_transaction <- function(chunk_rows) {
      DBI::dbBegin(sqlite)
      on.exit(DBI::dbRollback(sqlite))
      rest <- text[setdiff(seq_len(n), seq_len(n %/% 2)), , drop = FALSE]
      if (nrow(rest)) DBI::dbAppendTable(sqlite, "in_transaction", rest)
      tabulate_source(sqlite, rules, by = by, table = "in_transaction", chunk_rows = chunk_rows)
    }
  }
  if (!is.null(postgres)) {
    DBI::dbExecute(postgres, "DROP TABLE IF EXISTS registry")
    DBI::dbExecute(postgres, "CREATE TABLE registry (pain_pre TEXT, pain_post TEXT, numb_pre TEXT, numb_post TEXT, site TEXT, dose DOUBLE PRECISION)")
    if (n) {
      values <- text
      DBI::dbWriteTable(postgres, "registry", values, append = TRUE, row.names = FALSE)
    }
    sources$postgres_table <- run(postgres, table = "registry")
    sources$postgres_query <- run(postgres, query = "SELECT * FROM registry;")
  }
  attr(sources, "csv") <- csv_all
  sources
}

check_sources_agree <- function(made, by, bad, sources, chunk_sizes, info) {
  rules <- source_rules()
  whole <- whole_table(made$truth, rules, by)
  for (name in names(sources)) {
    for (chunk_rows in chunk_sizes) {
      where <- sprintf("%s, source %s, chunk_rows %g", info, name, chunk_rows)
      if (bad) {
        expect_error(sources[[name]](chunk_rows),
                     "Column \"pain_post\" holds \"x\", which is not a number, in (line|rowid|row) [0-9]+",
                     info = where)
        next
      }
      got <- sources[[name]](chunk_rows)
      if (startsWith(name, "csv")) {
        # as ?tabulate_source says: the table of read.csv() of the whole file
        read <- utils::read.csv(attr(sources, "csv"), na.strings = c("NA", ""))
        expect_identical(got, whole_table(read, rules, by), info = where)
        expect_same_table_content(got, whole, info = where)
      } else {
        expect_identical(got, whole, info = where)
      }
    }
  }
}

test_that("every source gives the identical table, or the same error, for any chunk_rows", {
  skip_if_not_installed("withr")
  skip_if_not_installed("data.table")
  sqlite <- if (requireNamespace("RSQLite", quietly = TRUE)) sqlite_file()
  server <- if (Sys.getenv("MYELORELIEF_MEMCHECK") == "") start_postgres() else "memory checker"
  postgres <- NULL
  if (is.list(server)) {
    postgres <- server$connect()
    on.exit({
      DBI::dbDisconnect(postgres)
      server$stop()
    }, add = TRUE)
  }
  for (case in seq_len(n_cases(12))) {
    seed <- 1900 + case
    set.seed(seed)
    n <- sample(c(0, 1, 7, 60, 250), 1)
    bad <- n > 0 && runif(1) < 0.25
    made <- random_source_registry(n, bad)
    by <- sample(list(NULL, "site", c("site", "dose"), "dose"), 1)[[1]]
    dir <- tempfile("sources-")
    dir.create(dir)
    sources <- registry_sources(made, by, dir, sqlite, postgres)
    # chunks of one row on small registries (every row its own chunk costs
    # a classification and a table each)
    chunk_sizes <- unique(c(if (n <= 60) 1 else sample(2:7, 1),
                            sample(c(2, 3, max(n, 1), n + 1, 1e6), 2)))
    info <- sprintf("seed %d, n %d, by %s, bad %s", seed, n, paste(by, collapse = "+"), bad)
    check_sources_agree(made, by, bad, sources, chunk_sizes, info)
    unlink(dir, recursive = TRUE)
  }
  if (is.character(server)) skip(paste("PostgreSQL cases not run:", server))
})

test_that("every source gives the identical table on worker processes", {
  skip_if_not_installed("withr")
  skip_if_not_installed("future")
  skip_if_not_installed("future.apply")
  skip_if_not_installed("RSQLite")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "", "starts worker processes")
  sqlite <- sqlite_file()
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  for (case in 1:2) {
    seed <- 1950 + case
    set.seed(seed)
    n <- sample(c(60, 250), 1)
    bad <- case == 2
    made <- random_source_registry(n, bad)
    by <- c("site", "dose")
    dir <- tempfile("sources-")
    dir.create(dir)
    sources <- registry_sources(made, by, dir, sqlite, NULL)
    check_sources_agree(made, by, bad, sources, c(17, 1e6),
                        sprintf("multisession, seed %d, bad %s", seed, bad))
    unlink(dir, recursive = TRUE)
  }
})
