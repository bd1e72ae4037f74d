// XOR chunks: every sample round-trips bit-exactly (NaN, stale markers, infinities, huge
// timestamp jumps), the size is what Gorilla promises for regular data, and corrupt bytes stop
// the reader instead of reading past the end.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "model/metric.h"
#include "storage/tsdb/chunk.h"

namespace otelite::tsdb {
namespace {

struct S {
  int64_t t;
  double v;
};

std::vector<S> RoundTrip(const std::vector<S>& in, size_t* bytes = nullptr) {
  XorChunkBuilder b;
  for (const S& s : in) b.Append(s.t, s.v);
  if (bytes) *bytes = b.bytes().size();
  EXPECT_EQ(b.count(), in.size());
  std::vector<S> out;
  XorChunkReader r(b.bytes());
  while (r.Next()) out.push_back({r.t(), r.v()});
  EXPECT_FALSE(r.corrupt());
  return out;
}

void ExpectSame(const std::vector<S>& a, const std::vector<S>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].t, b[i].t) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>(a[i].v), std::bit_cast<uint64_t>(b[i].v)) << i;
  }
}

TEST(TsdbChunk, EmptyChunkHasNoSamples) {
  XorChunkBuilder b;
  XorChunkReader r(b.bytes());
  EXPECT_FALSE(r.Next());
  EXPECT_FALSE(r.corrupt());
}

TEST(TsdbChunk, RegularCounterIsSmall) {
  std::vector<S> in;
  for (int i = 0; i < 120; ++i) in.push_back({1'700'000'000'000 + i * 60'000LL, 10.0 * i});
  size_t bytes = 0;
  ExpectSame(RoundTrip(in, &bytes), in);
  // Constant intervals cost 1 bit each; the values a few bytes each.
  EXPECT_LT(bytes, 120 * 3);
}

TEST(TsdbChunk, SpecialValuesRoundTripBitExactly) {
  std::vector<S> in = {{-5, 0.0},
                       {0, -0.0},
                       {1, std::numeric_limits<double>::infinity()},
                       {2, -std::numeric_limits<double>::infinity()},
                       {3, std::nan("")},
                       {4, StaleNaN()},
                       {5, std::numeric_limits<double>::denorm_min()},
                       {6, std::numeric_limits<double>::max()},
                       {7, 1.5},
                       {8, 1.5}};
  ExpectSame(RoundTrip(in), in);
}

TEST(TsdbChunk, EveryDeltaOfDeltaClassRoundTrips) {
  std::vector<S> in;
  int64_t t = std::numeric_limits<int64_t>::min() / 4;
  const int64_t steps[] = {1,         1, 2, 8192, 8191, 65536,     131072, 524288, 1 << 20,
                           1LL << 40, 3, 1, 8193, 1,    1LL << 33, 5,      7,      1000};
  for (int64_t step : steps) {
    in.push_back({t, static_cast<double>(t % 1000)});
    t += step;
  }
  ExpectSame(RoundTrip(in), in);
}

TEST(TsdbChunk, RandomDataRoundTrips) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<S> in;
    int64_t t = static_cast<int64_t>(rng() % 2'000'000'000'000ULL);
    double v = 0;
    const int n = 1 + static_cast<int>(rng() % 120);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0:
          t += 1 + static_cast<int64_t>(rng() % 100);
          break;
        case 1:
          t += 60'000;
          break;
        case 2:
          t += 1 + static_cast<int64_t>(rng() % 10'000'000);
          break;
        default:
          t += 1 + static_cast<int64_t>(rng() % (1ULL << 50));
          break;
      }
      switch (rng() % 4) {
        case 0:
          break;
        case 1:
          v += 1;
          break;
        case 2:
          v = std::bit_cast<double>(rng());
          break;
        default:
          v += static_cast<double>(rng() % 1000) / 1000.0;
          break;
      }
      in.push_back({t, v});
    }
    ExpectSame(RoundTrip(in), in);
  }
}

TEST(TsdbChunk, TruncatedBytesAreReportedAsCorrupt) {
  XorChunkBuilder b;
  for (int i = 0; i < 50; ++i) b.Append(i * 1000, i * 0.37);
  std::vector<uint8_t> bytes(b.bytes().begin(), b.bytes().end());
  for (size_t cut = 3; cut < bytes.size(); cut += 5) {
    std::span<const uint8_t> part(bytes.data(), cut);
    XorChunkReader r(part);
    int n = 0;
    while (r.Next()) ++n;
    EXPECT_LT(n, 50);
    EXPECT_TRUE(r.corrupt()) << "cut at " << cut;
  }
}

TEST(TsdbChunk, GarbageNeverReadsOutOfBounds) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    XorChunkReader r(bytes);
    int n = 0;
    while (r.Next() && n < 100000) ++n;
    EXPECT_LE(n, 65535);
  }
}

}  // namespace
}  // namespace otelite::tsdb
