#!/usr/bin/env bash
# The Deep Dive dashboard (LogQL) against DuckDB on the same generated Claude Code events, in one
# run (docs/benchmarks.md, "Deep Dive dashboard (LogQL) vs DuckDB"):
#   1. bench/deep_dive_bench generates the events (seeded), ingests them into otelite's event
#      store, measures disk vs OTLP/JSON, times every panel query over the whole range and the
#      last 24 h, checks the results against the generator's counts, and writes the events as
#      CSV (zstd) plus its results as JSON;
#   2. bench/duckdb/deep_dive.mjs loads the CSV into a DuckDB database file, runs the same
#      aggregations in SQL, checks that the results equal otelite's and prints the ratios.
#
#   scripts/deep_dive_bench.sh BUILD_DIR [DEEP_DIVE_BENCH_ARGS...]
#     e.g. scripts/deep_dive_bench.sh build/release            (20 M events, ~18 min, ~4 GB in /tmp)
#          scripts/deep_dive_bench.sh build/release --small    (300 k events, seconds)
#
# WORK=DIR keeps everything there (default: a new directory under /tmp, removed at the end
# unless KEEP=1): otelite.md / otelite.json, duckdb.md / duckdb.json, events.csv.zst.
set -euo pipefail

build=${1:?usage: scripts/deep_dive_bench.sh BUILD_DIR [DEEP_DIVE_BENCH_ARGS...]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$build/bench/deep_dive_bench
if [[ ! -x $bench ]]; then
  echo "deep_dive_bench.sh: $bench is not built" >&2
  exit 1
fi
work=${WORK:-$(mktemp -d /tmp/otelite-deep-dive.XXXXXX)}
mkdir -p "$work"
cleanup() {
  rm -f "$work/events.csv.zst" "$work/events.duckdb" "$work/events.duckdb.wal"
  if [[ -z ${WORK:-} && ${KEEP:-0} != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

status=0
"$bench" --csv "$work/events.csv.zst" --json-out "$work/otelite.json" "$@" | tee "$work/otelite.md" ||
  status=1
if [[ ! -s $work/otelite.json ]]; then
  exit 1
fi

duckdb_dir=$root/bench/duckdb
if ! command -v node >/dev/null; then
  echo "deep_dive_bench.sh: node is not installed; skipping the DuckDB reference" >&2
  exit $status
fi
if [[ ! -d $duckdb_dir/node_modules/@duckdb/node-api ]]; then
  (cd "$duckdb_dir" && npm ci --no-audit --no-fund >&2)
fi
node "$duckdb_dir/deep_dive.mjs" --otelite "$work/otelite.json" --db "$work/events.duckdb" \
  --json-out "$work/duckdb.json" | tee "$work/duckdb.md" || status=1
if [[ -n ${WORK:-} || ${KEEP:-0} == 1 ]]; then echo "results in $work" >&2; fi
exit $status
