// Prometheus remote-write 1.0 receiving: a snappy-compressed WriteRequest decoded into the
// canonical MetricBatch. Series with invalid labels are rejected one by one (counted, with the
// first reasons); native histograms and exemplars are counted and left out (otelite stores
// neither); the rest is appended. The request's metric metadata become batch families after
// the first (the one every sample points at): the first entry per family name, with the types
// otelite's model has (gaugehistogram, info and stateset become unknown).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/metric.h"

namespace otelite::remote_write {

struct DecodeStats {
  uint64_t series = 0;
  uint64_t samples = 0;
  uint64_t rejected_series = 0;
  uint64_t rejected_samples = 0;  // samples of rejected series
  uint64_t histograms = 0;        // native histogram samples (not stored)
  uint64_t exemplars = 0;         // not stored
  uint64_t metadata = 0;          // metadata entries added to the batch's families
  std::string first_reasons;      // "series 3: duplicate label name \"job\"; …"
};

// kTooLarge when the body inflates beyond max_bytes; kInvalidArgument when it is not snappy
// or not a WriteRequest (Prometheus answers both with 400).
Status Decode(std::string_view body, uint64_t max_bytes, MetricBatch* batch, DecodeStats* stats);

}  // namespace otelite::remote_write
