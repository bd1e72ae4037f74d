// The event store's WAL record: round trip, the string table, and malformed payloads.
#include "storage/logs/wal_record.h"

#include <gtest/gtest.h>

#include "logstore_test_util.h"

namespace otelite::logs {
namespace {

using namespace otelite::logs::testing;

LogBatch SampleBatch() {
  LogBatch b;
  b.streams.push_back({StreamLabels("a"),
                       {Entry(-5, "x", {{"k", "v"}, {"z", ""}}),
                        Entry(1'700'000'000'000'000'000, "x", {{"k", "v"}}), Entry(3, "", {})}});
  b.streams.push_back({Labels({{"service_name", "b"}, {"env", "prod"}}), {Entry(7, "y", {})}});
  b.streams.push_back({StreamLabels("c"), {}});
  return b;
}

TEST(LogWalRecord, RoundTripsEntriesInOrder) {
  std::vector<uint8_t> payload;
  DecodedRecord encoded, decoded;
  const LogBatch batch = SampleBatch();  // the encoded record's views point into it
  EncodeRecord(
      batch, [](int64_t) { return true; }, &payload, &encoded);
  ASSERT_TRUE(DecodeRecord(payload, &decoded).ok());
  ASSERT_EQ(decoded.streams.size(), 2u);  // the empty stream is left out
  EXPECT_EQ(decoded.streams[0].labels, StreamLabels("a"));
  EXPECT_EQ(decoded.streams[1].labels.Get("env"), "prod");
  ASSERT_EQ(decoded.entries.size(), 4u);
  EXPECT_EQ(decoded.entries[0].timestamp_ns, -5);
  EXPECT_EQ(decoded.entries[1].timestamp_ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(decoded.entries[2].timestamp_ns, 3);
  EXPECT_EQ(decoded.entries[2].line, "");
  EXPECT_EQ(decoded.entries[3].line, "y");
  auto meta = decoded.MetadataOf(decoded.entries[0]);
  ASSERT_EQ(meta.size(), 2u);
  EXPECT_EQ(meta[0], (std::pair<std::string_view, std::string_view>("k", "v")));
  EXPECT_EQ(meta[1], (std::pair<std::string_view, std::string_view>("z", "")));
  // What the encoder describes equals what the decoder reads.
  ASSERT_EQ(encoded.entries.size(), decoded.entries.size());
  for (size_t i = 0; i < encoded.entries.size(); ++i) {
    EXPECT_EQ(encoded.entries[i].timestamp_ns, decoded.entries[i].timestamp_ns);
    EXPECT_EQ(encoded.entries[i].line, decoded.entries[i].line);
  }
}

TEST(LogWalRecord, RepeatedStringsAreStoredOnce) {
  LogBatch b = Batch(StreamLabels("svc"), {});
  const std::string value(100, 'q');
  for (int i = 0; i < 100; ++i) b.streams[0].entries.push_back(Entry(i, value, {{"key", value}}));
  std::vector<uint8_t> payload;
  DecodedRecord record;
  EncodeRecord(
      b, [](int64_t) { return true; }, &payload, &record);
  EXPECT_LT(payload.size(), 100 * 6 + 300u);
}

TEST(LogWalRecord, KeepsOnlyWhatTheFilterAccepts) {
  std::vector<uint8_t> payload;
  DecodedRecord encoded, decoded;
  EncodeRecord(
      SampleBatch(), [](int64_t t) { return t > 5; }, &payload, &encoded);
  ASSERT_TRUE(DecodeRecord(payload, &decoded).ok());
  ASSERT_EQ(decoded.entries.size(), 2u);
  EXPECT_EQ(decoded.streams.size(), 2u);
}

TEST(LogWalRecord, MalformedPayloadsFailClearly) {
  std::vector<uint8_t> payload;
  DecodedRecord record;
  EncodeRecord(
      SampleBatch(), [](int64_t) { return true; }, &payload, &record);
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    std::vector<uint8_t> shorter(payload.begin(), payload.begin() + static_cast<ptrdiff_t>(cut));
    Status st = DecodeRecord(shorter, &record);
    EXPECT_FALSE(st.ok()) << cut;
    EXPECT_NE(st.message().find("log WAL record"), std::string::npos);
  }
  std::vector<uint8_t> other = payload;
  other[0] = 9;
  EXPECT_NE(DecodeRecord(other, &record).message().find("version 9"), std::string::npos);
  other = payload;
  other.push_back(0);
  EXPECT_FALSE(DecodeRecord(other, &record).ok());
}

}  // namespace
}  // namespace otelite::logs
