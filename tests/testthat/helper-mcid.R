# Oracles of estimate_mcid()'s tests (test-mcid.R, test-mcid-rng.R), in
# plain R, sharing no code with the package.

# Every candidate cut-off (each distinct change), its sensitivity,
# specificity and Youden's J, and the estimate: the smallest cut-off with
# the largest J (compared exactly, as integers: TP * N0 + TN * N1).
oracle_sweep <- function(change, improved) {
  cut <- sort(unique(change))
  x1 <- change[improved]
  x0 <- change[!improved]
  tp <- vapply(cut, function(c) sum(x1 >= c), numeric(1))
  tn <- vapply(cut, function(c) sum(x0 < c), numeric(1))
  n1 <- length(x1)
  n0 <- length(x0)
  score <- tp * n0 + tn * n1
  best <- if (n1 && n0) which(score == max(score))[1] else NA
  list(cutoff = cut, sensitivity = tp / n1, specificity = tn / n0,
       youden = tp / n1 + tn / n0 - 1, estimate = cut[best], best = best)
}

# Lemire's nearly divisionless draws below bound[i] from 32-bit words x:
# the 64-bit product x * bound split exactly into 32-bit halves; a low half
# below 2^32 mod bound is rejected and the next word tried.
oracle_lemire <- function(x, bound) {
  out <- numeric(length(bound))
  j <- 1
  for (i in seq_along(bound)) {
    b <- bound[i]
    repeat {
      w <- x[j]
      j <- j + 1
      bh <- b %/% 65536
      bl <- b %% 65536
      lo_part <- w * bl                      # < 2^48, exact
      hi_part <- w * bh                      # < 2^48, exact
      mid <- (hi_part %% 65536) * 65536 + lo_part
      low <- mid %% 2^32
      high <- hi_part %/% 65536 + mid %/% 2^32
      if (low >= (2^32 - b) %% b) break
    }
    out[i] <- high
  }
  out
}
