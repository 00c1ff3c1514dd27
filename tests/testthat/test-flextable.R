# as_flextable() methods: a flextable whose text is the result's format(),
# cell by cell, as Word shows it.

test_that("as_flextable() of each result holds the text of its format()", {
  skip_if_no_docx_tools()
  cohort <- classify_cohort(myelography)
  tab <- tabulate_cohort(cohort, by = "hospital")
  by_sex <- tabulate_cohort(cohort, by = c("sex", "hospital"))
  visits <- classify_visits(hypothetical_followup,
                            visits = c("post", "week1", "month1", "month3"), id = "id")
  durable <- durability(visits)
  results <- list(
    table = tab,
    overall = tabulate_cohort(cohort),
    summary = summary(tab),
    rates = compare_rates(by_sex, "sex", strata = "hospital"),
    crude = compare_rates(by_sex, "sex"),
    comparison = compare_alleviated(cohort, c("age", "diagnosis")),
    reproduction = reproduce_guo2016(),
    curve = alleviation_curve(myelography$lbp_pre, myelography$lbp_post,
                              study_rules()$lbp),
    durability = durable,
    durability_summary = summary(durable))
  for (name in names(results)) {
    x <- results[[name]]
    ft <- flextable::as_flextable(x)
    expect_s3_class(ft, "flextable")
    expect_identical(flextable_text(ft), as_table_text(format(x)), info = name)
  }
  # digits reach format()
  expect_identical(flextable_text(flextable::as_flextable(tab, digits = 2L)),
                   as_table_text(format(tab, digits = 2L)))
  # the numbers are those print() shows
  shown <- utils::capture.output(print(tab, all = TRUE))
  expect_true(any(grepl("10/94 (10.6%)", shown, fixed = TRUE)))
  expect_true("10/94 (10.6%)" %in% flextable_text(flextable::as_flextable(tab)))
})

test_that("as_flextable() of an MCID estimate: its format() lines, one a row", {
  skip_if_no_docx_tools()
  set.seed(1)
  fall <- myelography$lbp_pre - myelography$lbp_post
  anchor <- cut(fall + stats::rnorm(length(fall), sd = 1.5), c(-Inf, -1, 1, 3, Inf),
                labels = c("worse", "about the same", "a little better", "much better"))
  estimates <- list(
    roc = estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
                        improved = c("a little better", "much better"), boot = 50),
    mean_change = estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
                                method = "mean_change", minimal = "a little better"))
  for (name in names(estimates)) {
    x <- estimates[[name]]
    lines <- format(x)
    ft <- flextable::as_flextable(x)
    expect_s3_class(ft, "flextable")
    expect_identical(flextable_text(ft),
                     matrix(c(sub("^<mcid> ", "", lines[1L]), trimws(lines[-1L]))),
                     info = name)
  }
})

test_that("as_flextable() shows labels, levels and column names as written", {
  skip_if_no_docx_tools()
  hostile <- c("<b>Bern</b>", "*x* & 100%", "-- \"q\" | pipe",
               substr(strrep("Zürich – Klinik für Neurochirurgie ", 2), 1, 60))
  set.seed(4)
  n <- 60
  d <- data.frame(pain_pre = sample(3:10, n, TRUE), pain_post = sample(0:10, n, TRUE),
                  "Site <i>" = sample(hostile, n, TRUE), check.names = FALSE)
  rule <- alleviation_rule(min_change = 2, range = c(0, 10), label = "Pain *now*")
  tab <- tabulate_cohort(classify_cohort(d, list(pain = rule)), by = "Site <i>")
  text <- flextable_text(flextable::as_flextable(tab))
  expect_identical(text, as_table_text(format(tab)))
  expect_true(all(hostile %in% text))
  expect_identical(text[1L, 1L], "Site <i>")
  # a column name flextable cannot take as a key (here: twice the same)
  x <- data.frame(a = "1", b = "<2>")
  names(x) <- c("same", "same")
  expect_identical(flextable_text(text_flextable(x)), as_table_text(x))
})

test_that("a table wider than a page narrows its widest columns to fit", {
  # oracle: the widths sum to the page, the narrow columns are kept, the
  # wide ones share one width
  set.seed(7)
  for (case in 1:200) {
    widths <- stats::runif(sample(1:8, 1), 0.1, 4)
    total <- stats::runif(1, 0.5, 10)
    capped <- capped_widths(widths, total)
    info <- sprintf("seed 7, case %d: %s into %s", case,
                    paste(format(widths), collapse = " "), format(total))
    if (sum(widths) <= total) {
      expect_identical(capped, widths, info = info)
    } else {
      expect_equal(sum(capped), total, info = info)
      cut <- capped < widths
      expect_true(all(capped[!cut] == widths[!cut]), info = info)
      expect_equal(length(unique(round(capped[cut], 10))), 1L, info = info)
      expect_true(all(widths[!cut] <= capped[cut][1] + 1e-12), info = info)
    }
  }
  skip_if_no_docx_tools()
  ft <- flextable::as_flextable(reproduce_guo2016())
  expect_lte(sum(dim(ft)$widths), 160 / 25.4 + 1e-9)
})
