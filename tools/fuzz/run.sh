#!/usr/bin/env bash
# Builds each libFuzzer harness of the pure-C kernels with AddressSanitizer
# and UndefinedBehaviorSanitizer and runs it. Usage, from the package root:
#   bash tools/fuzz/run.sh [runs per harness, default 1000000]
# Needs Debian's clang-14 and libclang-rt-14-dev (installed if missing).
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-1000000}
if ! command -v clang-14 >/dev/null || [ ! -d /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
fi
out=$(mktemp -d)
kernels="../../src/classify_kernel.c ../../src/tabulate_kernel.c ../../src/curve_kernel.c ../../src/patients_kernel.c ../../src/mcid_kernel.c ../../src/score_kernel.c"
for harness in fuzz_classify fuzz_tabulate fuzz_curve fuzz_mcid fuzz_score; do
  clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I../../src "$harness.c" $kernels -lm -o "$out/$harness"
  mkdir -p "$out/corpus_$harness"
  echo "== $harness: $runs runs"
  "$out/$harness" -runs="$runs" -max_len=4096 "$out/corpus_$harness" 2>&1 | tail -n 3
done
