// OTLP/JSON: the metrics signal (every metric kind, data point field, exemplar).
#include <type_traits>

#include "ingest/otlp/json_decode.h"
#include "ingest/otlp/json_reader.h"

namespace otelite::otlp {
namespace {

using json::Element;
using json::Is;
using json::JsonReader;
namespace metrics = opentelemetry::proto::metrics::v1;

constexpr auto kUint64 = &JsonReader::ReadUint64;
constexpr auto kInt64 = &JsonReader::ReadInt64;
constexpr auto kUint32 = &JsonReader::ReadUint32;
constexpr auto kInt32 = &JsonReader::ReadInt32;
constexpr auto kDouble = &JsonReader::ReadDouble;
constexpr auto kBool = &JsonReader::ReadBool;

constexpr const char* kOneNumber = "a data point holds one of asDouble and asInt, not both";

// asDouble / asInt of a NumberDataPoint or an Exemplar (the same oneof in both). Sets *handled.
template <typename Point>
bool ReadNumberValue(JsonReader& r, std::string_view key, Element value, Point* out,
                     bool* handled) {
  *handled = true;
  if (Is(key, "asDouble", "as_double")) {
    if (out->value_case() != Point::VALUE_NOT_SET) return r.Fail(kOneNumber);
    return r.Set(value, kDouble, [&](double v) { out->set_as_double(v); });
  }
  if (Is(key, "asInt", "as_int")) {
    if (out->value_case() != Point::VALUE_NOT_SET) return r.Fail(kOneNumber);
    return r.Set(value, kInt64, [&](int64_t v) { out->set_as_int(v); });
  }
  *handled = false;
  return true;
}

bool ReadExemplar(JsonReader& r, Element json, metrics::Exemplar* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    bool handled = false;
    bool ok = ReadNumberValue(r, key, value, out, &handled);
    if (handled) return ok;
    if (Is(key, "filteredAttributes", "filtered_attributes")) {
      return r.ReadAttributes(value, out->mutable_filtered_attributes());
    }
    if (Is(key, "timeUnixNano", "time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_time_unix_nano(v); });
    }
    if (Is(key, "spanId", "span_id")) return r.ReadHexId(value, 8, out->mutable_span_id());
    if (Is(key, "traceId", "trace_id")) return r.ReadHexId(value, 16, out->mutable_trace_id());
    return true;
  });
}

template <typename Point>
bool ReadExemplars(JsonReader& r, Element json, Point* out) {
  return r.ReadMessages(json, out->mutable_exemplars(),
                        [&](Element e, metrics::Exemplar* m) { return ReadExemplar(r, e, m); });
}

// Fields every data point kind has: attributes, start and end time, flags, exemplars (not in
// summaries). Sets *handled.
template <typename Point>
bool ReadCommonPointField(JsonReader& r, std::string_view key, Element value, Point* out,
                          bool* handled) {
  *handled = true;
  if (key == "attributes") return r.ReadAttributes(value, out->mutable_attributes());
  if (Is(key, "startTimeUnixNano", "start_time_unix_nano")) {
    return r.Set(value, kUint64, [&](uint64_t v) { out->set_start_time_unix_nano(v); });
  }
  if (Is(key, "timeUnixNano", "time_unix_nano")) {
    return r.Set(value, kUint64, [&](uint64_t v) { out->set_time_unix_nano(v); });
  }
  if (key == "flags") return r.Set(value, kUint32, [&](uint32_t v) { out->set_flags(v); });
  if constexpr (!std::is_same_v<Point, metrics::SummaryDataPoint>) {
    if (key == "exemplars") return ReadExemplars(r, value, out);
  }
  *handled = false;
  return true;
}

bool ReadNumberDataPoint(JsonReader& r, Element json, metrics::NumberDataPoint* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    bool handled = false;
    bool ok = ReadCommonPointField(r, key, value, out, &handled);
    if (!handled) ok = ReadNumberValue(r, key, value, out, &handled);
    return ok;
  });
}

bool ReadHistogramDataPoint(JsonReader& r, Element json, metrics::HistogramDataPoint* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    bool handled = false;
    bool ok = ReadCommonPointField(r, key, value, out, &handled);
    if (handled) return ok;
    if (key == "count") return r.Set(value, kUint64, [&](uint64_t v) { out->set_count(v); });
    if (key == "sum") return r.Set(value, kDouble, [&](double v) { out->set_sum(v); });
    if (key == "min") return r.Set(value, kDouble, [&](double v) { out->set_min(v); });
    if (key == "max") return r.Set(value, kDouble, [&](double v) { out->set_max(v); });
    if (Is(key, "bucketCounts", "bucket_counts")) {
      return r.ReadScalars(value, out->mutable_bucket_counts(),
                           [&](Element e, uint64_t* v) { return r.ReadUint64(e, v); });
    }
    if (Is(key, "explicitBounds", "explicit_bounds")) {
      return r.ReadScalars(value, out->mutable_explicit_bounds(),
                           [&](Element e, double* v) { return r.ReadDouble(e, v); });
    }
    return true;
  });
}

bool ReadBuckets(JsonReader& r, Element json,
                 metrics::ExponentialHistogramDataPoint::Buckets* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "offset") return r.Set(value, kInt32, [&](int32_t v) { out->set_offset(v); });
    if (Is(key, "bucketCounts", "bucket_counts")) {
      return r.ReadScalars(value, out->mutable_bucket_counts(),
                           [&](Element e, uint64_t* v) { return r.ReadUint64(e, v); });
    }
    return true;
  });
}

bool ReadExponentialHistogramDataPoint(JsonReader& r, Element json,
                                       metrics::ExponentialHistogramDataPoint* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    bool handled = false;
    bool ok = ReadCommonPointField(r, key, value, out, &handled);
    if (handled) return ok;
    if (key == "count") return r.Set(value, kUint64, [&](uint64_t v) { out->set_count(v); });
    if (key == "sum") return r.Set(value, kDouble, [&](double v) { out->set_sum(v); });
    if (key == "min") return r.Set(value, kDouble, [&](double v) { out->set_min(v); });
    if (key == "max") return r.Set(value, kDouble, [&](double v) { out->set_max(v); });
    if (key == "scale") return r.Set(value, kInt32, [&](int32_t v) { out->set_scale(v); });
    if (Is(key, "zeroCount", "zero_count")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_zero_count(v); });
    }
    if (Is(key, "zeroThreshold", "zero_threshold")) {
      return r.Set(value, kDouble, [&](double v) { out->set_zero_threshold(v); });
    }
    if (key == "positive") return ReadBuckets(r, value, out->mutable_positive());
    if (key == "negative") return ReadBuckets(r, value, out->mutable_negative());
    return true;
  });
}

bool ReadQuantile(JsonReader& r, Element json, metrics::SummaryDataPoint::ValueAtQuantile* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "quantile") return r.Set(value, kDouble, [&](double v) { out->set_quantile(v); });
    if (key == "value") return r.Set(value, kDouble, [&](double v) { out->set_value(v); });
    return true;
  });
}

bool ReadSummaryDataPoint(JsonReader& r, Element json, metrics::SummaryDataPoint* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    bool handled = false;
    bool ok = ReadCommonPointField(r, key, value, out, &handled);
    if (handled) return ok;
    if (key == "count") return r.Set(value, kUint64, [&](uint64_t v) { out->set_count(v); });
    if (key == "sum") return r.Set(value, kDouble, [&](double v) { out->set_sum(v); });
    if (Is(key, "quantileValues", "quantile_values")) {
      return r.ReadMessages(value, out->mutable_quantile_values(),
                            [&](Element e, metrics::SummaryDataPoint::ValueAtQuantile* q) {
                              return ReadQuantile(r, e, q);
                            });
    }
    return true;
  });
}

// The message of each metric kind: dataPoints, plus aggregationTemporality and isMonotonic where
// the kind has them.
template <typename Kind, typename ReadPoint>
bool ReadMetricData(JsonReader& r, Element json, Kind* out, ReadPoint read_point) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "dataPoints", "data_points")) {
      return r.ReadMessages(value, out->mutable_data_points(),
                            [&](Element e, auto* point) { return read_point(r, e, point); });
    }
    if constexpr (!std::is_same_v<Kind, metrics::Gauge> &&
                  !std::is_same_v<Kind, metrics::Summary>) {
      if (Is(key, "aggregationTemporality", "aggregation_temporality")) {
        metrics::AggregationTemporality temporality{};
        if (!r.ReadEnum(value, "AggregationTemporality", &metrics::AggregationTemporality_Parse,
                        &temporality)) {
          return false;
        }
        out->set_aggregation_temporality(temporality);
        return true;
      }
    }
    if constexpr (std::is_same_v<Kind, metrics::Sum>) {
      if (Is(key, "isMonotonic", "is_monotonic")) {
        return r.Set(value, kBool, [&](bool v) { out->set_is_monotonic(v); });
      }
    }
    return true;
  });
}

bool ReadMetric(JsonReader& r, Element json, metrics::Metric* out) {
  // Metric.data is a oneof: a second kind is an error.
  auto one_kind = [&] {
    return out->data_case() == metrics::Metric::DATA_NOT_SET ||
           r.Fail(
               "a metric holds exactly one of gauge, sum, histogram, exponentialHistogram, "
               "summary; this is the second");
  };
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "name") return r.ReadString(value, out->mutable_name());
    if (key == "description") return r.ReadString(value, out->mutable_description());
    if (key == "unit") return r.ReadString(value, out->mutable_unit());
    if (key == "metadata") return r.ReadAttributes(value, out->mutable_metadata());
    if (key == "gauge") {
      return one_kind() && ReadMetricData(r, value, out->mutable_gauge(), ReadNumberDataPoint);
    }
    if (key == "sum") {
      return one_kind() && ReadMetricData(r, value, out->mutable_sum(), ReadNumberDataPoint);
    }
    if (key == "histogram") {
      return one_kind() &&
             ReadMetricData(r, value, out->mutable_histogram(), ReadHistogramDataPoint);
    }
    if (Is(key, "exponentialHistogram", "exponential_histogram")) {
      return one_kind() && ReadMetricData(r, value, out->mutable_exponential_histogram(),
                                          ReadExponentialHistogramDataPoint);
    }
    if (key == "summary") {
      return one_kind() && ReadMetricData(r, value, out->mutable_summary(), ReadSummaryDataPoint);
    }
    return true;
  });
}

bool ReadScopeMetrics(JsonReader& r, Element json, metrics::ScopeMetrics* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "scope") return r.ReadScope(value, out->mutable_scope());
    if (key == "metrics") {
      return r.ReadMessages(value, out->mutable_metrics(),
                            [&](Element e, metrics::Metric* m) { return ReadMetric(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

bool ReadResourceMetrics(JsonReader& r, Element json, metrics::ResourceMetrics* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "resource") return r.ReadResource(value, out->mutable_resource());
    if (Is(key, "scopeMetrics", "scope_metrics")) {
      return r.ReadMessages(
          value, out->mutable_scope_metrics(),
          [&](Element e, metrics::ScopeMetrics* m) { return ReadScopeMetrics(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

}  // namespace

Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest* out) {
  out->Clear();
  return json::DecodeDocument(
      body, "ExportMetricsServiceRequest", [out](JsonReader& r, Element root) {
        return r.ForEachField(root, [&](std::string_view key, Element value) {
          if (!Is(key, "resourceMetrics", "resource_metrics")) return true;
          return r.ReadMessages(
              value, out->mutable_resource_metrics(),
              [&](Element e, metrics::ResourceMetrics* m) { return ReadResourceMetrics(r, e, m); });
        });
      });
}

}  // namespace otelite::otlp
