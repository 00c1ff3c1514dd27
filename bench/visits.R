# Follow-up over visits: classify_visits() + durability() on 10^6 patients x
# 4 symptoms x 5 visits, against
#   * the read floor: reading every input column once (sum(na.rm = TRUE))
#     plus allocating the results, i.e. a zeroed vector of the type and
#     length of every column of both results (classify_visits()'s cohort and
#     durability()'s courses), which any implementation returning today's
#     results must fill; and the narrower floor of earlier runs, reading
#     plus integer(n * 5 * 4) (the four class columns only);
#   * optionally, the package as it was at git ref BASELINE_REF, built here
#     under the name myeloreliefbase, so that before and after are timed
#     side by side in one process;
#   * a vectorised base-R durability of the same rules (?durability).
# Every contender runs once per round, in alternation, after gc(); medians
# of the times and of the per-round ratios to the floor.
#
# Run from the package root after R CMD INSTALL (without -O0 objects):
#   OMP_NUM_THREADS=1 BASELINE_REF=dffe929 Rscript bench/visits.R
#   OMP_NUM_THREADS=2 BASELINE_REF=dffe929 Rscript bench/visits.R
# (ROUNDS, N_PATIENTS and BASELINE_LIB, a library that already holds
# myeloreliefbase, are read too.) Nothing here is a test: no time is
# asserted.
suppressPackageStartupMessages(library(myelorelief))
rounds <- as.integer(Sys.getenv("ROUNDS", "7"))
n <- as.integer(Sys.getenv("N_PATIENTS", "1000000"))

# The package at a git ref, renamed so that it loads next to this one.
build_baseline <- function(ref, lib) {
  src <- tempfile("myeloreliefbase")
  dir.create(src)
  archive <- tempfile(fileext = ".tar")
  stopifnot(system2("git", c("archive", "-o", archive, ref)) == 0L)
  utils::untar(archive, exdir = src)
  edit <- function(file, from, to) {
    path <- file.path(src, file)
    writeLines(sub(from, to, readLines(path), fixed = TRUE), path)
  }
  edit("DESCRIPTION", "Package: myelorelief", "Package: myeloreliefbase")
  edit("NAMESPACE", "useDynLib(myelorelief,", "useDynLib(myeloreliefbase,")
  edit("src/init.c", "R_init_myelorelief(", "R_init_myeloreliefbase(")
  unlink(file.path(src, c("vignettes", "tests")), recursive = TRUE)
  desc <- readLines(file.path(src, "DESCRIPTION"))
  writeLines(desc[!startsWith(desc, "VignetteBuilder")], file.path(src, "DESCRIPTION"))
  dir.create(lib, showWarnings = FALSE)
  stopifnot(system2(file.path(R.home("bin"), "R"),
                    c("CMD", "INSTALL", "--preclean", "--no-test-load",
                      paste0("--library=", lib), src),
                    stdout = FALSE, stderr = FALSE) == 0L)
}
baseline_lib <- Sys.getenv("BASELINE_LIB")
if (nzchar(Sys.getenv("BASELINE_REF")) && !nzchar(baseline_lib)) {
  baseline_lib <- tempfile("lib")
  build_baseline(Sys.getenv("BASELINE_REF"), baseline_lib)
}
base_pkg <- NULL
if (nzchar(baseline_lib)) {
  base_pkg <- asNamespace(loadNamespace("myeloreliefbase", lib.loc = baseline_lib))
}

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
if (!is.null(base_pkg)) {
  v_base <- base_pkg$classify_visits(data, rules, visits = visits, id = "id")
  d_base <- base_pkg$durability(v_base)
  strip <- function(x) { attr(x, "rules") <- NULL; x }
  stopifnot(identical(strip(v), strip(v_base)), identical(strip(d), strip(d_base)),
            identical(unclass(attr(v, "rules")), unclass(attr(v_base, "rules"))))
  rm(v_base, d_base)
}

# The floor allocates what the results hold: every column of both.
result_columns <- c(lapply(v, function(col) c(typeof(col), length(col))),
                    lapply(d, function(col) c(typeof(col), length(col))))
read_inputs <- function() {
  s <- 0
  for (col in data[-1]) s <- s + sum(col, na.rm = TRUE)
  s
}
exprs <- list(
  floor = quote({
    read_inputs()
    lapply(result_columns, function(tl) vector(tl[1L], as.numeric(tl[2L])))
  }),
  floor_narrow = quote({ read_inputs(); integer(n * 5 * 4) }),
  classify_visits = quote(classify_visits(data, rules, visits = visits, id = "id")),
  durability = quote(durability(v)),
  both = quote(durability(classify_visits(data, rules, visits = visits, id = "id"))),
  base_durability = quote(base_durability(v, names(rules), visits))
)
if (!is.null(base_pkg)) {
  exprs <- c(exprs, list(
    before_classify_visits = quote(base_pkg$classify_visits(data, rules, visits = visits, id = "id")),
    before_durability = quote(base_pkg$durability(v)),
    before_both = quote(base_pkg$durability(base_pkg$classify_visits(data, rules, visits = visits, id = "id")))
  ))
}
times <- matrix(NA_real_, rounds, length(exprs), dimnames = list(NULL, names(exprs)))
for (r in seq_len(rounds)) for (k in seq_along(exprs)) {
  gc(FALSE)
  times[r, k] <- system.time(eval(exprs[[k]]))[["elapsed"]]
}
med <- apply(times, 2, stats::median)
ratio <- apply(times / times[, "floor"], 2, stats::median)
ratio_narrow <- apply(times / times[, "floor_narrow"], 2, stats::median)
cat(sprintf("%d patients x 4 symptoms x %d visits, %d threads, %d rounds, load %s\n",
            n, length(visits), myelorelief_threads(), rounds,
            tryCatch(readLines("/proc/loadavg", 1L), error = function(e) "?")))
print(round(rbind(`median s` = med, `x floor` = ratio,
                  `x narrow floor` = ratio_narrow), 3))
cat(sprintf("durability: %.1fx faster than vectorised base R\n",
            stats::median(times[, "base_durability"] / times[, "durability"])))
if (!is.null(base_pkg)) {
  cat(sprintf("before/after (median of per-round ratios): classify_visits %.2fx, durability %.2fx, both %.2fx\n",
              stats::median(times[, "before_classify_visits"] / times[, "classify_visits"]),
              stats::median(times[, "before_durability"] / times[, "durability"]),
              stats::median(times[, "before_both"] / times[, "both"])))
}
if (requireNamespace("bench", quietly = TRUE)) {
  mem <- function(e) format(bench::bench_memory(eval(e))$mem_alloc)
  cat("mem_alloc: both", mem(exprs$both),
      if (!is.null(base_pkg)) paste("; before_both", mem(exprs$before_both)),
      "; floor", mem(exprs$floor), "\n")
}
