# Every .Call entry point under gctorture(TRUE) on small inputs: a missing
# PROTECT shows as a crash or a wrong result. Run: Rscript tools/gctorture.R
library(myelorelief)
rule <- alleviation_rule(min_change = 2, min_relative = 0.3, range = c(0, 10))
pre <- c(a = 7, b = 5, c = NA, d = 0, e = 4)
post <- c(3, 5, 1, 0, 8)
data <- myelography[1:40, ]
# A small CSV file with quoted commas, doubled quotes, a line break inside
# quotes, text measurements and a blank line, read by the C reader (its
# three .Call entry points) in chunks of 3 records.
csv_path <- tempfile(fileext = ".csv")
writeBin(charToRaw(paste0("pre,post,ward\r\n8,2,\"north, old\"\r\n6,\" 1 \",\"say \"\"hi\"\"\"\r\n",
                          "\r\n5,NA,\"two\nlines\"\r\n7,Inf,\r\n0x1A,1e-320,\u00e9\r\n4,,NA")), csv_path)
read_csv_native <- function(path) {
  ctx <- list(call = NULL)
  src <- myelorelief:::csv_source_open(path, ctx)
  on.exit(close(src$con))
  slot <- c(0L, 1L, 2L)
  out <- list()
  repeat {
    read <- myelorelief:::csv_read_chunk(src, 3, slot, c("pre", "post", "ward"),
                                         c("pre", "post"), ctx)
    out[[length(out) + 1L]] <- read$chunk
    if (src$eof && src$pos >= length(src$buf)) break
  }
  do.call(rbind, out)
}
run_all <- function() list(
  csv = read_csv_native(csv_path),
  csv_join = .Call(myelorelief:::C_csv_join, charToRaw("abc,de"), 2, charToRaw("fg")),
  classify = classify_alleviation(pre, post, rule),
  classify_int = classify_alleviation(as.integer(c(7, 5, NA)), c(3L, 5L, 1L), rule),
  cohort = classify_cohort(data, id = "id"),
  table = tabulate_cohort(classify_cohort(data), by = c("hospital", "sex"), data = data),
  curve = alleviation_curve(pre, post, rule, c(0, 0.3, 0.6)),
  errors = tryCatch(classify_alleviation(c(1, 11), c(1, 1), rule), error = conditionMessage),
  range_error = tryCatch(classify_alleviation(10 + 1e-6, 1, rule), error = conditionMessage),
  threads = c(myelorelief_threads(), myelorelief_threads(1), myelorelief_threads(Inf)),
  mcid = { set.seed(3); estimate_mcid(data$lbp_pre, data$lbp_post, data$lbp_pre > 4, boot = 20) },
  mcid_by_patient = { set.seed(4); estimate_mcid(c(pre, 9.5, 8.25), c(post, 1.5, 7), c(TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE), boot = 20) },
  mcid_stratified = { set.seed(5); estimate_mcid(c(pre, 9.5, 8.25), c(post, 1.5, 7), c(TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE), boot = 20, stratified = TRUE) },
  mcid_predictive = { set.seed(6); estimate_mcid(data$lbp_pre, data$lbp_post, data$lbp_pre > 4 | data$lbp_post < 3, boot = 10, method = "adjusted_predictive", best = "closest_topleft") },
  mcid_rng = .Call(myelorelief:::C_mcid_rng, c(1, 2), 3, 5, 7),
  reliable = reliable_change_rule(reliability = 0.8, baseline = data$lbp_pre),
  text_strata = tabulate_cohort(classify_cohort(data), by = "id", drop = TRUE),
  # C_string_codes (text sorted in C) and C_table_columns (cells gathered
  # in table order, overall rows appended)
  sparse_strata = tabulate_cohort(classify_cohort(data), by = c("id", "hospital"),
                                  drop = TRUE),
  wilson = .Call(myelorelief:::C_wilson_columns, c(0, 1, 3, 2), c(0, 2, 3, 9),
                 stats::qnorm(0.025, lower.tail = FALSE)),
  text_sorted = .Call(myelorelief:::C_string_codes,
                      c("b", NA, "\u00e9t\u00e9", "", "NA", "a long shared prefix 1",
                        "a long shared prefix 0", "b")),
  visits = durability(classify_visits(hypothetical_followup[1:30, ],
                                      visits = c("post", "week1", "month1", "month3"),
                                      id = "id")),
  visits_general = durability(classify_visits(hypothetical_followup[30:1, ],
                                              visits = c("post", "week1", "month1", "month3"),
                                              id = "id")[120:1, ]),
  visits_by_symptom = tryCatch(classify_visits(transform(hypothetical_followup[1:30, ], lbp_week1 = 11),
                                               visits = c("post", "week1"), id = "id"),
                               error = conditionMessage),
  visits_many = durability(classify_visits(
    cbind(hypothetical_followup[1:20, c("id", "lbp_pre")],
          stats::setNames(hypothetical_followup[1:20, rep("lbp_post", 7)], paste0("lbp_v", 1:7))),
    study_rules()["lbp"], visits = paste0("v", 1:7), id = "id")),
  ids_distinct = .Call(myelorelief:::C_ids_distinct, c(3L, 9L, 4L), 3),
  # C_weights_max and C_tabulate_weighted, cells direct and grouped
  weighted = tabulate_cohort(classify_cohort(data), by = c("hospital", "sex"),
                             weights = seq_len(40) / 7),
  weighted_sparse = tabulate_cohort(classify_cohort(data), by = c("id", "hospital"),
                                    drop = TRUE, weights = c(0, seq_len(39) / 3)),
  weights_bad = tryCatch(tabulate_cohort(classify_cohort(data), weights = c(NA, rep(1, 39))),
                         error = conditionMessage),
  strict = classify_alleviation(pre, post, alleviation_rule(min_change = 2, min_relative = 0.3,
                                                            range = c(0, 10), strict = TRUE)),
  scores = score_change(data, study_rules()[c("lbp", "leg_pain")], by = "hospital",
                        group = "sex")
)
expected <- run_all()
gctorture(TRUE)
got <- run_all()
gctorture(FALSE)
for (name in names(expected)) {
  if (!identical(got[[name]], expected[[name]])) stop("gctorture changed the result of ", name)
}
cat("gctorture: all", length(expected), ".Call paths gave identical results\n")
