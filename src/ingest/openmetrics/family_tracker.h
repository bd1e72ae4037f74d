// The OpenMetrics rules above the line syntax (internal to ingest/openmetrics): which family a
// sample belongs to, family names that clash, metadata once and first, the samples a type
// allows and their values (family_tracker.cc); metrics and MetricPoints not interleaved,
// timestamps not going back, histogram buckets (metric_points.cc). The line parser (parser.cc)
// hands every metadata line and sample here; this class also drives the Sink, since it knows
// where families begin and end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ingest/openmetrics/parser.h"

namespace otelite::openmetrics::internal {

// kInvalidArgument "line N: message".
Status LineError(uint64_t line, std::string_view message);

inline bool IsHistogram(FamilyType type) {
  return type == FamilyType::kHistogram || type == FamilyType::kGaugeHistogram;
}

// What the tracker needs to know of a sample's exemplar (the parser checked its syntax).
struct ExemplarFacts {
  bool present = false;
  double value = 0;
};

// A set of 64-bit keys (open addressing, no allocation per insert), for the metrics of a family.
class KeySet {
 public:
  // False when `key` was already there.
  bool Insert(uint64_t key);
  bool Contains(uint64_t key) const;
  // Empties the set; keeps a small table for the next family.
  void Clear();

 private:
  void Grow();
  std::vector<uint64_t> slots_;  // 0 = empty (key 0 is stored as 1)
  size_t size_ = 0;
};

// The quantiles or states of one MetricPoint: a short list searched linearly, moved into a
// KeySet when it grows, so that a point with very many of them still costs linear time.
class PointKeys {
 public:
  bool Contains(uint64_t key) const;
  void Add(uint64_t key);
  void Clear();

 private:
  static constexpr size_t kFew = 16;
  std::vector<uint64_t> few_;
  KeySet many_;
  bool large_ = false;
};

class FamilyTracker {
 public:
  FamilyTracker(Sink& sink, const ParseOptions& options) : sink_(sink), options_(options) {}

  Status OnHelp(std::string_view name, std::string_view raw_help, bool has_escapes, uint64_t line);
  Status OnType(std::string_view name, FamilyType type, uint64_t line);
  Status OnUnit(std::string_view name, std::string_view unit, uint64_t line);
  // `timestamp_seconds` is the exposed timestamp (sample.timestamp_ms is derived from it).
  Status OnSample(const Sample& sample, double timestamp_seconds, const ExemplarFacts& exemplar);
  // At "# EOF": ends the last family.
  Status Finish();

 private:
  enum class Role : uint8_t {
    kValue,     // gauge, unknown
    kTotal,     // counter _total
    kCreated,   // counter, histogram, summary _created
    kState,     // stateset
    kInfo,      // info _info
    kBucket,    // histogram, gaugehistogram _bucket
    kCount,     // histogram, summary _count
    kSum,       // histogram, summary _sum
    kGCount,    // gaugehistogram _gcount
    kGSum,      // gaugehistogram _gsum
    kQuantile,  // summary without suffix
  };
  static uint32_t Bit(Role role) { return 1u << static_cast<unsigned>(role); }

  // The samples of one MetricPoint seen so far.
  struct Point {
    uint64_t first_line = 0;
    bool has_timestamp = false;
    double timestamp = 0;
    uint32_t roles = 0;                 // Bit(role) of every sample so far
    std::vector<double> bucket_bounds;  // "le" of the buckets so far, increasing
    double last_bucket_value = 0;
    bool has_negative_bucket = false;
    bool has_inf_bucket = false;
    double inf_bucket_value = 0;
    double count = 0;
    double sum = 0;
    uint64_t count_line = 0;
    uint64_t sum_line = 0;
    PointKeys keys;  // quantiles (their bits) or states (hashes of their names) so far
  };

  // The label that tells a MetricPoint's samples apart: "le", "quantile", the stateset's own.
  struct PointLabel {
    int index = -1;     // in sample.labels, -1 when the role has none
    double number = 0;  // le, quantile
    uint64_t key = 0;   // quantile, state: the value's key in Point::keys
  };

  Status PrepareForMetadata(std::string_view name, const char* kind, uint64_t line);
  Status StartFamily(std::string_view name, uint64_t line);
  Status EndFamily();
  Status Reserve(const std::string& name, uint64_t line);
  bool FindRole(std::string_view sample_name, Role* role) const;
  Status CheckSample(Role role, const Sample& sample, const ExemplarFacts& exemplar,
                     PointLabel* point_label);
  Status PlaceInPoint(Role role, const Sample& sample, double timestamp_seconds,
                      const PointLabel& point_label);
  Status AddToPoint(Role role, const Sample& sample, const PointLabel& point_label);
  Status EndPoint();
  bool SameMetric(const Sample& sample, int skip) const;
  void RememberMetric(const Sample& sample, int skip);
  std::string MetricText() const;  // the current metric for messages: family{labels}
  Status SinkStatus(Status status, uint64_t line) const;

  Sink& sink_;
  const ParseOptions& options_;
  // name (family or sample name) -> the family that owns it; families never share names
  std::unordered_map<std::string, std::string> used_names_;

  bool active_ = false;  // a family is open
  Family family_;
  uint64_t family_line_ = 0;
  bool announced_ = false;  // sink_.OnFamily called
  bool has_samples_ = false;
  bool has_help_ = false;
  bool has_type_ = false;
  bool has_unit_ = false;
  KeySet seen_metrics_;  // hashes of the family's metrics (label sets) so far

  bool metric_open_ = false;
  std::vector<std::pair<std::string, std::string>> metric_labels_;  // reused storage
  size_t metric_label_count_ = 0;
  Point point_;
};

}  // namespace otelite::openmetrics::internal
