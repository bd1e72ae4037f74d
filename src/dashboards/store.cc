#include "dashboards/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/file_util.h"
#include "dashboards/time_range.h"

namespace otelite::dashboards {
namespace {

namespace fs = std::filesystem;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kProvisionedSave = "Cannot save provisioned dashboard";
constexpr const char* kProvisionedDelete = "provisioned dashboard cannot be deleted";
constexpr const char* kNotFound = "Dashboard not found";
constexpr const char* kVersionMismatch = "The dashboard has been changed by someone else";
constexpr const char* kNameExists = "A dashboard with the same name in the folder already exists";

StoreError Error(StoreErrorKind kind, std::string message) { return {kind, std::move(message)}; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Key(Writer& w, const char* key) { w.Key(key); }

std::string FolderUrl(std::string_view uid, std::string_view title) {
  return fmt::format("/dashboards/f/{}/{}", uid, Slugify(title));
}

std::string NormalizeFolderUid(std::string_view uid) {
  return uid == "general" ? std::string() : std::string(uid);
}

// The file an import is kept in: the GET response's shape, {"dashboard":{…},"meta":{…}}.
std::string ImportedFileJson(const Dashboard& d) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("dashboard");
  d.json().Accept(w);
  w.Key("meta");
  w.StartObject();
  auto string = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  string("folderUid", d.meta.folder_uid);
  string("folderTitle", d.meta.folder_title);
  string("created", FormatRfc3339(d.meta.created_ms));
  string("updated", FormatRfc3339(d.meta.updated_ms));
  string("createdBy", d.meta.created_by);
  string("updatedBy", d.meta.updated_by);
  w.EndObject();
  w.EndObject();
  std::string out(buffer.GetString(), buffer.GetSize());
  out.push_back('\n');
  return out;
}

int64_t ParseTimeOr(std::string_view text, int64_t fallback) {
  auto t = ParseTimeExpression(text, 0, false, TimeZone());
  return t.ok() ? *t : fallback;
}

bool HasAllTags(const Dashboard& d, const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    if (std::find(d.tags().begin(), d.tags().end(), tag) == d.tags().end()) return false;
  }
  return true;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

int StoreError::HttpStatus() const {
  switch (kind) {
    case StoreErrorKind::kInvalid:
      return 400;
    case StoreErrorKind::kForbidden:
      return 403;
    case StoreErrorKind::kNotFound:
      return 404;
    case StoreErrorKind::kVersionMismatch:
    case StoreErrorKind::kNameExists:
      return 412;
    case StoreErrorKind::kInternal:
      return 500;
  }
  return 500;
}

const char* StoreError::GrafanaStatus() const {
  switch (kind) {
    case StoreErrorKind::kVersionMismatch:
      return "version-mismatch";
    case StoreErrorKind::kNameExists:
      return "name-exists";
    default:
      return "";
  }
}

std::string StoreError::ToJson() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  if (*GrafanaStatus() != '\0') {
    Key(w, "status");
    w.String(GrafanaStatus());
  }
  Key(w, "message");
  String(w, message);
  w.EndObject();
  return buffer.GetString();
}

std::string SearchHitsJson(const std::vector<SearchHit>& hits) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const SearchHit& hit : hits) {
    w.StartObject();
    Key(w, "id");
    w.Int64(hit.id);
    Key(w, "uid");
    String(w, hit.uid);
    Key(w, "title");
    String(w, hit.title);
    Key(w, "uri");
    String(w, "db/" + hit.slug);
    Key(w, "url");
    String(w, hit.url);
    Key(w, "slug");
    String(w, hit.slug);
    Key(w, "type");
    String(w, hit.type);
    Key(w, "tags");
    w.StartArray();
    for (const std::string& tag : hit.tags) String(w, tag);
    w.EndArray();
    Key(w, "isStarred");
    w.Bool(false);
    if (!hit.folder_uid.empty()) {
      Key(w, "folderUid");
      String(w, hit.folder_uid);
      Key(w, "folderTitle");
      String(w, hit.folder_title);
      Key(w, "folderUrl");
      String(w, hit.folder_url);
    }
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

std::string SaveResult::ToJson() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "id");
  w.Int64(id);
  Key(w, "uid");
  String(w, uid);
  Key(w, "url");
  String(w, url);
  Key(w, "status");
  w.String("success");
  Key(w, "version");
  w.Int64(version);
  Key(w, "slug");
  String(w, slug);
  w.EndObject();
  return buffer.GetString();
}

std::string DeleteResult::ToJson() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "title");
  String(w, title);
  Key(w, "message");
  String(w, fmt::format("Dashboard {} deleted", title));
  Key(w, "id");
  w.Int64(id);
  w.EndObject();
  return buffer.GetString();
}

std::string DashboardResponseJson(const Dashboard& d, const Access& access) {
  const bool imported = d.meta.source == DashboardSource::kImported;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "dashboard");
  d.json().Accept(w);
  Key(w, "meta");
  w.StartObject();
  Key(w, "type");
  w.String("db");
  Key(w, "canSave");
  w.Bool(access.can_write && imported);
  Key(w, "canEdit");
  w.Bool(access.can_write);
  Key(w, "canAdmin");
  w.Bool(access.can_write);
  Key(w, "canStar");
  w.Bool(false);
  Key(w, "canDelete");
  w.Bool(access.can_write && imported);
  Key(w, "slug");
  String(w, d.Slug());
  Key(w, "url");
  String(w, d.Url());
  Key(w, "created");
  String(w, FormatRfc3339(d.meta.created_ms));
  Key(w, "updated");
  String(w, FormatRfc3339(d.meta.updated_ms));
  Key(w, "createdBy");
  String(w, d.meta.created_by);
  Key(w, "updatedBy");
  String(w, d.meta.updated_by);
  Key(w, "version");
  w.Int64(d.version());
  Key(w, "isFolder");
  w.Bool(false);
  Key(w, "folderUid");
  String(w, d.meta.folder_uid);
  Key(w, "folderTitle");
  String(w, d.meta.folder_uid.empty() ? std::string("General") : d.meta.folder_title);
  Key(w, "folderUrl");
  String(w, d.meta.folder_uid.empty() ? std::string()
                                      : FolderUrl(d.meta.folder_uid, d.meta.folder_title));
  Key(w, "provisioned");
  w.Bool(d.meta.source == DashboardSource::kProvisioned);
  Key(w, "provisionedExternalId");
  String(w, d.meta.provisioned_external_id);
  Key(w, "source");
  w.String(DashboardSourceName(d.meta.source));
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

DashboardStore::DashboardStore(DashboardStoreOptions options)
    : options_(std::move(options)), random_(std::random_device{}()) {}

int64_t DashboardStore::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t DashboardStore::IdFor(const std::string& uid) {
  auto [it, inserted] = ids_.try_emplace(uid, next_id_);
  if (inserted) ++next_id_;
  return it->second;
}

void DashboardStore::AddFolder(const std::string& uid, const std::string& title) {
  if (uid.empty() || folders_.count(uid) != 0) return;
  folders_.emplace(uid, FolderEntry{IdFor("folder:" + uid), title});
}

std::string DashboardStore::NewUid() {
  // Like Grafana's generated uids: 14 characters, a letter first.
  static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (;;) {
    std::string uid;
    uid.push_back(kLetters[random_() % kLetters.size()]);
    while (uid.size() < 14) uid.push_back(kChars[random_() % kChars.size()]);
    if (dashboards_.count(uid) == 0) return uid;
  }
}

std::string DashboardStore::ImportedPath(std::string_view uid) const {
  return (fs::path(options_.data_dir) / "dashboards" / (std::string(uid) + ".json")).string();
}

Status DashboardStore::AddBuiltin(std::string_view json) {
  auto parsed = ParseDashboard(json);
  if (!parsed.ok()) {
    return Status::InvalidArgument("builtin dashboard: " + parsed.status().message());
  }
  Dashboard d = std::move(*parsed);
  if (d.uid().empty()) return Status::InvalidArgument("builtin dashboard: no \"uid\"");
  OTELITE_RETURN_IF_ERROR(ValidateUid(d.uid()));
  std::unique_lock lock(mu_);
  auto it = dashboards_.find(d.uid());
  if (it != dashboards_.end() && it->second->meta.source != DashboardSource::kImported) {
    return Status::Ok();  // provisioned replaces builtin; the first builtin stays
  }
  d.meta = DashboardMeta{};
  d.meta.source = DashboardSource::kBuiltin;
  d.meta.created_ms = d.meta.updated_ms = Now();
  d.SetId(IdFor(d.uid()));
  d.SetVersion(1);
  const std::string uid = d.uid();
  dashboards_[uid] = std::make_shared<const Dashboard>(std::move(d));
  return Status::Ok();
}

Status DashboardStore::Provision(const std::string& path) {
  auto loaded = LoadDashboardsFrom(path);
  if (!loaded.ok()) return loaded.status();
  const size_t count = loaded->dashboards.size();
  AddProvisioned(std::move(*loaded));
  spdlog::info("dashboards: {} provisioned from {}", count, path);
  return Status::Ok();
}

void DashboardStore::AddProvisioned(ProvisionedDashboards loaded) {
  std::unique_lock lock(mu_);
  for (const ProvisionedFolder& folder : loaded.folders) AddFolder(folder.uid, folder.title);
  for (Dashboard& d : loaded.dashboards) {
    auto it = dashboards_.find(d.uid());
    if (it != dashboards_.end()) {
      const Dashboard& existing = *it->second;
      if (existing.meta.source == DashboardSource::kProvisioned) {
        spdlog::warn("dashboards: skipping {}: uid \"{}\" is already provisioned from {}",
                     d.meta.provisioned_path, d.uid(), existing.meta.provisioned_path);
        continue;
      }
      if (existing.meta.source == DashboardSource::kImported) {
        spdlog::warn(
            "dashboards: {} replaces the imported dashboard with uid \"{}\" (its file "
            "stays in place)",
            d.meta.provisioned_path, d.uid());
      }
    }
    d.meta.source = DashboardSource::kProvisioned;
    d.SetId(IdFor(d.uid()));
    d.SetVersion(1);
    AddFolder(d.meta.folder_uid, d.meta.folder_title);
    const std::string uid = d.uid();
    dashboards_[uid] = std::make_shared<const Dashboard>(std::move(d));
  }
}

Status DashboardStore::LoadImported() {
  if (options_.data_dir.empty()) return Status::Ok();
  const fs::path dir = fs::path(options_.data_dir) / "dashboards";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Status::IoError(fmt::format("dashboards: create {}: {}", dir.string(), ec.message()));
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (path.extension() == ".tmp") {  // a save interrupted before its rename
      fs::remove(path, ec);
      ec.clear();
      continue;
    }
    std::error_code type_ec;
    if (path.extension() == ".json" && it->is_regular_file(type_ec)) files.push_back(path);
  }
  if (ec)
    return Status::IoError(fmt::format("dashboards: list {}: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  std::unique_lock lock(mu_);
  for (const fs::path& path : files) {
    auto skip = [&](std::string_view why) {
      spdlog::warn("dashboards: skipping {}: {}", path.string(), why);
    };
    std::string data;
    {
      std::ifstream in(path, std::ios::binary);
      std::error_code size_ec;
      const auto size = fs::file_size(path, size_ec);
      if (!in || size_ec) {
        skip("cannot be read");
        continue;
      }
      if (size > kMaxDashboardBytes) {
        skip("larger than the dashboard size limit");
        continue;
      }
      data.resize(size);
      in.read(data.data(), static_cast<std::streamsize>(size));
      data.resize(static_cast<size_t>(in.gcount()));
    }
    rapidjson::Document doc;
    if (Status st = ParseJsonDocument(data, "dashboard JSON", kMaxDashboardBytes, &doc); !st.ok()) {
      skip(st.message());
      continue;
    }
    DashboardMeta meta;
    meta.source = DashboardSource::kImported;
    meta.created_ms = meta.updated_ms = Now();
    if (const rapidjson::Value& root = doc; root.IsObject()) {
      auto m = root.FindMember("meta");
      if (m != root.MemberEnd() && m->value.IsObject() && root.HasMember("dashboard")) {
        const rapidjson::Value& v = m->value;
        meta.folder_uid = NormalizeFolderUid(GetString(v, "folderUid"));
        meta.folder_title = std::string(GetString(v, "folderTitle"));
        meta.created_ms = ParseTimeOr(GetString(v, "created"), meta.created_ms);
        meta.updated_ms = ParseTimeOr(GetString(v, "updated"), meta.updated_ms);
        meta.created_by = std::string(GetString(v, "createdBy"));
        meta.updated_by = std::string(GetString(v, "updatedBy"));
      }
    }
    auto parsed = DashboardFromDocument(std::move(doc));
    if (!parsed.ok()) {
      skip(parsed.status().message());
      continue;
    }
    Dashboard d = std::move(*parsed);
    if (d.uid().empty()) d.SetUid(path.stem().string());
    if (Status st = ValidateUid(d.uid()); !st.ok()) {
      skip(fmt::format("uid \"{}\": {}", d.uid(), st.message()));
      continue;
    }
    if (d.uid() != path.stem().string()) {
      skip(fmt::format("its uid \"{}\" is not its file name", d.uid()));
      continue;
    }
    if (auto it = dashboards_.find(d.uid()); it != dashboards_.end()) {
      skip(fmt::format("uid \"{}\" is already a {} dashboard", d.uid(),
                       DashboardSourceName(it->second->meta.source)));
      continue;
    }
    if (meta.folder_uid.empty()) meta.folder_title.clear();
    if (!meta.folder_uid.empty() && meta.folder_title.empty()) meta.folder_title = meta.folder_uid;
    d.meta = std::move(meta);
    d.SetId(IdFor(d.uid()));
    if (d.version() < 1) d.SetVersion(1);
    AddFolder(d.meta.folder_uid, d.meta.folder_title);
    const std::string uid = d.uid();
    dashboards_[uid] = std::make_shared<const Dashboard>(std::move(d));
  }
  return Status::Ok();
}

std::vector<SearchHit> DashboardStore::Search(const SearchOptions& options) const {
  const std::string query = Lower(options.query);
  std::vector<std::string> folder_filter;
  for (const std::string& uid : options.folder_uids)
    folder_filter.push_back(NormalizeFolderUid(uid));
  auto title_matches = [&](std::string_view title) {
    return query.empty() || Lower(title).find(query) != std::string::npos;
  };
  auto by_title = [](const SearchHit& a, const SearchHit& b) {
    const std::string la = Lower(a.title), lb = Lower(b.title);
    return la != lb ? la < lb : a.uid < b.uid;
  };
  std::vector<SearchHit> folders, dashboards;
  std::shared_lock lock(mu_);
  if (options.type != SearchOptions::Type::kDashboards && options.tags.empty() &&
      options.dashboard_uids.empty() && options.folder_uids.empty()) {
    for (const auto& [uid, folder] : folders_) {
      if (!title_matches(folder.title)) continue;
      SearchHit hit;
      hit.id = folder.id;
      hit.uid = uid;
      hit.title = folder.title;
      hit.slug = Slugify(folder.title);
      hit.url = FolderUrl(uid, folder.title);
      hit.type = "dash-folder";
      folders.push_back(std::move(hit));
    }
  }
  if (options.type != SearchOptions::Type::kFolders) {
    for (const auto& [uid, d] : dashboards_) {
      if (!title_matches(d->title()) || !HasAllTags(*d, options.tags)) continue;
      if (!options.dashboard_uids.empty() && !Contains(options.dashboard_uids, uid)) continue;
      if (!folder_filter.empty() && !Contains(folder_filter, d->meta.folder_uid)) continue;
      SearchHit hit;
      hit.id = d->id();
      hit.uid = uid;
      hit.title = d->title();
      hit.slug = d->Slug();
      hit.url = d->Url();
      hit.type = "dash-db";
      hit.tags = d->tags();
      hit.folder_uid = d->meta.folder_uid;
      if (!hit.folder_uid.empty()) {
        hit.folder_title = d->meta.folder_title;
        hit.folder_url = FolderUrl(hit.folder_uid, hit.folder_title);
      }
      dashboards.push_back(std::move(hit));
    }
  }
  lock.unlock();
  std::sort(folders.begin(), folders.end(), by_title);
  std::sort(dashboards.begin(), dashboards.end(), by_title);
  folders.insert(folders.end(), std::make_move_iterator(dashboards.begin()),
                 std::make_move_iterator(dashboards.end()));
  const size_t limit = options.limit == 0 ? 1000 : std::min<size_t>(options.limit, 5000);
  const size_t page = std::max<size_t>(options.page, 1);
  const size_t skip = (page - 1) > folders.size() / limit ? folders.size() : (page - 1) * limit;
  std::vector<SearchHit> out;
  for (size_t i = skip; i < folders.size() && out.size() < limit; ++i) {
    out.push_back(std::move(folders[i]));
  }
  return out;
}

std::shared_ptr<const Dashboard> DashboardStore::Get(std::string_view uid) const {
  std::shared_lock lock(mu_);
  auto it = dashboards_.find(uid);
  return it == dashboards_.end() ? nullptr : it->second;
}

StoreResult<SaveResult> DashboardStore::Save(std::string_view json, bool overwrite,
                                             std::string_view folder_uid_in,
                                             std::string_view user) {
  auto parsed = ParseDashboard(json);
  if (!parsed.ok()) return Error(StoreErrorKind::kInvalid, parsed.status().message());
  Dashboard d = std::move(*parsed);
  if (!d.uid().empty()) {
    if (Status st = ValidateUid(d.uid()); !st.ok()) {
      return Error(StoreErrorKind::kInvalid, st.message());
    }
  }
  const std::string folder_uid = NormalizeFolderUid(folder_uid_in);
  const int64_t now = Now();

  std::unique_lock lock(mu_);
  std::string folder_title;
  if (!folder_uid.empty()) {
    auto folder = folders_.find(folder_uid);
    if (folder == folders_.end()) return Error(StoreErrorKind::kInvalid, "Folder not found");
    folder_title = folder->second.title;
  }
  std::shared_ptr<const Dashboard> existing;
  if (!d.uid().empty()) {
    if (auto it = dashboards_.find(d.uid()); it != dashboards_.end()) existing = it->second;
  }
  if (existing && existing->meta.source != DashboardSource::kImported) {
    return Error(StoreErrorKind::kForbidden, kProvisionedSave);
  }
  // Another dashboard with the title in the folder.
  for (const auto& [uid, other] : dashboards_) {
    if (uid == d.uid() || other->meta.folder_uid != folder_uid || other->title() != d.title()) {
      continue;
    }
    if (!overwrite || existing || other->meta.source != DashboardSource::kImported) {
      return Error(StoreErrorKind::kNameExists, kNameExists);
    }
    // Grafana: overwriting by title takes the other dashboard's place (and its uid).
    d.SetUid(uid);
    existing = other;
    break;
  }
  if (existing && !overwrite && d.version() != existing->version()) {
    return Error(StoreErrorKind::kVersionMismatch, kVersionMismatch);
  }
  if (d.uid().empty()) d.SetUid(NewUid());

  DashboardMeta& meta = d.meta;
  meta.source = DashboardSource::kImported;
  meta.folder_uid = folder_uid;
  meta.folder_title = folder_title;
  meta.created_ms = existing ? existing->meta.created_ms : now;
  meta.created_by = existing ? existing->meta.created_by : std::string(user);
  meta.updated_ms = now;
  meta.updated_by = std::string(user);
  d.SetVersion(existing ? existing->version() + 1 : 1);
  d.SetId(IdFor(d.uid()));

  if (!options_.data_dir.empty()) {
    std::error_code ec;
    fs::create_directories(fs::path(options_.data_dir) / "dashboards", ec);
    if (Status st = WriteFileAtomically(ImportedPath(d.uid()), ImportedFileJson(d)); !st.ok()) {
      spdlog::error("dashboards: saving \"{}\": {}", d.uid(), st.message());
      return Error(StoreErrorKind::kInternal, "Failed to save dashboard: " + st.message());
    }
  }
  SaveResult result{d.id(), d.uid(), d.Url(), d.Slug(), d.version()};
  const std::string uid = d.uid();
  dashboards_[uid] = std::make_shared<const Dashboard>(std::move(d));
  return result;
}

StoreResult<DeleteResult> DashboardStore::Delete(std::string_view uid) {
  std::unique_lock lock(mu_);
  auto it = dashboards_.find(uid);
  if (it == dashboards_.end()) return Error(StoreErrorKind::kNotFound, kNotFound);
  if (it->second->meta.source != DashboardSource::kImported) {
    return Error(StoreErrorKind::kForbidden, kProvisionedDelete);
  }
  if (!options_.data_dir.empty()) {
    const std::string path = ImportedPath(uid);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      const Status st = ErrnoError("unlink " + path);
      spdlog::error("dashboards: deleting \"{}\": {}", uid, st.message());
      return Error(StoreErrorKind::kInternal, "Failed to delete dashboard: " + st.message());
    }
    SyncDirectory(fs::path(path).parent_path().string());
  }
  DeleteResult result{it->second->id(), it->second->title()};
  dashboards_.erase(it);
  return result;
}

std::vector<Folder> DashboardStore::Folders() const {
  std::shared_lock lock(mu_);
  std::vector<Folder> out;
  for (const auto& [uid, folder] : folders_) out.push_back({folder.id, uid, folder.title});
  return out;
}

size_t DashboardStore::size() const {
  std::shared_lock lock(mu_);
  return dashboards_.size();
}

}  // namespace otelite::dashboards
