cohort <- classify_cohort(myelography)

test_that("print() shows counts, shares and rates compactly", {
  expect_snapshot({
    tabulate_cohort(cohort)
    tabulate_cohort(cohort, by = "sex", data = myelography, method = "exact")
  })
})

test_that("format() gives text columns like 26/325 (8.0%)", {
  f <- format(tabulate_cohort(cohort))
  expect_s3_class(f, "data.frame")
  expect_identical(f$`alleviated/n`, c("26/325 (8.0%)", "2/325 (0.6%)", "2/325 (0.6%)",
                                       "5/325 (1.5%)", "35/325 (10.8%)"))
  expect_true(all(vapply(f, is.character, logical(1))))
  expect_identical(names(f), c("symptom", "alleviated/n", "evaluable", "rate (95% CI)",
                               "unchanged", "worsened", "absent", "missing"))
  big <- format(tabulate_cohort(cohort), digits = 2)
  expect_identical(big$`alleviated/n`[5], "35/325 (10.77%)")
})

test_that("every print fits the console width and says what it left out", {
  tab <- tabulate_cohort(cohort, by = "hospital")
  for (width in c(80, 120)) {
    lines <- withr_width(width, capture.output(print(tab)))
    expect_true(all(nchar(lines) <= width), info = paste("width", width))
  }
  lines <- withr_width(80, capture.output(print(tab)))
  expect_match(lines[length(lines) - 1L], "Not shown for width: unchanged, worsened, absent,")
  wide <- withr_width(80, capture.output(print(tab, all = TRUE)))
  expect_match(wide[4], "unchanged worsened absent missing")
  expect_true(any(nchar(wide) > 80))
})

test_that("head() of a table says it shows selected rows, not the cohort", {
  tab <- tabulate_cohort(cohort, by = "hospital")
  expect_match(capture.output(print(head(tab, 3)))[1],
               "^<alleviation_table> 3 rows selected from a table by hospital$")
  expect_match(capture.output(print(tab))[1],
               "^<alleviation_table> 325 patients, 4 symptoms, by hospital$")
  expect_null(attr(tab[, names(tab)], "subset"))
  expect_null(attr(as.data.frame(head(tab)), "subset"))
})

test_that("as.data.frame() drops the class and attributes", {
  df <- as.data.frame(tabulate_cohort(cohort, by = "hospital", data = myelography))
  expect_identical(class(df), "data.frame")
  expect_null(attr(df, "rules"))
  expect_identical(nrow(df), 25L)
})

test_that("subsetting rows keeps the class; dropping columns does not", {
  tab <- tabulate_cohort(cohort, by = "hospital", data = myelography)
  lbp <- tab[tab$symptom == "lbp", ]
  expect_s3_class(lbp, "alleviation_table")
  expect_identical(attr(lbp, "by"), "hospital")
  expect_output(print(lbp), "hospital")
  expect_false(inherits(tab[, c("symptom", "n")], "alleviation_table"))
})

test_that("plot() draws dots and whiskers without error", {
  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  on.exit({
    grDevices::dev.off()
    unlink(path)
  })
  tab <- tabulate_cohort(cohort, by = "hospital", data = myelography)
  expect_invisible(plot(tab))
  expect_invisible(plot(tabulate_cohort(cohort), symptoms = c("lbp", "any")))
  expect_error(plot(tab, symptoms = "none"), "Nothing to plot")
})

test_that("as.data.frame() leaves a plain data frame without the table's attributes", {
  df <- as.data.frame(tabulate_cohort(classify_cohort(myelography), by = "hospital"))
  expect_identical(class(df), "data.frame")
  expect_identical(sort(names(attributes(df))), c("class", "names", "row.names"))
})
