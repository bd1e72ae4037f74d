#include "api/ui/ui_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

namespace otelite::api::ui {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string_view Header(const Request& request, std::string_view name) {
  return ToStd(request[boost::beast::string_view(name.data(), name.size())]);
}

std::string_view Peer(const Request& request) { return Header(request, kPeerAddressHeader); }

std::string SessionCookie(std::string_view token, int max_age_seconds) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict", Auth::kCookieName,
                     token, max_age_seconds);
}

std::string_view CookieToken(const Request& request) {
  std::string_view header = ToStd(request[http::field::cookie]);
  std::string prefix = std::string(Auth::kCookieName) + "=";
  size_t pos = header.find(prefix);
  if (pos == std::string_view::npos) return {};
  std::string_view rest = header.substr(pos + prefix.size());
  return rest.substr(0, rest.find(';'));
}

// {"user": …, "password": …} (JSON), or the same as a form.
bool ReadCredentials(const Request& request, std::string* user, std::string* password,
                     std::string* error) {
  std::string_view type = ToStd(request[http::field::content_type]);
  if (type.starts_with("application/x-www-form-urlencoded")) {
    auto users = FormValues(request.body(), "user");
    auto passwords = FormValues(request.body(), "password");
    if (users.empty() || passwords.empty()) {
      *error = "form fields \"user\" and \"password\" are required";
      return false;
    }
    *user = users.front();
    *password = passwords.front();
    return true;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (request.body().size() > 64 * 1024 || parser.parse(request.body()).get(doc)) {
    *error = "request body must be JSON: {\"user\": \"…\", \"password\": \"…\"}";
    return false;
  }
  std::string_view u, p;
  if (doc["user"].get_string().get(u) || doc["password"].get_string().get(p)) {
    *error = "\"user\" and \"password\" must be strings";
    return false;
  }
  *user = u;
  *password = p;
  return true;
}

}  // namespace

Response JsonResponse(const Request& request, http::status status, std::string body) {
  Response response = TextResponse(request, status, std::move(body), "application/json");
  response.set(http::field::cache_control, "no-store");
  return response;
}

Response MessageResponse(const Request& request, http::status status, std::string_view message) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return JsonResponse(request, status, std::string(buf.GetString(), buf.GetSize()));
}

Handler Protect(Auth* auth, Role role, UserHandler handler) {
  return [auth, role, handler = std::move(handler)](const Request& request) {
    auto who = auth->Authenticate(ToStd(request[http::field::cookie]),
                                  ToStd(request[http::field::authorization]), Peer(request));
    if (!who) return MessageResponse(request, http::status::unauthorized, "Unauthorized");
    if (role == Role::kAdmin && who->role != Role::kAdmin) {
      return MessageResponse(request, http::status::forbidden, "Permission denied");
    }
    return handler(request, *who);
  };
}

void RegisterUiApi(const UiApi& ui, Router* router) {
  Auth* auth = ui.auth;
  const StaticFiles* files = ui.files;

  router->Handle(http::verb::post, "/login", [auth](const Request& request) {
    std::string user, password, error;
    if (!ReadCredentials(request, &user, &password, &error)) {
      return MessageResponse(request, http::status::bad_request, error);
    }
    if (!auth->enabled()) {
      return MessageResponse(request, http::status::ok, "Logged in (login is off)");
    }
    Auth::LoginResult r = auth->Login(user, password, Peer(request));
    switch (r.outcome) {
      case Auth::LoginResult::Outcome::kOk: {
        Response response = MessageResponse(request, http::status::ok, "Logged in");
        response.set(http::field::set_cookie, SessionCookie(r.token, 30 * 24 * 3600));
        return response;
      }
      case Auth::LoginResult::Outcome::kRateLimited: {
        Response response = MessageResponse(
            request, http::status::too_many_requests,
            fmt::format("Too many failed logins; try again in {} s", r.retry_after_seconds));
        response.set(http::field::retry_after, std::to_string(r.retry_after_seconds));
        return response;
      }
      case Auth::LoginResult::Outcome::kInvalid:
        break;
    }
    return MessageResponse(request, http::status::unauthorized, "Invalid username or password");
  });

  // The login page is one of the app's pages.
  router->Handle(http::verb::get, "/login",
                 [files](const Request& request) { return files->Index(request); });

  auto logout = [auth](const Request& request) {
    auth->Logout(CookieToken(request));
    Response response = request.method() == http::verb::get
                            ? TextResponse(request, http::status::found, "")
                            : MessageResponse(request, http::status::ok, "Logged out");
    if (request.method() == http::verb::get) response.set(http::field::location, "/login");
    response.set(http::field::set_cookie, SessionCookie("", 0));
    return response;
  };
  router->Handle(http::verb::post, "/logout", logout);
  router->Handle(http::verb::get, "/logout", logout);

  router->Handle(http::verb::get, "/api/user",
                 Protect(auth, Role::kViewer, [auth](const Request& request, const Principal& p) {
                   rapidjson::StringBuffer buf;
                   JsonWriter w(buf);
                   w.StartObject();
                   w.Key("login");
                   w.String(p.user.c_str());
                   w.Key("role");
                   w.String(RoleName(p.role));
                   w.Key("authEnabled");
                   w.Bool(auth->enabled());
                   w.EndObject();
                   return JsonResponse(request, http::status::ok,
                                       std::string(buf.GetString(), buf.GetSize()));
                 }));

  router->Handle(http::verb::get, "/api/health", [](const Request& request) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("commit");
    w.String("");
    w.Key("database");
    w.String("ok");
    w.Key("version");
    w.String(OTELITE_VERSION);
    w.EndObject();
    return JsonResponse(request, http::status::ok, std::string(buf.GetString(), buf.GetSize()));
  });

  router->SetFallback([files](const Request& request) {
    std::string_view path = TargetPath(ToStd(request.target()));
    if (path.starts_with("/api/")) {
      return MessageResponse(request, http::status::not_found, "Not found");
    }
    if (const EmbeddedFile* file = files->Find(path); file != nullptr && path != "/index.html") {
      return files->Serve(request, *file);
    }
    if (path.starts_with("/assets/")) {
      return TextResponse(request, http::status::not_found, "404 page not found\n");
    }
    return files->Index(request);
  });
}

}  // namespace otelite::api::ui
