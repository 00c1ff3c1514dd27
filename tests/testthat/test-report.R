# alleviation_report() and methods_text(): a self-contained file with
# the sections that apply, and text generated from the very rules used.

skip_if_no_report_tools <- function() {
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  # knitting and PNG devices under valgrind take minutes and test no C code
  # that the other tests do not
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "report rendering under a memory checker")
}

read_html <- function(path) paste(readLines(path, warn = FALSE, encoding = "UTF-8"), collapse = "\n")

test_that("the report is one self-contained file with the sections that apply", {
  skip_if_no_report_tools()
  path <- tempfile(fileext = ".html")
  out <- alleviation_report(myelography, by = "hospital", group = "sex",
                            vars = c("age", "diagnosis"), file = path)
  expect_identical(out, normalizePath(path))
  html <- read_html(path)
  # no remote resource of any kind; figures embedded
  tags <- regmatches(html, gregexpr("<(script|link|img|iframe|source)\\b[^>]*>", html))[[1L]]
  expect_false(any(grepl("(src|href)\\s*=\\s*[\"']?(https?:)?//", tags)))
  expect_false(grepl("<script", html, fixed = TRUE))
  images <- regmatches(html, gregexpr("<img[^>]*>", html))[[1L]]
  expect_gte(length(images), 3L)          # strata, groups, and the curves
  expect_true(all(grepl("src=\"data:image/png;base64,", images, fixed = TRUE)))
  for (heading in c("1. Patients", "2. Definitions", "3. Results", "By hospital",
                    "4. Groups", "5. Scores", "6. Who was alleviated",
                    "7. Sensitivity to the cut-off", "8. Methods", "9. Reproducibility")) {
    expect_match(html, heading, fixed = TRUE, info = heading)
  }
  expect_match(html, "synthetic", fixed = TRUE)       # the study's cohort says so
  expect_match(html, "Mantel-Haenszel", fixed = TRUE)
  # numbers from the package's own tables
  expect_match(html, "35/325 (10.8%)", fixed = TRUE)
  expect_match(html, "26/293", fixed = TRUE)
})

test_that("sections that do not apply are left out and numbered in order", {
  skip_if_no_report_tools()
  d <- myelography[c("lbp_pre", "lbp_post", "hospital")]
  path <- tempfile(fileext = ".html")
  alleviation_report(d, rules = study_rules()["lbp"], file = path, title = "Back pain only")
  html <- read_html(path)
  expect_match(html, "<title>Back pain only</title>", fixed = TRUE)
  expect_false(grepl("Groups|Who was alleviated|By hospital|synthetic", html))
  expect_match(html, "4. Scores", fixed = TRUE)
  expect_match(html, "5. Sensitivity to the cut-off", fixed = TRUE)
  expect_match(html, "6. Methods", fixed = TRUE)
  expect_match(html, "7. Reproducibility", fixed = TRUE)
  expect_false(grepl("any (patient level)", html, fixed = TRUE))   # one rule
})

test_that("the report's rules code recreates the rules", {
  set.seed(91)
  for (case in seq_len(n_cases(40))) {
    direction <- sample(c("decrease", "increase"), 1)
    rule <- alleviation_rule(
      direction, min_change = sample(c(NA, 0, 1.5, 2), 1),
      min_relative = sample(c(0.3, 0.25, 1), 1),
      combine = sample(c("all", "any"), 1),
      worsen_change = sample(c(NA, 3), 1), worsen_relative = sample(c(NA, 0.5), 1),
      range = if (direction == "decrease") c(0, 10) else c(0, Inf),
      label = sample(list(NULL, "A \"quoted\" label (0-10)"), 1)[[1L]])
    rules <- list(s = rule, t = study_rules()$claudication)
    env <- new.env(parent = asNamespace("myelorelief"))
    eval(parse(text = myelorelief:::rules_as_code(rules)), env)
    expect_identical(env$rules, rules, info = paste("seed 91, case", case))
  }
})

test_that("methods_text() states the rules, the intervals and the tests used", {
  text <- methods_text()
  expect_s3_class(text, "methods_text")
  paragraph <- text[[1L]]
  # the rules' labels as written, never case-changed
  expect_match(paragraph, "Lower back pain (NRS 0-10), Leg pain (NRS 0-10) and Numbness",
               fixed = TRUE)
  proper <- list(odi = alleviation_rule(min_change = 10, range = c(0, 100),
                                        label = "Oswestry Disability Index"))
  expect_match(methods_text(proper)[[1L]], "Oswestry Disability Index", fixed = TRUE)
  expect_match(paragraph, "a decrease of at least 2 points and at least 30% of the baseline value",
               fixed = TRUE)
  expect_match(paragraph, "an increase of at least 30% of the baseline value", fixed = TRUE)
  expect_match(paragraph, "95% Wilson score intervals (Wilson 1927)", fixed = TRUE)
  expect_false(grepl("Fisher|Mantel", paragraph))
  expect_true(any(grepl("^Ostelo", text)))
  # the interval method and level follow the settings
  exact <- methods_text(conf_level = 0.9, method = "exact")
  expect_match(exact[[1L]], "90% exact Clopper-Pearson intervals", fixed = TRUE)
  expect_true(any(grepl("^Clopper CJ", exact)))
  # "any" combining and custom thresholds
  vas <- list(vas = alleviation_rule(min_change = 15, min_relative = 0.3, combine = "any",
                                     range = c(0, 100), label = "VAS (mm)"))
  one <- methods_text(vas)[[1L]]
  expect_match(one, "Alleviation of VAS (mm) was defined as a decrease of at least 15 points or at least 30%",
               fixed = TRUE)
  expect_false(grepl("A patient was classified", one))        # one symptom
  expect_false(any(grepl("^Ostelo", methods_text(vas))))  # not the study's cut-offs
  never <- list(s = alleviation_rule(min_change = 2, worsen_change = NA, worsen_relative = NA))
  expect_match(methods_text(never)[[1L]], "no patient was classified as worsened")
  # strata, groups and characteristics add their methods and references
  full <- methods_text(by = "hospital", group = "arm", vars = "age")
  for (name in c("Fisher's exact test", "Newcombe", "Mantel-Haenszel", "Breslow-Day",
                 "Wilcoxon rank-sum", "Altman")) {
    expect_match(full[[1L]], name, fixed = TRUE, info = name)
  }
  for (author in c("^Mantel N", "^Tarone", "^Sato", "^Newcombe", "^Wilcoxon", "^Altman")) {
    expect_true(any(grepl(author, full)), info = author)
  }
  expect_identical(anyDuplicated(as.character(full)), 0L)
  expect_output(print(full), "References")
})

test_that("bad arguments to the report are refused by name", {
  skip_if_no_report_tools()
  path <- tempfile(fileext = ".html")
  expect_error(alleviation_report(myelography, by = "hosptal", file = path),
               "`by`.*Did you mean \"hospital\"", class = "myelorelief_error")
  expect_error(alleviation_report(myelography, group = c("sex", "hospital"), file = path),
               "`group` must name one column", class = "myelorelief_error")
  expect_error(alleviation_report(myelography, file = file.path(tempdir(), "no", "such", "x.html")),
               "`file` must be in an existing folder", class = "myelorelief_error")
  expect_error(alleviation_report(myelography, file = NA), "`file`", class = "myelorelief_error")
  expect_error(alleviation_report(myelography, title = 1, file = path), "`title`",
               class = "myelorelief_error")
  expect_error(alleviation_report(list(1), file = path), "`data`", class = "myelorelief_error")
  expect_error(methods_text(method = "wald"), "`method`", class = "myelorelief_error")
  expect_false(file.exists(path))
  # the session is left as it was
  expect_identical(getOption("width"), withr_width(80, {
    alleviation_report(myelography, file = path); getOption("width") }))
})

test_that("the Methods paragraph excludes absent patients only where a rule can find any", {
  # weight gain (MASS::anorexia): an "increase" rule whose default
  # absent_at = Inf marks nobody absent; "an unlimited baseline value" is
  # meaningless for weight
  weight <- list(weight = alleviation_rule("increase", min_change = 2, label = "Weight (lb)"))
  text <- methods_text(weight)[[1L]]
  expect_false(grepl("unlimited|without the symptom|Inf", text), info = text)
  # walking distance where Inf means unlimited still says so
  walk <- methods_text(study_rules()["claudication"])[[1L]]
  expect_match(walk, "without the symptom at baseline", fixed = TRUE)
  # absent_at outside the valid values: nobody can be absent
  for (absent_at in c(-Inf, -1)) {
    rule <- alleviation_rule(min_change = 2, absent_at = absent_at, range = c(0, 10))
    text <- methods_text(list(pain = rule))[[1L]]
    expect_false(grepl("without the symptom|-Inf|at most -1", text), info = text)
    expect_false(any(grepl("absent when", format(rule))), info = format(absent_at))
  }
  rule <- alleviation_rule("increase", min_relative = 0.3, absent_at = 600, range = c(0, 500))
  expect_false(grepl("without the symptom", methods_text(list(walk = rule))[[1L]]))
  # a threshold of 1 point and of 0 read as English and as classified
  # (a zero change is never alleviation)
  one <- methods_text(list(pain = alleviation_rule(min_change = 2, min_relative = 0.3,
                                                       worsen_change = 1, worsen_relative = NA,
                                                       range = c(0, 10))))[[1L]]
  expect_match(one, "an increase of at least 1 point;", fixed = TRUE)
  zero <- methods_text(list(w = alleviation_rule("increase", min_change = 0)))[[1L]]
  expect_false(grepl("at least 0 ", zero), info = zero)
  expect_match(zero, "an increase of more than 0 units", fixed = TRUE)
})

test_that("the report shows counts and the data's labels verbatim, never as markdown", {
  skip_if_no_report_tools()
  # small strata give counts such as 1/2 and 3/4, which typographic
  # markdown turns into the glyphs for one half and three quarters; labels
  # with <, *, _ or ~ must not become tags or emphasis
  d <- data.frame(site = rep(c("<Bern>", "*Basel*", "St. Gallen & Co", "~Zug~"), each = 4),
                  pain_pre = rep(6, 16),
                  pain_post = c(1, 1, 1, 6,  1, 6, 6, 6,  1, 1, 6, 6,  1, 6, 6, 6))
  d$pain_pre[c(8, 16)] <- NA                   # 1/4 alleviated at Basel and Zug
  d$pain_post[c(7, 15)] <- NA
  rule <- alleviation_rule(min_change = 2, range = c(0, 10), label = "Pain_score *now*")
  path <- tempfile(fileext = ".html")
  alleviation_report(d, list(pain = rule), by = "site", file = path)
  html <- read_html(path)
  expect_false(grepl("[\u00bc-\u00be\u2150-\u215e]", html))     # no fraction glyphs
  expect_match(html, "3/4 (75.0%)", fixed = TRUE)
  expect_match(html, "1/4 (25.0%)", fixed = TRUE)
  expect_match(html, ">&lt;Bern&gt;<", fixed = TRUE)
  expect_match(html, ">*Basel*<", fixed = TRUE)
  expect_match(html, ">~Zug~<", fixed = TRUE)
  expect_false(grepl("<Bern>|<em>|<del>|<sub>", html))
  expect_match(html, "Pain_score *now*", fixed = TRUE)  # in the Methods paragraph
  expect_false(grepl("pain_score", html, fixed = TRUE))   # never case-changed
})

test_that("a symptom nobody could be judged on gives a report without error messages", {
  skip_if_no_report_tools()
  # every patient free of pain at baseline, and a second symptom all missing
  d <- data.frame(pain_pre = rep(0, 10), pain_post = 0:9,
                  numb_pre = rep(NA_real_, 10), numb_post = rep(3, 10),
                  site = rep(c("A", "B"), 5))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)),
                numb = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".html")
  alleviation_report(d, rules, by = "site", file = path)
  html <- read_html(path)
  expect_false(grepl("Error|Nothing to plot|plot\\.alleviation", html))
  expect_match(html, "no patient could be judged", fixed = TRUE)
  expect_match(html, "10/10 (100.0%)", fixed = TRUE)     # absent at baseline
})

test_that("the report's group comparison says who was left out, and group may not be a stratum", {
  skip_if_no_report_tools()
  d <- data.frame(pain_pre = rep(5, 10), pain_post = 0:9, site = rep(c("A", "B"), 5),
                  arm = c(NA, rep("x", 4), rep("y", 5)))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".html")
  alleviation_report(d, rules, group = "arm", file = path)
  expect_match(read_html(path), "1 patient with arm missing not compared", fixed = TRUE)
  # the same column as group and stratum: an error naming the arguments
  # the user gave, not an internal function
  expect_error(alleviation_report(d, rules, by = "site", group = "site", file = path),
               "`group` must not be one of the `by` columns", class = "myelorelief_error")
  err <- tryCatch(alleviation_report(d, rules, by = "site", group = "site", file = path),
                  error = function(e) e)
  expect_match(paste(deparse(conditionCall(err)), collapse = ""), "^alleviation_report\\(")
})

test_that("on the study's cohort the report sets the published figures beside its own", {
  skip_if_no_report_tools()
  path <- tempfile(fileext = ".html")
  alleviation_report(myelography, file = path)
  html <- read_html(path)
  expect_match(html, "Guo et al. (2016) reported 35 of 325 patients (10.8%)", fixed = TRUE)
  for (figure in c("35/325 (10.8%)", "26/325 (8.0%)", "2/325 (0.6%)", "5/325 (1.5%)")) {
    expect_match(html, figure, fixed = TRUE, info = figure)
  }
  expect_match(html, "<td align=\"left\">yes</td>", fixed = TRUE)
  expect_false(grepl(">NO<", html, fixed = TRUE))
})

test_that("a report on other data never mentions myelography, and states its rule", {
  skip_if_no_report_tools()
  skip_if_not_installed("MASS")
  anorexia <- MASS::anorexia
  weight <- alleviation_rule("increase", min_change = 2, label = "Body weight (lb)")
  path <- tempfile(fileext = ".html")
  alleviation_report(anorexia, rules = weight, by = "Treat", file = path,
                     pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  html <- read_html(path)
  # the package's own reference (its title says "After Myelography") aside
  cited <- grep("^myelorelief developers", methods_text(), value = TRUE)
  expect_match(html, cited, fixed = TRUE)
  expect_false(grepl("myelograph|Guo et al|synthetic", sub(cited, "", html, fixed = TRUE),
                     ignore.case = TRUE))
  # counts from an oracle written here
  alleviated <- anorexia$Postwt - anorexia$Prewt >= 2
  for (treat in levels(anorexia$Treat)) {
    shown <- sprintf("%d/%d", sum(alleviated[anorexia$Treat == treat]),
                     sum(anorexia$Treat == treat))
    expect_match(html, shown, fixed = TRUE, info = treat)
  }
  expect_match(html, sprintf("%d/72", sum(alleviated)), fixed = TRUE)
  # weight is an outcome, not a symptom: it cannot be absent at baseline
  expect_match(html, "Improvement in Body weight (lb) was defined as an increase of at least 2 units",
               fixed = TRUE)
  expect_match(html, "By Treat", fixed = TRUE)
  # the Methods text follows the rule: another threshold, another sentence
  stricter <- alleviation_rule("increase", min_change = 5, label = "Body weight (lb)")
  alleviation_report(anorexia, rules = list(weight = stricter), file = path,
                     pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_match(read_html(path), "an increase of at least 5 units", fixed = TRUE)
})

test_that("the same data and arguments give the same file but for its date", {
  skip_if_no_report_tools()
  paths <- replicate(2, tempfile(fileext = ".html"))
  for (p in paths) {
    alleviation_report(myelography, by = "hospital", group = "sex", vars = "age",
                       file = p, title = "Fixed")
  }
  lines <- lapply(paths, function(p) readLines(p, warn = FALSE))
  dated <- lapply(lines, function(l) grepl(format(Sys.Date()), l, fixed = TRUE))
  expect_identical(sum(dated[[1L]]), 1L)            # one date line
  expect_identical(lines[[1L]][!dated[[1L]]], lines[[2L]][!dated[[2L]]])
})

test_that("a group with fewer than two populated levels leaves the Groups section out and says why", {
  skip_if_no_report_tools()
  d <- data.frame(pain_pre = rep(5, 12), pain_post = 0:11 %% 10,
                  site = rep(c("A", "B"), 6), one = "Bern <b>*x*</b>", none = NA,
                  empty_level = factor(rep("x", 12), levels = c("x", "y")))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  cases <- list(one = "in one level only", none = "no value",
                empty_level = "in one level only")
  for (g in names(cases)) {
    for (by in list(NULL, "site")) {
      path <- tempfile(fileext = ".html")
      info <- paste("group", g, "by", deparse(by))
      expect_no_error(alleviation_report(d, rules, group = g, by = by, file = path,
                                         vars = "site"))
      html <- read_html(path)
      expect_false(grepl("Groups</h2>", html, fixed = TRUE), info = info)
      expect_match(html, sprintf("not compared between the levels of %s", g), fixed = TRUE,
                   info = info)
      expect_match(html, cases[[g]], fixed = TRUE, info = info)
      # the sections after it are numbered on
      expect_match(html, "4. Scores", fixed = TRUE, info = info)
      expect_match(html, "5. Who was alleviated", fixed = TRUE, info = info)
      expect_match(html, "6. Sensitivity to the cut-off", fixed = TRUE, info = info)
      expect_false(grepl("Error|<script", html), info = info)
    }
  }
  html <- read_html(path)
  expect_false(grepl("Each level of .* was compared with", html))  # Methods
  # the level shown as data
  alleviation_report(d, rules, group = "one", file = path)
  expect_match(read_html(path), "(&quot;Bern &lt;b&gt;*x*&lt;/b&gt;&quot;)", fixed = TRUE)
})

test_that("the title is text: escaped, never markup, never case-changed", {
  skip_if_no_report_tools()
  d <- myelography[c("lbp_pre", "lbp_post")]
  path <- tempfile(fileext = ".html")
  title <- "<script>alert(1)</script> *2016* & <b>Zürich</b> -- \"100%\" _x_ `code` # [l](u) MRI"
  alleviation_report(d, rules = study_rules()["lbp"], file = path, title = title)
  html <- read_html(path)
  expect_false(grepl("<script", html, fixed = TRUE))
  expect_false(grepl("<em>|<b>|<a |<h1>#|<ol|<li><p>\\[", html))
  expect_false(grepl("(?<!<pre>)<code>", html, perl = TRUE))
  escaped <- "&lt;script&gt;alert(1)&lt;/script&gt; *2016* &amp; &lt;b&gt;Zürich&lt;/b&gt; -- &quot;100%&quot; _x_ `code` # [l](u) MRI"
  expect_match(html, paste0("<title>", escaped, "</title>"), fixed = TRUE)
  expect_match(html, paste0("<h1>", escaped, "</h1>"), fixed = TRUE)
})

test_that("labels, levels and column names reach the report as text", {
  skip_if_no_report_tools()
  hostile <- c("<b>Bern</b>", "*x* & 100%", "-- \"q\" | pipe", "Zürich – Universitätsspital, Klinik für Neurochirurgie")
  set.seed(2)
  n <- 80
  d <- data.frame(pain_pre = sample(3:10, n, TRUE), pain_post = sample(0:10, n, TRUE),
                  site = sample(hostile, n, TRUE), arm = sample(c("&lt;A&gt;", "# B"), n, TRUE),
                  "Age <i>yrs</i> *|*" = sample(20:80, n, TRUE), check.names = FALSE)
  rule <- alleviation_rule(min_change = 2, range = c(0, 10),
                           label = "Pain &amp; <i>NRS</i> | `x`")
  path <- tempfile(fileext = ".html")
  alleviation_report(d, list(pain = rule), by = "site", group = "arm",
                     vars = "Age <i>yrs</i> *|*", file = path)
  html <- read_html(path)
  expect_false(grepl("<b>|<i>|<em>|<h1>#|<h1>B", html))
  expect_false(grepl("(?<!<pre>)<code>", html, perl = TRUE))   # only code blocks
  expect_match(html, "&lt;b&gt;Bern&lt;/b&gt;", fixed = TRUE)
  expect_match(html, "*x* &amp; 100%", fixed = TRUE)
  expect_match(html, "-- &quot;q&quot; | pipe", fixed = TRUE)
  expect_match(html, "Zürich – Universitätsspital, Klinik für Neurochirurgie", fixed = TRUE)
  # an entity in the data is shown as typed, not decoded
  expect_match(html, "&amp;lt;A&amp;gt;", fixed = TRUE)
  expect_match(html, "Pain &amp;amp; &lt;i&gt;NRS&lt;/i&gt; | `x`", fixed = TRUE)
  expect_match(html, "Age &lt;i&gt;yrs&lt;/i&gt; *|*", fixed = TRUE)
})

test_that("`file` must be an HTML or Word file, not a folder or another format", {
  skip_if_no_report_tools()
  folder <- tempfile("report-folder")
  dir.create(folder)
  expect_error(alleviation_report(myelography, file = folder),
               "`file` must be the path of a file, not the existing folder",
               class = "myelorelief_error")
  expect_false(file.exists(file.path(folder, "report.html")))
  expect_identical(list.files(folder), character())
  for (ext in c("doc", "pdf", "md", "txt")) {
    target <- tempfile(fileext = paste0(".", ext))
    expect_error(alleviation_report(myelography, file = target),
                 "`file` must end in \\.html or \\.htm \\(HTML\\) or \\.docx \\(Word\\)",
                 class = "myelorelief_error", info = ext)
    expect_false(file.exists(target), info = ext)
  }
  for (ext in c("html", "HTM")) {
    target <- tempfile(fileext = paste0(".", ext))
    expect_no_error(alleviation_report(myelography[c("lbp_pre", "lbp_post")],
                                       rules = study_rules()["lbp"], file = target))
  }
})

test_that("the report can be steered: reference level, one symptom, baseline scores as characteristics, a classified cohort", {
  skip_if_no_report_tools()
  co <- classify_cohort(myelography, id = "id")
  # the reference level of the group comparison, named in the text and Methods
  report <- report_contents(co, myelography, cohort_rules(co), NULL, "sex", NULL,
                            0.95, "wilson", reference = "male")
  expect_identical(attr(report$groups, "reference"), "male")
  oracle <- compare_rates(tabulate_cohort(co, by = "sex"), "sex", reference = "male")
  expect_identical(as.data.frame(report$groups), as.data.frame(oracle))
  expect_match(report$groups_text, "reference level (\"male\")", fixed = TRUE)
  expect_match(paste(report$methods, collapse = " "), "reference level, \"male\"", fixed = TRUE)
  default <- report_contents(co, myelography, cohort_rules(co), NULL, "sex", NULL,
                             0.95, "wilson")
  expect_identical(attr(default$groups, "reference"), "female")
  # one symptom's alleviated patients against the others judged on it, with a
  # baseline score among the characteristics
  one <- report_contents(co, myelography, cohort_rules(co), NULL, NULL,
                         c("age", "lbp_pre"), 0.95, "wilson", symptom = "lbp")
  judged <- co$lbp %in% c("alleviated", "unchanged", "worsened")
  expect_identical(attr(one$comparison, "n_alleviated"), sum(co$lbp %in% "alleviated"))
  expect_identical(attr(one$comparison, "n_not_alleviated"),
                   sum(judged & !co$lbp %in% "alleviated"))
  expect_true("lbp_pre" %in% one$comparison$variable)
  expect_match(one$comparison_text, "Lower back pain (NRS 0-10) alleviated", fixed = TRUE)
  # a classified cohort gives the same tables, and says why there are no curves
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path), add = TRUE)
  alleviation_report(co, by = "hospital", group = "sex", reference = "male", file = path)
  html <- paste(readLines(path, encoding = "UTF-8"), collapse = "\n")
  expect_match(html, "cut-off curves need the measurements", fixed = TRUE)
  from_cohort <- report_contents(co, NULL, cohort_rules(co), "hospital", NULL, NULL, 0.95, "wilson")
  from_data <- report_contents(co, myelography, cohort_rules(co), "hospital", NULL, NULL, 0.95, "wilson")
  expect_identical(from_cohort$by_table, from_data$by_table)
  expect_identical(from_cohort$flow, from_data$flow)
  expect_length(from_cohort$curves, 0L)
  # bad steering is named
  expect_error(alleviation_report(co, rules = study_rules(), file = path), "leave out `rules`")
  expect_error(alleviation_report(co, pre = "_pre", file = path), "leave out `pre`")
  expect_error(alleviation_report(myelography, reference = "male", file = path),
               "`reference` is the reference level of `group`; give `group` too")
  expect_error(alleviation_report(myelography, group = "sex", reference = "men", file = path),
               "`reference` must be one level of `group` \\(\"sex\"\\)")
  expect_error(alleviation_report(myelography, symptom = "lbpp", vars = "age", file = path),
               "`symptom` must be NULL or one symptom.*Did you mean \"lbp\"")
  expect_error(compare_alleviated(co, "age", symptom = 2), "`symptom` must be NULL or one symptom")
})

test_that("the Scores section and Table 1 by group are score_change() and table_one() of the data", {
  skip_if_no_report_tools()
  co <- classify_cohort(myelography)
  report <- report_contents(co, myelography, cohort_rules(co), NULL, "sex",
                            c("age", "lbp_pre"), 0.95, "wilson", reference = "male")
  expect_identical(report$scores,
                   score_change(myelography, study_rules(), group = "sex", reference = "male"))
  expect_identical(report$table_one,
                   table_one(myelography, c("age", "lbp_pre"), group = "sex", test = TRUE))
  shown <- report_scores_tables(report)
  expect_length(shown, 2L)
  # the comparison table holds the levels against the reference only
  expect_identical(unique(as.character(shown[[2L]]$sex)), "female")
  expect_identical(nrow(shown[[1L]]), nrow(as.data.frame(report$scores)))
  expect_match(report$scores_text, "reference level (\"male\")", fixed = TRUE)
  # an outcome measured as an increase (weight): the ANCOVA of the textbook,
  # each treatment against the control arm
  skip_if_not_installed("MASS")
  rules <- list(weight = alleviation_rule("increase", min_change = 0.5, absent_at = -Inf,
                                          label = "Body weight (lb)"))
  a <- MASS::anorexia
  co <- classify_cohort(a, rules, pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  r <- report_contents(co, a, cohort_rules(co), NULL, "Treat", NULL, 0.95, "wilson",
                       reference = "Cont")
  fit <- stats::lm(Postwt ~ relevel(Treat, "Cont") + Prewt, data = a)
  d <- as.data.frame(r$scores)
  expect_equal(d$ancova_diff[d$Treat == "CBT"], unname(stats::coef(fit)[2]), tolerance = 1e-10)
  expect_equal(d$ancova_diff[d$Treat == "FT"], unname(stats::coef(fit)[3]), tolerance = 1e-10)
})

test_that("the Who was alleviated sentence on one symptom shows its label as text", {
  skip_if_no_report_tools()
  set.seed(3)
  n <- 60
  d <- data.frame(pain_pre = sample(3:10, n, TRUE), age = sample(20:80, n, TRUE))
  d$pain_post <- pmax(0, d$pain_pre - sample(0:6, n, TRUE))
  rule <- alleviation_rule(min_change = 2, range = c(0, 10),
                           label = "Pain <i>NRS</i> *star* -- x")
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path), add = TRUE)
  alleviation_report(d, list(pain = rule), vars = "age", symptom = "pain", file = path)
  html <- read_html(path)
  expect_false(grepl("<i>NRS|<em>star", html))
  expect_match(html, "Patients with Pain &lt;i&gt;NRS&lt;/i&gt; *star* -- x alleviated",
               fixed = TRUE)
})

# A hypothetical cohort with a quarter of the follow-up values lost, and
# hostile text in its levels and labels.
lost_cohort <- function(seed = 5, n = 120) {
  set.seed(seed)
  hostile <- c("<b>Bern</b> *x*", substr(strrep("Universit\u00e4tsspital Z\u00fcrich ", 3), 1, 60))
  d <- data.frame(lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE),
                  leg_pain_pre = sample(0:10, n, TRUE), leg_pain_post = sample(0:10, n, TRUE),
                  site = factor(sample(hostile, n, TRUE), levels = hostile),
                  arm = factor(sample(c("*A* -- \"q\"", "<B> %"), n, TRUE)))
  d$lbp_post[sample(n, n / 4)] <- NA
  d$leg_pain_post[sample(n, n / 5)] <- NA
  d$lbp_pre[sample(n, 5)] <- NA
  rules <- study_rules()[c("lbp", "leg_pain")]
  rules$leg_pain$label <- "Leg <i>pain</i> *NRS* \u00e9"
  list(data = d, rules = rules, hostile = hostile)
}

html_table_cells <- function(path) {
  doc <- xml2::read_html(path, encoding = "UTF-8")
  lapply(xml2::xml_find_all(doc, "//table"), function(table) {
    rows <- xml2::xml_find_all(table, ".//tr")
    unname(do.call(rbind, lapply(rows, function(row) {
      gsub("\u200b", "", trimws(xml2::xml_text(xml2::xml_find_all(row, "./th|./td"))))
    })))
  })
}

test_that("missing = \"bounds\": a Loss to follow-up section with alleviation_bounds() and the extreme comparisons", {
  skip_if_no_report_tools()
  skip_if_not_installed("xml2")
  lc <- lost_cohort()
  path <- tempfile(fileext = ".html")
  alleviation_report(lc$data, lc$rules, by = "site", group = "arm", missing = "bounds",
                     file = path, title = lc$hostile[1])
  html <- read_html(path)
  headings <- xml2::xml_text(xml2::xml_find_all(xml2::read_html(path, encoding = "UTF-8"),
                                                 "//h2|//h3"))
  expect_identical(grep("^[0-9]+\\. ", headings, value = TRUE),
                   c("1. Patients", "2. Definitions", "3. Results", "4. Groups",
                     "5. Loss to follow-up", "6. Scores", "7. Sensitivity to the cut-off",
                     "8. Methods", "9. Reproducibility"))
  # the tables are those of alleviation_bounds() and compare_rates() on it,
  # cell for cell, the data's text as written
  cohort <- classify_cohort(lc$data, lc$rules)
  expected <- list(
    format(alleviation_bounds(cohort, lc$data)),
    format(alleviation_bounds(cohort, lc$data, by = "site")),
    format(compare_rates(alleviation_bounds(cohort, lc$data, by = c("arm", "site")),
                         "arm", strata = "site")))
  tables <- html_table_cells(path)
  for (k in seq_along(expected)) {
    found <- Filter(function(t) ncol(t) == ncol(expected[[k]]) &&
                      nrow(t) == nrow(expected[[k]]) + 1L &&
                      identical(unname(t[-1, , drop = FALSE]),
                                unname(as.matrix(expected[[k]]))), tables)
    expect_length(found, 1L)
  }
  expect_true(any(vapply(tables, function(t) all(c("worst case", "best case") %in% t[1, ]),
                         logical(1))))
  expect_true(any(vapply(tables, function(t) all(c("group worst", "group best") %in% t[1, ]),
                         logical(1))))
  # the Methods paragraph says how the bounds were formed
  expect_match(html, "Horowitz and Manski 2000", fixed = TRUE)
  expect_match(html, "the two extreme scenarios", fixed = TRUE)
  # user text stays text
  expect_false(grepl("<b>Bern|<i>pain|<B> %|<em>", html))
  expect_match(html, "&lt;b&gt;Bern&lt;/b&gt; *x*", fixed = TRUE)
  # without missing = "bounds" (the default), no such section, the rest as before
  expect_identical(
    report_contents(cohort, lc$data, lc$rules, "site", "arm", NULL, 0.95, "wilson")[
      c("overall", "by_table", "groups", "methods", "sections")],
    report_contents(cohort, lc$data, lc$rules, "site", "arm", NULL, 0.95, "wilson",
                    bounds = FALSE)[c("overall", "by_table", "groups", "methods", "sections")])
})

test_that("missing = \"bounds\" without a group or strata, and with nothing missing", {
  d <- myelography[c("lbp_pre", "lbp_post")]
  d <- d[!is.na(d$lbp_pre) & !is.na(d$lbp_post), ]
  cohort <- classify_cohort(d, study_rules()["lbp"])
  report <- report_contents(cohort, d, study_rules()["lbp"], NULL, NULL, NULL, 0.95,
                            "wilson", bounds = TRUE)
  expect_null(report$bounds_by)
  expect_null(report$bounds_groups)
  expect_equal(report$bounds$worst, report$bounds$rate)
  expect_match(report$bounds_text, "No value is missing", fixed = TRUE)
  expect_identical(report$sections[["missing"]], "4")
  expect_match(report$methods[[1]], "worst-case and best-case rates", fixed = TRUE)
  # a group skipped for want of two populated levels has no extreme comparison
  d$g <- "only"
  d$lbp_post[1:20] <- NA
  cohort <- classify_cohort(d, study_rules()["lbp"])
  report <- report_contents(cohort, d, study_rules()["lbp"], NULL, "g", NULL, 0.95,
                            "wilson", bounds = TRUE)
  expect_null(report$bounds_groups)
  expect_false(grepl("No value is missing", report$bounds_text))
})

test_that("the report refuses imputed data and bounds it cannot compute, by name", {
  skip_if_no_report_tools()
  path <- tempfile(fileext = ".html")
  d <- myelography
  expect_error(alleviation_report(list(d, d), file = path),
               "one data frame, not the completed datasets of a multiple imputation",
               class = "myelorelief_error")
  expect_error(alleviation_report(d, missing = "imputation", file = path),
               "`missing = \"imputation\"` is not available", class = "myelorelief_error")
  expect_error(alleviation_report(d, missing = "both", file = path),
               "`missing` must be one of \"exclude\", \"bounds\"", class = "myelorelief_error")
  expect_error(alleviation_report(d, missing = NA, file = path), "`missing`",
               class = "myelorelief_error")
  expect_error(alleviation_report(classify_cohort(d), missing = "bounds", file = path),
               "needs the baseline values", class = "myelorelief_error")
  imputed <- classify_cohort(list(d, d))
  expect_error(alleviation_report(imputed, file = path), "multiple imputation",
               class = "myelorelief_error")
  if (requireNamespace("mice", quietly = TRUE)) {
    small <- d[c("lbp_pre", "lbp_post")]
    small$lbp_post[1:10] <- NA
    mids <- suppressWarnings(mice::mice(small, m = 2, printFlag = FALSE, seed = 1))
    expect_error(alleviation_report(mids, file = path), "multiple imputation",
                 class = "myelorelief_error")
  }
  expect_false(file.exists(path))
})
