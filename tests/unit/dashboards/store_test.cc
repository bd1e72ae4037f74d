#include "dashboards/store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "temp_dir.h"

namespace otelite::dashboards {
namespace {

namespace fs = std::filesystem;

using otelite::testing::TempDir;

void WriteFile(const fs::path& path, std::string_view contents) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

std::string Json(std::string_view uid, std::string_view title, int version = 0,
                 std::string_view tags = "[]") {
  std::string out = "{";
  if (!uid.empty()) out += "\"uid\":\"" + std::string(uid) + "\",";
  out += "\"title\":\"" + std::string(title) + "\",\"tags\":" + std::string(tags);
  if (version > 0) out += ",\"version\":" + std::to_string(version);
  out += ",\"panels\":[{\"id\":1,\"type\":\"stat\"}]}";
  return out;
}

rapidjson::Document Dom(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

constexpr int64_t kNow = 1795601853000;  // 2026-11-25T10:17:33Z

DashboardStoreOptions Options(const std::string& data_dir = "") {
  DashboardStoreOptions options;
  options.data_dir = data_dir;
  options.now_ms = [] { return kNow; };
  return options;
}

TEST(DashboardStoreTest, BuiltinDashboards) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview", 9)).ok());
  ASSERT_TRUE(store.AddBuiltin(Json("deep", "Deep Dive")).ok());
  auto d = store.Get("overview");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->meta.source, DashboardSource::kBuiltin);
  EXPECT_EQ(d->id(), 1);
  EXPECT_EQ(d->version(), 1);  // builtin and provisioned dashboards are version 1
  EXPECT_EQ(d->meta.created_ms, kNow);
  EXPECT_EQ(store.Get("deep")->id(), 2);
  EXPECT_EQ(store.Get("missing"), nullptr);
  // The JSON carries the store's id and version.
  EXPECT_EQ(d->json()["id"].GetInt64(), 1);
  EXPECT_EQ(d->json()["version"].GetInt64(), 1);
  EXPECT_FALSE(store.AddBuiltin(Json("", "No uid")).ok());
  EXPECT_FALSE(store.AddBuiltin("{").ok());
}

TEST(DashboardStoreTest, ProvisionedReplacesBuiltin) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  ProvisionedDashboards loaded;
  auto p = ParseDashboard(Json("overview", "Their Overview"));
  ASSERT_TRUE(p.ok());
  p->meta.provisioned_path = "/etc/dash/overview.json";
  p->meta.provisioned_external_id = "overview.json";
  loaded.dashboards.push_back(std::move(*p));
  store.AddProvisioned(std::move(loaded));
  auto d = store.Get("overview");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->title(), "Their Overview");
  EXPECT_EQ(d->meta.source, DashboardSource::kProvisioned);
  EXPECT_EQ(d->id(), 1);  // the uid keeps its id
  // A builtin added later does not take the place back.
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  EXPECT_EQ(store.Get("overview")->title(), "Their Overview");
  EXPECT_EQ(store.size(), 1u);
}

TEST(DashboardStoreTest, SaveNewDashboardGeneratesUidAndPersists) {
  TempDir tmp;
  std::string uid;
  {
    DashboardStore store(Options(tmp.str()));
    ASSERT_TRUE(store.LoadImported().ok());
    auto saved = store.Save(Json("", "My Board", 0, R"(["x"])"), false, "", "admin");
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    uid = saved->uid;
    EXPECT_EQ(uid.size(), 14u);
    EXPECT_TRUE(uid[0] >= 'a' && uid[0] <= 'z');
    EXPECT_TRUE(ValidateUid(uid).ok());
    EXPECT_EQ(saved->version, 1);
    EXPECT_EQ(saved->slug, "my-board");
    EXPECT_EQ(saved->url, "/d/" + uid + "/my-board");
    EXPECT_EQ(Dom(saved->ToJson()),
              Dom(R"({"id":1,"uid":")" + uid + R"(","url":"/d/)" + uid +
                  R"(/my-board","status":"success","version":1,"slug":"my-board"})"));
    EXPECT_TRUE(fs::exists(fs::path(tmp.str()) / "dashboards" / (uid + ".json")));
    auto d = store.Get(uid);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->meta.source, DashboardSource::kImported);
    EXPECT_EQ(d->meta.created_by, "admin");
    EXPECT_EQ(GetString(d->json(), "uid"), uid);
  }
  // A new store reads it back.
  DashboardStore reopened(Options(tmp.str()));
  ASSERT_TRUE(reopened.LoadImported().ok());
  auto d = reopened.Get(uid);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->title(), "My Board");
  EXPECT_EQ(d->version(), 1);
  EXPECT_EQ(d->tags(), std::vector<std::string>{"x"});
  EXPECT_EQ(d->meta.source, DashboardSource::kImported);
  EXPECT_EQ(d->meta.created_ms, kNow);
  EXPECT_EQ(d->meta.created_by, "admin");
}

TEST(DashboardStoreTest, VersionsAndVersionMismatch) {
  DashboardStore store(Options());
  auto first = store.Save(Json("b1", "Board"), false, "", "admin");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->version, 1);
  auto second = store.Save(Json("b1", "Board", 1), false, "", "admin");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->id, first->id);
  // Someone saves on top of version 1 while 2 is stored.
  auto stale = store.Save(Json("b1", "Board", 1), false, "", "admin");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().kind, StoreErrorKind::kVersionMismatch);
  EXPECT_EQ(stale.error().HttpStatus(), 412);
  EXPECT_EQ(Dom(stale.error().ToJson()),
            Dom(R"({"status":"version-mismatch","message":"The dashboard has been changed by )"
                R"(someone else"})"));
  // overwrite=true saves anyway, on top of the stored version.
  auto forced = store.Save(Json("b1", "Board", 1), true, "", "admin");
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->version, 3);
  EXPECT_EQ(store.Get("b1")->version(), 3);
}

TEST(DashboardStoreTest, NameExistsInTheSameFolder) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.Save(Json("one", "Same"), false, "", "admin").ok());
  auto clash = store.Save(Json("two", "Same"), false, "", "admin");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, StoreErrorKind::kNameExists);
  EXPECT_EQ(Dom(clash.error().ToJson()),
            Dom(R"({"status":"name-exists","message":"A dashboard with the same name in the )"
                R"(folder already exists"})"));
  // With overwrite the new dashboard takes the other's place and uid (Grafana).
  auto replaced = store.Save(Json("two", "Same"), true, "", "admin");
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->uid, "one");
  EXPECT_EQ(replaced->version, 2);
  EXPECT_EQ(store.Get("two"), nullptr);
  EXPECT_EQ(store.size(), 1u);
  // A builtin's title cannot be taken, even with overwrite.
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  auto builtin_title = store.Save(Json("mine", "Overview"), true, "", "admin");
  ASSERT_FALSE(builtin_title.ok());
  EXPECT_EQ(builtin_title.error().kind, StoreErrorKind::kNameExists);
}

TEST(DashboardStoreTest, RefusesBuiltinAndProvisioned) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  for (bool overwrite : {false, true}) {
    auto saved = store.Save(Json("overview", "Changed"), overwrite, "", "admin");
    ASSERT_FALSE(saved.ok());
    EXPECT_EQ(saved.error().kind, StoreErrorKind::kForbidden);
    EXPECT_EQ(saved.error().HttpStatus(), 403);
    EXPECT_EQ(saved.error().ToJson(), R"({"message":"Cannot save provisioned dashboard"})");
  }
  auto deleted = store.Delete("overview");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().kind, StoreErrorKind::kForbidden);
  EXPECT_EQ(store.Get("overview")->title(), "Overview");
}

TEST(DashboardStoreTest, SaveErrors) {
  DashboardStore store(Options());
  auto not_json = store.Save("{", false, "", "admin");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().HttpStatus(), 400);
  EXPECT_NE(not_json.error().message.find("invalid JSON"), std::string::npos);
  auto no_panels = store.Save(R"({"title":"T"})", false, "", "admin");
  ASSERT_FALSE(no_panels.ok());
  EXPECT_EQ(no_panels.error().ToJson(), R"({"message":"dashboard has no \"panels\" array"})");
  auto bad_uid = store.Save(Json("../x", "T"), false, "", "admin");
  ASSERT_FALSE(bad_uid.ok());
  EXPECT_EQ(bad_uid.error().message, "uid contains illegal characters");
  auto no_folder = store.Save(Json("x", "T"), false, "nope", "admin");
  ASSERT_FALSE(no_folder.ok());
  EXPECT_EQ(no_folder.error().HttpStatus(), 400);
  EXPECT_EQ(no_folder.error().message, "Folder not found");
  // "general" is the General folder.
  EXPECT_TRUE(store.Save(Json("x", "T"), false, "general", "admin").ok());
  EXPECT_EQ(store.Get("x")->meta.folder_uid, "");
}

TEST(DashboardStoreTest, SaveIntoAProvisionedFolder) {
  DashboardStore store(Options());
  ProvisionedDashboards loaded;
  loaded.folders.push_back({"team", "Team"});
  store.AddProvisioned(std::move(loaded));
  auto saved = store.Save(Json("t1", "Board"), false, "team", "admin");
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(store.Get("t1")->meta.folder_title, "Team");
  // The same title in another folder is no clash.
  EXPECT_TRUE(store.Save(Json("t2", "Board"), false, "", "admin").ok());
}

TEST(DashboardStoreTest, Delete) {
  TempDir tmp;
  DashboardStore store(Options(tmp.str()));
  ASSERT_TRUE(store.Save(Json("gone", "Gone Board"), false, "", "admin").ok());
  const fs::path file = fs::path(tmp.str()) / "dashboards" / "gone.json";
  ASSERT_TRUE(fs::exists(file));
  const int64_t id = store.Get("gone")->id();
  auto deleted = store.Delete("gone");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(Dom(deleted->ToJson()),
            Dom(R"({"title":"Gone Board","message":"Dashboard Gone Board deleted","id":)" +
                std::to_string(id) + "}"));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(store.Get("gone"), nullptr);
  auto again = store.Delete("gone");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().HttpStatus(), 404);
  EXPECT_EQ(again.error().ToJson(), R"({"message":"Dashboard not found"})");
  // A uid keeps its id for the process's life.
  ASSERT_TRUE(store.Save(Json("gone", "Gone Board"), false, "", "admin").ok());
  EXPECT_EQ(store.Get("gone")->id(), id);
}

TEST(DashboardStoreTest, SnapshotsSurviveLaterSaves) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.Save(Json("s", "Before"), false, "", "admin").ok());
  auto before = store.Get("s");
  ASSERT_TRUE(store.Save(Json("s", "After", 1), false, "", "admin").ok());
  EXPECT_EQ(before->title(), "Before");
  EXPECT_EQ(store.Get("s")->title(), "After");
}

TEST(DashboardStoreTest, LoadImportedSkipsWhatItCannotUse) {
  TempDir tmp;
  const fs::path dir = fs::path(tmp.str()) / "dashboards";
  WriteFile(dir / "good.json", Json("good", "Good"));  // plain dashboard JSON is read too
  WriteFile(dir / "broken.json", "{");
  WriteFile(dir / "overview.json", Json("overview", "Mine"));  // a builtin's uid
  WriteFile(dir / "renamed.json", Json("other", "Renamed"));   // uid is not the file name
  WriteFile(dir / "good2.json.tmp", "partial");
  WriteFile(dir / "notes.txt", "not a dashboard");
  WriteFile(dir / "nouid.json", Json("", "No uid"));
  DashboardStore store(Options(tmp.str()));
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  ASSERT_TRUE(store.LoadImported().ok());
  EXPECT_NE(store.Get("good"), nullptr);
  EXPECT_EQ(store.Get("good")->version(), 1);
  EXPECT_EQ(store.Get("overview")->title(), "Overview");
  EXPECT_EQ(store.Get("other"), nullptr);
  ASSERT_NE(store.Get("nouid"), nullptr);  // the file name is the uid
  EXPECT_EQ(store.Get("nouid")->title(), "No uid");
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(fs::exists(dir / "good2.json.tmp"));
  EXPECT_TRUE(fs::exists(dir / "overview.json"));  // skipped, never deleted
}

TEST(DashboardStoreTest, Search) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("b", "beta board", 0, R"(["prod","db"])")).ok());
  ASSERT_TRUE(store.AddBuiltin(Json("a", "Alpha", 0, R"(["prod"])")).ok());
  ProvisionedDashboards loaded;
  loaded.folders.push_back({"team", "Team Stuff"});
  auto p = ParseDashboard(Json("c", "Gamma", 0, R"(["db"])"));
  ASSERT_TRUE(p.ok());
  p->meta.folder_uid = "team";
  p->meta.folder_title = "Team Stuff";
  loaded.dashboards.push_back(std::move(*p));
  store.AddProvisioned(std::move(loaded));

  auto uids = [](const std::vector<SearchHit>& hits) {
    std::vector<std::string> out;
    for (const SearchHit& hit : hits) out.push_back(hit.uid);
    return out;
  };
  SearchOptions dashboards;
  dashboards.type = SearchOptions::Type::kDashboards;
  // Sorted by title, ignoring case.
  EXPECT_EQ(uids(store.Search(dashboards)), (std::vector<std::string>{"a", "b", "c"}));
  SearchOptions all;
  EXPECT_EQ(uids(store.Search(all)), (std::vector<std::string>{"team", "a", "b", "c"}));
  SearchOptions folders;
  folders.type = SearchOptions::Type::kFolders;
  EXPECT_EQ(uids(store.Search(folders)), (std::vector<std::string>{"team"}));
  SearchOptions query = dashboards;
  query.query = "BOARD";
  EXPECT_EQ(uids(store.Search(query)), (std::vector<std::string>{"b"}));
  SearchOptions tags;
  tags.tags = {"prod"};
  EXPECT_EQ(uids(store.Search(tags)), (std::vector<std::string>{"a", "b"}));
  tags.tags = {"prod", "db"};
  EXPECT_EQ(uids(store.Search(tags)), (std::vector<std::string>{"b"}));
  SearchOptions in_folder;
  in_folder.folder_uids = {"team"};
  EXPECT_EQ(uids(store.Search(in_folder)), (std::vector<std::string>{"c"}));
  in_folder.folder_uids = {"general"};
  EXPECT_EQ(uids(store.Search(in_folder)), (std::vector<std::string>{"a", "b"}));
  SearchOptions by_uid;
  by_uid.dashboard_uids = {"c", "a"};
  EXPECT_EQ(uids(store.Search(by_uid)), (std::vector<std::string>{"a", "c"}));
  SearchOptions paged = dashboards;
  paged.limit = 2;
  paged.page = 2;
  EXPECT_EQ(uids(store.Search(paged)), (std::vector<std::string>{"c"}));
  paged.page = 1000000;
  EXPECT_TRUE(store.Search(paged).empty());

  // The /api/search JSON.
  const std::string json = SearchHitsJson(store.Search(all));
  const rapidjson::Document doc = Dom(json);
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 4u);
  const std::string folder_hit = WriteJson(doc[0]);
  EXPECT_EQ(Dom(folder_hit),
            Dom(R"({"id":)" + std::to_string(doc[0]["id"].GetInt64()) +
                R"(,"uid":"team","title":"Team Stuff","uri":"db/team-stuff",)"
                R"("url":"/dashboards/f/team/team-stuff","slug":"team-stuff","type":"dash-folder",)"
                R"("tags":[],"isStarred":false})"));
  EXPECT_EQ(Dom(WriteJson(doc[1])),
            Dom(R"({"id":2,"uid":"a","title":"Alpha","uri":"db/alpha","url":"/d/a/alpha",)"
                R"("slug":"alpha","type":"dash-db","tags":["prod"],"isStarred":false})"));
  EXPECT_EQ(Dom(WriteJson(doc[3])),
            Dom(R"({"id":)" + std::to_string(doc[3]["id"].GetInt64()) +
                R"(,"uid":"c","title":"Gamma","uri":"db/gamma","url":"/d/c/gamma",)"
                R"("slug":"gamma","type":"dash-db","tags":["db"],"isStarred":false,)"
                R"("folderUid":"team","folderTitle":"Team Stuff",)"
                R"("folderUrl":"/dashboards/f/team/team-stuff"})"));
}

TEST(DashboardStoreTest, GetResponseJson) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  ASSERT_TRUE(store.Save(Json("mine", "Mine"), false, "", "admin").ok());
  {
    const rapidjson::Document doc = Dom(DashboardResponseJson(*store.Get("overview"), {true}));
    EXPECT_EQ(std::string(doc["dashboard"]["uid"].GetString()), "overview");
    EXPECT_EQ(doc["dashboard"]["id"].GetInt64(), 1);
    const rapidjson::Value& meta = doc["meta"];
    EXPECT_EQ(std::string(meta["type"].GetString()), "db");
    EXPECT_FALSE(meta["canSave"].GetBool());
    EXPECT_TRUE(meta["canEdit"].GetBool());
    EXPECT_FALSE(meta["canStar"].GetBool());
    EXPECT_FALSE(meta["provisioned"].GetBool());
    EXPECT_EQ(std::string(meta["source"].GetString()), "builtin");
    EXPECT_EQ(std::string(meta["slug"].GetString()), "overview");
    EXPECT_EQ(std::string(meta["url"].GetString()), "/d/overview/overview");
    EXPECT_EQ(std::string(meta["created"].GetString()), "2026-11-25T10:17:33Z");
    EXPECT_EQ(std::string(meta["folderTitle"].GetString()), "General");
    EXPECT_EQ(meta["version"].GetInt64(), 1);
  }
  {
    const rapidjson::Document doc = Dom(DashboardResponseJson(*store.Get("mine"), {true}));
    EXPECT_TRUE(doc["meta"]["canSave"].GetBool());
    EXPECT_TRUE(doc["meta"]["canDelete"].GetBool());
    EXPECT_EQ(std::string(doc["meta"]["source"].GetString()), "imported");
    EXPECT_EQ(std::string(doc["meta"]["createdBy"].GetString()), "admin");
  }
  {
    const rapidjson::Document doc = Dom(DashboardResponseJson(*store.Get("mine"), {false}));
    EXPECT_FALSE(doc["meta"]["canSave"].GetBool());
    EXPECT_FALSE(doc["meta"]["canEdit"].GetBool());
  }
}

TEST(DashboardStoreTest, ConcurrentReadersAndWriters) {
  DashboardStore store(Options());
  ASSERT_TRUE(store.AddBuiltin(Json("overview", "Overview")).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto d = store.Get("overview");
        if (d == nullptr || d->title() != "Overview") ADD_FAILURE() << "lost the builtin";
        store.Search(SearchOptions{});
        auto w = store.Get("w");
        if (w != nullptr) (void)w->ToJson();
        ++reads;
      }
    });
  }
  // Writes start once the readers run (saves without a data directory are quick enough to
  // finish before a thread starts on a busy machine).
  while (reads.load() == 0) std::this_thread::yield();
  for (int i = 0; i < 200; ++i) {
    auto saved = store.Save(Json("w", "Writer", i), false, "", "admin");
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    EXPECT_EQ(saved->version, i + 1);
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace otelite::dashboards
