#!/usr/bin/env bash
# Builds folio twice (normal, and with AddressSanitizer + UBSan) and runs every
# test against each build. Warnings are errors in both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
run() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_WERROR=ON -DFOLIO_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  # Twice as many tests as cores: most end-to-end tests wait on child
  # processes, locks and ptys. On a 2-core machine the normal build's tests
  # took 134 s at -j2 and 74 s at -j4 (`ctest -j2` / `ctest -j4` in build/).
  (cd "$dir" && ctest --output-on-failure -j "$((jobs * 2))")
}

echo "== normal build"
run build
echo "== sanitizer build (address, undefined)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export FOLIO_SANITIZED=1
# -O1: what the sanitizers recommend, and much quicker to build than -O2.
# FOLIO_UNITY compiles the CLI's 30 files in 4 batches: each file otherwise
# compiles CLI11 and nlohmann-json anew, and this build went from 10.5 to 3.5
# minutes on a 2-core machine. The normal build above stays file by file, as
# users build it, so a file that misses an include still fails here.
run build-asan -DFOLIO_SANITIZE=ON -DFOLIO_UNITY=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"

# Short libFuzzer runs of the two readers of untrusted backup bytes: the age
# reader (build ~20 s, run 30 s) and the payload reader (the whole library,
# build ~50 s, run 15 s, seeded with the payload of a small vault holding
# every kind of record). Longer runs: fuzz/README.md.
if command -v clang++ >/dev/null; then
  echo "== age fuzz target (libFuzzer, 30 s)"
  unset FOLIO_SANITIZED
  cmake -S . -B build-fuzz -DFOLIO_FUZZ=ON -DFOLIO_WERROR=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
  cmake --build build-fuzz -j "$jobs" --target age_fuzz
  /usr/bin/python3 fuzz/make_corpus.py build-fuzz/seeds
  mkdir -p build-fuzz/corpus
  build-fuzz/fuzz/age_fuzz -max_total_time=30 -timeout=10 -rss_limit_mb=2048 \
    build-fuzz/corpus build-fuzz/seeds
  echo "== backup payload fuzz target (libFuzzer, 15 s)"
  cmake --build build-fuzz -j "$jobs" --target payload_fuzz
  fuzz/make_payload_seeds.sh build/folio build-fuzz/payload-seeds
  mkdir -p build-fuzz/payload-corpus
  build-fuzz/fuzz/payload_fuzz -max_total_time=15 -timeout=10 -rss_limit_mb=2048 \
    build-fuzz/payload-corpus build-fuzz/payload-seeds
fi
