# Follow-up over visits: classify_visits() + durability() on 10^6 patients x
# 4 symptoms x 5 visits, against a vectorised base-R durability of the same
# rules (?durability), timed in alternation in one process, medians.
# Run from the package root after R CMD INSTALL:  Rscript bench/visits.R
# Nothing here is a test: no time is asserted.
suppressPackageStartupMessages(library(myelorelief))
rounds <- as.integer(Sys.getenv("ROUNDS", "5"))
n <- as.integer(Sys.getenv("N_PATIENTS", "1000000"))
visits <- c("d1", "w1", "m1", "m3", "m6")
set.seed(13)
data <- data.frame(id = seq_len(n))
for (s in c("lbp", "leg_pain", "numbness")) {
  pre <- sample(0:10, n, replace = TRUE)
  pre[runif(n) < 0.02] <- NA
  data[[paste0(s, "_pre")]] <- pre
  for (v in visits) {
    x <- pmin(pmax(pre - sample(-1:4, n, replace = TRUE), 0L), 10L)
    x[runif(n) < 0.05] <- NA
    data[[paste0(s, "_", v)]] <- x
  }
}
walk <- round(runif(n, 50, 1000))
data$claudication_pre <- walk
for (v in visits) {
  x <- walk * runif(n, 0.8, 1.6)
  x[runif(n) < 0.05] <- NA
  data[[paste0("claudication_", v)]] <- x
}
rules <- study_rules()

# Vectorised base R: the durability rules with a loop over the 5 visits only.
base_durability <- function(v, symptoms, visits) {
  n <- nrow(v) / length(visits)
  lapply(symptoms, function(s) {
    codes <- matrix(as.integer(v[[s]]), n, length(visits))
    first <- rep(NA_integer_, n)
    seen <- relapsed <- later <- absent <- rep(FALSE, n)
    n_all <- n_judged <- integer(n)
    for (k in seq_along(visits)) {
      code <- codes[, k]
      a <- !is.na(code) & code == 1L
      not <- !is.na(code) & (code == 2L | code == 3L)
      absent <- absent | (!is.na(code) & code == 4L)
      relapsed <- relapsed | (seen & not)
      later <- later | (seen & (a | not))
      first[a & !seen] <- k
      seen <- seen | a
      n_all <- n_all + a
      n_judged <- n_judged + (a | not)
    }
    course <- ifelse(absent, 5L, ifelse(n_judged == 0L, 6L, ifelse(!seen, 4L,
                     ifelse(relapsed, 2L, ifelse(later, 1L, 3L)))))
    list(first = first, n_alleviated = n_all, course = course)
  })
}

v <- classify_visits(data, rules, visits = visits, id = "id")
d <- durability(v)
b <- base_durability(v, names(rules), visits)
stopifnot(identical(as.integer(d$course), unlist(lapply(b, `[[`, "course"))),
          identical(as.integer(d$first_alleviated), unlist(lapply(b, `[[`, "first"))))

exprs <- list(
  classify_visits = quote(classify_visits(data, rules, visits = visits, id = "id")),
  durability = quote(durability(v)),
  base_durability = quote(base_durability(v, names(rules), visits)),
  both = quote(durability(classify_visits(data, rules, visits = visits, id = "id"))),
  floor = quote({ s <- 0; for (col in data[-1]) s <- s + sum(col, na.rm = TRUE); integer(n * 5 * 4) })
)
times <- matrix(NA_real_, rounds, length(exprs), dimnames = list(NULL, names(exprs)))
for (r in seq_len(rounds)) for (k in seq_along(exprs)) {
  gc(FALSE)
  times[r, k] <- system.time(eval(exprs[[k]]))[["elapsed"]]
}
med <- apply(times, 2, stats::median)
cat(sprintf("%d patients x 4 symptoms x %d visits, %d threads, %d rounds (medians, s)\n",
            n, length(visits), myelorelief_threads(), rounds))
print(round(med, 3))
cat(sprintf("durability: %.1fx faster than vectorised base R\n",
            med[["base_durability"]] / med[["durability"]]))
cat(sprintf("classify_visits + durability: %.3f s (target < 1 s)\n", med[["both"]]))
