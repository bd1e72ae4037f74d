#include "model/naming.h"

#include <cctype>

namespace otelite {
namespace {

bool IsMetricNameChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == ':'; }
bool IsLabelNameChar(unsigned char c) { return std::isalnum(c) || c == '_'; }

// Replaces every character (a UTF-8 code point, not a byte) outside `valid` with '_'.
template <typename Pred>
std::string ReplaceInvalid(std::string_view in, Pred valid) {
  std::string out;
  out.reserve(in.size() + 4);
  for (unsigned char c : in) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: already replaced
    out.push_back(c < 0x80 && valid(c) ? static_cast<char>(c) : '_');
  }
  return out;
}

}  // namespace

std::string SanitizeMetricName(std::string_view name) {
  std::string out = ReplaceInvalid(name, IsMetricNameChar);
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
  std::string out = ReplaceInvalid(stripped, IsMetricNameChar);
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
  std::string out = ReplaceInvalid(key, IsLabelNameChar);
  if (out.empty()) return out;
  if (std::isdigit(static_cast<unsigned char>(out[0]))) {
    out.insert(0, "key_");
  } else if (out[0] == '_' && (out.size() == 1 || out[1] != '_')) {
    out.insert(0, "key");
  }
  return out;
}

std::string LokiLabelName(std::string_view key) {
  std::string out = ReplaceInvalid(key, IsLabelNameChar);
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

}  // namespace otelite
