# A plain-R durability, written from ?durability: a loop over patients.
oracle_durability <- function(v, symptoms, visits, key) {
  patients <- unique(v[[key]])
  rows <- list()
  transitions <- list()
  for (s in symptoms) {
    trans <- array(0, c(length(visits) - 1L, 3L, 3L))
    for (p in patients) {
      mine <- v[v[[key]] == p, ]
      class <- rep(NA_character_, length(visits))
      class[match(as.character(mine$visit), visits)] <- as.character(mine[[s]])
      state <- ifelse(is.na(class), "missing",
                      ifelse(class == "alleviated", "alleviated",
                             ifelse(class == "absent", "absent", "not")))
      absent <- any(state == "absent")
      judged <- which(state %in% c("alleviated", "not"))
      first <- which(state == "alleviated")[1L]
      relapsed <- !is.na(first) && any(state[seq_along(state) > first] == "not")
      later <- !is.na(first) && any(judged > first)
      course <- if (absent) "absent" else if (!length(judged)) "missing" else
        if (is.na(first)) "never" else if (relapsed) "relapsed" else
          if (later) "sustained" else "unconfirmed"
      rows[[length(rows) + 1L]] <- data.frame(
        key = p, symptom = s, n_judged = length(judged),
        n_alleviated = sum(state == "alleviated"),
        first_alleviated = visits[first],
        sustained = switch(course, sustained = TRUE, relapsed = , never = FALSE, NA),
        relapsed = switch(course, relapsed = TRUE, sustained = , never = ,
                          unconfirmed = FALSE, NA),
        course = course, stringsAsFactors = FALSE)
      if (!absent && length(visits) > 1L) {
        code <- match(state, c("alleviated", "not", "missing"))
        for (k in seq_len(length(visits) - 1L)) {
          trans[k, code[k], code[k + 1L]] <- trans[k, code[k], code[k + 1L]] + 1
        }
      }
    }
    transitions[[s]] <- trans
  }
  list(patients = do.call(rbind, rows), transitions = transitions)
}

compare_to_oracle <- function(d, oracle, key, info) {
  got <- as.data.frame(d)
  got <- data.frame(key = got[[key]], symptom = as.character(got$symptom),
                    n_judged = got$n_judged, n_alleviated = got$n_alleviated,
                    first_alleviated = as.character(got$first_alleviated),
                    sustained = got$sustained, relapsed = got$relapsed,
                    course = as.character(got$course), stringsAsFactors = FALSE)
  want <- oracle$patients
  ord <- function(x) x[order(x$symptom, x$key), , drop = FALSE]
  got <- ord(got)
  want <- ord(want)
  rownames(got) <- rownames(want) <- NULL
  expect_equal(got, want, info = info)
  tr <- as.data.frame(d, what = "transitions")
  for (s in names(oracle$transitions)) {
    mine <- tr[tr$symptom == s, ]
    want_tr <- oracle$transitions[[s]]
    for (k in seq_len(dim(want_tr)[1L])) {
      got_k <- matrix(mine$patients[as.integer(mine$from_visit) == k], 3, 3,
                      byrow = TRUE)
      expect_equal(got_k, want_tr[k, , ], info = paste(info, s, k))
    }
  }
}

make_visits <- function(n, seed, visits = c("d1", "w1", "m1", "m3")) {
  set.seed(seed)
  d <- data.frame(id = sample(100000L, n), sex = sample(c("f", "m"), n, TRUE))
  pre <- sample(0:10, n, replace = TRUE)
  pre[runif(n) < 0.1] <- NA
  pre[runif(n) < 0.1] <- 0                       # absent at baseline
  d$lbp_pre <- pre
  d$leg_pain_pre <- sample(c(0:10, NA), n, replace = TRUE)
  for (v in visits) {
    drop <- pre - sample(0:6, n, replace = TRUE)
    drop <- pmin(pmax(drop, 0), 10)
    drop[runif(n) < 0.2] <- NA                    # missed visits
    d[[paste0("lbp_", v)]] <- drop
    d[[paste0("leg_pain_", v)]] <- sample(c(0:10, NA), n, replace = TRUE)
  }
  d
}

test_that("durability agrees with a plain-R loop over patients", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  visits <- c("d1", "w1", "m1", "m3")
  for (seed in seq_len(n_cases(12))) {
    n <- sample(c(0:5, 50, 300), 1)
    d <- make_visits(n, seed)
    v <- classify_visits(d, rules, visits = visits, id = "id")
    dur <- durability(v)
    oracle <- oracle_durability(v, names(rules), visits, "id")
    if (n > 0) compare_to_oracle(dur, oracle, "id", paste("seed", seed))
    expect_equal(nrow(dur), 2 * n, info = paste("seed", seed))
    # rates per visit equal tabulate_cohort(by = "visit")
    tab <- as.data.frame(tabulate_cohort(v, by = "visit", margins = FALSE))
    tab <- tab[tab$symptom != "any", ]
    rates <- as.data.frame(dur, what = "visits")
    expect_equal(rates$alleviated, tab$alleviated[order(tab$symptom, tab$visit)],
                 info = paste("seed", seed))
    expect_equal(rates$rate, tab$rate[order(tab$symptom, tab$visit)],
                 info = paste("seed", seed))
  }
})

test_that("rows in any order, subsets and missing rows give the same durability", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  visits <- c("d1", "w1", "m1", "m3")
  for (seed in seq_len(n_cases(10))) {
    d <- make_visits(sample(1:200, 1), seed + 100)
    v <- classify_visits(d, rules, visits = visits, id = "id")
    whole <- durability(v)
    info <- paste("seed", seed)
    # permutation of the visit rows: visits out of order in the input
    shuffled <- durability(v[sample(nrow(v)), ])
    key <- function(x) {
      x <- as.data.frame(x)
      x[order(x$symptom, x$id), ]
    }
    expect_equal(key(shuffled), key(whole), ignore_attr = TRUE, info = info)
    expect_equal(as.data.frame(shuffled, what = "transitions"),
                 as.data.frame(whole, what = "transitions"), info = info)
    # rows of a visit dropped count as missing visits
    kept <- v[runif(nrow(v)) < 0.7, ]
    partial <- durability(kept)
    oracle <- oracle_durability(kept, names(rules), visits, "id")
    compare_to_oracle(partial, oracle, "id", info)
    # patient permutation of the data: the same rows per patient
    permuted <- durability(classify_visits(d[sample(nrow(d)), ], rules,
                                           visits = visits, id = "id"))
    expect_equal(key(permuted), key(whole), ignore_attr = TRUE, info = info)
    # chunks of patients: counts add up
    chunk <- sample(1:3, nrow(d), replace = TRUE)
    parts <- lapply(1:3, function(k) {
      durability(classify_visits(d[chunk == k, , drop = FALSE], rules,
                                 visits = visits, id = "id"))
    })
    sum_parts <- Reduce(`+`, lapply(parts, function(p) {
      as.data.frame(p, what = "transitions")$patients
    }))
    expect_equal(sum_parts, as.data.frame(whole, what = "transitions")$patients,
                 info = info)
    expect_equal(Reduce(`+`, lapply(parts, function(p) summary(p)$sustained)),
                 summary(whole)$sustained, info = info)
  }
})

test_that("hand-worked courses", {
  d <- data.frame(id = c("sus", "rel", "unc", "nev", "abs", "mis", "gap"),
                  lbp_pre = c(8, 8, 8, 8, 0, 8, 8),
                  lbp_a = c(2, 2, 8, 8, 0, NA, 2),
                  lbp_b = c(2, 8, NA, 8, NA, NA, NA),
                  lbp_c = c(NA, 2, 2, 8, 0, NA, 3))
  v <- classify_visits(d, study_rules()["lbp"], visits = c("a", "b", "c"), id = "id")
  dur <- as.data.frame(durability(v))
  expect_identical(as.character(dur$course),
                   c("sustained", "relapsed", "unconfirmed", "never", "absent",
                     "missing", "sustained"))
  expect_identical(dur$sustained, c(TRUE, FALSE, NA, FALSE, NA, NA, TRUE))
  expect_identical(dur$relapsed, c(FALSE, TRUE, FALSE, FALSE, NA, NA, FALSE))
  expect_identical(as.character(dur$first_alleviated), c("a", "a", "c", NA, NA, NA, "a"))
  expect_identical(dur$n_alleviated, c(2L, 2L, 1L, 0L, 0L, 0L, 2L))
  expect_identical(dur$n_judged, c(2L, 3L, 2L, 3L, 0L, 0L, 2L))
  s <- summary(durability(v))
  expect_identical(s$sustained, 2L)
  expect_identical(s$relapsed, 1L)
  expect_equal(s$sustained_rate, 2 / 3)
  expect_equal(c(s$sustained_rate_lower, s$sustained_rate_upper),
               unname(unlist(prop_ci(2, 3)[c("proportion_lower", "proportion_upper")])),
               ignore_attr = TRUE, tolerance = 1e-12)
})

test_that("print, format, as.data.frame and plot", {
  v <- classify_visits(hypothetical_followup,
                       visits = c("post", "week1", "month1", "month3"), id = "id")
  d <- durability(v)
  out <- capture.output(print(d))
  expect_true(all(nchar(out) <= 80))
  expect_match(paste(out[1:2], collapse = " "), "325 patients x 4 symptoms over 4 visits")
  f <- format(d)
  expect_true(all(vapply(f, is.character, logical(1))))
  expect_named(f, c("symptom", "judged", "alleviated", "at post", "relapsed",
                    "unconfirmed", "sustained", "sustained % (95% CI)"))
  expect_identical(class(as.data.frame(d)), "data.frame")
  expect_identical(nrow(as.data.frame(d, what = "transitions")), 4L * 3L * 9L)
  expect_error(as.data.frame(d, what = "x"), "`what` must be one of")
  expect_identical(class(d[1:3, ]), "data.frame")
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  expect_invisible(plot(d))
  expect_invisible(plot(d, which = "transitions"))
  expect_invisible(plot(d, which = "transitions", symptoms = "lbp"))
  grDevices::dev.off()
  unlink(file)
  expect_error(plot(d, symptoms = "nope"), "`symptoms` must name symptoms")
  expect_error(plot(d, which = "pie"), "`which` must be one of")
})

test_that("bad input to durability() is refused", {
  expect_error(durability(classify_cohort(myelography)),
               "`x` must be a myelo_visits cohort")
  expect_error(durability(1:3), "`x` must be a myelo_cohort")
  v <- classify_visits(hypothetical_followup, visits = c("post", "week1"), id = "id")
  expect_error(durability(v, conf_level = 2), "`conf_level`")
  expect_error(durability(v, method = "wald"), "`method`")
  twice <- v[c(1, 1, 2), ]
  expect_error(durability(twice), "more than one row for one patient and visit")
  one <- classify_visits(hypothetical_followup, visits = "post", id = "id")
  d <- durability(one)
  expect_identical(nrow(as.data.frame(d, what = "transitions")), 0L)
  expect_true(all(d$course[!is.na(d$first_alleviated)] == "unconfirmed"))
})

test_that("one thread and two give identical durability", {
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "")
  set.seed(7)
  n <- 70000
  d <- data.frame(id = seq_len(n), lbp_pre = sample(0:10, n, TRUE))
  for (v in c("a", "b", "c")) d[[paste0("lbp_", v)]] <- sample(c(0:10, NA), n, TRUE)
  v <- classify_visits(d, study_rules()["lbp"], visits = c("a", "b", "c"), id = "id")
  old <- myelorelief_threads(1)
  one <- durability(v)
  myelorelief_threads(Inf)
  two <- durability(v)
  myelorelief_threads(old)
  expect_identical(one, two)
})

test_that("a cohort whose ids were made duplicate or missing afterwards is refused", {
  wide <- data.frame(id = c("a", "b", "c"), lbp_pre = c(8, 6, 8),
                     lbp_day1 = c(2, 6, 8), lbp_week1 = c(8, 6, 2))
  v <- classify_visits(wide, study_rules()["lbp"], visits = c("day1", "week1"), id = "id")
  dup <- v
  dup$id[dup$id == "c"] <- "a"
  # in the layout classify_visits() makes and in any other order alike
  expect_error(durability(dup), "`x\\$id` has the patient \"a\" in more than one", class = "myelorelief_error")
  expect_error(durability(dup[c(2, 1, 3:6), ]), "more than one row for one patient and visit|`x\\$id` has the patient \"a\"",
               class = "myelorelief_error")
  na <- v
  na$id[na$id == "b"] <- NA
  expect_error(durability(na), "`x\\$id` is missing \\(NA\\) at row 2", class = "myelorelief_error")
  expect_error(durability(na[6:1, ]), "`x\\$id` is missing \\(NA\\) at row", class = "myelorelief_error")
})

test_that("a visit name with a % is text in the duplicate message", {
  wide <- data.frame(id = c("a", "b"), lbp_pre = c(8, 6), `lbp_50%` = c(2, 6),
                     check.names = FALSE)
  v <- classify_visits(wide, study_rules()["lbp"], visits = "50%", id = "id")
  v$id[2] <- "a"
  expect_error(durability(v), "has the patient \"a\" in more than one row of visit \"50%\" \\(rows 1, 2\\)",
               class = "myelorelief_error")
})

test_that("the transitions' bands are edged and the legend sits under the panels", {
  v <- classify_visits(hypothetical_followup, visits = c("post", "week1", "month1", "month3"),
                       id = "id")
  d <- durability(v)
  for (size in list(c(900, 700, 96), c(85 / 25.4 * 300, 80 / 25.4 * 300, 300))) {
    info <- sprintf("%g x %g px", size[1], size[2])
    file <- tempfile(fileext = ".png")
    grDevices::png(file, width = size[1], height = size[2], res = size[3])
    grDevices::dev.control("enable")
    plot(d, which = "transitions", symptoms = "lbp")
    entries <- grDevices::recordPlot()[[1L]]
    margin <- 1.6 * graphics::par("csi") / graphics::par("din")[2L]
    grDevices::dev.off()
    unlink(file)
    bands <- list()
    legend_y <- numeric()
    for (entry in entries) {
      args <- as.list(entry[[2L]])
      name <- args[[1L]]$name
      args <- args[-1L]
      if (identical(name, "C_polygon")) bands[[length(bands) + 1L]] <- args
      if (identical(name, "C_text") && any(args[[2L]] %in% "not alleviated")) {
        legend_y <- c(legend_y, args[[1L]]$y)
      }
    }
    expect_gt(length(bands), 10L)
    # every band has an edge, and a fill at least half opaque
    expect_true(all(vapply(bands, function(b) !is.na(b[[4L]]), logical(1))), info = info)
    alpha <- vapply(bands, function(b) grDevices::col2rgb(b[[3L]], alpha = TRUE)[4L], numeric(1))
    expect_true(all(alpha >= 0.5 * 255), info = info)
    # the legend is drawn on a page-wide overlay (0-1), in the outer margin
    # under the panels: never over a bar
    expect_length(legend_y, 3L)
    expect_lte(max(legend_y), margin)
  }
})

# ---- issue 21: the pass by visit patterns, one parallel region ---------

# Random class codes for n patients at n_visits visits, some visits missing
# (NA), absent at baseline for some patients, laid out as classify_visits()
# makes them; a second symptom with other codes.
random_courses <- function(n, n_visits, seed) {
  set.seed(seed)
  visits <- sprintf("v%d", seq_len(n_visits))
  d <- data.frame(id = sample(10L * n + 10L, n))
  pre <- sample(c(0:10, NA), n, replace = TRUE)
  d$lbp_pre <- pre
  d$leg_pain_pre <- sample(c(0:10, NA), n, replace = TRUE)
  for (v in visits) {
    x <- pmin(pmax(pre - sample(-2:5, n, replace = TRUE), 0), 10)
    x[runif(n) < runif(1, 0, 0.5)] <- NA          # missed visits
    d[[paste0("lbp_", v)]] <- x
    d[[paste0("leg_pain_", v)]] <- sample(c(0:10, NA), n, replace = TRUE)
  }
  list(data = d, visits = visits)
}

test_that("durability by visit patterns agrees with a plain-R loop, 1 to 8 visits (issue 21)", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  for (seed in seq_len(n_cases(16))) {
    n_visits <- c(1:8, sample(1:8, 8))[seed]
    n <- sample(c(0:3, 40L, 150L), 1)
    r <- random_courses(n, n_visits, seed + 2100)
    v <- classify_visits(r$data, rules, visits = r$visits, id = "id")
    info <- sprintf("seed %d, %d visits, %d patients", seed + 2100, n_visits, n)
    dur <- durability(v)
    expect_identical(nrow(dur), 2L * n, info = info)
    if (n == 0L) next
    compare_to_oracle(dur, oracle_durability(v, names(rules), r$visits, "id"),
                      "id", info)
    # the rows in any order and some dropped (missing visits): the general
    # path, against the oracle too
    kept <- v[sample(nrow(v)), ][runif(nrow(v)) < 0.8, ]
    if (nrow(kept)) {
      compare_to_oracle(durability(kept),
                        oracle_durability(kept, names(rules), r$visits, "id"),
                        "id", paste(info, "shuffled subset"))
    }
    # per-visit states: alleviated + not + absent + missing = patients
    rates <- as.data.frame(dur, what = "visits")
    expect_equal(rates$alleviated + rates$not_alleviated + rates$absent +
                   rates$missing, rep(n, nrow(rates)), info = info)
  }
})

test_that("a shuffle of the rows gives the same durability, patient for patient (issue 21)", {
  rules <- study_rules()[c("lbp", "leg_pain")]
  for (seed in seq_len(n_cases(6))) {
    n_visits <- c(3L, 6L, 7L)[(seed - 1L) %% 3L + 1L]
    r <- random_courses(sample(50:400, 1), n_visits, seed + 2200)
    v <- classify_visits(r$data, rules, visits = r$visits, id = "id")
    whole <- durability(v)
    shuffled <- durability(v[sample(nrow(v)), ])
    info <- sprintf("seed %d, %d visits", seed + 2200, n_visits)
    by_patient <- function(x) {
      x <- as.data.frame(x)
      x <- x[order(x$symptom, x$id), ]
      rownames(x) <- NULL
      x
    }
    expect_identical(by_patient(shuffled), by_patient(whole), info = info)
    expect_identical(as.data.frame(shuffled, what = "transitions"),
                     as.data.frame(whole, what = "transitions"), info = info)
    expect_identical(as.data.frame(shuffled, what = "visits"),
                     as.data.frame(whole, what = "visits"), info = info)
  }
})

test_that("hand-worked patterns: every course on 2 visits (issue 21)", {
  # 16 patients: every pair of states (alleviated, unchanged, absent,
  # missing) at two visits; baseline 8, follow-up 2 (alleviated), 8
  # (unchanged), baseline 0 (absent), NA (missing)
  states <- expand.grid(a = c("A", "U", "X", "M"), b = c("A", "U", "X", "M"),
                        stringsAsFactors = FALSE)
  value <- c(A = 2, U = 8, X = 0, M = NA)
  # absent needs a baseline of 0: give those patients baseline 0 and both
  # visits 0 when either visit is absent (absent is about the baseline)
  absent <- states$a == "X" | states$b == "X"
  d <- data.frame(id = 101:116, lbp_pre = ifelse(absent, 0, 8),
                  lbp_v1 = ifelse(absent, 0, value[states$a]),
                  lbp_v2 = ifelse(absent, 0, value[states$b]))
  d$lbp_v1[absent & states$a == "M"] <- NA
  d$lbp_v2[absent & states$b == "M"] <- NA
  v <- classify_visits(d, study_rules()["lbp"], visits = c("v1", "v2"), id = "id")
  dur <- durability(v)
  want <- ifelse(absent, "absent",
          ifelse(states$a == "A" & states$b == "A", "sustained",
          ifelse(states$a == "A" & states$b == "U", "relapsed",
          ifelse(states$a == "A" | states$b == "A", "unconfirmed",
          ifelse(states$a == "M" & states$b == "M", "missing", "never")))))
  expect_identical(as.character(dur$course), want)
  expect_identical(as.integer(dur$first_alleviated),
                   ifelse(absent, NA, ifelse(states$a == "A", 1L,
                                             ifelse(states$b == "A", 2L, NA))))
  tr <- as.data.frame(dur, what = "transitions")
  # not absent: 9 patients, one per (from, to) pair of A, U, M
  expect_identical(tr$patients, rep(1, 9))
})

test_that("a class code that is not a class is refused, on either path (issue 21)", {
  r <- random_courses(30, 4, 2300)
  v <- classify_visits(r$data, study_rules()["lbp"], visits = r$visits, id = "id")
  bad <- v
  codes <- unclass(bad$lbp)
  codes[17] <- 7L
  attributes(codes) <- attributes(bad$lbp)
  bad$lbp <- codes
  expect_error(durability(bad), "`x` holds a class code that is not a class",
               class = "myelorelief_error")
  expect_error(durability(bad[rev(seq_len(nrow(bad))), ]),
               "`x` holds a class code that is not a class",
               class = "myelorelief_error")
})

test_that("integer ids made duplicate or missing after classify_visits() are refused (issue 21)", {
  wide <- data.frame(id = c(10L, 20L, 30L), lbp_pre = c(8, 6, 8),
                     lbp_day1 = c(2, 6, 8), lbp_week1 = c(8, 6, 2))
  v <- classify_visits(wide, study_rules()["lbp"], visits = c("day1", "week1"), id = "id")
  expect_identical(nrow(durability(v)), 3L)
  dup <- v
  dup$id[dup$id == 30L] <- 10L
  expect_error(durability(dup), "`x\\$id` has the patient 10 in more than one row of visit \"day1\" \\(rows 1, 3\\)",
               class = "myelorelief_error")
  na <- v
  na$id[na$id == 20L] <- NA
  expect_error(durability(na), "`x\\$id` is missing \\(NA\\) at row 2", class = "myelorelief_error")
  # ids far apart (no bitmap over their range) and negative ones still work
  for (ids in list(c(-5L, .Machine$integer.max, 0L),
                   c(-.Machine$integer.max, .Machine$integer.max, 7L))) {
    w <- wide
    w$id <- ids
    d <- durability(classify_visits(w, study_rules()["lbp"], visits = c("day1", "week1"),
                                    id = "id"))
    expect_identical(d$id, ids)
    expect_identical(as.character(d$course), c("relapsed", "never", "unconfirmed"))
    w$id[3] <- w$id[1]
    expect_error(classify_visits(w, study_rules()["lbp"], visits = c("day1", "week1"), id = "id"),
                 sprintf("`id` column \"id\" has the value %d more than once \\(rows 1, 3\\)", ids[1]),
                 class = "myelorelief_error")
  }
})

test_that("the distinct-ids check agrees with anyDuplicated() (issue 21)", {
  # TRUE only for distinct ids without NA, and for all of them whose range
  # is at most 32 bits per id (wider: FALSE, and anyDuplicated() decides)
  ids_distinct <- myelorelief:::ids_distinct
  oracle <- function(x) {
    distinct <- !anyNA(x) && !anyDuplicated(x)
    narrow <- !length(x) || (as.numeric(max(x)) - min(x) + 1 <= 32 * length(x) + 64)
    distinct && narrow
  }
  for (seed in seq_len(n_cases(40))) {
    set.seed(seed + 2400)
    n <- sample(c(0:5, 100, 3000), 1)
    spread <- sample(c(1, 2, 40, 1e6), 1)
    x <- sample.int(max(1L, as.integer(min(n * spread, 2e9))), n,
                    replace = runif(1) < 0.5) + sample(c(-2e9, -5, 0, 1e8), 1)
    x <- as.integer(x)
    if (n && runif(1) < 0.2) x[sample(n, 1)] <- NA
    info <- sprintf("seed %d, n %d, spread %g", seed + 2400, n, spread)
    expect_identical(ids_distinct(x), oracle(x), info = info)
    if (ids_distinct(x)) expect_identical(anyDuplicated(x), 0L, info = info)
    k <- sample(0:n, 1)
    expect_identical(ids_distinct(x, k), oracle(x[seq_len(k)]),
                     info = paste(info, "first", k))
  }
  expect_false(ids_distinct(c(1, 2, 3)))        # doubles: left to anyDuplicated()
  expect_false(ids_distinct(factor(c("a", "b"))))
  expect_false(ids_distinct(matrix(1:4, 2)))
  expect_true(ids_distinct(c(-3L, 40L, 0L, 7L)))
  expect_false(ids_distinct(c(-3L, 40L, 0L, 40L)))
  # far apart: not proven here (anyDuplicated() decides)
  expect_false(ids_distinct(c(.Machine$integer.max, -.Machine$integer.max)))
})

test_that("visits from long data with time as factor, character, integer or Date give one durability (issue 21)", {
  set.seed(2500)
  n <- 60
  days <- c(0L, 7L, 30L, 90L)
  long <- expand.grid(time = days, symptom = c("lbp", "leg_pain"), id = sprintf("p%02d", 1:n),
                      stringsAsFactors = FALSE)
  long$value <- sample(c(0:10, NA), nrow(long), replace = TRUE)
  long <- long[runif(nrow(long)) < 0.9, ]       # rows absent: missing visits
  long <- long[sample(nrow(long)), ]
  start <- as.Date("2024-03-01")
  as_type <- list(
    integer = function(t) t,
    character = function(t) as.character(t),
    factor = function(t) factor(t, levels = days),
    Date = function(t) start + t)
  results <- lapply(names(as_type), function(type) {
    l <- long
    l$time <- as_type[[type]](l$time)
    key <- as.character(as_type[[type]](days))
    w <- widen_measurements(l, pre = key[1], post = key[-1])
    v <- classify_visits(w, study_rules()[c("lbp", "leg_pain")],
                         visits = stats::setNames(key[-1], c("w1", "m1", "m3")),
                         baseline = key[1], id = "id")
    durability(v)
  })
  names(results) <- names(as_type)
  for (type in names(as_type)[-1]) {
    expect_identical(as.data.frame(results[[type]]), as.data.frame(results$integer), info = type)
    expect_identical(as.data.frame(results[[type]], what = "transitions"),
                     as.data.frame(results$integer, what = "transitions"), info = type)
  }
  # the visits as integers name the same columns as their characters
  w <- widen_measurements(long, pre = 0L, post = days[-1])
  expect_identical(
    durability(classify_visits(w, study_rules()["lbp"], visits = days[-1], baseline = 0L, id = "id")),
    durability(classify_visits(w, study_rules()["lbp"], visits = as.character(days[-1]),
                               baseline = "0", id = "id")))
})

big_visits_case <- function(seed) {
  r <- random_courses(40000, 5, seed)
  r$data$numbness_pre <- r$data$lbp_pre
  for (v in r$visits) r$data[[paste0("numbness_", v)]] <- rev(r$data[[paste0("lbp_", v)]])
  r
}

test_that("one thread and two give identical visits and durability, above the threading threshold (issue 21)", {
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "")
  rules <- study_rules()[c("lbp", "leg_pain", "numbness")]
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  for (seed in 2600:2601) {
    r <- big_visits_case(seed)
    myelorelief_threads(1)
    v1 <- classify_visits(r$data, rules, visits = r$visits, id = "id")
    d1 <- durability(v1)
    d1_shuffled <- durability(v1[rev(seq_len(nrow(v1))), ])
    myelorelief_threads(2)
    v2 <- classify_visits(r$data, rules, visits = r$visits, id = "id")
    d2 <- durability(v2)
    d2_shuffled <- durability(v2[rev(seq_len(nrow(v2))), ])
    expect_identical(v2, v1, info = paste("seed", seed))
    expect_identical(d2, d1, info = paste("seed", seed))
    expect_identical(d2_shuffled, d1_shuffled, info = paste("seed", seed))
    # the classes, against classify_alleviation() visit by visit
    for (k in seq_along(r$visits)) {
      rows <- v2$visit == r$visits[k]
      expect_identical(v2$leg_pain[rows],
                       classify_alleviation(r$data$leg_pain_pre,
                                            r$data[[paste0("leg_pain_", r$visits[k])]],
                                            rules$leg_pain),
                       info = paste("seed", seed, "visit", k))
    }
    # the counts, against tabulate_cohort(by = "visit")
    tab <- as.data.frame(tabulate_cohort(v2, by = "visit", margins = FALSE))
    tab <- tab[tab$symptom != "any", ]
    expect_equal(as.data.frame(d2, what = "visits")$alleviated,
                 tab$alleviated[order(tab$symptom, tab$visit)], info = paste("seed", seed))
  }
})

test_that("classify_visits() and durability() in a child forked after the parent used threads (issue 21)", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") != "")
  script <- tempfile(fileext = ".R")
  result <- tempfile(fileext = ".rds")
  on.exit(unlink(c(script, result)))
  writeLines(c(
    "library(myelorelief)",
    paste0("random_courses <- ", paste(deparse(random_courses), collapse = "\n")),
    paste0("big_visits_case <- ", paste(deparse(big_visits_case), collapse = "\n")),
    "r <- big_visits_case(2700)",
    "rules <- study_rules()[c('lbp', 'leg_pain', 'numbness')]",
    "job <- function() { v <- classify_visits(r$data, rules, visits = r$visits, id = 'id')",
    "  list(v = v, d = durability(v), d_general = durability(v[rev(seq_len(nrow(v))), ])) }",
    "parent <- job()    # the parent starts OpenMP threads",
    "children <- parallel::mclapply(1:2, function(i) c(job(), threads = myelorelief_threads()),",
    "                               mc.cores = 2)",
    sprintf("saveRDS(list(parent = parent, children = children), '%s')", result)),
    script)
  status <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"),
                                     c("--vanilla", script), stdout = FALSE,
                                     stderr = FALSE, timeout = 120))
  expect_identical(status, 0L, label = "the child R process finished in time, status")
  skip_if_not(file.exists(result))
  out <- readRDS(result)
  expect_length(out$children, 2)
  for (child in out$children) {
    expect_false(inherits(child, "try-error"), info = paste(child))
    expect_identical(child$threads, 1L)
    expect_identical(child[c("v", "d", "d_general")], out$parent)
  }
})
