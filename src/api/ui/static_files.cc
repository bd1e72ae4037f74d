#include "api/ui/static_files.h"

#include <algorithm>
#include <boost/beast/http/rfc7230.hpp>

namespace otelite::api::ui {

bool AcceptsGzip(std::string_view accept_encoding) {
  http::ext_list list(boost::beast::string_view(accept_encoding.data(), accept_encoding.size()));
  for (const auto& ext : list) {
    std::string_view name = ToStd(ext.first);
    if (name != "gzip" && name != "*") continue;
    bool refused = false;
    for (const auto& param : ext.second) {
      std::string_view value = ToStd(param.second);
      if (ToStd(param.first) == "q" && value.find_first_not_of("0.") == std::string_view::npos) {
        refused = true;
      }
    }
    if (!refused) return true;
  }
  return false;
}

const EmbeddedFile* StaticFiles::Find(std::string_view path) const {
  auto it = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != files_.end() && it->path == path ? &*it : nullptr;
}

Response StaticFiles::Serve(const Request& request, const EmbeddedFile& file) const {
  Response response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  const bool immutable = file.path.starts_with("/assets/");
  response.set(http::field::cache_control,
               immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.set(http::field::etag, std::string(file.etag));
  response.set(http::field::vary, "Accept-Encoding");
  response.set("X-Content-Type-Options", "nosniff");
  if (ToStd(request[http::field::if_none_match]) == file.etag) {
    response.result(http::status::not_modified);
    return response;
  }
  response.result(http::status::ok);
  response.set(http::field::content_type, std::string(file.content_type));
  if (!file.gzip.empty() && AcceptsGzip(ToStd(request[http::field::accept_encoding]))) {
    response.set(http::field::content_encoding, "gzip");
    response.body().assign(file.gzip);
  } else {
    response.body().assign(file.data);
  }
  response.prepare_payload();
  return response;
}

Response StaticFiles::Index(const Request& request) const {
  if (const EmbeddedFile* index = Find("/index.html")) {
    Response response = Serve(request, *index);
    // The app's pages may not be framed by other sites.
    response.set("Content-Security-Policy", "frame-ancestors 'self'");
    response.set(http::field::x_frame_options, "SAMEORIGIN");
    return response;
  }
  return TextResponse(request, http::status::service_unavailable,
                      "this otelite was built without its web UI (web/dist was empty)\n");
}

}  // namespace otelite::api::ui
