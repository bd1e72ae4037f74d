// The metrics store's decoders on arbitrary bytes: a chunk (decoded samples re-encode to the
// same samples), and WAL records replayed into a head (series, samples, chunk records).
#include <cstdint>
#include <cstring>
#include <vector>

#include "storage/tsdb/chunk.h"
#include "storage/tsdb/head.h"

using namespace otelite::tsdb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0] % 2;
  std::span<const uint8_t> rest(data + 1, size - 1);
  if (mode == 0) {
    ChunkReader r(rest);
    std::vector<std::pair<int64_t, double>> samples;
    int64_t last = 0;
    while (r.Next()) {
      if (!samples.empty() && r.t() <= last) __builtin_trap();  // strictly increasing
      last = r.t();
      samples.emplace_back(r.t(), r.v());
    }
    ChunkBuilder b;
    for (const auto& [t, v] : samples) b.Append(t, v);
    ChunkReader again(b.bytes());
    for (const auto& [t, v] : samples) {
      if (!again.Next() || again.t() != t ||
          std::memcmp(&v, &static_cast<const double&>(again.v()), sizeof v) != 0) {
        __builtin_trap();
      }
    }
    return 0;
  }
  // WAL records: a type byte, a 2-byte length, then the payload; repeated.
  Head head({}, nullptr);
  size_t pos = 0;
  while (pos + 3 <= rest.size()) {
    const uint8_t type = rest[pos] % 4;
    const size_t len =
        std::min<size_t>((rest[pos + 1] << 8) | rest[pos + 2], rest.size() - pos - 3);
    (void)head.ReplayRecord(type, rest.subspan(pos + 3, len));
    pos += 3 + len;
  }
  auto q = head.NewQuerier();
  auto set = q->Select(INT64_MIN, INT64_MAX, {});
  if (set.ok()) {
    for (const auto& s : *set) {
      auto it = s->Iterator();
      while (it->Next()) {
      }
    }
  }
  return 0;
}
