test_that("combining random chunkings equals the whole table", {
  set.seed(21)
  made <- random_cohort(1500, 3)
  made$data$dose <- sample(c(5, 10, 100), 1500, replace = TRUE)
  by <- c("site", "group", "dose")
  whole <- tabulate_cohort(made$cohort, by = by, data = made$data)
  for (k in c(1, 2, 5, 40)) {
    chunk <- sample(rep_len(seq_len(k), 1500))
    tables <- lapply(split(seq_len(1500), chunk), function(i) {
      tabulate_cohort(made$cohort[i, ], by = by, data = made$data[i, ])
    })
    expect_equal(combine_tables(tables), whole, info = paste(k, "chunks"))
    expect_equal(do.call(combine_tables, unname(tables)), whole)
  }
})

test_that("chunks that lack a stratum value, or its NA, still combine exactly", {
  set.seed(22)
  made <- random_cohort(300, 1)
  made$data$group[1:10] <- NA
  made$cohort$group[1:10] <- NA
  whole <- tabulate_cohort(made$cohort, by = "group", data = made$data, method = "exact")
  first <- which(made$data$group %in% "x")
  rest <- setdiff(seq_len(300), first)
  parts <- list(
    tabulate_cohort(made$cohort[first, ], by = "group", data = made$data[first, ], method = "exact"),
    tabulate_cohort(made$cohort[rest, ], by = "group", data = made$data[rest, ], method = "exact"))
  expect_equal(combine_tables(parts), whole)
  expect_equal(combine_tables(rev(parts)), whole)
})

test_that("unstratified tables combine too", {
  set.seed(23)
  made <- random_cohort(200, 2)
  whole <- tabulate_cohort(made$cohort)
  parts <- lapply(list(1:50, 51:200), function(i) tabulate_cohort(made$cohort[i, ]))
  expect_equal(combine_tables(parts), whole)
})

test_that("tables that differ are refused, saying what differs", {
  set.seed(24)
  made <- random_cohort(100, 1)
  a <- tabulate_cohort(made$cohort, by = "site", data = made$data)
  expect_error(combine_tables(a, tabulate_cohort(made$cohort, by = "group", data = made$data)),
               "Table 2 differs from table 1 in `by`")
  expect_error(combine_tables(a, tabulate_cohort(made$cohort, by = "site", data = made$data,
                                                 method = "exact")),
               "in `method`")
  expect_error(combine_tables(a, tabulate_cohort(made$cohort, by = "site", data = made$data,
                                                 conf_level = 0.9)),
               "in `conf_level`")
  expect_error(combine_tables(a, tabulate_cohort(made$cohort, by = "site", data = made$data,
                                                 margins = FALSE)),
               "in `margins`")
  other <- classify_cohort(made$data, list(s1 = alleviation_rule(min_change = 3, range = c(0, 10))))
  expect_error(combine_tables(a, tabulate_cohort(other, by = "site", data = made$data)),
               "in `rules`")
  expect_error(combine_tables(a, data.frame(x = 1)), "`...` element 2 must be an alleviation_table")
  expect_error(combine_tables(), "`...` must hold at least one")
  expect_error(combine_tables(list()), "`...` must hold at least one")
})

test_that("chunks tabulated on a two-worker PSOCK cluster combine to the whole", {
  skip_if_not_installed("parallel")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
  cl <- parallel::makePSOCKcluster(2)
  on.exit(parallel::stopCluster(cl))
  rows <- split(seq_len(nrow(myelography)), rep(1:4, length.out = nrow(myelography)))
  parts <- parallel::parLapply(cl, rows, function(i, data) {
    part <- data[i, ]
    myelorelief::tabulate_cohort(myelorelief::classify_cohort(part),
                                 by = c("hospital", "diagnosis"), data = part)
  }, data = myelography)
  whole <- tabulate_cohort(classify_cohort(myelography),
                           by = c("hospital", "diagnosis"), data = myelography)
  expect_identical(combine_tables(parts), whole)
})

test_that("a table of patient-visits and a table of patients are not added up", {
  rules <- study_rules()["lbp"]
  wide <- data.frame(id = c("a", "b", "c"), lbp_pre = c(8, 6, 0),
                     lbp_post = c(3, 6, 0), lbp_week1 = c(4, NA, 1))
  per_visit <- tabulate_cohort(classify_visits(wide, rules, visits = c("post", "week1"),
                                               id = "id"))
  per_patient <- tabulate_cohort(classify_cohort(wide[c("id", "lbp_pre", "lbp_post")],
                                                 rules, id = "id"))
  expect_error(combine_tables(per_patient, per_visit),
               "Table 2 counts patient-visits \\(a table of a classify_visits\\(\\) cohort\\), but table 1 counts patients",
               class = "myelorelief_error")
  expect_error(combine_tables(list(per_visit, per_visit, per_patient)),
               "Table 3 counts patients, but table 1 counts patient-visits")
  # tables of one kind combine, and keep their unit
  expect_identical(attr(combine_tables(per_visit, per_visit), "unit"), "patient-visit")
  expect_null(attr(combine_tables(per_patient, per_patient), "unit"))
  expect_equal(combine_tables(per_patient, per_patient)$n, 2 * per_patient$n)
})
