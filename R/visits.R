#' Classify every symptom at several follow-up visits
#'
#' The longitudinal form of [classify_cohort()]: each visit's measurement is
#' judged against the one baseline by the same rules and the same compiled
#' classifier, giving one row per patient and visit.
#'
#' Symptom `s` is read from the columns `<s>_<baseline>` (the baseline) and
#' `<s>_<visit>` for each of `visits`: `lbp_pre`, `lbp_day1`, `lbp_week1`,
#' .... Columns named otherwise are mapped, for the baseline and for each
#' visit, the way `pre` and `post` of [classify_cohort()] map them: a
#' suffix, a named mapping `c(symptom = "column")`, or a mapping with one
#' unnamed suffix for the symptoms it leaves out. Long data (one row per patient, symptom and time point) becomes
#' this wide form with [widen_measurements()], given `pre = baseline` and
#' `post = visits`. A visit a patient missed is `NA` there, and its classes
#' are `NA` (counted as missing by [tabulate_cohort()]); no patient is
#' dropped.
#'
#' The result is a cohort: `tabulate_cohort(x, by = "visit")` gives counts,
#' rates and intervals per visit (add strata after it: `by = c("visit",
#' "hospital")`), [combine_tables()] adds the tables of chunks of patients,
#' and [durability()] follows each patient's relief across the visits.
#' Tabulated without `visit` in `by`, rows of every visit are pooled, which
#' counts patients once per visit.
#'
#' @param data A data frame, one row per patient.
#' @param rules A named list of [alleviation_rule()]s, one per symptom.
#' @param visits The follow-up visits, in order. Either the suffixes of
#'   their columns, such as `c("day1", "week1", "month1")` (names, if given,
#'   name the visits: `c(week6 = "6w")`), or a named list with, per visit, a
#'   suffix, a mapping or both: `list(day1 = "day1", week1 = c(bdi =
#'   "bdi.w1"))`; symptoms that a visit's mapping leaves out read
#'   `<symptom>_<visit>`. As in [classify_cohort()], the underscore is added
#'   when a suffix starts with a letter or digit (`"day1"` and `"_day1"` both
#'   read `lbp_day1`; `".1"` reads `lbp.1`), and a visit without a name is
#'   named after its suffix without the leading separator.
#' @param baseline The baseline columns: a suffix (default `"pre"`), a named
#'   mapping `c(bdi = "bdi.pre")`, or a mapping with one unnamed suffix, as
#'   `pre` of [classify_cohort()].
#' @param id Optional name of an identifier column of `data`. Without it,
#'   the result has a column `patient` holding each patient's row number in
#'   `data`. Its values must be present (not `NA` or blank) and unique, one
#'   row per patient, since [durability()] follows each patient by it;
#'   otherwise the error names the first missing or duplicated value and its
#'   rows.
#' @return A data frame of class `c("myelo_visits", "myelo_cohort")`, with
#'   `nrow(data) * length(visits)` rows, visit by visit (every patient at the
#'   first visit, then every patient at the second, ...): the `id` column (or
#'   `patient`), `visit` (a factor with the visits as levels, in their
#'   order), every other column of `data` that is not a measurement
#'   (repeated for each visit), one factor per symptom (levels as in
#'   [classify_alleviation()]), `patient_class`, `any_alleviated` and
#'   `primary_symptom` as in [classify_cohort()], judged at that visit. The rules are kept in the
#'   attribute `"rules"`, the visits in `"visits"`.
#'
#'   `data` may also be the completed datasets of a multiple imputation (a
#'   `mids` object of package **mice** or a list of data frames, as for
#'   [classify_cohort()]): each is classified and the result is an
#'   [imputed_cohort] of `myelo_visits` cohorts, which
#'   `tabulate_cohort(x, by = "visit")` pools visit by visit with Rubin's
#'   rules. [durability()] follows single patients across visits and takes
#'   one cohort, not imputed ones.
#' @seealso [durability()] for whether relief lasts, [widen_measurements()].
#' @references Guo R, Sakakibara T, Mizuno T, Akeda K, Kondo T, Kasai Y.
#'   Relief of lower back and leg pain after myelography. Open Orthop J
#'   2016;10:539-542. \doi{10.2174/1874325001610010539} (one follow-up
#'   only; the visits here are the package's extension).
#' @examples
#' wide <- data.frame(
#'   id = c("a", "b", "c"),
#'   lbp_pre = c(8, 6, 0), lbp_day1 = c(3, 6, 0), lbp_week1 = c(4, NA, 1),
#'   lbp_month1 = c(7, 2, 0))
#' v <- classify_visits(wide, study_rules()["lbp"],
#'                      visits = c("day1", "week1", "month1"), id = "id")
#' v
#' tabulate_cohort(v, by = "visit")
#' durability(v)
#'
#' # Columns named otherwise: a mapping for one symptom, suffixes for the rest
#' wide2 <- data.frame(bdi.pre = c(20, 14), bdi.1w = c(9, 14),
#'                     lbp_pre = c(8, 6), lbp_1w = c(3, 6))
#' rules <- list(bdi = alleviation_rule(min_change = 5, range = c(0, 63)),
#'               lbp = study_rules()$lbp)
#' classify_visits(wide2, rules, visits = list(week1 = c("1w", bdi = "bdi.1w")),
#'                 baseline = c("pre", bdi = "bdi.pre"))
#' @export
classify_visits <- function(data, rules = study_rules(), visits,
                            baseline = "pre", id = NULL) {
  call <- sys.call()
  if (is_imputed_data(data)) {
    return(classify_imputed_visits(data, rules, visits, baseline, id, call))
  }
  check_data_frame(data, "data", call = call)
  check_rules(rules, call = call)
  symptoms <- names(rules)
  if (missing(visits) || !length(visits) || is.object(visits) ||
      !(is.atomic(visits) || is.list(visits)) || (is.atomic(visits) && anyNA(visits))) {
    abort(sprintf("`visits` must name the follow-up visits in order, such as c(\"day1\", \"week1\"), not %s.",
                  if (missing(visits)) "missing" else describe_value(visits)),
          call)
  }
  # each visit: a suffix, a mapping or both (as `pre` and `post` of
  # classify_cohort()), and its name
  specs <- if (is.list(visits)) visits else as.list(as.character(visits))
  labels <- names(visits)
  if (is.null(labels)) labels <- rep("", length(specs))
  labels[is.na(labels)] <- ""
  for (k in seq_along(specs)) {
    spec <- specs[[k]]
    if (is.list(visits) && is.atomic(spec) && !is.object(spec) && length(spec) == 1L &&
        is.null(names(spec)) && !is.na(spec) && !is.character(spec)) {
      spec <- specs[[k]] <- as.character(spec)
    }
    unnamed <- if (is.character(spec)) {
      spec[if (is.null(names(spec))) TRUE else names(spec) == ""]
    }
    if (labels[k] == "") {
      if (length(unnamed) != 1L || is.na(unnamed) || !nzchar(suffix_label(unnamed))) {
        abort(sprintf("`visits` element %d maps columns without a suffix; name the visit, as in list(week6 = c(%s = \"<column>\")).",
                      k, symptoms[1L]), call)
      }
      labels[k] <- suffix_label(unnamed)
    }
  }
  if (anyDuplicated(labels)) {
    abort(sprintf("`visits` must not repeat a visit: \"%s\".",
                  labels[anyDuplicated(labels)]), call)
  }
  visits <- labels
  if (!is.character(baseline) && is.atomic(baseline) && !is.object(baseline) &&
      length(baseline) == 1L && !is.na(baseline)) {
    baseline <- as.character(baseline)
  }
  if (!is.character(baseline) || !length(baseline) || anyNA(baseline) ||
      (is.null(names(baseline)) && length(baseline) != 1L)) {
    abort(sprintf("`baseline` must be the suffix of the baseline columns, such as \"pre\", or a named character vector mapping symptoms to columns, not %s.",
                  describe_value(baseline)), call)
  }
  plain <- function(spec) {
    is.character(spec) && length(spec) == 1L && is.null(names(spec))
  }
  if (plain(baseline) &&
      any(vapply(specs, function(v) plain(v) && identical(suffix_columns("", v), suffix_columns("", baseline)),
                 logical(1)))) {
    abort(sprintf("`baseline` (\"%s\") must not be one of `visits`.", baseline),
          call)
  }
  check_visit_ids(data, id, call)
  pre_columns <- unname(time_point_columns(symptoms, baseline, "pre", "baseline", call))
  visit_columns <- matrix(character(), nrow = length(symptoms), ncol = length(visits),
                          dimnames = list(symptoms, visits))
  for (k in seq_along(visits)) {
    visit_columns[, k] <- time_point_columns(
      symptoms, specs[[k]], visits[k],
      if (length(visits) > 1L) sprintf("visits[[%d]]", k) else "visits",
      call)
  }
  check_time_point_columns(names(data), stats::setNames(pre_columns, symptoms),
                           baseline, "pre", "baseline", call,
                           taken = as.vector(visit_columns))
  for (k in seq_along(visits)) {
    check_time_point_columns(names(data), visit_columns[, k], specs[[k]], visits[k],
                             "visits", call,
                             taken = c(pre_columns, as.vector(visit_columns[, -k])))
  }
  # symptom and visit names can make one column name twice ("a" at visit
  # "b_x" and "a_b" at visit "x" both read "a_b_x")
  check_column_roles(lapply(stats::setNames(seq_along(symptoms), symptoms), function(k) {
    stats::setNames(c(pre_columns[k], visit_columns[k, ]),
                    c("baseline", sprintf("visit \"%s\"", visits)))
  }), call, fix = "rename a symptom in `rules` or a visit (and its columns)")
  measured <- c(pre_columns, as.vector(visit_columns))
  if (!is.null(id) && id %in% measured) {
    abort(sprintf("`id` must not be a measurement column: \"%s\" is read as a symptom's values.",
                  id), call)
  }
  key <- if (is.null(id)) "patient" else id
  carried <- setdiff(names(data), c(id, measured))
  if (identical(key, "visit")) {
    abort("`id` must not be \"visit\": the result has a `visit` column; rename it.",
          call)
  }
  clash <- intersect(carried, c(symptoms, reserved_symptom_names, "visit",
                                if (is.null(id)) "patient"))
  if (length(clash)) {
    abort(sprintf("`data` has a column %s that the result needs for a symptom, the visit or a patient-level result; rename it%s.",
                  paste0("\"", clash, "\"", collapse = ", "),
                  if ("patient" %in% clash) " or name it in `id`" else ""),
          call)
  }

  n <- nrow(data)
  n_visits <- length(visits)
  # One pass over every symptom and visit in C (classes and the
  # patient-level columns); when a column is refused, or a value, the
  # symptom-by-symptom pass below names it.
  fused <- tryCatch({
    pre_values <- lapply(pre_columns, function(column) {
      as_measurements(data[[column]], column, call)
    })
    post_values <- lapply(seq_along(symptoms), function(k) {
      lapply(unname(visit_columns[k, ]), function(column) {
        as_measurements(data[[column]], column, call)
      })
    })
    # the visit column and, for plain integer or double ids or row
    # numbers, the repeated key are made in the same pass
    .Call(C_classify_visits_all, pre_values, post_values,
          lapply(rules, rule_params), symptoms,
          if (!is.null(id)) data[[id]], visits)
  }, error = function(e) NULL)
  patient_key <- if (is.null(id)) seq_len(n) else data[[id]]
  if (!is.null(fused)) {
    classes <- fused[seq_along(symptoms)]
    patients <- fused[length(symptoms) + 1:3]
    visit <- fused[[length(symptoms) + 4L]]
    repeated_key <- fused[[length(symptoms) + 5L]]
  } else {
    classes <- classify_visits_by_symptom(data, rules, pre_columns,
                                          visit_columns, call)
    patients <- .Call(C_summarise_patients, classes, as.double(n * n_visits),
                      symptoms, alleviation_levels)
    visit <- NULL
    repeated_key <- NULL
  }
  if (is.null(visit)) {
    visit <- structure(rep(seq_len(n_visits), each = n), levels = visits,
                       class = "factor")
  }
  if (is.null(repeated_key)) repeated_key <- rep(patient_key, times = n_visits)
  names(classes) <- symptoms
  kept <- c(list(repeated_key), lapply(as.list(data)[carried], rep,
                                       times = n_visits))
  names(kept)[1L] <- key
  columns <- c(kept[1L], list(visit = visit), kept[-1L], classes,
               list(patient_class = patients[[1L]],
                    any_alleviated = patients[[2L]],
                    primary_symptom = patients[[3L]]))
  structure(columns, class = c("myelo_visits", "myelo_cohort", "data.frame"),
            row.names = .set_row_names(n * n_visits), rules = rules,
            source = list(pre = NULL, post = NULL, id = key),
            visits = visits, baseline = baseline,
            columns = list(baseline = pre_columns, visits = visit_columns))
}

# The classes symptom by symptom, as classify_visits() made them before its
# one pass: kept for the errors, which name the symptom, its columns and the
# first refused value in symptom, visit and row order.
classify_visits_by_symptom <- function(data, rules, pre_columns, visit_columns,
                                       call) {
  symptoms <- names(rules)
  n_visits <- ncol(visit_columns)
  classes <- lapply(seq_along(rules), function(k) {
    pre_values <- as_measurements(data[[pre_columns[k]]],
                                  sprintf("data$%s", pre_columns[k]), call)
    post_values <- lapply(visit_columns[k, ], function(column) {
      as_measurements(data[[column]], sprintf("data$%s", column), call)
    })
    params <- rule_params(rules[[k]])
    tryCatch(
      .Call(C_classify_visits, pre_values, unname(post_values), params),
      error = function(e) {
        # Find the visit whose values were refused, for the message.
        for (v in seq_len(n_visits)) {
          bad <- tryCatch({
            .Call(C_classify_alleviation, pre_values, post_values[[v]], params)
            NULL
          }, error = function(e2) e2)
          if (!is.null(bad)) {
            abort(sprintf("Symptom \"%s\" (columns `%s`, `%s`): %s",
                          symptoms[k], pre_columns[k], visit_columns[k, v],
                          conditionMessage(bad)), call)
          }
        }
        abort(sprintf("Symptom \"%s\": %s", symptoms[k], conditionMessage(e)),
              call)
      })
  })
  classes
}

visits_of <- function(x) attr(x, "visits", exact = TRUE)

# TRUE when the first n values of ids are plain integers, none NA and none
# twice, proven in C with a bitmap over their range (no hashing); FALSE
# when that cannot be proven, and anyDuplicated() must decide.
ids_distinct <- function(ids, n = length(ids)) {
  is.integer(ids) && !is.object(ids) && is.null(dim(ids)) &&
    .Call(C_ids_distinct, ids, as.double(n))
}

# check_id_and_names(), with plain integer ids proven distinct (and not
# NA) in C first: the checks it would then make of the ids all pass, and
# only the names are left to check.
check_visit_ids <- function(data, id, call) {
  if (is.character(id) && length(id) == 1L && !is.na(id) &&
      id %in% names(data) && ids_distinct(data[[id]])) {
    check_id_and_names(data, NULL, call)
  } else {
    check_id_and_names(data, id, call)
  }
}

check_visits <- function(x, arg, call) {
  if (inherits(x, "imputed_cohort")) {
    abort(sprintf("`%s` is an imputed cohort (completed datasets of a multiple imputation): durability() follows each patient across the visits of one dataset, and a patient's path in one completed dataset is not data. Pool the rates per visit with tabulate_cohort(%s, by = \"visit\").",
                  arg, arg), call)
  }
  check_cohort(x, arg, call)
  visits <- visits_of(x)
  key <- attr(x, "source")$id
  if (!inherits(x, "myelo_visits") || is.null(visits) || is.null(key) ||
      !key %in% names(x) || !is.factor(x$visit) ||
      !identical(levels(x$visit), visits)) {
    abort(sprintf("`%s` must be a myelo_visits cohort made by classify_visits(), not %s.",
                  arg, describe_value(x)), call)
  }
  invisible(x)
}

#' @rdname classify_visits
#' @param x,object A `myelo_visits` cohort.
#' @param n Number of rows to show.
#' @param ... Passed on to [tabulate_cohort()] by `summary()`; ignored by
#'   `print()`.
#' @export
print.myelo_visits <- function(x, n = 6L, ...) {
  rules <- cohort_rules(x)
  visits <- visits_of(x)
  key <- attr(x, "source")$id
  cat(strwrap(sprintf("<myelo_visits> %s, %s, %s: %s",
                      count_of(length(unique(x[[key]])), "patient"),
                      count_of(length(rules), "symptom"),
                      count_of(length(visits), "visit"),
                      paste(visits, collapse = ", ")),
              width = getOption("width"), exdent = 2L), sep = "\n")
  cat("Alleviated / judged at each visit (absent and missing left out):\n")
  per_visit <- lapply(names(rules), function(s) {
    cell <- (as.integer(x$visit) - 1L) * 4L + as.integer(x[[s]])
    counts <- matrix(tabulate(cell, nbins = 4L * length(visits)), ncol = 4L,
                     byrow = TRUE)
    sprintf("%s/%s", format_integer(counts[, 1L]),
            format_integer(rowSums(counts[, 1:3, drop = FALSE])))
  })
  shown <- as.data.frame(per_visit, col.names = names(rules),
                         check.names = FALSE)
  rownames(shown) <- paste0("  ", visits)
  print(shown, right = TRUE)
  other <- setdiff(names(x), c(key, "visit", names(rules), patient_columns))
  if (length(other)) {
    cat(strwrap(sprintf("Carried from the data: %s", paste(other, collapse = ", ")),
                width = getOption("width"), exdent = 2L), sep = "\n")
  }
  cat(strwrap("tabulate_cohort(x, by = \"visit\") for rates; durability(x) for their course.",
              width = getOption("width")), sep = "\n")
  if (nrow(x) > 0L && n > 0L) {
    cat("\n")
    print(as.data.frame(utils::head(x, n))[c(key, "visit", names(rules))])
    if (nrow(x) > n) cat(sprintf("... %s more\n", count_of(nrow(x) - n, "row")))
  }
  invisible(x)
}

#' @rdname classify_visits
#' @export
summary.myelo_visits <- function(object, ...) {
  tabulate_cohort(object, by = "visit", ...)
}

#' @export
as.data.frame.myelo_visits <- function(x, ...) {
  for (a in c("visits", "baseline", "columns")) attr(x, a) <- NULL
  NextMethod()
}

#' @export
`[.myelo_visits` <- function(x, ...) {
  out <- NextMethod()
  key <- attr(x, "source")$id
  if (inherits(out, "myelo_visits") &&
      !all(c(key, "visit") %in% names(out))) {
    class(out) <- setdiff(class(out), "myelo_visits")
  }
  out
}

#' A HYPOTHETICAL follow-up of the synthetic cohort over four visits
#'
#' **Hypothetical, twice over.** Guo et al. (2016) reported one follow-up
#' after myelography and nothing on how long relief lasted; their patients'
#' data were never published. This data frame is the *synthetic*
#' [myelography] cohort (whose first follow-up, `post`, reproduces the
#' study's 35 alleviated patients) followed by three *invented* visits,
#' `week1`, `month1` and `month3`, made by the deterministic script
#' `inst/scripts/make_followup.R` (rebuilt with
#' `data-raw/hypothetical_followup.R`): relief kept from one visit to the
#' next with probability 0.75, 0.65 and 0.75, else lost (the score back at
#' baseline); late relief in 1% of symptomatic patients per visit;
#' dropout of 4%, 6% and 8% per visit and 2% of values missing at random.
#' It shows how [classify_visits()] and [durability()] work and is evidence
#' of nothing about myelography.
#'
#' @format The columns of [myelography], with per symptom the columns
#'   `<symptom>_pre`, `<symptom>_post`, `<symptom>_week1`,
#'   `<symptom>_month1` and `<symptom>_month3` (0-10 scores, walking
#'   distance in metres with `Inf` = unlimited; `NA` = not measured).
#' @source Invented; see `inst/scripts/make_followup.R`.
#' @seealso [classify_visits()], [durability()].
#' @examples
#' v <- classify_visits(hypothetical_followup,
#'                      visits = c("post", "week1", "month1", "month3"),
#'                      id = "id")
#' tabulate_cohort(v, by = "visit")
"hypothetical_followup"
