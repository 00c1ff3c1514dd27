#' Define when a symptom counts as alleviated
#'
#' An alleviation rule says how a paired baseline/follow-up measurement of one
#' symptom is judged: which direction is better, how large a change counts,
#' when the symptom was absent at baseline, and which values the measure can
#' take. [classify_alleviation()] applies it to data; [study_rules()] gives
#' the four rules used to reproduce Guo et al. (2016).
#'
#' A change meets a threshold when it reaches it exactly or exceeds it
#' (`strict = FALSE`, the default), or only when it exceeds it (`strict =
#' TRUE`, as the reliable change of Jacobson and Truax, which
#' [reliable_change_rule()] makes). The comparisons forgive decimal
#' round-off, so a change that meets a threshold
#' on paper (7 to 4.9 is exactly 30%) meets it in the computer too: numbers
#' that differ by at most 1e-9 times the largest finite magnitude involved
#' (the pair's values and the threshold, `absent_at` or range bound) count
#' as equal. The same holds for `absent_at` and the range; see the section
#' Tolerance of [classify_alleviation()]. So under `strict = TRUE` a change
#' must exceed the threshold by more than that tolerance: a fall from 0.3 to
#' 0.1 (0.19999999999999998 in binary) equals a threshold of 0.2 and does
#' not count, at every scale.
#'
#' @param direction `"decrease"` when lower values are better (pain or
#'   numbness scores), `"increase"` when higher values are better (walking
#'   distance).
#' @param min_change Smallest improvement, in the measure's units, that counts
#'   as alleviation (a number >= 0), or `NA` to leave it out.
#' @param min_relative Smallest improvement as a fraction of the baseline
#'   value (0.3 = 30%), or `NA` to leave it out. For a `"decrease"` measure
#'   that cannot go below 0, values above 1 (a fall of more than 100%) are
#'   refused: they can never be met. At least one of `min_change`
#'   and `min_relative` must be given.
#' @param combine `"all"`: every threshold given must be met; `"any"`: one
#'   suffices.
#' @param worsen_change,worsen_relative Thresholds for worsening, applied to
#'   the change in the worse direction and combined the same way. They default
#'   to the alleviation thresholds; set both to `NA` to never classify a
#'   patient as worsened.
#' @param absent_at Baseline value at which the symptom counts as absent: for
#'   a `"decrease"` rule a baseline at or below it (default 0, no pain); for
#'   an `"increase"` rule a baseline at or above it (default `Inf`, walks
#'   without limit; use 500 when records cap the distance at 500 m).
#' @param range The valid values of the measure, `c(lower, upper)`:
#'   `c(0, 10)` for a numeric rating scale, `c(0, 100)` for a 100 mm visual
#'   analogue scale, `c(0, Inf)` for metres. Values outside it are errors.
#' @param label Optional name of the measure, used when printing.
#' @param strict The boundary: `FALSE` (the default) when a change equal to
#'   a threshold meets it ("by at least"); `TRUE` when a change must exceed
#'   every threshold ("by more than"), as Jacobson and Truax (1991) call a
#'   change reliable only when |RCI| > 1.96. Applies to the alleviation and
#'   the worsening thresholds alike. A rule made before this field existed
#'   (without it) is inclusive.
#' @return An object of class `alleviation_rule`: a list with the arguments
#'   above, validated. A rule derived from data ([reliable_change_rule()],
#'   [as_rule()]) has one more field, `origin`: a sentence saying where its
#'   threshold came from, which `print()` shows.
#' @seealso [classify_alleviation()], [study_rules()], [alleviation_curve()].
#' @references
#' Ostelo RWJG, Deyo RA, Stratford P, et al. Interpreting change scores for
#' pain and functional status in low back pain: towards international
#' consensus regarding minimal important change. Spine 2008;33:90-94.
#'
#' Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical
#' importance of treatment outcomes in chronic pain clinical trials: IMMPACT
#' recommendations. J Pain 2008;9:105-121.
#'
#' Jacobson NS, Truax P. Clinical significance: a statistical approach to
#' defining meaningful change in psychotherapy research. J Consult Clin
#' Psychol 1991;59:12-19 (the strict boundary of a reliable change).
#' @examples
#' # Pain on a 0-10 scale: at least 2 points and at least 30% of baseline
#' pain <- alleviation_rule("decrease", min_change = 2, min_relative = 0.3,
#'                          range = c(0, 10), label = "Leg pain (NRS)")
#' pain
#'
#' # Walking distance: 30% longer, or unlimited after the procedure
#' alleviation_rule("increase", min_relative = 0.3)
#'
#' # A 100 mm VAS where either 15 mm or 30% is enough
#' alleviation_rule("decrease", min_change = 15, min_relative = 0.3,
#'                  combine = "any", range = c(0, 100))
#'
#' # A change must exceed 2.5 points: a fall of exactly 2.5 is not enough
#' strict <- alleviation_rule("decrease", min_change = 2.5, range = c(0, 10),
#'                            strict = TRUE)
#' strict
#' classify_alleviation(c(8, 8), c(5.5, 5), strict)
#' @export
alleviation_rule <- function(direction = c("decrease", "increase"),
                             min_change = NA, min_relative = NA,
                             combine = c("all", "any"),
                             worsen_change = min_change,
                             worsen_relative = min_relative,
                             absent_at = if (direction == "decrease") 0 else Inf,
                             range = c(0, Inf), label = NULL, strict = FALSE) {
  call <- sys.call()
  direction <- check_choice(direction, c("decrease", "increase"), "direction",
                            call = call)
  combine <- check_choice(combine, c("all", "any"), "combine", call = call)
  if (!is_flag(strict)) {   # NULL too, which the list would drop
    abort(sprintf("`strict` must be TRUE or FALSE, not %s.", describe_value(strict)),
          call)
  }
  rule <- list(direction = direction, min_change = min_change,
               min_relative = min_relative, combine = combine,
               worsen_change = worsen_change, worsen_relative = worsen_relative,
               absent_at = absent_at, range = range, strict = strict,
               label = label)
  check_rule_fields(rule, call)
  check_reachable(rule, call)
  numeric_fields <- c("min_change", "min_relative", "worsen_change",
                      "worsen_relative", "absent_at", "range")
  rule[numeric_fields] <- lapply(rule[numeric_fields], as.numeric)
  structure(rule, class = "alleviation_rule")
}

# Whether no pair within `range` can meet an absolute threshold: one wider
# than the finite range (beyond round-off, 1e-9 relative), or, for a strict
# rule, one the widest change (the whole width) does not exceed by more
# than the classifier's tolerance (1e-9 of the largest finite magnitude
# among the bounds and the threshold; see mr_meets_bound() in
# src/kernels.h).
threshold_beyond_range <- function(value, range, strict) {
  width <- range[2L] - range[1L]
  if (!is.finite(width)) return(FALSE)
  if (!strict) return(value > width * (1 + 1e-9))
  !(width > value + 1e-9 * max(abs(range), value))
}

# The fields of a rule, in the order alleviation_rule() creates them.
# `label` may be absent (`rule$label <- NULL` removes it), and so may
# `strict` (a rule saved before the field existed: inclusive); a derived
# rule has one more, `origin`, last.
rule_fields <- c("direction", "min_change", "min_relative", "combine",
                 "worsen_change", "worsen_relative", "absent_at", "range",
                 "strict", "label")

# A rule as check_rule() finds it: a list with exactly the fields
# alleviation_rule() makes (`label` may be absent), each valid. Errors name
# the field.
check_rule_structure <- function(rule, call) {
  check_rule_names(rule, call)
  check_rule_fields(rule, call)
}

check_rule_names <- function(rule, call) {
  if (!is.list(rule)) {
    abort(sprintf("an alleviation_rule must be a list of fields, not %s.",
                  describe_value(unclass(rule))), call)
  }
  fields <- names(rule)
  if (is.null(fields)) fields <- rep("", length(rule))
  unknown <- setdiff(fields, c(rule_fields, "origin"))
  if (length(unknown)) {
    abort(sprintf("unknown field %s; the fields are %s.",
                  if (is.na(unknown[1L]) || unknown[1L] == "") "without a name"
                  else sprintf("`%s`", unknown[1L]),
                  paste0("`", rule_fields, "`", collapse = ", ")), call)
  }
  twice <- fields[duplicated(fields)]
  if (length(twice)) {
    abort(sprintf("field `%s` appears more than once.", twice[1L]), call)
  }
  absent <- setdiff(rule_fields, c(fields, "label", "strict"))
  if (length(absent)) {
    abort(sprintf("field `%s` is missing.", absent[1L]), call)
  }
  invisible(rule)
}

# Every field of a rule, with an error naming the field. Shared by
# alleviation_rule() and check_rule(): a rule is a plain list, and a field
# edited by hand must not reach the C code.
check_rule_fields <- function(rule, call) {
  field <- function(name) .subset2(rule, name)
  check_choice(field("direction"), c("decrease", "increase"), "direction",
               call, default_ok = FALSE)
  check_choice(field("combine"), c("all", "any"), "combine", call,
               default_ok = FALSE)
  for (name in c("min_change", "min_relative", "worsen_change",
                 "worsen_relative")) {
    check_number(field(name), name, min = 0, na_ok = TRUE, call = call)
  }
  if (is.na(field("min_change")) && is.na(field("min_relative"))) {
    abort("At least one of `min_change` and `min_relative` must be a number.",
          call)
  }
  range <- field("range")
  if (!is.numeric(range) || is.object(range) || length(range) != 2L ||
      !is.null(dim(range)) || anyNA(range) || range[1L] >= range[2L]) {
    abort(sprintf(
      "`range` must be two increasing numbers c(lower, upper), not %s.",
      describe_value(range)), call)
  }
  check_number(field("absent_at"), "absent_at", finite = FALSE, call = call)
  strict <- field("strict")
  if (!is.null(strict) && !is_flag(strict)) {
    abort(sprintf("`strict` must be TRUE or FALSE, not %s.", describe_value(strict)),
          call)
  }
  for (name in c("label", "origin")) {
    text <- field(name)
    if (!is.null(text) &&
        (!is.character(text) || length(text) != 1L || is.na(text))) {
      abort(sprintf("`%s` must be NULL or a single string, not %s.", name,
                    describe_value(text)), call)
    }
  }
  invisible(rule)
}

# A fall of more than 100% of baseline cannot happen on a measure that
# cannot go below 0: `min_relative = 30` meant 30%, not 3000%.
check_reachable <- function(rule, call) {
  value <- rule$min_relative
  strict <- isTRUE(rule$strict)
  # a strict rule needs a fall of more than the fraction: of more than 100%
  # at 1, never reached either
  if (rule$direction == "decrease" && rule$range[1L] >= 0 && !is.na(value) &&
      (value > 1 || (strict && value >= 1))) {
    abort(sprintf("`min_relative` = %s asks for a fall of more than 100%% of baseline, which a measure that cannot go below %s never reaches; it is a fraction (0.3 = 30%%)%s.",
                  format(value), format(rule$range[1L]),
                  if (value >= 2 && value <= 100) sprintf(": did you mean %s?", format(value / 100))
                  else ""), call)
  }
  # An absolute threshold wider than the whole finite range is never met:
  # min_change = 20 on a 0-10 scale was a slip (a percentage, another scale).
  width <- rule$range[2L] - rule$range[1L]
  for (name in c("min_change", "worsen_change")) {
    value <- rule[[name]]
    if (!is.na(value) && threshold_beyond_range(value, rule$range, strict)) {
      if (strict && !(value > width * (1 + 1e-9))) {
        abort(sprintf("`%s` = %s is the whole range [%s, %s] spans (%s) and the rule is strict (`strict = TRUE`): no change can exceed it; give a smaller threshold, or `strict = FALSE` to count a change across the whole range.",
                      name, format(value), format(rule$range[1L]),
                      format(rule$range[2L]), format(width)), call)
      }
      abort(sprintf("`%s` = %s is more than the whole range [%s, %s] spans (%s), so no pair could ever meet it; give a change on the measure's own scale%s.",
                    name, format(value), format(rule$range[1L]),
                    format(rule$range[2L]), format(width),
                    if (name == "min_change" && is.na(rule$min_relative))
                      ", or `min_relative` for a fraction of baseline" else ""),
            call)
    }
  }
  invisible(rule)
}

is_alleviation_rule <- function(x) inherits(x, "alleviation_rule")

check_rule <- function(rule, arg = "rule", call = sys.call(-1L)) {
  if (!is_alleviation_rule(rule)) {
    abort(sprintf("`%s` must be an alleviation_rule (see ?alleviation_rule), not %s.",
                  arg, describe_value(rule)), call)
  }
  if (rule_is_intact(rule)) return(invisible(rule))
  tryCatch(check_rule_structure(rule, call), myelorelief_error = function(e) {
    abort(sprintf("`%s` is not a valid alleviation_rule any more (was it edited by hand?): %s",
                  arg, conditionMessage(e)), call)
  })
  invisible(rule)
}

# The quick test, true only when check_rule_structure() would pass; that slower
# check runs only to say what is wrong. Each field is tested on its own, for
# its type, length and value (never by concatenating fields: a NULL field
# and a length-2 one would then pass as the right number of values, shifted
# into the wrong places), and the field names must be exactly those that
# alleviation_rule() creates. A rule built by alleviation_rule() passes;
# anything else (integer thresholds, reordered fields, ...) takes the slow
# path. (Field by field with check_number() it costs ~50 us, which dominated
# calls on small inputs.)
rule_is_intact <- function(rule) {
  typeof(rule) == "list" &&
    (identical(names(rule), rule_fields) ||
       (identical(names(rule), c(rule_fields, "origin")) &&
          is.character(.subset2(rule, "origin")) &&
          length(.subset2(rule, "origin")) == 1L &&
          !is.na(.subset2(rule, "origin")))) &&
    identical(class(rule), "alleviation_rule") &&
    intact_threshold(.subset2(rule, "min_change")) &&
    intact_threshold(.subset2(rule, "min_relative")) &&
    intact_threshold(.subset2(rule, "worsen_change")) &&
    intact_threshold(.subset2(rule, "worsen_relative")) &&
    !(is.na(.subset2(rule, "min_change")) && is.na(.subset2(rule, "min_relative"))) &&
    {
      range <- .subset2(rule, "range")
      is.double(range) && length(range) == 2L && is.null(attributes(range)) &&
        !anyNA(range) && range[1L] < range[2L]
    } && {
      absent_at <- .subset2(rule, "absent_at")
      is.double(absent_at) && length(absent_at) == 1L &&
        is.null(attributes(absent_at)) && !is.na(absent_at)
    } &&
    (identical(.subset2(rule, "direction"), "decrease") ||
       identical(.subset2(rule, "direction"), "increase")) &&
    (identical(.subset2(rule, "combine"), "all") ||
       identical(.subset2(rule, "combine"), "any")) &&
    (identical(.subset2(rule, "strict"), FALSE) ||
       identical(.subset2(rule, "strict"), TRUE)) && {
      label <- .subset2(rule, "label")
      is.null(label) ||
        (is.character(label) && length(label) == 1L && !is.na(label))
    }
}

# One threshold as alleviation_rule() stores it: a plain double, NA (not
# NaN) to leave it out, or finite and >= 0.
intact_threshold <- function(x) {
  is.double(x) && length(x) == 1L && is.null(attributes(x)) &&
    (if (is.na(x)) !is.nan(x) else x >= 0 && x < Inf)
}

# The rule as the ten doubles the C glue unpacks (src/glue.c), field by
# name (.subset2: no partial matching, no dispatch), of a rule check_rule()
# passed; a rule without `strict` (saved before the field existed) is
# inclusive.
rule_params <- function(rule) {
  field <- function(name) .subset2(rule, name)
  as.double(c(field("direction") == "increase", field("combine") == "any",
              field("min_change"), field("min_relative"),
              field("worsen_change"), field("worsen_relative"),
              field("absent_at"), field("range"), isTRUE(field("strict"))))
}

# TRUE or FALSE, a plain logical of length 1 (no NA, no attributes).
is_flag <- function(x) {
  is.logical(x) && length(x) == 1L && !is.na(x) && is.null(attributes(x))
}

# Whether a rule's thresholds must be exceeded (a rule without the field,
# saved before it existed, is inclusive).
rule_is_strict <- function(rule) isTRUE(.subset2(rule, "strict"))

# "falls by at least 2 points and by at least 30% of baseline"; for a
# strict rule "falls by more than 2.362 points"
describe_thresholds <- function(change, relative, combine, verb, unit,
                                strict = FALSE) {
  by <- if (strict) "by more than" else "by at least"
  parts <- c(
    if (!is.na(change)) sprintf("%s %s%s", by, format(change),
                                if (change == 1) sub("s$", "", unit) else unit),
    if (!is.na(relative)) sprintf("%s %s%% of baseline", by,
                                  format(100 * relative))
  )
  if (!length(parts)) return(NULL)
  paste(verb, paste(parts, collapse = if (combine == "all") " and " else " or "))
}

# Whether the rule can mark a baseline as absent, worth saying: not when
# `absent_at` lies beyond the valid values (-Inf for a "decrease" rule:
# nobody is absent), and for the infinite absent_at of an "increase" rule
# only where Inf is a valid value that means something, as "unlimited"
# walking distance does (not for weight).
can_be_absent <- function(rule) {
  if (rule$direction == "decrease") return(rule$absent_at >= rule$range[1L])
  if (is.infinite(rule$absent_at)) {
    return(is.infinite(rule$range[2L]) && grepl("Inf|unlimited", rule$label %||% ""))
  }
  rule$absent_at <= rule$range[2L]
}

#' @rdname alleviation_rule
#' @param x An `alleviation_rule`.
#' @param ... Ignored.
#' @export
format.alleviation_rule <- function(x, ...) {
  decrease <- x$direction == "decrease"
  subject <- if (decrease) "the score" else "the value"
  unit <- if (decrease) " points" else ""
  better <- if (decrease) "falls" else "rises"
  worse <- if (decrease) "rises" else "falls"
  strict <- rule_is_strict(x)
  alleviated <- describe_thresholds(x$min_change, x$min_relative, x$combine,
                                    better, unit, strict)
  worsened <- describe_thresholds(x$worsen_change, x$worsen_relative,
                                  x$combine, worse, unit, strict)
  # An infinite absent_at (the default of an "increase" rule) marks only an
  # infinite baseline as absent: worth saying only where Inf is a valid
  # value that means something, as "unlimited" walking distance does.
  absent <- if (!can_be_absent(x)) {
    NULL
  } else if (decrease) {
    sprintf("at most %s", format(x$absent_at))
  } else if (is.infinite(x$absent_at)) {
    "Inf (unlimited)"
  } else {
    sprintf("at least %s", format(x$absent_at))
  }
  c(sprintf("alleviated when %s %s", subject, alleviated),
    if (is.null(worsened)) "never classified as worsened"
    else sprintf("worsened when %s %s", subject, worsened),
    if (!is.null(absent)) sprintf("absent when the baseline is %s", absent),
    sprintf("valid values in [%s, %s]", format(x$range[1L]),
            format(x$range[2L])),
    if (strict) "boundary: a change must exceed the threshold; one equal to it does not count")
}

#' @rdname alleviation_rule
#' @export
print.alleviation_rule <- function(x, ...) {
  # the header too: the study's walking-distance label runs past 80 columns
  cat(wrap_lines(paste(c("<alleviation_rule>", x$label), collapse = " ")), sep = "\n")
  lines <- paste0("  ", c(format(x), if (!is.null(x$origin)) paste("threshold from:", x$origin)))
  cat(wrap_lines(lines), sep = "\n")
  invisible(x)
}
