// libFuzzer target: arbitrary bytes as a LogQL line_format/label_format template
// (query/logql/template.h), parsed and, when valid, executed on a small fixed label set. Besides
// not crashing (ASan/UBSan) and not running away (the engine's output and step limits), the
// template must keep its contract:
//   - Parse gives a template or an InvalidArgument error whose message starts "template: line:";
//   - Execute gives output within the output limit or an error naming the template;
//   - executing twice gives the same result, and a copy behaves like the original;
//   - a simple template's output is its text with label values substituted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/logql/template.h"

namespace {

namespace logql = otelite::logql;

void Check(bool condition) {
  if (!condition) std::abort();
}

class FixedData : public logql::TemplateData {
 public:
  std::optional<std::string_view> Label(std::string_view name) const override {
    for (const auto& [k, v] : kLabels) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
  void AllLabels(std::vector<std::pair<std::string_view, std::string_view>>* out) const override {
    for (const auto& kv : kLabels) out->push_back(kv);
  }
  std::string_view Line() const override {
    return R"({"level":"error","msg":"request failed","duration":"1.5s","n":3})";
  }
  int64_t TimestampNs() const override { return 1700000000123456789; }

 private:
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"method", "GET"},
      {"status", "200"},
      {"path", "/api/v1/query"},
      {"duration", "1500"},
      {"empty", ""},
      {"json", R"j({"a":[1,"two",{"b":null}],"c":2.5})j"},
      {"date", "2021-11-02"},
      {"epoch", "1679577215"},
      {"size", "1.5 MiB"},
      {"unicode", "h\xC3\xA9llo \xE2\x82\xAC"},
  };
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  otelite::Result<logql::Template> parsed = logql::Template::Parse(text, "line");
  if (!parsed.ok()) {
    Check(parsed.status().code() == otelite::StatusCode::kInvalidArgument);
    Check(parsed.status().message().rfind("template: line:", 0) == 0);
    return 0;
  }
  const logql::Template& t = *parsed;
  for (const std::string& label : t.referenced_labels()) (void)label;

  FixedData fixed;
  std::string out = "garbage";
  otelite::Status st = t.Execute(fixed, &out);
  if (st.ok()) {
    Check(out.size() <= logql::Template::kMaxOutputBytes);
  } else {
    Check(st.message().rfind("template: line", 0) == 0);
  }

  // Deterministic (unless it reads the clock), and copies share the same program.
  bool uses_clock =
      text.find("now") != std::string_view::npos || text.find("date") != std::string_view::npos;
  logql::Template copy = t;
  std::string again;
  otelite::Status st2 = copy.Execute(fixed, &again);
  Check(st.ok() == st2.ok());
  if (!uses_clock) {
    Check(st.ok() ? out == again : st.message() == st2.message());
  }

  if (t.is_simple()) {
    Check(st.ok());
    Check(!t.reads_line() && !t.reads_timestamp());
  }
  return 0;
}
