#include "storage/tsdb/chunk.h"

#include <bit>
#include <cmath>
#include <limits>

#include "storage/tsdb/encoding.h"

namespace otelite::tsdb {

namespace {

constexpr double kPow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
constexpr int kMaxDecimals = 12;
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

// The residual classes of the timestamp coder: prefix length, payload bits.
constexpr int kResidualBits[] = {7, 14, 20, 64};

// Whether prev + m / 10^k gives exactly v; the decoder computes the same expression.
bool DecimalStep(double prev, double v, int k, int64_t* m) {
  const double d = (v - prev) * kPow10[k];
  if (!(std::fabs(d) < kMaxExactInteger)) return false;  // also false for NaN
  const double r = std::nearbyint(d);
  if (Bits(prev + r / kPow10[k]) != Bits(v)) return false;
  *m = static_cast<int64_t>(r);
  return true;
}

}  // namespace

ChunkBuilder::ChunkBuilder(int64_t base_t) : base_t_(base_t) {
  bytes_.assign(kChunkHeaderBytes, 0);
}

void ChunkBuilder::WriteBit(bool bit) {
  if (free_bits_ == 0) {
    bytes_.push_back(0);
    free_bits_ = 8;
  }
  --free_bits_;
  if (bit) bytes_.back() |= static_cast<uint8_t>(1u << free_bits_);
}

void ChunkBuilder::WriteBits(uint64_t value, int bits) {
  while (bits > 0) {
    if (free_bits_ == 0) {
      bytes_.push_back(0);
      free_bits_ = 8;
    }
    const int take = bits < free_bits_ ? bits : free_bits_;
    const uint64_t chunk = (value >> (bits - take)) & ((uint64_t{1} << take) - 1);
    bytes_.back() |= static_cast<uint8_t>(chunk << (free_bits_ - take));
    free_bits_ -= take;
    bits -= take;
  }
}

void ChunkBuilder::WriteVarint(uint64_t value) {
  while (value >= 0x80) {
    WriteBits((value & 0x7f) | 0x80, 8);
    value >>= 7;
  }
  WriteBits(value, 8);
}

void ChunkBuilder::WriteValue(double v) {
  if (Bits(v) == Bits(v_)) {
    WriteBit(false);
    return;
  }
  int64_t m = 0;
  int k = -1;
  if (DecimalStep(v_, v, decimals_, &m)) {
    k = decimals_;
  } else {
    for (int i = 0; i <= kMaxDecimals; ++i) {
      if (i != decimals_ && DecimalStep(v_, v, i, &m)) {
        k = i;
        break;
      }
    }
  }
  if (k >= 0) {
    WriteBits(0b10, 2);
    if (k == decimals_) {
      WriteBit(false);
    } else {
      WriteBit(true);
      WriteBits(static_cast<uint64_t>(k), 4);
      decimals_ = static_cast<uint8_t>(k);
    }
    const uint64_t zz = ZigZagEncode(m);
    const int width = static_cast<int>(std::bit_width(zz));
    if (width <= width_) {
      WriteBit(false);
      WriteBits(zz, width_);
    } else {
      WriteBit(true);
      WriteBits(static_cast<uint64_t>(width), 6);
      WriteBits(zz, width);
      width_ = static_cast<uint8_t>(width);
    }
    return;
  }
  WriteBits(0b11, 2);
  const uint64_t x = Bits(v) ^ Bits(v_);
  int leading = std::countl_zero(x);
  const int trailing = std::countr_zero(x);
  if (leading > 31) leading = 31;  // 5 bits
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    WriteBit(false);
    WriteBits(x >> trailing_, 64 - leading_ - trailing_);
  } else {
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(trailing);
    const int significant = 64 - leading - trailing;
    WriteBit(true);
    WriteBits(static_cast<uint64_t>(leading), 5);
    WriteBits(static_cast<uint64_t>(significant & 63), 6);  // 0 stands for 64
    WriteBits(x >> trailing, significant);
  }
}

void ChunkBuilder::Append(int64_t t, double v) {
  // Time arithmetic is unsigned (mod 2^64): any two int64 timestamps are 0 < delta < 2^64
  // apart, and the residual comes out right even where an intermediate product wraps.
  if (count_ == 0) {
    WriteVarint(ZigZagEncode(
        static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(base_t_))));
    min_t_ = t;
  } else if (count_ == 1) {
    period_ = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);
    WriteVarint(period_);
  } else {
    const uint64_t delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);
    const uint64_t q = delta / period_ + ((delta % period_) >= period_ - period_ / 2 ? 1 : 0);
    const int64_t r = static_cast<int64_t>(delta - q * period_);
    if (q == 1) {
      WriteBit(false);
    } else {
      WriteBit(true);
      const uint64_t n = q + 1;  // Elias gamma of q + 1 (q < 2^63: delta / period < 2^64 / 2)
      const int width = static_cast<int>(std::bit_width(n));
      WriteBits(0, width - 1);
      WriteBits(n, width);
    }
    const uint64_t zz = ZigZagEncode(r);
    if (zz == 0) {
      WriteBit(false);
    } else {
      int cls = 0;
      while (cls < 3 && static_cast<int>(std::bit_width(zz)) > kResidualBits[cls]) ++cls;
      static constexpr uint64_t kPrefix[] = {0b10, 0b110, 0b1110, 0b1111};
      static constexpr int kPrefixBits[] = {2, 3, 4, 4};
      WriteBits(kPrefix[cls], kPrefixBits[cls]);
      WriteBits(zz, kResidualBits[cls]);
    }
    if (delta < period_) period_ = delta;
  }
  WriteValue(v);
  t_ = t;
  v_ = v;
  ++count_;
  bytes_[0] = static_cast<uint8_t>(count_ >> 8);
  bytes_[1] = static_cast<uint8_t>(count_);
}

ChunkReader::ChunkReader(std::span<const uint8_t> bytes, int64_t base_t)
    : bytes_(bytes), base_t_(base_t) {
  if (bytes.size() < kChunkHeaderBytes) {
    corrupt_ = bytes.size() != 0;
    return;
  }
  count_ = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
  bit_pos_ = kChunkHeaderBytes * 8;
  bit_end_ = bytes.size() * 8;
}

bool ChunkReader::ReadBit(bool* bit) {
  if (bit_pos_ >= bit_end_) return false;
  *bit = (bytes_[bit_pos_ >> 3] >> (7 - (bit_pos_ & 7))) & 1;
  ++bit_pos_;
  return true;
}

bool ChunkReader::ReadBits(int bits, uint64_t* value) {
  if (bit_pos_ + static_cast<size_t>(bits) > bit_end_) return false;
  uint64_t out = 0;
  while (bits > 0) {
    const int offset = static_cast<int>(bit_pos_ & 7);
    const int avail = 8 - offset;
    const int take = bits < avail ? bits : avail;
    const uint64_t byte = bytes_[bit_pos_ >> 3];
    out = (out << take) | ((byte >> (avail - take)) & ((1u << take) - 1));
    bit_pos_ += static_cast<size_t>(take);
    bits -= take;
  }
  *value = out;
  return true;
}

bool ChunkReader::ReadVarint(uint64_t* value) {
  uint64_t out = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint64_t byte = 0;
    if (!ReadBits(8, &byte)) return false;
    out |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = out;
      return true;
    }
  }
  return false;
}

bool ChunkReader::ReadTime() {
  if (read_ == 0) {
    uint64_t zz = 0;
    if (!ReadVarint(&zz)) return false;
    t_ = static_cast<int64_t>(static_cast<uint64_t>(base_t_) +
                              static_cast<uint64_t>(ZigZagDecode(zz)));
    return true;
  }
  uint64_t delta = 0;
  if (read_ == 1) {
    if (!ReadVarint(&delta)) return false;
    period_ = delta;
  } else {
    bool bit = false;
    if (!ReadBit(&bit)) return false;
    uint64_t q = 1;
    if (bit) {
      int zeros = 0;
      while (true) {
        if (!ReadBit(&bit)) return false;
        if (bit) break;
        if (++zeros > 63) return false;
      }
      uint64_t rest = 0;
      if (!ReadBits(zeros, &rest)) return false;
      q = ((uint64_t{1} << zeros) | rest) - 1;
    }
    int ones = 0;
    while (ones < 4) {
      if (!ReadBit(&bit)) return false;
      if (!bit) break;
      ++ones;
    }
    uint64_t zz = 0;
    if (ones > 0 && !ReadBits(kResidualBits[ones - 1], &zz)) return false;
    delta = q * period_ + static_cast<uint64_t>(ZigZagDecode(zz));  // mod 2^64, as written
  }
  // Timestamps strictly increase and stay within int64.
  const uint64_t room =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - static_cast<uint64_t>(t_);
  if (delta == 0 || delta > room) return false;
  t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + delta);
  if (delta < period_) period_ = delta;
  return true;
}

bool ChunkReader::ReadValue() {
  bool bit = false;
  if (!ReadBit(&bit)) return false;
  if (!bit) return true;  // same value
  if (!ReadBit(&bit)) return false;
  if (!bit) {  // decimal increment
    if (!ReadBit(&bit)) return false;
    if (bit) {
      uint64_t k = 0;
      if (!ReadBits(4, &k) || k > kMaxDecimals) return false;
      decimals_ = static_cast<uint8_t>(k);
    }
    if (!ReadBit(&bit)) return false;
    if (bit) {
      uint64_t width = 0;
      if (!ReadBits(6, &width) || width == 0) return false;
      width_ = static_cast<uint8_t>(width);
    }  // else the previous width (0 when m is 0: -0.0 → +0.0 is such a step)
    uint64_t zz = 0;
    if (!ReadBits(width_, &zz)) return false;
    const double m = static_cast<double>(ZigZagDecode(zz));
    v_ = v_ + m / kPow10[decimals_];
    return true;
  }
  if (!ReadBit(&bit)) return false;
  if (bit) {
    uint64_t leading = 0;
    uint64_t significant = 0;
    if (!ReadBits(5, &leading) || !ReadBits(6, &significant)) return false;
    if (significant == 0) significant = 64;
    if (leading + significant > 64) return false;
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - significant);
  } else if (leading_ == 0xff) {
    return false;  // a window reuse before any window was set
  }
  uint64_t x = 0;
  if (!ReadBits(64 - leading_ - trailing_, &x)) return false;
  v_ = std::bit_cast<double>(Bits(v_) ^ (x << trailing_));
  return true;
}

bool ChunkReader::Next() {
  if (corrupt_ || read_ >= count_) return false;
  if (!ReadTime() || !ReadValue()) {
    corrupt_ = true;
    return false;
  }
  ++read_;
  return true;
}

}  // namespace otelite::tsdb
