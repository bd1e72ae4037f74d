#include "server/websocket_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace otelite::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Messages queued beyond the one being written before SendText waits.
constexpr size_t kMaxQueuedMessages = 4;
// Largest message a client may send us (Loki's clients send none).
constexpr size_t kMaxClientMessageBytes = 64 * 1024;
// How long the handler's thread waits for the close handshake before cutting the connection.
constexpr auto kCloseWait = std::chrono::seconds(1);
// How often waiting threads look at the server's stopping flag.
constexpr auto kPollInterval = std::chrono::milliseconds(100);

class Connection : public api::WebSocketConnection,
                   public std::enable_shared_from_this<Connection> {
 public:
  Connection(beast::tcp_stream stream, api::Request request, api::WebSocketSession session,
             WebSocketContext context)
      : ws_(std::move(stream)),
        request_(std::move(request)),
        session_(std::move(session)),
        context_(std::move(context)) {}

  void Start() {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timers
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = std::chrono::seconds(30);
    // Dead clients: no frame for 20 s brings a ping, 20 s more without an answer closes.
    timeout.idle_timeout = std::chrono::seconds(20);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(beast::http::field::server, "otelite");
    }));
    ws_.read_message_max(kMaxClientMessageBytes);
    ws_.async_accept(request_,
                     [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
  }

  bool SendText(std::string_view message) override {
    std::unique_lock lock(mu_);
    while (!closed_ && !close_requested_ && outbox_.size() >= kMaxQueuedMessages) {
      if (Stopping()) return false;
      cv_.wait_for(lock, kPollInterval);
    }
    if (closed_ || close_requested_ || Stopping()) return false;
    outbox_.emplace_back(message);
    KickLocked();
    return true;
  }

  void Close(uint16_t code, std::string_view reason) override {
    std::lock_guard lock(mu_);
    if (closed_ || close_requested_) return;
    close_requested_ = true;
    // A close frame's reason is at most 123 bytes.
    reason = reason.substr(0, 123);
    close_reason_.code = code;
    close_reason_.reason.assign(reason.data(), reason.size());
    KickLocked();
  }

  bool Closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }

  bool Stopping() const override { return context_.stopping->load(); }

 private:
  void OnAccept(beast::error_code ec) {
    request_ = {};
    if (ec) {
      spdlog::debug("websocket: upgrade failed: {}", ec.message());
      MarkClosed();
      return;  // the session never runs; releasing it releases what it holds
    }
    Read();
    context_.active->fetch_add(1);
    context_.spawn([self = shared_from_this()] { self->RunSession(); });
  }

  void RunSession() {
    api::WebSocketSession session = std::move(session_);
    session(*this);
    session = nullptr;
    Close(kCloseNormal, "");
    // Wait for the close handshake (bounded: the loop may already be stopped), then cut.
    {
      std::unique_lock lock(mu_);
      const auto deadline = std::chrono::steady_clock::now() + kCloseWait;
      while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        cv_.wait_for(lock, kPollInterval);
      }
    }
    if (!Closed()) {
      asio::post(ws_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().close(ignored);
        self->MarkClosed();
      });
    }
    context_.active->fetch_sub(1);
  }

  // Reads (and drops) the client's messages; the stream answers pings and close frames itself.
  void Read() {
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->MarkClosed();
        return;
      }
      self->read_buffer_.consume(self->read_buffer_.size());
      self->Read();
    });
  }

  // Starts the writer on the strand unless it runs. Requires mu_.
  void KickLocked() {
    if (writing_) return;
    writing_ = true;
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->WriteNext(); });
  }

  // On the strand: writes the next queued message, or sends the close frame once the queue is
  // empty and a close was asked for.
  void WriteNext() {
    bool close = false;
    {
      std::lock_guard lock(mu_);
      if (closed_) {
        writing_ = false;
        return;
      }
      if (outbox_.empty()) {
        if (!close_requested_ || close_sent_) {
          writing_ = false;
          return;
        }
        close_sent_ = true;
        close = true;
      } else {
        current_ = std::move(outbox_.front());
        outbox_.pop_front();
        cv_.notify_all();
      }
    }
    if (close) {
      ws_.async_close(close_reason_,
                      [self = shared_from_this()](beast::error_code) { self->MarkClosed(); });
      return;
    }
    ws_.text(true);
    ws_.async_write(asio::buffer(current_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec) {
                        self->MarkClosed();
                        return;
                      }
                      self->WriteNext();
                    });
  }

  void MarkClosed() {
    std::lock_guard lock(mu_);
    closed_ = true;
    outbox_.clear();
    cv_.notify_all();
  }

  websocket::stream<beast::tcp_stream> ws_;
  api::Request request_;
  api::WebSocketSession session_;
  WebSocketContext context_;
  beast::flat_buffer read_buffer_;
  std::string current_;  // the message being written (strand only)
  websocket::close_reason close_reason_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> outbox_;
  bool writing_ = false;  // a write or the close is scheduled or in progress
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool closed_ = false;
};

}  // namespace

void StartWebSocket(beast::tcp_stream stream, api::Request request, api::WebSocketSession session,
                    WebSocketContext context) {
  std::make_shared<Connection>(std::move(stream), std::move(request), std::move(session),
                               std::move(context))
      ->Start();
}

}  // namespace otelite::server
