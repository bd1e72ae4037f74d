// Grafana's dashboard HTTP API subset on the UI listener (docs/ui.md), over the dashboard store:
//   GET    /api/search                 ?query= &tag= (repeated) &type=dash-db|dash-folder
//                                      &dashboardUIDs= &folderUIDs= &limit= &page=
//   GET    /api/dashboards/uid/<uid>   {"dashboard": …, "meta": …}
//   POST   /api/dashboards/db          {"dashboard": …, "overwrite": bool, "folderUid": …} (Admin)
//   DELETE /api/dashboards/uid/<uid>   imported dashboards only (Admin)
//   GET    /api/folders                [{"id", "uid", "title"}]
// Shapes, status codes and messages as Grafana's HTTP API reference gives them.
#pragma once

#include "api/http/router.h"
#include "api/ui/auth.h"
#include "dashboards/store.h"

namespace otelite::api::ui {

// Neither is owned; both must outlive the router.
void RegisterDashboardsApi(Auth* auth, dashboards::DashboardStore* store, Router* router);

}  // namespace otelite::api::ui
