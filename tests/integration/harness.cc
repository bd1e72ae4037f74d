#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

// clang-format off: Boost 1.74's asio needs <utility> first (it uses std::exchange).
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <gtest/gtest.h>

namespace otelite::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

int FreePort() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::string SelfScrapeRemoteWriteConfig(const OteliteProcess& p,
                                        const std::string& remote_write_extra) {
  return "global:\n  scrape_interval: 1s\n"
         "scrape_configs:\n  - job_name: otelite-self\n    static_configs:\n"
         "      - targets: ['127.0.0.1:" +
         std::to_string(p.exporter_port()) +
         "']\n"
         "remote_write:\n  - url: http://127.0.0.1:" +
         std::to_string(p.prometheus_port()) +
         "/api/v1/write\n    queue_config:\n      batch_send_deadline: 1s\n" + remote_write_extra;
}

rapidjson::Document ParseJson(const HttpResult& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.body;
  return d;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SharedDir() {
  std::string dir = OTELITE_SHARED_DIR;
  return std::filesystem::is_directory(dir + "/fixtures") ? dir : "";
}

HttpResult HttpCall(int port, const std::string& method, const std::string& target,
                    const std::string& body, const std::map<std::string, std::string>& headers) {
  HttpResult result;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 30);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    result.status = res.result_int();
    result.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(c));
      result.headers[name] = std::string(f.value());
    }
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

std::unique_ptr<OteliteProcess> OteliteProcess::Start(const std::vector<std::string>& extra_args,
                                                      std::string* error,
                                                      const std::string& data_dir) {
  // A free port can be taken by another test process between FreePort() and otelite's bind:
  // such a start is retried on other ports.
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto p = StartOnce(extra_args, &last_error, data_dir);
    if (p != nullptr) return p;
    if (last_error.find("cannot listen") == std::string::npos &&
        last_error.find("Address already in use") == std::string::npos) {
      break;
    }
  }
  if (error) *error = last_error;
  return nullptr;
}

std::unique_ptr<OteliteProcess> OteliteProcess::StartOnce(
    const std::vector<std::string>& extra_args, std::string* error, const std::string& data_dir) {
  auto p = std::unique_ptr<OteliteProcess>(new OteliteProcess());
  p->grpc_port_ = FreePort();
  p->http_port_ = FreePort();
  p->exporter_port_ = FreePort();
  p->prometheus_port_ = FreePort();
  p->loki_port_ = FreePort();
  p->ui_port_ = FreePort();
  char tmpl[] = "/tmp/otelite-test-XXXXXX";
  p->owned_dir_ = mkdtemp(tmpl);
  p->data_dir_ = data_dir.empty() ? p->owned_dir_ + "/data" : data_dir;
  p->stderr_path_ = p->owned_dir_ + "/stderr";
  std::vector<std::string> args = {OTELITE_BINARY,
                                   "serve",
                                   "--listen",
                                   "127.0.0.1",
                                   "--data",
                                   p->data_dir_,
                                   "--otlp.grpc.port",
                                   std::to_string(p->grpc_port_),
                                   "--otlp.http.port",
                                   std::to_string(p->http_port_),
                                   "--exporter.port",
                                   std::to_string(p->exporter_port_),
                                   "--prometheus.port",
                                   std::to_string(p->prometheus_port_),
                                   "--loki.port",
                                   std::to_string(p->loki_port_),
                                   "--ui.port",
                                   std::to_string(p->ui_port_)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(p->stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    dup2(fd, 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  p->pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      if (error) *error = "otelite exited early: " + p->Stderr();
      return nullptr;
    }
    if (HttpCall(p->exporter_port_, "GET", "/metrics").status == 200) return p;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (error) *error = "otelite did not get ready in 10 s: " + p->Stderr();
  return nullptr;
}

OteliteProcess::~OteliteProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(owned_dir_, ec);
}

int OteliteProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

std::string OteliteProcess::Stderr() const { return ReadFile(stderr_path_); }

std::string OteliteProcess::Scrape(const std::string& accept) const {
  std::map<std::string, std::string> headers;
  if (!accept.empty()) headers["Accept"] = accept;
  return HttpCall(exporter_port_, "GET", "/metrics", "", headers).body;
}

namespace {

// Starts argv with its standard output (and standard error when `with_stderr`) going to a new
// temporary file, whose path is stored in *output_path.
pid_t Spawn(const std::vector<std::string>& argv_in, bool with_stderr, std::string* output_path) {
  char tmpl[] = "/tmp/otelite-cmd-XXXXXX";
  int fd = mkstemp(tmpl);
  *output_path = tmpl;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 1);
    if (with_stderr) dup2(fd, 2);
    std::vector<std::string> args = argv_in;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(fd);
  return pid;
}

}  // namespace

BackgroundCommand::BackgroundCommand(const std::vector<std::string>& argv) {
  pid_ = Spawn(argv, /*with_stderr=*/false, &path_);
}

BackgroundCommand::~BackgroundCommand() {
  Stop();
  unlink(path_.c_str());
}

std::string BackgroundCommand::WaitFor(const std::function<bool(const std::string&)>& done,
                                       int timeout_ms) const {
  std::string output = Output();
  for (int waited = 0; !done(output) && waited < timeout_ms; waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    output = Output();
  }
  return output;
}

void BackgroundCommand::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int RunCommand(const std::vector<std::string>& argv, std::string* output, int timeout_seconds) {
  std::string path;
  pid_t pid = Spawn(argv, /*with_stderr=*/true, &path);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (output) *output = ReadFile(path);
  unlink(path.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

}  // namespace otelite::testing
