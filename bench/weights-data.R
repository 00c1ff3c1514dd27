# The synthetic cohort of the weighted-tabulation benchmarks (bench/weights.R,
# bench/weights-callgrind.R): m random patients, four symptoms by hospital,
# classified by the study's rules, with log-normal inverse-probability-like
# weights in column w. Not the study's data. Sets the seed itself.
weighted_bench_cohort <- function(m) {
  set.seed(2016)
  score <- function(n) { x <- sample(0:10, n, replace = TRUE) + 0; x[runif(n) < 0.02] <- NA; x }
  d <- data.frame(hospital = factor(sample(LETTERS[1:4], m, TRUE)))
  for (s in c("lbp", "leg_pain", "numbness")) {
    d[[paste0(s, "_pre")]] <- score(m); d[[paste0(s, "_post")]] <- score(m)
  }
  d$claudication_pre <- ifelse(runif(m) < 0.3, Inf, round(rexp(m, 1 / 300)))
  d$claudication_post <- ifelse(runif(m) < 0.05, Inf, round(rexp(m, 1 / 300)))
  cohort <- classify_cohort(d)
  rm(d); invisible(gc())
  cohort$w <- rlnorm(m, sdlog = 0.7)
  cohort
}
