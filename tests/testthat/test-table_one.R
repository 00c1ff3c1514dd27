# Oracles: mean(), sd(), quantile(), table(), t.test(), wilcox.test(),
# oneway.test(), kruskal.test(), chisq.test(), fisher.test(), and the
# standardized mean differences written out below from their definitions.

cells_of <- function(x, variable, kind = NULL) {
  d <- as.data.frame(x)
  d <- d[d$variable == variable, ]
  if (!is.null(kind)) d <- d[d$kind == kind, ]
  d
}

# Yang & Dalton's multivariate SMD, from the formula: T = differences in the
# proportions of levels 2..k, S = the average of the two multinomial
# covariance matrices, SMD = sqrt(T' S^-1 T).
yang_dalton <- function(a, b, levels) {
  p <- sapply(levels, function(l) mean(a == l))[-1]
  q <- sapply(levels, function(l) mean(b == l))[-1]
  k <- length(p)
  S <- matrix(0, k, k)
  for (i in seq_len(k)) for (j in seq_len(k)) {
    S[i, j] <- if (i == j) (p[i] * (1 - p[i]) + q[i] * (1 - q[i])) / 2
               else (-p[i] * p[j] - q[i] * q[j]) / 2
  }
  T <- p - q
  sqrt(as.numeric(t(T) %*% solve(S) %*% T))
}

test_that("anorexia by treatment: N, means, SDs and medians equal base R", {
  skip_if_not_installed("MASS")
  a <- MASS::anorexia
  t1 <- table_one(a, c("Prewt", "Postwt"), group = "Treat",
                  nonnormal = "Postwt")
  expect_s3_class(t1, "table_one")
  shown <- format(t1)
  expect_identical(names(shown)[3:6],
                   c("CBT (N = 29)", "Cont (N = 26)", "FT (N = 17)",
                     "Overall (N = 72)"))
  for (arm in levels(a$Treat)) {
    pre <- a$Prewt[a$Treat == arm]
    post <- a$Postwt[a$Treat == arm]
    cell <- cells_of(t1, "Prewt")
    cell <- cell[cell$group == arm, ]
    expect_equal(cell$mean, mean(pre), info = arm)
    expect_equal(cell$sd, sd(pre), info = arm)
    expect_equal(cell$n, length(pre), info = arm)
    q <- quantile(post, c(0.25, 0.5, 0.75), names = FALSE)
    cell <- cells_of(t1, "Postwt")
    cell <- cell[cell$group == arm, ]
    expect_equal(c(cell$q1, cell$median, cell$q3), q, info = arm)
    column <- grep(paste0("^", arm, " "), names(shown))
    # weights recorded to 0.1 kg: two decimals
    expect_identical(shown[[column]][1],
                     sprintf("%.2f (%.2f)", mean(pre), sd(pre)), info = arm)
    expect_identical(shown[[column]][2],
                     sprintf("%.2f [%.2f\u2013%.2f]", q[2], q[1], q[3]), info = arm)
  }
  overall <- cells_of(t1, "Prewt")
  overall <- overall[overall$overall, ]
  expect_equal(overall$mean, mean(a$Prewt))
  expect_identical(shown$level, c("mean (SD)", "median [Q1\u2013Q3]"))
})

test_that("decimals follow the data's resolution, and digits overrides them", {
  d <- data.frame(g = rep(c("a", "b"), each = 5), whole = c(1:5, 3:7),
                  tenth = c(1:10) / 10, hundredth = (1:10) / 100 + 1)
  t1 <- table_one(d, c("whole", "tenth", "hundredth"), group = "g")
  expect_identical(attr(t1, "digits"), c(whole = 1L, tenth = 2L, hundredth = 3L))
  shown <- format(t1)
  expect_identical(shown[["a (N = 5)"]][1], sprintf("%.1f (%.1f)", 3, sd(1:5)))
  t2 <- table_one(d, c("whole", "tenth"), group = "g", digits = 0)
  expect_identical(format(t2)[["a (N = 5)"]], c("3 (2)", "0 (0)"))
  t3 <- table_one(d, c("whole", "tenth"), group = "g", digits = c(tenth = 3))
  expect_identical(format(t3)[["a (N = 5)"]],
                   c(sprintf("%.1f (%.1f)", 3, sd(1:5)),
                     sprintf("%.3f (%.3f)", 0.3, sd((1:5) / 10))))
})

test_that("categorical variables: n (%) per level under a header row, missing counted", {
  d <- data.frame(arm = c("x", "x", "x", "y", "y", "y", "y"),
                  sex = c("f", "m", NA, "f", "f", "m", NA),
                  score = c(1, NA, 3, 4, 5, 6, 7))
  t1 <- table_one(d, c("sex", "score"), group = "arm")
  shown <- format(t1)
  expect_identical(shown$variable, c("sex", "", "", "", "score", ""))
  expect_identical(shown$level,
                   c("n (%)", "f", "m", "missing", "mean (SD)", "missing"))
  expect_identical(shown[["x (N = 3)"]],
                   c("", "1 (50.0%)", "1 (50.0%)", "1", "2.0 (1.4)", "1"))
  expect_identical(shown[["y (N = 4)"]],
                   c("", "2 (66.7%)", "1 (33.3%)", "1", "5.5 (1.3)", "0"))
  expect_identical(shown[["Overall (N = 7)"]][2:4], c("3 (60.0%)", "2 (40.0%)", "2"))
  counts <- table(d$sex, d$arm)
  sex <- cells_of(t1, "sex", "level")
  expect_equal(sex$n[!sex$overall], as.vector(t(counts)))
  # no missing values, no missing row
  t2 <- table_one(d[!is.na(d$sex) & !is.na(d$score), ], c("sex", "score"), group = "arm")
  expect_false("missing" %in% format(t2)$level)
})

test_that("p-values equal t.test(), wilcox.test(), chisq.test() and fisher.test()", {
  skip_if_not_installed("MASS")
  a <- MASS::anorexia
  two <- droplevels(a[a$Treat != "FT", ])
  t1 <- table_one(two, c("Prewt", "Postwt"), group = "Treat",
                  nonnormal = "Postwt", test = TRUE)
  tests <- as.data.frame(t1, what = "tests")
  cbt <- two$Treat == "CBT"
  expect_equal(tests$p_value[1], t.test(two$Prewt[cbt], two$Prewt[!cbt])$p.value)
  expect_equal(tests$statistic[1], unname(t.test(two$Prewt[cbt], two$Prewt[!cbt])$statistic))
  expect_equal(tests$p_value[2],
               suppressWarnings(wilcox.test(two$Postwt[cbt], two$Postwt[!cbt])$p.value))
  expect_identical(tests$test, c("Welch t", "Wilcoxon rank-sum"))
  # three groups: Welch's ANOVA and Kruskal-Wallis
  t3 <- table_one(a, c("Prewt", "Postwt"), group = "Treat",
                  nonnormal = "Postwt", test = TRUE)
  tests3 <- as.data.frame(t3, what = "tests")
  expect_equal(tests3$p_value[1], oneway.test(Prewt ~ Treat, a)$p.value)
  expect_equal(tests3$p_value[2], kruskal.test(Postwt ~ Treat, a)$p.value)
  expect_identical(format(t3)$test, c("Welch ANOVA", "Kruskal-Wallis"))
  # chi-square where every expected count is at least 5
  m <- myelography
  t4 <- table_one(m, c("sex", "myelo_block"), group = "hospital", test = TRUE)
  tests4 <- as.data.frame(t4, what = "tests")
  expect_equal(tests4$p_value[1], chisq.test(table(m$sex, m$hospital))$p.value)
  expect_equal(tests4$p_value[2], chisq.test(table(m$myelo_block, m$hospital))$p.value)
  expect_identical(tests4$test, c("chi-square", "chi-square"))
  # Fisher's exact test where one is below 5
  small <- m[1:40, ]
  t5 <- table_one(small, "myelo_block", group = "sex", test = TRUE)
  counts <- table(small$myelo_block, small$sex)
  expect_true(any(suppressWarnings(chisq.test(counts))$expected < 5))
  expect_equal(as.data.frame(t5, what = "tests")$p_value,
               fisher.test(counts)$p.value)
  expect_identical(as.data.frame(t5, what = "tests")$test, "Fisher's exact")
  expect_output(print(t5), "Fisher's exact test")
})

test_that("standardized mean differences equal the hand-computed formulas", {
  skip_if_not_installed("MASS")
  a <- MASS::anorexia
  two <- droplevels(a[a$Treat != "FT", ])
  t1 <- table_one(two, "Prewt", group = "Treat", smd = TRUE)
  x1 <- two$Prewt[two$Treat == "CBT"]
  x2 <- two$Prewt[two$Treat == "Cont"]
  expect_equal(as.data.frame(t1, what = "tests")$smd,
               abs(mean(x1) - mean(x2)) / sqrt((var(x1) + var(x2)) / 2))
  # categorical: Yang & Dalton, 2 and 5 levels
  m <- myelography
  m$arm <- ifelse(m$hospital %in% c("A", "B"), "AB", "CD")
  t2 <- table_one(m, c("sex", "diagnosis"), group = "arm", smd = TRUE)
  smd <- as.data.frame(t2, what = "tests")$smd
  ab <- m$arm == "AB"
  expect_equal(smd[1], yang_dalton(m$sex[ab], m$sex[!ab], levels(m$sex)))
  expect_equal(smd[1], abs(mean(m$sex[ab] == "male") - mean(m$sex[!ab] == "male")) /
                 sqrt((mean(m$sex[ab] == "male") * mean(m$sex[ab] == "female") +
                       mean(m$sex[!ab] == "male") * mean(m$sex[!ab] == "female")) / 2))
  expect_equal(smd[2], yang_dalton(m$diagnosis[ab], m$diagnosis[!ab],
                                   levels(m$diagnosis)))
  # more than two groups: the largest over the pairs, each pair kept
  t3 <- table_one(a, "Prewt", group = "Treat", smd = TRUE)
  pairs <- as.data.frame(t3, what = "smd")
  expect_identical(nrow(pairs), 3L)
  by_hand <- combn(levels(a$Treat), 2, function(p) {
    x <- a$Prewt[a$Treat == p[1]]
    y <- a$Prewt[a$Treat == p[2]]
    abs(mean(x) - mean(y)) / sqrt((var(x) + var(y)) / 2)
  })
  expect_equal(pairs$smd, as.vector(by_hand))
  expect_equal(as.data.frame(t3, what = "tests")$smd, max(by_hand))
  expect_output(print(t3, all = TRUE), "largest over all pairs")
})

test_that("hostile labels are shown verbatim", {
  long <- strrep("abcdefghij", 6)
  d <- data.frame(g = factor(rep(c("<b>", "*x*"), each = 4)),
                  v = factor(c("caf\u00e9", long, "<b>", "*x*", "caf\u00e9",
                               long, "%s", "--")),
                  stringsAsFactors = FALSE)
  t1 <- table_one(d, "v", group = "g")
  shown <- format(t1)
  expect_true(all(c("<b> (N = 4)", "*x* (N = 4)") %in% names(shown)))
  expect_true(all(c("caf\u00e9", long, "<b>", "*x*", "%s", "--") %in% shown$level))
  out <- capture.output(print(t1, all = TRUE))
  expect_true(any(grepl(long, out, fixed = TRUE)))
  expect_true(any(grepl("<b> (N = 4)", out, fixed = TRUE)))
  # hostile column names, as variable and as group
  d[["*x* <b> caf\u00e9"]] <- c(1, 2, 3, 4, 5, 6, 7, 8)
  d[["`g` %s"]] <- d$g
  t2 <- table_one(d, "*x* <b> caf\u00e9", group = "`g` %s")
  expect_identical(format(t2)$variable, "*x* <b> caf\u00e9")
  expect_output(print(t2), "Patient characteristics by `g` %s", fixed = TRUE)
})

test_that("print() stays within the console width", {
  skip_if_not_installed("MASS")
  t1 <- table_one(MASS::anorexia, c("Prewt", "Postwt"), group = "Treat",
                  nonnormal = "Postwt", test = TRUE, smd = TRUE)
  for (w in c(60, 80, 120)) {
    out <- withr::with_options(list(width = w), capture.output(print(t1)))
    expect_true(all(nchar(out, type = "width") <= w), info = w)
  }
})

test_that("print() shows the table", {
  cohort <- classify_cohort(myelography)
  expect_snapshot(table_one(cohort, c("age", "sex", "myelo_block"),
                            group = "any_alleviated", test = TRUE, smd = TRUE))
  expect_snapshot(table_one(myelography, c("age", "sex")))
})

test_that("bad input is an error naming the argument", {
  m <- myelography
  expect_error(table_one(list(a = 1), "a"), "`data` must be a data frame",
               class = "myelorelief_error")
  expect_error(table_one(m, "weight"), "`vars` names a column not found in `data`: \"weight\"",
               class = "myelorelief_error")
  expect_error(table_one(m, 1), "`vars`", class = "myelorelief_error")
  expect_error(table_one(m, "age", group = "ward"), "`group` names a column not found",
               class = "myelorelief_error")
  expect_error(table_one(m, "age", group = c("sex", "hospital")), "`group` must be NULL",
               class = "myelorelief_error")
  one <- m
  one$arm <- "only"
  expect_error(table_one(one, "age", group = "arm"),
               "`group` column \"arm\" must have at least two levels with patients, not only \"only\"",
               class = "myelorelief_error")
  one$arm[1] <- NA
  expect_error(table_one(one, "age", group = "arm"), "`group`",
               class = "myelorelief_error")
  d <- data.frame(g = c("a", "b"))
  d$l <- list(1, 2)
  expect_error(table_one(d, "l", group = "g"),
               "`vars` column \"l\" must be numeric, factor, character or logical, not a list",
               class = "myelorelief_error")
  expect_error(table_one(d, "g", group = "l"), "`group` must name",
               class = "myelorelief_error")
  expect_error(table_one(m, "exam_date"), "`vars` column \"exam_date\"",
               class = "myelorelief_error")
  expect_error(table_one(m, c("age", "sex"), group = "sex"), "`vars` must not include",
               class = "myelorelief_error")
  expect_error(table_one(m, "age", nonnormal = "sex"), "`nonnormal` names a column not in `vars`",
               class = "myelorelief_error")
  expect_error(table_one(m, c("age", "sex"), nonnormal = "sex"),
               "`nonnormal` names a column that is not numeric", class = "myelorelief_error")
  expect_error(table_one(m, "age", test = TRUE), "`test = TRUE` needs `group`",
               class = "myelorelief_error")
  expect_error(table_one(m, "age", group = "sex", smd = NA), "`smd`",
               class = "myelorelief_error")
  expect_error(table_one(m, "age", digits = -1), "`digits`", class = "myelorelief_error")
  expect_error(table_one(m, "age", digits = c(sex = 1)), "`digits` names a variable",
               class = "myelorelief_error")
  expect_error(table_one(m, c("age", "age")), "`vars` names a column more than once",
               class = "myelorelief_error")
  expect_error(as.data.frame(table_one(m, "age"), what = "x"), "`what`",
               class = "myelorelief_error")
})

test_that("group rows with a missing group are in the overall column only", {
  cohort <- classify_cohort(myelography)
  t1 <- table_one(cohort, "age", group = "any_alleviated")
  judged <- !is.na(cohort$any_alleviated)
  cells <- cells_of(t1, "age")
  expect_identical(cells$n, c(sum(!cohort$any_alleviated, na.rm = TRUE),
                              sum(cohort$any_alleviated, na.rm = TRUE), nrow(cohort)) + 0)
  expect_output(print(t1), "1 row with any_alleviated missing: in the Overall column only")
})

test_that("a whole-number group works, its NaN counted as a missing group", {
  d <- data.frame(arm = c(2, 1, 2, NaN, 1, 10), x = c(1, 2, 3, 4, 5, 6))
  t1 <- table_one(d, "x", group = "arm")
  expect_identical(names(format(t1))[3:6],
                   c("1 (N = 2)", "2 (N = 2)", "10 (N = 1)", "Overall (N = 6)"))
  expect_identical(attr(t1, "n_group_missing"), 1L)
  expect_error(table_one(transform(d, arm = arm + 0.5), "x", group = "arm"),
               "`group` must name", class = "myelorelief_error")
})

test_that("shuffling the rows changes nothing", {
  skip_if_not_installed("MASS")
  a <- MASS::anorexia
  a$gain <- ifelse(a$Postwt > a$Prewt, "gained", "lost")
  a$gain[c(3, 40)] <- NA
  base <- table_one(a, c("Prewt", "Postwt", "gain"), group = "Treat",
                    nonnormal = "Postwt", test = TRUE, smd = TRUE)
  for (seed in 1:5) {
    set.seed(seed)
    shuffled <- a[sample(nrow(a)), ]
    again <- table_one(shuffled, c("Prewt", "Postwt", "gain"), group = "Treat",
                       nonnormal = "Postwt", test = TRUE, smd = TRUE)
    expect_equal(as.data.frame(again), as.data.frame(base), info = paste("seed", seed))
    expect_equal(as.data.frame(again, what = "tests"),
                 as.data.frame(base, what = "tests"), info = paste("seed", seed))
    expect_identical(format(again), format(base), info = paste("seed", seed))
  }
})

test_that("factor, character and logical give the same counts for the same categories", {
  for (seed in 1:5) {
    set.seed(seed)
    n <- sample(10:200, 1)
    lgl <- sample(c(TRUE, FALSE, NA), n, replace = TRUE)
    d <- data.frame(g = sample(c("a", "b", "c"), n, replace = TRUE),
                    lgl = lgl, chr = as.character(lgl),
                    fct = factor(lgl, levels = c(FALSE, TRUE)))
    d$g[1:3] <- c("a", "b", "c")
    t1 <- table_one(d, c("lgl", "chr", "fct"), group = "g", test = TRUE, smd = TRUE)
    cells <- as.data.frame(t1)
    by <- split(cells[c("kind", "level", "group", "n", "total", "proportion")],
                cells$variable)
    rownames(by$lgl) <- rownames(by$chr) <- rownames(by$fct) <- NULL
    expect_equal(by$chr, by$lgl, info = paste("seed", seed))
    expect_equal(by$fct, by$lgl, info = paste("seed", seed))
    tests <- as.data.frame(t1, what = "tests")
    expect_equal(tests$p_value[2:3], rep(tests$p_value[1], 2), info = paste("seed", seed))
    expect_equal(tests$smd[2:3], rep(tests$smd[1], 2), info = paste("seed", seed))
    counts <- table(d$lgl, d$g)
    lv <- cells[cells$variable == "lgl" & cells$kind == "level" & !cells$overall, ]
    expect_equal(lv$n, as.vector(t(counts)), info = paste("seed", seed))
  }
})

test_that("tests that cannot inform say so", {
  d <- data.frame(g = rep(c("a", "b"), each = 4), same = 5,
                  one = factor(rep("x", 8), levels = c("x", "y")),
                  solo = c(1, NA, NA, NA, 2, 3, 4, 5))
  t1 <- table_one(d, c("same", "one", "solo"), group = "g", test = TRUE)
  tests <- as.data.frame(t1, what = "tests")
  expect_identical(tests$test, rep("not informative", 3))
  # numeric: no test computable, p NA; categorical (one level observed): a
  # single table, Fisher's p = 1 as compare_rates() gives it
  expect_identical(tests$p_value, c(NA, 1, NA))
})

test_that("categorical tables that are all equally likely: not informative, p = 1 as fisher.test()", {
  # hand-worked: each level seen once (every table equally likely), one
  # level seen once in groups of equal size, groups of 1 and 3 with 2 of a
  # level; and a table that informs (Fisher's exact, p as fisher.test())
  cases <- list(
    each_once = list(g = rep(c("a", "b"), 3), x = c("u", "v", "w", "y", "z", "q"), uniform = TRUE),
    one_in_equal = list(g = rep(c("a", "b"), each = 4), x = c("u", rep("v", 7)), uniform = TRUE),
    sizes_1_3 = list(g = c("a", "b", "b", "b"), x = c("u", "u", "v", "v"), uniform = TRUE),
    three_groups_one_level_once = list(g = rep(c("a", "b", "c"), each = 3),
                                       x = c("u", rep("v", 8)), uniform = TRUE),
    informs = list(g = rep(c("a", "b"), each = 4), x = c("u", "u", "u", "v", "v", "v", "v", "v"),
                   uniform = FALSE))
  for (name in names(cases)) {
    k <- cases[[name]]
    d <- data.frame(g = k$g, x = k$x)
    tests <- as.data.frame(table_one(d, "x", group = "g", test = TRUE), what = "tests")
    fisher <- fisher.test(table(d$x, d$g))$p.value
    expect_equal(tests$p_value, fisher, info = name)
    if (k$uniform) {
      expect_identical(tests$test, "not informative", info = name)
      expect_identical(tests$p_value, 1, info = name)
      expect_equal(fisher, 1, info = name)
    } else {
      expect_identical(tests$test, "Fisher's exact", info = name)
      expect_lt(tests$p_value, 1)
    }
  }
})

test_that("format() is ready for knitr::kable()", {
  skip_if_not_installed("knitr")
  t1 <- table_one(myelography, c("age", "sex"), group = "hospital")
  shown <- format(t1)
  expect_true(all(vapply(shown, is.character, TRUE)))
  md <- knitr::kable(shown)
  expect_true(any(grepl("A (N = 121)", md, fixed = TRUE)))
})
