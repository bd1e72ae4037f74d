// Little helpers for the binary formats of the WAL and the blocks: varints, fixed-width
// integers, length-prefixed strings, and a bounds-checked reader that never reads past its
// input (corrupt files fail cleanly).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace otelite::tsdb {

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class Encoder {
 public:
  explicit Encoder(std::vector<uint8_t>* out) : out_(out) {}
  void Uvarint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<uint8_t>(v));
  }
  void Varint(int64_t v) { Uvarint(ZigZagEncode(v)); }
  void U8(uint8_t v) { out_->push_back(v); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_->push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_->push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void F64(double v) { U64(std::bit_cast<uint64_t>(v)); }
  void String(std::string_view s) {
    Uvarint(s.size());
    out_->insert(out_->end(), s.begin(), s.end());
  }
  void Bytes(std::span<const uint8_t> b) { out_->insert(out_->end(), b.begin(), b.end()); }
  size_t size() const { return out_->size(); }

 private:
  std::vector<uint8_t>* out_;
};

// Reads from a byte span; any read past the end sets failed() and returns zeros.
class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> in) : in_(in) {}
  uint64_t Uvarint() {
    uint64_t out = 0;
    for (int shift = 0; shift < 64 && pos_ < in_.size(); shift += 7) {
      const uint8_t b = in_[pos_++];
      out |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return out;
    }
    failed_ = true;
    return 0;
  }
  int64_t Varint() { return ZigZagDecode(Uvarint()); }
  uint8_t U8() {
    if (!Need(1)) return 0;
    return in_[pos_++];
  }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(in_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(in_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return v;
  }
  double F64() { return std::bit_cast<double>(U64()); }
  std::string_view String() {
    const uint64_t n = Uvarint();
    if (failed_ || !Need(n)) return {};
    std::string_view s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::span<const uint8_t> Bytes(uint64_t n) {
    if (!Need(n)) return {};
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  void Skip(uint64_t n) { Need(n) ? void(pos_ += n) : void(); }
  bool done() const { return pos_ >= in_.size(); }
  bool failed() const { return failed_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  bool Need(uint64_t n) {
    if (failed_ || in_.size() - pos_ < n) {
      failed_ = true;
      return false;
    }
    return true;
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace otelite::tsdb
