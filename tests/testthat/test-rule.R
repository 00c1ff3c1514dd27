test_that("alleviation_rule() stores validated settings", {
  r <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                        range = c(0, 10), label = "pain")
  expect_s3_class(r, "alleviation_rule")
  expect_identical(r$direction, "decrease")
  expect_identical(r$min_change, 2)
  expect_identical(r$min_relative, 0.3)
  expect_identical(r$combine, "all")
  expect_identical(r$worsen_change, 2)          # defaults to min_change
  expect_identical(r$worsen_relative, 0.3)
  expect_identical(r$absent_at, 0)
  expect_identical(r$range, c(0, 10))
  expect_identical(r$label, "pain")
})

test_that("absent_at defaults by direction and NA thresholds take no part", {
  up <- alleviation_rule("increase", min_relative = 0.3)
  expect_identical(up$absent_at, Inf)
  expect_true(is.na(up$min_change))
  expect_true(is.na(up$worsen_change))
  expect_identical(up$worsen_relative, 0.3)
  never_worse <- alleviation_rule(min_change = 1, worsen_change = NA)
  expect_true(is.na(never_worse$worsen_change))
})

test_that("print() states the rule in words", {
  expect_snapshot({
    alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                     range = c(0, 10), label = "Leg pain (NRS)")
    alleviation_rule("increase", min_relative = 0.3)
    alleviation_rule("decrease", min_change = 15, min_relative = 0.3,
                     combine = "any", worsen_change = NA,
                     worsen_relative = NA, range = c(0, 100))
    alleviation_rule("increase", min_change = 100, absent_at = 500,
                     range = c(0, 500))
  })
  expect_match(format(alleviation_rule(min_change = 2, min_relative = 0.3))[1],
               "alleviated when the score falls by at least 2 points and by at least 30% of baseline",
               fixed = TRUE)
})

test_that("bad arguments are errors that name the argument", {
  expect_error(alleviation_rule("sideways", min_change = 1), "`direction`")
  expect_error(alleviation_rule(c("decrease", "up"), min_change = 1), "`direction`")
  expect_error(alleviation_rule(), "`min_change` and `min_relative`")
  expect_error(alleviation_rule(min_change = NA, min_relative = NA), "`min_change`")
  expect_error(alleviation_rule(min_change = -1), "`min_change`")
  expect_error(alleviation_rule(min_change = "2"), "`min_change`")
  expect_error(alleviation_rule(min_change = c(1, 2)), "`min_change`")
  expect_error(alleviation_rule(min_change = Inf), "`min_change`")
  expect_error(alleviation_rule(min_change = NaN), "`min_change`")
  expect_error(alleviation_rule(min_relative = "abc"), "`min_relative`.*\"abc\"")
  expect_error(alleviation_rule(min_relative = list(0.3)), "`min_relative`")
  expect_error(alleviation_rule(min_relative = factor(1)), "`min_relative`")
  expect_error(alleviation_rule(min_change = 1, combine = "both"), "`combine`")
  expect_error(alleviation_rule(min_change = 1, worsen_change = -2), "`worsen_change`")
  expect_error(alleviation_rule(min_change = 1, worsen_relative = "x"), "`worsen_relative`")
  expect_error(alleviation_rule(min_change = 1, absent_at = NA), "`absent_at`")
  expect_error(alleviation_rule(min_change = 1, absent_at = "0"), "`absent_at`")
  expect_error(alleviation_rule(min_change = 1, range = c(10, 0)), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = 10), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = c(0, NA)), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = c("0", "10")), "`range`")
  expect_error(alleviation_rule(min_change = 1, label = 3), "`label`")
  expect_error(alleviation_rule(min_change = 1, label = c("a", "b")), "`label`")
  expect_error(alleviation_rule(min_change = 1), NA)
  expect_error(alleviation_rule(min_change = "2"), class = "myelorelief_error")
})

test_that("the quick rule check never passes a rule the full check refuses", {
  intact <- myelorelief:::rule_is_intact
  full_ok <- function(rule) {
    tryCatch({ myelorelief:::check_rule_fields(rule, NULL); TRUE },
             myelorelief_error = function(e) FALSE)
  }
  base <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3, range = c(0, 10))
  edits <- list(list(), list(min_change = "2"), list(min_change = -1), list(min_change = NaN),
                list(min_change = NA, min_relative = NA), list(min_change = c(1, 2)),
                list(min_relative = Inf), list(range = c(10, 0)), list(range = c(0, NA)),
                list(range = 1), list(absent_at = NA_real_), list(absent_at = "0"),
                list(direction = "up"), list(combine = NA), list(label = 1),
                list(worsen_change = numeric()), list(min_change = 2L), list(label = "x"))
  for (edit in edits) {
    rule <- base
    rule[names(edit)] <- edit
    if (intact(rule)) expect_true(full_ok(rule), label = deparse(edit))
  }
  expect_true(intact(base))
  expect_true(all(vapply(study_rules(), intact, logical(1))))
})
