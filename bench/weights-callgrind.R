# Instruction counts of tabulate_cohort() with and without weights (bench/NOTES.md,
# "Counting kernel, session of 2 Dec 2026 afternoon"). Synthetic data. Run as
#   CG_MODE=w OMP_NUM_THREADS=1 R -d "valgrind --tool=callgrind" --vanilla -q -f bench/weights-callgrind.R
# (CG_MODE=u: unweighted) and read callgrind_annotate --inclusive=yes; divide by 6e5 rows.
suppressPackageStartupMessages(library(myelorelief))
m <- 2e5
source(file.path("bench", "weights-data.R"))
cohort <- weighted_bench_cohort(m)
myelorelief_threads(1)
mode <- Sys.getenv("CG_MODE")
for (i in 1:3) {
  if (mode == "w") tabulate_cohort(cohort, by = "hospital", weights = "w")
  else tabulate_cohort(cohort, by = "hospital")
}
