#include "ingest/admission.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "core/units.h"

namespace otelite {

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->inflight_.fetch_sub(bytes_, std::memory_order_relaxed);
    owner_ = other.owner_;
    bytes_ = other.bytes_;
    other.owner_ = nullptr;
  }
  return *this;
}

Admission::Ticket::~Ticket() {
  if (owner_ != nullptr) owner_->inflight_.fetch_sub(bytes_, std::memory_order_relaxed);
}

uint64_t Admission::ResidentBytes() {
  int64_t now = NowUnixMillis();
  int64_t last = rss_sampled_at_ms_.load(std::memory_order_relaxed);
  if (now - last >= 100 &&
      rss_sampled_at_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      unsigned long size = 0, resident = 0;
      if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
        rss_.store(static_cast<uint64_t>(resident) * sysconf(_SC_PAGESIZE),
                   std::memory_order_relaxed);
      }
      std::fclose(f);
    }
  }
  return rss_.load(std::memory_order_relaxed);
}

Result<Admission::Ticket> Admission::Admit(uint64_t bytes) {
  uint64_t before = inflight_.fetch_add(bytes, std::memory_order_relaxed);
  // A single request larger than the whole budget is still admitted when nothing else is in
  // flight (the body limit bounds it), so the limit can never wedge ingest.
  if (before > 0 && before + bytes > max_inflight_) {
    inflight_.fetch_sub(bytes, std::memory_order_relaxed);
    refused_.fetch_add(1, std::memory_order_relaxed);
    return Status::ResourceExhausted(fmt::format(
        "server busy: {} bytes of requests in flight (limit {}); retry after {}s", before,
        max_inflight_, kRetryAfterSeconds));
  }
  uint64_t rss = ResidentBytes();
  if (memory_limit_ > 0 && rss > memory_limit_) {
    inflight_.fetch_sub(bytes, std::memory_order_relaxed);
    refused_.fetch_add(1, std::memory_order_relaxed);
    return Status::ResourceExhausted(
        fmt::format("server over its memory limit ({} of {} bytes resident); retry after {}s",
                    rss, memory_limit_, kRetryAfterSeconds));
  }
  return Ticket(this, bytes);
}

}  // namespace otelite
