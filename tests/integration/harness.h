// Test harness: runs the real otelite binary on free ports with a temporary data directory
// and talks to it over real HTTP (Boost.Beast) and gRPC clients.
#pragma once

#include <rapidjson/document.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace otelite::testing {

int FreePort();
std::string ReadFile(const std::string& path);
// Percent-encodes everything but letters, digits and `_.-` (query-string values).
std::string UrlEncode(const std::string& text);
// ../shared (fixtures, conformance) when present, else empty.
std::string SharedDir();

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error, if any
};

// The body as JSON; a test failure (not an abort) when it does not parse.
rapidjson::Document ParseJson(const HttpResult& r);

HttpResult HttpCall(int port, const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});

class OteliteProcess {
 public:
  // Starts `otelite serve` with the given extra flags on free ports; waits until the exporter
  // answers. Returns nullptr (and fills *error) if it exits or does not get ready in 10 s.
  // With `data_dir`, that directory is used (and kept) instead of a fresh temporary one, so a
  // test can restart otelite on the data of an earlier run.
  static std::unique_ptr<OteliteProcess> Start(const std::vector<std::string>& extra_args = {},
                                               std::string* error = nullptr,
                                               const std::string& data_dir = "");
  ~OteliteProcess();

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  int exporter_port() const { return exporter_port_; }
  int prometheus_port() const { return prometheus_port_; }
  int loki_port() const { return loki_port_; }
  int ui_port() const { return ui_port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }

  // Sends `signal`, waits for exit, returns the exit status (or -signal if killed).
  int Stop(int signal = 15);
  std::string Stderr() const;
  // GET /metrics in text format.
  std::string Scrape(const std::string& accept = "") const;

 private:
  static std::unique_ptr<OteliteProcess> StartOnce(const std::vector<std::string>& extra_args,
                                                   std::string* error, const std::string& data_dir);

  pid_t pid_ = -1;
  int grpc_port_ = 0, http_port_ = 0, exporter_port_ = 0, prometheus_port_ = 0, loki_port_ = 0,
      ui_port_ = 0;
  std::string data_dir_;   // what --data points to
  std::string owned_dir_;  // temporary directory removed at exit (empty when given)
  std::string stderr_path_;
};

// A prometheus.yml for Debian's Prometheus that scrapes `p`'s exporter every second and
// remote-writes everything to `p`'s :9090 (batches sent within a second); `remote_write_extra`
// adds lines to that remote_write entry (indented by four spaces).
std::string SelfScrapeRemoteWriteConfig(const OteliteProcess& p,
                                        const std::string& remote_write_extra = "");

// A command running in the background with its standard output captured to a file.
class BackgroundCommand {
 public:
  explicit BackgroundCommand(const std::vector<std::string>& argv);
  ~BackgroundCommand();
  std::string Output() const { return ReadFile(path_); }
  // Polls Output() until `done` holds or timeout; returns the last output.
  std::string WaitFor(const std::function<bool(const std::string&)>& done,
                      int timeout_ms = 2000) const;
  void Stop();

 private:
  pid_t pid_ = -1;
  std::string path_;
};

// Runs a command, returns its exit status; stdout/stderr captured into *output.
int RunCommand(const std::vector<std::string>& argv, std::string* output, int timeout_seconds = 30);

}  // namespace otelite::testing
