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
  expect_identical(describe(study_rules()$lbp), "an alleviation_rule object of length 10")
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

test_that("natural mistakes get errors that say what to do", {
  weight <- alleviation_rule("increase", min_relative = 0.05, label = "Body weight (lb)")
  d <- data.frame(Prewt = c(80, 90, 85), Postwt = c(90, 80, 86), site = c("a", "b", "a"))
  # a single rule: named after its columns where they say it, else refused
  one <- classify_cohort(d, weight, pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_identical(names(attr(one, "rules")), "weight")
  expect_identical(as.character(one$weight), c("alleviated", "worsened", "unchanged"))
  same <- classify_cohort(d, list(weight = weight), pre = c(weight = "Prewt"),
                          post = c(weight = "Postwt"))
  expect_identical(one$weight, same$weight)
  stems <- data.frame(weight_pre = d$Prewt, weight_post = d$Postwt)
  expect_identical(classify_cohort(stems, weight)$weight, one$weight)
  expect_identical(classify_cohort(stems, weight, pre = "weight_pre", post = "weight_post")$weight,
                   one$weight)
  expect_error(classify_cohort(d, weight, pre = "Prewt", post = "Postwt"),
               "single alleviation_rule; name its symptom, as in rules = list\\(weight = rule\\)",
               class = "myelorelief_error")
  expect_error(classify_cohort(myelography, weight), "single alleviation_rule",
               class = "myelorelief_error")
  expect_error(reproduce_guo2016(rules = weight),
               "a named list of rules.*it is a single alleviation_rule",
               class = "myelorelief_error")
  # near misses of column names
  expect_error(classify_cohort(d, list(w = weight), pre = c(w = "prewt"), post = c(w = "Postwt")),
               "\"prewt\"\\. Did you mean \"Prewt\"\\?", class = "myelorelief_error")
  cohort <- classify_cohort(myelography)
  expect_error(tabulate_cohort(cohort, by = "hospitl"), "Did you mean \"hospital\"",
               class = "myelorelief_error")
  expect_error(tabulate_cohort(cohort, by = "zzzzzz"), "not found in `x`: \"zzzzzz\"\\.$",
               class = "myelorelief_error")
  # a threshold that can never be met
  expect_error(alleviation_rule(min_relative = 30),
               "`min_relative` = 30 asks for a fall of more than 100%.*did you mean 0.3\\?",
               class = "myelorelief_error")
  expect_silent(alleviation_rule(min_relative = 1))
  expect_silent(alleviation_rule("increase", min_relative = 30))
  expect_silent(alleviation_rule(min_relative = 3, range = c(-10, 10)))
  # no internal function in any of these calls
  for (e in list(
    tryCatch(classify_cohort(d, weight, pre = "Prewt", post = "Postwt"), error = identity),
    tryCatch(classify_alleviation(1, 2, list(1)), error = identity),
    tryCatch(tabulate_cohort(cohort, by = "hospitl"), error = identity),
    tryCatch(alleviation_rule(min_relative = 30), error = identity))) {
    expect_false(grepl("^check_|^abort|^name_single", deparse(conditionCall(e))[1L]))
    expect_false(grepl("not a alleviation_rule|list of length 9", conditionMessage(e)))
  }
})
