cohort <- classify_cohort(myelography)

test_that("the heterogeneity p-value equals fisher.test() on the same counts", {
  tab <- tabulate_cohort(cohort, by = "hospital", data = myelography)
  s <- summary(tab)
  expect_s3_class(s, "summary.alleviation_table")
  for (symptom in c("lbp", "any")) {
    rows <- tab[tab$symptom == symptom & tab$hospital != "(all)", ]
    counts <- cbind(rows$alleviated, rows$evaluable - rows$alleviated)
    expect_equal(s$p_value[s$symptom == symptom], fisher.test(counts)$p.value)
  }
  expect_identical(unique(s$test), "Fisher's exact")
  expect_true(all(is.na(s$difference)))          # four strata: no difference
  expect_equal(s$alleviated, c(26, 2, 2, 5, 35))
})

test_that("two strata give the Newcombe hybrid score difference", {
  tab <- tabulate_cohort(cohort, by = "sex", data = myelography)
  s <- summary(tab)
  rows <- tab[tab$symptom == "lbp" & tab$sex != "(all)", ]
  x <- rows$alleviated
  n <- rows$evaluable
  # Newcombe (1998) method 10, written out from Wilson bounds of prop.test()
  w1 <- prop.test(x[1], n[1], correct = FALSE)$conf.int
  w2 <- prop.test(x[2], n[2], correct = FALSE)$conf.int
  p1 <- x[1] / n[1]
  p2 <- x[2] / n[2]
  expect_equal(s$difference[1], p1 - p2)
  expect_equal(s$difference_lower[1], p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2))
  expect_equal(s$difference_upper[1], p1 - p2 + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
  expect_snapshot(s)
})

test_that("hand-worked Newcombe example (Newcombe 1998, 56/70 vs 48/80)", {
  cohort2 <- structure(list(), class = "x")
  d <- myelorelief:::newcombe_difference(c(56, 48), c(70, 80), 0.95)
  expect_equal(round(d, 4), c(0.2, 0.0524, 0.3339))
})

test_that("a table without strata summarises the overall rates", {
  s <- summary(tabulate_cohort(cohort))
  expect_true(all(is.na(s$p_value)))
  expect_equal(s$rate, tabulate_cohort(cohort)$rate)
})

test_that("infeasible Fisher tests fall back to a simulated chi-square", {
  set.seed(3)
  res <- myelorelief:::heterogeneity_test(rep(c(400, 500), 30), rep(1000, 60), 2000)
  expect_identical(res$test, "chi-square (simulated p)")
  expect_true(res$p_value >= 0 && res$p_value <= 1)
  expect_error(summary(tabulate_cohort(cohort), simulate_B = 1), "`simulate_B`")
})
