# Benchmark of score_change(): 10^7 patients x 4 measures, one thread.
# Goal: under 1 s for the moments and quartiles; the Wilcoxon signed ranks
# (a sort per cell) may cost more and are reported separately.
# Compared side by side with base R (t.test(paired = TRUE) + quantile() +
# wilcox.test(paired = TRUE) per measure) and with data.table's grouped
# mean/sd/median (GForce, one thread).
# Run from the package root, with the package installed:
#   Rscript bench/score-change.R
# Prints the table and writes bench/RESULTS-score-change.md. Nothing is
# asserted. The data are hypothetical (generated below).
if (!requireNamespace("myelorelief", quietly = TRUE)) {
  stop("install the package first: R CMD INSTALL .")
}
suppressPackageStartupMessages(library(myelorelief))
myelorelief_threads(1)
has_dt <- requireNamespace("data.table", quietly = TRUE)
if (has_dt) data.table::setDTthreads(1)
n <- as.numeric(Sys.getenv("SCORE_BENCH_N", "1e7"))
rounds <- 3                         # timed repetitions (medians)
slow_rounds <- 1                    # for base R's wilcox.test (tens of seconds)

# ---- data (hypothetical) ----------------------------------------------------
# Three 0-10 pain scores (integers, 3% missing each) and a walking distance
# in metres (doubles, to 1 m), with a site stratum of 4 levels.
set.seed(2026)
nrs <- function(shift) {
  pre <- sample(0:10, n, TRUE)
  post <- pmin(10L, pmax(0L, pre - sample(-2:3, n, TRUE) + shift))
  pre[runif(n) < 0.03] <- NA
  post[runif(n) < 0.03] <- NA
  list(pre = pre, post = as.integer(post))
}
d <- list()
for (m in c("lbp", "leg_pain", "numbness")) {
  s <- nrs(sample(-1:1, 1))
  d[[paste0(m, "_pre")]] <- s$pre
  d[[paste0(m, "_post")]] <- s$post
}
walk_pre <- round(rlnorm(n, log(300), 0.6))
walk_post <- round(walk_pre * rlnorm(n, 0.1, 0.3))
walk_pre[runif(n) < 0.03] <- NA
d$walk_pre <- walk_pre
d$walk_post <- walk_post
d$site <- factor(sample(c("A", "B", "C", "D"), n, TRUE))
d <- list2DF(d)
rm(walk_pre, walk_post)
measures <- c("lbp", "leg_pain", "numbness", "walk")
nrs_rule <- alleviation_rule("decrease", min_change = 2, range = c(0, 10))
rules <- list(lbp = nrs_rule, leg_pain = nrs_rule, numbness = nrs_rule,
              walk = alleviation_rule("increase", min_relative = 0.3))

# Medians of elapsed and of CPU (user + system) seconds: on a shared,
# loaded machine the CPU time says more about the code than the wall clock.
median_time <- function(expr, times = rounds, env = parent.frame()) {
  expr <- substitute(expr)
  t <- vapply(seq_len(times), function(i) {
    gc(FALSE)
    st <- system.time(eval(expr, env))
    c(st[["elapsed"]], st[["user.self"]] + st[["sys.self"]])
  }, numeric(2))
  c(elapsed = stats::median(t[1, ]), cpu = stats::median(t[2, ]))
}

# ---- contenders -------------------------------------------------------------
floor_read <- function() {
  for (m in measures) {
    sum(d[[paste0(m, "_pre")]], na.rm = TRUE) + sum(d[[paste0(m, "_post")]], na.rm = TRUE)
  }
}
# The C pass alone, without signed ranks: moments and quartiles
kernel_moments <- function(ranks = FALSE, cell = NULL, n_cells = 1L) {
  for (m in measures) {
    .Call(myelorelief:::C_score_cells, d[[paste0(m, "_pre")]],
          d[[paste0(m, "_post")]], cell, as.integer(n_cells),
          rules[[m]]$direction == "increase", rules[[m]]$range, ranks)
  }
}
base_moments <- function() {
  for (m in measures) {
    pre <- d[[paste0(m, "_pre")]]
    post <- d[[paste0(m, "_post")]]
    ok <- !is.na(pre) & !is.na(post)
    pre <- pre[ok]
    post <- post[ok]
    t.test(pre, post, paired = TRUE)
    c(mean(pre), sd(pre), mean(post), sd(post))
    quantile(pre, c(0.25, 0.5, 0.75))
    quantile(post, c(0.25, 0.5, 0.75))
  }
}
base_wilcoxon <- function() {
  for (m in measures) {
    wilcox.test(d[[paste0(m, "_pre")]], d[[paste0(m, "_post")]], paired = TRUE)
  }
}
dt <- if (has_dt) data.table::as.data.table(d)
dt_grouped <- function() {
  for (m in measures) {
    p0 <- paste0(m, "_pre")
    p1 <- paste0(m, "_post")
    e <- dt[!is.na(get(p0)) & !is.na(get(p1)), .(pre = get(p0), post = get(p1), site)]
    e[, .(mean(pre), sd(pre), median(pre), mean(post), sd(post), median(post)),
      by = site]
  }
}

results <- list()
add <- function(case, method, seconds, note = "") {
  results[[length(results) + 1L]] <<- data.frame(case = case, method = method,
                                                 seconds = seconds[["elapsed"]],
                                                 cpu = seconds[["cpu"]], note = note)
  cat(sprintf("%-22s %-60s %8.3f %8.3f %s\n", case, method, seconds[["elapsed"]],
              seconds[["cpu"]], note))
}
load_before <- readLines("/proc/loadavg")
add("read floor", "sum(pre, na.rm) + sum(post, na.rm), 4 measures", median_time(floor_read()))
add("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)", median_time(kernel_moments()))
cell <- as.integer(d$site) - 1L
add("moments + quartiles", "C pass by site (4 cells)",
    median_time(kernel_moments(cell = cell, n_cells = 4L)))
add("+ signed ranks", "C pass with Wilcoxon ranks (C_score_cells)",
    median_time(kernel_moments(ranks = TRUE)))
add("whole call", "score_change(d, rules)", median_time(score_change(d, rules)))
add("whole call", "score_change(d, rules, by = \"site\")",
    median_time(score_change(d, rules, by = "site")))
mem <- bench::mark(score_change(d, rules), iterations = 1, check = FALSE,
                   filter_gc = FALSE)$mem_alloc
add("moments + quartiles", "base R: t.test(paired) + mean/sd + quantile() x 2",
    median_time(base_moments()))
if (has_dt) {
  add("moments + medians", "data.table GForce mean/sd/median by site (1 thread)",
      median_time(dt_grouped()))
}
add("Wilcoxon", "base R: wilcox.test(paired = TRUE)",
    median_time(base_wilcoxon(), times = slow_rounds), sprintf("%d run", slow_rounds))
load_after <- readLines("/proc/loadavg")

# same numbers as base R on the first measure
x <- score_change(d, rules["lbp"])
ok <- !is.na(d$lbp_pre) & !is.na(d$lbp_post)
same <- isTRUE(all.equal(
  c(x$pre_mean, x$pre_sd, x$pre_median, x$pre_q1, x$pre_q3, x$wilcoxon_p),
  c(mean(d$lbp_pre[ok]), sd(d$lbp_pre[ok]),
    quantile(d$lbp_pre[ok], c(0.5, 0.25, 0.75), names = FALSE),
    wilcox.test(d$lbp_pre, d$lbp_post, paired = TRUE)$p.value)))

table <- do.call(rbind, results)
sec <- function(case, method) table$seconds[table$case == case & table$method == method]
cpu <- function(case, method) table$cpu[table$case == case & table$method == method]
lines <- c(
  "# score_change() benchmark",
  "",
  sprintf("Written by `bench/score-change.R` on %s UTC. Machine: %s, %s cores; %s; myelorelief %s%s. One thread (`myelorelief_threads(1)`; the C pass is serial anyway%s). Times are medians of %d runs (base R's `wilcox.test()`: %d run). Load average (1, 5, 15 min) before: %s; after: %s -- the machine is shared, so compare the rows with each other, not with another day's.",
          format(Sys.time(), "%Y-%m-%d %H:%M", tz = "UTC"), R.version$arch,
          parallel::detectCores(), R.version.string,
          utils::packageVersion("myelorelief"),
          if (has_dt) sprintf(", data.table %s", utils::packageVersion("data.table")) else "",
          if (has_dt) "; `data.table::setDTthreads(1)`" else "",
          rounds, slow_rounds,
          paste(strsplit(load_before, " ")[[1]][1:3], collapse = ", "),
          paste(strsplit(load_after, " ")[[1]][1:3], collapse = ", ")),
  "",
  sprintf("Data (hypothetical): %s patients; three 0-10 scores (integers) and a walking distance (doubles), 3%% missing per column; a 4-level site stratum.",
          format(n, big.mark = ",", scientific = FALSE)),
  "",
  "## Goal",
  "",
  "| goal | measured | met |",
  "|---|---|---|",
  sprintf("| moments and quartiles of 10^7 patients x 4 measures under 1 s, one thread | %.2f s elapsed, %.2f s CPU (C pass) | %s |",
          sec("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)"),
          cpu("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)"),
          if (sec("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)") < 1) "yes"
          else if (cpu("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)") < 1) "in CPU time; not in elapsed time on this loaded machine" else "no"),
  "",
  "## Measurements",
  "",
  "| case | method | elapsed s | CPU s | note |",
  "|---|---|---|---|---|",
  sprintf("| %s | %s | %.3f | %.3f | %s |", table$case, table$method, table$seconds,
          table$cpu, table$note),
  "",
  sprintf("* Same mean, SD, quartiles and Wilcoxon p as base R on the first measure: %s.",
          if (same) "yes" else "NO"),
  sprintf("* Memory allocated by R in one `score_change(d, rules)` call: %s.", format(mem)),
  "* The whole call adds to the C pass the signed ranks (a sort of the nonzero changes per cell), the intervals and effect sizes of each row (a few rows here) and, with `by`, the overall rows (a second pass over every measure).",
  "* Times are of one thread; the C pass has no parallel loop.",
  sprintf("* Ratios, CPU time: base R moments and quartiles / C pass = %.1f; data.table / C pass = %s; base R wilcox.test() / C pass with ranks = %.1f; C pass / read floor = %.1f.",
          cpu("moments + quartiles", "base R: t.test(paired) + mean/sd + quantile() x 2") /
            cpu("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)"),
          if (has_dt) sprintf("%.1f", cpu("moments + medians", "data.table GForce mean/sd/median by site (1 thread)") /
            cpu("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)")) else "-",
          cpu("Wilcoxon", "base R: wilcox.test(paired = TRUE)") /
            cpu("+ signed ranks", "C pass with Wilcoxon ranks (C_score_cells)"),
          cpu("moments + quartiles", "C pass (C_score_cells, ranks = FALSE)") /
            cpu("read floor", "sum(pre, na.rm) + sum(post, na.rm), 4 measures")),
  "* `mem_alloc` counts the scratch the C pass reserves with `R_alloc()` (a gather buffer of 2n doubles, and with ranks two more of n): the gather buffer is reserved for the worst case but only the few histogram buckets holding the quartiles are written to it, so most of it is never touched and never becomes resident."
)
writeLines(lines, "bench/RESULTS-score-change.md")
cat(lines, sep = "\n")
