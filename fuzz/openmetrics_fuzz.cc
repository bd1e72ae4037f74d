// libFuzzer target: arbitrary bytes as an OpenMetrics exposition (`otelite import
// openmetrics`). Besides not crashing (ASan/UBSan), the parser must keep its contract:
//   - success, or kInvalidArgument with a message "line N: <cause>";
//   - every sample's labels sorted by name, unique, without __name__, valid UTF-8, and its
//     name a metric name; ToLabels() adds __name__ and drops empty values;
//   - the options only relax or tighten: what the strict default accepts is accepted with
//     allow_negative_observations, with the same samples; what require_timestamps accepts is
//     accepted by the default.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/openmetrics/parser.h"

namespace {

using otelite::Status;
using otelite::StatusCode;
namespace om = otelite::openmetrics;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

class CheckingSink : public om::Sink {
 public:
  Status OnFamily(const om::Family& family) override {
    Check(!family.name.empty());
    Check(ValidUtf8(family.help));
    ++families;
    return Status::Ok();
  }
  Status OnSample(const om::Family& family, const om::Sample& sample) override {
    Check(!sample.name.empty() && sample.name.starts_with(family.name));
    Check(sample.has_timestamp || sample.timestamp_ms == 0);
    for (size_t i = 0; i < sample.labels.size(); ++i) {
      Check(!sample.labels[i].name.empty() && sample.labels[i].name != "__name__");
      Check(i == 0 || sample.labels[i - 1].name < sample.labels[i].name);
      Check(ValidUtf8(sample.labels[i].value));
    }
    if (samples % 64 == 0) {  // building Labels allocates; do it now and then
      otelite::Labels labels = sample.ToLabels();
      size_t non_empty = 0;
      for (const auto& label : sample.labels) non_empty += label.value.empty() ? 0 : 1;
      Check(labels.size() == non_empty + 1);
      Check(labels.Get("__name__") == sample.name);
    }
    ++samples;
    return Status::Ok();
  }

  size_t families = 0;
  size_t samples = 0;
};

Status Run(std::string_view text, const om::ParseOptions& options, CheckingSink* sink) {
  Status status = om::Parse(text, *sink, options);
  if (!status.ok()) {
    Check(status.code() == StatusCode::kInvalidArgument);
    Check(status.message().starts_with("line ") &&
          status.message().find(": ") != std::string::npos);
  }
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  CheckingSink strict_sink;
  Status strict = Run(text, {}, &strict_sink);

  om::ParseOptions relaxed;
  relaxed.allow_negative_observations = true;
  CheckingSink relaxed_sink;
  Status lenient = Run(text, relaxed, &relaxed_sink);
  if (strict.ok()) {
    Check(lenient.ok());
    Check(relaxed_sink.samples == strict_sink.samples);
    Check(relaxed_sink.families == strict_sink.families);
  }

  om::ParseOptions timestamps;
  timestamps.require_timestamps = true;
  CheckingSink timestamps_sink;
  if (Run(text, timestamps, &timestamps_sink).ok()) Check(strict.ok());
  return 0;
}
