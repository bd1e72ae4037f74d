#include "server/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <functional>
#include <list>
#include <mutex>

#include "server/websocket_connection.h"

namespace otelite::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

struct HttpServer::Impl {
  const api::Router* router;
  HttpServerOptions options;
  std::string name;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::list<std::weak_ptr<Session>> sessions;
  // Threads of streaming handlers and WebSocket sessions; finished ones are joined when the
  // next one starts, the rest at Stop.
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers;
  std::atomic<int> streams{0};

  void Accept();
  void SpawnWorker(std::function<void()> body);
};

void HttpServer::Impl::SpawnWorker(std::function<void()> body) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mu);
  std::erase_if(workers, [](Worker& w) {
    if (!w.done->load()) return false;
    w.thread.join();  // its body has returned: this only waits for the thread's exit
    return true;
  });
  workers.push_back({std::thread([body = std::move(body), done] {
                       body();
                       done->store(true);
                     }),
                     done});
}

// Sends a streaming response on a socket from a dedicated thread, with blocking writes.
class SocketChunkSink : public api::ChunkSink {
 public:
  SocketChunkSink(tcp::socket& socket, unsigned version, const std::atomic<bool>& stopping)
      : socket_(socket), version_(version), stopping_(stopping) {}
  bool Start(std::string_view content_type) override {
    http::response<http::empty_body> head(http::status::ok, version_);
    head.set(http::field::content_type,
             beast::string_view(content_type.data(), content_type.size()));
    head.set(http::field::cache_control, "no-cache");
    head.chunked(true);
    http::response_serializer<http::empty_body> sr(head);
    beast::error_code ec;
    http::write_header(socket_, sr, ec);
    return !ec;
  }
  bool Write(std::string_view chunk) override {
    if (stopping_) return false;
    beast::error_code ec;
    asio::write(socket_, http::make_chunk(asio::buffer(chunk.data(), chunk.size())), ec);
    return !ec;
  }
  bool Stopping() const override { return stopping_; }
  void Finish() {
    beast::error_code ec;
    asio::write(socket_, http::make_chunk_last(), ec);
  }

 private:
  tcp::socket& socket_;
  unsigned version_;
  const std::atomic<bool>& stopping_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), executor_(stream_.get_executor()), server_(server) {}

  void Run() { Read(); }
  // Closes the connection if it is waiting for a request (shutdown of idle keep-alives).
  void CloseIfIdle() {
    asio::post(executor_, [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void Read() {
    // Beast reads at most the buffer's free capacity at a time (512 bytes when it is full): a
    // 300 KB OTLP body in 1 KB reads spent most of the server's time in asio's per-read work
    // (timer, strand, syscall). 64 KB is what one read can take.
    if (buffer_.capacity() < kReadChunk) buffer_.reserve(kReadChunk);
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(server_->options.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return Close();
    }
    if (ec) {
      // Malformed request: answer what went wrong, then close.
      http::status status = ec == http::error::body_limit ? http::status::payload_too_large
                                                          : http::status::bad_request;
      std::string message = ec == http::error::body_limit
                                ? fmt::format("request body exceeds the limit of {} bytes\n",
                                              server_->options.max_body_bytes)
                                : fmt::format("malformed HTTP request: {}\n", ec.message());
      api::Request dummy;
      dummy.version(11);
      response_ = api::TextResponse(dummy, status, std::move(message));
      response_.keep_alive(false);
      linger_ = true;
      return Write();
    }
    busy_ = true;
    api::Request request = parser_->release();
    {
      beast::error_code peer_ec;
      tcp::endpoint peer = stream_.socket().remote_endpoint(peer_ec);
      request.set(
          boost::beast::string_view(api::kPeerAddressHeader.data(), api::kPeerAddressHeader.size()),
          peer_ec ? std::string() : peer.address().to_string());
    }
    const api::Handler* handler;
    const api::StreamHandler* stream;
    const api::WebSocketHandler* websocket;
    server_->router->Route(request, &handler, &stream, &websocket, &response_);
    if (stream != nullptr) return Stream(std::move(request), stream);
    if (websocket != nullptr) {
      server_->in_flight.fetch_add(1);
      api::WebSocketAccept accept = (*websocket)(request);
      server_->in_flight.fetch_sub(1);
      if (accept.refuse) {
        response_ = std::move(*accept.refuse);
      } else if (!beast::websocket::is_upgrade(request)) {
        // What Loki's WebSocket library answers a plain HTTP request.
        response_ = api::TextResponse(request, http::status::bad_request,
                                      "Bad Request\nwebsocket: the client is not using the "
                                      "websocket protocol: 'upgrade' token not found in "
                                      "'Connection' header\n");
      } else if (server_->stopping) {
        response_ = api::TextResponse(request, http::status::service_unavailable,
                                      "server is shutting down\n");
      } else {
        return Upgrade(std::move(request), std::move(accept.session));
      }
    } else if (handler != nullptr) {
      server_->in_flight.fetch_add(1);
      response_ = (*handler)(request);
      server_->in_flight.fetch_sub(1);
    }
    response_.set(http::field::server, "otelite");
    if (server_->stopping) response_.keep_alive(false);
    if (request.method() == http::verb::head) response_.body().clear();
    Write();
  }

  void Write() {
    stream_.expires_after(server_->options.read_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->busy_ = false;
                        if (!ec && self->linger_) return self->Linger();
                        if (ec || !self->response_.keep_alive() || self->server_->stopping) {
                          return self->Close();
                        }
                        self->response_ = {};
                        self->Read();
                      });
  }

  void Stream(api::Request request, const api::StreamHandler* handler) {
    stream_.expires_never();
    auto self = shared_from_this();
    server_->streams.fetch_add(1);
    server_->SpawnWorker([self, request = std::move(request), handler] {
      tcp::socket& socket = self->stream_.socket();
      SocketChunkSink sink(socket, request.version(), self->server_->stopping);
      (*handler)(request, sink);
      sink.Finish();
      beast::error_code ec;
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
      self->server_->streams.fetch_sub(1);
    });
  }

  // Hands the connection over to a WebSocket session; this Session stays busy (never reused).
  void Upgrade(api::Request request, api::WebSocketSession session) {
    WebSocketContext context;
    context.stopping = &server_->stopping;
    context.active = &server_->streams;
    HttpServer::Impl* server = server_;
    context.spawn = [server](std::function<void()> body) { server->SpawnWorker(std::move(body)); };
    StartWebSocket(std::move(stream_), std::move(request), std::move(session), std::move(context));
  }

  // After an early error response (the client may still be sending a large body): stop
  // sending, then read and discard what the client still sends for a while, so that it gets
  // to read our response instead of a connection reset.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(5));
    Drain();
  }
  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (256u << 20)) return self->stream_.close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::tcp_stream::executor_type
      executor_;  // stream_'s strand (stream_ is moved away by an upgrade)
  HttpServer::Impl* server_;
  static constexpr size_t kReadChunk = 64 << 10;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  api::Response response_;
  bool busy_ = false;
  bool linger_ = false;
  size_t drained_ = 0;
  std::array<char, 16384> drain_;
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping) return;
      spdlog::warn("{}: accept failed: {}", name, ec.message());
    } else {
      auto session = std::make_shared<Session>(std::move(socket), this);
      {
        std::lock_guard lock(mu);
        std::erase_if(sessions, [](const std::weak_ptr<Session>& w) { return w.expired(); });
        sessions.push_back(session);
      }
      session->Run();
    }
    if (!stopping) Accept();
  });
}

HttpServer::HttpServer(std::string name, const api::Router* router, HttpServerOptions options)
    : name_(std::move(name)), impl_(std::make_unique<Impl>()) {
  impl_->router = router;
  impl_->options = options;
  impl_->name = name_;
}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

Status HttpServer::Listen(const std::string& address, int port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) {
    return Status::InvalidArgument(
        fmt::format("{}: '{}' is not an IP address: {}", name_, address, ec.message()));
  }
  tcp::endpoint endpoint(addr, static_cast<unsigned short>(port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("{}: cannot listen on {}:{}: {}", name_, address, port, ec.message()));
  }
  port_ = acceptor.local_endpoint().port();
  return Status::Ok();
}

void HttpServer::Start() {
  impl_->Accept();
  int n = std::max(1, impl_->options.threads);
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void HttpServer::Stop(std::chrono::milliseconds grace) {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  {
    std::lock_guard lock(impl_->mu);
    for (auto& w : impl_->sessions) {
      if (auto s = w.lock()) s->CloseIfIdle();
    }
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while ((impl_->in_flight > 0 || impl_->streams > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Give finished responses a moment to be written, then stop the loop.
  auto write_deadline =
      std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
  while (std::chrono::steady_clock::now() < write_deadline && !impl_->ioc.stopped()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  std::vector<Impl::Worker> workers;
  {
    std::lock_guard lock(impl_->mu);
    workers.swap(impl_->workers);
  }
  for (auto& w : workers) {
    if (w.thread.joinable()) w.thread.join();
  }
}

}  // namespace otelite::server
