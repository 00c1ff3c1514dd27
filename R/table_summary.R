#' Compare alleviation rates between strata
#'
#' For each symptom of a stratified [tabulate_cohort()] table: the overall
#' rate with its interval, a test that the rate is the same in every stratum
#' (Fisher's exact test on the strata x alleviated/not table of evaluable
#' patients; a chi-square test with a simulated p-value where Fisher's is
#' infeasible), and, when there are exactly two strata, the difference of
#' their rates with the Newcombe hybrid score interval: the other stratum
#' minus the `reference`, the convention of [compare_rates()] (group minus
#' reference), so that both give the same signed difference for one
#' comparison.
#' With several `by` columns each combination of their values is a stratum.
#' Strata without evaluable patients and the overall rows take no part.
#'
#' Both tests are conditional on the margins: the number of evaluable
#' patients in each stratum and the numbers alleviated and not. Where the
#' margins leave every possible table equally likely, no test can tell the
#' strata apart, whatever the data; `test` is then `"not informative"` and
#' `p_value` is 1, as [fisher.test()] and [compare_rates()] give it (earlier
#' versions gave `NA`). That is so when fewer than two strata have evaluable
#' patients, when no patient or every patient was alleviated, when every
#' stratum has exactly one evaluable patient, and in a few other cases (one
#' patient alleviated among strata of equal size, for instance).
#'
#' p-values are shown with two decimals above 0.01, three between 0.001 and
#' 0.01, and as "<0.001" below (the New England Journal of Medicine's
#' convention), the same everywhere in the package.
#'
#' The simulated p-value counts a replicate whose statistic equals the
#' observed one to a relative 1e-7 as reaching it (so statistics that are
#' equal on paper are equal in the computer too); otherwise it is that of
#' `chisq.test(simulate.p.value = TRUE)`.
#'
#' @param object An `alleviation_table`.
#' @param simulate_B Replicates for the simulated chi-square p-value, used
#'   only where Fisher's test is infeasible.
#' @param seed The random seed of the simulated p-value: a single whole
#'   number (default 1), so that the same table always gives the same
#'   p-value. The replicates are drawn after `set.seed(seed, kind =
#'   "Mersenne-Twister", normal.kind = "Inversion", sample.kind =
#'   "Rejection")`, and the session's random number state is put back
#'   exactly as it was afterwards (`.Random.seed` and the generator kinds;
#'   no `.Random.seed` if there was none). `NULL` draws from the session's
#'   own random number stream instead, and advances it, as [chisq.test()]
#'   does.
#' @param reference The stratum the other is compared with when there are
#'   two: a level of the `by` column (with several `by` columns, the
#'   stratum's name as the `contrast` shows it, such as `"A / old"`).
#'   Default: the first stratum with patients, as in [compare_rates()]. A
#'   symptom whose two strata with evaluable patients do not include the
#'   reference has no difference.
#' @param ... Ignored.
#' @return A data frame of class `summary.alleviation_table`, one row per
#'   symptom: `symptom`, `n`, `alleviated`, `evaluable`, `rate`, `rate_lower`,
#'   `rate_upper`, `strata` (strata with evaluable patients), `test`
#'   (`"Fisher's exact"`, `"chi-square (simulated p)"`, `"not informative"`,
#'   or `NA` for a table without strata), `p_value`, `contrast` (which
#'   difference, the stratum minus the reference: "male - female"),
#'   `reference` (the reference stratum of the difference), `difference`,
#'   `difference_lower`, `difference_upper`. The attribute `reference`
#'   holds the reference stratum. `format()` gives it as text for a report, with
#'   p-values in one style (see Details); `as.data.frame()` the numbers.
#' @references
#' Newcombe RG. Interval estimation for the difference between independent
#' proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
#' @examples
#' cohort <- classify_cohort(myelography)
#' summary(tabulate_cohort(cohort, by = "hospital"))
#' summary(tabulate_cohort(cohort, by = "sex"))                # male - female
#' summary(tabulate_cohort(cohort, by = "sex"), reference = "male")
#' @export
summary.alleviation_table <- function(object, simulate_B = 10000L, seed = 1L,
                                      reference = NULL, ...) {
  if (!is.null(attr(object, "weights"))) {
    abort(sprintf("summary() tests counts of patients between strata, which is wrong for a table weighted by \"%s\". Use compare_rates() on the weighted table for weighted differences between strata with design-based intervals.",
                  attr(object, "weights")), sys.call())
  }
  check_number(simulate_B, "simulate_B", min = 100)
  check_seed(seed)
  by <- attr(object, "by")
  conf_level <- attr(object, "conf_level")
  method <- attr(object, "method")
  cells <- strip_margins(object, by)
  reference <- summary_reference(cells, by, reference, sys.call())
  rows <- lapply(levels(object$symptom), function(s) {
    strata <- cells[cells$symptom == s, , drop = FALSE]
    totals <- colSums(as.matrix(as.data.frame(strata)[c("n", "alleviated", "evaluable")]))
    overall <- proportion_interval(totals[["alleviated"]], totals[["evaluable"]],
                                   conf_level, method)
    judged <- strata[strata$evaluable > 0, , drop = FALSE]
    test <- if (length(by)) {
      heterogeneity_test(judged$alleviated, judged$evaluable, simulate_B, seed)
    } else list(test = NA_character_, p_value = NA_real_)
    # the other stratum minus the reference, as compare_rates() does
    names_judged <- if (length(by)) stratum_names(judged, by) else character()
    two <- length(by) && nrow(judged) == 2L && reference %in% names_judged
    order <- if (two) c(which(names_judged != reference), which(names_judged == reference))
    difference <- if (two) {
      newcombe_difference(judged$alleviated[order], judged$evaluable[order], conf_level)
    } else c(NA_real_, NA_real_, NA_real_)
    contrast <- if (two) paste(names_judged[order], collapse = " - ")
                else NA_character_
    data.frame(symptom = s, n = totals[["n"]],
               alleviated = totals[["alleviated"]],
               evaluable = totals[["evaluable"]], rate = overall$estimate,
               rate_lower = overall$lower, rate_upper = overall$upper,
               strata = nrow(judged), test = test$test, p_value = test$p_value,
               contrast = contrast,
               reference = if (two) reference else NA_character_,
               difference = difference[1L],
               difference_lower = difference[2L],
               difference_upper = difference[3L])
  })
  out <- do.call(rbind, rows)
  out$symptom <- factor(out$symptom, levels = levels(object$symptom))
  structure(out, class = c("summary.alleviation_table", "data.frame"),
            by = by, conf_level = conf_level, method = method,
            simulate_B = simulate_B, seed = seed, reference = reference)
}

# The reference stratum of summary()'s difference: the user's, which must be
# a stratum with patients, or the first stratum with patients (the default
# of compare_rates()). NA for a table without strata or without patients.
summary_reference <- function(cells, by, reference, call) {
  if (!length(by)) {
    if (!is.null(reference)) {
      abort("`reference` needs a table with strata: tabulate with `by`.", call)
    }
    return(NA_character_)
  }
  names <- stratum_names(cells, by)
  # strata with patients, in the table's order (n is the same for every
  # symptom of a stratum)
  present <- unique(names[cells$n > 0])
  if (is.null(reference)) return(if (length(present)) present[1L] else NA_character_)
  ok <- is.atomic(reference) && !is.object(reference) || is.factor(reference)
  ok <- ok && length(reference) == 1L && !is.na(reference) && is.null(dim(reference))
  if (!ok || !as.character(reference) %in% unique(names)) {
    abort(sprintf("`reference` must be one of the strata of %s (%s), not %s.",
                  paste0("\"", by, "\"", collapse = " x "),
                  paste0("\"", utils::head(unique(names), 10L), "\"", collapse = ", "),
                  describe_value(reference)), call)
  }
  reference <- as.character(reference)
  if (!reference %in% present) {
    abort(sprintf("`reference` stratum \"%s\" has no patients in the table.",
                  reference), call)
  }
  reference
}

# Are the alleviation rates equal across strata (rows: `alleviated` of
# `evaluable` patients per stratum)? Strata without evaluable patients take
# no part. Every test here is conditional on the margins (the stratum sizes
# and the numbers alleviated and not), so where the margins leave every
# possible table equally likely, no test can say anything: that is reported
# as `not_informative` with p = 1 (fisher.test()'s p for such a table, and
# compare_rates()'s), never as simulation noise.
# Otherwise Fisher's exact test where it is cheap, and elsewhere a chi-square
# test with a simulated p-value. R's network algorithm for tables larger
# than 2 x 2 can run for minutes without failing (a 60 x 2 table of
# 1,000-patient strata did), so it is tried only on small tables, and its
# own "workspace too small" errors fall back as well.
heterogeneity_test <- function(alleviated, evaluable, simulate_B, seed = 1L) {
  used <- evaluable > 0
  alleviated <- as.double(alleviated[used])
  evaluable <- as.double(evaluable[used])
  if (margins_decide_everything(alleviated, evaluable)) {
    return(list(test = not_informative, p_value = 1))
  }
  counts <- cbind(alleviated, evaluable - alleviated)
  fisher <- if (fisher_is_cheap(counts)) {
    tryCatch(stats::fisher.test(counts)$p.value, error = function(e) NULL)
  }
  if (!is.null(fisher)) return(list(test = "Fisher's exact", p_value = fisher))
  p <- with_seed(seed, simulated_chisq_p(counts, simulate_B))
  list(test = "chi-square (simulated p)", p_value = p)
}

# The `test` of a comparison that cannot inform (see heterogeneity_test()).
not_informative <- "not informative"

# TRUE when, given the margins, every strata x (alleviated, not) table is
# equally likely under equal rates: then Fisher's p-value (and the
# chi-square statistic) is the same for every table, whatever the data. This
# holds when fewer than two strata have evaluable patients, when nobody or
# everybody was alleviated, when every stratum has one evaluable patient, and
# in a few other cases (one alleviated patient among strata of equal size;
# strata of 1 and 3 patients with 2 alleviated), which this finds as follows.
# The tables are connected by moving one alleviated patient between two
# strata, so they are all equally likely exactly when, for every pair of
# strata (sizes ni, nj) and every total s the pair can hold, choose(ni, t) *
# choose(nj, s - t) is the same for every feasible t. That product is
# log-concave in t, so it is constant only over at most two values of t;
# hence for 1 <= s <= ni + nj - 1 there must be two (t0 and t0 + 1) with
# equal products. This depends on the sizes only, so pairs of distinct sizes
# suffice. Checked against enumeration in the tests.
margins_decide_everything <- function(alleviated, evaluable) {
  a <- sum(alleviated)
  total <- sum(evaluable)
  if (length(evaluable) < 2L || a == 0 || a == total) return(TRUE)
  sizes <- sort(unique(evaluable))
  copies <- tabulate(match(evaluable, sizes), length(sizes))
  # one size against itself (when two strata have it) and every larger one;
  # a table that is not uniform nearly always fails at the first size
  for (k in seq_along(sizes)) {
    nj <- sizes[if (copies[k] >= 2L) k:length(sizes) else seq_along(sizes)[-seq_len(k)]]
    if (!length(nj)) next
    if (!pairs_equally_likely(sizes[k], nj, a, total)) return(FALSE)
  }
  TRUE
}

# For strata of sizes ni and nj (vectorised over nj) among `total` patients
# of whom `a` were alleviated: is choose(ni, t) * choose(nj, s - t) constant
# over the feasible t, for every total s the pair can hold?
pairs_equally_likely <- function(ni, nj, a, total) {
  # the totals s the pair can hold, less s = 0 and s = ni + nj (one split)
  s_low <- pmax(1, a - (total - ni - nj))
  s_high <- pmin(ni + nj - 1, a)
  width <- s_high - s_low + 1
  if (any(width > 2)) return(FALSE)
  for (offset in 0:1) {
    check <- width > offset
    s <- (s_low + offset)[check]
    j <- nj[check]
    t0 <- pmax(0, s - j)
    t1 <- pmin(ni, s)
    if (any(t1 - t0 >= 2)) return(FALSE)
    # choose(ni, t0 + 1) * choose(j, s - t0 - 1) == choose(ni, t0) * choose(j, s - t0)
    if (any((ni - t0) * (s - t0) != (t0 + 1) * (j - s + t0 + 1))) return(FALSE)
  }
  TRUE
}

# The p-value of Pearson's chi-square test by Monte Carlo, as
# chisq.test(counts, simulate.p.value = TRUE, B = B): the same random tables
# (r2dtable() and chisq.test() both draw them with R's rcont2) and the same
# (1 + exceeding) / (B + 1). Different in one way: a simulated statistic that
# equals the observed one up to a relative 1e-7 counts as reaching it.
# chisq.test() allows only 64 machine epsilons, less than the round-off of
# summing thousands of cells in a different order, so on tables with many
# strata tied statistics fell either side at random (a table whose true
# p-value is 1 got about 0.57). Tables are drawn in blocks of about 2^20
# cells, so memory stays small whatever B.
simulated_chisq_p <- function(counts, B) {
  rows <- rowSums(counts)
  columns <- colSums(counts)
  total <- sum(rows)
  expected <- rows * columns[[1L]] / total
  # Pearson's statistic of a two-column table from its first column:
  # sum((a - e)^2 / e + (a - e)^2 / (n - e)) = sum((a - e)^2 / scale)
  scale <- rows * columns[[1L]] * columns[[2L]] / total^2
  statistic <- function(a) colSums((a - expected)^2 / scale)
  observed <- statistic(matrix(counts[, 1L]))
  block <- max(1, floor(2^20 / length(rows)))
  reached <- 0
  done <- 0
  while (done < B) {
    m <- min(block, B - done)
    tables <- stats::r2dtable(m, rows, columns)
    first <- vapply(tables, function(t) t[, 1L], numeric(length(rows)))
    reached <- reached + sum(statistic(matrix(first, nrow = length(rows))) >=
                               observed * (1 - 1e-7))
    done <- done + m
  }
  (1 + reached) / (B + 1)
}

# Evaluates `code` after set.seed(seed) with R's default generators, then
# puts the session's random number state back exactly as it was: the same
# .Random.seed, or none when there was none (with the generator kinds it had).
# seed = NULL evaluates `code` in the session's own stream.
with_seed <- function(seed, code) {
  if (is.null(seed)) return(code)
  env <- globalenv()
  had_seed <- exists(".Random.seed", envir = env, inherits = FALSE)
  if (had_seed) {
    old_seed <- get(".Random.seed", envir = env, inherits = FALSE)
  } else {
    old_kind <- RNGkind()
  }
  on.exit({
    if (had_seed) {
      assign(".Random.seed", old_seed, envir = env)
    } else {
      suppressWarnings(RNGkind(old_kind[1L], old_kind[2L], old_kind[3L]))
      if (exists(".Random.seed", envir = env, inherits = FALSE)) {
        rm(".Random.seed", envir = env)
      }
    }
  })
  set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion",
           sample.kind = "Rejection")
  code
}

# Measured worst case within these bounds: 0.15 s (20 strata, 2,000 patients).
fisher_is_cheap <- function(counts) {
  identical(dim(counts), c(2L, 2L)) ||
    (nrow(counts) <= 20L && sum(counts) <= 2000)
}

# Newcombe's (1998) hybrid score interval for p1 - p2 from Wilson intervals
# (method 10): c(difference, lower, upper) for two strata (x and n of
# length 2).
newcombe_difference <- function(x, n, conf_level) {
  d <- newcombe_interval(x[1L], n[1L], x[2L], n[2L], conf_level)
  c(d$estimate, d$lower, d$upper)
}

# The same, vectorised over pairs of proportions x1 / n1 and x2 / n2 (shared
# with compare_rates()); NA where either denominator is 0.
newcombe_interval <- function(x1, n1, x2, n2, conf_level) {
  w1 <- proportion_interval(x1, n1, conf_level, "wilson")
  w2 <- proportion_interval(x2, n2, conf_level, "wilson")
  d <- w1$estimate - w2$estimate
  list(estimate = d,
       lower = d - sqrt((w1$estimate - w1$lower)^2 + (w2$upper - w2$estimate)^2),
       upper = d + sqrt((w1$upper - w1$estimate)^2 + (w2$estimate - w2$lower)^2))
}

# "female", "A / old": the names of a table's strata, row by row.
stratum_names <- function(rows, by) {
  do.call(paste, c(lapply(rows[by], function(f) {
    ifelse(is.na(f), "NA", as.character(f))
  }), sep = " / "))
}

#' @rdname summary.alleviation_table
#' @param x A `summary.alleviation_table`.
#' @param digits Decimal places of percentages.
#' @param all `print()`: show every column, even past the console width.
#' @export
format.summary.alleviation_table <- function(x, digits = 1L, ...) {
  out <- data.frame(
    symptom = as.character(x$symptom),
    alleviated = format_fraction(x$alleviated, x$evaluable))
  out[[rate_header(attr(x, "conf_level"))]] <-
    format_rate(x$rate, x$rate_lower, x$rate_upper, digits)
  if (length(attr(x, "by"))) {
    out$strata <- format_integer(x$strata)
    out$p <- format_p(x$p_value)
    out$test <- ifelse(is.na(x$test), "-", x$test)
    if (any(!is.na(x$difference))) {
      contrast <- unique(stats::na.omit(x$contrast))
      header <- if (length(contrast) == 1L) {
        rate_header(attr(x, "conf_level"), contrast)
      } else rate_header(attr(x, "conf_level"), "difference")
      out[[header]] <- ifelse(
        is.na(x$difference), "-",
        paste0(format_rate(x$difference, x$difference_lower, x$difference_upper,
                           digits, sep = " to "),
               if (length(contrast) > 1L) paste0(" ", x$contrast) else ""))
    }
  }
  out
}

#' @rdname summary.alleviation_table
#' @export
print.summary.alleviation_table <- function(x, digits = 1L, all = FALSE, ...) {
  by <- attr(x, "by")
  cat(sprintf("Alleviation rates%s\n",
              if (length(by)) paste0(" across strata of ", paste(by, collapse = " x ")) else ""))
  cat(sprintf("rate: alleviated / evaluable; %s%% %s intervals\n",
              format(100 * attr(x, "conf_level")), method_label(attr(x, "method"))))
  shown <- format(x, digits = digits)
  # one test for every symptom: the note below names it
  if (length(unique(x$test)) == 1L) shown$test <- NULL
  difference <- setdiff(names(shown), c("symptom", "alleviated", "strata", "p", "test",
                                        rate_header(attr(x, "conf_level"))))
  print_within_width(shown, optional = list("test", difference), all = all)
  if (length(by)) {
    print_test_notes(x$test, attr(x, "simulate_B"), attr(x, "seed"))
    if (length(difference)) {
      references <- unique(stats::na.omit(x$reference))
      cat(wrap_lines(sprintf(
        "%s: difference of rates, the stratum minus the reference (%s), Newcombe hybrid score interval",
        sub(" \\(.*", "", difference),
        paste0("\"", references, "\"", collapse = ", "))), sep = "\n")
    }
  }
  invisible(x)
}

#' @rdname summary.alleviation_table
#' @param row.names,optional Ignored.
#' @export
as.data.frame.summary.alleviation_table <- function(x, row.names = NULL,
                                                    optional = FALSE, ...) {
  plain_data_frame(x)
}

# Footnotes for the tests a print shows; shared with
# print.alleviation_comparison().
print_test_notes <- function(test, simulate_B, seed, fisher_note = TRUE) {
  notes <- test_notes_text(test, simulate_B, seed, fisher_note)
  if (length(notes)) cat(paste0(notes, "\n"), sep = "")
}

# The notes on the tests named in `test`, as lines of the console (the
# second line of a note indented; a table for Word joins them).
test_notes_text <- function(test, simulate_B, seed, fisher_note = TRUE) {
  c(if (fisher_note && any(test %in% "Fisher's exact")) {
      "p: Fisher's exact test of equal rates across the strata"
    },
    if (any(test %in% not_informative)) {
      paste0("not informative: given the numbers in each group, every arrangement of the\n",
             "  data is equally likely, so no test can tell the groups apart")
    },
    if (any(test %in% "chi-square (simulated p)") && !is.null(simulate_B)) {
      sprintf("chi-square (simulated p): Monte Carlo p-value of the chi-square test,\n  %s replicates, %s",
              format_integer(simulate_B),
              if (is.null(seed)) "session's random numbers" else paste("seed", format(seed)))
    })
}
