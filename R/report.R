#' The whole analysis in one report: HTML, or Word for the manuscript
#'
#' Classifies `data` with `rules`, tabulates it overall and by `by`,
#' compares who was alleviated on `vars`, draws the cut-off curve of each
#' symptom, and writes it all into one file with a ready Methods
#' paragraph ([methods_text()]) and the R code that recreates the
#' rules. The format follows the extension of `file` (whatever its case):
#'
#' * `.html` or `.htm` (or none): one self-contained HTML file. Figures are
#'   embedded, styles are inline, and it references no remote resource, so
#'   it opens from a USB stick on a hospital PC with no network. Built with
#'   knitr and markdown (both in Suggests), without pandoc.
#' * `.docx`: a Word document with the same sections, text, tables and
#'   figures, to start a manuscript from. The title and the section
#'   headings are Word's heading styles (Heading 1 to 3, so the navigation
#'   pane and a table of contents find them); every table is a Word table
#'   (its text that of the HTML's, from the same `format()`); figures are
#'   PNG, 170 mm wide at 300 dpi, on an A4 page with 20 mm margins; the
#'   Methods paragraph and everything else is editable text. Built with
#'   officer and flextable (both in Suggests). Single tables:
#'   [as_flextable()][as_flextable.alleviation_table].
#'
#' Any other extension is refused.
#'
#' Sections, each only when it applies: 1. Patients (rows, and per symptom
#' how many could be judged, were absent at baseline or missing, as a table
#' and as a CONSORT-style flow diagram, [plot.myelo_cohort()]); 2. Definitions (every rule);
#' 3. Results (the overall table, the patient-level class, and by `by` the
#' table, forest plot and heterogeneity test); Groups (with `group`,
#' [compare_rates()]: risk difference, risk ratio, odds ratio and number
#' needed to treat of each level against the first, crude and, with `by`,
#' pooled over the strata by Mantel-Haenszel, with a forest plot; with
#' `vars` too, Table 1 by the group, [table_one()]); Scores (with the data's
#' measurements, [score_change()]: baseline and follow-up means, mean change
#' with its interval, Wilcoxon, standardized response mean, and with `group`
#' the difference in change and the ANCOVA-adjusted difference against the
#' reference); Loss to follow-up (with `missing = "bounds"`,
#' [alleviation_bounds()]: per symptom the complete-case, worst-case and
#' best-case rates with their intervals, overall and by `by`, and with
#' `group` the risk difference under the two extreme scenarios, crude and,
#' with `by`, pooled over the strata); Who was alleviated (with `vars`); Sensitivity (the cut-off curve of each
#' symptom); Methods; Reproducibility (package and R versions, the call,
#' the rules as code).
#'
#' Text from the user and the data (the title, rule labels, factor levels,
#' column names) is shown as written: escaped, never read as markdown, HTML
#' or Word markup, never case-changed. Figures fit labels of any length.
#'
#' @param data A data frame, one row per patient, as for [classify_cohort()]
#'   (`<symptom>_pre` and `<symptom>_post` columns), or a cohort already
#'   classified by [classify_cohort()] (then leave out `rules`, `pre` and
#'   `post`: it carries them; it does not carry the measurements, so the
#'   Sensitivity section says the curves need the data frame).
#' @param rules A named list of [alleviation_rule()]s.
#' @param by Optional stratum columns of `data` (hospital, ...).
#' @param group Optional column of `data` holding the groups to compare
#'   (treatment arm, sex, ...). When fewer than two of its levels hold
#'   patients (a single-site subset, a column all missing), the Groups
#'   section is left out and a sentence in the Results says why.
#' @param vars Optional columns of `data` to compare between alleviated and
#'   other patients; the measurement columns too (baseline scores as
#'   characteristics).
#' @param reference The reference level of `group` (default: its first level
#'   with patients): every difference is the level minus the reference, and
#'   the Methods paragraph names it.
#' @param symptom `NULL` (the default) to describe, in "Who was alleviated",
#'   patients with any symptom alleviated against the others, or one symptom
#'   whose alleviated patients are described against the others judged on it
#'   (see [compare_alleviated()]).
#' @param file Path of the file to write: a file (not a folder) in an
#'   existing folder, ending in `.html` or `.htm` (HTML; also without an
#'   extension) or `.docx` (Word).
#' @param title Title of the report (default: "Symptom alleviation:" and the
#'   name of `data`).
#' @param conf_level,method Confidence level and interval method of the
#'   rates (see [prop_ci()]).
#' @param pre,post Optional named character vectors mapping symptoms to the
#'   columns of their baseline and follow-up values, as in
#'   [classify_cohort()] (`pre = c(weight = "Prewt")`).
#' @param missing How patients without a follow-up value are shown:
#'   `"exclude"` (the default) leaves them out of the rates, as
#'   [tabulate_cohort()] does (a complete-case analysis), and counts them in
#'   the Patients section; `"bounds"` adds the section Loss to follow-up
#'   with the worst-case and best-case rates beside the complete-case ones
#'   ([alleviation_bounds()]), and the Methods paragraph says how they were
#'   formed. Bounds need the baseline values, so `data` must then be the
#'   data frame, not a classified cohort. The report takes one data frame:
#'   the completed datasets of a multiple imputation (a `mids` object or a
#'   list of data frames) are refused, since its tables and figures would
#'   show one completed dataset's counts as data; pool them with
#'   [classify_cohort()], [tabulate_cohort()] and [compare_rates()] (see
#'   [imputed_cohort]).
#' @return The path of the file, invisibly.
#' @examples
#' \donttest{
#' if (requireNamespace("knitr", quietly = TRUE) &&
#'     requireNamespace("markdown", quietly = TRUE)) {
#'   path <- alleviation_report(myelography, by = "hospital", group = "sex",
#'                              vars = c("age", "diagnosis"),
#'                              file = tempfile(fileext = ".html"))
#'   file.size(path)
#' }
#' if (requireNamespace("officer", quietly = TRUE) &&
#'     requireNamespace("flextable", quietly = TRUE)) {
#'   path <- alleviation_report(myelography, by = "hospital",
#'                              file = tempfile(fileext = ".docx"))
#'   file.size(path)
#' }
#' # Hypothetical loss to follow-up: a fifth of the leg pain follow-up values
#' # removed, with the worst and best cases beside the complete cases
#' if (requireNamespace("knitr", quietly = TRUE) &&
#'     requireNamespace("markdown", quietly = TRUE)) {
#'   lost <- myelography
#'   set.seed(1)
#'   lost$leg_pain_post[sample(nrow(lost), nrow(lost) / 5)] <- NA
#'   path <- alleviation_report(lost, group = "sex", missing = "bounds",
#'                              file = tempfile(fileext = ".html"))
#' }
#' }
#' @export
alleviation_report <- function(data, rules = study_rules(), by = NULL,
                               group = NULL, vars = NULL,
                               file = "alleviation-report.html", title = NULL,
                               conf_level = 0.95, method = "wilson",
                               pre = NULL, post = NULL, reference = NULL,
                               symptom = NULL,
                               missing = c("exclude", "bounds")) {
  call <- sys.call()
  data_name <- paste(deparse(substitute(data), width.cutoff = 60L), collapse = " ")
  if (is_imputed_data(data) || inherits(data, "imputed_cohort")) {
    abort(paste0("alleviation_report() takes one data frame, not the completed datasets of a multiple imputation",
                 " (a report's tables, figures and patient flow would show the counts of a single completed dataset as data).",
                 " Pool them with classify_cohort(), tabulate_cohort() and compare_rates(), and describe them with methods_text(missing = \"imputation\");",
                 " for the report, give the data with the missing values and missing = \"bounds\"."),
          call)
  }
  check_data_frame(data, "data", call = call)
  classified <- inherits(data, "myelo_cohort")
  if (identical(missing, "imputation")) {
    abort("`missing = \"imputation\"` is not available in the report: it takes one data frame. Pool completed datasets with classify_cohort(), tabulate_cohort() and compare_rates().",
          call)
  }
  missing <- check_choice(missing, c("exclude", "bounds"), "missing", call)
  if (missing == "bounds" && classified) {
    abort("`missing = \"bounds\"` needs the baseline values, which a classified cohort does not keep: give alleviation_report() the data frame.",
          call)
  }
  if (classified) {
    given <- c("rules", "pre", "post")[c(!missing(rules), !is.null(pre), !is.null(post))]
    if (length(given)) {
      abort(sprintf("`data` is a classified cohort, which carries its rules and columns: leave out %s.",
                    paste0("`", given, "`", collapse = " and ")), call)
    }
  }
  check_conf_level(conf_level, call)
  method <- check_choice(method, ci_methods, "method", call)
  for (arg in c("by", "group", "vars")) {
    value <- get(arg)
    if (!is.null(value)) {
      check_names(value, arg, call)
      check_columns_exist(names(data), value, arg, call = call)
    }
  }
  if (!is.null(group) && length(group) != 1L) {
    abort(sprintf("`group` must name one column, not %d.", length(group)), call)
  }
  if (!is.null(group) && group %in% by) {
    abort(sprintf("`group` must not be one of the `by` columns: \"%s\" is both.", group),
          call)
  }
  if (!is.null(reference)) {
    if (is.null(group)) {
      abort("`reference` is the reference level of `group`; give `group` too.", call)
    }
    present <- unique(as.character(data[[group]][!is.na(data[[group]])]))
    if (!is.character(reference) && !is.factor(reference) || length(reference) != 1L ||
        is.na(reference) || !as.character(reference) %in% present) {
      abort(sprintf("`reference` must be one level of `group` (\"%s\") that holds patients: %s; not %s.",
                    group, paste0("\"", utils::head(present, 10L), "\"", collapse = ", "),
                    describe_value(reference)), call)
    }
    reference <- as.character(reference)
  }
  if (!is.character(file) || length(file) != 1L || is.na(file) || !nzchar(file)) {
    abort(sprintf("`file` must be a single path, not %s.", describe_value(file)), call)
  }
  if (dir.exists(file)) {
    abort(sprintf("`file` must be the path of a file, not the existing folder \"%s\".",
                  file), call)
  }
  if (!dir.exists(dirname(file))) {
    abort(sprintf("`file` must be in an existing folder; \"%s\" does not exist.",
                  dirname(file)), call)
  }
  output <- report_format(file, call)
  needed <- if (output == "docx") c("officer", "flextable") else c("knitr", "markdown")
  lacking <- needed[!vapply(needed, requireNamespace, logical(1), quietly = TRUE)]
  if (length(lacking)) {
    abort(sprintf("alleviation_report() needs the package%s %s to write %s: install.packages(%s).",
                  if (length(lacking) > 1L) "s" else "",
                  paste(lacking, collapse = " and "),
                  if (output == "docx") "a Word file" else "HTML",
                  paste(deparse(lacking), collapse = "")), call)
  }
  if (!is.null(title) && (!is.character(title) || length(title) != 1L || is.na(title))) {
    abort(sprintf("`title` must be NULL or a single string, not %s.",
                  describe_value(title)), call)
  }
  cohort <- if (classified) data else classify_cohort(data, rules, pre = pre, post = post)
  rules <- cohort_rules(cohort)
  if (!is.null(symptom)) alleviated_group(cohort, symptom, call)
  if (is.null(title)) title <- paste("Symptom alleviation:", data_name)
  report <- report_contents(cohort, if (!classified) data, rules, by, group, vars,
                            conf_level, method, reference, symptom,
                            bounds = missing == "bounds")
  report$call <- deparse(call, width.cutoff = 70L)
  if (output == "docx") render_report_docx(report, title, file)
  else render_report(report, title, file)
}

# The report's format from the extension of `file`, whatever its case:
# "html" (.html, .htm, or none) or "docx".
report_format <- function(file, call) {
  extension <- if (grepl("\\.[[:alnum:]]+$", basename(file))) sub(".*\\.", "", basename(file)) else ""
  if (tolower(extension) %in% c("", "html", "htm")) return("html")
  if (tolower(extension) == "docx") return("docx")
  abort(sprintf("`file` must end in .html or .htm (HTML) or .docx (Word), not \".%s\" (\"%s\").",
                extension, file), call)
}

# Everything the report shows, computed before any rendering.
report_contents <- function(cohort, data, rules, by, group, vars, conf_level,
                            method, reference = NULL, symptom = NULL,
                            bounds = FALSE) {
  tab <- function(by) {
    tabulate_cohort(cohort, by = by, conf_level = conf_level, method = method)
  }
  overall <- tab(NULL)
  report <- list(rules = rules, overall = overall, by = by,
                 version = as.character(utils::packageVersion("myelorelief")),
                 date = format(Sys.Date()),
                 interval_name = paste0(format(100 * conf_level), "% ",
                                        interval_methods[[method]]$name))
  # The study's own cohort (by value, whatever its name) with the study's
  # rules: say it is synthetic, and set the published figures beside ours.
  study_data <- !is.null(data) && identical(data, myelorelief::myelography)
  report$data_note <- if (study_data) {
    "The data are the package's **synthetic** cohort, built to reproduce the published aggregates of Guo et al. (2016); the patient data were never published."
  } else ""
  if (study_data && all(myelorelief::guo2016$symptom[-1L] %in% names(rules))) {
    report$published <- tryCatch(reproduce_guo2016(data, rules, conf_level),
                                 myelorelief_error = function(e) NULL)
  }
  report$flow <- patient_flow(overall, rules)
  # the flow diagram (plot.myelo_cohort()), two flows a row at 7 inches
  report$flow_cohort <- cohort
  report$flow_data <- data
  report$flow_plot_height <- 0.2 + 2.8 * ceiling(length(rules) / 2)
  # knitr evaluates figure sizes even of chunks it skips
  report$by_plot_height <- report$groups_plot_height <- 5
  report$patients_text <- sprintf(
    "%s in the data. Per symptom, patients are evaluable when the symptom was present at baseline and both values were recorded; the others were absent at baseline or missing a value.",
    count_of(nrow(cohort), "row"))
  if (length(by)) {
    report$by_table <- tab(by)
    report$by_summary <- summary(report$by_table)
    report$by_plot_height <- min(12, 2 + 0.22 * nrow(report$by_table))
    report$by_plotted <- any(report$by_table$evaluable > 0)
  }
  # a group needs patients in two levels to be compared: otherwise the
  # Groups section is left out, and a sentence says why
  if (!is.null(group)) {
    populated <- populated_levels(cohort, group)
    if (length(populated) < 2L) {
      report$groups_skipped_text <- sprintf(
        "The alleviation rates were not compared between the levels of %s: %s.",
        group,
        if (!length(populated)) "it has no value for any patient"
        else sprintf("every patient with a value of it is in one level only (\"%s\")",
                     populated))
      group <- NULL
    }
  }
  if (!is.null(group)) {
    report$groups <- compare_rates(tab(c(group, by)), group,
                                   reference = reference,
                                   strata = if (length(by)) by,
                                   conf_level = conf_level)
    reference <- attr(report$groups, "reference")
    # the forest plot of the "any" (or only) symptom: a line per stratum,
    # the pooled and the crude line
    n_strata <- if (length(by)) nrow(report$by_table) / nlevels(report$by_table$symptom) else 0
    report$groups_plot_height <- min(12, 2 + 0.3 * (n_strata + 3))
    report$groups_text <- sprintf(
      "Each level of %s against the reference level (%s), as the level minus the reference, crude%s: risk difference (Newcombe's interval), risk ratio (Katz), odds ratio (Woolf), number needed to treat (Altman) and Fisher's exact test%s. The forest plot shows the risk difference.",
      group, reference_label(reference), if (length(by)) sprintf(" and pooled over %s (Mantel-Haenszel)", paste(by, collapse = " and ")) else "",
      if (length(by)) "; pooled p from the Cochran-Mantel-Haenszel test, heterogeneity by Breslow-Day (Tarone) for the odds ratio and Cochran's Q and I\u00b2 for the difference and ratio" else "")
    not_compared <- attr(report$groups, "not_compared")
    if (not_compared > 0) {
      report$groups_text <- sprintf("%s %s with %s missing not compared.",
                                    report$groups_text,
                                    count_of(not_compared, "patient"), group)
    }
  }
  if (bounds) report <- report_bounds(report, cohort, data, by, group, conf_level,
                                     method, reference)
  if (length(vars)) {
    # the measurement columns (baseline scores) are in `data`, not the cohort
    from_data <- !is.null(data) && !all(vars %in% names(cohort))
    report$comparison <- compare_alleviated(cohort, vars, data = if (from_data) data,
                                            symptom = symptom)
    report$comparison_text <- sprintf(
      "Patients with %s alleviated against the other patients judged on %s (median [IQR] or n (%%)).",
      if (is.null(symptom)) "any symptom" else rules[[symptom]]$label %||% symptom,
      if (is.null(symptom)) "any symptom" else "it")
  }
  # Table 1 by the compared groups, from the data (baseline scores too)
  if (!is.null(group) && length(vars)) {
    report$table_one <- table_one(if (is.null(data)) cohort else data, vars,
                                  group = group, test = TRUE)
    report$table_one_text <- sprintf(
      "Characteristics by %s: mean (SD) or n (%%); p from Welch's t test for numbers, the chi-square test or Fisher's exact test (an expected count below 5) for categories.",
      group)
  }
  source <- attr(cohort, "source")
  # Scores as numbers (score_change()); they need the measurements
  if (!is.null(data)) {
    report$scores <- score_change(
      data, rules, group = group, reference = if (!is.null(group)) reference,
      conf_level = conf_level, pre = unlist(source$pre), post = unlist(source$post))
    report$scores_text <- paste0(
      "Scores of the patients with both values of a measure. The change is the improvement: baseline minus follow-up where lower is better, follow-up minus baseline otherwise. ",
      sprintf("Mean change with its %s%% paired t interval; Wilcoxon signed-rank p; SRM, the standardized response mean (mean change over the SD of the change, equal to Cohen's d_z), with its noncentral t interval.",
              format(100 * conf_level)),
      if (!is.null(group)) sprintf(
        " Each level of %s against the reference level (%s): the difference in mean change (Welch's interval) and the difference at follow-up adjusted for the baseline (ANCOVA of the follow-up on the group and the baseline), as improvement of the level minus the reference.",
        group, reference_label(reference))
      else "")
  }
  # a classified cohort does not carry the measurements a curve needs
  curve_symptoms <- if (is.null(data)) character(0) else names(rules)
  if (is.null(data)) {
    report$uncurved_text <- "The cut-off curves need the measurements, which a classified cohort does not carry: give alleviation_report() the data frame to draw them."
  }
  report$curves <- lapply(curve_symptoms, function(s) {
    curve <- alleviation_curve(
      data[[source$pre[[s]]]], data[[source$post[[s]]]], rules[[s]],
      vary = if (!is.na(rules[[s]]$min_relative)) "min_relative" else "min_change",
      conf_level = conf_level, method = method)
    structure(curve, symptom = s)
  })
  # a symptom nobody could be judged on has no curve to draw: say so
  judged <- vapply(report$curves, function(curve) any(!is.na(curve$rate)), logical(1))
  if (!all(judged)) {
    report$unjudged_text <- sprintf(
      "%s: no patient could be judged (absent at baseline or a value missing), so there is no curve.",
      enumerate(vapply(curve_symptoms[!judged], function(s) rules[[s]]$label %||% s,
                       character(1))))
  }
  if (!is.null(report$uncurved_text)) report$unjudged_text <- report$uncurved_text
  report$curves <- report$curves[judged]
  n <- max(1L, length(report$curves))
  report$curve_grid <- c(ceiling(n / 2), min(n, 2L))
  report$curve_plot_height <- 3.6 * ceiling(n / 2)
  report$sensitivity_text <- "How each symptom's rate moves with its threshold (the other settings of its rule fixed); the dashed line is the rule's cut-off."
  report$methods <- methods_text(rules, conf_level, method, by = by,
                                 group = group, vars = vars,
                                 reference = if (!is.null(group)) reference,
                                 scores = !is.null(report$scores),
                                 missing = if (bounds) "bounds")
  report$rules_code <- rules_as_code(rules)
  sections <- c("groups" = !is.null(group), "missing" = bounds,
                "scores" = !is.null(report$scores),
                "who" = length(vars) > 0L,
                "sensitivity" = TRUE, "methods" = TRUE, "reproducibility" = TRUE)
  numbers <- cumsum(sections) + 3L
  report$sections <- stats::setNames(as.character(numbers), names(sections))
  # the prose around the tables, shared by the HTML and the Word report
  report$definitions_text <- sprintf(
    "Each symptom was judged by its rule; the same rules in R code are in section %s.",
    report$sections[["reproducibility"]])
  report$results_text <- sprintf(
    "Rates are alleviated among evaluable patients (with the symptom at baseline and both values recorded), with %s; the share is of all patients.",
    report$interval_name)
  report$published_text <- "Guo et al. (2016) reported 35 of 325 patients (10.8%) with a symptom alleviated: 26 lower back pain, 2 leg pain, 2 numbness of the lower extremities and 5 intermittent claudication. Published and reproduced:"
  report$heterogeneity_text <- "Heterogeneity across strata:"
  report
}

# missing = "bounds": the complete-case, worst-case and best-case rates
# overall and by `by` (alleviation_bounds()), and with a group the risk
# difference under the two extreme scenarios (crude and, with `by`, pooled
# over the strata).
report_bounds <- function(report, cohort, data, by, group, conf_level, method,
                          reference) {
  bounds <- function(by) {
    alleviation_bounds(cohort, data, by = by, conf_level = conf_level,
                       method = method)
  }
  report$bounds <- bounds(NULL)
  if (length(by)) report$bounds_by <- bounds(by)
  lost <- sum(report$bounds$missing[report$bounds$symptom != "any"])
  report$bounds_text <- paste0(
    "Patients without a follow-up value are left out of the rates of section 3 (a complete-case analysis), which is unbiased only if they are missing completely at random. ",
    "As bounds, the worst case counts every such patient who had the symptom at baseline, or whose baseline value is missing too, as not alleviated, and the best case counts them as alleviated: ",
    "whatever the missing values are, the rate of the whole cohort lies between the two. ",
    "Rates are alleviated among evaluable patients, with ", report$interval_name,
    "; missing: the patients without a value (with the symptom at baseline/baseline unknown/symptom absent at baseline).",
    if (lost == 0) " No value is missing: the bounds are the complete-case rates." else "")
  if (!is.null(group)) {
    by_group <- bounds(c(group, by))
    report$bounds_groups <- compare_rates(by_group, group, reference = reference,
                                          strata = if (length(by)) by,
                                          conf_level = conf_level)
    report$bounds_groups_text <- sprintf(
      "The risk difference of each level of %s against the reference level (%s), in percentage points, crude%s: for the complete cases, with the level's missing patients not alleviated and the reference's alleviated (group worst, for the crude difference the lowest it can be), and the reverse (group best, the highest); Newcombe's interval%s.",
      group, reference_label(attr(report$bounds_groups, "reference")),
      if (length(by)) sprintf(" and pooled over %s (Mantel-Haenszel)",
                              paste(by, collapse = " and ")) else "",
      if (length(by)) ", and Sato's for the pooled difference" else "")
  }
  report
}

# The bounds tables as the report shows them, headed as print() heads them.
report_bounds_table <- function(x) {
  shown <- format(x)
  names(shown)[names(shown) == "missing"] <- "missing (sym/unk/abs)"
  names(shown)[names(shown) == "complete_case"] <- "complete case"
  names(shown)[names(shown) == "worst_case"] <- "worst case"
  names(shown)[names(shown) == "best_case"] <- "best case"
  shown
}

report_bounds_groups_table <- function(report) {
  shown <- format(report[["bounds_groups"]])
  names(shown) <- c("symptom", "comparison", "analysis", "complete case",
                    "group worst", "group best")
  shown
}

# The report's pieces that the HTML (report.Rmd) and the Word writer
# (render_report_docx()) both show, from report_contents().

# Each rule: "symptom: label", then its settings indented.
report_definitions <- function(report) {
  rules <- report[["rules"]]
  unlist(lapply(names(rules), function(s) {
    c(paste0(s, ": ", rules[[s]]$label %||% s), paste0("  ", format(rules[[s]])))
  }), use.names = FALSE)
}

# The published figures beside the reproduced (without the intervals).
report_published_table <- function(report) {
  format(report[["published"]])[1:4]
}

# The group comparison as two tables: the counts and the difference, then
# the ratios and the number needed to treat.
report_groups_tables <- function(report) {
  shown <- format(report[["groups"]])
  columns <- names(shown)
  ratios <- grepl("^(risk ratio|odds ratio|NNT)", columns)
  list(shown[!ratios & columns != "test"],
       shown[ratios | columns %in% c("symptom", group_column(report), "analysis")])
}

# The Scores section's tables, shared by both formats: the scores of each
# measure (and group level), then with a group the comparisons with the
# reference level.
report_scores_tables <- function(report) {
  shown <- format(report[["scores"]])
  group <- attr(report[["scores"]], "group")
  keep <- c("measure", group, "n", "missing", "pre mean (SD)", "post mean (SD)",
            "change (CI)", "Wilcoxon p", "SRM (CI)")
  tables <- list(shown[intersect(keep, names(shown))])
  if (!is.null(group) && "ANCOVA (CI)" %in% names(shown)) {
    compared <- as.character(shown[[group]]) != attr(report[["scores"]], "reference")
    tables[[2L]] <- shown[compared, c("measure", group, "diff (CI)", "diff p",
                                      "ANCOVA (CI)", "ANCOVA p"), drop = FALSE]
  }
  lapply(tables, function(t) {
    rownames(t) <- NULL
    t
  })
}

# A level of the data as the report's prose names it.
reference_label <- function(level) sprintf("\"%s\"", level)

# The figures, drawn on the current device.
plot_report_flow <- function(report) {
  plot(report[["flow_cohort"]], data = report[["flow_data"]])
}
plot_report_by <- function(report) plot(report[["by_table"]])
plot_report_groups <- function(report) plot(report[["groups"]], measure = "rd")
plot_report_curves <- function(report) {
  old <- graphics::par(mfrow = report[["curve_grid"]])
  on.exit(graphics::par(old))
  for (curve in report[["curves"]]) {
    label <- attr(curve, "rule")$label %||% attr(curve, "symptom")
    plot(curve, main = paste(strwrap(label, 34), collapse = "\n"))
  }
}

# The levels of a cohort's `group` column that hold patients, as text.
populated_levels <- function(cohort, group) {
  tab <- as.data.frame(tabulate_cohort(cohort, by = group, margins = FALSE))
  tab <- tab[tab$symptom == levels(tab$symptom)[1L] & tab$n > 0 &
               !is.na(tab[[group]]), , drop = FALSE]
  unique(as.character(tab[[group]]))
}

# Text from the data (labels, levels, column names, the title) shown
# verbatim in markdown: every ASCII punctuation character is
# backslash-escaped (CommonMark allows it for all of them, and shows the
# character itself), so "<Bern>" is not swallowed as a tag, "*sig*" is not
# set in italics, "&lt;" is not read as an entity, a "|" does not split a
# table cell and "# A", "1. B" or "- C" do not become headings or lists.
# Line breaks become spaces. In a table cell "|" is left to knitr::kable(),
# which writes it as the entity "&#124;".
md_escape <- function(x, table = FALSE) {
  x <- gsub("[\r\n]+", " ", x)
  gsub(if (table) "([!-/:-@[-`{}~])" else "([!-/:-@[-`{-~])", "\\\\\\1", x,
       perl = TRUE)
}

# A data frame as a pipe table, its text escaped. Words longer than 20
# characters (an identifier, a hostile label) get a zero-width
# break point after every 10 characters: the table's CSS breaks only such
# words, so that a column never has to be wider than the page, while
# ordinary words ("claudication") are never split.
md_table <- function(x) {
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  text <- vapply(x, function(column) is.character(column) || is.factor(column), logical(1))
  x[text] <- lapply(x[text], function(column) {
    keep_numbers_whole(md_escape(breakable_long_words(as.character(column)),
                                 table = TRUE))
  })
  names(x) <- md_escape(names(x), table = TRUE)
  knitr::kable(x, format = "pipe", row.names = FALSE)
}

# In a cell of numbers only ("8.9% (6.1-12.7)", no letter in it), each
# word with a hyphen in a span the template keeps on one line: a browser
# would otherwise break an interval at its hyphen in a narrow column. The
# cell still wraps at its spaces, and words (labels, "NNTB 14.4") as they
# wrap. The cells are escaped already (a hyphen is "\\-").
keep_numbers_whole <- function(x) {
  numbers <- !is.na(x) & !grepl("[[:alpha:]]", x, perl = TRUE)
  x[numbers] <- gsub("(\\S*\\\\-\\S*)", '<span class="nobr">\\1</span>',
                     x[numbers], perl = TRUE)
  x
}

# (A hyphen is a break point already: "Intermittent-claudication" is two
# words of 12 characters and is left alone, so copied text stays clean.)
breakable_long_words <- function(x) {
  long <- !is.na(x) & grepl("[^[:space:]-]{21,}", x, perl = TRUE)
  x[long] <- gsub("([^[:space:]-]{10})(?=[^[:space:]-]{11,})", "\\1\u200b",
                  x[long], perl = TRUE)
  x
}

group_column <- function(report) attr(report[["groups"]], "group_name")

# Patients per symptom: evaluable, absent at baseline, missing.
patient_flow <- function(overall, rules) {
  rows <- as.data.frame(overall)
  data.frame(
    symptom = ifelse(rows$symptom == "any", "any (patient level)",
                     vapply(as.character(rows$symptom), function(s) {
                       rules[[s]]$label %||% s
                     }, character(1))),
    patients = format_integer(rows$n),
    evaluable = format_count(rows$evaluable, rows$n),
    "absent at baseline" = format_count(rows$absent, rows$n),
    missing = format_count(rows$missing, rows$n),
    check.names = FALSE)
}

# Knits the report in a temporary folder and writes one HTML file with the
# figures embedded and the package's inline template.
render_report <- function(report, title, file) {
  work <- tempfile("myelorelief-report-")
  dir.create(work)
  on.exit(unlink(work, recursive = TRUE), add = TRUE)
  rmd <- system.file("report", "report.Rmd", package = "myelorelief")
  template <- system.file("report", "template.html", package = "myelorelief")
  md <- file.path(work, "report.md")
  env <- new.env(parent = asNamespace("myelorelief"))
  env$report <- report
  old <- setwd(work)
  on.exit(setwd(old), add = TRUE)
  old_width <- options(width = 90)
  on.exit(options(old_width), add = TRUE)
  old_opts <- knitr::opts_chunk$get()
  on.exit(knitr::opts_chunk$restore(old_opts), add = TRUE)
  knitr::knit(rmd, output = md, envir = env, quiet = TRUE)
  setwd(old)
  html <- file.path(work, "report.html")
  markdown::mark(md, output = html, format = "html", template = template,
                 # no typographic rewriting of the data: smartypants
                 # turns counts such as 3/4 into a fraction glyph, ~x~ and
                 # ^x^ become sub- and superscripts, a URL a remote link
                 options = c("+base64_images", "-highlight_code", "-mathjax",
                             "-latex_math", "-smartypants", "-subscript",
                             "-superscript", "-autolink"),
                 # the title is text: markdown renders it, escaped
                 meta = list(title = md_escape(title)))
  if (!file.copy(html, file, overwrite = TRUE)) {
    abort(sprintf("could not write `file` \"%s\".", file), sys.call(-1L))
  }
  invisible(normalizePath(file))
}
