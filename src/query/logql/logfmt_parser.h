// `| logfmt`, `| logfmt --strict --keep-empty`, `| logfmt host, fwd_ip="fwd"`: key=value pairs
// of a logfmt line as labels.
//
// The tokenizer follows go-logfmt's decoder as Loki uses it:
//   - pairs are separated by bytes <= ' '; a key is a run of bytes other than '=', '"' and
//     those; `key=value`, `key="quoted value"` (escapes \" \\ \/ \' \b \f \n \r \t \uXXXX),
//     `key=` (empty value) and a standalone `key` (empty value) are well formed;
//   - malformed pairs (`=value`, `a=b=c`, `fo"o=bar`, an unterminated or badly escaped quoted
//     value, a key with invalid UTF-8) are skipped; under --strict the first one stops the scan
//     and Parse returns its error, worded like Loki's __error_details__:
//     "logfmt syntax error at pos 5 : unexpected '='" (1-based byte position).
// Keys are sanitised (field_sink.h: "a-b" -> "a_b", "9x" -> "_9x"); a value with invalid UTF-8
// or U+FFFD counts as empty. Empty values are dropped unless --keep-empty.
//
// With parameters only the named keys are extracted, renamed to their label (`fwd_ip="fwd"`;
// `host` alone is `host="host"`); the key is compared after sanitising; empty values are kept;
// a requested key absent from the line goes to FieldSink::AddMissing.
//
// Thread-safety: Parse uses the object's scratch memory: one object per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/field_sink.h"

namespace otelite::logql {

struct LogfmtOptions {
  bool strict = false;      // --strict
  bool keep_empty = false;  // --keep-empty
};

class LogfmtParser {
 public:
  // Without parameters: every key.
  explicit LogfmtParser(LogfmtOptions options = {});

  // With parameters. Errors as Loki words them: "invalid extracted label name 'a-b'",
  // "cannot parse expression [a b]: ...", "no logfmt expression provided".
  static Result<LogfmtParser> Compile(LogfmtOptions options, std::vector<LabelExtraction> params);

  // Emits the line's fields into `sink`. OK, or (only with --strict) the syntax error that
  // stopped the scan; the fields before it have been emitted.
  Status Parse(std::string_view line, FieldSink& sink);

 private:
  struct Param {
    std::string label;
    std::string key;  // the sanitised line key it reads; empty: matches no key
  };

  LogfmtOptions options_;
  std::vector<Param> params_;  // empty: every key
  std::vector<bool> found_;    // per param, for the current line
  std::string name_;           // scratch: sanitised key
  std::string value_;          // scratch: unquoted value
  EmittedNames emitted_;
};

}  // namespace otelite::logql
