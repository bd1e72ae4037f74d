#include "query/logql/pattern.h"

#include <unordered_set>

namespace otelite::logql {

namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::vector<Pattern::Node> Pattern::Split(std::string_view pattern) {
  std::vector<Node> nodes;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '<' && i + 1 < pattern.size() && IsNameStart(pattern[i + 1])) {
      size_t end = i + 2;
      while (end < pattern.size() && IsNameChar(pattern[end])) ++end;
      if (end < pattern.size() && pattern[end] == '>') {
        nodes.push_back({true, std::string(pattern.substr(i + 1, end - i - 1))});
        i = end + 1;
        continue;
      }
    }
    if (nodes.empty() || nodes.back().capture) nodes.push_back({false, ""});
    nodes.back().text.push_back(pattern[i]);
    ++i;
  }
  return nodes;
}

Status Pattern::CheckNoConsecutiveCaptures(const std::vector<Node>& nodes) {
  // Side-by-side captures cannot be told apart in a line.
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    if (nodes[i].capture && nodes[i + 1].capture) {
      return Status::InvalidArgument("found consecutive capture '<" + nodes[i].text + "><" +
                                     nodes[i + 1].text + ">': invalid expression");
    }
  }
  return Status::Ok();
}

Result<Pattern> Pattern::CompileParser(std::string_view pattern) {
  if (pattern.empty()) return Status::InvalidArgument("syntax error: unexpected $end");
  Pattern result;
  result.nodes_ = Split(pattern);
  for (const Node& node : result.nodes_) {
    if (node.named()) result.names_.push_back(node.text);
  }
  if (result.names_.empty()) return Status::InvalidArgument("at least one capture is required");
  OTELITE_RETURN_IF_ERROR(CheckNoConsecutiveCaptures(result.nodes_));
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : result.names_) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("duplicate capture name (" + name + "): invalid expression");
    }
  }
  return result;
}

Result<Pattern> Pattern::CompileLineFilter(std::string_view pattern) {
  Pattern result;
  result.nodes_ = Split(pattern);
  OTELITE_RETURN_IF_ERROR(CheckNoConsecutiveCaptures(result.nodes_));
  for (const Node& node : result.nodes_) {
    if (node.named()) {
      return Status::InvalidArgument("named captures are not allowed: found '<" + node.text + ">'");
    }
  }
  return result;
}

void Pattern::Match(std::string_view line, FieldSink& sink) const {
  if (line.empty() || nodes_.empty()) return;
  size_t i = 0;
  if (!nodes_[0].capture) {
    if (line.substr(0, nodes_[0].text.size()) != nodes_[0].text) return;
    line.remove_prefix(nodes_[0].text.size());
    i = 1;
  }
  while (i < nodes_.size()) {
    const Node& capture = nodes_[i];
    if (i + 1 == nodes_.size()) {  // ends on a capture: the rest of the line
      if (capture.named()) sink.Add(capture.text, line);
      return;
    }
    const std::string& literal = nodes_[i + 1].text;
    i += 2;
    const size_t at = line.find(literal);
    if (at == std::string_view::npos) {
      if (capture.named()) sink.Add(capture.text, line);
      return;
    }
    if (capture.named()) sink.Add(capture.text, line.substr(0, at));
    line.remove_prefix(at + literal.size());
  }
}

bool Pattern::Matches(std::string_view line) const {
  if (line.empty() || nodes_.empty()) return line.empty() && nodes_.empty();
  size_t offset = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].capture) continue;
    const size_t at = line.find(nodes_[i].text, offset);
    if (at == std::string_view::npos) return false;
    // A leading literal must start the line; after a capture, the capture must not be empty.
    if (i == 0 ? at != 0 : at == offset) return false;
    offset = at + nodes_[i].text.size();
  }
  const bool ends_on_capture = nodes_.back().capture;
  return ends_on_capture == (offset != line.size());
}

}  // namespace otelite::logql
