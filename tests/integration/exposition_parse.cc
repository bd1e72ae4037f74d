#include "exposition_parse.h"

#include <cstdlib>
#include <sstream>

namespace otelite::testing {

std::vector<ExposedSample> ParseExposition(const std::string& text) {
  std::vector<ExposedSample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ExposedSample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        std::string key = line.substr(i, eq - i);
        i = eq + 2;  // skip ="
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value.push_back(line[i] == 'n' ? '\n' : line[i]);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        ++i;  // closing quote
        if (i < line.size() && line[i] == ',') ++i;
        while (i < line.size() && line[i] == ' ') ++i;
        s.labels[key] = value;
      }
      ++i;  // '}'
    }
    std::istringstream rest(line.substr(i));
    std::string value, ts;
    rest >> value >> ts;
    s.value = std::strtod(value.c_str(), nullptr);
    if (value == "+Inf") s.value = 1.0 / 0.0;
    s.timestamp_ms = ts.empty() ? 0 : std::atoll(ts.c_str());
    out.push_back(std::move(s));
  }
  return out;
}

double SumOf(const std::vector<ExposedSample>& samples, const std::string& name,
             const std::map<std::string, std::string>& match) {
  double sum = 0;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) ok = false;
    }
    if (ok) sum += s.value;
  }
  return sum;
}

}  // namespace otelite::testing
