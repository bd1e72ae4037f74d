#include "storage/logs/segment.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <queue>

#include "storage/tsdb/encoding.h"

namespace otelite::logs {

namespace fs = std::filesystem;
using tsdb::Decoder;
using tsdb::Encoder;

namespace {

constexpr char kMagic[4] = {'O', 'T', 'L', 'S'};
constexpr size_t kHeaderBytes = 8;    // magic, version, 3 reserved
constexpr size_t kTrailerBytes = 20;  // u64 footer offset, u32 length, u32 crc, magic

uint32_t Crc(std::span<const uint8_t> bytes) {
  return static_cast<uint32_t>(crc32(0L, bytes.data(), static_cast<uInt>(bytes.size())));
}

Status Errno(const std::string& what) {
  const int err = errno;
  std::string message = fmt::format("{}: {}", what, std::strerror(err));
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(message);
  return Status::IoError(message);
}

void PutFrame(Encoder& e, const FrameRef& f) {
  e.Uvarint(f.offset);
  e.Uvarint(f.size);
  e.Uvarint(f.raw);
}

FrameRef GetFrame(Decoder& d) {
  FrameRef f;
  f.offset = d.Uvarint();
  f.size = static_cast<uint32_t>(d.Uvarint());
  f.raw = static_cast<uint32_t>(d.Uvarint());
  return f;
}

uint8_t WidthFor(uint64_t max) {
  return max < 256 ? 1 : max < 65536 ? 2 : max <= UINT32_MAX ? 4 : 8;
}

// Narrows values to `width` little-endian bytes.
template <typename T>
void Narrow(std::span<const T> values, uint8_t width, std::vector<uint8_t>* out) {
  out->resize(values.size() * width);
  uint8_t* p = out->data();
  for (T v : values) {
    const uint64_t u = static_cast<uint64_t>(v);
    for (uint8_t b = 0; b < width; ++b) *p++ = static_cast<uint8_t>(u >> (8 * b));
  }
}

// The file being written: frames appended at the end, then the footer.
class FileWriter {
 public:
  explicit FileWriter(int level) : level_(level), cctx_(ZSTD_createCCtx()) {
    // Each frame carries the checksum of its content (XXH64), verified when decompressed.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
  }
  ~FileWriter() {
    ZSTD_freeCCtx(cctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("log segment " + path);
    uint8_t header[kHeaderBytes] = {'O', 'T', 'L', 'S', kSegmentVersion, 0, 0, 0};
    return Write(header);
  }
  Status Write(std::span<const uint8_t> bytes) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    offset_ += bytes.size();
    if (buf_.size() >= (1u << 20)) return FlushBuffer();
    return Status::Ok();
  }
  Result<FrameRef> Frame(std::span<const uint8_t> raw) {
    scratch_.resize(ZSTD_compressBound(raw.size()));
    const size_t n =
        ZSTD_compress2(cctx_, scratch_.data(), scratch_.size(), raw.data(), raw.size());
    if (ZSTD_isError(n)) return Status::Internal(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
    FrameRef ref;
    ref.offset = offset_;
    ref.size = static_cast<uint32_t>(n);
    ref.raw = static_cast<uint32_t>(raw.size());
    OTELITE_RETURN_IF_ERROR(Write({scratch_.data(), n}));
    return ref;
  }
  // Compressed size of `raw`, without writing (to choose between encodings).
  size_t CompressedSize(std::span<const uint8_t> raw) {
    scratch_.resize(ZSTD_compressBound(raw.size()));
    const size_t n =
        ZSTD_compress2(cctx_, scratch_.data(), scratch_.size(), raw.data(), raw.size());
    return ZSTD_isError(n) ? SIZE_MAX : n;
  }
  Status FlushBuffer() {
    size_t done = 0;
    while (done < buf_.size()) {
      const ssize_t w = ::write(fd_, buf_.data() + done, buf_.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        if (w == 0) errno = ENOSPC;
        return Errno("log segment write " + path_);
      }
      done += static_cast<size_t>(w);
    }
    buf_.clear();
    return Status::Ok();
  }
  Status Finish() {
    OTELITE_RETURN_IF_ERROR(FlushBuffer());
    if (::fsync(fd_) != 0) return Errno("log segment fsync " + path_);
    ::close(fd_);
    fd_ = -1;
    return Status::Ok();
  }
  uint64_t offset() const { return offset_; }

 private:
  std::string path_;
  int level_;
  ZSTD_CCtx* cctx_;
  int fd_ = -1;
  uint64_t offset_ = 0;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> scratch_;
};

// One entry of a stream being written: run number and position in it.
struct EntryRef {
  uint32_t run;
  uint32_t pos;
};

// The stream's entries in time order; ties keep the order of the runs (arrival).
void MergeRuns(const std::vector<std::shared_ptr<const EntryRun>>& runs,
               std::vector<EntryRef>* out) {
  out->clear();
  std::vector<uint32_t> order(runs.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return runs[a]->min_t < runs[b]->min_t; });
  bool disjoint = true;
  for (size_t i = 1; i < order.size(); ++i) {
    const EntryRun& prev = *runs[order[i - 1]];
    const EntryRun& cur = *runs[order[i]];
    if (cur.min_t < prev.max_t || (cur.min_t == prev.max_t && order[i] < order[i - 1])) {
      disjoint = false;
      break;
    }
  }
  if (disjoint) {
    for (uint32_t r : order) {
      for (uint32_t p = 0; p < runs[r]->size(); ++p) out->push_back({r, p});
    }
    return;
  }
  // Runs are in arrival order: (time, run) orders ties by arrival.
  using Item = std::pair<int64_t, EntryRef>;
  auto later = [](const Item& a, const Item& b) {
    return a.first != b.first ? a.first > b.first : a.second.run > b.second.run;
  };
  std::priority_queue<Item, std::vector<Item>, decltype(later)> heap(later);
  for (uint32_t r = 0; r < runs.size(); ++r) {
    if (runs[r]->size() > 0) heap.push({runs[r]->timestamps[0], {r, 0}});
  }
  while (!heap.empty()) {
    const EntryRef ref = heap.top().second;
    heap.pop();
    out->push_back(ref);
    if (ref.pos + 1 < runs[ref.run]->size()) {
      heap.push({runs[ref.run]->timestamps[ref.pos + 1], {ref.run, ref.pos + 1}});
    }
  }
}

struct WriterColumn {
  StringInterner dict;
  uint64_t present = 0;
};

}  // namespace

void WidenU32(const uint8_t* in, uint8_t width, size_t count, uint32_t* out) {
  switch (width) {
    case 1:
      for (size_t i = 0; i < count; ++i) out[i] = in[i];
      break;
    case 2:
      for (size_t i = 0; i < count; ++i) {
        out[i] = static_cast<uint32_t>(in[2 * i]) | static_cast<uint32_t>(in[2 * i + 1]) << 8;
      }
      break;
    default:
      std::memcpy(out, in, count * 4);  // little-endian hosts (x86-64, arm64)
      break;
  }
}

void DecodeTimestamps(const Segment::Block& block, std::span<const uint8_t> raw, int64_t* out) {
  uint64_t scale = 1;
  for (int k = 0; k < block.time_scale; ++k) scale *= 10;
  uint64_t t = static_cast<uint64_t>(block.min_t);
  const size_t n = block.entries;
  const uint8_t* p = raw.data();
  switch (block.time_width) {
    case 1:
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(t += p[i] * scale);
      break;
    case 2:
      for (size_t i = 0; i < n; ++i) {
        const uint64_t d = static_cast<uint64_t>(p[2 * i]) | static_cast<uint64_t>(p[2 * i + 1])
                                                                 << 8;
        out[i] = static_cast<int64_t>(t += d * scale);
      }
      break;
    case 4:
      for (size_t i = 0; i < n; ++i) {
        uint32_t d;
        std::memcpy(&d, p + 4 * i, 4);
        out[i] = static_cast<int64_t>(t += uint64_t{d} * scale);
      }
      break;
    default:
      for (size_t i = 0; i < n; ++i) {
        uint64_t d;
        std::memcpy(&d, p + 8 * i, 8);
        out[i] = static_cast<int64_t>(t += d * scale);
      }
      break;
  }
}

Result<SegmentMeta> WriteSegment(const std::string& path, uint64_t generation,
                                 std::span<const StreamRuns> streams,
                                 const SegmentWriteOptions& options) {
  const std::string tmp = path + ".tmp";
  FileWriter file(options.zstd_level);
  OTELITE_RETURN_IF_ERROR(file.Open(tmp));
  auto fail = [&](Status st) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return st;
  };

  SegmentMeta meta;
  meta.path = path;
  meta.generation = generation;
  meta.min_t = std::numeric_limits<int64_t>::max();
  meta.max_t = std::numeric_limits<int64_t>::min();
  StringInterner column_names;
  std::vector<WriterColumn> columns;  // by interned name index
  std::vector<Segment::Stream> out_streams;
  std::vector<EntryRef> order;
  std::vector<uint8_t> raw, alt;
  std::vector<uint64_t> u64;
  std::vector<uint32_t> u32;
  std::vector<std::vector<uint32_t>> block_codes;  // by writer column
  std::vector<uint32_t> touched;
  // Per run and run column: its writer column and its codes remapped (0: not yet).
  std::vector<std::vector<uint32_t>> run_columns;
  std::vector<std::vector<std::vector<uint32_t>>> remaps;

  for (const StreamRuns& sr : streams) {
    MergeRuns(sr.runs, &order);
    if (order.empty()) continue;
    run_columns.assign(sr.runs.size(), {});
    remaps.assign(sr.runs.size(), {});
    for (size_t r = 0; r < sr.runs.size(); ++r) {
      for (const RunColumn& c : sr.runs[r]->columns) {
        bool added = false;
        const uint32_t idx = column_names.Intern(c.name, &added);
        if (added) columns.emplace_back();
        run_columns[r].push_back(idx);
        remaps[r].emplace_back(c.dict.size(), 0);
      }
    }
    if (block_codes.size() < columns.size()) block_codes.resize(columns.size());
    Segment::Stream stream;
    stream.labels = sr.labels;
    for (size_t begin = 0; begin < order.size(); begin += options.block_entries) {
      const size_t end = std::min(order.size(), begin + options.block_entries);
      const size_t n = end - begin;
      Segment::Block block;
      block.entries = static_cast<uint32_t>(n);
      // Timestamps: deltas from the block's first (sorted, so never negative).
      u64.resize(n);
      int64_t prev = sr.runs[order[begin].run]->timestamps[order[begin].pos];
      block.min_t = prev;
      uint64_t max_delta = 0;
      for (size_t i = 0; i < n; ++i) {
        const EntryRef e = order[begin + i];
        const int64_t t = sr.runs[e.run]->timestamps[e.pos];
        u64[i] = static_cast<uint64_t>(t) - static_cast<uint64_t>(prev);
        max_delta = std::max(max_delta, u64[i]);
        prev = t;
      }
      block.max_t = prev;
      // Senders mostly stamp whole milliseconds or microseconds: divide the deltas by the
      // largest power of ten that divides them all.
      while (block.time_scale < 18) {
        uint64_t next = 10;
        for (int k = 0; k < block.time_scale; ++k) next *= 10;
        bool divides = true;
        for (uint64_t d : u64) {
          if (d % next != 0) {
            divides = false;
            break;
          }
        }
        if (!divides) break;
        ++block.time_scale;
      }
      uint64_t scale = 1;
      for (int k = 0; k < block.time_scale; ++k) scale *= 10;
      if (scale > 1) {
        for (uint64_t& d : u64) d /= scale;
        max_delta /= scale;
      }
      block.time_width = WidthFor(max_delta);
      Narrow<uint64_t>(u64, block.time_width, &raw);
      auto frame = file.Frame(raw);
      if (!frame.ok()) return fail(frame.status());
      block.timestamps = *frame;
      // Line and metadata sizes, then the lines.
      for (int which = 0; which < 2; ++which) {
        u32.resize(n);
        uint32_t max = 0;
        uint64_t total = 0;
        for (size_t i = 0; i < n; ++i) {
          const EntryRef e = order[begin + i];
          const EntryRun& run = *sr.runs[e.run];
          u32[i] = which == 0 ? run.line_bytes[e.pos] : run.meta_bytes[e.pos];
          max = std::max(max, u32[i]);
          total += u32[i];
        }
        const uint8_t width = WidthFor(max);
        Narrow<uint32_t>(u32, width, &raw);
        frame = file.Frame(raw);
        if (!frame.ok()) return fail(frame.status());
        if (which == 0) {
          block.line_width = width;
          block.line_sizes = *frame;
          block.line_bytes = total;
        } else {
          block.meta_width = width;
          block.meta_sizes = *frame;
          block.meta_bytes = total;
        }
      }
      raw.clear();
      raw.reserve(block.line_bytes);
      for (size_t i = 0; i < n; ++i) {
        const EntryRef e = order[begin + i];
        const std::string_view line = sr.runs[e.run]->lines[e.pos];
        raw.insert(raw.end(), line.begin(), line.end());
      }
      frame = file.Frame(raw);
      if (!frame.ok()) return fail(frame.status());
      block.lines = *frame;
      // Metadata codes, recoded to the segment's dictionaries.
      touched.clear();
      for (size_t i = 0; i < n; ++i) {
        const EntryRef e = order[begin + i];
        const EntryRun& run = *sr.runs[e.run];
        for (size_t c = 0; c < run.columns.size(); ++c) {
          const uint32_t code = run.columns[c].codes[e.pos];
          if (code == 0) continue;
          const uint32_t col = run_columns[e.run][c];
          uint32_t& mapped = remaps[e.run][c][code - 1];
          if (mapped == 0) {
            bool added = false;
            mapped = columns[col].dict.Intern(run.columns[c].dict[code - 1], &added) + 1;
          }
          auto& codes = block_codes[col];
          if (codes.empty()) {
            touched.push_back(col);
            codes.assign(n, 0);
          }
          codes[i] = mapped;
        }
      }
      std::sort(touched.begin(), touched.end());
      for (uint32_t col : touched) {
        auto& codes = block_codes[col];
        Segment::BlockColumn bc;
        bc.column = col;
        uint32_t max = 0;
        for (uint32_t c : codes) {
          bc.present += c != 0;
          max = std::max(max, c);
        }
        bc.width = WidthFor(max);
        Narrow<uint32_t>(codes, bc.width, &raw);
        if (max >= 256) {
          // Codes of keys with many values (ids) mostly repeat or count up: their deltas
          // compress much better. Keep whichever is smaller.
          u32.resize(n);
          uint32_t prev_code = 0, max_zz = 0;
          for (size_t i = 0; i < n; ++i) {
            const int64_t d = static_cast<int64_t>(codes[i]) - static_cast<int64_t>(prev_code);
            u32[i] = static_cast<uint32_t>(tsdb::ZigZagEncode(d));
            max_zz = std::max(max_zz, u32[i]);
            prev_code = codes[i];
          }
          const uint8_t dw = WidthFor(max_zz);
          Narrow<uint32_t>(u32, dw, &alt);
          if (file.CompressedSize(alt) < file.CompressedSize(raw)) {
            raw.swap(alt);
            bc.width = dw;
            bc.transform = kCodesDelta;
          }
        }
        frame = file.Frame(raw);
        if (!frame.ok()) return fail(frame.status());
        bc.codes = *frame;
        columns[col].present += bc.present;
        block.columns.push_back(bc);
        codes.clear();
      }
      stream.entries += n;
      stream.line_bytes += block.line_bytes;
      stream.meta_bytes += block.meta_bytes;
      stream.blocks.push_back(std::move(block));
    }
    stream.min_t = stream.blocks.front().min_t;
    stream.max_t = stream.blocks.back().max_t;
    meta.min_t = std::min(meta.min_t, stream.min_t);
    meta.max_t = std::max(meta.max_t, stream.max_t);
    meta.entries += stream.entries;
    meta.line_bytes += stream.line_bytes;
    meta.meta_bytes += stream.meta_bytes;
    out_streams.push_back(std::move(stream));
  }
  if (out_streams.empty()) {
    return fail(Status::InvalidArgument("log segment: nothing to write"));
  }

  // Dictionaries, in name order; the footer refers to columns by their rank in that order.
  std::vector<uint32_t> by_name(columns.size());
  for (uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) {
    return column_names.strings()[a] < column_names.strings()[b];
  });
  std::vector<uint32_t> rank(columns.size());
  for (uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  std::vector<FrameRef> dict_frames(columns.size());
  for (uint32_t col : by_name) {
    raw.clear();
    Encoder e(&raw);
    for (std::string_view v : columns[col].dict.strings()) e.String(v);
    auto frame = file.Frame(raw);
    if (!frame.ok()) return fail(frame.status());
    dict_frames[col] = *frame;
  }

  std::vector<uint8_t> footer;
  Encoder e(&footer);
  e.Varint(meta.min_t);
  e.Varint(meta.max_t);
  e.Uvarint(meta.entries);
  e.Uvarint(meta.line_bytes);
  e.Uvarint(meta.meta_bytes);
  e.Uvarint(generation);
  e.Uvarint(columns.size());
  for (uint32_t col : by_name) {
    e.String(column_names.strings()[col]);
    e.Uvarint(columns[col].dict.size());
    e.Uvarint(columns[col].present);
    PutFrame(e, dict_frames[col]);
  }
  e.Uvarint(out_streams.size());
  for (Segment::Stream& s : out_streams) {
    e.Uvarint(s.labels.size());
    for (const Label& l : s.labels.items()) {
      e.String(l.name);
      e.String(l.value);
    }
    e.Varint(s.min_t);
    e.Varint(s.max_t);
    e.Uvarint(s.entries);
    e.Uvarint(s.line_bytes);
    e.Uvarint(s.meta_bytes);
    e.Uvarint(s.blocks.size());
    for (Segment::Block& b : s.blocks) {
      e.Varint(b.min_t);
      e.Varint(b.max_t);
      e.Uvarint(b.entries);
      e.Uvarint(b.line_bytes);
      e.Uvarint(b.meta_bytes);
      e.U8(b.time_width);
      e.U8(b.time_scale);
      PutFrame(e, b.timestamps);
      e.U8(b.line_width);
      PutFrame(e, b.line_sizes);
      e.U8(b.meta_width);
      PutFrame(e, b.meta_sizes);
      PutFrame(e, b.lines);
      for (auto& c : b.columns) c.column = rank[c.column];
      std::sort(b.columns.begin(), b.columns.end(),
                [](const auto& x, const auto& y) { return x.column < y.column; });
      e.Uvarint(b.columns.size());
      for (const auto& c : b.columns) {
        e.Uvarint(c.column);
        e.Uvarint(c.present);
        e.U8(c.width);
        e.U8(c.transform);
        PutFrame(e, c.codes);
      }
    }
  }
  const uint64_t footer_offset = file.offset();
  std::vector<uint8_t> trailer;
  Encoder t(&trailer);
  t.U64(footer_offset);
  t.U32(static_cast<uint32_t>(footer.size()));
  t.U32(Crc(footer));
  t.Bytes({reinterpret_cast<const uint8_t*>(kMagic), 4});
  Status st = file.Write(footer);
  if (st.ok()) st = file.Write(trailer);
  if (st.ok()) st = file.Finish();
  if (!st.ok()) return fail(st);
  meta.file_bytes = file.offset();
  meta.streams = out_streams.size();
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    return fail(Status::IoError(fmt::format("log segment rename {}: {}", path, ec.message())));
  const std::string dir = fs::path(path).parent_path().string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return meta;
}

Segment::~Segment() {
  if (fd_ >= 0) ::close(fd_);
  if (dict_budget_ && cached_bytes_ > 0) dict_budget_->fetch_add(cached_bytes_);
}

Result<std::shared_ptr<Segment>> Segment::Open(const std::string& path,
                                               std::shared_ptr<std::atomic<int64_t>> dict_budget) {
  std::shared_ptr<Segment> seg(new Segment());
  seg->meta_.path = path;
  seg->dict_budget_ = std::move(dict_budget);
  seg->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (seg->fd_ < 0) return Errno("log segment " + path);
  struct stat st;
  if (::fstat(seg->fd_, &st) != 0) return Errno("log segment " + path);
  const auto size = static_cast<uint64_t>(st.st_size);
  auto bad = [&](const std::string& why) {
    return Status::IoError(fmt::format("log segment {}: {}", path, why));
  };
  if (size < kHeaderBytes + kTrailerBytes) return bad("too short");
  uint8_t header[kHeaderBytes], trailer[kTrailerBytes];
  if (::pread(seg->fd_, header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes) ||
      ::pread(seg->fd_, trailer, kTrailerBytes, static_cast<off_t>(size - kTrailerBytes)) !=
          static_cast<ssize_t>(kTrailerBytes)) {
    return Errno("log segment read " + path);
  }
  if (std::memcmp(header, kMagic, 4) != 0 || std::memcmp(trailer + 16, kMagic, 4) != 0) {
    return bad("not a segment (magic)");
  }
  if (header[4] != kSegmentVersion) {
    return bad(fmt::format("version {} (this otelite reads {})", header[4], kSegmentVersion));
  }
  Decoder t({trailer, kTrailerBytes});
  const uint64_t footer_offset = t.U64();
  const uint32_t footer_len = t.U32();
  const uint32_t footer_crc = t.U32();
  if (footer_offset < kHeaderBytes || footer_offset + footer_len + kTrailerBytes != size) {
    return bad("footer position out of range");
  }
  std::vector<uint8_t> footer(footer_len);
  if (::pread(seg->fd_, footer.data(), footer_len, static_cast<off_t>(footer_offset)) !=
      static_cast<ssize_t>(footer_len)) {
    return Errno("log segment read " + path);
  }
  if (Crc(footer) != footer_crc) return bad("footer checksum mismatch");
  Status parsed = seg->ParseFooter(footer);
  if (!parsed.ok()) return bad(parsed.message());
  // Every frame must lie between the header and the footer.
  auto inside = [&](const FrameRef& f) {
    return f.offset >= kHeaderBytes && f.offset + f.size <= footer_offset;
  };
  for (const auto& c : seg->columns_) {
    if (!inside(c.dict)) return bad("dictionary frame out of range");
  }
  for (const auto& s : seg->streams_) {
    for (const auto& b : s.blocks) {
      bool ok = inside(b.timestamps) && inside(b.line_sizes) && inside(b.meta_sizes) &&
                inside(b.lines) && b.timestamps.raw == uint64_t{b.entries} * b.time_width &&
                b.line_sizes.raw == uint64_t{b.entries} * b.line_width &&
                b.meta_sizes.raw == uint64_t{b.entries} * b.meta_width &&
                b.lines.raw == b.line_bytes;
      for (const auto& c : b.columns) {
        ok = ok && inside(c.codes) && c.column < seg->columns_.size() &&
             c.codes.raw == uint64_t{b.entries} * c.width;
      }
      if (!ok) return bad("block frames inconsistent with the footer");
    }
  }
  seg->meta_.file_bytes = size;
  seg->meta_.streams = seg->streams_.size();
  seg->dict_cache_.resize(seg->columns_.size());
  return seg;
}

Status Segment::ParseFooter(std::span<const uint8_t> footer) {
  Decoder d(footer);
  meta_.min_t = d.Varint();
  meta_.max_t = d.Varint();
  meta_.entries = d.Uvarint();
  meta_.line_bytes = d.Uvarint();
  meta_.meta_bytes = d.Uvarint();
  meta_.generation = d.Uvarint();
  const uint64_t column_count = d.Uvarint();
  if (column_count > d.remaining()) return Status::IoError("bad column count");
  for (uint64_t i = 0; i < column_count && !d.failed(); ++i) {
    Column c;
    c.name = std::string(d.String());
    c.values = static_cast<uint32_t>(d.Uvarint());
    c.present = d.Uvarint();
    c.dict = GetFrame(d);
    columns_.push_back(std::move(c));
  }
  const uint64_t stream_count = d.Uvarint();
  if (stream_count > d.remaining()) return Status::IoError("bad stream count");
  for (uint64_t s = 0; s < stream_count && !d.failed(); ++s) {
    Stream stream;
    const uint64_t label_count = d.Uvarint();
    if (label_count > d.remaining()) return Status::IoError("bad label count");
    std::vector<Label> labels;
    for (uint64_t i = 0; i < label_count && !d.failed(); ++i) {
      std::string name(d.String());
      labels.push_back({std::move(name), std::string(d.String())});
    }
    stream.labels = Labels(std::move(labels));
    stream.min_t = d.Varint();
    stream.max_t = d.Varint();
    stream.entries = d.Uvarint();
    stream.line_bytes = d.Uvarint();
    stream.meta_bytes = d.Uvarint();
    const uint64_t block_count = d.Uvarint();
    if (block_count > d.remaining()) return Status::IoError("bad block count");
    for (uint64_t b = 0; b < block_count && !d.failed(); ++b) {
      Block block;
      block.min_t = d.Varint();
      block.max_t = d.Varint();
      block.entries = static_cast<uint32_t>(d.Uvarint());
      block.line_bytes = d.Uvarint();
      block.meta_bytes = d.Uvarint();
      block.time_width = d.U8();
      block.time_scale = d.U8();
      block.timestamps = GetFrame(d);
      block.line_width = d.U8();
      block.line_sizes = GetFrame(d);
      block.meta_width = d.U8();
      block.meta_sizes = GetFrame(d);
      block.lines = GetFrame(d);
      const uint64_t cols = d.Uvarint();
      if (cols > d.remaining()) return Status::IoError("bad block column count");
      for (uint64_t c = 0; c < cols && !d.failed(); ++c) {
        BlockColumn bc;
        bc.column = static_cast<uint32_t>(d.Uvarint());
        bc.present = static_cast<uint32_t>(d.Uvarint());
        bc.width = d.U8();
        bc.transform = d.U8();
        bc.codes = GetFrame(d);
        if ((bc.width != 1 && bc.width != 2 && bc.width != 4) || bc.transform > kCodesDelta) {
          return Status::IoError("bad code column encoding");
        }
        block.columns.push_back(bc);
      }
      if ((block.time_width != 1 && block.time_width != 2 && block.time_width != 4 &&
           block.time_width != 8) ||
          block.time_scale > 18 ||
          (block.line_width != 1 && block.line_width != 2 && block.line_width != 4) ||
          (block.meta_width != 1 && block.meta_width != 2 && block.meta_width != 4)) {
        return Status::IoError("bad block encoding");
      }
      stream.blocks.push_back(std::move(block));
    }
    streams_.push_back(std::move(stream));
  }
  if (d.failed() || !d.done()) return Status::IoError("footer malformed");
  return Status::Ok();
}

std::optional<uint32_t> Segment::FindColumn(std::string_view name) const {
  auto it = std::lower_bound(columns_.begin(), columns_.end(), name,
                             [](const Column& c, std::string_view n) { return c.name < n; });
  if (it == columns_.end() || it->name != name) return std::nullopt;
  return static_cast<uint32_t>(it - columns_.begin());
}

Status Segment::ReadFrame(const FrameRef& ref, std::vector<uint8_t>* scratch,
                          std::vector<uint8_t>* out) const {
  scratch->resize(ref.size);
  size_t done = 0;
  while (done < ref.size) {
    const ssize_t n = ::pread(fd_, scratch->data() + done, ref.size - done,
                              static_cast<off_t>(ref.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(fmt::format("log segment {}: read failed", meta_.path));
    done += static_cast<size_t>(n);
  }
  out->resize(ref.raw);
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(),
                                                                       ZSTD_freeDCtx);
  const size_t n =
      ZSTD_decompressDCtx(dctx.get(), out->data(), out->size(), scratch->data(), scratch->size());
  if (ZSTD_isError(n) || n != ref.raw) {
    // A damaged frame fails zstd's own content checksum (or its structure).
    return Status::IoError(fmt::format("log segment {}: frame at offset {} fails its checksum ({})",
                                       meta_.path, ref.offset,
                                       ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch"));
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Segment::Dictionary>> Segment::LoadDictionary(uint32_t column) const {
  {
    std::lock_guard lock(dict_mu_);
    if (dict_cache_[column]) return dict_cache_[column];
  }
  static std::atomic<uint64_t> next_id{1};
  auto dict = std::make_shared<Dictionary>();
  dict->id = next_id.fetch_add(1, std::memory_order_relaxed);
  std::vector<uint8_t> scratch;
  OTELITE_RETURN_IF_ERROR(ReadFrame(columns_[column].dict, &scratch, &dict->raw));
  Decoder d(dict->raw);
  dict->values.reserve(columns_[column].values);
  while (!d.done() && !d.failed()) dict->values.push_back(d.String());
  if (d.failed() || dict->values.size() != columns_[column].values) {
    return Status::IoError(fmt::format("log segment {}: dictionary of '{}' malformed", meta_.path,
                                       columns_[column].name));
  }
  const auto bytes = static_cast<int64_t>(dict->raw.size() + dict->values.size() * 16);
  if (dict_budget_ && dict_budget_->fetch_sub(bytes) >= bytes) {
    std::lock_guard lock(dict_mu_);
    if (!dict_cache_[column]) {
      dict_cache_[column] = dict;
      cached_bytes_ += bytes;
    } else {
      dict_budget_->fetch_add(bytes);
    }
  } else if (dict_budget_) {
    dict_budget_->fetch_add(bytes);
  }
  return std::shared_ptr<const Dictionary>(std::move(dict));
}

Result<bool> Segment::RulesOut(const Matchers& filters) const {
  for (const LabelMatcher& m : filters) {
    const auto col = FindColumn(m.name());
    if (!col) {
      if (!m.MatchesEmpty()) return true;  // every entry reads ""
      continue;
    }
    // Entries without the key read "": they can pass when the matcher takes "".
    if (m.MatchesEmpty() && columns_[*col].present < meta_.entries) continue;
    auto dict = LoadDictionary(*col);
    if (!dict.ok()) return dict.status();
    bool any = false;
    if (m.type() == MatchType::kEqual) {
      any = std::find((*dict)->values.begin(), (*dict)->values.end(), m.value()) !=
            (*dict)->values.end();
    } else {
      for (std::string_view v : (*dict)->values) {
        if (m.Matches(v)) {
          any = true;
          break;
        }
      }
    }
    if (!any) return true;
  }
  return false;
}

}  // namespace otelite::logs
