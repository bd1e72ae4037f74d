#include "storage/tsdb/wal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace otelite::tsdb {

namespace fs = std::filesystem;

namespace {

void PutU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

uint32_t GetU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

uint32_t RecordCrc(uint8_t type, std::span<const uint8_t> payload) {
  uLong crc = crc32(0L, &type, 1);
  // zlib takes uInt lengths; records are far below 4 GiB (Buffer checks).
  crc = crc32(crc, payload.data(), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

Status Errno(const std::string& what) {
  const int err = errno;
  std::string message = fmt::format("{}: {}", what, std::strerror(err));
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(message);
  return Status::IoError(message);
}

bool ParseSegmentName(const std::string& name, uint64_t* n) {
  if (name.size() != 8 || !std::all_of(name.begin(), name.end(), ::isdigit)) return false;
  *n = std::stoull(name);
  return true;
}

}  // namespace

Result<FsyncPolicy> ParseFsyncPolicy(const std::string& text) {
  if (text == "always") return FsyncPolicy::kAlways;
  if (text == "interval") return FsyncPolicy::kInterval;
  if (text == "never") return FsyncPolicy::kNever;
  return Status::InvalidArgument(
      fmt::format("unknown fsync policy '{}' (want always, interval or never)", text));
}

std::string Wal::SegmentName(uint64_t n) { return fmt::format("{:08d}", n); }

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, const WalOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("WAL directory {}: {}", dir, ec.message()));
  std::unique_ptr<Wal> wal(new Wal(dir, options));
  auto segments = wal->Segments();
  {
    std::lock_guard lock(wal->mu_);
    OTELITE_RETURN_IF_ERROR(wal->OpenSegment(segments.empty() ? 1 : segments.back() + 1));
  }
  if (options.fsync == FsyncPolicy::kInterval) {
    wal->sync_thread_ = std::thread([w = wal.get()] { w->SyncLoop(); });
  }
  return wal;
}

Wal::~Wal() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  std::unique_lock lock(mu_);
  synced_cv_.wait(lock, [&] { return !syncing_; });
  if (fd_ >= 0) {
    if (options_.fsync != FsyncPolicy::kNever) ::fdatasync(fd_);
    ::close(fd_);
  }
}

std::vector<uint64_t> Wal::Segments() const {
  std::vector<uint64_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    uint64_t n = 0;
    if (entry.is_regular_file() && ParseSegmentName(entry.path().filename().string(), &n)) {
      out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t Wal::current_segment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

uint64_t Wal::SizeBytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.is_regular_file()) total += entry.file_size(ec);  // segments and checkpoints
  }
  return total;
}

Status Wal::OpenSegment(uint64_t n) {
  const std::string path = (fs::path(dir_) / SegmentName(n)).string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(fmt::format("WAL segment {}", path));
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segment_ = n;
  segment_size_ = end > 0 ? static_cast<uint64_t>(end) : 0;
  // Make the new file's directory entry durable too.
  if (options_.fsync != FsyncPolicy::kNever) {
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return Status::Ok();
}

void Wal::Frame(uint8_t type, std::span<const uint8_t> payload, std::vector<uint8_t>* out) {
  uint8_t header[kHeaderBytes];
  PutU32(header, static_cast<uint32_t>(payload.size()));
  PutU32(header + 4, RecordCrc(type, payload));
  header[8] = type;
  out->insert(out->end(), header, header + kHeaderBytes);
  out->insert(out->end(), payload.begin(), payload.end());
}

void Wal::Buffer(uint8_t type, std::span<const uint8_t> payload) {
  std::lock_guard lock(mu_);
  Frame(type, payload, &pending_);
}

Status Wal::SyncLocked() {
  if (fd_ < 0 || options_.fsync == FsyncPolicy::kNever) return Status::Ok();
  if (::fdatasync(fd_) != 0) return Errno("WAL fsync");
  synced_ = written_;
  return Status::Ok();
}

Result<uint64_t> Wal::Write(uint8_t type, std::span<const uint8_t> payload) {
  std::unique_lock lock(mu_);
  const size_t keep = pending_.size();
  if (type != 0) Frame(type, payload, &pending_);
  if (pending_.empty()) return written_;
  if (segment_size_ > 0 && segment_size_ + pending_.size() > options_.segment_bytes) {
    synced_cv_.wait(lock, [&] { return !syncing_; });
    Status st = SyncLocked();
    if (st.ok()) st = OpenSegment(segment_ + 1);
    if (!st.ok()) {
      pending_.resize(keep);
      return st;
    }
  }
  size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = ::pwrite(fd_, pending_.data() + done, pending_.size() - done,
                               static_cast<off_t>(segment_size_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      Status st = Errno(fmt::format("WAL write to {}/{}", dir_, SegmentName(segment_)));
      // Cut back to the last whole record so the segment stays readable.
      if (::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
        spdlog::error("WAL: cannot truncate {} after a failed write: {}", SegmentName(segment_),
                      std::strerror(errno));
      }
      pending_.resize(keep);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  segment_size_ += done;
  written_ += done;
  pending_.clear();
  if (pending_.capacity() > (8u << 20)) pending_.shrink_to_fit();
  return written_;
}

Status Wal::WaitDurable(uint64_t position) {
  if (options_.fsync != FsyncPolicy::kAlways) return Status::Ok();
  std::unique_lock lock(mu_);
  while (synced_ < position) {
    if (syncing_) {
      synced_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    const uint64_t target = written_;
    const int fd = fd_;
    lock.unlock();
    const int rc = ::fdatasync(fd);
    const int err = errno;
    lock.lock();
    syncing_ = false;
    if (rc != 0) {
      errno = err;
      Status st = Errno("WAL fsync");
      synced_cv_.notify_all();
      return st;
    }
    synced_ = std::max(synced_, target);
    synced_cv_.notify_all();
  }
  return Status::Ok();
}

Status Wal::Sync() {
  std::unique_lock lock(mu_);
  synced_cv_.wait(lock, [&] { return !syncing_; });
  return SyncLocked();
}

void Wal::SyncLoop() {
  std::unique_lock lock(mu_);
  const auto interval = std::chrono::milliseconds(std::max<int64_t>(1, options_.fsync_interval_ms));
  while (!stop_cv_.wait_for(lock, interval, [&] { return stop_; })) {
    if (synced_ >= written_ || syncing_) continue;
    syncing_ = true;
    const uint64_t target = written_;
    const int fd = fd_;
    lock.unlock();
    const int rc = ::fdatasync(fd);
    lock.lock();
    syncing_ = false;
    if (rc == 0) {
      synced_ = std::max(synced_, target);
    } else {
      spdlog::error("WAL: fsync failed: {}", std::strerror(errno));
    }
    synced_cv_.notify_all();
  }
}

Result<uint64_t> Wal::CutSegment() {
  auto flushed = Flush();
  if (!flushed.ok()) return flushed.status();
  std::unique_lock lock(mu_);
  synced_cv_.wait(lock, [&] { return !syncing_; });
  OTELITE_RETURN_IF_ERROR(SyncLocked());
  OTELITE_RETURN_IF_ERROR(OpenSegment(segment_ + 1));
  return segment_;
}

Status Wal::DeleteSegmentsBefore(uint64_t segment) {
  for (uint64_t n : Segments()) {
    if (n >= segment) break;
    std::error_code ec;
    fs::remove(fs::path(dir_) / SegmentName(n), ec);
    if (ec) {
      return Status::IoError(
          fmt::format("WAL: cannot delete segment {}: {}", SegmentName(n), ec.message()));
    }
  }
  return Status::Ok();
}

Status Wal::ReplayFile(const std::string& file,
                       const std::function<Status(uint8_t, std::span<const uint8_t>)>& fn,
                       WalReplayStats* stats) {
  const fs::path path(file);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("WAL: cannot read {}", path.string()));
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  ++stats->segments;
  size_t pos = 0;
  std::string problem;
  while (pos < data.size()) {
    if (data.size() - pos < kHeaderBytes) {
      problem = "record header cut short";
      break;
    }
    const uint32_t len = GetU32(&data[pos]);
    const uint32_t crc = GetU32(&data[pos + 4]);
    const uint8_t type = data[pos + 8];
    if (data.size() - pos - kHeaderBytes < len) {
      problem = "record cut short";
      break;
    }
    std::span<const uint8_t> payload(&data[pos + kHeaderBytes], len);
    if (RecordCrc(type, payload) != crc) {
      problem = "checksum mismatch";
      break;
    }
    OTELITE_RETURN_IF_ERROR(fn(type, payload));
    ++stats->records;
    stats->bytes += kHeaderBytes + len;
    pos += kHeaderBytes + len;
  }
  if (!problem.empty()) {
    const uint64_t cut = data.size() - pos;
    stats->truncated_bytes += cut;
    std::string warning = fmt::format(
        "WAL file {}: {} at offset {}; truncated {} bytes (a torn write from a crash, or "
        "corruption)",
        path.string(), problem, pos, cut);
    spdlog::warn("{}", warning);
    stats->warnings.push_back(std::move(warning));
    std::error_code ec;
    fs::resize_file(path, pos, ec);
    if (ec) spdlog::error("WAL: cannot truncate {}: {}", path.string(), ec.message());
  }
  return Status::Ok();
}

Status Wal::Replay(uint64_t first_segment,
                   const std::function<Status(uint8_t, std::span<const uint8_t>)>& fn,
                   WalReplayStats* stats) {
  uint64_t current = 0;
  {
    std::lock_guard lock(mu_);
    current = segment_;
  }
  for (uint64_t n : Segments()) {
    if (n < first_segment || n >= current) continue;
    OTELITE_RETURN_IF_ERROR(ReplayFile((fs::path(dir_) / SegmentName(n)).string(), fn, stats));
  }
  return Status::Ok();
}

std::pair<uint64_t, std::string> Wal::LatestCheckpoint() const {
  std::pair<uint64_t, std::string> best{0, ""};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    uint64_t n = 0;
    if (name.rfind("checkpoint.", 0) == 0 && ParseSegmentName(name.substr(11), &n) &&
        n >= best.first) {
      best = {n, entry.path().string()};
    }
  }
  return best;
}

Status Wal::WriteCheckpoint(
    uint64_t n,
    const std::function<void(const std::function<void(uint8_t, std::span<const uint8_t>)>&)>&
        records) {
  const std::string final_path = (fs::path(dir_) / ("checkpoint." + SegmentName(n))).string();
  const std::string tmp_path = final_path + ".tmp";
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("WAL checkpoint " + tmp_path);
  std::vector<uint8_t> buf;
  Status st;
  auto flush = [&] {
    size_t done = 0;
    while (st.ok() && done < buf.size()) {
      const ssize_t w = ::write(fd, buf.data() + done, buf.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        st = Errno("WAL checkpoint write");
        break;
      }
      done += static_cast<size_t>(w);
    }
    buf.clear();
  };
  records([&](uint8_t type, std::span<const uint8_t> payload) {
    Frame(type, payload, &buf);
    if (buf.size() >= (1u << 20)) flush();
  });
  flush();
  if (st.ok() && ::fsync(fd) != 0) st = Errno("WAL checkpoint fsync");
  ::close(fd);
  std::error_code ec;
  if (!st.ok()) {
    fs::remove(tmp_path, ec);
    return st;
  }
  fs::rename(tmp_path, final_path, ec);
  if (ec) return Status::IoError(fmt::format("WAL checkpoint rename: {}", ec.message()));
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  // Everything the checkpoint covers can go.
  OTELITE_RETURN_IF_ERROR(DeleteSegmentsBefore(n + 1));
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    uint64_t m = 0;
    if (name.rfind("checkpoint.", 0) != 0) continue;
    const std::string rest = name.substr(11);
    if ((ParseSegmentName(rest, &m) && m < n) || rest.ends_with(".tmp")) {
      fs::remove(entry.path(), ec);
    }
  }
  return Status::Ok();
}

}  // namespace otelite::tsdb
