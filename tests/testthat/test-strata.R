# Stratum columns counted by value (R/strata.R): regressions of the wrong
# tables found by a hostile review, each with its plain-R oracle.

test_that("Date and POSIXct strata count every patient by value", {
  cohort <- classify_cohort(myelography)
  tab <- tabulate_cohort(cohort, by = "exam_date", margins = FALSE)
  any <- tab[tab$symptom == "any", ]
  expect_false(anyNA(any$exam_date))
  expect_equal(sum(any$n), 325)
  oracle <- table(myelography$exam_date)
  expect_identical(as.character(any$exam_date), names(oracle))
  expect_equal(any$n, as.vector(oracle))
  expect_identical(attr(tab, "by_levels")$exam_date,
                   sort(unique(myelography$exam_date)))
  # the same instants in two time zones are the same strata
  cohort$when <- as.POSIXct(cohort$exam_date) + 3600
  tokyo <- cohort
  tokyo$when <- as.POSIXct(format(cohort$when, tz = "Asia/Tokyo"), tz = "Asia/Tokyo")
  a <- tabulate_cohort(cohort, by = "when")
  b <- tabulate_cohort(tokyo, by = "when")
  expect_identical(as.data.frame(a)[-1], as.data.frame(b)[-1])
  expect_equal(sum(a$n[a$symptom == "any" & a$when != "(all)"]), 325)
})

test_that("numbers that print alike stay distinct strata", {
  d <- data.frame(dose = c(0.3, 0.1 + 0.2, 0.3, 1e5, 100000L),
                  lbp_pre = c(8, 8, 8, 8, 8), lbp_post = c(2, 8, 2, 8, 2))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  tab <- tabulate_cohort(cohort, by = "dose", margins = FALSE)
  lbp <- tab[tab$symptom == "lbp", ]
  expect_identical(nrow(lbp), 3L)
  expect_equal(lbp$n, c(2, 1, 2))
  expect_equal(lbp$alleviated, c(2, 0, 1))
  expect_false(anyDuplicated(levels(tab$dose)) > 0)
  expect_identical(levels(tab$dose)[1:2], c("0.29999999999999999", "0.30000000000000004"))
  # and they combine without a clash
  halves <- list(tabulate_cohort(cohort[1:2, ], by = "dose"),
                 tabulate_cohort(cohort[3:5, ], by = "dose"))
  expect_equal(combine_tables(halves), tabulate_cohort(cohort, by = "dose"))
})

test_that("an NA level (addNA) is the missing stratum, also across chunks", {
  d <- myelography
  d$site <- addNA(factor(ifelse(d$hospital == "A", NA, as.character(d$hospital))))
  cohort <- classify_cohort(d)
  whole <- tabulate_cohort(cohort, by = "site")
  any <- whole[whole$symptom == "any" & !(whole$site %in% "(all)"), ]
  expect_identical(sum(is.na(any$site)), 1L)
  expect_equal(any$n, c(94, 66, 44, 121))
  parts <- list(tabulate_cohort(cohort[1:100, ], by = "site"),
                tabulate_cohort(cohort[101:325, ], by = "site"))
  combined <- combine_tables(parts)
  expect_equal(combined, whole)
  expect_equal(sum(combined$n[combined$symptom == "any" & !(combined$site %in% "(all)")]), 325)
})

test_that("crossing strata costs the combinations present, not their product", {
  set.seed(31)
  n <- 20000
  d <- data.frame(a = sample(4000, n, TRUE), b = sample(4000, n, TRUE),
                  lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  expect_error(tabulate_cohort(cohort, by = c("a", "b")),
               "crosses into [0-9,]+ combinations.*drop = TRUE", class = "myelorelief_error")
  tab <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE, margins = FALSE)
  expect_same_cells(tab, oracle_tabulate(cohort, list(d$a, d$b)))
  cells <- tab[tab$symptom == "lbp", ]
  expect_identical(nrow(cells), nrow(unique(d[c("a", "b")])))
  # the first stratum varies fastest, as in table() and expand.grid()
  values <- attr(tab, "by_levels")
  a <- values$a[as.integer(cells$a)]
  b <- values$b[as.integer(cells$b)]
  expect_identical(order(b, a), seq_along(a))
})

test_that("drop = FALSE lists every combination as table() does", {
  set.seed(32)
  d <- data.frame(site = factor(sample(c("a", "b", NA), 200, TRUE), levels = c("a", "b", "z")),
                  arm = sample(c("x", "y"), 200, TRUE),
                  lbp_pre = sample(0:10, 200, TRUE), lbp_post = sample(0:10, 200, TRUE))
  d <- d[!(d$site %in% "a" & d$arm == "y"), ]       # one combination absent
  cohort <- classify_cohort(d, study_rules()["lbp"])
  full <- tabulate_cohort(cohort, by = c("site", "arm"), margins = FALSE)
  oracle <- as.data.frame(table(site = addNA(d$site, ifany = TRUE), arm = d$arm))
  any <- full[full$symptom == "lbp", ]
  expect_identical(as.character(any$site), as.character(oracle$site))
  expect_identical(as.character(any$arm), as.character(oracle$arm))
  expect_equal(any$n, oracle$Freq)
  dropped <- tabulate_cohort(cohort, by = c("site", "arm"), margins = FALSE, drop = TRUE)
  expect_equal(dropped[dropped$symptom == "lbp", "n"], oracle$Freq[oracle$Freq > 0])
})

test_that("zero-row and mixed-type chunks combine by value", {
  d <- myelography
  d$dose <- rep(c(5L, 10L, 100000L), length.out = 325)
  cohort <- classify_cohort(d)
  whole <- tabulate_cohort(cohort, by = "dose")
  as_double <- cohort[101:325, ]
  as_double$dose <- as.double(as_double$dose)
  parts <- list(tabulate_cohort(cohort[0, ], by = "dose"),
                tabulate_cohort(cohort[1:100, ], by = "dose"),
                tabulate_cohort(as_double, by = "dose"))
  combined <- combine_tables(parts)
  expect_identical(levels(combined$dose), c("5", "10", "100000", "(all)"))
  expect_same_table_content(combined, whole)
  # factor in one chunk, character in another
  d$sex_chr <- as.character(d$sex)
  cohort <- classify_cohort(d)
  whole <- tabulate_cohort(cohort, by = "sex_chr")
  first <- cohort[1:150, ]
  first$sex_chr <- factor(first$sex_chr)
  combined <- combine_tables(tabulate_cohort(first, by = "sex_chr"),
                             tabulate_cohort(cohort[151:325, ], by = "sex_chr"))
  expect_same_table_content(combined, whole)
  # types that cannot meet: an error naming the column and both types
  dated <- cohort[151:325, ]
  dated$sex_chr <- as.Date("2020-01-01")
  expect_error(combine_tables(tabulate_cohort(first, by = "sex_chr"),
                              tabulate_cohort(dated, by = "sex_chr")),
               "\"sex_chr\" is factor in table 1 but Date in table 2",
               class = "myelorelief_error")
})

test_that("reserved and clashing names are refused where they enter", {
  rule <- study_rules()$lbp
  d <- data.frame(any_pre = 5, any_post = 2, lbp_pre = 5, lbp_post = 2)
  for (name in c("any", "any_alleviated", "primary_symptom")) {
    rules <- stats::setNames(list(rule), name)
    expect_error(classify_cohort(d, rules, pre = stats::setNames("lbp_pre", name),
                                 post = stats::setNames("lbp_post", name)),
                 sprintf("must not name a symptom \"%s\"", name),
                 class = "myelorelief_error")
  }
  # a data column with a symptom's name, or the id among the measurements
  clash <- data.frame(lbp = "x", lbp_pre = 5, lbp_post = 2)
  expect_error(classify_cohort(clash, list(lbp = rule)), "column \"lbp\"",
               class = "myelorelief_error")
  id_clash <- data.frame(id = 1, id_pre = 5, id_post = 2)
  expect_error(classify_cohort(id_clash, list(id = rule), id = "id"), "\"id\"",
               class = "myelorelief_error")
  expect_error(classify_cohort(data.frame(lbp_pre = 5, lbp_post = 2),
                               list(lbp = rule), id = "lbp_pre"),
               "`id` must not be a measurement column", class = "myelorelief_error")
  # a stratum value that margins would use
  cohort <- classify_cohort(data.frame(g = c("(all)", "b"), lbp_pre = 5, lbp_post = 2),
                            list(lbp = rule))
  expect_error(tabulate_cohort(cohort, by = "g"), "\"\\(all\\)\".*margins = FALSE",
               class = "myelorelief_error")
  expect_identical(nrow(tabulate_cohort(cohort, by = "g", margins = FALSE)), 2L)
  # a factor with duplicated levels (only structure() can make one)
  odd <- cohort
  odd$g <- structure(c(1L, 2L), levels = c("a", "a"), class = "factor")
  expect_error(tabulate_cohort(odd, by = "g"), "duplicated levels",
               class = "myelorelief_error")
  # widen_measurements() never makes two columns of one name
  long <- data.frame(lbp_pre = c(1, 1), symptom = "lbp", time = c("pre", "post"),
                     value = c(5, 2))
  expect_error(widen_measurements(long, id = "lbp_pre"), "`id` column \"lbp_pre\"",
               class = "myelorelief_error")
})

test_that("raw, logical and complex strata count by value", {
  d <- data.frame(lbp_pre = c(8, 8, 8, 8), lbp_post = c(2, 8, 2, 8))
  d$r <- as.raw(c(2, 1, 2, 1))
  d$l <- c(TRUE, NA, TRUE, FALSE)
  d$z <- complex(real = c(1, 1, 2, 1), imaginary = c(0, 1, 0, 0))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  for (column in c("r", "l", "z")) {
    tab <- tabulate_cohort(cohort, by = column, margins = FALSE)
    expect_same_cells(tab, oracle_tabulate(cohort, list(d[[column]])), info = column)
  }
})

test_that("data beside a cohort must be proven aligned", {
  cohort <- classify_cohort(myelography, id = "id")
  re_sorted <- myelography[order(myelography$lbp_pre), ]
  rownames(re_sorted) <- NULL          # as data.table::setkey() leaves them
  expect_error(tabulate_cohort(cohort, by = "hospital", data = re_sorted),
               "`data` is not aligned with `x`: column \"id\" differs",
               class = "myelorelief_error")
  moved <- cohort[order(cohort$lbp), ]
  expect_error(tabulate_cohort(moved, by = "hospital", data = myelography),
               "not aligned", class = "myelorelief_error")
  expect_error(compare_alleviated(moved, "lbp_pre", data = myelography),
               "not aligned", class = "myelorelief_error")
  # without shared columns or names, only the measurements can vouch
  bare <- classify_cohort(myelography[7:14])
  flipped <- myelography[325:1, ]
  rownames(flipped) <- NULL
  expect_error(tabulate_cohort(bare, by = "hospital", data = flipped),
               "measurements of", class = "myelorelief_error")
  expect_error(tabulate_cohort(bare, by = "hospital",
                               data = myelography["hospital"]),
               "share no column", class = "myelorelief_error")
  # the reordered cohort alone is right by construction
  expect_identical(tabulate_cohort(moved, by = "hospital"),
                   tabulate_cohort(cohort, by = "hospital"))
  expect_identical(compare_alleviated(moved, c("age", "sex")),
                   compare_alleviated(cohort, c("age", "sex")))
  # data.table re-sorted in place after classifying
  skip_if_not_installed("data.table")
  dt <- data.table::as.data.table(myelography)
  co <- classify_cohort(dt, id = "id")
  before <- tabulate_cohort(co, by = "hospital")
  data.table::setkey(dt, lbp_pre)
  expect_error(tabulate_cohort(co, by = "hospital", data = dt), "not aligned",
               class = "myelorelief_error")
  # the cohort's own columns were copied, not re-sorted with the data.table
  expect_identical(tabulate_cohort(co, by = "hospital"), before)
  expect_identical(co$id, myelography$id)
})

test_that("character strata are coded alike in C and in R, whatever the encodings", {
  cafe <- "caf\u00e9"
  latin1 <- iconv(cafe, "UTF-8", "latin1")
  expect_identical(Encoding(latin1), "latin1")
  d <- data.frame(lbp_pre = 8, lbp_post = rep(c(2, 8), 4))
  d$place <- c(cafe, latin1, "cafe", NA, "", cafe, "", "Cafe")
  cohort <- classify_cohort(d, study_rules()["lbp"])
  tab <- tabulate_cohort(cohort, by = "place", margins = FALSE)
  # the same text in two encodings is one stratum, as match() and table() say
  expect_identical(sum(tab$n), 8)
  expect_identical(nrow(tab), length(unique(d$place)))   # unique() too sees one cafe
  expect_identical(tab$n[!is.na(tab$place) & tab$place == cafe], 3)
  expect_identical(tab$n[is.na(tab$place)], 1)
  expect_identical(tab$n[!is.na(tab$place) & tab$place == ""], 2)
  # the fast path (all ASCII or UTF-8) and R's path give the same codes
  set.seed(71)
  for (case in seq_len(n_cases(20))) {
    pool <- c(sprintf("s%03d", sample(999, 30)), "", "\u00e9t\u00e9", "na\u00efve", NA)
    x <- sample(pool, sample(0:300, 1), replace = TRUE)
    fast <- myelorelief:::stratum_column(x, "x", NULL)
    key <- x
    first <- which(!duplicated(key) & !is.na(key))
    first <- first[order(key[first], method = "radix")]
    expect_identical(fast$codes, match(key, key[first]), info = paste("seed 71, case", case))
    expect_identical(fast$values, key[first], info = paste("seed 71, case", case))
    expect_false(is.null(.Call(myelorelief:::C_string_codes, x)))
  }
  expect_null(.Call(myelorelief:::C_string_codes, c("a", latin1)))
})

test_that("non-ASCII text strata as read.csv() reads them (native encoding) are counted", {
  # "Zürich" from read.csv() is in the native encoding, which radix
  # ordering refused: "Character encoding must be UTF-8, Latin-1 or bytes"
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "needs a UTF-8 locale")
  path <- tempfile(fileext = ".csv")
  writeLines(enc2utf8(c("site,pain_pre,pain_post", "Z\u00fcrich,5,1", "Bern,5,5",
                        "Z\u00fcrich,6,6", "S\u00e3o Paulo,7,2", "Bern,NA,1")),
             path, useBytes = TRUE)
  d <- utils::read.csv(path, stringsAsFactors = FALSE)
  expect_true(any(Encoding(d$site) == "unknown" & grepl("rich", d$site)))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  tab <- as.data.frame(tabulate_cohort(classify_cohort(d, rules), by = "site",
                                       margins = FALSE))
  alleviated <- d$pain_pre - d$pain_post >= 2
  oracle <- table(d$site, alleviated)
  expect_identical(as.character(tab$site), sort(enc2utf8(unique(d$site)), method = "radix"))
  expect_equal(tab$alleviated, as.vector(oracle[as.character(tab$site), "TRUE"]))
  expect_equal(tab$evaluable, as.vector(rowSums(oracle[as.character(tab$site), ])))
  # the same from the file, in chunks
  src <- as.data.frame(tabulate_source(path, rules = rules, by = "site", chunk_rows = 2,
                                       margins = FALSE))
  expect_identical(as.character(src$site), as.character(tab$site))
  expect_identical(src$alleviated, tab$alleviated)
})

# ---- sparse strata (issue 21): text coded and sorted in C, the table's
# columns gathered in C ------------------------------------------------------

test_that("distinct strings are sorted in C as radix order() sorts them", {
  # byte order of UTF-8 (the C locale's), with long shared prefixes (the
  # sort recurses 8 bytes at a time), "", "NA" and NA
  set.seed(2101)
  alphabet <- c("a", "b", "c", "A", " ", "0", "~", "\u00e9", "\u00ff", "\u0100",
                "\u4e2d", "\U0001F600")
  for (case in seq_len(n_cases(60))) {
    k <- sample(c(0:30, 200, 2000), 1)
    pool <- unique(vapply(sample(0:20, k, TRUE), function(l) {
      paste(sample(alphabet[seq_len(sample(3:12, 1))], l, TRUE), collapse = "")
    }, ""))
    if (case %% 3 == 0) pool <- c(pool, paste0(strrep("prefix__", sample(1:3, 1)), pool))
    pool <- c(pool, "NA", NA)
    x <- sample(pool, sample(0:3000, 1), replace = TRUE)
    coded <- .Call(myelorelief:::C_string_codes, x)
    first <- which(!duplicated(x) & !is.na(x))
    first <- first[order(x[first], method = "radix")]
    info <- paste("seed 2101, case", case)
    expect_identical(coded[[2L]], first, info = info)
    expect_identical(coded[[1L]], match(x, x[first]), info = info)
    expect_identical(coded[[3L]], x[first], info = info)
    s <- myelorelief:::stratum_column(x, "x", NULL)
    expect_identical(s$values, x[first], info = info)
    expect_identical(s$codes, match(x, x[first]), info = info)
  }
  expect_identical(.Call(myelorelief:::C_string_codes, character(0)),
                   list(integer(0), integer(0), character(0)))
  expect_identical(.Call(myelorelief:::C_string_codes, NA_character_),
                   list(NA_integer_, integer(0), character(0)))
})

test_that("cells are put in table order in C as radix order() orders them", {
  # the last stratum most significant, NA after the levels, ties (combine
  # tables can repeat a cell) kept in their order; 1 to 4 strata
  set.seed(2105)
  for (case in seq_len(n_cases(60))) {
    n_strata <- sample(1:4, 1)
    n <- sample(c(0:3, 50, 2000), 1)
    n_levels <- sample(c(0L, 1L, 2L, 7L, 300L), n_strata, TRUE)
    codes <- lapply(n_levels, function(k) {
      sample(c(seq_len(k), NA_integer_), n, TRUE,
             prob = c(rep(1, k), if (k) k / 5 + 0.1 else 1))
    })
    info <- paste("seed 2105, case", case)
    expect_identical(.Call(myelorelief:::C_cell_order, codes, n_levels),
                     do.call(order, c(rev(codes), list(na.last = TRUE, method = "radix"))),
                     info = info)
    if (n > 0 && any(n_levels > 0)) {
      j <- which(n_levels > 0)[1]
      bad <- codes
      bad[[j]][sample(n, 1)] <- n_levels[j] + 1L
      expect_error(.Call(myelorelief:::C_cell_order, bad, n_levels),
                   "outside the levels", info = info)
    }
  }
  expect_error(.Call(myelorelief:::C_cell_order, list(1L, 1:2), c(2L, 2L)),
               "one integer code per cell")
})

# A plain-R table of one symptom by two strata, drop = TRUE, from table():
# the first stratum varying fastest, NA after the levels, text levels in
# byte order, the overall row last.
oracle_sparse_table <- function(a, b, class, margins) {
  levels_of <- function(v) {
    if (is.factor(v)) return(levels(v))
    u <- unique(v[!is.na(v)])
    u[order(u, method = "radix")]
  }
  la <- levels_of(a)
  lb <- levels_of(b)
  counts <- table(a = addNA(factor(as.character(a), levels = la), ifany = TRUE),
                  b = addNA(factor(as.character(b), levels = lb), ifany = TRUE),
                  class = factor(ifelse(is.na(class), "missing", as.character(class)),
                                 levels = count_names))
  # rows of the (a, b) grid, a varying fastest; an NA level is named NA
  m <- matrix(as.numeric(counts), ncol = length(count_names))
  grid_a <- rep(dimnames(counts)$a, times = dim(counts)[2])
  grid_b <- rep(dimnames(counts)$b, each = dim(counts)[1])
  keep <- rowSums(m) > 0
  rows <- data.frame(a = grid_a[keep], b = grid_b[keep])
  for (k in seq_along(count_names)) rows[[count_names[k]]] <- m[keep, k]
  if (margins) {
    total <- data.frame(a = "(all)", b = "(all)")
    for (k in count_names) total[[k]] <- sum(rows[[k]])
    rows <- rbind(rows, total)
  }
  rows$n <- rowSums(rows[count_names])
  rownames(rows) <- NULL
  list(rows = rows, levels_a = c(la, if (margins) "(all)"),
       levels_b = c(lb, if (margins) "(all)"))
}

expect_sparse_table <- function(tab, a, b, class, margins, info) {
  oracle <- oracle_sparse_table(a, b, class, margins)
  expect_identical(levels(tab$a), oracle$levels_a, info = info)
  expect_identical(levels(tab$b), oracle$levels_b, info = info)
  expect_identical(as.character(tab$a), oracle$rows$a, info = info)
  expect_identical(as.character(tab$b), oracle$rows$b, info = info)
  for (k in c("n", count_names)) {
    expect_identical(tab[[k]], oracle$rows[[k]], info = paste(info, k))
  }
  expect_identical(tab$evaluable, tab$alleviated + tab$unchanged + tab$worsened,
                   info = info)
  expect_identical(tab$rate, ifelse(tab$evaluable > 0, tab$alleviated / tab$evaluable,
                                    NA_real_), info = info)
}

test_that("sparse crossed text strata give table()'s cells, in order, with drop = TRUE", {
  set.seed(2102)
  for (case in seq_len(n_cases(12))) {
    n <- sample(c(0, 1, 50, 3000, 30000), 1)
    k <- sample(c(3, 150, 400), 1)
    pool <- c(sprintf("s%05d", sample(99999, k)), "", "NA", "\u00e9t\u00e9",
              "caf\u00e9 au lait, long enough to pass eight bytes")
    d <- data.frame(a = sample(c(pool, NA), n, TRUE), b = sample(c(pool, NA), n, TRUE),
                    lbp_pre = sample(c(0:10, NA), n, TRUE),
                    lbp_post = sample(c(0:10, NA), n, TRUE))
    cohort <- classify_cohort(d, study_rules()["lbp"])
    margins <- case %% 2 == 0
    tab <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE, margins = margins)
    expect_sparse_table(tab, d$a, d$b, cohort$lbp, margins,
                        info = paste("seed 2102, case", case, "n", n, "k", k))
  }
})

test_that("sparse strata count alike as character, factor, Date, POSIXct and double", {
  set.seed(2103)
  n <- if (nzchar(Sys.getenv("MYELORELIEF_MEMCHECK"))) 2000 else 40000
  ia <- sample(c(1:300, NA), n, TRUE)
  ib <- sample(c(1:300, NA), n, TRUE)
  d <- data.frame(lbp_pre = sample(c(0:10, NA), n, TRUE),
                  lbp_post = sample(c(0:10, NA), n, TRUE))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  as_type <- list(
    character = function(i) sprintf("v%04d", i)[ifelse(is.na(i), NA, seq_along(i))],
    factor = function(i) factor(sprintf("v%04d", i), levels = sprintf("v%04d", 1:300)),
    Date = function(i) as.Date("2020-01-01") + i,
    POSIXct_utc = function(i) as.POSIXct("2020-01-01", tz = "UTC") + i * 3600,
    POSIXct_tokyo = function(i) as.POSIXct("2020-01-01", tz = "Asia/Tokyo") + i * 3600,
    double = function(i) i / 10,
    integer = function(i) as.integer(i))
  tables <- lapply(as_type, function(f) {
    cohort$a <- f(ia)
    cohort$b <- f(ib)
    if (is.factor(cohort$a)) {           # NA where i is NA
      cohort$a[is.na(ia)] <- NA
      cohort$b[is.na(ib)] <- NA
    } else if (is.character(cohort$a)) {
      cohort$a[is.na(ia)] <- NA
      cohort$b[is.na(ib)] <- NA
    }
    tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  })
  # the factor's levels include values no patient has: empty levels stay
  # in the levels but not in the rows of drop = TRUE
  reference <- as.data.frame(tables$integer)
  for (type in names(tables)) {
    tab <- as.data.frame(tables[[type]])
    for (column in c("n", count_names, "evaluable", "rate", "rate_lower",
                     "rate_upper", "share")) {
      expect_identical(tab[[column]], reference[[column]], info = paste(type, column))
    }
    expect_identical(is.na(tab$a), is.na(reference$a), info = type)
  }
  expect_sparse_table(tables$character, sprintf("v%04d", ia)[ifelse(is.na(ia), NA, seq_len(n))],
                      sprintf("v%04d", ib)[ifelse(is.na(ib), NA, seq_len(n))],
                      cohort$lbp, TRUE, info = "seed 2103, character")
})

test_that("latin1 and UTF-8 spellings of a text are one sparse stratum", {
  set.seed(2104)
  n <- 20000
  utf8 <- c(sprintf("s%03d", 1:200), "caf\u00e9", "na\u00efve")
  latin1 <- iconv(utf8, "UTF-8", "latin1")
  Encoding(latin1) <- "latin1"
  stopifnot(latin1[201] == utf8[201], !identical(Encoding(latin1[201]), Encoding(utf8[201])))
  ia <- sample(length(utf8), n, TRUE)
  ib <- sample(length(utf8), n, TRUE)
  mixed <- ifelse(runif(n) < 0.5, latin1[ia], utf8[ia])
  d <- data.frame(lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  cohort$a <- mixed
  cohort$b <- utf8[ib]
  tab_mixed <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  cohort$a <- utf8[ia]
  tab_utf8 <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  expect_identical(nlevels(tab_mixed$a), length(utf8) + 1L)
  expect_true(all(levels(tab_mixed$a) == levels(tab_utf8$a)))
  for (column in c("n", count_names, "rate_lower")) {
    expect_identical(tab_mixed[[column]], tab_utf8[[column]], info = column)
  }
  expect_identical(as.integer(tab_mixed$a), as.integer(tab_utf8$a))
  expect_sparse_table(tab_utf8, utf8[ia], utf8[ib], cohort$lbp, TRUE, info = "seed 2104")
})

test_that("sparse strata tables do not depend on threads or a fork", {
  skip_on_os("windows")
  set.seed(2105)
  n <- if (nzchar(Sys.getenv("MYELORELIEF_MEMCHECK"))) 2000 else 60000
  pool <- sprintf("p%06d", sample(1e6, 5000))
  d <- data.frame(a = sample(c(pool, NA), n, TRUE), b = sample(pool, n, TRUE),
                  lbp_pre = sample(c(0:10, NA), n, TRUE),
                  lbp_post = sample(c(0:10, NA), n, TRUE),
                  leg_pain_pre = sample(0:10, n, TRUE), leg_pain_post = sample(0:10, n, TRUE))
  cohort <- classify_cohort(d, study_rules()[c("lbp", "leg_pain")])
  old <- myelorelief_threads()
  on.exit(myelorelief_threads(old))
  myelorelief_threads(1)
  one <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  myelorelief_threads(2)
  two <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  expect_identical(one, two)
  forked <- parallel::mclapply(1:2, function(i) {
    tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  }, mc.cores = 2)
  expect_identical(forked[[1L]], one)
  expect_identical(forked[[2L]], one)
  # two symptoms and "any": each symptom's block has the same cells in order
  lbp <- one[one$symptom == "lbp", ]
  any <- one[one$symptom == "any", ]
  expect_identical(as.integer(lbp$a), as.integer(any$a))
  expect_identical(as.integer(lbp$b), as.integer(any$b))
  expect_identical(lbp$n, any$n)
})

test_that("a factor's unused levels stay levels; drop = TRUE lists only cells with patients", {
  set.seed(2106)
  n <- 25000
  lv <- sprintf("f%03d", 1:200)
  d <- data.frame(a = factor(sample(lv[1:150], n, TRUE), levels = rev(lv)),
                  b = sample(c(lv, NA), n, TRUE),
                  lbp_pre = sample(0:10, n, TRUE), lbp_post = sample(0:10, n, TRUE))
  cohort <- classify_cohort(d, study_rules()["lbp"])
  tab <- tabulate_cohort(cohort, by = c("a", "b"), drop = TRUE)
  expect_identical(levels(tab$a), c(rev(lv), "(all)"))
  expect_sparse_table(tab, d$a, d$b, cohort$lbp, TRUE, info = "seed 2106")
})

test_that("the tables' Wilson intervals in C are proportion_interval()'s doubles", {
  set.seed(2107)
  for (case in seq_len(n_cases(40))) {
    m <- sample(c(10, 1000, 1e5), 1)
    n <- as.double(sample(c(0:5, 0:m, 1e12, 2^53 - 1), 2000, TRUE))
    x <- pmin(n, floor(n * sample(c(0, 1, runif(1)), 2000, TRUE) * runif(2000)))
    x[1:200] <- n[1:200]
    conf_level <- sample(c(0.95, 0.5, 1e-9, 1 - 1e-12, runif(1)), 1)
    oracle <- myelorelief:::proportion_interval(x, n, conf_level, "wilson")
    z <- stats::qnorm((1 - conf_level) / 2, lower.tail = FALSE)
    ours <- .Call(myelorelief:::C_wilson_columns, x, n, z)
    info <- paste("seed 2107, case", case, "conf_level", conf_level)
    # serialized: bit for bit, -0 apart from 0, NA apart from NaN
    expect_identical(serialize(ours, NULL),
                     serialize(unname(as.list(oracle)), NULL), info = info)
  }
  # and through tabulate_cohort(), where the other methods stay in R
  cohort <- classify_cohort(myelography)
  wilson <- tabulate_cohort(cohort, by = "hospital", conf_level = 0.9)
  ci <- myelorelief:::proportion_interval(wilson$alleviated, wilson$evaluable, 0.9, "wilson")
  expect_identical(wilson$rate_lower, ci$lower)
  expect_identical(wilson$rate_upper, ci$upper)
  expect_identical(wilson$rate, ci$estimate)
})

test_that("the grouped path (a grid past 16,384 cells) gives the direct path's counts, as doubles", {
  # Grouped counting keeps integer counts per cell, made doubles when the
  # table is gathered; several symptoms ("any" too), margins, NA strata and
  # drop = FALSE (its full grid) must come out as the direct path's.
  set.seed(2111)
  rules <- study_rules()[c("lbp", "leg_pain")]
  spare <- sprintf("unused%05d", 1:20000)
  for (case in seq_len(n_cases(6))) {
    n <- sample(c(0, 1, 300, 3000), 1)
    d <- data.frame(site = sample(c(letters[1:5], NA), n, TRUE),
                    arm = sample(c("x", "y", NA), n, TRUE),
                    lbp_pre = sample(c(0:10, NA), n, TRUE),
                    lbp_post = sample(c(0:10, NA), n, TRUE),
                    leg_pain_pre = sample(c(0:10, NA), n, TRUE),
                    leg_pain_post = sample(c(0:10, NA), n, TRUE))
    cohort <- classify_cohort(d, rules)
    small <- cohort
    small$site <- factor(d$site, levels = letters[1:5])
    big <- cohort
    big$site <- factor(d$site, levels = c(letters[1:5], spare))
    info <- paste("seed 2111, case", case, "n", n)
    for (drop in c(TRUE, FALSE)) {
      direct <- as.data.frame(tabulate_cohort(small, by = c("site", "arm"), drop = drop))
      grouped <- as.data.frame(tabulate_cohort(big, by = c("site", "arm"), drop = drop))
      if (!drop) grouped <- grouped[!(grouped$site %in% spare), ]
      expect_identical(nrow(grouped), nrow(direct), info = info)
      expect_identical(as.character(grouped$site), as.character(direct$site), info = info)
      expect_identical(as.character(grouped$arm), as.character(direct$arm), info = info)
      expect_identical(as.character(grouped$symptom), as.character(direct$symptom), info = info)
      for (column in c("n", count_names, "evaluable", "rate", "rate_lower",
                       "rate_upper", "share")) {
        expect_true(is.double(grouped[[column]]), info = paste(info, column))
        expect_identical(grouped[[column]], direct[[column]],
                         info = paste(info, "drop", drop, column))
      }
    }
  }
})
