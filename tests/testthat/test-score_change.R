# Oracles: t.test(), wilcox.test(), quantile(type = 7), mean(), sd(),
# lm() + confint(), and a plain-R noncentral t interval written here.

nrs_rule <- function(direction = "decrease") {
  alleviation_rule(direction, min_change = 1, range = c(-Inf, Inf))
}

score_data <- function(n, seed, ties = TRUE, missing = 0.1) {
  set.seed(seed)
  pre <- if (ties) sample(0:10, n, TRUE) else round(rnorm(n, 50, 10), 6)
  post <- if (ties) pmin(10, pmax(0, pre + sample(-4:3, n, TRUE)))
          else round(pre + rnorm(n, -2, 5), 6)
  pre[runif(n) < missing] <- NA
  post[runif(n) < missing] <- NA
  data.frame(s_pre = pre, s_post = post,
             site = sample(c("A", "B", "C"), n, TRUE),
             arm = factor(sample(c("ctl", "trt", "alt"), n, TRUE),
                          levels = c("ctl", "trt", "alt")))
}

# Plain-R oracle of one row: the pairs with both values.
oracle_row <- function(pre, post, increase = FALSE, conf_level = 0.95) {
  ok <- !is.na(pre) & !is.na(post)
  pre <- pre[ok]
  post <- post[ok]
  d <- if (increase) post - pre else pre - post
  tt <- t.test(if (increase) post else pre, if (increase) pre else post,
               paired = TRUE, conf.level = conf_level)
  w <- suppressWarnings(wilcox.test(pre, post, paired = TRUE))
  q0 <- quantile(pre, c(0.5, 0.25, 0.75), type = 7, names = FALSE)
  q1 <- quantile(post, c(0.5, 0.25, 0.75), type = 7, names = FALSE)
  list(n = length(d), pre_mean = mean(pre), pre_sd = sd(pre),
       pre_median = q0[1], pre_q1 = q0[2], pre_q3 = q0[3],
       post_mean = mean(post), post_sd = sd(post),
       post_median = q1[1], post_q1 = q1[2], post_q3 = q1[3],
       change_mean = mean(d), change_sd = sd(d),
       change_lower = tt$conf.int[1], change_upper = tt$conf.int[2],
       t_p = tt$p.value, wilcoxon_p = w$p.value,
       srm = mean(d) / sd(d), es = mean(d) / sd(pre))
}

# Steiger & Fouladi by bisection on pt(), independent of uniroot().
nct_interval <- function(d, n, conf_level = 0.95) {
  t <- d * sqrt(n)
  solve <- function(p) {
    lo <- t - 10
    hi <- t + 10
    for (i in 1:200) {
      mid <- (lo + hi) / 2
      if (pt(t, n - 1, mid) > p) lo <- mid else hi <- mid
    }
    mid / sqrt(n)
  }
  alpha <- 1 - conf_level
  c(solve(1 - alpha / 2), solve(alpha / 2))
}

expect_row <- function(row, oracle, info) {
  for (name in names(oracle)) {
    expect_equal(row[[name]], oracle[[name]], tolerance = 1e-9,
                 info = paste(info, name))
  }
}

test_that("one measure matches t.test, wilcox.test, quantile, mean and sd", {
  for (seed in 1:6) {
    d <- score_data(60 + seed * 20, seed, ties = seed %% 2 == 0)
    for (direction in c("decrease", "increase")) {
      x <- score_change(d, list(s = nrs_rule(direction)))
      expect_s3_class(x, "score_change")
      expect_equal(nrow(x), 1L)
      expect_equal(x$direction, if (direction == "increase") "post - pre" else "pre - post")
      expect_row(x, oracle_row(d$s_pre, d$s_post, direction == "increase"),
                 info = sprintf("seed %d, %s", seed, direction))
      expect_equal(x$n_missing, sum(is.na(d$s_pre) | is.na(d$s_post)))
    }
  }
})

test_that("Wilcoxon p is wilcox.test's: exact, with ties, with zeros, large n", {
  cases <- list(
    exact = list(pre = c(10.1, 12.3, 9.7, 14.2, 11.8, 13.6, 10.9, 12.2),
                 post = c(8.0, 11.1, 9.9, 10.3, 11.0, 10.2, 9.5, 12.0)),
    ties = list(pre = c(5, 6, 7, 8, 5, 6, 7, 8, 9, 4),
                post = c(3, 4, 5, 6, 6, 7, 8, 6, 5, 5)),
    zeros = list(pre = c(5, 6, 7, 8, 5, 6, 7, 8, 9, 4),
                 post = c(5, 4, 7, 6.5, 6, 7.25, 8.5, 6.1, 5.3, 5.9)),
    large = local({
      set.seed(11)
      pre <- rnorm(80)
      list(pre = pre, post = pre + rnorm(80, 0.3))
    }),
    small_exact_n49 = local({
      set.seed(12)
      pre <- rnorm(49)
      list(pre = pre, post = pre + rnorm(49, 0.2))
    })
  )
  for (name in names(cases)) {
    case <- cases[[name]]
    d <- data.frame(s_pre = case$pre, s_post = case$post)
    x <- score_change(d, list(s = nrs_rule()))
    w <- suppressWarnings(wilcox.test(case$pre, case$post, paired = TRUE))
    expect_equal(x$wilcoxon_p, w$p.value, tolerance = 1e-12, info = name)
    expect_equal(x$wilcoxon_method,
                 if (grepl("exact", w$method)) "exact" else "normal", info = name)
  }
})

test_that("the SRM interval is the noncentral t interval", {
  for (seed in 1:4) {
    d <- score_data(40 * seed, seed)
    x <- score_change(d, list(s = nrs_rule()), conf_level = 0.9)
    ci <- nct_interval(x$srm, x$n, 0.9)
    expect_equal(c(x$srm_lower, x$srm_upper), ci, tolerance = 1e-7,
                 info = sprintf("seed %d", seed))
    # at the limits the observed t is the alpha/2 quantiles
    t <- x$srm * sqrt(x$n)
    expect_equal(pt(t, x$n - 1, x$srm_lower * sqrt(x$n)), 0.95, tolerance = 1e-8)
    expect_equal(pt(t, x$n - 1, x$srm_upper * sqrt(x$n)), 0.05, tolerance = 1e-8)
  }
})

test_that("the Kazis effect size has the delta-method interval", {
  d <- score_data(150, 3)
  x <- score_change(d, list(s = nrs_rule()))
  ok <- !is.na(d$s_pre) & !is.na(d$s_post)
  ch <- d$s_pre[ok] - d$s_post[ok]
  es <- mean(ch) / sd(d$s_pre[ok])
  n <- sum(ok)
  se <- sqrt(var(ch) / (n * var(d$s_pre[ok])) + es^2 / (2 * (n - 1)))
  expect_equal(c(x$es, x$es_lower, x$es_upper),
               es + c(0, -1, 1) * qnorm(0.975) * se, tolerance = 1e-12)
})

test_that("strata and groups: each row matches its subset, overall rows too", {
  d <- score_data(600, 21)
  x <- score_change(d, list(s = nrs_rule()), by = "site", group = "arm")
  expect_equal(nrow(x), (3 + 1) * 3)
  expect_equal(levels(x$site), c("A", "B", "C", "(all)"))
  expect_equal(levels(x$arm), c("ctl", "trt", "alt"))
  for (i in seq_len(nrow(x))) {
    rows <- d$arm == x$arm[i]
    if (x$site[i] != "(all)") rows <- rows & d$site == as.character(x$site[i])
    expect_row(x[i, ], oracle_row(d$s_pre[rows], d$s_post[rows]),
               info = sprintf("row %d", i))
  }
})

test_that("group comparisons match Welch t.test and lm() + confint()", {
  d <- score_data(500, 31)
  for (direction in c("decrease", "increase")) {
    x <- score_change(d, list(s = nrs_rule(direction)), group = "arm",
                      reference = "trt")
    sign <- if (direction == "increase") 1 else -1
    ok <- !is.na(d$s_pre) & !is.na(d$s_post)
    e <- d[ok, ]
    e$change <- sign * (e$s_post - e$s_pre)
    e$arm <- relevel(e$arm, "trt")
    fit <- lm(s_post ~ arm + s_pre, data = e)
    ci <- confint(fit)
    for (level in c("ctl", "alt")) {
      row <- x[x$arm == level, ]
      two <- droplevels(e[e$arm %in% c(level, "trt"), ])
      two$arm <- factor(two$arm, levels = c(level, "trt"))
      tt <- t.test(change ~ arm, data = two, var.equal = FALSE)
      expect_equal(row$diff_change, unname(diff(rev(tt$estimate))), tolerance = 1e-10)
      expect_equal(c(row$diff_lower, row$diff_upper), as.vector(tt$conf.int),
                   tolerance = 1e-10, info = paste(direction, level))
      expect_equal(row$diff_p, tt$p.value, tolerance = 1e-10)
      coef_name <- paste0("arm", level)
      expect_equal(row$ancova_diff, sign * coef(fit)[[coef_name]], tolerance = 1e-10)
      expect_equal(sort(c(row$ancova_lower, row$ancova_upper)),
                   sort(sign * ci[coef_name, ]), tolerance = 1e-10,
                   ignore_attr = TRUE)
      expect_equal(row$ancova_p, coef(summary(fit))[coef_name, 4], tolerance = 1e-10)
    }
    ref <- x[x$arm == "trt", ]
    expect_true(is.na(ref$diff_change) && is.na(ref$ancova_diff))
  }
})

test_that("overall rows adjust the ANCOVA for the by strata", {
  d <- score_data(400, 41)
  x <- score_change(d, list(s = nrs_rule("increase")), by = "site", group = "arm")
  e <- d[!is.na(d$s_pre) & !is.na(d$s_post), ]
  fit <- lm(s_post ~ arm + s_pre + factor(site), data = e)
  row <- x[x$site == "(all)" & x$arm == "alt", ]
  expect_equal(row$ancova_diff, coef(fit)[["armalt"]], tolerance = 1e-10)
  expect_equal(c(row$ancova_lower, row$ancova_upper), unname(confint(fit)["armalt", ]),
               tolerance = 1e-10)
  # within a stratum: the model of that stratum alone
  fit_b <- lm(s_post ~ arm + s_pre, data = e[e$site == "B", ])
  row_b <- x[x$site == "B" & x$arm == "trt", ]
  expect_equal(row_b$ancova_diff, coef(fit_b)[["armtrt"]], tolerance = 1e-10)
})

test_that("MASS::anorexia: treatments against the control group", {
  skip_if_not_installed("MASS")
  an <- MASS::anorexia
  rule <- list(weight = alleviation_rule("increase", min_change = 1))
  x <- score_change(an, rule, group = "Treat", reference = "Cont",
                    pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_equal(as.character(x$Treat), c("CBT", "Cont", "FT"))
  expect_equal(x$n, c(29, 26, 17))
  an$Treat <- relevel(an$Treat, "Cont")
  fit <- lm(Postwt ~ Treat + Prewt, data = an)
  expect_equal(x$ancova_diff[c(1, 3)], unname(coef(fit)[c("TreatCBT", "TreatFT")]),
               tolerance = 1e-10)
  expect_equal(x$ancova_p[c(1, 3)],
               unname(coef(summary(fit))[c("TreatCBT", "TreatFT"), 4]),
               tolerance = 1e-10)
  ft <- subset(an, Treat != "CBT")
  ft$Treat <- factor(ft$Treat, levels = c("FT", "Cont"))
  tt <- t.test(I(Postwt - Prewt) ~ Treat, data = ft)
  expect_equal(x$diff_p[3], tt$p.value, tolerance = 1e-10)
  for (i in 1:3) {
    rows <- an$Treat == as.character(x$Treat[i])
    expect_row(x[i, ], oracle_row(an$Prewt[rows], an$Postwt[rows], TRUE),
               info = as.character(x$Treat[i]))
  }
})

test_that("properties: row order, splitting by strata, scale, integer input", {
  for (seed in 1:5) {
    info <- sprintf("seed %d", seed)
    d <- score_data(sample(50:400, 1), seed)
    rules <- list(s = nrs_rule())
    x <- score_change(d, rules, by = "site", group = "arm")
    shuffled <- d[sample(nrow(d)), ]
    expect_equal(score_change(shuffled, rules, by = "site", group = "arm"), x,
                 tolerance = 1e-10, info = info)
    # strata recombined: each site alone gives the rows of that site
    for (site in c("A", "B", "C")) {
      part <- score_change(d[d$site == site, ], rules, group = "arm")
      mine <- x[x$site == site, names(part)]
      rownames(mine) <- NULL
      expect_equal(as.data.frame(mine), as.data.frame(part),
                   tolerance = 1e-10, ignore_attr = TRUE, info = paste(info, site))
    }
    # scale by 10^k: means, SDs and quartiles scale, effect sizes and p don't
    k <- sample(1:4, 1)
    scaled <- d
    scaled$s_pre <- d$s_pre * 10^k
    scaled$s_post <- d$s_post * 10^k
    y <- score_change(scaled, rules, by = "site", group = "arm")
    for (col in c("pre_mean", "pre_sd", "pre_median", "post_q3", "change_mean",
                  "change_lower", "diff_change", "ancova_diff")) {
      expect_equal(y[[col]], x[[col]] * 10^k, tolerance = 1e-9, info = paste(info, col))
    }
    for (col in c("srm", "srm_lower", "es", "es_upper", "t_p", "wilcoxon_p",
                  "diff_p", "ancova_p")) {
      expect_equal(y[[col]], x[[col]], tolerance = 1e-8, info = paste(info, col))
    }
    # integer vs double input
    int <- d
    int$s_pre <- as.integer(d$s_pre)
    int$s_post <- as.integer(d$s_post)
    expect_equal(score_change(int, rules, by = "site", group = "arm"), x,
                 info = info)
  }
})

test_that("empty and tiny cells give NA, never an error", {
  d <- data.frame(s_pre = c(5, 6, NA, 7), s_post = c(4, NA, 3, 6),
                  site = factor(c("A", "B", "B", "C"), levels = c("A", "B", "C", "D")))
  x <- score_change(d, list(s = nrs_rule()), by = "site")
  expect_equal(x$n, c(1, 0, 1, 0, 2))
  expect_equal(x$n_missing, c(0, 2, 0, 0, 2))
  a <- x[x$site == "A", ]
  expect_equal(a$pre_mean, 5)
  expect_equal(a$pre_median, 5)
  expect_true(is.na(a$pre_sd) && is.na(a$srm) && is.na(a$change_lower) &&
                is.na(a$es))
  empty <- x[x$site == "D", ]
  expect_true(all(is.na(unlist(empty[c("pre_mean", "pre_median", "wilcoxon_p",
                                        "srm", "es")]))))
  # all changes zero: no Wilcoxon p, no SRM
  z <- score_change(data.frame(s_pre = c(1, 2, 3), s_post = c(1, 2, 3)),
                    list(s = nrs_rule()))
  expect_true(is.na(z$wilcoxon_p) && is.na(z$srm) && is.na(z$t_p))
  expect_equal(z$change_mean, 0)
  # a group level without patients
  g <- data.frame(s_pre = c(5, 6, 7, 8), s_post = c(4, 4, 6, 5),
                  arm = factor(c("a", "a", "b", "b"), levels = c("a", "b", "c")))
  y <- score_change(g, list(s = nrs_rule()), group = "arm")
  expect_equal(y$n, c(2, 2, 0))
  expect_true(is.na(y$diff_change[3]) && is.na(y$ancova_diff[3]))
  expect_output(print(x), "SRM")
  expect_output(print(y), "ANCOVA")
})

test_that("infinite values are counted and left out", {
  d <- data.frame(s_pre = c(100, 200, Inf, 300), s_post = c(150, Inf, 400, 350))
  x <- score_change(d, list(s = alleviation_rule("increase", min_relative = 0.3)))
  expect_equal(c(x$n, x$n_missing, x$n_infinite), c(2, 0, 2))
  expect_equal(x$change_mean, 50)
})

test_that("bad input is refused with errors naming the argument", {
  d <- score_data(50, 1)
  rules <- list(s = nrs_rule())
  expect_error(score_change(list(a = 1), rules), "`data` must be a data frame")
  expect_error(score_change(d, rules, pre = c(s = "nope")), "`pre` names a column not found")
  expect_error(score_change(d[c("s_pre")], rules), "`post` names a column")
  expect_error(score_change(d, "x"), "`rules` must be a list")
  expect_error(score_change(d), "`rules` must be given")
  expect_error(score_change(d, rules, group = "arm", reference = "placebo"),
               "`reference` must be one level of `group`")
  expect_error(score_change(d, rules, reference = "ctl"), "`reference` needs `group`")
  expect_error(score_change(d, rules, conf_level = 1.5), "`conf_level`")
  expect_error(score_change(d, rules, conf_level = "a"), "`conf_level`")
  d$one <- "x"
  expect_error(score_change(d, rules, group = "one"),
               "`group` column \"one\" must have at least two levels")
  expect_error(score_change(d, rules, group = "nope"), "`group` names a column")
  expect_error(score_change(d, rules, group = c("arm", "site")), "`group` must be the name of one column")
  expect_error(score_change(d, rules, by = "nope"), "`by` names a column")
  expect_error(score_change(d, rules, by = "arm", group = "arm"), "`group` must not also be a `by`")
  bad <- d
  bad$s_pre <- as.character(bad$s_pre)
  expect_error(score_change(bad, rules), "`data\\$s_pre` must be a numeric vector")
  expect_error(score_change(data.frame(s_pre = 11, s_post = 2),
                            list(s = alleviation_rule("decrease", 1, range = c(0, 10)))),
               "outside the rule's range")
})

test_that("print fits the width and says which effect size is which", {
  d <- score_data(200, 5)
  x <- score_change(d, list(s = nrs_rule()), by = "site", group = "arm")
  for (width in c(60, 80, 120)) {
    withr::local_options(width = width)
    out <- capture.output(print(x))
    expect_true(all(nchar(out, type = "width") <= width), info = paste("width", width))
  }
  out <- paste(capture.output(print(x)), collapse = " ")
  expect_match(out, "Cohen's d_z")
  expect_match(out, "Kazis")
  expect_match(out, "pre - post")
  expect_s3_class(format(x), "data.frame")
  expect_identical(class(as.data.frame(x)), "data.frame")
})

test_that("the C selection and radix sort agree with quantile() and wilcox.test() on large cells", {
  set.seed(2026)
  for (case in 1:6) {
    n <- c(3000, 5000, 20000)[(case - 1) %% 3 + 1]
    pre <- if (case <= 3) round(rnorm(n, 50, 15), 2) else sample(0:10, n, TRUE)
    post <- if (case <= 3) round(pre + rnorm(n, 1, 8), 2) else
      pmin(10, pmax(0, pre + sample(-3:3, n, TRUE)))
    if (case == 6) {                # already sorted, then reversed input
      pre <- sort(pre)
      post <- rev(sort(post))
    }
    d <- data.frame(s_pre = pre, s_post = post)
    x <- score_change(d, list(s = nrs_rule()))
    expect_row(x, oracle_row(pre, post), info = sprintf("case %d", case))
  }
})

test_that("large strata (radix selection on the sorted copies) match quantile()", {
  set.seed(77)
  n <- 150000
  d <- data.frame(s_pre = round(rnorm(n, 50, 15), 1),
                  site = sample(c("A", "B"), n, TRUE, prob = c(0.8, 0.2)))
  d$s_post <- round(d$s_pre + rnorm(n, 1, 8), 1)
  d$s_pre[sample(n, 500)] <- NA
  x <- score_change(d, list(s = nrs_rule()), by = "site")
  for (site in c("A", "B")) {
    rows <- d$site == site
    expect_row(x[x$site == site, ], oracle_row(d$s_pre[rows], d$s_post[rows]),
               info = site)
  }
  # a value outside the range is refused in the stratified path too
  d$s_pre[10] <- 1e6
  expect_error(score_change(d, list(s = alleviation_rule("decrease", 1, range = c(-1e3, 1e3))),
                            by = "site"),
               "Measure \"s\" .*`pre` has 1e\\+06 outside the rule's range")
})

test_that("passes resumed across chunks of 2^20 rows give the same numbers", {
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "slow under the memory checker")
  set.seed(99)
  n <- 2^20 + 12345
  pre <- round(rnorm(n, 50, 15), 3)
  post <- round(pre + rnorm(n, 1, 8), 3)
  pre[sample(n, 1000)] <- NA
  d <- data.frame(s_pre = pre, s_post = post)
  x <- score_change(d, list(s = nrs_rule()))
  expect_row(x, oracle_row(pre, post), info = "one cell, 2^20 + 12345 rows")
  expect_equal(x$n_missing, 1000)
})

test_that("print of MASS::anorexia against the control group (snapshot)", {
  skip_if_not_installed("MASS")
  withr::local_options(width = 80)
  x <- score_change(MASS::anorexia,
                    list(weight = alleviation_rule("increase", min_change = 1,
                                                   label = "Weight (lb)")),
                    group = "Treat", reference = "Cont",
                    pre = c(weight = "Prewt"), post = c(weight = "Postwt"))
  expect_snapshot(print(x))
})

test_that("strata with awkward column names reach the ANCOVA model", {
  d <- score_data(300, 51)
  names(d)[names(d) == "site"] <- "my site (%)"
  x <- score_change(d, list(s = nrs_rule("increase")), by = "my site (%)",
                    group = "arm")
  e <- d[!is.na(d$s_pre) & !is.na(d$s_post), ]
  fit <- lm(s_post ~ arm + s_pre + factor(e[["my site (%)"]]), data = e)
  row <- x[x[["my site (%)"]] == "(all)" & x$arm == "trt", ]
  expect_equal(row$ancova_diff, coef(fit)[["armtrt"]], tolerance = 1e-10)
})

test_that("the default reference is the first level of `group` with patients, as in compare_rates()", {
  d <- data.frame(pain_pre = c(5, 6, 7, 8, 5, 6), pain_post = c(1, 6, 2, 8, 5, 1),
                  arm = factor(c("A", "B", "A", "B", "A", "B"), levels = c("Z", "A", "B")))
  rules <- list(pain = alleviation_rule(min_change = 2, range = c(0, 10)))
  s <- score_change(d, rules, group = "arm")
  # an empty first level "Z" was the reference: every comparison NA
  expect_identical(attr(s, "reference"), "A")
  change <- d$pain_pre - d$pain_post
  expect_equal(s$diff_change[s$arm == "B"],
               mean(change[d$arm == "B"]) - mean(change[d$arm == "A"]))
  expect_identical(attr(s, "reference"),
                   attr(compare_rates(tabulate_cohort(classify_cohort(d, rules), by = "arm"), "arm"),
                        "reference"))
})

test_that("properties: threads, a forked child and a PSOCK worker give identical results", {
  skip_on_os("windows")
  skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "valgrind does not follow child processes")
  d <- score_data(3000, 11)
  rules <- list(s = nrs_rule())
  old <- myelorelief_threads(1)
  on.exit(myelorelief_threads(old), add = TRUE)
  one <- score_change(d, rules, by = "site", group = "arm")
  myelorelief_threads(2)
  expect_identical(score_change(d, rules, by = "site", group = "arm"), one)
  # a fork after the parent ran its threads
  children <- parallel::mclapply(1:2, function(i) {
    score_change(d, rules, by = "site", group = "arm")
  }, mc.cores = 2)
  for (child in children) expect_identical(child, one)
  cl <- parallel::makePSOCKcluster(1)
  on.exit(parallel::stopCluster(cl), add = TRUE)
  worker <- parallel::clusterCall(cl, function(d, rules) {
    myelorelief::score_change(d, rules, by = "site", group = "arm")
  }, d, rules)[[1L]]
  expect_identical(worker, one)
})
