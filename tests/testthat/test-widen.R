long <- data.frame(
  patient = c(1, 1, 1, 1, 2, 2, 3, 3),
  measure = c("lbp", "lbp", "leg_pain", "leg_pain", "lbp", "lbp", "leg_pain", "leg_pain"),
  when = c("pre", "post", "post", "pre", "post", "pre", "pre", "post"),
  score = c(7, 3, 5, 6, 6, 6, NA, 2))

test_that("long data become one row per patient with paired columns", {
  wide <- widen_measurements(long, id = "patient", symptom = "measure",
                             time = "when", value = "score")
  expect_named(wide, c("patient", "lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post"))
  expect_identical(wide$patient, c(1, 2, 3))
  expect_identical(wide$lbp_pre, c(7, 6, NA))
  expect_identical(wide$lbp_post, c(3, 6, NA))
  expect_identical(wide$leg_pain_pre, c(6, NA, NA))
  expect_identical(wide$leg_pain_post, c(5, NA, 2))
  cohort <- classify_cohort(wide, study_rules()[c("lbp", "leg_pain")], id = "patient")
  expect_identical(as.character(cohort$lbp), c("alleviated", "unchanged", NA))
})

test_that("the values of the time column can be chosen", {
  l <- data.frame(id = c("x", "x"), symptom = "lbp", time = c("baseline", "day 1"),
                  value = c(8L, 2L))
  wide <- widen_measurements(l, pre = "baseline", post = "day 1")
  expect_identical(wide$lbp_pre, 8L)
  expect_identical(wide$lbp_post, 2L)
})

test_that("duplicated, unpaired and unknown rows are refused", {
  expect_error(widen_measurements(rbind(long, long[1, ]), "patient", "measure", "when", "score"),
               "more than one row for patient = 1, measure = \"lbp\", when = \"pre\" \\(rows 1, 9\\)")
  expect_error(widen_measurements(long[-1, ], "patient", "measure", "when", "score",
                                  unpaired = "error"),
               "no \"pre\" row for patient = 1, measure = \"lbp\".*; 1 patient and symptom lacks a time point")
  expect_error(widen_measurements(long[-c(1, 3), ], "patient", "measure", "when", "score",
                                  unpaired = "error"),
               "; 2 patients and symptoms lack a time point")
  odd <- long
  odd$when[3] <- "later"
  expect_error(widen_measurements(odd, "patient", "measure", "when", "score"),
               "`long\\$when` has the time point \"later\" \\(row 3\\), which is neither `pre` \\(\"pre\"\\) nor `post` \\(\"post\"\\); name every time point of the data in `pre =`")
  odd <- long
  odd$patient[2] <- NA
  expect_error(widen_measurements(odd, "patient", "measure", "when", "score"),
               "`long\\$patient` is missing \\(NA\\) at row 2")
})

test_that("bad arguments are errors naming them", {
  expect_error(widen_measurements(1:3), "`long` must be a data frame")
  expect_error(widen_measurements(long, id = "pid"), "`id` names a column not found in `long`")
  expect_error(widen_measurements(long, "patient", symptom = 2), "`symptom`")
  expect_error(widen_measurements(long, "patient", "measure", time = c("a", "b")), "`time`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "value"), "`value`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score", pre = NA), "`pre`")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score", pre = "x", post = "x"),
               "`pre` and `post` must differ")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score",
                                  post = c("a", "a")), "`post` must not repeat")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score", post = NA),
               "`post` must be one or more values")
  expect_error(widen_measurements(long, "patient", "measure", "when", "score",
                                  unpaired = "drop"), "`unpaired` must be one of")
  expect_error(widen_measurements(long, "Patient"), "Did you mean \"patient\"\\?")
  expect_error(widen_measurements(long, "patient", "Measure"), "Did you mean \"measure\"\\?")
  text <- long
  text$score <- as.character(text$score)
  expect_error(widen_measurements(text, "patient", "measure", "when", "score"),
               "`long\\$score` must be a numeric vector")
})

test_that("unpaired rows are kept as NA by default, no patient dropped", {
  wide <- widen_measurements(long[-c(1, 3), ], "patient", "measure", "when", "score")
  expect_identical(wide$patient, c(1, 2, 3))
  expect_identical(wide$lbp_pre, c(NA, 6, NA))
  expect_identical(wide$lbp_post, c(3, 6, NA))
  expect_identical(wide$leg_pain_pre, c(6, NA, NA))
  expect_identical(wide$leg_pain_post, c(NA, NA, 2))
})

test_that("several visits: one column per visit, in visit order, whatever the row order", {
  visits <- c("day1", "week1", "month1")
  for (seed in seq_len(n_cases(20))) {
    set.seed(seed)
    n <- sample(1:30, 1)
    full <- expand.grid(time = c("pre", visits), symptom = c("lbp", "numbness"),
                        id = sprintf("p%02d", seq_len(n)), stringsAsFactors = FALSE)
    full$value <- sample(0:10, nrow(full), replace = TRUE)
    full$site <- c("A", "B", "C")[match(full$id, unique(full$id)) %% 3 + 1]
    l <- full[runif(nrow(full)) < 0.8, ]          # missing visits
    l <- l[sample(nrow(l)), ]                     # rows out of order
    l$site[runif(nrow(l)) < 0.2] <- NA            # site recorded on some rows only
    wide <- widen_measurements(l, post = visits)
    info <- paste("seed", seed)
    expect_identical(names(wide),
                     c("id", if (any(!is.na(l$site))) "site",
                       paste0(rep(unique(l$symptom), each = 4), "_", c("pre", visits))),
                     info = info)
    expect_setequal(wide$id, unique(l$id))
    # every value lands in its own cell (the oracle: a loop over rows)
    for (r in seq_len(nrow(l))) {
      expect_identical(wide[[paste0(l$symptom[r], "_", l$time[r])]][wide$id == l$id[r]],
                       l$value[r], info = paste(info, "row", r))
    }
    # cells without a row are NA
    measured <- setdiff(names(wide), c("id", "site"))
    expect_identical(sum(!is.na(unlist(wide[measured]))), nrow(l), info = info)
    # the site: one value per patient, the known one
    if ("site" %in% names(wide)) {
      known <- l[!is.na(l$site), ]
      expect_identical(wide$site[match(known$id, wide$id)], known$site, info = info)
    }
  }
})

test_that("patient-level columns are kept, varying ones dropped with a message", {
  l <- data.frame(id = c(1, 1, 2, 2), site = factor(c("A", "A", "B", "B")),
                  day = as.Date("2020-01-01") + 0:3, symptom = "lbp",
                  time = c("pre", "post", "pre", "post"), value = c(8, 2, 5, 5))
  expect_message(wide <- widen_measurements(l),
                 "Dropped a column that varies within a patient \\(not patient-level\\): \"day\" \\(first at id = 1\\)")
  expect_identical(wide$site, factor(c("A", "B")))
  expect_named(wide, c("id", "site", "lbp_pre", "lbp_post"))
  expect_identical(classify_cohort(wide, study_rules()["lbp"], id = "id")$site,
                   factor(c("A", "B")))
  l$day <- NULL
  expect_silent(widen_measurements(l))
})

test_that("several visits feed classify_visits(), and single visits keep _pre/_post", {
  l <- data.frame(id = c(1, 1, 1, 2, 2), symptom = "lbp",
                  time = c("w1", "base", "d1", "d1", "base"), value = c(6, 8, 3, 5, 6))
  wide <- widen_measurements(l, pre = "base", post = c("d1", "w1"))
  expect_named(wide, c("id", "lbp_base", "lbp_d1", "lbp_w1"))
  v <- classify_visits(wide, study_rules()["lbp"], visits = c("d1", "w1"),
                       baseline = "base", id = "id")
  expect_identical(as.character(v$lbp), c("alleviated", "unchanged", "unchanged", NA))
  expect_error(widen_measurements(l, pre = "base", post = "d1"),
               "time point \"w1\" \\(row 1\\).*`post` \\(\"d1\"\\)")
})

test_that("ids: a duplicated (id, symptom, time) is named with all its rows; missing ids with their row", {
  dup <- rbind(long, long[c(1, 5), ])
  expect_error(widen_measurements(dup, "patient", "measure", "when", "score"),
               "`long` has more than one row for patient = 1, measure = \"lbp\", when = \"pre\" \\(rows 1, 9\\)",
               class = "myelorelief_error")
  # several visits: the duplicated visit
  v <- data.frame(id = c("a", "a", "a", "b", "a"), symptom = "lbp",
                  time = c("pre", "day1", "week1", "pre", "day1"), value = c(8, 3, 4, 6, 5))
  expect_error(widen_measurements(v, post = c("day1", "week1")),
               "more than one row for id = \"a\", symptom = \"lbp\", time = \"day1\" \\(rows 2, 5\\)")
  na <- long
  na$patient[6] <- NA
  expect_error(widen_measurements(na, "patient", "measure", "when", "score"),
               "`long\\$patient` is missing \\(NA\\) at row 6", class = "myelorelief_error")
  blank <- v[1:4, ]
  blank$id[4] <- ""
  expect_error(widen_measurements(blank, post = c("day1", "week1")),
               "`long\\$id` is blank \\(\"\"\\) at row 4")
  nosym <- long
  nosym$measure[2] <- NA
  expect_error(widen_measurements(nosym, "patient", "measure", "when", "score"),
               "`long\\$measure` is missing \\(NA\\) at row 2")
})
