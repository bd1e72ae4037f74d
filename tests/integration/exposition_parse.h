// A small reader of the Prometheus text exposition for assertions in tests.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace otelite::testing {

struct ExposedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
  long long timestamp_ms = 0;
};

std::vector<ExposedSample> ParseExposition(const std::string& text);
// Sum of the values of every sample of `name` whose labels include all of `match`.
double SumOf(const std::vector<ExposedSample>& samples, const std::string& name,
             const std::map<std::string, std::string>& match = {});

}  // namespace otelite::testing
