#include "api/ui/auth.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"

namespace otelite::api::ui {
namespace {

using Outcome = Auth::LoginResult::Outcome;

std::string Basic(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return "Basic " + out;
}

std::unique_ptr<Auth> OpenAuth(AuthOptions options, std::string* generated = nullptr) {
  std::string ignored;
  auto auth = Auth::Open(std::move(options), generated ? generated : &ignored);
  EXPECT_TRUE(auth.ok()) << auth.status().message();
  return auth.ok() ? std::move(*auth) : nullptr;
}

TEST(UiAuth, OffMeansEveryoneIsTheAdminAndNothingIsStored) {
  testing::TempDir dir;
  auto auth = OpenAuth({.enabled = false, .data_dir = dir.str()});
  auto who = auth->Authenticate("", "", "10.0.0.1");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user, "admin");
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_FALSE(std::filesystem::exists(dir.str() + "/ui/users"));
}

TEST(UiAuth, LoginWithTheConfiguredPasswordGivesASession) {
  testing::TempDir dir;
  auto auth = OpenAuth({.enabled = true, .data_dir = dir.str(), .admin_password = "s3cret!"});
  EXPECT_FALSE(auth->Authenticate("", "", "c"));
  EXPECT_EQ(auth->Login("admin", "wrong", "c").outcome, Outcome::kInvalid);
  EXPECT_EQ(auth->Login("nobody", "s3cret!", "c").outcome, Outcome::kInvalid);
  Auth::LoginResult r = auth->Login("admin", "s3cret!", "c");
  ASSERT_EQ(r.outcome, Outcome::kOk);
  EXPECT_GE(r.token.size(), 40u);
  auto who = auth->Authenticate("a=b; otelite_session=" + r.token + "; c=d", "", "c");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user, "admin");
  EXPECT_EQ(who->role, Role::kAdmin);
  // Another token is no session; logout ends this one.
  EXPECT_FALSE(auth->Authenticate("otelite_session=" + r.token + "x", "", "c"));
  auth->Logout(r.token);
  EXPECT_FALSE(auth->Authenticate("otelite_session=" + r.token, "", "c"));
}

TEST(UiAuth, BasicCredentialsWorkForScripts) {
  auto auth = OpenAuth({.enabled = true, .admin_password = "pw", .viewer_password = "look"});
  auto admin = auth->Authenticate("", Basic("admin", "pw"), "c");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->role, Role::kAdmin);
  auto viewer = auth->Authenticate("", Basic("viewer", "look"), "c");
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->user, "viewer");
  EXPECT_EQ(viewer->role, Role::kViewer);
  EXPECT_FALSE(auth->Authenticate("", Basic("admin", "look"), "c"));
  EXPECT_FALSE(auth->Authenticate("", "Basic !!!notbase64", "c"));
  EXPECT_FALSE(auth->Authenticate("", "Bearer abc", "c"));
}

TEST(UiAuth, FailedLoginsAreLimitedPerUserAndClient) {
  auto auth = OpenAuth({.enabled = true,
                        .admin_password = "pw",
                        .max_failures = 5,
                        .failure_window = std::chrono::seconds(300)});
  auto t0 = Auth::Clock::now();
  auto now = t0;
  auth->SetClockForTest([&] { return now; });
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth->Login("admin", "guess", "1.2.3.4").outcome, Outcome::kInvalid) << i;
    now += std::chrono::seconds(10);
  }
  // The sixth try is refused even with the right password, and says for how long.
  Auth::LoginResult limited = auth->Login("admin", "pw", "1.2.3.4");
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_GT(limited.retry_after_seconds, 200);
  EXPECT_LE(limited.retry_after_seconds, 301);
  // Basic credentials from that client are refused too.
  EXPECT_FALSE(auth->Authenticate("", Basic("admin", "pw"), "1.2.3.4"));
  // Another client is not affected.
  EXPECT_EQ(auth->Login("admin", "pw", "5.6.7.8").outcome, Outcome::kOk);
  // Once the first failure is older than the window, one more try is allowed.
  now = t0 + std::chrono::seconds(301);
  EXPECT_EQ(auth->Login("admin", "pw", "1.2.3.4").outcome, Outcome::kOk);
}

TEST(UiAuth, SessionsExpireWhenIdleAndAfterTheirMaximumLifetime) {
  auto auth = OpenAuth({.enabled = true,
                        .admin_password = "pw",
                        .session_idle = std::chrono::seconds(100),
                        .session_max = std::chrono::seconds(250)});
  auto now = Auth::Clock::now();
  auth->SetClockForTest([&] { return now; });
  std::string cookie = "otelite_session=" + auth->Login("admin", "pw", "c").token;
  for (int i = 0; i < 2; ++i) {
    now += std::chrono::seconds(99);  // used before it idles out: stays valid
    EXPECT_TRUE(auth->Authenticate(cookie, "", "c")) << i;
  }
  now += std::chrono::seconds(99);  // 297 s after login: past the maximum
  EXPECT_FALSE(auth->Authenticate(cookie, "", "c"));

  std::string idle = "otelite_session=" + auth->Login("admin", "pw", "c").token;
  now += std::chrono::seconds(100);
  EXPECT_FALSE(auth->Authenticate(idle, "", "c"));
}

TEST(UiAuth, UsersFileKeepsOnlyHashesAndGeneratesThePasswordOnce) {
  testing::TempDir dir;
  std::string generated;
  {
    auto auth = OpenAuth({.enabled = true, .data_dir = dir.str()}, &generated);
    ASSERT_EQ(generated.size(), 20u);
    EXPECT_EQ(auth->Login("admin", generated, "c").outcome, Outcome::kOk);
  }
  const std::string file = dir.str() + "/ui/users";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find(generated), std::string::npos);
  EXPECT_NE(text.str().find("admin Admin $argon2id$"), std::string::npos) << text.str();
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  // A second start uses the stored hash: nothing generated, the old password still works.
  std::string again;
  auto auth = OpenAuth({.enabled = true, .data_dir = dir.str()}, &again);
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(auth->Login("admin", generated, "c").outcome, Outcome::kOk);

  // A configured password replaces it; a viewer appears and disappears with its password.
  auth = OpenAuth(
      {.enabled = true, .data_dir = dir.str(), .admin_password = "new", .viewer_password = "v"});
  EXPECT_EQ(auth->Login("admin", generated, "c").outcome, Outcome::kInvalid);
  EXPECT_EQ(auth->Login("viewer", "v", "c").outcome, Outcome::kOk);
  auth = OpenAuth({.enabled = true, .data_dir = dir.str()});
  EXPECT_EQ(auth->Login("admin", "new", "c").outcome, Outcome::kOk);
  EXPECT_EQ(auth->Login("viewer", "v", "c").outcome, Outcome::kInvalid);
}

TEST(UiAuth, ACorruptUsersFileIsAnErrorNamingTheLine) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.str() + "/ui");
  std::ofstream(dir.str() + "/ui/users") << "admin Admin $argon2id$x\nbroken line\n";
  std::string generated;
  auto auth = Auth::Open({.enabled = true, .data_dir = dir.str()}, &generated);
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("users:2"), std::string::npos) << auth.status().message();
}

TEST(UiAuth, GeneratedPasswordsDiffer) {
  std::string a = GeneratePassword(20), b = GeneratePassword(20);
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
            std::string::npos);
}

}  // namespace
}  // namespace otelite::api::ui
