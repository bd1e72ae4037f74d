#include "query/logql/ip_match.h"

#include <arpa/inet.h>

#include <cstring>

#include "core/go_text.h"
#include "query/promql/lexer.h"

namespace otelite::logql {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIpv4Char(char c) { return IsDigit(c) || c == '.'; }
bool IsIpv6Char(char c) { return IsHexDigit(c) || c == ':' || c == '.'; }

// Loki's hints that an address may start at p[0] (p has at least 4, resp. 5, bytes).
bool Ipv4Hint(const char* p) {
  return IsDigit(p[0]) && (p[1] == '.' || p[2] == '.' || p[3] == '.');
}
bool Ipv6Hint(const char* p) {
  return (p[0] == ':' && p[1] == ':' && IsHexDigit(p[2])) || (IsHexDigit(p[0]) && p[1] == ':') ||
         (IsHexDigit(p[0]) && IsHexDigit(p[1]) && p[2] == ':') ||
         (IsHexDigit(p[0]) && IsHexDigit(p[1]) && IsHexDigit(p[2]) && p[3] == ':') ||
         (IsHexDigit(p[0]) && IsHexDigit(p[1]) && IsHexDigit(p[2]) && IsHexDigit(p[3]) &&
          p[4] == ':');
}

// Go's netip.ParseAddr with an optional zone: *has_zone says whether one was given.
bool ParseAddressWithZone(std::string_view text, IpMatcher::Address* address, bool* has_zone) {
  *has_zone = false;
  const size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    // Only IPv6 takes a zone, and it must not be empty.
    const size_t special = text.find_first_of(".:");
    if (special == std::string_view::npos || special > percent || text[special] != ':') {
      return false;
    }
    if (percent + 1 == text.size()) return false;
    *has_zone = true;
    text = text.substr(0, percent);
  }
  return IpMatcher::ParseAddress(text, address);
}

int Compare(const IpMatcher::Address& a, const IpMatcher::Address& b) {
  return std::memcmp(a.bytes.data(), b.bytes.data(), a.v6 ? 16 : 4);
}

Status InvalidPattern(std::string_view pattern) {
  return Status::InvalidArgument("ip: invalid pattern: " + promql::QuoteString(pattern));
}

}  // namespace

bool IpMatcher::ParseAddress(std::string_view text, Address* address) {
  const size_t special = text.find_first_of(".:");
  if (special == std::string_view::npos) return false;
  // inet_pton wants a C string; no valid address text is this long.
  char copy[64];
  if (text.size() >= sizeof(copy) || text.find('\0') != std::string_view::npos) return false;
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  *address = Address{};
  if (text[special] == '.') {
    // Go decides by the first '.' or ':'; glibc's inet_pton rejects leading zeros as Go does.
    return inet_pton(AF_INET, copy, address->bytes.data()) == 1;
  }
  address->v6 = true;
  return inet_pton(AF_INET6, copy, address->bytes.data()) == 1;
}

Result<IpMatcher> IpMatcher::Compile(std::string_view pattern) {
  IpMatcher matcher;
  bool has_zone = false;
  // A single address.
  if (ParseAddressWithZone(pattern, &matcher.first_, &has_zone)) {
    matcher.kind_ = has_zone ? Kind::kNothing : Kind::kSingle;
    return matcher;
  }
  // A prefix: the last '/', an address without zone, bits "0" or without leading zeros.
  if (const size_t slash = pattern.rfind('/'); slash != std::string_view::npos) {
    const std::string_view bits = pattern.substr(slash + 1);
    bool bits_ok = !bits.empty() && bits.size() <= 3 && (bits.size() == 1 || bits[0] != '0');
    int value = 0;
    for (char c : bits) {
      bits_ok = bits_ok && IsDigit(c);
      if (bits_ok) value = value * 10 + (c - '0');
    }
    if (bits_ok && ParseAddressWithZone(pattern.substr(0, slash), &matcher.first_, &has_zone) &&
        !has_zone && value <= (matcher.first_.v6 ? 128 : 32)) {
      matcher.kind_ = Kind::kPrefix;
      matcher.bits_ = value;
      return matcher;
    }
  }
  // A range: the first '-', zones dropped, one family, first <= last.
  if (const size_t dash = pattern.find('-'); dash != std::string_view::npos) {
    if (ParseAddressWithZone(pattern.substr(0, dash), &matcher.first_, &has_zone) &&
        ParseAddressWithZone(pattern.substr(dash + 1), &matcher.last_, &has_zone) &&
        matcher.first_.v6 == matcher.last_.v6 && Compare(matcher.first_, matcher.last_) <= 0) {
      matcher.kind_ = Kind::kRange;
      return matcher;
    }
  }
  return InvalidPattern(pattern);
}

bool IpMatcher::Contains(const Address& address) const {
  switch (kind_) {
    case Kind::kSingle:
      return address.v6 == first_.v6 && Compare(address, first_) == 0;
    case Kind::kPrefix: {
      if (address.v6 != first_.v6) return false;
      const int whole = bits_ / 8;
      if (std::memcmp(address.bytes.data(), first_.bytes.data(), whole) != 0) return false;
      const int rest = bits_ % 8;
      if (rest == 0) return true;
      const auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
      return (address.bytes[whole] & mask) == (first_.bytes[whole] & mask);
    }
    case Kind::kRange:
      return address.v6 == first_.v6 && Compare(first_, address) <= 0 &&
             Compare(address, last_) <= 0;
    case Kind::kNothing:
      return false;
  }
  return false;
}

bool IpMatcher::MatchesLine(std::string_view line) const {
  const size_t n = line.size();
  const char* p = line.data();
  for (size_t i = 0; i < n; ++i) {
    bool (*in_charset)(char) = nullptr;
    if (i + 3 < n && Ipv4Hint(p + i)) {
      in_charset = IsIpv4Char;
    } else if (i + 4 < n && Ipv6Hint(p + i)) {
      in_charset = IsIpv6Char;
    } else {
      continue;
    }
    size_t length = 0;
    while (i + length < n && in_charset(p[i + length])) ++length;
    Address address;
    if (ParseAddress(line.substr(i, length), &address) && Contains(address)) return true;
    // Loki moves past the candidate and one more byte.
    i += length;
  }
  return false;
}

}  // namespace otelite::logql
