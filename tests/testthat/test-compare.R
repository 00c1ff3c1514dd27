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
         patient_class = factor(rep(c("alleviated", "unchanged"), c(5, 3)),
                                levels = c("alleviated", "unchanged", "worsened", "absent")),
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

test_that("an all-missing variable gives its missing row and no test, whatever its type", {
  d <- myelography
  n_yes <- sum(group)
  n_no <- sum(!group)
  d$lgl <- NA
  d$chr <- NA_character_
  d$fct0 <- factor(rep(NA, nrow(d)))                      # no levels at all
  d$fct2 <- factor(rep(NA, nrow(d)), levels = c("a", "b")) # levels, no values
  d$dbl <- NA_real_
  d$int <- NA_integer_
  d$nan <- NaN
  vars <- c("lgl", "chr", "fct0", "fct2", "dbl", "int", "nan")
  for (v in vars) {
    cmp <- compare_alleviated(cohort, v, data = d)
    expect_identical(nrow(cmp), 1L, info = v)
    expect_identical(cmp$level, "missing", info = v)
    expect_identical(cmp$alleviated, format(n_yes), info = v)
    expect_identical(cmp$not_alleviated, format(n_no), info = v)
    expect_true(is.na(cmp$p_value), info = v)
    expect_true(is.na(cmp$test), info = v)
  }
  # beside ordinary variables, which keep their rows and p-values
  cmp <- compare_alleviated(cohort, c("age", vars, "sex"), data = d)
  expect_identical(unique(cmp$variable), c("age", vars, "sex"))
  expect_equal(cmp$p_value[cmp$variable == "sex"][1],
               fisher.test(table(myelography$sex[judged], group))$p.value)
  expect_output(print(cmp), "fct0 +missing")
  # values only among patients who were not judged count as missing too
  d$only_unjudged <- ifelse(judged, NA, "x")
  cmp <- compare_alleviated(cohort, "only_unjudged", data = d)
  expect_identical(cmp$level, "missing")
  expect_identical(cmp$alleviated, format(n_yes))
})

test_that("a variable missing in one group only is counted there", {
  d <- myelography
  d$arm <- ifelse(cohort$any_alleviated %in% FALSE,
                  c("a", "b")[(seq_len(nrow(d)) %% 2) + 1], NA)
  d$score <- ifelse(cohort$any_alleviated %in% TRUE, NA, d$age)
  cmp <- compare_alleviated(cohort, c("arm", "score"), data = d)
  arm <- cmp[cmp$variable == "arm", ]
  expect_identical(arm$level, c("a", "b", "missing"))
  expect_identical(arm$alleviated, c("0 (-)", "0 (-)", format(sum(group))))
  expect_identical(arm$not_alleviated[3], "0")
  expect_identical(arm$not_alleviated[1:2],
                   sprintf("%d (%.1f%%)", as.vector(table(d$arm[judged])),
                           100 * as.vector(table(d$arm[judged])) / sum(!group)))
  # one group without values: a single table, Fisher's p = 1 (as compare_rates())
  expect_identical(arm$p_value, c(1, NA, NA))
  expect_identical(arm$test, c("not informative", NA, NA))
  score <- cmp[cmp$variable == "score", ]
  expect_identical(score$level, c("median [IQR]", "missing"))
  expect_identical(score$alleviated, c("-", format(sum(group))))
  expect_identical(score$not_alleviated[2], "0")
  expect_true(all(is.na(score$p_value)))
  expect_identical(score$test, c("not informative", NA))
  expect_output(print(cmp), "not informative: given the numbers in each group")
})

test_that("tests that cannot inform say so, with p NA (numeric) or 1 (categorical)", {
  d <- myelography
  d$same <- 5                                    # every value the same
  d$one_level <- factor(rep("x", nrow(d)), levels = c("x", "y"))
  d$unique_level <- as.character(seq_len(nrow(d)))   # each level seen once
  cmp <- compare_alleviated(cohort, c("same", "one_level", "unique_level"), data = d)
  first <- cmp[!duplicated(cmp$variable), ]
  expect_identical(first$test, rep("not informative", 3))
  # numeric: no test, p NA; categorical: every table equally likely, p = 1
  # (fisher.test()'s and compare_rates()'s)
  expect_identical(first$p_value, c(NA, 1, 1))
  expect_true(all(is.na(cmp$p_value[duplicated(cmp$variable)])))
  # fisher.test() agrees that these tables carry nothing: p = 1
  expect_equal(fisher.test(table(d$one_level[judged], group))$p.value, 1)
})

test_that("a simulated p-value is reproducible and leaves the random stream alone", {
  d <- myelography
  set.seed(11)
  # 30 levels with 300+ judged patients: Fisher's test is not tried
  d$site <- sprintf("s%02d", sample(30, nrow(d), replace = TRUE))
  set.seed(5)
  before <- .Random.seed
  a <- compare_alleviated(cohort, "site", data = d, simulate_B = 2000)
  expect_identical(.Random.seed, before)
  b <- compare_alleviated(cohort, "site", data = d, simulate_B = 2000)
  expect_identical(a$p_value, b$p_value)
  expect_identical(a$test[1], "chi-square (simulated p)")
  counts <- table(d$site[judged], factor(group, levels = c(TRUE, FALSE)))
  set.seed(1)
  oracle <- chisq.test(counts, simulate.p.value = TRUE, B = 2000)$p.value
  expect_equal(a$p_value[1], oracle)
  expect_output(print(a), "2,000 replicates, seed 1")
  c7 <- compare_alleviated(cohort, "site", data = d, simulate_B = 2000, seed = 7)
  set.seed(7)
  expect_equal(c7$p_value[1],
               chisq.test(counts, simulate.p.value = TRUE, B = 2000)$p.value)
  expect_error(compare_alleviated(cohort, "site", data = d, seed = 1.5), "`seed`",
               class = "myelorelief_error")
  expect_error(compare_alleviated(cohort, "site", data = d, seed = "a"), "`seed`")
})
