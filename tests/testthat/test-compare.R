cohort <- classify_cohort(myelography)
judged <- !is.na(cohort$any_alleviated)
group <- cohort$any_alleviated[judged]

test_that("p-values equal wilcox.test() and fisher.test() on the same data", {
  cmp <- compare_alleviated(cohort, c("age", "sex", "diagnosis", "myelo_block"))
  expect_s3_class(cmp, "alleviation_comparison")
  age <- myelography$age[judged]
  expect_equal(cmp$p_value[cmp$variable == "age"][1],
               suppressWarnings(wilcox.test(age[group], age[!group])$p.value))
  for (v in c("sex", "diagnosis", "myelo_block")) {
    expect_equal(cmp$p_value[cmp$variable == v][1],
                 fisher.test(table(myelography[[v]][judged], group))$p.value, info = v)
  }
  expect_identical(attr(cmp, "n_alleviated"), 35L)
  expect_identical(attr(cmp, "n_not_judged"), sum(!judged))
})

test_that("cells show median [IQR] and n (%) with missing values counted", {
  d <- data.frame(score = c(1, 2, 3, 4, NA, 10, 20, 30),
                  arm = c("a", "a", "b", NA, "b", "b", "a", "b"))
  x <- structure(
    list(score = d$score, arm = d$arm, s = factor(rep("unchanged", 8), levels = c("alleviated", "unchanged", "worsened", "absent")),
         any_alleviated = c(TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE),
         primary_symptom = factor(rep(NA, 8), levels = "s")),
    class = c("myelo_cohort", "data.frame"), row.names = .set_row_names(8L),
    rules = list(s = alleviation_rule(min_change = 1)))
  cmp <- compare_alleviated(x, c("score", "arm"))
  expect_identical(cmp$alleviated[1], "2.5 [1.8-3.2]")
  expect_identical(cmp$not_alleviated[1], "20 [15-25]")
  expect_identical(cmp$level[2], "missing")
  expect_identical(cmp$alleviated[2], "1")
  arm <- cmp[cmp$variable == "arm", ]
  expect_identical(arm$level, c("a", "b", "missing"))
  expect_identical(arm$alleviated, c("2 (50.0%)", "2 (50.0%)", "1"))
  expect_identical(arm$not_alleviated, c("1 (33.3%)", "2 (66.7%)", "0"))
})

test_that("print() shows the comparison", {
  expect_snapshot(compare_alleviated(cohort, c("age", "sex")))
})

test_that("bad input is an error naming the argument", {
  expect_error(compare_alleviated(myelography, "age"), "`x` must be a myelo_cohort")
  expect_error(compare_alleviated(cohort, "age", data = 1), "`data` must be a data frame")
  expect_error(compare_alleviated(cohort, "age", myelography[-1, ]), "`data` must have one row per row")
  expect_error(compare_alleviated(cohort, "weight"), "`vars` names a column not found in `x`")
  expect_error(compare_alleviated(cohort, "weight", myelography), "`vars` names a column not found in `data or x`")
  expect_error(compare_alleviated(cohort, 3), "`vars`")
  expect_error(compare_alleviated(cohort, "exam_date"),
               "`vars` column \"exam_date\" must be numeric, factor, character or logical")
  expect_error(compare_alleviated(cohort, "age", simulate_B = "x"), "`simulate_B`")
})
