key <- function(...) {
  do.call(paste, c(lapply(list(...), function(v) ifelse(is.na(v), "<NA>", as.character(v))),
                   sep = "|"))
}
categories <- c("alleviated", "unchanged", "worsened", "absent", "missing")

test_that("counts equal table() by two strata with NA and empty levels", {
  set.seed(11)
  made <- random_cohort(3000, 3)
  data <- made$data
  cohort <- made$cohort
  tab <- tabulate_cohort(cohort, by = c("site", "group"), data = data)
  cells <- tab[tab$site %in% c(NA, "a", "b", "c", "empty") &
                 !(tab$group %in% "(all)") & !(tab$site %in% "(all)"), ]
  for (s in c("s1", "s2", "s3", "any")) {
    class <- if (s == "any") {
      oracle <- oracle_patient_class(as.data.frame(cohort)[c("s1", "s2", "s3")])
      factor(ifelse(oracle == "missing", NA, oracle), levels = categories[1:4])
    } else cohort[[s]]
    oracle <- as.data.frame(table(site = addNA(data$site, ifany = TRUE),
                                  group = addNA(factor(data$group), ifany = TRUE),
                                  class = addNA(class, ifany = FALSE)),
                            stringsAsFactors = FALSE)
    oracle$class[is.na(oracle$class)] <- "missing"
    ours <- cells[cells$symptom == s, ]
    expect_identical(nrow(ours), 5L * 3L)
    for (category in categories) {
      o <- oracle[oracle$class == category, ]
      expect_equal(ours[[category]][match(key(o$site, o$group), key(ours$site, ours$group))],
                   as.numeric(o$Freq), info = paste(s, category))
    }
  }
  empty <- tab[tab$site %in% "empty", ]
  expect_true(all(empty$n == 0))
  expect_true(all(is.na(empty$rate)))
  expect_true(any(is.na(cells$site)))      # NA strata are rows, not dropped
  expect_true(any(is.na(cells$group)))
})

test_that("every row keeps every patient", {
  set.seed(12)
  made <- random_cohort(1000, 2)
  tab <- tabulate_cohort(made$cohort, by = c("site", "group", "age_band"), data = made$data)
  expect_equal(tab$alleviated + tab$unchanged + tab$worsened + tab$absent + tab$missing, tab$n)
  expect_equal(tab$evaluable, tab$alleviated + tab$unchanged + tab$worsened)
  margins <- tab[tab$site %in% "(all)", ]
  expect_true(all(margins$n == 1000))
  cells <- tab[!tab$site %in% "(all)", ]
  expect_equal(as.vector(tapply(cells$n, cells$symptom, sum)), c(1000, 1000, 1000))
  expect_equal(tab$share, ifelse(tab$n > 0, tab$alleviated / tab$n, NA))
})

test_that("without strata there is one row per symptom, equal to table()", {
  set.seed(13)
  made <- random_cohort(500, 2)
  tab <- tabulate_cohort(made$cohort)
  expect_identical(as.character(tab$symptom), c("s1", "s2", "any"))
  expect_named(tab, c("symptom", "n", categories, "evaluable", "rate",
                      "rate_lower", "rate_upper", "share"))
  counts <- table(addNA(made$cohort$s1, ifany = FALSE))
  expect_equal(unlist(tab[1, categories]), stats::setNames(as.numeric(counts), categories))
  any <- table(factor(oracle_patient_class(as.data.frame(made$cohort)[c("s1", "s2")]),
                      levels = categories))
  expect_equal(unlist(tab[3, categories]),
               stats::setNames(as.numeric(any), categories))
})

test_that("rates and intervals come from prop_ci() with the chosen method", {
  set.seed(14)
  made <- random_cohort(400, 1)
  for (m in c("wilson", "exact", "jeffreys", "agresti-coull")) {
    tab <- tabulate_cohort(made$cohort, by = "site", data = made$data,
                           method = m, conf_level = 0.9)
    ci <- prop_ci(tab$alleviated, tab$evaluable, conf_level = 0.9, method = m)
    expect_equal(tab$rate, ci$estimate)
    expect_equal(tab$rate_lower, ci$lower)
    expect_equal(tab$rate_upper, ci$upper)
  }
})

test_that("margins can be left out and strata can come from x", {
  set.seed(15)
  made <- random_cohort(300, 2)
  tab <- tabulate_cohort(made$cohort, by = "site", data = made$data, margins = FALSE)
  expect_false(any(tab$site %in% "(all)"))
  by_primary <- tabulate_cohort(made$cohort, by = "primary_symptom")
  expect_identical(levels(by_primary$primary_symptom), c("s1", "s2", "(all)"))
  expect_true(any(is.na(by_primary$primary_symptom)))
})

test_that("numeric, logical and Date strata sort by value", {
  set.seed(16)
  made <- random_cohort(200, 1)
  made$data$dose <- sample(c(5, 10, 100), 200, replace = TRUE)
  made$data$flag <- sample(c(TRUE, FALSE), 200, replace = TRUE)
  made$data$day <- as.Date("2013-01-01") + sample(c(0, 40), 200, replace = TRUE)
  tab <- tabulate_cohort(made$cohort, by = c("dose", "flag", "day"), data = made$data,
                         margins = FALSE)
  expect_identical(levels(tab$dose), c("5", "10", "100"))
  expect_identical(levels(tab$flag), c("FALSE", "TRUE"))
  expect_identical(levels(tab$day), c("2013-01-01", "2013-02-10"))
})

test_that("a stratum that is all NA (a factor without levels) is one NA stratum", {
  set.seed(19)
  made <- random_cohort(60, 1)
  made$data$nothing <- factor(rep(NA, 60))
  tab <- tabulate_cohort(made$cohort, by = "nothing", data = made$data, margins = FALSE)
  expect_identical(nrow(tab), 1L)         # one rule: no separate "any" row
  expect_true(all(is.na(tab$nothing)))
  expect_equal(tab$n, 60)
})

test_that("inputs are unchanged", {
  set.seed(17)
  made <- random_cohort(100, 1)
  data_copy <- made$data
  cohort_copy <- made$cohort
  tabulate_cohort(made$cohort, by = "site", data = made$data)
  expect_identical(made$data, data_copy)
  expect_identical(made$cohort, cohort_copy)
})

test_that("bad input is an error naming the argument", {
  set.seed(18)
  made <- random_cohort(50, 1)
  cohort <- made$cohort
  expect_error(tabulate_cohort(made$data), "`x` must be a myelo_cohort")
  expect_error(tabulate_cohort(as.data.frame(cohort)), "`x` must be a myelo_cohort")
  expect_error(tabulate_cohort(cohort, by = "hospital", data = made$data),
               "`by` names a column not found in `data or x`: \"hospital\"")
  expect_error(tabulate_cohort(cohort, by = "sight"), "`by` names a column not found in `x`")
  expect_error(tabulate_cohort(cohort, by = 1), "`by` must be a character vector")
  expect_error(tabulate_cohort(cohort, by = c("site", "site"), data = made$data),
               "`by` must not repeat")
  expect_error(tabulate_cohort(cohort, by = "symptom"), "`by` must not name a column the table")
  expect_error(tabulate_cohort(cohort, by = c("site", "rate"), data = made$data),
               "`by` must not name a column the table itself has: \"rate\"")
  expect_error(tabulate_cohort(cohort, by = "site", data = made$data[-1, ]),
               "`data` must have one row per row of `x` \\(50\\), not 49")
  expect_error(tabulate_cohort(cohort, by = "site", data = 1:50), "`data` must be a data frame")
  d <- made$data
  d$m <- matrix(1:100, 50)
  expect_error(tabulate_cohort(cohort, by = "m", data = d), "`by` column \"m\" must be a vector")
  d$l <- I(as.list(1:50))
  expect_error(tabulate_cohort(cohort, by = "l", data = d), "`by` column \"l\"")
  expect_error(tabulate_cohort(cohort, conf_level = 95), "`conf_level`")
  expect_error(tabulate_cohort(cohort, method = "wald"), "`method`")
  expect_error(tabulate_cohort(cohort, margins = NA), "`margins`")
  broken <- cohort
  broken$s1 <- as.character(broken$s1)
  expect_error(tabulate_cohort(broken), "`x\\$s1` must be the factor")
})
