#' Turn long measurements into the wide form classify_cohort() reads
#'
#' Registries often hold one row per patient, symptom and time point. This
#' makes one row per patient with the columns `<symptom>_pre` and
#' `<symptom>_post`, refusing data that cannot be paired: a duplicated
#' patient x symptom x time row, a time point other than `pre` and `post`,
#' or a measurement without its partner.
#'
#' @param long A data frame in long form.
#' @param id,symptom,time,value Names of the columns of `long` holding the
#'   patient identifier, the symptom name, the time point and the measured
#'   value.
#' @param pre,post The values of the `time` column that mean baseline and
#'   follow-up.
#' @return A data frame with the `id` column (patients in order of first
#'   appearance) and, per symptom in order of first appearance, the columns
#'   `<symptom>_pre` and `<symptom>_post`. A patient without any row for a
#'   symptom gets `NA` in both.
#' @examples
#' long <- data.frame(
#'   patient = c(1, 1, 1, 1, 2, 2),
#'   measure = c("lbp", "lbp", "leg_pain", "leg_pain", "lbp", "lbp"),
#'   when = c("pre", "post", "pre", "post", "pre", "post"),
#'   score = c(7, 3, 5, 5, 6, 6))
#' wide <- widen_measurements(long, id = "patient", symptom = "measure",
#'                            time = "when", value = "score")
#' wide
#' classify_cohort(wide, rules = study_rules()[c("lbp", "leg_pain")],
#'                 id = "patient")
#' @export
widen_measurements <- function(long, id = "id", symptom = "symptom",
                               time = "time", value = "value",
                               pre = "pre", post = "post") {
  call <- sys.call()
  check_data_frame(long, "long", call)
  for (arg in c("id", "symptom", "time", "value")) {
    column <- get(arg)
    if (!is.character(column) || length(column) != 1L || is.na(column)) {
      abort(sprintf("`%s` must be a single column name, not %s.", arg,
                    describe_value(column)), call)
    }
    check_columns_exist(names(long), column, arg, data_arg = "long", call = call)
  }
  for (arg in c("pre", "post")) {
    label <- get(arg)
    if (length(label) != 1L || is.na(label) || !is.atomic(label)) {
      abort(sprintf("`%s` must be a single value of the `time` column, not %s.",
                    arg, describe_value(label)), call)
    }
  }
  if (identical(as.character(pre), as.character(post))) {
    abort("`pre` and `post` must differ.", call)
  }
  ids <- long[[id]]
  symptoms <- as.character(long[[symptom]])
  times <- as.character(long[[time]])
  values <- long[[value]]
  values <- as_measurements(values, sprintf("long$%s", value), call)
  if (anyNA(ids) || anyNA(symptoms)) {
    abort(sprintf("`long` has missing values in `%s` or `%s` (row %d).", id,
                  symptom, which(is.na(ids) | is.na(symptoms))[1L]), call)
  }
  stage <- match(times, c(as.character(pre), as.character(post)))
  if (anyNA(stage)) {
    bad <- which(is.na(stage))[1L]
    abort(sprintf("`long$%s` must be \"%s\" or \"%s\", but row %d is %s.",
                  time, pre, post, bad, describe_value(times[bad])), call)
  }
  patient_ids <- unique(ids)
  symptom_names <- unique(symptoms)
  row <- match(ids, patient_ids)
  column <- (match(symptoms, symptom_names) - 1L) * 2L + stage
  cell <- (column - 1) * length(patient_ids) + row
  if (anyDuplicated(cell)) {
    bad <- which(duplicated(cell))[1L]
    abort(sprintf("`long` has more than one row for %s = %s, %s = \"%s\", %s = \"%s\" (row %d).",
                  id, format(ids[bad]), symptom, symptoms[bad], time,
                  times[bad], bad), call)
  }
  partner <- (ifelse(stage == 1L, column + 1L, column - 1L) - 1) *
    length(patient_ids) + row
  unpaired <- which(!partner %in% cell)
  if (length(unpaired)) {
    bad <- unpaired[1L]
    abort(sprintf("`long` has a \"%s\" value without its \"%s\" partner for %s = %s, %s = \"%s\" (row %d); %s.",
                  times[bad], if (stage[bad] == 1L) post else pre, id,
                  format(ids[bad]), symptom, symptoms[bad], bad,
                  count_of(length(unpaired), "such row")), call)
  }
  value_columns <- paste0(rep(symptom_names, each = 2L), c("_pre", "_post"))
  if (id %in% value_columns) {
    abort(sprintf("`id` column \"%s\" would clash with the measurement column of the same name that symptom \"%s\" makes; rename the id column.",
                  id, sub("_(pre|post)$", "", id)), call)
  }
  wide <- matrix(if (is.integer(values)) NA_integer_ else NA_real_,
                 nrow = length(patient_ids), ncol = 2L * length(symptom_names))
  wide[cell] <- values
  colnames(wide) <- value_columns
  out <- data.frame(patient_ids, wide, check.names = FALSE)
  names(out)[1L] <- id
  out
}
