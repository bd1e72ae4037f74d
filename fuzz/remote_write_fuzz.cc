// Remote-write bodies: arbitrary bytes as the snappy body, and the same bytes snappy-compressed
// so that they reach the protobuf decoding and the label checks.
#include <snappy.h>

#include <cstdint>
#include <string>

#include "ingest/remote_write/remote_write.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    otelite::MetricBatch batch;
    otelite::remote_write::DecodeStats stats;
    (void)otelite::remote_write::Decode(input, 1 << 20, &batch, &stats);
  }
  std::string compressed;
  snappy::Compress(input.data(), input.size(), &compressed);
  otelite::MetricBatch batch;
  otelite::remote_write::DecodeStats stats;
  if (otelite::remote_write::Decode(compressed, 1 << 20, &batch, &stats).ok() &&
      batch.samples.size() != stats.samples) {
    __builtin_trap();
  }
  return 0;
}
