# clinical_significance(): every category checked against a plain-R oracle
# written here from the papers' formulas (Jacobson and Truax 1991; Hsu 1989;
# Speer 1992; Nunnally and Kotsch 1983; Hageman and Arrindell 1999), one
# patient at a time, never from the package's code. The peer
# (clinicalsignificance) is compared in test-clinical_significance-peer.R.

# x exceeds y by more than round-off (1e-9 of the largest magnitude)
cs_oracle_exceeds <- function(x, y, ...) {
  x - y > 1e-9 * max(abs(c(x, y, ...)))
}

cs_oracle <- function(pre, post, reliability, method = "JT", direction = "decrease",
                      cutoff = NULL, functional = NULL, clinical = NULL,
                      sd_sample = "all_baselines", reliability_post = reliability,
                      conf_level = 0.95) {
  ok <- !is.na(pre) & !is.na(post)
  if (is.null(clinical)) {
    base <- if (sd_sample == "all_baselines") pre[!is.na(pre)] else pre[ok]
    clinical <- c(mean = sum(base) / length(base),
                  sd = sqrt(sum((base - sum(base) / length(base))^2) / (length(base) - 1)))
  }
  M <- clinical[["mean"]]
  S <- clinical[["sd"]]
  r <- reliability
  sgn <- if (direction == "decrease") -1 else 1      # +1: higher is better
  z <- if (method == "HA") qnorm(conf_level) else qnorm((1 + conf_level) / 2)
  if (is.null(cutoff)) cutoff <- if (is.null(functional)) "a" else "c"
  Sf <- if (is.null(functional)) NA else functional[["sd"]]
  Mf <- if (is.null(functional)) NA else functional[["mean"]]
  if (method == "HA") {
    x1 <- pre[ok]; x2 <- post[ok]; n <- length(x1)
    Mpost <- sum(x2) / n
    Spost <- sqrt(sum((x2 - Mpost)^2) / (n - 1))
    SE <- S * sqrt(1 - r)
    rxx1 <- 1 - SE^2 / S^2
    rxx2 <- 1 - SE^2 / Spost^2
    rho <- sum((x1 - mean(x1)) * (x2 - mean(x2))) /
      sqrt(sum((x1 - mean(x1))^2) * sum((x2 - mean(x2))^2))
    rdd <- (S^2 * rxx1 + Spost^2 * rxx2 - 2 * S * Spost * rho) /
      (S^2 + Spost^2 - 2 * S * Spost * rho)
    # true-score cut-offs
    Sc_t <- S * sqrt(rxx1)
    Sf_t <- if (is.na(Sf)) NA else Sf * sqrt(1 - SE^2 / Sf^2)
    cut <- switch(cutoff, a = M + sgn * 2 * Sc_t, b = Mf - sgn * 2 * Sf_t,
                  c = (Sc_t * Mf + Sf_t * M) / (Sc_t + Sf_t))
  } else {
    cut <- switch(cutoff, a = M + sgn * 2 * S, b = Mf - sgn * 2 * Sf,
                  c = (S * Mf + Sf * M) / (S + Sf))
  }
  category <- rep(NA_character_, length(pre))
  rci <- rep(NA_real_, length(pre))
  for (i in which(ok)) {
    x <- pre[i]; y <- post[i]
    if (method == "JT") {
      num <- y - x; den <- sqrt(2 * (S * sqrt(1 - r))^2); big <- c(x, y)
    } else if (method == "GLN") {
      num <- (y - M) - r * (x - M); den <- S * sqrt(1 - r^2); big <- c(x, y, M)
    } else if (method == "EN") {
      num <- y - (r * (x - M) + M); den <- S * sqrt(1 - r); big <- c(x, y, M)
    } else if (method == "NK") {
      num <- y - (r * (x - M) + M)
      den <- sqrt(r^2 * S^2 * (1 - r) + S^2 * (1 - reliability_post)); big <- c(x, y, M)
    } else {
      num <- (y - x) * rdd + (Mpost - M) * (1 - rdd)
      den <- sqrt(rdd) * sqrt(2) * SE; big <- c(x, y, M, Mpost)
    }
    rci[i] <- num / den
    better <- cs_oracle_exceeds(sgn * num, z * den, big)
    worse <- cs_oracle_exceeds(-sgn * num, z * den, big)
    pre_clinical <- cs_oracle_exceeds(sgn * cut, sgn * x)
    pre_functional <- cs_oracle_exceeds(sgn * x, sgn * cut)
    if (method == "HA") {
      cs_num <- Mpost + (y - Mpost) * rxx2 - cut
      cs_den <- sqrt(rxx2) * SE
      post_functional <- cs_oracle_exceeds(sgn * cs_num, z * cs_den, y, Mpost, cut)
      post_clinical <- cs_oracle_exceeds(-sgn * cs_num, z * cs_den, y, Mpost, cut)
    } else {
      post_functional <- cs_oracle_exceeds(sgn * y, sgn * cut)
      post_clinical <- cs_oracle_exceeds(sgn * cut, sgn * y)
    }
    category[i] <- if (better && pre_clinical && post_functional) "recovered"
      else if (better) "improved"
      else if (worse && pre_functional && post_clinical) "harmed"
      else if (worse) "deteriorated"
      else "unchanged"
  }
  list(category = factor(category, levels = c("recovered", "improved", "unchanged",
                                              "deteriorated", "harmed")),
       rci = rci, cutoff = cut)
}

cs_info <- function(x) attr(x, "clinical_significance")

test_that("a hand-worked case: Jacobson-Truax with given norms", {
  # Clinical norms mean 30, SD 5; reliability 0.8; lower is better.
  # S_E = 5 * sqrt(0.2) = 2.2361; S_diff = sqrt(2) * S_E = 3.1623;
  # RC = 1.959964 * 3.1623 = 6.1980 points.
  # Cut-offs: a = 30 - 2 * 5 = 20; with functional mean 10, SD 4:
  # b = 10 + 2 * 4 = 18; c = (5 * 10 + 4 * 30) / (5 + 4) = 170 / 9 = 18.889.
  pre  <- c(30, 30, 30, 15, 22, 19, 30, NA, 25)
  post <- c(12, 22, 25, 25, 29, 12, 18.5, 10, NA)
  res <- clinical_significance(pre, post, reliability = 0.8,
                               clinical = c(mean = 30, sd = 5),
                               functional = c(mean = 10, sd = 4))
  expect_s3_class(res, "clinical_significance")
  expect_equal(cs_info(res)$cutoff$value, 170 / 9, tolerance = 1e-14)
  expect_equal(cs_info(res)$cutoff$type, "c")
  expect_equal(res$rci, (post - pre) / (5 * sqrt(0.4)), tolerance = 1e-14)
  expect_identical(as.character(res$category),
                   c("recovered",     # -18: reliable, 30 -> 12 crosses 18.9
                     "improved",      # -8: reliable, 22 still above 18.9
                     "unchanged",     # -5 < 6.198
                     "harmed",        # +10: reliable, 15 -> 25 crosses upwards
                     "deteriorated",  # +7: reliable, but 22 was already clinical
                     "recovered",     # -7: reliable, 19 (just above 18.9) -> 12
                     "recovered",     # -11.5: 30 -> 18.5, just below 18.9
                     NA, NA))
  expect_identical(as.character(res$pre_range),
                   c("clinical", "clinical", "clinical", "functional", "clinical",
                     "clinical", "clinical", NA, "clinical"))
  # cut-offs a and b by hand
  a <- clinical_significance(pre, post, 0.8, clinical = c(mean = 30, sd = 5), cutoff = "a")
  expect_equal(cs_info(a)$cutoff$value, 20)
  # under a = 20, 19 was already functional: improved, not recovered
  expect_identical(as.character(a$category)[c(6, 7)], c("improved", "recovered"))
  b <- clinical_significance(pre, post, 0.8, clinical = c(mean = 30, sd = 5),
                             functional = c(mean = 10, sd = 4), cutoff = "b")
  expect_equal(cs_info(b)$cutoff$value, 18)
  expect_identical(as.character(b$category)[7], "improved")   # 18.5 is above 18
  # counts as clinicalsignificance reports them
  s <- summary(res)
  expect_identical(s$n, c(3L, 1L, 1L, 1L, 1L))
  expect_equal(s$percent, 100 * c(3, 1, 1, 1, 1) / 7)
  expect_identical(attr(s, "n_original"), 9L)
  expect_identical(attr(s, "n_used"), 7L)
})

test_that("every method, cut-off and direction agrees with the oracle on random data", {
  set.seed(20261202)
  for (trial in 1:60) {
    n <- sample(c(3:12, 50, 200), 1)
    method <- sample(c("JT", "GLN", "EN", "NK", "HA"), 1)
    direction <- sample(c("decrease", "increase"), 1)
    cutoff <- sample(c("a", "b", "c"), 1)
    sd_sample <- sample(c("all_baselines", "complete_pairs"), 1)
    r <- runif(1, 0.5, 0.95)
    r_post <- if (method == "NK") runif(1, 0.5, 0.95) else r
    pre <- round(rnorm(n, 30, 8))
    post <- round(pre + rnorm(n, if (direction == "decrease") -6 else 6, 8))
    if (n > 5) {
      pre[sample(n, 1)] <- NA
      post[sample(n, 1)] <- NA
    }
    functional <- c(mean = if (direction == "decrease") 12 else 48, sd = runif(1, 4, 10))
    info <- sprintf("trial %d: n %d, %s, %s, cut-off %s, %s, r %.3f", trial, n, method,
                    direction, cutoff, sd_sample, r)
    got <- tryCatch(
      do.call(clinical_significance,
              c(list(pre, post, r, method = method, direction = direction,
                     cutoff = cutoff, functional = functional, sd_sample = sd_sample),
                if (method == "NK") list(reliability_post = r_post))),
      myelorelief_error = function(e) e)
    if (inherits(got, "error")) {
      # only HA may refuse, when the follow-up scores are too reliable-less
      expect_identical(method, "HA", info = paste(info, conditionMessage(got)))
      next
    }
    want <- cs_oracle(pre, post, r, method, direction, cutoff, functional,
                      sd_sample = sd_sample, reliability_post = r_post)
    expect_identical(got$category, want$category, info = info)
    expect_equal(got$rci, want$rci, tolerance = 1e-12, info = info)
    expect_equal(cs_info(got)$cutoff$value, want$cutoff, tolerance = 1e-12, info = info)
    expect_identical(cs_info(got)$n_used, sum(!is.na(pre) & !is.na(post)), info = info)
  }
})

test_that("the boundary: an index equal to the critical value is not reliable", {
  # A reliable change of exactly 10 points: SD = 10 / (z * sqrt(2) * sqrt(1 - r))
  z <- qnorm(0.975)
  r <- 0.8
  sd <- 10 / (z * sqrt(2) * sqrt(1 - r))
  pre <- c(50, 50, 50, 50, 50)
  post <- c(40, 39.9999, 60, 60.0001, 45)
  res <- clinical_significance(pre, post, r, clinical = c(mean = 50, sd = sd),
                               functional = c(mean = 10, sd = sd))
  expect_equal(abs(res$rci[1]), z, tolerance = 1e-12)
  expect_identical(as.character(res$category),
                   c("unchanged", "improved", "unchanged", "deteriorated", "unchanged"))
  # reliable_change_rule() follows the same boundary (strict by default)
  rule <- reliable_change_rule(sd = sd, reliability = r, range = c(0, 100))
  expect_equal(rule$min_change, 10, tolerance = 1e-12)
  expect_identical(as.character(classify_alleviation(pre, post, rule)),
                   c("unchanged", "alleviated", "unchanged", "worsened", "unchanged"))
  # an inclusive rule (strict = FALSE) counts a change equal to it as met
  inclusive <- reliable_change_rule(sd = sd, reliability = r, range = c(0, 100), strict = FALSE)
  expect_identical(as.character(classify_alleviation(pre, post, inclusive)),
                   c("alleviated", "alleviated", "worsened", "worsened", "unchanged"))
  # decimal data on the boundary: 0.3 - 0.1 is not exactly 0.2
  sd2 <- 0.2 / (z * sqrt(2) * sqrt(1 - r))
  d <- clinical_significance(c(0.3, 0.3), c(0.1, 0.0999), r,
                             clinical = c(mean = 0.3, sd = sd2))
  expect_identical(as.character(d$category)[1], "unchanged")
  expect_identical(as.character(d$category)[2], "improved")
})

test_that("the boundary: a score equal to the cut-off is in neither range", {
  # cut-off a = 30 - 2 * 5 = 20; RC = 6.198
  res <- clinical_significance(c(30, 30, 20, 20, 12, 12), c(20, 19.99, 10, 30, 20, 20.01),
                               0.8, clinical = c(mean = 30, sd = 5))
  expect_identical(as.character(res$post_range),
                   c("borderline", "functional", "functional", "clinical",
                     "borderline", "clinical"))
  expect_identical(as.character(res$category),
                   c("improved",      # reliable, but ends on the cut-off
                     "recovered",     # just past it
                     "improved",      # starts on the cut-off
                     "deteriorated",  # starts on the cut-off
                     "deteriorated",  # ends on it
                     "harmed"))
  # on the cut-off up to decimal round-off
  res2 <- clinical_significance(c(0.3, 0.1 + 0.2), c(0.1, 0.1), 0.8,
                                clinical = c(mean = 0.3, sd = 0.05),
                                functional = c(mean = 0.1, sd = 0.05), cutoff = "c")
  expect_equal(cs_info(res2)$cutoff$value, 0.2)
  res3 <- clinical_significance(c(0.5, 0.5), c(0.1 + 0.1, 0.2), 0.8,
                                clinical = c(mean = 0.3, sd = 0.05),
                                functional = c(mean = 0.1, sd = 0.05))
  expect_identical(as.character(res3$post_range), c("borderline", "borderline"))
})

test_that("direction: increase is the mirror image of decrease", {
  set.seed(7)
  for (method in c("JT", "GLN", "EN", "NK", "HA")) {
    pre <- pmin(pmax(round(rnorm(80, 30, 6)), 0), 100)
    post <- pmin(pmax(round(pre + rnorm(80, -5, 7)), 0), 100)
    post[3] <- NA
    down <- clinical_significance(pre, post, 0.85, method = method,
                                  functional = c(mean = 10, sd = 6))
    up <- clinical_significance(-pre, -post, 0.85, method = method, direction = "increase",
                                functional = c(mean = -10, sd = 6))
    expect_identical(up$category, down$category, info = method)
    expect_equal(up$rci, -down$rci, info = method)
    expect_equal(cs_info(up)$cutoff$value, -cs_info(down)$cutoff$value, info = method)
    # and 100 - score on a 0-100 scale
    up2 <- clinical_significance(100 - pre, 100 - post, 0.85, method = method,
                                 direction = "increase", functional = c(mean = 90, sd = 6),
                                 range = c(0, 100))
    expect_identical(up2$category, down$category, info = method)
  }
  # the categories really depend on the direction
  wrong <- clinical_significance(c(30, 30), c(10, 50), 0.8, direction = "increase",
                                 clinical = c(mean = 30, sd = 5))
  # (a = 30 + 2 * 5 = 40: 30 -> 50 is a recovery when higher is better)
  expect_identical(as.character(wrong$category), c("deteriorated", "recovered"))
})

test_that("missing values: n_original vs n_used, and the SD's sample", {
  pre <- c(30, 28, 35, NA, 24, 31, 40)
  post <- c(12, NA, 30, 20, 10, 29, NA)
  all <- clinical_significance(pre, post, 0.8)
  pairs <- clinical_significance(pre, post, 0.8, sd_sample = "complete_pairs")
  expect_identical(cs_info(all)$n_original, 7L)
  expect_identical(cs_info(all)$n_used, 4L)
  expect_equal(cs_info(all)$clinical$sd, sd(c(30, 28, 35, 24, 31, 40)))
  expect_equal(cs_info(pairs)$clinical$sd, sd(c(30, 35, 24, 31)))
  expect_equal(cs_info(pairs)$clinical$mean, mean(c(30, 35, 24, 31)))
  expect_identical(is.na(all$category), is.na(pre) | is.na(post))
  expect_identical(is.na(all$rci), is.na(pre) | is.na(post))
  expect_identical(sum(summary(all)$n), 4L)
  # NaN is missing too; an all-NA logical column reads as missing
  expect_identical(is.na(clinical_significance(c(30, NaN, 20, 25), c(10, 5, NaN, 20), 0.8)$category),
                   c(FALSE, TRUE, TRUE, FALSE))
  none <- clinical_significance(c(30, 20, 25), c(NA, NA, NA), 0.8)
  expect_identical(cs_info(none)$n_used, 0L)
  expect_true(all(is.na(none$category)))
  expect_identical(summary(none)$n, rep(0L, 5))
  expect_output(print(none), "0 of 3 pairs used (0.0%); 3 without both scores left out", fixed = TRUE)
  # given norms need no baselines at all
  expect_identical(as.character(clinical_significance(NA_real_, NA_real_, 0.8,
                                                      clinical = c(mean = 30, sd = 5))$category),
                   NA_character_)
  # norms estimated from scores, missing ones dropped
  est <- clinical_significance(pre, post, 0.8, functional = c(5, 9, NA, 12, 8))
  expect_equal(cs_info(est)$functional$mean, mean(c(5, 9, 12, 8)))
  expect_equal(cs_info(est)$functional$sd, sd(c(5, 9, 12, 8)))
  expect_identical(cs_info(est)$cutoff$type, "c")
})

test_that("properties: shuffled rows and rescaled scores give the same categories", {
  set.seed(99)
  for (trial in 1:25) {
    n <- sample(c(5, 20, 300), 1)
    method <- c("JT", "GLN", "EN", "NK", "HA")[(trial - 1) %% 5 + 1]
    cutoff <- sample(c("a", "b", "c"), 1)
    pre <- round(rnorm(n, 3, 0.8), 1)
    post <- round(pre + rnorm(n, -0.6, 0.8), 1)
    post[sample(n, 1)] <- NA
    functional <- c(mean = 1.2, sd = 0.7)
    info <- sprintf("seed 99, trial %d, %s, cut-off %s, n %d", trial, method, cutoff, n)
    base <- tryCatch(clinical_significance(pre, post, 0.8, method = method, cutoff = cutoff,
                                           functional = functional),
                     myelorelief_error = function(e) e)
    perm <- sample(n)
    if (inherits(base, "error")) {
      # HA refuses differences less reliable than error; so must every copy
      expect_identical(method, "HA", info = info)
      expect_error(clinical_significance(pre[perm] * 100, post[perm] * 100, 0.8, method = method,
                                         cutoff = cutoff, functional = functional * 100),
                   "cannot be used here", info = info)
      next
    }
    shuffled <- clinical_significance(pre[perm], post[perm], 0.8, method = method,
                                      cutoff = cutoff, functional = functional)
    expect_identical(shuffled$category, base$category[perm], info = info)
    for (k in c(-3, -1, 2, 5)) {
      f <- 10^k
      scaled <- clinical_significance(pre * f, post * f, 0.8, method = method,
                                      cutoff = cutoff, functional = functional * f,
                                      range = c(-100, 100) * f)
      expect_identical(scaled$category, base$category, info = paste(info, "k", k))
    }
  }
  # on the boundary too: exactly at RC and at the cut-off, at every scale
  z <- qnorm(0.975)
  for (k in -4:4) {
    f <- 10^k
    sd <- 10 * f / (z * sqrt(2) * sqrt(1 - 0.8))
    # RC = 10 * f, cut-off c = 30 * f (equal SDs: half way)
    res <- clinical_significance(c(50, 50, 50, 50) * f, c(40, 30, 29, 39.9) * f, 0.8,
                                 clinical = c(mean = 50 * f, sd = sd),
                                 functional = c(mean = 10 * f, sd = sd))
    expect_equal(attr(res, "clinical_significance")$cutoff$value, 30 * f)
    expect_identical(as.character(res$category),
                     c("unchanged", "improved", "recovered", "improved"),
                     info = paste("k", k))
  }
})

test_that("print, summary, format and subsetting", {
  res <- clinical_significance(c(32, 28, 35, 24, 30, 27, 33, 29, 26, 31),
                               c(10, 25, 36, 12, 29, 14, 40, 28, 9, NA),
                               reliability = 0.85, functional = c(mean = 7, sd = 6))
  expect_snapshot({
    res
    summary(res)
    clinical_significance(c(32, 28, 35, 24, 30, 27, 33, 29, 26, 31),
                          c(10, 25, 36, 12, 29, 14, 40, 28, 9, NA),
                          reliability = 0.85, reliability_post = 0.7, method = "NK",
                          sd_sample = "complete_pairs")
  })
  expect_match(format(res)[1], "an index equal to it is not", fixed = TRUE)
  expect_identical(class(res[1:3, ]), "data.frame")
  expect_identical(class(as.data.frame(res)), "data.frame")
  expect_null(attr(as.data.frame(res), "clinical_significance"))
  expect_identical(levels(res$category),
                   c("recovered", "improved", "unchanged", "deteriorated", "harmed"))
  expect_identical(summary(res)$n, as.vector(table(res$category)))
  expect_equal(sum(summary(res)$percent), 100)
  for (m in c("JT", "GLN", "EN", "NK", "HA")) {
    info <- cs_info(clinical_significance(c(32, 28, 35, 24, 30, 27), c(10, 25, 36, 12, 29, 14),
                                          0.85, method = m))
    expect_identical(info$method, m)
    expect_true(length(info$references) >= 2L, info = m)
    expect_true(all(nzchar(info$references)), info = m)
  }
})

test_that("the plot draws, at journal column widths", {
  res <- clinical_significance(c(32, 28, 35, 24, 30, 27, 33, 29, 26, 31, 15),
                               c(10, 25, 36, 12, 29, 14, 40, 28, 9, NA, 28),
                               reliability = 0.85, functional = c(mean = 7, sd = 6))
  for (mm in c(85, 170)) {
    file <- tempfile(fileext = ".png")
    grDevices::png(file, width = mm / 25.4, height = mm / 25.4, units = "in", res = 150)
    expect_invisible(plot(res))
    grDevices::dev.off()
    expect_gt(file.size(file), 1000)
    unlink(file)
  }
  ha <- clinical_significance(c(32, 28, 35, 24, 30, 27, 33, 29, 26, 31, 15),
                              c(10, 25, 36, 12, 29, 14, 40, 28, 9, NA, 28),
                              reliability = 0.85, method = "HA")
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  expect_invisible(plot(ha, main = "HA"))
  grDevices::dev.off()
  unlink(file)
})

test_that("methods_text() describes the analysis and its boundary", {
  res <- clinical_significance(c(32, 28, 35, 24, 30, 27), c(10, 25, 36, 12, 29, NA),
                               reliability = 0.85, method = "EN",
                               functional = c(mean = 7, sd = 6))
  text <- methods_text(clinical_significance = res)
  expect_match(text[[1]], "Edwards-Nunnally reliable change index (Speer 1992; reliability 0.85) exceeded 1.96",
               fixed = TRUE)
  expect_match(text[[1]], "an index equal to the critical value not counting", fixed = TRUE)
  expect_match(text[[1]], "for the 5 of 6 patients with both scores", fixed = TRUE)
  expect_match(text[[1]], "published mean 7 and SD 6", fixed = TRUE)
  expect_true(any(grepl("^Speer DC", text)))
  expect_true(any(grepl("^Jacobson NS, Truax P", text)))
  ha <- methods_text(clinical_significance = clinical_significance(
    c(32, 28, 35, 24, 30, 27), c(10, 25, 36, 12, 29, 22), 0.85, method = "HA"))
  expect_match(ha[[1]], "exceeded 1.645 (95%, one-sided)", fixed = TRUE)
  expect_match(ha[[1]], "of true scores (Hageman and Arrindell 1999)", fixed = TRUE)
  expect_true(any(grepl("^Hageman WJ", ha)))
  # without it, the paragraph is as before
  expect_false(grepl("Clinical significance", methods_text()[[1]]))
  expect_error(methods_text(clinical_significance = data.frame(a = 1)),
               "`clinical_significance` must be NULL or a result of clinical_significance()",
               class = "myelorelief_error")
})

test_that("bad input is a clear error naming the argument", {
  pre <- c(30, 28, 35, 24)
  post <- c(12, 20, 30, 10)
  e <- function(expr, pattern) {
    expect_error(expr, pattern, class = "myelorelief_error")
  }
  e(clinical_significance(pre, post), "`reliability` is missing")
  for (r in list(0, 1, -1, NA, "0.8", c(0.8, 0.9), NULL)) {
    e(clinical_significance(pre, post, r), "`reliability` must be a single number strictly between 0 and 1")
  }
  e(clinical_significance(pre, post, 0.8, method = "NK", reliability_post = 1.2),
    "`reliability_post` must be")
  e(clinical_significance(pre, post, 0.8, reliability_post = 0.7),
    "`reliability_post` is used only by method \"NK\", not by \"JT\"")
  e(clinical_significance(as.character(pre), post, 0.8), "`pre` must be a numeric vector")
  e(clinical_significance(pre, factor(post), 0.8), "`post` must be a numeric vector")
  e(clinical_significance(pre, post[-1], 0.8), "`pre` and `post` must have the same length, not 4 and 3")
  e(clinical_significance(pre, post, 0.8, method = "HLM"), "`method` must be one of \"JT\"")
  e(clinical_significance(pre, post, 0.8, direction = "lower"), "`direction` must be one of")
  e(clinical_significance(pre, post, 0.8, cutoff = "d"), "`cutoff` must be one of \"a\", \"b\", \"c\"")
  e(clinical_significance(pre, post, 0.8, cutoff = "c"), "`cutoff` \"c\" needs the functional population")
  e(clinical_significance(pre, post, 0.8, cutoff = "b"), "`cutoff` \"b\" needs")
  e(clinical_significance(pre, post, 0.8, sd_sample = "pairs"), "`sd_sample` must be one of")
  e(clinical_significance(pre, post, 0.8, conf_level = 95), "`conf_level`")
  e(clinical_significance(pre, post, 0.8, functional = c(8, 8)),
    "`functional` has 2 known scores: give c\\(mean = , sd = \\)")
  e(clinical_significance(pre, post, 0.8, functional = c(mean = 8, sd = 0)),
    "`functional` must have a finite mean and a positive finite sd")
  e(clinical_significance(pre, post, 0.8, functional = c(m = 8, s = 3)),
    "`functional` names its values \"m\", \"s\"")
  e(clinical_significance(pre, post, 0.8, functional = "8"), "`functional` must be c\\(mean = , sd = \\)")
  e(clinical_significance(pre, post, 0.8, clinical = c(4, 4, 4)), "`clinical` has no spread")
  e(clinical_significance(pre, post, 0.8, clinical = c(1, Inf, 3)), "`clinical` has infinite scores")
  e(clinical_significance(c(30, NA), c(20, 10), 0.8), "`pre` has 1 baseline known")
  e(clinical_significance(c(30, 20, 25), c(20, NA, NA), 0.8, sd_sample = "complete_pairs"),
    "`pre` has 1 baseline in complete pairs")
  e(clinical_significance(c(5, 5, 5), c(1, 2, 3), 0.8), "`pre` has no spread")
  e(clinical_significance(c(5, 11, 5), c(1, 2, 3), 0.8, range = c(0, 10)),
    "`pre` is 11 at position 2, outside `range` \\[0, 10\\]")
  e(clinical_significance(c(5, 6, 5), c(1, Inf, 3), 0.8), "`post` is Inf at position 2, not a finite score")
  e(clinical_significance(pre, post, 0.8, range = c(10, 0)), "`range` must be two increasing numbers")
  e(clinical_significance(c(30, 20), c(10, 5), 0.8, method = "HA"),
    "needs the correlation of baseline and follow-up: at least 3 complete pairs, not 2")
  # HA with follow-up scores less spread than measurement error
  e(clinical_significance(c(10, 20, 30, 40), c(20, 20.1, 20, 20.1), 0.5, method = "HA"),
    "The \"HA\" method cannot be used here")
  err <- tryCatch(clinical_significance(pre, post, 2), error = identity)
  expect_identical(as.character(conditionCall(err)[[1]]), "clinical_significance")
})

test_that("tidy(): the counts of summary() under broom's names", {
  skip_if_not_installed("generics")
  res <- clinical_significance(c(32, 28, 35, 24, 30, 27, 33), c(10, 25, 36, 12, 29, NA, 40),
                               reliability = 0.85, functional = c(mean = 7, sd = 6))
  td <- generics::tidy(res)
  s <- summary(res)
  expect_identical(td$term, as.character(s$category))
  expect_identical(td$n, s$n)
  expect_equal(td$estimate, s$n / 6)
  expect_identical(td$n_used, rep(6L, 5))
})

test_that("HA against the oracle on many samples, harmed patients included", {
  set.seed(4242)
  seen <- character()
  for (trial in 1:30) {
    n <- sample(30:300, 1)
    pre <- round(c(rnorm(n %/% 2, 30, 6), rnorm(n - n %/% 2, 12, 5)))
    post <- round(pre + c(rnorm(n %/% 2, -10, 8), rnorm(n - n %/% 2, 8, 8)))
    post[sample(n, 2)] <- NA
    cutoff <- c("a", "b", "c")[trial %% 3 + 1]
    direction <- if (trial %% 2) "decrease" else "increase"
    s <- if (direction == "decrease") 1 else -1
    info <- sprintf("seed 4242, trial %d, n %d, cut-off %s, %s", trial, n, cutoff, direction)
    got <- clinical_significance(s * pre, s * post, 0.8, method = "HA", cutoff = cutoff,
                                 direction = direction, functional = c(mean = s * 10, sd = 6))
    want <- cs_oracle(s * pre, s * post, 0.8, "HA", direction, cutoff,
                      c(mean = s * 10, sd = 6))
    expect_identical(got$category, want$category, info = info)
    expect_equal(got$rci, want$rci, tolerance = 1e-12, info = info)
    seen <- c(seen, as.character(got$category))
  }
  expect_setequal(unique(seen[!is.na(seen)]),
                  c("recovered", "improved", "unchanged", "deteriorated", "harmed"))
})
