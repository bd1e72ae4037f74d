// The two ways a body reaches otelite: OTLP/gRPC (one channel per connection, the serialized
// message sent as-is through a generic stub) and OTLP/HTTP (one keep-alive Boost.Beast
// connection). Each sender is used by one thread.
#pragma once

#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "google/rpc/status.pb.h"
#include "payload.h"

namespace otelite::load {

// What the server answered to one send.
struct Ack {
  bool ok = false;         // 200 / OK: the request was taken
  bool retryable = false;  // 429, 502-504 / RESOURCE_EXHAUSTED, UNAVAILABLE: send again later
  int code = 0;            // HTTP status, or gRPC status code; -1 for a transport failure
  int64_t rejected = 0;    // partial_success rejected count (when ok)
  int64_t wire_bytes = 0;  // bytes written for this send (HTTP: header + body; gRPC: frame)
  std::string error;       // message when !ok, or partial_success error_message
};

inline const char* GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    default:
      return "gRPC error";
  }
}

class Sender {
 public:
  virtual ~Sender() = default;
  // Sends `body` (already gzip-compressed when the sender was made with gzip for HTTP).
  virtual Ack Send(const std::string& body) = 0;
};

template <typename Response>
int64_t RejectedOf(const Response& r);
template <>
inline int64_t RejectedOf(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse& r) {
  return r.partial_success().rejected_data_points();
}
template <>
inline int64_t RejectedOf(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse& r) {
  return r.partial_success().rejected_log_records();
}

template <typename Response>
void ReadPartialSuccess(std::string_view bytes, bool json, Ack* ack) {
  Response response;
  bool parsed;
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    parsed =
        bytes.empty() ||
        google::protobuf::util::JsonStringToMessage(std::string(bytes), &response, options).ok();
  } else {
    parsed = response.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  }
  if (!parsed) {
    ack->error = "unparsable response body";
    return;
  }
  ack->rejected = RejectedOf(response);
  ack->error = response.partial_success().error_message();
}

class HttpSender final : public Sender {
 public:
  HttpSender(std::string host, int port, Signal signal, bool json, bool gzip)
      : host_(std::move(host)), port_(port), signal_(signal) {
    request_.method(boost::beast::http::verb::post);
    request_.target(signal == Signal::kMetrics ? "/v1/metrics" : "/v1/logs");
    request_.version(11);
    request_.set(boost::beast::http::field::host, fmt::format("{}:{}", host_, port_));
    request_.set(boost::beast::http::field::user_agent, "otelite-otlp-load");
    request_.set(boost::beast::http::field::content_type,
                 json ? "application/json" : "application/x-protobuf");
    if (gzip) request_.set(boost::beast::http::field::content_encoding, "gzip");
  }

  Ack Send(const std::string& body) override {
    namespace http = boost::beast::http;
    Ack ack;
    boost::system::error_code ec;
    if (!socket_.is_open()) {
      Connect(&ec);
      if (ec) return TransportError("connect", ec);
    }
    request_.body() = boost::beast::span<const char>(body.data(), body.size());
    request_.prepare_payload();
    ack.wire_bytes = static_cast<int64_t>(http::write(socket_, request_, ec));
    if (ec) return TransportError("write", ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(socket_, buffer_, parser, ec);
    if (ec) return TransportError("read", ec);
    auto& response = parser.get();
    ack.code = static_cast<int>(response.result_int());
    if (!response.keep_alive()) Close();
    if (ack.code == 200) {
      ack.ok = true;
      const auto content_type = response[http::field::content_type];
      const bool json_response = std::string_view(content_type.data(), content_type.size())
                                     .starts_with("application/json");
      if (signal_ == Signal::kMetrics) {
        ReadPartialSuccess<
            opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse>(
            response.body(), json_response, &ack);
      } else {
        ReadPartialSuccess<opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse>(
            response.body(), json_response, &ack);
      }
      return ack;
    }
    ack.retryable = ack.code == 429 || ack.code == 502 || ack.code == 503 || ack.code == 504;
    // OTLP/HTTP error bodies are a google.rpc.Status in the request's encoding.
    google::rpc::Status status;
    const auto content_type = response[http::field::content_type];
    if (content_type.starts_with("application/x-protobuf") &&
        status.ParseFromString(response.body())) {
      ack.error = status.message();
    } else {
      ack.error = response.body().substr(0, 300);
    }
    return ack;
  }

 private:
  void Connect(boost::system::error_code* ec) {
    boost::asio::ip::tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), *ec);
    if (*ec) return;
    boost::asio::connect(socket_, endpoints, *ec);
    if (*ec) return;
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), *ec);
    buffer_.clear();
  }

  void Close() {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Ack TransportError(std::string_view what, const boost::system::error_code& ec) {
    Close();
    Ack ack;
    ack.code = -1;
    ack.retryable = true;  // a closed keep-alive connection: reconnect and send again
    ack.error = fmt::format("{}: {}", what, ec.message());
    return ack;
  }

  std::string host_;
  int port_;
  Signal signal_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::span_body<const char>> request_;
};

class GrpcSender final : public Sender {
 public:
  // `connection` makes the channel's arguments unique, so channels don't share a subchannel
  // (and with it one HTTP/2 connection).
  GrpcSender(const std::string& host, int port, int connection, Signal signal, bool gzip)
      : signal_(signal),
        gzip_(gzip),
        method_(signal == Signal::kMetrics
                    ? "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
                    : "/opentelemetry.proto.collector.logs.v1.LogsService/Export") {
    grpc::ChannelArguments args;
    args.SetInt("otelite.load.connection", connection);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(fmt::format("{}:{}", host, port),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ~GrpcSender() override {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  bool WaitForConnected(std::chrono::seconds timeout) {
    return channel_->WaitForConnected(std::chrono::system_clock::now() + timeout);
  }

  Ack Send(const std::string& body) override {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (gzip_) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    // The body outlives the call (the caller rewrites it only after Send returns).
    grpc::Slice slice(body.data(), body.size(), grpc::Slice::STATIC_SLICE);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    auto call = stub_->PrepareUnaryCall(&context, method_, request, &queue_);
    call->StartCall();
    call->Finish(&response, &status, this);
    void* tag = nullptr;
    bool ok = false;
    queue_.Next(&tag, &ok);
    Ack ack;
    ack.wire_bytes = static_cast<int64_t>(body.size()) + 5;
    ack.code = static_cast<int>(status.error_code());
    if (!status.ok()) {
      ack.retryable = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                      status.error_code() == grpc::StatusCode::UNAVAILABLE;
      ack.error = fmt::format("{}: {}", GrpcCodeName(status.error_code()), status.error_message());
      return ack;
    }
    ack.ok = true;
    grpc::Slice whole;
    if (!response.Valid() || response.Length() == 0) return ack;  // empty message
    if (!response.DumpToSingleSlice(&whole).ok()) {
      ack.error = "unreadable response";
      return ack;
    }
    std::string_view bytes(reinterpret_cast<const char*>(whole.begin()), whole.size());
    if (signal_ == Signal::kMetrics) {
      ReadPartialSuccess<
          opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse>(bytes, false,
                                                                                      &ack);
    } else {
      ReadPartialSuccess<opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse>(
          bytes, false, &ack);
    }
    return ack;
  }

 private:
  Signal signal_;
  bool gzip_;
  std::string method_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  grpc::CompletionQueue queue_;
};

}  // namespace otelite::load
