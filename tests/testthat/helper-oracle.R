# Plain-R versions of the package's rules, written independently of its
# code, used as oracles in the tests.

# The tolerance of ?classify_alleviation: a and b compared in the judgement
# of a pair are equal when |a - b| <= 1e-9 * M, M the largest finite
# magnitude among the pair's pre, post and the threshold involved.
oracle_magnitude <- function(...) {
  x <- abs(c(...))
  x <- x[is.finite(x)]
  if (length(x)) max(x) else 0
}
oracle_equal <- function(a, b, M) {
  is.finite(a) && is.finite(b) && abs(a - b) <= 1e-9 * M
}
# a >= b, within the tolerance
oracle_at_least <- function(a, b, M) a >= b || oracle_equal(a, b, M)
# a > b beyond the tolerance: the boundary of a strict rule (the reliable
# change of Jacobson and Truax: a change equal to the threshold, to
# round-off, does not count)
oracle_exceeds <- function(a, b, M) a > b && !oracle_equal(a, b, M)

# Does a (positive) change meet the thresholds? Absolute: change vs t;
# relative: change vs t * |pre|. Inclusive, or strict (exceed them).
oracle_passes <- function(change, p, q, t_change, t_relative, combine,
                          strict = FALSE) {
  given <- c(!is.na(t_change), !is.na(t_relative))
  if (!any(given)) return(FALSE)
  test <- if (strict) oracle_exceeds else oracle_at_least
  met <- c(
    if (given[1]) test(change, t_change, oracle_magnitude(p, q, t_change)) else NA,
    if (given[2]) test(change, t_relative * abs(p),
                       oracle_magnitude(p, q, t_relative * p)) else NA)
  if (combine == "any") any(met[given]) else all(met[given])
}

# One pair at a time, straight from the numbered rules of
# ?classify_alleviation. A rule without `strict` is inclusive.
oracle_classify <- function(pre, post, rule) {
  strict <- isTRUE(rule$strict)
  one <- function(p, q) {
    if (is.na(p) || is.na(q)) return(NA_character_)
    increase <- rule$direction == "increase"
    M_absent <- oracle_magnitude(p, q, rule$absent_at)
    absent <- if (increase) oracle_at_least(p, rule$absent_at, M_absent)
              else oracle_at_least(rule$absent_at, p, M_absent)
    if (absent) return("absent")
    if (p == q || oracle_equal(p, q, oracle_magnitude(p, q))) return("unchanged")
    change <- if (increase) q - p else p - q
    if (change > 0 && oracle_passes(change, p, q, rule$min_change,
                                    rule$min_relative, rule$combine, strict)) {
      return("alleviated")
    }
    if (change < 0 && oracle_passes(-change, p, q, rule$worsen_change,
                                    rule$worsen_relative, rule$combine, strict)) {
      return("worsened")
    }
    "unchanged"
  }
  factor(mapply(one, as.numeric(pre), as.numeric(post), USE.NAMES = FALSE),
         levels = c("alleviated", "unchanged", "worsened", "absent"))
}

# A random rule of the given direction, with at least one threshold.
random_rule <- function(direction, strict = FALSE) {
  repeat {
    # 10: the whole span (which a strict rule cannot exceed: refused)
    min_change <- sample(if (strict) list(NA, 0, 1, 2, 2.5, 9.5)
                         else list(NA, 0, 1, 2, 2.5, 10), 1)[[1]]
    min_relative <- sample(list(NA, 0, 0.2, 0.3, 0.5), 1)[[1]]
    if (!is.na(min_change) || !is.na(min_relative)) break
  }
  worsen <- sample(3, 1)
  alleviation_rule(
    direction, min_change = min_change, min_relative = min_relative,
    combine = sample(c("all", "any"), 1),
    worsen_change = if (worsen == 1) min_change else sample(list(NA, 1, 3), 1)[[1]],
    worsen_relative = if (worsen == 1) min_relative else sample(list(NA, 0.1, 0.4), 1)[[1]],
    absent_at = if (direction == "decrease") sample(c(0, 1), 1) else sample(c(Inf, 500), 1),
    range = if (direction == "decrease") c(0, 10) else c(0, Inf),
    strict = strict)
}

# Random measurements for a direction: half-point scores with ties, zeros
# and NA for "decrease"; metres with Inf (unlimited) and NA for "increase".
random_measurements <- function(n, direction) {
  if (direction == "decrease") {
    x <- sample(seq(0, 10, by = 0.5), n, replace = TRUE)
  } else {
    x <- round(stats::rexp(n, 1 / 300))
    x[stats::runif(n) < 0.15] <- Inf
  }
  x[stats::runif(n) < 0.05] <- NA
  x
}

# Patient-level summary, written from ?classify_cohort.
oracle_any <- function(classes) {
  classes <- as.data.frame(lapply(classes, as.character))
  apply(classes, 1, function(row) {
    if (any(row == "alleviated", na.rm = TRUE)) return(TRUE)
    if (any(row %in% c("unchanged", "worsened"))) return(FALSE)
    if (all(row %in% "absent")) return(FALSE)
    NA
  })
}

# A random classified cohort with strata that have NA and empty levels.
random_cohort <- function(n, n_symptoms = 3) {
  data <- data.frame(
    site = factor(sample(c("a", "b", "c", NA), n, replace = TRUE),
                  levels = c("a", "b", "c", "empty")),
    group = sample(c("x", "y", NA), n, replace = TRUE, prob = c(.5, .4, .1)),
    age_band = sample(c(40L, 50L, 60L), n, replace = TRUE))
  rules <- stats::setNames(
    replicate(n_symptoms, alleviation_rule("decrease", min_change = 2,
                                           range = c(0, 10)), simplify = FALSE),
    paste0("s", seq_len(n_symptoms)))
  for (s in names(rules)) {
    data[[paste0(s, "_pre")]] <- random_measurements(n, "decrease")
    data[[paste0(s, "_post")]] <- random_measurements(n, "decrease")
  }
  list(data = data, cohort = classify_cohort(data, rules))
}

# Evaluates `code` with options(width = width), restoring the old width.
withr_width <- function(width, code) {
  old <- options(width = width)
  on.exit(options(old))
  code
}
