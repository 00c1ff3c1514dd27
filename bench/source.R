# Peak memory and time of tabulate_source() streaming an SQLite table in
# chunks, against loading the table whole (dbReadTable() + classify_cohort()
# + tabulate_cohort()). Each variant runs in a child R process that reports
# its peak resident set (VmHWM of /proc/self/status) and elapsed time.
# Then the same for a CSV file (csv_bench() below): the package's own CSV
# reader against the earlier line reader and one whole fread() +
# classify_cohort() + tabulate_cohort(), side by side in one process, and
# peak memory in fresh processes.
# Usage: Rscript bench/source.R [rows] [chunk_rows] [sqlite|csv|both]
#   (default 1e7, 1e6, both)
# The package must be installed where the children find it (R_LIBS).
args <- commandArgs(trailingOnly = TRUE)
rows <- if (length(args) >= 1) as.numeric(args[1]) else 1e7
chunk <- if (length(args) >= 2) as.numeric(args[2]) else 1e6
which_bench <- if (length(args) >= 3) args[3] else "both"
db <- file.path(tempdir(), sprintf("registry-%.0f.sqlite", rows))

sqlite_bench <- function() {
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
}

# ---- CSV (issue 21) --------------------------------------------------------
# A CSV file of `rows` rows (the cohort resampled, as the SQLite table), by
# data.table::fwrite() in blocks. In one process, alternating rounds:
#   native: tabulate_source(path, by = "hospital", chunk_rows = chunk)
#   lines:  the same with options(myelorelief.csv_reader = "fread"), the
#           earlier reader (readLines() -> fread(text =)), only up to
#           `lines_max` rows (it is slow);
#   whole:  fread() of the whole file + classify_cohort() + tabulate_cohort()
#           (the floor the issue names).
# Medians of per-round ratios. Then peak RSS (/usr/bin/time -v, maximum
# resident set) of native and whole, each in a fresh Rscript.
csv_bench <- function(rounds = 3, lines_max = 2e6) {
  suppressMessages(library(myelorelief))
  path <- file.path(tempdir(), sprintf("registry-%.0f.csv", rows))
  set.seed(14)
  cols <- c("hospital", "sex", "lbp_pre", "lbp_post", "leg_pain_pre",
            "leg_pain_post", "numbness_pre", "numbness_post",
            "claudication_pre", "claudication_post")
  for (start in seq(1, rows, by = 1e6)) {
    n <- min(1e6, rows - start + 1)
    part <- myelography[sample(nrow(myelography), n, replace = TRUE), cols]
    data.table::fwrite(part, path, append = start > 1)
  }
  on.exit(unlink(path))
  variants <- list(
    native = function() {
      options(myelorelief.csv_reader = NULL)
      tabulate_source(path, by = "hospital", chunk_rows = chunk)
    },
    lines = function() {
      options(myelorelief.csv_reader = "fread")
      on.exit(options(myelorelief.csv_reader = NULL))
      tabulate_source(path, by = "hospital", chunk_rows = chunk)
    },
    whole = function() {
      data <- data.table::fread(path, data.table = FALSE, showProgress = FALSE)
      tabulate_cohort(classify_cohort(data), by = "hospital")
    })
  if (rows > lines_max) variants$lines <- NULL
  first <- lapply(variants, function(f) f())
  if (!is.null(first$lines)) stopifnot(identical(first$native, first$lines))
  stopifnot(identical(first$native$n, first$whole$n))
  times <- matrix(NA_real_, rounds, length(variants),
                  dimnames = list(NULL, names(variants)))
  for (r in seq_len(rounds)) {
    for (v in names(variants)) {
      gc()
      times[r, v] <- system.time(variants[[v]]())[["elapsed"]]
    }
  }
  cat(sprintf("\nCSV: %s rows (%.0f MB), chunk_rows %s, %d alternating rounds, data.table threads %d, load %s\n",
              format(rows, big.mark = ","), file.size(path) / 2^20,
              format(chunk, big.mark = ","), rounds, data.table::getDTthreads(),
              paste(readLines("/proc/loadavg", warn = FALSE), collapse = "")))
  print(times)
  cat("medians (s):\n")
  print(apply(times, 2, stats::median))
  cat(sprintf("native / whole: %.2f (median of per-round ratios)\n",
              stats::median(times[, "native"] / times[, "whole"])))
  if ("lines" %in% colnames(times)) {
    cat(sprintf("native / lines: %.2f\n",
                stats::median(times[, "native"] / times[, "lines"])))
  }
  if (file.exists("/usr/bin/time")) {
    peak <- function(code) {
      script <- tempfile(fileext = ".R")
      writeLines(c("suppressMessages(library(myelorelief))",
                   sprintf("path <- %s; chunk <- %.0f", deparse(path), chunk), code),
                 script)
      out <- system2("/usr/bin/time", c("-v", file.path(R.home("bin"), "Rscript"), script),
                     stdout = TRUE, stderr = TRUE)
      kb <- as.numeric(sub(".*: ", "", grep("Maximum resident", out, value = TRUE)))
      kb / 1024
    }
    codes <- c(
      baseline = "invisible(data.table::fread); loadNamespace('future.apply'); loadNamespace('progressr')",
      native = "invisible(tabulate_source(path, by = 'hospital', chunk_rows = chunk))",
      whole = paste("d <- data.table::fread(path, data.table = FALSE, showProgress = FALSE);",
                    "invisible(tabulate_cohort(classify_cohort(d), by = 'hospital'))"))
    mb <- vapply(codes, function(code) stats::median(replicate(2, peak(code))), 0)
    cat("peak RSS (MB, /usr/bin/time -v, median of 2 fresh processes):\n")
    print(round(mb))
  }
}

if (which_bench %in% c("sqlite", "both")) sqlite_bench()
if (which_bench %in% c("csv", "both")) csv_bench()
