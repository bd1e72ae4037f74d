// Admission control for ingest, like the collector's memory_limiter: a request is admitted
// only while the bytes of requests being processed stay under a limit and the process's
// resident memory stays under another. A refused request gets kResourceExhausted with a
// retry hint; the transport maps it to HTTP 429 + Retry-After or gRPC RESOURCE_EXHAUSTED.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/status.h"

namespace otelite {

class Admission {
 public:
  Admission(uint64_t max_inflight_bytes, uint64_t memory_limit_bytes)
      : max_inflight_(max_inflight_bytes), memory_limit_(memory_limit_bytes) {}

  // Holds admitted bytes until destroyed.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Admission* owner, uint64_t bytes) : owner_(owner), bytes_(bytes) {}
    Ticket(Ticket&& other) noexcept : owner_(other.owner_), bytes_(other.bytes_) {
      other.owner_ = nullptr;
    }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    ~Ticket();

   private:
    Admission* owner_ = nullptr;
    uint64_t bytes_ = 0;
  };

  // Admits `bytes` more, or returns kResourceExhausted naming the limit that was hit.
  Result<Ticket> Admit(uint64_t bytes);

  uint64_t inflight_bytes() const { return inflight_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  // Seconds a refused client should wait (the Retry-After value).
  static constexpr int kRetryAfterSeconds = 1;

  // Resident set size of this process in bytes (from /proc/self/statm), sampled at most
  // every 100 ms.
  uint64_t ResidentBytes();

 private:
  uint64_t max_inflight_;
  uint64_t memory_limit_;
  std::atomic<uint64_t> inflight_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> rss_{0};
  std::atomic<int64_t> rss_sampled_at_ms_{0};
};

}  // namespace otelite
