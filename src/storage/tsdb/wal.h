// Write-ahead log: numbered segment files of checksummed records. Writers buffer records and
// Flush them with one write(2); once Flush returns, the bytes are in the kernel and survive
// kill -9. fsync (survival of power loss) follows the policy: after every flush (group commit:
// concurrent writers share one fsync), on an interval from a background thread, or never.
//
// Record framing: u32 payload length, u32 CRC-32 (zlib) of type+payload, u8 type, payload.
// Replay reads every segment in order; a record whose frame is cut short or whose checksum
// fails ends that segment: the file is truncated there with a warning (a torn tail after a
// crash), and replay goes on with the next segment.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace otelite::tsdb {

enum class FsyncPolicy { kAlways, kInterval, kNever };

Result<FsyncPolicy> ParseFsyncPolicy(const std::string& text);  // "always", "interval", "never"

struct WalOptions {
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ms = 1000;
  uint64_t segment_bytes = 128ULL << 20;
};

struct WalReplayStats {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t segments = 0;
  uint64_t truncated_bytes = 0;  // torn or corrupt tails cut off
  std::vector<std::string> warnings;
};

class Wal {
 public:
  static constexpr size_t kHeaderBytes = 9;

  ~Wal();
  // Opens (creating) the directory. Existing segments are kept for Replay; new records go to
  // a new segment after the last one.
  static Result<std::unique_ptr<Wal>> Open(const std::string& dir, const WalOptions& options);

  // Calls `fn(type, payload)` for every intact record of segments >= first_segment, oldest
  // first. Truncates torn tails. An error from `fn` stops the replay and is returned.
  Status Replay(uint64_t first_segment,
                const std::function<Status(uint8_t type, std::span<const uint8_t>)>& fn,
                WalReplayStats* stats);

  // Adds a record to the pending buffer (written by the next Write or Flush). Thread-safe.
  void Buffer(uint8_t type, std::span<const uint8_t> payload);
  // Writes everything pending, then this record, with one write; returns the log position
  // after it (for WaitDurable). On failure the file is cut back to the last whole record, the
  // pending records are kept for the next attempt and this record is dropped (the caller
  // reports the failure and applies nothing).
  Result<uint64_t> Write(uint8_t type, std::span<const uint8_t> payload);
  Result<uint64_t> Flush() { return Write(0, {}); }
  // Blocks until `position` is fsynced under the kAlways policy; returns at once otherwise.
  Status WaitDurable(uint64_t position);
  // fsyncs everything written so far (used at shutdown and before checkpoints).
  Status Sync();

  // Replays one file of framed records (a segment or a checkpoint); see Replay.
  static Status ReplayFile(const std::string& path,
                           const std::function<Status(uint8_t, std::span<const uint8_t>)>& fn,
                           WalReplayStats* stats);

  // Checkpoints: a file `checkpoint.<n>` holding the state as of the end of segment n, so that
  // segments <= n can go. `records` are framed like segment records.
  // Writes it atomically (temporary file, fsync, rename), then deletes segments <= n and
  // older checkpoints.
  Status WriteCheckpoint(
      uint64_t n,
      const std::function<void(const std::function<void(uint8_t, std::span<const uint8_t>)>&)>&
          records);
  // The newest checkpoint: its number and path; number 0 and empty path when there is none.
  std::pair<uint64_t, std::string> LatestCheckpoint() const;

  // Closes the current segment and starts a new one; returns the new segment's number.
  Result<uint64_t> CutSegment();
  // Deletes segments numbered below `segment` (after a checkpoint covered them).
  Status DeleteSegmentsBefore(uint64_t segment);
  // Segment numbers present on disk, ascending.
  std::vector<uint64_t> Segments() const;
  uint64_t current_segment() const;
  // Bytes in all segment files.
  uint64_t SizeBytes() const;
  const std::string& dir() const { return dir_; }

  static std::string SegmentName(uint64_t n);

 private:
  Wal(std::string dir, WalOptions options) : dir_(std::move(dir)), options_(options) {}
  Status OpenSegment(uint64_t n);  // mu_ held
  static void Frame(uint8_t type, std::span<const uint8_t> payload, std::vector<uint8_t>* out);
  Status SyncLocked();  // mu_ held
  void SyncLoop();

  std::string dir_;
  WalOptions options_;
  mutable std::mutex mu_;
  std::vector<uint8_t> pending_;
  int fd_ = -1;
  uint64_t segment_ = 0;
  uint64_t segment_size_ = 0;
  uint64_t written_ = 0;  // logical position: bytes written since open
  uint64_t synced_ = 0;
  bool syncing_ = false;
  std::condition_variable synced_cv_;
  Status sync_error_;
  bool stop_ = false;
  std::condition_variable stop_cv_;
  std::thread sync_thread_;
};

}  // namespace otelite::tsdb
