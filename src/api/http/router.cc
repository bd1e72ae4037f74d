#include "api/http/router.h"

#include "core/go_text.h"

namespace otelite::api {

void Router::Handle(http::verb method, std::string path, Handler handler) {
  entries_.push_back({method, std::move(path), std::move(handler), nullptr, nullptr});
}

void Router::HandleStream(http::verb method, std::string path, StreamHandler handler) {
  entries_.push_back({method, std::move(path), nullptr, std::move(handler), nullptr});
}

void Router::HandleWebSocket(std::string path, WebSocketHandler handler) {
  entries_.push_back({http::verb::get, std::move(path), nullptr, nullptr, std::move(handler)});
}

namespace {

// Exact match, or segment by segment where a pattern segment "*" matches any non-empty one.
bool PathMatches(std::string_view pattern, std::string_view path) {
  if (pattern.find('*') == std::string_view::npos) return pattern == path;
  while (true) {
    const size_t ps = pattern.find('/');
    const size_t qs = path.find('/');
    const std::string_view p = pattern.substr(0, ps);
    const std::string_view q = path.substr(0, qs);
    if (p == "*" ? q.empty() : p != q) return false;
    if (ps == std::string_view::npos || qs == std::string_view::npos) {
      return ps == std::string_view::npos && qs == std::string_view::npos;
    }
    pattern.remove_prefix(ps + 1);
    path.remove_prefix(qs + 1);
  }
}

}  // namespace

void Router::Route(const Request& request, const Handler** handler, const StreamHandler** stream,
                   const WebSocketHandler** websocket, Response* response) const {
  *handler = nullptr;
  *stream = nullptr;
  *websocket = nullptr;
  std::string_view path = TargetPath(ToStd(request.target()));
  std::string allow;
  for (const auto& e : entries_) {
    if (!PathMatches(e.path, path)) continue;
    if (e.method == request.method() ||
        (request.method() == http::verb::head && e.method == http::verb::get && e.handler)) {
      if (e.handler) {
        *handler = &e.handler;
      } else if (e.stream) {
        *stream = &e.stream;
      } else {
        *websocket = &e.websocket;
      }
      return;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(ToStd(http::to_string(e.method)));
  }
  if (!allow.empty()) {
    *response = TextResponse(request, http::status::method_not_allowed, "405 method not allowed\n");
    response->set(http::field::allow, allow);
    return;
  }
  if (fallback_ && (request.method() == http::verb::get || request.method() == http::verb::head)) {
    *handler = &fallback_;
    return;
  }
  *response = TextResponse(request, http::status::not_found, "404 page not found\n");
}

void Router::Route(const Request& request, const Handler** handler, const StreamHandler** stream,
                   Response* response) const {
  const WebSocketHandler* websocket = nullptr;
  Route(request, handler, stream, &websocket, response);
  if (websocket != nullptr) {
    *response = TextResponse(request, http::status::upgrade_required, "426 upgrade required\n");
  }
}

std::string_view TargetPath(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

namespace {

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigitValue(s[i + 1]) >= 0 &&
               HexDigitValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigitValue(s[i + 1]) * 16 + HexDigitValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> FormPairs(std::string_view form) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!form.empty()) {
    size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace_back(FormDecode(pair.substr(0, eq)),
                       eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    form.remove_prefix(amp + 1);
  }
  return out;
}

std::vector<std::string> FormValues(std::string_view form, std::string_view name) {
  std::vector<std::string> out;
  for (auto& [key, value] : FormPairs(form)) {
    if (key == name) out.push_back(std::move(value));
  }
  return out;
}

std::vector<std::string> QueryValues(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  return FormValues(target.substr(q + 1), name);
}

Response TextResponse(const Request& request, http::status status, std::string body,
                      std::string_view content_type) {
  Response response(status, request.version());
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace otelite::api
