// The common messages (AnyValue, KeyValue, Resource, InstrumentationScope) and metrics
// requests. Field numbers are those of proto/opentelemetry (the OTLP specification's).
#include <google/protobuf/wire_format_lite.h>

#include "ingest/otlp/attributes.h"
#include "ingest/otlp/wire_reader.h"

namespace otelite::otlp {
namespace wire {

using Kind = AnyValueView::Kind;

namespace {

// The wire types of the fields of each message the walk reads (proto/opentelemetry).
constexpr Schema kList{{1, kLength}};  // ArrayValue, KeyValueList
constexpr Schema kAnyValue{{1, kLength}, {2, kVarint}, {3, kVarint}, {4, kFixed64},
                           {5, kLength}, {6, kLength}, {7, kLength}};
constexpr Schema kKeyValue{{1, kLength}, {2, kLength}};
constexpr Schema kResource{{1, kLength}, {2, kVarint}};
constexpr Schema kScope{{1, kLength}, {2, kLength}, {3, kLength}, {4, kVarint}};

}  // namespace

bool FieldReader::String(std::string_view* value, bool validate) {
  return LengthDelimited(value) && (!validate || Check(IsValidUtf8(*value)));
}

bool FieldReader::Skip(bool validate) {
  if (validate && wire_type() == google::protobuf::internal::WireFormatLite::WIRETYPE_START_GROUP) {
    return Fail();
  }
  return Check(google::protobuf::internal::WireFormatLite::SkipField(&in_, tag_));
}

namespace {

// Checks every element of an ArrayValue (field 1: AnyValue) or KeyValueList (field 1:
// KeyValue) message.
bool ValidateList(std::string_view message, bool kvlist, int depth) {
  FieldReader r(message);
  while (r.Next(kList, true)) {
    if (r.number() != 1) {
      if (!r.Skip(true)) return false;
      continue;
    }
    std::string_view element;
    if (!r.LengthDelimited(&element)) return false;
    if (kvlist) {
      KeyValueView kv;
      if (!DecodeKeyValue(element, true, depth, &kv)) return false;
    } else {
      AnyValueView v;
      if (!DecodeAnyValue(element, true, depth, &v)) return false;
    }
  }
  return r.ok();
}

}  // namespace

bool DecodeAnyValue(std::string_view message, bool validate, int depth, AnyValueView* out) {
  *out = AnyValueView();
  FieldReader r(message);
  while (r.Next(kAnyValue, validate)) {
    const uint32_t number = r.number();
    if (number >= 1 && number <= 7 && out->kind != Kind::kEmpty && validate) {
      return false;  // the oneof given twice
    }
    uint64_t bits;
    switch (number) {
      case 1:
        if (!r.String(&out->bytes, validate)) return false;
        out->kind = Kind::kString;
        break;
      case 2:
        if (!r.Varint(&bits)) return false;
        out->bool_value = bits != 0;
        out->kind = Kind::kBool;
        break;
      case 3:
        if (!r.Varint(&bits)) return false;
        out->int_value = static_cast<int64_t>(bits);
        out->kind = Kind::kInt;
        break;
      case 4:
        if (!r.Double(&out->double_value)) return false;
        out->kind = Kind::kDouble;
        break;
      case 5:
      case 6:
        if (!r.LengthDelimited(&out->bytes)) return false;
        if (validate &&
            (depth >= kMaxValueDepth || !ValidateList(out->bytes, number == 6, depth + 1))) {
          return false;
        }
        out->kind = number == 5 ? Kind::kArray : Kind::kKvlist;
        break;
      case 7:
        if (!r.LengthDelimited(&out->bytes)) return false;
        out->kind = Kind::kBytes;
        break;
      default:
        if (!r.Skip(validate)) return false;
    }
  }
  return r.ok();
}

bool DecodeKeyValue(std::string_view message, bool validate, int depth, KeyValueView* out) {
  *out = KeyValueView();
  bool has_value = false;
  FieldReader r(message);
  while (r.Next(kKeyValue, validate)) {
    switch (r.number()) {
      case 1:
        if (!r.String(&out->key, validate)) return false;
        break;
      case 2: {
        std::string_view value;
        if (Twice(&has_value, validate) || !r.LengthDelimited(&value) ||
            !DecodeAnyValue(value, validate, depth, &out->value)) {
          return false;
        }
        break;
      }
      default:
        if (!r.Skip(validate)) return false;
    }
  }
  return r.ok();
}

bool AppendKeyValue(FieldReader* reader, bool validate, std::vector<KeyValueView>* attributes) {
  std::string_view message;
  if (!reader->LengthDelimited(&message)) return false;
  attributes->emplace_back();
  return DecodeKeyValue(message, validate, 0, &attributes->back());
}

bool DecodeResource(std::string_view message, bool validate, std::vector<KeyValueView>* attributes,
                    ResourceView* out) {
  out->attributes.begin = static_cast<uint32_t>(attributes->size());
  FieldReader r(message);
  uint64_t bits;
  while (r.Next(kResource, validate)) {
    switch (r.number()) {
      case 1:
        if (!AppendKeyValue(&r, validate, attributes)) return false;
        break;
      case 2:
        if (!r.Varint(&bits)) return false;
        out->dropped_attributes_count = static_cast<uint32_t>(bits);
        break;
      default:
        if (!r.Skip(validate)) return false;
    }
  }
  out->attributes.end = static_cast<uint32_t>(attributes->size());
  return r.ok();
}

bool DecodeScope(std::string_view message, bool validate, std::vector<KeyValueView>* attributes,
                 ScopeView* out) {
  out->attributes.begin = static_cast<uint32_t>(attributes->size());
  FieldReader r(message);
  uint64_t bits;
  while (r.Next(kScope, validate)) {
    switch (r.number()) {
      case 1:
        if (!r.String(&out->name, validate)) return false;
        break;
      case 2:
        if (!r.String(&out->version, validate)) return false;
        break;
      case 3:
        if (!AppendKeyValue(&r, validate, attributes)) return false;
        break;
      case 4:
        if (!r.Varint(&bits)) return false;
        out->dropped_attributes_count = static_cast<uint32_t>(bits);
        break;
      default:
        if (!r.Skip(validate)) return false;
    }
  }
  out->attributes.end = static_cast<uint32_t>(attributes->size());
  return r.ok();
}

}  // namespace wire

namespace {

// Calls fn on each element (field 1) of an ArrayValue or KeyValueList message, decoded by
// `decode` (an already validated message: nothing is checked again).
template <typename Element>
void ForEachElement(std::string_view list, bool (*decode)(std::string_view, bool, int, Element*),
                    void (*fn)(const Element&, void*), void* context) {
  wire::FieldReader r(list);
  while (r.Next(wire::kList, false)) {
    std::string_view bytes;
    Element element;
    if (r.number() == 1 && r.LengthDelimited(&bytes) && decode(bytes, false, 0, &element)) {
      fn(element, context);
    } else if (r.number() != 1 && !r.Skip(false)) {
      return;
    }
  }
}

}  // namespace

void ForEachArrayValue(const AnyValueView& array, void (*fn)(const AnyValueView&, void*),
                       void* context) {
  if (array.kind == AnyValueView::Kind::kArray) {
    ForEachElement(array.bytes, wire::DecodeAnyValue, fn, context);
  }
}

void ForEachKeyValue(const AnyValueView& kvlist, void (*fn)(const KeyValueView&, void*),
                     void* context) {
  if (kvlist.kind == AnyValueView::Kind::kKvlist) {
    ForEachElement(kvlist.bytes, wire::DecodeKeyValue, fn, context);
  }
}

namespace {

using wire::FieldReader;
using wire::kFixed64;
using wire::kLength;
using wire::kVarint;
using wire::Schema;
using wire::Size;
namespace pbcm = opentelemetry::proto::collector::metrics::v1;

constexpr Schema kMetric{{1, kLength}, {2, kLength},  {3, kLength},  {5, kLength}, {7, kLength},
                         {9, kLength}, {10, kLength}, {11, kLength}, {12, kLength}};
constexpr Schema kGauge{{1, kLength}};
constexpr Schema kSum{{1, kLength}, {2, kVarint}, {3, kVarint}};
constexpr Schema kHistogram{{1, kLength}, {2, kVarint}};  // also ExponentialHistogram
constexpr Schema kNumberPoint{{2, kFixed64}, {3, kFixed64}, {4, kFixed64}, {5, kLength},
                              {6, kFixed64}, {7, kLength},  {8, kVarint}};
constexpr Schema kHistogramPoint{
    {2, kFixed64},           {3, kFixed64},           {4, kFixed64}, {5, kFixed64},
    {6, kFixed64 | kLength}, {7, kFixed64 | kLength}, {8, kLength},  {9, kLength},
    {10, kVarint},           {11, kFixed64},          {12, kFixed64}};
constexpr Schema kSummaryPoint{{2, kFixed64}, {3, kFixed64}, {4, kFixed64}, {5, kFixed64},
                               {6, kLength},  {7, kLength},  {8, kVarint}};
constexpr Schema kQuantile{{1, kFixed64}, {2, kFixed64}};

// The schema of a Metric's data field (5 gauge, 7 sum, 9 histogram, 10 exponential
// histogram, 11 summary).
const Schema& DataSchema(uint32_t field) {
  return field == 7 ? kSum : field == 9 || field == 10 ? kHistogram : kGauge;
}

// The fast walk over one metrics request; see wire_view.h.
class MetricsDecoder {
 public:
  MetricsDecoder(MetricsRequestView* view, bool validate) : v_(view), validate_(validate) {}

  bool Request(std::string_view message) {
    wire::EnvelopeWalk<ResourceMetricsView, &ResourceMetricsView::scope_metrics, ScopeMetricsView,
                       &ScopeMetricsView::metrics>
        envelope(&v_->resource_metrics, &v_->scope_metrics, &v_->attributes, validate_);
    return envelope.Request(
        message, [this](std::string_view metric) { return Metric(metric); },
        [this] { return Size(v_->metrics); });
  }

 private:
  bool Metric(std::string_view message) {
    MetricView m;
    FieldReader r(message);
    while (r.Next(kMetric, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 1:
          if (!r.String(&m.name, validate_)) return false;
          break;
        case 2:
          if (!r.String(&m.description, validate_)) return false;
          break;
        case 3:
          if (!r.String(&m.unit, validate_)) return false;
          break;
        case 5:
        case 7:
        case 9:
        case 10:
        case 11:
          if ((validate_ && m.data != MetricDataCase::kNotSet) || !r.LengthDelimited(&body) ||
              !Data(r.number(), body, &m)) {
            return false;
          }
          break;
        case 12: {  // metadata: checked, not kept
          if (!r.LengthDelimited(&body)) return false;
          KeyValueView kv;
          if (!wire::DecodeKeyValue(body, validate_, 0, &kv)) return false;
          break;
        }
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    v_->metrics.push_back(m);
    return r.ok();
  }

  // Gauge (5), Sum (7), Histogram (9), ExponentialHistogram (10) or Summary (11).
  bool Data(uint32_t field, std::string_view message, MetricView* m) {
    if (field == 10 && validate_) return false;  // left to the generated parser
    switch (field) {
      case 5:
        m->data = MetricDataCase::kGauge;
        break;
      case 7:
        m->data = MetricDataCase::kSum;
        break;
      case 9:
        m->data = MetricDataCase::kHistogram;
        break;
      case 10:
        m->data = MetricDataCase::kExponentialHistogram;
        break;
      default:
        m->data = MetricDataCase::kSummary;
        break;
    }
    const bool number = field == 5 || field == 7;
    m->points.begin = field == 10  ? 0
                      : number     ? Size(v_->number_points)
                      : field == 9 ? Size(v_->histogram_points)
                                   : Size(v_->summary_points);
    m->points.end = m->points.begin;
    FieldReader r(message);
    uint64_t bits;
    while (r.Next(DataSchema(field), validate_)) {
      std::string_view body;
      if (r.number() == 1) {
        if (!r.LengthDelimited(&body)) return false;
        const bool ok = field == 10  ? true
                        : number     ? NumberPoint(body)
                        : field == 9 ? HistogramPoint(body)
                                     : SummaryPoint(body);
        if (!ok) return false;
        ++m->points.end;
      } else if (r.number() == 2 && field != 5 && field != 11) {
        if (!r.Varint(&bits)) return false;
        m->aggregation_temporality = static_cast<int32_t>(bits);
      } else if (r.number() == 3 && field == 7) {
        if (!r.Varint(&bits)) return false;
        m->is_monotonic = bits != 0;
      } else if (!r.Skip(validate_)) {
        return false;
      }
    }
    return r.ok();
  }

  bool NumberPoint(std::string_view message) {
    NumberPointView p;
    p.attributes.begin = Size(v_->attributes);
    const char* wire_end = nullptr;
    bool wire_contiguous = true;
    FieldReader r(message);
    uint64_t bits;
    while (r.Next(kNumberPoint, validate_)) {
      switch (r.number()) {
        case 7:
          if (p.attributes_wire == nullptr) {
            p.attributes_wire = r.field_begin();
          } else if (r.field_begin() != wire_end) {
            wire_contiguous = false;
          }
          if (!wire::AppendKeyValue(&r, validate_, &v_->attributes)) return false;
          wire_end = r.position();
          break;
        case 2:
          if (!r.Fixed64(&p.start_time_unix_nano)) return false;
          break;
        case 3:
          if (!r.Fixed64(&p.time_unix_nano)) return false;
          break;
        case 4:
          if (!OneValue(p.value_case) || !r.Double(&p.as_double)) return false;
          p.value_case = NumberPointView::ValueCase::kDouble;
          break;
        case 6:
          if (!OneValue(p.value_case) || !r.Fixed64(&bits)) return false;
          p.as_int = static_cast<int64_t>(bits);
          p.value_case = NumberPointView::ValueCase::kInt;
          break;
        case 8:
          if (!r.Varint(&bits)) return false;
          p.flags = static_cast<uint32_t>(bits);
          break;
        case 5:  // exemplars: left to the generated parser, not kept
          if (validate_ || !r.Skip(false)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    p.attributes.end = Size(v_->attributes);
    if (!wire_contiguous) {
      p.attributes_wire = nullptr;
    } else if (p.attributes_wire != nullptr) {
      p.attributes_wire_size = static_cast<uint32_t>(wire_end - p.attributes_wire);
    }
    v_->number_points.push_back(p);
    return r.ok();
  }

  bool HistogramPoint(std::string_view message) {
    HistogramPointView p;
    p.attributes.begin = Size(v_->attributes);
    p.bucket_counts.begin = Size(v_->bucket_counts);
    p.explicit_bounds.begin = Size(v_->explicit_bounds);
    FieldReader r(message);
    uint64_t bits;
    while (r.Next(kHistogramPoint, validate_)) {
      switch (r.number()) {
        case 9:
          if (!wire::AppendKeyValue(&r, validate_, &v_->attributes)) return false;
          break;
        case 2:
          if (!r.Fixed64(&p.start_time_unix_nano)) return false;
          break;
        case 3:
          if (!r.Fixed64(&p.time_unix_nano)) return false;
          break;
        case 4:
          if (!r.Fixed64(&p.count)) return false;
          break;
        case 5:
          if (!r.Double(&p.sum)) return false;
          p.has_sum = true;
          break;
        case 6:
          if (!r.RepeatedFixed64(&v_->bucket_counts)) return false;
          break;
        case 7:
          if (!r.RepeatedFixed64(&v_->explicit_bounds)) return false;
          break;
        case 10:
          if (!r.Varint(&bits)) return false;
          p.flags = static_cast<uint32_t>(bits);
          break;
        case 11:
          if (!r.Double(&p.min)) return false;
          p.has_min = true;
          break;
        case 12:
          if (!r.Double(&p.max)) return false;
          p.has_max = true;
          break;
        case 8:  // exemplars
          if (validate_ || !r.Skip(false)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    p.attributes.end = Size(v_->attributes);
    p.bucket_counts.end = Size(v_->bucket_counts);
    p.explicit_bounds.end = Size(v_->explicit_bounds);
    v_->histogram_points.push_back(p);
    return r.ok();
  }

  bool SummaryPoint(std::string_view message) {
    SummaryPointView p;
    p.attributes.begin = Size(v_->attributes);
    p.quantile_values.begin = Size(v_->quantiles);
    FieldReader r(message);
    uint64_t bits;
    while (r.Next(kSummaryPoint, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 7:
          if (!wire::AppendKeyValue(&r, validate_, &v_->attributes)) return false;
          break;
        case 2:
          if (!r.Fixed64(&p.start_time_unix_nano)) return false;
          break;
        case 3:
          if (!r.Fixed64(&p.time_unix_nano)) return false;
          break;
        case 4:
          if (!r.Fixed64(&p.count)) return false;
          break;
        case 5:
          if (!r.Double(&p.sum)) return false;
          break;
        case 6:
          if (!r.LengthDelimited(&body) || !Quantile(body)) return false;
          break;
        case 8:
          if (!r.Varint(&bits)) return false;
          p.flags = static_cast<uint32_t>(bits);
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    p.attributes.end = Size(v_->attributes);
    p.quantile_values.end = Size(v_->quantiles);
    v_->summary_points.push_back(p);
    return r.ok();
  }

  bool Quantile(std::string_view message) {
    QuantileView q;
    FieldReader r(message);
    while (r.Next(kQuantile, validate_)) {
      if (r.number() == 1) {
        if (!r.Double(&q.quantile)) return false;
      } else if (r.number() == 2) {
        if (!r.Double(&q.value)) return false;
      } else if (!r.Skip(validate_)) {
        return false;
      }
    }
    v_->quantiles.push_back(q);
    return r.ok();
  }

  // False when a point's value oneof is given a second time (validating).
  bool OneValue(NumberPointView::ValueCase current) const {
    return !validate_ || current == NumberPointView::ValueCase::kNotSet;
  }

  MetricsRequestView* v_;
  bool validate_;
};

template <typename T>
void ClearKeepingSmall(std::vector<T>* v) {
  constexpr size_t kKeepBytes = 4 << 20;  // a reused view keeps at most this much per array
  if (v->capacity() * sizeof(T) > kKeepBytes) {
    std::vector<T>().swap(*v);
  } else {
    v->clear();
  }
}

}  // namespace

int64_t MetricsRequestView::PointCount() const {
  int64_t n = 0;
  for (const MetricView& m : metrics) n += m.points.size();
  return n;
}

void MetricsRequestView::Clear() {
  ClearKeepingSmall(&resource_metrics);
  ClearKeepingSmall(&scope_metrics);
  ClearKeepingSmall(&metrics);
  ClearKeepingSmall(&number_points);
  ClearKeepingSmall(&histogram_points);
  ClearKeepingSmall(&summary_points);
  ClearKeepingSmall(&quantiles);
  ClearKeepingSmall(&bucket_counts);
  ClearKeepingSmall(&explicit_bounds);
  ClearKeepingSmall(&attributes);
  if (canonical.capacity() > (4 << 20)) std::string().swap(canonical);
  canonical.clear();
  fell_back = false;
}

void LogsRequestView::Clear() {
  ClearKeepingSmall(&resource_logs);
  ClearKeepingSmall(&scope_logs);
  ClearKeepingSmall(&log_records);
  ClearKeepingSmall(&attributes);
  if (canonical.capacity() > (4 << 20)) std::string().swap(canonical);
  canonical.clear();
  fell_back = false;
}

namespace {

bool WalkMetrics(MetricsRequestView* out, bool validate, std::string_view bytes) {
  return MetricsDecoder(out, validate).Request(bytes);
}

}  // namespace

Status DecodeMetricsRequest(std::string_view bytes, MetricsRequestView* out) {
  return wire::DecodeRequest<pbcm::ExportMetricsServiceRequest>(bytes, out, WalkMetrics);
}

Status ViewMetricsRequest(const pbcm::ExportMetricsServiceRequest& request,
                          MetricsRequestView* out) {
  return wire::ViewRequest(request, out, WalkMetrics);
}

}  // namespace otelite::otlp
