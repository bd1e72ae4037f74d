#include "core/float_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace otelite {

void AppendGoFloat(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]XX.
  char sci[64];
  auto [end, ec] = std::to_chars(sci, sci + sizeof(sci), value, std::chars_format::scientific);
  (void)ec;
  std::string_view s(sci, end - sci);
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t e_pos = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(s.substr(e_pos + 1)).c_str());
  // Go's shortest 'g' format uses %e when the decimal exponent is < -4 or >= 6 (the
  // precision of 6 that strconv applies when formatting shortest), %f otherwise.
  if (negative) out->push_back('-');
  if (exp < -4 || exp >= 6) {
    // %e form with minimal digits: d[.ddd]e±XX (at least two exponent digits).
    out->push_back(digits[0]);
    if (digits.size() > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    out->push_back('e');
    out->push_back(exp < 0 ? '-' : '+');
    int a = std::abs(exp);
    if (a < 10) out->push_back('0');
    out->append(std::to_string(a));
    return;
  }
  // %f form with minimal digits.
  if (exp < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp - 1), '0');
    out->append(digits);
  } else if (exp + 1 >= static_cast<int>(digits.size())) {
    out->append(digits);
    out->append(static_cast<size_t>(exp + 1 - digits.size()), '0');
  } else {
    out->append(digits, 0, exp + 1);
    out->push_back('.');
    out->append(digits, exp + 1, std::string::npos);
  }
}

std::string FormatGoFloat(double value) {
  std::string out;
  AppendGoFloat(value, &out);
  return out;
}

}  // namespace otelite
