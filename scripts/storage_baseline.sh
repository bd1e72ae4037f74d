#!/usr/bin/env bash
# Storage baseline on generated Claude Code metrics (DESIGN.md §10): builds the dataset with
# bench/claude_dataset, loads it into Debian's Prometheus 2.42 with promtool, and reports bytes
# per sample on disk, the import's time and peak RSS, and Prometheus's query times and peak
# RSS on the Overview dashboard's 22 queries. Each system has <system>_run (load the dataset,
# measure, query) and <system>_report (its tables); another system (otelite) is added by
# writing its pair and listing it in SYSTEMS, so all are measured on the same data in one run.
# docs/benchmarks.md has the figures.
#
#   scripts/storage_baseline.sh build/release/bench/claude_dataset [DEVELOPERS [DAYS]]
#
# Environment: SEED (1), STEP (query_range step, 1h), KEEP=1 keeps the work directory,
# OTELITE (the otelite binary; default: beside the generator's build tree), SYSTEMS_ONLY
# ("otelite" or "prometheus" to measure one),
# WORK_PARENT (/tmp), COMPACT_TIMEOUT (seconds to wait for Prometheus's compaction, 1800).
# Needs prometheus, promtool, curl, jq and GNU time (/usr/bin/time).
set -euo pipefail

GENERATOR=${1:?usage: $0 GENERATOR [DEVELOPERS [DAYS]]}
DEVELOPERS=${2:-100}
DAYS=${3:-8}
SEED=${SEED:-1}
STEP=${STEP:-1h}
COMPACT_TIMEOUT=${COMPACT_TIMEOUT:-1800}
SYSTEMS=(prometheus otelite)
# otelite itself: next to the generator in the build tree unless OTELITE says otherwise.
OTELITE=${OTELITE:-$(dirname "$GENERATOR")/../otelite}

for tool in prometheus promtool curl jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "storage_baseline: $tool not found" >&2; exit 1; }
done
[[ -x $GENERATOR ]] || { echo "storage_baseline: $GENERATOR is not executable" >&2; exit 1; }
[[ -x $OTELITE ]] || { echo "storage_baseline: $OTELITE is not executable (set OTELITE)" >&2; exit 1; }
if [[ -n ${SYSTEMS_ONLY:-} ]]; then SYSTEMS=("$SYSTEMS_ONLY"); fi

WORK=$(mktemp -d "${WORK_PARENT:-/tmp}/storage-baseline.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Runs a command under GNU time; sets LAST_WALL (seconds) and LAST_RSS_KB.
timed() {
  local report=$WORK/time.txt
  /usr/bin/time -v -o "$report" "$@"
  LAST_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$report")
  LAST_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mb() { awk -v kb="$1" 'BEGIN { printf "%.0f MB", kb / 1024 }'; }
per_sample() { awk -v b="$1" -v n="$SAMPLES" 'BEGIN { printf "%.2f", b / n }'; }

# Sum of `du -b` over the given paths (0 when none).
bytes_of() { if (($# == 0)); then echo 0; else du -cb "$@" | tail -1 | cut -f1; fi; }

# On-disk figures of a Prometheus data directory: DISK_TOTAL, DISK_CHUNKS, DISK_INDEX,
# BLOCKS, BLOCK_SAMPLES (from the blocks' meta.json).
measure_blocks() {
  local dir=$1
  local metas=("$dir"/*/meta.json)
  BLOCKS=${#metas[@]}
  DISK_TOTAL=$(du -sb "$dir" | cut -f1)
  DISK_CHUNKS=$(bytes_of "$dir"/*/chunks)
  DISK_INDEX=$(bytes_of "$dir"/*/index)
  BLOCK_SAMPLES=$(jq -s 'map(.stats.numSamples) | add' "${metas[@]}")
}

# --- the dataset -----------------------------------------------------------------------------

DATASET=$WORK/claude.om
generate_dataset() {
  log "generating $DEVELOPERS developers x $DAYS days (seed $SEED)"
  timed "$GENERATOR" --developers "$DEVELOPERS" --days "$DAYS" --seed "$SEED" \
    --out "$DATASET" 2>"$WORK/generator.txt"
  cat "$WORK/generator.txt" >&2
  GEN_WALL=$LAST_WALL
  local summary
  summary=$(grep '^developers=' "$WORK/generator.txt")
  SAMPLES=$(sed -E 's/.* samples=([0-9]+).*/\1/' <<<"$summary")
  SERIES=$(sed -E 's/.* series=([0-9]+).*/\1/' <<<"$summary")
  SESSIONS=$(sed -E 's/.* sessions=([0-9]+).*/\1/' <<<"$summary")
  local start
  start=$(sed -E 's/.* start=([0-9]+).*/\1/' <<<"$summary")
  QUERY_START=$start
  QUERY_END=$((start + DAYS * 86400))
  RANGE="$((DAYS * 24))h"
  # What Claude Code sent, per family (the generator's "true total" column).
  TRUE_TOTALS=$(awk '/_total / && NF == 5 {print $1, $5}' "$WORK/generator.txt")
  DATASET_BYTES=$(stat -c %s "$DATASET")
}

# --- queries: the Overview dashboard's 22 (seed claude-code-dashboard.json) -----------------
# (23 panel targets; the "Cost Breakdown by Model" table repeats the pie chart's query.)
# `[$__range]` panels run as instant queries at the end of the period with the whole period as
# range; `[1h]` panels as range queries over the whole period with step $STEP.

overview_queries() {
  local r=$RANGE
  cat <<EOF
instant	total_cost	sum(increase(claude_code_cost_usage_USD_total[$r]))
instant	total_sessions	sum(increase(claude_code_session_count_total[$r]))
instant	total_tokens	sum(increase(claude_code_token_usage_tokens_total[$r]))
instant	total_lines	sum(increase(claude_code_lines_of_code_count_total[$r]))
instant	total_commits	sum(increase(claude_code_commit_count_total[$r]))
instant	total_pull_requests	sum(increase(claude_code_pull_request_count_total[$r]))
range	cost_by_model_1h	sum by (model)(increase(claude_code_cost_usage_USD_total[1h]))
range	tokens_by_type_1h	sum by (type)(increase(claude_code_token_usage_tokens_total[1h]))
instant	cost_by_model	sum by (model)(increase(claude_code_cost_usage_USD_total[$r]))
instant	tokens_by_type	sum by (type)(increase(claude_code_token_usage_tokens_total[$r]))
instant	lines_by_type	sum by (type)(increase(claude_code_lines_of_code_count_total[$r]))
instant	output_tokens_by_model	sum by (model)(increase(claude_code_token_usage_tokens_total{type="output"}[$r]))
range	output_tokens_by_model_1h	sum by (model)(increase(claude_code_token_usage_tokens_total{type="output"}[1h]))
range	sessions_1h	sum(increase(claude_code_session_count_total[1h]))
range	commits_1h	sum(increase(claude_code_commit_count_total[1h]))
range	pull_requests_1h	sum(increase(claude_code_pull_request_count_total[1h]))
range	lines_by_type_1h	sum by (type)(increase(claude_code_lines_of_code_count_total[1h]))
range	active_time_by_type_1h	sum by (type)(increase(claude_code_active_time_total_s_total[1h]))
range	edit_decisions_1h	sum by (decision)(increase(claude_code_code_edit_tool_decision_total[1h]))
instant	tokens_by_type_model	sum by (type, model)(increase(claude_code_token_usage_tokens_total[$r]))
instant	cost_by_session	sum by (session_id)(increase(claude_code_cost_usage_USD_total[$r]))
instant	edit_decisions_by_tool	sum by (tool_name, decision)(increase(claude_code_code_edit_tool_decision_total[$r]))
EOF
}

# Runs the Overview queries against a Prometheus-compatible API at $1 (base URL); writes
# "name seconds series value" lines to $2 (value: the first series' value of instant queries).
run_queries() {
  local base=$1 out=$2 kind name expr body seconds
  : >"$out"
  while IFS=$'\t' read -r kind name expr; do
    body=$WORK/answer.json
    if [[ $kind == instant ]]; then
      seconds=$(curl -sS -o "$body" -w '%{time_total}' "$base/api/v1/query" \
        --data-urlencode "query=$expr" --data-urlencode "time=$QUERY_END")
    else
      seconds=$(curl -sS -o "$body" -w '%{time_total}' "$base/api/v1/query_range" \
        --data-urlencode "query=$expr" --data-urlencode "start=$QUERY_START" \
        --data-urlencode "end=$QUERY_END" --data-urlencode "step=$STEP")
    fi
    if [[ $(jq -r .status "$body") != success ]]; then
      echo "storage_baseline: query $name failed: $(head -c 300 "$body")" >&2
      return 1
    fi
    jq -r --arg name "$name" --arg seconds "$seconds" \
      '"\($name) \($seconds) \(.data.result | length) \(.data.result[0].value[1] // "-")"' \
      "$body" >>"$out"
  done < <(overview_queries)
}

# --- Prometheus 2.42 -------------------------------------------------------------------------

PROM_DATA=$WORK/prometheus
prometheus_import() {
  log "promtool tsdb create-blocks-from openmetrics"
  mkdir -p "$PROM_DATA"
  timed promtool tsdb create-blocks-from openmetrics "$DATASET" "$PROM_DATA" \
    >"$WORK/promtool.txt"
  PROMTOOL_WALL=$LAST_WALL
  PROMTOOL_RSS_KB=$LAST_RSS_KB
  measure_blocks "$PROM_DATA"
  IMPORT_BLOCKS=$BLOCKS IMPORT_TOTAL=$DISK_TOTAL IMPORT_CHUNKS=$DISK_CHUNKS
  IMPORT_INDEX=$DISK_INDEX IMPORT_SAMPLES=$BLOCK_SAMPLES
}

# Starts Prometheus on $PROM_DATA; sets SERVER_PID and PROM_URL.
prometheus_start() {
  local port
  port=$(free_port)
  printf 'global:\n  scrape_interval: 1m\n' >"$WORK/prometheus.yml"
  prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$PROM_DATA" \
    --storage.tsdb.retention.time=3650d --web.listen-address="127.0.0.1:$port" \
    --log.level=warn >>"$WORK/prometheus.log" 2>&1 &
  SERVER_PID=$!
  PROM_URL=http://127.0.0.1:$port
  for _ in $(seq 600); do
    curl -sf "$PROM_URL/-/ready" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "storage_baseline: prometheus did not start; its log:" >&2
  tail -20 "$WORK/prometheus.log" >&2
  return 1
}

prometheus_stop() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

prometheus_metric() {
  curl -sf "$PROM_URL/metrics" | awk -v m="$1" '$1 == m {print $2}'
}

# Lets Prometheus compact promtool's 2 h blocks as a long-running server would (its first
# compaction starts a minute after start; it is done when no compaction ran for 30 s).
prometheus_compact() {
  log "prometheus: waiting for its compaction of $IMPORT_BLOCKS blocks"
  local started=$SECONDS count last="" stable=0
  prometheus_start
  while ((SECONDS - started < COMPACT_TIMEOUT)); do
    sleep 10
    count=$(prometheus_metric prometheus_tsdb_compactions_total)
    if [[ ${count:-0} != 0 && $count == "$last" ]] && ! compgen -G "$PROM_DATA/*.tmp*" >/dev/null; then
      ((++stable >= 3)) && break
    else
      stable=0
    fi
    last=$count
  done
  COMPACTIONS=${count:-0}
  COMPACT_WALL=$((SECONDS - started))
  prometheus_stop
  measure_blocks "$PROM_DATA"
  COMPACT_BLOCKS=$BLOCKS COMPACT_TOTAL=$DISK_TOTAL COMPACT_CHUNKS=$DISK_CHUNKS
  COMPACT_INDEX=$DISK_INDEX
}

# A fresh Prometheus on the compacted blocks answers the Overview queries twice (cold, warm);
# its peak RSS (VmHWM) covers start-up and both rounds.
prometheus_query() {
  log "prometheus: Overview queries"
  prometheus_start
  PROM_READY_RSS_KB=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  run_queries "$PROM_URL" "$WORK/prometheus-cold.txt"
  run_queries "$PROM_URL" "$WORK/prometheus-warm.txt"
  PROM_PEAK_RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  prometheus_stop
  PROM_COLD=$(awk '{s += $2} END {printf "%.2f", s}' "$WORK/prometheus-cold.txt")
  PROM_WARM=$(awk '{s += $2} END {printf "%.2f", s}' "$WORK/prometheus-warm.txt")
}

prometheus_report() {
  cat <<EOF

### Prometheus $(prometheus --version 2>&1 | awk 'NR == 1 {print $3}')

| what | value |
|---|---|
| promtool create-blocks-from openmetrics | ${PROMTOOL_WALL} s, peak RSS $(mb "$PROMTOOL_RSS_KB") |
| 2 h blocks (promtool) | $IMPORT_BLOCKS blocks, $IMPORT_SAMPLES samples, $IMPORT_TOTAL bytes: **$(per_sample "$IMPORT_TOTAL") B/sample** (chunks $(per_sample "$IMPORT_CHUNKS"), index $(per_sample "$IMPORT_INDEX")) |
| after Prometheus's compaction | $COMPACT_BLOCKS blocks ($COMPACTIONS compactions, ${COMPACT_WALL} s), $COMPACT_TOTAL bytes: **$(per_sample "$COMPACT_TOTAL") B/sample** (chunks $(per_sample "$COMPACT_CHUNKS"), index $(per_sample "$COMPACT_INDEX")) |
| RSS when ready / peak after the queries | $(mb "$PROM_READY_RSS_KB") / **$(mb "$PROM_PEAK_RSS_KB")** |
| Overview's 22 queries, cold / warm | **${PROM_COLD} s** / ${PROM_WARM} s |

| query | cold s | warm s | series | first value |
|---|---|---|---|---|
EOF
  paste -d' ' "$WORK/prometheus-cold.txt" "$WORK/prometheus-warm.txt" |
    awk '{printf "| %s | %.3f | %.3f | %s | %s |\n", $1, $2, $6, $3, $4}'
  cat <<EOF

Totals (Overview stat panels) against what was sent:

| total | sent | Prometheus | share |
|---|---|---|---|
EOF
  local family query
  for pair in cost_usage_USD:total_cost session_count:total_sessions \
    token_usage_tokens:total_tokens lines_of_code_count:total_lines \
    commit_count:total_commits pull_request_count:total_pull_requests; do
    family=claude_code_${pair%%:*}_total
    query=${pair##*:}
    awk -v f="$family" -v q="$query" -v file="$WORK/prometheus-cold.txt" '
      $1 == f {sent = $2}
      END {
        got = "-"
        while ((getline line < file) > 0) { split(line, p, " "); if (p[1] == q) got = p[4] }
        share = (got != "-" && sent > 0) ? sprintf("%.1f %%", 100 * got / sent) : "-"
        printf "| %s | %s | %s | %s |\n", q, sent, got, share
      }' <<<"$TRUE_TOTALS"
  done
}

prometheus_run() {
  prometheus_import
  prometheus_compact
  prometheus_query
}

# --- otelite ----------------------------------------------------------------------------------
# The same OpenMetrics file through `otelite import openmetrics` (blocks straight into a data
# directory, as promtool does), then `otelite serve` on it: RSS once it has loaded the blocks,
# and the Overview queries on :9090, cold and warm, as for Prometheus.

OTELITE_DATA=$WORK/otelite
otelite_run() {
  log "otelite import openmetrics"
  timed "$OTELITE" import openmetrics "$DATASET" --data "$OTELITE_DATA" >"$WORK/otelite-import.txt"
  OTELITE_IMPORT_WALL=$LAST_WALL
  OTELITE_IMPORT_RSS_KB=$LAST_RSS_KB
  measure_blocks "$OTELITE_DATA/metrics/blocks"
  OTELITE_BLOCKS=$BLOCKS OTELITE_TOTAL=$DISK_TOTAL OTELITE_CHUNKS=$DISK_CHUNKS
  OTELITE_INDEX=$DISK_INDEX OTELITE_SAMPLES=$BLOCK_SAMPLES
  log "otelite serve on the imported data: Overview queries"
  : >"$WORK/otelite.log"
  local port
  port=$(free_port)
  "$OTELITE" serve --data "$OTELITE_DATA" --otlp.grpc.port 0 --otlp.http.port 0 \
    --exporter.port "$(free_port)" --prometheus.port "$port" --loki.port 0 --ui.port 0 --metrics.retention 3650d \
    >"$WORK/otelite.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    grep -q "otelite ready" "$WORK/otelite.log" && break
    sleep 0.1
  done
  OTELITE_READY_RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  run_queries "http://127.0.0.1:$port" "$WORK/otelite-cold.txt"
  run_queries "http://127.0.0.1:$port" "$WORK/otelite-warm.txt"
  OTELITE_PEAK_RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  OTELITE_COLD=$(awk '{s += $2} END {printf "%.2f", s}' "$WORK/otelite-cold.txt")
  OTELITE_WARM=$(awk '{s += $2} END {printf "%.2f", s}' "$WORK/otelite-warm.txt")
}

otelite_report() {
  cat <<EOF

### otelite $("$OTELITE" version | awk '{print $2}')

| what | value |
|---|---|
| otelite import openmetrics | ${OTELITE_IMPORT_WALL} s, peak RSS $(mb "$OTELITE_IMPORT_RSS_KB") |
| blocks | $OTELITE_BLOCKS blocks, $OTELITE_SAMPLES samples, $OTELITE_TOTAL bytes: **$(per_sample "$OTELITE_TOTAL") B/sample** (chunks $(per_sample "$OTELITE_CHUNKS"), index $(per_sample "$OTELITE_INDEX")) |
| peak RSS of \`otelite serve\` once ready on this data / after the queries | $(mb "$OTELITE_READY_RSS_KB") / **$(mb "$OTELITE_PEAK_RSS_KB")** |
| Overview's 22 queries, cold / warm | **${OTELITE_COLD} s** / ${OTELITE_WARM} s |
EOF
  if [[ -f $WORK/prometheus-cold.txt ]]; then
    cat <<EOF

Overview queries side by side (seconds; ratio = otelite / Prometheus; "same" compares the number
of series and the first value):

| query | Prometheus cold | otelite cold | ratio | Prometheus warm | otelite warm | ratio | same |
|---|---|---|---|---|---|---|---|
EOF
    paste -d' ' "$WORK/prometheus-cold.txt" "$WORK/otelite-cold.txt" "$WORK/prometheus-warm.txt" \
      "$WORK/otelite-warm.txt" |
      awk '{
        same = ($3 == $7 && ($4 == $8 || ($4 + 0 != 0 && (($4 - $8) / $4) ^ 2 < 1e-18))) ? "yes" : "NO"
        printf "| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %s |\n", $1, $2, $6, $6 / $2, $10, $14, $14 / $10, same
      }'
    awk -v o="$OTELITE_COLD" -v p="$PROM_COLD" -v ow="$OTELITE_WARM" -v pw="$PROM_WARM" 'BEGIN {
      printf "\nWhole dashboard: otelite / Prometheus = %.3f cold, %.3f warm (target <= 0.25)\n", o / p, ow / pw }'
  fi
  if [[ -n ${COMPACT_TOTAL:-} ]]; then
    awk -v o="$OTELITE_TOTAL" -v p="$COMPACT_TOTAL" 'BEGIN {
      printf "\nBytes on disk: otelite / compacted Prometheus = %.3f (target <= 0.333)\n", o / p }'
  fi
}

# --- main ------------------------------------------------------------------------------------

generate_dataset
for system in "${SYSTEMS[@]}"; do "${system}_run"; done

cat <<EOF
## Storage baseline: $DEVELOPERS developers x $DAYS days (seed $SEED)

Dataset: $SESSIONS sessions, $SERIES series, $SAMPLES samples; OpenMetrics text $DATASET_BYTES bytes
($(per_sample "$DATASET_BYTES") B/sample), generated in ${GEN_WALL} s. Whole run: ${SECONDS} s.
EOF
for system in "${SYSTEMS[@]}"; do "${system}_report"; done
