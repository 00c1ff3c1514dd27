# Sparse crossed strata and the four-hospital case, measured side by side.
# Run from the package root after installing it:  Rscript bench/sparse-strata.R
# Optionally pass the library of another build to compare with it (for
# example version 0.1.0):  Rscript bench/sparse-strata.R /tmp/lib-old
# Each measurement runs in a fresh child process so that its peak resident
# memory (VmHWM) is its own; the medians of the repeats are printed.
# Nothing here is a test: no time is asserted.

args <- commandArgs(TRUE)
libs <- c(new = "", if (length(args)) c(old = args[1]))
rscript <- file.path(R.home("bin"), "Rscript")

child <- function(lib, code) {
  script <- tempfile(fileext = ".R")
  writeLines(c(
    if (nzchar(lib)) sprintf(".libPaths(c('%s', .libPaths()))", lib),
    "suppressPackageStartupMessages(library(myelorelief))",
    "set.seed(1)",
    code,
    "hwm <- grep('VmHWM', readLines('/proc/self/status'), value = TRUE)",
    "cat(elapsed, as.numeric(gsub('[^0-9]', '', hwm)) / 1024, '\\n')"), script)
  # one thread: the other core of these machines is often busy, which made
  # two-thread timings bimodal
  out <- system2(rscript, c("--vanilla", script), stdout = TRUE,
                 env = "OMP_NUM_THREADS=1")
  as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
}

cases <- list(
  "10^6 rows, 2 character strata of 10^6 values, drop = TRUE" = c(
    "n <- 1e6",
    "pool <- sprintf('c%07d', seq_len(1e6))",
    "d <- data.frame(a = sample(pool, n, TRUE), b = sample(pool, n, TRUE),",
    "  lbp_pre = sample(c(0:10, NA), n, TRUE), lbp_post = sample(c(0:10, NA), n, TRUE))",
    "co <- classify_cohort(d, study_rules()['lbp'])",
    "elapsed <- system.time(tab <- tabulate_cohort(co, by = c('a', 'b'), drop = TRUE))[['elapsed']]",
    "stopifnot(sum(tab$n[tab$symptom == 'lbp' & tab$a != '(all)']) == n)"),
  "10^7 rows, 4 symptoms, by hospital" = c(
    "n <- 1e7",
    "d <- data.frame(hospital = factor(sample(LETTERS[1:4], n, TRUE)))",
    "for (s in c('lbp', 'leg_pain', 'numbness')) {",
    "  d[[paste0(s, '_pre')]] <- sample(0:10, n, TRUE); d[[paste0(s, '_post')]] <- sample(0:10, n, TRUE) }",
    "d$claudication_pre <- round(rexp(n, 1 / 300)); d$claudication_post <- round(rexp(n, 1 / 300))",
    "co <- classify_cohort(d)",
    "tab <- function() if ('data' %in% names(formals(tabulate_cohort)) && !'drop' %in% names(formals(tabulate_cohort))) tabulate_cohort(co, by = 'hospital', data = d) else tabulate_cohort(co, by = 'hospital')",
    "times <- replicate(7, system.time(tab())[['elapsed']])",
    "elapsed <- median(times)"))

for (name in names(cases)) {
  for (build in names(libs)) {
    if (build == "old" && grepl("drop = TRUE", name)) next   # 0.1.0 cannot
    runs <- t(replicate(5, child(libs[[build]], cases[[name]])))
    cat(sprintf("%-62s %-4s median %.3f s, peak RSS %.0f MB (runs: %s s)\n", name,
                build, median(runs[, 1]), median(runs[, 2]),
                paste(sprintf("%.3f", runs[, 1]), collapse = ", ")))
  }
}
