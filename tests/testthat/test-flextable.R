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

test_that("the width left over goes to the columns in proportion to their shortfall", {
  # oracle: every width between its minimum and its preferred width, the sum
  # the page (or every preferred width when they fit), shortfalls scaled alike
  set.seed(8)
  for (case in 1:200) {
    k <- sample(1:8, 1)
    minimum <- stats::runif(k, 0.1, 2)
    preferred <- minimum + stats::runif(k, 0, 2) * stats::rbinom(k, 1, 0.8)
    total <- sum(minimum) + stats::runif(1, 0, 3)
    w <- shared_widths(minimum, preferred, total)
    info <- sprintf("seed 8, case %d", case)
    expect_true(all(w >= minimum - 1e-12 & w <= preferred + 1e-12), info = info)
    expect_equal(sum(w), min(total, sum(preferred)), info = info)
    short <- preferred > minimum
    if (any(short)) {
      share <- (w - minimum)[short] / (preferred - minimum)[short]
      expect_equal(max(share) - min(share), 0, tolerance = 1e-9, info = info)
    }
  }
})

test_that("numbers are text no reader would break; labels are not", {
  expect_true(all(is_number_text(c("26/293 (8.9%)", "8.9% (6.1-12.7)", ">0.99",
                                   "<0.001", "NA", "-2.2% (-9.4 to 4.5)", "325",
                                   "0.79 (0.38-1.64)", "-1.1% (-6.0 \u2212 2.1)"))))
  expect_false(any(is_number_text(c("lbp", "Mantel-Haenszel", "NNTH 46.5 (NNTH 10.7 to Inf)",
                                    "up to 10", "10 to go", "from 1 to", "to 5",
                                    "2012-04-01 annex", "(all)", "-", ""))))
})

test_that("a report table wider than the page keeps every number whole and wraps its labels", {
  skip_if_no_docx_tools()
  # hostile labels (hypothetical centre names) and the 9 columns by hospital
  d <- myelography
  long <- c("H\u00f4pital <Saint-\u00c9loi> & \"Nord\" \u2014 a very long centre name that wraps",
            "B", "2012-04-01\u20132014-03-31 annex", "Ward #4 (*bold*) _x_")
  d$hospital <- factor(long[as.integer(factor(d$hospital))])
  # and a centre without patients: its rate is "-" (default drop = FALSE)
  d$hospital <- factor(d$hospital, levels = c(levels(d$hospital), "Closed ward"))
  tab <- tabulate_cohort(classify_cohort(d), by = "hospital")
  expect_true("-" %in% format(tab)[["rate (95% CI)"]])
  # the report's tables (8-point type) on an A4 or Letter text column
  for (width_mm in c(160, 170)) {
    fitted <- report_flextable(format(tab), width_mm)
    widths <- dim(fitted)$widths
    info <- sprintf("%d mm", width_mm)
    expect_lte(sum(widths), width_mm / 25.4 + 1e-9)
    # oracle: flextable's own measure of each column's widest body cell, at
    # the padding the fitted table uses
    whole <- flextable::dim_pretty(fitted, part = "body")$widths
    body <- format(tab)
    numbers <- vapply(body, function(col) {
      col <- as.character(col)
      all(is_number_text(col[col != "-"]))
    }, logical(1))
    expect_true(all(c("alleviated/n", "rate (95% CI)", "evaluable") %in% names(body)[numbers]),
                info = info)
    expect_true(all(widths[numbers] >= whole[numbers] - 1e-9), info = info)
    # the label column is the one narrowed: narrower than its longest label
    expect_lt(widths[[1L]], whole[[1L]])
  }
})

test_that("number cells too wide for the page are set in two lines, never broken at a hyphen", {
  skip_if_no_docx_tools()
  # seven columns of counts and intervals, as the loss-to-follow-up table
  # by hospital (hypothetical numbers), and one of signed differences
  set.seed(11)
  rate <- function() {
    sprintf("%d/%d %.1f%% (%.1f-%.1f)", sample(10:99, 12, TRUE), sample(100:999, 12, TRUE),
            runif(12, 10, 20), runif(12, 1, 9), runif(12, 21, 40))
  }
  shown <- data.frame(hospital = rep(c("A", "B", "(all)"), 4), symptom = "lbp",
                      n = "121", missing = "4 (3/1/0)", complete = rate(), worst = rate(),
                      best = rate(), stringsAsFactors = FALSE)
  shown$difference <- sprintf("-%.1f%% (-%.1f to -%.1f)", runif(12, 20, 30),
                              runif(12, 31, 40), runif(12, 10, 19))
  for (width_mm in c(160, 170)) {
    info <- sprintf("%d mm", width_mm)
    fitted <- report_flextable(shown, width_mm)
    widths <- dim(fitted)$widths
    expect_lte(sum(widths), width_mm / 25.4 + 1e-9)
    content <- fitted$body$content$content$data
    split <- 0L
    for (j in seq_along(shown)) {
      cells <- vapply(content[, j], function(chunks) paste(chunks$txt, collapse = ""), "")
      broken <- cells != shown[[j]]
      # a cell is its text, or its text with the first space a line break
      expect_identical(cells[broken], sub(" ", "\n", shown[[j]][broken], fixed = TRUE),
                       info = info)
      if (!any(broken)) next
      split <- split + 1L
      # oracle: flextable's width of every line alone, in the table's type
      # and padding, within the column's width
      lines <- unlist(strsplit(cells, "\n", fixed = TRUE))
      probe <- flextable::flextable(data.frame(x = lines))
      probe <- flextable::font(probe, fontname = "Arial", part = "all")
      probe <- flextable::fontsize(probe, size = 8, part = "all")
      pars <- fitted$body$styles$pars
      probe <- flextable::padding(probe, padding.left = pars$padding.left$data[1, j],
                                  padding.right = pars$padding.right$data[1, j], part = "all")
      expect_lte(max(flextable::dim_pretty(probe, part = "body")$widths), widths[[j]] + 1e-9)
    }
    expect_gt(split, 0L)
  }
  # in the Word file, the break is a w:br between the two lines
  docx <- tempfile(fileext = ".docx")
  doc <- flextable::body_add_flextable(officer::read_docx(), report_flextable(shown, 160))
  print(doc, target = docx)
  xml <- docx_part(docx)
  expect_true(grepl("<w:br/>", xml, fixed = TRUE))
  expect_identical(docx_tables(xml)[[1]][-1, ], unname(as.matrix(shown)))
})

test_that("as_flextable() of Table 1, scores, bounds, pooled and weighted results: print()'s text and notes", {
  skip_if_no_docx_tools()
  skip_if_not_installed("survey")
  rules <- study_rules()
  cohort <- classify_cohort(myelography, rules)
  d <- myelography
  set.seed(5)
  d$leg_pain_post[sample(nrow(d), 40)] <- NA
  missing_cohort <- classify_cohort(d, rules)
  bounds <- alleviation_bounds(missing_cohort, d, by = "sex")
  # two completed datasets (hypothetical: the follow-up values drawn again)
  completed <- lapply(1:2, function(k) {
    x <- d
    gone <- is.na(x$leg_pain_post)
    x$leg_pain_post[gone] <- sample(0:10, sum(gone), TRUE)
    x
  })
  pooled <- tabulate_cohort(classify_cohort(completed, rules["leg_pain"]), by = "sex")
  weighted <- tabulate_cohort(cohort, by = "sex", weights = seq(0.5, 2, length.out = nrow(cohort)))
  one <- table_one(myelography, c("age", "sex", "diagnosis"), group = "hospital",
                   test = TRUE, smd = TRUE)
  results <- list(
    table_one = list(one, format(one),
                     c(table_one_notes(one),
                       test_notes_text(attr(one, "tests")$test, attr(one, "simulate_B"),
                                       attr(one, "seed"), fisher_note = FALSE))),
    score_change = list(score_change(myelography, rules[c("lbp", "leg_pain")]),
                        NULL, character()),
    bounds = list(bounds, shown_bounds(bounds), character()),
    bounds_compared = list(compare_rates(bounds, "sex"),
                           shown_comparison_bounds(compare_rates(bounds, "sex")), character()),
    pooled = list(pooled, NULL, pooled_table_notes(pooled)),
    pooled_compared = list(compare_rates(pooled, "sex"), NULL,
                           pooled_comparison_notes(compare_rates(pooled, "sex"))),
    weighted = list(compare_rates(weighted, "sex"), NULL, character()))
  expect_true(length(results$table_one[[3]]) >= 1L)
  for (name in names(results)) {
    x <- results[[name]][[1]]
    shown <- results[[name]][[2]] %||% format(x)
    if (name == "pooled") names(shown)[names(shown) == "rate"] <- "rate (CI)"
    notes <- results[[name]][[3]]
    ft <- flextable::as_flextable(x)
    expect_s3_class(ft, "flextable")
    # the header and body: print()'s text, cell by cell, in the Word file
    body <- flextable::delete_part(ft, part = "footer")
    expect_identical(flextable_text(body), as_table_text(shown), info = name)
    # the notes as footer lines, one a line, console breaks as spaces
    footer <- if (flextable::nrow_part(ft, "footer")) {
      vapply(ft$footer$content$content$data[, 1L],
             function(chunks) paste(chunks$txt, collapse = ""), "")
    } else character()
    expect_identical(unname(footer), gsub("\n\\s*", " ", notes), info = name)
  }
})

test_that("the widest number of a long column is measured, not any twenty of equal length", {
  skip_if_no_docx_tools()
  # forty numbers of ten figures, and last one of ten characters with
  # percent signs (wider): by length alone it would not be measured
  cells <- c(rep("1111111111", 40), "90%/90%/90")
  ft <- flextable::flextable(data.frame(x = cells))
  ft <- flextable::fontsize(ft, size = 8, part = "all")
  # oracle: flextable's measure of every cell
  expect_gte(unbreakable_widths(ft)[[1]],
             flextable::dim_pretty(ft, part = "body")$widths[[1]] - 1e-9)
  expect_gt(rough_width("90%/90%/90"), rough_width("1111111111"))
})
