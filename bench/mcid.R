# Benchmark of estimate_mcid(): 10^6 patients, 2,000 bootstrap resamples,
# one thread. Target: under 10 s, also for a nearly continuous change (VAS
# in percent of baseline, ~250,000 distinct changes; issue 21). Compared with the ROC "best" cut-off of
# pROC (roc() + coords(, "best")) looped over resamples where pROC is
# installed, and always with a vectorised plain-R sweep (sort, cumsum),
# both timed on a few resamples and scaled to 2,000.
# Run from the package root, with the package installed:
#   Rscript bench/mcid.R
# With MCID_BEFORE_LIB=<library holding an earlier build> it also times that
# build against this one on the VAS-percent case, in fresh R processes
# (callr) taken in alternation, since one process cannot load two builds.
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
# patient by patient (the private generator); the full 2,000 resamples on
# one thread and on two, rounds alternating.
tv0 <- median_time(estimate_mcid(vas_pre, vas_post, vas_anchor, boot = 0,
                                 range = c(0, 100), scale = "percent"))
m_vp <- estimate_mcid(vas_pre, vas_post, vas_anchor, boot = 0, range = c(0, 100),
                      scale = "percent")
vas_percent <- function(threads) {
  myelorelief_threads(threads)
  gc(FALSE)
  t <- system.time({ set.seed(1); estimate_mcid(vas_pre, vas_post, vas_anchor, boot = B,
                                                range = c(0, 100), scale = "percent") })
  myelorelief_threads(1)
  c(elapsed = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}
vp <- lapply(seq_len(rounds), function(r) list(one = vas_percent(1), two = vas_percent(2)))
vp1 <- stats::median(vapply(vp, function(r) r$one[["elapsed"]], 0))
vp2 <- stats::median(vapply(vp, function(r) r$two[["elapsed"]], 0))
vp1_cpu <- stats::median(vapply(vp, function(r) r$one[["cpu"]], 0))
vp_ratio <- stats::median(vapply(vp, function(r) r$one[["elapsed"]] / r$two[["elapsed"]], 0))
record("VAS to 0.1 mm, percent", "estimate_mcid(boot = 2000), 1 thread", vp1,
       sprintf("%s distinct changes; %.1f ms per resample; CPU %.2f s",
               format(nrow(m_vp$roc), big.mark = ","), 1000 * (vp1 - tv0) / B, vp1_cpu))
record("VAS to 0.1 mm, percent", "estimate_mcid(boot = 2000), 2 threads", vp2,
       sprintf("1 thread / 2 threads, median of per-round ratios: %.2f", vp_ratio))

# Before and after on the VAS-percent case (optional).
before_lib <- Sys.getenv("MCID_BEFORE_LIB")
before_after <- NULL
if (nzchar(before_lib) && requireNamespace("callr", quietly = TRUE)) {
  few_b <- 40
  timed <- function(lib, boot) {
    callr::r(function(lib, boot) {
      suppressPackageStartupMessages(library(myelorelief, lib.loc = lib))
      myelorelief_threads(1)
      set.seed(2016)
      n <- 1e6
      pre <- round(runif(n, 1, 100), 1)
      post <- pmin(100, pmax(0, round(pre - rnorm(n, 10, 15), 1)))
      anchor <- (pre - post) + rnorm(n, sd = 10) > 15
      t0 <- system.time(estimate_mcid(pre, post, anchor, boot = 0, range = c(0, 100),
                                      scale = "percent"))[["elapsed"]]
      t1 <- system.time({ set.seed(1); estimate_mcid(pre, post, anchor, boot = boot,
                                                     range = c(0, 100), scale = "percent") })[["elapsed"]]
      c(t0 = t0, t1 = t1)
    }, args = list(lib = lib, boot = boot))
  }
  now_lib <- dirname(system.file(package = "myelorelief"))
  ba <- lapply(seq_len(rounds), function(r) {
    list(before = timed(before_lib, few_b), after = timed(now_lib, few_b))
  })
  per <- function(x) (x[["t1"]] - x[["t0"]]) / few_b
  before_ms <- 1000 * stats::median(vapply(ba, function(r) per(r$before), 0))
  after_ms <- 1000 * stats::median(vapply(ba, function(r) per(r$after), 0))
  ratio <- stats::median(vapply(ba, function(r) per(r$before) / per(r$after), 0))
  before_after <- sprintf(
    "* Before and after (VAS percent, one thread, %d resamples per run in fresh R processes, %d alternating rounds): %.1f ms per resample before (R's generator, `R_unif_index()`), %.1f ms after; median per-round ratio %.1fx; 2,000 resamples before, scaled: %.0f s.",
    few_b, rounds, before_ms, after_ms, ratio, before_ms * B / 1000)
  cat(before_after, "\n")
}

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
target_vas <- vp1 < 10
lines <- c(
  "# estimate_mcid() benchmark",
  "",
  sprintf("Written by `bench/mcid.R` on %s. Machine: %s, %d cores; %s; myelorelief %s%s. One thread (`myelorelief_threads(1)`) unless marked; times are elapsed (wall) seconds on a shared machine. Times are medians of %d runs unless marked scaled: the slow comparators are timed on %d resamples and multiplied up.",
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
  sprintf("| 10^6 patients (VAS percent, %s distinct changes), 2,000 resamples, under 10 s on one thread | %.2f s | %s |",
          format(nrow(m_vp$roc), big.mark = ","), vp1, if (target_vas) "yes" else "**no**"),
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
  sprintf("* Memory allocated by R for the 2,000-resample call: %s.", format(mem)),
  before_after)
cat("\n", paste(lines, collapse = "\n"), "\n", sep = "")
writeLines(lines, file.path("bench", "RESULTS-mcid.md"))
