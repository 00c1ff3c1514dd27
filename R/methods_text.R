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
#' @param vars Optional names of the characteristics compared between
#'   alleviated and other patients ([compare_alleviated()]).
#' @return A character vector of class `methods_text`: the paragraph, then
#'   the references. `print()` wraps it to the console width;
#'   `as.character()` gives the plain strings.
#' @examples
#' methods_text()
#' methods_text(by = "hospital", vars = c("age", "sex"))
#' @export
methods_text <- function(rules = study_rules(), conf_level = 0.95,
                             method = "wilson", by = NULL, group = NULL,
                             vars = NULL) {
  call <- sys.call()
  check_rules(rules, call = call)
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  if (!is.null(by)) check_names(by, "by", call)
  if (!is.null(vars)) check_names(vars, "vars", call)
  if (!is.null(group)) check_names(group, "group", call)
  # symptoms judged alike share one sentence
  definitions <- vapply(rules, describe_rule, character(1), what = "<what>")
  sentences <- vapply(unique(definitions), function(d) {
    alike <- names(rules)[definitions == d]
    # labels as written: never case-changed ("Oswestry Disability Index")
    labels <- vapply(alike, function(s) rules[[s]]$label %||% s, character(1))
    sub("<what>", enumerate(labels), d, fixed = TRUE)
  }, character(1), USE.NAMES = FALSE)
  references <- character()
  if (length(rules) > 1L) {
    sentences <- c(sentences, paste(
      "A patient was classified as alleviated when at least one symptom was",
      "alleviated; otherwise as worsened when at least one worsened, as free of",
      "symptoms when every symptom was absent at baseline, and as unchanged when",
      "at least one symptom could be judged."))
  }
  level <- format(100 * conf_level)
  ci <- interval_methods[[method]]
  sentences <- c(sentences, sprintf(
    "Proportions are reported as the number alleviated among patients with the symptom at baseline and both values recorded, with %s%% %s (%s).",
    level, ci$name, ci$cite))
  references <- c(references, ci$reference)
  if (length(by)) {
    sentences <- c(sentences, sprintf(
      "Heterogeneity of the alleviation rates across %s was assessed with Fisher's exact test (a Monte Carlo chi-square test where the exact test was computationally infeasible); for two strata, the difference in rates is given with Newcombe's hybrid score interval (Newcombe 1998).",
      paste(by, collapse = " and ")))
    references <- c(references, method_references[c("fisher", "newcombe")])
  }
  if (length(group)) {
    sentences <- c(sentences, sprintf(
      "Each level of %s was compared with the reference level by the risk difference with Newcombe's hybrid score interval (Newcombe 1998), the risk ratio with the Katz log interval (Katz et al. 1978), the odds ratio with Woolf's logit interval (Woolf 1955; 0.5 added to every cell of a table with a zero cell) and the number needed to treat with Altman's interval (Altman 1998), with Fisher's exact test.",
      paste(group, collapse = " and ")))
    references <- c(references, method_references[c("newcombe", "katz", "woolf", "altman", "fisher")])
    if (length(by)) {
      sentences <- c(sentences, sprintf(
        "Estimates pooled over %s are Mantel-Haenszel estimates (Mantel and Haenszel 1959), with the variance of Sato, Greenland and Robins (1989) for the risk difference and of Greenland and Robins (1985) for the risk ratio and the Robins-Breslow-Greenland variance for the odds ratio (Robins et al. 1986), tested with the Cochran-Mantel-Haenszel test; heterogeneity of the odds ratio was assessed with the Breslow-Day test with Tarone's correction (Tarone 1985), of the risk difference and risk ratio with Cochran's Q and I\u00b2 (Higgins and Thompson 2002).",
        paste(by, collapse = " and ")))
      references <- c(references, method_references[c("mantel", "sato", "greenland", "robins", "tarone", "higgins")])
    }
  }
  if (length(vars)) {
    sentences <- c(sentences, sprintf(
      "Alleviated and non-alleviated patients were compared on %s with the Wilcoxon rank-sum test for numeric and Fisher's exact test for categorical characteristics.",
      paste(vars, collapse = ", ")))
    references <- c(references, method_references[c("fisher", "wilcoxon")])
  }
  if (uses_study_thresholds(rules)) {
    references <- c(references, method_references[c("ostelo", "dworkin")])
  }
  references <- unique(c(references, method_references[["package"]]))
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
# least 2 points and at least 30% of the baseline value; ..."
describe_rule <- function(rule, what) {
  decrease <- rule$direction == "decrease"
  change <- function(amount, relative, direction) {
    parts <- c(
      # a change of 0 is never alleviation (nor worsening): "more than 0"
      if (!is.na(amount)) sprintf("%s %s%s", if (amount == 0) "more than" else "at least",
                                  format(amount),
                                  paste0(if (decrease) " point" else " unit",
                                         if (amount != 1) "s")),
      if (!is.na(relative)) sprintf("at least %s%% of the baseline value",
                                    format(100 * relative)))
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
  absent <- if (!can_be_absent(rule)) {
    NULL
  } else if (decrease) {
    sprintf("a baseline value of %s", if (rule$absent_at == rule$range[1L])
      format(rule$absent_at) else paste("at most", format(rule$absent_at)))
  } else if (is.finite(rule$absent_at)) {
    sprintf("a baseline value of at least %s", format(rule$absent_at))
  } else {
    "an unlimited baseline value, Inf"
  }
  sprintf("Alleviation of %s was defined as %s; %s%s.", what,
          alleviated, worsening,
          if (is.null(absent)) ""
          else sprintf("; patients without the symptom at baseline (%s) were excluded from the symptom's denominator",
                       absent))
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
  package = "myelorelief: symptom alleviation classified and tabulated in C. R package; see citation(\"myelorelief\").")

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
