# clinical_significance() against the CRAN package clinicalsignificance
# (version and provenance in fixtures/clinicalsignificance-PROVENANCE.txt),
# patient by patient, on its datasets claus_2020, jacobson_1989,
# hechler_2014 and anxiety_complete, for every method and cut-off. The
# fixtures are the peer's own outputs, made by
# data-raw/clinicalsignificance-fixtures.R; the peer is not needed here.
#
# Where the two differ by design (see ?clinical_significance, "Differences
# from clinicalsignificance"), the test says so case by case:
# - cut-off "b": the peer uses the clinical SD, reproduced by giving the
#   functional SD equal to the clinical one;
# - "HA": the peer never says "harmed"; here a reliable worsening whose
#   follow-up is reliably in the clinical range from a functional baseline
#   is harmed (the peer calls it deteriorated);
# - a score equal to the cut-off: in neither range here; the peer counts it
#   as functional at baseline and clinical at follow-up when judging harm.

fixture <- function(name) {
  utils::read.csv(test_path("fixtures", paste0("clinicalsignificance-", name, ".csv")),
                  stringsAsFactors = FALSE, colClasses = c(id = "character"))
}

test_that("the fixtures are there, with their provenance", {
  provenance <- readLines(test_path("fixtures", "clinicalsignificance-PROVENANCE.txt"))
  expect_match(provenance[2], "clinicalsignificance version 3.0.0", fixed = TRUE)
  settings <- utils::read.csv(test_path("fixtures", "clinicalsignificance-settings.csv"),
                              stringsAsFactors = FALSE)
  expect_setequal(settings$dataset, c("claus_2020", "jacobson_1989", "hechler_2014",
                                      "anxiety_complete"))
})

test_that("categories agree with clinicalsignificance patient by patient, every method and cut-off", {
  settings <- utils::read.csv(test_path("fixtures", "clinicalsignificance-settings.csv"),
                              stringsAsFactors = FALSE)
  data <- fixture("data")
  peer <- fixture("categories")
  cutoffs <- utils::read.csv(test_path("fixtures", "clinicalsignificance-cutoffs.csv"),
                             stringsAsFactors = FALSE)
  compared <- 0L
  explained <- c(ha_harmed = 0L, at_cutoff = 0L)
  for (i in seq_len(nrow(settings))) {
    s <- settings[i, ]
    wide <- data[data$config == s$config, ]
    complete <- !is.na(wide$pre) & !is.na(wide$post)
    sd_clinical <- sd(wide$pre[complete])
    for (method in c("JT", "GLN", "EN", "NK", "HA")) {
      theirs <- peer[peer$config == s$config & peer$method == method, ]
      for (cutoff in c("a", "b", "c")) {
        info <- sprintf("%s (%s), %s, cut-off %s", s$config, s$dataset, method, cutoff)
        ours <- do.call(clinical_significance, c(list(
          wide$pre, wide$post, reliability = s$reliability, method = method,
          direction = if (s$better_is == "lower") "decrease" else "increase",
          cutoff = cutoff,
          functional = c(mean = s$m_functional,
                         sd = if (cutoff == "b") sd_clinical else s$sd_functional),
          sd_sample = "complete_pairs"),
          if (method == "NK") list(reliability_post = s$reliability_post)))
        cs <- attr(ours, "clinical_significance")
        their_cut <- cutoffs[cutoffs$config == s$config & cutoffs$method == method &
                               cutoffs$cutoff == cutoff, ]
        expect_identical(cs$n_original, their_cut$n_original, info = info)
        expect_identical(cs$n_used, their_cut$n_used, info = info)
        expect_equal(cs$cutoff$value, their_cut$value, tolerance = 1e-12, info = info)
        at <- match(theirs$id, wide$id)
        expect_false(anyNA(at), info = info)
        # exactly the complete pairs are classified, by both
        expect_setequal(wide$id[!is.na(ours$category)], theirs$id)
        expect_equal(ours$rci[at], theirs$rci, tolerance = 1e-12, info = info)
        if (method == "HA") {
          expect_equal(ours$cs_indiv[at], theirs[[paste0("cs_indiv_", cutoff)]],
                       tolerance = 1e-12, info = info)
        }
        mine <- as.character(ours$category[at])
        want <- theirs[[paste0("category_", cutoff)]]
        differ <- which(mine != want)
        ha_harmed <- method == "HA" & mine == "harmed" & want == "deteriorated"
        on_cut <- abs(ours$pre[at] - cs$cutoff$value) <= 1e-9 * abs(cs$cutoff$value) |
          abs(ours$post[at] - cs$cutoff$value) <= 1e-9 * abs(cs$cutoff$value)
        unexplained <- differ[!ha_harmed[differ] & !on_cut[differ]]
        expect_identical(length(unexplained), 0L,
                         info = paste(info, "ids", paste(theirs$id[unexplained], collapse = ", "),
                                      "ours", paste(mine[unexplained], collapse = ", "),
                                      "theirs", paste(want[unexplained], collapse = ", ")))
        # a harmed patient under HA does meet the papers' criteria
        for (j in which(ha_harmed)) {
          k <- at[j]
          expect_identical(as.character(ours$pre_range[k]), "functional", info = info)
          expect_identical(as.character(ours$post_range[k]), "clinical", info = info)
        }
        compared <- compared + length(at)
        explained <- explained + c(sum(ha_harmed), sum(on_cut[differ] & !ha_harmed[differ]))
      }
    }
  }
  # 6 configurations x 5 methods x 3 cut-offs: 5,160 patient results
  expect_identical(compared, 5160L)
  # on these datasets no designed difference occurs: every category agrees
  expect_identical(explained, c(ha_harmed = 0L, at_cutoff = 0L))
})

test_that("the peer's reliable change equals reliable_change_rule()'s with its SD", {
  settings <- utils::read.csv(test_path("fixtures", "clinicalsignificance-settings.csv"),
                              stringsAsFactors = FALSE)
  data <- fixture("data")
  peer <- fixture("categories")
  s <- settings[settings$config == "claus_bdi", ]
  wide <- data[data$config == "claus_bdi", ]
  complete <- !is.na(wide$pre) & !is.na(wide$post)
  rule <- reliable_change_rule(sd = sd(wide$pre[complete]), reliability = s$reliability,
                               range = c(0, 63))
  jt <- peer[peer$config == "claus_bdi" & peer$method == "JT", ]
  at <- match(jt$id, wide$id)
  change <- wide$post[at] - wide$pre[at]
  # |RCI| = |change| / S_diff, so RC = 1.96 * |change| / |RCI|
  moved <- jt$rci != 0
  expect_equal(qnorm(0.975) * abs(change[moved]) / abs(jt$rci[moved]),
               rep(rule$min_change, sum(moved)), tolerance = 1e-12)
})

test_that("the SD's sample matters: the peer is reproduced only with complete pairs", {
  settings <- utils::read.csv(test_path("fixtures", "clinicalsignificance-settings.csv"),
                              stringsAsFactors = FALSE)
  data <- fixture("data")
  peer <- fixture("categories")
  # hechler_2014 has baselines without follow-up (104 patients, 92 pairs)
  s <- settings[settings$config == "hechler_disability", ]
  wide <- data[data$config == "hechler_disability", ]
  expect_identical(nrow(wide), 104L)
  expect_identical(sum(!is.na(wide$pre) & !is.na(wide$post)), 92L)
  theirs <- peer[peer$config == "hechler_disability" & peer$method == "HA", ]
  at <- match(theirs$id, wide$id)
  run <- function(sd_sample) {
    as.character(clinical_significance(wide$pre, wide$post, s$reliability, method = "HA",
                                       cutoff = "a", sd_sample = sd_sample)$category[at])
  }
  expect_identical(run("complete_pairs"), theirs$category_a)
  expect_gt(sum(run("all_baselines") != theirs$category_a), 0L)
})
