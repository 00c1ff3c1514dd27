# plot() of a cohort: the patient flow. Its counts must be the table's, and
# it must fit journal widths with labels of any length.

flow_device <- function(width_mm, height_mm) {
  file <- tempfile(fileext = ".png")
  grDevices::png(file, width = width_mm, height = height_mm, units = "mm", res = 150)
  file
}

# A random cohort: a few hundred patients, values missing at either time,
# symptoms absent at baseline (0), a group with NA and an empty level.
random_flow_data <- function(seed) {
  set.seed(seed)
  n <- sample(c(0:3, 20, 400), 1L)
  value <- function() {
    v <- sample(c(0:10, NA), n, TRUE, prob = c(3, rep(1, 10), 1.5))
    as.numeric(v)
  }
  data.frame(
    arm = factor(sample(c("a", "b", NA), n, TRUE), levels = c("a", "b", "empty")),
    centre = sample(c("X", "Y"), n, TRUE),
    lbp_pre = value(), lbp_post = value(),
    leg_pain_pre = value(), leg_pain_post = value(),
    stringsAsFactors = FALSE)
}

test_that("the flow's counts are tabulate_cohort()'s, over random cohorts", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  for (seed in seq_len(n_cases(25))) {
    d <- random_flow_data(seed)
    cohort <- classify_cohort(d, rules)
    group <- if (seed %% 2L) "arm" else "centre"
    # (a PDF device that writes no file: the same layout, faster)
    grDevices::pdf(NULL, width = 250 / 25.4, height = 420 / 25.4)
    boxes <- plot(cohort, symptom = c("lbp", "leg_pain", "any"), group = group,
                  data = d)
    grDevices::dev.off()
    tab <- as.data.frame(tabulate_cohort(cohort, by = group, margins = FALSE))
    for (i in seq_len(nrow(tab))) {
      level <- as.character(tab[[group]][i])
      s <- as.character(tab$symptom[i])
      info <- sprintf("seed %d, n %d, %s, %s = %s", seed, nrow(d), s, group, level)
      here <- boxes[boxes$symptom == s & (boxes$group %in% level), ]
      got <- stats::setNames(here$n, here$box)
      if (tab$n[i] == 0 && !nrow(here)) next   # an empty level has no patients
      expect_equal(unname(got[c("enrolled", "missing", "absent", "analysed")]),
                   c(tab$n[i], tab$missing[i], tab$absent[i], tab$evaluable[i]),
                   info = info)
      expect_equal(unname(got[["recorded"]]), tab$n[i] - tab$missing[i], info = info)
      expect_equal(here$alleviated[here$box == "analysed"], tab$alleviated[i],
                   info = info)
      # the drawn text carries the same numbers
      expect_match(here$text[here$box == "analysed"],
                   sprintf("Analysed: %s", format(tab$evaluable[i], big.mark = ",")),
                   fixed = TRUE, info = info)
      # the split of the missing, from the data (an oracle of its own)
      if (s != "any") {
        in_level <- if (is.na(level)) is.na(d[[group]]) else d[[group]] %in% level
        pre <- d[[paste0(s, "_pre")]]
        post <- d[[paste0(s, "_post")]]
        missing <- here[here$box == "missing", ]
        expect_equal(missing$missing_baseline, sum(in_level & is.na(pre)), info = info)
        expect_equal(missing$missing_followup, sum(in_level & !is.na(pre) & is.na(post)),
                     info = info)
      }
    }
  }
})

test_that("without group, one flow per symptom of the rules", {
  cohort <- classify_cohort(myelography)
  file <- flow_device(170, 180)
  on.exit(unlink(file))
  boxes <- plot(cohort)
  grDevices::dev.off()
  expect_identical(unique(boxes$symptom), names(study_rules()))
  expect_true(all(is.na(boxes$group)))
  lbp <- boxes[boxes$symptom == "lbp", ]
  # the synthetic cohort: 325 patients, 26 with lower back pain alleviated
  expect_equal(lbp$n[lbp$box == "enrolled"], 325)
  expect_equal(lbp$alleviated[lbp$box == "analysed"], 26)
  expect_true(all(is.na(lbp$missing_baseline)))
})

label_rules <- list(pain = alleviation_rule(
  min_change = 3, range = c(0, 10),
  label = "Pain <b>*score*</b> -- \"NRS\" 100% Zürich – Universitätsspital, Klinik für Neurochirurgie"))

test_that("the flow fits 85 mm and 170 mm with long labels: boxes inside, text inside its box", {
  set.seed(7)
  d <- data.frame(
    arm = sample(c(strrep("x", 60), "<b>Standard</b> *care* -- 100% \"Zürich\""), 300, TRUE),
    pain_pre = sample(c(0:10, NA), 300, TRUE), pain_post = sample(c(0:10, NA), 300, TRUE))
  cohort <- classify_cohort(d, label_rules)
  for (width in c(85, 170)) {
    for (height in c(130, 200)) {
      info <- sprintf("%d x %d mm", width, height)
      file <- flow_device(width, height)
      boxes <- plot(cohort, group = "arm")
      din <- graphics::par("din")
      points <- attr(boxes, "points")
      lines <- strsplit(boxes$text, "\n", fixed = TRUE)
      text_width <- vapply(lines, function(l) {
        max(graphics::strwidth(l, units = "inches", cex = points / graphics::par("ps")))
      }, numeric(1))
      grDevices::dev.off()
      unlink(file)
      expect_gte(points, 7 - 1e-9)
      expect_true(all(boxes$x0 >= 0 & boxes$x1 <= din[1] + 1e-9 &
                        boxes$y0 >= -1e-9 & boxes$y1 <= din[2] + 1e-9), info = info)
      expect_true(all(text_width <= boxes$x1 - boxes$x0), info = info)
      # no two boxes overlap
      for (i in seq_len(nrow(boxes))) for (j in seq_len(nrow(boxes))) if (i < j) {
        apart <- boxes$x1[i] <= boxes$x0[j] || boxes$x1[j] <= boxes$x0[i] ||
          boxes$y1[i] <= boxes$y0[j] || boxes$y1[j] <= boxes$y0[i]
        expect_true(apart, info = paste(info, i, j))
      }
    }
  }
})

test_that("plot() of a cohort refuses bad arguments, naming them", {
  cohort <- classify_cohort(myelography)
  file <- flow_device(100, 100)
  on.exit({grDevices::dev.off(); unlink(file)})
  expect_error(plot(cohort, symptom = "pain"), "`symptom` must name symptoms of `x`",
               class = "myelorelief_error")
  expect_error(plot(cohort, symptom = c("lbp", "lbp")), "`symptom`",
               class = "myelorelief_error")
  expect_error(plot(cohort, symptom = NA_character_), "`symptom`",
               class = "myelorelief_error")
  expect_error(plot(cohort, group = "sexx"), "`group` names a column not found in `x`.*sex",
               class = "myelorelief_error")
  expect_error(plot(cohort, group = c("sex", "hospital")), "`group` must be NULL",
               class = "myelorelief_error")
  expect_error(plot(cohort, group = "lbp"), "`group` must be a column of the patients",
               class = "myelorelief_error")
  expect_error(plot(cohort, data = myelography[rev(seq_len(325)), ]), "`data` is not aligned",
               class = "myelorelief_error")
  expect_error(plot(cohort, main = "x"), "not `main`", class = "myelorelief_error")
  expect_error(plot(cohort, "lbp", NULL, NULL, 3), "not an unnamed argument",
               class = "myelorelief_error")
  # a device too small for the flows asked for: said, not drawn over
  grDevices::dev.off()
  grDevices::png(file, width = 85, height = 40, units = "mm", res = 150)
  expect_error(plot(cohort), "The device is too small for 4 flows.*taller",
               class = "myelorelief_error")
})

test_that("the report shows the patient flow in its Patients section", {
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "report rendering under a memory checker")
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path))
  alleviation_report(myelography, file = path)
  html <- paste(readLines(path, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
  patients <- regmatches(html, regexpr("(?s)<h2>1\\. Patients</h2>.*?<h2>2\\.", html, perl = TRUE))
  expect_match(patients, "Patient flow", fixed = TRUE)
  expect_match(patients, "<img src=\"data:image/png;base64,[^\"]+\" alt=\"Patient flow\"")
})

test_that("a group of numbers or text has tabulate_cohort()'s groups and labels", {
  d <- data.frame(pain_pre = c(5, 6, 7, 8, 5, 6), pain_post = c(1, 6, 2, 8, 5, 1),
                  dose = c(0.1, 0.1, 0.3, 0.1 + 0.2, 0.3, 0.1 + 0.2),
                  site = c("a", "bb", "a", "bb", "a", NA))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  cohort <- classify_cohort(d, rules)
  for (group in c("dose", "site")) {
    grDevices::pdf(NULL, width = 250 / 25.4, height = 420 / 25.4)
    boxes <- plot(cohort, group = group)
    grDevices::dev.off()
    tab <- as.data.frame(tabulate_cohort(cohort, by = group, margins = FALSE))
    enrolled <- boxes[boxes$box == "enrolled" & boxes$symptom == "pain", ]
    # 0.3 and 0.1 + 0.2 are two groups of 2 (the flow merged them into one
    # of 4), and "a" is not padded to "a " beside "bb"
    expect_identical(enrolled$group, as.character(tab[[group]]), info = group)
    expect_equal(enrolled$n, tab$n, info = group)
  }
})
