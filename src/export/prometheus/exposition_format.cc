// Content negotiation for /metrics. The writers are in exposition_writer.cc.
#include "export/prometheus/exposition_format.h"

#include <algorithm>
#include <charconv>

namespace otelite {
namespace {

constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string_view Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// One element of an Accept header: `type/subtype *(; name=value)`.
struct MediaRange {
  std::string_view media_type;  // "type/subtype" as written
  std::string_view version;     // the `version` parameter, unquoted
  bool has_version = false;
  double q = 1.0;
};

MediaRange ParseMediaRange(std::string_view text) {
  MediaRange range;
  size_t semicolon = text.find(';');
  range.media_type = Trim(text.substr(0, semicolon));
  while (semicolon != std::string_view::npos) {
    text.remove_prefix(semicolon + 1);
    semicolon = text.find(';');
    std::string_view param = text.substr(0, semicolon);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = Trim(param.substr(0, eq));
    std::string_view value = Unquote(Trim(param.substr(eq + 1)));
    if (EqualsIgnoreCase(name, "q")) {
      // An unparsable q-value counts as 0 ("not acceptable"), as Go's goautoneg does.
      double q = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
      range.q =
          (ec == std::errc() && end == value.data() + value.size()) ? std::clamp(q, 0.0, 1.0) : 0.0;
    } else if (EqualsIgnoreCase(name, "version")) {
      range.version = value;
      range.has_version = true;
    }
  }
  return range;
}

}  // namespace

ExpositionFormat NegotiateExpositionFormat(std::string_view accept_header) {
  double best_text_q = 0;
  double best_open_metrics_q = 0;
  while (!accept_header.empty()) {
    size_t comma = accept_header.find(',');
    MediaRange range = ParseMediaRange(accept_header.substr(0, comma));
    accept_header.remove_prefix(comma == std::string_view::npos ? accept_header.size() : comma + 1);
    if (EqualsIgnoreCase(range.media_type, "application/openmetrics-text")) {
      if (!range.has_version || range.version == "1.0.0") {
        best_open_metrics_q = std::max(best_open_metrics_q, range.q);
      }
    } else if (EqualsIgnoreCase(range.media_type, "text/plain")) {
      if (!range.has_version || range.version == "0.0.4") {
        best_text_q = std::max(best_text_q, range.q);
      }
    }
  }
  return best_open_metrics_q > 0 && best_open_metrics_q >= best_text_q
             ? ExpositionFormat::kOpenMetrics100
             : ExpositionFormat::kText004;
}

std::string_view ContentTypeFor(ExpositionFormat format) {
  return format == ExpositionFormat::kOpenMetrics100 ? kOpenMetricsContentType : kTextContentType;
}

}  // namespace otelite
