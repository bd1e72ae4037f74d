// The builtin Overview and Deep Dive dashboards (src/dashboards/builtin/*.json, described in
// docs/dashboards.md): valid dashboard JSON with the seed's UIDs, every panel the seed's
// dashboards have, a layout inside Grafana's 24 columns, template variables on every query, and
// every query accepted by otelite's own PromQL and LogQL parsers once Grafana's variables are
// substituted. The numbers the queries give are checked against real data in docs/dashboards.md;
// here only what can rot silently when someone edits the JSON.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/logql/parser.h"
#include "query/promql/parser.h"
#include "read_file.h"

namespace otelite {
namespace {

namespace fs = std::filesystem;

fs::path BuiltinDir() { return fs::path(OTELITE_SOURCE_DIR) / "src" / "dashboards" / "builtin"; }

struct Dashboard {
  std::string file;
  std::string uid;
  std::string datasource_type;  // the adhoc variable's and the variable queries' datasource
  std::string other_uid;        // the dashboard the links lead to
  std::vector<std::string> titles;
};

// gtest prints a failing parameter with this instead of its bytes.
void PrintTo(const Dashboard& dashboard, std::ostream* out) { *out << dashboard.file; }

const std::vector<Dashboard>& Dashboards() {
  static const std::vector<Dashboard> dashboards = {
      {"claude-code-overview.json",
       "claude-code-personal",
       "prometheus",
       "claude-code-deep",
       {"Total Cost",
        "Total Sessions",
        "Total Tokens",
        "Lines of Code",
        "Git Commits",
        "Pull Requests",
        "Cost Over Time (by Model)",
        "Token Usage Over Time (by Type)",
        "Cost Distribution by Model",
        "Token Distribution by Type",
        "Lines of Code (Added vs Removed)",
        "Output Tokens by Model",
        "Output Tokens Over Time (by Model)",
        "Activity Over Time (Sessions, Commits, PRs)",
        "Lines of Code Over Time (Added/Removed)",
        "Active Time (User vs CLI)",
        "Code Edit Decisions (Accept/Reject)",
        "Cost by Model",
        "Tokens by Type & Model",
        "Cost by Session",
        "Edit Decisions by Tool & Decision"}},
      {"claude-code-deep-dive.json",
       "claude-code-deep",
       "loki",
       "claude-code-personal",
       {"Total Prompts",
        "Total Tool Calls",
        "Total API Requests",
        "API Errors",
        "Failed Tool Calls",
        "Rejected Tools",
        "All Events Over Time",
        "Prompts Over Time",
        "Prompt Log (Recent Prompts)",
        "API Requests by Model",
        "Cost Distribution by Model",
        "Speed Mode (Normal vs Fast)",
        "Model Usage Over Time",
        "Avg Output Tokens by Model (Effort Proxy)",
        "Model Usage per Session",
        "Tool Usage Distribution",
        "Successful Tool Calls by Tool",
        "Tool Decisions (Accept/Reject)",
        "Tool Calls Over Time (by Tool)",
        "Avg Tool Duration Over Time (ms)",
        "Tool Execution Log",
        "MCP Server Usage (by scope)",
        "MCP Server Calls Over Time",
        "MCP Tool Calls Log",
        "Skills Invocation Log",
        "Cost per API Request (by Model)",
        "Avg API Response Time (by Model)",
        "Input/Output Tokens per API Request",
        "Fast vs Normal Mode",
        "API Requests Log",
        "API Errors Log",
        "Full Event Stream (all sessions)"}},
  };
  return dashboards;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Grafana's substitutions with sample values: a 24 h range, a 10 m interval, and variables as
// Grafana writes them into a regex matcher (`All` as the allValue; several values as an escaped
// alternation, here with the `[1m]` context suffix Claude Code puts on model names).
std::vector<std::string> Substituted(const std::string& expr) {
  std::string base = expr;
  base = ReplaceAll(base, "$__interval_ms", "600000");
  base = ReplaceAll(base, "$__range_s", "86400");
  base = ReplaceAll(base, "$__range_ms", "86400000");
  base = ReplaceAll(base, "$__rate_interval", "10m15s");
  base = ReplaceAll(base, "$__interval", "10m");
  base = ReplaceAll(base, "$__range", "86400s");
  base = ReplaceAll(base, "$__auto", "10m");
  std::string all =
      ReplaceAll(ReplaceAll(ReplaceAll(base, "$user", ".*"), "$session", ".*"), "$model", ".*");
  std::string some =
      ReplaceAll(base, "$user", "(alice\\\\.smith@example\\\\.com|bob@example\\\\.org)");
  some = ReplaceAll(some, "$session", "7bebc6f6-5277-4895-b337-20e777492a03");
  some = ReplaceAll(some, "$model", "(claude-opus-4-8|claude-sonnet-4-6\\\\[1m\\\\])");
  return {all, some};
}

std::string Str(simdjson::dom::element e, std::string_view key) {
  std::string_view value;
  if (e[key].get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

int64_t Int(simdjson::dom::element e, std::string_view key, int64_t fallback = -1) {
  int64_t value;
  if (e[key].get(value) != simdjson::SUCCESS) return fallback;
  return value;
}

bool Bool(simdjson::dom::element e, std::string_view key) {
  bool value = false;
  if (e[key].get(value) != simdjson::SUCCESS) return false;
  return value;
}

// The panels, rows' nested panels included (a collapsed row holds its panels).
void CollectPanels(simdjson::dom::array panels, std::vector<simdjson::dom::element>* out) {
  for (simdjson::dom::element panel : panels) {
    out->push_back(panel);
    simdjson::dom::array nested;
    if (panel["panels"].get(nested) == simdjson::SUCCESS) CollectPanels(nested, out);
  }
}

class BuiltinDashboardTest : public ::testing::TestWithParam<Dashboard> {
 protected:
  void SetUp() override {
    text_ = testing::ReadFileBytes(BuiltinDir() / GetParam().file);
    ASSERT_FALSE(text_.empty()) << "cannot read " << (BuiltinDir() / GetParam().file);
    auto parsed = parser_.parse(text_);
    ASSERT_EQ(parsed.error(), simdjson::SUCCESS)
        << GetParam().file << ": " << simdjson::error_message(parsed.error());
    root_ = parsed.value();
    simdjson::dom::array panels;
    ASSERT_EQ(root_["panels"].get(panels), simdjson::SUCCESS) << "no panels array";
    CollectPanels(panels, &panels_);
  }

  std::string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  std::vector<simdjson::dom::element> panels_;
};

TEST_P(BuiltinDashboardTest, IdentityTimeAndRefresh) {
  const Dashboard& d = GetParam();
  EXPECT_EQ(Str(root_, "uid"), d.uid);
  EXPECT_FALSE(Str(root_, "title").empty());
  EXPECT_GE(Int(root_, "schemaVersion"), 36);
  EXPECT_EQ(Str(root_, "refresh"), "30s");
  EXPECT_EQ(Str(root_["time"], "to"), "now");
  EXPECT_EQ(Str(root_["time"], "from"), d.uid == "claude-code-personal" ? "now-24h" : "now-6h");
  simdjson::dom::array intervals;
  ASSERT_EQ(root_["timepicker"]["refresh_intervals"].get(intervals), simdjson::SUCCESS);
  EXPECT_GT(intervals.size(), 3u);
  // The empty state: the dashboard says how to turn Claude Code's telemetry on.
  EXPECT_NE(Str(root_, "description").find("CLAUDE_CODE_ENABLE_TELEMETRY=1"), std::string::npos);
}

TEST_P(BuiltinDashboardTest, LinksToTheOtherDashboardKeepingTimeAndVariables) {
  simdjson::dom::array links;
  ASSERT_EQ(root_["links"].get(links), simdjson::SUCCESS);
  bool found = false;
  for (simdjson::dom::element link : links) {
    if (Str(link, "url").find("/d/" + GetParam().other_uid + "/") != 0) continue;
    found = true;
    EXPECT_TRUE(Bool(link, "keepTime"));
    EXPECT_TRUE(Bool(link, "includeVars"));
  }
  EXPECT_TRUE(found) << "no link to /d/" << GetParam().other_uid << "/";
}

TEST_P(BuiltinDashboardTest, EveryExpectedPanelIsThere) {
  std::multiset<std::string> titles;
  for (simdjson::dom::element panel : panels_) titles.insert(Str(panel, "title"));
  for (const std::string& title : GetParam().titles) {
    EXPECT_EQ(titles.count(title), 1u) << "panel \"" << title << "\"";
  }
}

TEST_P(BuiltinDashboardTest, PanelsHaveUniqueIdsKnownTypesAndFitTheGrid) {
  static const std::set<std::string> kTypes = {"stat",  "timeseries", "piechart",
                                               "table", "logs",       "row"};
  std::set<int64_t> ids;
  for (simdjson::dom::element panel : panels_) {
    const std::string title = Str(panel, "title");
    const std::string type = Str(panel, "type");
    EXPECT_TRUE(kTypes.count(type)) << title << ": type " << type;
    const int64_t id = Int(panel, "id");
    EXPECT_GT(id, 0) << title;
    EXPECT_TRUE(ids.insert(id).second) << title << ": id " << id << " used twice";
    simdjson::dom::element grid = panel["gridPos"];
    const int64_t x = Int(grid, "x"), y = Int(grid, "y"), w = Int(grid, "w"), h = Int(grid, "h");
    EXPECT_GE(x, 0) << title;
    EXPECT_GE(y, 0) << title;
    EXPECT_GE(w, 1) << title;
    EXPECT_GE(h, 1) << title;
    EXPECT_LE(x + w, 24) << title << ": gridPos beyond 24 columns";
    if (type == "row") continue;
    // Empty-state text: what the panel shows, for when it shows nothing.
    EXPECT_GT(Str(panel, "description").size(), 20u) << title << ": no description";
    if (type == "logs") {
      EXPECT_TRUE(Bool(panel["options"], "enableLogDetails")) << title;
      EXPECT_EQ(Str(panel["options"], "sortOrder"), "Descending") << title;
    }
  }
}

TEST_P(BuiltinDashboardTest, PanelsDoNotOverlap) {
  std::vector<std::pair<std::string, simdjson::dom::element>> boxes;
  for (simdjson::dom::element panel : panels_)
    boxes.push_back({Str(panel, "title"), panel["gridPos"]});
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      simdjson::dom::element a = boxes[i].second, b = boxes[j].second;
      const bool apart =
          Int(a, "x") + Int(a, "w") <= Int(b, "x") || Int(b, "x") + Int(b, "w") <= Int(a, "x") ||
          Int(a, "y") + Int(a, "h") <= Int(b, "y") || Int(b, "y") + Int(b, "h") <= Int(a, "y");
      EXPECT_TRUE(apart) << "\"" << boxes[i].first << "\" overlaps \"" << boxes[j].first << "\"";
    }
  }
}

TEST_P(BuiltinDashboardTest, EveryQueryParsesAndUsesTheVariables) {
  int queries = 0;
  for (simdjson::dom::element panel : panels_) {
    simdjson::dom::array targets;
    if (panel["targets"].get(targets) != simdjson::SUCCESS) continue;
    const std::string title = Str(panel, "title");
    const std::string panel_ds = Str(panel["datasource"], "type");
    EXPECT_EQ(panel_ds, GetParam().datasource_type) << title;
    for (simdjson::dom::element target : targets) {
      const std::string expr = Str(target, "expr");
      const std::string ds = Str(target["datasource"], "type");
      ASSERT_FALSE(expr.empty()) << title;
      EXPECT_EQ(ds, panel_ds) << title;
      EXPECT_NE(expr.find("$user"), std::string::npos) << title << ": " << expr;
      EXPECT_NE(expr.find("$session"), std::string::npos) << title << ": " << expr;
      for (const std::string& query : Substituted(expr)) {
        ++queries;
        if (ds == "prometheus") {
          auto parsed = promql::ParseExpr(query);
          EXPECT_TRUE(parsed.ok()) << title << ": " << parsed.ErrorString() << "\n" << query;
        } else {
          ASSERT_EQ(ds, "loki") << title;
          auto parsed = logql::ParseQuery(query);
          EXPECT_TRUE(parsed.ok()) << title << ": " << parsed.status().message() << "\n" << query;
        }
      }
    }
  }
  EXPECT_GT(queries, 40);
}

// user, model and session: multi-select with All matching every value (also an absent label),
// options from the dashboard's datasource; plus ad hoc filters for custom resource attributes.
TEST_P(BuiltinDashboardTest, TemplateVariables) {
  simdjson::dom::array list;
  ASSERT_EQ(root_["templating"]["list"].get(list), simdjson::SUCCESS);
  std::map<std::string, simdjson::dom::element> by_name;
  for (simdjson::dom::element v : list) by_name[Str(v, "name")] = v;
  for (const char* name : {"user", "model", "session"}) {
    ASSERT_TRUE(by_name.count(name)) << "variable " << name;
    simdjson::dom::element v = by_name[name];
    EXPECT_EQ(Str(v, "type"), "query") << name;
    EXPECT_TRUE(Bool(v, "multi")) << name;
    EXPECT_TRUE(Bool(v, "includeAll")) << name;
    EXPECT_EQ(Str(v, "allValue"), ".*") << name;
    EXPECT_EQ(Str(v["datasource"], "type"), GetParam().datasource_type) << name;
    // label_values(<selector>, <label>): the selector must parse in the datasource's language.
    std::string query = Str(v, "query");
    ASSERT_EQ(query.rfind("label_values(", 0), 0u) << name << ": " << query;
    const size_t comma = query.rfind(',');
    ASSERT_NE(comma, std::string::npos) << query;
    std::string selector = query.substr(13, comma - 13);
    for (const std::string& s : Substituted(selector)) {
      if (GetParam().datasource_type == "prometheus") {
        auto parsed = promql::ParseExpr(s);
        EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.ErrorString() << "\n" << s;
      } else {
        auto parsed = logql::ParseQuery(s);
        EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.status().message() << "\n" << s;
      }
    }
  }
  bool adhoc = false;
  for (simdjson::dom::element v : list) {
    if (Str(v, "type") != "adhoc") continue;
    adhoc = true;
    EXPECT_EQ(Str(v["datasource"], "type"), GetParam().datasource_type);
  }
  EXPECT_TRUE(adhoc) << "no adhoc variable";
}

INSTANTIATE_TEST_SUITE_P(Builtin, BuiltinDashboardTest, ::testing::ValuesIn(Dashboards()),
                         [](const ::testing::TestParamInfo<Dashboard>& info) {
                           return info.param.uid == "claude-code-personal"
                                      ? std::string("Overview")
                                      : std::string("DeepDive");
                         });

// The Overview's totals must stay exact (docs/dashboards.md): every Prometheus query counts with
// anchored increase, never with plain increase/rate (which misses series that have one sample,
// e.g. every session's session.count).
TEST(BuiltinOverview, TotalsUseAnchoredIncrease) {
  std::string text = testing::ReadFileBytes(BuiltinDir() / "claude-code-overview.json");
  ASSERT_FALSE(text.empty());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(text).get(root), simdjson::SUCCESS);
  std::vector<simdjson::dom::element> panels;
  CollectPanels(root["panels"].get_array().value(), &panels);
  for (simdjson::dom::element panel : panels) {
    simdjson::dom::array targets;
    if (panel["targets"].get(targets) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element target : targets) {
      const std::string expr = Str(target, "expr");
      size_t increases = 0, anchored = 0;
      for (size_t at = expr.find("increase("); at != std::string::npos;
           at = expr.find("increase(", at + 1)) {
        ++increases;
      }
      for (size_t at = expr.find("] anchored"); at != std::string::npos;
           at = expr.find("] anchored", at + 1)) {
        ++anchored;
      }
      EXPECT_GT(increases, 0u) << Str(panel, "title");
      EXPECT_EQ(increases, anchored) << Str(panel, "title") << ": " << expr;
      EXPECT_EQ(expr.find("rate("), std::string::npos) << Str(panel, "title");
    }
  }
}

}  // namespace
}  // namespace otelite
