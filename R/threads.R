#' Number of threads used for long loops
#'
#' Classification, tabulation and [alleviation_curve()] run their loops over
#' 65,536 rows or more on several threads (OpenMP), shorter ones on one.
#' `myelorelief_threads()` reports how many threads such a long loop uses;
#' `myelorelief_threads(n)` caps that number for this package only.
#'
#' The number is OpenMP's limit for the process, which follows the
#' environment variables `OMP_NUM_THREADS` and `OMP_THREAD_LIMIT` (also when
#' they are changed with [Sys.setenv()] during the session), lowered to the
#' cap. The package never changes OpenMP's settings for R or other packages.
#'
#' In a process forked after the package was loaded (the workers of
#' [parallel::mclapply()] or of `future::plan(future::multicore)`), every
#' loop runs on one thread and `myelorelief_threads()` reports 1: GNU
#' OpenMP's threads do not survive a fork, and a forked child that started
#' them would wait for them forever. Results do not depend on the number of
#' threads.
#'
#' @param n `NULL` to report; otherwise a whole number >= 1, the most
#'   threads the package may use from now on (a larger cap than OpenMP allows
#'   has no effect; `Inf` removes the cap).
#' @return The number of threads a long loop uses, as an integer; when `n` is
#'   given, the number before the change, invisibly.
#' @examples
#' myelorelief_threads()
#' old <- myelorelief_threads(1)   # one thread from here on
#' myelorelief_threads()
#' myelorelief_threads(old)        # back to the previous number
#' @export
myelorelief_threads <- function(n = NULL) {
  if (is.null(n)) return(.Call(C_myelorelief_threads, NULL))
  ok <- is.numeric(n) && !is.object(n) && length(n) == 1L && is.null(dim(n)) &&
    !is.na(n) && n >= 1 && n == floor(n)
  if (!ok) {
    abort(sprintf("`n` must be NULL, a single whole number >= 1 or Inf, not %s.",
                  describe_value(n)), sys.call())
  }
  invisible(.Call(C_myelorelief_threads, as.double(n)))
}
