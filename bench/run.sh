#!/usr/bin/env bash
# Builds folio (into build-bench/, tests off) and runs the store
# benchmark. Arguments go to bench_store.py, e.g.:
#   bench/run.sh                          # 10,000 and 100,000 entries, 15 runs each
#   bench/run.sh --sizes 1000 --runs 5    # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."

# The benchmark needs the sqlcipher tool and python3-nacl besides the build.
if ! command -v sqlcipher >/dev/null || ! /usr/bin/python3 -c 'import nacl.bindings' 2>/dev/null; then
  scripts/deps.sh test
else
  scripts/deps.sh build
fi

# An optimised build without sanitizers: the figures are meant for users.
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc 2>/dev/null || echo 2)" --target folio_cli

exec /usr/bin/python3 bench/bench_store.py --bin ./build-bench/folio "$@"
