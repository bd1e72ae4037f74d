// Compressed chunks of (timestamp, value) samples: delta-of-delta timestamps and XOR'd floats
// (the Gorilla scheme), the encoding of both the head's chunks and the persisted blocks.
//
// Layout: a 2-byte big-endian sample count, then a bit stream. Sample 0: timestamp as a
// zigzag varint, value as 64 raw bits. Sample 1: timestamp delta as a varint, value XOR'd.
// Later samples: delta-of-delta in one of five classes ('0'; '10'+14 bits; '110'+17 bits;
// '1110'+20 bits; '1111'+64 bits), and the value XOR'd with the previous one: '0' when equal,
// '10' + the meaningful bits inside the previous window, or '11' + 5 bits of leading zeros,
// 6 bits of length, then the meaningful bits.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace otelite::tsdb {

inline constexpr int kChunkHeaderBytes = 2;
inline constexpr int kMaxSamplesPerChunk = 120;  // like Prometheus: a good size/speed balance

// Builds one chunk; samples must come in strictly increasing time order (the caller checks).
class XorChunkBuilder {
 public:
  XorChunkBuilder();
  void Append(int64_t t, double v);
  uint16_t count() const { return count_; }
  int64_t min_t() const { return min_t_; }
  int64_t max_t() const { return t_; }
  double last_value() const { return v_; }
  // The encoded chunk so far (a valid chunk at any moment).
  std::span<const uint8_t> bytes() const { return bytes_; }
  void ShrinkToFit() { bytes_.shrink_to_fit(); }
  size_t MemoryBytes() const { return bytes_.capacity() + sizeof(*this); }

 private:
  void WriteBit(bool bit);
  void WriteBits(uint64_t value, int bits);
  void WriteVarint(uint64_t value);

  std::vector<uint8_t> bytes_;
  int free_bits_ = 0;  // unused low bits of the last byte
  uint16_t count_ = 0;
  int64_t min_t_ = 0;
  int64_t t_ = 0;
  int64_t t_delta_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0xff;  // 0xff: no XOR window yet
  uint8_t trailing_ = 0;
};

// Decodes a chunk. Corrupt input (a stream that ends early, a count beyond the data) stops
// iteration and sets corrupt(); it never reads outside `bytes`.
class XorChunkReader {
 public:
  explicit XorChunkReader(std::span<const uint8_t> bytes);
  bool Next();
  int64_t t() const { return t_; }
  double v() const { return v_; }
  uint16_t count() const { return count_; }
  bool corrupt() const { return corrupt_; }

 private:
  bool ReadBit(bool* bit);
  bool ReadBits(int bits, uint64_t* value);
  bool ReadVarint(uint64_t* value);
  bool ReadValue();

  std::span<const uint8_t> bytes_;
  size_t bit_pos_ = 0;
  size_t bit_end_ = 0;
  uint16_t count_ = 0;
  uint16_t read_ = 0;
  int64_t t_ = 0;
  int64_t t_delta_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  bool corrupt_ = false;
};

}  // namespace otelite::tsdb
