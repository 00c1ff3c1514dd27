# Invariants across the package: inputs are never modified, attributes of
# inputs neither leak into nor break results, and an interrupt during a long
# C loop leaves R usable.

test_that("no exported function modifies its inputs", {
  data <- myelography
  data_copy <- unserialize(serialize(data, NULL))
  rules <- study_rules()
  cohort <- classify_cohort(data, rules, id = "id")
  cohort_copy <- unserialize(serialize(cohort, NULL))
  tab <- tabulate_cohort(cohort, by = c("hospital", "sex"), data = data)
  tab_copy <- unserialize(serialize(tab, NULL))
  summary(tab)
  combine_tables(tab, tab)
  compare_alleviated(cohort, c("age", "sex"), data = data)
  alleviation_curve(data$lbp_pre, data$lbp_post, rules$lbp, c(0.5, 0.1))
  pre <- c(x = 7L, y = NA, z = 3L)
  pre_copy <- pre + 0L
  classify_alleviation(pre, c(3, 4, 3), rules$lbp)
  expect_identical(data, data_copy)
  expect_identical(cohort, cohort_copy)
  expect_identical(tab, tab_copy)
  expect_identical(pre, pre_copy)
})

test_that("attributes of inputs neither leak into nor break results", {
  rule <- study_rules()$lbp
  pre <- structure(c(a = 7, b = 5), label = "Lower back pain", units = "NRS")
  out <- classify_alleviation(pre, c(3, 5), rule)
  expect_identical(names(attributes(out)), c("levels", "class", "names"))
  # a data frame subclass (as tibble or data.table make) is a data frame
  data <- myelography
  class(data) <- c("registry_extract", "data.frame")
  cohort <- classify_cohort(data)
  expect_identical(class(cohort), c("myelo_cohort", "data.frame"))
  expect_identical(tabulate_cohort(cohort, by = "hospital", data = data),
                   tabulate_cohort(classify_cohort(myelography), by = "hospital",
                                   data = myelography))
  # labelled stratum columns and odd row names change nothing
  labelled <- myelography
  attr(labelled$hospital, "label") <- "Hospital"
  rownames(labelled) <- paste0("row", seq_len(nrow(labelled)))
  expect_equal(tabulate_cohort(classify_cohort(labelled), by = "hospital", data = labelled),
               tabulate_cohort(classify_cohort(myelography), by = "hospital", data = myelography),
               ignore_attr = TRUE)
})

test_that("the same table whatever the number of threads", {
  skip_on_cran()
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
  script <- tempfile(fileext = ".R")
  out <- c(tempfile(fileext = ".rds"), tempfile(fileext = ".rds"))
  writeLines(c(
    "library(myelorelief); set.seed(5); n <- 3e5",
    "d <- data.frame(g = factor(sample(c('a', 'b', NA), n, TRUE)),",
    "  lbp_pre = sample(c(0:10, NA), n, TRUE), lbp_post = sample(c(0:10, NA), n, TRUE))",
    "co <- classify_cohort(d, study_rules()['lbp'])",
    "res <- list(co, tabulate_cohort(co, by = 'g', data = d),",
    "  alleviation_curve(d$lbp_pre, d$lbp_post, study_rules()$lbp, seq(0, 1, 0.1)))",
    "saveRDS(res, commandArgs(TRUE)[1])"), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  expect_identical(system2(rscript, c("--vanilla", script, out[1]), env = "OMP_THREAD_LIMIT=1"), 0L)
  expect_identical(system2(rscript, c("--vanilla", script, out[2]), env = "OMP_NUM_THREADS=2"), 0L)
  expect_identical(readRDS(out[1]), readRDS(out[2]))
})

test_that("an interrupt during a long C loop leaves R usable", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
  script <- tempfile(fileext = ".R")
  pid_file <- tempfile()
  log <- tempfile()
  writeLines(c(
    "library(myelorelief)",
    "pre <- rep(c(7, 5, NA, 0), 2^22); post <- rep(c(3, 5, 1, 0), 2^22)",
    "rule <- study_rules()$lbp",
    sprintf("writeLines(as.character(Sys.getpid()), '%s')", pid_file),
    "state <- tryCatch({ for (k in 1:400) classify_alleviation(pre, post, rule); 'finished' },",
    "                  interrupt = function(e) 'interrupted')",
    "small <- classify_alleviation(c(7, 5), c(3, 5), rule)",
    "cat(state, as.character(small), sep = '\\n')"), script)
  system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", script),
          stdout = log, stderr = FALSE, wait = FALSE)
  for (i in 1:100) if (file.exists(pid_file) && length(readLines(pid_file))) break else Sys.sleep(0.1)
  Sys.sleep(1)
  tools::pskill(as.integer(readLines(pid_file)), tools::SIGINT)
  for (i in 1:300) if (file.exists(log) && length(readLines(log)) >= 3) break else Sys.sleep(0.1)
  expect_identical(readLines(log), c("interrupted", "alleviated", "unchanged"))
})

test_that("the patient summary refuses a row count it cannot convert", {
  # C_summarise_patients is internal (classify_cohort() passes nrow(data));
  # converting Inf or 1e300 to R_xlen_t would be undefined behaviour.
  summarise <- function(n) .Call(myelorelief:::C_summarise_patients, list(), n, character(),
                                     c("alleviated", "unchanged", "worsened", "absent"))
  for (n in list(Inf, -Inf, NaN, NA_real_, 1e300, 2^53, -1, 2.5)) {
    expect_error(summarise(n), "`n_rows`", info = format(n))
  }
  expect_identical(lengths(summarise(0)), c(0L, 0L, 0L))
  expect_identical(lengths(summarise(3)), c(3L, 3L, 3L))
})
