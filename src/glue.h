/* Helpers shared by the .Call glue files (R-facing; not for kernels). */
#ifndef MYELORELIEF_GLUE_H
#define MYELORELIEF_GLUE_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include "kernels.h"

/* Rows per kernel call between two checks for a user interrupt. */
#define MR_CHUNK ((R_xlen_t) 1 << 20)

/* Threads for a loop over n rows: one below MR_PARALLEL_MIN rows (starting
 * threads costs more than it saves), else mr_thread_limit(). */
#define MR_PARALLEL_MIN ((R_xlen_t) 1 << 16)
int mr_thread_count(R_xlen_t n);

/* Threads for a long loop (threads.c): OpenMP's limit, which honours
 * OMP_NUM_THREADS and OMP_THREAD_LIMIT (also when set during the session),
 * lowered to the cap set by myelorelief_threads(n); 1 in a process forked
 * after the package was loaded, where GNU OpenMP's threads would hang. The
 * package never changes the process's OpenMP settings. */
int mr_thread_limit(void);

/* Called once at load time (init.c): marks forked children. */
void mr_register_fork_handler(void);

/* Zeroed doubles from R_alloc (freed by R, also after an error). */
double *mr_zeroed_doubles(R_xlen_t size);

/* (n_threads - 1) * size zeroed doubles, for parallel counts. */
double *mr_scratch_counts(int n_threads, R_xlen_t size);

/* Constants made once at load time (init.c). */
extern SEXP mr_class_levels;   /* c("alleviated", "unchanged", ...) */
extern SEXP mr_factor_class;   /* "factor" */

/* Error naming `arg` unless x is a double or integer vector. */
mr_column mr_numeric_column(SEXP x, const char *arg);

/* The columns of `pre` and `post` (numeric, of one length); their length. */
R_xlen_t mr_paired_columns(SEXP pre, SEXP post, mr_column *pre_col,
                           mr_column *post_col);

/* The rule from the numeric vector made by R's rule_params(), prepared
 * for the kernels. */
mr_prepared_rule mr_rule_from_params(SEXP params);

/* Error describing an invalid value found by a kernel. */
void mr_stop_bad_value(SEXP params, const mr_bad_value *bad);

/* Codes of a list of integer vectors of length n; error naming `arg`. */
const int **mr_integer_columns(SEXP list, R_xlen_t n, const char *arg);

#endif
