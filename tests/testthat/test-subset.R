# Subsets of result tables: a subset that keeps every column keeps its class
# and prints; one that loses a column is a plain data frame (before, print()
# failed with an obscure error).

subset_results <- function() {
  co <- classify_cohort(myelography, study_rules())
  list(
    summary = summary(tabulate_cohort(co, by = "hospital")),
    rate_comparison = compare_rates(tabulate_cohort(co, by = c("sex", "hospital")),
                                    group = "sex"),
    alleviation_comparison = compare_alleviated(co, vars = c("sex", "age")),
    score_change = score_change(myelography, study_rules(), group = "sex"),
    table_one = table_one(myelography, vars = c("age", "hospital"), group = "sex"),
    curve = alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                              rule = study_rules()$lbp),
    reproduction = reproduce_guo2016()
  )
}

test_that("a column subset of any result is a plain data frame that prints", {
  for (name in names(results <- subset_results())) {
    x <- results[[name]]
    for (columns in list(1:2, -1L, rev(seq_along(x))[-1L])) {
      out <- x[, columns]
      expect_identical(class(out), "data.frame", info = name)
      expect_identical(names(attributes(out)), c("names", "row.names", "class"),
                       info = name)
      expect_identical(out, as.data.frame(unclass(x), stringsAsFactors = FALSE)[, columns],
                       info = name)
      expect_output(print(out), info = name)
    }
  }
})

test_that("a row subset with every column keeps the class and prints those rows", {
  for (name in names(results <- subset_results())) {
    x <- results[[name]]
    out <- x[rev(seq_len(nrow(x))), ]
    expect_s3_class(out, class(x)[1L])
    expect_output(print(out), info = name)
    expect_identical(x[, names(x)[c(2L, 1L, 3:ncol(x))]][, names(x)], x,
                     info = name)
  }
})

test_that("score_change() rows of one measure print as one measure", {
  x <- score_change(myelography, study_rules(), group = "sex")
  out <- capture.output(print(x[x$measure == "lbp", ]))
  expect_match(out[1L], "<score_change> 1 measure;", fixed = TRUE)
  expect_false(any(grepl("leg_pain", out, fixed = TRUE)))
})

test_that("table_one() keeps its class only for whole variables", {
  x <- table_one(myelography, vars = c("age", "hospital"), group = "sex")
  hospital <- x[x$variable == "hospital", ]
  expect_s3_class(hospital, "table_one")
  expect_identical(attr(hospital, "vars"), "hospital")
  shown <- format(hospital)
  expect_identical(shown, format(x)[format(x)$variable == "hospital" |
                                      cumsum(format(x)$variable != "") == 2L, ],
                   ignore_attr = TRUE)
  expect_identical(shown$level, c("n (%)", "A", "B", "C", "D"))
  # part of a variable's cells, a repeated row, no row: a plain data frame
  expect_identical(class(x[1:2, ]), "data.frame")
  expect_identical(class(x[c(1:15, 1L), ]), "data.frame")
  expect_identical(class(x[0, ]), "data.frame")
  expect_output(print(x[1:2, ]))
})

test_that("a curve without points is a plain data frame", {
  x <- alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                         rule = study_rules()$lbp)
  expect_identical(class(x[0, ]), "data.frame")
  expect_s3_class(x[x$threshold <= 2, ], "alleviation_curve")
})
