# A plain-R tabulation, written from ?tabulate_cohort without the package's
# code, and helpers to compare tables cell by cell.

count_names <- c("alleviated", "unchanged", "worsened", "absent", "missing")

# Text that identifies a stratum value exactly: 17 digits for numbers (of
# dates and times too), the string itself for text, "<NA>" for missing.
oracle_value_key <- function(v) {
  if (is.factor(v)) v <- as.character(v)
  if (inherits(v, "POSIXlt")) v <- as.POSIXct(v)
  out <- if (is.character(v)) v
         else if (is.complex(v)) sprintf("%.17g,%.17g", Re(v), Im(v))
         else if (is.raw(v)) as.character(as.integer(v))
         else if (is.logical(v)) as.character(v)
         else sprintf("%.17g", as.double(unclass(v)))
  out[is.na(v)] <- "<NA>"
  out
}

# One row per observed stratum combination and symptom, with the counts of
# each class, from table() on the classes.
oracle_tabulate <- function(cohort, strata) {
  symptoms <- names(attr(cohort, "rules"))
  key <- if (length(strata)) {
    do.call(paste, c(lapply(strata, oracle_value_key), sep = " | "))
  } else rep("", nrow(cohort))
  rows <- lapply(c(symptoms, if (length(symptoms) > 1L) "any"), function(s) {
    class <- if (s == "any") {
      oracle_patient_class(as.data.frame(cohort)[symptoms])
    } else {
      ifelse(is.na(cohort[[s]]), "missing", as.character(cohort[[s]]))
    }
    counts <- table(factor(key), factor(class, levels = count_names))
    out <- data.frame(key = as.character(rownames(counts)), symptom = rep(s, nrow(counts)),
                      stringsAsFactors = FALSE)
    for (k in count_names) out[[k]] <- as.numeric(counts[, k])
    out
  })
  out <- if (nrow(cohort)) do.call(rbind, rows) else rows[[1L]]
  out[order(out$key, out$symptom), , drop = FALSE]
}

# The patient class of ?classify_cohort, patient by patient: alleviated if
# any symptom was; else worsened if any was; else absent if all were; else
# unchanged if any could be judged; else missing.
oracle_patient_class <- function(classes) {
  classes <- as.data.frame(lapply(classes, as.character), stringsAsFactors = FALSE)
  vapply(seq_len(nrow(classes)), function(i) {
    k <- unlist(classes[i, ], use.names = FALSE)
    if (any(k %in% "alleviated")) "alleviated"
    else if (any(k %in% "worsened")) "worsened"
    else if (all(k %in% "absent")) "absent"
    else if (any(k %in% "unchanged")) "unchanged"
    else "missing"
  }, character(1))
}

# The same rows from a table: cells with patients, margins left out, the
# stratum values recovered from attr(, "by_levels").
cells_of <- function(tab) {
  by <- attr(tab, "by")
  by_levels <- attr(tab, "by_levels")
  tab <- as.data.frame(tab)
  keep <- tab$n > 0
  for (column in by) keep <- keep & !(tab[[column]] %in% "(all)")
  tab <- tab[keep, , drop = FALSE]
  key <- if (length(by)) {
    do.call(paste, c(lapply(by, function(column) {
      levels <- by_levels[[column]]
      oracle_value_key(levels[as.integer(tab[[column]])])
    }), sep = " | "))
  } else rep("", nrow(tab))
  out <- data.frame(key = key, symptom = as.character(tab$symptom),
                    stringsAsFactors = FALSE)
  for (k in count_names) out[[k]] <- tab[[k]]
  out <- out[order(out$key, out$symptom), , drop = FALSE]
  rownames(out) <- NULL
  out
}

expect_same_cells <- function(tab, oracle, info = NULL) {
  ours <- cells_of(tab)
  rownames(oracle) <- NULL
  testthat::expect_identical(ours$key, oracle$key, info = info)
  testthat::expect_equal(ours[count_names], oracle[count_names], info = info,
                         ignore_attr = TRUE)
}

# Order-free comparison of two tables: the same strata labels and counts.
expect_same_table_content <- function(a, b, info = NULL) {
  flat <- function(t) {
    by <- attr(t, "by")
    t <- as.data.frame(t)
    key <- if (length(by)) {
      do.call(paste, c(lapply(t[by], function(f) ifelse(is.na(f), "<NA>", as.character(f))),
                       sep = " | "))
    } else rep("", nrow(t))
    out <- data.frame(key = key, symptom = as.character(t$symptom))
    for (k in c("n", count_names)) out[[k]] <- t[[k]]
    out <- out[order(out$key, out$symptom), ]
    rownames(out) <- NULL
    out
  }
  testthat::expect_equal(flat(a), flat(b), info = info)
}

# How many random cases a property test runs: all of them normally, a few
# under valgrind (tools/memcheck.sh), where every case costs ~50 times more
# and a few already cover every C path.
n_cases <- function(k) {
  if (Sys.getenv("MYELORELIEF_MEMCHECK") == "valgrind") min(k, 3L) else k
}
