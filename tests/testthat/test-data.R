test_that("the data script rebuilds myelography and guo2016 identically", {
  script <- system.file("scripts", "make_myelography.R", package = "myelorelief")
  expect_true(nzchar(script))
  env <- new.env()
  sys.source(script, envir = env)
  seed_before <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(env$make_myelography(), myelography)
  expect_identical(env$make_myelography(), myelography)
  expect_identical(env$make_guo2016(), guo2016)
  seed_after <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(seed_after, seed_before)       # the user's RNG is untouched
})

test_that("myelography has the documented layout", {
  expect_identical(nrow(myelography), 325L)
  expect_named(myelography, c("id", "hospital", "exam_date", "age", "sex", "diagnosis",
                              "lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post",
                              "numbness_pre", "numbness_post", "claudication_pre",
                              "claudication_post", "myelo_block"))
  expect_identical(nlevels(myelography$hospital), 4L)
  expect_true(all(myelography$exam_date >= as.Date("2012-04-01") &
                    myelography$exam_date <= as.Date("2014-03-31")))
  expect_identical(levels(myelography$diagnosis),
                   c("lumbar spinal canal stenosis", "lumbar disc herniation",
                     "degenerative spondylolisthesis", "degenerative scoliosis", "other"))
  expect_identical(levels(myelography$myelo_block), c("none", "partial", "complete"))
  expect_false(anyDuplicated(myelography$id) > 0)
  scores <- unlist(myelography[c("lbp_pre", "lbp_post", "leg_pain_pre", "leg_pain_post",
                                 "numbness_pre", "numbness_post")])
  expect_true(all(scores %in% c(0:10, NA)))
  expect_true(any(is.infinite(myelography$claudication_pre)))
})

test_that("each alleviated patient has exactly one alleviated symptom", {
  cohort <- classify_cohort(myelography)
  n_alleviated <- rowSums(sapply(names(study_rules()), function(s) cohort[[s]] %in% "alleviated"))
  expect_identical(sum(n_alleviated == 1), 35L)
  expect_identical(sum(n_alleviated > 1), 0L)
  # realistic variety: worsened, absent and missing values all occur
  for (s in names(study_rules())) {
    expect_true(all(c("unchanged", "worsened", "absent") %in% cohort[[s]]), info = s)
    expect_true(anyNA(cohort[[s]]), info = s)
  }
})

test_that("guo2016 holds the published figures", {
  expect_identical(guo2016$alleviated, c(35L, 26L, 2L, 2L, 5L))
  expect_identical(unique(guo2016$patients), 325L)
  expect_identical(sum(guo2016$alleviated[-1]), guo2016$alleviated[1])
})

test_that("the hypothetical trial's script rebuilds it identically", {
  script <- system.file("scripts", "make_hypothetical_trial.R", package = "myelorelief")
  expect_true(nzchar(script))
  env <- new.env()
  sys.source(script, envir = env)
  seed_before <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(env$make_hypothetical_trial(), hypothetical_trial)
  seed_after <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  expect_identical(seed_after, seed_before)
  expect_identical(nrow(hypothetical_trial), 360L)
  expect_identical(levels(hypothetical_trial$arm), c("sham", "injection"))
  expect_identical(as.vector(table(hypothetical_trial$centre)), c(60L, 80L, 100L, 120L))
  # randomised 1:1 within centre
  expect_true(all(table(hypothetical_trial$centre, hypothetical_trial$arm) ==
                    as.vector(table(hypothetical_trial$centre)) / 2))
})
