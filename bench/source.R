# Peak memory and time of tabulate_source() streaming an SQLite table in
# chunks, against loading the table whole (dbReadTable() + classify_cohort()
# + tabulate_cohort()). Each variant runs in a child R process that reports
# its peak resident set (VmHWM of /proc/self/status) and elapsed time.
# Usage: Rscript bench/source.R [rows] [chunk_rows]   (default 1e7 and 1e6)
# The package must be installed where the children find it (R_LIBS).
args <- commandArgs(trailingOnly = TRUE)
rows <- if (length(args) >= 1) as.numeric(args[1]) else 1e7
chunk <- if (length(args) >= 2) as.numeric(args[2]) else 1e6
db <- file.path(tempdir(), sprintf("registry-%.0f.sqlite", rows))

# A synthetic registry: the package's cohort resampled with noise, written
# in blocks of 10^6 rows so that building it never holds the whole table.
build <- function() {
  library(myelorelief)
  con <- DBI::dbConnect(RSQLite::SQLite(), db)
  on.exit(DBI::dbDisconnect(con))
  set.seed(14)
  block <- 1e6
  for (start in seq(1, rows, by = block)) {
    n <- min(block, rows - start + 1)
    i <- sample(nrow(myelography), n, replace = TRUE)
    part <- myelography[i, c("hospital", "sex", "lbp_pre", "lbp_post",
                             "leg_pain_pre", "leg_pain_post", "numbness_pre",
                             "numbness_post", "claudication_pre",
                             "claudication_post")]
    part$hospital <- as.character(part$hospital)
    part$sex <- as.character(part$sex)
    DBI::dbWriteTable(con, "registry", part, append = start > 1)
  }
}
built <- system.time(build())[["elapsed"]]

child <- function(code) {
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "suppressMessages(library(myelorelief))",
    sprintf("db <- %s; chunk <- %.0f", deparse(db), chunk),
    "con <- DBI::dbConnect(RSQLite::SQLite(), db)",
    "t0 <- proc.time()[['elapsed']]",
    code,
    "elapsed <- proc.time()[['elapsed']] - t0",
    "status <- readLines('/proc/self/status')",
    "hwm <- as.numeric(gsub('[^0-9]', '', grep('^VmHWM', status, value = TRUE)))",
    "cat(sprintf('%.1f %.1f %.0f\\n', hwm / 1024, elapsed, sum(table$n[table$symptom == 'any' & table$hospital != '(all)'])))"),
    script)
  out <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE)
  as.numeric(strsplit(tail(out, 1), " ")[[1]])
}

variants <- list(
  # the packages loaded, nothing read
  baseline = paste("loadNamespace('future.apply'); loadNamespace('progressr');",
                   "table <- data.frame(n = 0, symptom = 'any', hospital = 'A')"),
  streamed = "table <- tabulate_source(con, table = 'registry', by = 'hospital', chunk_rows = chunk)",
  whole = paste("data <- DBI::dbReadTable(con, 'registry');",
                "table <- tabulate_cohort(classify_cohort(data), by = 'hospital')")
)
runs <- 3
results <- do.call(rbind, lapply(names(variants), function(v) {
  m <- do.call(rbind, lapply(seq_len(runs), function(r) child(variants[[v]])))
  data.frame(variant = v, peak_rss_mb = stats::median(m[, 1]),
             seconds = stats::median(m[, 2]), patients = m[1, 3])
}))
cat(sprintf("%s rows, chunks of %s, built in %.0f s; medians of %d child runs\n",
            format(rows, big.mark = ","), format(chunk, big.mark = ","), built, runs))
print(results, row.names = FALSE)
cat(sprintf("streamed / whole: peak RSS %.2f, time %.2f\n",
            results$peak_rss_mb[2] / results$peak_rss_mb[3],
            results$seconds[2] / results$seconds[3]))
stopifnot(results$patients[2] == rows, results$patients[3] == rows)
unlink(db)
