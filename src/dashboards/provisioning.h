// Dashboards provisioned from files, as Grafana's file provider loads them (docs/ui.md
// "Dashboards loaded at start"):
//   - a directory: every *.json below it; files in subdirectories go to a folder named after the
//     subdirectory's path relative to the directory ("team" or "team/db"), files at its top to
//     the General folder (Grafana's `foldersFromFilesStructure`);
//   - a provisioning YAML file (Grafana's dashboards.yaml): each `file` provider's
//     `options.path` (relative paths against the YAML file's directory; $VAR and ${VAR} expanded
//     as Grafana does), loaded into `folder`/`folderUid`, or by directory structure with
//     `options.foldersFromFilesStructure: true`; the old list-of-providers form (apiVersion 0)
//     too;
//   - a single *.json file.
// A file that is not a dashboard (invalid JSON, no panels, a bad uid, a uid already loaded) is
// skipped with a warning naming the file and the reason; warnings are logged (spdlog) and
// returned. `allowUiUpdates`, `disableDeletion` and `updateIntervalSeconds` are read and ignored:
// provisioned dashboards are read once at start and never saved from the UI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dashboards/dashboard.h"

namespace otelite::dashboards {

struct ProvisionedFolder {
  std::string uid;
  std::string title;
};

struct ProvisionedDashboards {
  // meta: source kProvisioned, folder, provisioned_path (the file), provisioned_external_id (the
  // file relative to its provider's directory), created_ms/updated_ms (the file's mtime). A
  // dashboard without a uid gets a stable one derived from its path ("p-<hash>").
  std::vector<Dashboard> dashboards;
  std::vector<ProvisionedFolder> folders;
  std::vector<std::string> warnings;
};

// Loads `path`: a directory, a provisioning YAML file (*.yaml, *.yml) or a *.json file. Errors
// (NotFound, InvalidArgument for a YAML file that cannot be read as a provisioning file) are
// about `path` itself; problems with single dashboards or providers are warnings.
Result<ProvisionedDashboards> LoadDashboardsFrom(const std::string& path);

// One directory. `folder_uid`/`folder_title` receive every dashboard unless
// `folders_from_files_structure` (then subdirectories become folders and top-level files go to
// General). `external_root` is what provisioned_external_id is relative to.
struct DirectoryOptions {
  std::string folder_uid;
  std::string folder_title;
  bool folders_from_files_structure = true;
};
Status LoadDashboardDirectory(const std::string& dir, const DirectoryOptions& options,
                              ProvisionedDashboards* out);

// A Grafana provisioning file (dashboards.yaml).
Status LoadProvisioningYaml(const std::string& file, ProvisionedDashboards* out);

// A stable folder uid for a folder key (a directory path or a folder title): the slug of
// `title` (at most 24 characters) and a hash of `key`, "team-db-5f3a09c1e2"; always a valid uid.
std::string DerivedFolderUid(std::string_view key, std::string_view title);

// $VAR and ${VAR} replaced by the environment's values (unset: empty), as Grafana expands its
// provisioning files.
std::string ExpandEnv(std::string_view text);

}  // namespace otelite::dashboards
