#include "dashboards/interpolate.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "core/civil_time.h"
#include "dashboards/interval.h"

namespace otelite::dashboards {
namespace {

constexpr int kMaxDepth = 4;  // custom allValues that name variables: nesting bound

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Join(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += sep;
    out += values[i];
  }
  return out;
}

std::string Glob(const std::vector<std::string>& values, bool multi) {
  if (multi && values.size() > 1) return "{" + Join(values, ",") + "}";
  return Join(values, ",");
}

std::string EscapeChars(std::string_view value, std::string_view specials,
                        std::string_view prefix) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (specials.find(c) != std::string_view::npos) out += prefix;
    out.push_back(c);
  }
  return out;
}

std::string JsonString(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

// encodeURIComponent, also escaping ! ' ( ) * (Grafana's encodeURIComponentStrict).
std::string PercentEncode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string LuceneEscape(std::string_view value) {
  return EscapeChars(value, "!*+-=<>&|()[]{}^~?:\\/\" \t\n\r", "\\");
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian).
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = year + (*m <= 2 ? 1 : 0);
}

std::string IsoTime(int64_t ms) {
  const int64_t days = FloorDiv(ms, 86'400'000);
  const int64_t rest = ms - days * 86'400'000;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", y, m, d, rest / 3'600'000,
                     rest / 60'000 % 60, rest / 1000 % 60, rest % 1000);
}

std::string FormatTime(int64_t ms, std::string_view format) {
  if (format.empty() || format == "ms" || format == "date:ms") return std::to_string(ms);
  if (format == "date" || format == "date:iso") return IsoTime(ms);
  if (format == "date:seconds") return std::to_string(FloorDiv(ms, 1000));
  return std::to_string(ms);
}

// Where a variable reference sits in query text.
enum class Context { kPlain, kString, kRegexString };

struct Interpolator {
  const Scope& scope;
  Syntax syntax;
  int depth;

  std::string Run(std::string_view text) const;
  bool Render(std::string_view name, std::string_view format, bool has_format, Context context,
              char quote, std::string* out) const;
};

bool PrecededByRegexOperator(std::string_view text, size_t quote_pos) {
  size_t i = quote_pos;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) --i;
  if (i < 2 || text[i - 1] != '~') return false;
  const char op = text[i - 2];
  return op == '=' || op == '!' || op == '|';
}

// Escapes one value for a regex inside a string literal with this quote: regex specials get a
// backslash, which itself is doubled in "…" and '…' (a raw `…` string keeps it single).
std::string EscapeForRegexString(std::string_view value, char quote) {
  const bool raw = quote == '`';
  std::string out;
  for (char c : value) {
    if (std::string_view("\\^$*+?.()|[]{}").find(c) != std::string_view::npos) {
      out += raw ? "\\" : "\\\\";
    } else if (!raw && c == quote) {
      out += "\\";
    }
    out.push_back(c);
  }
  return out;
}

std::string EscapeForString(std::string_view value, char quote) {
  if (quote == '`') return std::string(value);
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == quote) out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

bool Interpolator::Render(std::string_view name, std::string_view format, bool has_format,
                          Context context, char quote, std::string* out) const {
  if (scope.builtins && name.size() > 2 && name.substr(0, 2) == "__") {
    const Builtins& b = *scope.builtins;
    const int64_t range_ms = b.to_ms > b.from_ms ? b.to_ms - b.from_ms : 0;
    if (name == "__interval") {
      *out += FormatInterval(b.interval_ms);
    } else if (name == "__interval_ms") {
      *out += std::to_string(b.interval_ms);
    } else if (name == "__rate_interval") {
      *out += FormatInterval(b.rate_interval_ms);
    } else if (name == "__rate_interval_ms") {
      *out += std::to_string(b.rate_interval_ms);
    } else if (name == "__range") {
      *out += FormatRange(range_ms);
    } else if (name == "__range_s") {
      *out += std::to_string((range_ms + 500) / 1000);
    } else if (name == "__range_ms") {
      *out += std::to_string(range_ms);
    } else if (name == "__auto") {
      *out += b.instant ? FormatRange(range_ms) : FormatInterval(b.interval_ms);
    } else if (name == "__from") {
      *out += FormatTime(b.from_ms, format);
    } else if (name == "__to") {
      *out += FormatTime(b.to_ms, format);
    } else if (name == "__dashboard") {
      *out += has_format ? FormatValues({b.dashboard}, false, format) : b.dashboard;
    } else if (name == "__timezone") {
      *out += b.timezone;
    } else {
      return false;
    }
    return true;
  }
  auto it = scope.variables.find(name);
  if (it == scope.variables.end()) return false;
  const TemplateVariable& v = it->second;
  const std::vector<std::string>* values = &v.values;
  bool multi = v.multi || v.values.size() > 1;
  bool regex_escape = v.multi || v.include_all;
  bool is_all = false;
  for (const std::string& value : v.values) is_all |= value == kAllValue;
  if (is_all) {
    if (has_format && format == "text") {
      *out += "All";
      return true;
    }
    if (v.all_value && !(has_format && format == "percentencode")) {
      if (depth >= kMaxDepth) {
        *out += *v.all_value;
      } else {
        *out += Interpolator{scope, Syntax::kText, depth + 1}.Run(*v.all_value);
      }
      return true;
    }
    values = &v.options;
    multi = true;
    regex_escape = true;
  }
  if (has_format) {
    if (format == "text" && !is_all && v.texts.size() == values->size() && !v.texts.empty()) {
      *out += FormatValues(v.texts, multi, format, name);
    } else {
      *out += FormatValues(*values, multi, format, name);
    }
    return true;
  }
  if (context == Context::kRegexString && regex_escape) {
    std::vector<std::string> escaped;
    escaped.reserve(values->size());
    for (const std::string& value : *values) escaped.push_back(EscapeForRegexString(value, quote));
    if (escaped.size() == 1) {
      *out += escaped[0];
    } else {
      *out += "(" + Join(escaped, "|") + ")";
    }
    return true;
  }
  if (context != Context::kPlain) {
    std::vector<std::string> escaped;
    escaped.reserve(values->size());
    for (const std::string& value : *values) escaped.push_back(EscapeForString(value, quote));
    *out += Glob(escaped, multi);
    return true;
  }
  *out += Glob(*values, multi);
  return true;
}

std::string Interpolator::Run(std::string_view text) const {
  std::string out;
  out.reserve(text.size() + 16);
  char quote = 0;
  Context context = Context::kPlain;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (syntax == Syntax::kQuery) {
      if (quote != 0) {
        if (c == '\\' && quote != '`' && i + 1 < n) {
          out.push_back(c);
          out.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (c == quote) {
          quote = 0;
          context = Context::kPlain;
          out.push_back(c);
          ++i;
          continue;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
        context = PrecededByRegexOperator(text, i) ? Context::kRegexString : Context::kString;
        out.push_back(c);
        ++i;
        continue;
      }
    }
    if (c == '$' && i + 1 < n) {
      if (text[i + 1] == '{') {
        // ${name}, ${name.path}, ${name:format}
        size_t j = i + 2;
        while (j < n && IsWordChar(text[j])) ++j;
        const std::string_view name = text.substr(i + 2, j - (i + 2));
        if (!name.empty() && j < n) {
          if (text[j] == '.') {
            ++j;
            const size_t path_start = j;
            while (j < n && text[j] != ':' && text[j] != '^' && text[j] != '}') ++j;
            if (j == path_start) j = n;  // not a variable
          }
          std::string_view format;
          bool has_format = false;
          if (j < n && text[j] == ':') {
            const size_t format_start = ++j;
            while (j < n && text[j] != '}') ++j;
            format = text.substr(format_start, j - format_start);
            has_format = !format.empty();
            if (!has_format) j = n;
          }
          if (j < n && text[j] == '}' && Render(name, format, has_format, context, quote, &out)) {
            i = j + 1;
            continue;
          }
        }
      } else if (IsWordChar(text[i + 1])) {
        size_t j = i + 1;
        while (j < n && IsWordChar(text[j])) ++j;
        if (Render(text.substr(i + 1, j - i - 1), {}, false, context, quote, &out)) {
          i = j;
          continue;
        }
        out.append(text.substr(i, j - i));
        i = j;
        continue;
      }
    } else if (c == '[' && i + 1 < n && text[i + 1] == '[') {
      size_t j = i + 2;
      while (j < n && IsWordChar(text[j])) ++j;
      const std::string_view name = text.substr(i + 2, j - (i + 2));
      std::string_view format;
      bool has_format = false;
      if (!name.empty() && j < n && text[j] == ':') {
        const size_t format_start = ++j;
        while (j < n && IsWordChar(text[j])) ++j;
        format = text.substr(format_start, j - format_start);
        has_format = !format.empty();
      }
      if (!name.empty() && j + 1 < n && text[j] == ']' && text[j + 1] == ']' &&
          (has_format || format.empty()) &&
          Render(name, format, has_format, context, quote, &out)) {
        i = j + 2;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

std::string RegexEscape(std::string_view value) {
  return EscapeChars(value, "\\^$*+?.()|[]{}/", "\\");
}

std::string FormatValues(const std::vector<std::string>& values, bool multi,
                         std::string_view format, std::string_view variable_name) {
  if (format == "csv" || format == "raw") return Join(values, ",");
  if (format == "pipe") return Join(values, "|");
  if (format == "text") return Join(values, " + ");
  if (format == "regex") {
    std::vector<std::string> escaped;
    for (const std::string& v : values) escaped.push_back(RegexEscape(v));
    if (!multi || escaped.size() == 1) return Join(escaped, "|");
    return "(" + Join(escaped, "|") + ")";
  }
  if (format == "json") {
    if (!multi && values.size() == 1) return JsonString(values[0]);
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ",";
      out += JsonString(values[i]);
    }
    return out + "]";
  }
  if (format == "queryparam") {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += "&";
      out += "var-" + PercentEncode(variable_name) + "=" + PercentEncode(values[i]);
    }
    return out;
  }
  if (format == "singlequote" || format == "doublequote" || format == "sqlstring") {
    const char q = format == "doublequote" ? '"' : '\'';
    std::vector<std::string> quoted;
    for (const std::string& v : values) {
      std::string inner;
      for (char c : v) {
        if (c == q) inner += format == "sqlstring" ? "'" : "\\";
        inner.push_back(c);
      }
      quoted.push_back(std::string(1, q) + inner + std::string(1, q));
    }
    return Join(quoted, ",");
  }
  if (format == "lucene") {
    if (!multi && values.size() == 1) return LuceneEscape(values[0]);
    if (values.empty()) return "__empty__";
    std::vector<std::string> quoted;
    for (const std::string& v : values) quoted.push_back("\"" + LuceneEscape(v) + "\"");
    return "(" + Join(quoted, " OR ") + ")";
  }
  if (format == "percentencode") {
    if (multi) return PercentEncode("{" + Join(values, ",") + "}");
    return PercentEncode(Join(values, ","));
  }
  return Glob(values, multi);  // glob, and formats Grafana would not know either
}

std::string Interpolate(std::string_view text, const Scope& scope, Syntax syntax) {
  return Interpolator{scope, syntax, 0}.Run(text);
}

}  // namespace otelite::dashboards
