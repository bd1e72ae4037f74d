// The UI's listener (:3001): login and sessions, the single-page app's files, and the JSON API
// the app uses (docs/ui.md). Every /api/ route except /api/health needs a signed-in user (a
// session cookie or Basic credentials) when login is on; writes need the Admin role.
#pragma once

#include <functional>

#include "api/http/router.h"
#include "api/ui/auth.h"
#include "api/ui/static_files.h"

namespace otelite::api::ui {

// Handlers of protected routes see who is asking.
using UserHandler = std::function<Response(const Request&, const Principal&)>;

// Wraps a handler so that it runs only for a signed-in user with at least `role`: 401
// {"message":"Unauthorized"} otherwise, 403 {"message":"Permission denied"} for a Viewer on an
// Admin route.
Handler Protect(Auth* auth, Role role, UserHandler handler);

// JSON responses of the UI's API.
Response JsonResponse(const Request& request, http::status status, std::string body);
// {"message": text}
Response MessageResponse(const Request& request, http::status status, std::string_view message);

struct UiApi {
  Auth* auth = nullptr;                // required
  const StaticFiles* files = nullptr;  // required
};

// Registers /login, /logout, /api/user, /api/health and the app's files (the router's fallback:
// /assets/… files or 404, /api/… 404 JSON, any other GET path the app's index.html). Both
// objects must outlive the router.
void RegisterUiApi(const UiApi& ui, Router* router);

}  // namespace otelite::api::ui
