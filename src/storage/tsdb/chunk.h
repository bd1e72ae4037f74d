// Compressed chunks of (timestamp, value) samples, the encoding of both the head's chunks and
// the persisted blocks. Designed for sparse, jittered counters such as Claude Code's (a point
// per 60 s export interval in which something happened, cumulative values built from decimal
// deltas), where the Gorilla scheme spends most of its bits.
//
// Layout: a 2-byte big-endian sample count, then a bit stream.
//  Timestamps. Sample 0: zigzag varint of its distance to a base the reader is given too (0 in
//   the head; in blocks the chunk's min_t from the index, so it takes one byte instead of six).
//   Sample 1: delta as a varint; it also starts the base period D. Later samples: delta = q * D + r
//   with q = round(delta / D), coded as q ('0' for 1, else '1' + Elias gamma of q + 1) and r
//   (zigzag: '0' for 0; '10' + 7 bits; '110' + 14 bits; '1110' + 20 bits; '1111' + 64 bits); then D
//   = min(D, delta). Regular and jittered intervals and gaps of whole intervals all cost a few
//   bits.
//  Values, each against the previous one (0 before the first):
//   '0'  the same value (bit for bit);
//   '10' a decimal increment: v = prev + m / 10^k, exact to the bit (the encoder checks), with k
//        ('0': as before, '1' + 4 bits) and the zigzag of m ('0' + the previous bit length, or
//        '1' + a 6-bit length, then that many bits);
//   '11' the XOR with the previous value: '0' + the bits inside the previous window, or
//        '1' + 5 bits of leading zeros + 6 bits of length (0 meaning 64) + the bits.
// Any float round-trips bit-exactly (NaN, stale markers, infinities, -0).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace otelite::tsdb {

inline constexpr int kChunkHeaderBytes = 2;
inline constexpr int kMaxSamplesPerChunk = 120;

// Builds one chunk; samples must come in strictly increasing time order (the caller checks).
class ChunkBuilder {
 public:
  explicit ChunkBuilder(int64_t base_t = 0);
  void Append(int64_t t, double v);
  uint16_t count() const { return count_; }
  int64_t min_t() const { return min_t_; }
  int64_t max_t() const { return t_; }
  double last_value() const { return v_; }
  // The encoded chunk so far (a valid chunk at any moment).
  std::span<const uint8_t> bytes() const { return bytes_; }
  size_t MemoryBytes() const { return bytes_.capacity() + sizeof(*this); }

 private:
  void WriteBit(bool bit);
  void WriteBits(uint64_t value, int bits);
  void WriteVarint(uint64_t value);
  void WriteValue(double v);

  std::vector<uint8_t> bytes_;
  int free_bits_ = 0;  // unused low bits of the last byte
  uint16_t count_ = 0;
  int64_t base_t_ = 0;
  int64_t min_t_ = 0;
  int64_t t_ = 0;
  uint64_t period_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0xff;  // XOR window; 0xff: none yet
  uint8_t trailing_ = 0;
  uint8_t decimals_ = 0;  // k of the last decimal increment
  uint8_t width_ = 0;     // bit length of the last decimal increment's zigzag
};

// Decodes a chunk. Corrupt input (a stream that ends early, a count beyond the data) stops
// iteration and sets corrupt(); it never reads outside `bytes`.
class ChunkReader {
 public:
  explicit ChunkReader(std::span<const uint8_t> bytes, int64_t base_t = 0);
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
  bool ReadTime();

  std::span<const uint8_t> bytes_;
  size_t bit_pos_ = 0;
  size_t bit_end_ = 0;
  uint16_t count_ = 0;
  uint16_t read_ = 0;
  int64_t base_t_ = 0;
  int64_t t_ = 0;
  uint64_t period_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0xff;
  uint8_t trailing_ = 0;
  uint8_t decimals_ = 0;
  uint8_t width_ = 0;
  bool corrupt_ = false;
};

}  // namespace otelite::tsdb
