// Label matchers as Prometheus and Loki define them: `=`, `!=`, `=~`, `!~`. Regular
// expressions use RE2 (the syntax both upstreams use) and are fully anchored, with `.` matching
// newlines too, as in Prometheus 3. A matcher is immutable and cheap to copy.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace re2 {
class RE2;
}

namespace otelite {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
const char* MatchTypeOperator(MatchType type);

class LabelMatcher {
 public:
  // Fails with InvalidArgument naming the label and RE2's reason for a bad regex.
  static Result<LabelMatcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value matches (an absent label has the value "").
  bool Matches(std::string_view value) const;
  // Whether the empty value matches: such a matcher also selects series without the label.
  bool MatchesEmpty() const { return matches_empty_; }
  // Whether every value matches, absent labels too (`=~".*"`, what Grafana's "All" becomes):
  // such a matcher filters nothing and can be left out.
  bool MatchesEverything() const { return matches_everything_; }
  // For `=~` whose regex is a plain alternation of literals ("a|b|c"): those literals, so the
  // index can look them up instead of testing every value. Empty otherwise.
  const std::vector<std::string>& SetMatches() const { return set_matches_; }
  // name="value", name=~"re", … in PromQL notation.
  std::string ToString() const;

 private:
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> set_matches_;
  bool matches_empty_ = false;
  bool matches_everything_ = false;
};

using Matchers = std::vector<LabelMatcher>;

}  // namespace otelite
