#include "query/logql/regexp_parser.h"

#include <re2/re2.h>

#include <unordered_set>
#include <utility>

namespace otelite::logql {

namespace {

bool IsGroupNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Walks a Go/RE2 regular expression and calls `on_group(position, name_start, name_end)` for
// each `(?P<name>` or `(?<name>` outside escapes, \Q…\E quoting and character classes.
template <typename OnGroup>
void ForEachNamedGroup(std::string_view regex, OnGroup&& on_group) {
  const size_t n = regex.size();
  bool in_class = false;
  for (size_t i = 0; i < n;) {
    const char c = regex[i];
    if (c == '\\') {
      if (i + 1 < n && regex[i + 1] == 'Q') {
        const size_t end = regex.find("\\E", i + 2);
        i = end == std::string_view::npos ? n : end + 2;
      } else {
        i += 2;
      }
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < n && regex[i + 1] == ':') {
        const size_t end = regex.find(":]", i + 2);
        i = end == std::string_view::npos ? n : end + 2;
        continue;
      }
      if (c == ']') in_class = false;
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      ++i;
      if (i < n && regex[i] == '^') ++i;
      if (i < n && regex[i] == ']') ++i;  // a leading ']' is literal
      continue;
    }
    if (c == '(' && i + 2 < n && regex[i + 1] == '?') {
      size_t name_start = 0;
      if (regex[i + 2] == 'P' && i + 3 < n && regex[i + 3] == '<') {
        name_start = i + 4;
      } else if (regex[i + 2] == '<' && i + 3 < n && regex[i + 3] != '=' && regex[i + 3] != '!') {
        name_start = i + 3;
      }
      if (name_start != 0) {
        size_t name_end = name_start;
        while (name_end < n && IsGroupNameChar(regex[name_end])) ++name_end;
        if (name_end < n && regex[name_end] == '>' && name_end > name_start) {
          on_group(i, name_start, name_end);
          i = name_end + 1;
          continue;
        }
      }
    }
    ++i;
  }
}

constexpr std::pair<RE2::ErrorCode, const char*> kGoWording[] = {
    {RE2::ErrorBadEscape, "invalid escape sequence"},
    {RE2::ErrorBadCharClass, "invalid character class"},
    {RE2::ErrorBadCharRange, "invalid character class range"},
    {RE2::ErrorMissingBracket, "missing closing ]"},
    {RE2::ErrorMissingParen, "missing closing )"},
    {RE2::ErrorUnexpectedParen, "unexpected )"},
    {RE2::ErrorTrailingBackslash, "trailing backslash at end of expression"},
    {RE2::ErrorRepeatArgument, "missing argument to repetition operator"},
    {RE2::ErrorRepeatSize, "invalid repeat count"},
    {RE2::ErrorRepeatOp, "invalid nested repetition operator"},
    {RE2::ErrorBadPerlOp, "invalid or unsupported Perl syntax"},
    {RE2::ErrorBadUTF8, "invalid UTF-8"},
    {RE2::ErrorBadNamedCapture, "invalid named capture"},
    {RE2::ErrorPatternTooLarge, "expression too large"},
};

RE2::Options QuietOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

}  // namespace

std::string GoRegexpError(const RE2& regex) {
  const char* what = "regexp/syntax: internal error";
  for (const auto& [code, text] : kGoWording) {
    if (regex.error_code() == code) what = text;
  }
  return std::string("error parsing regexp: ") + what + ": `" + regex.error_arg() + "`";
}

std::string WithPythonGroupNames(std::string_view regex) {
  std::string out;
  size_t copied = 0;
  ForEachNamedGroup(regex, [&](size_t open, size_t name_start, size_t) {
    if (regex[name_start - 1] == '<' && regex[name_start - 2] == '?') {
      out.append(regex.substr(copied, open + 2 - copied));
      out += 'P';
      copied = open + 2;
    }
  });
  out.append(regex.substr(copied));
  return out;
}

RegexpParser::RegexpParser() = default;
RegexpParser::~RegexpParser() = default;
RegexpParser::RegexpParser(RegexpParser&&) noexcept = default;
RegexpParser& RegexpParser::operator=(RegexpParser&&) noexcept = default;

Result<RegexpParser> RegexpParser::Compile(std::string_view regex) {
  const std::string rewritten = WithPythonGroupNames(regex);

  // Go accepts a name used twice (Loki then rejects it) where RE2 fails: look for that first.
  std::vector<std::string> names;
  std::string without_names;
  size_t copied = 0;
  ForEachNamedGroup(rewritten, [&](size_t open, size_t name_start, size_t name_end) {
    names.emplace_back(rewritten.substr(name_start, name_end - name_start));
    without_names.append(rewritten.substr(copied, open + 1 - copied));
    copied = name_end + 1;
  });
  without_names.append(rewritten.substr(copied));
  std::unordered_set<std::string> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      RE2 check(without_names, QuietOptions());
      if (!check.ok()) return Status::InvalidArgument(GoRegexpError(check));
      for (const std::string& earlier : names) {
        if (earlier == name) break;
        if (!IsValidLabelName(earlier)) {
          return Status::InvalidArgument("invalid extracted label name '" + earlier + "'");
        }
      }
      if (!IsValidLabelName(name)) {
        return Status::InvalidArgument("invalid extracted label name '" + name + "'");
      }
      return Status::InvalidArgument("duplicate extracted label name '" + name + "'");
    }
  }

  RegexpParser parser;
  parser.regex_ = std::make_unique<RE2>(rewritten, QuietOptions());
  if (!parser.regex_->ok()) return Status::InvalidArgument(GoRegexpError(*parser.regex_));
  const int groups = parser.regex_->NumberOfCapturingGroups();
  if (groups == 0) return Status::InvalidArgument("at least one named capture must be supplied");
  for (const auto& [index, name] : parser.regex_->CapturingGroupNames()) {
    if (!IsValidLabelName(name)) {
      return Status::InvalidArgument("invalid extracted label name '" + name + "'");
    }
    parser.groups_.emplace_back(index, name);
  }
  if (parser.groups_.empty()) {
    return Status::InvalidArgument("at least one named capture must be supplied");
  }
  parser.matches_.resize(static_cast<size_t>(groups) + 1);
  return parser;
}

void RegexpParser::Parse(std::string_view line, FieldSink& sink) {
  const re2::StringPiece text(line.data(), line.size());
  if (!regex_->Match(text, 0, text.size(), RE2::UNANCHORED, matches_.data(),
                     static_cast<int>(matches_.size()))) {
    return;
  }
  for (const auto& [index, name] : groups_) {
    const re2::StringPiece& group = matches_[index];
    sink.Add(name, std::string_view(group.data() == nullptr ? "" : group.data(), group.size()));
  }
}

}  // namespace otelite::logql
