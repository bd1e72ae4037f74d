#include "api/loki/detected_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/loki/params.h"
#include "api/loki/response.h"
#include "core/units.h"
#include "query/logql/convert.h"
#include "query/logql/json_parser.h"
#include "query/logql/logfmt_parser.h"
#include "query/logql/parser.h"

namespace otelite::api::loki {
namespace {

constexpr size_t kDefaultLineLimit = 100;    // Loki's line_limit default (its query limit)
constexpr size_t kDefaultFieldLimit = 1000;  // Loki's limit default

// ---------------------------------------------------------------------------------------------
// Parameters

// A positive integer parameter as Loki reads it (strconv.ParseInt, then "must be positive").
Result<size_t> PositiveParam(const Params& params, std::string_view name, size_t fallback) {
  auto text = params.Get(name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    return Status::InvalidArgument(
        fmt::format("strconv.ParseInt: parsing \"{}\": invalid syntax", *text));
  }
  if (value <= 0) return Status::InvalidArgument("limit must be a positive value");
  return static_cast<size_t>(value);
}

struct FieldsRequest {
  std::string query;
  LokiRange range;
  size_t line_limit = kDefaultLineLimit;
  size_t limit = kDefaultFieldLimit;
};

// The request's parameters; the query must be a log query (Loki's ParseLogSelector).
Result<FieldsRequest> ReadFieldsRequest(const Params& params) {
  FieldsRequest out;
  out.query = params.Get("query").value_or("");
  auto parsed = logql::ParseQuery(out.query);
  if (!parsed.ok()) return parsed.status();
  if ((*parsed)->As<logql::LogQueryExpr>() == nullptr) {
    return Status::InvalidArgument("only log selector is supported");
  }
  auto range = ParseLokiRange(params, NowUnixNanos());
  if (!range.ok()) return range.status();
  out.range = *range;
  auto line_limit = PositiveParam(params, "line_limit", kDefaultLineLimit);
  if (!line_limit.ok()) return line_limit.status();
  out.line_limit = *line_limit;
  // `field_limit` is the older name Loki still reads when `limit` is absent.
  auto limit =
      PositiveParam(params, params.Get("limit") ? "limit" : "field_limit", kDefaultFieldLimit);
  if (!limit.ok()) return limit.status();
  out.limit = *limit;
  return out;
}

Response QueryError(const Request& request, const logql::QueryError& error) {
  const http::status status = error.type == logql::ErrorType::kTimeout
                                  ? http::status::gateway_timeout
                                  : http::status::bad_request;
  return LokiError(request, status, error.message);
}

// ---------------------------------------------------------------------------------------------
// Fields of one entry

constexpr std::string_view kJson = "json";
constexpr std::string_view kLogfmt = "logfmt";

bool IsErrorLabel(std::string_view name) {
  return name == "__error__" || name == "__error_details__" || name == "__preserve_error__";
}

// Collects what a parser emits for one line, renaming names that are stream labels
// `<name>_extracted` (Loki's clash rule; structured metadata does not take part here).
class CollectingSink : public logql::FieldSink {
 public:
  void Reset(const Labels* stream) {
    stream_ = stream;
    fields_.clear();
  }
  void Add(std::string_view name, std::string_view value) override {
    std::string label(name);
    if (stream_->Has(name)) label += "_extracted";
    fields_.emplace_back(std::move(label), std::string(value));
  }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  const Labels* stream_ = nullptr;
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Runs `| json` on the line and, if it is not a JSON object (or malformed), `| logfmt`: the
// parser that took the line, its fields in *sink.
class LineDetector {
 public:
  std::string_view Detect(const logql::LogLine& entry, CollectingSink* sink) {
    sink->Reset(&entry.stream);
    if (json_.Parse(entry.line, *sink).ok()) return kJson;
    sink->Reset(&entry.stream);              // a malformed object's leading fields do not count
    (void)logfmt_.Parse(entry.line, *sink);  // without --strict it takes any line
    return kLogfmt;
  }

 private:
  logql::JsonParser json_;
  logql::LogfmtParser logfmt_;
};

// ---------------------------------------------------------------------------------------------
// Accumulating fields over the entries

struct FieldStats {
  uint32_t types = ~0u;  // the types every non-empty value fits
  bool typed = false;    // a non-empty value was seen
  std::unordered_set<std::string> values;
  std::vector<std::string_view> parsers;  // in order of first appearance
};

class FieldCollector {
 public:
  explicit FieldCollector(size_t limit) : limit_(limit) {}

  // The stats of `name`, or null when it is new and `limit` names are known already.
  FieldStats* Find(std::string_view name) {
    auto it = fields_.find(name);
    if (it != fields_.end()) return &it->second;
    if (fields_.size() >= limit_) return nullptr;
    return &fields_.emplace(std::string(name), FieldStats{}).first->second;
  }

  void Add(std::string_view name, std::string_view value, std::string_view parser) {
    FieldStats* field = Find(name);
    if (field == nullptr) return;
    if (!parser.empty() &&
        std::find(field->parsers.begin(), field->parsers.end(), parser) == field->parsers.end()) {
      field->parsers.push_back(parser);
    }
    if (!value.empty()) {
      field->types &= DetectedTypesOf(value);
      field->typed = true;
    }
    field->values.emplace(value);
  }

  const std::map<std::string, FieldStats, std::less<>>& fields() const { return fields_; }

 private:
  size_t limit_;
  std::map<std::string, FieldStats, std::less<>> fields_;
};

// Every field of every entry, in the order the query returned them: structured metadata (by
// name), the query's own parsed labels, then what the line parses into.
void CollectFields(const std::vector<logql::LogLine>& lines, FieldCollector* collector) {
  LineDetector detector;
  CollectingSink sink;
  for (const logql::LogLine& entry : lines) {
    for (const Label& label : entry.structured_metadata) {
      collector->Add(label.name, label.value, {});
    }
    const std::string_view parser = detector.Detect(entry, &sink);
    for (const Label& label : entry.parsed) {
      if (!IsErrorLabel(label.name)) collector->Add(label.name, label.value, parser);
    }
    for (const auto& [name, value] : sink.fields()) collector->Add(name, value, parser);
  }
}

// ---------------------------------------------------------------------------------------------
// Values of one field

// go-humanize's Bytes(n) without its space ("10MB", "1.6GB", "524kB", "5B"): how Loki writes the
// byte-size values of a parsed field, so that they can be pasted into a label filter.
std::string HumanBytes(uint64_t n) {
  if (n < 10) return fmt::format("{}B", n);
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  const double e = std::floor(std::log(static_cast<double>(n)) / std::log(1000.0));
  const double value = std::floor(static_cast<double>(n) / std::pow(1000.0, e) * 10 + 0.5) / 10;
  const char* unit = kUnits[static_cast<size_t>(e)];
  return value < 10 ? fmt::format("{:.1f}{}", value, unit) : fmt::format("{:.0f}{}", value, unit);
}

// The unit suffixes after which Loki rewrites a byte size (compared in lower case).
bool HasBytesUnit(std::string_view value) {
  static constexpr std::string_view kSuffixes[] = {
      "b",  "kib", "kb", "mib", "mb", "gib", "gb", "tib", "tb", "pib", "pb", "eib", "eb",
      "ki", "k",   "mi", "m",   "gi", "g",   "ti", "t",   "pi", "p",   "ei", "e"};
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view suffix : kSuffixes) {
    if (lower.size() >= suffix.size() &&
        std::string_view(lower).substr(lower.size() - suffix.size()) == suffix) {
      return true;
    }
  }
  return false;
}

// The distinct values of `name` over the entries (structured metadata as is, parsed byte sizes
// rewritten), at most `limit`.
std::vector<std::string> FieldValues(const std::vector<logql::LogLine>& lines,
                                     std::string_view name, size_t limit) {
  std::unordered_set<std::string> values;
  LineDetector detector;
  CollectingSink sink;
  auto add_parsed = [&](std::string_view value) {
    if (values.size() >= limit) return;
    auto bytes = logql::ParseHumanBytes(value);
    if (bytes.ok() && HasBytesUnit(value)) {
      values.insert(HumanBytes(*bytes));
    } else {
      values.emplace(value);
    }
  };
  for (const logql::LogLine& entry : lines) {
    if (values.size() >= limit) break;
    for (const Label& label : entry.structured_metadata) {
      if (label.name == name && values.size() < limit) values.insert(label.value);
    }
    for (const Label& label : entry.parsed) {
      if (label.name == name && !IsErrorLabel(label.name)) add_parsed(label.value);
    }
    detector.Detect(entry, &sink);
    for (const auto& [field, value] : sink.fields()) {
      if (field == name) add_parsed(value);
    }
  }
  std::vector<std::string> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Labels

bool IsDigits(std::string_view s, bool hex) {
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) ||
          (hex && std::isxdigit(static_cast<unsigned char>(c))))) {
      return false;
    }
  }
  return true;
}

// A UUID in the forms Go's uuid.Parse takes: 8-4-4-4-12 hex digits, optionally in braces or
// after "urn:uuid:", or 32 hex digits.
bool IsUuid(std::string_view s) {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  if (s.size() == 45 && s.substr(0, 9) == "urn:uuid:") s = s.substr(9);
  if (s.size() == 32) return IsDigits(s, true);
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Loki leaves out labels whose values are all identifiers (numbers or UUIDs), except a pair of
// 0/1 flags, and labels without values; cluster, namespace, instance and pod are always kept.
bool KeepLabel(std::string_view name, const std::vector<std::string>& values) {
  if (values.empty()) return false;
  if (name == "cluster" || name == "namespace" || name == "instance" || name == "pod") return true;
  if (values.size() <= 2 && std::all_of(values.begin(), values.end(), [](const std::string& v) {
        return v == "0" || v == "1";
      })) {
    return true;
  }
  return !std::all_of(values.begin(), values.end(), [](const std::string& v) {
    return logql::ParseGoFloat(v).ok() || IsUuid(v);
  });
}

// ---------------------------------------------------------------------------------------------
// Handlers

// The log query's entries for a detected_fields request, or the error response.
std::optional<Response> RunQuery(LogQueryable* store, const logql::Engine* engine,
                                 const Request& request, const FieldsRequest& fields,
                                 logql::QueryResult* result) {
  logql::QueryParams q;
  q.query = fields.query;
  q.start_ns = fields.range.start_ns;
  q.end_ns = fields.range.end_ns;
  q.limit = fields.line_limit;
  q.backward = true;
  *result = engine->Query(store, q);
  if (result->error) return QueryError(request, *result->error);
  return std::nullopt;
}

std::string FieldNameOf(const Request& request) {
  // /loki/api/v1/detected_field/<name>/values
  std::string_view path = TargetPath(ToStd(request.target()));
  constexpr std::string_view kPrefix = "/loki/api/v1/detected_field/";
  path.remove_prefix(kPrefix.size());
  return std::string(path.substr(0, path.find('/')));
}

Response FieldsAnswer(const Request& request, const FieldCollector& collector, size_t limit) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("fields");
  w.StartArray();
  for (const auto& [name, field] : collector.fields()) {
    w.StartObject();
    w.Key("label");
    WriteString(w, name);
    w.Key("type");
    w.String(DetectedTypeName(field.typed ? field.types : 0));
    w.Key("cardinality");
    w.Uint64(field.values.size());
    w.Key("parsers");
    if (field.parsers.empty()) {
      w.Null();  // structured metadata: Loki writes null
    } else {
      w.StartArray();
      for (std::string_view parser : field.parsers) WriteString(w, parser);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  // As Loki: the limit only accompanies a non-empty answer.
  if (!collector.fields().empty()) {
    w.Key("limit");
    w.Uint64(limit);
  }
  w.EndObject();
  return JsonResponse(request, std::string(buf.GetString(), buf.GetSize()));
}

Response ValuesAnswer(const Request& request, const std::vector<std::string>& values,
                      size_t limit) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("values");
  w.StartArray();
  for (const auto& v : values) WriteString(w, v);
  w.EndArray();
  if (!values.empty()) {
    w.Key("limit");
    w.Uint64(limit);
  }
  w.EndObject();
  return JsonResponse(request, std::string(buf.GetString(), buf.GetSize()));
}

Response DetectedLabels(LogQueryable* store, const Request& request) {
  const Params params = Params::From(request);
  auto range = ParseLokiRange(params, NowUnixNanos());
  if (!range.ok()) return LokiError(request, http::status::bad_request, range.status().message());
  Matchers matchers;
  if (auto query = params.Get("query"); query && !query->empty()) {
    auto parsed = logql::ParseMatchers(*query, true);
    if (!parsed.ok()) {
      return LokiError(request, http::status::bad_request, parsed.status().message());
    }
    matchers = std::move(*parsed);
  }
  auto querier = store->NewLogQuerier();
  auto names = querier->LabelNames(range->start_ns, range->end_ns, matchers);
  if (!names.ok()) return LokiError(request, http::status::bad_request, names.status().message());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("detectedLabels");
  w.StartArray();
  for (const std::string& name : *names) {
    if (name.starts_with("__")) continue;  // reserved names (__stream_shard__, …)
    auto values = querier->LabelValues(name, range->start_ns, range->end_ns, matchers);
    if (!values.ok()) {
      return LokiError(request, http::status::bad_request, values.status().message());
    }
    if (!KeepLabel(name, *values)) continue;
    w.StartObject();
    w.Key("label");
    WriteString(w, name);
    w.Key("cardinality");
    w.Uint64(values->size());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(request, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

uint32_t DetectedTypesOf(std::string_view value) {
  uint32_t types = 0;
  {
    // strconv.ParseInt(value, 10, 64): an optional sign, decimal digits, in range.
    std::string_view digits = value;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
      digits.remove_prefix(1);
    }
    if (!digits.empty() && IsDigits(digits, false)) {
      int64_t parsed = 0;
      const char* begin = value.front() == '+' ? value.data() + 1 : value.data();
      auto [ptr, ec] = std::from_chars(begin, value.data() + value.size(), parsed);
      if (ec == std::errc() && ptr == value.data() + value.size()) types |= kDetectedInt;
    }
  }
  if (logql::ParseGoFloat(value).ok()) types |= kDetectedFloat;
  static constexpr std::string_view kBooleans[] = {"1", "t", "T", "TRUE",  "true",  "True",
                                                   "0", "f", "F", "FALSE", "false", "False"};
  if (std::find(std::begin(kBooleans), std::end(kBooleans), value) != std::end(kBooleans)) {
    types |= kDetectedBoolean;
  }
  if (logql::ParseGoDurationNanos(value).ok()) types |= kDetectedDuration;
  if (logql::ParseHumanBytes(value).ok()) types |= kDetectedBytes;
  return types;
}

const char* DetectedTypeName(uint32_t types) {
  if (types & kDetectedInt) return "int";
  if (types & kDetectedFloat) return "float";
  if (types & kDetectedBoolean) return "boolean";
  if (types & kDetectedDuration) return "duration";
  if (types & kDetectedBytes) return "bytes";
  return "string";
}

void RegisterDetectedApi(LogQueryable* store, const logql::Engine* engine, Router* router) {
  auto fields = [store, engine](const Request& r) {
    auto request = ReadFieldsRequest(Params::From(r));
    if (!request.ok()) return LokiError(r, http::status::bad_request, request.status().message());
    logql::QueryResult result;
    if (auto error = RunQuery(store, engine, r, *request, &result)) return *error;
    FieldCollector collector(request->limit);
    CollectFields(result.lines, &collector);
    return FieldsAnswer(r, collector, request->limit);
  };
  router->Handle(http::verb::get, "/loki/api/v1/detected_fields", fields);
  router->Handle(http::verb::post, "/loki/api/v1/detected_fields", fields);

  auto values = [store, engine](const Request& r) {
    auto request = ReadFieldsRequest(Params::From(r));
    if (!request.ok()) return LokiError(r, http::status::bad_request, request.status().message());
    logql::QueryResult result;
    if (auto error = RunQuery(store, engine, r, *request, &result)) return *error;
    return ValuesAnswer(r, FieldValues(result.lines, FieldNameOf(r), request->limit),
                        request->limit);
  };
  router->Handle(http::verb::get, "/loki/api/v1/detected_field/*/values", values);
  router->Handle(http::verb::post, "/loki/api/v1/detected_field/*/values", values);

  auto labels = [store](const Request& r) { return DetectedLabels(store, r); };
  router->Handle(http::verb::get, "/loki/api/v1/detected_labels", labels);
  router->Handle(http::verb::post, "/loki/api/v1/detected_labels", labels);
}

}  // namespace otelite::api::loki
