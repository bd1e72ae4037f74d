#include "storage/tsdb/chunk.h"

#include <bit>

#include "storage/tsdb/encoding.h"

namespace otelite::tsdb {

namespace {

// Whether `v` fits in a signed field of `bits` bits.
bool FitsSigned(int64_t v, int bits) {
  const int64_t limit = int64_t{1} << (bits - 1);
  return v >= -limit + 1 && v <= limit;
}

int64_t SignExtend(uint64_t raw, int bits) {
  // The encoder stores values in (-2^(b-1), 2^(b-1)]; 2^(b-1) itself is kept as is.
  if (raw > (uint64_t{1} << (bits - 1))) return static_cast<int64_t>(raw) - (int64_t{1} << bits);
  return static_cast<int64_t>(raw);
}

}  // namespace

XorChunkBuilder::XorChunkBuilder() { bytes_.assign(kChunkHeaderBytes, 0); }

void XorChunkBuilder::WriteBit(bool bit) {
  if (free_bits_ == 0) {
    bytes_.push_back(0);
    free_bits_ = 8;
  }
  --free_bits_;
  if (bit) bytes_.back() |= static_cast<uint8_t>(1u << free_bits_);
}

void XorChunkBuilder::WriteBits(uint64_t value, int bits) {
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

void XorChunkBuilder::WriteVarint(uint64_t value) {
  while (value >= 0x80) {
    WriteBits((value & 0x7f) | 0x80, 8);
    value >>= 7;
  }
  WriteBits(value, 8);
}

void XorChunkBuilder::Append(int64_t t, double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  if (count_ == 0) {
    WriteVarint(ZigZagEncode(t));
    WriteBits(bits, 64);
    min_t_ = t;
  } else {
    if (count_ == 1) {
      t_delta_ = t - t_;
      WriteVarint(static_cast<uint64_t>(t_delta_));
    } else {
      const int64_t delta = t - t_;
      const int64_t dod = delta - t_delta_;
      if (dod == 0) {
        WriteBit(false);
      } else if (FitsSigned(dod, 14)) {
        WriteBits(0b10, 2);
        WriteBits(static_cast<uint64_t>(dod), 14);
      } else if (FitsSigned(dod, 17)) {
        WriteBits(0b110, 3);
        WriteBits(static_cast<uint64_t>(dod), 17);
      } else if (FitsSigned(dod, 20)) {
        WriteBits(0b1110, 4);
        WriteBits(static_cast<uint64_t>(dod), 20);
      } else {
        WriteBits(0b1111, 4);
        WriteBits(static_cast<uint64_t>(dod), 64);
      }
      t_delta_ = delta;
    }
    const uint64_t x = bits ^ std::bit_cast<uint64_t>(v_);
    if (x == 0) {
      WriteBit(false);
    } else {
      int leading = std::countl_zero(x);
      const int trailing = std::countr_zero(x);
      if (leading > 31) leading = 31;  // 5 bits
      if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
        WriteBits(0b10, 2);
        const int significant = 64 - leading_ - trailing_;
        WriteBits(x >> trailing_, significant);
      } else {
        leading_ = static_cast<uint8_t>(leading);
        trailing_ = static_cast<uint8_t>(trailing);
        const int significant = 64 - leading - trailing;
        WriteBits(0b11, 2);
        WriteBits(static_cast<uint64_t>(leading), 5);
        // 64 significant bits do not fit in 6 bits; 0 stands for 64 (0 never occurs).
        WriteBits(static_cast<uint64_t>(significant & 63), 6);
        WriteBits(x >> trailing, significant);
      }
    }
  }
  t_ = t;
  v_ = v;
  ++count_;
  bytes_[0] = static_cast<uint8_t>(count_ >> 8);
  bytes_[1] = static_cast<uint8_t>(count_);
}

XorChunkReader::XorChunkReader(std::span<const uint8_t> bytes) : bytes_(bytes) {
  if (bytes.size() < kChunkHeaderBytes) {
    corrupt_ = bytes.size() != 0;
    return;
  }
  count_ = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
  bit_pos_ = kChunkHeaderBytes * 8;
  bit_end_ = bytes.size() * 8;
}

bool XorChunkReader::ReadBit(bool* bit) {
  if (bit_pos_ >= bit_end_) return false;
  *bit = (bytes_[bit_pos_ >> 3] >> (7 - (bit_pos_ & 7))) & 1;
  ++bit_pos_;
  return true;
}

bool XorChunkReader::ReadBits(int bits, uint64_t* value) {
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

bool XorChunkReader::ReadVarint(uint64_t* value) {
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

bool XorChunkReader::ReadValue() {
  bool bit = false;
  if (!ReadBit(&bit)) return false;
  if (!bit) return true;  // same value
  if (!ReadBit(&bit)) return false;
  if (bit) {
    uint64_t leading = 0;
    uint64_t significant = 0;
    if (!ReadBits(5, &leading) || !ReadBits(6, &significant)) return false;
    if (significant == 0) significant = 64;
    if (leading + significant > 64) return false;
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - significant);
  } else if (leading_ + trailing_ >= 64) {
    return false;  // a window reuse before any window was set
  }
  const int significant = 64 - leading_ - trailing_;
  uint64_t x = 0;
  if (!ReadBits(significant, &x)) return false;
  v_ = std::bit_cast<double>(std::bit_cast<uint64_t>(v_) ^ (x << trailing_));
  return true;
}

bool XorChunkReader::Next() {
  if (corrupt_ || read_ >= count_) return false;
  bool ok = true;
  if (read_ == 0) {
    uint64_t zz = 0;
    uint64_t bits = 0;
    ok = ReadVarint(&zz) && ReadBits(64, &bits);
    t_ = ZigZagDecode(zz);
    v_ = std::bit_cast<double>(bits);
    leading_ = 0xff;
    trailing_ = 0;
  } else {
    if (read_ == 1) {
      uint64_t delta = 0;
      ok = ReadVarint(&delta);
      t_delta_ = static_cast<int64_t>(delta);
    } else {
      int ones = 0;
      bool bit = true;
      while (ones < 4 && (ok = ReadBit(&bit)) && bit) ++ones;
      if (ok) {
        static constexpr int kWidths[] = {0, 14, 17, 20, 64};
        int64_t dod = 0;
        if (ones > 0) {
          uint64_t raw = 0;
          ok = ReadBits(kWidths[ones], &raw);
          dod = ones == 4 ? static_cast<int64_t>(raw) : SignExtend(raw, kWidths[ones]);
        }
        t_delta_ += dod;
      }
    }
    t_ += t_delta_;
    ok = ok && ReadValue();
  }
  if (!ok) {
    corrupt_ = true;
    return false;
  }
  ++read_;
  return true;
}

}  // namespace otelite::tsdb
