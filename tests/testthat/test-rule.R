test_that("alleviation_rule() stores validated settings", {
  r <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                        range = c(0, 10), label = "pain")
  expect_s3_class(r, "alleviation_rule")
  expect_identical(r$direction, "decrease")
  expect_identical(r$min_change, 2)
  expect_identical(r$min_relative, 0.3)
  expect_identical(r$combine, "all")
  expect_identical(r$worsen_change, 2)          # defaults to min_change
  expect_identical(r$worsen_relative, 0.3)
  expect_identical(r$absent_at, 0)
  expect_identical(r$range, c(0, 10))
  expect_identical(r$label, "pain")
})

test_that("absent_at defaults by direction and NA thresholds take no part", {
  up <- alleviation_rule("increase", min_relative = 0.3)
  expect_identical(up$absent_at, Inf)
  expect_true(is.na(up$min_change))
  expect_true(is.na(up$worsen_change))
  expect_identical(up$worsen_relative, 0.3)
  never_worse <- alleviation_rule(min_change = 1, worsen_change = NA)
  expect_true(is.na(never_worse$worsen_change))
})

test_that("print() states the rule in words", {
  expect_snapshot({
    alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                     range = c(0, 10), label = "Leg pain (NRS)")
    alleviation_rule("increase", min_relative = 0.3)
    alleviation_rule("decrease", min_change = 15, min_relative = 0.3,
                     combine = "any", worsen_change = NA,
                     worsen_relative = NA, range = c(0, 100))
    alleviation_rule("increase", min_change = 100, absent_at = 500,
                     range = c(0, 500))
  })
  expect_match(format(alleviation_rule(min_change = 2, min_relative = 0.3))[1],
               "alleviated when the score falls by at least 2 points and by at least 30% of baseline",
               fixed = TRUE)
})

test_that("bad arguments are errors that name the argument", {
  expect_error(alleviation_rule("sideways", min_change = 1), "`direction`")
  expect_error(alleviation_rule(c("decrease", "up"), min_change = 1), "`direction`")
  expect_error(alleviation_rule(), "`min_change` and `min_relative`")
  expect_error(alleviation_rule(min_change = NA, min_relative = NA), "`min_change`")
  expect_error(alleviation_rule(min_change = -1), "`min_change`")
  expect_error(alleviation_rule(min_change = "2"), "`min_change`")
  expect_error(alleviation_rule(min_change = c(1, 2)), "`min_change`")
  expect_error(alleviation_rule(min_change = Inf), "`min_change`")
  expect_error(alleviation_rule(min_change = NaN), "`min_change`")
  expect_error(alleviation_rule(min_relative = "abc"), "`min_relative`.*\"abc\"")
  expect_error(alleviation_rule(min_relative = list(0.3)), "`min_relative`")
  expect_error(alleviation_rule(min_relative = factor(1)), "`min_relative`")
  expect_error(alleviation_rule(min_change = 1, combine = "both"), "`combine`")
  expect_error(alleviation_rule(min_change = 1, worsen_change = -2), "`worsen_change`")
  expect_error(alleviation_rule(min_change = 1, worsen_relative = "x"), "`worsen_relative`")
  expect_error(alleviation_rule(min_change = 1, absent_at = NA), "`absent_at`")
  expect_error(alleviation_rule(min_change = 1, absent_at = "0"), "`absent_at`")
  expect_error(alleviation_rule(min_change = 1, range = c(10, 0)), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = 10), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = c(0, NA)), "`range`")
  expect_error(alleviation_rule(min_change = 1, range = c("0", "10")), "`range`")
  expect_error(alleviation_rule(min_change = 1, label = 3), "`label`")
  expect_error(alleviation_rule(min_change = 1, label = c("a", "b")), "`label`")
  expect_error(alleviation_rule(min_change = 1), NA)
  expect_error(alleviation_rule(min_change = "2"), class = "myelorelief_error")
})

test_that("the quick rule check never passes a rule the full check refuses", {
  intact <- myelorelief:::rule_is_intact
  full_ok <- function(rule) {
    tryCatch({ myelorelief:::check_rule_structure(rule, NULL); TRUE },
             myelorelief_error = function(e) FALSE)
  }
  base <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3, range = c(0, 10))
  edits <- list(list(), list(min_change = "2"), list(min_change = -1), list(min_change = NaN),
                list(min_change = NA, min_relative = NA), list(min_change = c(1, 2)),
                list(min_relative = Inf), list(range = c(10, 0)), list(range = c(0, NA)),
                list(range = 1), list(absent_at = NA_real_), list(absent_at = "0"),
                list(direction = "up"), list(combine = NA), list(label = 1),
                list(worsen_change = numeric()), list(min_change = 2L), list(label = "x"))
  for (edit in edits) {
    rule <- base
    rule[names(edit)] <- edit
    if (intact(rule)) expect_true(full_ok(rule), label = deparse(edit))
  }
  expect_true(intact(base))
  expect_true(all(vapply(study_rules(), intact, logical(1))))
})

test_that("the hand edit of the finding is refused, not shifted into other fields", {
  r <- study_rules()$lbp
  r$worsen_change <- NULL
  r$min_change <- c(2, 0.3)
  expect_false(myelorelief:::rule_is_intact(r))
  expect_error(classify_alleviation(5, 6.6, r), "`worsen_change`",
               class = "myelorelief_error")
  r <- study_rules()$lbp
  r$direction <- c("decrease", "increase")   # what alleviation_rule()'s default looks like
  expect_error(classify_alleviation(5, 6.6, r), "`direction`", class = "myelorelief_error")
})

# Whether a hand-edited rule is valid, and which fields are wrong, written
# from ?alleviation_rule without the package's code: NULL when valid, else
# the names of the offending fields.
oracle_rule_problems <- function(rule) {
  fields <- c("direction", "min_change", "min_relative", "combine",
              "worsen_change", "worsen_relative", "absent_at", "range",
              "strict", "label")
  if (!is.list(rule)) return("list")
  nm <- names(rule)
  if (is.null(nm)) nm <- rep("", length(rule))
  # label and strict may be absent (a rule without strict is inclusive)
  bad_names <- c(nm[is.na(nm) | !nm %in% fields], nm[duplicated(nm)],
                 setdiff(setdiff(fields, c("label", "strict")), nm))
  if (length(bad_names)) return(ifelse(is.na(bad_names) | bad_names == "", "without a name", bad_names))
  one_of <- function(x, choices) is.character(x) && length(x) == 1 && !is.na(x) && x %in% choices
  threshold_ok <- function(x) {
    length(x) == 1 && !is.object(x) && is.null(dim(x)) &&
      ((is.logical(x) && is.na(x)) ||
         (is.numeric(x) && !is.nan(x) && (is.na(x) || (is.finite(x) && x >= 0))))
  }
  problems <- c(
    if (!one_of(rule$direction, c("decrease", "increase"))) "direction",
    if (!one_of(rule$combine, c("all", "any"))) "combine",
    Filter(function(f) !threshold_ok(rule[[f]]),
           c("min_change", "min_relative", "worsen_change", "worsen_relative")),
    if (!(is.numeric(rule$absent_at) && length(rule$absent_at) == 1 &&
          !is.object(rule$absent_at) && is.null(dim(rule$absent_at)) &&
          !is.na(rule$absent_at))) "absent_at",
    if (!(is.numeric(rule$range) && !is.object(rule$range) && is.null(dim(rule$range)) &&
          length(rule$range) == 2 && !anyNA(rule$range) &&
          rule$range[1] < rule$range[2])) "range",
    if (!is.null(rule$label) && !(is.character(rule$label) && length(rule$label) == 1 &&
                                  !is.na(rule$label))) "label",
    if (!is.null(rule$strict) && !(is.logical(rule$strict) && length(rule$strict) == 1 &&
                                   !is.na(rule$strict) && is.null(attributes(rule$strict)))) "strict")
  if (length(problems)) return(problems)
  if (is.na(rule$min_change) && is.na(rule$min_relative)) {
    return(c("min_change", "min_relative"))
  }
  NULL
}

# One random corruption of a rule (a plain list with its class kept).
corrupt_rule <- function(rule) {
  fields <- names(rule)
  f <- sample(fields, 1)
  value <- rule[[f]]
  kind <- sample(c("drop", "null", "empty", "double", "character", "list",
                   "nan", "negative", "inf", "na", "na_character", "integer",
                   "factor", "matrix", "named", "swap_values", "swap_places",
                   "unknown", "rename", "duplicate", "class_order", "flip",
                   "shift"), 1)
  out <- switch(kind,
    drop = { rule[[f]] <- NULL; rule },
    null = { rule[f] <- list(NULL); rule },
    empty = { rule[[f]] <- if (is.character(value)) character() else numeric(); rule },
    double = { rule[[f]] <- rep(value, length.out = 2); if (is.null(value)) rule[[f]] <- c(1, 2); rule },
    character = { rule[[f]] <- as.character(if (is.null(value)) 1 else value); rule },
    list = { rule[[f]] <- list(value); rule },
    nan = { rule[[f]] <- NaN; rule },
    negative = { rule[[f]] <- -sample(c(0.5, 2), 1); rule },
    inf = { rule[[f]] <- Inf; rule },
    na = { rule[[f]] <- sample(list(NA, NA_real_), 1)[[1]]; rule },
    na_character = { rule[[f]] <- NA_character_; rule },
    integer = { if (is.numeric(value)) rule[[f]] <- as.integer(round(value)); rule },
    factor = { rule[[f]] <- factor(if (is.null(value)) "a" else value); rule },
    matrix = { if (length(value)) rule[[f]] <- matrix(value, 1); rule },
    named = { if (length(value)) rule[[f]] <- stats::setNames(value, paste0("n", seq_along(value))); rule },
    swap_values = {
      g <- sample(setdiff(fields, f), 1)
      a <- rule[f]; b <- rule[g]
      rule[f] <- unname(b); rule[g] <- unname(a); rule
    },
    swap_places = {
      i <- sample(length(rule), 2)
      cls <- class(rule)
      rule <- unclass(rule)[replace(seq_along(rule), i, rev(i))]
      class(rule) <- cls
      rule
    },
    unknown = { rule[[sample(c("min_chnage", "worsen", "extra"), 1)]] <- 1; rule },
    rename = { names(rule)[names(rule) == f] <- toupper(f); rule },
    duplicate = { rule <- c(unclass(rule), rule[f]); class(rule) <- "alleviation_rule"; rule },
    class_order = {
      class(rule) <- sample(list(c("alleviation_rule", "list"),
                                 c("custom", "alleviation_rule")), 1)[[1]]
      rule
    },
    flip = {
      rule$direction <- setdiff(c("decrease", "increase"), rule$direction)
      rule$absent_at <- if (rule$direction == "decrease") 0 else Inf
      rule
    },
    shift = { rule$worsen_change <- NULL; rule$min_change <- c(rule$min_change, 0.3); rule })
  attr(out, "edit") <- paste0(kind, "(", f, ")")
  out
}

test_that("any corruption of a rule is refused by every consumer or classifies as its fields say", {
  seed <- 4242
  set.seed(seed)
  bases <- c(study_rules(), replicate(4, random_rule("decrease"), simplify = FALSE),
             replicate(4, random_rule("increase"), simplify = FALSE),
             replicate(2, random_rule("decrease", strict = TRUE), simplify = FALSE),
             replicate(2, random_rule("increase", strict = TRUE), simplify = FALSE))
  refused <- 0
  accepted <- 0
  cases <- n_cases(400)
  for (i in seq_len(cases)) {
    rule <- bases[[sample(length(bases), 1)]]
    edits <- character()
    for (k in seq_len(sample(1:3, 1, prob = c(0.6, 0.3, 0.1)))) {
      rule <- suppressWarnings(corrupt_rule(rule))  # NA from as.integer(Inf), ...
      edits <- c(edits, attr(rule, "edit"))
      attr(rule, "edit") <- NULL
    }
    info <- sprintf("seed %d, case %d: %s", seed, i, paste(edits, collapse = ", "))
    problems <- oracle_rule_problems(unclass(rule))
    # metres (with Inf) only where the rule allows them, else 0-10 scores
    metres <- identical(rule$direction, "increase") && is.numeric(rule$range) &&
      length(rule$range) == 2 && isTRUE(rule$range[2] == Inf)
    pre <- random_measurements(30, if (metres) "increase" else "decrease")
    post <- random_measurements(30, if (metres) "increase" else "decrease")
    data <- data.frame(s_pre = pre, s_post = post)
    consumers <- list(
      classify_alleviation = function() classify_alleviation(pre, post, rule),
      classify_cohort = function() classify_cohort(data, list(s = rule)),
      alleviation_curve = function() alleviation_curve(pre, post, rule, c(0.2, 1),
                                                       vary = "min_change"),
      reproduce_guo2016 = function() {
        rules <- study_rules()
        rules$lbp <- rule
        reproduce_guo2016(rules = rules)
      })
    if (length(problems)) {
      refused <- refused + 1
      pattern <- paste0("`(", paste(problems, collapse = "|"), ")`|",
                        if ("without a name" %in% problems) "without a name" else "^$")
      for (consumer in names(consumers)) {
        err <- tryCatch({ consumers[[consumer]](); NULL }, error = function(e) e)
        expect_s3_class(err, "myelorelief_error")
        expect_match(conditionMessage(err), pattern,
                     info = paste(info, consumer, "should name", paste(problems, collapse = "/")))
      }
    } else {
      accepted <- accepted + 1
      # the intact rule the fields describe, as the oracle reads them
      fields <- unclass(rule)
      expected <- oracle_classify(pre, post, fields)
      expect_identical(classify_alleviation(pre, post, rule), expected, info = info)
      expect_identical(classify_cohort(data, list(s = rule))$s, expected, info = info)
      curve <- alleviation_curve(pre, post, rule, c(0.2, 1), vary = "min_change")
      for (j in 1:2) {
        varied <- fields
        varied$min_change <- c(0.2, 1)[j]
        expect_equal(curve$alleviated[j],
                     sum(oracle_classify(pre, post, varied) == "alleviated", na.rm = TRUE),
                         info = info)
      }
    }
  }
  expect_identical(refused + accepted, as.double(cases))
  # both branches were exercised many times (under valgrind only 3 cases run)
  if (cases == 400) {
    expect_gt(refused, 100)
    expect_gt(accepted, 50)
  }
})

test_that("a rule and a cohort print within the console width", {
  # the study's walking-distance label, a derived rule's origin and the
  # cohort's per-symptom counts ran past 80 columns
  many <- myelography[rep(seq_len(nrow(myelography)), 40), ]
  rownames(many) <- NULL
  objects <- list(study_rules()$claudication,
                  reliable_change_rule(2.2, 0.85, range = c(0, 10), label = "Leg pain (NRS)"),
                  classify_cohort(myelography), classify_cohort(many))
  for (width in c(60L, 80L, 120L)) {
    old <- options(width = width)
    # the cohort's header and table are designed for 80 columns
    for (k in if (width < 80L) 1:2 else seq_along(objects)) {
      out <- capture.output(print(objects[[k]]))
      expect_lte(max(nchar(out, type = "width")), width,
                 label = sprintf("widest line of object %d at width %d", k, width))
    }
    options(old)
  }
})

test_that("an absolute threshold wider than the whole range is refused", {
  expect_error(alleviation_rule(min_change = 20, range = c(0, 10)),
               "`min_change` = 20 is more than the whole range \\[0, 10\\]")
  expect_error(alleviation_rule(min_change = 2, worsen_change = 11,
                                range = c(0, 10)),
               "`worsen_change` = 11 is more than the whole range")
  expect_error(alleviation_rule(min_change = 200, min_relative = 0.3,
                                combine = "any", range = c(0, 100)),
               "`min_change` = 200")
  # reachable: the whole span, an open range, a scaled decimal range
  expect_s3_class(alleviation_rule(min_change = 10, range = c(0, 10)),
                  "alleviation_rule")
  expect_s3_class(alleviation_rule(min_change = 1e6), "alleviation_rule")
  expect_s3_class(alleviation_rule(min_change = 0.3, range = c(0, 0.1 + 0.2)),
                  "alleviation_rule")
})

test_that("strict: stored, printed, checked, and passed to every consumer", {
  strict <- alleviation_rule(min_change = 2, min_relative = 0.3, range = c(0, 10),
                             label = "Leg pain (NRS)", strict = TRUE)
  expect_true(strict$strict)
  expect_false(alleviation_rule(min_change = 2)$strict)
  expect_false(study_rules()$lbp$strict)
  expect_true(myelorelief:::rule_is_intact(strict))
  expect_snapshot(strict)
  expect_match(format(strict)[1],
               "alleviated when the score falls by more than 2 points and by more than 30% of baseline",
               fixed = TRUE)
  for (bad in list(NA, "TRUE", 1, c(TRUE, TRUE), NULL, logical(), c(a = TRUE))) {
    expect_error(alleviation_rule(min_change = 2, strict = bad), "`strict` must be TRUE or FALSE",
                 class = "myelorelief_error", info = deparse(bad))
  }
  # a threshold the widest change cannot exceed is refused, as one wider
  # than the range is
  expect_error(alleviation_rule(min_change = 10, range = c(0, 10), strict = TRUE),
               "`min_change` = 10 is the whole range .* the rule is strict", class = "myelorelief_error")
  expect_error(alleviation_rule(min_change = 1, worsen_change = 10, range = c(0, 10), strict = TRUE),
               "`worsen_change` = 10", class = "myelorelief_error")
  expect_s3_class(alleviation_rule(min_change = 10, range = c(0, 10)), "alleviation_rule")
  expect_s3_class(alleviation_rule(min_change = 9.99, range = c(0, 10), strict = TRUE),
                  "alleviation_rule")
  expect_error(alleviation_rule(min_relative = 1, range = c(0, 10), strict = TRUE),
               "`min_relative` = 1 asks for a fall of more than 100%", class = "myelorelief_error")
  expect_s3_class(alleviation_rule(min_relative = 1, range = c(0, 10)), "alleviation_rule")
  # a hand edit of the field is checked like the others
  edited <- strict
  edited$strict <- NA
  expect_false(myelorelief:::rule_is_intact(edited))
  expect_error(classify_alleviation(8, 5, edited), "`strict` must be TRUE or FALSE",
               class = "myelorelief_error")
  # a rule without the field (saved before it existed) is inclusive
  old <- unclass(alleviation_rule(min_change = 2, range = c(0, 10)))
  old$strict <- NULL
  class(old) <- "alleviation_rule"
  pre <- c(8, 8, 3)
  post <- c(6, 7, 5)
  expect_identical(as.character(classify_alleviation(pre, post, old)),
                   c("alleviated", "unchanged", "worsened"))
  expect_false(any(grepl("boundary", capture.output(print(old)))))
  # every consumer follows the field: classify_cohort, the curve, visits
  pre <- c(8, 8, 8, 3, 3, 6, 0, NA)
  post <- c(6, 5.9, 7, 5, 5.5, 6, 2, 4)
  rule <- alleviation_rule(min_change = 2, range = c(0, 10), strict = TRUE)
  want <- oracle_classify(pre, post, rule)
  expect_identical(as.character(want),
                   c("unchanged", "alleviated", "unchanged", "unchanged", "worsened",
                     "unchanged", "absent", NA))
  expect_identical(classify_alleviation(pre, post, rule), want)
  data <- data.frame(id = seq_along(pre), s_pre = pre, s_post = post, s_week1 = post)
  expect_identical(classify_cohort(data[c("s_pre", "s_post")], list(s = rule))$s, want)
  visits <- classify_visits(data[c("id", "s_pre", "s_week1")], list(s = rule),
                            visits = "week1", id = "id")
  expect_identical(visits$s, want)
  for (t in c(1.5, 2, 2.05)) {
    varied <- rule
    varied$min_change <- t
    curve <- alleviation_curve(pre, post, rule, t, vary = "min_change")
    expect_identical(curve$alleviated,
                     as.double(sum(oracle_classify(pre, post, varied) == "alleviated", na.rm = TRUE)),
                     info = paste("t", t))
  }
  # the curve of a strict rule, over many thresholds, equals the classifier
  set.seed(2215)
  pre <- round(stats::runif(500, 0, 10), 1)
  post <- round(stats::runif(500, 0, 10), 1)
  thresholds <- seq(0, 9.9, by = 0.1)
  for (vary in c("min_change", "min_relative")) {
    base <- alleviation_rule(min_change = 1, min_relative = 0.2, range = c(0, 10), strict = TRUE)
    curve <- alleviation_curve(pre, post, base, if (vary == "min_change") thresholds else thresholds / 10,
                               vary = vary)
    expected <- vapply(seq_along(thresholds), function(j) {
      r <- base
      r[[vary]] <- if (vary == "min_change") thresholds[j] else thresholds[j] / 10
      as.double(sum(classify_alleviation(pre, post, r) == "alleviated", na.rm = TRUE))
    }, numeric(1))
    expect_identical(curve$alleviated, expected, info = vary)
  }
})
