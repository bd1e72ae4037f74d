// `| decolorize`: the line without ANSI escape sequences (colours, cursor moves), removed as Loki
// does with the stripansi expression: ESC or U+009B, then any of "[]()#;?", then either
// alphanumerics and ';' ended by BEL (OSC sequences), or up to 4 digits with ";"-separated
// groups and a final byte from [0-9A-PRZcf-ntqry=><~].
//
// Thread-safety: stateless (the compiled expression is shared and immutable).
#pragma once

#include <string>
#include <string_view>

namespace otelite::logql {

// The decolorized line: `line` itself when it has nothing to strip (no allocation, no copy),
// otherwise a view of *scratch, valid until *scratch changes.
std::string_view Decolorize(std::string_view line, std::string* scratch);

}  // namespace otelite::logql
