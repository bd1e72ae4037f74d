// Internal to wire_view*.cc: reading one in-memory protobuf message field by field on
// protobuf's io::CodedInputStream, with payloads handed out as views into the same bytes, and
// the decoding of the common messages (AnyValue, KeyValue, Resource, InstrumentationScope).
//
// Every Decode* function returns false to give up (see wire_view.h): on malformed input, on a
// string that is not UTF-8, or on an encoding the fast walk leaves to the generated parser.
// With `validate` false the input is a canonical re-encoding of a parsed message and may
// contain anything the generated classes hold (exemplars, unknown groups, deep values).
#pragma once

#include <fmt/format.h>
#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ingest/otlp/wire_view.h"

namespace otelite::otlp::wire {

// The wire types a message's fields may have (bit 1 << wire type), by field number; 0 for a
// field number the message does not define.
struct Schema {
  static constexpr uint8_t kVarint = 1 << 0;
  static constexpr uint8_t kFixed64 = 1 << 1;
  static constexpr uint8_t kLength = 1 << 2;
  static constexpr uint8_t kFixed32 = 1 << 5;
  static constexpr uint32_t kMaxField = 15;
  uint8_t wire_types[kMaxField + 1] = {};

  constexpr Schema(std::initializer_list<std::pair<uint32_t, uint8_t>> fields) {
    for (const auto& [number, types] : fields) wire_types[number] = types;
  }
  // Whether the field is one the message defines but with another wire type, which protobuf
  // treats as an unknown field.
  constexpr bool Mismatch(uint32_t number, uint32_t wire_type) const {
    return number <= kMaxField && wire_types[number] != 0 &&
           (wire_types[number] & (1u << wire_type)) == 0;
  }
};

// Shorthands for schemas.
inline constexpr uint8_t kVarint = Schema::kVarint;
inline constexpr uint8_t kFixed64 = Schema::kFixed64;
inline constexpr uint8_t kFixed32 = Schema::kFixed32;
inline constexpr uint8_t kLength = Schema::kLength;

// A singular message field (or oneof) seen before, when validating: protobuf would merge the
// parts (or keep the last), which the fast walk leaves to the generated parser.
inline bool Twice(bool* seen, bool validate) {
  if (*seen && validate) return true;
  *seen = true;
  return false;
}

// The size of a view's array, as the uint32_t its ranges hold.
template <typename T>
uint32_t Size(const std::vector<T>& v) {
  return static_cast<uint32_t>(v.size());
}

class FieldReader {
 public:
  explicit FieldReader(std::string_view message)
      : data_(message.data()),
        size_(static_cast<int>(message.size())),
        in_(reinterpret_cast<const uint8_t*>(message.data()), size_) {}

  // Moves to the next field of the message `schema` describes: false at the end of the
  // message, or when the rest is malformed (then ok() is false). A field of a known number
  // with another wire type is skipped, as protobuf skips an unknown field.
  bool Next(const Schema& schema, bool validate) {
    while (ok_) {
      field_begin_ = in_.CurrentPosition();
      if (field_begin_ >= size_) return false;
      tag_ = in_.ReadTagNoLastTag();
      if ((tag_ >> 3) == 0) return Fail();  // a zero tag or field number 0: malformed
      // As protobuf reads a tag: at most 5 bytes, within 32 bits (CodedInputStream would
      // read up to 10 and drop the high bits).
      const int tag_bytes = in_.CurrentPosition() - field_begin_;
      if (tag_bytes > 5 ||
          (tag_bytes == 5 && static_cast<uint8_t>(data_[field_begin_ + 4]) >= 16)) {
        return Fail();
      }
      if (!schema.Mismatch(number(), wire_type())) return true;
      if (!Skip(validate)) return false;
    }
    return false;
  }
  uint32_t number() const { return tag_ >> 3; }
  // Where the current field's tag begins, and where reading has got to.
  const char* field_begin() const { return data_ + field_begin_; }
  const char* position() const { return data_ + in_.CurrentPosition(); }
  uint32_t wire_type() const { return tag_ & 7; }
  bool ok() const { return ok_; }

  bool Varint(uint64_t* value) { return Expect(0) && Check(in_.ReadVarint64(value)); }
  bool Fixed64(uint64_t* value) { return Expect(1) && Check(in_.ReadLittleEndian64(value)); }
  bool Fixed32(uint32_t* value) { return Expect(5) && Check(in_.ReadLittleEndian32(value)); }
  bool Double(double* value) {
    uint64_t bits;
    if (!Fixed64(&bits)) return false;
    std::memcpy(value, &bits, sizeof bits);
    return true;
  }
  // A length-delimited payload (bytes, string, embedded message or packed values).
  bool LengthDelimited(std::string_view* payload) {
    if (!Expect(2)) return false;
    // As protobuf reads a length: at most 5 bytes, below 2^31.
    const int before = in_.CurrentPosition();
    uint64_t length;
    if (!in_.ReadVarint64(&length)) return Fail();
    const int position = in_.CurrentPosition();
    if (position - before > 5 || length > INT32_MAX) return Fail();
    if (length > static_cast<uint64_t>(size_ - position)) return Fail();
    *payload = std::string_view(data_ + position, length);
    return Check(in_.Skip(static_cast<int>(length)));
  }
  // A `string` field: length-delimited, and UTF-8 as proto3 requires (checked when validating).
  bool String(std::string_view* value, bool validate);
  // A field the walk does not read. Unknown groups are left to the generated parser.
  bool Skip(bool validate);
  // A repeated fixed64 / double field, packed or not; values appended to *out.
  template <typename T>
  bool RepeatedFixed64(std::vector<T>* out) {
    static_assert(sizeof(T) == 8);
    if (wire_type() == 1) {
      uint64_t bits;
      if (!Fixed64(&bits)) return false;
      T value;
      std::memcpy(&value, &bits, 8);
      out->push_back(value);
      return true;
    }
    std::string_view packed;
    if (!LengthDelimited(&packed) || packed.size() % 8 != 0) return Fail();
    if (packed.empty()) return true;
    const size_t first = out->size();
    out->resize(first + packed.size() / 8);
    std::memcpy(out->data() + first, packed.data(), packed.size());  // little-endian host
    return true;
  }

 private:
  bool Expect(uint32_t wire_type) { return this->wire_type() == wire_type || Fail(); }
  bool Check(bool ok) { return ok || Fail(); }
  bool Fail() {
    ok_ = false;
    return false;
  }

  const char* data_;
  int size_;
  google::protobuf::io::CodedInputStream in_;
  int field_begin_ = 0;
  uint32_t tag_ = 0;
  bool ok_ = true;
};

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed values are copied as is");

// Deepest nesting of array and kvlist values the fast walk checks itself.
inline constexpr int kMaxValueDepth = 16;

bool DecodeAnyValue(std::string_view message, bool validate, int depth, AnyValueView* out);
bool DecodeKeyValue(std::string_view message, bool validate, int depth, KeyValueView* out);
// Resource and InstrumentationScope; their attributes are appended to *attributes.
bool DecodeResource(std::string_view message, bool validate, std::vector<KeyValueView>* attributes,
                    ResourceView* out);
bool DecodeScope(std::string_view message, bool validate, std::vector<KeyValueView>* attributes,
                 ScopeView* out);
// One `repeated KeyValue` entry, appended to *attributes.
bool AppendKeyValue(FieldReader* reader, bool validate, std::vector<KeyValueView>* attributes);

// The envelope every OTLP export request shares: the request holds Resource<Signal> messages
// (field 1), each a Resource (1), Scope<Signal> messages (2) and a schema URL (3); each
// Scope<Signal> holds an InstrumentationScope (1), the signal's items (2) and a schema URL (3).
// One ResourceT per resource is appended to *resources, one ScopeT per scope to *scopes;
// item(bytes) decodes one item (false: give up) and item_count() tells how many items the
// request view holds so far (for the scope's range).
template <typename ResourceT, Range ResourceT::*kScopes, typename ScopeT, Range ScopeT::*kItems>
class EnvelopeWalk {
 public:
  EnvelopeWalk(std::vector<ResourceT>* resources, std::vector<ScopeT>* scopes,
               std::vector<KeyValueView>* attributes, bool validate)
      : resources_(resources), scopes_(scopes), attributes_(attributes), validate_(validate) {}

  template <typename Item, typename ItemCount>
  bool Request(std::string_view message, const Item& item, const ItemCount& item_count) {
    static constexpr Schema kRequest{{1, kLength}};
    FieldReader r(message);
    while (r.Next(kRequest, validate_)) {
      std::string_view body;
      if (r.number() == 1) {
        if (!r.LengthDelimited(&body) || !Resource(body, item, item_count)) return false;
      } else if (!r.Skip(validate_)) {
        return false;
      }
    }
    return r.ok();
  }

 private:
  static constexpr Schema kEnvelope{{1, kLength}, {2, kLength}, {3, kLength}};

  template <typename Item, typename ItemCount>
  bool Resource(std::string_view message, const Item& item, const ItemCount& item_count) {
    ResourceT entry;
    if (!Level(
            message, &entry.schema_url, &(entry.*kScopes), [this] { return Size(*scopes_); },
            [&](std::string_view body) {
              return DecodeResource(body, validate_, attributes_, &entry.resource);
            },
            [&](std::string_view body) { return Scope(body, item, item_count); })) {
      return false;
    }
    resources_->push_back(entry);
    return true;
  }

  template <typename Item, typename ItemCount>
  bool Scope(std::string_view message, const Item& item, const ItemCount& item_count) {
    ScopeT entry;
    if (!Level(
            message, &entry.schema_url, &(entry.*kItems), item_count,
            [&](std::string_view body) {
              return DecodeScope(body, validate_, attributes_, &entry.scope);
            },
            item)) {
      return false;
    }
    scopes_->push_back(entry);
    return true;
  }

  // One Resource<Signal> or Scope<Signal> message: its head (field 1, decoded by `head`), its
  // children (field 2, each decoded by `child`, their range in *children from `count`) and its
  // schema URL (field 3).
  template <typename Count, typename Head, typename Child>
  bool Level(std::string_view message, std::string_view* schema_url, Range* children,
             const Count& count, const Head& head, const Child& child) {
    children->begin = count();
    bool has_head = false;
    FieldReader r(message);
    while (r.Next(kEnvelope, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 1:
          if (Twice(&has_head, validate_) || !r.LengthDelimited(&body) || !head(body)) {
            return false;
          }
          break;
        case 2:
          if (!r.LengthDelimited(&body) || !child(body)) return false;
          break;
        case 3:
          if (!r.String(schema_url, validate_)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    children->end = count();
    return r.ok();
  }

  std::vector<ResourceT>* resources_;
  std::vector<ScopeT>* scopes_;
  std::vector<KeyValueView>* attributes_;
  bool validate_;
};

// A request view of a parsed message: its canonical encoding, read by `walk` (which cannot
// give up on it; failing is an internal error).
template <typename Message, typename View, typename Walk>
Status ViewRequest(const Message& message, View* out, const Walk& walk) {
  out->Clear();
  message.SerializeToString(&out->canonical);
  if (!walk(out, /*validate=*/false, std::string_view(out->canonical))) {
    out->Clear();
    return Status::Internal(
        fmt::format("the re-encoded {} could not be read back", Message::descriptor()->name()));
  }
  return Status::Ok();
}

// The decoding every signal shares (wire_view.h): `walk` on the bytes, and when it gives up,
// the generated parser's verdict and the view of its result.
template <typename Message, typename View, typename Walk>
Status DecodeRequest(std::string_view bytes, View* out, const Walk& walk) {
  out->Clear();
  if (bytes.size() <= INT_MAX && walk(out, /*validate=*/true, bytes)) return Status::Ok();
  google::protobuf::Arena arena;
  auto* message = google::protobuf::Arena::CreateMessage<Message>(&arena);
  if (bytes.size() > INT_MAX ||
      !message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    out->Clear();
    return Status::InvalidArgument(fmt::format(
        "request body is not a valid {} protobuf message ({} bytes: malformed, truncated, or a "
        "string field that is not UTF-8)",
        Message::descriptor()->name(), bytes.size()));
  }
  Status st = ViewRequest(*message, out, walk);
  out->fell_back = true;
  return st;
}

}  // namespace otelite::otlp::wire
