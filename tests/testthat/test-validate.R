describe <- myelorelief:::describe_value

test_that("values are described with the right article and without repeats", {
  expect_identical(describe(1:3), "an integer vector of length 3")
  expect_identical(describe(c(1.5, 2)), "a double vector of length 2")
  expect_identical(describe(c(TRUE, NA)), "a logical vector of length 2")
  expect_identical(describe(c("a", "b")), "a character vector of length 2")
  expect_identical(describe(list(1, 2)), "a list of length 2")
  expect_identical(describe(list()), "a list of length 0")
  expect_identical(describe(numeric()), "a double vector of length 0")
  expect_identical(describe(as.raw(1:2)), "a raw vector of length 2")
  expect_identical(describe(c(1i, 2i)), "a complex vector of length 2")
  expect_identical(describe(as.Date("2020-01-01")), "a Date vector of length 1")
  expect_identical(describe(study_rules()$lbp), "an alleviation_rule object of length 9")
  expect_identical(describe(matrix(1:4, 2)), "an integer matrix of 2 x 2")
  expect_identical(describe(factor("a")), "a factor of length 1")
  expect_identical(describe("abc"), "\"abc\"")
  expect_identical(describe(NA_character_), "NA_character_")
  expect_identical(describe(NA), "NA")
  expect_identical(describe(2.5), "2.5")
  expect_identical(describe(NULL), "NULL")
  # never "a" before a vowel, never "list list"
  values <- list(1:2, c(a = 1L, b = 2L), list(1, 2), c(TRUE, FALSE), expression(x, y),
                 quote(f(x)), function(x) x, globalenv(), as.POSIXct("2020-01-01", tz = "UTC"),
                 structure(list(), class = "integer_like"), array(1:8, c(2, 2, 2)))
  for (v in values) {
    d <- describe(v)
    expect_false(grepl("\\ba [aeiouAEIOU]", d), label = d)
    expect_false(grepl("\\ban [^aeiouAEIOU]", d), label = d)
    expect_false(grepl("list list", d), label = d)
  }
})

test_that("messages of exported functions use the descriptions", {
  expect_error(alleviation_rule(min_change = 1:2),
               "`min_change` must be .*, not an integer vector of length 2\\.")
  expect_error(alleviation_rule(min_relative = list(0.1, 0.2)),
               "not a list of length 2\\.")
})

test_that("prints count in the singular and the plural", {
  one <- data.frame(lbp_pre = 8, lbp_post = 2)
  tab <- tabulate_cohort(classify_cohort(one, study_rules()["lbp"]))
  expect_output(print(tab), "<alleviation_table> 1 patient, 1 symptom\n", fixed = TRUE)
  two <- data.frame(lbp_pre = c(8, 5), lbp_post = c(2, 5), leg_pain_pre = 3, leg_pain_post = 3)
  tab <- tabulate_cohort(classify_cohort(two, study_rules()[c("lbp", "leg_pain")]))
  expect_output(print(tab), "<alleviation_table> 2 patients, 2 symptoms\n", fixed = TRUE)
  big <- tabulate_cohort(classify_cohort(myelography))
  expect_output(print(big), "<alleviation_table> 325 patients, 4 symptoms\n", fixed = TRUE)
  expect_identical(myelorelief:::count_of(c(0, 1, 2, 1234), "patient"),
                   c("0 patients", "1 patient", "2 patients", "1,234 patients"))
})
