# Every .Call entry point under gctorture(TRUE) on small inputs: a missing
# PROTECT shows as a crash or a wrong result. Run: Rscript tools/gctorture.R
library(myelorelief)
rule <- alleviation_rule(min_change = 2, min_relative = 0.3, range = c(0, 10))
pre <- c(a = 7, b = 5, c = NA, d = 0, e = 4)
post <- c(3, 5, 1, 0, 8)
data <- myelography[1:40, ]
run_all <- function() list(
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
