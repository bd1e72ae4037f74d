// `ip("…")` in line filters (`|= ip("10.0.0.0/8")`, `!= ip(…)`) and label filters
// (`| addr = ip("…")`, `!=`): does the text hold an IP address within the pattern?
//
// The pattern is, tried in this order as Loki (Go's net/netip) does:
//   - one address, IPv4 ("192.0.2.1", no leading zeros) or IPv6 ("::1", "2001:db8::1",
//     "::ffff:1.2.3.4"; a zone "fe80::1%eth0" is accepted but then matches nothing);
//   - a CIDR prefix "192.51.100.0/24", "2001:db8::/32" (bits 0..32 / 0..128, no leading zeros);
//   - a range "192.168.0.1-192.168.0.9" (first '-'; both ends of one family, first <= last).
// Anything else: "ip: invalid pattern: \"<pattern>\"" (Go's %q quoting).
//
// Matching scans the text as Loki does, not as a whole-value comparison: at every position
// where an IPv4 ("d.", "dd.", "ddd.") or IPv6 ("::h", "h:", "hh:", "hhh:", "hhhh:") start is
// seen, the run of address characters there is parsed; the text matches when one such address
// is in the pattern (same family only: 1.2.3.4 is not ::ffff:1.2.3.4). So "src=10.0.0.9;" matches
// 10.0.0.0/8, and "91.2.3.4" does not match 1.2.3.4. A label value is scanned the same way.
//
// Thread-safety: immutable after Compile; safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace otelite::logql {

class IpMatcher {
 public:
  static Result<IpMatcher> Compile(std::string_view pattern);

  // Line filter: `|= ip(…)` keeps the line when this is true, `!= ip(…)` when false.
  bool MatchesLine(std::string_view line) const;

  // Label filter: the same scan over the label's value. (Loki: an absent label never passes,
  // neither `=` nor `!=`, and an entry that already has __error__ passes; the engine decides.)
  bool MatchesValue(std::string_view value) const { return MatchesLine(value); }

  // A parsed address: IPv4 uses the first 4 bytes.
  struct Address {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};
  };

  // Go's netip.ParseAddr without zones (exposed for tests).
  static bool ParseAddress(std::string_view text, Address* address);

 private:
  enum class Kind { kSingle, kPrefix, kRange, kNothing };

  bool Contains(const Address& address) const;

  Kind kind_ = Kind::kNothing;
  Address first_;  // the address, the prefix's address or the range's first
  Address last_;   // the range's last
  int bits_ = 0;   // the prefix length
};

}  // namespace otelite::logql
