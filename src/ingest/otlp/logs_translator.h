// OTLP logs -> canonical LogBatch, as Loki 3.x ingests OTLP: index labels from a configured
// list of resource attributes (Loki's default list), the body rendered as the line, and every
// other resource, scope and log attribute (plus severity, trace and span ids, flags) as
// structured metadata with Loki-normalised names. Invalid records are rejected one by one.
#pragma once

#include <string>
#include <vector>

#include "ingest/otlp/metrics_translator.h"
#include "ingest/otlp/wire_view.h"
#include "model/log.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace otelite::otlp {

// The resource attributes Loki 3.x turns into index labels by default
// (distributor.otlp_config default_resource_attributes_as_index_labels).
const std::vector<std::string>& DefaultLokiIndexAttributes();

class LogsTranslator {
 public:
  LogsTranslator(TranslateLimits limits, std::vector<std::string> index_attributes)
      : limits_(limits), index_attributes_(std::move(index_attributes)) {}

  void Translate(const LogsRequestView& request, int64_t now_ns, LogBatch* batch,
                 Rejections* rejections) const;
  // The same for a parsed request (through its view; fails only on an internal error).
  Status Translate(
      const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
      int64_t now_ns, LogBatch* batch, Rejections* rejections) const;

 private:
  TranslateLimits limits_;
  std::vector<std::string> index_attributes_;
};

}  // namespace otelite::otlp
