# Instruction counts of tabulate_cohort() with and without weights (bench/NOTES.md,
# "Counting kernel, session of 2 Dec 2026 afternoon"). Synthetic data. Run as
#   CG_MODE=w OMP_NUM_THREADS=1 R -d "valgrind --tool=callgrind" --vanilla -q -f bench/weights-callgrind.R
# (CG_MODE=u: unweighted) and read callgrind_annotate --inclusive=yes; divide by 6e5 rows.
suppressPackageStartupMessages(library(myelorelief))
set.seed(2016)
m <- 2e5
score <- function(n) { x <- sample(0:10, n, replace = TRUE) + 0; x[runif(n) < 0.02] <- NA; x }
d <- data.frame(hospital = factor(sample(LETTERS[1:4], m, TRUE)))
for (s in c("lbp", "leg_pain", "numbness")) {
  d[[paste0(s, "_pre")]] <- score(m); d[[paste0(s, "_post")]] <- score(m)
}
d$claudication_pre <- ifelse(runif(m) < 0.3, Inf, round(rexp(m, 1 / 300)))
d$claudication_post <- ifelse(runif(m) < 0.05, Inf, round(rexp(m, 1 / 300)))
cohort <- classify_cohort(d)
cohort$w <- rlnorm(m, sdlog = 0.7)
myelorelief_threads(1)
mode <- Sys.getenv("CG_MODE")
for (i in 1:3) {
  if (mode == "w") tabulate_cohort(cohort, by = "hospital", weights = "w")
  else tabulate_cohort(cohort, by = "hospital")
}
