# Every exported function x every argument x every kind of bad value: each
# either gives an error whose message names the argument, or a specified
# correct result (listed in `accept`, and checked where it matters below).

bad_values <- list(
  "NULL" = NULL, character = "a", list = list(1), factor = factor("a"),
  complex = 1i, raw = as.raw(1), logical = TRUE, Date = as.Date("2020-01-01"),
  empty = numeric(0), too_long = c(1, 2, 3), "NA" = NA, "NaN" = NaN, "Inf" = Inf,
  minus_Inf = -Inf, negative = -1, fraction = 1.5, huge = 1e308,
  matrix = matrix(1:4, 2), data_frame = data.frame(a = 1),
  named = c(a = 1, a = 2)
)

# Calls fun with args, arg replaced by each bad value in turn.
check_argument <- function(fun, args, arg, accept = character(),
                           message = sprintf("`%s", arg)) {
  kinds <- names(bad_values)
  stopifnot(all(accept %in% kinds))
  for (kind in kinds) {
    call_args <- args
    call_args[arg] <- list(bad_values[[kind]])
    label <- sprintf("%s(%s = <%s>)", deparse(substitute(fun)), arg, kind)
    if (kind %in% accept) {
      expect_error(do.call(fun, call_args), NA, label = label)
    } else {
      err <- tryCatch({ do.call(fun, call_args); NULL }, error = function(e) e)
      expect_false(is.null(err), label = paste(label, "gives an error"))
      if (!is.null(err)) {
        expect_match(conditionMessage(err), message, fixed = TRUE, label = label)
        expect_s3_class(err, "myelorelief_error")
        # the error names the function the user called, never an internal one
        called <- conditionCall(err)
        # (do.call() puts the function itself in the call: that is `fun`)
        name <- if (is.call(called) && is.name(called[[1L]])) as.character(called[[1L]]) else ""
        # (or a method of a generic the user called: summary.alleviation_table)
        generics <- c(getNamespaceExports("myelorelief"), "print", "format",
                      "summary", "plot", "as.data.frame")
        expect_true(name %in% c("", "do.call", "fun", generics) ||
                      any(startsWith(name, paste0(generics, "."))),
                    label = paste(label, "names", name))
        expect_false(grepl("\\ba (alleviation|[aeiou])", conditionMessage(err)),
                     label = paste(label, "reads as English"))
      }
    }
  }
}

pain <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
                         range = c(0, 10))
cohort <- classify_cohort(myelography)
table_h <- tabulate_cohort(cohort, by = "hospital", data = myelography)

test_that("alleviation_rule(): every argument", {
  base <- list(direction = "decrease", min_change = 2, min_relative = 0.3)
  check_argument(alleviation_rule, base, "direction")
  # NA leaves a threshold out; 1e308 is a (huge) valid threshold, except as
  # a relative fall of a measure bounded below by 0 (more than 100%)
  for (arg in c("min_change", "min_relative", "worsen_change", "worsen_relative")) {
    check_argument(alleviation_rule, base, arg,
                   accept = c("NA", if (arg != "min_relative") c("fraction", "huge")))
  }
  check_argument(alleviation_rule, base, "combine")
  check_argument(alleviation_rule, base, "absent_at",
                 accept = c("Inf", "minus_Inf", "negative", "fraction", "huge"))
  # a named range is still two increasing numbers
  # (with a threshold the range c(a = 1, a = 2) can reach)
  check_argument(alleviation_rule, utils::modifyList(base, list(min_change = 0.5)),
                 "range", accept = "named")
  check_argument(alleviation_rule, base, "label", accept = c("NULL", "character"))
  expect_identical(alleviation_rule(min_change = 2, label = NULL)$label, NULL)
})

test_that("classify_alleviation(): every argument", {
  base <- list(pre = 7, post = 3, rule = pain)
  # NA / NaN are missing values; 1.5 is a valid score
  check_argument(classify_alleviation, base, "pre", accept = c("NA", "NaN", "fraction"))
  check_argument(classify_alleviation, base, "post", accept = c("NA", "NaN", "fraction"))
  check_argument(classify_alleviation, base, "rule")
  expect_true(is.na(classify_alleviation(NaN, 3, pain)))
})

test_that("study_rules(): every argument", {
  base <- list(min_change = 2, min_relative = 0.3, claudication_relative = 0.3)
  check_argument(study_rules, base, "min_change", accept = "fraction")
  check_argument(study_rules, base, "min_relative")
  check_argument(study_rules, base, "claudication_relative", accept = c("fraction", "huge"))
})

test_that("classify_cohort(): every argument", {
  base <- list(data = myelography, rules = study_rules())
  check_argument(classify_cohort, base, "data")
  check_argument(classify_cohort, base, "rules")
  # NULL is the default mapping
  check_argument(classify_cohort, base, "pre", accept = "NULL")
  check_argument(classify_cohort, base, "post", accept = "NULL")
  check_argument(classify_cohort, base, "id", accept = "NULL")
  expect_error(classify_cohort(myelography[0, ], study_rules()), NA)
  expect_error(classify_cohort(myelography, study_rules(), id = "ID"), "`id` names a column not found")
  d <- myelography
  d$lbp_pre <- matrix(1, nrow(d), 2)
  expect_error(classify_cohort(d), "`data$lbp_pre` must be a numeric vector", fixed = TRUE)
  d <- myelography
  d$lbp_pre <- as.character(d$lbp_pre)
  expect_error(classify_cohort(d), "`data$lbp_pre`", fixed = TRUE)
})

test_that("widen_measurements(): every argument", {
  long <- data.frame(id = c(1, 1), symptom = "lbp", time = c("pre", "post"), value = c(7, 3))
  base <- list(long = long)
  check_argument(widen_measurements, base, "long")
  for (arg in c("id", "symptom", "time", "value")) check_argument(widen_measurements, base, arg)
  # pre / post are values of the time column; any single non-missing value
  # is a valid label, and then nothing matches it
  # pre and post are labels of the time column: any single value is one
  # (matched as text), and a label that matches nothing leaves rows unpaired
  for (arg in c("pre", "post")) check_argument(widen_measurements, base, arg, message = "`")
  expect_error(widen_measurements(long, pre = 1),
               "neither `pre` \\(\"1\"\\) nor `post` \\(\"post\"\\); name every time point")
})

test_that("prop_ci(): every argument", {
  base <- list(x = 3, n = 10)
  # x is vectorised: any length that recycles with n, names ignored
  check_argument(prop_ci, base, "x", accept = c("empty", "too_long", "named"),
                 message = "`x")
  check_argument(prop_ci, base, "n", accept = c("empty", "huge"), message = "`")
  check_argument(prop_ci, base, "conf_level")
  check_argument(prop_ci, base, "method")
  expect_identical(nrow(prop_ci(numeric(), 10)), 0L)
})

test_that("tabulate_cohort(): every argument", {
  base <- list(x = cohort, by = "hospital", data = myelography)
  check_argument(tabulate_cohort, base, "x")
  check_argument(tabulate_cohort, base, "by", accept = "NULL")
  # data = NULL is fine: the cohort carries hospital
  check_argument(tabulate_cohort, base, "data", accept = "NULL", message = "`data")
  check_argument(tabulate_cohort, base, "conf_level")
  check_argument(tabulate_cohort, base, "method")
  check_argument(tabulate_cohort, base, "margins", accept = "logical")
  check_argument(tabulate_cohort, base, "drop", accept = "logical")
  expect_error(tabulate_cohort(cohort, by = "hospital", data = myelography[0, ]),
               "`data` must have one row per row of `x`")
  expect_error(tabulate_cohort(cohort, by = "hospitl", data = myelography),
               "`by` names a column not found")
})

test_that("combine_tables(): bad tables", {
  for (kind in names(bad_values)) {
    expect_error(combine_tables(table_h, bad_values[[kind]]), "`...`", label = kind)
  }
  expect_error(combine_tables(bad_values$data_frame), "`...`")
})

test_that("compare_alleviated(): every argument", {
  base <- list(x = cohort, data = myelography, vars = c("age", "sex"))
  check_argument(compare_alleviated, base, "x")
  check_argument(compare_alleviated, base, "data", accept = "NULL")
  check_argument(compare_alleviated, base, "vars")
  check_argument(compare_alleviated, base, "simulate_B", accept = "huge")
  # NULL: the session's random numbers; any whole number is a seed
  check_argument(compare_alleviated, base, "seed", accept = c("NULL", "negative"))
})

test_that("alleviation_curve(): every argument", {
  base <- list(pre = c(7, 5), post = c(3, 5), rule = pain, thresholds = c(0.3, 0.5))
  # pre and post have length 2 here: single values are length errors
  check_argument(alleviation_curve, base, "pre", accept = "named", message = "`")
  check_argument(alleviation_curve, base, "post", accept = "named", message = "`")
  check_argument(alleviation_curve, base, "rule")
  check_argument(alleviation_curve, base, "thresholds",
                 accept = c("NULL", "fraction", "huge", "named", "too_long"))   # NULL: default grid
  check_argument(alleviation_curve, base, "vary")
  check_argument(alleviation_curve, base, "conf_level")
  check_argument(alleviation_curve, base, "method")
})

test_that("reproduce_guo2016(): every argument", {
  base <- list()
  check_argument(reproduce_guo2016, base, "data")
  check_argument(reproduce_guo2016, base, "rules")
  check_argument(reproduce_guo2016, base, "conf_level")
})

test_that("methods: arguments of print, format, summary and plot", {
  expect_error(summary(table_h, simulate_B = "a"), "`simulate_B`")
  expect_error(summary(table_h, simulate_B = -1), "`simulate_B`")
  check_argument(summary, list(object = table_h), "seed", accept = c("NULL", "negative"))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_error(plot(table_h, symptoms = "none"), "Nothing to plot")
})

test_that("estimate_mcid(): every argument", {
  base <- list(pre = c(7, 5, 8, 3, 6, 2), post = c(3, 5, 2, 3, 6, 1),
               anchor = c(TRUE, FALSE, TRUE, FALSE, FALSE, TRUE), boot = 0)
  check_argument(estimate_mcid, base, "pre")
  check_argument(estimate_mcid, base, "post")
  check_argument(estimate_mcid, base, "anchor")
  check_argument(estimate_mcid, base, "improved", accept = "logical")
  check_argument(estimate_mcid, base, "direction")
  check_argument(estimate_mcid, base, "scale")
  check_argument(estimate_mcid, base, "method")
  check_argument(estimate_mcid, base, "conf_level")
  check_argument(estimate_mcid, base, "boot")
  check_argument(estimate_mcid, base, "minimal", accept = "NULL")
  # `range` and `absent_at` go to alleviation_rule(), checked above; a
  # valid one may leave values out of range or every patient absent (see
  # test-mcid.R)
  mean_base <- list(pre = c(7, 5, 8, 3), post = c(3, 5, 2, 3),
                    anchor = c("a", "b", "a", "b"), method = "mean_change")
  # "a" is a value of the anchor (as a string or a factor)
  check_argument(estimate_mcid, mean_base, "minimal", accept = c("character", "factor"))
})

test_that("reliable_change_rule(): every argument", {
  base <- list(sd = 2, reliability = 0.8)
  check_argument(reliable_change_rule, base, "sd", accept = "fraction")
  check_argument(reliable_change_rule, base, "reliability")
  check_argument(reliable_change_rule, base, "direction")
  check_argument(reliable_change_rule, base, "conf_level")
  # an SD small enough for the named range c(a = 1, a = 2), whose width is 1
  # (a reliable change wider than the range is refused: test-reliable_change.R)
  check_argument(reliable_change_rule, list(sd = 0.2, reliability = 0.8, range = c(0, 10)),
                 "range", accept = "named")
  check_argument(reliable_change_rule, c(base, list(label = "a")), "label",
                 accept = c("NULL", "character"))
  from_baseline <- list(reliability = 0.8, baseline = c(1, 2, 3, 4), range = c(0, 10))
  # three values, a named pair: an SD can be computed
  check_argument(reliable_change_rule, from_baseline, "baseline",
                 accept = c("too_long", "named"))
})

test_that("as_rule(): every argument", {
  m <- estimate_mcid(c(7, 5, 8, 3, 6, 2), c(3, 5, 2, 3, 6, 1),
                     c(TRUE, FALSE, TRUE, FALSE, FALSE, TRUE), boot = 0)
  check_argument(as_rule, list(x = m), "x")
  check_argument(as_rule, list(x = m), "range", accept = "named")
  check_argument(as_rule, list(x = m), "label", accept = c("NULL", "character"))
})

test_that("methods_text(): every argument", {
  base <- list(rules = study_rules()["lbp"])
  check_argument(methods_text, base, "rules")
  check_argument(methods_text, base, "conf_level")
  check_argument(methods_text, base, "method")
  # NULL leaves strata, groups and characteristics out; any names will do
  for (arg in c("by", "group", "vars")) {
    check_argument(methods_text, base, arg, accept = c("NULL", "character"))
  }
  # the reference level: a level as text, a factor's level or a number
  check_argument(methods_text, c(base, group = "sex"), "reference",
                 accept = c("NULL", "character", "factor", "Inf", "minus_Inf", "negative",
                            "fraction", "huge"))
})

test_that("summary() of a table: `reference` must be a stratum with patients", {
  tab <- tabulate_cohort(classify_cohort(myelography), by = "sex")
  check_argument(summary, list(object = tab), "reference", accept = "NULL")
})

test_that("alleviation_report(): every argument", {
  skip_if_not_installed("knitr")
  skip_if_not_installed("markdown")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "report rendering under a memory checker")
  # file = "a" is a valid path: written in a temporary folder
  old <- setwd(tempdir())
  on.exit(setwd(old), add = TRUE)
  base <- list(data = myelography[1:40, c("lbp_pre", "lbp_post", "hospital", "sex")],
               rules = study_rules()["lbp"], file = tempfile(fileext = ".html"))
  check_argument(alleviation_report, base, "data")
  check_argument(alleviation_report, base, "rules")
  check_argument(alleviation_report, base, "conf_level")
  check_argument(alleviation_report, base, "method")
  check_argument(alleviation_report, base, "file", accept = "character")
  check_argument(alleviation_report, base, "title", accept = c("NULL", "character"))
  for (arg in c("by", "group", "vars")) {
    check_argument(alleviation_report, base, arg, accept = "NULL")
  }
  for (arg in c("pre", "post")) {
    check_argument(alleviation_report, base, arg, accept = "NULL")
  }
})
