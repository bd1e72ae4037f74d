#include "query/logql/decolorize.h"

#include <re2/re2.h>

#include <cstring>

namespace otelite::logql {

namespace {

const RE2& AnsiSequence() {
  // The expression Loki uses (from github.com/acarl005/stripansi); RE2 matches leftmost-first
  // as Go's regexp does, so the same bytes go.
  static const RE2 kAnsi(
      "[\\x{1B}\\x{9B}][[\\]()#;?]*"
      "(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})"
      "|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))");
  return kAnsi;
}

// Whether the line has an ESC byte or an encoded U+009B ("\xC2\x9B"), without which nothing
// can match.
bool MayHaveSequence(std::string_view line) {
  if (std::memchr(line.data(), 0x1B, line.size()) != nullptr) return true;
  for (size_t i = line.find('\xC2'); i != std::string_view::npos; i = line.find('\xC2', i + 1)) {
    if (i + 1 < line.size() && line[i + 1] == '\x9B') return true;
  }
  return false;
}

}  // namespace

std::string_view Decolorize(std::string_view line, std::string* scratch) {
  if (line.empty() || !MayHaveSequence(line)) return line;
  const RE2& ansi = AnsiSequence();
  const re2::StringPiece text(line.data(), line.size());
  re2::StringPiece match;
  size_t pos = 0;
  bool copied = false;
  while (pos < line.size() && ansi.Match(text, pos, line.size(), RE2::UNANCHORED, &match, 1)) {
    const size_t start = static_cast<size_t>(match.data() - line.data());
    if (!copied) {
      scratch->clear();
      copied = true;
    }
    scratch->append(line.substr(pos, start - pos));
    pos = start + match.size();  // a match is never empty
  }
  if (!copied) return line;
  scratch->append(line.substr(pos));
  return *scratch;
}

}  // namespace otelite::logql
