// Login for the UI on :3001 (docs/ui.md "Access"): users with argon2id password hashes
// (libsodium), sessions as random cookie tokens, HTTP Basic credentials for scripts, and a limit
// on failed logins per user and client address.
//
// Users: `admin` (role Admin) always; `viewer` (role Viewer) when a viewer password is
// configured. Hashes live in `<data>/ui/users`, one line per user: `<name> <role> <hash>`. The
// admin password is the configured one, else the stored hash, else one generated at the first
// start with login on and returned once by Open() so that the caller prints it.
//
// Sessions are kept in memory: a restart logs everyone out. A session ends after
// `session_idle` without requests or `session_max` after login, whichever comes first.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace otelite::api::ui {

enum class Role { kViewer, kAdmin };
const char* RoleName(Role role);  // "Viewer", "Admin"

struct Principal {
  std::string user;
  Role role = Role::kViewer;
};

struct AuthOptions {
  // Whether requests need a session or credentials; off: everyone is the admin.
  bool enabled = false;
  std::string data_dir{};         // users file in <data_dir>/ui/users; empty: memory only (tests)
  std::string admin_password{};   // empty: the stored hash, else generated
  std::string viewer_password{};  // empty: no viewer user
  std::chrono::seconds session_idle{7 * 24 * 3600};
  std::chrono::seconds session_max{30 * 24 * 3600};
  int max_failures = 5;  // failed logins per user and client within `failure_window`
  std::chrono::seconds failure_window{300};
};

class Auth {
 public:
  using Clock = std::chrono::steady_clock;

  // Loads or creates the users file. When login is on and no admin password exists yet, one is
  // generated: *generated_password receives it (print it once); otherwise it is left empty.
  static Result<std::unique_ptr<Auth>> Open(AuthOptions options, std::string* generated_password);

  bool enabled() const { return options_.enabled; }

  struct LoginResult {
    enum class Outcome { kOk, kInvalid, kRateLimited } outcome = Outcome::kInvalid;
    std::string token;            // kOk: the session cookie's value
    int retry_after_seconds = 0;  // kRateLimited
  };
  LoginResult Login(std::string_view user, std::string_view password,
                    std::string_view client_address);
  void Logout(std::string_view token);

  // Who sent a request: the session of `cookie_header` (a Cookie header), else valid Basic
  // credentials of `authorization_header`; nullopt when neither. With login off, the admin.
  // Failed Basic credentials count as failed logins (and are refused while rate-limited).
  std::optional<Principal> Authenticate(std::string_view cookie_header,
                                        std::string_view authorization_header,
                                        std::string_view client_address);

  static constexpr std::string_view kCookieName = "otelite_session";

  // For tests: a clock to move time.
  void SetClockForTest(std::function<Clock::time_point()> now) { now_ = std::move(now); }

 private:
  explicit Auth(AuthOptions options);
  struct User {
    Role role;
    std::string hash;
  };
  struct Session {
    Principal principal;
    Clock::time_point created;
    Clock::time_point last_used;
  };
  bool Verify(std::string_view user, std::string_view password) const;
  // Seconds until the (user, client) may try again; 0 when allowed.
  int RetryAfterLocked(const std::string& key, Clock::time_point now);
  Status SaveUsersLocked() const;

  AuthOptions options_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;
};

// Generates a random password of `length` URL-safe characters (libsodium's randombytes).
std::string GeneratePassword(size_t length);

}  // namespace otelite::api::ui
