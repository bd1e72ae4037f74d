// The read side of storage: what the query engines (PromQL now, remote backends later) use.
// A Querier selects series by label matchers over a time range and lists label names and
// values. Times are Unix milliseconds, ranges inclusive at both ends, like Prometheus.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "storage/matcher.h"

namespace otelite {

// Walks one series' samples in increasing time order. Not thread-safe; one per reader.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Moves to the next sample; false at the end (or on error, see status()).
  virtual bool Next() = 0;
  // Moves to the first sample with timestamp >= t (never backwards); false when none.
  virtual bool Seek(int64_t t) = 0;
  virtual int64_t t() const = 0;
  virtual double v() const = 0;
  // Non-OK when iteration stopped because stored data was unreadable.
  virtual Status status() const { return Status::Ok(); }
};

// One selected series: its labels and an iterator over its samples in the selected range.
// Holds what it needs to stay readable after the Querier that made it is gone.
class Series {
 public:
  virtual ~Series() = default;
  virtual const Labels& labels() const = 0;
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

using SeriesSet = std::vector<std::unique_ptr<Series>>;  // sorted by labels

class Querier {
 public:
  virtual ~Querier() = default;
  // Series with at least one sample in [mint, maxt] matching every matcher. At least one
  // matcher must not match the empty string (as in Prometheus), else InvalidArgument.
  virtual Result<SeriesSet> Select(int64_t mint, int64_t maxt, const Matchers& matchers) = 0;
  // Sorted label names (values) of series with data in [mint, maxt] that match `matchers`
  // (all series when empty).
  virtual Result<std::vector<std::string>> LabelNames(int64_t mint, int64_t maxt,
                                                      const Matchers& matchers) = 0;
  virtual Result<std::vector<std::string>> LabelValues(const std::string& name, int64_t mint,
                                                       int64_t maxt, const Matchers& matchers) = 0;
};

// Anything that can be queried: the tsdb, and later a remote Prometheus.
class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual std::unique_ptr<Querier> NewQuerier() = 0;
};

}  // namespace otelite
