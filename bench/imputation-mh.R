# Pooled Mantel-Haenszel comparisons over imputations (compare_rates() with
# `strata` on a pooled table): is the cost the per-dataset compare_rates(),
# or the pooling? Hypothetical data: m completed datasets of n patients in
# K sites, one symptom imputed. Times, side by side in one process (medians
# of 3): the classifications, the pooled tabulation, the pooled stratified
# comparison, and the floor of the last: compare_rates(strata =) on each
# completed dataset's table in a plain loop.
library(myelorelief)
n <- as.integer(Sys.getenv("BENCH_N", "2e5")); m <- as.integer(Sys.getenv("BENCH_M", "20"))
K <- as.integer(Sys.getenv("BENCH_K", "20"))
source(file.path("bench", "imputation-data.R"))
completed <- imputed_datasets(n, m, sites = K)
rules <- study_rules()[c("lbp", "leg_pain")]
med <- median_seconds
classify <- med(function() classify_cohort(completed, rules))
cohort <- classify_cohort(completed, rules)
tabulate <- med(function() tabulate_cohort(cohort, by = c("sex", "site")))
pooled <- tabulate_cohort(cohort, by = c("sex", "site"))
compare <- med(function() compare_rates(pooled, "sex", strata = "site"))
tables <- attr(pooled, "imputations")
loop <- med(function() for (t in tables) compare_rates(t, "sex", strata = "site"))
cat(sprintf("n %d, m %d, K %d sites: classify %.2f s, tabulate+pool %.2f s, compare+pool (strata) %.3f s, compare loop %.3f s, pooled/loop %.3f\n",
            n, m, K, classify, tabulate, compare, loop, compare / loop))
