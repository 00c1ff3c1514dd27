# The forest plot at journal sizes: text readable at print size, rows no
# taller than the text needs, squares and diamonds in proportion to a row.

# What the forest plot drew on a PNG device: the size in points of every
# text() string, the height in inches of a row (one user unit), of the
# diamonds (polygons) and of the squares (rects); read from the display list.
forest_geometry <- function(x, width, height, units = "px", res = 96, ...) {
  file <- tempfile(fileext = ".png")
  grDevices::png(file, width = width, height = height, units = units, res = res)
  on.exit(unlink(file))
  grDevices::dev.control("enable")
  plot(x, ...)
  entries <- grDevices::recordPlot()[[1L]]
  ps <- graphics::par("ps")
  csi <- graphics::par("csi")
  din <- graphics::par("din")
  grDevices::dev.off()
  # a row's height: the plot region's (the device less the margins the plot
  # set) over the rows of its y range
  calls <- lapply(entries, function(entry) as.list(entry[[2L]]))
  names <- vapply(calls, function(args) args[[1L]]$name, character(1))
  mar <- calls[[which(names == "C_par")[1L]]][[2L]]$mar
  ylim <- calls[[which(names == "C_plot_window")[1L]]][[3L]]
  row <- (din[2L] - sum(mar[c(1L, 3L)]) * csi) / diff(ylim)
  points <- diamonds <- squares <- numeric()
  for (args in calls) {
    name <- args[[1L]]$name
    args <- args[-1L]
    if (identical(name, "C_text") && is.character(args[[2L]])) {
      points <- c(points, (if (is.numeric(args[[7L]])) args[[7L]] else 1) * ps)
    } else if (identical(name, "C_polygon")) {
      diamonds <- c(diamonds, diff(range(args[[2L]])) * row)
    } else if (identical(name, "C_rect")) {
      squares <- c(squares, abs(args[[4L]] - args[[2L]]) * row)
    }
  }
  list(points = points, row = row, diamonds = diamonds, squares = squares,
       width = din[1L])
}

test_that("the forest plot's text reads 9 points at print size, its diamonds fit its rows", {
  cohort <- classify_cohort(myelography)
  cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")), "sex",
                       strata = "hospital")
  column <- 170 / 25.4
  sizes <- list("900 x 700 px" = list(900, 700, "px", 96),
                "85 mm" = list(85, 70, "mm", 300),
                "170 mm" = list(170, 120, "mm", 300))
  for (size in names(sizes)) {
    s <- sizes[[size]]
    g <- forest_geometry(cmp, s[[1L]], s[[2L]], s[[3L]], s[[4L]])
    # the size the text has once the figure is printed at most 170 mm wide
    printed <- g$points * min(1, column / g$width)
    expect_true(all(printed >= 7 - 1e-6), info = size)
    # (one column, 85 mm, is narrow: the text shrinks towards 7 points there)
    if (size != "85 mm") expect_gte(stats::median(printed), 8.5)
    expect_lte(max(printed), 12)                       # the title too
    text_inches <- stats::median(g$points) / 72
    # a row at most 2.2 lines of text (plus rounding), a diamond half a row
    expect_lte(g$row, 2.3 * text_inches)
    expect_length(g$diamonds, 2L)                       # Mantel-Haenszel, crude
    expect_true(all(abs(g$diamonds - 0.5 * g$row) < 1e-6), info = size)
    expect_true(all(g$squares <= 0.55 * g$row + 1e-6 & g$squares >= 0.2 * g$row - 1e-6),
                info = size)
  }
  # a given cex is kept
  g <- forest_geometry(cmp, 900, 700, cex = 0.8)
  expect_equal(stats::median(g$points), 0.8 * 12)
  expect_error(plot(cmp, cex = "big"), "`cex`", class = "myelorelief_error")
})
