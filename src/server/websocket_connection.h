// The server side of one upgraded WebSocket connection (RFC 6455, Boost.Beast): the upgrade, the
// client's frames read on the listener's threads (pings and the close handshake answered there,
// data frames ignored), outgoing text messages written from a bounded queue, and the handler's
// session run on a thread of its own, as streaming handlers are.
//
// Lifetime: StartWebSocket takes over the TCP stream; the connection object lives until its
// session has returned and its last asynchronous operation has completed. `active` counts
// running sessions (HttpServer::Stop waits for it); `spawn` runs a session on a thread of the
// server's (which joins it).
#pragma once

#include <atomic>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>

#include "api/http/router.h"

namespace otelite::server {

struct WebSocketContext {
  const std::atomic<bool>* stopping = nullptr;
  std::atomic<int>* active = nullptr;
  std::function<void(std::function<void()>)> spawn;
};

// Must be called on the stream's executor (the connection's strand).
void StartWebSocket(boost::beast::tcp_stream stream, api::Request request,
                    api::WebSocketSession session, WebSocketContext context);

}  // namespace otelite::server
