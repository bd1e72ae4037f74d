// The data side of the PromQL conformance runner: a script's `load` blocks written into an
// in-memory metrics head (the same head, chunks and querier that serve real data), `clear`
// starting over. Native-histogram values are counted and left out (otelite stores floats only).
#pragma once

#include <memory>

#include "promqltest/script.h"
#include "storage/querier.h"
#include "storage/tsdb/head.h"

namespace otelite::promqltest {

struct LoadStats {
  uint64_t series = 0;
  uint64_t samples = 0;     // stored, stale markers included
  uint64_t histograms = 0;  // native-histogram values left out
  uint64_t repeated = 0;    // a second value for a series' timestamp (the last is kept)
};

class TestStorage : public Queryable {
 public:
  TestStorage() { Clear(); }
  // Appends every value of the block at t = k × interval; `_` leaves a gap, `stale` writes
  // Prometheus's stale marker. Fails when the head refuses a sample (it never should).
  Status Load(const LoadCommand& load, LoadStats* stats);
  void Clear();
  std::unique_ptr<Querier> NewQuerier() override { return head_->NewQuerier(); }

 private:
  std::unique_ptr<tsdb::Head> head_;
};

}  // namespace otelite::promqltest
