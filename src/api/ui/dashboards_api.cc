#include "api/ui/dashboards_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <charconv>

#include "api/ui/ui_api.h"

namespace otelite::api::ui {
namespace {

namespace dash = otelite::dashboards;

// The last path segment ("/api/dashboards/uid/<uid>").
std::string_view LastSegment(const Request& request) {
  std::string_view path = TargetPath(ToStd(request.target()));
  return path.substr(path.rfind('/') + 1);
}

// Splits repeated and comma-separated values (`tag=a&tag=b`, `dashboardUIDs=a,b`).
std::vector<std::string> ListParam(std::string_view target, std::string_view name) {
  std::vector<std::string> out;
  for (const std::string& value : QueryValues(target, name)) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

bool SizeParam(std::string_view target, std::string_view name, size_t* out, std::string* error) {
  auto values = QueryValues(target, name);
  if (values.empty() || values.front().empty()) return true;
  const std::string& v = values.front();
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    *error = fmt::format("\"{}\" must be a non-negative integer, got \"{}\"", name, v);
    return false;
  }
  return true;
}

Response StoreErrorResponse(const Request& request, const dash::StoreError& error) {
  return JsonResponse(request, static_cast<http::status>(error.HttpStatus()), error.ToJson());
}

}  // namespace

void RegisterDashboardsApi(Auth* auth, dash::DashboardStore* store, Router* router) {
  router->Handle(
      http::verb::get, "/api/search",
      Protect(auth, Role::kViewer, [store](const Request& request, const Principal&) {
        std::string_view target = ToStd(request.target());
        dash::SearchOptions options;
        if (auto q = QueryValues(target, "query"); !q.empty()) options.query = q.front();
        options.tags = QueryValues(target, "tag");
        options.dashboard_uids = ListParam(target, "dashboardUIDs");
        options.folder_uids = ListParam(target, "folderUIDs");
        if (auto type = QueryValues(target, "type"); !type.empty() && !type.front().empty()) {
          if (type.front() == "dash-db") {
            options.type = dash::SearchOptions::Type::kDashboards;
          } else if (type.front() == "dash-folder") {
            options.type = dash::SearchOptions::Type::kFolders;
          } else {
            return MessageResponse(
                request, http::status::bad_request,
                fmt::format("\"type\" must be dash-db or dash-folder, got \"{}\"", type.front()));
          }
        }
        std::string error;
        if (!SizeParam(target, "limit", &options.limit, &error) ||
            !SizeParam(target, "page", &options.page, &error)) {
          return MessageResponse(request, http::status::bad_request, error);
        }
        if (options.page == 0) options.page = 1;
        return JsonResponse(request, http::status::ok,
                            dash::SearchHitsJson(store->Search(options)));
      }));

  router->Handle(
      http::verb::get, "/api/dashboards/uid/*",
      Protect(auth, Role::kViewer, [store](const Request& request, const Principal& who) {
        auto dashboard = store->Get(LastSegment(request));
        if (!dashboard) {
          return MessageResponse(request, http::status::not_found, "Dashboard not found");
        }
        return JsonResponse(
            request, http::status::ok,
            dash::DashboardResponseJson(*dashboard, {.can_write = who.role == Role::kAdmin}));
      }));

  router->Handle(http::verb::delete_, "/api/dashboards/uid/*",
                 Protect(auth, Role::kAdmin, [store](const Request& request, const Principal&) {
                   auto deleted = store->Delete(LastSegment(request));
                   if (!deleted.ok()) return StoreErrorResponse(request, deleted.error());
                   return JsonResponse(request, http::status::ok, deleted->ToJson());
                 }));

  router->Handle(http::verb::post, "/api/dashboards/db",
                 Protect(auth, Role::kAdmin, [store](const Request& request, const Principal& who) {
                   // The envelope's options; the store reads the dashboard itself from the same
                   // body.
                   simdjson::dom::parser parser;
                   simdjson::dom::element body;
                   if (parser.parse(request.body()).get(body) || !body.is_object()) {
                     return MessageResponse(
                         request, http::status::bad_request,
                         "request body must be a JSON object: {\"dashboard\": {…}, "
                         "\"overwrite\": false}");
                   }
                   bool overwrite = false;
                   if (auto v = body["overwrite"]; !v.error()) {
                     if (v.get_bool().get(overwrite)) {
                       return MessageResponse(request, http::status::bad_request,
                                              "\"overwrite\" must be true or false");
                     }
                   }
                   std::string_view folder_uid;
                   if (auto v = body["folderUid"]; !v.error() && !v.is_null()) {
                     if (v.get_string().get(folder_uid)) {
                       return MessageResponse(request, http::status::bad_request,
                                              "\"folderUid\" must be a string");
                     }
                   }
                   if (body["dashboard"].error()) {
                     return MessageResponse(request, http::status::bad_request,
                                            "request body has no \"dashboard\" object");
                   }
                   auto saved = store->Save(request.body(), overwrite, folder_uid, who.user);
                   if (!saved.ok()) return StoreErrorResponse(request, saved.error());
                   return JsonResponse(request, http::status::ok, saved->ToJson());
                 }));

  router->Handle(http::verb::get, "/api/folders",
                 Protect(auth, Role::kViewer, [store](const Request& request, const Principal&) {
                   rapidjson::StringBuffer buf;
                   rapidjson::Writer<rapidjson::StringBuffer> w(buf);
                   w.StartArray();
                   for (const dash::Folder& f : store->Folders()) {
                     w.StartObject();
                     w.Key("id");
                     w.Int64(f.id);
                     w.Key("uid");
                     w.String(f.uid.c_str());
                     w.Key("title");
                     w.String(f.title.c_str());
                     w.EndObject();
                   }
                   w.EndArray();
                   return JsonResponse(request, http::status::ok,
                                       std::string(buf.GetString(), buf.GetSize()));
                 }));
}

}  // namespace otelite::api::ui
