#include "storage/tsdb/block.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <unordered_map>

#include "storage/tsdb/encoding.h"

namespace otelite::tsdb {

namespace fs = std::filesystem;

namespace {

constexpr char kChunksMagic[4] = {'O', 'T', 'L', 'C'};
constexpr char kIndexMagic[4] = {'O', 'T', 'L', 'I'};
constexpr uint8_t kFormatVersion = 1;
constexpr int kSections = 3;  // symbols, series, postings
constexpr int kZstdLevel = 9;

uint32_t Crc(const void* data, size_t n) {
  return static_cast<uint32_t>(crc32(0L, static_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

Status Errno(const std::string& what) {
  const int err = errno;
  std::string message = fmt::format("{}: {}", what, std::strerror(err));
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(message);
  return Status::IoError(message);
}

Status WriteAll(int fd, const void* data, size_t n, const std::string& what) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Errno(what);
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status WriteFileSynced(const std::string& path, std::span<const uint8_t> data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create " + path);
  Status st = WriteAll(fd, data.data(), data.size(), "write " + path);
  if (st.ok() && ::fsync(fd) != 0) st = Errno("fsync " + path);
  ::close(fd);
  return st;
}

void SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open ({})", path, std::strerror(errno)));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string MetaJson(const BlockMeta& m) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("version");
  w.Int(kFormatVersion);
  w.Key("id");
  w.String(m.id.c_str(), static_cast<rapidjson::SizeType>(m.id.size()));
  w.Key("minTime");
  w.Int64(m.min_time);
  w.Key("maxTime");
  w.Int64(m.max_time);
  w.Key("stats");
  w.StartObject();
  w.Key("numSeries");
  w.Uint64(m.series);
  w.Key("numSamples");
  w.Uint64(m.samples);
  w.Key("numChunks");
  w.Uint64(m.chunks);
  w.Key("numBytes");
  w.Uint64(m.bytes);
  w.EndObject();
  w.Key("compaction");
  w.StartObject();
  w.Key("level");
  w.Int(m.level);
  w.Key("sources");
  w.StartArray();
  for (const auto& s : m.sources) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

Result<BlockMeta> ParseMeta(const std::string& path, const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  auto bad = [&](const std::string& why) {
    return Status::Internal(fmt::format("{}: {}", path, why));
  };
  if (d.HasParseError() || !d.IsObject()) return bad("not a JSON object");
  BlockMeta m;
  if (!d.HasMember("version") || !d["version"].IsInt() || d["version"].GetInt() != kFormatVersion) {
    return bad("unknown block format version");
  }
  if (!d.HasMember("id") || !d["id"].IsString() || !d.HasMember("minTime") ||
      !d["minTime"].IsInt64() || !d.HasMember("maxTime") || !d["maxTime"].IsInt64()) {
    return bad("id, minTime or maxTime missing");
  }
  m.id = d["id"].GetString();
  m.min_time = d["minTime"].GetInt64();
  m.max_time = d["maxTime"].GetInt64();
  if (d.HasMember("stats") && d["stats"].IsObject()) {
    const auto& s = d["stats"];
    auto u64 = [&](const char* key) -> uint64_t {
      return s.HasMember(key) && s[key].IsUint64() ? s[key].GetUint64() : 0;
    };
    m.series = u64("numSeries");
    m.samples = u64("numSamples");
    m.chunks = u64("numChunks");
    m.bytes = u64("numBytes");
  }
  if (d.HasMember("compaction") && d["compaction"].IsObject()) {
    const auto& c = d["compaction"];
    if (c.HasMember("level") && c["level"].IsInt()) m.level = c["level"].GetInt();
    if (c.HasMember("sources") && c["sources"].IsArray()) {
      for (const auto& v : c["sources"].GetArray()) {
        if (v.IsString()) m.sources.emplace_back(v.GetString());
      }
    }
  }
  return m;
}

}  // namespace

std::string NewBlockId(int64_t min_time) {
  static std::atomic<uint32_t> counter{0};
  static const uint32_t seed = std::random_device{}();
  return fmt::format("{:014d}-{:08x}", std::max<int64_t>(0, min_time),
                     seed ^ (counter.fetch_add(1) * 2654435761u));
}

// ---------------------------------------------------------------------------------------------
// Writer

BlockWriter::BlockWriter(std::string parent_dir, std::string id, int64_t min_time, int64_t max_time)
    : parent_(std::move(parent_dir)), id_(std::move(id)), min_time_(min_time), max_time_(max_time) {
  tmp_dir_ = (fs::path(parent_) / (id_ + ".tmp")).string();
}

BlockWriter::~BlockWriter() {
  if (chunks_fd_ >= 0) ::close(chunks_fd_);
  if (!finished_) {
    std::error_code ec;
    fs::remove_all(tmp_dir_, ec);
  }
}

Status BlockWriter::Open() {
  std::error_code ec;
  fs::remove_all(tmp_dir_, ec);
  fs::create_directories(tmp_dir_, ec);
  if (ec) return Status::IoError(fmt::format("create {}: {}", tmp_dir_, ec.message()));
  const std::string path = tmp_dir_ + "/chunks";
  chunks_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (chunks_fd_ < 0) return Errno("create " + path);
  std::vector<uint8_t> header(kChunksMagic, kChunksMagic + 4);
  header.push_back(kFormatVersion);
  OTELITE_RETURN_IF_ERROR(WriteAll(chunks_fd_, header.data(), header.size(), "write " + path));
  chunks_offset_ = header.size();
  chunks_crc_ = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  return Status::Ok();
}

Status BlockWriter::WriteChunk(const ChunkBuilder& chunk, SeriesEntry* entry) {
  entry->chunks.push_back({chunk.min_t(), chunk.max_t(), chunks_offset_});
  const size_t start = chunk_buf_.size();
  Encoder e(&chunk_buf_);
  e.Uvarint(chunk.bytes().size());
  e.Bytes(chunk.bytes());
  chunks_offset_ += chunk_buf_.size() - start;
  ++chunk_count_;
  if (chunk_buf_.size() >= (1u << 20)) {
    chunks_crc_ = static_cast<uint32_t>(
        crc32(chunks_crc_, chunk_buf_.data(), static_cast<uInt>(chunk_buf_.size())));
    OTELITE_RETURN_IF_ERROR(WriteAll(chunks_fd_, chunk_buf_.data(), chunk_buf_.size(),
                                     "write " + tmp_dir_ + "/chunks"));
    chunk_buf_.clear();
  }
  return Status::Ok();
}

Status BlockWriter::AddSeries(const Labels& labels, std::span<const Sample> samples) {
  if (samples.empty()) return Status::Ok();
  SeriesEntry entry;
  entry.labels.reserve(labels.size());
  for (const Label& l : labels.items()) entry.labels.emplace_back(l.name, l.value);
  // A chunk's first timestamp is its min_t, which the index holds: relative to it, it costs a
  // single byte in the chunk.
  ChunkBuilder chunk(samples.front().t);
  for (const Sample& s : samples) {
    if (chunk.count() >= kMaxSamplesPerChunk) {
      OTELITE_RETURN_IF_ERROR(WriteChunk(chunk, &entry));
      chunk = ChunkBuilder(s.t);
    }
    chunk.Append(s.t, s.v);
  }
  OTELITE_RETURN_IF_ERROR(WriteChunk(chunk, &entry));
  samples_ += samples.size();
  series_.push_back(std::move(entry));
  return Status::Ok();
}

Result<BlockMeta> BlockWriter::Finish(int level, std::vector<std::string> sources) {
  const int64_t min_time = min_time_;
  const int64_t max_time = max_time_;
  const std::string chunks_path = tmp_dir_ + "/chunks";
  chunks_crc_ = static_cast<uint32_t>(
      crc32(chunks_crc_, chunk_buf_.data(), static_cast<uInt>(chunk_buf_.size())));
  OTELITE_RETURN_IF_ERROR(
      WriteAll(chunks_fd_, chunk_buf_.data(), chunk_buf_.size(), "write " + chunks_path));
  chunk_buf_ = {};
  if (::fsync(chunks_fd_) != 0) return Errno("fsync " + chunks_path);
  ::close(chunks_fd_);
  chunks_fd_ = -1;

  // Symbols.
  std::vector<std::string_view> symbols;
  for (const auto& s : series_) {
    for (const auto& [n, v] : s.labels) {
      symbols.push_back(n);
      symbols.push_back(v);
    }
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  std::unordered_map<std::string_view, uint32_t> symbol_ref;
  symbol_ref.reserve(symbols.size());
  std::vector<uint8_t> sections[kSections];
  {
    Encoder e(&sections[0]);
    e.Uvarint(symbols.size());
    for (size_t i = 0; i < symbols.size(); ++i) {
      e.String(symbols[i]);
      symbol_ref.emplace(symbols[i], static_cast<uint32_t>(i));
    }
  }
  // Series, and postings gathered on the way.
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> postings;
  {
    Encoder e(&sections[1]);
    e.Uvarint(series_.size());
    for (size_t id = 0; id < series_.size(); ++id) {
      const SeriesEntry& s = series_[id];
      e.Uvarint(s.labels.size());
      for (const auto& [n, v] : s.labels) {
        const uint32_t nr = symbol_ref[n];
        const uint32_t vr = symbol_ref[v];
        e.Uvarint(nr);
        e.Uvarint(vr);
        postings[{nr, vr}].push_back(static_cast<uint32_t>(id));
      }
      e.Uvarint(s.chunks.size());
      int64_t prev_max = 0;
      uint64_t prev_offset = 0;
      for (size_t i = 0; i < s.chunks.size(); ++i) {
        const auto& c = s.chunks[i];
        e.Varint(i == 0 ? c.min_t : c.min_t - prev_max);
        e.Uvarint(static_cast<uint64_t>(c.max_t - c.min_t));
        e.Uvarint(i == 0 ? c.offset : c.offset - prev_offset);
        prev_max = c.max_t;
        prev_offset = c.offset;
      }
    }
  }
  {
    Encoder e(&sections[2]);
    // Grouped by name: name symbol, value count, then (value symbol, count, deltas)*.
    std::vector<std::pair<uint32_t, size_t>> names;  // name symbol, number of values
    for (const auto& [pair, ids] : postings) {
      if (names.empty() || names.back().first != pair.first) names.push_back({pair.first, 0});
      ++names.back().second;
    }
    e.Uvarint(names.size());
    auto it = postings.begin();
    for (const auto& [name, count] : names) {
      e.Uvarint(name);
      e.Uvarint(count);
      for (size_t i = 0; i < count; ++i, ++it) {
        e.Uvarint(it->first.second);
        e.Uvarint(it->second.size());
        uint32_t prev = 0;
        for (uint32_t id : it->second) {
          e.Uvarint(id - prev);
          prev = id;
        }
      }
    }
  }
  // Index file: magic, version, compressed sections, table of contents, TOC offset.
  std::vector<uint8_t> index(kIndexMagic, kIndexMagic + 4);
  index.push_back(kFormatVersion);
  std::vector<uint8_t> toc;
  Encoder t(&toc);
  for (const auto& raw : sections) {
    std::vector<uint8_t> compressed(ZSTD_compressBound(raw.size()));
    const size_t n =
        ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(), kZstdLevel);
    if (ZSTD_isError(n)) {
      return Status::Internal(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
    }
    t.U64(index.size());
    t.U64(n);
    t.U64(raw.size());
    t.U32(Crc(compressed.data(), n));
    index.insert(index.end(), compressed.begin(), compressed.begin() + static_cast<long>(n));
  }
  const uint64_t toc_offset = index.size();
  index.insert(index.end(), toc.begin(), toc.end());
  Encoder tail(&index);
  tail.U32(chunks_crc_);
  tail.U32(Crc(toc.data(), toc.size()));
  tail.U64(toc_offset);
  OTELITE_RETURN_IF_ERROR(WriteFileSynced(tmp_dir_ + "/index", index));

  BlockMeta meta;
  meta.id = id_;
  meta.min_time = min_time;
  meta.max_time = max_time;
  meta.series = series_.size();
  meta.samples = samples_;
  meta.chunks = chunk_count_;
  meta.level = level;
  meta.sources = sources.empty() ? std::vector<std::string>{id_} : std::move(sources);
  meta.bytes = chunks_offset_ + index.size();
  const std::string json = MetaJson(meta);
  OTELITE_RETURN_IF_ERROR(WriteFileSynced(tmp_dir_ + "/meta.json", AsBytes(json)));
  SyncDir(tmp_dir_);
  const std::string final_dir = (fs::path(parent_) / id_).string();
  std::error_code ec;
  fs::rename(tmp_dir_, final_dir, ec);
  if (ec)
    return Status::IoError(fmt::format("rename {} -> {}: {}", tmp_dir_, final_dir, ec.message()));
  SyncDir(parent_);
  finished_ = true;
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Reader

Block::~Block() {
  if (chunks_data_ != nullptr) ::munmap(const_cast<uint8_t*>(chunks_data_), chunks_size_);
}

Result<std::shared_ptr<Block>> Block::Open(const std::string& dir) {
  std::shared_ptr<Block> b(new Block());
  b->dir_ = dir;
  auto corrupt = [&](const std::string& why) {
    return Status::Internal(fmt::format("block {}: {}", dir, why));
  };
  auto meta_text = ReadWholeFile(dir + "/meta.json");
  if (!meta_text.ok()) return corrupt("meta.json is missing");
  auto meta = ParseMeta(dir + "/meta.json", *meta_text);
  if (!meta.ok()) return meta.status();
  b->meta_ = std::move(*meta);

  // Chunks: mapped.
  const std::string chunks_path = dir + "/chunks";
  const int fd = ::open(chunks_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return corrupt(fmt::format("chunks file: {}", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 5) {
    ::close(fd);
    return corrupt("chunks file is truncated");
  }
  void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return corrupt(fmt::format("cannot map chunks: {}", std::strerror(errno)));
  b->chunks_data_ = static_cast<const uint8_t*>(map);
  b->chunks_size_ = static_cast<size_t>(st.st_size);
  if (std::memcmp(b->chunks_data_, kChunksMagic, 4) != 0 || b->chunks_data_[4] != kFormatVersion) {
    return corrupt("chunks file has an unknown header");
  }

  // Index: read, verify, decompress.
  auto index_text = ReadWholeFile(dir + "/index");
  if (!index_text.ok()) return corrupt("index file is missing");
  const auto index = AsBytes(*index_text);
  if (index.size() < 5 + 16 || std::memcmp(index.data(), kIndexMagic, 4) != 0 ||
      index[4] != kFormatVersion) {
    return corrupt("index file has an unknown header");
  }
  Decoder trailer(index.subspan(index.size() - 16));
  const uint32_t chunks_crc = trailer.U32();
  const uint32_t toc_crc = trailer.U32();
  const uint64_t toc_offset = trailer.U64();
  const uint64_t toc_size = static_cast<uint64_t>(kSections) * 28;
  if (toc_offset > index.size() || toc_offset + toc_size + 16 != index.size()) {
    return corrupt("index table of contents is damaged");
  }
  const auto toc_bytes = index.subspan(toc_offset, toc_size);
  if (Crc(toc_bytes.data(), toc_bytes.size()) != toc_crc) {
    return corrupt("index table of contents fails its checksum");
  }
  // The whole chunks file, once: damage is found at open, not in the middle of a query
  // (CRC-32 runs at GB/s and blocks are small).
  if (Crc(b->chunks_data_ + 5, b->chunks_size_ - 5) != chunks_crc) {
    return corrupt("chunks file fails its checksum");
  }
  Decoder toc(toc_bytes);
  std::string* targets[kSections] = {&b->symbols_buf_, &b->series_buf_, &b->postings_buf_};
  static const char* kNames[kSections] = {"symbols", "series", "postings"};
  for (int i = 0; i < kSections; ++i) {
    const uint64_t off = toc.U64();
    const uint64_t len = toc.U64();
    const uint64_t raw = toc.U64();
    const uint32_t crc = toc.U32();
    if (off > toc_offset || len > toc_offset - off || raw > (8ULL << 30)) {
      return corrupt(fmt::format("index section {} is out of bounds", kNames[i]));
    }
    if (Crc(index.data() + off, len) != crc) {
      return corrupt(fmt::format("index section {} fails its checksum", kNames[i]));
    }
    targets[i]->resize(raw);
    const size_t n = ZSTD_decompress(targets[i]->data(), raw, index.data() + off, len);
    if (ZSTD_isError(n) || n != raw) {
      return corrupt(fmt::format("index section {} does not decompress", kNames[i]));
    }
  }

  Decoder sym(AsBytes(b->symbols_buf_));
  const uint64_t nsym = sym.Uvarint();
  if (nsym > b->symbols_buf_.size()) return corrupt("symbol table is damaged");
  b->symbols_.reserve(nsym);
  for (uint64_t i = 0; i < nsym && !sym.failed(); ++i) b->symbols_.push_back(sym.String());
  if (sym.failed()) return corrupt("symbol table is damaged");

  Decoder ser(AsBytes(b->series_buf_));
  const uint64_t nseries = ser.Uvarint();
  if (nseries > b->series_buf_.size()) return corrupt("series table is damaged");
  b->series_offsets_.reserve(nseries);
  for (uint64_t i = 0; i < nseries && !ser.failed(); ++i) {
    b->series_offsets_.push_back(static_cast<uint32_t>(ser.pos()));
    const uint64_t nl = ser.Uvarint();
    for (uint64_t j = 0; j < nl * 2 && !ser.failed(); ++j) {
      if (ser.Uvarint() >= nsym) return corrupt("series references an unknown symbol");
    }
    const uint64_t nc = ser.Uvarint();
    for (uint64_t j = 0; j < nc && !ser.failed(); ++j) {
      ser.Varint();
      ser.Uvarint();
      ser.Uvarint();
    }
  }
  if (ser.failed()) return corrupt("series table is damaged");

  Decoder post(AsBytes(b->postings_buf_));
  const uint64_t nnames = post.Uvarint();
  for (uint64_t i = 0; i < nnames && !post.failed(); ++i) {
    const uint64_t name = post.Uvarint();
    const uint64_t nvalues = post.Uvarint();
    if (name >= nsym || nvalues > b->postings_buf_.size()) return corrupt("postings are damaged");
    auto& values = b->postings_[b->symbols_[name]];
    values.reserve(nvalues);
    for (uint64_t j = 0; j < nvalues && !post.failed(); ++j) {
      const uint64_t value = post.Uvarint();
      if (value >= nsym) return corrupt("postings reference an unknown symbol");
      values.emplace_back(b->symbols_[value], static_cast<uint32_t>(post.pos()));
      const uint64_t count = post.Uvarint();
      for (uint64_t k = 0; k < count && !post.failed(); ++k) post.Uvarint();
    }
  }
  if (post.failed()) return corrupt("postings are damaged");
  return b;
}

std::string_view Block::Symbol(uint64_t ref) const {
  return ref < symbols_.size() ? symbols_[ref] : std::string_view();
}

Postings Block::DecodePostings(uint32_t offset) const {
  Decoder d(AsBytes(postings_buf_).subspan(offset));
  const uint64_t count = d.Uvarint();
  Postings out;
  out.reserve(std::min<uint64_t>(count, series_offsets_.size()));
  uint64_t id = 0;
  for (uint64_t i = 0; i < count && !d.failed(); ++i) {
    id += d.Uvarint();
    out.push_back(id);
  }
  return out;
}

Postings Block::MatchingValues(const LabelMatcher& m, bool negate) const {
  auto it = postings_.find(std::string_view(m.name()));
  if (it == postings_.end()) return {};
  const auto& values = it->second;
  auto find = [&](std::string_view v) -> const std::pair<std::string_view, uint32_t>* {
    auto pos = std::lower_bound(values.begin(), values.end(), v,
                                [](const auto& a, std::string_view x) { return a.first < x; });
    return pos != values.end() && pos->first == v ? &*pos : nullptr;
  };
  Postings out;
  auto add = [&](uint32_t offset) { out = Union(out, DecodePostings(offset)); };
  if (!negate && m.type() == MatchType::kEqual) {
    if (auto* v = find(m.value())) return DecodePostings(v->second);
    return {};
  }
  if (!negate && !m.SetMatches().empty()) {
    for (const auto& s : m.SetMatches()) {
      if (auto* v = find(s)) add(v->second);
    }
    return out;
  }
  std::vector<uint64_t> all;
  for (const auto& [value, offset] : values) {
    if (m.Matches(value) != negate) {
      Postings p = DecodePostings(offset);
      all.insert(all.end(), p.begin(), p.end());
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

Postings Block::Select(const Matchers& matchers) const {
  return SelectPostings(
      matchers,
      [this] {
        Postings all(series_offsets_.size());
        for (size_t i = 0; i < all.size(); ++i) all[i] = i;
        return all;
      },
      [this](const LabelMatcher& m, bool negate) { return MatchingValues(m, negate); });
}

std::vector<std::string> Block::LabelNames() const {
  std::vector<std::string> out;
  for (const auto& [name, values] : postings_) out.emplace_back(name);
  return out;
}

std::vector<std::string> Block::LabelValues(const std::string& name) const {
  std::vector<std::string> out;
  auto it = postings_.find(std::string_view(name));
  if (it == postings_.end()) return out;
  for (const auto& [value, offset] : it->second) out.emplace_back(value);
  return out;
}

Status Block::ReadSeries(uint32_t id, Labels* labels, std::vector<ChunkMeta>* chunks) const {
  if (id >= series_offsets_.size()) return Status::Internal("series number out of range");
  Decoder d(AsBytes(series_buf_).subspan(series_offsets_[id]));
  const uint64_t nl = d.Uvarint();
  bool known = false;
  if (labels != nullptr) {
    std::lock_guard lock(labels_mu_);
    if (id < labels_.size() && !labels_[id].empty()) {
      *labels = labels_[id];
      known = true;
    }
  }
  if (labels == nullptr || known) {
    for (uint64_t i = 0; i < 2 * nl; ++i) d.Uvarint();
  } else {
    std::vector<Label> ls;
    ls.reserve(nl);
    for (uint64_t i = 0; i < nl; ++i) {
      std::string_view n = Symbol(d.Uvarint());
      std::string_view v = Symbol(d.Uvarint());
      ls.push_back({std::string(n), std::string(v)});
    }
    *labels = Labels::FromSorted(std::move(ls));  // written from a Labels
    if (!d.failed()) {
      std::lock_guard lock(labels_mu_);
      if (labels_.size() <= id) labels_.resize(series_offsets_.size());
      labels_[id] = *labels;
    }
  }
  const uint64_t nc = d.Uvarint();
  chunks->clear();
  chunks->reserve(nc);
  int64_t prev_max = 0;
  uint64_t prev_offset = 0;
  for (uint64_t i = 0; i < nc; ++i) {
    ChunkMeta c{};
    c.min_t = i == 0 ? d.Varint() : prev_max + d.Varint();
    c.max_t = c.min_t + static_cast<int64_t>(d.Uvarint());
    c.offset = i == 0 ? d.Uvarint() : prev_offset + d.Uvarint();
    prev_max = c.max_t;
    prev_offset = c.offset;
    chunks->push_back(c);
  }
  if (d.failed()) return Status::Internal(fmt::format("block {}: series {} is damaged", dir_, id));
  return Status::Ok();
}

Result<ChunkView> Block::ReadChunk(const ChunkMeta& meta) const {
  if (meta.offset >= chunks_size_) {
    return Status::Internal(
        fmt::format("block {}: chunk at offset {} is beyond the end of the "
                    "chunks file",
                    dir_, meta.offset));
  }
  Decoder d(std::span<const uint8_t>(chunks_data_ + meta.offset, chunks_size_ - meta.offset));
  const uint64_t len = d.Uvarint();
  const auto bytes = d.Bytes(len);
  if (d.failed()) {
    return Status::Internal(
        fmt::format("block {}: chunk at offset {} is cut short", dir_, meta.offset));
  }
  return ChunkView{shared_from_this(), bytes, meta.min_t, meta.max_t, meta.min_t};
}

Status Block::ReadSamples(uint32_t id, std::vector<Sample>* out) const {
  std::vector<ChunkMeta> chunks;
  OTELITE_RETURN_IF_ERROR(ReadSeries(id, nullptr, &chunks));
  for (const auto& c : chunks) {
    auto view = ReadChunk(c);
    if (!view.ok()) return view.status();
    ChunkReader r(view->bytes, view->base_t);
    while (r.Next()) out->push_back({r.t(), r.v()});
    if (r.corrupt()) return Status::Internal(fmt::format("block {}: a chunk is damaged", dir_));
  }
  return Status::Ok();
}

Result<SeriesSet> Block::SelectSeries(int64_t mint, int64_t maxt, const Matchers& matchers) const {
  SeriesSet out;
  if (!Overlaps(mint, maxt)) return out;
  std::vector<ChunkMeta> metas;
  const auto ids = Select(matchers);
  out.reserve(ids.size());
  for (uint64_t id : ids) {
    Labels labels;
    OTELITE_RETURN_IF_ERROR(ReadSeries(static_cast<uint32_t>(id), &labels, &metas));
    std::vector<ChunkView> views;
    for (const auto& m : metas) {
      if (m.max_t < mint || m.min_t > maxt) continue;
      auto view = ReadChunk(m);
      if (!view.ok()) return view.status();
      views.push_back(std::move(*view));
    }
    if (views.empty()) continue;
    out.push_back(
        std::make_unique<ChunkSeries>(std::move(labels), std::move(views), nullptr, mint, maxt));
  }
  return out;  // already sorted: series are stored in label order
}

}  // namespace otelite::tsdb
