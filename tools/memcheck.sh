#!/usr/bin/env bash
# Memory checks of the C code. Usage, from the package root:
#   bash tools/memcheck.sh [valgrind|asan|gctorture|all]   (default: all)
# valgrind:  the tests that reach C code under valgrind memcheck (errors
#            fail the run)
# asan:      the package built with -fsanitize=address,undefined, the test
#            suite run with the sanitizer runtime preloaded
# gctorture: every .Call entry point under gctorture(TRUE) (tools/gctorture.R)
# Each installs the package into a temporary library of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
lib=$(mktemp -d)

# The valgrind pass runs the test files that reach the C code: those of the
# R files that call .Call, and the property, fuzz and tolerance tests that
# drive them with random input. The rest (argument checks, printing, reports,
# sources read in R) tests no C code that these do not, and under valgrind it
# took most of a 30-minute CI run. Other modes run the whole suite.
# Two halves run side by side, one process each (the machine has two
# cores; valgrind runs a process's threads one at a time): the split keeps
# the halves' times close (each half prints its slowest files; on 2
# December, with the machine loaded, score_change, weights, strata and
# tolerance took 3-7 minutes each, source-csv 21 before its chunks of one
# row were made fewer under valgrind).
c_tests_a='^(score_change|classify|combine|curve|threads|tolerance|fuzz|strata|weights|missing_bounds)$'
c_tests_b='^(source-csv|mcid|mcid-rng|mcid-methods|durability|tabulate|visits|visits-lookup|properties-tabulate|invariants|cohort)$'
run_tests='filter <- Sys.getenv("MYELORELIEF_TEST_FILTER", "");
  res <- as.data.frame(testthat::test_dir("tests/testthat", package = "myelorelief",
  filter = if (nzchar(filter)) filter, load_package = "installed", reporter = "summary", stop_on_failure = FALSE));
  per_file <- sort(tapply(res$real, res$file, sum), decreasing = TRUE);
  cat("slowest files (s):", sprintf("%s %.0f", gsub("^test-|[.]R$", "", names(per_file)), per_file)[seq_len(min(6, length(per_file)))], "\n");
  cat(sprintf("%d passed, %d failed\n", sum(res$passed), sum(res$failed) + sum(res$error)));
  quit(status = sum(res$failed) + sum(res$error) > 0)'

valgrind_pass() {
  command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
  R CMD INSTALL --preclean --library="$lib" . >/dev/null 2>&1
  # Leaks are not errors here: R keeps memory it never frees at exit.
  # No --track-origins in CI: it doubles the run; add it by hand to locate
  # an uninitialised value once one is reported.
  # Tests that start other R processes skip themselves (valgrind would not
  # follow the children, and a PSOCK cluster under valgrind takes minutes).
  local half status=0 pids=()
  for half in a b; do
    local filter="c_tests_$half"
    # (each half's minutes are printed, to keep the halves balanced)
    ( start=$(date +%s)
      R_LIBS="$lib" NOT_CRAN=true MYELORELIEF_MEMCHECK=valgrind \
        MYELORELIEF_TEST_FILTER="${!filter}" R --vanilla -q \
        -d "valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=none" \
        -e "$run_tests" >"$lib/valgrind-$half.log" 2>&1 && rc=0 || rc=$?
      echo $(( ($(date +%s) - start + 30) / 60 )) >"$lib/minutes-$half"
      exit $rc ) &
    pids+=($!)
  done
  local i=0
  for half in a b; do
    if ! wait "${pids[$i]}"; then
      status=1
      # the failing half's errors and failures, with their context
      echo "== valgrind half $half failed (filter ${half}):"
      grep -E -B2 -A25 "^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched)|^── " \
        "$lib/valgrind-$half.log" | head -n 200 || tail -n 60 "$lib/valgrind-$half.log"
    fi
    grep -h "^slowest files" "$lib/valgrind-$half.log" | sed "s/^/  half $half /" || true
    echo "valgrind half $half: $(grep -hE '^[0-9]+ passed, ' "$lib/valgrind-$half.log" | tail -n 1)," \
         "$(grep -hcE 'ERROR SUMMARY: [1-9]' "$lib/valgrind-$half.log") processes with memory errors," \
         "$(cat "$lib/minutes-$half" 2>/dev/null || echo '?') min"
    i=$((i + 1))
  done
  return "$status"
}

asan_pass() {
  local makevars="$lib/Makevars"
  printf 'CFLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer\nLDFLAGS = -fsanitize=address,undefined\n' > "$makevars"
  # --no-test-load: the library loads only with the sanitizer runtime
  R_MAKEVARS_USER="$makevars" R CMD INSTALL --preclean --no-test-load --library="$lib" . >/dev/null 2>&1
  rm -f src/*.o src/*.so        # do not leave sanitizer objects for later builds
  local runtime
  runtime="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
  # R itself is not built with the sanitizer: leak reports would be R's.
  LD_PRELOAD="$runtime" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 R_LIBS="$lib" NOT_CRAN=true \
    Rscript --vanilla -e "$run_tests" 2>&1 | tee "$lib/asan.log" | \
    grep -E "ERROR: AddressSanitizer|runtime error|passed, " || true
  ! grep -qE "ERROR: AddressSanitizer|runtime error" "$lib/asan.log"
}

gctorture_pass() {
  R CMD INSTALL --preclean --library="$lib" . >/dev/null 2>&1
  R_LIBS="$lib" Rscript --vanilla tools/gctorture.R
}

case "$mode" in
  valgrind) valgrind_pass ;;
  asan) asan_pass ;;
  gctorture) gctorture_pass ;;
  all) gctorture_pass && asan_pass && valgrind_pass ;;
  *) echo "unknown mode: $mode" >&2; exit 2 ;;
esac
