#' Classify every symptom of a cohort
#'
#' Applies a list of [alleviation_rule()]s to a wide data frame with one row
#' per patient and summarises each patient: was any symptom alleviated, and
#' which one first, in the order of the rules.
#'
#' Symptom `s` is read from the columns `paste0(s, "_pre")` and
#' `paste0(s, "_post")` unless `pre` or `post` say otherwise, in one of the
#' ways of naming columns that [classify_visits()] shares (see `pre`,
#' `post`). Long data (one row per patient, symptom and time point) can be
#' made wide with [widen_measurements()].
#'
#' Each patient gets a class across symptoms, `patient_class`: alleviated if
#' any symptom was; else worsened if any symptom worsened; else absent if
#' every symptom was absent at baseline; else unchanged (some symptom could
#' be judged and none changed enough); `NA` when missing values left nothing
#' to judge. `any_alleviated` is `TRUE` for the alleviated, `FALSE` for the
#' other classes and `NA` for the missing; `primary_symptom` is the first
#' alleviated symptom in the order of the rules.
#'
#' @param data A data frame, one row per patient; or the completed datasets
#'   of a multiple imputation (a `mids` object or a list of data frames),
#'   giving an `imputed_cohort` (see [imputed_cohort]).
#' @param rules A named list of [alleviation_rule()]s, one per symptom, or
#'   a single rule for a single symptom (named after its `pre` column, as
#'   `weight` for `weight_pre`). The default [study_rules()] has the four
#'   symptoms of Guo et al. (2016) with cut-offs that are the package's own
#'   (the paper does not give its cut-offs).
#' @param pre,post The baseline and follow-up columns of each symptom, in
#'   one of three ways (`NULL`, the default, is the suffix `"pre"` or
#'   `"post"`):
#'   * a **suffix**, one unnamed string: `post = "6w"` reads `odi_6w`,
#'     `vas_back_6w`, ... The underscore is added when the suffix starts with
#'     a letter or a digit; a suffix that starts with another character is
#'     used as it is, so `"_6w"` reads `odi_6w` too and `".pre"` reads
#'     `bdi.pre`;
#'   * a **mapping**, a named character vector `c(symptom = "column")` for
#'     the symptoms whose columns are named otherwise (the others keep the
#'     default suffix);
#'   * both: a mapping with one unnamed suffix among it, for the symptoms it
#'     leaves out: `post = c("6w", odi = "ODI six weeks")`.
#'
#'   With a single rule, an unnamed string that is a column of `data` is that
#'   column (`pre = "Prewt"`), as before. A column cannot be both a baseline and a follow-up. Two
#'   symptoms may read the same columns only as the same baseline and
#'   follow-up (two rules for one measure, as in a sensitivity analysis of
#'   the threshold); a column shared in any other way, such as one
#'   follow-up column for two symptoms with different baselines, is refused
#'   as a slip in the mapping. A column that is not found is named in the
#'   error with the columns `data` has for that symptom.
#' @param id Optional name of an identifier column of `data`. It comes first
#'   in the result and is what [tabulate_cohort()] and [compare_alleviated()]
#'   check to prove that a `data` given to them is in the cohort's order.
#'   Its values must be present (not `NA` or blank) and unique, one row per
#'   patient; otherwise the error names the first missing or duplicated
#'   value and its rows.
#' @return A data frame of class `myelo_cohort`, one row per row of `data`
#'   with its row names: the `id` column (if given), every other column of
#'   `data` that is not a measurement (hospital, age, ...; R shares them, so
#'   nothing is copied, except from a `data.table`, whose columns can change
#'   in place), one factor per symptom (levels as in
#'   [classify_alleviation()]), `patient_class` (a factor with the same
#'   levels), `any_alleviated` and `primary_symptom` (a factor with the
#'   rules' names as levels). Because the patients' columns
#'   travel with their classes, subsetting or reordering a cohort keeps
#'   every row aligned. The rules are kept in the attribute `"rules"`.
#'   The attribute `"classified_from"` refers to the measurement vectors the
#'   classes were made from (shared with `data`, never copied; not for a
#'   `data.table`, whose columns can change in place): a `data` given to
#'   [tabulate_cohort()] with those very vectors is then proven aligned
#'   without reading them, where any other `data` is checked in full. The
#'   reference is not saved with the cohort (`saveRDS()` writes only the
#'   cohort) and keeps the vectors in memory while the cohort exists.
#' @seealso [tabulate_cohort()] for counts and rates,
#'   [compare_alleviated()] for alleviated versus not-alleviated patients.
#' @examples
#' cohort <- classify_cohort(myelography, id = "id")
#' cohort
#' summary(cohort)
#' # The patients' columns come along: strata need no second data frame
#' tabulate_cohort(cohort, by = "sex")
#'
#' # Columns named differently
#' d <- data.frame(back_before = c(8, 5, 0), back_after = c(3, 5, 0))
#' classify_cohort(d, rules = study_rules()["lbp"],
#'                 pre = c(lbp = "back_before"), post = c(lbp = "back_after"))
#'
#' # Follow-up columns with another suffix: lbp_6w and leg_pain_6w
#' d <- data.frame(lbp_pre = c(8, 5), lbp_6w = c(3, 5),
#'                 leg_pain_pre = c(6, 2), leg_pain_6w = c(1, 2))
#' classify_cohort(d, study_rules()[c("lbp", "leg_pain")], post = "6w")
#' @export
classify_cohort <- function(data, rules = study_rules(), pre = NULL,
                            post = NULL, id = NULL) {
  if (is_imputed_data(data)) {
    return(classify_imputed(data, rules, pre, post, id, sys.call()))
  }
  classify_frame(data, rules, pre, post, id, sys.call())
}

# classify_cohort() of one data frame. `keep`: whether the cohort refers to
# the vectors it was classified from (attribute "classified_from"); FALSE
# for a cohort only tabulated at once (a chunk of tabulate_source()), so
# that its vectors go when the chunk does.
classify_frame <- function(data, rules, pre, post, id, call, keep = TRUE) {
  check_data_frame(data, "data", call = call)
  measured <- measure_columns(data, rules, pre, post, call)
  rules <- measured$rules
  symptoms <- names(rules)
  pre_columns <- measured$pre
  post_columns <- measured$post
  check_id_and_names(data, id, call)
  measured <- c(pre_columns, post_columns)
  if (!is.null(id) && id %in% measured) {
    abort(sprintf("`id` must not be a measurement column: \"%s\" is read as a symptom's values.",
                  id), call)
  }
  carried <- setdiff(names(data), c(id, measured))
  clash <- intersect(c(id, carried), c(symptoms, reserved_symptom_names))
  if (length(clash)) {
    abort(sprintf("`data` has a column %s that the cohort needs for a symptom or a patient-level result; rename it or the symptom in `rules`.",
                  paste0("\"", clash, "\"", collapse = ", ")), call)
  }

  classes <- lapply(seq_along(rules), function(k) {
    pre_values <- data[[pre_columns[k]]]
    post_values <- data[[post_columns[k]]]
    pre_values <- as_measurements(pre_values, sprintf("data$%s", pre_columns[k]), call)
    post_values <- as_measurements(post_values, sprintf("data$%s", post_columns[k]), call)
    tryCatch(
      .Call(C_classify_alleviation, pre_values, post_values,
            rule_params(rules[[k]])),
      error = function(e) {
        abort(sprintf("Symptom \"%s\" (columns `%s`, `%s`): %s", symptoms[k],
                      pre_columns[k], post_columns[k], conditionMessage(e)),
              call)
      })
  })
  names(classes) <- symptoms
  patients <- .Call(C_summarise_patients, classes, as.double(nrow(data)),
                    symptoms, alleviation_levels)

  kept <- as.list(data)[c(id, carried)]
  # R shares these vectors with `data`; data.table modifies its columns in
  # place (setkey(), set(), :=), so its columns are copied instead.
  if (inherits(data, "data.table")) kept <- .Call(C_copy_columns, kept)
  columns <- c(
    kept,
    classes,
    list(patient_class = patients[[1L]], any_alleviated = patients[[2L]],
         primary_symptom = patients[[3L]])
  )
  cohort <- new_myelo_cohort(columns, .row_names_info(data, 0L), rules,
                             list(pre = pre_columns, post = post_columns, id = id))
  # What the classes were made from, for check_aligned_data(); not for a
  # data.table, whose columns can change in place (set()), where R's
  # copy-on-modify would not protect the vectors kept.
  if (keep && !inherits(data, "data.table")) {
    attr(cohort, "classified_from") <- .Call(C_keep_refs, list(
      rules = rules, classes = classes,
      pre = lapply(pre_columns, function(column) data[[column]]),
      post = lapply(post_columns, function(column) data[[column]])))
  }
  cohort
}

# The rules (a single rule named) and each symptom's baseline and follow-up
# columns of `data`: present, and one time point per column (two rules of
# one measure may share both); shared by classify_cohort() and
# score_change().
measure_columns <- function(data, rules, pre, post, call) {
  if (is_alleviation_rule(rules)) {
    single <- name_single_rule(rules, data, pre, post, call)
    rules <- single$rules
    pre <- single$pre
    post <- single$post
  }
  check_rules(rules, call = call)
  symptoms <- names(rules)
  pre_columns <- time_point_columns(symptoms, pre, "pre", "pre", call)
  post_columns <- time_point_columns(symptoms, post, "post", "post", call)
  check_time_point_columns(names(data), pre_columns, pre, "pre", "pre", call,
                           taken = post_columns)
  check_time_point_columns(names(data), post_columns, post, "post", "post", call,
                           taken = pre_columns)
  check_column_roles(lapply(stats::setNames(seq_along(symptoms), symptoms), function(k) {
    c("baseline (`pre`)" = pre_columns[[k]], "follow-up (`post`)" = post_columns[[k]])
  }), call)
  list(rules = rules, pre = pre_columns, post = post_columns)
}

# One rule for one symptom, named after the symptom its columns give: the
# name in `pre`/`post` (c(weight = "Prewt")), their common stem ("weight"
# for "weight_pre" and "weight_post"), or the one symptom of `data` with
# columns of both suffixes (weight_pre and weight_post by default; given
# pre = "0w", post = "6w": weight_0w and weight_6w). Otherwise the user is
# asked to name it. An unnamed `pre` or `post` that is a column of `data`
# is that column (pre = "Prewt"); any other unnamed string is a suffix.
# Returns the rules and the column mappings, named.
name_single_rule <- function(rule, data, pre, post, call) {
  name <- unique(c(names(pre), names(post)))
  name <- name[!is.na(name) & name != ""]
  is_column <- function(x) {
    is.character(x) && length(x) == 1L && is.null(names(x)) && !is.na(x) &&
      x %in% names(data)
  }
  is_suffix <- function(x) {
    is.null(x) || (is.character(x) && length(x) == 1L && is.null(names(x)) &&
                     !is.na(x) && nzchar(x) && !x %in% names(data))
  }
  stem <- function(column, suffix) {
    if (is.character(column) && length(column) == 1L && endsWith(column, suffix)) {
      substr(column, 1L, nchar(column) - nchar(suffix))
    }
  }
  stems <- FALSE
  if (!length(name) && length(pre) == 1L && length(post) == 1L &&
      is.null(names(pre)) && is.null(names(post))) {
    name <- stem(pre, "_pre")
    if (!identical(name, stem(post, "_post"))) name <- NULL
    # or their shared stem before a separator: weight_pre and weight_6w
    if (!length(name) && is_column(pre) && is_column(post)) {
      a <- strsplit(pre, "")[[1L]]
      b <- strsplit(post, "")[[1L]]
      k <- seq_len(min(length(a), length(b)))
      shared <- sum(cumprod(a[k] == b[k]))
      common <- substr(pre, 1L, shared)
      stem_text <- sub("[^[:alnum:]]+[[:alnum:]]*$", "", common)
      if (grepl("[^[:alnum:]]", common) && nzchar(stem_text)) name <- stem_text
    }
    stems <- length(name) == 1L
  }
  if (!length(name) && is_suffix(pre) && is_suffix(post)) {
    pre_end <- suffix_columns("", if (is.null(pre)) "pre" else pre)
    post_end <- suffix_columns("", if (is.null(post)) "post" else post)
    pairs <- unique(vapply(names(data)[endsWith(names(data), pre_end)], stem,
                           character(1), suffix = pre_end, USE.NAMES = FALSE))
    name <- pairs[nzchar(pairs) & paste0(pairs, post_end) %in% names(data)]
  }
  if (length(name) != 1L) {
    abort("`rules` is a single alleviation_rule; name its symptom, as in rules = list(weight = rule), with pre = c(weight = \"<baseline column>\") and post = c(weight = \"<follow-up column>\") when the columns are not weight_pre and weight_post.",
          call)
  }
  if (stems || is_column(pre)) pre <- stats::setNames(pre, name)
  if (stems || is_column(post)) post <- stats::setNames(post, name)
  list(rules = stats::setNames(list(rule), name), pre = pre, post = post)
}

new_myelo_cohort <- function(columns, row_names, rules, source) {
  structure(columns, class = c("myelo_cohort", "data.frame"),
            row.names = row_names, rules = rules, source = source)
}

# `data` given beside a cohort must be shown to hold the same patients in
# the same order: the columns both have (the id first) must agree row for
# row, informative row names must agree, and its measurements must classify
# as the cohort's did. Without anything to compare, it is refused.
check_aligned_data <- function(data, x, call) {
  check_data_frame(data, "data", call)
  if (nrow(data) != nrow(x)) {
    abort(sprintf("`data` must have one row per row of `x` (%d), not %d.",
                  nrow(x), nrow(data)), call)
  }
  source <- attr(x, "source")
  proofs <- 0L
  refuse <- function(what) {
    abort(sprintf("`data` is not aligned with `x`: %s. The cohort carries its patients' columns, so leave `data` out, or pass it in the cohort's order.",
                  what), call)
  }
  if (.row_names_info(x) > 0L || .row_names_info(data) > 0L) {
    differ <- which(rownames(x) != rownames(data))
    if (length(differ)) {
      refuse(sprintf("row %d is \"%s\" in `x` but \"%s\" in `data`",
                     differ[1L], rownames(x)[differ[1L]],
                     rownames(data)[differ[1L]]))
    }
    proofs <- proofs + 1L
  }
  shared <- intersect(c(source$id, setdiff(names(x), c(names(cohort_rules(x)),
    "any_alleviated", "primary_symptom"))), names(data))
  for (column in shared) {
    a <- x[[column]]
    b <- data[[column]]
    # identical() first: the same vector (a cohort shares its carried
    # columns with its data) is told at once, where unclass() would copy
    # both; only objects that differ are compared as values
    same <- identical(a, b) || (length(a) == length(b) &&
      identical(as.vector(unclass(a)), as.vector(unclass(b))) &&
      identical(class(a), class(b)) && identical(levels(a), levels(b)))
    if (!same) {
      row <- first_difference(a, b)
      refuse(sprintf("column \"%s\" differs%s", column,
                     if (is.na(row)) "" else sprintf(" at row %d", row)))
    }
    proofs <- proofs + 1L
  }
  measured <- c(source$pre, source$post)
  if (length(measured) && all(measured %in% names(data))) {
    rules <- cohort_rules(x)
    kept <- .Call(C_kept_refs, attr(x, "classified_from", exact = TRUE))
    for (s in names(rules)) {
      if (classified_from(kept, s, rules[[s]], x[[s]], data[[source$pre[[s]]]],
                          data[[source$post[[s]]]])) {
        next
      }
      row <- classes_differ(data, source$pre[[s]], source$post[[s]],
                            rules[[s]], x[[s]], s, refuse)
      if (!identical(row, 0)) {
        refuse(sprintf("its measurements of \"%s\" do not give the cohort's classes (first at row %d)",
                       s, row))
      }
    }
    proofs <- proofs + 1L
  }
  if (proofs == 0L) {
    refuse("they share no column, no row names and no measurements to compare them by")
  }
  invisible(data)
}

# TRUE when the cohort's classes of symptom `s` are those classify_cohort()
# made (`kept`, the list its attribute "classified_from" refers to: the
# rules, the classes and the measurement vectors they were made from) and
# `pre` and `post` (the columns of `data`) are those measurements: then they
# classify as the cohort did, without reading them. identical() returns at
# once for the same vector, which R's copy-on-modify keeps unchanged while
# the cohort refers to it; other vectors are compared bit for bit
# (num.eq = FALSE: -0 is not 0), a vector equal in every bit also proving
# it. FALSE sends the symptom to the full check (classes_differ()).
classified_from <- function(kept, s, rule, classes, pre, post) {
  if (is.null(kept)) return(FALSE)
  k <- match(s, names(kept$rules))
  if (is.na(k)) return(FALSE)
  same <- function(a, b) identical(a, b, num.eq = FALSE)
  same(kept$rules[[k]], rule) && same(kept$classes[[k]], classes) &&
    same(kept$pre[[k]], pre) && same(kept$post[[k]], post)
}

# 0 when the measurements of `data` (columns pre, post) classify under
# `rule` exactly as the cohort's factor `classes` (codes and attributes, as
# identical() would compare them with classify_alleviation()'s result), else
# the first row that differs (NA when only the attributes do). The classes
# are checked in C chunk by chunk, without making a second factor. Values
# that cannot be classified refuse `data` with the classifier's reason.
classes_differ <- function(data, pre, post, rule, classes, symptom, refuse) {
  cannot <- function(message) {
    refuse(sprintf("its measurements cannot be classified (%s)", message))
  }
  values <- tryCatch(list(
    as_measurements(data[[pre]], sprintf("data$%s", pre), NULL),
    as_measurements(data[[post]], sprintf("data$%s", post), NULL)),
    myelorelief_error = function(e) cannot(conditionMessage(e)))
  if (typeof(classes) != "integer" || length(values[[1L]]) != length(classes) ||
      length(values[[2L]]) != length(classes)) {
    return(NA_integer_)
  }
  row <- tryCatch(
    .Call(C_check_classes, values[[1L]], values[[2L]], rule_params(rule),
          classes),
    error = function(e) {
      cannot(sprintf("Symptom \"%s\" (columns `%s`, `%s`): %s", symptom, pre,
                     post, conditionMessage(e)))
    })
  if (row > 0) return(as.integer(row))
  expected_names <- names(values[[1L]])
  same_attributes <- setequal(names(attributes(classes)),
                              c("levels", "class", if (!is.null(expected_names)) "names")) &&
    identical(class(classes), "factor") &&
    identical(levels(classes), alleviation_levels) &&
    identical(names(classes), expected_names)
  if (same_attributes) 0 else NA_integer_
}

first_difference <- function(a, b) {
  if (length(a) != length(b)) return(NA_integer_)
  a <- as.character(a)
  b <- as.character(b)
  which(!(a == b | (is.na(a) & is.na(b))) | xor(is.na(a), is.na(b)))[1L]
}

cohort_rules <- function(x) attr(x, "rules", exact = TRUE)

#' @rdname classify_cohort
#' @param x,object A `myelo_cohort`.
#' @param n Number of rows to show.
#' @param ... Passed on to [tabulate_cohort()] by `summary()`; ignored by
#'   `print()`.
#' @export
print.myelo_cohort <- function(x, n = 6L, ...) {
  rules <- cohort_rules(x)
  total <- nrow(x)
  cat(strwrap(sprintf("<myelo_cohort> %s, %s: %s",
                      count_of(total, "patient"), count_of(length(rules), "symptom"),
                      paste(names(rules), collapse = ", ")),
              getOption("width"), exdent = 2L), sep = "\n")
  judged <- sum(!is.na(x$any_alleviated))
  cat(strwrap(sprintf("Any symptom alleviated: %s (%s not judged: missing values)",
                      format_count(sum(x$any_alleviated, na.rm = TRUE), total),
                      format_integer(total - judged)),
              getOption("width"), exdent = 2L), sep = "\n")
  for (s in names(rules)) {
    counts <- tabulate(x[[s]], nbins = length(alleviation_levels))
    counts <- c(counts, missing = total - sum(counts))
    prefix <- sprintf("  %-14s ", s)
    # the counts wrap under themselves within the console width
    text <- strwrap(paste(sprintf("%s\u00a0%s", c(alleviation_levels, "missing"),
                                  format_integer(counts)), collapse = ", "),
                    max(20L, getOption("width") - nchar(prefix, type = "width")))
    text <- gsub("\u00a0", " ", text, fixed = TRUE)
    cat(paste0(c(prefix, rep(strrep(" ", nchar(prefix, type = "width")), length(text) - 1L)),
               text), sep = "\n")
  }
  id <- attr(x, "source")$id
  shown <- c(id, names(rules), patient_columns)
  other <- setdiff(names(x), shown)
  if (length(other)) {
    cat(strwrap(sprintf("Carried from the data: %s", paste(other, collapse = ", ")),
                width = getOption("width"), exdent = 2L), sep = "\n")
  }
  if (total > 0L) {
    cat("\n")
    rows <- as.data.frame(utils::head(x, n))[shown]
    text <- as.data.frame(lapply(rows, function(column) {
      ifelse(is.na(column), "NA", as.character(column))
    }), stringsAsFactors = FALSE, check.names = FALSE)
    print_within_width(cbind(" " = rownames(rows), text, stringsAsFactors = FALSE),
                       optional = list("any_alleviated", "primary_symptom"),
                       see_all = "as.data.frame(x)")
    if (total > n) cat(sprintf("... %s more\n", count_of(total - n, "row")))
  }
  invisible(x)
}

#' @rdname classify_cohort
#' @export
summary.myelo_cohort <- function(object, ...) {
  tabulate_cohort(object, ...)
}

#' @export
as.data.frame.myelo_cohort <- function(x, ...) {
  attr(x, "rules") <- NULL
  attr(x, "source") <- NULL
  attr(x, "classified_from") <- NULL
  class(x) <- "data.frame"
  x
}
