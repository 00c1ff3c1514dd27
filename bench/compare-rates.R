# compare_rates() on large tables: a 10^7-patient cohort with 2 arms x 100
# centres (tabulation dominates; the comparison reads only the counts), and
# a table of 10^4 centres. Run from the package root after installing it:
#   Rscript bench/compare-rates.R
# bench/run.R sources this file and adds its rows to bench/RESULTS.md.
# Nothing here is a test: no time is asserted.
suppressPackageStartupMessages(library(myelorelief))
compare_rates_rows <- local({
  rows <- list()
  add <- function(task, method, n, marks, note = "") {
    row <- data.frame(task = task, method = method, n = n,
                      median_ms = as.numeric(stats::median(marks$time[[1]])) * 1e3,
                      mem_alloc_mb = as.numeric(marks$mem_alloc) / 2^20, note = note)
    cat(sprintf("%-14s %-44s n=%-8s median %9.2f ms  mem %8.2f MB\n", task, method,
                format(n, scientific = TRUE), row$median_ms, row$mem_alloc_mb))
    rows[[length(rows) + 1L]] <<- row
  }
  mark <- function(expr, iterations) {
    bench::mark(exprs = list(substitute(expr)), env = parent.frame(),
                iterations = iterations, check = FALSE, memory = TRUE, filter_gc = FALSE)
  }
  set.seed(11)
  make <- function(n, centres) {
    d <- data.frame(centre = factor(sample.int(centres, n, TRUE), levels = seq_len(centres)),
                    arm = factor(sample(c("sham", "injection"), n, TRUE),
                                 levels = c("sham", "injection")))
    for (s in c("lbp", "leg_pain", "numbness")) {
      pre <- sample(0:10, n, TRUE)
      d[[paste0(s, "_pre")]] <- pre
      d[[paste0(s, "_post")]] <- pmax(0L, pre - sample(c(0L, 0L, 0L, 1L, 4L), n, TRUE))
    }
    d$claudication_pre <- ifelse(runif(n) < 0.35, Inf, round(rexp(n, 1 / 300)))
    d$claudication_post <- d$claudication_pre * sample(c(1, 1, 1.5), n, TRUE)
    classify_cohort(d)
  }
  cohort <- make(1e7, 100L)
  tab <- tabulate_cohort(cohort, by = c("arm", "centre"))
  add("compare_rates", "tabulate_cohort, 2 arms x 100 centres", 1e7,
      mark(tabulate_cohort(cohort, by = c("arm", "centre")), 5))
  add("compare_rates", "compare_rates on that table (crude + MH)", 1e7,
      mark(compare_rates(tab, "arm", strata = "centre"), 20), "5 symptoms, 100 strata")
  add("compare_rates", "compare_rates, crude only", 1e7,
      mark(compare_rates(tab, "arm"), 20))
  # the same pooled OR by mantelhaen.test(), one symptom, from the table
  any <- strip <- tab[tab$symptom == "any" & tab$arm != "(all)" & tab$centre != "(all)", ]
  counts <- array(0, c(2, 2, 100))
  counts[1, 1, ] <- any$alleviated[any$arm == "injection"]
  counts[2, 1, ] <- any$alleviated[any$arm == "sham"]
  counts[1, 2, ] <- any$evaluable[any$arm == "injection"] - counts[1, 1, ]
  counts[2, 2, ] <- any$evaluable[any$arm == "sham"] - counts[2, 1, ]
  add("compare_rates", "mantelhaen.test, one symptom, same counts", 1e7,
      mark(mantelhaen.test(counts, correct = FALSE), 20))
  rm(cohort)
  small <- make(1e6, 1e4L)
  tab4 <- tabulate_cohort(small, by = c("arm", "centre"))
  add("compare_rates", "compare_rates, 10^4 strata (crude + MH)", 1e6,
      mark(compare_rates(tab4, "arm", strata = "centre"), 10), "5 symptoms, 10^4 strata")
  add("compare_rates", "summary() of it (per-stratum rows)", 1e6,
      mark(summary(compare_rates(tab4, "arm", strata = "centre")), 5))
  do.call(rbind, rows)
})
