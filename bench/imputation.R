# Pooling over imputations: is the cost the classifications, or R overhead?
# m completed datasets of n hypothetical patients (one symptom imputed);
# times classify_cohort() on the list, tabulate_cohort() on the imputed
# cohort (m tabulations + pooling), against m plain classify + tabulate.
library(myelorelief)
n <- as.integer(Sys.getenv("BENCH_N", "1e6")); m <- as.integer(Sys.getenv("BENCH_M", "50"))
source(file.path("bench", "imputation-data.R"))
completed <- imputed_datasets(n, m)
rules <- study_rules()[c("lbp", "leg_pain")]
med <- median_seconds
for (i in 1:2) {
  plain <- med(function() for (d in completed) tabulate_cohort(classify_cohort(d, rules), by = "sex"))
  imputed <- med(function() tabulate_cohort(classify_cohort(completed, rules), by = "sex"))
  cat(sprintf("n %d, m %d: plain loop %.2f s, imputed+pooled %.2f s, ratio %.3f\n",
              n, m, plain, imputed, imputed / plain))
}
cohort <- classify_cohort(completed, rules)
pool_only <- med(function() tabulate_cohort(cohort, by = "sex"))
tab_only <- med(function() for (x in cohort) tabulate_cohort(x, by = "sex"))
cat(sprintf("tabulate+pool %.3f s vs tabulate loop %.3f s\n", pool_only, tab_only))
