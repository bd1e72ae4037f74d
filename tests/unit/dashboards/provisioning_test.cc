#include "dashboards/provisioning.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "dashboards/store.h"
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

std::string Json(std::string_view uid, std::string_view title) {
  std::string out = "{";
  if (!uid.empty()) out += "\"uid\":\"" + std::string(uid) + "\",";
  return out + "\"title\":\"" + std::string(title) + "\",\"panels\":[]}";
}

const Dashboard* ByUid(const ProvisionedDashboards& loaded, std::string_view uid) {
  for (const Dashboard& d : loaded.dashboards) {
    if (d.uid() == uid) return &d;
  }
  return nullptr;
}

bool HasWarning(const ProvisionedDashboards& loaded, std::string_view a, std::string_view b) {
  return std::any_of(loaded.warnings.begin(), loaded.warnings.end(), [&](const std::string& w) {
    return w.find(a) != std::string::npos && w.find(b) != std::string::npos;
  });
}

std::string Warnings(const ProvisionedDashboards& loaded) {
  std::string out;
  for (const std::string& w : loaded.warnings) out += w + "\n";
  return out;
}

TEST(ProvisioningTest, DirectoryWithSubdirectoriesAsFolders) {
  TempDir tmp;
  WriteFile(tmp.path() / "top.json", Json("top", "Top"));
  WriteFile(tmp.path() / "team/b.json", Json("b", "B"));
  WriteFile(tmp.path() / "team/db/c.json", Json("c", "C"));
  WriteFile(tmp.path() / "team/readme.md", "# not a dashboard, not *.json: ignored silently");
  WriteFile(tmp.path() / "broken.json", "{\"title\":");
  WriteFile(tmp.path() / "nopanels.json", R"({"title":"X"})");
  WriteFile(tmp.path() / "zz/dup.json", Json("top", "Duplicate"));  // after top.json (walk order)
  WriteFile(tmp.path() / "baduid.json", Json("a b", "Bad uid"));
  WriteFile(tmp.path() / "nouid.json", Json("", "No uid"));

  auto loaded = LoadDashboardsFrom(tmp.str());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->dashboards.size(), 4u) << Warnings(*loaded);

  const Dashboard* top = ByUid(*loaded, "top");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->meta.source, DashboardSource::kProvisioned);
  EXPECT_EQ(top->meta.folder_uid, "");  // files at the top go to General
  EXPECT_EQ(top->meta.provisioned_path, (tmp.path() / "top.json").string());
  EXPECT_EQ(top->meta.provisioned_external_id, "top.json");
  EXPECT_GT(top->meta.updated_ms, 0);

  const Dashboard* b = ByUid(*loaded, "b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->meta.folder_title, "team");
  EXPECT_EQ(b->meta.folder_uid, DerivedFolderUid("dir:team", "team"));
  EXPECT_EQ(b->meta.provisioned_external_id, "team/b.json");
  const Dashboard* c = ByUid(*loaded, "c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->meta.folder_title, "team/db");
  EXPECT_NE(c->meta.folder_uid, b->meta.folder_uid);
  ASSERT_EQ(loaded->folders.size(), 2u);

  // The dashboard without a uid gets one derived from its path, the same at every load.
  std::string derived;
  for (const Dashboard& d : loaded->dashboards) {
    if (d.title() == "No uid") derived = d.uid();
  }
  EXPECT_EQ(derived.substr(0, 2), "p-");
  EXPECT_TRUE(ValidateUid(derived).ok());
  auto again = LoadDashboardsFrom(tmp.str());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(ByUid(*again, derived), nullptr);

  // Every skipped file is named with its reason.
  EXPECT_TRUE(HasWarning(*loaded, (tmp.path() / "broken.json").string(), "invalid JSON"))
      << Warnings(*loaded);
  EXPECT_TRUE(HasWarning(*loaded, (tmp.path() / "nopanels.json").string(), "no \"panels\" array"));
  EXPECT_TRUE(HasWarning(*loaded, (tmp.path() / "zz/dup.json").string(),
                         "uid \"top\" is already used by " + (tmp.path() / "top.json").string()));
  EXPECT_TRUE(HasWarning(*loaded, (tmp.path() / "baduid.json").string(), "illegal characters"));
  EXPECT_EQ(loaded->warnings.size(), 4u) << Warnings(*loaded);
}

TEST(ProvisioningTest, ProvisioningYaml) {
  TempDir tmp;
  WriteFile(tmp.path() / "boards/team/a.json", Json("a", "A"));
  WriteFile(tmp.path() / "boards/team/b.json", Json("b", "B"));
  WriteFile(tmp.path() / "by-structure/ops/c.json", Json("c", "C"));
  WriteFile(tmp.path() / "by-structure/d.json", Json("d", "D"));
  WriteFile(tmp.path() / "env/e.json", Json("e", "E"));
  WriteFile(tmp.path() / "single.json", Json("s", "Single"));
  ::setenv("OTELITE_TEST_DASHBOARD_DIR", (tmp.path() / "env").c_str(), 1);
  WriteFile(tmp.path() / "conf/dashboards.yaml", R"(apiVersion: 1
providers:
  - name: team
    orgId: 1
    folder: 'Team Boards'
    folderUid: team-boards
    type: file
    allowUiUpdates: true
    options:
      path: ../boards
  - name: structure
    options:
      path: ../by-structure
      foldersFromFilesStructure: true
  - name: titled
    folder: Env Folder
    options:
      path: ${OTELITE_TEST_DASHBOARD_DIR}
  - name: one-file
    options:
      path: ../single.json
  - name: other-type
    type: sqlite
    options:
      path: /x
  - name: missing
    options:
      path: /nonexistent/otelite/dashboards
  - name: conflicting
    folder: X
    options:
      path: ../boards
      foldersFromFilesStructure: true
  - name: no-path
    folder: Y
)");
  auto loaded = LoadDashboardsFrom((tmp.path() / "conf/dashboards.yaml").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ::unsetenv("OTELITE_TEST_DASHBOARD_DIR");

  const Dashboard* a = ByUid(*loaded, "a");
  ASSERT_NE(a, nullptr) << Warnings(*loaded);
  // Without foldersFromFilesStructure every file of the provider goes to its folder.
  EXPECT_EQ(a->meta.folder_uid, "team-boards");
  EXPECT_EQ(a->meta.folder_title, "Team Boards");
  EXPECT_EQ(a->meta.provisioned_external_id, "team/a.json");
  EXPECT_EQ(ByUid(*loaded, "b")->meta.folder_uid, "team-boards");
  const Dashboard* c = ByUid(*loaded, "c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->meta.folder_title, "ops");
  EXPECT_EQ(ByUid(*loaded, "d")->meta.folder_uid, "");
  const Dashboard* e = ByUid(*loaded, "e");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->meta.folder_title, "Env Folder");
  EXPECT_EQ(e->meta.folder_uid, DerivedFolderUid("folder:Env Folder", "Env Folder"));
  ASSERT_NE(ByUid(*loaded, "s"), nullptr);
  EXPECT_EQ(loaded->dashboards.size(), 6u);

  EXPECT_TRUE(HasWarning(*loaded, "provider other-type", "type \"sqlite\" is not supported"))
      << Warnings(*loaded);
  EXPECT_TRUE(HasWarning(*loaded, "provider missing", "/nonexistent/otelite/dashboards"));
  EXPECT_TRUE(HasWarning(*loaded, "provider conflicting", "foldersFromFilesStructure"));
  EXPECT_TRUE(HasWarning(*loaded, "provider no-path", "no options.path"));
  EXPECT_EQ(loaded->warnings.size(), 4u) << Warnings(*loaded);
}

TEST(ProvisioningTest, OldListFormAndErrors) {
  TempDir tmp;
  WriteFile(tmp.path() / "boards/a.json", Json("a", "A"));
  WriteFile(tmp.path() / "v0.yml",
            "- name: default\n  folder: Old\n  options:\n    path: boards\n");
  auto v0 = LoadDashboardsFrom((tmp.path() / "v0.yml").string());
  ASSERT_TRUE(v0.ok()) << v0.status().message();
  ASSERT_EQ(v0->dashboards.size(), 1u);
  EXPECT_EQ(v0->dashboards[0].meta.folder_title, "Old");

  WriteFile(tmp.path() / "bad.yaml", "providers: [unclosed");
  auto bad = LoadDashboardsFrom((tmp.path() / "bad.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find((tmp.path() / "bad.yaml").string()), std::string::npos);
  WriteFile(tmp.path() / "empty.yaml", "apiVersion: 1\n");
  auto empty = LoadDashboardsFrom((tmp.path() / "empty.yaml").string());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no \"providers\" list"), std::string::npos);

  auto missing = LoadDashboardsFrom((tmp.path() / "nope").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  WriteFile(tmp.path() / "notes.txt", "x");
  auto other = LoadDashboardsFrom((tmp.path() / "notes.txt").string());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
}

TEST(ProvisioningTest, DerivedFolderUidAndExpandEnv) {
  const std::string uid = DerivedFolderUid("dir:team/db", "team/db");
  EXPECT_TRUE(ValidateUid(uid).ok()) << uid;
  EXPECT_EQ(uid.substr(0, 8), "team-db-");
  EXPECT_EQ(uid, DerivedFolderUid("dir:team/db", "team/db"));
  EXPECT_NE(uid, DerivedFolderUid("dir:team/dc", "team/db"));
  const std::string long_title(100, 'x');
  EXPECT_TRUE(ValidateUid(DerivedFolderUid("k", long_title)).ok());
  EXPECT_EQ(DerivedFolderUid("k", "!!!").substr(0, 7), "folder-");

  ::setenv("OTELITE_TEST_X", "value", 1);
  EXPECT_EQ(ExpandEnv("a/$OTELITE_TEST_X/b"), "a/value/b");
  EXPECT_EQ(ExpandEnv("a/${OTELITE_TEST_X}b"), "a/valueb");
  EXPECT_EQ(ExpandEnv("$OTELITE_TEST_UNSET_VAR|"), "|");
  EXPECT_EQ(ExpandEnv("cost $"), "cost $");
  EXPECT_EQ(ExpandEnv("${unclosed"), "${unclosed");
  ::unsetenv("OTELITE_TEST_X");
}

TEST(ProvisioningTest, SeedDashboards) {
  const std::string dir = std::string(OTELITE_SHARED_DIR) + "/compat/seed-dashboards";
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " not found";
  // The directory: the two dashboards; its YAML files are not dashboards and not *.json.
  auto loaded = LoadDashboardsFrom(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->dashboards.size(), 2u) << Warnings(*loaded);
  EXPECT_TRUE(loaded->warnings.empty()) << Warnings(*loaded);
  EXPECT_NE(ByUid(*loaded, "claude-code-personal"), nullptr);
  EXPECT_NE(ByUid(*loaded, "claude-code-deep"), nullptr);

  // The seed's own provisioning file points at /var/lib/grafana/dashboards (the Docker stack's
  // path): a warning, not an error.
  auto seed_yaml = LoadDashboardsFrom(dir + "/dashboards.yaml");
  ASSERT_TRUE(seed_yaml.ok()) << seed_yaml.status().message();
  if (!fs::exists("/var/lib/grafana/dashboards")) {
    EXPECT_TRUE(seed_yaml->dashboards.empty());
    EXPECT_TRUE(HasWarning(*seed_yaml, "claude-code-dashboards", "/var/lib/grafana/dashboards"))
        << Warnings(*seed_yaml);
  }

  // The same provider pointed at the seed directory puts both in the folder "Claude Code".
  TempDir tmp;
  WriteFile(tmp.path() / "dashboards.yaml",
            "apiVersion: 1\nproviders:\n  - name: 'claude-code-dashboards'\n    orgId: 1\n"
            "    folder: 'Claude Code'\n    type: file\n    options:\n      path: " +
                dir + "\n");
  DashboardStore store;
  ASSERT_TRUE(
      store.AddBuiltin(R"({"uid":"claude-code-personal","title":"Ours","panels":[]})").ok());
  ASSERT_TRUE(store.Provision((tmp.path() / "dashboards.yaml").string()).ok());
  auto overview = store.Get("claude-code-personal");
  ASSERT_NE(overview, nullptr);
  EXPECT_EQ(overview->title(), "Claude Code - Personal Observability");  // replaced the builtin
  EXPECT_EQ(overview->meta.source, DashboardSource::kProvisioned);
  EXPECT_EQ(overview->meta.folder_title, "Claude Code");
  EXPECT_EQ(overview->meta.provisioned_external_id, "claude-code-dashboard.json");
  SearchOptions folders;
  folders.type = SearchOptions::Type::kFolders;
  auto hits = store.Search(folders);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].title, "Claude Code");
}

}  // namespace
}  // namespace otelite::dashboards
