#include "promqltest/script.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "model/metric.h"
#include "query/promql/lexer.h"

namespace otelite::promqltest {
namespace {

constexpr std::string_view kBlanks = " \t\r\v\f";
// A `…xN` beyond this is refused rather than allocated (the shipped scripts go up to 10000).
constexpr int64_t kMaxRepeat = 10'000'000;

bool IsBlank(char c) { return kBlanks.find(c) != std::string_view::npos; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsLabelNameChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsMetricNameChar(char c) { return IsLabelNameChar(c) || c == ':'; }
bool IsDurationUnitChar(char c) {
  return std::string_view("smhdwy").find(c) != std::string_view::npos;
}
bool IsQuote(char c) { return c == '"' || c == '\'' || c == '`'; }

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlanks) - begin + 1);
}

// The first blank-separated word of *rest; *rest keeps what follows it.
std::string_view NextWord(std::string_view* rest) {
  size_t begin = rest->find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) {
    *rest = {};
    return {};
  }
  size_t end = rest->find_first_of(kBlanks, begin);
  std::string_view word = rest->substr(begin, end == std::string_view::npos ? end : end - begin);
  *rest = end == std::string_view::npos ? std::string_view() : rest->substr(end);
  return word;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Quote(std::string_view s) { return promql::QuoteString(s); }

bool HasPrefixNoCase(std::string_view text, size_t pos, std::string_view lower_prefix) {
  return text.size() - pos >= lower_prefix.size() &&
         promql::EqualsKeyword(text.substr(pos, lower_prefix.size()), lower_prefix);
}

// A time or duration of the script: Prometheus duration syntax or a bare 0 (§2).
Result<int64_t> ParseDuration(std::string_view text, std::string_view what) {
  if (text == "0") return int64_t{0};
  Result<int64_t> ms = promql::ParseDurationToken(text);
  if (!ms.ok()) {
    return Status::InvalidArgument(
        fmt::format("bad {} {}: {}", what, Quote(text), ms.status().message()));
  }
  return ms;
}

// ---- Values (§3) ----

// A number, or a duration used as a number.
struct Scalar {
  double value = 0;  // a duration: its length in seconds
  bool is_duration = false;
  int64_t duration_ms = 0;  // is_duration only; signed
};

// Scans a number (5, -2.5, .25, +3, 1e3, 0755, Inf, NaN, and 0x1F when `allow_hex`) or a duration
// (5m, -30s, 1h30m) at text[*pos], with a leading sign when `allow_sign`; *pos moves past it.
// Series values have no hexadecimal numbers, as in Prometheus's lexer: `0x100` there is 0
// repeated, not 256.
Result<Scalar> ScanScalar(std::string_view text, size_t* pos, bool allow_sign, bool allow_hex) {
  size_t i = *pos;
  bool negative = false;
  if (allow_sign && i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  Scalar scalar;
  if (HasPrefixNoCase(text, i, "inf")) {
    i += HasPrefixNoCase(text, i, "infinity") ? 8 : 3;
    scalar.value = negative ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
    *pos = i;
    return scalar;
  }
  if (HasPrefixNoCase(text, i, "nan")) {
    scalar.value = std::numeric_limits<double>::quiet_NaN();
    *pos = i + 3;
    return scalar;
  }
  size_t body = i;
  if (allow_hex && i + 2 < text.size() && text[i] == '0' &&
      (text[i + 1] == 'x' || text[i + 1] == 'X') && IsHexDigit(text[i + 2])) {
    for (i += 2; i < text.size() && IsHexDigit(text[i]);) ++i;
  } else {
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i > body && i < text.size() && IsDurationUnitChar(text[i])) {
      while (i < text.size() && (IsDigit(text[i]) || IsDurationUnitChar(text[i]))) ++i;
      Result<int64_t> ms = promql::ParseDurationToken(text.substr(body, i - body));
      if (!ms.ok()) return ms.status();
      scalar.is_duration = true;
      scalar.duration_ms = negative ? -*ms : *ms;
      scalar.value = static_cast<double>(*ms) / 1000.0;
      if (negative) scalar.value = -scalar.value;
      *pos = i;
      return scalar;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && IsDigit(text[i])) ++i;
    }
    if (i == body || text.substr(body, i - body) == ".") {
      return Status::InvalidArgument("expected a number");
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      size_t exponent = i + 1;
      if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
      if (exponent < text.size() && IsDigit(text[exponent])) {
        for (i = exponent; i < text.size() && IsDigit(text[i]);) ++i;
      }
    }
  }
  Result<double> value = promql::ParseNumberToken(text.substr(body, i - body));
  if (!value.ok()) return value.status();
  scalar.value = negative ? -*value : *value;
  *pos = i;
  return scalar;
}

// A line that is entirely a number (§5.1 rule 5).
std::optional<double> ParseScalarLine(std::string_view text) {
  size_t pos = 0;
  Result<Scalar> scalar = ScanScalar(text, &pos, /*allow_sign=*/true, /*allow_hex=*/true);
  if (!scalar.ok() || pos != text.size() || scalar->is_duration) return std::nullopt;
  return scalar->value;
}

// One blank-separated item of a values list, before expansion.
struct Item {
  enum class Kind : uint8_t { kAbsent, kStale, kHistogram, kScalar };
  Kind kind = Kind::kAbsent;
  Scalar first;                   // kScalar
  Scalar delta;                   // kScalar with has_delta
  bool has_delta = false;         // a+bxN / a-bxN ({{…}}+{{…}}xN for histograms)
  bool subtract = false;          // a-bxN
  std::optional<int64_t> repeat;  // the N of …xN

  // `_xN` is N steps, every other `…xN` N+1.
  int64_t Steps() const {
    if (!repeat) return 1;
    return kind == Kind::kAbsent ? *repeat : *repeat + 1;
  }
};

// The end of the `{{…}}` starting at `pos`, or npos when it is not closed.
size_t HistogramEnd(std::string_view text, size_t pos) {
  size_t close = text.find("}}", pos + 2);
  return close == std::string_view::npos ? close : close + 2;
}

Result<int64_t> ParseRepeat(std::string_view digits) {
  int64_t n = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || !IsDigit(digits[0]) || error != std::errc() ||
      end != digits.data() + digits.size()) {
    return Status::InvalidArgument(
        fmt::format("expected a count after 'x', got {}", Quote(digits)));
  }
  if (n > kMaxRepeat) {
    return Status::InvalidArgument(fmt::format("count {} is over the limit of {}", n, kMaxRepeat));
  }
  return n;
}

Result<Item> ParseItem(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("bad value {}: {}", Quote(text), why));
  };
  Item item;
  if (text == "_") return item;
  if (text.starts_with("_x")) {
    Result<int64_t> repeat = ParseRepeat(text.substr(2));
    if (!repeat.ok()) return bad(repeat.status().message());
    item.repeat = *repeat;
    return item;
  }
  if (promql::EqualsKeyword(text, "stale")) {
    item.kind = Item::Kind::kStale;
    return item;
  }
  size_t pos = 0;
  if (text.starts_with("{{")) {
    item.kind = Item::Kind::kHistogram;
    pos = HistogramEnd(text, 0);
    if (pos == std::string_view::npos) return bad("unclosed '{{'");
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      item.has_delta = true;
      item.subtract = text[pos] == '-';
      if (!text.substr(pos + 1).starts_with("{{")) return bad("expected '{{' after the sign");
      pos = HistogramEnd(text, pos + 1);
      if (pos == std::string_view::npos) return bad("unclosed '{{'");
      if (pos == text.size()) return bad("an increment needs 'x<count>'");
    }
  } else {
    item.kind = Item::Kind::kScalar;
    Result<Scalar> first = ScanScalar(text, &pos, /*allow_sign=*/true, /*allow_hex=*/false);
    if (!first.ok()) return bad(first.status().message());
    item.first = *first;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      item.has_delta = true;
      item.subtract = text[pos] == '-';
      ++pos;
      Result<Scalar> delta = ScanScalar(text, &pos, /*allow_sign=*/false, /*allow_hex=*/false);
      if (!delta.ok()) return bad(delta.status().message());
      item.delta = *delta;
      if (pos == text.size()) return bad("an increment needs 'x<count>'");
    }
  }
  if (pos < text.size()) {
    if (text[pos] != 'x') return bad(fmt::format("unexpected {}", Quote(text.substr(pos))));
    Result<int64_t> repeat = ParseRepeat(text.substr(pos + 1));
    if (!repeat.ok()) return bad(repeat.status().message());
    item.repeat = *repeat;
  }
  return item;
}

// Blank-separated items; a `{{…}}` may contain blanks.
Result<std::vector<Item>> ParseItems(std::string_view text) {
  std::vector<Item> items;
  size_t i = 0;
  while (true) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    if (i == text.size()) break;
    size_t start = i;
    while (i < text.size() && !IsBlank(text[i])) {
      if (text.substr(i).starts_with("{{")) {
        i = HistogramEnd(text, i);
        if (i == std::string_view::npos) {
          return Status::InvalidArgument(
              fmt::format("bad value {}: unclosed '{{{{'", Quote(text.substr(start))));
        }
      } else {
        ++i;
      }
    }
    Result<Item> item = ParseItem(text.substr(start, i - start));
    if (!item.ok()) return item.status();
    items.push_back(*item);
  }
  return items;
}

void ExpandValues(const Item& item, std::vector<SampleValue>* out) {
  switch (item.kind) {
    case Item::Kind::kAbsent:
      out->insert(out->end(), static_cast<size_t>(item.Steps()), SampleValue::Absent());
      return;
    case Item::Kind::kStale:
      out->push_back(SampleValue::Stale());
      return;
    case Item::Kind::kHistogram:
      out->insert(out->end(), static_cast<size_t>(item.Steps()), SampleValue::Histogram());
      return;
    case Item::Kind::kScalar:
      break;
  }
  // Repeated addition, as Prometheus computes it (a + k·b can differ in the last bit).
  double value = item.first.value;
  out->push_back(SampleValue::Float(value));
  for (int64_t k = 1; k < item.Steps(); ++k) {
    if (item.has_delta) value = item.subtract ? value - item.delta.value : value + item.delta.value;
    out->push_back(SampleValue::Float(value));
  }
}

// Milliseconds of an @st offset: a duration, or a number of seconds.
Result<int64_t> OffsetMs(const Scalar& scalar) {
  if (scalar.is_duration) return scalar.duration_ms;
  double ms = scalar.value * 1000.0;
  if (!std::isfinite(ms) || std::fabs(ms) > 9.0e18) {
    return Status::InvalidArgument("a start-timestamp offset must be a finite duration");
  }
  return static_cast<int64_t>(std::llround(ms));
}

Status ExpandOffsets(const Item& item, std::vector<std::optional<int64_t>>* out) {
  switch (item.kind) {
    case Item::Kind::kAbsent:
      out->insert(out->end(), static_cast<size_t>(item.Steps()), std::nullopt);
      return Status::Ok();
    case Item::Kind::kStale:
    case Item::Kind::kHistogram:
      return Status::InvalidArgument("an @st line holds durations and '_' only");
    case Item::Kind::kScalar:
      break;
  }
  Result<int64_t> offset = OffsetMs(item.first);
  if (!offset.ok()) return offset.status();
  Result<int64_t> delta = item.has_delta ? OffsetMs(item.delta) : Result<int64_t>(int64_t{0});
  if (!delta.ok()) return delta.status();
  int64_t value = *offset;
  for (int64_t k = 0; k < item.Steps(); ++k) {
    if (k > 0) value = item.subtract ? value - *delta : value + *delta;
    out->push_back(value);
  }
  return Status::Ok();
}

// ---- Series notation ----

// A quoted string at text[*pos] ("…", '…' with Go escapes, `…` raw), checked and unquoted by
// the PromQL lexer; *pos moves past it.
Result<std::string> ReadQuoted(std::string_view text, size_t* pos) {
  char quote = text[*pos];
  size_t i = *pos + 1;
  while (i < text.size() && text[i] != quote) i += (text[i] == '\\' && quote != '`') ? 2 : 1;
  if (i >= text.size()) {
    return Status::InvalidArgument(
        fmt::format("unterminated quoted string {}", Quote(text.substr(*pos))));
  }
  std::string_view literal = text.substr(*pos, i + 1 - *pos);
  std::vector<promql::Token> tokens = promql::Lex(literal);
  if (tokens.size() != 2 || tokens[0].kind != promql::TokenKind::kString ||
      tokens[0].text.size() != literal.size()) {
    std::string why = tokens.back().kind == promql::TokenKind::kError ? tokens.back().error
                                                                      : "not a single string";
    return Status::InvalidArgument(fmt::format("bad string {}: {}", literal, why));
  }
  *pos = i + 1;
  return promql::UnquoteString(literal);
}

void SkipBlanks(std::string_view text, size_t* pos) {
  while (*pos < text.size() && IsBlank(text[*pos])) ++*pos;
}

struct SeriesDesc {
  Labels labels;
  size_t end = 0;  // just past the series
};

// `name`, `name{l="v", …}`, `{__name__="name", …}`, `{"quoted name", "quoted label"="v"}`, `{}`.
Result<SeriesDesc> ParseSeriesDesc(std::string_view text) {
  size_t i = 0;
  std::optional<std::string> name;
  std::vector<Label> labels;
  while (i < text.size() && IsMetricNameChar(text[i]) && !(i == 0 && IsDigit(text[i]))) ++i;
  if (i > 0) name = std::string(text.substr(0, i));
  bool braces = i < text.size() && text[i] == '{' && !text.substr(i).starts_with("{{");
  if (!braces && !name) {
    return Status::InvalidArgument(
        fmt::format("expected a series (name{{…}}, name or {{…}}), got {}", Quote(text)));
  }
  auto set_name = [&](std::string value) -> Status {
    if (name) return Status::InvalidArgument(fmt::format("metric name set twice in {}", text));
    name = std::move(value);
    return Status::Ok();
  };
  if (braces) {
    ++i;
    while (true) {
      SkipBlanks(text, &i);
      if (i == text.size()) {
        return Status::InvalidArgument(fmt::format("unclosed '{{' in {}", text));
      }
      if (text[i] == '}') {
        ++i;
        break;
      }
      std::string label;
      bool quoted = IsQuote(text[i]);
      if (quoted) {
        Result<std::string> unquoted = ReadQuoted(text, &i);
        if (!unquoted.ok()) return unquoted.status();
        label = std::move(*unquoted);
      } else {
        size_t start = i;
        while (i < text.size() && IsLabelNameChar(text[i]) && !(i == start && IsDigit(text[i]))) {
          ++i;
        }
        if (i == start) {
          return Status::InvalidArgument(
              fmt::format("expected a label name at {}", Quote(text.substr(start))));
        }
        label = std::string(text.substr(start, i - start));
      }
      SkipBlanks(text, &i);
      if (i < text.size() && text[i] == '=' && !text.substr(i).starts_with("=~")) {
        ++i;
        SkipBlanks(text, &i);
        if (i == text.size() || !IsQuote(text[i])) {
          return Status::InvalidArgument(
              fmt::format("expected a quoted value for label {}", label));
        }
        Result<std::string> value = ReadQuoted(text, &i);
        if (!value.ok()) return value.status();
        if (label == kMetricNameLabel) {
          OTELITE_RETURN_IF_ERROR(set_name(std::move(*value)));
        } else {
          for (const Label& existing : labels) {
            if (existing.name == label) {
              return Status::InvalidArgument(fmt::format("label {} set twice in {}", label, text));
            }
          }
          labels.push_back({std::move(label), std::move(*value)});
        }
      } else if (quoted && i < text.size() && (text[i] == ',' || text[i] == '}')) {
        OTELITE_RETURN_IF_ERROR(set_name(std::move(label)));
      } else if (i < text.size() && (text[i] == '!' || text[i] == '=')) {
        return Status::InvalidArgument(
            fmt::format("only '=' is allowed in series notation, got {}", text.substr(i, 2)));
      } else {
        return Status::InvalidArgument(fmt::format("expected '=' after label {}", label));
      }
      SkipBlanks(text, &i);
      if (i < text.size() && text[i] == ',') {
        ++i;
      } else if (i == text.size() || text[i] != '}') {
        return Status::InvalidArgument(fmt::format("expected ',' or '}}' after label in {}", text));
      }
    }
  }
  if (name) labels.push_back({std::string(kMetricNameLabel), std::move(*name)});
  return SeriesDesc{Labels(std::move(labels)), i};
}

struct ParsedSeriesLine {
  SeriesLine series;
  bool start_timestamps = false;  // `<series>@st <offsets>`: offsets in series.start_offsets_ms
};

Result<ParsedSeriesLine> ParseSeriesLine(std::string_view text, int line, bool allow_st) {
  Result<SeriesDesc> desc = ParseSeriesDesc(text);
  if (!desc.ok()) return desc.status();
  ParsedSeriesLine parsed;
  parsed.series.labels = desc->labels;
  parsed.series.line = line;
  std::string_view rest = text.substr(desc->end);
  if (rest.starts_with("@st") && (rest.size() == 3 || IsBlank(rest[3]))) {
    if (!allow_st) return Status::InvalidArgument("@st lines belong to load blocks");
    parsed.start_timestamps = true;
    rest = rest.substr(3);
  } else if (!rest.empty() && !IsBlank(rest[0])) {
    return Status::InvalidArgument(
        fmt::format("expected a blank after the series, got {}", Quote(rest)));
  }
  parsed.series.values_text = std::string(Trim(rest));
  Result<std::vector<Item>> items = ParseItems(rest);
  if (!items.ok()) return items.status();
  for (const Item& item : *items) {
    if (parsed.start_timestamps) {
      OTELITE_RETURN_IF_ERROR(ExpandOffsets(item, &parsed.series.start_offsets_ms));
    } else {
      ExpandValues(item, &parsed.series.values);
      if (item.kind == Item::Kind::kHistogram) parsed.series.has_histograms = true;
    }
  }
  return parsed;
}

// ---- The script ----

class Reader {
 public:
  Reader(std::string_view text, std::string_view file_name) : file_name_(file_name) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = Trim(text.substr(start, end - start));
      lines_.push_back(line.starts_with('#') ? std::string_view() : line);
      start = end + 1;
    }
    script_.file_name = std::string(file_name);
  }

  Result<Script> Read() && {
    while (next_ < lines_.size()) {
      size_t index = next_++;
      if (lines_[index].empty()) continue;
      Status status = ReadCommand(lines_[index], static_cast<int>(index) + 1);
      if (!status.ok()) return status;
    }
    return std::move(script_);
  }

 private:
  Status Error(int line, std::string_view message) const {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", file_name_, line, message));
  }

  // The next line of the current block, or false at a blank line or the end of the file.
  bool NextBlockLine(std::string_view* text, int* line) {
    if (next_ >= lines_.size() || lines_[next_].empty()) return false;
    *text = lines_[next_];
    *line = static_cast<int>(++next_);
    return true;
  }

  Status ReadCommand(std::string_view text, int line) {
    std::string_view rest = text;
    std::string_view word = NextWord(&rest);
    std::string command = Lower(word);
    if (command == "clear") {
      if (!Trim(rest).empty()) return Error(line, "clear takes no arguments");
      script_.commands.emplace_back(ClearCommand{line});
      return Status::Ok();
    }
    if (command.starts_with("load")) return ReadLoad(command, rest, line);
    if (command.starts_with("eval")) return ReadEval(command, rest, line);
    std::string message =
        fmt::format("unknown command {} (expected clear, load… or eval…)", Quote(word));
    if (line >= 2 && !lines_[line - 2].empty()) {
      message +=
          "; the line before ended its block (blocks end at a blank line, a scalar result "
          "or expected_fail_message/regexp)";
    }
    return Error(line, message);
  }

  Status ReadLoad(const std::string& command, std::string_view rest, int line) {
    if (command != "load" && command != "load_with_nhcb") {
      return Error(line, fmt::format("unknown command {} (expected load or load_with_nhcb)",
                                     Quote(command)));
    }
    std::string_view interval_text = NextWord(&rest);
    if (interval_text.empty() || !Trim(rest).empty()) {
      return Error(line, fmt::format("expected '{} <interval>'", command));
    }
    Result<int64_t> interval = ParseDuration(interval_text, "load interval");
    if (!interval.ok()) return Error(line, interval.status().message());
    if (*interval <= 0) return Error(line, "the load interval must be positive");
    LoadCommand load;
    load.interval_ms = *interval;
    load.with_nhcb = command == "load_with_nhcb";
    load.line = line;
    std::optional<SeriesLine> pending_st;  // an @st line waiting for its series' values
    std::string_view text;
    int series_line = 0;
    while (NextBlockLine(&text, &series_line)) {
      Result<ParsedSeriesLine> parsed = ParseSeriesLine(text, series_line, /*allow_st=*/true);
      if (!parsed.ok()) return Error(series_line, parsed.status().message());
      if (parsed->start_timestamps) {
        if (pending_st) {
          return Error(pending_st->line, "@st line not followed by the values of its series");
        }
        pending_st = std::move(parsed->series);
        continue;
      }
      if (pending_st) {
        if (!(pending_st->labels == parsed->series.labels)) {
          return Error(
              pending_st->line,
              fmt::format("@st line for {} is followed by {}; it must come right before "
                          "the values of the same series",
                          pending_st->labels.ToString(), parsed->series.labels.ToString()));
        }
        parsed->series.start_offsets_ms = std::move(pending_st->start_offsets_ms);
        pending_st.reset();
      }
      load.series.push_back(std::move(parsed->series));
    }
    if (pending_st) {
      return Error(pending_st->line, "@st line not followed by the values of its series");
    }
    script_.commands.emplace_back(std::move(load));
    return Status::Ok();
  }

  // Reads `<keyword> <time>` pairs such as `from 0 to 1m step 30s` off *rest.
  Status ReadTimes(std::string_view* rest, std::initializer_list<std::string_view> keywords,
                   std::initializer_list<int64_t*> times, std::string_view syntax, int line) {
    auto target = times.begin();
    for (std::string_view keyword : keywords) {
      std::string_view word = NextWord(rest);
      std::string_view time = NextWord(rest);
      if (!promql::EqualsKeyword(word, keyword) || time.empty()) {
        return Error(line, fmt::format("expected '{}'", syntax));
      }
      Result<int64_t> ms = ParseDuration(time, keyword == "step" ? "step" : "time");
      if (!ms.ok()) return Error(line, ms.status().message());
      **target++ = *ms;
    }
    return Status::Ok();
  }

  Status ReadEval(const std::string& command, std::string_view rest, int line) {
    EvalCommand eval;
    eval.command = command;
    eval.line = line;
    MessageMatch any{MessageMatch::Kind::kAny, "", line};
    if (command == "eval_fail") {
      eval.expect.fail = any;
    } else if (command == "eval_warn") {
      eval.expect.warn.push_back(any);
    } else if (command == "eval_info") {
      eval.expect.info.push_back(any);
    } else if (command == "eval_ordered") {
      eval.expect.ordered = true;
    } else if (command != "eval") {
      return Error(line, fmt::format("unknown command {} (expected eval, eval_fail, eval_warn, "
                                     "eval_info or eval_ordered)",
                                     Quote(command)));
    }
    std::string_view kind = NextWord(&rest);
    if (promql::EqualsKeyword(kind, "instant")) {
      eval.kind = EvalKind::kInstant;
      OTELITE_RETURN_IF_ERROR(
          ReadTimes(&rest, {"at"}, {&eval.time_ms}, command + " instant at <time> <query>", line));
    } else if (promql::EqualsKeyword(kind, "range")) {
      eval.kind = EvalKind::kRange;
      OTELITE_RETURN_IF_ERROR(
          ReadTimes(&rest, {"from", "to", "step"}, {&eval.start_ms, &eval.end_ms, &eval.step_ms},
                    command + " range from <start> to <end> step <step> <query>", line));
      if (eval.step_ms <= 0) return Error(line, "the step must be positive");
      if (eval.end_ms < eval.start_ms) return Error(line, "the end is before the start");
      if (eval.expect.ordered) return Error(line, "eval_ordered is for instant evals only");
    } else {
      return Error(line, fmt::format("expected 'instant' or 'range' after {}", command));
    }
    eval.expr = std::string(Trim(rest));
    if (eval.expr.empty()) return Error(line, "missing query");
    OTELITE_RETURN_IF_ERROR(ReadEvalBlock(&eval));
    script_.commands.emplace_back(std::move(eval));
    return Status::Ok();
  }

  Status ReadEvalBlock(EvalCommand* eval) {
    ExpectedResult& result = eval->result;
    std::string_view text;
    int line = 0;
    while (NextBlockLine(&text, &line)) {
      std::string_view rest = text;
      std::string_view first = NextWord(&rest);
      if (first == "expected_fail_message" || first == "expected_fail_regexp") {
        if (eval->command != "eval_fail") {
          return Error(line, fmt::format("{} only follows eval_fail", first));
        }
        std::string_view body = Trim(rest);
        if (body.empty()) return Error(line, fmt::format("{} needs a text", first));
        bool exact = first == "expected_fail_message";
        eval->expect.fail =
            MessageMatch{exact ? MessageMatch::Kind::kExact : MessageMatch::Kind::kRegex,
                         std::string(body), line};
        break;  // ends the block
      }
      if (first == "expect") {
        OTELITE_RETURN_IF_ERROR(ReadExpectLine(rest, line, eval));
        continue;
      }
      if (std::optional<double> scalar = ParseScalarLine(text)) {
        if (result.kind != ExpectedResult::Kind::kEmpty) {
          return Error(line, "a scalar result cannot follow other results");
        }
        result.kind = ExpectedResult::Kind::kScalar;
        result.scalar = *scalar;
        result.line = line;
        break;  // ends the block
      }
      Result<ParsedSeriesLine> parsed = ParseSeriesLine(text, line, /*allow_st=*/false);
      if (!parsed.ok()) return Error(line, parsed.status().message());
      if (result.kind == ExpectedResult::Kind::kString) {
        return Error(line, "series lines cannot follow 'expect string'");
      }
      OTELITE_RETURN_IF_ERROR(CheckValueCount(*eval, parsed->series));
      result.kind = ExpectedResult::Kind::kSeries;
      result.series.push_back(std::move(parsed->series));
    }
    const Expectations& expect = eval->expect;
    if (!expect.warn.empty() && expect.no_warn) {
      return Error(eval->line, "'expect warn' and 'expect no_warn' contradict each other");
    }
    if (!expect.info.empty() && expect.no_info) {
      return Error(eval->line, "'expect info' and 'expect no_info' contradict each other");
    }
    if (expect.ordered && (eval->kind == EvalKind::kRange || expect.range_vector)) {
      return Error(eval->line, "'expect ordered' is for instant-vector results only");
    }
    return Status::Ok();
  }

  Status CheckValueCount(const EvalCommand& eval, const SeriesLine& series) const {
    size_t count = series.values.size();
    std::string labels = series.labels.ToString();
    if (eval.kind == EvalKind::kInstant && !eval.expect.range_vector) {
      if (count == 1) return Status::Ok();
      return Error(series.line,
                   fmt::format("an instant eval expects one value per series, {} has {} (a range "
                               "vector result needs 'expect range vector …' first)",
                               labels, count));
    }
    int64_t steps = eval.StepCount();
    if (eval.expect.range_vector) {
      const RangeVectorSpec& spec = *eval.expect.range_vector;
      steps = (spec.end_ms - spec.start_ms) / spec.step_ms + 1;
    }
    if (count == 0) return Error(series.line, fmt::format("no values for {}", labels));
    if (static_cast<int64_t>(count) > steps) {
      return Error(series.line, fmt::format("{} has {} values for {} steps", labels, count, steps));
    }
    return Status::Ok();
  }

  // `expect …` (§5.1 rules 2–4); `rest` follows the word `expect`.
  Status ReadExpectLine(std::string_view rest, int line, EvalCommand* eval) {
    Expectations& expect = eval->expect;
    std::string_view type = NextWord(&rest);
    if (type == "range") {
      RangeVectorSpec spec;
      std::string_view vector = NextWord(&rest);
      if (vector != "vector") {
        return Error(line, "expected 'expect range vector from <start> to <end> step <step>'");
      }
      OTELITE_RETURN_IF_ERROR(
          ReadTimes(&rest, {"from", "to", "step"}, {&spec.start_ms, &spec.end_ms, &spec.step_ms},
                    "expect range vector from <start> to <end> step <step>", line));
      if (!Trim(rest).empty()) {
        return Error(line, fmt::format("unexpected {} after the step", Quote(Trim(rest))));
      }
      if (spec.step_ms <= 0) return Error(line, "the step must be positive");
      if (spec.end_ms < spec.start_ms) return Error(line, "the end is before the start");
      if (eval->kind == EvalKind::kRange) {
        return Error(line, "'expect range vector' is for instant evals only");
      }
      if (expect.range_vector) return Error(line, "a second 'expect range vector'");
      if (eval->result.kind != ExpectedResult::Kind::kEmpty) {
        return Error(line, "'expect range vector' must come before the expected series");
      }
      expect.range_vector = spec;
      return Status::Ok();
    }
    if (type == "string") {
      std::string_view literal = Trim(rest);
      size_t pos = 0;
      if (literal.empty() || !IsQuote(literal[0])) {
        return Error(line, "expected 'expect string \"<text>\"'");
      }
      Result<std::string> value = ReadQuoted(literal, &pos);
      if (!value.ok()) return Error(line, value.status().message());
      if (pos != literal.size()) {
        return Error(line,
                     fmt::format("unexpected {} after the string", Quote(literal.substr(pos))));
      }
      if (eval->kind == EvalKind::kRange)
        return Error(line, "'expect string' is for instant evals");
      if (eval->result.kind != ExpectedResult::Kind::kEmpty) {
        return Error(line, "'expect string' cannot follow other results");
      }
      eval->result.kind = ExpectedResult::Kind::kString;
      eval->result.string_value = std::move(*value);
      eval->result.line = line;
      return Status::Ok();
    }
    MessageMatch match{MessageMatch::Kind::kAny, "", line};
    std::string_view body = Trim(rest);
    if (!body.empty()) {
      if (body.starts_with("msg:")) {
        match.kind = MessageMatch::Kind::kExact;
        match.text = std::string(Trim(body.substr(4)));
      } else if (body.starts_with("regex:")) {
        match.kind = MessageMatch::Kind::kRegex;
        match.text = std::string(Trim(body.substr(6)));
      } else {
        return Error(line, fmt::format("expected 'msg: <text>' or 'regex: <regex>' after "
                                       "'expect {}', got {}",
                                       type, Quote(body)));
      }
      if (match.text.empty()) return Error(line, "empty message");
      if (type == "no_warn" || type == "no_info" || type == "ordered") {
        return Error(line, fmt::format("'expect {}' takes no message", type));
      }
    }
    if (type == "fail") {
      if (expect.fail) return Error(line, "a second failure expectation");
      expect.fail = std::move(match);
    } else if (type == "warn") {
      expect.warn.push_back(std::move(match));
    } else if (type == "info") {
      expect.info.push_back(std::move(match));
    } else if (type == "no_warn") {
      expect.no_warn = true;
    } else if (type == "no_info") {
      expect.no_info = true;
    } else if (type == "ordered") {
      expect.ordered = true;
    } else {
      return Error(line, fmt::format("unknown expectation {} (expected fail, warn, info, no_warn, "
                                     "no_info, ordered, range vector or string)",
                                     Quote(type)));
    }
    return Status::Ok();
  }

  std::string file_name_;
  std::vector<std::string_view> lines_;  // trimmed; comment lines are empty
  size_t next_ = 0;                      // index of the next unread line
  Script script_;
};

// ---- v3-cases.tsv and SKIP.md ----

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> Split(std::string_view text, char separator, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t at = text.find(separator);
    if (at == std::string_view::npos) break;
    parts.push_back(text.substr(0, at));
    text = text.substr(at + 1);
  }
  parts.push_back(text);
  return parts;
}

// A markdown table cell without its backticks.
std::string CellText(std::string_view cell) {
  std::string out;
  for (char c : Trim(cell)) {
    if (c != '`') out.push_back(c);
  }
  return out;
}

std::optional<int> ParseInt(std::string_view text) {
  int n = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// "eleven" or "11", as SKIP.md may write a count in prose.
std::optional<int> ParseCountWord(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "zero",     "one",     "two",     "three",     "four",     "five",     "six",
      "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  for (size_t i = 0; i < std::size(kWords); ++i) {
    if (promql::EqualsKeyword(word, kWords[i])) return static_cast<int>(i);
  }
  return ParseInt(word);
}

// "nh-func:<f>" matches "nh-func:histogram_sum"; a pattern without <…> matches itself.
bool TagMatches(std::string_view pattern, std::string_view tag) {
  size_t placeholder = pattern.find('<');
  if (placeholder == std::string_view::npos) return pattern == tag;
  return tag.size() > placeholder && tag.starts_with(pattern.substr(0, placeholder));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

SampleValue SampleValue::Stale() { return {Kind::kStale, StaleNaN()}; }

bool operator==(const SampleValue& a, const SampleValue& b) {
  return a.kind == b.kind && std::bit_cast<uint64_t>(a.value) == std::bit_cast<uint64_t>(b.value);
}

int64_t EvalCommand::StepCount() const {
  if (kind == EvalKind::kInstant || step_ms <= 0) return 1;
  return (end_ms - start_ms) / step_ms + 1;
}

Result<Script> ReadScript(std::string_view text, std::string_view file_name) {
  return Reader(text, file_name).Read();
}

Result<CaseIndex> CaseIndex::Load(const std::string& conformance_dir) {
  Result<std::string> cases = ReadFile(conformance_dir + "/v3-cases.tsv");
  if (!cases.ok()) return cases.status();
  Result<std::string> skip = ReadFile(conformance_dir + "/SKIP.md");
  if (!skip.ok()) return skip.status();
  return FromText(*cases, *skip);
}

Result<CaseIndex> CaseIndex::FromText(std::string_view cases_tsv, std::string_view skip_md) {
  CaseIndex index;
  std::vector<std::string_view> lines = SplitLines(cases_tsv);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty() || line.starts_with('#') || line.starts_with("file\t")) continue;
    auto bad = [&](std::string_view why) {
      return Status::InvalidArgument(fmt::format("v3-cases.tsv:{}: {}", i + 1, why));
    };
    std::vector<std::string_view> columns = Split(line, '\t', 8);
    if (columns.size() != 8) return bad("expected 8 tab-separated columns");
    CaseRow row;
    row.file = std::string(columns[0]);
    std::optional<int> number = ParseInt(columns[1]);
    if (!number || *number <= 0) return bad(fmt::format("bad line number {}", Quote(columns[1])));
    row.line = *number;
    row.kind = std::string(columns[2]);
    if (row.kind != "instant" && row.kind != "range") return bad("kind is not instant or range");
    row.time = std::string(columns[3]);
    if (columns[4] != "0" && columns[4] != "1") return bad("expects_failure is not 0 or 1");
    row.expects_failure = columns[4] == "1";
    row.annotations = std::string(columns[5]);
    if (columns[6] != "-") {
      for (std::string_view tag : Split(columns[6], ',', SIZE_MAX)) row.tags.emplace_back(tag);
    }
    row.expr = std::string(columns[7]);
    std::pair<std::string, int> key{row.file, row.line};
    if (!index.rows_.emplace(std::move(key), std::move(row)).second) {
      return bad("a second row for the same eval");
    }
  }

  enum class Section { kOther, kFiles, kTags } section = Section::kOther;
  bool in_tag_table = false;
  bool tag_table_done = false;
  std::optional<int> skipping_rows;
  std::vector<std::pair<std::string, std::string>> tags;
  for (std::string_view line : SplitLines(skip_md)) {
    constexpr std::string_view kRunnable = "no tag from the first ";
    if (size_t at = line.find(kRunnable); at != std::string_view::npos) {
      std::string_view rest = line.substr(at + kRunnable.size());
      skipping_rows = ParseCountWord(NextWord(&rest));
    }
    if (line.starts_with("## ")) {
      section = line.find("Whole files to skip") != std::string_view::npos ? Section::kFiles
                : line.find("Per-case tags") != std::string_view::npos     ? Section::kTags
                                                                           : Section::kOther;
      continue;
    }
    if (!line.starts_with('|')) {
      if (in_tag_table) tag_table_done = true;
      in_tag_table = false;
      continue;
    }
    std::vector<std::string_view> cells = Split(Trim(line), '|', SIZE_MAX);
    // "| a | b |" splits into "", " a ", " b ", "".
    if (cells.size() < 4) continue;
    std::string first = CellText(cells[1]);
    if (first.starts_with('-') || first.starts_with(':') || first == "file" || first == "tag") {
      continue;  // header and separator rows
    }
    if (section == Section::kFiles && cells.size() >= 5) {
      index.skipped_files_[first] = CellText(cells[3]);
    } else if (section == Section::kTags && !tag_table_done) {
      in_tag_table = true;
      tags.emplace_back(first, CellText(cells[2]));
    }
  }
  if (index.skipped_files_.empty()) {
    return Status::InvalidArgument("SKIP.md: no table under '## Whole files to skip'");
  }
  if (tags.empty())
    return Status::InvalidArgument("SKIP.md: no tag table under '## Per-case tags'");
  if (!skipping_rows || *skipping_rows <= 0 || *skipping_rows > static_cast<int>(tags.size())) {
    return Status::InvalidArgument(
        "SKIP.md: no usable 'Runnable = no tag from the first <N> rows' sentence");
  }
  tags.resize(static_cast<size_t>(*skipping_rows));
  index.skipping_tags_ = std::move(tags);
  return index;
}

const CaseRow* CaseIndex::FindRow(std::string_view v3_file, int line) const {
  auto it = rows_.find(std::pair<std::string, int>(std::string(v3_file), line));
  return it == rows_.end() ? nullptr : &it->second;
}

CaseTags CaseIndex::LookupTags(std::string_view file_name, int line) const {
  CaseTags result;
  size_t slash = file_name.rfind('/');
  if (slash == std::string_view::npos) return result;
  std::string_view base = file_name.substr(slash + 1);
  std::string_view directory = file_name.substr(0, slash);
  if (size_t parent = directory.rfind('/'); parent != std::string_view::npos) {
    directory = directory.substr(parent + 1);
  }
  if (directory != "v3") return result;
  if (const CaseRow* row = FindRow(base, line)) {
    result.indexed = true;
    result.tags = row->tags;
  }
  if (auto file = skipped_files_.find(std::string(base)); file != skipped_files_.end()) {
    result.skip = true;
    result.skip_reason = "whole file: " + file->second;
    return result;
  }
  for (const std::string& tag : result.tags) {
    for (const auto& [pattern, meaning] : skipping_tags_) {
      if (!TagMatches(pattern, tag)) continue;
      if (result.skip) result.skip_reason += "; ";
      result.skip = true;
      result.skip_reason += tag + ": " + meaning;
      break;
    }
  }
  return result;
}

bool MessageMatch::Matches(const std::string& message) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kExact:
      return message == text;
    case Kind::kRegex:
      return RE2::PartialMatch(message, RE2(text));
  }
  return false;
}

Result<SeriesLine> ReadSeriesLine(std::string_view text, int line) {
  Result<ParsedSeriesLine> parsed = ParseSeriesLine(text, line, /*allow_st=*/false);
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->series);
}

std::optional<double> ReadScalarLine(std::string_view text) { return ParseScalarLine(Trim(text)); }

}  // namespace otelite::promqltest
