#' Turn long measurements into the wide form classify_cohort() reads
#'
#' Registries often hold one row per patient, symptom and time point. This
#' makes one row per patient with one column per symptom and time point:
#' `<symptom>_pre` and `<symptom>_post` for one follow-up (what
#' [classify_cohort()] reads), or `<symptom>_<baseline>` and one
#' `<symptom>_<visit>` per visit, in visit order, for several (what
#' [classify_visits()] reads, given the same `pre` as `baseline` and `post`
#' as `visits`).
#'
#' Each row is one patient's value of one symptom at one time point: the
#' `id` and `symptom` of every row must be present (not `NA` or blank) and
#' no patient may have two rows for the same symptom and time point (a
#' duplicate is refused with its value and its rows).
#'
#' No patient is dropped. A patient without a row for a symptom or a visit
#' gets `NA` there (with `unpaired = "missing"`, the default), which the
#' tables then count as missing. The rows of `long` may come in any order.
#'
#' @section Patient-level columns:
#' Every other column of `long` (site, age, sex, ...) that holds one value
#' per patient is kept, after the `id` column, with that value. A value
#' missing on some of a patient's rows (a site recorded on the baseline row
#' only) does not count as a difference. A column whose values differ
#' within a patient (a visit date, an assessor) belongs to the measurements,
#' not to the patient: it is dropped, with a message naming it and the first
#' patient where it differs. Drop such columns from `long` first to silence
#' the message.
#'
#' @section Unpaired measurements:
#' `unpaired = "missing"` (the default) keeps a patient whose baseline or
#' follow-up row is absent, with `NA` in its place: loss to follow-up is
#' ordinary in a longitudinal study, and the tables report missing patients
#' in every row, so nobody disappears silently. `unpaired = "error"` (the
#' behaviour of myelorelief 0.1.0) refuses such data instead, for a data set
#' expected to be complete: every patient with a row for a symptom must then
#' have a row for the baseline and every visit.
#'
#' @param long A data frame in long form.
#' @param id,symptom,time,value Names of the columns of `long` holding the
#'   patient identifier, the symptom name, the time point and the measured
#'   value.
#' @param pre The value of the `time` column that means the baseline.
#' @param post The value of the `time` column that means the follow-up, or
#'   several values, one per visit, in visit order (such as
#'   `c("day1", "week1", "month1")`).
#' @param unpaired `"missing"` or `"error"`: what to do when a patient has
#'   some but not all of a symptom's time points; see the section Unpaired
#'   measurements.
#' @return A data frame with the `id` column (patients in order of first
#'   appearance), the patient-level columns, and per symptom (in order of
#'   first appearance) its measurement columns: `<symptom>_pre` and
#'   `<symptom>_post` when `post` is one value, else `<symptom>_<pre>`
#'   followed by `<symptom>_<visit>` for each value of `post`.
#' @seealso [classify_cohort()] for one follow-up, [classify_visits()] for
#'   several.
#' @examples
#' long <- data.frame(
#'   patient = c(1, 1, 1, 1, 2, 2),
#'   site = c("A", "A", "A", "A", "B", "B"),
#'   measure = c("lbp", "lbp", "leg_pain", "leg_pain", "lbp", "lbp"),
#'   when = c("pre", "post", "pre", "post", "pre", "post"),
#'   score = c(7, 3, 5, 5, 6, 6))
#' wide <- widen_measurements(long, id = "patient", symptom = "measure",
#'                            time = "when", value = "score")
#' wide
#' classify_cohort(wide, rules = study_rules()[c("lbp", "leg_pain")],
#'                 id = "patient")
#'
#' # Several visits, in any row order; patient 2 missed week 1
#' visits <- data.frame(
#'   patient = c(1, 1, 1, 2, 2),
#'   symptom = "lbp",
#'   time = c("week1", "pre", "day1", "day1", "pre"),
#'   value = c(6, 8, 3, 5, 6))
#' wide <- widen_measurements(visits, id = "patient",
#'                            post = c("day1", "week1"))
#' wide
#' classify_visits(wide, study_rules()["lbp"], visits = c("day1", "week1"),
#'                 id = "patient")
#' @export
widen_measurements <- function(long, id = "id", symptom = "symptom",
                               time = "time", value = "value",
                               pre = "pre", post = "post",
                               unpaired = c("missing", "error")) {
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
  if (length(pre) != 1L || is.na(pre) || !is.atomic(pre) || is.object(pre)) {
    abort(sprintf("`pre` must be a single value of the `time` column, not %s.",
                  describe_value(pre)), call)
  }
  if (!length(post) || anyNA(post) || !is.atomic(post) || is.object(post)) {
    abort(sprintf("`post` must be one or more values of the `time` column (the visits, in order), not %s.",
                  describe_value(post)), call)
  }
  unpaired <- check_choice(unpaired, c("missing", "error"), "unpaired", call)
  pre <- as.character(pre)
  post <- as.character(post)
  if (pre %in% post) {
    abort(sprintf("`pre` and `post` must differ: \"%s\" is in both.", pre), call)
  }
  if (anyDuplicated(post)) {
    abort(sprintf("`post` must not repeat a visit: \"%s\".",
                  post[anyDuplicated(post)]), call)
  }
  ids <- long[[id]]
  symptoms <- as.character(long[[symptom]])
  times <- as.character(long[[time]])
  values <- long[[value]]
  values <- as_measurements(values, sprintf("long$%s", value), call)
  # Rows are told apart by (id, symptom, time): each must be present; their
  # combination must be unique (checked below, once the cells are known).
  check_ids(ids, sprintf("`long$%s`", id), call, unique = FALSE)
  check_ids(symptoms, sprintf("`long$%s`", symptom), call, unique = FALSE,
            needs = "a symptom")
  stage <- match(times, c(pre, post))
  if (anyNA(stage)) {
    bad <- which(is.na(stage))[1L]
    others <- unique(times[is.na(stage)])
    abort(sprintf("`long$%s` has the time point %s (row %d), which is neither `pre` (\"%s\") nor %s`post` (%s); name every time point of the data in `pre =` (the baseline) or `post =` (the visits, in order)%s.",
                  time, describe_value(times[bad]), bad, pre,
                  if (length(post) > 1L) "one of " else "",
                  paste0("\"", post, "\"", collapse = ", "),
                  if (length(others) > 1L) sprintf("; %s such values: %s",
                    length(others), paste0("\"", utils::head(others, 5L), "\"",
                                          collapse = ", ")) else ""), call)
  }
  n_times <- 1L + length(post)
  patient_ids <- unique(ids)
  symptom_names <- unique(symptoms)
  n_patients <- length(patient_ids)
  row <- match(ids, patient_ids)
  column <- (match(symptoms, symptom_names) - 1L) * n_times + stage
  cell <- (column - 1) * n_patients + row
  bad <- anyDuplicated(cell)
  if (bad) {
    abort(sprintf("`long` has more than one row for %s = %s, %s = \"%s\", %s = \"%s\" (%s); each patient needs one row per symptom and time point.",
                  id, format_id(ids[bad]), symptom, symptoms[bad], time,
                  times[bad], format_rows(which(cell == cell[bad]))), call)
  }
  if (unpaired == "error") {
    # Every patient x symptom with a row needs all its time points.
    group <- (match(symptoms, symptom_names) - 1) * n_patients + row
    counts <- tabulate(match(group, unique(group)))
    short <- counts[match(group, unique(group))] < n_times
    if (any(short)) {
      bad <- which(short)[1L]
      have <- stage[group == group[bad]]
      lacking <- c(pre, post)[-have]
      abort(sprintf("`long` has no \"%s\" row for %s = %s, %s = \"%s\" (row %d has its \"%s\" value); %s. Use `unpaired = \"missing\"` to keep such patients with NA.",
                    lacking[1L], id, format(ids[bad]), symptom, symptoms[bad],
                    bad, times[bad],
                    count_of(length(unique(group[short])),
                             "patient and symptom lacks a time point",
                             "patients and symptoms lack a time point")),
            call)
    }
  }
  suffixes <- if (length(post) == 1L) c("pre", "post") else c(pre, post)
  value_columns <- paste0(rep(symptom_names, each = n_times), "_", suffixes)
  patient_level <- patient_level_columns(long, setdiff(names(long),
                                                 c(id, symptom, time, value)),
                                   row, n_patients, id, patient_ids)
  clash <- intersect(c(id, names(patient_level)), value_columns)
  if (length(clash)) {
    abort(sprintf("%s \"%s\" would clash with the measurement column of the same name that widening makes; rename it.",
                  if (clash[1L] == id) "`id` column" else "Column",
                  clash[1L]), call)
  }
  wide <- matrix(if (is.integer(values)) NA_integer_ else NA_real_,
                 nrow = n_patients, ncol = n_times * length(symptom_names))
  wide[cell] <- values
  colnames(wide) <- value_columns
  out <- data.frame(patient_ids, check.names = FALSE)
  names(out)[1L] <- id
  out[names(patient_level)] <- patient_level
  cbind(out, as.data.frame(wide, optional = TRUE))
}

# Columns holding one value per patient (missing values aside), as one row
# per patient; the others are dropped with a message.
patient_level_columns <- function(long, columns, row, n_patients, id, patient_ids) {
  kept <- list()
  varying <- character(0)
  first_patient <- NULL
  for (column in columns) {
    v <- long[[column]]
    if (!is.atomic(v) || !is.null(dim(v)) || length(v) != length(row)) {
      varying <- c(varying, column)
      next
    }
    if (inherits(v, "POSIXlt")) v <- as.POSIXct(v)
    known <- which(!is.na(v))
    first <- known[match(seq_len(n_patients), row[known])]
    value <- v[first]
    differs <- known[v[known] != value[row[known]]]
    if (length(differs)) {
      varying <- c(varying, column)
      if (is.null(first_patient)) first_patient <- patient_ids[row[differs[1L]]]
      next
    }
    names(value) <- NULL
    kept[[column]] <- value
  }
  if (length(varying)) {
    message(sprintf("Dropped %s that %s within a patient (not patient-level): %s%s.",
                    if (length(varying) == 1L) "a column" else "columns",
                    if (length(varying) == 1L) "varies" else "vary",
                    paste0("\"", varying, "\"", collapse = ", "),
                    if (is.null(first_patient)) "" else
                      sprintf(" (first at %s = %s)", id, format(first_patient))))
  }
  kept
}
