// Shared by the template tests: labels in a map, a line and a timestamp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/logql/template.h"

namespace otelite::logql::testing {

class MapData : public TemplateData {
 public:
  MapData(std::map<std::string, std::string> labels, std::string line, int64_t ts_ns)
      : labels_(std::move(labels)), line_(std::move(line)), ts_ns_(ts_ns) {}

  std::optional<std::string_view> Label(std::string_view name) const override {
    auto it = labels_.find(std::string(name));
    if (it == labels_.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  void AllLabels(std::vector<std::pair<std::string_view, std::string_view>>* out) const override {
    for (const auto& [k, v] : labels_) out->emplace_back(k, v);
  }
  std::string_view Line() const override { return line_; }
  int64_t TimestampNs() const override { return ts_ns_; }

 private:
  std::map<std::string, std::string> labels_;
  std::string line_;
  int64_t ts_ns_;
};

// 2023-11-14T22:13:20.123456789Z
constexpr int64_t kTestTimestampNs = 1700000000123456789;

inline const MapData& StandardData() {
  static const MapData* data = new MapData(
      {
          {"method", "GET"},
          {"path", "/api/v1/query"},
          {"status", "200"},
          {"duration", "1500"},
          {"empty", ""},
          {"err", "ErrTimeout happened"},
          {"query", "line1\nline2"},
          {"n", "3"},
          {"f", "2.5"},
          {"json", R"({"foo": 55, "bar": [1, "two", null], "s": "x"})"},
          {"queries", R"j([{"query":"up"},{"query":"rate(x[5m])"}])j"},
          {"dashes", "a-b-c"},
          {"epoch", "1679577215"},
          {"date", "2021-11-02"},
          {"b64", "aGVsbG8="},
          {"nowEpoch", "1700000000"},
          {"createDateEpoch", "1699999000"},
      },
      "Hello World line", kTestTimestampNs);
  return *data;
}

struct Case {
  const char* text;
  const char* want;
};

// Runs `text` on `data`: the output, or "ERROR: <message>".
inline std::string RunTemplate(std::string_view text, const TemplateData& data = StandardData()) {
  Result<Template> t = Template::Parse(text);
  if (!t.ok()) return "PARSE ERROR: " + t.status().message();
  std::string out;
  Status st = t->Execute(data, &out);
  if (!st.ok()) return "ERROR: " + st.message();
  return out;
}

}  // namespace otelite::logql::testing
