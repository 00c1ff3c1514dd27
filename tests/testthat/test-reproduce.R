test_that("reproduce_guo2016() reproduces every published figure", {
  r <- reproduce_guo2016()
  expect_s3_class(r, "guo2016_reproduction")
  expect_true(all(r$match))
  expect_identical(r$published, c(35L, 26L, 2L, 2L, 5L))
  expect_equal(r$reproduced, c(35, 26, 2, 2, 5))
  expect_equal(r$patients_reproduced, rep(325, 5))
  expect_equal(round(100 * c(r$share_exact_lower[1], r$share_exact_upper[1]), 1), c(7.6, 14.7))
  expect_equal(round(100 * c(r$share_wilson_lower[1], r$share_wilson_upper[1]), 1), c(7.8, 14.6))
  expect_equal(r$share_exact_lower, prop_ci(r$reproduced, 325, method = "exact")$proportion_lower)
  expect_s3_class(attr(r, "cohort"), "myelo_cohort")
  expect_s3_class(attr(r, "table"), "alleviation_table")
})

test_that("the printed comparison", {
  expect_snapshot(reproduce_guo2016())
})

test_that("other cut-offs are reported as not reproduced", {
  r <- reproduce_guo2016(rules = study_rules(min_relative = 0.6))
  expect_false(all(r$match))
  expect_output(print(r), "NOT reproduced")
})

test_that("bad input is an error naming the argument", {
  expect_error(reproduce_guo2016(rules = study_rules()[1:2]), "`rules` must have the symptoms")
  expect_error(reproduce_guo2016(rules = 1), "`rules`")
  expect_error(reproduce_guo2016(conf_level = 1.5), "`conf_level`")
  expect_error(reproduce_guo2016(data = 1), "`data` must be a data frame")
  expect_error(reproduce_guo2016(data = myelography[, -7]), "lbp_pre")
})
