// The dashboard store: every dashboard the UI serves, by uid, with Grafana's save rules.
//
// Sources (docs/ui.md "Dashboards loaded at start"):
//   builtin      AddBuiltin(): the project's own dashboards, embedded in the binary;
//   provisioned  Provision(): directories and Grafana provisioning files; a provisioned dashboard
//                with a builtin's uid replaces the builtin;
//   imported     Save() (POST /api/dashboards/db, uploads), persisted one file per dashboard in
//                `<data>/dashboards/<uid>.json` (docs/formats/dashboards.md) and read back by
//                LoadImported(). Builtin and provisioned dashboards cannot be saved or deleted
//                (403), and an imported file whose uid is builtin or provisioned is skipped.
// Numeric ids are assigned per process, incrementally, and stay with a uid for the process's life.
// Versions: builtin and provisioned dashboards are version 1; an import starts at 1 and each save
// adds 1.
//
// Thread-safe: readers (Search, Get) share a lock; Save and Delete take it exclusively and write
// their file before the change becomes visible. Get returns an immutable snapshot that stays valid
// after later saves.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "dashboards/dashboard.h"
#include "dashboards/provisioning.h"

namespace otelite::dashboards {

// Why a store operation failed, as the API maps it to HTTP (Grafana's statuses and messages).
enum class StoreErrorKind {
  kInvalid,          // 400: not a dashboard, bad uid, unknown folder
  kForbidden,        // 403: builtin or provisioned
  kNotFound,         // 404: "Dashboard not found"
  kVersionMismatch,  // 412: {"status":"version-mismatch"}
  kNameExists,       // 412: {"status":"name-exists"}
  kInternal,         // 500: the file could not be written or removed
};

struct StoreError {
  StoreErrorKind kind = StoreErrorKind::kInternal;
  std::string message;

  int HttpStatus() const;
  // "version-mismatch", "name-exists", or "" for the other kinds.
  const char* GrafanaStatus() const;
  // The response body: {"message":"…"}, with "status" for the 412s.
  std::string ToJson() const;
};

// A value or the StoreError explaining why there is none.
template <typename T>
class [[nodiscard]] StoreResult {
 public:
  StoreResult(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  StoreResult(StoreError error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const StoreError& error() const { return std::get<1>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }

 private:
  std::variant<T, StoreError> v_;
};

// GET /api/search parameters.
struct SearchOptions {
  enum class Type { kAll, kDashboards, kFolders };  // "", "dash-db", "dash-folder"
  std::string query;                                // case-insensitive substring of the title
  std::vector<std::string> tags;                    // a dashboard must have all of them
  std::vector<std::string> dashboard_uids;          // when not empty: only these dashboards
  std::vector<std::string> folder_uids;  // when not empty: only in these ("general" or "")
  Type type = Type::kAll;
  size_t limit = 1000;  // 0: the default 1000; at most 5000
  size_t page = 1;      // 1-based
};

// One /api/search result.
struct SearchHit {
  int64_t id = 0;
  std::string uid;
  std::string title;
  std::string slug;
  std::string url;   // "/d/<uid>/<slug>" or, for folders, "/dashboards/f/<uid>/<slug>"
  std::string type;  // "dash-db" or "dash-folder"
  std::vector<std::string> tags;
  std::string folder_uid;  // "" for General (then absent from the JSON, as Grafana)
  std::string folder_title;
  std::string folder_url;
};

// The /api/search response: [{"id","uid","title","uri","url","slug","type","tags","isStarred",
// "folderUid","folderTitle","folderUrl"}…].
std::string SearchHitsJson(const std::vector<SearchHit>& hits);

struct SaveResult {
  int64_t id = 0;
  std::string uid;
  std::string url;
  std::string slug;
  int64_t version = 0;
  // {"id":n,"uid":"…","url":"/d/…","status":"success","version":n,"slug":"…"}
  std::string ToJson() const;
};

struct DeleteResult {
  int64_t id = 0;
  std::string title;
  // {"title":"…","message":"Dashboard <title> deleted","id":n}
  std::string ToJson() const;
};

struct Folder {
  int64_t id = 0;
  std::string uid;
  std::string title;
};

// What the caller may do, for the GET response's meta.
struct Access {
  bool can_write = false;  // the Admin role: may save imported dashboards, edit, delete
};

// GET /api/dashboards/uid/<uid>: {"dashboard":{…},"meta":{"type":"db","canSave",…,"source"}}.
std::string DashboardResponseJson(const Dashboard& dashboard, const Access& access);

struct DashboardStoreOptions {
  // Imported dashboards are kept in `<data_dir>/dashboards/`; "" keeps them in memory only.
  std::string data_dir;
  // Unix ms now (tests set it).
  std::function<int64_t()> now_ms;
};

class DashboardStore {
 public:
  explicit DashboardStore(DashboardStoreOptions options = {});

  // A builtin dashboard (it must have a uid). Ignored when a provisioned dashboard has the uid.
  Status AddBuiltin(std::string_view json);
  // Loads `path` (LoadDashboardsFrom) and adds what it found; warnings are logged. Errors only
  // for `path` itself.
  Status Provision(const std::string& path);
  void AddProvisioned(ProvisionedDashboards loaded);
  // Reads `<data_dir>/dashboards/*.json` (creating the directory). Files that cannot be read are
  // skipped with a warning; an error only when the directory cannot be created or listed.
  Status LoadImported();

  std::vector<SearchHit> Search(const SearchOptions& options) const;
  // The dashboard with this uid, or nullptr.
  std::shared_ptr<const Dashboard> Get(std::string_view uid) const;
  // Saves an import (Grafana's POST /api/dashboards/db rules). `json` is the dashboard (or the
  // wrapper form). A missing uid is generated. `overwrite` = false: 412 version-mismatch when the
  // stored dashboard's version differs from the given one, 412 name-exists when another dashboard
  // in the folder has the title. `overwrite` = true with the title of another imported dashboard
  // in the folder replaces that one (it keeps that one's uid), as Grafana does. `folder_uid`: ""
  // or "general" for General, else a known folder.
  StoreResult<SaveResult> Save(std::string_view json, bool overwrite, std::string_view folder_uid,
                               std::string_view user);
  // Deletes an imported dashboard (its file too).
  StoreResult<DeleteResult> Delete(std::string_view uid);

  std::vector<Folder> Folders() const;
  size_t size() const;

 private:
  struct FolderEntry {
    int64_t id;
    std::string title;
  };

  int64_t IdFor(const std::string& uid);  // exclusive lock held
  void AddFolder(const std::string& uid, const std::string& title);
  std::string NewUid();
  std::string ImportedPath(std::string_view uid) const;
  int64_t Now() const;

  const DashboardStoreOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const Dashboard>, std::less<>> dashboards_;
  std::map<std::string, int64_t, std::less<>> ids_;  // uid -> id, for the process's life
  std::map<std::string, FolderEntry, std::less<>> folders_;
  int64_t next_id_ = 1;
  std::mt19937_64 random_;
};

}  // namespace otelite::dashboards
