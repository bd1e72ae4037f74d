// --spawn: runs `otelite serve` on free loopback ports with a throwaway data directory, waits
// until its /metrics answers, and stops it with SIGTERM. Also reads what the process cost:
// peak RSS (VmHWM), CPU time, and the warnings/errors it logged.
#pragma once

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace otelite::load {

// GET http://host:port/target; returns the status (0 when the connection failed).
inline int HttpGet(const std::string& host, int port, const std::string& target,
                   std::string* body) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  boost::asio::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return 0;
  boost::asio::connect(socket, endpoints, ec);
  if (ec) return 0;
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, fmt::format("{}:{}", host, port));
  request.set(http::field::connection, "close");
  http::write(socket, request, ec);
  if (ec) return 0;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ULL << 30);
  http::read(socket, buffer, parser, ec);
  if (ec) return 0;
  if (body != nullptr) *body = std::move(parser.get().body());
  return static_cast<int>(parser.get().result_int());
}

// The value of an unlabelled sample `name` in a Prometheus text exposition, or -1.
inline double ScrapeValue(const std::string& exposition, const std::string& name) {
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ' ') {
      return std::strtod(line.c_str() + name.size() + 1, nullptr);
    }
  }
  return -1;
}

class SpawnedServer {
 public:
  SpawnedServer(const std::string& binary, const std::vector<std::string>& extra_args) {
    char dir_template[] = "/tmp/otelite-load-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    log_path_ = dir_ + "/otelite.log";
    std::vector<int> ports = FreePorts(3);
    grpc_port_ = ports[0];
    http_port_ = ports[1];
    exporter_port_ = ports[2];
    std::vector<std::string> args = {binary,
                                     "serve",
                                     "--listen",
                                     "127.0.0.1",
                                     "--otlp.grpc.port",
                                     std::to_string(grpc_port_),
                                     "--otlp.http.port",
                                     std::to_string(http_port_),
                                     "--exporter.port",
                                     std::to_string(exporter_port_),
                                     "--prometheus.port",
                                     "0",
                                     "--loki.port",
                                     "0",
                                     "--ui.port",
                                     "0",
                                     "--data",
                                     dir_ + "/data"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the driver
      int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (HttpGet("127.0.0.1", exporter_port_, "/metrics", nullptr) != 200) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(
            fmt::format("otelite exited before it was ready; its log:\n{}", ReadLog()));
      }
      if (std::chrono::steady_clock::now() > deadline) {
        Stop();
        throw std::runtime_error("otelite did not answer /metrics within 20 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  ~SpawnedServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  SpawnedServer(const SpawnedServer&) = delete;
  SpawnedServer& operator=(const SpawnedServer&) = delete;

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  int exporter_port() const { return exporter_port_; }
  pid_t pid() const { return pid_; }

  // A "Vm...:" field of /proc/<pid>/status in bytes (VmHWM = peak RSS, VmRSS), or -1.
  int64_t StatusBytes(const std::string& field) const {
    std::ifstream in(fmt::format("/proc/{}/status", pid_));
    std::string line;
    while (std::getline(in, line)) {
      if (line.compare(0, field.size() + 1, field + ":") == 0) {
        return std::strtoll(line.c_str() + field.size() + 1, nullptr, 10) * 1024;
      }
    }
    return -1;
  }

  // User + system CPU seconds the server has used so far.
  double CpuSeconds() const {
    std::ifstream in(fmt::format("/proc/{}/stat", pid_));
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; fields >> field && i <= 15; ++i) {
      if (i == 14 || i == 15) ticks += std::strtod(field.c_str(), nullptr);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  // SIGTERM, then SIGKILL after 20 s. Returns the exit code (-1 if killed or not running).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 2000; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

  std::string ReadLog() const {
    std::ifstream in(log_path_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Lines the server logged at warn level or above.
  std::vector<std::string> Problems() const {
    std::vector<std::string> out;
    std::istringstream in(ReadLog());
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(" warn") != std::string::npos || line.find(" error") != std::string::npos ||
          line.find(" critical") != std::string::npos) {
        out.push_back(line.substr(0, 300));
      }
    }
    return out;
  }

 private:
  // Ports the kernel hands out for port 0, held open together so they are distinct.
  static std::vector<int> FreePorts(int count) {
    std::vector<int> fds, ports;
    for (int i = 0; i < count; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof(addr);
      if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
          getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) close(fd);
        for (int open_fd : fds) close(open_fd);
        throw std::runtime_error("cannot find a free port");
      }
      fds.push_back(fd);
      ports.push_back(ntohs(addr.sin_port));
    }
    for (int fd : fds) close(fd);
    return ports;
  }

  std::string dir_;
  std::string log_path_;
  int grpc_port_ = 0, http_port_ = 0, exporter_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace otelite::load
