#include "model/naming.h"

#include <cctype>

namespace otelite {
namespace {

bool IsMetricNameChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == ':'; }
bool IsLabelNameChar(unsigned char c) { return std::isalnum(c) || c == '_'; }

}  // namespace

std::string SanitizeMetricName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (unsigned char c : name) out.push_back(c < 0x80 && IsMetricNameChar(c) ? c : '_');
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

std::string UnitSuffix(std::string_view unit) {
  std::string stripped;
  stripped.reserve(unit.size());
  int depth = 0;
  for (char c : unit) {
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      stripped.push_back(c);
    }
  }
  if (stripped == "1") return "";
  std::string out;
  out.reserve(stripped.size());
  for (unsigned char c : stripped) out.push_back(c < 0x80 && IsMetricNameChar(c) ? c : '_');
  // A unit that was only punctuation ("/", "%") carries no word: no suffix.
  bool has_word = false;
  for (unsigned char c : out) has_word |= std::isalnum(c) != 0;
  return has_word ? out : "";
}

std::string PrometheusMetricName(std::string_view otlp_name, std::string_view unit,
                                 OtlpMetricKind kind) {
  std::string name = SanitizeMetricName(otlp_name);
  std::string suffix = UnitSuffix(unit);
  if (!suffix.empty()) name += "_" + suffix;
  if (kind == OtlpMetricKind::kMonotonicSum &&
      !(name.size() >= 6 && name.compare(name.size() - 6, 6, "_total") == 0)) {
    name += "_total";
  }
  return name;
}

std::string PrometheusLabelName(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 4);
  for (unsigned char c : key) out.push_back(c < 0x80 && IsLabelNameChar(c) ? c : '_');
  if (out.empty()) return out;
  if (std::isdigit(static_cast<unsigned char>(out[0]))) {
    out.insert(0, "key_");
  } else if (out[0] == '_' && (out.size() == 1 || out[1] != '_')) {
    out.insert(0, "key");
  }
  return out;
}

std::string LokiLabelName(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) out.push_back(c < 0x80 && IsLabelNameChar(c) ? c : '_');
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

}  // namespace otelite
