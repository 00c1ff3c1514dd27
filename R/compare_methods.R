# The wording and references of compare_rates()'s methods for
# methods_text(): from a rate_comparison's settings (its attributes), or
# compare_rates()'s defaults.

comparison_method_text <- function(comparison, call = sys.call(-1L)) {
  if (is.null(comparison)) {
    settings <- comparison_options()
  } else if (inherits(comparison, "rate_comparison")) {
    # a result made before these settings existed used the defaults
    settings <- comparison_options(attr(comparison, "interval") %||% "newcombe",
                                   attr(comparison, "exact") %||% FALSE,
                                   attr(comparison, "correct") %||% FALSE,
                                   attr(comparison, "breslow_day") %||% "tarone",
                                   call)
  } else {
    abort(sprintf("`comparison` must be NULL or a rate_comparison made by compare_rates(), not %s.",
                  describe_value(comparison)), call)
  }
  score <- settings$interval == "score"
  list(
    rd = if (score) "the score interval of Miettinen and Nurminen (1985)"
         else "Newcombe's hybrid score interval (Newcombe 1998)",
    rr = if (score) "the Miettinen-Nurminen score interval"
         else "the Katz log interval (Katz et al. 1978)",
    crude_references = c(if (score) comparison_references[["miettinen"]]
                         else method_references[c("newcombe", "katz")]),
    cmh = if (settings$correct) "the Cochran-Mantel-Haenszel test with continuity correction"
          else "the Cochran-Mantel-Haenszel test",
    breslow_day = if (settings$breslow_day == "tarone")
      "the Breslow-Day test with Tarone's correction (Tarone 1985)"
      else "the Breslow-Day test (Breslow and Day 1980)",
    pooled_references = if (settings$breslow_day == "tarone") method_references[["tarone"]]
                        else comparison_references[["breslow"]],
    exact = settings$exact,
    exact_references = comparison_references[c("gart", "mehta")])
}

# The sentence on exact conditional inference, pooled over `by` or not.
exact_method_sentence <- function(by) {
  sprintf("The %s odds ratio was also estimated by conditional maximum likelihood, with its exact confidence interval and the exact conditional test of an odds ratio of 1 (Gart 1970; Mehta et al. 1985).",
          if (length(by)) sprintf("common (over %s) and crude", paste(by, collapse = " and "))
          else "crude")
}

comparison_references <- c(
  miettinen = "Miettinen O, Nurminen M. Comparative analysis of two rates. Stat Med 1985;4:213-226.",
  breslow = "Breslow NE, Day NE. Statistical Methods in Cancer Research, Vol. I: The Analysis of Case-Control Studies. Lyon: IARC; 1980.",
  gart = "Gart JJ. Point and interval estimation of the common odds ratio in the combination of 2 x 2 tables with fixed marginals. Biometrika 1970;57:471-475.",
  mehta = "Mehta CR, Patel NR, Gray R. Computing an exact confidence interval for the common odds ratio in several 2 x 2 contingency tables. J Am Stat Assoc 1985;80:969-973.")
