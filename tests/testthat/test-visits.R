visit_names <- c("day1", "week1", "month1")

random_visits <- function(n, seed, n_visits = 3L) {
  set.seed(seed)
  score <- function() {
    x <- sample(0:10, n, replace = TRUE)
    x[runif(n) < 0.15] <- NA
    x
  }
  d <- data.frame(id = sprintf("p%04d", sample.int(10 * n + 10, n)),
                  site = sample(c("A", "B", NA), n, replace = TRUE))
  for (s in c("lbp", "leg_pain")) {
    d[[paste0(s, "_pre")]] <- score()
    for (v in visit_names[seq_len(n_visits)]) d[[paste0(s, "_", v)]] <- score()
  }
  d
}

test_that("each visit is classified against the baseline as classify_alleviation() does", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  for (seed in seq_len(n_cases(10))) {
    d <- random_visits(sample(0:200, 1), seed)
    v <- classify_visits(d, rules, visits = visit_names, id = "id")
    expect_s3_class(v, c("myelo_visits", "myelo_cohort", "data.frame"))
    expect_identical(nrow(v), 3L * nrow(d), info = seed)
    expect_identical(levels(v$visit), visit_names)
    for (k in seq_along(visit_names)) {
      rows <- v$visit == visit_names[k]
      expect_identical(v$id[rows], d$id, info = seed)
      expect_identical(v$site[rows], d$site, info = seed)
      for (s in names(rules)) {
        expect_identical(
          v[[s]][rows],
          classify_alleviation(d[[paste0(s, "_pre")]],
                               d[[paste0(s, "_", visit_names[k])]], rules[[s]]),
          info = paste(seed, s, k))
      }
      one <- classify_cohort(d[c("id", paste0(names(rules), "_pre"),
                                 paste0(names(rules), "_", visit_names[k]))],
                             rules, id = "id",
                             post = stats::setNames(paste0(names(rules), "_", visit_names[k]),
                                                    names(rules)))
      expect_identical(v$any_alleviated[rows], one$any_alleviated, info = seed)
      expect_identical(v$patient_class[rows], one$patient_class, info = seed)
      expect_identical(v$primary_symptom[rows], one$primary_symptom, info = seed)
    }
  }
})

test_that("tabulate_cohort(by = \"visit\") counts each visit, and chunks combine", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  for (seed in seq_len(n_cases(10))) {
    d <- random_visits(sample(1:300, 1), seed)
    v <- classify_visits(d, rules, visits = visit_names, id = "id")
    tab <- tabulate_cohort(v, by = c("visit", "site"))
    oracle <- oracle_tabulate(v, list(visit = v$visit, site = v$site))
    expect_same_cells(tab, oracle, info = paste("seed", seed))
    # chunks of patients, some empty
    chunk <- sample(1:4, nrow(d), replace = TRUE)
    tables <- lapply(1:4, function(k) {
      tabulate_cohort(classify_visits(d[chunk == k, , drop = FALSE], rules,
                                      visits = visit_names, id = "id"),
                      by = c("visit", "site"))
    })
    expect_same_table_content(combine_tables(tables), tab, info = paste("seed", seed))
  }
})

test_that("the patient column, print and summary", {
  d <- random_visits(20, 1)
  d$id <- NULL
  v <- classify_visits(d, study_rules()[c("lbp", "leg_pain")], visits = visit_names)
  expect_identical(v$patient, rep(1:20, 3))
  expect_output(print(v), "20 patients, 2 symptoms, 3 visits: day1, week1, month1")
  expect_s3_class(summary(v), "alleviation_table")
  expect_identical(attr(summary(v), "by"), "visit")
  # subsetting keeps the class while the visit and patient columns are there
  expect_s3_class(v[v$visit == "day1", ], "myelo_visits")
  expect_false(inherits(v[, c("lbp", "leg_pain", "patient_class", "any_alleviated",
                              "primary_symptom")],
                        "myelo_visits"))
  expect_identical(class(as.data.frame(v)), "data.frame")
})

test_that("the hypothetical follow-up has the study's 35 alleviated patients at the first visit", {
  v <- classify_visits(hypothetical_followup,
                       visits = c("post", "week1", "month1", "month3"), id = "id")
  first <- v[v$visit == "post", ]
  expect_identical(sum(first$any_alleviated, na.rm = TRUE), 35L)
  expect_identical(as.vector(table(first$primary_symptom)), c(26L, 2L, 2L, 5L))
  script <- system.file("scripts", "make_followup.R", package = "myelorelief")
  env <- new.env()
  sys.source(script, envir = env)
  seed_before <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(env$make_hypothetical_followup(myelography, study_rules()),
                   hypothetical_followup)
  seed_after <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(seed_after, seed_before)
})

test_that("bad input gives errors naming the argument", {
  d <- random_visits(5, 2)
  rules <- study_rules()[c("lbp", "leg_pain")]
  expect_error(classify_visits(1:3, rules, visit_names), "`data` must be a data frame")
  expect_error(classify_visits(d, rules), "`visits` must name the follow-up visits")
  expect_error(classify_visits(d, rules, c("day1", "day1")), "`visits` must not repeat")
  expect_error(classify_visits(d, rules, c("day1", "week2")),
               "`visits` names columns? not found in `data`: \"lbp_week2\".*Did you mean \"lbp_week1\"")
  expect_error(classify_visits(d, rules, visit_names, baseline = "Pre"),
               "`baseline` names .*Did you mean \"lbp_pre\"")
  expect_error(classify_visits(d, rules, visit_names, baseline = "day1"),
               "`baseline` .* must not be one of `visits`")
  expect_error(classify_visits(d, rules, visit_names, baseline = c("a", "b")), "`baseline`")
  expect_error(classify_visits(d, rules, visit_names, id = "ID"), "Did you mean \"id\"")
  expect_error(classify_visits(d, rules, visit_names, id = 1), "`id` must be NULL")
  expect_error(classify_visits(d, list(1), visit_names), "`rules`")
  p <- d
  p$patient <- 1
  expect_error(classify_visits(p, rules, visit_names), "\"patient\".*name it in `id`")
  bad <- d
  bad$lbp_week1[2] <- 11
  expect_error(classify_visits(bad, rules, visit_names),
               "Symptom \"lbp\" \\(columns `lbp_pre`, `lbp_week1`\\): `post` is 11 at position 2")
  text <- d
  text$lbp_month1 <- as.character(text$lbp_month1)
  expect_error(classify_visits(text, rules, visit_names), "`data\\$lbp_month1` must be a numeric vector")
})

test_that("a table of visits counts patient-visits, and says so", {
  v <- classify_visits(hypothetical_followup, visits = c("post", "week1", "month1", "month3"),
                       id = "id")
  tab <- tabulate_cohort(v, by = "visit")
  header <- capture.output(print(tab))[1L]
  expect_match(header, sprintf("^<alleviation_table> %s patient-visits,",
                               format(nrow(v), big.mark = ",")))
  parts <- split(seq_len(nrow(v)), rep(1:2, length.out = nrow(v)))
  combined <- combine_tables(lapply(parts, function(i) tabulate_cohort(v[i, ], by = "visit")))
  expect_match(capture.output(print(combined))[1L], "patient-visits")
  expect_false(grepl("patient-visit", capture.output(print(
    tabulate_cohort(classify_cohort(myelography))))[1L]))
})

test_that("ids must be unique and present: no patient's visits paired with another's", {
  wide <- data.frame(id = c("a", "b", "a"), lbp_pre = c(8, 6, 8),
                     lbp_day1 = c(2, 6, 8), lbp_week1 = c(8, 6, 2))
  rules <- study_rules()["lbp"]
  expect_error(classify_visits(wide, rules, visits = c("day1", "week1"), id = "id"),
               "`id` column \"id\" has the value \"a\" more than once \\(rows 1, 3\\)",
               class = "myelorelief_error")
  wide$id[3] <- NA
  expect_error(classify_visits(wide, rules, visits = c("day1", "week1"), id = "id"),
               "`id` column \"id\" is missing \\(NA\\) at row 3",
               class = "myelorelief_error")
  wide$id[3] <- "c"
  v <- classify_visits(wide, rules, visits = c("day1", "week1"), id = "id")
  expect_match(capture.output(print(v))[1L], "3 patients")
  expect_identical(nrow(durability(v)), 3L)
})

test_that("the visits' column mapping is checked like classify_cohort()'s", {
  # symptom "a" at visit "b_x" and symptom "a_b" at visit "x" are one column
  d <- data.frame(a_pre = 8, a_b_x = 2, a_x = 3, a_b_pre = 6, a_b_b_x = 5)
  rules <- list(a = alleviation_rule(min_change = 2, range = c(0, 10)),
                a_b = alleviation_rule(min_change = 2, range = c(0, 10)))
  expect_error(classify_visits(d, rules, visits = c("b_x", "x")),
               "The column \"a_b_x\" is the visit \"b_x\" of \"a\" and the visit \"x\" of \"a_b\".*rename a symptom in `rules` or a visit",
               class = "myelorelief_error")
  # without the collision the same names are fine
  ok <- classify_visits(d, rules["a"], visits = c("b_x", "x"))
  expect_identical(as.character(ok$a), c("alleviated", "alleviated"))
})

test_that("the baseline and each visit take a suffix, a mapping or both (issue 19, 7)", {
  d <- random_visits(50, 197)
  rules <- study_rules()[c("lbp", "leg_pain")]
  expected <- classify_visits(d, rules, visits = visit_names, id = "id")
  same <- function(got, info) {
    expect_identical(as.data.frame(got), as.data.frame(expected), info = info)
    expect_identical(attr(got, "visits"), visit_names, info = info)
  }
  same(classify_visits(d, rules, visits = paste0("_", visit_names), id = "id"), "underscored")
  same(classify_visits(d, rules, visits = as.list(visit_names), id = "id"), "list")
  # bdi.pre had to be renamed: now it is mapped
  m <- d
  names(m)[names(m) == "lbp_pre"] <- "lbp.pre"
  names(m)[names(m) == "leg_pain_week1"] <- "legs at week 1"
  same(classify_visits(m, rules, id = "id", baseline = c(lbp = "lbp.pre"),
                       visits = list(day1 = "day1", week1 = c(leg_pain = "legs at week 1"),
                                     month1 = "month1")), "mapped")
  same(classify_visits(m, rules, id = "id", baseline = c("pre", lbp = "lbp.pre"),
                       visits = list("day1", week1 = c("week1", leg_pain = "legs at week 1"),
                                     "_month1")), "mixed")
  # a suffix starting with another character is used as it is
  dotted <- stats::setNames(d, sub("_(pre|day1|week1|month1)$", ".\\1", names(d)))
  same(classify_visits(dotted, rules, id = "id", baseline = ".pre",
                       visits = c(day1 = ".day1", week1 = ".week1", month1 = ".month1")),
       "dotted")
  # names of a character vector name the visits
  named <- classify_visits(d, rules, id = "id",
                           visits = c(d1 = "day1", w1 = "week1", m1 = "month1"))
  expect_identical(levels(named$visit), c("d1", "w1", "m1"))
  expect_identical(named$lbp, expected$lbp)
  # errors name the argument
  expect_error(classify_visits(m, rules, id = "id", visits = list(c(lbp = "lbp_day1"))),
               "`visits` element 1 maps columns without a suffix; name the visit",
               class = "myelorelief_error")
  expect_error(classify_visits(d, rules, id = "id", visits = c(a = "day1", a = "week1")),
               "`visits` must not repeat a visit: \"a\"", class = "myelorelief_error")
  expect_error(classify_visits(d, rules, id = "id", visits = list(day1 = "day1", week1 = c(hip = "x"))),
               "`visits\\[\\[2\\]\\]` names symptoms that `rules` lacks: \"hip\"",
               class = "myelorelief_error")
  expect_error(classify_visits(m, rules, visit_names, id = "id"),
               "`baseline` names a column not found in `data`: \"lbp_pre\".*`data` has for \"lbp\": \"lbp.pre\"",
               class = "myelorelief_error")
  expect_error(classify_visits(d, rules, visit_names, baseline = c(lbp = NA)), "`baseline`",
               class = "myelorelief_error")
  expect_error(classify_visits(d, rules, visit_names, baseline = "_day1"),
               "`baseline` .* must not be one of `visits`", class = "myelorelief_error")
})

# ---- issue 21: one pass over every symptom and visit -------------------

test_that("a refused value is named as before: first symptom in rules order, then visit, then row (issue 21)", {
  d <- random_visits(6, 21)
  d$lbp_pre[is.na(d$lbp_pre)] <- 5
  d$leg_pain_pre[is.na(d$leg_pain_pre)] <- 5
  rules <- study_rules()[c("lbp", "leg_pain")]
  second <- d
  second$leg_pain_month1[4] <- 12
  expect_error(classify_visits(second, rules, visit_names),
               "Symptom \"leg_pain\" \\(columns `leg_pain_pre`, `leg_pain_month1`\\): `post` is 12 at position 4",
               class = "myelorelief_error")
  both <- second
  both$lbp_month1[2] <- -1
  both$lbp_week1[5] <- 11
  expect_error(classify_visits(both, rules, visit_names),
               "Symptom \"lbp\" \\(columns `lbp_pre`, `lbp_week1`\\): `post` is 11 at position 5",
               class = "myelorelief_error")
  pre <- d
  pre$leg_pain_pre[3] <- 10.5
  expect_error(classify_visits(pre, rules, visit_names),
               "Symptom \"leg_pain\" \\(columns `leg_pain_pre`, `leg_pain_day1`\\): `pre` is 10.5 at position 3",
               class = "myelorelief_error")
  # a value refused in the first symptom comes before a column of text in
  # the second, as the symptoms are taken in order
  mixed <- second
  mixed$lbp_day1[1] <- 11
  mixed$leg_pain_week1 <- as.character(mixed$leg_pain_week1)
  expect_error(classify_visits(mixed, rules, visit_names),
               "Symptom \"lbp\" \\(columns `lbp_pre`, `lbp_day1`\\): `post` is 11 at position 1",
               class = "myelorelief_error")
  text <- d
  text$leg_pain_week1 <- as.character(text$leg_pain_week1)
  expect_error(classify_visits(text, rules, visit_names),
               "`data\\$leg_pain_week1` must be a numeric vector", class = "myelorelief_error")
})

test_that("classify_visits() on 1 to 7 visits and shuffled patients, against classify_alleviation() (issue 21)", {
  rules <- study_rules()[c("lbp", "leg_pain", "claudication")]
  for (seed in seq_len(n_cases(8))) {
    set.seed(seed + 2800)
    n <- sample(c(0:2, 30L, 500L), 1)
    n_visits <- sample(1:7, 1)
    visits <- sprintf("t%d", seq_len(n_visits))
    d <- data.frame(id = sample(1e6L, n), site = sample(c("A", "B"), n, TRUE))
    d$lbp_pre <- sample(c(0:10, NA), n, TRUE)
    d$leg_pain_pre <- sample(c(0:10, NA), n, TRUE)
    d$claudication_pre <- round(runif(n, 0, 900))
    for (v in visits) {
      d[[paste0("lbp_", v)]] <- sample(c(0:10, NA), n, TRUE)
      d[[paste0("leg_pain_", v)]] <- as.numeric(sample(c(0:10, NA), n, TRUE))
      d[[paste0("claudication_", v)]] <- d$claudication_pre * runif(n, 0.5, 2)
    }
    info <- sprintf("seed %d, %d patients, %d visits", seed + 2800, n, n_visits)
    v <- classify_visits(d, rules, visits = visits, id = "id")
    for (k in seq_along(visits)) {
      rows <- as.integer(v$visit) == k
      expect_identical(v$id[rows], d$id, info = info)
      for (s in names(rules)) {
        expect_identical(v[[s]][rows],
                         classify_alleviation(d[[paste0(s, "_pre")]],
                                              d[[paste0(s, "_", visits[k])]], rules[[s]]),
                         info = paste(info, s, k))
      }
    }
    # the patients shuffled: each visit's rows shuffled alike
    o <- sample(n)
    shuffled <- classify_visits(d[o, ], rules, visits = visits, id = "id")
    rows <- rep((seq_len(n_visits) - 1L) * n, each = n) + rep(o, times = n_visits)
    same <- as.data.frame(v)[rows, ]
    rownames(same) <- NULL
    expect_identical(as.data.frame(shuffled), same, info = info)
  }
})

test_that("integer ids: a duplicate or NA is named as for any ids (issue 21)", {
  wide <- data.frame(id = c(4L, 9L, 4L), lbp_pre = c(8, 6, 8),
                     lbp_day1 = c(2, 6, 8), lbp_week1 = c(8, 6, 2))
  rules <- study_rules()["lbp"]
  expect_error(classify_visits(wide, rules, visits = c("day1", "week1"), id = "id"),
               "`id` column \"id\" has the value 4 more than once \\(rows 1, 3\\)",
               class = "myelorelief_error")
  wide$id[2] <- NA
  expect_error(classify_visits(wide, rules, visits = c("day1", "week1"), id = "id"),
               "`id` column \"id\" is missing \\(NA\\) at row 2",
               class = "myelorelief_error")
  wide$id <- c(4L, 9L, 5L)
  names(wide)[3] <- "id"
  expect_error(classify_visits(wide, rules, visits = "week1", id = "id"),
               "more than one column named \"id\"", class = "myelorelief_error")
})
