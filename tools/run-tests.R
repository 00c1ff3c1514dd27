# Runs the whole test suite against a fresh install of this source tree and
# prints testthat's totals as the last line: "N passed, N failed" (with
# ", N skipped" when tests were skipped). Exits non-zero on any failure.
# Usage, from the package root: Rscript tools/run-tests.R
if (!requireNamespace("testthat", quietly = TRUE)) {
  stop("the tests need the testthat package: install.packages(\"testthat\")")
}
library_dir <- tempfile("myelorelief-lib-")
dir.create(library_dir)
status <- system2(file.path(R.home("bin"), "R"),
                  c("CMD", "INSTALL", "--preclean", "--no-test-load",
                    paste0("--library=", library_dir), "."),
                  stdout = FALSE, stderr = FALSE)
if (status != 0) stop("R CMD INSTALL failed; run it by hand to see why.")
# processx (loaded by the tests that start R processes through callr)
# reaps every child on SIGCHLD unless told to pass the signal on: then the
# children of later forking tests were gone before parallel could wait for
# them, and R printed "Error while shutting down parallel: unable to
# terminate some child processes" after the totals, 10 s late.
Sys.setenv(PROCESSX_NOTIFY_OLD_SIGCHLD = "true")
# Run everything, snapshots included (testthat skips them "on CRAN").
Sys.setenv(NOT_CRAN = "true")
# Worker processes of the parallel test find the package through R_LIBS.
Sys.setenv(R_LIBS = paste(c(library_dir, .libPaths()), collapse = .Platform$path.sep))
.libPaths(c(library_dir, .libPaths()))

results <- as.data.frame(testthat::test_dir(
  "tests/testthat", package = "myelorelief", load_package = "installed",
  reporter = testthat::ProgressReporter$new(show_praise = FALSE),
  stop_on_failure = FALSE))
# Forked children a test left behind (none should be) are stopped here, so
# that parallel's clean-up at exit has nothing to report after the totals.
if ("parallel" %in% loadedNamespaces() && .Platform$OS.type == "unix") {
  children <- get("children", asNamespace("parallel"))()
  if (length(children)) {
    message(sprintf("Stopping %d forked process(es) left by the tests.", length(children)))
    get("mckill", asNamespace("parallel"))(children, tools::SIGKILL)
    parallel::mccollect(children, wait = FALSE, timeout = 1)
  }
}
passed <- sum(results$passed)
failed <- sum(results$failed) + sum(results$error)
skipped <- sum(results$skipped)
cat(sprintf("%d passed, %d failed%s\n", passed, failed,
            if (skipped > 0) sprintf(", %d skipped", skipped) else ""))
quit(status = if (failed > 0) 1 else 0)
