// The checks Loki makes beyond its grammar: on the finished tree (selectors need a matcher that
// does not match "", sort without grouping labels, the errors recorded on nodes while parsing),
// on the regexp and pattern parser stages (while parsing), and when it builds a pipeline
// (regex and pattern line filters, ip() only with |= and !=, label_format names). Messages are
// Loki's; regex errors are worded as Go's regexp package words them.
#include <fmt/format.h>
#include <re2/re2.h>

#include <cmath>
#include <set>

#include "query/logql/parser_internal.h"

namespace otelite::logql::internal {

namespace {

constexpr const char* kNeedsMatcher =
    "queries require at least one regexp or equality matcher that does not have an "
    "empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but "
    "app=~\".+\" will";

const char* GoRegexpErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "internal error";
  }
}

RE2::Options QuietOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

// A pattern (Loki's `<name>` captures between literals), as nodes.
struct PatternNode {
  bool capture = false;
  std::string_view text;  // the capture's name, or the literal
};

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::vector<PatternNode> SplitPattern(std::string_view pattern) {
  std::vector<PatternNode> nodes;
  size_t literal_start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) {
    if (end > literal_start)
      nodes.push_back({false, pattern.substr(literal_start, end - literal_start)});
  };
  while (i < pattern.size()) {
    if (pattern[i] == '<' && i + 1 < pattern.size() &&
        (IsAsciiAlpha(pattern[i + 1]) || pattern[i + 1] == '_')) {
      size_t j = i + 2;
      while (j < pattern.size() && (IsAsciiAlpha(pattern[j]) || pattern[j] == '_' ||
                                    (pattern[j] >= '0' && pattern[j] <= '9'))) {
        ++j;
      }
      if (j < pattern.size() && pattern[j] == '>') {
        flush(i);
        nodes.push_back({true, pattern.substr(i + 1, j - i - 1)});
        i = j + 1;
        literal_start = i;
        continue;
      }
    }
    ++i;
  }
  flush(pattern.size());
  return nodes;
}

std::string ConsecutiveCaptureError(const std::vector<PatternNode>& nodes) {
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    if (nodes[i].capture && nodes[i + 1].capture) {
      return fmt::format("found consecutive capture '<{}><{}>': invalid expression", nodes[i].text,
                         nodes[i + 1].text);
    }
  }
  return std::string();
}

std::string StageText(const Stage& stage) {
  std::string out;
  AppendStageString(stage, &out);
  return out;
}

double FoldOp(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return b == 0 ? std::nan("") : a / b;
    case BinaryOp::kMod:
      return b == 0 ? std::nan("") : std::fmod(a, b);
    case BinaryOp::kPow:
      return std::pow(a, b);
    case BinaryOp::kEqual:
      return a == b ? 1 : 0;
    case BinaryOp::kNotEqual:
      return a != b ? 1 : 0;
    case BinaryOp::kGreater:
      return a > b ? 1 : 0;
    case BinaryOp::kGreaterEqual:
      return a >= b ? 1 : 0;
    case BinaryOp::kLess:
      return a < b ? 1 : 0;
    case BinaryOp::kLessEqual:
      return a <= b ? 1 : 0;
    default:
      return std::nan("");
  }
}

}  // namespace

std::string RegexpErrorText(std::string_view pattern) {
  RE2 re(pattern, QuietOptions());
  if (re.ok()) return std::string();
  return fmt::format("error parsing regexp: {}: `{}`", GoRegexpErrorCode(re.error_code()),
                     re.error_arg());
}

std::string PatternError(std::string_view pattern, bool line_filter) {
  if (pattern.empty()) {
    if (line_filter) return std::string();
    return "parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or "
           "LITERAL";
  }
  std::vector<PatternNode> nodes = SplitPattern(pattern);
  if (line_filter) {
    if (std::string error = ConsecutiveCaptureError(nodes); !error.empty()) return error;
    for (const PatternNode& node : nodes) {
      if (node.capture && node.text != "_") {
        return fmt::format("named captures are not allowed: found '<{}>'", node.text);
      }
    }
    return std::string();
  }
  bool named = false;
  for (const PatternNode& node : nodes) named = named || (node.capture && node.text != "_");
  if (!named) return "at least one capture is required";
  if (std::string error = ConsecutiveCaptureError(nodes); !error.empty()) return error;
  std::set<std::string_view> seen;
  for (const PatternNode& node : nodes) {
    if (!node.capture || node.text == "_") continue;
    if (!seen.insert(node.text).second) {
      return fmt::format("duplicate capture name ({}): invalid expression", node.text);
    }
  }
  return std::string();
}

std::optional<double> Parser::FoldScalar(const Expr& expr) const {
  if (const auto* literal = expr.As<LiteralExpr>()) {
    if (DeferredError(literal) != nullptr) return std::nullopt;
    return literal->value;
  }
  const auto* binary = expr.As<BinaryExpr>();
  if (binary == nullptr || IsSetOperator(binary->op)) return std::nullopt;
  std::optional<double> lhs = FoldScalar(*binary->lhs);
  if (!lhs) return std::nullopt;
  std::optional<double> rhs = FoldScalar(*binary->rhs);
  if (!rhs) return std::nullopt;
  return FoldOp(binary->op, *lhs, *rhs);
}

bool Parser::ValidateSelector(const LogSelector& selector) {
  for (const LabelMatcher& matcher : selector.matchers) {
    if (!matcher.MatchesEmpty()) return true;
  }
  return Fail(kNeedsMatcher, selector.position);
}

bool Parser::ValidateTree(const Expr& root) {
  if (const auto* log = root.As<LogQueryExpr>()) return ValidateSelector(log->selector);
  return ValidateSample(root);
}

// Loki's validateSampleExpr: a node's own error, then its children, left to right.
bool Parser::ValidateSample(const Expr& expr) {
  if (const ParseError* error = DeferredError(&expr)) return Fail(error->message, error->position);
  switch (expr.kind()) {
    case NodeKind::kBinary: {
      const auto& binary = static_cast<const BinaryExpr&>(expr);
      return ValidateSample(*binary.lhs) && ValidateSample(*binary.rhs);
    }
    case NodeKind::kVectorAggregation: {
      const auto& agg = static_cast<const VectorAggregationExpr&>(expr);
      if ((agg.op == VectorOp::kSort || agg.op == VectorOp::kSortDesc) &&
          !agg.grouping.labels.empty()) {
        return Fail("sort and sort_desc doesn't allow grouping by ", agg.position);
      }
      return ValidateSample(*agg.inner);
    }
    case NodeKind::kRangeAggregation:
      return ValidateSelector(static_cast<const RangeAggregationExpr&>(expr).selector);
    case NodeKind::kLabelReplace:
      return ValidateSample(*static_cast<const LabelReplaceExpr&>(expr).inner);
    case NodeKind::kLogQuery:
      return ValidateSelector(static_cast<const LogQueryExpr&>(expr).selector);
    case NodeKind::kLiteral:
    case NodeKind::kVector:
      return true;
  }
  return true;
}

void Parser::CheckLineFilterStage(const LineFilterStage& stage) {
  bool regex = stage.op == LineFilterOp::kRegex || stage.op == LineFilterOp::kNotRegex;
  bool pattern = stage.op == LineFilterOp::kPattern || stage.op == LineFilterOp::kNotPattern;
  if (!regex && !pattern) return;
  for (const LineFilterValue& value : stage.values) {
    std::string error;
    if (value.is_ip) {
      error = "ip: invalid operation";
    } else if (regex) {
      error = RegexpErrorText(value.text);
    } else {
      error = PatternError(value.text, /*line_filter=*/true);
    }
    if (!error.empty()) {
      DeferStage(fmt::format("stage '{}' : {}", StageText(stage), error), stage.position);
      return;
    }
  }
}

bool Parser::CheckRegexpParser(const ParserStage& stage) {
  RE2 re(stage.text, QuietOptions());
  std::string error;
  if (!re.ok()) {
    error = RegexpErrorText(stage.text);
    if (re.error_code() == RE2::ErrorBadNamedCapture) {
      // RE2 also rejects a repeated name, which Go accepts and Loki reports itself.
      std::string_view arg = re.error_arg();
      size_t open = arg.find('<');
      size_t close = arg.rfind('>');
      if (open != std::string_view::npos && close != std::string_view::npos && close > open + 1) {
        std::string_view name = arg.substr(open + 1, close - open - 1);
        bool word = true;
        for (char c : name) {
          word = word && (IsAsciiAlpha(c) || c == '_' || (c >= '0' && c <= '9'));
        }
        if (word) error = fmt::format("duplicate extracted label name '{}'", name);
      }
    }
  } else if (re.NamedCapturingGroups().empty()) {
    error = "at least one named capture must be supplied";
  } else {
    std::set<std::string_view> names;
    for (const auto& [index, name] : re.CapturingGroupNames()) {
      if (!names.insert(name).second) {
        error = fmt::format("duplicate extracted label name '{}'", name);
        break;
      }
    }
  }
  if (error.empty()) return true;
  return Fail("invalid regexp parser: " + error, stage.position);
}

bool Parser::CheckPatternParser(const ParserStage& stage) {
  std::string error = PatternError(stage.text, /*line_filter=*/false);
  if (error.empty()) return true;
  return Fail("invalid pattern parser: " + error, stage.position);
}

void Parser::CheckLabelFormatStage(const LabelFormatStage& stage) {
  std::set<std::string_view> seen;
  for (const LabelFormatStage::Item& item : stage.items) {
    std::string error;
    if (item.label == "__error__") {
      error = "__error__ cannot be formatted";
    } else if (!seen.insert(item.label).second) {
      error = fmt::format("multiple label name '{}' not allowed in a single format operation",
                          item.label);
    }
    if (!error.empty()) {
      DeferStage(fmt::format("stage '{}' : {}", StageText(stage), error), stage.position);
      return;
    }
  }
}

}  // namespace otelite::logql::internal
