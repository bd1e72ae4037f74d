// fmt.Sprintf for template values: Go's verbs, flags, width and precision (including `*` and
// `[n]` argument indexes) and its inline error forms (%!d(string=x), %!s(MISSING),
// %!(EXTRA …), %!(NOVERB), %!(BADWIDTH), %!(BADPREC), %!d(BADINDEX)).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/float_format.h"
#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

constexpr int kMaxWidth = 1'000'000;

struct Flags {
  bool plus = false;
  bool minus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool wid_present = false;
  bool prec_present = false;
  int wid = 0;
  int prec = 0;
};

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    DecodeRune(s.substr(i), &w);
    i += w;
    ++n;
  }
  return n;
}

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  void Pad(std::string_view s, const Flags& f, bool allow_zero = true) {
    if (!f.wid_present || f.wid == 0) {
      out_->append(s);
      return;
    }
    size_t n = RuneCount(s);
    size_t width = static_cast<size_t>(f.wid);
    if (n >= width) {
      out_->append(s);
      return;
    }
    char pad = f.zero && allow_zero ? '0' : ' ';
    if (f.minus) {
      out_->append(s);
      out_->append(width - n, ' ');
    } else {
      out_->append(width - n, pad);
      out_->append(s);
    }
  }

  void BadVerb(char32_t verb, const Value* arg) {
    out_->append("%!");
    AppendRune(verb, out_);
    out_->push_back('(');
    if (arg == nullptr || arg->kind == Kind::kNil) {
      out_->append("<nil>");
    } else {
      out_->append(TypeName(*arg));
      out_->push_back('=');
      Flags plain;
      PrintArg(*arg, 'v', plain);
    }
    out_->push_back(')');
  }

  void FmtInteger(int64_t value, bool is_signed, int base, char32_t verb, const Flags& f_in,
                  const Value& arg) {
    Flags f = f_in;
    bool negative = is_signed && value < 0;
    uint64_t u = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    std::string digits;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        Flags g = f;
        g.zero = false;
        Pad("", g);
        return;
      }
    } else if (f.zero && !f.minus && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) --prec;
    }
    const char* hex = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
      digits.push_back(hex[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
    while (static_cast<int>(digits.size()) < prec) digits.push_back('0');
    if (f.sharp) {
      if (base == 8 && digits.back() != '0') digits.push_back('0');
      if (base == 16) digits.append(verb == 'X' ? "X0" : "x0");
      if (base == 2) digits.append("b0");
    }
    if (verb == 'O') digits.append("o0");
    if (negative) {
      digits.push_back('-');
    } else if (f.plus) {
      digits.push_back('+');
    } else if (f.space) {
      digits.push_back(' ');
    }
    std::string s(digits.rbegin(), digits.rend());
    f.zero = false;
    Pad(s, f);
    (void)arg;
  }

  void FmtFloat(double v, char verb, int prec, const Flags& f) {
    std::string num;
    if (std::isinf(v)) {
      num = v > 0 ? "+Inf" : "-Inf";
    } else if (std::isnan(v)) {
      num = "+NaN";
    } else if (prec < 0 && (verb == 'g' || verb == 'G')) {
      AppendGoFloat(v, &num);
      if (verb == 'G') {
        for (char& c : num) {
          if (c == 'e') c = 'E';
        }
      }
      if (num[0] != '-') num.insert(num.begin(), '+');
    } else {
      char conv = verb == 'x' ? 'a' : verb == 'X' ? 'A' : verb;
      char fmt[8] = {'%', '.', '*', conv, 0};
      if (prec < 0) {
        fmt[1] = conv;
        fmt[2] = 0;
      }
      int p = std::min(prec, 400);
      char buf[512];
      int n = prec < 0 ? std::snprintf(buf, sizeof(buf), fmt, v)
                       : std::snprintf(buf, sizeof(buf), fmt, p, v);
      if (n < 0) n = 0;
      if (n >= static_cast<int>(sizeof(buf))) {
        std::string big(static_cast<size_t>(n) + 1, '\0');
        if (prec < 0) {
          std::snprintf(big.data(), big.size(), fmt, v);
        } else {
          std::snprintf(big.data(), big.size(), fmt, p, v);
        }
        big.resize(static_cast<size_t>(n));
        num = std::move(big);
      } else {
        num.assign(buf, static_cast<size_t>(n));
      }
      if (verb == 'x' || verb == 'X') {
        // Go writes at least two exponent digits: 0x1.8p+01.
        size_t p = num.find_last_of("pP");
        if (p != std::string::npos && p + 2 < num.size() + 1 && num.size() - p == 3) {
          num.insert(p + 2, "0");
        }
      }
      if (num[0] != '-') num.insert(num.begin(), '+');
    }
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      Flags g = f;
      g.zero = false;
      Pad(num, g);
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && !f.minus && f.wid_present && f.wid > static_cast<int>(num.size())) {
        out_->push_back(num[0]);
        out_->append(static_cast<size_t>(f.wid) - num.size(), '0');
        out_->append(num, 1);
        return;
      }
      Pad(num, f);
      return;
    }
    Pad(std::string_view(num).substr(1), f);
  }

  void FmtString(std::string_view s, char32_t verb, const Flags& f) {
    switch (verb) {
      case 'v':
      case 's': {
        if (f.prec_present) {
          size_t i = 0;
          int n = 0;
          while (i < s.size() && n < f.prec) {
            size_t w = 0;
            DecodeRune(s.substr(i), &w);
            i += w;
            ++n;
          }
          s = s.substr(0, i);
        }
        Pad(s, f, false);
        return;
      }
      case 'x':
      case 'X': {
        const char* hex = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        size_t n = s.size();
        if (f.prec_present && static_cast<size_t>(f.prec) < n) n = static_cast<size_t>(f.prec);
        std::string buf;
        for (size_t i = 0; i < n; ++i) {
          if (f.space && i > 0) buf.push_back(' ');
          if (f.sharp && (f.space || i == 0)) buf.append(verb == 'X' ? "0X" : "0x");
          unsigned char c = static_cast<unsigned char>(s[i]);
          buf.push_back(hex[c >> 4]);
          buf.push_back(hex[c & 15]);
        }
        Pad(buf, f, false);
        return;
      }
      case 'q': {
        std::string buf;
        if (f.prec_present) {
          size_t i = 0;
          int n = 0;
          while (i < s.size() && n < f.prec) {
            size_t w = 0;
            DecodeRune(s.substr(i), &w);
            i += w;
            ++n;
          }
          s = s.substr(0, i);
        }
        bool backquote = f.sharp && s.find('`') == std::string_view::npos;
        if (backquote) {
          for (char c : s) {
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
              backquote = false;
            }
          }
        }
        if (backquote) {
          buf = "`" + std::string(s) + "`";
        } else {
          AppendGoQuote(s, f.plus, &buf);
        }
        Pad(buf, f, false);
        return;
      }
      default:
        break;
    }
  }

  void FmtRune(int64_t value, char32_t verb, const Flags& f) {
    char32_t r = value < 0 || value > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(value);
    std::string buf;
    if (verb == 'c') {
      AppendRune(r, &buf);
    } else if (verb == 'q') {
      std::string quoted;
      std::string one;
      AppendRune(r, &one);
      AppendGoQuote(one, f.plus, &quoted);
      if (quoted == "\"\\\"\"") quoted = "\"\"\"";  // '"' needs no escape in a rune literal
      buf = "'" + quoted.substr(1, quoted.size() - 2) + "'";
      if (buf == "'\\''" || r == '\'') buf = "'\\''";
    } else {  // 'U'
      char tmp[32];
      std::snprintf(tmp, sizeof(tmp), "U+%04X", static_cast<unsigned>(r));
      buf = tmp;
      if (f.sharp && r >= 0x20 && r != 0x7F) {
        buf += " '";
        AppendRune(r, &buf);
        buf += "'";
      }
    }
    Flags g = f;
    g.zero = false;
    Pad(buf, g);
  }

  void PrintArg(const Value& arg, char32_t verb, const Flags& f) {
    if (verb == 'T') {
      Flags g = f;
      Pad(TypeName(arg), g, false);
      return;
    }
    switch (arg.kind) {
      case Kind::kNil:
        if (verb == 'v') {
          Pad("<nil>", f, false);
        } else {
          BadVerb(verb, &arg);
        }
        return;
      case Kind::kBool:
        if (verb == 't' || verb == 'v') {
          Pad(arg.boolean ? "true" : "false", f, false);
        } else {
          BadVerb(verb, &arg);
        }
        return;
      case Kind::kInt:
      case Kind::kInt64:
        switch (verb) {
          case 'v':
          case 'd':
            FmtInteger(arg.integer, true, 10, verb, f, arg);
            return;
          case 'b':
            FmtInteger(arg.integer, true, 2, verb, f, arg);
            return;
          case 'o':
          case 'O':
            FmtInteger(arg.integer, true, 8, verb, f, arg);
            return;
          case 'x':
          case 'X':
            FmtInteger(arg.integer, true, 16, verb, f, arg);
            return;
          case 'c':
          case 'q':
          case 'U':
            FmtRune(arg.integer, verb, f);
            return;
          default:
            BadVerb(verb, &arg);
            return;
        }
      case Kind::kFloat:
        switch (verb) {
          case 'v':
            FmtFloat(arg.number, 'g', -1, f);
            return;
          case 'g':
          case 'G':
          case 'x':
          case 'X':
            FmtFloat(arg.number, static_cast<char>(verb), f.prec_present ? f.prec : -1, f);
            return;
          case 'e':
          case 'E':
          case 'f':
            FmtFloat(arg.number, static_cast<char>(verb), f.prec_present ? f.prec : 6, f);
            return;
          case 'F':
            FmtFloat(arg.number, 'f', f.prec_present ? f.prec : 6, f);
            return;
          default:
            BadVerb(verb, &arg);
            return;
        }
      case Kind::kString:
        if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' || verb == 'q') {
          FmtString(arg.str(), verb, f);
        } else {
          BadVerb(verb, &arg);
        }
        return;
      case Kind::kTime:
        if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' || verb == 'q') {
          std::string s;
          AppendTimeString(arg.time, &s);
          FmtString(s, verb, f);
        } else {
          BadVerb(verb, &arg);
        }
        return;
      case Kind::kList:
        out_->push_back('[');
        for (size_t i = 0; i < arg.list->size(); ++i) {
          if (i > 0) out_->push_back(' ');
          PrintArg((*arg.list)[i], verb, f);
        }
        out_->push_back(']');
        return;
      case Kind::kMap:
        out_->append("map[");
        for (size_t i = 0; i < arg.map->size(); ++i) {
          if (i > 0) out_->push_back(' ');
          FmtString((*arg.map)[i].first, verb == 'd' ? 'v' : verb, f);
          out_->push_back(':');
          PrintArg((*arg.map)[i].second, verb, f);
        }
        out_->push_back(']');
        return;
      case Kind::kLabels: {
        out_->append("map[");
        bool first = true;
        for (const auto& [name, value] : SortedLabels(arg)) {
          if (!first) out_->push_back(' ');
          first = false;
          PrintArg(Value::Borrowed(name), verb, f);
          out_->push_back(':');
          PrintArg(Value::Borrowed(value), verb, f);
        }
        out_->push_back(']');
        return;
      }
    }
  }

 private:
  std::string* out_;
};

// Go's parsenum: digits at s[*i]; false (and *i at the end of the format) when absurdly large.
bool ParseNum(std::string_view s, size_t* i, int* num, bool* is_num) {
  *num = 0;
  *is_num = false;
  while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') {
    if (*num > kMaxWidth) {
      *i = s.size();
      *num = 0;
      *is_num = false;
      return false;
    }
    *num = *num * 10 + (s[*i] - '0');
    *is_num = true;
    ++*i;
  }
  return true;
}

}  // namespace

void GoSprintf(std::string_view format, std::span<const Value> args, std::string* out) {
  Printer p(out);
  size_t arg_num = 0;
  bool reordered = false;
  bool good_arg_num = true;
  size_t i = 0;
  auto arg_index = [&](size_t* pos) {
    // [n] explicit argument index.
    if (*pos >= format.size() || format[*pos] != '[') return;
    reordered = true;
    size_t close = format.find(']', *pos + 1);
    if (close == std::string_view::npos) {
      good_arg_num = false;
      *pos = format.size();
      return;
    }
    int64_t n = 0;
    std::string_view digits = format.substr(*pos + 1, close - *pos - 1);
    auto res = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (res.ec != std::errc() || res.ptr != digits.data() + digits.size() || n < 1 ||
        static_cast<size_t>(n) > args.size()) {
      good_arg_num = false;
    } else {
      arg_num = static_cast<size_t>(n - 1);
    }
    *pos = close + 1;
  };
  while (i < format.size()) {
    size_t start = i;
    while (i < format.size() && format[i] != '%') ++i;
    out->append(format.substr(start, i - start));
    if (i >= format.size()) break;
    ++i;  // '%'
    Flags f;
    good_arg_num = true;
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '#') {
        f.sharp = true;
      } else if (c == '0') {
        f.zero = !f.minus;
      } else if (c == '+') {
        f.plus = true;
      } else if (c == '-') {
        f.minus = true;
        f.zero = false;
      } else if (c == ' ') {
        f.space = true;
      } else {
        break;
      }
    }
    arg_index(&i);
    if (i < format.size() && format[i] == '*') {
      ++i;
      if (arg_num < args.size() && IsIntKind(args[arg_num].kind) &&
          args[arg_num].integer <= kMaxWidth && args[arg_num].integer >= -kMaxWidth) {
        f.wid = static_cast<int>(args[arg_num].integer);
        f.wid_present = true;
        if (f.wid < 0) {
          f.minus = true;
          f.zero = false;
          f.wid = -f.wid;
        }
      } else {
        out->append("%!(BADWIDTH)");
      }
      ++arg_num;
    } else {
      ParseNum(format, &i, &f.wid, &f.wid_present);
    }
    if (i + 1 <= format.size() && i < format.size() && format[i] == '.') {
      ++i;
      arg_index(&i);
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (arg_num < args.size() && IsIntKind(args[arg_num].kind) &&
            args[arg_num].integer <= kMaxWidth && args[arg_num].integer >= -kMaxWidth) {
          f.prec = static_cast<int>(args[arg_num].integer);
          f.prec_present = f.prec >= 0;
          if (f.prec < 0) f.prec = 0;
        } else {
          out->append("%!(BADPREC)");
        }
        ++arg_num;
      } else {
        ParseNum(format, &i, &f.prec, &f.prec_present);
        f.prec_present = true;
      }
    }
    arg_index(&i);
    if (i >= format.size()) {
      out->append("%!(NOVERB)");
      break;
    }
    size_t width = 0;
    char32_t verb = DecodeRune(format.substr(i), &width);
    i += width;
    if (verb == '%') {
      out->push_back('%');
      continue;
    }
    if (!good_arg_num) {
      out->append("%!");
      AppendRune(verb, out);
      out->append("(BADINDEX)");
      continue;
    }
    if (arg_num >= args.size()) {
      out->append("%!");
      AppendRune(verb, out);
      out->append("(MISSING)");
      continue;
    }
    if (verb == 'w') verb = 'v';
    p.PrintArg(args[arg_num], verb, f);
    ++arg_num;
  }
  if (!reordered && arg_num < args.size()) {
    out->append("%!(EXTRA ");
    for (size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) out->append(", ");
      if (args[k].kind == Kind::kNil) {
        out->append("<nil>");
      } else {
        out->append(TypeName(args[k]));
        out->push_back('=');
        AppendValue(args[k], out);
      }
    }
    out->push_back(')');
  }
}

}  // namespace otelite::logql::template_internal
