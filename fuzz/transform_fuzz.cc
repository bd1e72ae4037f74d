// libFuzzer target: Grafana transformations (dashboards/transform.h) on frames built from the
// input, with a transformation list parsed from the input (or one of a few fixed lists). Besides
// not crashing (ASan/UBSan):
//   - every output frame is rectangular (all its fields have the same number of values);
//   - the frames' JSON (dashboards/frames.h) is well-formed and parses back.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/frames.h"
#include "dashboards/transform.h"

namespace {

namespace dashboards = otelite::dashboards;

void Check(bool condition) {
  if (!condition) std::abort();
}

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Next() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

constexpr const char* kNames[] = {"Time",     "Value",      "model", "Value #A",
                                  "Value #B", "session_id", "Temp",  ""};
constexpr const char* kStrings[] = {"opus", "haiku", "", "s1", "a b"};

constexpr const char* kLists[] = {
    R"([{"id":"merge"},{"id":"organize","options":{"excludeByName":{"Time":true},
        "renameByName":{"model":"Model","Value #A":"Requests"},"indexByName":{"Value #B":0}}}])",
    R"([{"id":"reduce","options":{"reducers":["lastNotNull","sum","mean","max","min","count",
        "first","last","range","delta","diff","distinctCount"],"labelsToFields":true}}])",
    R"([{"id":"reduce","options":{"mode":"reduceFields","reducers":["mean","last"],
        "includeTimeField":true}},{"id":"seriesToRows"}])",
    R"([{"id":"joinByField","options":{"byField":"model"}},{"id":"sortBy",
        "options":{"sort":[{"field":"Value","desc":true},{"field":"model"}]}}])",
    R"([{"id":"seriesToColumns","options":{"mode":"inner"}},{"id":"labelsToFields",
        "options":{"valueLabel":"model"}},{"id":"calculateField","options":{"mode":"binary",
        "binary":{"left":"Value","operator":"/","right":"Temp"},"replaceFields":true}}])",
    R"([{"id":"labelsToFields","options":{"mode":"rows"}},{"id":"calculateField",
        "options":{"mode":"reduceRow","reduce":{"reducer":"mean"}}},{"id":"filterFieldsByName",
        "options":{"include":{"pattern":"^V"},"exclude":{"names":["Time"]}}}])",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  // Up to the first NUL: a transformation list (when it is JSON), the rest builds the frames.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  rapidjson::Document transformations;
  if (nul != std::string_view::npos) {
    transformations.Parse(input.data(), nul);
  }
  const size_t frames_at = nul == std::string_view::npos ? 0 : nul + 1;
  Bytes bytes(data + frames_at, size - frames_at);
  if (nul == std::string_view::npos || transformations.HasParseError()) {
    transformations.Parse(kLists[bytes.Next() % std::size(kLists)]);
  }

  std::vector<dashboards::Frame> frames(bytes.Next() % 4);
  for (dashboards::Frame& frame : frames) {
    frame.ref_id = std::string(1, static_cast<char>('A' + bytes.Next() % 3));
    if (bytes.Next() & 1) frame.name = kStrings[bytes.Next() % std::size(kStrings)];
    const size_t fields = bytes.Next() % 5;
    const size_t rows = bytes.Next() % 6;
    for (size_t f = 0; f < fields; ++f) {
      dashboards::Field field;
      field.name = kNames[bytes.Next() % std::size(kNames)];
      field.type = static_cast<dashboards::FieldType>(bytes.Next() % 5);
      if (bytes.Next() % 3 == 0) {
        field.labels = otelite::Labels(
            std::vector<otelite::Label>{{"model", kStrings[bytes.Next() % std::size(kStrings)]},
                                        {"job", kStrings[bytes.Next() % std::size(kStrings)]}});
      }
      for (size_t r = 0; r < rows; ++r) {
        const uint8_t kind = bytes.Next();
        switch (kind % 8) {
          case 0:
            field.values.emplace_back();
            break;
          case 1:
            field.values.emplace_back(std::numeric_limits<double>::quiet_NaN());
            break;
          case 2:
            field.values.emplace_back((kind & 8) ? std::numeric_limits<double>::infinity()
                                                 : -std::numeric_limits<double>::infinity());
            break;
          case 3:
            field.values.emplace_back(std::string(kStrings[bytes.Next() % std::size(kStrings)]));
            break;
          case 4:
            field.values.emplace_back(field.labels);
            break;
          default:
            field.values.emplace_back(static_cast<double>(static_cast<int8_t>(bytes.Next())) *
                                      (kind % 8 == 7 ? 0.25 : 1000.0));
        }
      }
      frame.fields.push_back(std::move(field));
    }
  }

  std::vector<std::string> warnings;
  std::vector<dashboards::Frame> out =
      dashboards::ApplyTransformations(std::move(frames), transformations, &warnings);
  for (const dashboards::Frame& frame : out) {
    for (const dashboards::Field& field : frame.fields) {
      Check(field.values.size() == frame.rows());
    }
  }
  rapidjson::StringBuffer buf;
  dashboards::JsonWriter w(buf);
  dashboards::WriteFrames(out, w);
  Check(w.IsComplete());
  rapidjson::Document parsed;
  parsed.Parse(buf.GetString(), buf.GetSize());
  Check(!parsed.HasParseError() && parsed.IsArray() && parsed.Size() == out.size());
  return 0;
}
