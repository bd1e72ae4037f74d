// The whole content of a file as bytes ("" when it cannot be read): the tests' fixture reader.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace otelite::testing {

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace otelite::testing
