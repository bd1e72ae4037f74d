#include "cli/setup_claude_code.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <utility>

namespace otelite::cli {
namespace {

namespace fs = std::filesystem;
using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

constexpr std::string_view kProtocols[] = {"grpc", "http/protobuf", "http/json"};

bool IsPort(int port) { return port >= 1 && port <= 65535; }

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// IPv6 literals need brackets inside a URL.
std::string HostForUrl(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

// Values made only of these characters need no quoting in any POSIX shell.
bool IsShellSafe(std::string_view value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
}

std::string ShellQuote(std::string_view value) {
  if (IsShellSafe(value)) return std::string(value);
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// ---- settings.json ------------------------------------------------------------------------

std::string_view View(const rapidjson::Value& string_value) {
  return {string_value.GetString(), string_value.GetStringLength()};
}

std::string LineAndColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  size_t column =
      line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Sets, adds and erases the managed variables in the document's `env` object. Claude Code
// reads settings with JSON.parse, where the last of duplicate keys wins, so the last `env` is
// edited and every duplicate of a variable gets the value. Whether a member is replaced,
// appended or erased depends only on the names present, so applying this to two parses of one
// text leaves both with the same shape.
Status ApplyEnv(rapidjson::Document* doc, const ClaudeCodeEnv& env, bool* changed) {
  if (!doc->IsObject()) return Status::InvalidArgument("the top level is not a JSON object");
  auto& allocator = doc->GetAllocator();
  rapidjson::Value* env_object = nullptr;
  for (auto member = doc->MemberBegin(); member != doc->MemberEnd(); ++member) {
    if (View(member->name) == "env") env_object = &member->value;
  }
  if (env_object == nullptr) {
    doc->AddMember("env", rapidjson::Value(rapidjson::kObjectType), allocator);
    env_object = &(doc->MemberEnd() - 1)->value;
    *changed = true;
  } else if (!env_object->IsObject()) {
    return Status::InvalidArgument("\"env\" is not a JSON object");
  }
  for (const EnvVar& var : env.set) {
    bool found = false;
    for (auto member = env_object->MemberBegin(); member != env_object->MemberEnd(); ++member) {
      if (View(member->name) != var.name) continue;
      found = true;
      if (!member->value.IsString() || View(member->value) != var.value) {
        member->value.SetString(var.value.data(), var.value.size(), allocator);
        *changed = true;
      }
    }
    if (!found) {
      env_object->AddMember(rapidjson::Value(var.name.data(), var.name.size(), allocator),
                            rapidjson::Value(var.value.data(), var.value.size(), allocator),
                            allocator);
      *changed = true;
    }
  }
  for (const std::string& name : env.unset) {
    for (auto member = env_object->MemberBegin(); member != env_object->MemberEnd();) {
      if (View(member->name) == name) {
        member = env_object->EraseMember(member);  // EraseMember keeps the order; RemoveMember
        *changed = true;                           // would move the last member here.
      } else {
        ++member;
      }
    }
  }
  return Status::Ok();
}

// Writes `typed` (the edited document) but spells every number as the file did, taken from
// `raw`: the same text parsed with numbers kept as strings and given the same edits. So 1e3
// stays 1e3 and integers beyond 64 bits stay exact.
bool WriteKeepingNumberSpelling(const rapidjson::Value& typed, const rapidjson::Value& raw,
                                JsonWriter* writer) {
  switch (typed.GetType()) {
    case rapidjson::kNumberType:
      if (!raw.IsString()) return typed.Accept(*writer);
      return writer->RawValue(raw.GetString(), raw.GetStringLength(), rapidjson::kNumberType);
    case rapidjson::kObjectType: {
      if (!raw.IsObject() || raw.MemberCount() != typed.MemberCount()) {
        return typed.Accept(*writer);
      }
      writer->StartObject();
      auto raw_member = raw.MemberBegin();
      for (auto member = typed.MemberBegin(); member != typed.MemberEnd(); ++member, ++raw_member) {
        writer->Key(member->name.GetString(), member->name.GetStringLength());
        if (!WriteKeepingNumberSpelling(member->value, raw_member->value, writer)) return false;
      }
      return writer->EndObject();
    }
    case rapidjson::kArrayType: {
      if (!raw.IsArray() || raw.Size() != typed.Size()) return typed.Accept(*writer);
      writer->StartArray();
      for (rapidjson::SizeType i = 0; i < typed.Size(); ++i) {
        if (!WriteKeepingNumberSpelling(typed[i], raw[i], writer)) return false;
      }
      return writer->EndArray();
    }
    default:
      return typed.Accept(*writer);
  }
}

// ---- shell rc -----------------------------------------------------------------------------

std::string_view Trim(std::string_view line) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = line.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return line.substr(begin, line.find_last_not_of(kSpace) - begin + 1);
}

// Lines with their '\n' (the last one may lack it).
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return lines;
}

// ---- diff ---------------------------------------------------------------------------------

struct DiffLine {
  char kind;       // ' ' kept, '-' removed, '+' added
  size_t old_pos;  // old lines before this one
  size_t new_pos;  // new lines before this one
  std::string_view text;
};

// A shortest edit script by longest common subsequence, after trimming the common prefix and
// suffix (edits here touch one region). Beyond kMaxCells the middle is shown as replaced.
std::vector<DiffLine> DiffLines(const std::vector<std::string_view>& a,
                                const std::vector<std::string_view>& b) {
  constexpr size_t kMaxCells = 4'000'000;
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const size_t n = a.size() - prefix - suffix;
  const size_t m = b.size() - prefix - suffix;
  std::vector<DiffLine> out;
  size_t i = 0;
  size_t j = 0;
  auto emit = [&](char kind) {
    out.push_back({kind, i, j, kind == '+' ? b[j] : a[i]});
    if (kind != '+') ++i;
    if (kind != '-') ++j;
  };
  while (i < prefix) emit(' ');
  if ((n + 1) * (m + 1) <= kMaxCells) {
    // lcs[x * (m + 1) + y]: common subsequence length of a[prefix + x..] and b[prefix + y..].
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    for (size_t x = n; x-- > 0;) {
      for (size_t y = m; y-- > 0;) {
        lcs[x * (m + 1) + y] = a[prefix + x] == b[prefix + y]
                                   ? lcs[(x + 1) * (m + 1) + y + 1] + 1
                                   : std::max(lcs[(x + 1) * (m + 1) + y], lcs[x * (m + 1) + y + 1]);
      }
    }
    size_t x = 0;
    size_t y = 0;
    while (x < n || y < m) {
      if (x < n && y < m && a[prefix + x] == b[prefix + y]) {
        emit(' '), ++x, ++y;
      } else if (y == m || (x < n && lcs[(x + 1) * (m + 1) + y] >= lcs[x * (m + 1) + y + 1])) {
        emit('-'), ++x;
      } else {
        emit('+'), ++y;
      }
    }
  } else {
    for (size_t x = 0; x < n; ++x) emit('-');
    for (size_t y = 0; y < m; ++y) emit('+');
  }
  while (i < a.size()) emit(' ');
  return out;
}

// "start,count" of a hunk side; an empty side names the line before it, as diff(1) does.
std::string HunkRange(size_t first_pos, size_t count) {
  return std::to_string(count == 0 ? first_pos : first_pos + 1) + "," + std::to_string(count);
}

// ---- files --------------------------------------------------------------------------------

struct ExistingFile {
  std::string contents;
  mode_t mode = 0;
};

Status ErrnoStatus(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

std::string ExpandHome(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return path;
  if (path == "~") return home;
  if (path.rfind("~/", 0) == 0) return std::string(home) + path.substr(1);
  return path;
}

// Follows symlinks at the path itself, so that a dotfiles-managed link keeps pointing at its
// (edited) target instead of being replaced by a regular file.
Result<fs::path> FollowSymlinks(fs::path path) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!fs::is_symlink(fs::symlink_status(path, error))) return path;
    fs::path target = fs::read_symlink(path, error);
    if (error) return Status::IoError(path.string() + ": " + error.message());
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return Status::FailedPrecondition(path.string() + ": too many levels of symbolic links");
}

Status WriteAllAndSync(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoStatus("write " + name);
    data.remove_prefix(static_cast<size_t>(written));
  }
  if (::fsync(fd) != 0) return ErrnoStatus("fsync " + name);
  return Status::Ok();
}

// nullopt when the file does not exist.
Result<std::optional<ExistingFile>> ReadIfExists(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::optional<ExistingFile>();
  if (fd < 0) return ErrnoStatus("open " + path.string());
  ExistingFile file;
  struct stat info;
  Status status;
  if (::fstat(fd, &info) != 0) {
    status = ErrnoStatus("stat " + path.string());
  } else if (!S_ISREG(info.st_mode)) {
    status = Status::FailedPrecondition(path.string() + ": not a regular file");
  } else {
    file.mode = info.st_mode & 07777;
    char buffer[1 << 16];
    for (;;) {
      ssize_t got = ::read(fd, buffer, sizeof(buffer));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) status = ErrnoStatus("read " + path.string());
      if (got <= 0) break;
      file.contents.append(buffer, static_cast<size_t>(got));
    }
  }
  ::close(fd);
  if (!status.ok()) return status;
  return std::optional<ExistingFile>(std::move(file));
}

// Copies the old contents to PATH.bak-YYYYmmddHHMMSS (-1, -2, … if taken; never overwrites).
Result<std::string> WriteBackup(const fs::path& path, const ExistingFile& file) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &local);
  const std::string base = path.string() + ".bak-" + stamp;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string name = attempt == 0 ? base : base + "-" + std::to_string(attempt);
    int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file.mode);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return ErrnoStatus("create backup " + name);
    Status status = WriteAllAndSync(fd, file.contents, name);
    ::close(fd);
    if (!status.ok()) {
      ::unlink(name.c_str());
      return status;
    }
    return name;
  }
  return Status::FailedPrecondition(base + ": too many backups from this second");
}

// Writes a temp file next to `path` and renames it over `path`, so readers see the old or the
// new contents, never a mix.
Status ReplaceAtomically(const fs::path& path, std::string_view contents, mode_t mode) {
  std::string temp = path.string() + ".otelite-tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("create temp file in " + path.parent_path().string());
  Status status =
      ::fchmod(fd, mode) == 0 ? WriteAllAndSync(fd, contents, temp) : ErrnoStatus("chmod " + temp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("close " + temp);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("rename " + temp + " to " + path.string());
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  // Make the rename itself durable; some file systems cannot fsync a directory, which is fine.
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

mode_t ModeForNewFile() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

// One file to edit: read and edited in memory first, so that nothing is written unless every
// requested edit is valid.
struct PlannedEdit {
  std::string shown_path;  // as the user gave it
  fs::path real_path;      // symlinks followed
  std::optional<ExistingFile> existing;
  TextEdit edit;
};

using EditFunction = std::function<Result<TextEdit>(std::optional<std::string_view>)>;

Result<PlannedEdit> PlanEdit(const std::string& shown_path, const EditFunction& edit_text) {
  PlannedEdit plan;
  plan.shown_path = shown_path;
  Result<fs::path> real_path = FollowSymlinks(ExpandHome(shown_path));
  if (!real_path.ok()) return real_path.status();
  plan.real_path = *real_path;
  Result<std::optional<ExistingFile>> existing = ReadIfExists(plan.real_path);
  if (!existing.ok()) return existing.status();
  plan.existing = std::move(*existing);
  std::optional<std::string_view> old_text;
  if (plan.existing) old_text = plan.existing->contents;
  Result<TextEdit> edit = edit_text(old_text);
  if (!edit.ok()) {
    return Status(edit.status().code(),
                  shown_path + ": " + edit.status().message() + "; left unchanged");
  }
  plan.edit = std::move(*edit);
  return plan;
}

Status ApplyEdit(const PlannedEdit& plan, bool dry_run, std::ostream& out) {
  if (!plan.edit.changed) {
    out << plan.shown_path << ": already up to date\n";
    return Status::Ok();
  }
  if (dry_run) {
    out << UnifiedDiff(plan.existing ? plan.existing->contents : std::string(), plan.edit.text,
                       plan.existing ? plan.shown_path : "/dev/null", plan.shown_path);
    return Status::Ok();
  }
  std::error_code error;
  if (!plan.real_path.parent_path().empty()) {
    fs::create_directories(plan.real_path.parent_path(), error);
    if (error)
      return Status::IoError(plan.real_path.parent_path().string() + ": " + error.message());
  }
  std::string backup;
  if (plan.existing) {
    Result<std::string> written = WriteBackup(plan.real_path, *plan.existing);
    if (!written.ok()) return written.status();
    backup = *written;
  }
  OTELITE_RETURN_IF_ERROR(ReplaceAtomically(
      plan.real_path, plan.edit.text, plan.existing ? plan.existing->mode : ModeForNewFile()));
  out << (plan.existing ? "updated " : "created ") << plan.shown_path;
  if (!backup.empty()) out << " (backup: " << backup << ")";
  out << "\n";
  return Status::Ok();
}

// The flags that differ from the defaults, to repeat in the "how to apply" hints.
std::string NonDefaultFlags(const SetupOptions& options) {
  const SetupOptions defaults;
  std::string flags;
  auto add = [&flags](std::string_view flag, const std::string& value) {
    flags += " " + std::string(flag) + " " + ShellQuote(value);
  };
  if (options.protocol != defaults.protocol) add("--protocol", options.protocol);
  if (!options.endpoint.empty()) add("--endpoint", options.endpoint);
  if (options.endpoint.empty() && options.host != defaults.host) add("--host", options.host);
  if (options.endpoint.empty() && options.grpc_port != defaults.grpc_port) {
    add("--grpc-port", std::to_string(options.grpc_port));
  }
  if (options.endpoint.empty() && options.http_port != defaults.http_port) {
    add("--http-port", std::to_string(options.http_port));
  }
  if (options.metric_export_interval_ms != defaults.metric_export_interval_ms) {
    add("--metric-export-interval", std::to_string(options.metric_export_interval_ms));
  }
  if (options.logs_export_interval_ms != defaults.logs_export_interval_ms) {
    add("--logs-export-interval", std::to_string(options.logs_export_interval_ms));
  }
  if (!options.include_prompts) flags += " --no-prompts";
  return flags;
}

// Everything is shell syntax (comments included), so `eval "$(otelite setup claude-code)"`
// works.
void PrintVariables(const SetupOptions& options, const ClaudeCodeEnv& env, std::ostream& out) {
  const std::string command = "otelite setup claude-code" + NonDefaultFlags(options);
  out << "# Claude Code telemetry for otelite\n"
      << ExportLines(env) << "\n"
      << "# Apply them in one of these ways, then restart Claude Code:\n"
      << "#   eval \"$(" << command << ")\"   # this shell only\n"
      << "#   " << command << " --write   # ~/.claude/settings.json \"env\": every session\n"
      << "#   " << command << " --shell-rc ~/.bashrc   # new shells (or ~/.zshrc)\n"
      << "# Add --dry-run to see a change before it is made.\n";
  if (options.include_prompts) {
    out << "# OTEL_LOG_USER_PROMPTS=1 stores the text of your prompts; --no-prompts leaves it "
           "out.\n";
  }
}

Status RunSetup(const SetupOptions& options, std::ostream& out) {
  Result<ClaudeCodeEnv> env = ComputeClaudeCodeEnv(options);
  if (!env.ok()) return env.status();
  if (!options.settings_path.empty() && !options.write_settings) {
    return Status::InvalidArgument("--settings applies only with --write");
  }
  if (!options.write_settings && options.shell_rc_path.empty()) {
    PrintVariables(options, *env, out);
    return Status::Ok();
  }
  std::vector<PlannedEdit> plans;
  if (options.write_settings) {
    std::string path = options.settings_path;
    if (path.empty()) {
      Result<std::string> default_path = DefaultSettingsPath();
      if (!default_path.ok()) return default_path.status();
      path = *default_path;
    }
    Result<PlannedEdit> plan = PlanEdit(path, [&env](std::optional<std::string_view> text) {
      return MergeIntoSettingsJson(text, *env);
    });
    if (!plan.ok()) return plan.status();
    plans.push_back(std::move(*plan));
  }
  if (!options.shell_rc_path.empty()) {
    Result<PlannedEdit> plan =
        PlanEdit(options.shell_rc_path, [&env](std::optional<std::string_view> text) {
          return UpdateShellRcText(text.value_or(""), *env);
        });
    if (!plan.ok()) return plan.status();
    plans.push_back(std::move(*plan));
  }
  bool any_change = false;
  for (const PlannedEdit& plan : plans) {
    OTELITE_RETURN_IF_ERROR(ApplyEdit(plan, options.dry_run, out));
    any_change = any_change || plan.edit.changed;
  }
  if (options.dry_run && any_change) {
    out << "dry run: nothing was written\n";
  } else if (any_change) {
    out << "Restart Claude Code" << (options.shell_rc_path.empty() ? "" : " from a new shell")
        << " to apply.\n";
  }
  return Status::Ok();
}

}  // namespace

Result<ClaudeCodeEnv> ComputeClaudeCodeEnv(const SetupOptions& options) {
  if (std::find(std::begin(kProtocols), std::end(kProtocols), options.protocol) ==
      std::end(kProtocols)) {
    return Status::InvalidArgument("--protocol '" + options.protocol +
                                   "': expected grpc, http/protobuf or http/json");
  }
  if (!IsPort(options.grpc_port)) {
    return Status::InvalidArgument("--grpc-port " + std::to_string(options.grpc_port) +
                                   ": expected 1-65535");
  }
  if (!IsPort(options.http_port)) {
    return Status::InvalidArgument("--http-port " + std::to_string(options.http_port) +
                                   ": expected 1-65535");
  }
  if (options.metric_export_interval_ms <= 0) {
    return Status::InvalidArgument("--metric-export-interval " +
                                   std::to_string(options.metric_export_interval_ms) +
                                   ": expected a positive number of milliseconds");
  }
  if (options.logs_export_interval_ms <= 0) {
    return Status::InvalidArgument("--logs-export-interval " +
                                   std::to_string(options.logs_export_interval_ms) +
                                   ": expected a positive number of milliseconds");
  }
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) {
    if (options.host.empty() || HasSpaceOrControl(options.host) ||
        options.host.find_first_of("/?#@") != std::string::npos) {
      return Status::InvalidArgument("--host '" + options.host + "': not a host name or address");
    }
    int port = options.protocol == "grpc" ? options.grpc_port : options.http_port;
    endpoint = "http://" + HostForUrl(options.host) + ":" + std::to_string(port);
  } else {
    const bool http = endpoint.rfind("http://", 0) == 0 && endpoint.size() > 7;
    const bool https = endpoint.rfind("https://", 0) == 0 && endpoint.size() > 8;
    if ((!http && !https) || HasSpaceOrControl(endpoint)) {
      return Status::InvalidArgument("--endpoint '" + endpoint +
                                     "': expected an http:// or https:// URL");
    }
  }
  ClaudeCodeEnv env;
  env.set = {
      {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
      {"OTEL_METRICS_EXPORTER", "otlp"},
      {"OTEL_LOGS_EXPORTER", "otlp"},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", options.protocol},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
      {"OTEL_METRIC_EXPORT_INTERVAL", std::to_string(options.metric_export_interval_ms)},
      {"OTEL_LOGS_EXPORT_INTERVAL", std::to_string(options.logs_export_interval_ms)},
      {"OTEL_METRICS_INCLUDE_SESSION_ID", "true"},
      {"OTEL_LOG_TOOL_DETAILS", "1"},
  };
  if (options.include_prompts) {
    env.set.push_back({"OTEL_LOG_USER_PROMPTS", "1"});
  } else {
    env.unset.push_back("OTEL_LOG_USER_PROMPTS");
  }
  return env;
}

std::string ExportLines(const ClaudeCodeEnv& env) {
  std::string lines;
  for (const EnvVar& var : env.set)
    lines += "export " + var.name + "=" + ShellQuote(var.value) + "\n";
  for (const std::string& name : env.unset) lines += "unset " + name + "\n";
  return lines;
}

Result<TextEdit> MergeIntoSettingsJson(std::optional<std::string_view> existing,
                                       const ClaudeCodeEnv& env) {
  std::string_view text = existing.value_or("");
  if (Trim(text).empty()) text = "{}";
  // Iterative: a deeply nested file cannot exhaust the stack. No kParseFullPrecisionFlag:
  // RapidJSON 1.1.0's full-precision path misreads some extreme exponents; exact number
  // spelling is kept through the raw parse anyway.
  constexpr unsigned kTyped = rapidjson::kParseIterativeFlag;
  constexpr unsigned kRaw = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;
  rapidjson::Document typed;
  typed.Parse<kTyped>(text.data(), text.size());
  if (typed.HasParseError()) {
    std::string reason = rapidjson::GetParseError_En(typed.GetParseError());
    if (!reason.empty() && reason.back() == '.') reason.pop_back();
    return Status::InvalidArgument("not valid JSON: " + reason + " (" +
                                   LineAndColumn(text, typed.GetErrorOffset()) + ")");
  }
  rapidjson::Document raw;
  raw.Parse<kRaw>(text.data(), text.size());
  if (raw.HasParseError()) return Status::Internal("settings parse differs between modes");
  TextEdit result;
  OTELITE_RETURN_IF_ERROR(ApplyEnv(&typed, env, &result.changed));
  bool raw_changed = false;
  OTELITE_RETURN_IF_ERROR(ApplyEnv(&raw, env, &raw_changed));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.SetIndent(' ', 2);
  if (!WriteKeepingNumberSpelling(typed, raw, &writer)) {
    return Status::Internal("could not write the settings JSON");
  }
  result.text.assign(buffer.GetString(), buffer.GetSize());
  result.text += '\n';
  return result;
}

std::string ShellRcBlock(const ClaudeCodeEnv& env) {
  return std::string(kShellBlockBegin) +
         "\n# Written by `otelite setup claude-code`; run it again to change these lines.\n" +
         ExportLines(env) + std::string(kShellBlockEnd) + "\n";
}

Result<TextEdit> UpdateShellRcText(std::string_view existing, const ClaudeCodeEnv& env) {
  const std::string block = ShellRcBlock(env);
  std::string text;
  bool placed = false;
  size_t open_line = 0;  // line number of the begin marker of the block being skipped
  size_t line_number = 0;
  for (std::string_view line : SplitLines(existing)) {
    ++line_number;
    std::string_view trimmed = Trim(line);
    if (trimmed == kShellBlockBegin) {
      if (open_line != 0) {
        return Status::InvalidArgument("line " + std::to_string(line_number) +
                                       ": otelite block begins again before line " +
                                       std::to_string(open_line) + "'s block ends");
      }
      open_line = line_number;
      if (!placed) text += block;
      placed = true;
    } else if (trimmed == kShellBlockEnd) {
      if (open_line == 0) {
        return Status::InvalidArgument("line " + std::to_string(line_number) +
                                       ": otelite block end without its begin line");
      }
      open_line = 0;
    } else if (open_line == 0) {
      text += line;
    }
  }
  if (open_line != 0) {
    return Status::InvalidArgument("line " + std::to_string(open_line) +
                                   ": otelite block has no end line '" +
                                   std::string(kShellBlockEnd) + "'");
  }
  if (!placed) {
    // Separate the block from what comes before by one blank line.
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (!text.empty() && text != "\n" && !text.ends_with("\n\n")) text += '\n';
    text += block;
  }
  const bool changed = text != existing;
  return TextEdit{std::move(text), changed};
}

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label) {
  if (old_text == new_text) return "";
  constexpr size_t kContext = 3;
  const std::vector<DiffLine> lines = DiffLines(SplitLines(old_text), SplitLines(new_text));
  std::string out = "--- " + std::string(old_label) + "\n+++ " + std::string(new_label) + "\n";
  size_t next = 0;  // first line not yet shown
  while (true) {
    size_t first_change = next;
    while (first_change < lines.size() && lines[first_change].kind == ' ') ++first_change;
    if (first_change == lines.size()) break;
    // Extend the hunk while the next change is within 2 * kContext kept lines.
    size_t last_change = first_change;
    for (size_t k = first_change + 1; k < lines.size() && k <= last_change + 2 * kContext + 1;
         ++k) {
      if (lines[k].kind != ' ') last_change = k;
    }
    const size_t begin = std::max(next, first_change >= kContext ? first_change - kContext : 0);
    const size_t end = std::min(lines.size(), last_change + 1 + kContext);
    size_t old_count = 0;
    size_t new_count = 0;
    for (size_t k = begin; k < end; ++k) {
      old_count += lines[k].kind != '+';
      new_count += lines[k].kind != '-';
    }
    out += "@@ -" + HunkRange(lines[begin].old_pos, old_count) + " +" +
           HunkRange(lines[begin].new_pos, new_count) + " @@\n";
    for (size_t k = begin; k < end; ++k) {
      std::string_view text = lines[k].text;
      out += lines[k].kind;
      out += text;
      if (text.empty() || text.back() != '\n') out += "\n\\ No newline at end of file\n";
    }
    next = end;
  }
  return out;
}

Result<std::string> DefaultSettingsPath() {
  const char* config_dir = std::getenv("CLAUDE_CONFIG_DIR");
  if (config_dir != nullptr && *config_dir != '\0') {
    return (fs::path(config_dir) / "settings.json").string();
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return (fs::path(home) / ".claude" / "settings.json").string();
  }
  return Status::FailedPrecondition("HOME is not set; pass --settings PATH");
}

int RunSetupClaudeCode(const SetupOptions& options, std::ostream& out, std::ostream& err) {
  Status status = RunSetup(options, out);
  if (status.ok()) return 0;
  err << "otelite setup claude-code: " << status.message() << "\n";
  return 1;
}

void RegisterSetupCommand(CLI::App* app) {
  CLI::App* setup = app->add_subcommand("setup", "Connect a client to this otelite server");
  setup->require_subcommand(1);
  CLI::App* command = setup->add_subcommand(
      "claude-code",
      "Show Claude Code's telemetry variables for otelite, or install them with --write or "
      "--shell-rc");
  auto options = std::make_shared<SetupOptions>();
  command
      ->add_option("--protocol", options->protocol,
                   "OTLP protocol: grpc, http/protobuf or http/json")
      ->capture_default_str();
  command->add_option("--endpoint", options->endpoint,
                      "OTLP endpoint URL (default: http://HOST:PORT for the protocol)");
  command->add_option("--host", options->host, "otelite's host as Claude Code reaches it")
      ->capture_default_str();
  command->add_option("--grpc-port", options->grpc_port, "otelite's OTLP gRPC port")
      ->capture_default_str();
  command->add_option("--http-port", options->http_port, "otelite's OTLP HTTP port")
      ->capture_default_str();
  command
      ->add_option("--metric-export-interval", options->metric_export_interval_ms,
                   "OTEL_METRIC_EXPORT_INTERVAL in milliseconds")
      ->capture_default_str();
  command
      ->add_option("--logs-export-interval", options->logs_export_interval_ms,
                   "OTEL_LOGS_EXPORT_INTERVAL in milliseconds")
      ->capture_default_str();
  command->add_flag_callback(
      "--no-prompts", [options] { options->include_prompts = false; },
      "Do not record prompt text (leaves OTEL_LOG_USER_PROMPTS unset)");
  command->add_flag("--write", options->write_settings,
                    "Merge the variables into the env object of Claude Code's settings.json");
  command->add_option("--settings", options->settings_path,
                      "settings.json to edit with --write (default: ~/.claude/settings.json)");
  command->add_option("--shell-rc", options->shell_rc_path,
                      "Keep the variables in a marked block of this shell rc file");
  command->add_flag("--dry-run", options->dry_run,
                    "With --write or --shell-rc: show the change as a diff, write nothing");
  command->callback([options] {
    int exit_code = RunSetupClaudeCode(*options, std::cout, std::cerr);
    if (exit_code != 0) throw CLI::RuntimeError(exit_code);
  });
}

}  // namespace otelite::cli
