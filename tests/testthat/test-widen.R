long <- data.frame(
  patient = c(1, 1, 1, 1, 2, 2, 3, 3),
  measure = c("lbp", "lbp", "leg_pain", "leg_pain", "lbp", "lbp", "leg_pain", "leg_pain"),
  when = c("pre", "post", "post", "pre", "post", "pre", "pre", "post"),
  score = c(7, 3, 5, 6, 6, 6, NA, 2))

test_that("long data become one row per patient with paired columns", {
  wide <- widen_measurements(long, id = "patient", symptom = "measure",
                             time = "when", value = "score")
  expect_named(wide, c("patient", "lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post"))
  expect_identical(wide$patient, c(1, 2, 3))
  expect_identical(wide$lbp_pre, c(7, 6, NA))
  expect_identical(wide$lbp_post, c(3, 6, NA))
  expect_identical(wide$leg_pain_pre, c(6, NA, NA))
  expect_identical(wide$leg_pain_post, c(5, NA, 2))
  cohort <- classify_cohort(wide, study_rules()[c("lbp", "leg_pain")], id = "patient")
  expect_identical(as.character(cohort$lbp), c("alleviated", "unchanged", NA))
})

test_that("the values of the time column can be chosen", {
  l <- data.frame(id = c("x", "x"), symptom = "lbp", time = c("baseline", "day 1"),
                  value = c(8L, 2L))
  wide <- widen_measurements(l, pre = "baseline", post = "day 1")
  expect_identical(wide$lbp_pre, 8L)
  expect_identical(wide$lbp_post, 2L)
})

test_that("duplicated, unpaired and unknown rows are refused", {
  expect_error(widen_measurements(rbind(long, long[1, ]), "patient", "measure", "when", "score"),
               "more than one row for patient = 1, measure = \"lbp\", when = \"pre\" \\(row 9\\)")
  expect_error(widen_measurements(long[-1, ], "patient", "measure", "when", "score"),
               "\"post\" value without its \"pre\" partner for patient = 1.*; 1 such row\\.$")
  expect_error(widen_measurements(long[-c(1, 3), ], "patient", "measure", "when", "score"),
               "; 2 such rows\\.$")
  odd <- long
  odd$when[3] <- "later"
  expect_error(widen_measurements(odd, "patient", "measure", "when", "score"),
               "`long\\$when` must be \"pre\" or \"post\", but row 3 is \"later\"")
  odd <- long
  odd$patient[2] <- NA
  expect_error(widen_measurements(odd, "patient", "measure", "when", "score"), "missing values")
})

test_that("bad arguments are errors naming them", {
  expect_error(widen_measurements(1:3), "`long` must be a data frame")
  expect_error(widen_measurements(long, id = "pid"), "`id` names a column not found in `long`")
  expect_error(widen_measurements(long, "patient", symptom = 2), "`symptom`")
  expect_error(widen_measurements(long, "patient", "measure", time = c("a", "b")), "`time`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "value"), "`value`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score", pre = NA), "`pre`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score", pre = "x", post = "x"),
               "`pre` and `post` must differ")
  text <- long
  text$score <- as.character(text$score)
  expect_error(widen_measurements(text, "patient", "measure", "when", "score"),
               "`long\\$score` must be a numeric vector")
})
