#include "storage/matcher.h"

#include <fmt/format.h>
#include <re2/re2.h>

namespace otelite {

const char* MatchTypeOperator(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

namespace {

// "a|b|c" with only literal characters: the alternatives; otherwise empty.
std::vector<std::string> LiteralAlternatives(std::string_view re) {
  std::vector<std::string> out;
  std::string current;
  for (char ch : re) {
    if (ch == '|') {
      out.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (std::string_view("\\.+*?()[]{}^$").find(ch) != std::string_view::npos) return {};
    current.push_back(ch);
  }
  out.push_back(std::move(current));
  return out;
}

}  // namespace

Result<LabelMatcher> LabelMatcher::Make(MatchType type, std::string name, std::string value) {
  LabelMatcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    auto re = std::make_shared<RE2>("^(?:" + m.value_ + ")$", options);
    if (!re->ok()) {
      return Status::InvalidArgument(fmt::format("invalid regular expression in {}{}\"{}\": {}",
                                                 m.name_, MatchTypeOperator(type), m.value_,
                                                 re->error()));
    }
    m.re_ = std::move(re);
    if (type == MatchType::kRegexMatch) m.set_matches_ = LiteralAlternatives(m.value_);
  }
  m.matches_empty_ = m.Matches("");
  // `.` matches newlines too, so `.*` matches every string.
  m.matches_everything_ = type == MatchType::kRegexMatch &&
                          (m.value_ == ".*" || m.value_ == "(.*)" || m.value_ == "(?s:.*)");
  return m;
}

bool LabelMatcher::Matches(std::string_view value) const {
  switch (type_) {
    case MatchType::kEqual:
      return value == value_;
    case MatchType::kNotEqual:
      return value != value_;
    case MatchType::kRegexMatch:
      return RE2::FullMatch(value, *re_);
    case MatchType::kRegexNoMatch:
      return !RE2::FullMatch(value, *re_);
  }
  return false;
}

std::string LabelMatcher::ToString() const {
  std::string escaped;
  for (char ch : value_) {
    if (ch == '"' || ch == '\\') escaped.push_back('\\');
    if (ch == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(ch);
  }
  return fmt::format("{}{}\"{}\"", name_, MatchTypeOperator(type_), escaped);
}

}  // namespace otelite
