# tabulate_cohort(x, by = "hospital", data = d) against the table alone
# (issue 21, row 3), in one process, alternating rounds, medians:
#   table:      tabulate_cohort(x, by = "hospital")
#   data_same:  data = d, the data frame x was classified from (proven by
#               the vectors x keeps: identical() on the same vectors)
#   data_copy:  data = a copy of d whose measurement columns are new
#               vectors equal in every bit (identical() compares them)
#   data_full:  data = d beside a cohort without its kept vectors (as one
#               read back from a file): the full check, re-classifying
# Synthetic data: the package's cohort resampled (hypothetical patients).
# Usage: Rscript bench/data-proof.R [rows] [rounds]   (default 1e7, 7)
args <- commandArgs(trailingOnly = TRUE)
rows <- if (length(args) >= 1) as.numeric(args[1]) else 1e7
rounds <- if (length(args) >= 2) as.numeric(args[2]) else 7
suppressMessages(library(myelorelief))
set.seed(21)
d <- myelography[sample(nrow(myelography), rows, replace = TRUE), ]
rownames(d) <- NULL
x <- classify_cohort(d)
bare <- x
attr(bare, "classified_from") <- NULL
measured <- c(attr(x, "source")$pre, attr(x, "source")$post)
copy <- d
copy[measured] <- lapply(d[measured], function(v) v[seq_along(v)])
whole <- tabulate_cohort(x, by = "hospital")
stopifnot(identical(tabulate_cohort(x, by = "hospital", data = d), whole),
          identical(tabulate_cohort(x, by = "hospital", data = copy), whole),
          identical(tabulate_cohort(bare, by = "hospital", data = d), whole))
variants <- list(
  table = function() tabulate_cohort(x, by = "hospital"),
  data_same = function() tabulate_cohort(x, by = "hospital", data = d),
  data_copy = function() tabulate_cohort(x, by = "hospital", data = copy),
  data_full = function() tabulate_cohort(bare, by = "hospital", data = d))
times <- matrix(NA_real_, rounds, length(variants),
                dimnames = list(NULL, names(variants)))
for (r in seq_len(rounds)) {
  for (v in names(variants)) {
    times[r, v] <- system.time(variants[[v]]())[["elapsed"]]
  }
}
cat(sprintf("%s rows, %d alternating rounds, threads %d, load %s\n",
            format(rows, big.mark = ","), rounds, myelorelief_threads(),
            paste(readLines("/proc/loadavg", warn = FALSE), collapse = "")))
cat("medians (ms):\n")
print(round(apply(times, 2, stats::median) * 1000))
for (v in names(variants)[-1L]) {
  cat(sprintf("%s / table: %.2f (median of per-round ratios)\n", v,
              stats::median(times[, v] / times[, "table"])))
}
