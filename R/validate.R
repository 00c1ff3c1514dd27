# Argument checks shared by the exported functions. Each signals an error of
# class "myelorelief_error" whose message names the argument, attributed to
# the exported function that was called.

abort <- function(message, call = NULL) {
  stop(errorCondition(message, class = "myelorelief_error", call = call))
}

# A short description of a value for error messages: "abc" in quotes, single
# numbers as they are, anything else by its type and length: "an integer
# vector of length 3", "a list of length 2", "a Date vector of length 1",
# "an alleviation_rule object of length 9", "a double matrix of 2 x 2".
describe_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return(sprintf("a factor of length %d", length(x)))
  if (is.data.frame(x)) return("a data frame")
  if (length(x) == 1L && !is.object(x) && is.null(dim(x)) &&
      (is.character(x) || is.numeric(x) || is.logical(x))) {
    if (is.character(x) && !is.na(x)) return(sprintf("\"%s\"", x))
    if (is.character(x)) return("NA_character_")
    return(format(x))
  }
  if (!is.object(x) && length(dim(x)) == 2L) {
    return(sprintf("%s matrix of %d x %d", with_article(typeof(x)),
                   nrow(x), ncol(x)))
  }
  what <- if (is.object(x)) {
    paste(class(x)[1L], if (is.list(x)) "object" else "vector")
  } else if (is.list(x)) {
    "list"
  } else {
    paste(typeof(x), "vector")
  }
  sprintf("%s of length %d", with_article(what), length(x))
}

# "a list", "an integer vector": the article by the first letter, which is
# right for every type name and for class names that are words.
with_article <- function(words) {
  paste(ifelse(grepl("^[aeiouAEIOU]", words), "an", "a"), words)
}

check_number <- function(x, arg, min = -Inf, max = Inf, na_ok = FALSE,
                         finite = TRUE, call = sys.call(-1L)) {
  if (na_ok && identical(x, NA)) return(invisible(x))
  ok <- is.numeric(x) && !is.object(x) && length(x) == 1L && is.null(dim(x))
  if (ok && is.na(x)) ok <- na_ok && !is.nan(x)
  else if (ok) ok <- x >= min && x <= max && (!finite || is.finite(x))
  if (ok) return(invisible(x))
  # The message is built only on failure: format() costs more than the checks.
  range_text <- if (is.finite(min) && is.finite(max)) {
    sprintf(" between %s and %s", format(min), format(max))
  } else if (is.finite(min)) {
    sprintf(" of at least %s", format(min))
  } else ""
  if (na_ok) range_text <- paste0(range_text, " (or NA)")
  what <- if (finite) "a single finite number" else "a single number"
  abort(sprintf("`%s` must be %s%s, not %s.", arg, what, range_text,
                describe_value(x)), call)
}

check_flag <- function(x, arg, call = sys.call(-1L)) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    abort(sprintf("`%s` must be TRUE or FALSE, not %s.", arg,
                  describe_value(x)), call)
  }
  invisible(x)
}

# match.arg() with an error message that names the argument and the choices.
# The whole vector of choices (an argument left at its default) means the
# first, unless default_ok is FALSE (a stored value must be one string).
check_choice <- function(x, choices, arg, call = sys.call(-1L),
                         default_ok = TRUE) {
  if (default_ok && identical(x, choices)) return(choices[1L])
  if (!is.character(x) || length(x) != 1L || is.na(x) ||
      !x %in% choices) {
    abort(sprintf("`%s` must be one of %s, not %s.", arg,
                  paste0("\"", choices, "\"", collapse = ", "),
                  describe_value(x)), call)
  }
  x
}

check_data_frame <- function(x, arg, call = sys.call(-1L)) {
  if (!is.data.frame(x)) {
    abort(sprintf("`%s` must be a data frame, not %s.", arg,
                  describe_value(x)), call)
  }
  invisible(x)
}

# Measurements as plain numeric vectors: factors, dates, characters,
# logicals and matrices are refused rather than silently turned into numbers.
# The one exception is a logical vector that is entirely NA (what a column of
# blanks reads as), which becomes a double vector of NA.
as_measurements <- function(x, arg, call = sys.call(-1L)) {
  if (is.logical(x) && !is.object(x) && is.null(dim(x)) && all(is.na(x))) {
    return(stats::setNames(rep(NA_real_, length(x)), names(x)))
  }
  if (!is.numeric(x) || is.object(x) || !is.null(dim(x))) {
    abort(sprintf("`%s` must be a numeric vector, not %s.", arg,
                  describe_value(x)), call)
  }
  x
}

check_names <- function(x, arg, call = sys.call(-1L)) {
  if (!is.character(x) || length(x) == 0L || anyNA(x) || any(x == "")) {
    abort(sprintf("`%s` must be a character vector of column names, not %s.",
                  arg, describe_value(x)), call)
  }
  invisible(x)
}

# `available` is the names of the data frame(s) the columns must come from.
check_columns_exist <- function(available, columns, arg, data_arg = "data",
                                call = sys.call(-1L)) {
  missing <- setdiff(columns, available)
  if (length(missing)) {
    abort(sprintf("`%s` names %s not found in `%s`: %s.%s", arg,
                  if (length(missing) == 1L) "a column" else "columns",
                  data_arg, paste0("\"", missing, "\"", collapse = ", "),
                  did_you_mean(missing, available)),
          call)
  }
  invisible(columns)
}

# " Did you mean \"Prewt\"?" for names that differ from an available one
# only in case or by a letter or two; "" when nothing is close.
did_you_mean <- function(missing, available) {
  available <- unique(as.character(available))
  if (!length(available)) return("")
  close <- vapply(missing, function(name) {
    same_case <- available[tolower(available) == tolower(name)]
    if (length(same_case)) return(same_case[1L])
    distance <- utils::adist(name, available, ignore.case = TRUE)[1L, ]
    best <- which.min(distance)
    if (distance[best] <= max(1, nchar(name) %/% 4)) available[best] else NA_character_
  }, character(1))
  close <- close[!is.na(close)]
  if (!length(close)) return("")
  sprintf(" Did you mean %s?", paste0("\"", unique(close), "\"", collapse = ", "))
}

# `seed`: NULL or a single whole number that set.seed() takes.
check_seed <- function(x, arg = "seed", call = sys.call(-1L)) {
  if (is.null(x)) return(invisible(x))
  ok <- is.numeric(x) && !is.object(x) && length(x) == 1L && is.null(dim(x)) &&
    is.finite(x) && x == round(x) && abs(x) <= .Machine$integer.max
  if (!ok) {
    abort(sprintf("`%s` must be NULL or a single whole number, not %s.", arg,
                  describe_value(x)), call)
  }
  invisible(x)
}

ci_methods <- c("wilson", "exact", "jeffreys", "agresti-coull")

check_conf_level <- function(x, call = sys.call(-1L)) {
  ok <- is.numeric(x) && !is.object(x) && length(x) == 1L && !is.na(x) &&
    x > 0 && x < 1
  if (!ok) {
    abort(sprintf("`conf_level` must be a single number strictly between 0 and 1, not %s.",
                  describe_value(x)), call)
  }
  invisible(x)
}

# The `id` column of a data frame of patients (NULL, or one existing column
# whose values are present and unique: one row per patient) and unique
# column names; shared by classify_cohort() and classify_visits().
check_id_and_names <- function(data, id, call) {
  if (!is.null(id)) {
    if (!is.character(id) || length(id) != 1L || is.na(id)) {
      abort(sprintf("`id` must be NULL or a single column name, not %s.",
                    describe_value(id)), call)
    }
    check_columns_exist(names(data), id, "id", call = call)
    check_ids(data[[id]], sprintf("`id` column \"%s\"", id), call)
  }
  if (anyDuplicated(names(data))) {
    abort(sprintf("`data` has more than one column named \"%s\"; names must be unique.",
                  names(data)[anyDuplicated(names(data))]), call)
  }
  invisible(data)
}

# Patient ids: one atomic value per row, none missing (NA, NaN or the blank
# "" that a CSV's empty cell reads as) and, with `unique`, none twice. A
# duplicate is named with the rows that hold it, so that the user can find
# them; `what` names the column in the messages ("`id` column \"id\"",
# "`long$id`"), `needs` what each row needs, and `duplicate` makes the
# message's end from the duplicated value and its rows. User text (column
# names, ids) is an argument of sprintf(), never part of a format.
check_ids <- function(ids, what, call, unique = TRUE, needs = "an id",
                      duplicate = function(value, rows) {
                        sprintf("has the value %s more than once (%s); ids must be unique: one row per patient.",
                                value, rows)
                      }) {
  if (!is.atomic(ids) || !is.null(dim(ids))) {
    abort(sprintf("%s must hold one value per row (an atomic vector), not %s.",
                  what, describe_value(ids)), call)
  }
  if (anyNA(ids)) {
    abort(sprintf("%s is missing (NA) at row %d; every row needs %s.", what,
                  which(is.na(ids))[1L], needs), call)
  }
  blank <- if (is.character(ids)) {
    !nzchar(ids)
  } else if (is.factor(ids) && any(levels(ids) == "")) {
    unclass(ids) %in% which(levels(ids) == "")
  }
  if (any(blank)) {
    abort(sprintf("%s is blank (\"\") at row %d; every row needs %s.", what,
                  which(blank)[1L], needs), call)
  }
  if (unique) {
    first <- anyDuplicated(ids)
    if (first) {
      abort(paste(what, duplicate(format_id(ids[first]),
                                  format_rows(which(ids == ids[first])))), call)
    }
  }
  invisible(ids)
}

# An id as a message shows it: text in quotes, numbers and dates as printed.
format_id <- function(value) {
  if (is.character(value) || is.factor(value)) {
    sprintf("\"%s\"", as.character(value))
  } else if (is.numeric(value) && !is.object(value)) {
    format(value, scientific = FALSE, digits = 15)
  } else {
    format(value)
  }
}

# "row 3", "rows 1, 3, 5", "rows 1, 2, 3, 4, 5, ... 12 rows"
format_rows <- function(rows) {
  if (length(rows) == 1L) return(sprintf("row %d", rows))
  sprintf("rows %s%s", paste(utils::head(rows, 5L), collapse = ", "),
          if (length(rows) > 5L) sprintf(", ... %s rows", format_integer(length(rows))) else "")
}

# The columns each symptom reads, as a list named by symptom of character
# vectors named by role ("baseline (`pre`)", "follow-up (`post`)", "visit
# \"day1\""), the baseline first. A column read in two roles of one symptom
# is refused (a baseline that is also the follow-up leaves every patient
# unchanged), and so is a column shared by two symptoms unless they read
# exactly the same columns in the same roles: that is two rules for one
# measure (a sensitivity analysis); any other sharing is a slip in a mapping.
check_column_roles <- function(columns, call,
                               fix = "check the mapping of the columns to symptoms") {
  symptoms <- names(columns)
  for (s in symptoms) {
    used <- columns[[s]]
    twice <- anyDuplicated(used)
    if (twice) {
      roles <- names(used)[used == used[twice]]
      abort(sprintf("Symptom \"%s\" reads the column \"%s\" as its %s and as its %s: a column can hold only one time point.%s",
                    s, used[twice], roles[1L], roles[2L],
                    if (twice == 2L && length(used) == 2L) " Every patient would be unchanged." else ""),
            call)
    }
  }
  signature <- vapply(columns, function(used) {
    paste(names(used), used, sep = "\r", collapse = "\n")
  }, character(1))
  column <- unlist(columns, use.names = FALSE)
  owner <- rep(seq_along(columns), lengths(columns))
  role <- unlist(lapply(columns, names), use.names = FALSE)
  shared <- unique(column[duplicated(column)])
  for (col in shared) {
    at <- which(column == col)
    differs <- at[signature[owner[at]] != signature[owner[at[1L]]]]
    if (length(differs)) {
      first <- at[1L]
      other <- differs[1L]
      abort(sprintf("The column \"%s\" is the %s of \"%s\" and the %s of \"%s\": two symptoms can share columns only when they read the same baseline and follow-up (two rules for one measure); %s.",
                    col, role[first], symptoms[owner[first]], role[other],
                    symptoms[owner[other]], fix), call)
    }
  }
  invisible(columns)
}

# The column of each symptom at one time point, from the way the user named
# them (`spec`, the argument `arg`), in one of three forms shared by
# classify_cohort() (`pre`, `post`) and classify_visits() (`baseline`, each
# of `visits`):
# * NULL: the default suffix, `default`;
# * a suffix, one unnamed string: "6w" reads <symptom>_6w. The underscore is
#   added when the suffix starts with a letter or digit; a suffix that
#   starts with another character is used as it is, so "_6w" reads
#   <symptom>_6w too and ".pre" reads <symptom>.pre;
# * a mapping c(symptom = "column") for some or all symptoms, and optionally
#   one unnamed suffix among them for the symptoms it leaves out:
#   c("6w", odi = "ODI six weeks").
# Symptoms neither mapped nor covered by a given suffix read the default
# suffix. Returns a character vector of columns named by symptom.
time_point_columns <- function(symptoms, spec, default, arg, call) {
  if (is.null(spec)) return(stats::setNames(suffix_columns(symptoms, default), symptoms))
  given <- if (is.character(spec)) names(spec) else NULL
  if (is.null(given)) given <- rep("", length(spec))
  ok <- is.character(spec) && !is.object(spec) && is.null(dim(spec)) &&
    length(spec) >= 1L && !anyNA(spec) && all(nzchar(spec)) &&
    !anyNA(given) && sum(given == "") <= 1L
  if (!ok) {
    abort(sprintf("`%s` must be a suffix of the columns, such as \"%s\" (for <symptom>_%s), or a named character vector mapping symptoms to columns, such as c(lbp = \"back_%s\"), not %s.",
                  arg, default, default, default, describe_value(spec)), call)
  }
  named <- given != ""
  twice <- given[named][duplicated(given[named])]
  if (length(twice)) {
    abort(sprintf("`%s` maps the symptom \"%s\" more than once.", arg, twice[1L]),
          call)
  }
  unknown <- setdiff(given[named], symptoms)
  if (length(unknown)) {
    abort(sprintf("`%s` names symptoms that `rules` lacks: %s.%s", arg,
                  paste0("\"", unknown, "\"", collapse = ", "),
                  did_you_mean(unknown, symptoms)), call)
  }
  suffix <- if (any(!named)) spec[!named] else default
  columns <- stats::setNames(suffix_columns(symptoms, suffix), symptoms)
  columns[given[named]] <- unname(spec[named])
  columns
}

# "lbp_6w" from "6w" or "_6w"; "bdi.pre" from ".pre".
suffix_columns <- function(symptoms, suffix) {
  paste0(symptoms, if (grepl("^[[:alnum:]]", suffix)) "_", suffix)
}

# The suffix as a name for what it reads ("6w" for "_6w").
suffix_label <- function(suffix) sub("^[^[:alnum:]]+", "", suffix)

# check_columns_exist() for columns made by time_point_columns(): the error
# says how `spec` was read, which columns `data` has for the symptom
# (odi_pre, odi_6w) so that a suffix or a mapping can be written from them,
# and suggests close names, never one read in another role (`taken`: a
# baseline is no suggestion for a missing follow-up).
check_time_point_columns <- function(available, columns, spec, default, arg,
                                     call, taken = character(),
                                     what = sprintf("`%s`", arg)) {
  missing <- setdiff(columns, available)
  if (!length(missing)) return(invisible(columns))
  symptom <- names(columns)[match(missing[1L], columns)]
  free <- setdiff(available, c(columns, taken))
  hint <- character()
  if (is.null(spec)) {
    hint <- sprintf("%s is left out, so the columns are %s.", what,
                    suffix_columns("<symptom>", default))
  }
  unnamed <- if (is.character(spec)) {
    spec[if (is.null(names(spec))) TRUE else names(spec) == ""]
  }
  if (length(unnamed)) {
    hint <- c(hint, sprintf("%s reads \"%s\" as a suffix: %s%s.", what, unnamed,
                            suffix_columns("<symptom>", unnamed),
                            if (unnamed %in% available) {
                              sprintf("; to read the column \"%s\" for \"%s\", map it: c(%s = \"%s\")",
                                      unnamed, symptom, symptom, unnamed)
                            } else ""))
  }
  own <- free[startsWith(free, symptom) & nchar(free) > nchar(symptom)]
  if (length(own) && !any(unnamed %in% available)) {
    hint <- c(hint, sprintf("`data` has for \"%s\": %s; give their suffix (\"%s\") or map the column: c(%s = \"%s\").",
                            symptom, paste0("\"", utils::head(own, 6L), "\"", collapse = ", "),
                            suffix_label(substring(own[1L], nchar(symptom) + 1L)),
                            symptom, own[1L]))
  }
  abort(sprintf("%s names %s not found in `data`: %s.%s%s", what,
                if (length(missing) == 1L) "a column" else "columns",
                paste0("\"", missing, "\"", collapse = ", "),
                did_you_mean(missing, free),
                if (length(hint)) paste0(" ", paste(hint, collapse = " ")) else ""),
        call)
}
