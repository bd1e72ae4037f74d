// The line syntax of the OpenMetrics 1.0 ABNF; the rules above it live in family_tracker.cc.
#include "ingest/openmetrics/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ingest/openmetrics/family_tracker.h"
#include "ingest/openmetrics/lexical.h"

namespace otelite::openmetrics {

const char* FamilyTypeName(FamilyType type) {
  switch (type) {
    case FamilyType::kUnknown:
      return "unknown";
    case FamilyType::kGauge:
      return "gauge";
    case FamilyType::kCounter:
      return "counter";
    case FamilyType::kStateSet:
      return "stateset";
    case FamilyType::kInfo:
      return "info";
    case FamilyType::kHistogram:
      return "histogram";
    case FamilyType::kGaugeHistogram:
      return "gaugehistogram";
    case FamilyType::kSummary:
      return "summary";
  }
  return "unknown";
}

MetricType ToMetricType(FamilyType type) {
  switch (type) {
    case FamilyType::kCounter:
      return MetricType::kCounter;
    case FamilyType::kGauge:
    case FamilyType::kStateSet:
    case FamilyType::kInfo:
      return MetricType::kGauge;
    case FamilyType::kHistogram:
    case FamilyType::kGaugeHistogram:
      return MetricType::kHistogram;
    case FamilyType::kSummary:
      return MetricType::kSummary;
    case FamilyType::kUnknown:
      break;
  }
  return MetricType::kUnknown;
}

Labels Sample::ToLabels() const {
  std::vector<Label> out;
  out.reserve(labels.size() + 1);
  bool named = false;
  for (const LabelView& label : labels) {
    if (label.value.empty()) continue;  // empty means absent, as Prometheus stores them
    if (!named && label.name > kMetricNameLabel) {
      out.push_back({std::string(kMetricNameLabel), std::string(name)});
      named = true;
    }
    out.push_back({std::string(label.name), std::string(label.value)});
  }
  if (!named) out.push_back({std::string(kMetricNameLabel), std::string(name)});
  return Labels(std::move(out));
}

Status Sink::OnFamily(const Family&) { return Status::Ok(); }
Status Sink::OnSample(const Family&, const Sample&) { return Status::Ok(); }

namespace {

using lexical::NumberStatus;

// User text inside an error message: at most 64 bytes, control and non-ASCII bytes as \xNN.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  size_t limit = std::min<size_t>(text.size(), 64);
  for (size_t i = 0; i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (limit < text.size()) out += "...";
  out.push_back('"');
  return out;
}

// What stands at line[pos], for "expected X, found Y" messages.
std::string Describe(std::string_view line, size_t pos) {
  if (pos >= line.size()) return "the end of the line";
  unsigned char c = static_cast<unsigned char>(line[pos]);
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c > 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

size_t FindSpace(std::string_view line, size_t pos) {
  size_t space = line.find(' ', pos);
  return space == std::string_view::npos ? line.size() : space;
}

bool ParseType(std::string_view word, FamilyType* type) {
  static constexpr std::pair<std::string_view, FamilyType> kTypes[] = {
      {"counter", FamilyType::kCounter},     {"gauge", FamilyType::kGauge},
      {"histogram", FamilyType::kHistogram}, {"gaugehistogram", FamilyType::kGaugeHistogram},
      {"stateset", FamilyType::kStateSet},   {"info", FamilyType::kInfo},
      {"summary", FamilyType::kSummary},     {"unknown", FamilyType::kUnknown},
  };
  for (const auto& [name, value] : kTypes) {
    if (word == name) {
      *type = value;
      return true;
    }
  }
  return false;
}

struct RawLabel {
  std::string_view name;
  std::string_view raw;  // as exposed, between the quotes
  bool escaped;          // raw holds \n, \" or \\ to resolve
};

class LineParser {
 public:
  LineParser(std::string_view text, Sink& sink, const ParseOptions& options)
      : text_(text), options_(options), tracker_(sink, options) {}

  Status Run();

 private:
  Status Error(std::string_view message) const { return internal::LineError(line_, message); }
  Status ParseDescriptor(std::string_view line);
  Status ParseSample(std::string_view line);
  Status ParseLabelSet(std::string_view line, size_t* pos, std::vector<RawLabel>* out,
                       const char* what) const;
  Status ParseExemplar(std::string_view line, size_t pos, internal::ExemplarFacts* facts);
  Status ParseTimestamp(std::string_view token, const char* what, double* seconds) const;
  Status BuildLabels();

  std::string_view text_;
  const ParseOptions& options_;
  internal::FamilyTracker tracker_;
  uint64_t line_ = 0;
  // Reused from line to line, so a sample allocates nothing once they have grown.
  std::vector<RawLabel> raw_labels_;
  std::vector<RawLabel> exemplar_labels_;
  std::vector<LabelView> labels_;
  std::string unescaped_;
};

Status LineParser::Run() {
  const size_t n = text_.size();
  size_t pos = 0;
  while (true) {
    ++line_;
    if (pos >= n) return Error("missing \"# EOF\" at the end of the exposition");
    const void* newline = std::memchr(text_.data() + pos, '\n', n - pos);
    const size_t end = newline ? static_cast<const char*>(newline) - text_.data() : n;
    const std::string_view line = text_.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) return Error("blank line (OpenMetrics has none)");
    if (line.back() == '\r')
      return Error("carriage return at the end of the line (lines end in \\n)");
    if (line[0] == '#') {
      if (line == "# EOF") {
        if (pos < n) {
          ++line_;
          return Error("text after \"# EOF\" (it must be the last line)");
        }
        return tracker_.Finish();
      }
      OTELITE_RETURN_IF_ERROR(ParseDescriptor(line));
    } else {
      OTELITE_RETURN_IF_ERROR(ParseSample(line));
    }
  }
}

// metric-descriptor = HASH SP ("TYPE" / "HELP" / "UNIT") SP metricname SP ... LF
Status LineParser::ParseDescriptor(std::string_view line) {
  std::string_view kind = line.size() >= 6 && line[1] == ' ' ? line.substr(2, 4) : "";
  if (!(kind == "HELP" || kind == "TYPE" || kind == "UNIT") ||
      (line.size() > 6 && line[6] != ' ')) {
    if (line.starts_with("# EOF")) return Error("text after \"# EOF\" on its line");
    return Error(
        "a line starting with '#' must be \"# HELP\", \"# TYPE\", \"# UNIT\" or \"# EOF\" "
        "(OpenMetrics has no comments)");
  }
  const size_t name_end = lexical::ScanMetricName(line, 7);
  if (name_end == 7 || line.size() <= 7) {
    return Error(fmt::format("# {} needs a metric name, found {}", kind, Describe(line, 7)));
  }
  const std::string_view name = line.substr(7, name_end - 7);
  if (name_end == line.size()) {
    const char* what = kind == "HELP" ? "the help text" : kind == "TYPE" ? "a type" : "the unit";
    return Error(fmt::format("# {} {} needs a space and {} after the name", kind, name, what));
  }
  if (line[name_end] != ' ') {
    return Error(fmt::format("expected a space after the metric name \"{}\", found {}", name,
                             Describe(line, name_end)));
  }
  const std::string_view rest = line.substr(name_end + 1);
  if (kind == "HELP") {
    bool has_escapes = false;
    if (const char* problem = lexical::CheckHelpText(rest, &has_escapes)) return Error(problem);
    return tracker_.OnHelp(name, rest, has_escapes, line_);
  }
  if (kind == "TYPE") {
    FamilyType type;
    if (!ParseType(rest, &type)) {
      return Error(fmt::format(
          "unknown metric type {} (counter, gauge, histogram, gaugehistogram, stateset, info, "
          "summary or unknown{})",
          Quote(rest), rest == "untyped" ? "; OpenMetrics calls untyped \"unknown\"" : ""));
    }
    return tracker_.OnType(name, type, line_);
  }
  if (!lexical::IsMetricNameChars(rest)) {
    return Error(fmt::format("invalid unit {} (letters, digits, '_' and ':' only)", Quote(rest)));
  }
  return tracker_.OnUnit(name, rest, line_);
}

// sample = metricname [labels] SP number [SP timestamp] [exemplar] LF
Status LineParser::ParseSample(std::string_view line) {
  Sample sample;
  sample.line = line_;
  size_t pos = lexical::ScanMetricName(line, 0);
  if (pos == 0) return Error(fmt::format("expected a metric name, found {}", Describe(line, 0)));
  sample.name = line.substr(0, pos);
  raw_labels_.clear();
  const bool braces = pos < line.size() && line[pos] == '{';
  if (braces) OTELITE_RETURN_IF_ERROR(ParseLabelSet(line, &pos, &raw_labels_, "label"));
  if (pos >= line.size()) return Error(fmt::format("sample {} has no value", sample.name));
  if (line[pos] != ' ') {
    return Error(fmt::format("expected {} after the metric name \"{}\", found {}",
                             braces ? "a space and the value" : "'{' or a space", sample.name,
                             Describe(line, pos)));
  }
  ++pos;
  size_t end = FindSpace(line, pos);
  std::string_view token = line.substr(pos, end - pos);
  if (token.empty()) {
    return Error(end >= line.size() ? "sample has no value after the space"
                                    : "two spaces before the value");
  }
  switch (lexical::ParseNumber(token, &sample.value)) {
    case NumberStatus::kOk:
      break;
    case NumberStatus::kSyntax:
      return Error(fmt::format("invalid value {}", Quote(token)));
    case NumberStatus::kOutOfRange:
      return Error(fmt::format("value {} is beyond the float64 range", Quote(token)));
  }
  pos = end;

  double timestamp_seconds = 0;
  internal::ExemplarFacts exemplar;
  if (pos < line.size()) {  // line[pos] is a space
    ++pos;
    if (pos < line.size() && line[pos] == '#') {
      OTELITE_RETURN_IF_ERROR(ParseExemplar(line, pos, &exemplar));
    } else {
      end = FindSpace(line, pos);
      token = line.substr(pos, end - pos);
      if (token.empty()) {
        return Error(end >= line.size() ? "trailing space at the end of the line"
                                        : "two spaces before the timestamp");
      }
      OTELITE_RETURN_IF_ERROR(ParseTimestamp(token, "timestamp", &timestamp_seconds));
      if (options_.require_timestamps && !lexical::FitsInt64Milliseconds(timestamp_seconds)) {
        return Error(
            fmt::format("timestamp {} is beyond the int64 range of milliseconds", Quote(token)));
      }
      sample.has_timestamp = true;
      sample.timestamp_ms = lexical::SecondsToMilliseconds(timestamp_seconds);
      pos = end;
      if (pos < line.size()) {
        ++pos;
        if (pos >= line.size()) return Error("trailing space at the end of the line");
        if (line[pos] != '#') {
          return Error(
              fmt::format("expected the end of the line or \" # \" and an exemplar "
                          "after the timestamp, found {}",
                          Describe(line, pos)));
        }
        OTELITE_RETURN_IF_ERROR(ParseExemplar(line, pos, &exemplar));
      }
    }
  }
  if (options_.require_timestamps && !sample.has_timestamp) {
    return Error(fmt::format("sample {} has no timestamp (backfill needs one on every sample)",
                             sample.name));
  }
  OTELITE_RETURN_IF_ERROR(BuildLabels());
  sample.labels = labels_;
  return tracker_.OnSample(sample, timestamp_seconds, exemplar);
}

Status LineParser::ParseTimestamp(std::string_view token, const char* what, double* seconds) const {
  switch (lexical::ParseRealNumber(token, seconds)) {
    case NumberStatus::kOk:
      return Status::Ok();
    case NumberStatus::kSyntax:
      return Error(fmt::format("invalid {} {} (a decimal number of seconds)", what, Quote(token)));
    case NumberStatus::kOutOfRange:
      break;
  }
  return Error(fmt::format("{} {} is beyond the float64 range", what, Quote(token)));
}

// labels = "{" [label *(COMMA label)] "}";  label = label-name EQ DQUOTE escaped-string DQUOTE
Status LineParser::ParseLabelSet(std::string_view line, size_t* pos, std::vector<RawLabel>* out,
                                 const char* what) const {
  size_t p = *pos + 1;  // after '{'
  if (p < line.size() && line[p] == '}') {
    *pos = p + 1;
    return Status::Ok();
  }
  while (true) {
    const size_t name_end = lexical::ScanLabelName(line, p);
    if (name_end == p) {
      return Error(fmt::format("expected {} {} name, found {}", what[0] == 'e' ? "an" : "a", what,
                               Describe(line, p)));
    }
    const std::string_view name = line.substr(p, name_end - p);
    p = name_end;
    if (p >= line.size() || line[p] != '=') {
      return Error(fmt::format("expected '=' after {} name \"{}\", found {}", what, name,
                               Describe(line, p)));
    }
    ++p;
    if (p >= line.size() || line[p] != '"') {
      return Error(fmt::format("the value of {} \"{}\" must be in double quotes, found {}", what,
                               name, Describe(line, p)));
    }
    ++p;
    RawLabel label{name, {}, false};
    if (const char* problem = lexical::ScanQuotedValue(line, &p, &label.raw, &label.escaped)) {
      return Error(fmt::format("{} \"{}\": {}", what, name, problem));
    }
    ++p;  // the closing quote
    out->push_back(label);
    if (p < line.size() && line[p] == ',') {
      ++p;
      continue;
    }
    if (p < line.size() && line[p] == '}') {
      *pos = p + 1;
      return Status::Ok();
    }
    return Error(fmt::format("expected ',' or '}}' after the value of {} \"{}\", found {}", what,
                             name, Describe(line, p)));
  }
}

// exemplar = SP HASH SP labels SP number [SP timestamp]; `pos` is at the HASH.
Status LineParser::ParseExemplar(std::string_view line, size_t pos,
                                 internal::ExemplarFacts* facts) {
  ++pos;
  if (pos >= line.size() || line[pos] != ' ' || pos + 1 >= line.size() || line[pos + 1] != '{') {
    return Error("an exemplar must be \" # {labels} value [timestamp]\"");
  }
  ++pos;
  exemplar_labels_.clear();
  OTELITE_RETURN_IF_ERROR(ParseLabelSet(line, &pos, &exemplar_labels_, "exemplar label"));
  // The limit first: every label has a character at least, so at most 128 labels are left for
  // the quadratic duplicate check.
  size_t characters = 0;
  for (const RawLabel& label : exemplar_labels_) {
    characters += label.name.size() + lexical::UnescapedCodePoints(label.raw);
  }
  if (characters > 128) {
    return Error(
        fmt::format("exemplar labels have {} characters, more than the 128 allowed", characters));
  }
  for (size_t i = 0; i < exemplar_labels_.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (exemplar_labels_[j].name == exemplar_labels_[i].name) {
        return Error(fmt::format("duplicate exemplar label name \"{}\"", exemplar_labels_[i].name));
      }
    }
  }
  if (pos >= line.size() || line[pos] != ' ') {
    return Error(fmt::format("expected a space and the exemplar's value after its labels, found {}",
                             Describe(line, pos)));
  }
  ++pos;
  size_t end = FindSpace(line, pos);
  std::string_view token = line.substr(pos, end - pos);
  if (token.empty()) return Error("exemplar has no value");
  switch (lexical::ParseNumber(token, &facts->value)) {
    case NumberStatus::kOk:
      break;
    case NumberStatus::kSyntax:
      return Error(fmt::format("invalid exemplar value {}", Quote(token)));
    case NumberStatus::kOutOfRange:
      return Error(fmt::format("exemplar value {} is beyond the float64 range", Quote(token)));
  }
  pos = end;
  if (pos < line.size()) {
    ++pos;
    end = FindSpace(line, pos);
    token = line.substr(pos, end - pos);
    if (token.empty()) {
      return Error(end >= line.size() ? "trailing space at the end of the line"
                                      : "two spaces before the exemplar timestamp");
    }
    double seconds = 0;
    OTELITE_RETURN_IF_ERROR(ParseTimestamp(token, "exemplar timestamp", &seconds));
    if (end < line.size()) {
      return Error(
          fmt::format("expected the end of the line after the exemplar timestamp, found {}",
                      Describe(line, end)));
    }
  }
  facts->present = true;
  return Status::Ok();
}

// raw_labels_ -> labels_: unescaped, sorted by name, names unique.
Status LineParser::BuildLabels() {
  labels_.clear();
  size_t escaped_bytes = 0;
  for (const RawLabel& label : raw_labels_) {
    if (label.escaped) escaped_bytes += label.raw.size();
  }
  // Unescaping only shrinks, so with this capacity unescaped_ never moves and the views into
  // it stay valid.
  unescaped_.clear();
  unescaped_.reserve(escaped_bytes);
  for (const RawLabel& label : raw_labels_) {
    std::string_view value = label.raw;
    if (label.escaped) {
      size_t start = unescaped_.size();
      lexical::AppendUnescaped(label.raw, &unescaped_);
      value = std::string_view(unescaped_).substr(start);
    }
    labels_.push_back({label.name, value});
  }
  auto by_name = [](const LabelView& a, const LabelView& b) { return a.name < b.name; };
  if (labels_.size() <= 16) {  // insertion sort: label sets are small and usually sorted
    for (size_t i = 1; i < labels_.size(); ++i) {
      for (size_t j = i; j > 0 && by_name(labels_[j], labels_[j - 1]); --j) {
        std::swap(labels_[j], labels_[j - 1]);
      }
    }
  } else {
    std::sort(labels_.begin(), labels_.end(), by_name);
  }
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0 && labels_[i].name == labels_[i - 1].name) {
      return Error(fmt::format("duplicate label name \"{}\"", labels_[i].name));
    }
    if (labels_[i].name == kMetricNameLabel) {
      return Error("label name \"__name__\" is reserved for the metric name");
    }
  }
  return Status::Ok();
}

}  // namespace

Status Parse(std::string_view text, Sink& sink, const ParseOptions& options) {
  LineParser parser(text, sink, options);
  return parser.Run();
}

Status Validate(std::string_view text, const ParseOptions& options) {
  Sink sink;
  return Parse(text, sink, options);
}

}  // namespace otelite::openmetrics
