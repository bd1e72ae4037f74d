// Grafana's render URLs on the UI listener, drawn natively (render/, Cairo), with the same
// login as the UI:
//   GET /render/d-solo/<uid>[/<slug>]?panelId=&width=&height=&from=&to=&tz=&theme=&scale=&var-x=
//   GET /render/d/<uid>[/<slug>]?width=&height=&from=&to=&tz=&theme=&scale=&var-x=
// 200 image/png; unknown dashboard or panel 404 and bad parameters 400 with a JSON message; a
// panel whose queries fail is still drawn (the error text in the image) and answered 422 so that
// scripts notice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http/router.h"
#include "api/ui/query_api.h"

namespace otelite::api::ui {

// What a render URL gives: status 200/422 with PNG bytes, or 400/404 with a JSON message.
struct RenderedPng {
  http::status status = http::status::ok;
  std::string body;
  std::string content_type = "image/png";
  std::vector<std::string> warnings;  // also in the X-Otelite-Render-Warnings header
};

// Renders a render URL's target ("/render/d-solo/<uid>?panelId=…") in-process: the HTTP routes
// and `otelite render --data` both use it.
RenderedPng RenderTarget(const QueryApi& api, std::string_view target);

// Registers the two routes (with the UI's login) on the UI router.
void RegisterRenderApi(const QueryApi& api, Router* router);

}  // namespace otelite::api::ui
