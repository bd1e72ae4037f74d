// A FieldSink that records what a parser emits, for the stage tests.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/logql/field_sink.h"

namespace otelite::logql::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

class RecordingSink : public FieldSink {
 public:
  void Add(std::string_view name, std::string_view value) override {
    fields.emplace_back(std::string(name), std::string(value));
  }
  void AddMissing(std::string_view name) override { missing.emplace_back(name); }

  void Clear() {
    fields.clear();
    missing.clear();
  }

  Fields fields;
  std::vector<std::string> missing;
};

}  // namespace otelite::logql::testing
