// The UI listener's routes, called through the Router as the HTTP server does (no network):
// login and sessions, role checks, the app's files and client-side routes.
#include "api/ui/ui_api.h"

#include <gtest/gtest.h>

#include <array>

namespace otelite::api::ui {
namespace {

constexpr std::array<EmbeddedFile, 3> kFiles = {{
    {"/assets/app-1a2b.js", "text/javascript; charset=utf-8", "console.log(1)", "GZIPPED-JS",
     "\"js1\""},
    {"/favicon.svg", "image/svg+xml", "<svg/>", "", "\"svg1\""},
    {"/index.html", "text/html; charset=utf-8", "<html>app</html>", "", "\"idx1\""},
}};

class UiApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(true); }
  void Open(bool enabled) {
    std::string generated;
    auto opened = Auth::Open({.enabled = enabled, .admin_password = "pw", .viewer_password = "vpw"},
                             &generated);
    ASSERT_TRUE(opened.ok());
    auth_ = std::move(*opened);
    router_ = Router();
    RegisterUiApi({.auth = auth_.get(), .files = &files_}, &router_);
    router_.Handle(http::verb::post, "/api/admin-only",
                   Protect(auth_.get(), Role::kAdmin, [](const Request& r, const Principal& p) {
                     return TextResponse(r, http::status::ok, p.user);
                   }));
  }

  Response Call(http::verb method, std::string target, std::string body = "",
                std::string cookie = "", std::string content_type = "application/json") {
    Request request(method, target, 11);
    request.set(http::field::host, "localhost");
    if (!cookie.empty()) request.set(http::field::cookie, cookie);
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.set(boost::beast::string_view(kPeerAddressHeader.data(), kPeerAddressHeader.size()),
                "127.0.0.1");
    request.body() = body;
    request.prepare_payload();
    const Handler* handler;
    const StreamHandler* stream;
    Response response;
    router_.Route(request, &handler, &stream, &response);
    if (handler != nullptr) response = (*handler)(request);
    return response;
  }

  // The session cookie of a successful login ("otelite_session=…").
  std::string LoginCookie(std::string user, std::string password) {
    Response r = Call(http::verb::post, "/login",
                      "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    std::string set = std::string(ToStd(r[http::field::set_cookie]));
    EXPECT_NE(set.find("HttpOnly"), std::string::npos);
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
    return set.substr(0, set.find(';'));
  }

  StaticFiles files_{kFiles};
  std::unique_ptr<Auth> auth_;
  Router router_;
};

TEST_F(UiApiTest, ApiNeedsASessionAndTheSessionNamesTheUser) {
  Response anonymous = Call(http::verb::get, "/api/user");
  EXPECT_EQ(anonymous.result(), http::status::unauthorized);
  EXPECT_EQ(anonymous.body(), R"({"message":"Unauthorized"})");

  std::string cookie = LoginCookie("admin", "pw");
  Response me = Call(http::verb::get, "/api/user", "", cookie);
  EXPECT_EQ(me.result(), http::status::ok);
  EXPECT_EQ(me.body(), R"({"login":"admin","role":"Admin","authEnabled":true})");

  Response out = Call(http::verb::post, "/logout", "", cookie);
  EXPECT_EQ(out.result(), http::status::ok);
  EXPECT_NE(std::string(ToStd(out[http::field::set_cookie])).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call(http::verb::get, "/api/user", "", cookie).result(), http::status::unauthorized);
}

TEST_F(UiApiTest, WrongPasswordsAre401ThenRateLimitedWith429) {
  for (int i = 0; i < 5; ++i) {
    Response r = Call(http::verb::post, "/login", R"({"user":"admin","password":"no"})");
    EXPECT_EQ(r.result(), http::status::unauthorized);
    EXPECT_EQ(r.body(), R"({"message":"Invalid username or password"})");
  }
  Response r = Call(http::verb::post, "/login", R"({"user":"admin","password":"pw"})");
  EXPECT_EQ(r.result(), http::status::too_many_requests);
  EXPECT_NE(r.body().find("Too many failed logins; try again in"), std::string::npos);
  EXPECT_FALSE(ToStd(r[http::field::retry_after]).empty());
}

TEST_F(UiApiTest, MalformedLoginBodiesAre400) {
  EXPECT_EQ(Call(http::verb::post, "/login", "{").result(), http::status::bad_request);
  EXPECT_EQ(Call(http::verb::post, "/login", R"({"user":1,"password":"x"})").result(),
            http::status::bad_request);
  // A form works as well.
  Response form = Call(http::verb::post, "/login", "user=admin&password=pw", "",
                       "application/x-www-form-urlencoded");
  EXPECT_EQ(form.result(), http::status::ok);
}

TEST_F(UiApiTest, ViewersCannotUseAdminRoutes) {
  std::string viewer = LoginCookie("viewer", "vpw");
  Response r = Call(http::verb::post, "/api/admin-only", "{}", viewer);
  EXPECT_EQ(r.result(), http::status::forbidden);
  EXPECT_EQ(r.body(), R"({"message":"Permission denied"})");
  std::string admin = LoginCookie("admin", "pw");
  EXPECT_EQ(Call(http::verb::post, "/api/admin-only", "{}", admin).body(), "admin");
}

TEST_F(UiApiTest, HealthNeedsNoLogin) {
  Response r = Call(http::verb::get, "/api/health");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_NE(r.body().find(R"("database":"ok")"), std::string::npos);
}

TEST_F(UiApiTest, WithLoginOffEveryoneIsAdmin) {
  Open(false);
  Response me = Call(http::verb::get, "/api/user");
  EXPECT_EQ(me.body(), R"({"login":"admin","role":"Admin","authEnabled":false})");
  EXPECT_EQ(Call(http::verb::post, "/api/admin-only", "{}").result(), http::status::ok);
}

TEST_F(UiApiTest, ClientRoutesGetTheAppAndAssetsAreImmutable) {
  for (std::string path : {"/", "/d/claude-code-personal/overview?from=now-1h", "/login",
                           "/session/abc", "/explore"}) {
    Response r = Call(http::verb::get, path);
    EXPECT_EQ(r.result(), http::status::ok) << path;
    EXPECT_EQ(r.body(), "<html>app</html>") << path;
    EXPECT_EQ(ToStd(r[http::field::cache_control]), "no-cache") << path;
    EXPECT_EQ(ToStd(r[http::field::content_type]), "text/html; charset=utf-8");
  }
  Response js = Call(http::verb::get, "/assets/app-1a2b.js");
  EXPECT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(js.body(), "console.log(1)");
  EXPECT_EQ(ToStd(js[http::field::cache_control]), "public, max-age=31536000, immutable");
  EXPECT_EQ(Call(http::verb::get, "/assets/missing.js").result(), http::status::not_found);
  EXPECT_EQ(Call(http::verb::get, "/favicon.svg").body(), "<svg/>");
  Response api = Call(http::verb::get, "/api/nothing-here");
  EXPECT_EQ(api.result(), http::status::not_found);
  EXPECT_EQ(api.body(), R"({"message":"Not found"})");
}

TEST(StaticFiles, GzipEtagAndNotModified) {
  StaticFiles files(kFiles);
  const EmbeddedFile* js = files.Find("/assets/app-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(files.Find("/assets/app.js"), nullptr);

  Request plain(http::verb::get, "/assets/app-1a2b.js", 11);
  Response r = files.Serve(plain, *js);
  EXPECT_EQ(r.body(), "console.log(1)");
  EXPECT_TRUE(ToStd(r[http::field::content_encoding]).empty());
  EXPECT_EQ(ToStd(r[http::field::etag]), "\"js1\"");

  Request gz = plain;
  gz.set(http::field::accept_encoding, "br, gzip;q=0.8");
  r = files.Serve(gz, *js);
  EXPECT_EQ(r.body(), "GZIPPED-JS");
  EXPECT_EQ(ToStd(r[http::field::content_encoding]), "gzip");

  Request again = plain;
  again.set(http::field::if_none_match, "\"js1\"");
  r = files.Serve(again, *js);
  EXPECT_EQ(r.result(), http::status::not_modified);
  EXPECT_TRUE(r.body().empty());
}

TEST(StaticFiles, AcceptEncoding) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("deflate;q=1, gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.0, br"));
  EXPECT_FALSE(AcceptsGzip("identity"));
}

}  // namespace
}  // namespace otelite::api::ui
