#' A Methods paragraph for a manuscript
#'
#' Writes, in plain scientific English, how alleviation was defined and
#' analysed: one sentence per rule (its thresholds, how they combine, what
#' counts as worsening and which patients leave the denominator), the
#' patient-level definition, the interval method, and the tests used for
#' strata and patient characteristics, followed by the references of every
#' method named. Paste it into a manuscript and adapt it; it is generated
#' from the very rules and settings of the analysis, so it cannot disagree
#' with them.
#'
#' @param rules A named list of [alleviation_rule()]s (default
#'   [study_rules()]).
#' @param conf_level,method Confidence level and interval method of the
#'   rates (see [prop_ci()]).
#' @param by Optional names of the strata compared (e.g. `"hospital"`).
#' @param group Optional name of the column whose levels were compared with
#'   [compare_rates()] (pooled over `by` when given).
#' @param reference The reference level of `group` (or, with `by` alone and
#'   two strata, the reference stratum of [summary.alleviation_table()]),
#'   named in the paragraph; by default the paragraph says "its first level",
#'   the default of [compare_rates()] and [summary()][summary.alleviation_table()].
#'   Differences are always the level minus the reference.
#' @param vars Optional names of the characteristics compared between
#'   alleviated and other patients ([compare_alleviated()]).
#' @param scores `TRUE` when the scores themselves were analysed as numbers
#'   with [score_change()] (by `group` when given): adds how the change,
#'   its tests and effect sizes were computed.
#' @param missing Optional: how patients without a follow-up value were
#'   handled beyond leaving them out of the rates: `"bounds"`
#'   ([alleviation_bounds()]) and/or `"imputation"` (pooled over a multiple
#'   imputation, see [imputed_cohort]); each adds a sentence.
#' @param imputations With `missing = "imputation"`: the number of completed
#'   datasets, named in the sentence (optional).
#' @param comparison Optional result of [compare_rates()] (with `group`):
#'   its methods are described (score intervals, exact conditional odds
#'   ratio, continuity-corrected CMH test, Breslow-Day with or without
#'   Tarone's correction); by default those of `compare_rates()`'s
#'   defaults.
#' @param weights Optional name of the weights of a weighted analysis
#'   (`tabulate_cohort(weights = )`): adds how the weighted rates, their
#'   effective-sample-size intervals and, with `group`, the weighted
#'   comparisons with robust intervals were computed. Taken from
#'   `comparison` when it is a weighted comparison.
#' @param clinical_significance Optional result of [clinical_significance()]:
#'   adds how reliable change, the cut-off and the five categories were
#'   defined, with the method's references. As in the papers, an index
#'   equal to the critical value is not reliable (as for a strict rule, see
#'   The boundary).
#' @section Wording:
#' A rule describes a **symptom** when it can find the symptom absent at
#' baseline: a `"decrease"` rule whose `absent_at` is a valid value (pain of
#' 0), or an `"increase"` rule whose `absent_at` is a valid value or the
#' "unlimited" (`Inf`) walking distance of a label that says so. Its
#' sentence reads "Alleviation of ..." and says which patients were without
#' the symptom at baseline. Any other rule (body weight, an `absent_at` that
#' no value reaches) describes an **outcome**: "Improvement in ...", and
#' "improved" where the patient-level classes are described. Labels are
#' used as written.
#'
#' @section The boundary:
#' An inclusive rule (the default of [alleviation_rule()]) is described with
#' "at least": "a decrease of at least 2 points". A strict rule (`strict =
#' TRUE`, the default of [reliable_change_rule()], where a change must
#' exceed the threshold as Jacobson and Truax require of a reliable change)
#' with "more than", followed by "(a change equal to the threshold did not
#' count)".
#'
#' @section Thresholds and numbers:
#' A threshold given by hand is written as given. A threshold derived from
#' data says where it came from, with its references: the reliable change of
#' [reliable_change_rule()] (Jacobson and Truax 1991; the standard error of
#' the difference of Christensen and Mendoza 1986) with its confidence
#' level, standard deviation and reliability; an anchor-based cut-off of
#' [estimate_mcid()] via [as_rule()] (the ROC cut-off with the largest
#' Youden index, weighted or not, or closest to the top-left corner, Copay
#' et al. 2007, Perkins and Schisterman 2006; the mean change of the
#' minimally improved; or the predictive MIC of Terluin et al. 2015, adjusted
#' for the proportion improved as Terluin et al. 2017 propose). Derived numbers are rounded to 3 significant digits (a threshold
#' of 2.361736 points is "2.36 points"). A rule whose `origin` was written
#' by hand has it quoted as it is.
#'
#' The paragraph ends with the software: the R version and the package's
#' version, cited as `citation("myelorelief")` gives it (authors, year and
#' version from the package's DESCRIPTION).
#' @return A character vector of class `methods_text`: the paragraph, then
#'   the references. `print()` wraps it to the console width;
#'   `as.character()` gives the plain strings.
#' @examples
#' methods_text()
#' methods_text(by = "hospital", vars = c("age", "sex"))
#' methods_text(group = "sex", reference = "female")
#' methods_text(group = "sex", scores = TRUE)
#'
#' # A threshold derived from data says where it came from
#' methods_text(list(lbp = reliable_change_rule(sd = 2.2, reliability = 0.85,
#'                                              range = c(0, 10),
#'                                              label = "Lower back pain (NRS)")))
#' # An outcome rather than a symptom: body weight (hypothetical)
#' methods_text(list(weight = alleviation_rule("increase", min_change = 2,
#'                                             label = "Body weight (lb)")))
#' @export
methods_text <- function(rules = study_rules(), conf_level = 0.95,
                             method = "wilson", by = NULL, group = NULL,
                             vars = NULL, reference = NULL, scores = FALSE,
                             missing = NULL, imputations = NULL,
                             comparison = NULL, clinical_significance = NULL,
                             weights = NULL) {
  call <- sys.call()
  check_flag(scores, "scores", call)
  missing_sentences <- missing_methods(missing, imputations, length(group) > 0L, call,
                                       stratified = length(by) > 0L)
  if (!is.null(clinical_significance) &&
      (!inherits(clinical_significance, "clinical_significance") ||
       is.null(attr(clinical_significance, "clinical_significance")))) {
    abort(sprintf("`clinical_significance` must be NULL or a result of clinical_significance(), not %s.",
                  describe_value(clinical_significance)), call)
  }
  check_rules(rules, call = call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  if (!is.null(by)) check_names(by, "by", call)
  if (!is.null(vars)) check_names(vars, "vars", call)
  if (!is.null(group)) check_names(group, "group", call)
  if (!is.null(reference) &&
      (!(is.character(reference) || is.factor(reference) ||
           (is.numeric(reference) && !is.object(reference))) ||
       length(reference) != 1L || !is.null(dim(reference)) || is.na(reference) ||
       !nzchar(as.character(reference)))) {
    abort(sprintf("`reference` must be NULL or a single level, not %s.",
                  describe_value(reference)), call)
  }
  if (!is.null(reference) && !length(group) && !length(by)) {
    abort("`reference` names the reference level of `group` (or of the strata in `by`); give `group` or `by`.",
          call)
  }
  symptom <- vapply(rules, can_be_absent, logical(1))
  # symptoms judged alike share one sentence
  definitions <- vapply(rules, describe_rule, character(1), what = "<what>")
  sentences <- vapply(unique(definitions), function(d) {
    alike <- names(rules)[definitions == d]
    # labels as written: never case-changed ("Oswestry Disability Index")
    labels <- vapply(alike, function(s) rules[[s]]$label %||% s, character(1))
    sub("<what>", enumerate(labels), d, fixed = TRUE)
  }, character(1), USE.NAMES = FALSE)
  references <- unlist(lapply(rules, function(r) rule_origin(r)$references),
                       use.names = FALSE)
  if (length(rules) > 1L) {
    sentences <- c(sentences, if (all(symptom)) paste(
      "A patient was classified as alleviated when at least one symptom was",
      "alleviated; otherwise as worsened when at least one worsened, as free of",
      "symptoms when every symptom was absent at baseline, and as unchanged when",
      "at least one symptom could be judged.")
    else if (!any(symptom)) paste(
      "A patient was classified as improved when at least one outcome",
      "improved; otherwise as worsened when at least one worsened, and as",
      "unchanged when at least one outcome could be judged.")
    else paste(
      "A patient was classified as improved when at least one symptom was",
      "alleviated or one outcome improved; otherwise as worsened when at least",
      "one worsened, and as unchanged when at least one could be judged."))
  }
  level <- format(100 * conf_level)
  ci <- interval_methods[[method]]
  sentences <- c(sentences, sprintf(
    "Proportions are reported as %s, with %s%% %s (%s).",
    if (all(symptom)) "the number alleviated among patients with the symptom at baseline and both values recorded"
    else if (!any(symptom)) "the number improved among patients with both values recorded"
    else "the number alleviated or improved among patients with both values recorded and, for a symptom, the symptom at baseline",
    level, ci$name, ci$cite))
  references <- c(references, ci$reference)
  named_reference <- if (is.null(reference)) NULL else sprintf("\"%s\"", as.character(reference))
  if (length(by)) {
    sentences <- c(sentences, sprintf(
      "Heterogeneity of the %s rates across %s was assessed with Fisher's exact test (a Monte Carlo chi-square test where the exact test was computationally infeasible); for two strata, the difference in rates (the other stratum minus the reference stratum, %s) is given with Newcombe's hybrid score interval (Newcombe 1998).",
      if (all(symptom)) "alleviation" else "improvement",
      paste(by, collapse = " and "),
      if (!length(group) && !is.null(named_reference)) named_reference else "the first"))
    references <- c(references, method_references[c("fisher", "newcombe")])
  }
  weighted <- weighted_methods(weights, comparison, group, method, conf_level, call)  # R/compare_weighted.R
  if (!is.null(comparison) && !length(group)) {
    abort("`comparison` describes the comparison of the levels of `group`; give `group`.", call)
  }
  if (length(group) && is.null(weighted)) {
    # the methods of compare_rates() (R/compare_methods.R)
    how <- comparison_method_text(comparison, call)
    sentences <- c(sentences, sprintf(
      "Each level of %s was compared with %s by the risk difference (the level minus the reference) with %s, the risk ratio with %s, the odds ratio with Woolf's logit interval (Woolf 1955; 0.5 added to every cell of a table with a zero cell) and the number needed to treat with Altman's interval (Altman 1998), with Fisher's exact test.",
      paste(group, collapse = " and "),
      if (is.null(named_reference)) "its first level, the reference,"
      else sprintf("the reference level, %s,", named_reference), how$rd, how$rr))
    references <- c(references, how$crude_references, method_references[c("woolf", "altman", "fisher")])
    if (length(by)) {
      sentences <- c(sentences, sprintf(
        "Estimates pooled over %s are Mantel-Haenszel estimates (Mantel and Haenszel 1959), with the variance of Sato, Greenland and Robins (1989) for the risk difference and of Greenland and Robins (1985) for the risk ratio and the Robins-Breslow-Greenland variance for the odds ratio (Robins et al. 1986), tested with %s; heterogeneity of the odds ratio was assessed with %s, of the risk difference and risk ratio with Cochran's Q and I\u00b2 (Higgins and Thompson 2002).",
        paste(by, collapse = " and "), how$cmh, how$breslow_day))
      references <- c(references, method_references[c("mantel", "sato", "greenland", "robins")],
                      how$pooled_references, method_references["higgins"])
    }
    if (how$exact) {
      sentences <- c(sentences, exact_method_sentence(by))
      references <- c(references, how$exact_references)
    }
  }
  sentences <- c(sentences, weighted$sentences); references <- c(references, weighted$references)
  if (scores) {
    sentences <- c(sentences, sprintf(
      "Scores were also analysed as numbers, for the patients with both values of a measure: the change was the improvement (baseline minus follow-up where lower is better, follow-up minus baseline otherwise), reported as the mean change with its %s%% paired t interval and tested with the Wilcoxon signed-rank test; the standardized response mean (the mean change over the standard deviation of the change) is given with its exact noncentral t interval, and Kazis's effect size (the mean change over the baseline standard deviation; Kazis et al. 1989) with a delta-method interval.",
      level))
    references <- c(references, method_references[c("wilcoxon", "kazis")])
    if (length(group)) {
      sentences <- c(sentences, sprintf(
        "The levels of %s were compared by the difference in mean change (the level minus the reference) with Welch's interval and by analysis of covariance of the follow-up score on %s and the baseline score.",
        paste(group, collapse = " and "), paste(group, collapse = " and ")))
    }
  }
  if (length(vars)) {
    sentences <- c(sentences, sprintf(
      "Alleviated and non-alleviated patients were compared on %s with the Wilcoxon rank-sum test for numeric and Fisher's exact test for categorical characteristics.",
      paste(vars, collapse = ", ")))
    references <- c(references, method_references[c("fisher", "wilcoxon")])
  }
  sentences <- c(sentences, missing_sentences$sentences)
  references <- c(references, missing_sentences$references)
  if (!is.null(clinical_significance)) {
    cs <- cs_methods_sentence(clinical_significance)
    sentences <- c(sentences, cs$sentence)
    references <- c(references, cs$references)
  }
  if (uses_study_thresholds(rules)) {
    references <- c(references, method_references[c("ostelo", "dworkin")])
  }
  software <- software_citation()
  sentences <- c(sentences, software$sentence)
  references <- unique(c(references, software$references))
  structure(c(paragraph = paste(sentences, collapse = " "),
              sort(unname(references))),
            class = "methods_text")
}

#' @export
print.methods_text <- function(x, ...) {
  cat(strwrap(x[[1L]], width = getOption("width")), sep = "\n")
  cat("\nReferences\n")
  for (r in x[-1L]) cat(strwrap(r, width = getOption("width"), exdent = 2L), sep = "\n")
  invisible(x)
}

#' @export
as.character.methods_text <- function(x, ...) unname(unclass(x))

# "Alleviation of lower back pain (NRS 0-10) was defined as a decrease of at
# least 2 points and at least 30% of the baseline value; ..." for a symptom,
# "Improvement in body weight (lb) was defined as ..." for an outcome (a
# rule that cannot find a baseline absent; see the Wording section); then
# where a derived threshold came from.
describe_rule <- function(rule, what) {
  decrease <- rule$direction == "decrease"
  origin <- rule_origin(rule)
  number <- function(x) format_threshold(x, origin$derived)
  # a strict rule (reliable change) needs a change beyond the threshold
  strict <- rule_is_strict(rule)
  change <- function(amount, relative, direction) {
    parts <- c(
      # a change of 0 is never alleviation (nor worsening): "more than 0"
      if (!is.na(amount)) sprintf("%s %s%s", if (strict || amount == 0) "more than" else "at least",
                                  number(amount),
                                  paste0(if (decrease) " point" else " unit",
                                         if (amount != 1) "s")),
      if (!is.na(relative)) sprintf("%s %s%% of the baseline value",
                                    if (strict) "more than" else "at least",
                                    number(100 * relative)))
    if (!length(parts)) return(NULL)
    paste(sprintf("%s of", direction),
          paste(parts, collapse = if (rule$combine == "all") " and " else " or "))
  }
  better <- if (decrease) "a decrease" else "an increase"
  worse <- if (decrease) "an increase" else "a decrease"
  alleviated <- change(rule$min_change, rule$min_relative, better)
  worsened <- change(rule$worsen_change, rule$worsen_relative, worse)
  same_thresholds <- identical(rule$min_change, rule$worsen_change) &&
    identical(rule$min_relative, rule$worsen_relative)
  worsening <- if (is.null(worsened)) "no patient was classified as worsened"
               else if (same_thresholds) "worsening as the same change in the other direction"
               else sprintf("worsening as %s", worsened)
  symptom <- can_be_absent(rule)
  absent <- if (!symptom) {
    NULL
  } else if (decrease) {
    sprintf("a baseline value of %s", if (rule$absent_at == rule$range[1L])
      format(rule$absent_at) else paste("at most", format(rule$absent_at)))
  } else if (is.finite(rule$absent_at)) {
    sprintf("a baseline value of at least %s", format(rule$absent_at))
  } else {
    "an unlimited baseline value, Inf"
  }
  paste0(sprintf("%s %s was defined as %s%s; %s%s.",
                 if (symptom) "Alleviation of" else "Improvement in", what,
                 alleviated,
                 threshold_note(strict, rounded_threshold(rule, origin$derived)),
                 worsening,
                 if (is.null(absent)) ""
                 else sprintf("; patients without the symptom at baseline (%s) were excluded from the symptom's denominator",
                              absent)),
         if (!is.null(origin$sentence)) paste0(" ", origin$sentence))
}

# The parenthesis after the definition: a strict rule's boundary, and a
# derived threshold shown rounded (a reader must not take "more than 2.36"
# for the boundary when the rule's is 2.3617).
threshold_note <- function(strict, rounded) {
  parts <- c(if (rounded) "the threshold rounded to 3 significant digits",
             if (strict) "a change equal to the threshold did not count")
  if (length(parts)) sprintf(" (%s)", paste(parts, collapse = "; ")) else ""
}

# Whether a derived threshold of the rule's alleviation is shown rounded.
rounded_threshold <- function(rule, derived) {
  if (!derived) return(FALSE)
  values <- c(rule$min_change, 100 * rule$min_relative)
  values <- values[!is.na(values)]
  any(signif(values, 3L) != values)
}

# A threshold as the paragraph writes it: as given by the user (format()
# keeps up to 7 significant digits, so nothing the user typed is lost), or
# rounded to 3 significant digits when it was derived from data.
format_threshold <- function(x, derived) {
  if (derived) format(signif(x, 3L)) else format(x)
}

# Where a rule's threshold came from, read from the `origin` that
# reliable_change_rule() and as_rule() write: a sentence for the paragraph,
# its references, and whether the threshold was derived (so rounded). A
# rule without an origin has none; an origin in another form (written by
# hand) is quoted as it is.
rule_origin <- function(rule) {
  origin <- rule$origin
  if (is.null(origin)) return(list(sentence = NULL, references = character(), derived = FALSE))
  number <- "([-+0-9.eE]+)"
  jt <- regmatches(origin, regexec(paste0(
    "^reliable change \\(Jacobson & Truax 1991\\) at ", number, "%: ", number,
    " x SD ", number, " x sqrt\\(2 x \\(1 - reliability ", number, "\\)\\) = [^;]*",
    "(; SD of (the baselines of )?([0-9,]+) (baseline values with the symptom present|complete pairs|known baseline values))?$"),
    origin))[[1L]]
  if (length(jt)) {
    sd <- format(signif(as.numeric(jt[4L]), 3L))
    return(list(derived = TRUE, references = method_references[c("jacobson", "christensen")],
                sentence = sprintf(
      "The threshold is the reliable change (Jacobson and Truax 1991) at the %s%% level: %s times the standard error of the difference between two measurements (Christensen and Mendoza 1986), from a standard deviation of %s%s and a reliability of %s.",
      jt[2L], format(signif(as.numeric(jt[3L]), 4L)), sd,
      if (!nzchar(jt[6L])) ""
      else if (jt[9L] == "complete pairs") sprintf(" (of the baseline values of the %s patients with both values)", jt[8L])
      else sprintf(" (of the %s %s)", jt[8L], jt[9L]),
      jt[5L])))
  }
  roc <- regmatches(origin, regexec(paste0(
    "^anchor-based, the ROC cut-off with the largest Youden's J \\(", number,
    "; AUC ", number, "\\) among ([0-9,]+) patients?, ([0-9,]+) of them rating (.*)$"),
    origin))[[1L]]
  if (length(roc)) {
    return(list(derived = TRUE, references = method_references[c("copay", "youden", "hanley")],
                sentence = sprintf(
      "The threshold is an anchor-based minimal important change (Copay et al. 2007): the cut-off of the change with the largest Youden index (Youden 1950) on the receiver operating characteristic curve against the patients' global rating of change, with %s counted as improved (%s of %s patients; Youden index %s; area under the curve %s, Hanley and McNeil 1982).",
      roc[6L], roc[5L], roc[4L], format(signif(as.numeric(roc[2L]), 3L)),
      format(signif(as.numeric(roc[3L]), 3L)))))
  }
  among <- " among ([0-9,]+) patients?, ([0-9,]+) of them rating (.*)$"
  roc_other <- regmatches(origin, regexec(paste0(
    "^anchor-based, the ROC cut-off (closest to the top-left corner|with the largest weighted Youden's J) \\(cost ",
    number, ", prevalence ", number, "; AUC ", number, "\\)", among), origin))[[1L]]
  if (length(roc_other)) {
    closest <- startsWith(roc_other[2L], "closest")
    return(list(derived = TRUE,
                references = method_references[c("copay", if (closest) "perkins" else "youden", "hanley")],
                sentence = sprintf(
      "The threshold is an anchor-based minimal important change (Copay et al. 2007): the cut-off of the change %s on the receiver operating characteristic curve against the patients' global rating of change, with %s counted as improved (%s of %s patients; a false negative weighted %s times a false positive at a prevalence of %s; area under the curve %s, Hanley and McNeil 1982).",
      if (closest) "closest to the top-left corner (Perkins and Schisterman 2006)"
      else "with the largest Youden index (Youden 1950) weighted by cost and prevalence",
      roc_other[8L], roc_other[7L], roc_other[6L], roc_other[3L], roc_other[4L],
      format(signif(as.numeric(roc_other[5L]), 3L)))))
  }
  predictive <- regmatches(origin, regexec(paste0(
    "^anchor-based, the predictive MIC( adjusted for the proportion improved)? \\(",
    number, "% bootstrap interval (.*) to (.*)\\)", among), origin))[[1L]]
  if (length(predictive)) {
    adjusted <- nzchar(predictive[2L])
    return(list(derived = TRUE,
                references = method_references[c("terluin2015", if (adjusted) "terluin2017")],
                sentence = sprintf(
      "The threshold is an anchor-based minimal important change by predictive modelling (Terluin et al. 2015): the change at which improvement by the patients' global rating of change (%s; %s of %s patients) is as likely as in the sample, from a logistic regression of the rating on the change%s%s.",
      predictive[8L], predictive[7L], predictive[6L],
      if (adjusted) ", adjusted for the proportion improved (Terluin et al. 2017)" else "",
      if (predictive[4L] != "NA") sprintf("; %s%% bootstrap interval %s to %s", predictive[3L],
                                          predictive[4L], predictive[5L]) else "")))
  }
  mean_change <- regmatches(origin, regexec(paste0(
    "^anchor-based, the mean change of the ([0-9,]+) patients? rating (.*) \\(",
    number, "% t interval (.*) to (.*)\\)$"), origin))[[1L]]
  if (length(mean_change)) {
    return(list(derived = TRUE, references = method_references[c("copay", "jaeschke")],
                sentence = sprintf(
      "The threshold is an anchor-based minimal important change (Copay et al. 2007): the mean change of the %s patients rating %s on a global rating of change (Jaeschke et al. 1989; %s%% t interval %s to %s).",
      mean_change[2L], mean_change[3L], mean_change[4L], mean_change[5L],
      mean_change[6L])))
  }
  list(derived = FALSE, references = character(),
       sentence = sprintf("Source of the threshold: %s.", sub("[.]$", "", origin)))
}

# The software sentence and references: R, and the package as
# citation("myelorelief") gives it (one source of authors, year and
# version: DESCRIPTION, read by inst/CITATION).
software_citation <- function() {
  entry <- tryCatch(utils::citation("myelorelief")[[1L]], error = function(e) NULL)
  description <- utils::packageDescription("myelorelief")
  version <- if (inherits(description, "packageDescription")) description$Version
             else format(utils::packageVersion("myelorelief"))
  if (is.null(entry)) {
    # not installed (load_all()): the same fields, from DESCRIPTION
    authors <- format(package_authors(description), include = c("given", "family"))
    year <- package_year(description)
    title <- paste0("myelorelief: ", description$Title)
  } else {
    authors <- format(entry$author, include = c("given", "family"))
    year <- entry$year
    title <- entry$title
  }
  # an installed DESCRIPTION wraps a long Title over lines
  title <- gsub("[[:space:]]+", " ", title)
  who <- enumerate(authors)
  r_version <- paste(R.version$major, R.version$minor, sep = ".")
  r_year <- R.version$year
  list(
    sentence = sprintf(
      "Analyses were done in R %s (R Core Team %s) with the package myelorelief, version %s (%s %s).",
      r_version, r_year, version, if (length(authors) > 2L) paste(authors[1L], "et al.") else who,
      year),
    references = c(
      sprintf("%s. %s. R package version %s; %s.", who, title, version, year),
      sprintf("R Core Team. R: A language and environment for statistical computing. Version %s. Vienna, Austria: R Foundation for Statistical Computing; %s.",
              r_version, r_year)))
}

# The authors (role "aut") and year of the package, from its DESCRIPTION;
# shared by inst/CITATION's logic and software_citation().
package_authors <- function(description) {
  people <- eval(parse(text = description[["Authors@R"]]))
  is_author <- vapply(seq_along(people), function(i) "aut" %in% people[i]$role, logical(1))
  if (any(is_author)) people[is_author] else people[1L]
}

package_year <- function(description) {
  date <- description$Date %||% description[["Date/Publication"]]
  if (is.null(date)) date <- as.character(Sys.Date())
  substr(date, 1L, 4L)
}

# "a, b and c"
enumerate <- function(x) {
  if (length(x) < 2L) return(x)
  paste(paste(x[-length(x)], collapse = ", "), "and", x[length(x)])
}

uses_study_thresholds <- function(rules) {
  defaults <- study_rules()
  any(vapply(names(rules), function(s) {
    s %in% names(defaults) &&
      identical(unclass(rules[[s]])[c("min_change", "min_relative")],
                unclass(defaults[[s]])[c("min_change", "min_relative")])
  }, logical(1)))
}

interval_methods <- list(
  wilson = list(name = "Wilson score intervals", cite = "Wilson 1927",
                reference = "Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc 1927;22:209-212."),
  exact = list(name = "exact Clopper-Pearson intervals", cite = "Clopper and Pearson 1934",
               reference = "Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the binomial. Biometrika 1934;26:404-413."),
  jeffreys = list(name = "Jeffreys intervals", cite = "Brown, Cai and DasGupta 2001",
                  reference = "Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci 2001;16:101-133."),
  "agresti-coull" = list(name = "Agresti-Coull intervals", cite = "Agresti and Coull 1998",
                         reference = "Agresti A, Coull BA. Approximate is better than \"exact\" for interval estimation of binomial proportions. Am Stat 1998;52:119-126."))

method_references <- c(
  fisher = "Fisher RA. On the interpretation of chi-square from contingency tables, and the calculation of P. J R Stat Soc 1922;85:87-94.",
  newcombe = "Newcombe RG. Interval estimation for the difference between independent proportions: comparison of eleven methods. Stat Med 1998;17:873-890.",
  wilcoxon = "Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-83.",
  kazis = "Kazis LE, Anderson JJ, Meenan RF. Effect sizes for interpreting changes in health status. Med Care 1989;27(3 Suppl):S178-S189.",
  ostelo = "Ostelo RWJG, Deyo RA, Stratford P, et al. Interpreting change scores for pain and functional status in low back pain: towards international consensus regarding minimal important change. Spine 2008;33:90-94.",
  dworkin = "Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical importance of treatment outcomes in chronic pain clinical trials: IMMPACT recommendations. J Pain 2008;9:105-121.",
  katz = "Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk ratio in cohort studies. Biometrics 1978;34:469-474.",
  woolf = "Woolf B. On estimating the relation between blood group and disease. Ann Hum Genet 1955;19:251-253.",
  altman = "Altman DG. Confidence intervals for the number needed to treat. BMJ 1998;317:1309-1312.",
  mantel = "Mantel N, Haenszel W. Statistical aspects of the analysis of data from retrospective studies of disease. J Natl Cancer Inst 1959;22:719-748.",
  sato = "Sato T, Greenland S, Robins JM. On the variance estimator for the Mantel-Haenszel risk difference. Biometrics 1989;45:1323-1324.",
  greenland = "Greenland S, Robins JM. Estimation of a common effect parameter from sparse follow-up data. Biometrics 1985;41:55-68.",
  robins = "Robins J, Breslow N, Greenland S. Estimators of the Mantel-Haenszel variance consistent in both sparse data and large-strata limiting models. Biometrics 1986;42:311-323.",
  tarone = "Tarone RE. On heterogeneity tests based on efficient scores. Biometrika 1985;72:91-95.",
  higgins = "Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med 2002;21:1539-1558.",
  jacobson = "Jacobson NS, Truax P. Clinical significance: a statistical approach to defining meaningful change in psychotherapy research. J Consult Clin Psychol 1991;59:12-19.",
  christensen = "Christensen L, Mendoza JL. A method of assessing change in a single subject: an alteration of the RC index. Behav Ther 1986;17:305-308.",
  copay = "Copay AG, Subach BR, Glassman SD, Polly DW, Schuler TC. Understanding the minimum clinically important difference: a review of concepts and methods. Spine J 2007;7:541-546.",
  youden = "Youden WJ. Index for rating diagnostic tests. Cancer 1950;3:32-35.",
  hanley = "Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating characteristic (ROC) curve. Radiology 1982;143:29-36.",
  jaeschke = "Jaeschke R, Singer J, Guyatt GH. Measurement of health status: ascertaining the minimal clinically important difference. Control Clin Trials 1989;10:407-415.",
  perkins = "Perkins NJ, Schisterman EF. The inconsistency of \"optimal\" cutpoints obtained using two criteria based on the receiver operating characteristic curve. Am J Epidemiol 2006;163:670-675.",
  terluin2015 = "Terluin B, Eekhout I, Terwee CB, de Vet HCW. Minimal important change (MIC) based on a predictive modeling approach was more precise than MIC based on ROC analysis. J Clin Epidemiol 2015;68:1388-1396.",
  terluin2017 = "Terluin B, Eekhout I, Terwee CB. The anchor-based minimal important change, based on receiver operating characteristic analysis or predictive modeling, may need to be adjusted for the proportion of improved patients. J Clin Epidemiol 2017;83:90-100.",
  # clinical_significance()'s reliable change indices (R/clinical_significance.R)
  hsu = "Hsu LM. Reliable changes in psychotherapy: taking into account regression toward the mean. Behav Assess 1989;11:459-467.",
  speer = "Speer DC. Clinically significant change: Jacobson and Truax (1991) revisited. J Consult Clin Psychol 1992;60:402-408.",
  nunnally = "Nunnally JC, Kotsch WE. Studies of individual subjects: logic and methods of analysis. Br J Clin Psychol 1983;22:83-93.",
  hageman = "Hageman WJ, Arrindell WA. Establishing clinically significant change: increment of precision and the distinction between individual and group level analysis. Behav Res Ther 1999;37:1169-1193.")

# R code that recreates a list of rules: every field, by name.
rules_as_code <- function(rules) {
  one <- function(rule) {
    fields <- unclass(rule)
    fields <- fields[intersect(names(fields), names(formals(alleviation_rule)))]
    args <- vapply(names(fields), function(f) {
      paste(f, "=", paste(deparse(fields[[f]], width.cutoff = 500L), collapse = " "))
    }, character(1))
    paste0("alleviation_rule(\n    ", paste(args, collapse = ",\n    "), ")")
  }
  paste0("rules <- list(\n",
         paste0("  ", names(rules), " = ", vapply(rules, one, character(1)),
                collapse = ",\n"),
         "\n)")
}
