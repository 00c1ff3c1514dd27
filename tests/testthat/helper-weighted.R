# Weighted alleviation tables built in plain R, for the tests of weighted
# comparisons: an unweighted table of tabulate_cohort() with the columns a
# weighted table holds (weighted_n, weighted_alleviated, weighted_evaluable,
# sum_w2_alleviated, sum_w2_evaluable, n_effective), summed here from the
# patients' classes and weights, and attr(, "weights"). The unweighted sums
# of the same patients are checked against the table's counts, so the
# helper cannot silently describe other patients than the table.

# The class of each patient for a symptom row of the table: the symptom's
# column, or for "any" the patient-level class.
patient_classes <- function(d, symptom) {
  if (symptom == "any") d$patient_class else d[[symptom]]
}

weight_table_by_hand <- function(table, cohort, w, name = "weights") {
  d <- as.data.frame(cohort)
  stopifnot(length(w) == nrow(d))
  by <- attr(table, "by")
  columns <- c("weighted_n", "weighted_alleviated", "weighted_evaluable",
               "sum_w2_alleviated", "sum_w2_evaluable")
  sums <- matrix(NA_real_, nrow(table), length(columns) + 2L)
  for (i in seq_len(nrow(table))) {
    keep <- rep(TRUE, nrow(d))
    for (b in by) {
      value <- as.character(table[[b]][i])
      if (!is.na(value) && value == "(all)") next
      keep <- keep & if (is.na(value)) is.na(d[[b]]) else
        (!is.na(d[[b]]) & as.character(d[[b]]) == value)
    }
    cls <- as.character(patient_classes(d, as.character(table$symptom[i])))
    alleviated <- keep & !is.na(cls) & cls == "alleviated"
    evaluable <- keep & !is.na(cls) & cls %in% c("alleviated", "unchanged", "worsened")
    sums[i, ] <- c(sum(w[keep]), sum(w[alleviated]), sum(w[evaluable]),
                   sum(w[alleviated]^2), sum(w[evaluable]^2),
                   sum(alleviated), sum(evaluable))
  }
  stopifnot(all(sums[, 6L] == table$alleviated), all(sums[, 7L] == table$evaluable))
  for (j in seq_along(columns)) table[[columns[j]]] <- sums[, j]
  table$n_effective <- ifelse(table$sum_w2_evaluable > 0,
                              table$weighted_evaluable^2 / table$sum_w2_evaluable, 0)
  table$rate <- ifelse(table$weighted_evaluable > 0,
                       table$weighted_alleviated / table$weighted_evaluable, NA_real_)
  attr(table, "weights") <- name
  table
}

# A random cohort of `n` hypothetical patients with `k` groups and
# optionally a second stratum, and random positive weights.
random_weighted_cohort <- function(n, k = 2L, seed = 1L, strata = FALSE,
                                   skew = 1) {
  set.seed(seed)
  pre <- sample(0:10, n, replace = TRUE)
  post <- pmax(0, pmin(10, pre - sample(-3:6, n, replace = TRUE)))
  post[stats::runif(n) < 0.1] <- NA
  data <- data.frame(id = seq_len(n), leg_pain_pre = pre, leg_pain_post = post,
                     arm = factor(sample(LETTERS[seq_len(k)], n, replace = TRUE)),
                     site = factor(sample(c("x", "y"), n, replace = TRUE)))
  data$lbp_pre <- sample(0:10, n, replace = TRUE)
  data$lbp_post <- pmax(0, pmin(10, data$lbp_pre - sample(-2:5, n, replace = TRUE)))
  data$lbp_post[stats::runif(n) < 0.1] <- NA
  cohort <- classify_cohort(data, study_rules()[c("lbp", "leg_pain")], id = "id")
  w <- stats::rlnorm(n, 0, skew)
  list(cohort = cohort, data = data, w = w)
}
