wide <- data.frame(
  id = c("a", "b", "c", "d", "e", "f"),
  lbp_pre = c(8, 5, 0, NA, 6, 0),
  lbp_post = c(3, 5, 0, 4, 9, 0),
  leg_pain_pre = c(6, 7, 0, NA, 3, 0),
  leg_pain_post = c(2, 3, 0, NA, 3, 0))
two <- study_rules()[c("lbp", "leg_pain")]

test_that("classify_cohort() classifies each symptom like classify_alleviation()", {
  cohort <- classify_cohort(wide, two, id = "id")
  expect_s3_class(cohort, c("myelo_cohort", "data.frame"))
  expect_named(cohort, c("id", "lbp", "leg_pain", "patient_class", "any_alleviated",
                          "primary_symptom"))
  expect_identical(cohort$id, wide$id)
  expect_identical(cohort$lbp, classify_alleviation(wide$lbp_pre, wide$lbp_post, two$lbp))
  expect_identical(cohort$leg_pain,
                   classify_alleviation(wide$leg_pain_pre, wide$leg_pain_post, two$leg_pain))
  expect_identical(attr(cohort, "rules"), two)
})

test_that("any_alleviated and primary_symptom follow the documented rule", {
  cohort <- classify_cohort(wide, two)
  # a: both alleviated; b: leg only; c: all absent; d: nothing judged;
  # e: worsened + unchanged; f: all absent
  expect_identical(cohort$any_alleviated, c(TRUE, TRUE, FALSE, NA, FALSE, FALSE))
  expect_identical(as.character(cohort$patient_class),
                   c("alleviated", "alleviated", "absent", NA, "worsened", "absent"))
  expect_identical(levels(cohort$patient_class),
                   c("alleviated", "unchanged", "worsened", "absent"))
  expect_identical(as.character(cohort$primary_symptom),
                   c("lbp", "leg_pain", NA, NA, NA, NA))
  expect_identical(levels(cohort$primary_symptom), c("lbp", "leg_pain"))
})

test_that("any_alleviated equals the oracle on random cohorts", {
  set.seed(7)
  made <- random_cohort(2000, 3)
  cohort <- made$cohort
  expect_identical(cohort$any_alleviated,
                   unname(oracle_any(cohort[c("s1", "s2", "s3")])))
  first <- apply(as.data.frame(lapply(cohort[c("s1", "s2", "s3")], as.character)),
                 1, function(row) c("s1", "s2", "s3")[which(row %in% "alleviated")[1]])
  expect_identical(as.character(cohort$primary_symptom), unname(first))
})

test_that("pre and post can map symptoms to other columns", {
  d <- data.frame(back_before = c(8, 5), back_after = c(3, 5),
                  leg_pain_pre = c(1, 2), leg_pain_post = c(1, 2))
  cohort <- classify_cohort(d, two, pre = c(lbp = "back_before"),
                            post = c(lbp = "back_after"))
  expect_identical(as.character(cohort$lbp), c("alleviated", "unchanged"))
})

test_that("the study cohort reproduces the published counts", {
  cohort <- classify_cohort(myelography)
  expect_identical(sum(cohort$any_alleviated, na.rm = TRUE), 35L)
  expect_identical(as.vector(table(cohort$primary_symptom)), c(26L, 2L, 2L, 5L))
  expect_identical(vapply(names(study_rules()), function(s) sum(cohort[[s]] == "alleviated", na.rm = TRUE), 1L),
                   c(lbp = 26L, leg_pain = 2L, numbness = 2L, claudication = 5L))
})

test_that("print() and summary() describe the cohort", {
  cohort <- classify_cohort(wide, two, id = "id")
  expect_snapshot(print(cohort))
  s <- summary(cohort)
  expect_s3_class(s, "alleviation_table")
  expect_identical(s$alleviated, c(1, 2, 2))
})

test_that("subsetting keeps the class while the classes are there", {
  cohort <- classify_cohort(wide, two, id = "id")
  part <- cohort[1:3, ]
  expect_s3_class(part, "myelo_cohort")
  expect_identical(attr(part, "rules"), two)
  expect_identical(tabulate_cohort(part)$n[1], 3)
  ids <- cohort[, "id", drop = FALSE]
  expect_false(inherits(ids, "myelo_cohort"))
  expect_null(attr(ids, "rules"))
  expect_identical(class(as.data.frame(cohort)), "data.frame")
})

test_that("bad input is an error naming the argument", {
  expect_error(classify_cohort(list(a = 1), two), "`data` must be a data frame")
  expect_error(classify_cohort(wide, two$lbp), "`rules`")
  expect_error(classify_cohort(wide, list(two$lbp)), "`rules`.*unique names")
  expect_error(classify_cohort(wide, list()), "`rules`")
  expect_error(classify_cohort(wide, list(lbp = 1)), "`rules`")
  expect_error(classify_cohort(wide, c(two, two)), "`rules`")
  edited <- two
  edited$lbp$combine <- "most"
  expect_error(classify_cohort(wide, edited), "`rules\\$lbp` is not a valid alleviation_rule.*`combine`")
  expect_error(classify_cohort(wide, study_rules()), "`pre` names columns not found in `data`: \"numbness_pre\", \"claudication_pre\"")
  expect_error(classify_cohort(wide[, -3], two), "`post` names a column not found in `data`: \"lbp_post\"")
  expect_error(classify_cohort(wide, two, pre = c(hip = "x")), "`pre` names symptoms that `rules` lacks")
  # an unnamed string is a suffix: the error says so and how to map a column
  expect_error(classify_cohort(wide, two, pre = "lbp_pre"),
               "`pre` reads \"lbp_pre\" as a suffix.*map it: c\\(lbp = \"lbp_pre\"\\)",
               class = "myelorelief_error")
  expect_error(classify_cohort(wide, two, pre = c("a", "b")), "`pre` must be a suffix",
               class = "myelorelief_error")
  expect_error(classify_cohort(wide, two, post = c(lbp = NA)), "`post`")
  expect_error(classify_cohort(wide, two, id = "patient"), "`id` names a column not found")
  expect_error(classify_cohort(wide, two, id = 1), "`id`")
  bad <- wide
  bad$lbp_pre <- as.character(bad$lbp_pre)
  expect_error(classify_cohort(bad, two), "`data\\$lbp_pre` must be a numeric vector")
  bad <- wide
  bad$leg_pain_post[2] <- 12
  expect_error(classify_cohort(bad, two),
               "Symptom \"leg_pain\" \\(columns `leg_pain_pre`, `leg_pain_post`\\): `post` is 12 at position 2")
})

test_that("a zero-row data frame gives a zero-row cohort", {
  cohort <- classify_cohort(wide[0, ], two)
  expect_identical(nrow(cohort), 0L)
  expect_identical(tabulate_cohort(cohort)$n, c(0, 0, 0))
})

test_that("the patient class follows its rule on random cohorts, and feeds the any rows", {
  set.seed(61)
  classes <- c("alleviated", "unchanged", "worsened", "absent", NA)
  for (case in seq_len(n_cases(30))) {
    n <- sample(0:60, 1)
    k <- sample(1:4, 1)
    # pre/post pairs that give each class under a 2-point rule on 0-10
    pairs <- list(alleviated = c(8, 2), unchanged = c(5, 5), worsened = c(3, 9),
                  absent = c(0, 4), missing = c(NA, 3))
    d <- data.frame(row.names = seq_len(n))
    for (s in seq_len(k)) {
      picked <- sample(names(pairs), n, replace = TRUE,
                       prob = c(0.1, 0.4, 0.2, 0.2, 0.1))
      d[[paste0("s", s, "_pre")]] <- vapply(pairs[picked], `[`, 1, 1)
      d[[paste0("s", s, "_post")]] <- vapply(pairs[picked], `[`, 1, 2)
    }
    rules <- rep(list(alleviation_rule(min_change = 2, range = c(0, 10))), k)
    names(rules) <- paste0("s", seq_len(k))
    cohort <- classify_cohort(d, rules)
    oracle <- oracle_patient_class(as.data.frame(cohort)[names(rules)])
    info <- sprintf("seed 61, case %d, n %d, %d symptoms", case, n, k)
    shown <- as.character(cohort$patient_class)
    shown[is.na(shown)] <- "missing"
    expect_identical(shown, oracle, info = info)
    expected <- oracle == "alleviated"
    expected[oracle == "missing"] <- NA
    expect_identical(cohort$any_alleviated, expected, info = info)
    tab <- tabulate_cohort(cohort)
    expect_identical(as.character(tab$symptom),
                     c(names(rules), if (k > 1) "any"), info = info)
  }
})

test_that("ids must be unique and present: the first duplicate is named with its rows", {
  rules <- study_rules()["lbp"]
  d <- data.frame(id = c("a", "b", "a", "c", "a"), lbp_pre = c(8, 8, 8, 6, 5),
                  lbp_post = c(2, 8, 8, 6, 5))
  expect_error(classify_cohort(d, rules, id = "id"),
               "`id` column \"id\" has the value \"a\" more than once \\(rows 1, 3, 5\\)",
               class = "myelorelief_error")
  # numbers, factors and dates are ids too
  n <- transform(d, id = c(7, 1, 7, 2, 3))
  expect_error(classify_cohort(n, rules, id = "id"), "has the value 7 more than once \\(rows 1, 3\\)")
  f <- transform(d, id = factor(c("x", "y", "z", "y", "w")))
  expect_error(classify_cohort(f, rules, id = "id"), "has the value \"y\" more than once \\(rows 2, 4\\)")
  # missing ids, NA and blank, are refused with their row
  m <- transform(d, id = c("a", "b", NA, "c", "d"))
  expect_error(classify_cohort(m, rules, id = "id"),
               "`id` column \"id\" is missing \\(NA\\) at row 3",
               class = "myelorelief_error")
  b <- transform(d, id = c("a", "b", "c", "", "d"))
  expect_error(classify_cohort(b, rules, id = "id"), "is blank \\(\"\"\\) at row 4")
  nan <- transform(d, id = c(1, 2, 3, 4, NaN))
  expect_error(classify_cohort(nan, rules, id = "id"), "is missing \\(NA\\) at row 5")
  # many duplicates: the first few rows and how many there are
  many <- data.frame(id = rep("p", 12), lbp_pre = 5, lbp_post = 5)
  expect_error(classify_cohort(many, rules, id = "id"),
               "more than once \\(rows 1, 2, 3, 4, 5, ... 12 rows\\)")
  # a list column is not an id
  l <- d
  l$id <- as.list(1:5)
  expect_error(classify_cohort(l, rules, id = "id"), "`id` column \"id\" must hold one value per row")
  # without `id` nothing is checked; unique ids pass
  expect_s3_class(classify_cohort(d, rules), "myelo_cohort")
  expect_s3_class(classify_cohort(transform(d, id = letters[1:5]), rules, id = "id"),
                  "myelo_cohort")
})

test_that("unique ids pass whatever their type, on random cohorts", {
  set.seed(4104)
  for (k in 1:20) {
    n <- sample(0:300, 1)
    ids <- sample.int(5 * n + 5, n)
    d <- data.frame(lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE))
    for (as_type in list(identity, as.character, as.double, factor)) {
      d$id <- as_type(ids)
      cohort <- classify_cohort(d, study_rules()["lbp"], id = "id")
      expect_identical(cohort$id, d$id, info = paste("case", k, "n", n))
    }
    if (n > 1) {
      dup <- sample(n, 2)
      d$id <- ids
      d$id[max(dup)] <- ids[min(dup)]
      expect_error(classify_cohort(d, study_rules()["lbp"], id = "id"),
                   sprintf("has the value %d more than once \\(rows %d, %d\\)",
                           ids[min(dup)], min(dup), max(dup)),
                   info = paste("case", k, "n", n))
    }
  }
})

test_that("a column read as both baseline and follow-up, or by two symptoms in different roles, is refused", {
  d <- data.frame(x = c(8, 4), y = c(2, 4), z = c(5, 5), w = c(1, 1))
  rules <- study_rules()[c("lbp", "leg_pain")]
  expect_error(classify_cohort(d, study_rules()["lbp"], pre = c(lbp = "x"), post = c(lbp = "x")),
               "Symptom \"lbp\" reads the column \"x\" as its baseline \\(`pre`\\) and as its follow-up \\(`post`\\)",
               class = "myelorelief_error")
  # a single rule named by its mapping
  expect_error(classify_cohort(d, study_rules()$lbp, pre = c(lbp = "x"), post = c(lbp = "x")),
               "reads the column \"x\" as its baseline")
  # the follow-up of one symptom is the baseline of another
  expect_error(classify_cohort(d, rules, pre = c(lbp = "x", leg_pain = "y"),
                               post = c(lbp = "y", leg_pain = "z")),
               "The column \"y\" is the follow-up \\(`post`\\) of \"lbp\" and the baseline \\(`pre`\\) of \"leg_pain\"",
               class = "myelorelief_error")
  # two symptoms with one follow-up column and different baselines: a slip
  expect_error(classify_cohort(d, rules, pre = c(lbp = "x", leg_pain = "z"),
                               post = c(lbp = "y", leg_pain = "y")),
               "The column \"y\" is the follow-up \\(`post`\\) of \"lbp\" and the follow-up \\(`post`\\) of \"leg_pain\"")
  # ... and by the <symptom>_pre pattern for one of them
  p <- data.frame(lbp_pre = c(8, 4), lbp_post = c(2, 4), leg_pain_pre = c(5, 5))
  expect_error(classify_cohort(p, rules, post = c(leg_pain = "lbp_post")),
               "The column \"lbp_post\" is the follow-up \\(`post`\\) of \"lbp\" and the follow-up")
  # two rules for one measure (the same baseline and follow-up): allowed
  two <- list(strict = alleviation_rule(min_change = 4, range = c(0, 10)),
              lenient = alleviation_rule(min_change = 2, range = c(0, 10)))
  cohort <- classify_cohort(d, two, pre = c(strict = "x", lenient = "x"),
                            post = c(strict = "y", lenient = "y"))
  expect_identical(as.character(cohort$strict), c("alleviated", "unchanged"))
  expect_identical(as.character(cohort$lenient), c("alleviated", "unchanged"))
})

test_that("id messages take column names and ids as text, not as formats", {
  d <- data.frame(`id %s%d` = c("50%", "x", "50%"), lbp_pre = 8, lbp_post = 2,
                  check.names = FALSE)
  expect_error(classify_cohort(d, study_rules()["lbp"], id = "id %s%d"),
               "`id` column \"id %s%d\" has the value \"50%\" more than once \\(rows 1, 3\\)",
               fixed = FALSE, class = "myelorelief_error")
  big <- data.frame(id = c(1e6, 2e6, 1e6), lbp_pre = 8, lbp_post = 2)
  expect_error(classify_cohort(big, study_rules()["lbp"], id = "id"),
               "has the value 1000000 more than once")
})

test_that("`pre` and `post` take a suffix, a mapping or both (issue 19, 7)", {
  rules <- list(odi = alleviation_rule(min_change = 10, range = c(0, 100)),
                vas_back = alleviation_rule(min_change = 2, range = c(0, 10)))
  set.seed(197)
  n <- 40
  d <- data.frame(odi_pre = sample(0:100, n, TRUE), odi_6w = sample(0:100, n, TRUE),
                  vas_back_pre = sample(0:10, n, TRUE), vas_back_6w = sample(0:10, n, TRUE))
  d$vas_back_6w[3] <- NA
  # the oracle: the same data with the default names
  renamed <- stats::setNames(d, sub("_6w$", "_post", names(d)))
  expected <- as.data.frame(classify_cohort(renamed, rules))
  for (post in list("6w", "_6w", c(odi = "odi_6w", vas_back = "vas_back_6w"),
                    c("6w", odi = "odi_6w"), c(vas_back = "vas_back_6w", "_6w"))) {
    got <- classify_cohort(d, rules, post = post)
    expect_identical(as.data.frame(got), expected, info = deparse(post))
    expect_identical(attr(got, "source")$post,
                     c(odi = "odi_6w", vas_back = "vas_back_6w"), info = deparse(post))
  }
  # a suffix that starts with another character is used as it is: bdi.pre
  dotted <- stats::setNames(d, sub("_pre$", ".pre", names(d)))
  expect_identical(as.data.frame(classify_cohort(dotted, rules, pre = ".pre", post = "6w")),
                   expected)
  # a mapping keeps the default suffix for the symptoms it leaves out
  partial <- renamed
  names(partial)[names(partial) == "odi_post"] <- "ODI at 6 weeks"
  expect_identical(as.data.frame(classify_cohort(partial, rules,
                                                 post = c(odi = "ODI at 6 weeks"))),
                   expected)
  # a single rule: its symptom named from the one pair with these suffixes,
  # and an unnamed column name still a column
  one <- as.data.frame(classify_cohort(d[c("odi_pre", "odi_6w")], rules$odi, post = "6w"))
  expect_identical(one$odi, expected$odi)
  two <- classify_cohort(d[c("odi_pre", "odi_6w")], rules$odi, pre = "odi_pre", post = "odi_6w")
  expect_identical(two$odi, expected$odi)
  weight <- data.frame(Prewt = c(80, 90), Postwt = c(85, 90))
  w <- classify_cohort(weight, alleviation_rule("increase", min_change = 2),
                       pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_identical(as.character(w$weight), c("alleviated", "unchanged"))
})

test_that("a follow-up column that is not found is named with the columns the data has", {
  rules <- list(odi = alleviation_rule(min_change = 10, range = c(0, 100)),
                vas_back = alleviation_rule(min_change = 2, range = c(0, 10)))
  d <- data.frame(odi_pre = 40, odi_6w = 20, vas_back_pre = 8, vas_back_6w = 3)
  # before: "Did you mean \"vas_back_pre\"?", a baseline offered as the follow-up
  err <- tryCatch(classify_cohort(d, rules), myelorelief_error = conditionMessage)
  expect_match(err, "`post` names columns not found in `data`: \"odi_post\", \"vas_back_post\"",
               fixed = TRUE)
  expect_match(err, "`data` has for \"odi\": \"odi_6w\"; give their suffix (\"6w\")", fixed = TRUE)
  expect_false(grepl("Did you mean.*_pre", err), info = err)
  err <- tryCatch(classify_cohort(d, rules, post = "6wk"), myelorelief_error = conditionMessage)
  expect_match(err, "Did you mean \"odi_6w\", \"vas_back_6w\"", fixed = TRUE)
  expect_error(classify_cohort(d, rules, post = c(od = "odi_6w")),
               "`post` names symptoms that `rules` lacks: \"od\". Did you mean \"odi\"",
               class = "myelorelief_error")
  expect_error(classify_cohort(d, rules, post = c("6w", "6wk")), "`post` must be a suffix",
               class = "myelorelief_error")
  expect_error(classify_cohort(d, rules, post = c(odi = "odi_6w", odi = "odi_6w")),
               "`post` maps the symptom \"odi\" more than once", class = "myelorelief_error")
  expect_error(classify_cohort(d, rules, post = ""), "`post` must be a suffix",
               class = "myelorelief_error")
  expect_error(classify_cohort(d, rules, post = NA_character_), "`post` must be a suffix",
               class = "myelorelief_error")
  expect_error(classify_cohort(d, rules, post = 6), "`post` must be a suffix",
               class = "myelorelief_error")
  # a suffix that reads the baseline is the slip it always was
  expect_error(classify_cohort(d, rules, post = "pre"), "as its baseline .* and as its follow-up",
               class = "myelorelief_error")
})

test_that("tabulate_source() reads the columns as classify_cohort() does", {
  d <- data.frame(lbp_pre = c(8, 5, 6, 0), lbp_6w = c(3, 5, 9, 0),
                  leg_pain_pre = c(6, 7, 2, 0), leg_pain_6w = c(2, 3, 2, 0))
  rules <- study_rules()[c("lbp", "leg_pain")]
  expected <- tabulate_cohort(classify_cohort(d, rules, post = "6w"))
  got <- tabulate_source(list(d[1:2, ], d[3:4, ]), rules, post = "6w")
  expect_equal(as.data.frame(got), as.data.frame(expected))
})

# The measurement proof of tabulate_cohort(data =): classes checked in C
# chunk by chunk against the cohort's, with the refusals of a second
# classify_cohort() and identical().
test_that("data = is refused at the first row whose measurements give another class", {
  bare <- classify_cohort(myelography[7:14])
  d <- myelography
  expect_identical(tabulate_cohort(bare, by = "hospital", data = d),
                   tabulate_cohort(classify_cohort(d), by = "hospital"))
  # a changed value that changes the class of an alleviated patient
  row <- which(bare$lbp == "alleviated")[3]
  expect_false(is.na(row))
  d$lbp_post[row] <- d$lbp_pre[row]
  err <- tryCatch(tabulate_cohort(bare, by = "hospital", data = d),
                  myelorelief_error = conditionMessage)
  expect_true(grepl(sprintf("its measurements of \"lbp\" do not give the cohort's classes (first at row %d)", row),
                    err, fixed = TRUE), info = err)
  # a changed value that keeps every class is still aligned
  d <- myelography
  same <- which(bare$lbp == "unchanged" & !is.na(d$lbp_post) & d$lbp_post == d$lbp_pre)[1]
  d$lbp_post[same] <- d$lbp_pre[same] + 0.5
  expect_identical(bare$lbp[same], classify_cohort(d)$lbp[same])
  expect_silent(tabulate_cohort(bare, by = "hospital", data = d))
})

test_that("data = with measurements that cannot be classified is refused with the reason", {
  bare <- classify_cohort(myelography[7:14])
  d <- myelography
  d$lbp_pre[5] <- 11                       # outside the rule's range 0..10
  err <- tryCatch(tabulate_cohort(bare, by = "hospital", data = d),
                  myelorelief_error = conditionMessage)
  expect_true(grepl("its measurements cannot be classified (Symptom \"lbp\" (columns `lbp_pre`, `lbp_post`): `pre` is 11 at position 5",
                    err, fixed = TRUE), info = err)
  d <- myelography
  d$numbness_post <- as.character(d$numbness_post)
  err <- tryCatch(tabulate_cohort(bare, by = "hospital", data = d),
                  myelorelief_error = conditionMessage)
  expect_true(grepl("its measurements cannot be classified (`data$numbness_post` must be a numeric vector",
                    err, fixed = TRUE), info = err)
  # integer measurements classify as doubles do
  d <- myelography
  d$lbp_pre <- as.integer(round(d$lbp_pre))
  d$lbp_post <- as.integer(round(d$lbp_post))
  co <- classify_cohort(d[7:14])
  expect_identical(tabulate_cohort(co, by = "hospital", data = d),
                   tabulate_cohort(classify_cohort(d), by = "hospital"))
})

test_that("data = is refused when the cohort's classes differ only in their attributes", {
  bare <- classify_cohort(myelography[7:14])
  # names on the factor (a data frame's `$<-` would drop them)
  named <- unclass(bare)
  named$lbp <- stats::setNames(named$lbp, paste0("p", seq_len(nrow(bare))))
  attributes(named) <- attributes(bare)
  expect_false(is.null(names(named$lbp)))
  expect_error(tabulate_cohort(named, by = "hospital", data = myelography),
               "do not give the cohort's classes", class = "myelorelief_error")
})

test_that("the measurement proof finds a difference past the first 2^20 rows, on 1 and 2 threads", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "big n")
  skip_on_cran()
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  set.seed(2401)
  n <- 2^20 + 5
  d <- data.frame(lbp_pre = sample(c(0:10, NA), n, TRUE),
                  lbp_post = sample(c(0:10, NA), n, TRUE))
  co <- classify_cohort(d, study_rules()["lbp"])
  d$hospital <- factor(sample(c("a", "b"), n, TRUE))
  co$hospital <- d$hospital
  row <- n - 2
  d$lbp_pre[row] <- 10
  d$lbp_post[row] <- if (identical(as.character(co$lbp[row]), "alleviated")) 10 else 0
  for (threads in 1:2) {
    myelorelief_threads(threads)
    err <- tryCatch(tabulate_cohort(co, by = "hospital", data = d),
                    myelorelief_error = conditionMessage)
    expect_true(grepl(sprintf("(first at row %d)", row), err, fixed = TRUE),
                info = sprintf("seed 2401, threads %d: %s", threads, err))
  }
})

# ---- data = proven by the vectors the cohort was classified from ---------

# The outcome of tabulate_cohort(x, data = d): the table, or the error's
# message.
data_outcome <- function(x, d) {
  tryCatch(tabulate_cohort(x, by = "hospital", data = d),
           myelorelief_error = conditionMessage)
}

# A cohort without its kept vectors, as one read back from a file: the
# full check, the oracle of the proof by the kept vectors.
without_kept <- function(x) {
  attr(x, "classified_from") <- NULL
  x
}

test_that("a cohort keeps the vectors it was classified from, proving the same vectors without a pass", {
  d <- myelography
  x <- classify_cohort(d)
  kept <- .Call(myelorelief:::C_kept_refs, attr(x, "classified_from"))
  expect_named(kept, c("rules", "classes", "pre", "post"))
  # the very vectors, not copies
  expect_identical(.Internal(address(kept$pre[[1L]])), .Internal(address(d$lbp_pre)))
  expect_identical(.Internal(address(kept$classes$lbp)), .Internal(address(x$lbp)))
  rule <- cohort_rules(x)$lbp
  expect_true(classified_from(kept, "lbp", rule, x$lbp, d$lbp_pre, d$lbp_post))
  # a changed value, the other symptom's columns, another rule: not proven
  changed <- d$lbp_pre
  changed[3] <- changed[3] + 1
  expect_false(classified_from(kept, "lbp", rule, x$lbp, changed, d$lbp_post))
  expect_false(classified_from(kept, "lbp", rule, x$lbp, d$leg_pain_pre, d$lbp_post))
  expect_false(classified_from(kept, "lbp", cohort_rules(x)$leg_pain, x$lbp,
                               d$lbp_pre, d$lbp_post))
  expect_false(classified_from(kept, "lbp", rule, x$lbp[-1], d$lbp_pre, d$lbp_post))
  expect_false(classified_from(NULL, "lbp", rule, x$lbp, d$lbp_pre, d$lbp_post))
  # -0 is not 0 to the proof (a relative change could tell them apart)
  zero <- c(0, 1)
  negative <- c(-0, 1)
  k <- list(rules = list(a = 1), classes = list(a = 1), pre = list(zero), post = list(zero))
  expect_false(classified_from(k, "a", 1, 1, negative, zero))
  expect_true(classified_from(k, "a", 1, 1, c(0, 1), zero))
  # R copies a kept vector before changing it: the kept one stays as it was
  d$lbp_pre[5] <- 99
  expect_false(identical(kept$pre[[1L]][5], 99))
  expect_identical(kept$pre[[1L]], myelography$lbp_pre)
})

test_that("the kept vectors change nothing a user sees: identical(), printing, saving, as.data.frame()", {
  x <- classify_cohort(myelography, id = "id")
  y <- classify_cohort(myelography, id = "id")
  expect_identical(x, y)
  expect_true(isTRUE(all.equal(x, y)))
  expect_false("classified_from" %in% names(attributes(as.data.frame(x))))
  # saved and read back: the same cohort, without the kept vectors (the
  # file does not carry the measurements), so data = is checked in full
  path <- tempfile(fileext = ".rds")
  on.exit(unlink(path))
  saveRDS(x, path)
  back <- readRDS(path)
  expect_identical(back, x)
  expect_null(.Call(myelorelief:::C_kept_refs, attr(back, "classified_from")))
  expect_lt(file.size(path), 2 * length(serialize(without_kept(x), NULL)))
  expect_identical(tabulate_cohort(back, by = "hospital", data = myelography),
                   tabulate_cohort(x, by = "hospital"))
  bad <- myelography
  bad$lbp_post[1] <- 0
  bad$lbp_pre[1] <- 10
  expect_error(tabulate_cohort(back, by = "hospital", data = bad),
               "do not give the cohort's classes", class = "myelorelief_error")
  # a chunk's cohort of tabulate_source(), tabulated at once: nothing kept,
  # so that its vectors go with the chunk
  expect_null(attr(classify_frame(myelography, study_rules(), NULL, NULL, NULL,
                                  NULL, keep = FALSE), "classified_from"))
  # a data.table's columns can change in place: nothing is kept
  skip_if_not_installed("data.table")
  dt <- data.table::as.data.table(myelography)
  expect_null(attr(classify_cohort(dt), "classified_from"))
})

test_that("kept vectors of many cohorts stay each their own (slots are reused only when a cohort is gone)", {
  set.seed(2107)
  cohorts <- list()
  for (k in 1:150) {
    d <- myelography[sample(nrow(myelography), 20), ]
    cohorts[[k]] <- list(x = classify_cohort(d), d = d)
    if (k %% 3 == 0) cohorts[k - 1L] <- list(NULL)   # dropped: its slot may be reused
    if (k %% 50 == 0) invisible(gc())
  }
  for (k in seq_along(cohorts)) {
    if (is.null(cohorts[[k]])) next
    x <- cohorts[[k]]$x
    kept <- .Call(myelorelief:::C_kept_refs, attr(x, "classified_from"))
    expect_identical(kept$classes, unclass(x)[names(cohort_rules(x))],
                     info = sprintf("seed 2107, cohort %d", k))
    expect_identical(kept$pre[[1L]], cohorts[[k]]$d$lbp_pre,
                     info = sprintf("seed 2107, cohort %d", k))
  }
})

test_that("data = gives what the full check gives, whatever was done to the cohort or its data (seeded)", {
  set.seed(2108)
  d0 <- myelography
  measured <- c("lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post",
                "numbness_pre", "numbness_post", "claudication_pre",
                "claudication_post")
  n <- nrow(d0)
  cases <- c("same", "measurements only", "equal copy", "reordered",
             "reordered cohort", "subset", "changed value", "changed value, class kept",
             "changed class", "other rule", "swapped columns", "integer columns",
             "reordered, same classes")
  for (trial in 1:40) {
    case <- cases[(trial - 1L) %% length(cases) + 1L]
    x <- classify_cohort(d0)
    d <- d0
    info <- sprintf("seed 2108, trial %d, case %s", trial, case)
    if (case == "measurements only") d <- d0[measured]
    if (case == "equal copy") d[measured] <- lapply(d0[measured], function(v) v[seq_along(v)])
    if (case == "reordered") d <- d0[measured][sample(n), ]
    if (case == "reordered cohort") {
      x <- x[sample(n), ]
      d <- d0[measured]
    }
    if (case == "subset") d <- d0[measured][-sample(n, 1), ]
    if (case == "changed value") {
      # an alleviated patient's follow-up made the baseline: not alleviated
      alleviated <- which(x$lbp == "alleviated")
      i <- alleviated[sample(length(alleviated), 1)]
      d$lbp_post[i] <- d$lbp_pre[i]
      d <- d[measured]
    }
    if (case == "changed value, class kept") {
      d <- d0[measured]
      i <- which(!is.na(d$lbp_pre) & !is.na(d$lbp_post))[1L]
      d$lbp_pre[i] <- d$lbp_pre[i] * 1   # a new vector, the same values
    }
    if (case == "changed class") {
      i <- which(!is.na(x$lbp))[1L]
      levels_now <- levels(x$lbp)
      x$lbp[i] <- setdiff(levels_now, as.character(x$lbp[i]))[1L]
      d <- d0[measured]
    }
    if (case == "other rule") {
      rules <- cohort_rules(x)
      rules$lbp <- rules$leg_pain
      attr(x, "rules") <- rules
      d <- d0[measured]
    }
    if (case == "swapped columns") {
      d <- d0[measured]
      names(d)[1:2] <- names(d)[2:1]
    }
    if (case == "integer columns") {
      d <- d0[measured]
      d[] <- lapply(d, function(v) {
        whole <- all(v[is.finite(v)] == round(v[is.finite(v)])) && !any(is.infinite(v))
        if (whole) as.integer(v) else v
      })
    }
    if (case == "reordered, same classes") {
      # rows of the cohort swapped where every class agrees: still aligned
      key <- do.call(paste, lapply(unclass(x)[c(names(cohort_rules(x)), "hospital")], as.character))
      twins <- which(duplicated(key) | duplicated(key, fromLast = TRUE))
      pair <- twins[key[twins] == key[twins[1L]]][1:2]
      d <- d0
      d[pair, ] <- d0[rev(pair), ]
    }
    got <- data_outcome(x, d)
    oracle <- data_outcome(without_kept(x), d)
    expect_identical(got, oracle, info = info)
    if (case %in% c("same", "measurements only", "equal copy",
                    "changed value, class kept")) {
      expect_true(inherits(got, "alleviation_table"), info = info)
    }
    if (case %in% c("reordered", "reordered cohort", "subset", "changed value",
                    "changed class", "swapped columns")) {
      expect_true(is.character(got), info = paste(info, if (!is.character(got)) "(accepted)"))
    }
  }
})
