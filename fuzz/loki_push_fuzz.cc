// Loki push bodies and stream label strings: arbitrary bytes as a snappy protobuf body, the same
// bytes snappy-compressed (so they reach the protobuf decoding and validation), as a JSON body,
// and as a label string. Checks what must hold whatever the input: validation accounts for every
// entry, accepted streams have sorted unique labels and metadata, and a parsed label set printed
// back parses to the same labels.
#include <snappy.h>

#include <cstdint>
#include <string>

#include "ingest/loki_push/label_parser.h"
#include "ingest/loki_push/push.h"

namespace {

using otelite::Label;
namespace loki_push = otelite::loki_push;

constexpr int64_t kNow = 1700000000LL * 1000000000;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

bool SortedUnique(const std::vector<Label>& labels) {
  for (size_t i = 1; i < labels.size(); ++i) {
    if (!(labels[i - 1].name < labels[i].name)) return false;
  }
  return true;
}

void Validate(loki_push::DecodedRequest request, const loki_push::PushLimits& limits) {
  loki_push::PushOutcome outcome;
  loki_push::ValidatePush(std::move(request), limits, kNow, &outcome);
  Check(outcome.batch.EntryCount() + outcome.rejected_entries == outcome.received_entries);
  Check(outcome.errors.empty() == (outcome.rejected_entries == 0));
  for (const otelite::LogStream& stream : outcome.batch.streams) {
    Check(!stream.labels.empty() && !stream.entries.empty());
    Check(SortedUnique(stream.labels.items()));
    for (const otelite::LogEntry& entry : stream.entries) {
      Check(SortedUnique(entry.metadata));
      if (limits.max_line_size != 0) Check(entry.line.size() <= limits.max_line_size);
    }
  }
}

void DecodeAndValidate(std::string_view body, bool json) {
  static const loki_push::PushLimits kDefaults;
  static const loki_push::PushLimits kSmall = [] {
    loki_push::PushLimits l;
    l.max_line_size = 16;
    l.max_line_size_truncate = true;
    l.max_label_names_per_series = 3;
    l.max_label_value_length = 8;
    l.max_structured_metadata_entries_count = 4;
    l.max_structured_metadata_size = 64;
    l.discover_service_name.clear();
    return l;
  }();
  loki_push::DecodedRequest request;
  const otelite::Status st = json ? loki_push::DecodeJson(body, &request)
                                  : loki_push::DecodeProtobuf(body, 1 << 20, &request);
  if (!st.ok()) {
    Check(!st.message().empty());
    return;
  }
  Validate(request, kDefaults);
  Validate(std::move(request), kSmall);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  DecodeAndValidate(input, /*json=*/false);
  std::string compressed;
  snappy::Compress(input.data(), input.size(), &compressed);
  DecodeAndValidate(compressed, /*json=*/false);
  DecodeAndValidate(input, /*json=*/true);

  otelite::Result<std::vector<Label>> labels = loki_push::ParseLabelSet(input);
  if (labels.ok()) {
    const std::string printed = loki_push::FormatLabelSet(labels.value());
    otelite::Result<std::vector<Label>> again = loki_push::ParseLabelSet(printed);
    Check(again.ok() && again.value() == labels.value());
  } else {
    Check(labels.status().message().rfind("1:", 0) == 0);
  }
  return 0;
}
