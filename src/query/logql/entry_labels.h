// The labels of one log entry while it runs through a pipeline: the stream's index labels, its
// structured metadata and what parsers and label_format add, each remembered by origin (Loki's
// label categories), with Loki's rules for name clashes:
//  - a structured-metadata key equal to a stream label's name is renamed <name>_extracted;
//  - a parsed field whose name a stream label or structured metadata already uses goes to
//    <name>_extracted (overwriting one that came from structured metadata);
//  - label_format and explicit sets replace the value whatever its origin.
// Values are views: stream labels and metadata into storage that outlives the entry, parsed
// values into an arena owned here and reset per entry. Not thread-safe; one per runner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"

namespace otelite::logql {

enum class LabelOrigin : uint8_t { kStream, kMetadata, kParsed };

inline constexpr std::string_view kErrorLabel = "__error__";
inline constexpr std::string_view kErrorDetailsLabel = "__error_details__";

// Copies strings into blocks that never move, so views stay valid until Reset.
class StringArena {
 public:
  std::string_view Copy(std::string_view s);
  void Reset();

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t block_ = 0;  // index of the current block
  size_t used_ = 0;   // bytes used in it
};

class EntryLabels {
 public:
  struct Slot {
    std::string_view name;
    std::string_view value;
    LabelOrigin origin;
  };

  // Starts a new entry of the stream with these labels (kept by reference).
  void Reset(const Labels* stream);
  // Structured metadata of the entry; the views must stay valid for the entry.
  void AddMetadata(std::string_view name, std::string_view value);
  // A parser's field (copied).
  void SetParsed(std::string_view name, std::string_view value);
  // Sets a label whatever it held before (copied); a new label gets `origin`.
  void Set(std::string_view name, std::string_view value, LabelOrigin origin);
  void Delete(std::string_view name);
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  bool HasError() const { return has_error_; }
  // Sets __error__ (and __error_details__ when non-empty) unless an error is already set.
  void SetError(std::string_view error, std::string_view details);

  // Every visible label, in no particular order.
  const std::vector<Slot>& slots() const { return slots_; }
  // Visible labels sorted by name (into a reused buffer).
  const std::vector<const Slot*>& Sorted();
  // All visible labels as a Labels.
  Labels ToLabels();
  // Visible labels of one origin, sorted by name.
  std::vector<Label> LabelsOf(LabelOrigin origin);

  std::string_view CopyString(std::string_view s) { return arena_.Copy(s); }

 private:
  Slot* Find(std::string_view name);
  const Slot* Find(std::string_view name) const;
  void Put(std::string_view name, std::string_view value, LabelOrigin origin);

  const Labels* stream_ = nullptr;
  std::vector<Slot> slots_;
  std::vector<const Slot*> sorted_;
  StringArena arena_;
  std::string scratch_;
  bool has_error_ = false;
};

}  // namespace otelite::logql
