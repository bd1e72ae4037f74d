#include "dashboards/provisioning.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

namespace otelite::dashboards {
namespace {

namespace fs = std::filesystem;

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

void Warn(ProvisionedDashboards* out, std::string message) {
  spdlog::warn("dashboards: {}", message);
  out->warnings.push_back(std::move(message));
}

bool HasExtension(const fs::path& path, std::initializer_list<std::string_view> extensions) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

// The file's contents, or an error naming why it cannot be read.
Result<std::string> ReadFile(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError(fmt::format("cannot stat: {}", std::strerror(errno)));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxDashboardBytes) {
    return Status::TooLarge(
        fmt::format("{} bytes, more than the limit of {} bytes", st.st_size, kMaxDashboardBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("cannot open: {}", std::strerror(errno)));
  std::string data(static_cast<size_t>(st.st_size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

int64_t MtimeMs(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

class Loader {
 public:
  explicit Loader(ProvisionedDashboards* out) : out_(out) {
    for (const Dashboard& d : out_->dashboards) {
      uid_files_.emplace(d.uid(), d.meta.provisioned_path);
    }
    for (const ProvisionedFolder& f : out_->folders) folder_index_.emplace(f.uid, f.title);
  }

  void AddFolder(const std::string& uid, const std::string& title) {
    if (uid.empty()) return;
    if (folder_index_.emplace(uid, title).second) out_->folders.push_back({uid, title});
  }

  // One file: parsed, checked, given its folder and meta; a warning when it is skipped.
  void LoadFile(const fs::path& file, const fs::path& root, const std::string& folder_uid,
                const std::string& folder_title) {
    const std::string name = file.string();
    auto data = ReadFile(file);
    if (!data.ok()) {
      Warn(out_, fmt::format("skipping {}: {}", name, data.status().message()));
      return;
    }
    auto parsed = ParseDashboard(*data);
    if (!parsed.ok()) {
      Warn(out_, fmt::format("skipping {}: {}", name, parsed.status().message()));
      return;
    }
    Dashboard dashboard = std::move(*parsed);
    std::error_code ec;
    fs::path relative = fs::relative(file, root, ec);
    if (ec || relative.empty()) relative = file.filename();
    const std::string external_id = relative.generic_string();
    if (dashboard.uid().empty()) {
      dashboard.SetUid(fmt::format("p-{:016x}", Fnv1a(fs::absolute(file, ec).generic_string())));
    }
    if (Status st = ValidateUid(dashboard.uid()); !st.ok()) {
      Warn(out_, fmt::format("skipping {}: dashboard \"uid\" \"{}\": {}", name, dashboard.uid(),
                             st.message()));
      return;
    }
    if (auto it = uid_files_.find(dashboard.uid()); it != uid_files_.end()) {
      Warn(out_, fmt::format("skipping {}: uid \"{}\" is already used by {}", name, dashboard.uid(),
                             it->second));
      return;
    }
    uid_files_.emplace(dashboard.uid(), name);
    AddFolder(folder_uid, folder_title);
    DashboardMeta& meta = dashboard.meta;
    meta.source = DashboardSource::kProvisioned;
    meta.folder_uid = folder_uid;
    meta.folder_title = folder_title;
    meta.provisioned_path = name;
    meta.provisioned_external_id = external_id;
    meta.created_ms = meta.updated_ms = MtimeMs(file);
    out_->dashboards.push_back(std::move(dashboard));
  }

  Status LoadDirectory(const fs::path& dir, const DirectoryOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return Status::NotFound(
          fmt::format("dashboards directory {}: not a directory", dir.string()));
    }
    std::vector<fs::path> files;
    // Symbolic links to files are followed, to directories not (no cycles).
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      return Status::IoError(
          fmt::format("dashboards directory {}: {}", dir.string(), ec.message()));
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        Warn(out_, fmt::format("dashboards directory {}: {}", dir.string(), ec.message()));
        break;
      }
      std::error_code type_ec;
      if (it->is_regular_file(type_ec) && HasExtension(it->path(), {".json"})) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::string folder_uid = options.folder_uid;
      std::string folder_title = options.folder_title;
      if (options.folders_from_files_structure) {
        const fs::path parent = fs::relative(file.parent_path(), dir, ec);
        const std::string key = ec ? std::string() : parent.generic_string();
        if (key.empty() || key == ".") {
          folder_uid.clear();
          folder_title.clear();
        } else {
          folder_title = key;
          folder_uid = DerivedFolderUid("dir:" + key, key);
        }
      } else if (folder_uid.empty() && !folder_title.empty()) {
        folder_uid = DerivedFolderUid("folder:" + folder_title, folder_title);
      }
      LoadFile(file, dir, folder_uid, folder_title);
    }
    return Status::Ok();
  }

 private:
  ProvisionedDashboards* out_;
  std::map<std::string, std::string> uid_files_;  // uid -> the file that has it
  std::map<std::string, std::string> folder_index_;
};

// A scalar as a string (env-expanded), "" when missing or not a scalar.
std::string Scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  if (!value || !value.IsScalar()) return {};
  return ExpandEnv(value.Scalar());
}

bool Bool(const YAML::Node& node, const char* key) {
  const std::string s = Scalar(node, key);
  return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on" || s == "1";
}

}  // namespace

std::string DerivedFolderUid(std::string_view key, std::string_view title) {
  std::string slug = Slugify(title).substr(0, 24);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "folder";
  return fmt::format("{}-{:010x}", slug, Fnv1a(key) >> 24);
}

std::string ExpandEnv(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out.push_back(text[i]);
      continue;
    }
    std::string name;
    size_t end = i + 1;
    if (text[end] == '{') {
      const size_t close = text.find('}', end);
      if (close == std::string_view::npos) {
        out.push_back(text[i]);
        continue;
      }
      name = std::string(text.substr(end + 1, close - end - 1));
      end = close + 1;
    } else {
      while (end < text.size() && is_name(text[end])) ++end;
      name = std::string(text.substr(i + 1, end - i - 1));
    }
    if (name.empty()) {
      out.push_back(text[i]);
      continue;
    }
    if (const char* value = std::getenv(name.c_str())) out += value;
    i = end - 1;
  }
  return out;
}

Status LoadDashboardDirectory(const std::string& dir, const DirectoryOptions& options,
                              ProvisionedDashboards* out) {
  Loader loader(out);
  return loader.LoadDirectory(dir, options);
}

Status LoadProvisioningYaml(const std::string& file, ProvisionedDashboards* out) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        fmt::format("dashboard provisioning file {}: {}", file, e.what()));
  }
  YAML::Node providers;
  try {
    providers = root.IsSequence() ? root : (root.IsMap() ? root["providers"] : YAML::Node());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        fmt::format("dashboard provisioning file {}: {}", file, e.what()));
  }
  if (!providers || !providers.IsSequence()) {
    return Status::InvalidArgument(
        fmt::format("dashboard provisioning file {}: no \"providers\" list", file));
  }
  const fs::path base = fs::path(file).parent_path();
  Loader loader(out);
  for (size_t i = 0; i < providers.size(); ++i) {
    const YAML::Node provider = providers[i];
    if (!provider.IsMap()) {
      Warn(out, fmt::format("{}: providers[{}] is not a mapping; skipped", file, i));
      continue;
    }
    std::string name = Scalar(provider, "name");
    if (name.empty()) name = fmt::format("providers[{}]", i);
    const std::string type = Scalar(provider, "type");
    if (!type.empty() && type != "file") {
      Warn(out,
           fmt::format("{}: provider {}: type \"{}\" is not supported (only \"file\"); skipped",
                       file, name, type));
      continue;
    }
    const YAML::Node options = provider["options"];
    std::string path = options && options.IsMap() ? Scalar(options, "path") : std::string();
    if (path.empty()) path = Scalar(provider, "folder_path");  // very old key, still read
    if (path.empty()) {
      Warn(out, fmt::format("{}: provider {}: no options.path; skipped", file, name));
      continue;
    }
    DirectoryOptions dir_options;
    dir_options.folder_title = Scalar(provider, "folder");
    dir_options.folder_uid = Scalar(provider, "folderUid");
    dir_options.folders_from_files_structure =
        options && options.IsMap() && Bool(options, "foldersFromFilesStructure");
    if (dir_options.folders_from_files_structure &&
        (!dir_options.folder_title.empty() || !dir_options.folder_uid.empty())) {
      Warn(out, fmt::format("{}: provider {}: 'folder' and 'folderUID' should be empty using "
                            "'foldersFromFilesStructure' option; skipped",
                            file, name));
      continue;
    }
    if (!dir_options.folder_uid.empty()) {
      if (Status st = ValidateUid(dir_options.folder_uid); !st.ok()) {
        Warn(out, fmt::format("{}: provider {}: folderUid \"{}\": {}; skipped", file, name,
                              dir_options.folder_uid, st.message()));
        continue;
      }
      if (dir_options.folder_title.empty()) dir_options.folder_title = dir_options.folder_uid;
    }
    fs::path resolved(path);
    if (resolved.is_relative()) resolved = base / resolved;
    std::error_code ec;
    if (fs::is_regular_file(resolved, ec) && HasExtension(resolved, {".json"})) {
      std::string folder_uid = dir_options.folder_uid;
      if (folder_uid.empty() && !dir_options.folder_title.empty()) {
        folder_uid =
            DerivedFolderUid("folder:" + dir_options.folder_title, dir_options.folder_title);
      }
      loader.LoadFile(resolved, resolved.parent_path(), folder_uid, dir_options.folder_title);
      continue;
    }
    if (Status st = loader.LoadDirectory(resolved, dir_options); !st.ok()) {
      Warn(out, fmt::format("{}: provider {}: {}; skipped", file, name, st.message()));
    }
  }
  return Status::Ok();
}

Result<ProvisionedDashboards> LoadDashboardsFrom(const std::string& path) {
  ProvisionedDashboards out;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return Status::NotFound(fmt::format("dashboards: {} does not exist", path));
  }
  if (fs::is_directory(status)) {
    OTELITE_RETURN_IF_ERROR(LoadDashboardDirectory(path, DirectoryOptions{}, &out));
  } else if (HasExtension(path, {".yaml", ".yml"})) {
    OTELITE_RETURN_IF_ERROR(LoadProvisioningYaml(path, &out));
  } else if (HasExtension(path, {".json"})) {
    Loader loader(&out);
    loader.LoadFile(path, fs::path(path).parent_path(), "", "");
  } else {
    return Status::InvalidArgument(fmt::format(
        "dashboards: {} is not a directory, a provisioning file (.yaml) or a dashboard (.json)",
        path));
  }
  return out;
}

}  // namespace otelite::dashboards
