# The report on paper: printed to PDF by headless Chromium (as a person
# prints it) on A4 and on Letter, read back with pdftotext, every column
# header and every value of the HTML tables must be on the pages: nothing
# clipped, nothing hidden behind a scrollbar. The template's print rules
# are checked as text. (Chromium and pdftotext are optional: skipped where
# absent, and under the memory checker.)

skip_if_no_printer <- function() {
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "printing reports under a memory checker")
  skip_if(!nzchar(Sys.which("chromium")), "chromium is not installed")
  skip_if(!nzchar(Sys.which("pdftotext")), "pdftotext is not installed")
}

# The HTML file printed to PDF on `paper` ("Letter", Chromium's default,
# or "A4", set in a copy by a CSS @page size); the text of the pages.
print_report <- function(path, paper) {
  html <- readLines(path, warn = FALSE, encoding = "UTF-8")
  if (paper != "Letter") {
    html <- sub("</style>", sprintf("@page { size: %s portrait; }\n</style>", paper),
                html, fixed = TRUE)
  }
  copy <- tempfile(fileext = ".html")
  writeLines(html, copy, useBytes = TRUE)
  pdf <- tempfile(fileext = ".pdf")
  on.exit(unlink(c(copy, pdf)))
  system2("chromium", c("--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--no-pdf-header-footer",
                        paste0("--print-to-pdf=", pdf),
                        paste0("file://", normalizePath(copy))),
          stdout = FALSE, stderr = FALSE, timeout = 120)
  if (!file.exists(pdf)) skip("chromium did not print")
  size <- system2("pdfinfo", pdf, stdout = TRUE)
  text <- system2("pdftotext", c("-layout", "-enc", "UTF-8", pdf, "-"), stdout = TRUE)
  list(text = enc2utf8(paste(text, collapse = "\n")),
       size = grep("^Page size", size, value = TRUE))
}

html_unescape <- function(x) {
  x <- gsub("<[^>]+>", "", x)
  x <- gsub("&lt;", "<", x, fixed = TRUE)
  x <- gsub("&gt;", ">", x, fixed = TRUE)
  x <- gsub("&quot;", "\"", x, fixed = TRUE)
  x <- gsub("&#39;", "'", x, fixed = TRUE)
  x <- gsub("&#124;", "|", x, fixed = TRUE)
  gsub("&amp;", "&", x, fixed = TRUE)
}

# Every header and cell of every table of the HTML, as words.
table_words <- function(path) {
  html <- paste(readLines(path, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
  cells <- regmatches(html, gregexpr("<t[hd][^>]*>.*?</t[hd]>", html, perl = TRUE))[[1L]]
  words <- printed_words(html_unescape(cells))
  words[nzchar(words)]
}

# Text as words: split at spaces, at zero-width spaces (md_table()'s break
# points in long words) and after the hyphen of a hyphenated word
# ("Mantel-" "Haenszel"), where a browser may break a line; never inside a
# number, so an interval that breaks at its hyphen is still caught.
printed_words <- function(text) {
  unlist(strsplit(text, "[\\s\u200b]+|(?<=[[:alpha:]]-)(?=[[:alpha:]])", perl = TRUE))
}

# Words of `expected` (with repeats) that `text` holds fewer times.
missing_words <- function(expected, text) {
  found <- table(printed_words(text))
  wanted <- table(expected)
  have <- as.vector(found[names(wanted)])
  have[is.na(have)] <- 0
  names(wanted)[have < as.vector(wanted)]
}

expect_prints_whole <- function(path, label) {
  words <- table_words(path)
  expect_gt(length(words), 50L)
  for (paper in c("A4", "Letter")) {
    printed <- print_report(path, paper)
    info <- paste(label, "on", paper)
    expect_match(printed$size, if (paper == "A4") "\\(A4\\)" else "612 x 792",
                 info = info)
    expect_identical(missing_words(words, printed$text), character(), info = info)
  }
}

test_that("every table of the report prints whole on A4 and Letter", {
  skip_if_no_printer()
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path))
  alleviation_report(myelography, by = "hospital", group = "sex",
                     vars = c("age", "diagnosis"), file = path)
  words <- table_words(path)
  # the columns that were cut before: missing in Results, NNT in Groups
  expect_true(all(c("missing", "NNT", "worsened", "evaluable") %in% words))
  expect_prints_whole(path, "the synthetic cohort")
})

test_that("a report on other data prints whole too", {
  skip_if_no_printer()
  skip_if_not_installed("MASS")
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path))
  weight <- alleviation_rule("increase", min_change = 2, label = "Body weight (lb)")
  alleviation_report(MASS::anorexia, rules = weight, group = "Treat",
                     file = path, pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_prints_whole(path, "MASS::anorexia")
})

test_that("the template has no fixed width and print rules for paper", {
  template <- paste(readLines(system.file("report", "template.html",
                                          package = "myelorelief")), collapse = "\n")
  css <- gsub("/\\*.*?\\*/", "", template, perl = TRUE)
  # nothing scrolls: no overflow scrolling, no table turned into a block
  expect_false(grepl("overflow(-x)?:\\s*(auto|scroll)", css))
  expect_false(grepl("table\\s*\\{[^}]*display:\\s*block", css))
  expect_false(grepl("body\\s*\\{[^}]*[^-]width:\\s*[0-9]", css))
  # no cell kept on one line but the short cells of numbers only (md_table())
  nowrap_rules <- regmatches(css, gregexpr("[^{}]*\\{[^}]*white-space:\\s*nowrap", css))[[1L]]
  expect_identical(trimws(sub("\\{.*", "", nowrap_rules)), ".nobr")
  print_rules <- regmatches(css, regexpr("@media print \\{.*", css))
  expect_match(print_rules, "tr, th, td \\{[^}]*break-inside: avoid")
  expect_match(print_rules, "h1, h2, h3 \\{[^}]*break-after: avoid")
  expect_match(css, "pre \\{[^}]*white-space: pre-wrap")
})

test_that("long and hostile labels print whole: ordinary words are never split", {
  skip_if_no_printer()
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path))
  d <- myelography
  levels(d$hospital) <- c("Department of Orthopaedic Surgery, University Hospital North",
                          "B <b>*x*</b> -- \"quoted\" 100% Z\u00fcrich",
                          strrep("Klinikum", 8), "Spital D")
  d$arm <- factor(ifelse(seq_len(nrow(d)) %% 2 == 0,
                         "Intradural injection of a hypothetical agent", "Usual care"))
  alleviation_report(d, by = "hospital", group = "arm", vars = c("age", "sex"),
                     file = path)
  # the 64-character word has break points; no other word has
  html <- paste(readLines(path, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
  broken <- regmatches(html, gregexpr("[^\\s<>]*\u200b[^\\s<>]*", html, perl = TRUE))[[1L]]
  expect_gt(length(broken), 0L)
  expect_true(all(grepl("^(Klinikum\u200b?)+$", gsub("Kl\u200binikum|Klin\u200bikum|Klinik\u200bum|Klinikum\u200b",
                                                        "Klinikum", broken))))
  expect_prints_whole(path, "long and hostile labels (hypothetical arms)")
})
