# Could the check of the weights (C_weights_max, a second read of them) fold
# into the counting pass without changing a bit of the sums? (bench/NOTES.md,
# "Weighted tabulation, evening of 2 Dec 2026 (helper HW)".) The pass
# converts each weight to floor(w * 2^s), s from the binade of the largest
# weight; a one-pass version must guess s before it has seen every weight.
# For synthetic weight vectors of 10^7 rows (not the study's), in random row
# order, this reports:
#   e_first, e_max: binades (frexp exponents) of the largest weight of the
#     first block of 2^14 rows and of all rows;
#   redo_at: the share of rows before the first weight in the largest's
#     binade (a pass that starts at the first block's scale and restarts when
#     the binade rises reads that share of the rows twice; 0 when the first
#     block already holds that binade);
#   truncated: weights that floor(w * 2^s) does not hold exactly (s from the
#     largest); with none, the sums are exact sums, the same at any scale
#     that holds every weight, and a pass at a guessed scale could be kept.
# Run from the package root:  Rscript bench/weights-fold.R
set.seed(23)
n <- as.numeric(Sys.getenv("BENCH_N", "1e7"))
binade <- function(x) floor(log2(x)) + 1          # frexp's exponent, x > 0
x <- rnorm(n)
weights <- list(
  "log-normal, sdlog 0.7 (bench/weights.R)" = rlnorm(n, sdlog = 0.7),
  "log-normal, sdlog 0.3" = rlnorm(n, sdlog = 0.3),
  "IPW 1/p, p = plogis(0.8 + 0.7 x)" = 1 / plogis(0.8 + 0.7 * x),
  "IPW, trimmed at the 99th percentile" = local({
    w <- 1 / plogis(0.8 + 0.7 * x); pmin(w, stats::quantile(w, 0.99)) }),
  "integer survey weights 1..500" = as.double(sample(1:500, n, TRUE)),
  "all ones" = rep(1, n),
  "halves and quarters (k / 4, k in 1..40)" = sample(1:40, n, TRUE) / 4)
rows <- lapply(names(weights), function(name) {
  w <- weights[[name]]
  e_max <- binade(max(w))
  e_first <- binade(max(w[seq_len(min(n, 2^14))]))
  top <- which(binade(w) == e_max)[1]
  s <- 62 - e_max
  scaled <- w * 2^s
  data.frame(weights = name, e_first = e_first, e_max = e_max,
             redo_at = if (e_first == e_max) 0 else (top - 1) / n,
             truncated = sum(scaled != floor(scaled)))
})
print(do.call(rbind, rows), row.names = FALSE, digits = 3)
