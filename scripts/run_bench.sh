#!/usr/bin/env bash
# Benchmarks, called by `make bench`. First the OTLP ingest throughput matrix (DESIGN.md §10):
# for each signal, protocol and connection count, bench/otlp_load spawns a fresh otelite on free
# ports, pushes generated Claude Code traffic for SECONDS, and prints one table row. Then the
# engines' micro-benchmarks and the tsdb's bytes per sample on generated data.
#
#   scripts/run_bench.sh BUILD_DIR [SECONDS [OTLP_LOAD_ARGS...]]   (default 10 s per run, 10 runs)
#
# Extra arguments go to every otlp_load run, e.g. to lift the server's 1 GiB memory limit, which
# the logs runs reach within seconds because storage is in memory:
#   scripts/run_bench.sh build/release 10 --server-arg=--limits.memory=16GiB
#
# One JSON object per run is appended to BUILD_DIR/bench/otlp_load.jsonl.
set -euo pipefail

build=${1:?usage: scripts/run_bench.sh BUILD_DIR [SECONDS [OTLP_LOAD_ARGS...]]}
seconds=${2:-10}
shift $(($# < 2 ? $# : 2))
extra=("$@")
load=$build/bench/otlp_load
server=$build/otelite
for binary in "$load" "$server"; do
  if [[ ! -x $binary ]]; then
    echo "run_bench: $binary is not built" >&2
    exit 1
  fi
done

results=$build/bench/otlp_load.jsonl
: > "$results"
echo "otlp_load: ${seconds} s per run; targets: logs >= 300000 records/s, metrics >= 2000000 points/s"
"$load" --row-header
status=0
for signal in metrics logs; do
  protocols=(grpc http-protobuf)
  if [[ $signal == logs ]]; then protocols+=(http-json); fi
  for protocol in "${protocols[@]}"; do
    for connections in 1 8; do
      "$load" --spawn "$server" --signal "$signal" --protocol "$protocol" \
        --connections "$connections" --duration "$seconds" --row --json-out "$results" \
        ${extra[@]+"${extra[@]}"} ||
        status=1
    done
  done
done
echo "details: $results"

# Engine micro-benchmarks (Google Benchmark): metrics storage, OpenMetrics and PromQL parsing,
# PromQL evaluation of the Overview's queries, PNG rendering of each panel type (budget 50 ms).
for micro in tsdb_bench openmetrics_parse_bench promql_parse_bench promql_eval_bench render_bench; do
  if [[ -x $build/bench/$micro ]]; then
    echo "== $micro"
    "$build/bench/$micro" --benchmark_min_time=0.2 || status=1
  fi
done
# Bytes per sample and RSS on generated Claude Code data (a few seconds; the comparison with
# Prometheus 2.42 is scripts/storage_baseline.sh, minutes).
if [[ -x $build/bench/tsdb_disk ]]; then
  echo "== tsdb_disk (100 developers x 8 days)"
  "$build/bench/tsdb_disk" || status=1
fi
# The Overview dashboard side by side with Debian's Prometheus 2.42 on the same data (minutes:
# promtool import and Prometheus's compaction): per-query latency and the otelite/Prometheus
# ratio. Set BASELINE=0 to leave it out.
if [[ ${BASELINE:-1} == 1 && -x $build/bench/claude_dataset ]] && command -v prometheus >/dev/null; then
  echo "== Overview dashboard: otelite vs Prometheus 2.42 (scripts/storage_baseline.sh, 100 x 8)"
  bash "$(dirname "${BASH_SOURCE[0]}")/storage_baseline.sh" "$build/bench/claude_dataset" 100 8 ||
    status=1
fi
# The Deep Dive dashboard (LogQL) on 20 M generated Claude Code events over 31 days, against
# DuckDB (bench/duckdb, npm) on the same events: ~20 minutes and ~4 GB of /tmp. Set DEEPDIVE=0
# to leave it out, DEEPDIVE=small for the 300 k-event version.
if [[ ${DEEPDIVE:-1} != 0 && -x $build/bench/deep_dive_bench ]]; then
  echo "== Deep Dive dashboard: otelite (LogQL) vs DuckDB (scripts/deep_dive_bench.sh)"
  deep_dive_args=()
  if [[ ${DEEPDIVE:-1} == small ]]; then deep_dive_args+=(--small); fi
  bash "$(dirname "${BASH_SOURCE[0]}")/deep_dive_bench.sh" "$build" \
    ${deep_dive_args[@]+"${deep_dive_args[@]}"} || status=1
fi
# The builtin dashboards through the UI's JSON API, as the web app loads them
# (bench/ui/dashboard_load.mjs, node): a fresh otelite serve per dashboard and range, cold and
# warm load times, slowest panels, peak RSS, and the stat panels checked against the generators'
# totals. 100 developers x 8 days of metrics and the 300 k small events (about a minute);
# UIBENCH=full uses the 20 M events over 31 days (generation ~10 minutes, ~1 GB in /tmp).
# Set UIBENCH=0 to leave it out. Results in BUILD_DIR/bench/dashboard_load.json.
if [[ ${UIBENCH:-1} != 0 && -x $build/bench/claude_dataset && -x $build/bench/deep_dive_bench ]]; then
  if command -v node >/dev/null; then
    echo "== Dashboards through the UI API (bench/ui/dashboard_load.mjs)"
    ui_args=()
    if [[ ${UIBENCH:-1} == full ]]; then ui_args+=(--events full); fi
    node "$(dirname "${BASH_SOURCE[0]}")/../bench/ui/dashboard_load.mjs" --build "$build" \
      --json-out "$build/bench/dashboard_load.json" ${ui_args[@]+"${ui_args[@]}"} || status=1
  else
    echo "run_bench: node is not installed; skipping the UI dashboard bench" >&2
  fi
fi
exit $status
