# Labels from the data in the plots: any length, any characters, at a
# journal's one-column (85 mm) and two-column (170 mm) widths and at the
# default pdf() and png() sizes: never an error, never text past the edge
# of the figure.

hostile_labels <- c(
  "Zürich – Universitätsspital, Klinik für Neurochirurgie A",
  "<b>bold</b> & *x* -- \"quoted\" 'single' 100%",
  strrep("x", 60),
  "Zürich – Universitätsspital, Klinik für Neurochirurgie B")

# pdf()'s Latin-1 fonts have no en dash: its conversion warnings are the
# device's, not the package's
quiet_device <- function(expr) {
  withCallingHandlers(expr, warning = function(w) {
    if (grepl("conversion failure|font metrics unknown", conditionMessage(w))) {
      invokeRestart("muffleWarning")
    }
  })
}

devices <- list(
  "pdf 85 mm" = function(f) grDevices::pdf(f, width = 85 / 25.4, height = 4),
  "pdf 170 mm" = function(f) grDevices::pdf(f, width = 170 / 25.4, height = 5),
  "pdf default" = function(f) grDevices::pdf(f),
  "png 480" = function(f) grDevices::png(f, width = 480, height = 480),
  "png 85 mm" = function(f) grDevices::png(f, width = 85, height = 80, units = "mm",
                                           res = 150))

# Every string the plot drew (text(), mtext(), title(), legend()), read back
# from the device's display list, with its width in inches at the size it
# was drawn; NA where it cannot be told.
drawn_text <- function() {
  calls <- grDevices::recordPlot()[[1L]]
  out <- list()
  for (entry in calls) {
    args <- as.list(entry[[2L]])
    name <- args[[1L]]$name
    args <- args[-1L]
    if (identical(name, "C_mtext")) {
      out[[length(out) + 1L]] <- data.frame(
        what = "mtext", text = as.character(args[[1L]]),
        cex = if (is.numeric(args[[8L]])) args[[8L]] else graphics::par("cex"),
        font = if (is.numeric(args[[10L]]) && !is.na(args[[10L]][1L])) args[[10L]][1L] else 1,
        stringsAsFactors = FALSE)
    } else if (identical(name, "C_text")) {
      labels <- args[[2L]]
      if (!is.character(labels)) next
      cex <- if (is.numeric(args[[7L]])) args[[7L]] else 1
      out[[length(out) + 1L]] <- data.frame(
        what = "text", text = labels, cex = cex * graphics::par("cex"),
        font = if (is.numeric(args[[9L]]) && !is.na(args[[9L]][1L])) args[[9L]][1L] else 1,
        stringsAsFactors = FALSE)
    } else if (identical(name, "C_title")) {
      main <- args[[1L]]
      if (is.character(main)) {
        out[[length(out) + 1L]] <- data.frame(what = "main", text = main,
                                              cex = graphics::par("cex.main") * graphics::par("cex"),
                                              font = 2, stringsAsFactors = FALSE)
      }
      for (lab in args[3:4]) if (is.character(lab)) {
        out[[length(out) + 1L]] <- data.frame(what = "label", text = lab,
                                              cex = graphics::par("cex"), font = 1,
                                              stringsAsFactors = FALSE)
      }
    }
  }
  out <- do.call(rbind, out)
  if (is.null(out)) return(data.frame(what = character(), text = character(), inches = numeric()))
  out <- out[!is.na(out$text) & nzchar(out$text), , drop = FALSE]
  out$inches <- mapply(function(text, cex, font) {
    max(graphics::strwidth(strsplit(text, "\n", fixed = TRUE)[[1L]], units = "inches",
                           cex = cex / graphics::par("cex"), font = font))
  }, out$text, out$cex, out$font)
  out
}

# Draws `plot_call` on every device; no error, and every string drawn no
# wider than the device (nor than `limit` inches when given).
expect_fits_every_device <- function(plot_call, label) {
  for (device in names(devices)) {
    file <- tempfile(fileext = if (grepl("pdf", device)) ".pdf" else ".png")
    devices[[device]](file)
    grDevices::dev.control("enable")
    info <- paste(label, "on", device)
    drawn <- tryCatch({
      quiet_device(plot_call())
      quiet_device(drawn_text())
    }, error = function(e) e, finally = NULL)
    width <- graphics::par("din")[1L]
    grDevices::dev.off()
    unlink(file)
    expect_false(inherits(drawn, "error"),
                 info = paste(info, if (inherits(drawn, "error")) conditionMessage(drawn)))
    if (inherits(drawn, "error")) next
    wide <- drawn$text[drawn$inches > width]
    expect_identical(wide, character(), info = info)
  }
}

trial_data <- function(groups, strata, n = 400, seed = 1) {
  set.seed(seed)
  data.frame(arm = sample(groups, n, TRUE), centre = sample(strata, n, TRUE),
             pain_pre = 6, pain_post = sample(0:8, n, TRUE))
}

hostile_rule <- list(pain = alleviation_rule(
  min_change = 3, range = c(0, 10),
  label = "Pain <b>*score*</b> -- \"NRS\" 100% Zürich – Universitätsspital"))

test_that("fit_labels() shortens only what is too wide and keeps labels distinct", {
  grDevices::png(tempfile(fileext = ".png"))
  on.exit(grDevices::dev.off())
  graphics::plot.new()
  short <- c("A", "Bern", "*x*")
  expect_identical(fit_labels(short, 1), short)
  out <- fit_labels(hostile_labels, 1.2, cex = 0.8)
  expect_true(all(text_inches(out, 0.8) <= 1.2))
  expect_false(anyDuplicated(out) > 0)                # the two Zürich clinics
  expect_match(out[1L], "^Z.*A$")
  expect_match(out[4L], "^Z.*B$")
  expect_match(out[2L], "^<b>bold", fixed = FALSE)
  expect_true(all(grepl("...", out, fixed = TRUE)))
  # indentation kept; duplicated input may stay duplicated
  expect_match(fit_labels(paste0("  ", strrep("y", 60)), 1), "^  y+\\.\\.\\.$")
  expect_identical(fit_labels(c("same", "same"), 1), c("same", "same"))
  expect_identical(fit_labels(c(NA, "a"), 1), c("NA", "a"))
  expect_identical(fit_labels(character(), 1), character())
  # labels alike but for the middle
  alike <- paste0(strrep("a", 30), c("1", "2"), strrep("b", 30))
  expect_false(anyDuplicated(fit_labels(alike, 1)) > 0)
  lines <- wrap_to_width(paste(hostile_labels, collapse = " "), 2, 1, 2, max_lines = 3)
  expect_lte(length(lines), 3L)
  expect_true(all(text_inches(lines, 1, 2) <= 2))
  expect_identical(wrap_to_width("short", 2), "short")
})

test_that("the forest plot fits long and hostile labels at journal widths", {
  d <- trial_data(c("Standard care at the Kantonsspital (reference arm)",
                    "Experimental <b>*x*</b> -- 100% \"new\" Zürich – Universitätsspital"),
                  hostile_labels)
  cohort <- classify_cohort(d, hostile_rule)
  cmp <- compare_rates(tabulate_cohort(cohort, by = c("arm", "centre")), "arm",
                       strata = "centre")
  for (measure in c("rd", "or")) {
    expect_fits_every_device(function() plot(cmp, measure = measure),
                             paste("forest", measure))
  }
  crude <- compare_rates(tabulate_cohort(cohort, by = "centre"), "centre")
  expect_fits_every_device(function() plot(crude), "forest, strata as groups")
  expect_fits_every_device(function() plot(cmp, main = strrep("Title ", 30)), "forest, long title")
})

test_that("the rate plot fits long and hostile stratum labels", {
  d <- trial_data("a", hostile_labels)
  tab <- tabulate_cohort(classify_cohort(d, hostile_rule), by = "centre")
  expect_fits_every_device(function() plot(tab), "table by centre")
  names(d)[names(d) == "centre"] <- "Hospital <i>name</i> as recorded in the registry"
  tab <- tabulate_cohort(classify_cohort(d, hostile_rule),
                         by = "Hospital <i>name</i> as recorded in the registry")
  expect_fits_every_device(function() plot(tab), "table, long stratum name")
})

test_that("the cut-off curve wraps a long rule label into its title", {
  d <- trial_data("a", "b")
  curve <- alleviation_curve(d$pain_pre, d$pain_post, hostile_rule$pain,
                             vary = "min_change")
  expect_fits_every_device(function() plot(curve), "curve")
  expect_fits_every_device(function() {
    graphics::par(mfrow = c(2, 2))
    for (i in 1:4) plot(curve)
  }, "curves in a grid")
})

test_that("durability plots fit long symptom and visit labels", {
  visits <- c("after myelography", "Follow-up at twelve months <b>(telephone)</b>", "m1")
  set.seed(3)
  n <- 60
  d <- data.frame(id = seq_len(n), pain_pre = sample(4:10, n, TRUE),
                  numb_pre = sample(4:10, n, TRUE), check.names = FALSE)
  for (v in visits) {
    d[[paste0("pain_", v)]] <- sample(0:10, n, TRUE)
    d[[paste0("numb_", v)]] <- sample(0:10, n, TRUE)
  }
  rules <- list(pain = hostile_rule$pain,
                numb = alleviation_rule(min_change = 3, range = c(0, 10),
                                        label = paste("Numbness", hostile_labels[1])))
  dur <- durability(classify_visits(d, rules, visits = visits, id = "id"))
  expect_fits_every_device(function() plot(dur), "durability rates")
  expect_fits_every_device(function() plot(dur, which = "transitions"), "transitions")
  expect_fits_every_device(function() plot(dur, which = "transitions", symptoms = "pain"),
                           "transitions, one symptom")
})

test_that("the MCID plot fits long anchor categories", {
  set.seed(5)
  levels <- c(hostile_labels, "no change -- at all", "a little better *really*")
  n <- 300
  anchor <- factor(sample(levels, n, TRUE), levels = levels)
  pre <- sample(5:10, n, TRUE)
  post <- pmax(0, pre - sample(0:6, n, TRUE))
  m <- estimate_mcid(pre, post, anchor, method = "mean_change",
                     minimal = "a little better *really*")
  expect_fits_every_device(function() plot(m), "mcid mean change")
  m <- estimate_mcid(pre, post, anchor, improved = levels[1:2], boot = 0)
  expect_fits_every_device(function() plot(m, main = strrep("long title ", 12)), "mcid roc")
})

test_that("short labels are drawn in full, at full size, with the counts", {
  cohort <- classify_cohort(myelography)
  cmp <- compare_rates(tabulate_cohort(cohort, by = c("sex", "hospital")), "sex",
                       strata = "hospital")
  for (device in c("pdf default", "png 480")) {
    file <- tempfile()
    devices[[device]](file)
    grDevices::dev.control("enable")
    plot(cmp)
    drawn <- drawn_text()
    width <- graphics::par("din")[1L]
    grDevices::dev.off()
    unlink(file)
    counts <- drawn[drawn$text == "17/179", , drop = FALSE]
    expect_identical(nrow(counts), 2L, info = device)        # pooled and crude
    # 9 points at print size (printed no wider than 170 mm), not shrunk
    expect_equal(unique(counts$cex), 9 * max(1, width / (170 / 25.4)) / 12,
                 info = device)
    expect_true(all(c("A", "D", "Mantel-Haenszel", "male", "female") %in%
                      trimws(drawn$text)), info = device)
    expect_false(any(grepl("...", drawn$text, fixed = TRUE)), info = device)
  }
})
