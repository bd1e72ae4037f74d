#!/usr/bin/env bash
# Runs every libFuzzer target (BUILD_DIR/fuzz/*_fuzz) for SECONDS each and fails if any of them
# finds a crash, leak, timeout or sanitizer report.
#
#   scripts/run_fuzzers.sh BUILD_DIR SECONDS        (make fuzz FUZZ_SECONDS=... does this)
#
# Seeds: the project's own fuzz/seeds/<target>/ plus, when ../shared exists (or
# $OTELITE_SHARED_DIR), the OTLP examples and Claude Code captures, copied at run time into the
# working corpus BUILD_DIR/fuzz-corpus/<target>/ (kept between runs, never committed). Crash
# inputs go to BUILD_DIR/fuzz-artifacts/<target>/, logs to BUILD_DIR/fuzz-logs/<target>.log.
# Reproduce one with: BUILD_DIR/fuzz/<target> BUILD_DIR/fuzz-artifacts/<target>/crash-...
set -euo pipefail

if [[ $# -ne 2 || ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS_PER_TARGET" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${OTELITE_SHARED_DIR:-$root/../shared}
[[ -d $shared ]] && shared=$(cd "$shared" && pwd)
# UBSan only prints and carries on by default; make its findings count as crashes.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

mapfile -t targets < <(find "$build_dir/fuzz" -maxdepth 1 -type f -perm -u+x -name '*_fuzz' | sort)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no fuzz targets in $build_dir/fuzz (build them with: cmake --build $build_dir --target fuzz_targets)" >&2
  exit 1
fi

# copy_seeds DEST FILE... : copies the files that exist (globs that matched nothing are skipped).
copy_seeds() {
  local dest=$1
  shift
  local file
  for file in "$@"; do
    [[ -f $file ]] && cp -f "$file" "$dest/seed-$(basename "$file")"
  done
  return 0
}

# gzip_seeds DEST FILE... : the files gzip-compressed, as request bodies would arrive.
gzip_seeds() {
  local dest=$1
  shift
  local file
  for file in "$@"; do
    [[ -f $file ]] && gzip -c -n "$file" >"$dest/seed-$(basename "$file").gz"
  done
  return 0
}

if [[ -d $shared ]]; then
  echo "seeding from $shared"
else
  echo "note: $shared not found; seeding from fuzz/seeds only"
fi

failed=()
for exe in "${targets[@]}"; do
  name=$(basename "$exe")
  corpus=$build_dir/fuzz-corpus/$name
  artifacts=$build_dir/fuzz-artifacts/$name
  log=$build_dir/fuzz-logs/$name.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  copy_seeds "$corpus" "$root"/fuzz/seeds/"$name"/*
  extra_flags=()
  case $name in
    otlp_json_fuzz)
      copy_seeds "$corpus" "$root"/fuzz/seeds/otlp_json/*.json \
        "$shared"/conformance/otlp/*.json "$shared"/fixtures/claude-code/*.json
      extra_flags+=(-dict="$root/fuzz/otlp_json.dict")
      ;;
    otlp_protobuf_fuzz)
      copy_seeds "$corpus" "$shared"/fixtures/claude-code/*.pb
      ;;
    openmetrics_fuzz)
      # Every conformance case is a file named `metrics`: copy each under its case's name.
      for case_dir in "$shared"/conformance/openmetrics/parsers/*/; do
        [[ -f $case_dir/metrics ]] && cp -f "$case_dir/metrics" "$corpus/seed-$(basename "$case_dir")"
      done
      copy_seeds "$corpus" "$shared"/conformance/openmetrics/prometheus-textparse/*.om.txt
      extra_flags+=(-dict="$root/fuzz/openmetrics.dict")
      ;;
    dashboard_json_fuzz)
      copy_seeds "$corpus" "$shared"/compat/seed-dashboards/*.json
      ;;
    logql_parse_fuzz | logql_eval_fuzz)
      extra_flags+=(-dict="$root/fuzz/logql.dict")
      ;;
    gzip_fuzz)
      gzip_seeds "$corpus" "$root"/fuzz/seeds/otlp_json/*.json \
        "$shared"/conformance/otlp/*.json "$shared"/fixtures/claude-code/*.pb
      ;;
  esac
  echo "== $name: ${seconds}s, corpus $(find "$corpus" -type f | wc -l) files"
  if "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "${extra_flags[@]}" "$corpus" >"$log" 2>&1; then
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" |
      tr '\n' ' ' | sed 's/^/   /'
    echo
  else
    echo "!! $name FAILED (log: $log, inputs: $artifacts/)"
    grep -E -A 30 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error|SUMMARY' "$log" |
      head -60 || tail -40 "$log"
    failed+=("$name")
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzzing FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing passed: ${#targets[@]} targets, ${seconds}s each"
