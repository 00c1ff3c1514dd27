# Benchmarks of myelorelief against base R, data.table and collapse.
# Run from the package root:  Rscript bench/run.R
# Installs what it needs (bench, data.table, collapse; none is a package
# dependency), measures medians side by side in one run, prints the table
# and writes bench/RESULTS.md. Nothing here is a test: no time is asserted.

needed <- c("bench", "data.table", "collapse")
missing <- needed[!vapply(needed, requireNamespace, logical(1), quietly = TRUE)]
if (length(missing) && nzchar(Sys.which("apt-get")) && Sys.info()[["user"]] == "root") {
  system2("apt-get", c("install", "-y", "-qq", paste0("r-cran-", tolower(missing))))
  missing <- needed[!vapply(needed, requireNamespace, logical(1), quietly = TRUE)]
}
if (length(missing)) install.packages(missing, repos = "https://cloud.r-project.org")
if (!requireNamespace("myelorelief", quietly = TRUE)) {
  stop("install the package first: R CMD INSTALL .")
}
suppressPackageStartupMessages({
  library(myelorelief)
  library(data.table)
})
options(datatable.verbose = FALSE)
data.table::setDTthreads(0)     # all cores, as myelorelief's OpenMP uses
threads <- data.table::getDTthreads()

results <- list()
record <- function(task, method, n, marks, note = "") {
  row <- data.frame(task = task, method = method, n = n,
                    median_ms = as.numeric(stats::median(marks$time[[1]])) * 1e3,
                    mem_alloc_mb = as.numeric(marks$mem_alloc) / 2^20, note = note)
  results[[length(results) + 1L]] <<- row
  cat(sprintf("%-10s %-34s n=%-9s median %9.2f ms  mem %8.2f MB\n", task, method,
              format(n, scientific = TRUE), row$median_ms, row$mem_alloc_mb))
  row$median_ms
}
# bench::mark() on the caller's unevaluated expression (a plain argument
# would be a promise, evaluated once and then only looked up).
mark <- function(expr, iterations) {
  bench::mark(exprs = list(substitute(expr)), env = parent.frame(),
              iterations = iterations, check = FALSE, memory = TRUE,
              filter_gc = FALSE)
}

# Medians of expressions timed in alternation (a, b, a, b, ...), so that a
# slow spell of the shared machine hits both sides of a ratio alike.
interleaved <- function(exprs, rounds, env = parent.frame()) {
  times <- matrix(NA_real_, rounds, length(exprs), dimnames = list(NULL, names(exprs)))
  for (r in seq_len(rounds)) for (k in seq_along(exprs)) {
    start <- bench::hires_time()
    eval(exprs[[k]], env)
    times[r, k] <- as.numeric(bench::hires_time() - start)
  }
  apply(times, 2, stats::median) * 1e3
}

# ---- data -------------------------------------------------------------------
set.seed(2016)
score <- function(n) { x <- sample(0:10, n, replace = TRUE) + 0; x[runif(n) < 0.02] <- NA; x }
rule <- study_rules()$lbp
t_eff <- c(rule$min_change, rule$min_relative) - 1e-9 * pmax(1, c(rule$min_change, rule$min_relative))

# What a user would write in vectorised base R for the same rule (codes 1-4).
base_classify <- function(pre, post) {
  change <- pre - post
  relative <- change / abs(pre)
  code <- rep(2L, length(pre))
  code[change > 0 & change >= t_eff[1] & relative >= t_eff[2]] <- 1L
  code[change < 0 & -change >= t_eff[1] & -relative >= t_eff[2]] <- 3L
  code[pre <= 0] <- 4L
  code[is.na(pre) | is.na(post)] <- NA_integer_
  code
}
fcase_classify <- function(pre, post) {
  change <- pre - post
  relative <- change / abs(pre)
  data.table::fcase(is.na(pre) | is.na(post), NA_integer_,
                    pre <= 0, 4L,
                    change > 0 & change >= t_eff[1] & relative >= t_eff[2], 1L,
                    change < 0 & -change >= t_eff[1] & -relative >= t_eff[2], 3L,
                    default = 2L)
}

# ---- 1. classify 10^7 pairs --------------------------------------------------
n <- 1e7
pre <- score(n); post <- score(n)
stopifnot(identical(as.integer(classify_alleviation(pre, post, rule)), base_classify(pre, post)),
          identical(base_classify(pre, post), fcase_classify(pre, post)))
# The floor reads every value once. With na.rm = TRUE: R's sum() adds in
# long double, and x87 arithmetic on NaN is microcoded, so a plain sum() of
# data with NA takes ~1.6 s here instead of ~15 ms.
t_floor <- record("classify", "read floor: sum(pre, na.rm) + sum(post, na.rm)", n,
                  mark(sum(pre, na.rm = TRUE) + sum(post, na.rm = TRUE), 15))
t_c <- record("classify", "myelorelief::classify_alleviation", n,
              mark(classify_alleviation(pre, post, rule), 15))
t_base <- record("classify", "vectorised base R", n, mark(base_classify(pre, post), 5))
t_fcase <- record("classify", "data.table::fcase", n, mark(fcase_classify(pre, post), 5),
                  note = sprintf("%d data.table threads", threads))
pre_i <- as.integer(pre); post_i <- as.integer(post)
t_c_int <- record("classify", "classify_alleviation, integer input", n,
                  mark(classify_alleviation(pre_i, post_i, rule), 15))
# The floor ratio again, timed in alternation over 31 rounds.
paired <- interleaved(list(floor = quote(sum(pre, na.rm = TRUE) + sum(post, na.rm = TRUE)),
                           classify = quote(classify_alleviation(pre, post, rule))), 31)
results[[length(results) + 1L]] <- data.frame(task = "classify",
  method = c("read floor, alternating", "classify_alleviation, alternating"), n = n,
  median_ms = unname(paired), mem_alloc_mb = NA, note = "31 alternating rounds")
# One thread, in a separate process (OpenMP reads OMP_THREAD_LIMIT at start):
# the 10^7 call and the cost per element at 10^5, 10^6 and 10^7.
one_thread <- system2(file.path(R.home("bin"), "Rscript"), c("-e", shQuote(paste(
  "library(myelorelief); set.seed(1); n <- 1e7;",
  "p <- sample(0:10, n, TRUE) + 0; q <- sample(0:10, n, TRUE) + 0; r <- study_rules()$lbp;",
  "ms <- sapply(10^(5:7), function(m) { a <- p[seq_len(m)]; b <- q[seq_len(m)];",
  "  median(bench::mark(classify_alleviation(a, b, r), iterations = if (m < 1e7) 50 else 15)$time[[1]]) * 1e3 });",
  "cat(ms)"))), stdout = TRUE, env = "OMP_THREAD_LIMIT=1")
one_thread_ms <- as.numeric(strsplit(utils::tail(one_thread, 1), " ")[[1]])
t_c_1 <- one_thread_ms[3]
one_thread_per_element <- one_thread_ms * 1e6 / 10^(5:7)
results[[length(results) + 1L]] <- data.frame(task = "classify", method = "classify_alleviation, OMP_THREAD_LIMIT=1",
  n = 10^(5:7), median_ms = one_thread_ms, mem_alloc_mb = NA, note = "separate process")
cat(sprintf("classify   one thread: %.2f ms\n", t_c_1))
rm(pre_i, post_i)

# ---- 6. cost per element and memory of classify ------------------------------
sizes <- 10^(3:7)
# Inputs of every size made beforehand (prefixes of the 10^7 columns), so
# that only the classification is timed. (Timing the subsetting too and
# subtracting it left differences of two noisy times, at or below 0.)
size_inputs <- lapply(sizes, function(m) list(pre = pre[seq_len(m)], post = post[seq_len(m)]))
size_exprs <- lapply(seq_along(sizes), function(k) {
  bquote(classify_alleviation(size_inputs[[.(k)]]$pre, size_inputs[[.(k)]]$post, rule))
})
names(size_exprs) <- format(sizes, scientific = TRUE)
size_ms <- interleaved(size_exprs, 15)
per_element <- size_ms * 1e6 / sizes
for (k in seq_along(sizes)) {
  results[[length(results) + 1L]] <- data.frame(task = "scaling", method = "classify_alleviation",
    n = sizes[k], median_ms = size_ms[[k]], mem_alloc_mb = NA,
    note = "alternating sizes, inputs made beforehand")
}
rm(size_inputs)
classify_mem <- as.numeric(mark(classify_alleviation(pre, post, rule), 3)$mem_alloc)

# ---- 2. tabulate: four symptoms, hospital x diagnosis ------------------------
make_cohort <- function(m) {
  d <- data.frame(hospital = factor(sample(LETTERS[1:4], m, TRUE)),
                  diagnosis = factor(sample(levels(myelography$diagnosis), m, TRUE)))
  for (s in c("lbp", "leg_pain", "numbness")) {
    d[[paste0(s, "_pre")]] <- score(m); d[[paste0(s, "_post")]] <- score(m)
  }
  d$claudication_pre <- ifelse(runif(m) < 0.3, Inf, round(rexp(m, 1 / 300)))
  d$claudication_post <- ifelse(runif(m) < 0.05, Inf, round(rexp(m, 1 / 300)))
  d
}
symptoms <- c(names(study_rules()), "any_alleviated")
tab_ratios <- list()
tab_mem <- list()
for (m in c(1e6, 1e7)) {
  d <- make_cohort(m)
  cohort <- classify_cohort(d)
  both <- cbind(d[c("hospital", "diagnosis")], as.data.frame(cohort))
  dt <- as.data.table(both)
  # the oracle check: same counts as table() for one symptom
  ours <- tabulate_cohort(cohort, by = c("hospital", "diagnosis"), margins = FALSE)
  ref <- table(d$hospital, d$diagnosis, addNA(cohort$lbp))
  stopifnot(sum(ours$alleviated[ours$symptom == "lbp"]) == sum(ref[, , "alleviated"]))
  t_tab <- record("tabulate", "myelorelief::tabulate_cohort", m,
                  mark(tabulate_cohort(cohort, by = c("hospital", "diagnosis")), 10))
  t_table <- record("tabulate", "base table(), per symptom", m, mark(
    lapply(symptoms, function(s) table(both$hospital, both$diagnosis, both[[s]], useNA = "ifany")),
    if (m < 1e7) 5 else 3))
  t_dt <- record("tabulate", "data.table [, .N, by], per symptom", m, mark(
    lapply(symptoms, function(s) dt[, .N, by = c("hospital", "diagnosis", s)]), 5),
    note = sprintf("%d threads", threads))
  t_qtab <- record("tabulate", "collapse::qtab(), per symptom", m, mark(
    lapply(symptoms, function(s) collapse::qtab(both$hospital, both$diagnosis, both[[s]], na.exclude = FALSE)), 5))
  tab_ratios[[format(m, scientific = TRUE)]] <- c(table = t_table / t_tab, data.table = t_dt / t_tab,
                                                  qtab = t_qtab / t_tab)
  tab_mem[[format(m, scientific = TRUE)]] <- as.numeric(
    mark(tabulate_cohort(cohort, by = c("hospital", "diagnosis")), 3)$mem_alloc)
  if (m == 1e7) {
    # Issue 21: by hospital alone (a factor), 4 symptoms + "any", timed in
    # alternation: the read floor (sum(na.rm = TRUE) over integer copies of
    # the 6 columns the count reads, made beforehand), the table on one and
    # on two threads (myelorelief_threads()), collapse::qtab() per symptom,
    # and the table with `data = d` (proving d aligned).
    counted <- c("hospital", names(study_rules()), "patient_class")
    ints <- lapply(counted, function(v) { x <- unclass(cohort[[v]]); attributes(x) <- NULL; x })
    threads_before <- myelorelief_threads()
    hospital_ms <- interleaved(list(
      floor = quote(for (x in ints) sum(x, na.rm = TRUE)),
      one_thread = quote({ myelorelief_threads(1); tabulate_cohort(cohort, by = "hospital") }),
      two_threads = quote({ myelorelief_threads(2); tabulate_cohort(cohort, by = "hospital") }),
      qtab = quote(for (v in counted[-1L]) collapse::qtab(cohort$hospital, cohort[[v]], na.exclude = FALSE)),
      data = quote({ myelorelief_threads(threads_before); tabulate_cohort(cohort, by = "hospital", data = d) }),
      table = quote({ myelorelief_threads(threads_before); tabulate_cohort(cohort, by = "hospital") })),
      11)
    myelorelief_threads(threads_before)
    rm(ints)
    results[[length(results) + 1L]] <- data.frame(task = "tabulate by hospital",
      method = c("read floor: sum(na.rm) of the 6 integer columns", "tabulate_cohort, 1 thread",
                 "tabulate_cohort, 2 threads", "collapse::qtab(), per symptom",
                 "tabulate_cohort(data = d)", "tabulate_cohort, default threads"),
      n = m, median_ms = unname(hospital_ms), mem_alloc_mb = NA, note = "11 alternating rounds")
    hospital_ratios <- c(floor = hospital_ms[["one_thread"]] / hospital_ms[["floor"]],
                         qtab = hospital_ms[["qtab"]] / hospital_ms[["one_thread"]],
                         threads = hospital_ms[["one_thread"]] / hospital_ms[["two_threads"]],
                         data = hospital_ms[["data"]] / hospital_ms[["table"]])
    cat(sprintf("tabulate by hospital: %.2fx the read floor (1 thread), %.1fx faster than qtab (1 thread), 2 vs 1 threads %.2fx faster, data= %.2fx the table\n",
                hospital_ratios[["floor"]], hospital_ratios[["qtab"]], hospital_ratios[["threads"]],
                hospital_ratios[["data"]]))
  }
  if (m == 1e6) {
    t_pipe <- record("pipeline", "classify_cohort + tabulate_cohort", m, mark({
      co <- classify_cohort(d)
      tabulate_cohort(co, by = c("hospital", "diagnosis"))
    }, 5))
  }
}
rm(d, cohort, both, dt)

# ---- 3. prop_ci on 10^5 (x, n) pairs ------------------------------------------
nn <- sample(1:1000, 1e5, TRUE); xx <- rbinom(1e5, nn, 0.1)
t_exact <- record("prop_ci", "prop_ci(method = \"exact\")", 1e5, mark(prop_ci(xx, nn, method = "exact"), 20))
t_wilson <- record("prop_ci", "prop_ci(method = \"wilson\")", 1e5, mark(prop_ci(xx, nn), 20))
qbeta_formula <- function(x, n) {
  cbind(ifelse(x == 0, 0, qbeta(0.025, x, n - x + 1)), ifelse(x == n, 1, qbeta(0.975, x + 1, n - x)))
}
t_qbeta <- record("prop_ci", "vectorised qbeta() formula", 1e5, mark(qbeta_formula(xx, nn), 20))
sub <- 1:2000
t_binom_part <- record("prop_ci", "binom.test() loop (2,000 pairs)", 2000, mark(
  lapply(sub, function(i) binom.test(xx[i], nn[i])$conf.int), 3))
t_binom <- t_binom_part * 1e5 / 2000
results[[length(results) + 1L]] <- data.frame(task = "prop_ci", method = "binom.test() loop, scaled to 10^5",
  n = 1e5, median_ms = t_binom, mem_alloc_mb = NA, note = "2,000-pair median x 50")
t_prop_part <- record("prop_ci", "prop.test() loop (2,000 pairs)", 2000, mark(
  lapply(sub, function(i) suppressWarnings(prop.test(xx[i], nn[i], correct = FALSE)$conf.int)), 3))
t_prop <- t_prop_part * 1e5 / 2000

# ---- 4. curve: 101 thresholds at 10^6 pairs ----------------------------------
p6 <- pre[1:1e6]; q6 <- post[1:1e6]
thresholds <- seq(0, 1, by = 0.01)
reclassify <- function() vapply(thresholds, function(t) {
  r <- rule; r$min_relative <- t
  sum(classify_alleviation(p6, q6, r) == "alleviated", na.rm = TRUE)
}, numeric(1))
stopifnot(all.equal(alleviation_curve(p6, q6, rule, thresholds)$alleviated, reclassify()))
t_curve <- record("curve", "myelorelief::alleviation_curve", 1e6, mark(alleviation_curve(p6, q6, rule, thresholds), 20))
t_recl <- record("curve", "101 x classify_alleviation", 1e6, mark(reclassify(), 5))

# ---- 5. the study pipeline ----------------------------------------------------
t_repro <- record("reproduce", "reproduce_guo2016() on 325", 325, mark(reproduce_guo2016(), 200))

# ---- 7. compare_rates: 10^7 patients, 2 arms x 100 centres; 10^4 strata ------
source(file.path("bench", "compare-rates.R"), local = TRUE)
results[[length(results) + 1L]] <- compare_rates_rows

# ---- report --------------------------------------------------------------------
table_df <- do.call(rbind, results)
ratio <- function(a, b) a / b
targets <- data.frame(
  target = c("classify >= 20x faster than vectorised base R",
             "classify >= 10x faster than data.table::fcase()",
             "classify within 1.5x of the read floor (alternating rounds)",
             "tabulate >= 10x faster than collapse::qtab() at 10^7",
             "tabulate >= 50x faster than table() at 10^7",
             "curve >= 20x faster than 101 reclassifications at 10^6",
             "classify allocates only its result (4 bytes per element + constant)",
             "tabulate allocates nothing proportional to n (bytes at 10^7 / bytes at 10^6, factor strata)",
             "tabulate by hospital at 10^7, one thread, within 1.5x the read floor (alternating)",
             "tabulate by hospital at 10^7, one thread, >= 10x faster than qtab() per symptom",
             "tabulate by hospital at 10^7: two threads never slower than one (1-thread / 2-thread time)",
             "tabulate by hospital at 10^7 with data = d within 1.3x the table",
             "reproduce_guo2016() under 5 ms median",
             "cost per element flat within 1.5x from 10^5 to 10^7"),
  measured = c(ratio(t_base, t_c), ratio(t_fcase, t_c),
               ratio(paired[["classify"]], paired[["floor"]]),
               tab_ratios[["1e+07"]][["qtab"]], tab_ratios[["1e+07"]][["table"]],
               ratio(t_recl, t_curve), classify_mem / (4 * n), tab_mem[["1e+07"]] / tab_mem[["1e+06"]],
               hospital_ratios[["floor"]], hospital_ratios[["qtab"]], hospital_ratios[["threads"]],
               hospital_ratios[["data"]],
               t_repro,
               max(per_element[3:5]) / min(per_element[3:5])),
  unit = c("x", "x", "x floor", "x", "x", "x", "x result size", "x",
           "x floor", "x", "x", "x table",
           "ms", "max/min"),
  goal = c(20, 10, 1.5, 10, 50, 20, 1.01, 1.5, 1.5, 10, 1, 1.3, 5, 1.5),
  higher_is_better = c(TRUE, TRUE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE,
                       FALSE, TRUE, TRUE, FALSE, FALSE, FALSE))
targets$met <- ifelse(targets$higher_is_better, targets$measured >= targets$goal,
                      targets$measured <= targets$goal)
targets$met[is.na(targets$met)] <- FALSE

lines <- c(
  "# Benchmark results",
  "",
  sprintf("Written by `bench/run.R` on %s. Machine: %s, %d cores (%s); %s; myelorelief %s;",
          format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), Sys.info()[["machine"]],
          parallel::detectCores(), gsub("\\s+", " ", trimws(sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]))),
          R.version.string, utils::packageVersion("myelorelief")),
  sprintf("bench %s, data.table %s (%d threads), collapse %s. Times are medians of repeated runs measured side by side in one run.",
          utils::packageVersion("bench"), utils::packageVersion("data.table"), threads,
          utils::packageVersion("collapse")),
  "",
  "## Targets",
  "",
  "| target | measured | goal | met |",
  "|---|---|---|---|",
  sprintf("| %s | %.3g %s | %s %g | %s |", targets$target, targets$measured, targets$unit,
          ifelse(targets$higher_is_better, ">=", "<="), targets$goal, ifelse(targets$met, "yes", "**no**")),
  "",
  "## All measurements",
  "",
  "| task | method | n | median (ms) | mem_alloc (MB) | note |",
  "|---|---|---|---|---|---|",
  sprintf("| %s | %s | %s | %.3f | %s | %s |", table_df$task, table_df$method,
          format(table_df$n, scientific = TRUE), table_df$median_ms,
          ifelse(is.na(table_df$mem_alloc_mb), "-", sprintf("%.2f", table_df$mem_alloc_mb)), table_df$note),
  "",
  "## Ratios",
  "",
  sprintf("* prop_ci exact vs binom.test() loop: %.0fx; vs the vectorised qbeta() formula: %.2fx. Wilson vs prop.test() loop: %.0fx.",
          t_binom / t_exact, t_qbeta / t_exact, t_prop / t_wilson),
  sprintf("* tabulate at %s: %s.", names(tab_ratios), vapply(tab_ratios, function(r)
    paste(sprintf("%.1fx faster than %s", r, names(r)), collapse = ", "), "")),
  sprintf("* classify, ns per element: %s.", paste(sprintf("%.2f at %s", per_element, names(per_element)), collapse = ", ")),
  sprintf("* classify on one thread (OMP_THREAD_LIMIT=1, separate process): %.1f ms, %.2fx the read floor; ns per element %s (max/min %.2f).",
          t_c_1, t_c_1 / t_floor,
          paste(sprintf("%.2f at %s", one_thread_per_element, format(10^(5:7), scientific = TRUE)), collapse = ", "),
          max(one_thread_per_element) / min(one_thread_per_element)),
  sprintf("* whole pipeline (classify_cohort + tabulate_cohort by two strata) on 10^6 patients: %.1f ms.", t_pipe),
  sprintf("* tabulate_cohort allocations: %s.", paste(sprintf("%.1f KB at %s", unlist(tab_mem) / 1024, names(tab_mem)), collapse = ", "))
)
out <- file.path("bench", "RESULTS.md")
if (file.exists("bench/NOTES.md")) lines <- c(lines, "", readLines("bench/NOTES.md"))
writeLines(lines, out)
cat("\n", paste(lines, collapse = "\n"), "\n", sep = "")
