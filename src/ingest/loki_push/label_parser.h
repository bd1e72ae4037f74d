// The stream label string of Loki's protobuf push messages: a LogQL/PromQL label set such as
// {job="varlogs", host='a\tb', path=`C:\x`}. The grammar is small:
//
//   set    = ws "{" ws [ label { ws "," ws label } ws [ "," ] ] ws "}" ws
//   label  = name ws "=" ws string
//   name   = [a-zA-Z_][a-zA-Z0-9_]*
//   string = "…" | '…' | `…`      (Go string literals, as PromQL reads them)
//   ws     = { " " | "\t" | "\n" | "\r" }
//
// Inside "…" and '…' the Go escapes apply: \a \b \f \n \r \t \v \\, the string's own quote
// (\" or \'), \xHH and \OOO (one byte each; octal at most \377), \uHHHH and \UHHHHHHHH (a Unicode
// code point, not a surrogate, at most 10FFFF, written as UTF-8). A raw newline ends nothing and
// is an error. `…` is raw: no escapes, carriage returns dropped (as Go does).
#pragma once

#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"

namespace otelite::loki_push {

// The labels in the order written, duplicates and empty values kept (the caller validates).
// kInvalidArgument "1:<column>: parse error: <what>" (Prometheus' parser's form; the column
// counts bytes from 1) when `text` is not a label set.
Result<std::vector<Label>> ParseLabelSet(std::string_view text);

// Whether `name` is a legacy Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*).
bool IsValidLabelName(std::string_view name);

// {a="b", c="d"}: the label-set notation of Loki's messages.
std::string FormatLabelSet(const std::vector<Label>& labels);

}  // namespace otelite::loki_push
