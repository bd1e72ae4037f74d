// libFuzzer target: arbitrary bytes as a gzip request body (Gunzip with a 1 MiB output limit),
// and the bytes themselves through Gzip and back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/gzip.h"

namespace {

constexpr size_t kMaxOutput = size_t{1} << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  otelite::Result<std::string> inflated = otelite::Gunzip(input, kMaxOutput);
  if (inflated.ok()) {
    if (inflated->size() > kMaxOutput) std::abort();
  } else if (inflated.status().code() != otelite::StatusCode::kInvalidArgument &&
             inflated.status().code() != otelite::StatusCode::kTooLarge) {
    std::abort();
  }

  if (size <= kMaxOutput) {
    otelite::Result<std::string> round_trip = otelite::Gunzip(otelite::Gzip(input), kMaxOutput);
    if (!round_trip.ok() || *round_trip != input) std::abort();
  }
  return 0;
}
