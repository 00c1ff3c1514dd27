# Metamorphic properties of tabulation over many random cohorts: shuffling,
# chunking, the type of a stratum column and reordering must never change a
# count. Each case reports its seed so a failure can be replayed.

prop_rules <- list(
  lbp = alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                         range = c(0, 10)),
  walk = alleviation_rule("increase", min_relative = 0.3))

# A random wide data set of n patients: two symptoms with NA, zeros, Inf
# and values on the thresholds; stratum bases `s1` (k1 values) and `s2`
# as integers 1..k with NA.
prop_data <- function(n, k1 = 4, k2 = 3) {
  base <- function(k) {
    v <- sample.int(k, n, replace = TRUE)
    v[stats::runif(n) < 0.1] <- NA
    v
  }
  d <- data.frame(s1 = base(k1), s2 = base(k2))
  d$lbp_pre <- sample(c(0:10, NA), n, replace = TRUE)
  d$lbp_post <- sample(c(0:10, 4.9, NA), n, replace = TRUE)
  d$walk_pre <- sample(c(50, 100, 200, Inf, NA), n, replace = TRUE)
  d$walk_post <- sample(c(50, 130, 260, Inf, NA), n, replace = TRUE)
  d
}

random_n <- function() sample(c(0, 1, 2, sample(3:1500, 1)), 1)

# The integer codes 1..k as each type a user may pass; all of them sort in
# the order of the codes, so tables must agree row for row.
as_stratum_type <- function(v, type) {
  switch(type,
    integer = as.integer(v),
    double = as.double(v) / 4,                     # fractions, not whole
    character = ifelse(is.na(v), NA, sprintf("v%03d", v)),
    factor = factor(ifelse(is.na(v), NA, sprintf("v%03d", v)),
                    levels = sprintf("v%03d", seq_len(max(c(v, 1), na.rm = TRUE)))),
    Date = as.Date("2012-04-01") + v,
    POSIXct_utc = as.POSIXct("2012-04-01 08:00:00", tz = "UTC") + v * 3600.25,
    POSIXct_tokyo = as.POSIXct("2012-04-01 08:00:00", tz = "Asia/Tokyo") + v * 3600.25,
    difftime = as.difftime(v, units = "days"),
    complex = complex(real = v, imaginary = rep(-1, length(v))),
    addNA = addNA(factor(ifelse(is.na(v), NA, sprintf("v%03d", v)),
                         levels = sprintf("v%03d", seq_len(max(c(v, 1), na.rm = TRUE))))))
}
stratum_types <- c("integer", "double", "character", "factor", "Date",
                   "POSIXct_utc", "POSIXct_tokyo", "difftime", "complex", "addNA")

test_that("tables equal a plain-R table() oracle for every stratum type", {
  for (case in seq_len(n_cases(40))) {
    seed <- 1000 + case
    set.seed(seed)
    d <- prop_data(random_n())
    type1 <- sample(stratum_types, 1)
    type2 <- sample(stratum_types, 1)
    d$a <- as_stratum_type(d$s1, type1)
    d$b <- as_stratum_type(d$s2, type2)
    cohort <- classify_cohort(d, prop_rules)
    info <- sprintf("seed %d, n %d, types %s x %s", seed, nrow(d), type1, type2)
    for (drop in c(FALSE, TRUE)) {
      tab <- tabulate_cohort(cohort, by = c("a", "b"), drop = drop)
      expect_same_cells(tab, oracle_tabulate(cohort, list(d$a, d$b)),
                        info = paste(info, "drop", drop))
      cells <- tab[!(tab$a %in% "(all)"), ]
      expect_equal(cells$alleviated + cells$unchanged + cells$worsened +
                     cells$absent + cells$missing, cells$n, info = info)
      expect_equal(sum(cells$n[cells$symptom == "any"]), nrow(d), info = info)
    }
    one <- tabulate_cohort(cohort, by = "a")
    expect_same_cells(one, oracle_tabulate(cohort, list(d$a)), info = info)
  }
})

test_that("the same values as any type give the same counts, row for row", {
  for (case in seq_len(n_cases(25))) {
    seed <- 2000 + case
    set.seed(seed)
    d <- prop_data(random_n())
    reference <- NULL
    for (type in stratum_types) {
      d$a <- as_stratum_type(d$s1, type)
      d$b <- as_stratum_type(d$s2, sample(stratum_types, 1))
      tab <- tabulate_cohort(classify_cohort(d, prop_rules), by = c("a", "b"),
                             drop = TRUE)
      counts <- as.data.frame(tab)[c("symptom", "n", count_names)]
      if (is.null(reference)) reference <- counts
      expect_identical(counts, reference,
                       info = sprintf("seed %d, type %s", seed, type))
    }
  }
})

test_that("shuffling patients before classifying gives the same table", {
  for (case in seq_len(n_cases(30))) {
    seed <- 3000 + case
    set.seed(seed)
    d <- prop_data(random_n())
    d$a <- as_stratum_type(d$s1, sample(stratum_types, 1))
    d$b <- as_stratum_type(d$s2, sample(stratum_types, 1))
    by <- sample(list("a", c("a", "b"), c("b", "a")), 1)[[1]]
    drop <- sample(c(TRUE, FALSE), 1)
    whole <- tabulate_cohort(classify_cohort(d, prop_rules), by = by, drop = drop)
    shuffled <- d[sample.int(nrow(d)), , drop = FALSE]
    again <- tabulate_cohort(classify_cohort(shuffled, prop_rules), by = by,
                             drop = drop)
    expect_identical(again, whole, info = sprintf("seed %d", seed))
    # reordering the classified cohort itself changes nothing either
    cohort <- classify_cohort(d, prop_rules)
    reordered <- cohort[order(cohort$lbp, cohort$walk), ]
    expect_identical(tabulate_cohort(reordered, by = by, drop = drop), whole,
                     info = sprintf("seed %d, reordered cohort", seed))
  }
})

test_that("any partition into chunks combines to the whole table", {
  for (case in seq_len(n_cases(30))) {
    seed <- 4000 + case
    set.seed(seed)
    d <- prop_data(random_n())
    type <- sample(stratum_types, 1)
    d$a <- as_stratum_type(d$s1, type)
    d$b <- as_stratum_type(d$s2, "integer")
    drop <- sample(c(TRUE, FALSE), 1)
    margins <- sample(c(TRUE, FALSE), 1)
    method <- sample(c("wilson", "exact"), 1)
    whole <- tabulate_cohort(classify_cohort(d, prop_rules), by = c("a", "b"),
                             drop = drop, margins = margins, method = method)
    k <- sample(1:6, 1)
    chunk <- sample.int(k + 1, nrow(d), replace = TRUE)   # some chunks empty
    parts <- lapply(seq_len(k + 1), function(j) {
      part <- d[chunk == j, , drop = FALSE]
      tabulate_cohort(classify_cohort(part, prop_rules), by = c("a", "b"),
                      drop = drop, margins = margins, method = method)
    })
    info <- sprintf("seed %d, %d chunks, type %s, drop %s", seed, k + 1, type, drop)
    expect_equal(combine_tables(parts), whole, info = info)
    expect_equal(combine_tables(rev(parts)), whole, info = info)
  }
})

test_that("chunks whose column types differ combine by value", {
  families <- list(text = c("character", "factor", "addNA"),
                   number = c("integer", "double_whole"))
  for (case in seq_len(n_cases(30))) {
    seed <- 5000 + case
    set.seed(seed)
    d <- prop_data(random_n())
    family <- sample(names(families), 1)
    convert <- function(v, type) {
      if (type == "double_whole") as.double(v) else as_stratum_type(v, type)
    }
    # the whole column as the family's common type
    d$a <- if (family == "text") as_stratum_type(d$s1, "character") else as.double(d$s1)
    whole <- tabulate_cohort(classify_cohort(d, prop_rules), by = "a", drop = TRUE)
    k <- sample(2:5, 1)
    chunk <- sample.int(k, nrow(d), replace = TRUE)
    parts <- lapply(seq_len(k), function(j) {
      part <- d[chunk == j, , drop = FALSE]
      part$a <- convert(part$s1, sample(families[[family]], 1))
      tabulate_cohort(classify_cohort(part, prop_rules), by = "a", drop = TRUE)
    })
    combined <- combine_tables(parts)
    info <- sprintf("seed %d, family %s, %d chunks", seed, family, k)
    expect_same_table_content(combined, whole, info = info)
    expect_same_cells(combined, oracle_tabulate(classify_cohort(d, prop_rules), list(d$a)),
                      info = info)
  }
})

test_that("reordering or re-sorting the data beside a cohort never gives a wrong table", {
  for (case in seq_len(n_cases(20))) {
    seed <- 6000 + case
    set.seed(seed)
    d <- prop_data(sample(5:800, 1))
    d$id <- sprintf("P%04d", seq_len(nrow(d)))
    d$a <- as_stratum_type(d$s1, sample(stratum_types, 1))
    with_id <- sample(c(TRUE, FALSE), 1)
    cohort <- classify_cohort(d[setdiff(names(d), "s2")], prop_rules,
                              id = if (with_id) "id")
    truth <- oracle_tabulate(cohort, list(d$a, d$s2))
    info <- sprintf("seed %d, id %s", seed, with_id)
    # aligned data: accepted, right answer
    expect_same_cells(tabulate_cohort(cohort, by = c("a", "s2"), data = d,
                                      drop = TRUE), truth, info = info)
    # every kind of misalignment: an error, or (when it cannot change the
    # table) the right answer, never a wrong table
    variants <- list(
      sorted = d[order(d$lbp_pre, d$walk_post), ],
      reversed = d[rev(seq_len(nrow(d))), ],
      shuffled_plain = {
        x <- d[sample.int(nrow(d)), ]
        rownames(x) <- NULL
        x
      },
      subset = d[-1, ])
    for (name in names(variants)) {
      result <- tryCatch(tabulate_cohort(cohort, by = c("a", "s2"),
                                         data = variants[[name]], drop = TRUE),
                         myelorelief_error = function(e) NULL)
      if (!is.null(result)) {
        expect_same_cells(result, truth, info = paste(info, name))
      }
    }
    # a reordered cohort beside the data in its old order is refused
    moved <- cohort[order(cohort$lbp), ]
    if (!identical(order(cohort$lbp), seq_len(nrow(cohort)))) {
      expect_error(tabulate_cohort(moved, by = "s2", data = d),
                   class = "myelorelief_error", info = info)
    }
  }
})

# ---- the counting kernel ---------------------------------------------------
# Cohorts whose class columns are drawn directly as codes 1..4 and NA (the
# patient class too: the kernel counts it as one more column), with one to
# three factor strata, so that every kernel shape is reached: no stratum to
# three, one to seven class columns. `bad` puts codes outside the levels at
# some rows of some columns.

kernel_cohort <- function(n, n_symptoms, n_strata, bad = 0) {
  symptoms <- paste0("s", seq_len(n_symptoms))
  rules <- stats::setNames(rep(list(alleviation_rule("decrease", min_change = 1)),
                               n_symptoms), symptoms)
  codes <- function() {
    v <- sample(c(1:4, NA), n, replace = TRUE, prob = c(4, 3, 1, 2, 1))
    structure(v, levels = c("alleviated", "unchanged", "worsened", "absent"),
              class = "factor")
  }
  strata <- lapply(seq_len(n_strata), function(j) {
    k <- c(4L, 3L, 2L)[j]
    v <- sample(c(seq_len(k), NA), n, replace = TRUE)
    structure(v, levels = LETTERS[seq_len(k)], class = "factor")
  })
  names(strata) <- c("h", "g", "f")[seq_len(n_strata)]
  classes <- stats::setNames(lapply(symptoms, function(s) codes()), symptoms)
  columns <- c(strata, classes, list(patient_class = codes(),
    any_alleviated = rep(NA, n),
    primary_symptom = structure(rep(NA_integer_, n), levels = symptoms, class = "factor")))
  first_bad <- NA_integer_
  if (bad > 0 && n > 0) {
    targets <- c(names(strata), symptoms, if (n_symptoms > 1) "patient_class")
    for (b in seq_len(bad)) {
      column <- sample(targets, 1)
      row <- sample.int(n, 1)
      nlev <- length(levels(columns[[column]]))
      code <- sample(c(0L, -1L, nlev + 1L, nlev + 2L, .Machine$integer.max,
                       -.Machine$integer.max), 1)
      v <- unclass(columns[[column]])
      v[row] <- code
      attributes(v) <- attributes(columns[[column]])
      columns[[column]] <- v
      first_bad <- min(first_bad, row, na.rm = TRUE)
    }
  }
  cohort <- structure(columns, class = c("myelo_cohort", "data.frame"),
                      row.names = .set_row_names(n), rules = rules,
                      source = list(pre = NULL, post = NULL, id = NULL))
  list(cohort = cohort, by = names(strata), first_bad = first_bad)
}

# Counts per stratum combination (text key, NA as "<NA>"), symptom and
# category, from table() alone.
kernel_oracle <- function(cohort, by) {
  symptoms <- names(attr(cohort, "rules"))
  columns <- c(symptoms, if (length(symptoms) > 1L) "patient_class")
  labels <- c(symptoms, if (length(symptoms) > 1L) "any")
  key <- if (length(by)) {
    do.call(paste, c(lapply(by, function(b) {
      v <- as.character(cohort[[b]]); v[is.na(v)] <- "<NA>"; v
    }), sep = " | "))
  } else rep("", nrow(cohort))
  out <- NULL
  for (k in seq_along(columns)) {
    cls <- as.character(cohort[[columns[k]]])
    cls[is.na(cls)] <- "missing"
    tab <- table(factor(key), factor(cls, levels = count_names))
    if (!nrow(tab)) next
    rows <- data.frame(key = rownames(tab), symptom = labels[k], stringsAsFactors = FALSE)
    for (c in count_names) rows[[c]] <- as.numeric(tab[, c])
    out <- rbind(out, rows)
  }
  out
}

kernel_table_cells <- function(tab, by) {
  key <- if (length(by)) {
    do.call(paste, c(lapply(by, function(b) {
      v <- as.character(tab[[b]]); v[is.na(v)] <- "<NA>"; v
    }), sep = " | "))
  } else rep("", nrow(tab))
  out <- data.frame(key = key, symptom = as.character(tab$symptom), stringsAsFactors = FALSE)
  for (c in count_names) out[[c]] <- tab[[c]]
  out[tab$n > 0, , drop = FALSE]
}

expect_kernel_counts <- function(tab, cohort, by, info) {
  got <- kernel_table_cells(tab, by)
  want <- kernel_oracle(cohort, by)
  if (is.null(want)) {
    expect_identical(nrow(got), 0L, info = info)
    return(invisible())
  }
  got <- got[order(got$key, got$symptom), , drop = FALSE]
  want <- want[order(want$key, want$symptom), , drop = FALSE]
  rownames(got) <- rownames(want) <- NULL
  expect_identical(got, want, info = info)
}

# Sizes around the kernel's blocks (2^14 rows), the least rows it runs on
# two threads (2^16) and the interrupt chunk of the other loops (2^20).
kernel_sizes <- function() {
  small <- c(0, 1, 2, 3, 4, 5, 2^14 - 1, 2^14, 2^14 + 1, 2^16 - 1, 2^16,
             2^16 + 1, 4 * 2^14 + 7)
  if (nzchar(Sys.getenv("MYELORELIEF_MEMCHECK"))) return(c(0, 1, 2, 5, 17))
  big <- if (identical(Sys.getenv("NOT_CRAN"), "true")) c(2^20 - 1, 2^20, 2^20 + 1)
  c(small, big)
}

test_that("the counting kernel counts exactly on 1 and 2 threads at every block boundary", {
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  sizes <- kernel_sizes()
  for (case in seq_along(sizes)) {
    seed <- 2100 + case
    set.seed(seed)
    n <- sizes[case]
    n_symptoms <- sample(c(1, 2, 3, 4, 6), 1)
    n_strata <- sample(0:3, 1)
    made <- kernel_cohort(n, n_symptoms, n_strata)
    info <- sprintf("seed %d, n %d, %d symptoms, %d strata", seed, n, n_symptoms, n_strata)
    by <- if (length(made$by)) made$by
    myelorelief_threads(1)
    one <- tabulate_cohort(made$cohort, by = by, margins = FALSE)
    expect_kernel_counts(one, made$cohort, made$by, info)
    myelorelief_threads(2)
    two <- tabulate_cohort(made$cohort, by = by, margins = FALSE)
    expect_identical(two, one, info = info)
  }
})

test_that("an invalid code is reported at its first row, on 1 and 2 threads", {
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  sizes <- kernel_sizes()
  sizes <- sizes[sizes > 0]
  for (case in seq_along(sizes)) {
    seed <- 2200 + case
    set.seed(seed)
    n <- sizes[case]
    made <- kernel_cohort(n, sample(c(1, 2, 4), 1), sample(0:2, 1),
                          bad = sample(1:3, 1))
    info <- sprintf("seed %d, n %d, first bad row %d", seed, n, made$first_bad)
    by <- if (length(made$by)) made$by
    for (threads in 1:2) {
      myelorelief_threads(threads)
      expect_error(tabulate_cohort(made$cohort, by = by),
                   sprintf("row %d holds a code outside", made$first_bad),
                   fixed = TRUE, info = paste(info, "threads", threads))
      # the weighted passes (by key, or per symptom with many columns)
      expect_error(tabulate_cohort(made$cohort, by = by,
                                   weights = stats::runif(n)),
                   sprintf("row %d holds a code outside", made$first_bad),
                   fixed = TRUE, info = paste(info, "weighted, threads", threads))
    }
  }
})

test_that("the counting kernel gives the same counts in a forked child after the parent used threads", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "valgrind does not follow forks")
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(2)
  set.seed(2301)
  made <- kernel_cohort(3e5, 4, 1)
  parent <- tabulate_cohort(made$cohort, by = "h")
  children <- parallel::mclapply(1:2, function(i) {
    list(threads = myelorelief_threads(),
         table = tabulate_cohort(made$cohort, by = "h"))
  }, mc.cores = 2)
  for (child in children) {
    expect_identical(child$threads, 1L, info = "seed 2301")
    expect_identical(child$table, parent, info = "seed 2301")
  }
})
