# format(), as.data.frame() and print() of every result class: text ready
# for a report, numbers ready for a file, prints within the console width.

cohort <- classify_cohort(myelography)
results <- function() {
  by_sex <- tabulate_cohort(cohort, by = "sex")
  list(
    table = tabulate_cohort(cohort, by = "hospital"),
    summary = summary(by_sex),
    summary_many = summary(tabulate_cohort(cohort, by = "hospital")),
    comparison = compare_alleviated(cohort, c("age", "sex", "hospital")),
    reproduction = reproduce_guo2016(),
    curve = alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                              study_rules()$lbp))
}

test_that("format_p() follows one convention, element by element", {
  p <- c(NA, 0, 1e-5, 0.000999, 0.001, 0.0026, 0.0449, 0.05, 0.5, 0.99, 0.991, 1)
  expect_identical(myelorelief:::format_p(p),
                   c("-", "<0.001", "<0.001", "<0.001", "0.001", "0.003", "0.04",
                     "0.05", "0.50", "0.99", ">0.99", ">0.99"))
  # alone or beside others, a value reads the same
  for (k in seq_along(p)) {
    expect_identical(myelorelief:::format_p(p[k]), myelorelief:::format_p(p)[k])
  }
})

test_that("format() gives text with one-decimal percentages and no raw decimals", {
  for (name in names(results <- results())) {
    f <- format(results[[name]])
    expect_s3_class(f, "data.frame")
    expect_identical(class(f), "data.frame", info = name)
    expect_true(all(vapply(f, is.character, logical(1))), info = name)
    text <- unlist(f[names(f) != "threshold"], use.names = FALSE)   # cut-offs as given
    expect_false(any(grepl("[0-9]e[-+][0-9]", text)), info = name)
    percentages <- regmatches(text, gregexpr("-?[0-9.]+%", text))
    percentages <- unlist(percentages)
    expect_true(all(grepl("^-?[0-9]+\\.[0-9]%$", percentages)), info = name)
    # no long decimals anywhere (raw rates such as 0.08873720)
    expect_false(any(grepl("[0-9]\\.[0-9]{4,}", text)), info = name)
  }
})

test_that("as.data.frame() gives the numbers without the package's classes", {
  for (name in names(results <- results())) {
    df <- as.data.frame(results[[name]])
    expect_identical(class(df), "data.frame", info = name)
    expect_identical(setdiff(names(attributes(df)), c("names", "row.names", "class")),
                     character(), info = name)
    expect_identical(nrow(df), nrow(results[[name]]), info = name)
    path <- tempfile(fileext = ".csv")
    utils::write.csv(df, path, row.names = FALSE)
    back <- utils::read.csv(path)
    expect_identical(dim(back), dim(df), info = name)
    unlink(path)
  }
})

test_that("intervals are named <estimate>_lower and <estimate>_upper everywhere", {
  results <- results()
  frames <- c(lapply(results, as.data.frame), list(prop_ci = prop_ci(35, 325)))
  for (name in names(frames)) {
    columns <- names(frames[[name]])
    bounds <- grep("(lower|upper)$", columns, value = TRUE)
    expect_true(all(grepl("^[a-z_]+_(lower|upper)$", bounds)), info = name)
    stems <- unique(sub("_(lower|upper)$", "", bounds))
    for (stem in stems) {
      expect_true(all(paste0(stem, c("_lower", "_upper")) %in% columns), info = name)
    }
  }
  expect_false(any(c("lower", "upper", "estimate") %in%
                     unlist(lapply(frames, names))))
})

test_that("every print fits 80 columns", {
  for (name in names(results <- results())) {
    lines <- withr_width(80, capture.output(print(results[[name]])))
    expect_true(all(nchar(lines, type = "width") <= 80),
                info = paste(name, lines[nchar(lines) > 80], collapse = "\n"))
  }
})

test_that("summary() names the direction of a difference", {
  s <- summary(tabulate_cohort(cohort, by = "sex"))
  # the level minus the reference (the first level), as compare_rates()
  expect_identical(unique(s$contrast), "male - female")
  expect_equal(s$difference, s$rate_lower * 0 +
                 with(as.data.frame(tabulate_cohort(cohort, by = "sex")),
                      rate[sex == "male"] - rate[sex == "female"]))
  expect_true("male - female (95% CI)" %in% names(format(s)))
})
