# Fixtures for tests/testthat/test-clinical_significance-peer.R: the
# categories (and reliable change indices) that the CRAN package
# clinicalsignificance computes with cs_combined() on four of its own
# datasets, for every reliable change method the package offers here
# (JT, GLN, EN, NK, HA) and every cut-off (a, b, c).
#
# Run from the package root, with clinicalsignificance installed:
#   Rscript data-raw/clinicalsignificance-fixtures.R
# It writes
#   tests/testthat/fixtures/clinicalsignificance-categories.csv  one row per
#     configuration, method and patient (in complete pairs): id, the peer's
#     rci (to 15 significant digits), its category under each cut-off
#     (category_a, _b, _c) and, for HA, cs_indiv under each cut-off;
#   tests/testthat/fixtures/clinicalsignificance-settings.csv  one row per
#     configuration: dataset, outcome, time points, direction, reliabilities
#     and functional norms, so the test can rebuild every call;
#   tests/testthat/fixtures/clinicalsignificance-cutoffs.csv  the peer's
#     cut-off, n_original and n_used per configuration, method and cut-off;
#   tests/testthat/fixtures/clinicalsignificance-data.csv  the wide data
#     (id, pre, post, with missing values) of each configuration;
#   tests/testthat/fixtures/clinicalsignificance-PROVENANCE.txt
#
# Settings: the reliabilities 0.801 (BDI-II) and the functional norms
# 7.69/7.52 for claus_2020 and 8/4 for anxiety_complete are the ones the
# peer's documentation uses; 0.85 and 0.75 (jacobson_1989's GDS) those of
# its tests. Every other reliability or norm below is ILLUSTRATIVE (chosen
# here, not published), good enough to exercise the computations.
#
# Cut-off "b": clinicalsignificance computes it with the clinical SD where
# Jacobson and Truax (1991) use the functional one, so the test reproduces
# its "b" by giving the functional SD equal to the clinical one; the fixture
# stores the peer's "b" as the peer computes it, with the functional norms
# given below.

stopifnot(requireNamespace("clinicalsignificance", quietly = TRUE))
suppressPackageStartupMessages(library(clinicalsignificance))
out_dir <- file.path("tests", "testthat", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

settings <- data.frame(
  config = c("claus_bdi", "claus_who", "jacobson_gds", "jacobson_das",
             "hechler_disability", "anxiety"),
  dataset = c("claus_2020", "claus_2020", "jacobson_1989", "jacobson_1989",
              "hechler_2014", "anxiety_complete"),
  id = c("id", "id", "subject", "subject", "patient", "subject"),
  time = c("time", "time", "time", "time", "measurement", "measurement"),
  outcome = c("bdi", "who", "gds", "das", "disability", "anxiety"),
  pre = c("1", "1", "pre", "pre", "1", "0"),
  post = c("4", "4", "post", "post", "2", "4"),
  better_is = c("lower", "higher", "lower", "higher", "lower", "lower"),
  reliability = c(0.801, 0.85, 0.85, 0.85, 0.85, 0.85),
  reliability_post = c(0.801, 0.85, 0.75, 0.85, 0.85, 0.85),
  m_functional = c(7.69, 17, 50, 110, 10, 8),
  sd_functional = c(7.52, 4, 8, 12, 8, 4),
  source = c("peer documentation", "illustrative", "peer tests (reliabilities); norms illustrative",
             "illustrative", "illustrative", "peer documentation (norms); reliability illustrative"),
  stringsAsFactors = FALSE)

as_time <- function(x, like) if (is.numeric(like)) as.numeric(x) else x

categories <- list()
cutoffs <- list()
wide <- list()
for (i in seq_len(nrow(settings))) {
  s <- settings[i, ]
  data <- as.data.frame(get(s$dataset, envir = asNamespace("clinicalsignificance")))
  data <- data.frame(id = data[[s$id]], time = data[[s$time]],
                     outcome = data[[s$outcome]], stringsAsFactors = FALSE)
  pre_t <- as_time(s$pre, data$time)
  post_t <- as_time(s$post, data$time)
  ids <- unique(data$id)
  pick <- function(t) {
    rows <- data[data$time == t, ]
    rows$outcome[match(ids, rows$id)]
  }
  wide[[i]] <- data.frame(config = s$config, id = as.character(ids),
                          pre = pick(pre_t), post = pick(post_t))
  for (method in c("JT", "GLN", "EN", "NK", "HA")) {
    for (cutoff in c("a", "b", "c")) {
      args <- list(data = data, id = quote(id), time = quote(time),
                   outcome = quote(outcome), pre = pre_t, post = post_t,
                   reliability = s$reliability, better_is = s$better_is,
                   rci_method = method, cutoff_type = cutoff,
                   m_functional = s$m_functional, sd_functional = s$sd_functional)
      if (method == "NK") args$reliability_post <- s$reliability_post
      res <- suppressMessages(do.call(cs_combined, args))
      aug <- as.data.frame(cs_get_augmented_data(res))
      one <- data.frame(config = s$config, method = method, id = as.character(aug$id),
                        rci = aug$rci)
      one[[paste0("category_", cutoff)]] <- tolower(as.character(aug$category))
      if (method == "HA") one[[paste0("cs_indiv_", cutoff)]] <- aug$cs_indiv
      key <- paste(s$config, method)
      if (is.null(categories[[key]])) {
        categories[[key]] <- one
      } else {
        # the index does not depend on the cut-off: one column of it
        stopifnot(identical(categories[[key]]$id, one$id),
                  identical(categories[[key]]$rci, one$rci))
        categories[[key]] <- cbind(categories[[key]], one[setdiff(names(one), names(categories[[key]]))])
      }
      cutoffs[[length(cutoffs) + 1L]] <- data.frame(
        config = s$config, method = method, cutoff = cutoff,
        value = res$cutoff_results$info$value,
        n_original = res$n_obs$n_original, n_used = res$n_obs$n_used)
    }
  }
}

write_csv <- function(x, file) {
  num <- vapply(x, is.double, logical(1))
  x[num] <- lapply(x[num], function(v) ifelse(is.na(v), NA, sprintf("%.15g", v)))
  utils::write.csv(x, file.path(out_dir, file), row.names = FALSE, na = "NA")
}
write_csv(settings, "clinicalsignificance-settings.csv")
write_csv(do.call(rbind, wide), "clinicalsignificance-data.csv")
all_columns <- c("config", "method", "id", "rci", "category_a", "category_b", "category_c",
                 "cs_indiv_a", "cs_indiv_b", "cs_indiv_c")
categories <- lapply(categories, function(x) {
  x[setdiff(all_columns, names(x))] <- NA_real_
  x[all_columns]
})
write_csv(do.call(rbind, categories), "clinicalsignificance-categories.csv")
write_csv(do.call(rbind, cutoffs), "clinicalsignificance-cutoffs.csv")
writeLines(c(
  "Fixtures made by data-raw/clinicalsignificance-fixtures.R",
  sprintf("clinicalsignificance version %s (CRAN), cs_combined() and cs_get_augmented_data()",
          format(utils::packageVersion("clinicalsignificance"))),
  sprintf("%s; %s", R.version.string, format(Sys.Date())),
  "Datasets: claus_2020, jacobson_1989, hechler_2014, anxiety_complete (shipped with clinicalsignificance).",
  "Settings marked illustrative in clinicalsignificance-settings.csv are chosen here, not published norms."),
  file.path(out_dir, "clinicalsignificance-PROVENANCE.txt"))
