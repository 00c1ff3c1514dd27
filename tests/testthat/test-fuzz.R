# Random calls into every exported function, in a child R process, so that
# a crash of the C code shows as a failed test rather than a dead run.
# Every error must be a clean R error whose message names what is wrong
# (it contains a backquoted argument or column name).

test_that("10,000 random calls neither crash R nor give unexplained errors", {
  skip_on_cran()
  skip_if(Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind", "valgrind does not follow child processes")
  script <- tempfile(fileext = ".R")
  result <- tempfile(fileext = ".rds")
  writeLines(c(
    "library(myelorelief)",
    "set.seed(20161116)",
    "rules <- study_rules()",
    "cohort <- classify_cohort(myelography)",
    "tab <- tabulate_cohort(cohort, by = 'hospital', data = myelography)",
    "mcid <- estimate_mcid(myelography$lbp_pre, myelography$lbp_post, myelography$lbp_pre > 5, boot = 0)",
    "random_numbers <- function() {",
    "  n <- sample(c(0, 1, 2, 5, 50), 1)",
    "  x <- sample(c(-1, 0, 1, 2.5, 7, 10, 11, 1e308, NA, NaN, Inf, -Inf), n, TRUE)",
    "  if (runif(1) < 0.3) x <- as.integer(ifelse(is.finite(x), x, NA))",
    "  x",
    "}",
    "pool <- list(",
    "  function() NULL, function() 'a', function() list(1, 'b'), function() factor(c('x', NA)),",
    "  function() 1i, function() as.raw(1:3), function() c(TRUE, NA), function() Sys.Date(),",
    "  function() matrix(1:6, 2), function() data.frame(a = 1:3), function() myelography[0, ],",
    "  function() myelography[sample(325, 20), ], function() random_numbers(),",
    "  function() random_numbers(), function() sample(rules, 1)[[1]], function() rules,",
    "  function() cohort, function() cohort[sample(325, 30), ], function() tab,",
    "  function() sample(c('hospital', 'sex', 'lbp', 'age', 'nope', 'symptom'), sample(1:2, 1)),",
    "  function() sample(c('wilson', 'exact', 'jeffreys', 'agresti-coull', 'wald'), 1),",
    "  function() sample(c(0.9, 0.95, 0, 1, -1, NA), 1), function() structure(1:3, class = 'odd'),",
    "  function() c(a = 1, b = 2), function() sample(c('decrease', 'increase', 'all', 'any'), 1))",
    "value <- function() pool[[sample(length(pool), 1)]]()",
    "# Plausible values by argument name, so that many calls get past the",
    "# first check and into the C code.",
    "plausible <- list(",
    "  pre = function() random_numbers(), post = function() random_numbers(),",
    "  rule = function() sample(rules, 1)[[1]], rules = function() rules,",
    "  x = function() if (runif(1) < 0.5) cohort else if (runif(1) < 0.4) mcid else sample(0:5, 3, TRUE),",
    "  n = function() sample(0:10, 3, TRUE), data = function() myelography,",
    "  by = function() sample(c('hospital', 'sex', 'diagnosis', 'primary_symptom'), sample(1:2, 1)),",
    "  thresholds = function() runif(sample(0:5, 1)) * sample(c(1, -1, NA), 1, prob = c(8, 1, 1)),",
    "  vars = function() sample(c('age', 'sex', 'diagnosis'), 2),",
    "  min_change = function() sample(c(NA, 0, 2, -1), 1), min_relative = function() sample(c(NA, 0.3, 2), 1),",
    "  anchor = function() sample(list(c(TRUE, FALSE, NA), factor(c('yes', 'no', NA)), c(1, 2, 3, NA)), 1)[[1]][sample(3, sample(c(0, 1, 2, 5, 50), 1), TRUE)],",
    "  improved = function() sample(list(TRUE, 'yes', 2, c('no', 'yes'), 'nope'), 1)[[1]],",
    "  minimal = function() sample(list(NULL, 'yes', 2, TRUE), 1)[[1]],",
    "  boot = function() sample(c(0, 5, 5, -1, 1.5), 1), sd = function() sample(c(2, 2, 0, -1, NA), 1),",
    "  reliability = function() sample(c(0.8, 0.8, 0, 1, NA), 1), baseline = function() random_numbers(),",
    "  scale = function() sample(c('points', 'percent', 'ratio'), 1),",
    "  method = function() sample(c('roc', 'mean_change', 'wilson', 'x'), 1))",
    "argument_value <- function(a) if (!is.null(plausible[[a]]) && runif(1) < 0.85) plausible[[a]]() else value()",
    "functions <- list(",
    "  alleviation_rule = alleviation_rule, classify_alleviation = classify_alleviation,",
    "  study_rules = study_rules, classify_cohort = classify_cohort,",
    "  widen_measurements = widen_measurements, prop_ci = prop_ci,",
    "  tabulate_cohort = tabulate_cohort, combine_tables = combine_tables,",
    "  compare_alleviated = compare_alleviated, alleviation_curve = alleviation_curve,",
    "  reproduce_guo2016 = reproduce_guo2016, estimate_mcid = estimate_mcid,",
    "  reliable_change_rule = reliable_change_rule, as_rule = as_rule)",
    "calls <- 0; errors <- 0; unexplained <- character()",
    "for (k in 1:10000) {",
    "  name <- sample(names(functions), 1)",
    "  f <- functions[[name]]",
    "  formal <- setdiff(names(formals(f)), '...')",
    "  if (!length(formal)) formal <- 'x'",
    "  required <- formal[vapply(formals(f)[formal], function(d) identical(d, quote(expr = )), logical(1))]",
    "  chosen <- union(if (runif(1) < 0.8) required, sample(formal, sample(seq_along(formal), 1)))",
    "  args <- lapply(chosen, argument_value)",
    "  names(args) <- if (name == 'combine_tables') NULL else chosen",
    "  calls <- calls + 1",
    "  err <- tryCatch({ suppressWarnings(do.call(f, args)); NULL }, error = function(e) e)",
    "  if (!is.null(err)) {",
    "    errors <- errors + 1",
    "    if (!grepl('`|argument \"[a-z_]+\" is missing', conditionMessage(err))) unexplained <- c(unexplained,",
    "      paste0(name, ': ', conditionMessage(err)))",
    "  }",
    "}",
    sprintf("saveRDS(list(calls = calls, errors = errors, unexplained = unique(unexplained)), '%s')",
            result)
  ), script)
  status <- system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", script),
                    stdout = FALSE, stderr = FALSE)
  expect_identical(status, 0L)
  expect_true(file.exists(result))
  if (file.exists(result)) {
    out <- readRDS(result)
    expect_identical(out$calls, 10000)
    expect_gt(out$errors, 0)
    expect_gt(out$calls - out$errors, 500)     # many calls get through, too
    expect_identical(out$unexplained, character())
  }
})
