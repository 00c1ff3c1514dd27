# The built vignettes must open without a network (hospital PCs often have
# none): no script, stylesheet, font or image from elsewhere. Runs where the
# package was installed from a built tarball (R CMD check), skipped otherwise.

test_that("the built vignettes reference no remote resource", {
  doc <- system.file("doc", package = "myelorelief")
  files <- if (nzchar(doc)) list.files(doc, "\\.html$", full.names = TRUE) else character()
  files <- files[basename(files) != "index.html"]      # R's own index page
  skip_if(!length(files), "vignettes not built in this installation")
  for (file in files) {
    html <- paste(readLines(file, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
    tags <- regmatches(html, gregexpr("<(script|link|img|iframe|source|style|embed)\\b[^>]*>",
                                      html, ignore.case = TRUE))[[1L]]
    remote <- grep("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//", tags, value = TRUE,
                   ignore.case = TRUE)
    expect_identical(remote, character(), info = basename(file))
    # styles that would fetch fonts or images
    expect_false(grepl("url\\(\\s*[\"']?\\s*(https?:)?//", html, ignore.case = TRUE),
                 info = basename(file))
    expect_false(grepl("@import", html, fixed = TRUE), info = basename(file))
    # code and output are told apart by the local stylesheet
    expect_match(html, "code.language-r", fixed = TRUE, info = basename(file))
  }
})
