# Weighted against unweighted tabulate_cohort() (issue 23): 10^7 patients,
# four symptoms (and "any"), by hospital (a factor), on 1 and 2 threads;
# beside them the read floor of the unweighted count (sum(na.rm = TRUE) of
# the 6 integer columns it reads, as in bench/run.R) and collapse::qtab()
# per class column (issue 21), when collapse is installed.
# Synthetic data (random scores, random weights), not the study's.
# Run from the package root, after installing:  Rscript bench/weights.R
# Medians of calls timed in alternation (plain, weighted, plain, ...) in one
# process, so that a slow spell of the shared machine hits both alike.
suppressPackageStartupMessages(library(myelorelief))
m <- as.numeric(Sys.getenv("BENCH_N", "1e7"))
rounds <- as.integer(Sys.getenv("BENCH_ROUNDS", "7"))
source(file.path("bench", "weights-data.R"))
cohort <- weighted_bench_cohort(m)

timed <- function(expr) {
  start <- proc.time()[["elapsed"]]
  force(expr)
  proc.time()[["elapsed"]] - start
}
old <- myelorelief_threads()
cat(sprintf("n = %g, load average before: %s\n", m,
            paste(readLines("/proc/loadavg"), collapse = "")))
counted <- c("hospital", "lbp", "leg_pain", "numbness", "claudication", "patient_class")
ints <- lapply(counted, function(v) { x <- unclass(cohort[[v]]); attributes(x) <- NULL; x })
has_qtab <- requireNamespace("collapse", quietly = TRUE)
rows <- list()
for (threads in c(1L, 2L)) {
  myelorelief_threads(threads)
  tabulate_cohort(cohort, by = "hospital")                    # warm-up
  tabulate_cohort(cohort, by = "hospital", weights = "w")
  times <- matrix(NA_real_, rounds, 5,
                  dimnames = list(NULL, c("unweighted", "weighted", "max_w", "floor", "qtab")))
  for (r in seq_len(rounds)) {
    times[r, 1] <- timed(tabulate_cohort(cohort, by = "hospital"))
    times[r, 2] <- timed(tabulate_cohort(cohort, by = "hospital", weights = "w"))
    # the floor of reading the weights once more: one pass over 8 * n bytes
    times[r, 3] <- timed(max(cohort$w))
    times[r, 4] <- timed(for (x in ints) sum(x, na.rm = TRUE))
    if (has_qtab && threads == 1L)
      times[r, 5] <- timed(for (v in counted[-1L])
        collapse::qtab(cohort$hospital, cohort[[v]], na.exclude = FALSE))
  }
  med <- apply(times, 2, stats::median) * 1e3
  rows[[threads]] <- data.frame(threads = threads, unweighted_ms = med[[1]],
                                weighted_ms = med[[2]], ratio = med[[2]] / med[[1]],
                                max_of_weights_ms = med[[3]], floor_ms = med[[4]],
                                unweighted_vs_floor = med[[1]] / med[[4]],
                                qtab_ms = med[[5]], qtab_vs_unweighted = med[[5]] / med[[1]])
}
myelorelief_threads(old)
out <- do.call(rbind, rows)
print(out, digits = 3, row.names = FALSE)
cat(sprintf("load average after: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))
