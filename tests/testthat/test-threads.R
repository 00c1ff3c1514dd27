# The number of threads, and running in forked, fresh and future workers:
# identical results, and no hang in a child forked after the parent used
# OpenMP threads (GNU OpenMP is not fork-safe).

test_that("myelorelief_threads() reports, sets and restores the cap", {
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  expect_true(is.integer(old) && length(old) == 1L && old >= 1L)
  expect_invisible(myelorelief_threads(1))
  expect_identical(myelorelief_threads(), 1L)
  expect_identical(myelorelief_threads(2), 1L)
  expect_identical(myelorelief_threads(), min(old, 2L))
  myelorelief_threads(Inf)
  expect_identical(myelorelief_threads(), old)
  expect_identical(myelorelief_threads(1e12), old)
})

test_that("bad `n` is an error naming it", {
  for (bad in list(0, -1, 1.5, NA, NaN, "2", TRUE, c(1, 2), numeric(), -Inf,
                   factor(2), list(2), matrix(2))) {
    expect_error(myelorelief_threads(bad), "`n` must be NULL", class = "myelorelief_error",
                 info = deparse(bad))
  }
})

# Data of 3e5 rows: above the 65,536 rows from which loops use threads.
thread_test_data <- function() {
  set.seed(5)
  n <- 3e5
  data.frame(g = factor(sample(c("a", "b", NA), n, TRUE)),
             lbp_pre = sample(c(seq(0, 10, by = 0.5), NA), n, TRUE),
             lbp_post = sample(c(seq(0, 10, by = 0.5), NA), n, TRUE))
}
thread_test_job <- function(d) {
  rule <- myelorelief::study_rules()$lbp
  cohort <- myelorelief::classify_cohort(d, myelorelief::study_rules()["lbp"])
  list(classes = myelorelief::classify_alleviation(d$lbp_pre, d$lbp_post, rule),
       table = myelorelief::tabulate_cohort(cohort, by = "g", data = d),
       curve = myelorelief::alleviation_curve(d$lbp_pre, d$lbp_post, rule,
                                              seq(0, 1, by = 0.1)))
}

test_that("1 and 2 threads give identical results", {
  d <- thread_test_data()
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(1)
  one <- thread_test_job(d)
  myelorelief_threads(2)
  two <- thread_test_job(d)
  expect_identical(two, one)
})

# Runs `lines` in a fresh Rscript that must finish within `timeout` seconds
# (a hang fails the test instead of blocking the run) and returns what the
# script saved with save_result().
run_child_script <- function(lines, timeout = 60) {
  script <- tempfile(fileext = ".R")
  result <- tempfile(fileext = ".rds")
  on.exit(unlink(c(script, result)))
  writeLines(c(
    "library(myelorelief)",
    sprintf("save_result <- function(x) saveRDS(x, '%s')", result),
    paste0("thread_test_data <- ", paste(deparse(thread_test_data), collapse = "\n")),
    paste0("thread_test_job <- ", paste(deparse(thread_test_job), collapse = "\n")),
    lines), script)
  status <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"),
                                     c("--vanilla", script), stdout = FALSE,
                                     stderr = FALSE, timeout = timeout))
  expect_identical(status, 0L, label = "the child R process finished in time, status")
  if (file.exists(result)) readRDS(result) else NULL
}

skip_if_cannot_fork <- function() {
  skip_on_cran()
  skip_on_os("windows")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
}

test_that("mclapply() after the parent used threads neither hangs nor differs", {
  skip_if_cannot_fork()
  out <- run_child_script(c(
    "d <- thread_test_data()",
    "parent <- thread_test_job(d)          # the parent starts OpenMP threads",
    "children <- parallel::mclapply(1:2, function(i) c(thread_test_job(d),",
    "  threads = myelorelief_threads()), mc.cores = 2)",
    "save_result(list(parent = parent, parent_threads = myelorelief_threads(),",
    "                 children = children))"))
  expect_false(is.null(out))
  if (is.null(out)) return()
  expect_length(out$children, 2)
  for (child in out$children) {
    expect_false(inherits(child, "try-error"), info = paste(child))
    expect_identical(child$threads, 1L)
    expect_identical(child[c("classes", "table", "curve")], out$parent)
  }
  expect_identical(out$parent, thread_test_job(thread_test_data()))
})

test_that("future's multicore workers neither hang nor differ", {
  skip_if_cannot_fork()
  skip_if_not_installed("future")
  out <- run_child_script(c(
    "d <- thread_test_data()",
    "parent <- thread_test_job(d)",
    "if (!future::supportsMulticore()) { save_result('no multicore'); quit() }",
    "future::plan(future::multicore, workers = 2)",
    "fs <- lapply(1:2, function(i) future::future(c(thread_test_job(d),",
    "  threads = myelorelief_threads()), seed = NULL))",
    "save_result(list(parent = parent, children = lapply(fs, future::value)))"))
  if (identical(out, "no multicore")) skip("future does not support multicore here")
  expect_false(is.null(out))
  if (is.null(out)) return()
  for (child in out$children) {
    expect_identical(child$threads, 1L)
    expect_identical(child[c("classes", "table", "curve")], out$parent)
  }
})

test_that("a callr worker (a fresh process) gives the same results", {
  skip_on_cran()
  skip_if_not_installed("callr")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
  d <- thread_test_data()
  here <- thread_test_job(d)
  there <- callr::r(function(job, d) c(job(d), threads = myelorelief::myelorelief_threads()),
                    args = list(job = thread_test_job, d = d),
                    libpath = .libPaths(), timeout = 60)
  expect_identical(there[c("classes", "table", "curve")], here)
  # a fresh process is no forked child: it may use threads again
  expect_identical(there$threads, myelorelief_threads())
})
