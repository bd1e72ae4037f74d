// Helpers shared by the OTLP/JSON decoder tests (otlp_json_*_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ingest/otlp/json_decode.h"

namespace otelite::otlp::json_test {

namespace fs = std::filesystem;
using MetricsRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

inline std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

inline const AnyValue* Find(const google::protobuf::RepeatedPtrField<KeyValue>& attributes,
                            const std::string& key) {
  for (const KeyValue& kv : attributes) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

template <typename Request>
Request MustDecode(const std::string& body) {
  Request request;
  Status status = DecodeJson(body, &request);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return request;
}

// The message of the error decoding `body` as a Request, after checking that it is one.
template <typename Request>
std::string ErrorOf(const std::string& body) {
  Request request;
  Status status = DecodeJson(body, &request);
  EXPECT_FALSE(status.ok()) << body;
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_FALSE(status.message().empty());
  return status.message();
}

// A log record / span / metric / sum data point with `fields` inside, in the standard envelope.
inline std::string LogRecord(const std::string& fields) {
  return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{)" + fields + "}]}]}]}";
}
inline std::string Span(const std::string& fields) {
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)" + fields + "}]}]}]}";
}
inline std::string Metric(const std::string& fields) {
  return R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{)" + fields + "}]}]}]}";
}
inline std::string SumPoint(const std::string& fields) {
  return Metric(R"("sum":{"dataPoints":[{)" + fields + "}]}");
}

}  // namespace otelite::otlp::json_test
