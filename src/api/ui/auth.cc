#include "api/ui/auth.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/file_util.h"

namespace otelite::api::ui {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUsersFile = "ui/users";

Result<std::string> HashPassword(std::string_view password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("cannot hash the password (out of memory)");
  }
  return std::string(hash);
}

bool CheckPassword(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// Sessions are found by a hash of their token, so that lookups do not time the token itself.
std::string TokenKey(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

// The value of cookie `name` in a Cookie header ("a=1; otelite_session=x").
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

// user and password of "Basic base64(user:password)".
bool ParseBasic(std::string_view header, std::string* user, std::string* password) {
  constexpr std::string_view kScheme = "Basic ";
  if (header.size() <= kScheme.size() || header.substr(0, kScheme.size()) != kScheme) {
    return false;
  }
  std::string_view encoded = header.substr(kScheme.size());
  if (encoded.size() > 4096) return false;
  std::string decoded(encoded.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  decoded.resize(length);
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  *user = decoded.substr(0, colon);
  *password = decoded.substr(colon + 1);
  return true;
}

}  // namespace

const char* RoleName(Role role) { return role == Role::kAdmin ? "Admin" : "Viewer"; }

std::string GeneratePassword(size_t length) {
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  out.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return out;
}

Auth::Auth(AuthOptions options) : options_(std::move(options)), now_([] { return Clock::now(); }) {}

Result<std::unique_ptr<Auth>> Auth::Open(AuthOptions options, std::string* generated_password) {
  generated_password->clear();
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  std::unique_ptr<Auth> auth(new Auth(std::move(options)));
  const AuthOptions& o = auth->options_;
  if (!o.enabled) return auth;  // nobody logs in: no users needed

  fs::path file = o.data_dir.empty() ? fs::path() : fs::path(o.data_dir) / kUsersFile;
  if (!file.empty() && fs::exists(file)) {
    std::ifstream in(file);
    if (!in) return Status::IoError(fmt::format("cannot read {}", file.string()));
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      std::istringstream fields(line);
      std::string name, role, hash;
      if (!(fields >> name >> role >> hash) || (role != "Admin" && role != "Viewer")) {
        return Status::InvalidArgument(fmt::format(
            "{}:{}: expected `<user> Admin|Viewer <argon2id hash>`", file.string(), number));
      }
      auth->users_[name] = {role == "Admin" ? Role::kAdmin : Role::kViewer, hash};
    }
  }
  bool changed = false;
  auto set_password = [&](const std::string& name, Role role,
                          const std::string& password) -> Status {
    auto it = auth->users_.find(name);
    // Re-hash only when the configured password is not the stored one.
    if (it != auth->users_.end() && it->second.role == role &&
        CheckPassword(it->second.hash, password)) {
      return Status::Ok();
    }
    auto hash = HashPassword(password);
    if (!hash.ok()) return hash.status();
    auth->users_[name] = {role, *hash};
    changed = true;
    return Status::Ok();
  };
  if (!o.admin_password.empty()) {
    if (Status s = set_password("admin", Role::kAdmin, o.admin_password); !s.ok()) return s;
  } else if (!auth->users_.contains("admin")) {
    *generated_password = GeneratePassword(20);
    if (Status s = set_password("admin", Role::kAdmin, *generated_password); !s.ok()) return s;
  }
  if (!o.viewer_password.empty()) {
    if (Status s = set_password("viewer", Role::kViewer, o.viewer_password); !s.ok()) return s;
  } else if (auth->users_.erase("viewer") > 0) {
    changed = true;  // no viewer password configured any more: no viewer
  }
  if (changed) {
    if (Status s = auth->SaveUsersLocked(); !s.ok()) return s;
  }
  return auth;
}

Status Auth::SaveUsersLocked() const {
  if (options_.data_dir.empty()) return Status::Ok();
  fs::path file = fs::path(options_.data_dir) / kUsersFile;
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) {
    return Status::IoError(
        fmt::format("cannot create {}: {}", file.parent_path().string(), ec.message()));
  }
  std::string text;
  for (const auto& [name, user] : users_) {
    text += fmt::format("{} {} {}\n", name, RoleName(user.role), user.hash);
  }
  // Only the owner may read the hashes.
  return WriteFileAtomically(file.string(), text, 0600);
}

bool Auth::Verify(std::string_view user, std::string_view password) const {
  auto it = users_.find(user);
  if (it == users_.end()) {
    // Spend the same time as a real check, so that timing does not reveal user names.
    static const std::string kDummy = [] {
      auto hash = HashPassword("otelite-dummy");
      return hash.ok() ? *hash : std::string();
    }();
    CheckPassword(kDummy, password);
    return false;
  }
  return CheckPassword(it->second.hash, password);
}

int Auth::RetryAfterLocked(const std::string& key, Clock::time_point now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= options_.failure_window) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(times.size()) < options_.max_failures) return 0;
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(times.front() +
                                                               options_.failure_window - now);
  return std::max<int>(1, static_cast<int>(wait.count()) + 1);
}

Auth::LoginResult Auth::Login(std::string_view user, std::string_view password,
                              std::string_view client_address) {
  LoginResult result;
  const std::string key = fmt::format("{}\n{}", user, client_address);
  {
    std::lock_guard lock(mu_);
    if (int wait = RetryAfterLocked(key, now_()); wait > 0) {
      result.outcome = LoginResult::Outcome::kRateLimited;
      result.retry_after_seconds = wait;
      return result;
    }
  }
  // The hash check is slow on purpose (argon2id): not under the lock.
  bool ok = options_.enabled && Verify(user, password);
  std::lock_guard lock(mu_);
  const auto now = now_();
  if (!ok) {
    failures_[key].push_back(now);
    result.outcome = LoginResult::Outcome::kInvalid;
    return result;
  }
  failures_.erase(key);
  result.outcome = LoginResult::Outcome::kOk;
  result.token = RandomToken();
  sessions_[TokenKey(result.token)] = {
      {std::string(user), users_.at(std::string(user)).role}, now, now};
  // Forget expired sessions now and then (here: at each login).
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    bool expired = now - it->second.last_used >= options_.session_idle ||
                   now - it->second.created >= options_.session_max;
    it = expired ? sessions_.erase(it) : std::next(it);
  }
  return result;
}

void Auth::Logout(std::string_view token) {
  if (token.empty()) return;
  std::lock_guard lock(mu_);
  sessions_.erase(TokenKey(token));
}

std::optional<Principal> Auth::Authenticate(std::string_view cookie_header,
                                            std::string_view authorization_header,
                                            std::string_view client_address) {
  if (!options_.enabled) return Principal{"admin", Role::kAdmin};
  if (std::string_view token = CookieValue(cookie_header, kCookieName); !token.empty()) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(TokenKey(token));
    if (it != sessions_.end()) {
      const auto now = now_();
      Session& s = it->second;
      if (now - s.last_used < options_.session_idle && now - s.created < options_.session_max) {
        s.last_used = now;
        return s.principal;
      }
      sessions_.erase(it);
    }
  }
  std::string user, password;
  if (!authorization_header.empty() && ParseBasic(authorization_header, &user, &password)) {
    const std::string key = fmt::format("{}\n{}", user, client_address);
    {
      std::lock_guard lock(mu_);
      if (RetryAfterLocked(key, now_()) > 0) return std::nullopt;
    }
    bool ok = Verify(user, password);
    std::lock_guard lock(mu_);
    if (!ok) {
      failures_[key].push_back(now_());
      return std::nullopt;
    }
    failures_.erase(key);
    return Principal{user, users_.at(user).role};
  }
  return std::nullopt;
}

}  // namespace otelite::api::ui
