/* Threads: the package's cap, fork safety, and the .Call glue of
 * myelorelief_threads().
 *
 * GNU OpenMP (libgomp) is not fork-safe: a child forked after the parent
 * ran a parallel region inherits a thread pool whose threads do not exist
 * in the child, and the child's next multi-threaded region waits for them
 * forever (parallel::mclapply() hung so). As data.table does, a
 * pthread_atfork() handler marks the child, and every loop of a marked
 * process runs on one thread. The mark is inherited by the child's own
 * children. The package never calls omp_set_num_threads(): that would
 * change the setting for R and every other package. */
#include <errno.h>
#include <stdlib.h>
#include "glue.h"

#if defined(_OPENMP) && !defined(_WIN32)
#include <pthread.h>
#define MR_HAVE_ATFORK 1
#endif

/* 0: no cap of the package's own (myelorelief_threads(n) sets one). */
static int thread_cap = 0;
#ifdef _OPENMP
/* Set in a forked child only; without OpenMP every loop has one thread. */
static int forked_child = 0;
#endif

#ifdef MR_HAVE_ATFORK
static void mark_forked_child(void) { forked_child = 1; }
#endif

void mr_register_fork_handler(void)
{
#ifdef MR_HAVE_ATFORK
    pthread_atfork(NULL, NULL, &mark_forked_child);
#endif
}

#ifdef _OPENMP
/* A thread count from the environment, or INT_MAX when unset or not a
 * whole number >= 1 (OMP_NUM_THREADS may be a list, "4,2": its first
 * number counts). Read on every call, so that Sys.setenv() in a session
 * takes effect, which OpenMP (reading them at start-up) would not do. */
static int env_threads(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || *value == '\0') return INT_MAX;
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno || end == value || n < 1 || n > INT_MAX) return INT_MAX;
    return (int) n;
}

static int min_int(int a, int b) { return a < b ? a : b; }
#endif

int mr_thread_limit(void)
{
#ifdef _OPENMP
    if (forked_child) return 1;
    int threads = omp_get_max_threads();
    threads = min_int(threads, omp_get_thread_limit());
    threads = min_int(threads, env_threads("OMP_THREAD_LIMIT"));
    threads = min_int(threads, env_threads("OMP_NUM_THREADS"));
    if (thread_cap > 0) threads = min_int(threads, thread_cap);
    return threads > 1 ? threads : 1;
#else
    return 1;
#endif
}

SEXP C_myelorelief_threads(SEXP n)
{
    int old = mr_thread_limit();
    if (!Rf_isNull(n)) {
        if (TYPEOF(n) != REALSXP || XLENGTH(n) != 1)
            Rf_error("internal error: `n` must be one double.");
        double cap = REAL(n)[0];
        /* checked in R; checked again since a bad value would be UB here */
        if (!(cap >= 1 && cap == floor(cap)))
            Rf_error("`n` must be a whole number >= 1.");
        thread_cap = cap > INT_MAX ? INT_MAX : (int) cap;
    }
    return Rf_ScalarInteger(old);
}
