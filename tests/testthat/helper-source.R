# Registries and sources for the tests of tabulate_source().

# A random registry with strata of several types, NA, an empty factor level.
random_registry <- function(n, n_symptoms = 2) {
  made <- random_cohort(n, n_symptoms)
  data <- made$data
  data$dose <- sample(c(2.5, 5, 10, NA), n, replace = TRUE)
  data$day <- as.Date("2020-01-01") + sample(0:3, n, replace = TRUE)
  data$flag <- sample(c(TRUE, FALSE, NA), n, replace = TRUE)
  list(data = data, rules = attr(made$cohort, "rules"))
}

whole_table <- function(data, rules, by, ...) {
  tabulate_cohort(classify_cohort(data, rules), by = by, ...)
}

# Random row chunks of `data`, some of them empty.
random_chunks <- function(data, k) {
  chunk <- sample(rep_len(seq_len(k), nrow(data)))
  lapply(seq_len(k + 1L), function(j) data[chunk == j, , drop = FALSE])
}

# What ?tabulate_source says blank fields are: missing, quoted or not.
blank_to_na <- function(data) {
  for (j in seq_along(data)) {
    if (is.character(data[[j]])) data[[j]][data[[j]] %in% ""] <- NA
  }
  data
}

local_sqlite <- function(data, name = "registry", file = TRUE, env = parent.frame()) {
  skip_if_not_installed("DBI")
  skip_if_not_installed("RSQLite")
  path <- if (file) tempfile(fileext = ".sqlite") else ":memory:"
  con <- DBI::dbConnect(RSQLite::SQLite(), path)
  withr_defer <- function() {
    DBI::dbDisconnect(con)
    if (file) unlink(path)
  }
  do.call(on.exit, list(substitute(withr_defer()), add = TRUE), envir = env)
  assign("withr_defer", withr_defer, envir = env)
  DBI::dbWriteTable(con, name, data)
  con
}

# A connection to a new SQLite database file, closed and removed when `env`
# ends.
sqlite_file <- function(env = parent.frame()) {
  skip_if_not_installed("DBI")
  skip_if_not_installed("RSQLite")
  path <- tempfile(fileext = ".sqlite")
  con <- DBI::dbConnect(RSQLite::SQLite(), path)
  do.call(on.exit, list(bquote({
    DBI::dbDisconnect(.(con))
    unlink(.(path))
  }), add = TRUE), envir = env)
  con
}

# The CSV readers of tabulate_source(): the package's own (the default) and
# the earlier line readers through fread() and read.csv(), kept as oracles.
csv_readers <- function() c("native", "fread", "base")

# tabulate_source() of a CSV file gives `whole` with every reader, for every
# chunk size.
expect_csv_readers <- function(path, rules, by, whole, chunk_sizes) {
  for (reader in csv_readers()) {
    old <- options(myelorelief.csv_reader = reader)
    on.exit(options(old))
    for (chunk_rows in chunk_sizes) {
      testthat::expect_identical(tabulate_source(path, rules, by = by, chunk_rows = chunk_rows),
                                 whole, info = paste(reader, chunk_rows))
    }
    options(old)
  }
}
