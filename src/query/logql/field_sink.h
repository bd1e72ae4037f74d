// Where LogQL's parser stages (json, logfmt, pattern, regexp, unpack) put what they extract, and
// the label-name rules they share.
//
// A parser calls FieldSink::Add once per extracted field with a label name that is already
// valid (Loki's sanitising applied) and the value as bytes. The sink belongs to the engine: it
// applies what depends on the entry's other labels, which the parsers do not see:
//   - a name that is already a stream label or structured metadata is renamed
//     `<name>_extracted` (Loki's clash rule, see the docs' "Parser expression");
//   - an earlier parser stage's field of the same name is overwritten.
// Within one call of a parser's Parse/Match, each name is emitted at most once: when a line
// repeats a key (or two keys sanitise alike), the first one wins, as in Loki.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace otelite::logql {

class FieldSink {
 public:
  virtual ~FieldSink() = default;

  // One extracted field. Both views are valid only for the duration of the call.
  virtual void Add(std::string_view name, std::string_view value) = 0;

  // A field that was asked for by name (`| json a="x.y"`, `| logfmt a`) and is not in the line.
  // Loki then sets `name=""`, unless a label called `name` already exists (then nothing
  // changes). The default forwards to Add(name, "").
  virtual void AddMissing(std::string_view name) { Add(name, {}); }
};

// One `label="expression"` parameter of `| json` or `| logfmt`. For the short form
// (`| logfmt host`, `| json servers`) the expression equals the label.
struct LabelExtraction {
  std::string label;
  std::string expression;
};

// Loki's sanitising of a parsed key into a label name (*out is replaced): surrounding white
// space trimmed (Go's strings.TrimSpace), every rune outside [a-zA-Z0-9_] replaced by one '_'
// (an invalid UTF-8 byte counts as one rune), and a '_' put in front when the key starts with a
// digit. "request.headers.User-Agent" -> "request_headers_User_Agent", "9x" -> "_9x",
// "a b" -> "a_b", " " -> "" (an empty result means: no label).
void SanitizeLabelName(std::string_view key, std::string* out);

// SanitizeLabelName without copying in the usual case: `key` itself when it is already a valid
// label name, else its sanitised form written to *scratch.
std::string_view SanitizedLabelName(std::string_view key, std::string* scratch);

// The building block of SanitizeLabelName, appending to *out. `digit_prefix` says whether a
// leading digit gets a '_' (Loki does so only for the first segment of a flattened JSON name).
void AppendSanitizedKey(std::string_view key, bool digit_prefix, std::string* out);

// A valid (legacy Prometheus) label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

// The set of names a parser has emitted for the current line, to keep the first of repeated
// keys. Clear() between lines keeps the memory, so steady-state use does not allocate.
// Not thread-safe.
class EmittedNames {
 public:
  void Clear();
  // Adds `name`; false when it was already there.
  bool Insert(std::string_view name);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset;
    uint32_t size;
  };
  std::string_view NameOf(const Entry& entry) const {
    return std::string_view(arena_).substr(entry.offset, entry.size);
  }
  void Rehash();

  std::string arena_;           // the names, back to back
  std::vector<Entry> entries_;  // in insertion order
  std::vector<int32_t> table_;  // open addressing over entries_ once there are many; -1 = free
};

}  // namespace otelite::logql
