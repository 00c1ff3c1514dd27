# alleviation_report(file = "x.docx"): a real Word document with the
# sections, text, tables and figures of the HTML report.

# expect_match() on document.xml, without printing a megabyte on failure
expect_xml <- function(xml, pattern, fixed = TRUE) {
  expect_true(grepl(pattern, xml, fixed = fixed), info = pattern)
}

html_tables <- function(path) {
  doc <- xml2::read_html(path, encoding = "UTF-8")
  lapply(xml2::xml_find_all(doc, "//table"), function(table) {
    rows <- xml2::xml_find_all(table, ".//tr")
    unname(do.call(rbind, lapply(rows, function(row) {
      trimws(xml2::xml_text(xml2::xml_find_all(row, "./th|./td")))
    })))
  })
}

html_headings <- function(path) {
  doc <- xml2::read_html(path, encoding = "UTF-8")
  xml2::xml_text(xml2::xml_find_all(doc, "//h1|//h2|//h3"))
}

# The heading level of each paragraph (0: not a heading), through the name
# of its style in styles.xml ("heading 2"), as Word identifies its
# built-in heading styles whatever their ids.
heading_level <- function(paragraphs, style_names) {
  name <- unname(style_names[paragraphs$style])
  level <- integer(length(name))
  heading <- !is.na(name) & grepl("^heading [1-9]$", name)
  level[heading] <- as.integer(sub("heading ", "", name[heading]))
  level
}

test_that("the Word report is a Word file with the HTML report's headings, tables and figures", {
  skip_if_no_docx_tools()
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  docx <- tempfile(fileext = ".docx")
  html <- tempfile(fileext = ".html")
  out <- alleviation_report(myelography, by = "hospital", group = "sex",
                            vars = c("age", "diagnosis"), file = docx)
  expect_identical(out, normalizePath(docx))
  alleviation_report(myelography, by = "hospital", group = "sex",
                     vars = c("age", "diagnosis"), file = html)
  # a zip holding the parts of a Word document
  parts <- utils::unzip(docx, list = TRUE)$Name
  expect_true(all(c("[Content_Types].xml", "word/document.xml", "word/styles.xml") %in% parts))
  xml <- docx_part(docx)
  # every table a Word table, with the HTML's text cell by cell
  # (flow, definitions-free overall, published, by hospital, heterogeneity,
  # two of groups, Table 1 by sex, two of scores, who was alleviated)
  expect_identical(lengths(regmatches(xml, gregexpr("<w:tbl[ >]", xml))), 11L)
  expect_identical(docx_tables(xml), html_tables(html))
  expect_true(grepl(">35/325 (10.8%)<", xml, fixed = TRUE))
  expect_true(grepl(">26/293<", xml, fixed = TRUE))
  # headings in Word's heading styles, in the order and words of the HTML
  paragraphs <- docx_paragraphs(xml)
  level <- heading_level(paragraphs, docx_style_names(docx))
  expect_identical(paragraphs$text[level > 0], html_headings(html))
  expect_identical(paragraphs$text[level == 1], "Symptom alleviation: myelography")
  expect_identical(paragraphs$text[level == 3], "By hospital")
  expect_identical(paragraphs$text[level == 2],
                   c("1. Patients", "2. Definitions", "3. Results", "4. Groups",
                     "5. Scores", "6. Who was alleviated", "7. Sensitivity to the cut-off",
                     "8. Methods", "9. Reproducibility"))
  # the section numbers are the text's: Word adds none
  expect_false(grepl("<w:numPr>", docx_part(docx, "word/styles.xml"), fixed = TRUE))
  expect_false(grepl("<w:numPr>", xml, fixed = TRUE))
  # every paragraph, list item and line of code of the HTML, in the same
  # words (the HTML's markdown sets the package's own apostrophes and
  # quotes curly; only the call differs, in the name of the file)
  page <- xml2::read_html(html, encoding = "UTF-8")
  straight <- function(x) gsub("[\u201c\u201d]", "\"", gsub("[\u2018\u2019]", "'", x))
  html_text <- straight(gsub("\\s+", " ", trimws(xml2::xml_text(
    xml2::xml_find_all(page, "//p|//li")))))
  expect_identical(setdiff(html_text, paragraphs$text), character())
  html_code <- unlist(strsplit(xml2::xml_text(xml2::xml_find_all(page, "//pre")), "\n"))
  differing <- setdiff(trimws(html_code, "right"), trimws(paragraphs$text, "right"))
  expect_true(all(grepl("file = ", differing, fixed = TRUE)), info = paste(differing, collapse = "\n"))
  # text, editable: the synthetic cohort says so, the Methods paragraph is
  # one paragraph of text, its references follow
  expect_true(any(grepl("synthetic", paragraphs$text, fixed = TRUE)))
  methods <- methods_text(study_rules(), by = "hospital", group = "sex",
                          vars = c("age", "diagnosis"), reference = "female",
                          scores = TRUE)
  expect_true(methods[[1L]] %in% paragraphs$text)
  expect_true(all(methods[-1L] %in% paragraphs$text))
  # four figures (patient flow, strata, groups, curves): PNG, 170 mm wide
  # at 300 dpi
  media <- grep("^word/media/.*\\.png$", parts, value = TRUE)
  expect_length(media, 4L)
  folder <- tempfile()
  utils::unzip(docx, files = media, exdir = folder)
  for (png in file.path(folder, media)) {
    header <- readBin(png, "raw", 24L)
    expect_identical(header[1:8], as.raw(c(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)))
    width_px <- sum(as.integer(header[17:20]) * 256^(3:0))
    expect_equal(width_px, round(170 / 25.4 * 300), tolerance = 1e-3, info = png)
  }
  extents <- regmatches(xml, gregexpr("<wp:extent cx=\"[0-9]+\"", xml))[[1L]]
  expect_length(extents, 4L)
  expect_equal(as.numeric(gsub("\\D", "", extents)), rep(170 * 36000, 4), tolerance = 1e-3)
  # every table within the text column (170 mm; Word's twips), in one
  # type size (8 points: w:sz is in half-points): long cells wrap instead
  tables <- regmatches(xml, gregexpr("<w:tbl[ >].*?</w:tbl>", xml))[[1L]]
  for (table in tables) {
    grid <- regmatches(table, gregexpr("<w:gridCol w:w=\"[0-9]+\"", table))[[1L]]
    expect_lte(sum(as.numeric(gsub("\\D", "", grid))), 170 / 25.4 * 1440 + length(grid))  # rounding
    sizes <- unique(regmatches(table, gregexpr("<w:sz w:val=\"[0-9]+\"", table))[[1L]])
    expect_identical(sizes, "<w:sz w:val=\"16\"")
  }
  # no flextable row keys as stray text in the rows
  expect_false(grepl("</w:trPr>\\s*[^<[:space:]]", xml))
})

test_that("sections that do not apply are left out of the Word report too", {
  skip_if_no_docx_tools()
  d <- myelography[c("lbp_pre", "lbp_post", "hospital")]
  path <- tempfile(fileext = ".docx")
  alleviation_report(d, rules = study_rules()["lbp"], file = path, title = "Back pain only")
  paragraphs <- docx_paragraphs(docx_part(path))
  level <- heading_level(paragraphs, docx_style_names(path))
  expect_identical(paragraphs$text[level > 0],
                   c("Back pain only", "1. Patients", "2. Definitions", "3. Results",
                     "4. Scores", "5. Sensitivity to the cut-off", "6. Methods",
                     "7. Reproducibility"))
  expect_false(any(grepl("synthetic|Guo et al", paragraphs$text)))
  expect_length(docx_tables(docx_part(path)), 3L)
})

test_that("user text reaches the Word report verbatim, escaped only as XML requires", {
  skip_if_no_docx_tools()
  long <- strrep("Universitätsspital Zürich ", 3)   # 78 characters
  long <- substr(long, 1, 60)
  hostile <- c("<b>Bern</b>", "*x* & 100%", "-- \"q\" 'a' | pipe", long)
  set.seed(3)
  n <- 80
  d <- data.frame(pain_pre = sample(3:10, n, TRUE), pain_post = sample(0:10, n, TRUE),
                  site = sample(hostile, n, TRUE), arm = sample(c("&lt;A&gt;", "# B"), n, TRUE),
                  "Age <i>yrs</i> *|*" = sample(20:80, n, TRUE), check.names = FALSE)
  label <- "Pain &amp; <i>NRS</i> _x_ `y` \u00e9"
  rule <- alleviation_rule(min_change = 2, range = c(0, 10), label = label)
  title <- "<script>x</script> *2016* & \"Z\u00fcrich\" **MRI** -- 100%"
  path <- tempfile(fileext = ".docx")
  alleviation_report(d, list(pain = rule), by = "site", group = "arm",
                     vars = "Age <i>yrs</i> *|*", file = path, title = title)
  xml <- docx_part(path)
  text <- c(docx_paragraphs(xml)$text, unlist(docx_tables(xml)))
  for (s in hostile) {
    expect_true(s %in% text, info = s)               # a cell of its own, as written
  }
  for (s in c("&lt;A&gt;", "# B", "Age <i>yrs</i> *|*")) {
    expect_true(any(grepl(s, text, fixed = TRUE)), info = s)
  }
  expect_true(title %in% text)
  expect_true(any(grepl(label, text, fixed = TRUE)))
  # in the XML: markup characters as entities, nothing else changed (no
  # backslashes, no tags from the data, case kept)
  expect_xml(xml, ">&lt;b&gt;Bern&lt;/b&gt;<", fixed = TRUE)
  expect_xml(xml, ">*x* &amp; 100%<", fixed = TRUE)
  expect_xml(xml, "&amp;lt;A&amp;gt;", fixed = TRUE)
  expect_xml(xml, "Pain &amp;amp; &lt;i&gt;NRS&lt;/i&gt; _x_ `y` \u00e9", fixed = TRUE)
  expect_xml(xml, long, fixed = TRUE)
  expect_false(grepl("<b>|<i>|<script", xml))
  expect_false(grepl("\\\\[*_<&#`-]", xml))
  expect_false(grepl("pain &amp;amp;", xml, fixed = TRUE))   # never case-changed
})

test_that("the format follows the extension, whatever its case; others are refused", {
  skip_if_no_docx_tools()
  d <- myelography[c("lbp_pre", "lbp_post")]
  for (ext in c("DOCX", "Docx")) {
    path <- tempfile(fileext = paste0(".", ext))
    alleviation_report(d, rules = study_rules()["lbp"], file = path)
    expect_true("word/document.xml" %in% utils::unzip(path, list = TRUE)$Name, info = ext)
  }
  for (ext in c("doc", "pdf", "md", "odt", "txt")) {
    target <- tempfile(fileext = paste0(".", ext))
    expect_error(alleviation_report(d, rules = study_rules()["lbp"], file = target),
                 "`file` must end in \\.html or \\.htm \\(HTML\\) or \\.docx \\(Word\\)",
                 class = "myelorelief_error", info = ext)
    expect_false(file.exists(target), info = ext)
  }
})

test_that("a label nobody could be judged on, and a skipped group, in the Word report", {
  skip_if_no_docx_tools()
  d <- data.frame(a_pre = c(0, 0, 0), a_post = c(0, 1, 0), b_pre = c(5, 6, 7),
                  b_post = c(1, 6, 2), arm = c("x", "x", "x"))
  rules <- list(a = alleviation_rule(min_change = 1, range = c(0, 10), label = "Absent *A*"),
                b = alleviation_rule(min_change = 2, range = c(0, 10)))
  path <- tempfile(fileext = ".docx")
  alleviation_report(d, rules, group = "arm", file = path)
  text <- docx_paragraphs(docx_part(path))$text
  expect_true(any(grepl("Absent *A*: no patient could be judged", text, fixed = TRUE)))
  expect_true(any(grepl("were not compared between the levels of arm", text, fixed = TRUE)))
  expect_false(any(grepl("Error", text, fixed = TRUE)))
})

test_that("without officer and flextable, the Word report says what to install", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "a second R under a memory checker")
  # a second R that sees the package but no site library (where officer
  # and flextable are)
  empty <- tempfile("empty-lib-")
  dir.create(empty)
  script <- tempfile(fileext = ".R")
  target <- tempfile(fileext = ".docx")
  writeLines(c(
    "stopifnot(!requireNamespace('officer', quietly = TRUE))",
    sprintf("r <- tryCatch(myelorelief::alleviation_report(myelorelief::myelography, file = '%s'),", target),
    "              myelorelief_error = function(e) conditionMessage(e))",
    "cat(r)"), script)
  out <- suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)),
    stdout = TRUE, stderr = TRUE,
    env = c(sprintf("R_LIBS=%s", shQuote(dirname(find.package("myelorelief")))),
            sprintf("R_LIBS_SITE=%s", shQuote(empty)),
            sprintf("R_LIBS_USER=%s", shQuote(empty)))))
  out <- paste(out, collapse = "\n")
  expect_match(out, "needs the packages officer and flextable to write a Word file: install.packages(c(\"officer\", \"flextable\"))",
               fixed = TRUE)
  expect_false(file.exists(target))
})

test_that("missing = \"bounds\" in the Word report: the HTML's section, tables and text", {
  skip_if_no_docx_tools()
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  # hypothetical: a quarter of the follow-up values lost, hostile levels
  set.seed(8)
  n <- 100
  hostile <- c("<b>Bern</b> *x*", substr(strrep("Universit\u00e4tsspital Z\u00fcrich ", 3), 1, 60))
  d <- data.frame(lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE),
                  site = factor(sample(hostile, n, TRUE), levels = hostile),
                  arm = factor(sample(c("*A* -- \"q\"", "<B> %"), n, TRUE)))
  d$lbp_post[sample(n, n / 4)] <- NA
  rules <- list(lbp = alleviation_rule(min_change = 2, range = c(0, 10),
                                       label = "Back <i>pain</i> \u00e9"))
  docx <- tempfile(fileext = ".docx")
  html <- tempfile(fileext = ".html")
  alleviation_report(d, rules, by = "site", group = "arm", missing = "bounds", file = docx)
  alleviation_report(d, rules, by = "site", group = "arm", missing = "bounds", file = html)
  xml <- docx_part(docx)
  expect_identical(docx_tables(xml), html_tables(html))
  paragraphs <- docx_paragraphs(xml)
  level <- heading_level(paragraphs, docx_style_names(docx))
  expect_identical(paragraphs$text[level > 0], html_headings(html))
  expect_true("5. Loss to follow-up" %in% paragraphs$text[level == 2L])
  cohort <- classify_cohort(d, rules)
  bounds <- as.matrix(format(alleviation_bounds(cohort, d, by = "site")))
  extreme <- as.matrix(format(compare_rates(alleviation_bounds(cohort, d, by = c("arm", "site")),
                                            "arm", strata = "site")))
  tables <- docx_tables(xml)
  for (expected in list(bounds, extreme)) {
    expect_true(any(vapply(tables, function(t) {
      identical(dim(t), dim(expected) + c(1L, 0L)) && identical(unname(t[-1, ]), unname(expected))
    }, logical(1))))
  }
  expect_true(any(grepl("Horowitz and Manski 2000", paragraphs$text, fixed = TRUE)))
  for (s in hostile) expect_true(s %in% unlist(tables), info = s)
  expect_false(grepl("<b>|<i>|<B>", xml))
})

test_that("the text that introduces a table or figure stays on its page", {
  skip_if_no_docx_tools()
  lost <- myelography
  set.seed(2)
  lost$leg_pain_post[sample(nrow(lost), 60)] <- NA   # hypothetical loss to follow-up
  docx <- tempfile(fileext = ".docx")
  alleviation_report(lost, by = "hospital", group = "sex", vars = c("age", "diagnosis"),
                     missing = "bounds", file = docx)
  doc <- xml2::read_xml(docx_part(docx))
  body <- xml2::xml_children(xml2::xml_find_first(doc, "/w:document/w:body", docx_ns))
  kind <- vapply(body, function(node) {
    if (xml2::xml_name(node) == "tbl") return("table")
    if (xml2::xml_name(node) != "p") return("other")
    if (length(xml2::xml_find_all(node, ".//w:drawing", docx_ns))) return("figure")
    if (nzchar(docx_node_text(node))) "text" else "spacer"
  }, character(1))
  keeps <- vapply(body, function(node) {
    length(xml2::xml_find_all(node, "./w:pPr/w:keepNext", docx_ns)) > 0L
  }, logical(1))
  style <- vapply(body, function(node) {
    s <- xml2::xml_find_first(node, "./w:pPr/w:pStyle", docx_ns)
    if (inherits(s, "xml_missing")) "" else xml2::xml_attr(s, "val")
  }, character(1))
  heading <- grepl("^heading [1-9]$", docx_style_names(docx)[style])
  # each text paragraph right before a table or a figure: kept with it
  # (headings keep with the next paragraph by their style)
  before <- which(kind[-1L] %in% c("table", "figure") & kind[-length(kind)] == "text")
  expect_gt(length(before), 8L)
  expect_true(all(keeps[before] | heading[before]),
              info = paste(vapply(body[before][!(keeps[before] | heading[before])],
                                  docx_node_text, character(1)), collapse = " | "))
  # and no other text paragraph is chained to what follows
  expect_false(any(keeps[kind == "text" & !seq_along(kind) %in% before & !heading]))
})
