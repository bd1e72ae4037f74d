// A Grafana dashboard: its JSON as a mutable DOM (rapidjson, so that a dashboard round-trips:
// stored, given a new id/uid/version, served back with every field it came with) and the facts the
// store and the API need (uid, title, tags, version, folder, where it came from).
//
// Accepted forms: the dashboard object itself, Grafana's `{"dashboard": {...}, ...}` wrapper
// (exports, the import API, GET /api/dashboards/uid responses), and the "export for sharing
// externally" form with `__inputs` and `${DS_...}` datasource references (kept as they are;
// datasources are resolved when panels are queried).
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace otelite::dashboards {

inline constexpr size_t kMaxDashboardBytes = 16u << 20;
// Nesting deeper than this is refused when parsing (rapidjson's writer and copies recurse).
inline constexpr int kMaxJsonDepth = 100;

// Parses `json` into `doc` (full-precision numbers, UTF-8 validated, at most `max_bytes` and
// kMaxJsonDepth levels). Errors start with `what`: `dashboard JSON: invalid JSON at offset 12:
// Missing a comma or '}' after an object member.`; TooLarge over `max_bytes`.
Status ParseJsonDocument(std::string_view json, std::string_view what, size_t max_bytes,
                         rapidjson::Document* doc);

// `value` written as compact JSON.
std::string WriteJson(const rapidjson::Value& value);

// Where a dashboard in the store comes from.
enum class DashboardSource { kBuiltin, kProvisioned, kImported };
const char* DashboardSourceName(DashboardSource source);  // "builtin", "provisioned", "imported"

// What the store knows about a dashboard besides its JSON.
struct DashboardMeta {
  DashboardSource source = DashboardSource::kImported;
  std::string folder_uid;               // "" = General
  std::string folder_title;             // "" = General
  std::string provisioned_path;         // the file (provisioned)
  std::string provisioned_external_id;  // the file relative to its provider's directory
  int64_t created_ms = 0;               // Unix ms
  int64_t updated_ms = 0;
  std::string created_by;
  std::string updated_by;
};

// A parsed dashboard. Movable, not copyable (Clone() copies). Not thread-safe for writes; the
// store shares snapshots as shared_ptr<const Dashboard>.
class Dashboard {
 public:
  Dashboard();
  Dashboard(Dashboard&&) noexcept;
  Dashboard& operator=(Dashboard&&) noexcept;
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;
  ~Dashboard();

  // A deep copy (JSON and facts).
  Dashboard Clone() const;

  // The dashboard object (unwrapped).
  const rapidjson::Value& json() const { return doc_; }

  const std::string& uid() const { return uid_; }  // "" when the JSON has none
  const std::string& title() const { return title_; }
  const std::vector<std::string>& tags() const { return tags_; }
  int64_t version() const { return version_; }  // 0 when the JSON has none
  int64_t id() const { return id_; }            // 0 when the JSON has none (or null)
  // The dashboard's "time" (defaults now-6h / now), "timezone" and "weekStart" ("" when unset).
  const std::string& time_from() const { return time_from_; }
  const std::string& time_to() const { return time_to_; }
  const std::string& timezone() const { return timezone_; }
  const std::string& week_start() const { return week_start_; }
  // The exported form ("__inputs" present): datasource references like ${DS_PROMETHEUS}.
  bool has_inputs() const { return has_inputs_; }

  // Set the fact and the JSON member together.
  void SetUid(std::string_view uid);
  void SetId(int64_t id);
  void SetVersion(int64_t version);

  std::string Slug() const;  // Slugify(title())
  std::string Url() const;   // "/d/<uid>/<slug>" ("/d/<uid>" when the slug is empty)

  // The dashboard JSON (compact).
  std::string ToJson() const;

  DashboardMeta meta;

 private:
  friend Result<Dashboard> DashboardFromDocument(rapidjson::Document doc);
  void SetMember(const char* name, rapidjson::Value value);

  rapidjson::Document doc_;
  std::string uid_;
  std::string title_;
  std::vector<std::string> tags_;
  int64_t version_ = 0;
  int64_t id_ = 0;
  std::string time_from_ = "now-6h";
  std::string time_to_ = "now";
  std::string timezone_;
  std::string week_start_;
  bool has_inputs_ = false;
};

// Parses and checks a dashboard. InvalidArgument naming what is wrong: `dashboard JSON: not an
// object`, `dashboard has no "panels" array`, `dashboard "title" must be a non-empty string`,
// `dashboard "panels"[3] is not an object`, invalid JSON with its offset; TooLarge over
// kMaxDashboardBytes.
Result<Dashboard> ParseDashboard(std::string_view json);
// The same checks on an already parsed document (unwrapped when it is `{"dashboard": {...}}`).
Result<Dashboard> DashboardFromDocument(rapidjson::Document doc);

// Grafana's URL slug: ASCII letters lower-cased, digits kept, every run of other characters one
// '-', no '-' at either end. "Claude Code - Personal Observability" ->
// "claude-code-personal-observability".
std::string Slugify(std::string_view title);

// Grafana's uid rules: at most 40 characters of [A-Za-z0-9_-]. InvalidArgument otherwise ("uid
// contains illegal characters", "uid too long, max 40 characters").
Status ValidateUid(std::string_view uid);

// The panel with this id: top-level panels, rows, and panels nested in collapsed rows
// (`row.panels`). nullptr when there is none.
const rapidjson::Value* FindPanel(const Dashboard& dashboard, int64_t id);

// Every panel that is not a row and has an integer id, in dashboard order (rows' nested panels in
// place of their row).
std::vector<const rapidjson::Value*> Panels(const Dashboard& dashboard);

// A panel's or JSON object's integer member ("id"), if it has one.
bool GetInt64(const rapidjson::Value& object, const char* name, int64_t* out);
// A string member as a view into the DOM; `fallback` when absent or not a string.
std::string_view GetString(const rapidjson::Value& object, const char* name,
                           std::string_view fallback = {});

}  // namespace otelite::dashboards
