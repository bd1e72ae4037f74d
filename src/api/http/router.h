// HTTP routing for every otelite listener. Handlers see Boost.Beast requests and return
// responses; streaming handlers (tail) write chunks until the client goes away; WebSocket
// handlers (Loki's live tail) first check the request, then talk over the upgraded connection
// until they are done or the client goes away. Paths are
// matched exactly, segment "*" of a pattern matching any one non-empty segment
// ("/api/v1/label/*/values"); unknown paths get Go's "404 page not found" (what the collector
// answers), a known path with the wrong method 405 with an Allow header.
#pragma once

#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace otelite::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Where a streaming handler writes. Write returns false once the client is gone or the
// server is stopping; the handler should then return.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Sends the response head (status 200, chunked). Must be called once before Write.
  virtual bool Start(std::string_view content_type) = 0;
  virtual bool Write(std::string_view chunk) = 0;
  virtual bool Stopping() const = 0;
};

// An upgraded WebSocket connection as its handler sees it. Thread-safe: the handler runs on a
// thread of its own while the server reads the client's frames (answering pings and the close
// handshake) on its listener threads.
class WebSocketConnection {
 public:
  static constexpr uint16_t kCloseNormal = 1000;
  static constexpr uint16_t kCloseGoingAway = 1001;
  static constexpr uint16_t kCloseInternalError = 1011;

  virtual ~WebSocketConnection() = default;
  // Queues one text message. Waits while more than a few messages are still unsent (a slow
  // client slows its handler, nothing else); false once the client is gone or the server is
  // stopping.
  virtual bool SendText(std::string_view message) = 0;
  // Starts the close handshake (after the queued messages) with a status code and reason.
  virtual void Close(uint16_t code, std::string_view reason) = 0;
  // Whether the connection is closed or failing (client gone, close handshake done).
  virtual bool Closed() const = 0;
  // Whether the server is stopping: the handler should return soon.
  virtual bool Stopping() const = 0;
};

using Handler = std::function<Response(const Request&)>;
using StreamHandler = std::function<void(const Request&, ChunkSink&)>;
using WebSocketSession = std::function<void(WebSocketConnection&)>;

// What a WebSocket handler decides from the request, before any upgrade: either a response to
// answer instead (an error; the connection is not upgraded), or the session to run after the
// upgrade, on a thread of its own. The session object is destroyed when the connection ends,
// also when the upgrade fails before it ran.
struct WebSocketAccept {
  std::optional<Response> refuse;
  WebSocketSession session;
};
using WebSocketHandler = std::function<WebSocketAccept(const Request&)>;

class Router {
 public:
  void Handle(http::verb method, std::string path, Handler handler);
  void HandleStream(http::verb method, std::string path, StreamHandler handler);
  // A GET route that upgrades to a WebSocket. A request without the WebSocket upgrade headers
  // gets 400 after the handler accepted it (errors in its parameters come first, as in Loki).
  void HandleWebSocket(std::string path, WebSocketHandler handler);
  // Answers GET and HEAD requests whose path no route matches (the UI's single-page app
  // serves its client-side routes this way); without one they get 404.
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // Finds the route for a request: exactly one of *handler / *stream / *websocket is set on
  // return, or *response holds a 404/405.
  void Route(const Request& request, const Handler** handler, const StreamHandler** stream,
             const WebSocketHandler** websocket, Response* response) const;
  // The same for callers that serve no WebSocket routes (those answer 426 Upgrade Required).
  void Route(const Request& request, const Handler** handler, const StreamHandler** stream,
             Response* response) const;

 private:
  struct Entry {
    http::verb method;
    std::string path;
    Handler handler;
    StreamHandler stream;
    WebSocketHandler websocket;
  };
  std::vector<Entry> entries_;
  Handler fallback_;
};

// The HTTP server sets this header on every request to the client's address ("127.0.0.1",
// "::1"), replacing any the client sent, so that handlers can rate-limit by client.
inline constexpr std::string_view kPeerAddressHeader = "X-Otelite-Peer-Address";

// Beast (Boost 1.74) hands out boost::string_view; the rest of otelite uses std's.
inline std::string_view ToStd(boost::beast::string_view s) { return {s.data(), s.size()}; }

// The path of a request target without its query string.
std::string_view TargetPath(std::string_view target);
// The (percent-decoded) values of a query parameter, in order.
std::vector<std::string> QueryValues(std::string_view target, std::string_view name);
// The same for an application/x-www-form-urlencoded string (a query string or a POST body).
std::vector<std::string> FormValues(std::string_view form, std::string_view name);
// Every (name, value) of such a string, decoded, in order.
std::vector<std::pair<std::string, std::string>> FormPairs(std::string_view form);

Response TextResponse(const Request& request, http::status status, std::string body,
                      std::string_view content_type = "text/plain; charset=utf-8");

}  // namespace otelite::api
