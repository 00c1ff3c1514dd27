# classify_visits() classifies integer scores on a small whole-number range
# by a lookup table (made by the classifier itself) and summarises patients
# by a table too; it makes the visit and id columns in C. These tests hold
# those paths to classify_alleviation() on doubles (which never looks up),
# to a plain-R patient summary, and to rep().

# A random rule on the range [lo, hi], or NULL when alleviation_rule()
# refuses the draw (a threshold the range cannot reach).
random_rule <- function(lo, hi) {
  direction <- sample(c("decrease", "increase"), 1)
  min_change <- sample(c(NA, 0, 1, 2, 3, (hi - lo) %/% 2), 1)
  min_relative <- sample(c(NA, 0, 0.3, 0.5), 1)
  if (is.na(min_change) && is.na(min_relative)) min_change <- 1
  absent_at <- if (direction == "decrease") lo + sample(0:1, 1) else hi - sample(0:1, 1)
  tryCatch(
    alleviation_rule(direction = direction, min_change = min_change,
                     min_relative = min_relative,
                     combine = sample(c("all", "any"), 1),
                     worsen_change = sample(c(min_change, 1, NA), 1),
                     absent_at = absent_at, range = c(lo, hi),
                     strict = runif(1) < 0.3),
    error = function(e) NULL)
}

test_that("integer scores on small ranges: classes as classify_alleviation() gives on doubles", {
  for (seed in seq_len(n_cases(40))) {
    set.seed(seed + 7100)
    lo <- sample(c(0, 1, -5, -100), 1)
    span <- sample(c(1, 4, 10, 99, 100, 101, 150), 1)
    hi <- lo + span
    n <- sample(c(0:3, 40L, 3000L), 1)
    visits <- sprintf("v%d", seq_len(sample(1:4, 1)))
    symptoms <- c("a", "b", "c")[seq_len(sample(1:3, 1))]
    rules <- list()
    d <- data.frame(id = sample(1e6L, n))
    for (s in symptoms) {
      rule <- NULL
      while (is.null(rule)) rule <- random_rule(lo, hi)
      rules[[s]] <- rule
      # values on the bounds and the absent_at, with NA
      score <- function() {
        x <- sample(c(lo:hi, lo, hi, NA), n, replace = TRUE)
        as.integer(x)
      }
      d[[paste0(s, "_pre")]] <- score()
      for (v in visits) d[[paste0(s, "_", v)]] <- score()
    }
    info <- sprintf("seed %d, range [%g, %g], %d patients, %d visits, %d symptoms",
                    seed + 7100, lo, hi, n, length(visits), length(symptoms))
    out <- classify_visits(d, rules, visits = visits, id = "id")
    for (k in seq_along(visits)) {
      rows <- as.integer(out$visit) == k
      for (s in symptoms) {
        expect_identical(
          out[[s]][rows],
          classify_alleviation(as.double(d[[paste0(s, "_pre")]]),
                               as.double(d[[paste0(s, "_", visits[k])]]),
                               rules[[s]]),
          info = paste(info, "symptom", s, "visit", k))
      }
    }
    # the same data as doubles (classified without the table): the same
    doubles <- d
    for (column in names(d)[-1]) doubles[[column]] <- as.double(d[[column]])
    expect_identical(classify_visits(doubles, rules, visits = visits, id = "id"),
                     out, info = info)
  }
})

test_that("an integer beyond a bound but within the tolerance is judged as on doubles, not refused", {
  # range [1e9 - 10, 1e9]: 1e9 + 1 is within 1e-9 * 1e9 = 1 of the bound
  rule <- alleviation_rule(min_change = 2, range = c(1e9 - 10, 1e9))
  d <- data.frame(id = 1:4,
                  x_pre = as.integer(c(1e9, 1e9 + 1, 1e9 - 5, NA)),
                  x_t1 = as.integer(c(1e9 - 3, 1e9 - 4, 1e9 + 1, 1e9)))
  v <- classify_visits(d, list(x = rule), visits = "t1", id = "id")
  expect_identical(v$x, classify_alleviation(as.double(d$x_pre), as.double(d$x_t1), rule))
  expect_identical(as.character(v$x),
                   c("alleviated", "alleviated", "worsened", NA))
  # two beyond the tolerance: refused, naming the column and the row
  d$x_t1[3] <- as.integer(1e9 + 3)
  expect_error(classify_visits(d, list(x = rule), visits = "t1", id = "id"),
               "columns `x_pre`, `x_t1`.*1000000003 at position 3",
               class = "myelorelief_error")
})

test_that("an integer score outside the range is refused by name, as for doubles", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  d <- data.frame(id = 1:5, lbp_pre = c(8L, 6L, 8L, 2L, 0L),
                  lbp_t1 = c(2L, 6L, 8L, 2L, 1L),
                  leg_pain_pre = c(5L, 5L, 5L, 5L, 5L),
                  leg_pain_t1 = c(5L, -1L, 5L, 11L, 5L))
  expect_error(classify_visits(d, rules, visits = "t1", id = "id"),
               "Symptom \"leg_pain\" \\(columns `leg_pain_pre`, `leg_pain_t1`\\): `post` is -1 at position 2",
               class = "myelorelief_error")
  d$leg_pain_t1[2] <- NA
  d$lbp_pre[5] <- 11L
  expect_error(classify_visits(d, rules, visits = "t1", id = "id"),
               "Symptom \"lbp\" \\(columns `lbp_pre`, `lbp_t1`\\): `pre` is 11 at position 5",
               class = "myelorelief_error")
})

# The patient summary of ?classify_cohort, written out in plain R.
summary_oracle <- function(codes) {
  n <- if (length(codes)) length(codes[[1]]) else 0L
  m <- matrix(unlist(lapply(codes, as.integer)), nrow = n)
  primary <- apply(m, 1, function(r) {
    k <- which(!is.na(r) & r == 1L)
    if (length(k)) k[1] else NA_integer_
  })
  class <- apply(m, 1, function(r) {
    if (any(r == 1L, na.rm = TRUE)) 1L
    else if (any(r == 3L, na.rm = TRUE)) 3L
    else if (all(!is.na(r) & r == 4L)) 4L
    else if (any(r == 2L, na.rm = TRUE)) 2L
    else NA_integer_
  })
  list(class = as.integer(class), primary = as.integer(primary))
}

test_that("patient class, any_alleviated and primary symptom for 1 to 8 symptoms, against plain R", {
  for (seed in seq_len(n_cases(12))) {
    set.seed(seed + 7200)
    n_symptoms <- sample(1:8, 1)
    symptoms <- sprintf("s%d", seq_len(n_symptoms))
    n <- sample(c(1L, 50L, 400L), 1)
    d <- data.frame(id = seq_len(n))
    rules <- list()
    for (s in symptoms) {
      rules[[s]] <- alleviation_rule(min_change = 2, range = c(0, 10))
      # often absent (0) at baseline, so that every class occurs
      d[[paste0(s, "_pre")]] <- sample(c(0L, 0L, 0L, 1:10, NA), n, TRUE)
      d[[paste0(s, "_t1")]] <- sample(c(0:10, NA), n, TRUE)
      d[[paste0(s, "_t2")]] <- as.double(sample(c(0:10, NA), n, TRUE))
    }
    v <- classify_visits(d, rules, visits = c("t1", "t2"), id = "id")
    expected <- summary_oracle(as.list(v)[symptoms])
    info <- sprintf("seed %d, %d symptoms, %d patients", seed + 7200, n_symptoms, n)
    expect_identical(as.integer(v$patient_class), expected$class, info = info)
    expect_identical(v$any_alleviated,
                     ifelse(is.na(expected$class), NA, expected$class == 1L), info = info)
    expect_identical(as.integer(v$primary_symptom), expected$primary, info = info)
    expect_identical(levels(v$primary_symptom), symptoms, info = info)
  }
})

test_that("the id and visit columns are the ids repeated, whatever their type", {
  set.seed(7300)
  n <- 30L
  base <- data.frame(lbp_pre = sample(c(0:10, NA), n, TRUE),
                     lbp_t1 = sample(0:10, n, TRUE), lbp_t2 = sample(0:10, n, TRUE))
  ids <- list(
    integer = sample(1e6L, n), double = sample(n) + 0.25,
    character = sprintf("p%02d", sample(n)), factor = factor(sprintf("f%02d", sample(n))),
    Date = as.Date("2020-01-01") + sample(1000, n),
    named = stats::setNames(sample(n), sprintf("r%d", seq_len(n))),
    large = sample(n) + 2^40)
  for (kind in names(ids)) {
    d <- base
    d$id <- ids[[kind]]
    v <- classify_visits(d, study_rules()["lbp"], visits = c("t1", "t2"), id = "id")
    expect_identical(v$id, rep(d$id, times = 2L), info = kind)
    expect_identical(v$visit, factor(rep(c("t1", "t2"), each = n), levels = c("t1", "t2")),
                     info = kind)
    expect_identical(durability(v)$id, rep(d$id, times = 1L), info = kind)
  }
  # without an id: row numbers
  v <- classify_visits(base, study_rules()["lbp"], visits = c("t1", "t2"))
  expect_identical(v$patient, rep(seq_len(n), times = 2L))
  expect_identical(durability(v)$symptom, factor(rep("lbp", n), levels = "lbp"))
})

test_that("lookup paths: 1 vs 2 threads and a forked child give identical results", {
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "")
  set.seed(7400)
  n <- 70000L
  d <- data.frame(id = sample(1e7L, n))
  rules <- list(a = alleviation_rule(min_change = 2, range = c(0, 10)),
                b = alleviation_rule(direction = "increase", min_relative = 0.3,
                                     range = c(0, 100)),
                c = alleviation_rule(min_change = 3, range = c(0, 150)))
  for (s in names(rules)) {
    hi <- max(rules[[s]]$range)
    d[[paste0(s, "_pre")]] <- sample(c(0:hi, NA), n, TRUE)
    for (v in c("t1", "t2", "t3")) d[[paste0(s, "_", v)]] <- sample(c(0:hi, NA), n, TRUE)
  }
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(1)
  v1 <- classify_visits(d, rules, visits = c("t1", "t2", "t3"), id = "id")
  d1 <- durability(v1)
  myelorelief_threads(2)
  v2 <- classify_visits(d, rules, visits = c("t1", "t2", "t3"), id = "id")
  expect_identical(v2, v1)
  expect_identical(durability(v2), d1)
  skip_on_os("windows")
  forked <- parallel::mclapply(1:2, function(i) {
    classify_visits(d, rules, visits = c("t1", "t2", "t3"), id = "id")
  }, mc.cores = 2)
  expect_identical(forked[[1]], v1)
  expect_identical(forked[[2]], v1)
})
