# Hypothetical completed datasets for the imputation benchmarks
# (bench/imputation.R, bench/imputation-mh.R): n patients, with K sites when
# `sites` > 0; a third of the leg-pain follow-up values lost and filled in
# at random in each of the m datasets. Not the study's data.
imputed_datasets <- function(n, m, sites = 0L) {
  set.seed(1)
  base <- data.frame(sex = factor(sample(c("f", "m"), n, TRUE)))
  if (sites > 0L) base$site <- factor(sample(sprintf("site%02d", seq_len(sites)), n, TRUE))
  for (column in c("lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post")) {
    base[[column]] <- sample(0:10, n, TRUE)
  }
  lost <- sample(n, n %/% 3)
  lapply(seq_len(m), function(k) {
    d <- base; d$leg_pain_post[lost] <- sample(0:10, length(lost), TRUE); d
  })
}

# Median elapsed seconds of `reps` calls of f().
median_seconds <- function(f, reps = 3) median(replicate(reps, system.time(f())[["elapsed"]]))
