#include "logqltest/script.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace otelite::logqltest {
namespace {

constexpr std::string_view kBlanks = " \t\r";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && kBlanks.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && kBlanks.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

// The line without a `#` comment outside quotes.
std::string_view StripComment(std::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '`') {
      quote = c;
    } else if (c == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

Status Error(std::string_view file, int line, std::string what) {
  return Status::InvalidArgument(fmt::format("{}:{}: {}", file, line, what));
}

// Reads a word up to the next blank.
std::string_view NextWord(std::string_view* rest) {
  *rest = Trim(*rest);
  size_t end = rest->find_first_of(kBlanks);
  if (end == std::string_view::npos) end = rest->size();
  std::string_view word = rest->substr(0, end);
  rest->remove_prefix(end);
  return word;
}

Result<int64_t> ScriptTime(std::string_view text) {
  auto d = ParseGoDurationNs(text);
  if (!d.ok()) return d.status();
  return kScriptEpochNs + *d;
}

// A double-quoted label value with Go escapes for \" and \\ (what the scripts use).
Result<std::string> QuotedValue(std::string_view text, size_t* pos) {
  if (*pos >= text.size() || text[*pos] != '"') {
    return Status::InvalidArgument("expected a double-quoted value");
  }
  std::string out;
  for (size_t i = *pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char n = text[++i];
      out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      continue;
    }
    if (text[i] == '"') {
      *pos = i + 1;
      return out;
    }
    out.push_back(text[i]);
  }
  return Status::InvalidArgument("unterminated quoted value");
}

void SkipBlanks(std::string_view text, size_t* pos) {
  while (*pos < text.size() && kBlanks.find(text[*pos]) != std::string_view::npos) ++*pos;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `name="value" name2="value2"` pairs separated by commas (labels) or blanks (metadata), up to
// `end` (exclusive). Keys may be double-quoted.
Result<std::vector<Label>> Pairs(std::string_view text) {
  std::vector<Label> out;
  size_t pos = 0;
  while (true) {
    SkipBlanks(text, &pos);
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      SkipBlanks(text, &pos);
    }
    if (pos >= text.size()) break;
    std::string name;
    if (text[pos] == '"') {
      auto n = QuotedValue(text, &pos);
      if (!n.ok()) return n.status();
      name = *n;
    } else {
      const size_t begin = pos;
      while (pos < text.size() && IsNameChar(text[pos])) ++pos;
      name = std::string(text.substr(begin, pos - begin));
    }
    if (name.empty())
      return Status::InvalidArgument(fmt::format("expected a label name in {}", text));
    SkipBlanks(text, &pos);
    if (pos >= text.size() || text[pos] != '=') {
      return Status::InvalidArgument(fmt::format("expected '=' after {}", name));
    }
    ++pos;
    SkipBlanks(text, &pos);
    auto value = QuotedValue(text, &pos);
    if (!value.ok()) return value.status();
    out.push_back({std::move(name), std::move(*value)});
  }
  return out;
}

Result<LoadLine> ParseLoadLine(std::string_view text) {
  LoadLine out;
  text = Trim(text);
  if (text.empty() || text[0] != '{')
    return Status::InvalidArgument("expected '{' starting the stream labels");
  const size_t close = text.find('}');
  if (close == std::string_view::npos)
    return Status::InvalidArgument("expected '}' after the stream labels");
  auto pairs = Pairs(text.substr(1, close - 1));
  if (!pairs.ok()) return pairs.status();
  std::vector<Label> labels;
  for (auto& l : *pairs) {
    if (!l.value.empty()) labels.push_back(std::move(l));
  }
  out.stream = Labels(std::move(labels));
  size_t pos = close + 1;
  SkipBlanks(text, &pos);
  if (pos >= text.size() || (text[pos] != '"' && text[pos] != '`')) {
    return Status::InvalidArgument("expected the line in double quotes or backticks");
  }
  const char quote = text[pos];
  const size_t end = text.find(quote, pos + 1);
  if (end == std::string_view::npos) return Status::InvalidArgument("unterminated line");
  out.line = std::string(text.substr(pos + 1, end - pos - 1));
  pos = end + 1;
  std::string_view rest = text.substr(pos);
  if (NextWord(&rest) != "@") return Status::InvalidArgument("expected '@ <time>' after the line");
  auto start = ScriptTime(NextWord(&rest));
  if (!start.ok()) return start.status();
  out.start_ns = *start;
  rest = Trim(rest);
  while (!rest.empty()) {
    if (rest.front() != '[') {
      return Status::InvalidArgument(fmt::format("unexpected text after the entry: {}", rest));
    }
    const size_t bracket = rest.find(']');
    if (bracket == std::string_view::npos) return Status::InvalidArgument("expected ']'");
    std::string_view inner = rest.substr(1, bracket - 1);
    rest = Trim(rest.substr(bracket + 1));
    std::string_view word = NextWord(&inner);
    if (word == "repeat") {
      if (NextWord(&inner) != "every") return Status::InvalidArgument("expected 'repeat every'");
      auto step = ParseGoDurationNs(NextWord(&inner));
      if (!step.ok()) return step.status();
      if (NextWord(&inner) != "for") return Status::InvalidArgument("expected 'for <count>'");
      std::string_view count = NextWord(&inner);
      int64_t n = 0;
      auto [p, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
      if (ec != std::errc() || p != count.data() + count.size() || n < 1) {
        return Status::InvalidArgument(fmt::format("bad repeat count {}", count));
      }
      out.step_ns = *step;
      out.count = n;
    } else if (word == "metadata") {
      auto md = Pairs(inner);
      if (!md.ok()) return md.status();
      if (md->empty()) return Status::InvalidArgument("metadata needs at least one pair");
      out.metadata = std::move(*md);
      std::sort(out.metadata.begin(), out.metadata.end());
    } else {
      return Status::InvalidArgument(fmt::format("unknown option [{} …]", word));
    }
  }
  return out;
}

// `<time> {labels} "line"` after the `@` of an expected log entry.
Result<ExpectedLine> ParseExpectedLine(std::string_view text) {
  ExpectedLine out;
  std::string_view rest = text;
  auto t = ScriptTime(NextWord(&rest));
  if (!t.ok()) return t.status();
  out.t_ns = *t;
  rest = Trim(rest);
  if (rest.empty() || rest[0] != '{') return Status::InvalidArgument("expected '{' after the time");
  const size_t close = rest.find('}');
  if (close == std::string_view::npos) return Status::InvalidArgument("expected '}'");
  auto pairs = Pairs(rest.substr(1, close - 1));
  if (!pairs.ok()) return pairs.status();
  out.labels = Labels(std::move(*pairs));
  rest = Trim(rest.substr(close + 1));
  if (rest.size() < 2 || (rest[0] != '"' && rest[0] != '`') || rest.back() != rest[0]) {
    return Status::InvalidArgument("expected the line in double quotes or backticks");
  }
  out.line = std::string(rest.substr(1, rest.size() - 2));
  return out;
}

}  // namespace

Result<int64_t> ParseGoDurationNs(std::string_view text) {
  if (text == "0") return 0;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return Status::InvalidArgument(fmt::format("invalid duration \"{}\"", text));
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return Status::InvalidArgument(fmt::format("invalid duration \"{}\"", text));
    double number = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + i, number);
    if (ec != std::errc() || p != s.data() + i) {
      return Status::InvalidArgument(fmt::format("invalid duration \"{}\"", text));
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
    const std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "µs" || unit == "μs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else
      return Status::InvalidArgument(
          fmt::format("unknown unit \"{}\" in duration \"{}\"", unit, text));
    total += number * scale;
  }
  const int64_t ns = static_cast<int64_t>(std::llround(total));
  return negative ? -ns : ns;
}

bool FailExpectation::Matches(const std::string& message) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kSubstring:
      return message.find(text) != std::string::npos;
    case Kind::kRegex:
      return RE2::PartialMatch(message, RE2(text));
  }
  return false;
}

Result<Script> ReadScript(std::string_view text, std::string_view file_name) {
  Script script;
  script.file_name = std::string(file_name);
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  size_t i = 0;
  auto block = [&](size_t* k) {
    // Indented lines after a command; comment-only lines are skipped; a blank line or an
    // unindented line ends the block.
    std::vector<std::pair<int, std::string_view>> out;
    while (*k < lines.size()) {
      std::string_view raw = lines[*k];
      std::string_view stripped = Trim(StripComment(raw));
      if (Trim(raw).empty()) break;
      if (raw[0] != ' ' && raw[0] != '\t') {
        if (Trim(raw)[0] == '#') {
          ++*k;
          continue;
        }
        break;
      }
      if (!stripped.empty()) out.emplace_back(static_cast<int>(*k + 1), stripped);
      ++*k;
    }
    return out;
  };
  while (i < lines.size()) {
    const int line_no = static_cast<int>(i + 1);
    std::string_view line = Trim(StripComment(lines[i]));
    ++i;
    if (line.empty()) continue;
    std::string_view rest = line;
    std::string_view word = NextWord(&rest);
    if (word == "clear") {
      script.commands.push_back(ClearCommand{line_no});
    } else if (word == "load") {
      LoadCommand load;
      load.line = line_no;
      for (const auto& [n, text_line] : block(&i)) {
        auto parsed = ParseLoadLine(text_line);
        if (!parsed.ok()) return Error(file_name, n, parsed.status().message());
        parsed->line_number = n;
        load.lines.push_back(std::move(*parsed));
      }
      script.commands.push_back(std::move(load));
    } else if (word == "eval") {
      EvalCommand eval;
      eval.line = line_no;
      std::string_view kind = NextWord(&rest);
      if (kind == "instant") {
        if (NextWord(&rest) != "at") return Error(file_name, line_no, "expected 'at'");
        auto t = ScriptTime(NextWord(&rest));
        if (!t.ok()) return Error(file_name, line_no, t.status().message());
        eval.time_ns = *t;
      } else if (kind == "range") {
        eval.range = true;
        if (NextWord(&rest) != "from") return Error(file_name, line_no, "expected 'from'");
        auto s = ScriptTime(NextWord(&rest));
        if (NextWord(&rest) != "to") return Error(file_name, line_no, "expected 'to'");
        auto e = ScriptTime(NextWord(&rest));
        if (NextWord(&rest) != "step") return Error(file_name, line_no, "expected 'step'");
        auto st = ParseGoDurationNs(NextWord(&rest));
        if (!s.ok() || !e.ok() || !st.ok() || *st <= 0 || *e < *s) {
          return Error(file_name, line_no, "bad range");
        }
        eval.start_ns = *s;
        eval.end_ns = *e;
        eval.step_ns = *st;
      } else if (kind == "log") {
        eval.log = true;
        if (NextWord(&rest) != "from") return Error(file_name, line_no, "expected 'from'");
        auto s = ScriptTime(NextWord(&rest));
        if (NextWord(&rest) != "to") return Error(file_name, line_no, "expected 'to'");
        auto e = ScriptTime(NextWord(&rest));
        if (!s.ok() || !e.ok() || *e < *s) return Error(file_name, line_no, "bad range");
        eval.start_ns = *s;
        eval.end_ns = *e;
        while (true) {
          std::string_view peek = rest;
          std::string_view word = NextWord(&peek);
          if (word == "limit") {
            std::string_view n = NextWord(&peek);
            size_t limit = 0;
            auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), limit);
            if (ec != std::errc() || p != n.data() + n.size()) {
              return Error(file_name, line_no, fmt::format("bad limit {}", n));
            }
            eval.limit = limit;
          } else if (word == "forward" || word == "backward") {
            eval.backward = word == "backward";
          } else {
            break;
          }
          rest = peek;
        }
      } else {
        return Error(file_name, line_no, fmt::format("unknown eval kind {}", kind));
      }
      eval.query = std::string(Trim(rest));
      bool have = false;
      for (const auto& [n, text_line] : block(&i)) {
        if (text_line.starts_with("expect fail")) {
          eval.expect = EvalCommand::Expect::kFail;
          std::string_view tail = Trim(text_line.substr(11));
          if (tail.starts_with("msg:")) {
            eval.fail = {FailExpectation::Kind::kSubstring, std::string(Trim(tail.substr(4)))};
          } else if (tail.starts_with("regex:")) {
            eval.fail = {FailExpectation::Kind::kRegex, std::string(Trim(tail.substr(6)))};
          }
          have = true;
        } else if (text_line == "expect empty") {
          eval.expect = EvalCommand::Expect::kEmpty;
          have = true;
        } else if (text_line == "expect ordered") {
          eval.ordered = true;
        } else if (text_line.starts_with("skip ")) {
          continue;
        } else if (text_line[0] == '@') {
          auto expected = ParseExpectedLine(text_line.substr(1));
          if (!expected.ok()) return Error(file_name, n, expected.status().message());
          eval.lines.push_back(std::move(*expected));
          eval.expect = EvalCommand::Expect::kLines;
          have = true;
        } else if (text_line[0] == '{') {
          auto series = promqltest::ReadSeriesLine(text_line, n);
          if (!series.ok()) return Error(file_name, n, series.status().message());
          eval.series.push_back(std::move(*series));
          eval.expect = EvalCommand::Expect::kSeries;
          have = true;
        } else if (auto scalar = promqltest::ReadScalarLine(text_line)) {
          eval.expect = EvalCommand::Expect::kScalar;
          eval.scalar = *scalar;
          have = true;
        } else {
          return Error(file_name, n, fmt::format("unknown expectation {}", text_line));
        }
      }
      if (!have) return Error(file_name, line_no, "eval without an expectation");
      script.commands.push_back(std::move(eval));
    } else {
      return Error(file_name, line_no, fmt::format("unknown command {}", word));
    }
  }
  return script;
}

}  // namespace otelite::logqltest
