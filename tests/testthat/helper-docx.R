# Reading Word files back, independently of how they were written: unzip,
# parse word/document.xml with xml2, and collect the text of paragraphs,
# headings and table cells as Word would show it.

skip_if_no_docx_tools <- function() {
  skip_if_not_installed("officer")
  skip_if_not_installed("flextable")
  skip_if_not_installed("xml2")
  # writing Word files and PNGs under valgrind takes minutes and tests no C
  # code that the other tests do not
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "Word files under a memory checker")
}

docx_part <- function(path, part = "word/document.xml") {
  folder <- tempfile("docx-")
  on.exit(unlink(folder, recursive = TRUE))
  utils::unzip(path, files = part, exdir = folder)
  paste(readLines(file.path(folder, part), warn = FALSE, encoding = "UTF-8"),
        collapse = "\n")
}

docx_ns <- c(w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main")

# The text of a node: its w:t runs, concatenated, a line break (w:br) read
# as the space it replaced.
docx_node_text <- function(node) {
  runs <- xml2::xml_find_all(node, ".//w:t|.//w:br", docx_ns)
  text <- ifelse(xml2::xml_name(runs) == "br", " ", xml2::xml_text(runs))
  paste(text, collapse = "")
}

# Every table, as a character matrix (the header row first).
docx_tables <- function(xml) {
  doc <- xml2::read_xml(xml)
  lapply(xml2::xml_find_all(doc, "//w:tbl", docx_ns), function(table) {
    rows <- xml2::xml_find_all(table, "./w:tr", docx_ns)
    cells <- lapply(rows, function(row) {
      vapply(xml2::xml_find_all(row, "./w:tc", docx_ns), docx_node_text, character(1))
    })
    do.call(rbind, cells)
  })
}

# The body's paragraphs outside tables: their text and style id.
docx_paragraphs <- function(xml) {
  doc <- xml2::read_xml(xml)
  paragraphs <- xml2::xml_find_all(doc, "/w:document/w:body/w:p", docx_ns)
  style <- vapply(paragraphs, function(p) {
    s <- xml2::xml_find_first(p, "./w:pPr/w:pStyle", docx_ns)
    if (inherits(s, "xml_missing")) "" else xml2::xml_attr(s, "val")
  }, character(1))
  data.frame(text = vapply(paragraphs, docx_node_text, character(1)), style = style,
             stringsAsFactors = FALSE)
}

# Style id -> style name ("Titre1" -> "heading 1"), from styles.xml.
docx_style_names <- function(path) {
  styles <- xml2::read_xml(docx_part(path, "word/styles.xml"))
  nodes <- xml2::xml_find_all(styles, "//w:style", docx_ns)
  stats::setNames(
    vapply(nodes, function(n) {
      xml2::xml_attr(xml2::xml_find_first(n, "./w:name", docx_ns), "val")
    }, character(1)),
    xml2::xml_attr(nodes, "styleId"))
}

# The cell text of a flextable as Word shows it: saved with flextable's own
# save_as_docx() and read back.
flextable_text <- function(ft) {
  path <- tempfile(fileext = ".docx")
  on.exit(unlink(path))
  flextable::save_as_docx(ft, path = path)
  docx_tables(docx_part(path))[[1L]]
}

# A data frame of text as the matrix of a table: its names, then its rows.
as_table_text <- function(x) {
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  unname(rbind(names(x), as.matrix(x)))
}
