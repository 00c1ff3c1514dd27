#' The alleviation rules for the four symptoms of Guo et al. (2016)
#'
#' Guo et al. (2016) followed lower back pain, leg pain and numbness of the
#' lower extremities (scored before and after myelography) and the
#' intermittent-claudication walking distance. Their abstract does not give
#' the cut-offs they used to call a symptom alleviated, so **these defaults
#' are the package's own**, chosen from the literature on clinically important
#' change; set your own with [alleviation_rule()] where your protocol differs.
#'
#' * `lbp`, `leg_pain`, `numbness`: numeric rating scale 0-10, alleviated at a
#'   fall of at least `min_change` points **and** at least `min_relative` of
#'   baseline. The defaults, 2 points and 30%, are the minimal important
#'   change for pain on a 0-10 scale of Ostelo et al. (2008) and the
#'   "moderately important" 30% of IMMPACT (Dworkin et al. 2008). Absent at a
#'   baseline of 0.
#' * `claudication`: walking distance to claudication in metres (`Inf` =
#'   unlimited), alleviated at a rise of at least `claudication_relative`
#'   (30%, the same principle) or when the patient walks without limit
#'   afterwards. Absent when the baseline distance is unlimited.
#'
#' Worsening uses the same thresholds in the other direction. The list's order
#' is the priority used for `primary_symptom` in [classify_cohort()].
#'
#' @param min_change,min_relative Thresholds for the three 0-10 scores.
#' @param claudication_relative Relative rise in walking distance.
#' @return A named list of four [alleviation_rule()]s: `lbp`, `leg_pain`,
#'   `numbness`, `claudication`.
#' @references
#' Guo R, Sakakibara T, Mizuno T, Akeda K, Kondo T, Kasai Y. Relief of lower
#' back and leg pain after myelography. Open Orthop J 2016;10:539-542.
#' \doi{10.2174/1874325001610010539}
#'
#' Ostelo RWJG, Deyo RA, Stratford P, et al. Interpreting change scores for
#' pain and functional status in low back pain: towards international
#' consensus regarding minimal important change. Spine 2008;33:90-94.
#'
#' Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical
#' importance of treatment outcomes in chronic pain clinical trials: IMMPACT
#' recommendations. J Pain 2008;9:105-121.
#' @examples
#' study_rules()
#' # A stricter definition: half the baseline pain
#' strict <- study_rules(min_relative = 0.5)
#' strict$lbp
#' @export
study_rules <- function(min_change = 2, min_relative = 0.3,
                        claudication_relative = 0.3) {
  check_number(min_change, "min_change", min = 0, max = 10)
  check_number(min_relative, "min_relative", min = 0, max = 1)
  check_number(claudication_relative, "claudication_relative", min = 0)
  score <- function(label) {
    alleviation_rule("decrease", min_change = min_change,
                     min_relative = min_relative, combine = "all",
                     range = c(0, 10), label = label)
  }
  list(
    lbp = score("Lower back pain (NRS 0-10)"),
    leg_pain = score("Leg pain (NRS 0-10)"),
    numbness = score("Numbness of the lower extremities (NRS 0-10)"),
    claudication = alleviation_rule(
      "increase", min_relative = claudication_relative, absent_at = Inf,
      range = c(0, Inf),
      label = "Intermittent-claudication walking distance (m, Inf = unlimited)")
  )
}

check_rules <- function(rules, arg = "rules", call = sys.call(-1L)) {
  if (is_alleviation_rule(rules) || !is.list(rules) || !length(rules) ||
      is.null(names(rules)) || anyNA(names(rules)) || any(names(rules) == "") ||
      anyDuplicated(names(rules)) ||
      !all(vapply(rules, is_alleviation_rule, logical(1)))) {
    abort(sprintf(paste0("`%s` must be a list of alleviation_rule objects ",
                         "with unique names, such as study_rules(), not %s."),
                  arg, describe_value(rules)), call)
  }
  reserved <- intersect(names(rules), reserved_symptom_names)
  if (length(reserved)) {
    abort(sprintf("`%s` must not name a symptom %s: the package uses that name for its own column.",
                  arg, paste0("\"", reserved, "\"", collapse = ", ")), call)
  }
  for (name in names(rules)) {
    check_rule(rules[[name]], sprintf("%s$%s", arg, name), call)
  }
  invisible(rules)
}

# Names of the patient-level columns of a cohort and of the "any" rows of a
# table, which no symptom may take.
patient_columns <- c("patient_class", "any_alleviated", "primary_symptom")
reserved_symptom_names <- c("any", patient_columns)
