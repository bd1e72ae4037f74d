// Date functions (__timestamp__, now, date, toDate, toDateInZone, unixEpoch*, unixToTime) and
// regular-expression functions (regexReplaceAll, regexReplaceAllLiteral, count) with Go's
// regexp semantics for successive matches and `$1`/`${name}` expansion, on RE2.
#include <re2/re2.h>

#include <chrono>
#include <memory>
#include <string>

#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

using P = ParamType;

Status Fail(std::string message) { return Status::InvalidArgument(std::move(message)); }

Status FnTimestamp(const CallContext& ctx, std::span<Value>, Value* r) {
  *r = Value::Time(GoTime::FromUnixNanos(ctx.data->TimestampNs()));
  return Status::Ok();
}

Status FnNow(const CallContext&, std::span<Value>, Value* r) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  *r = Value::Time(GoTime::FromUnixNanos(static_cast<int64_t>(ns)));
  return Status::Ok();
}

// Sprig's date: times as they are, integers as Unix seconds, anything else is now.
Status FnDate(const CallContext& ctx, std::span<Value> a, Value* r) {
  GoTime t;
  const Value& d = a[1];
  if (d.kind == Kind::kTime) {
    t = d.time;
  } else if (IsIntKind(d.kind)) {
    t.sec = d.integer;
    t.nsec = 0;
  } else {
    Value now;
    OTELITE_RETURN_IF_ERROR(FnNow(ctx, {}, &now));
    t = now.time;
  }
  std::string out;
  FormatGoTime(InZone(t, "Local"), a[0].str(), &out);
  *r = Value::Owned(std::move(out));
  return Status::Ok();
}

Status FnToDate(const CallContext&, std::span<Value> a, Value* r) {
  GoTime t;
  std::string error;
  if (!ParseGoTime(a[0].str(), a[1].str(), "Local", &t, &error)) t = GoTime();
  *r = Value::Time(t);
  return Status::Ok();
}

Status FnToDateInZone(const CallContext&, std::span<Value> a, Value* r) {
  GoTime zone;
  std::string_view name = a[1].str();
  if (!LoadZone(name, 0, &zone)) name = "UTC";
  GoTime t;
  std::string error;
  if (!ParseGoTime(a[0].str(), a[2].str(), name, &t, &error)) t = GoTime();
  *r = Value::Time(t);
  return Status::Ok();
}

Status FnUnixEpoch(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Owned(std::to_string(a[0].time.sec));
  return Status::Ok();
}
Status FnUnixEpochMillis(const CallContext&, std::span<Value> a, Value* r) {
  const GoTime& t = a[0].time;
  *r = Value::Owned(std::to_string(t.sec * 1000 + t.nsec / 1'000'000));
  return Status::Ok();
}
Status FnUnixEpochNanos(const CallContext&, std::span<Value> a, Value* r) {
  const GoTime& t = a[0].time;
  uint64_t ns = static_cast<uint64_t>(t.sec) * 1'000'000'000ULL + static_cast<uint64_t>(t.nsec);
  *r = Value::Owned(std::to_string(static_cast<int64_t>(ns)));
  return Status::Ok();
}

// Loki's unixToTime: the epoch's length says its unit (days, s, ms, µs, ns).
Status FnUnixToTime(const CallContext&, std::span<Value> a, Value* r) {
  std::string_view s = a[0].str();
  int64_t v = 0;
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  bool valid = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (!valid || !ParseGoInt(s, &v)) {
    std::string quoted;
    AppendGoQuote(s, false, &quoted);
    return Fail("unable to parse time '" + std::string(s) + "': strconv.ParseInt: parsing " +
                quoted + (valid ? ": value out of range" : ": invalid syntax"));
  }
  GoTime t;
  switch (s.size()) {
    case 5:
      t.sec = v * 86400;
      t.nsec = 0;
      break;
    case 10:
      t.sec = v;
      t.nsec = 0;
      break;
    case 13:
      t = GoTime::FromUnixNanos(v * 1'000'000);
      break;
    case 16:
      t = GoTime::FromUnixNanos(v * 1'000);
      break;
    case 19:
      t = GoTime::FromUnixNanos(v);
      break;
    default:
      return Fail("unable to parse time '" + std::string(s) + "': %!w(<nil>)");
  }
  *r = Value::Time(t);
  return Status::Ok();
}

// ---- Regular expressions ----

// The compiled regex: the parse-time one for a literal, else compiled now.
Status GetRegex(const CallContext& ctx, std::string_view pattern, std::unique_ptr<re2::RE2>* owned,
                const re2::RE2** re) {
  if (ctx.regex != nullptr && ctx.regex->pattern() == pattern) {
    *re = ctx.regex;
    return Status::Ok();
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  *owned = std::make_unique<re2::RE2>(pattern, options);
  if (!(*owned)->ok()) {
    std::string quoted;
    AppendGoQuote(pattern, false, &quoted);
    return Fail("error parsing regexp: " + (*owned)->error() + ": " + quoted);
  }
  *re = owned->get();
  return Status::Ok();
}

// Calls on_match(groups) for each match Go's FindAll/ReplaceAll would take: successive,
// non-overlapping, no empty match right after a previous match.
template <typename OnMatch>
void ForEachMatch(const re2::RE2& re, std::string_view src, bool replace_rules, OnMatch on_match) {
  int ngroups = 1 + re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  size_t pos = 0;
  int64_t prev_end = -1;
  size_t last_match_end = 0;
  while (pos <= src.size()) {
    if (!re.Match(re2::StringPiece(src.data(), src.size()), pos, src.size(), re2::RE2::UNANCHORED,
                  groups.data(), ngroups)) {
      break;
    }
    size_t start = static_cast<size_t>(groups[0].data() - src.data());
    size_t end = start + groups[0].size();
    size_t width = 1;
    if (pos < src.size()) DecodeRune(src.substr(pos), &width);
    if (replace_rules) {
      // regexp.replaceAll: skip an empty match right after the previous match.
      bool accept = end > last_match_end || start == 0;
      on_match(groups, accept, last_match_end);
      last_match_end = end;
      if (pos + width > end) {
        pos += width;
      } else if (pos + 1 > end) {
        ++pos;
      } else {
        pos = end;
      }
    } else {
      bool accept = true;
      if (end == pos) {
        if (static_cast<int64_t>(start) == prev_end) accept = false;
        pos += width;
      } else {
        pos = end;
      }
      prev_end = static_cast<int64_t>(end);
      on_match(groups, accept, 0);
    }
  }
}

// Regexp.Expand's template language: $1, ${1}, $name, ${name}, $$.
void Expand(const re2::RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& groups,
            std::string* out) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    bool brace = !tmpl.empty() && tmpl[0] == '{';
    std::string_view rest = brace ? tmpl.substr(1) : tmpl;
    size_t i = 0;
    while (i < rest.size()) {
      unsigned char c = static_cast<unsigned char>(rest[i]);
      if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z') || c >= 0x80)) {
        break;
      }
      ++i;
    }
    if (i == 0 || (brace && (i >= rest.size() || rest[i] != '}'))) {
      out->push_back('$');  // malformed: the $ is literal
      continue;
    }
    std::string name(rest.substr(0, i));
    tmpl = rest.substr(i + (brace ? 1 : 0));
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100'000'000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num < 0) {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(name);
      num = it == names.end() ? -1 : it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() &&
        groups[static_cast<size_t>(num)].data() != nullptr) {
      out->append(groups[static_cast<size_t>(num)].data(), groups[static_cast<size_t>(num)].size());
    }
  }
  out->append(tmpl);
}

Status ReplaceAll(const CallContext& ctx, std::span<Value> a, bool literal, Value* r) {
  std::unique_ptr<re2::RE2> owned;
  const re2::RE2* re = nullptr;
  OTELITE_RETURN_IF_ERROR(GetRegex(ctx, a[0].str(), &owned, &re));
  std::string_view src = a[1].str();
  std::string_view repl = a[2].str();
  std::string out;
  size_t copied = 0;
  bool too_big = false;
  ForEachMatch(*re, src, true,
               [&](const std::vector<re2::StringPiece>& groups, bool accept, size_t last_end) {
                 (void)last_end;
                 size_t start = static_cast<size_t>(groups[0].data() - src.data());
                 out.append(src.substr(copied, start - copied));
                 if (accept) {
                   if (literal) {
                     out.append(repl);
                   } else {
                     Expand(*re, repl, groups, &out);
                   }
                 }
                 copied = start + groups[0].size();
                 if (out.size() > Template::kMaxOutputBytes) too_big = true;
               });
  if (too_big)
    return Fail("result exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
  out.append(src.substr(copied));
  *r = Value::Owned(std::move(out));
  return Status::Ok();
}

Status FnRegexReplaceAll(const CallContext& ctx, std::span<Value> a, Value* r) {
  return ReplaceAll(ctx, a, false, r);
}
Status FnRegexReplaceAllLiteral(const CallContext& ctx, std::span<Value> a, Value* r) {
  return ReplaceAll(ctx, a, true, r);
}

Status FnCount(const CallContext& ctx, std::span<Value> a, Value* r) {
  std::unique_ptr<re2::RE2> owned;
  const re2::RE2* re = nullptr;
  OTELITE_RETURN_IF_ERROR(GetRegex(ctx, a[0].str(), &owned, &re));
  int64_t count = 0;
  ForEachMatch(*re, a[1].str(), false,
               [&](const std::vector<re2::StringPiece>&, bool accept, size_t) {
                 if (accept) ++count;
               });
  *r = Value::Int(count);
  return Status::Ok();
}

}  // namespace

void RegisterTimeFunctions(std::vector<FunctionDef>* t) {
  t->push_back({"__timestamp__", {}, false, FnTimestamp});
  t->push_back({"now", {}, false, FnNow});
  t->push_back({"date", {P::kString, P::kAny}, false, FnDate});
  t->push_back({"toDate", {P::kString, P::kString}, false, FnToDate});
  t->push_back({"toDateInZone", {P::kString, P::kString, P::kString}, false, FnToDateInZone});
  t->push_back({"unixEpoch", {P::kTime}, false, FnUnixEpoch});
  t->push_back({"unixEpochMillis", {P::kTime}, false, FnUnixEpochMillis});
  t->push_back({"unixEpochNanos", {P::kTime}, false, FnUnixEpochNanos});
  t->push_back({"unixToTime", {P::kString}, false, FnUnixToTime});
}

void RegisterRegexFunctions(std::vector<FunctionDef>* t) {
  t->push_back({"regexReplaceAll",
                {P::kString, P::kString, P::kString},
                false,
                FnRegexReplaceAll,
                Special::kNone,
                true});
  t->push_back({"regexReplaceAllLiteral",
                {P::kString, P::kString, P::kString},
                false,
                FnRegexReplaceAllLiteral,
                Special::kNone,
                true});
  t->push_back({"count", {P::kString, P::kString}, false, FnCount, Special::kNone, true});
}

}  // namespace otelite::logql::template_internal
