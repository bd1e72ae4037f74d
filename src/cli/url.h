// URL helpers for the subcommands that talk to a running otelite.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace otelite::cli {

// Percent-encoding of a query value: everything but RFC 3986's unreserved characters.
inline std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace otelite::cli
