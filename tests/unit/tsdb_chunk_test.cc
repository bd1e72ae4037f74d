// Chunks: every sample round-trips bit-exactly (NaN, stale markers, infinities, huge
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
  ChunkBuilder b;
  for (const S& s : in) b.Append(s.t, s.v);
  if (bytes) *bytes = b.bytes().size();
  EXPECT_EQ(b.count(), in.size());
  std::vector<S> out;
  ChunkReader r(b.bytes());
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
  ChunkBuilder b;
  ChunkReader r(b.bytes());
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

TEST(TsdbChunk, JitteredSparseDecimalCountersAreCompact) {
  // Claude Code–like: a point per 60 s export (a few ms of jitter), sometimes skipping
  // intervals, cumulative values built from 3-decimal deltas (active time) in float arithmetic.
  std::vector<S> in;
  int64_t t = 1'700'000'000'000;
  double v = 0;
  for (int i = 0; i < 120; ++i) {
    t += 60'000 * (1 + (i % 7 == 3 ? 2 : 0)) + (i * 37) % 41 - 20;
    v += static_cast<double>((i * 7919) % 30'000) / 1000.0;
    in.push_back({t, v});
  }
  size_t bytes = 0;
  ExpectSame(RoundTrip(in, &bytes), in);
  // Gorilla needs ~9 bytes per sample here (noisy float sums); this encoding stays near 3.
  EXPECT_LT(bytes, 120u * 4) << bytes;
}

TEST(TsdbChunk, BaseTimeShiftsTheFirstTimestamp) {
  ChunkBuilder b(1'700'000'000'000), unbased;
  for (ChunkBuilder* c : {&b, &unbased}) {
    c->Append(1'700'000'000'000, 1);
    c->Append(1'700'000'060'000, 2);
  }
  EXPECT_LE(b.bytes().size() + 5, unbased.bytes().size());
  ChunkReader r(b.bytes(), 1'700'000'000'000);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.t(), 1'700'000'000'000);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.t(), 1'700'000'060'000);
  EXPECT_EQ(r.v(), 2);
}

TEST(TsdbChunk, SpecialValuesRoundTripBitExactly) {
  std::vector<S> in = {{-5, 0.0},
                       {0, -0.0},
                       {1, -0.0},
                       {2, 0.0},
                       {3, std::numeric_limits<double>::infinity()},
                       {4, -std::numeric_limits<double>::infinity()},
                       {5, std::nan("")},
                       {6, StaleNaN()},
                       {7, std::numeric_limits<double>::denorm_min()},
                       {8, std::numeric_limits<double>::max()},
                       {9, 1.5},
                       {10, 1.5},
                       {11, 0.1 + 0.2},
                       {12, -3},
                       {13, 1e300},
                       {14, -1e-300},
                       {15, std::numeric_limits<double>::quiet_NaN()}};
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

TEST(TsdbChunk, ExtremeTimestampsRoundTrip) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<S> in = {{lo, 1}, {lo + 1, 2}, {-1'700'000'000'000, 3}, {0, 4}, {hi - 5, 5}, {hi, 6}};
  ExpectSame(RoundTrip(in), in);
  std::vector<S> jump = {{lo, 1}, {hi, 2}};
  ExpectSame(RoundTrip(jump), jump);
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
  ChunkBuilder b;
  for (int i = 0; i < 50; ++i) b.Append(i * 1000, i * 0.37);
  std::vector<uint8_t> bytes(b.bytes().begin(), b.bytes().end());
  for (size_t cut = 3; cut < bytes.size(); cut += 5) {
    std::span<const uint8_t> part(bytes.data(), cut);
    ChunkReader r(part);
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
    ChunkReader r(bytes);
    int n = 0;
    while (r.Next() && n < 100000) ++n;
    EXPECT_LE(n, 65535);
  }
}

}  // namespace
}  // namespace otelite::tsdb
