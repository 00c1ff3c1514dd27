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
