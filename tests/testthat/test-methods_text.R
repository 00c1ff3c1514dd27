# methods_text(): the Methods paragraph, ready to paste (issue 19, 4). The
# older checks of its rules, intervals and tests are in test-report.R.

paragraph <- function(...) methods_text(...)[[1L]]

test_that("a measure that cannot be absent is an outcome: improvement, not alleviation", {
  weight <- list(weight = alleviation_rule("increase", min_change = 2, label = "Body weight (lb)"))
  text <- paragraph(weight)
  expect_match(text, "Improvement in Body weight (lb) was defined as an increase of at least 2 units",
               fixed = TRUE)
  expect_false(grepl("Alleviation|alleviat|symptom", text), info = text)
  expect_match(text, "the number improved among patients with both values recorded", fixed = TRUE)
  # two outcomes: the patient-level sentence speaks of outcomes
  two <- paragraph(list(a = weight$weight,
                        b = alleviation_rule(min_change = 1, absent_at = -Inf, label = "Score")))
  expect_match(two, "Improvement in Score", fixed = TRUE)
  expect_match(two, "A patient was classified as improved when at least one outcome improved",
               fixed = TRUE)
  expect_false(grepl("free of symptoms|symptom", two), info = two)
  # symptoms keep their wording, and a mix says both
  study <- paragraph()
  expect_match(study, "Alleviation of Lower back pain", fixed = TRUE)
  expect_match(study, "as free of symptoms when every symptom was absent", fixed = TRUE)
  mixed <- paragraph(c(weight, study_rules()["lbp"]))
  expect_match(mixed, "Improvement in Body weight (lb)", fixed = TRUE)
  expect_match(mixed, "Alleviation of Lower back pain", fixed = TRUE)
  expect_match(mixed, "at least one symptom was alleviated or one outcome improved", fixed = TRUE)
  expect_false(grepl("free of symptoms", mixed), info = mixed)
})

test_that("a reliable-change threshold says so, rounded, with its references", {
  rule <- reliable_change_rule(sd = 2.2, reliability = 0.85, range = c(0, 10),
                               label = "Lower back pain (NRS)")
  text <- methods_text(list(lbp = rule))
  # the oracle: Jacobson and Truax's RC, written out
  rc <- qnorm(0.975) * 2.2 * sqrt(2 * (1 - 0.85))
  expect_equal(rule$min_change, rc)
  # strict, as Jacobson and Truax: "more than", and says so
  expect_match(text[[1L]], sprintf("a decrease of more than %s points (the threshold rounded to 3 significant digits; a change equal to the threshold did not count);",
                                   format(signif(rc, 3))), fixed = TRUE)
  expect_match(text[[1L]], "more than 2.36 points", fixed = TRUE)
  expect_false(grepl("at least 2.36", text[[1L]]), info = text[[1L]])
  # strict = FALSE: inclusive, "at least", without the clause
  inclusive <- methods_text(list(lbp = reliable_change_rule(sd = 2.2, reliability = 0.85,
                                                            range = c(0, 10), strict = FALSE)))
  expect_match(inclusive[[1L]], "a decrease of at least 2.36 points (the threshold rounded to 3 significant digits); worsening", fixed = TRUE)
  expect_false(grepl("did not count", inclusive[[1L]]), info = inclusive[[1L]])
  # a strict rule of the user's own (no origin), relative thresholds too
  own <- methods_text(list(pain = alleviation_rule(min_change = 2, min_relative = 0.3,
                                                   range = c(0, 10), strict = TRUE)))
  expect_match(own[[1L]], "a decrease of more than 2 points and more than 30% of the baseline value (a change equal to the threshold did not count)",
               fixed = TRUE)
  expect_false(grepl("2.3617", text[[1L]]), info = text[[1L]])
  expect_match(text[[1L]], "reliable change (Jacobson and Truax 1991) at the 95% level", fixed = TRUE)
  expect_match(text[[1L]], "1.96 times the standard error of the difference", fixed = TRUE)
  expect_match(text[[1L]], "standard deviation of 2.2 and a reliability of 0.85", fixed = TRUE)
  expect_true(any(grepl("^Jacobson NS, Truax P", text)))
  expect_true(any(grepl("^Christensen L, Mendoza JL", text)))
  # from the cohort's baseline, at 90%
  present <- myelography$lbp_pre[!is.na(myelography$lbp_pre) & myelography$lbp_pre > 0]
  rule <- reliable_change_rule(reliability = 0.85, baseline = myelography$lbp_pre,
                               range = c(0, 10), conf_level = 0.9)
  text <- paragraph(list(lbp = rule))
  expect_match(text, sprintf("more than %s points", format(signif(rule$min_change, 3))), fixed = TRUE)
  expect_match(text, "at the 90% level: 1.645 times", fixed = TRUE)
  expect_match(text, sprintf("standard deviation of %s (of the %d baseline values with the symptom present)",
                             format(signif(sd(present), 3)), length(present)), fixed = TRUE)
})

test_that("an anchor-based threshold says so, rounded, with its references", {
  set.seed(194)
  fall <- myelography$lbp_pre - myelography$lbp_post
  anchor <- cut(fall + rnorm(length(fall), sd = 1.5), c(-Inf, -1, 1, 3, Inf),
                labels = c("worse", "about the same", "a little better", "much better"))
  roc <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
                       improved = c("a little better", "much better"), boot = 0)
  text <- methods_text(list(lbp = as_rule(roc, range = c(0, 10), label = "LBP")))
  expect_match(text[[1L]], "anchor-based minimal important change (Copay et al. 2007)", fixed = TRUE)
  expect_match(text[[1L]], "largest Youden index (Youden 1950)", fixed = TRUE)
  expect_match(text[[1L]], "\"a little better\" or \"much better\" counted as improved", fixed = TRUE)
  expect_match(text[[1L]], sprintf("Youden index %s", format(signif(roc$youden, 3))), fixed = TRUE)
  for (author in c("^Copay AG", "^Youden WJ", "^Hanley JA")) {
    expect_true(any(grepl(author, text)), info = author)
  }
  percent <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
                           improved = c("a little better", "much better"), boot = 0,
                           scale = "percent")
  text <- paragraph(list(lbp = as_rule(percent, range = c(0, 10))))
  expect_match(text, sprintf("a decrease of at least %s%% of the baseline value",
                             format(signif(100 * percent$estimate, 3))), fixed = TRUE)
  mean_change <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, anchor,
                               method = "mean_change", minimal = "a little better")
  text <- methods_text(list(lbp = as_rule(mean_change, range = c(0, 10))))
  expect_match(text[[1L]], sprintf("a decrease of at least %s points",
                                   format(signif(mean_change$estimate, 3))), fixed = TRUE)
  expect_match(text[[1L]], sprintf("the mean change of the %d patients rating \"a little better\"",
                                   sum(anchor == "a little better" & myelography$lbp_pre > 0 &
                                         !is.na(myelography$lbp_post), na.rm = TRUE)),
               fixed = TRUE)
  expect_true(any(grepl("^Jaeschke R", text)))
  # a threshold typed by hand is written as typed; an origin written by hand
  # is quoted
  typed <- paragraph(list(s = alleviation_rule(min_change = 2.361736, range = c(0, 10))))
  expect_match(typed, "at least 2.361736 points", fixed = TRUE)
  own <- study_rules()$lbp
  own$origin <- "the 2008 consensus (Ostelo et al.)"
  expect_match(paragraph(list(lbp = own)), "Source of the threshold: the 2008 consensus (Ostelo et al.).",
               fixed = TRUE)
})

test_that("a comparison names its reference and the direction of the difference", {
  text <- paragraph(group = "sex", reference = "female")
  expect_match(text, "Each level of sex was compared with the reference level, \"female\", by the risk difference (the level minus the reference)",
               fixed = TRUE)
  expect_match(paragraph(group = "sex"), "compared with its first level, the reference, by the risk difference (the level minus the reference)",
               fixed = TRUE)
  expect_match(paragraph(by = "sex", reference = "male"),
               "the other stratum minus the reference stratum, \"male\"", fixed = TRUE)
  expect_match(paragraph(by = "sex"), "the other stratum minus the reference stratum, the first",
               fixed = TRUE)
  expect_error(methods_text(reference = "female"), "`reference`.*give `group` or `by`",
               class = "myelorelief_error")
  expect_error(methods_text(group = "sex", reference = c("a", "b")), "`reference` must be NULL or a single level",
               class = "myelorelief_error")
  expect_error(methods_text(group = "sex", reference = NA), "`reference`", class = "myelorelief_error")
})

test_that("the package is cited with authors, version and year, as citation() gives it", {
  entry <- citation("myelorelief")[[1L]]
  version <- as.character(packageVersion("myelorelief"))
  description <- packageDescription("myelorelief")
  authors <- format(entry$author, include = c("given", "family"))
  # citation() and DESCRIPTION agree
  expect_identical(entry$year, substr(description$Date, 1, 4))
  expect_identical(entry$note, paste("R package version", version))
  expect_identical(authors, "myelorelief developers")
  expect_match(attr(unclass(citation("myelorelief"))[[1L]], "textVersion"),
               sprintf("myelorelief developers (%s)", entry$year), fixed = TRUE)
  # methods_text() cites the same
  text <- methods_text()
  reference <- grep("^myelorelief developers\\.", text, value = TRUE)
  expect_length(reference, 1L)
  expect_match(reference, entry$title, fixed = TRUE)
  expect_match(reference, paste("R package version", version), fixed = TRUE)
  expect_match(reference, paste0("; ", entry$year, "."), fixed = TRUE)
  expect_match(text[[1L]], sprintf("with the package myelorelief, version %s (myelorelief developers %s).",
                                   version, entry$year), fixed = TRUE)
  expect_match(text[[1L]], sprintf("in R %s.%s", R.version$major, R.version$minor), fixed = TRUE)
  expect_true(any(grepl("^R Core Team\\. R: A language", text)))
})

test_that("the package reference is one line even where the installed DESCRIPTION wraps its title", {
  # R CMD build rewraps DESCRIPTION: installed from a tarball, the Title
  # holds a line break, which reached the Word report's references
  text <- methods_text(study_rules(), by = "hospital")
  expect_false(any(grepl("\n", text, fixed = TRUE)))
  expect_false(grepl("\n", citation("myelorelief")[[1L]]$title, fixed = TRUE))
})

test_that("scores = TRUE describes the analysis of score_change(), with its references", {
  plain <- methods_text()
  expect_false(grepl("standardized response mean", plain[["paragraph"]]))
  text <- methods_text(scores = TRUE)
  expect_match(text[["paragraph"]], "mean change with its 95% paired t interval", fixed = TRUE)
  expect_match(text[["paragraph"]], "Wilcoxon signed-rank test", fixed = TRUE)
  expect_match(text[["paragraph"]], "Kazis et al. 1989", fixed = TRUE)
  expect_false(grepl("analysis of covariance", text[["paragraph"]]))
  expect_true(any(grepl("^Kazis LE", text)))
  expect_true(any(grepl("^Wilcoxon F", text)))
  grouped <- methods_text(group = "arm", scores = TRUE, conf_level = 0.9)
  expect_match(grouped[["paragraph"]], "90% paired t interval", fixed = TRUE)
  expect_match(grouped[["paragraph"]],
               "levels of arm were compared by the difference in mean change", fixed = TRUE)
  expect_error(methods_text(scores = NA), "`scores`")
  expect_error(methods_text(scores = "yes"), "`scores`")
})
