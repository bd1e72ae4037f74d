#include "render/units.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace otelite::render {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string NonFinite(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "∞" : "-∞";
}

// The shortest round-trip digits of |value| (finite, non-zero) and the decimal exponent n such
// that value = 0.d1d2… × 10^n (ECMAScript's Number::toString variables k digits and n).
void ShortestDigits(double value, std::string* digits, int* n) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
  std::string_view text(buf, r.ptr - buf);
  const size_t e = text.find('e');
  digits->clear();
  for (char c : text.substr(0, e)) {
    if (c != '.') digits->push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
  *n = exponent + 1;
}

}  // namespace

std::string JsNumberToString(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return "0";
  std::string digits;
  int n = 0;
  ShortestDigits(value, &digits, &n);
  const int k = static_cast<int>(digits.size());
  std::string out = value < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n);
    out += '.';
    out += digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

double JsRound(double value) {
  if (!std::isfinite(value)) return value;
  const double f = std::floor(value);
  // value - floor(value) is exact for doubles, so halves are detected exactly.
  return value - f >= 0.5 ? f + 1 : f;
}

int AutoDecimals(double value) {
  if (value == 0 || !std::isfinite(value)) return 0;
  const double exponent = std::floor(std::log(std::fabs(value)) / M_LN10);
  double decimals = 1 - exponent;
  // Deliberately signed (Grafana's behaviour): only positive values get the extra digit.
  if (value / std::pow(10, -decimals) > 2.25) decimals += 1;
  if (std::fmod(value, 1) == 0) decimals = 0;
  return static_cast<int>(std::clamp(decimals, 0.0, 400.0));
}

std::string ToFixed(double value, Decimals decimals) {
  if (!std::isfinite(value)) return NonFinite(value);
  int d = decimals.has_value() ? *decimals : AutoDecimals(value);
  if (d < 0) d = 0;
  d = std::min(d, 100);
  if (value == 0) return d > 0 ? "0." + std::string(d, '0') : "0";
  const double factor = d > 0 ? std::pow(10, d) : 1;
  std::string text = JsNumberToString(JsRound(value * factor) / factor);
  if (text.find('e') != std::string::npos || text == "NaN" ||
      text.find("Infinity") != std::string::npos) {
    return text;
  }
  const size_t dot = text.find('.');
  const int have = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  if (have >= d) return text;
  if (dot == std::string::npos) text += '.';
  text.append(d - have, '0');
  return text;
}

namespace {

using Formatter = std::function<FormattedValue(double, Decimals)>;

Formatter FixedUnit(std::string unit, bool as_prefix = false) {
  return [unit = std::move(unit), as_prefix](double v, Decimals d) {
    FormattedValue out;
    out.text = ToFixed(v, d);
    if (unit.empty()) return out;
    if (as_prefix) {
      out.prefix = unit;
    } else {
      out.suffix = " " + unit;
    }
    return out;
  };
}

// Divides by factor^k and picks suffixes[offset + k] (units.ts `scaled`).
Formatter Scaled(double factor, std::vector<std::string> suffixes, int offset = 0) {
  return [factor, suffixes = std::move(suffixes), offset](double v, Decimals d) {
    FormattedValue out;
    if (!std::isfinite(v)) {
      out.text = NonFinite(v);
      return out;
    }
    const double raw = std::floor(std::log10(std::fabs(v)) / std::log10(factor));
    const double index = std::isfinite(raw) ? raw : -kInf;
    const double last = static_cast<double>(suffixes.size()) - 1;
    const double suffix_index = std::clamp(offset + index, 0.0, last);
    const double power = std::clamp(index, static_cast<double>(-offset), last - offset);
    out.text = ToFixed(v / std::pow(factor, power), d);
    out.suffix = suffixes[static_cast<size_t>(suffix_index)];
    return out;
  };
}

const std::vector<std::string> kSiPrefixes = {"f", "p", "n", "µ", "m", "",  "k",
                                              "M", "G", "T", "P", "E", "Z", "Y"};
constexpr int kSiBase = 5;
const std::vector<std::string> kBinPrefixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

Formatter SiPrefix(const std::string& unit, int offset = 0) {
  std::vector<std::string> s;
  for (const auto& p : kSiPrefixes) s.push_back(" " + p + unit);
  return Scaled(1000, std::move(s), kSiBase + offset);
}

Formatter BinaryPrefix(const std::string& unit, int offset = 0) {
  std::vector<std::string> s;
  for (const auto& p : kBinPrefixes) s.push_back(" " + p + unit);
  return Scaled(1024, std::move(s), offset);
}

const std::vector<std::string> kCountSuffixes = {"", "K", "M", "B", "T"};

Formatter Currency(std::string symbol, bool as_suffix = false) {
  Formatter scaler = Scaled(1000, kCountSuffixes);
  return [scaler, symbol = std::move(symbol), as_suffix](double v, Decimals d) {
    const bool negative = v < 0;
    FormattedValue out = scaler(negative ? -v : v, d);
    if (as_suffix) {
      out.suffix += symbol;
    } else {
      out.prefix = symbol;
    }
    if (negative) out.prefix = "-" + out.prefix;
    return out;
  };
}

Formatter CountUnit(std::string symbol) {
  Formatter scaler = Scaled(1000, kCountSuffixes);
  return [scaler, symbol = std::move(symbol)](double v, Decimals d) {
    FormattedValue out = scaler(v, d);
    out.suffix += " " + symbol;
    return out;
  };
}

struct TimeStep {
  double below;
  double divide;
  const char* suffix;
};

Formatter TimeScaled(std::vector<TimeStep> steps, TimeStep last) {
  return [steps = std::move(steps), last](double v, Decimals d) {
    FormattedValue out;
    if (!std::isfinite(v)) {
      out.text = NonFinite(v);
      return out;
    }
    const double abs = std::fabs(v);
    for (const TimeStep& s : steps) {
      if (abs < s.below) {
        out.text = ToFixed(v / s.divide, d);
        out.suffix = s.suffix;
        return out;
      }
    }
    out.text = ToFixed(v / last.divide, d);
    out.suffix = last.suffix;
    return out;
  };
}

FormattedValue Seconds(double v, Decimals d) {
  static const Formatter above1 = TimeScaled({{60, 1, " s"},
                                              {3600, 60, " min"},
                                              {86400, 3600, " hour"},
                                              {604800, 86400, " day"},
                                              {31536000, 604800, " week"}},
                                             {0, 3.15569e7, " year"});
  if (v == 0) return {"", "0", " s"};
  const double abs = std::fabs(v);
  if (abs < 0.000001) return {"", ToFixed(v * 1e9, d), " ns"};
  if (abs < 0.001) return {"", ToFixed(v * 1e6, d), " µs"};
  if (abs < 1) return {"", ToFixed(v * 1e3, d), " ms"};
  return above1(v, d);
}

struct DurationUnit {
  const char* name;
  double ms;
};
constexpr DurationUnit kDurationUnits[] = {
    {"year", 31536000000.0}, {"month", 2592000000.0}, {"week", 604800000.0}, {"day", 86400000.0},
    {"hour", 3600000.0},     {"minute", 60000.0},     {"second", 1000.0},    {"millisecond", 1}};

FormattedValue Duration(double ms_per_unit, const std::string& unit_name, double v, Decimals d) {
  if (!std::isfinite(v)) return {"", NonFinite(v), ""};
  if (v == 0) return {"", "0", " " + unit_name + "s"};
  if (v < 0) {
    FormattedValue out = Duration(ms_per_unit, unit_name, -v, d);
    out.suffix += " ago";
    return out;
  }
  double rest = v * ms_per_unit;
  int more = d.value_or(0);
  bool started = false;
  std::string text;
  for (const DurationUnit& u : kDurationUnits) {
    if (more < 0) break;
    const double n = rest / u.ms;
    if (n >= 1 || started) {
      started = true;
      const double whole = std::floor(n);
      if (!text.empty()) text += ", ";
      text += JsNumberToString(whole) + " " + u.name + (whole != 1 ? "s" : "");
      rest = std::fmod(rest, u.ms);
      more--;
    }
  }
  return {"", text, ""};
}

std::string Pad2(double n) {
  std::string s = JsNumberToString(n);
  return n > 9 ? s : "0" + s;
}

FormattedValue Hms(double v) {
  if (v < 0) return {"", Hms(-v).text, " ago"};
  const double h = std::floor(v / 3600);
  const double m = std::floor(std::fmod(v, 3600) / 60);
  const double s = std::floor(std::fmod(std::fmod(v, 3600), 60));
  return {"", Pad2(h) + ":" + Pad2(m) + ":" + Pad2(s), ""};
}

FormattedValue Dhms(double v) {
  if (v < 0) return {"", Dhms(-v).text, " ago"};
  const double days = std::floor(v / 86400);
  std::string text = days > 0 ? JsNumberToString(days) + " d " : "";
  return {"", text + Hms(v - days * 86400).text, ""};
}

// Intl.NumberFormat('en-US', {maximumFractionDigits: d}): the shortest decimal text of the
// value rounded half away from zero at d decimals, trailing zeros dropped, grouped by commas.
FormattedValue Locale(double v, Decimals decimals) {
  if (!std::isfinite(v)) return {"", NonFinite(v), ""};
  const int d = decimals.has_value() ? std::clamp(*decimals, 0, 20) : 3;
  std::string int_part = "0";
  std::string frac;
  if (v != 0) {
    std::string digits;
    int n = 0;
    ShortestDigits(v, &digits, &n);
    // Place the digits: integer digits, then fraction digits.
    std::string all;  // digits with the decimal point after position `point`
    int point = n;
    if (point <= 0) {
      all = std::string(-point + 1, '0') + digits;
      point = 1;
    } else if (point > static_cast<int>(digits.size())) {
      all = digits + std::string(point - digits.size(), '0');
    } else {
      all = digits;
    }
    std::string ip = all.substr(0, point);
    std::string fp = all.substr(point);
    if (static_cast<int>(fp.size()) > d) {
      const bool up = fp[d] >= '5';
      fp.resize(d);
      if (up) {
        // Increment the number ip.fp by one unit in the last place.
        std::string joined = ip + fp;
        int i = static_cast<int>(joined.size()) - 1;
        while (i >= 0 && joined[i] == '9') joined[i--] = '0';
        if (i < 0) {
          joined.insert(joined.begin(), '1');
          ip = joined.substr(0, ip.size() + 1);
        } else {
          joined[i]++;
          ip = joined.substr(0, ip.size());
        }
        fp = joined.substr(ip.size());
      }
    }
    while (!fp.empty() && fp.back() == '0') fp.pop_back();
    size_t nz = ip.find_first_not_of('0');
    int_part = nz == std::string::npos ? "0" : ip.substr(nz);
    frac = fp;
  }
  std::string grouped;
  const int len = static_cast<int>(int_part.size());
  for (int i = 0; i < len; ++i) {
    if (i > 0 && (len - i) % 3 == 0) grouped += ',';
    grouped += int_part[i];
  }
  std::string text = (std::signbit(v) ? "-" : "") + grouped;
  if (!frac.empty()) text += "." + frac;
  return {"", text, ""};
}

Formatter Bool(std::string t, std::string f) {
  return [t = std::move(t), f = std::move(f)](double v, Decimals) {
    return FormattedValue{"", (v != 0 && !std::isnan(v)) ? t : f, ""};
  };
}

std::string ToUpperHex(double v) {
  if (!std::isfinite(v)) return "NAN";
  const bool negative = v < 0;
  double a = std::fabs(v);
  double ip = std::floor(a);
  double fp = a - ip;
  std::string digits;
  static const char* kHex = "0123456789ABCDEF";
  if (ip == 0) digits = "0";
  while (ip >= 1) {
    const double q = std::floor(ip / 16);
    digits.insert(digits.begin(), kHex[static_cast<int>(ip - q * 16)]);
    ip = q;
  }
  if (fp > 0) {
    digits += '.';
    for (int i = 0; i < 13 && fp > 0; ++i) {
      fp *= 16;
      const int digit = static_cast<int>(fp);
      digits += kHex[digit];
      fp -= digit;
    }
  }
  return (negative ? "-" : "") + digits;
}

// Number.prototype.toExponential(d): d digits after the point (the shortest when unset).
std::string ToExponential(double v, Decimals d) {
  if (!std::isfinite(v)) return NonFinite(v);
  std::string mantissa;
  int exponent = 0;
  if (!d.has_value()) {
    if (v == 0) return "0e+0";
    std::string digits;
    int n = 0;
    ShortestDigits(v, &digits, &n);
    mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    exponent = n - 1;
    return (v < 0 ? "-" : "") + mantissa + "e" + (exponent >= 0 ? "+" : "-") +
           std::to_string(std::abs(exponent));
  }
  const int digits = std::clamp(*d, 0, 100);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.*e", digits, v);
  std::string text(buf);
  const size_t e = text.find('e');
  mantissa = text.substr(0, e);
  exponent = std::atoi(text.c_str() + e + 1);
  return mantissa + "e" + (exponent >= 0 ? "+" : "-") + std::to_string(std::abs(exponent));
}

using FormatTable = std::unordered_map<std::string, Formatter>;

FormatTable BuildFormats() {
  FormatTable f;
  f["none"] = FixedUnit("");
  f["string"] = [](double v, Decimals) { return FormattedValue{"", JsNumberToString(v), ""}; };
  f["short"] =
      Scaled(1000, {"", " K", " Mil", " Bil", " Tri", " Quadr", " Quint", " Sext", " Sept"});
  f["percent"] = [](double v, Decimals d) { return FormattedValue{"", ToFixed(v, d), "%"}; };
  f["percentunit"] = [](double v, Decimals d) {
    return FormattedValue{"", ToFixed(100 * v, d), "%"};
  };
  f["humidity"] = FixedUnit("%H");
  f["dB"] = FixedUnit("dB");
  f["hex"] = [](double v, Decimals d) {
    const std::string fixed = ToFixed(v, d);
    char* end = nullptr;
    const double parsed = std::strtod(fixed.c_str(), &end);
    return FormattedValue{"", end == fixed.c_str() ? "NAN" : ToUpperHex(parsed), ""};
  };
  f["hex0x"] = [](double v, Decimals d) {
    const std::string fixed = ToFixed(v, d);
    char* end = nullptr;
    const double parsed = std::strtod(fixed.c_str(), &end);
    std::string t = end == fixed.c_str() ? "NAN" : ToUpperHex(parsed);
    return FormattedValue{"", t[0] == '-' ? "-0x" + t.substr(1) : "0x" + t, ""};
  };
  f["sci"] = [](double v, Decimals d) { return FormattedValue{"", ToExponential(v, d), ""}; };
  f["locale"] = Locale;
  f["pixel"] = FixedUnit("px");
  const std::pair<const char*, const char*> currencies[] = {
      {"currencyUSD", "$"},   {"currencyGBP", "£"},   {"currencyEUR", "€"},  {"currencyJPY", "¥"},
      {"currencyRUB", "₽"}, {"currencyUAH", "₴"},   {"currencyBRL", "R$"}, {"currencyCZK", "czk"},
      {"currencyCHF", "CHF"}, {"currencyPLN", "PLN"}, {"currencyBTC", "฿"},  {"currencyZAR", "R"},
      {"currencyINR", "₹"},   {"currencyKRW", "₩"}};
  for (const auto& [id, symbol] : currencies) f[id] = Currency(symbol);
  for (const char* id : {"currencyDKK", "currencyISK", "currencyNOK", "currencySEK"}) {
    f[id] = Currency("kr", true);
  }
  f["bytes"] = BinaryPrefix("B");
  f["decbytes"] = SiPrefix("B");
  f["bits"] = BinaryPrefix("b");
  f["decbits"] = SiPrefix("b");
  f["kbytes"] = BinaryPrefix("B", 1);
  f["deckbytes"] = SiPrefix("B", 1);
  f["mbytes"] = BinaryPrefix("B", 2);
  f["decmbytes"] = SiPrefix("B", 2);
  f["gbytes"] = BinaryPrefix("B", 3);
  f["decgbytes"] = SiPrefix("B", 3);
  f["tbytes"] = BinaryPrefix("B", 4);
  f["dectbytes"] = SiPrefix("B", 4);
  f["pps"] = SiPrefix("p/s");
  f["binBps"] = BinaryPrefix("B/s");
  f["Bps"] = SiPrefix("B/s");
  f["binbps"] = BinaryPrefix("b/s");
  f["bps"] = SiPrefix("b/s");
  f["KiBs"] = BinaryPrefix("B/s", 1);
  f["KBs"] = SiPrefix("B/s", 1);
  f["MiBs"] = BinaryPrefix("B/s", 2);
  f["MBs"] = SiPrefix("B/s", 2);
  f["hertz"] = SiPrefix("Hz");
  f["ns"] = TimeScaled({{1000, 1, " ns"},
                        {1e6, 1000, " µs"},
                        {1e9, 1e6, " ms"},
                        {6e10, 1e9, " s"},
                        {3.6e12, 6e10, " min"},
                        {8.64e13, 3.6e12, " hour"}},
                       {0, 8.64e13, " day"});
  f["µs"] = f["us"] = TimeScaled({{1000, 1, " µs"}, {1e6, 1000, " ms"}}, {0, 1e6, " s"});
  f["ms"] = TimeScaled({{1000, 1, " ms"},
                        {60000, 1000, " s"},
                        {3600000, 60000, " min"},
                        {86400000, 3600000, " hour"},
                        {31536000000.0, 86400000, " day"}},
                       {0, 31536000000.0, " year"});
  f["s"] = Seconds;
  f["m"] = TimeScaled(
      {{60, 1, " min"}, {1440, 60, " hour"}, {10080, 1440, " day"}, {604800, 10080, " week"}},
      {0, 5.25948e5, " year"});
  f["h"] =
      TimeScaled({{24, 1, " hour"}, {168, 24, " day"}, {8760, 168, " week"}}, {0, 8760, " year"});
  f["d"] = TimeScaled({{7, 1, " day"}, {365, 7, " week"}}, {0, 365, " year"});
  f["dtdurationms"] = [](double v, Decimals d) { return Duration(1, "millisecond", v, d); };
  f["dtdurations"] = [](double v, Decimals d) { return Duration(1000, "second", v, d); };
  f["dthms"] = [](double v, Decimals) { return Hms(v); };
  f["dtdhms"] = [](double v, Decimals) { return Dhms(v); };
  const std::pair<const char*, const char*> counts[] = {
      {"cps", "c/s"},     {"ops", "ops/s"},     {"reqps", "req/s"}, {"rps", "rd/s"},
      {"wps", "wr/s"},    {"iops", "io/s"},     {"eps", "evt/s"},   {"mps", "msg/s"},
      {"recps", "rec/s"}, {"rowsps", "rows/s"}, {"cpm", "c/m"},     {"opm", "ops/m"},
      {"reqpm", "req/m"}};
  for (const auto& [id, symbol] : counts) f[id] = CountUnit(symbol);
  f["watt"] = SiPrefix("W");
  f["kwatt"] = SiPrefix("W", 1);
  f["volt"] = SiPrefix("V");
  f["amp"] = SiPrefix("A");
  f["celsius"] = FixedUnit("°C");
  f["fahrenheit"] = FixedUnit("°F");
  f["kelvin"] = FixedUnit("K");
  f["lengthm"] = SiPrefix("m");
  f["lengthkm"] = SiPrefix("m", 1);
  f["massg"] = SiPrefix("g");
  f["masskg"] = SiPrefix("g", 1);
  f["bool"] = Bool("True", "False");
  f["bool_yes_no"] = Bool("Yes", "No");
  f["bool_on_off"] = Bool("On", "Off");
  return f;
}

Formatter CustomFormatter(const std::string& id) {
  const size_t colon = id.find(':');
  if (colon != std::string::npos && colon > 0) {
    const std::string kind = id.substr(0, colon);
    const std::string sub = id.substr(colon + 1);
    if (kind == "prefix") return FixedUnit(sub, true);
    if (kind == "suffix") return FixedUnit(sub);
    if (kind == "count") return CountUnit(sub);
    if (kind == "currency") return Currency(sub);
    if (kind == "si") {
      // The first character (one UTF-8 sequence) may be an SI prefix; μ (Greek mu) is µ.
      std::string first;
      if (!sub.empty()) {
        size_t len = 1;
        const unsigned char c = static_cast<unsigned char>(sub[0]);
        if (c >= 0xF0) {
          len = 4;
        } else if (c >= 0xE0) {
          len = 3;
        } else if (c >= 0xC0) {
          len = 2;
        }
        first = sub.substr(0, std::min(len, sub.size()));
      }
      if (first == "μ") first = "µ";
      auto it = std::find(kSiPrefixes.begin(), kSiPrefixes.end(), first);
      const int p = it == kSiPrefixes.end() ? -1 : static_cast<int>(it - kSiPrefixes.begin());
      const int offset = p < 0 || first.empty() ? 0 : p - kSiBase;
      return SiPrefix(offset == 0 ? sub : sub.substr(first.size()), offset);
    }
    if (kind == "bool") {
      const size_t slash = sub.find('/');
      if (slash != std::string::npos) return Bool(sub.substr(0, slash), sub.substr(slash + 1));
      return Bool(sub, "-");
    }
  }
  return FixedUnit(id);
}

}  // namespace

FormattedValue FormatUnit(std::string_view unit, double value, Decimals decimals) {
  static const FormatTable formats = BuildFormats();
  static std::mutex mu;
  static FormatTable custom;
  if (unit.empty()) unit = "none";
  const std::string id(unit);
  if (auto it = formats.find(id); it != formats.end()) return it->second(value, decimals);
  Formatter f;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = custom.find(id);
    if (it == custom.end()) {
      if (custom.size() > 4096) custom.clear();  // dashboards are finite; stay bounded anyway
      it = custom.emplace(id, CustomFormatter(id)).first;
    }
    f = it->second;
  }
  return f(value, decimals);
}

std::string FormatValue(std::string_view unit, std::optional<double> value, Decimals decimals) {
  if (!value.has_value()) return "";
  return FormatUnit(unit, *value, decimals).ToString();
}

}  // namespace otelite::render
