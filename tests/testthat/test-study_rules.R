test_that("study_rules() gives the four symptoms in priority order", {
  rules <- study_rules()
  expect_named(rules, c("lbp", "leg_pain", "numbness", "claudication"))
  expect_true(all(vapply(rules, inherits, logical(1), "alleviation_rule")))
  for (s in c("lbp", "leg_pain", "numbness")) {
    expect_identical(rules[[s]]$direction, "decrease")
    expect_identical(rules[[s]]$min_change, 2)
    expect_identical(rules[[s]]$min_relative, 0.3)
    expect_identical(rules[[s]]$combine, "all")
    expect_identical(rules[[s]]$range, c(0, 10))
    expect_identical(rules[[s]]$absent_at, 0)
  }
  expect_identical(rules$claudication$direction, "increase")
  expect_identical(rules$claudication$min_relative, 0.3)
  expect_true(is.na(rules$claudication$min_change))
  expect_identical(rules$claudication$absent_at, Inf)
})

test_that("claudication is alleviated at +30% or unlimited", {
  rule <- study_rules()$claudication
  expect_identical(as.character(classify_alleviation(c(100, 100, 100), c(130, 129, Inf), rule)),
                   c("alleviated", "unchanged", "alleviated"))
})

test_that("the thresholds can be changed and are validated", {
  strict <- study_rules(min_change = 3, min_relative = 0.5,
                        claudication_relative = 1)
  expect_identical(strict$lbp$min_change, 3)
  expect_identical(strict$numbness$min_relative, 0.5)
  expect_identical(strict$claudication$min_relative, 1)
  expect_error(study_rules(min_change = 11), "`min_change`")
  expect_error(study_rules(min_relative = 2), "`min_relative`")
  expect_error(study_rules(min_relative = "a"), "`min_relative`")
  expect_error(study_rules(claudication_relative = -1), "`claudication_relative`")
  expect_error(study_rules(claudication_relative = NA), "`claudication_relative`")
})
