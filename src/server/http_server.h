// One HTTP/1.1 listener (Boost.Beast, asynchronous, keep-alive) serving a Router.
// Requests are read with a body limit (413 above it) and a read timeout; handlers run on the
// listener's worker threads; streaming handlers and WebSocket sessions (websocket_connection.h)
// get a thread of their own. Stop() stops accepting, closes idle connections, lets in-flight
// requests, streams and WebSocket sessions finish within a grace period (sessions see
// Stopping() and end with a close handshake).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/http/router.h"
#include "core/status.h"

namespace otelite::server {

struct HttpServerOptions {
  size_t max_body_bytes = 16 << 20;
  std::chrono::seconds read_timeout{60};  // also the keep-alive idle timeout
  int threads = 2;
};

class HttpServer {
 public:
  // `name` appears in errors and logs ("otlp-http"). The router must outlive the server.
  HttpServer(std::string name, const api::Router* router, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Errors name the listener and address: "otlp-http: cannot listen on
  // 127.0.0.1:4318: Address already in use".
  Status Listen(const std::string& address, int port);
  int port() const { return port_; }
  void Start();
  void Stop(std::chrono::milliseconds grace);

  struct Impl;

 private:
  std::string name_;
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otelite::server
