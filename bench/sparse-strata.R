# Sparse crossed strata (issue 21, row 1) and the four-hospital case.
# Run from the package root after installing it:  Rscript bench/sparse-strata.R
# Optionally pass a library holding another build renamed myelorelief0 (for
# example the build before issue 21) to alternate with it as well:
#   Rscript bench/sparse-strata.R /tmp/lib-old
#
# Sparse strata: 10^6 rows, by = c("a", "b"), two character columns drawn
# from 10^6 distinct strings (~632,000 distinct in each), drop = TRUE.
#   1. Time, side by side in one process: rounds that alternate (in a
#      rotating order) data.table's [, .N, by = .(a, b)], collapse::GRP() of
#      the two columns and tabulate_cohort() (and the other build's, when
#      given); medians of elapsed and of CPU time (user + system: the VM is
#      shared, and elapsed time includes waiting for a core), and medians of
#      the per-round ratios. One thread, then two (myelorelief_threads(),
#      setDTthreads()). The counts are checked equal first.
#   2. Memory: bench::mark()'s mem_alloc (R's allocations) in that process,
#      and in a fresh process per contender the growth of peak RSS over the
#      resident size after making the data (VmHWM reset through
#      /proc/self/clear_refs): what the call itself needs, wherever it
#      allocates (data.table allocates in C, which mem_alloc does not see).
# Nothing here is a test: no time is asserted.

args <- commandArgs(TRUE)
old_lib <- if (length(args)) args[1] else ""
rscript <- file.path(R.home("bin"), "Rscript")
rounds <- as.integer(Sys.getenv("SPARSE_ROUNDS", "7"))
rss_repeats <- as.integer(Sys.getenv("SPARSE_RSS_REPEATS", "3"))
with_hospital <- Sys.getenv("SPARSE_SKIP_HOSPITAL") != "1"

make_sparse <- c(
  "set.seed(1)",
  "n <- 1e6",
  "pool <- sprintf('c%07d', seq_len(1e6))",
  "d <- data.frame(a = sample(pool, n, TRUE), b = sample(pool, n, TRUE),",
  "  lbp_pre = sample(c(0:10, NA), n, TRUE), lbp_post = sample(c(0:10, NA), n, TRUE))",
  "co <- classify_cohort(d, study_rules()['lbp'])")

contender_code <- list(
  data.table = "dt <- data.table::as.data.table(d[c('a', 'b')]); f <- function() dt[, .N, by = .(a, b)]",
  GRP = "f <- function() collapse::GRP(list(a = d$a, b = d$b))",
  tabulate_cohort = "f <- function() tabulate_cohort(co, by = c('a', 'b'), drop = TRUE)")

# ---- 1. time, alternating, in this process --------------------------------
suppressPackageStartupMessages({
  library(myelorelief)
  library(data.table)
})
eval(parse(text = make_sparse))
dt <- data.table::as.data.table(d[c("a", "b")])
contenders <- list(
  data.table = function() dt[, .N, by = .(a, b)],
  GRP = function() collapse::GRP(list(a = d$a, b = d$b)),
  tabulate_cohort = function() tabulate_cohort(co, by = c("a", "b"), drop = TRUE))
if (nzchar(old_lib)) {
  # The other build, installed under the name myelorelief0 (DESCRIPTION's
  # Package, NAMESPACE's useDynLib and R_init_ renamed), so that both load
  # into this process and alternate.
  # (its S3 methods, the same code, then mask this build's: say nothing)
  suppressMessages(loadNamespace("myelorelief0", lib.loc = old_lib))
  co0 <- myelorelief0::classify_cohort(d, myelorelief0::study_rules()["lbp"])
  contenders$before <- function() {
    myelorelief0::tabulate_cohort(co0, by = c("a", "b"), drop = TRUE)
  }
}

# the same counts: data.table's N per (a, b), GRP's group sizes and the
# table's n (its lbp rows without the overall row)
tab <- contenders$tabulate_cohort()
cells <- as.data.frame(tab)[tab$a != "(all)", c("a", "b", "n")]
by_dt <- contenders$data.table()
data.table::setorder(by_dt, a, b)
cells <- cells[order(as.character(cells$a), as.character(cells$b), method = "radix"), ]
stopifnot(nrow(cells) == nrow(by_dt),
          identical(as.character(cells$a), by_dt$a),
          identical(as.character(cells$b), by_dt$b),
          identical(cells$n, as.double(by_dt$N)),
          identical(sort(as.double(contenders$GRP()$group.sizes)), sort(cells$n)))
if (!is.null(contenders$before)) {
  stopifnot(identical(as.data.frame(contenders$before()),
                      as.data.frame(contenders$tabulate_cohort())))
}
rm(tab, cells, by_dt)

cpu <- function(f) {
  gc(FALSE)
  t <- system.time(f())
  c(elapsed = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}
alternate <- function(threads) {
  myelorelief_threads(threads)
  data.table::setDTthreads(threads)
  names <- names(contenders)
  elapsed <- cpu_time <- matrix(NA_real_, rounds, length(names),
                                dimnames = list(NULL, names))
  for (r in seq_len(rounds)) {
    turn <- names[(seq_along(names) + r - 2L) %% length(names) + 1L]
    for (name in turn) {
      t <- cpu(contenders[[name]])
      elapsed[r, name] <- t[["elapsed"]]
      cpu_time[r, name] <- t[["cpu"]]
    }
  }
  myelorelief_threads(Inf)
  data.table::setDTthreads(0)
  data.frame(threads = threads, contender = names,
             median_elapsed_s = apply(elapsed, 2, median),
             median_cpu_s = apply(cpu_time, 2, median),
             # > 1: tabulate_cohort() faster
             ratio_elapsed = apply(elapsed / elapsed[, "tabulate_cohort"], 2, median),
             ratio_cpu = apply(cpu_time / cpu_time[, "tabulate_cohort"], 2, median),
             row.names = NULL)
}
timing <- do.call(rbind, lapply(c(1, 2), alternate))

# bench::mark()'s mem_alloc, one call each
mem <- vapply(contenders, function(f) {
  as.numeric(bench::mark(f(), iterations = 1, check = FALSE,
                         filter_gc = FALSE)$mem_alloc) / 2^20
}, numeric(1))

# ---- 2. peak RSS growth, a fresh process per contender ---------------------
peak_growth <- function(name, threads) {
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "suppressPackageStartupMessages(library(myelorelief))",
    make_sparse,
    contender_code[[name]],
    "status <- function(field) as.numeric(gsub('[^0-9]', '', grep(field, readLines('/proc/self/status'), value = TRUE))) / 1024",
    "invisible(gc())",
    "cat('5', file = '/proc/self/clear_refs')",
    "before <- status('VmRSS')",
    "elapsed <- system.time(x <- f())[['elapsed']]",
    "cat(elapsed, status('VmHWM') - before, '\\n')"), script)
  out <- system2(rscript, c("--vanilla", script), stdout = TRUE,
                 env = sprintf("OMP_NUM_THREADS=%d", threads))
  as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
}
rss <- do.call(rbind, lapply(c(1, 2), function(threads) {
  do.call(rbind, lapply(names(contender_code), function(name) {
    runs <- t(replicate(rss_repeats, peak_growth(name, threads)))
    data.frame(threads = threads, contender = name, runs = rss_repeats,
               fresh_elapsed_s = median(runs[, 1]),
               peak_rss_growth_mb = median(runs[, 2]))
  }))
}))

cat("\n## Sparse strata: 10^6 rows, two character strata of ~632,000 values, drop = TRUE\n\n")
cat(sprintf("%d alternating rounds per thread count; ratio = contender / tabulate_cohort (> 1: tabulate_cohort faster)\n\n", rounds))
print(format(timing, digits = 3), row.names = FALSE)
cat("\nbench::mark mem_alloc (MB):", paste(sprintf("%s %.1f", names(mem), mem), collapse = ", "), "\n\n")
cat("Fresh processes, medians: first-call time and peak RSS growth over the data\n")
print(format(rss, digits = 3), row.names = FALSE)

# ---- the four-hospital case (a dense grid: the direct counting kernel) -----
child <- function(lib, code) {
  script <- tempfile(fileext = ".R")
  writeLines(c(
    if (nzchar(lib)) sprintf(".libPaths(c('%s', .libPaths()))", lib),
    "suppressPackageStartupMessages(library(myelorelief))",
    "set.seed(1)",
    code,
    "hwm <- grep('VmHWM', readLines('/proc/self/status'), value = TRUE)",
    "cat(elapsed, as.numeric(gsub('[^0-9]', '', hwm)) / 1024, '\\n')"), script)
  out <- system2(rscript, c("--vanilla", script), stdout = TRUE,
                 env = "OMP_NUM_THREADS=1")
  as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
}
hospital <- c(
  "n <- 1e7",
  "d <- data.frame(hospital = factor(sample(LETTERS[1:4], n, TRUE)))",
  "for (s in c('lbp', 'leg_pain', 'numbness')) {",
  "  d[[paste0(s, '_pre')]] <- sample(0:10, n, TRUE); d[[paste0(s, '_post')]] <- sample(0:10, n, TRUE) }",
  "d$claudication_pre <- round(rexp(n, 1 / 300)); d$claudication_post <- round(rexp(n, 1 / 300))",
  "co <- classify_cohort(d)",
  "times <- replicate(7, system.time(tabulate_cohort(co, by = 'hospital'))[['elapsed']])",
  "elapsed <- median(times)")
cat("\n")
for (build in if (with_hospital) "new") {
  runs <- t(replicate(3, child("", hospital)))
  cat(sprintf("10^7 rows, 4 symptoms, by hospital, %-4s median %.3f s, peak RSS %.0f MB\n",
              build, median(runs[, 1]), median(runs[, 2])))
}
