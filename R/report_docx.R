# alleviation_report(file = "x.docx"): the report as a Word document,
# written with officer and flextable (both in Suggests) from the same
# report_contents() object, the same tables and the same figures as the
# HTML of report.Rmd. Headings are Word heading styles, every table a Word
# table, figures PNG at print resolution, the text editable; text from the
# user and the data is written as text (officer and flextable escape it for
# XML), never read as markup.

# Page: A4 with 20 mm margins, so that a figure 170 mm wide fits the text
# column (officer's default template has 25 mm).
docx_figure_mm <- 170
docx_dpi <- 300

render_report_docx <- function(report, title, file) {
  work <- tempfile("myelorelief-report-")
  dir.create(work)
  on.exit(unlink(work, recursive = TRUE), add = TRUE)
  doc <- officer::read_docx()
  margin <- 20 / 25.4
  doc <- officer::body_set_default_section(doc, officer::prop_section(
    page_size = officer::page_size(width = 210 / 25.4, height = 297 / 25.4),
    page_margins = officer::page_mar(top = margin, bottom = margin, left = margin,
                                     right = margin, header = 0.5, footer = 0.5,
                                     gutter = 0)))
  docx_unnumbered_headings(doc)
  figure <- docx_figure_writer(work)
  section <- function(doc, key, name) {
    docx_heading(doc, sprintf("%s. %s", report[["sections"]][[key]], name), 2L)
  }

  doc <- docx_heading(doc, title, 1L)
  if (nzchar(report[["data_note"]])) doc <- docx_paragraph(doc, report[["data_note"]], bold_marks = TRUE)

  doc <- docx_heading(doc, "1. Patients", 2L)
  doc <- docx_paragraph(doc, report[["patients_text"]], keep_with_next = TRUE)
  doc <- docx_table(doc, report[["flow"]])
  doc <- docx_paragraph(doc, "Patient flow. The same counts as a diagram: for each symptom, the patients left out and why, and those analysed.",
                        keep_with_next = TRUE)
  doc <- figure(doc, function() plot_report_flow(report), report[["flow_plot_height"]])

  doc <- docx_heading(doc, "2. Definitions", 2L)
  doc <- docx_paragraph(doc, report[["definitions_text"]])
  doc <- docx_code(doc, report_definitions(report))

  doc <- docx_heading(doc, "3. Results", 2L)
  doc <- docx_paragraph(doc, report[["results_text"]], keep_with_next = TRUE)
  doc <- docx_table(doc, format(report[["overall"]]))
  if (!is.null(report[["published"]])) {
    doc <- docx_paragraph(doc, report[["published_text"]], keep_with_next = TRUE)
    doc <- docx_table(doc, report_published_table(report))
  }
  if (!is.null(report[["by_table"]])) {
    doc <- docx_heading(doc, paste("By", paste(report[["by"]], collapse = " and ")), 3L)
    doc <- docx_table(doc, format(report[["by_table"]]))
    if (isTRUE(report[["by_plotted"]])) {
      doc <- figure(doc, function() plot_report_by(report), report[["by_plot_height"]])
    }
    doc <- docx_paragraph(doc, report[["heterogeneity_text"]], keep_with_next = TRUE)
    doc <- docx_table(doc, format(report[["by_summary"]]))
  }
  if (!is.null(report[["groups_skipped_text"]])) {
    doc <- docx_paragraph(doc, report[["groups_skipped_text"]])
  }

  if (!is.null(report[["groups"]])) {
    doc <- section(doc, "groups", "Groups")
    doc <- docx_paragraph(doc, report[["groups_text"]], keep_with_next = TRUE)
    for (shown in report_groups_tables(report)) doc <- docx_table(doc, shown)
    doc <- figure(doc, function() plot_report_groups(report), report[["groups_plot_height"]])
  }

  if (!is.null(report[["table_one"]])) {
    doc <- docx_paragraph(doc, report[["table_one_text"]], keep_with_next = TRUE)
    doc <- docx_table(doc, format(report[["table_one"]]))
  }

  if (!is.null(report[["bounds"]])) {
    doc <- section(doc, "missing", "Loss to follow-up")
    doc <- docx_paragraph(doc, report[["bounds_text"]], keep_with_next = TRUE)
    doc <- docx_table(doc, report_bounds_table(report[["bounds"]]))
    if (!is.null(report[["bounds_by"]])) {
      doc <- docx_heading(doc, paste("By", paste(report[["by"]], collapse = " and ")), 3L)
      doc <- docx_table(doc, report_bounds_table(report[["bounds_by"]]))
    }
    if (!is.null(report[["bounds_groups"]])) {
      doc <- docx_paragraph(doc, report[["bounds_groups_text"]], keep_with_next = TRUE)
      doc <- docx_table(doc, report_bounds_groups_table(report))
    }
  }

  if (!is.null(report[["scores"]])) {
    doc <- section(doc, "scores", "Scores")
    doc <- docx_paragraph(doc, report[["scores_text"]], keep_with_next = TRUE)
    for (shown in report_scores_tables(report)) doc <- docx_table(doc, shown)
  }

  if (!is.null(report[["comparison"]])) {
    doc <- section(doc, "who", "Who was alleviated")
    doc <- docx_paragraph(doc, report[["comparison_text"]], keep_with_next = TRUE)
    doc <- docx_table(doc, format(report[["comparison"]]))
  }

  doc <- section(doc, "sensitivity", "Sensitivity to the cut-off")
  doc <- docx_paragraph(doc, report[["sensitivity_text"]], keep_with_next = TRUE)
  if (!is.null(report[["unjudged_text"]])) {
    doc <- docx_paragraph(doc, report[["unjudged_text"]], keep_with_next = TRUE)
  }
  if (length(report[["curves"]])) {
    doc <- figure(doc, function() plot_report_curves(report), report[["curve_plot_height"]])
  }

  doc <- section(doc, "methods", "Methods")
  doc <- docx_paragraph(doc, report[["methods"]][[1L]])
  doc <- docx_paragraph(doc, "References", bold = TRUE)
  for (reference in report[["methods"]][-1L]) {
    doc <- docx_paragraph(doc, reference, indent = TRUE)
  }

  doc <- section(doc, "reproducibility", "Reproducibility")
  doc <- docx_paragraph(doc, sprintf("myelorelief %s, %s, on %s.", report[["version"]],
                                     R.version.string, report[["date"]]))
  doc <- docx_paragraph(doc, "The call:")
  doc <- docx_code(doc, report[["call"]])
  doc <- docx_paragraph(doc, "The rules, as R code that recreates them:")
  doc <- docx_code(doc, report[["rules_code"]])

  docx_drop_stray_text(doc)
  out <- file.path(work, "report.docx")
  print(doc, target = out)
  if (!file.copy(out, file, overwrite = TRUE)) {
    abort(sprintf("could not write `file` \"%s\".", file), sys.call(-1L))
  }
  invisible(normalizePath(file))
}

# Text as Word writes it: a line break in the data is a space (as in the
# HTML), and characters XML cannot hold (C0 controls but tab) are dropped.
docx_text <- function(x) {
  x <- gsub("[\r\n]+", " ", enc2utf8(as.character(x)))
  gsub("[\001-\010\013\014\016-\037]", "", x, perl = TRUE)
}

# The report's title is heading 1, its sections heading 2 and a strata
# subsection heading 3: Word's own heading styles (officer's template names
# them "heading 1" to "heading 3"), so the navigation pane and a table of
# contents find them.
docx_heading <- function(doc, text, level) {
  officer::body_add_par(doc, docx_text(text), style = paste("heading", level))
}

# A paragraph of Normal text. `bold_marks`: the package's own text only
# (the data note), where **x** marks bold; user text is never read so.
# `keep_with_next`: a paragraph that introduces the table or figure after
# it stays on its page (else a figure too tall for the rest of a page left
# its heading and text alone at the foot of the page before).
docx_paragraph <- function(doc, text, bold = FALSE, bold_marks = FALSE,
                           indent = FALSE, keep_with_next = FALSE) {
  text <- docx_text(text)
  runs <- if (bold_marks) strsplit(text, "**", fixed = TRUE)[[1L]] else text
  strong <- if (bold_marks) seq_along(runs) %% 2L == 0L else rep(bold, length(runs))
  pieces <- lapply(seq_along(runs), function(i) {
    officer::ftext(runs[[i]], officer::fp_text(bold = strong[[i]], font.size = 11))
  })
  # (spacing of officer's Normal, so that paragraphs stand apart)
  par <- officer::fp_par(padding.bottom = 6, padding.left = if (indent) 18 else 0,
                         keep_with_next = keep_with_next)
  officer::body_add_fpar(doc, do.call(officer::fpar, c(pieces, list(fp_p = par))))
}

# Code (the rules, the call): one paragraph per line in a fixed-width font,
# its indentation kept.
docx_code <- function(doc, lines) {
  lines <- docx_text(unlist(strsplit(paste(lines, collapse = "\n"), "\n", fixed = TRUE)))
  font <- officer::fp_text(font.family = "Courier New", font.size = 9)
  for (i in seq_along(lines)) {
    par <- officer::fp_par(padding.left = 12,
                           padding.bottom = if (i == length(lines)) 8 else 0,
                           shading.color = "#F4F4F4")
    doc <- officer::body_add_fpar(doc, officer::fpar(officer::ftext(lines[[i]], font),
                                                     fp_p = par))
  }
  doc
}

# A data frame of text (a format() of the package's tables) as a Word table.
docx_table <- function(doc, x) {
  doc <- flextable::body_add_flextable(doc, report_flextable(x), align = "left")
  # a paragraph after each table: two tables in a row would be one in Word
  officer::body_add_fpar(doc, officer::fpar(officer::ftext("", officer::fp_text(font.size = 6))))
}

# The flextable of a data frame of text (that of as_flextable()): 8-point
# type, rules above and below the header and at the foot, within the text
# column of the page.
report_flextable <- function(x, width_mm = docx_figure_mm) {
  ft <- text_flextable(x, fit = FALSE)
  ft <- flextable::theme_booktabs(ft)
  ft <- flextable::font(ft, fontname = "Arial", part = "all")
  ft <- flextable::fontsize(ft, size = 8, part = "all")
  ft <- flextable::bold(ft, part = "header")
  ft <- flextable::padding(ft, padding.top = 1, padding.bottom = 1,
                           padding.left = 3, padding.right = 3, part = "all")
  ft <- flextable::valign(ft, valign = "bottom", part = "header")
  # wider than the text column: the widest columns narrowed, their text
  # wrapped (one type size for every table)
  fit_flextable(ft, width_mm)
}

# Draws a figure into a PNG 170 mm wide at 300 dpi, as tall as the HTML's
# (heights are in inches of a 7-inch-wide figure), and adds it centred.
docx_figure_writer <- function(work) {
  count <- 0L
  function(doc, draw, height_in) {
    count <<- count + 1L
    path <- file.path(work, sprintf("figure-%d.png", count))
    width_mm <- docx_figure_mm
    height_mm <- width_mm * height_in / 7
    grDevices::png(path, width = width_mm, height = height_mm, units = "mm",
                   res = docx_dpi)
    device <- grDevices::dev.cur()
    on.exit(if (device %in% grDevices::dev.list()) grDevices::dev.off(device))
    draw()
    grDevices::dev.off(device)
    officer::body_add_img(doc, src = path, width = width_mm / 25.4,
                          height = height_mm / 25.4, style = "centered")
  }
}

# officer's template numbers its headings ("1.", "1.1.", "1.1.1."): the
# report's sections carry their numbers in the text, as in the HTML, so the
# numbering is taken out of the heading styles of this document's copy of
# the template (its styles.xml, written into the file as it stands).
docx_unnumbered_headings <- function(doc) {
  path <- file.path(doc$package_dir, "word", "styles.xml")
  if (is.null(doc$package_dir) || !file.exists(path)) return(invisible(FALSE))
  styles <- xml2::read_xml(path)
  names <- sprintf("heading %d", 1:3)
  numbering <- xml2::xml_find_all(styles, sprintf(
    "//w:style[w:name[%s]]/w:pPr/w:numPr",
    paste(sprintf("@w:val = '%s'", names), collapse = " or ")), xml2::xml_ns(styles))
  xml2::xml_remove(numbering)
  xml2::write_xml(styles, path)
  invisible(TRUE)
}

# flextable 0.8.4 (Debian 12) writes each row's key ("header1", "body 2")
# as text between a table row's properties and its first cell, which the
# schema of a Word row does not allow (Word may call the file damaged):
# remove text that sits directly in a table row.
docx_drop_stray_text <- function(doc) {
  body <- officer::docx_body_xml(doc)
  stray <- xml2::xml_find_all(body, ".//w:tr/text()", xml2::xml_ns(body))
  xml2::xml_remove(stray)
  invisible(length(stray))
}
