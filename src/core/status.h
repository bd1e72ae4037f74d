// Status and Result<T>: errors as values. No exception crosses a module boundary.
// A Status carries a code (what kind of failure, mapped to HTTP/gRPC in api/ only) and a
// message that names the offending input.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace otelite {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // malformed or invalid input (HTTP 400, gRPC INVALID_ARGUMENT)
  kTooLarge,           // body or value over a limit (HTTP 413)
  kUnsupportedMedia,   // wrong content type or encoding (HTTP 415)
  kResourceExhausted,  // backpressure: retry later (HTTP 429, gRPC RESOURCE_EXHAUSTED)
  kUnavailable,        // shutting down or dependency down (HTTP 503, gRPC UNAVAILABLE)
  kNotFound,
  kUnimplemented,
  kFailedPrecondition,
  kIoError,
  kInternal,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status UnsupportedMedia(std::string m) { return {StatusCode::kUnsupportedMedia, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: <message>", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace otelite

#define OTELITE_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::otelite::Status _st = (expr);          \
    if (!_st.ok()) return _st;               \
  } while (0)
