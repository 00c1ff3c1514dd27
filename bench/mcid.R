# Benchmark of estimate_mcid(): 10^6 patients, 2,000 bootstrap resamples,
# one thread. Target: under 10 s. Compared with the ROC "best" cut-off of
# pROC (roc() + coords(, "best")) looped over resamples where pROC is
# installed, and always with a vectorised plain-R sweep (sort, cumsum),
# both timed on a few resamples and scaled to 2,000.
# Run from the package root, with the package installed:
#   Rscript bench/mcid.R
# Prints the table and writes bench/RESULTS-mcid.md. Nothing is asserted.
if (!requireNamespace("myelorelief", quietly = TRUE)) {
  stop("install the package first: R CMD INSTALL .")
}
suppressPackageStartupMessages(library(myelorelief))
myelorelief_threads(1)
has_proc <- requireNamespace("pROC", quietly = TRUE)
n <- 1e6
B <- 2000
rounds <- 3                      # timed repetitions (medians)
few <- 3                         # resamples timed for the slow comparators

# ---- data -------------------------------------------------------------------
# 0-10 pain scores (2% missing), and a synthetic five-level anchor that
# follows the fall in pain with noise.
set.seed(2016)
pre <- sample(1:10, n, replace = TRUE) + 0
post <- pmin(10, pmax(0, pre - rbinom(n, 6, 0.3) + sample(-2:1, n, replace = TRUE)))
pre[runif(n) < 0.02] <- NA
perceived <- (pre - post) + rnorm(n)
anchor <- cut(perceived, c(-Inf, -2.5, -0.8, 2, 3.5, Inf),
              labels = c("much worse", "a little worse", "about the same",
                         "a little better", "much better"))
improved <- c("a little better", "much better")
# A continuous measure (100 mm VAS to 0.1 mm): about 2,000 distinct changes
# in points and most patients with a change of their own in percent.
vas_pre <- round(runif(n, 1, 100), 1)
vas_post <- pmin(100, pmax(0, round(vas_pre - rnorm(n, 10, 15), 1)))
vas_anchor <- (vas_pre - vas_post) + rnorm(n, sd = 10) > 15

median_time <- function(expr, times = rounds, env = parent.frame()) {
  expr <- substitute(expr)
  stats::median(vapply(seq_len(times), function(i) {
    gc(FALSE)
    system.time(eval(expr, env))[["elapsed"]]
  }, numeric(1)))
}

results <- list()
record <- function(case, method, seconds, note = "") {
  results[[length(results) + 1L]] <<- data.frame(case = case, method = method,
                                                 seconds = seconds, note = note)
  cat(sprintf("%-34s %-44s %9.3f s  %s\n", case, method, seconds, note))
}

# The change and improvement as estimate_mcid() uses them (for comparators).
used <- !is.na(pre) & !is.na(post) & !is.na(anchor)
change <- (pre - post)[used]
flag <- (anchor %in% improved)[used]

# One resample's Youden cut-off by a vectorised plain-R sweep.
r_sweep <- function(x, y) {
  o <- order(x)
  x <- x[o]
  y <- y[o]
  last <- c(x[-1] != x[-length(x)], TRUE)        # last of each distinct value
  first_index <- c(1, which(last)[-sum(last)] + 1)
  below1 <- c(0, cumsum(y))[first_index]
  below0 <- c(0, cumsum(!y))[first_index]
  n1 <- sum(y)
  n0 <- length(y) - n1
  j <- (n1 - below1) / n1 + below0 / n0 - 1
  x[first_index][which.max(j)]
}
proc_best <- function(x, y) {
  r <- pROC::roc(controls = x[!y], cases = x[y], direction = "<", quiet = TRUE)
  pROC::coords(r, "best", best.method = "youden", ret = "threshold")
}

# ---- timings ----------------------------------------------------------------
floor_s <- median_time(sum(pre, na.rm = TRUE) + sum(post, na.rm = TRUE))
record("read floor", "sum(pre, na.rm) + sum(post, na.rm)", floor_s)

t0 <- median_time(estimate_mcid(pre, post, anchor, improved, boot = 0))
record("0-10 scores, points", "estimate_mcid(boot = 0)", t0)
tb <- median_time({ set.seed(1); estimate_mcid(pre, post, anchor, improved, boot = B) })
record("0-10 scores, points", "estimate_mcid(boot = 2000)", tb)
tp <- median_time({ set.seed(1); estimate_mcid(pre, post, anchor, improved, boot = B,
                                               scale = "percent") })
record("0-10 scores, percent", "estimate_mcid(boot = 2000)", tp)

t_r <- median_time({
  set.seed(1)
  for (b in seq_len(few)) { i <- sample.int(length(change), replace = TRUE); r_sweep(change[i], flag[i]) }
}, times = 1) / few
record("0-10 scores, points", "plain-R sweep x 2000 (scaled)", t_r * B,
       sprintf("%.2f s per resample", t_r))
if (has_proc) {
  t_proc <- median_time({
    set.seed(1)
    for (b in seq_len(few)) { i <- sample.int(length(change), replace = TRUE); proc_best(change[i], flag[i]) }
  }, times = 1) / few
  record("0-10 scores, points", "pROC roc() + coords('best') x 2000 (scaled)",
         t_proc * B, sprintf("%.2f s per resample", t_proc))
}

m_v <- estimate_mcid(vas_pre, vas_post, vas_anchor, boot = 0, range = c(0, 100))
tv <- median_time({ set.seed(1); estimate_mcid(vas_pre, vas_post, vas_anchor, boot = B,
                                               range = c(0, 100)) })
record("VAS to 0.1 mm, points", "estimate_mcid(boot = 2000)", tv,
       sprintf("%s distinct changes", format(nrow(m_v$roc), big.mark = ",")))
# Percent: most patients have a change of their own, so each resample draws
# patient by patient (stress case; timed on a few resamples, scaled).
vas_few <- 40
tv0 <- median_time(estimate_mcid(vas_pre, vas_post, vas_anchor, boot = 0,
                                 range = c(0, 100), scale = "percent"))
tvp <- median_time({ set.seed(1); estimate_mcid(vas_pre, vas_post, vas_anchor, boot = vas_few,
                                                range = c(0, 100), scale = "percent") },
                   times = 1)
m_vp <- estimate_mcid(vas_pre, vas_post, vas_anchor, boot = 0, range = c(0, 100),
                      scale = "percent")
record("VAS to 0.1 mm, percent", sprintf("estimate_mcid(boot = %d) scaled to 2000", vas_few),
       tv0 + (tvp - tv0) / vas_few * B,
       sprintf("%s distinct changes; %.0f ms per resample", format(nrow(m_vp$roc), big.mark = ","),
               1000 * (tvp - tv0) / vas_few))

# ---- agreement --------------------------------------------------------------
m <- estimate_mcid(pre, post, anchor, improved, boot = 0)
agree <- c(plain_r = r_sweep(change, flag) == m$estimate)
if (has_proc) {
  best <- proc_best(change, flag)$threshold
  agree <- c(agree, pROC = min(change[change > min(best)]) == m$estimate)
}
mem <- if (requireNamespace("bench", quietly = TRUE)) {
  suppressWarnings(bench::mark({ set.seed(1); estimate_mcid(pre, post, anchor, improved, boot = B) },
                              iterations = 1, check = FALSE)$mem_alloc)
} else NA

# ---- report -----------------------------------------------------------------
res <- do.call(rbind, results)
target <- tb < 10
lines <- c(
  "# estimate_mcid() benchmark",
  "",
  sprintf("Written by `bench/mcid.R` on %s. Machine: %s, %d cores; %s; myelorelief %s%s. One thread (`myelorelief_threads(1)`; the ROC code is serial anyway). Times are medians of %d runs unless marked scaled: the slow comparators are timed on %d resamples and multiplied up.",
          format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), R.version$arch,
          parallel::detectCores(), R.version.string, packageVersion("myelorelief"),
          if (has_proc) paste0(", pROC ", packageVersion("pROC")) else ", pROC not installed",
          rounds, few),
  "",
  "## Target",
  "",
  "| target | measured | met |",
  "|---|---|---|",
  sprintf("| 10^6 patients (0-10 scores), 2,000 resamples, under 10 s on one thread | %.2f s | %s |",
          tb, if (target) "yes" else "**no**"),
  "",
  "## Measurements",
  "",
  "| case | method | seconds | note |",
  "|---|---|---|---|",
  sprintf("| %s | %s | %.3f | %s |", res$case, res$method, res$seconds, res$note),
  "",
  sprintf("* Speed-up at 2,000 resamples on 0-10 scores: %.0fx the plain-R sweep%s.",
          res$seconds[res$method == "plain-R sweep x 2000 (scaled)"] / tb,
          if (has_proc) sprintf(", %.0fx pROC", t_proc * B / tb) else ""),
  sprintf("* Same cut-off as %s on the full data: %s.", paste(names(agree), collapse = " and "),
          if (all(agree)) "yes" else "**no**"),
  sprintf("* Memory allocated by R for the 2,000-resample call: %s.", format(mem)))
cat("\n", paste(lines, collapse = "\n"), "\n", sep = "")
writeLines(lines, file.path("bench", "RESULTS-mcid.md"))
