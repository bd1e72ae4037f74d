// Dashboard JSON and the UI's request bodies: arbitrary bytes through ParseDashboard (with
// FindPanel, Panels, Clone, the setters and ToJson) and the three request parsers. Checks what
// must hold whatever the input: a parsed dashboard's JSON parses back to the same JSON and facts,
// every listed panel is found by its id, and a clone with a new uid/id/version is still a
// dashboard.
#include <cstdint>
#include <string>
#include <string_view>

#include "dashboards/dashboard.h"
#include "dashboards/requests.h"

namespace {

namespace dashboards = otelite::dashboards;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void Dashboard(std::string_view input) {
  auto d = dashboards::ParseDashboard(input);
  if (!d.ok()) {
    Check(!d.status().message().empty());
    return;
  }
  Check(!d->title().empty());
  const std::string json = d->ToJson();
  auto again = dashboards::ParseDashboard(json);
  Check(again.ok());
  Check(again->ToJson() == json);
  Check(again->uid() == d->uid() && again->title() == d->title() && again->tags() == d->tags());
  Check(again->version() == d->version() && again->id() == d->id());
  for (const rapidjson::Value* panel : dashboards::Panels(*d)) {
    int64_t id = 0;
    Check(dashboards::GetInt64(*panel, "id", &id));
    Check(dashboards::FindPanel(*d, id) != nullptr);
  }
  (void)dashboards::FindPanel(*d, 1);
  const std::string slug = dashboards::Slugify(d->title());
  Check(slug.empty() || (slug.front() != '-' && slug.back() != '-'));
  dashboards::Dashboard copy = d->Clone();
  Check(copy.ToJson() == json);
  copy.SetUid("fuzz-uid");
  copy.SetId(7);
  copy.SetVersion(3);
  auto edited = dashboards::ParseDashboard(copy.ToJson());
  Check(edited.ok());
  Check(edited->uid() == "fuzz-uid" && edited->id() == 7 && edited->version() == 3);
  Check(d->ToJson() == json);  // the original is untouched
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Dashboard(input);
  auto panel = dashboards::ParsePanelQueryRequest(input);
  if (panel.ok())
    Check(panel->panel != nullptr || (!panel->dashboard_uid.empty() && panel->panel_id));
  auto variable = dashboards::ParseVariableOptionsRequest(input);
  if (variable.ok()) Check(variable->variable != nullptr || !variable->name.empty());
  auto ds = dashboards::ParseDsQueryRequest(input);
  if (ds.ok()) {
    Check(!ds->queries.empty() && ds->queries.size() <= dashboards::kMaxQueriesPerRequest);
    for (const dashboards::Target& t : ds->queries) Check(!t.ref_id.empty());
  }
  return 0;
}
