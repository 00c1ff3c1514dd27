# alleviation_outcome(): the 0/1 outcome of a model, with the patients of
# the "evaluable" rates of tabulate_cohort().

random_cohort <- function(n, seed) {
  set.seed(seed)
  score <- function() {
    # many zeros (absent at baseline) and missing values
    x <- sample(c(0, 0, 0, 1:10), n, replace = TRUE)
    x[runif(n) < 0.15] <- NA
    x
  }
  d <- data.frame(id = seq_len(n))
  for (s in c("lbp", "leg_pain")) {
    d[[paste0(s, "_pre")]] <- score()
    d[[paste0(s, "_post")]] <- score()
  }
  classify_cohort(d, study_rules()[c("lbp", "leg_pain")], id = "id")
}

test_that("a patient absent at baseline in every symptom is NA in \"any\", not FALSE", {
  d <- data.frame(lbp_pre = c(0, 8, 8, 0, NA), lbp_post = c(0, 2, 8, 3, 2),
                  leg_pain_pre = c(0, 0, 6, NA, NA), leg_pain_post = c(5, 0, 6, 1, 1))
  cohort <- classify_cohort(d, study_rules()[c("lbp", "leg_pain")])
  # 1: absent in both; 2: alleviated; 3: unchanged; 4: absent and missing;
  # 5: missing in both
  expect_identical(as.character(cohort$patient_class),
                   c("absent", "alleviated", "unchanged", NA, NA))
  expect_identical(alleviation_outcome(cohort, "any"), c(NA, TRUE, FALSE, NA, NA))
  tab <- tabulate_cohort(cohort)
  expect_identical(sum(!is.na(alleviation_outcome(cohort, "any"))),
                   as.integer(tab$evaluable[tab$symptom == "any"]))
  # any_alleviated itself is unchanged: FALSE for the absent
  expect_identical(cohort$any_alleviated, c(FALSE, TRUE, FALSE, NA, NA))
})

test_that("the outcome's patients are the table's evaluable ones, for every symptom and \"any\"", {
  for (seed in 1:40) {
    n <- if (seed == 1) 0L else sample(1:400, 1)
    cohort <- random_cohort(n, 5000 + seed)
    tab <- tabulate_cohort(cohort)
    for (s in c("lbp", "leg_pain", "any")) {
      outcome <- alleviation_outcome(cohort, s)
      info <- sprintf("seed %d, n %d, symptom %s", 5000 + seed, n, s)
      expect_length(outcome, n)
      row <- tab$symptom == s
      expect_equal(sum(!is.na(outcome)), tab$evaluable[row], info = info)
      expect_equal(sum(outcome, na.rm = TRUE), tab$alleviated[row], info = info)
      # oracle independent of the package: from the raw classes
      classes <- if (s == "any") cohort$patient_class else cohort[[s]]
      expect_identical(outcome,
                       ifelse(classes %in% c("unchanged", "worsened"), FALSE,
                              ifelse(classes %in% "alleviated", TRUE, NA)),
                       info = info)
    }
  }
})

test_that("bad input names the argument", {
  cohort <- classify_cohort(myelography)
  expect_error(alleviation_outcome(cohort, "back"), "`symptom` must be one of")
  expect_error(alleviation_outcome(1:3), "`x` must be a myelo_cohort")
  expect_error(alleviation_outcome(factor("a")), "`x` must be a factor of classes")
})
