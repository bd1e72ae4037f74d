// The web UI's embedded files (web/, built into the binary) as HTTP responses: content type,
// caching (files under /assets/ carry a content hash in their names and are immutable;
// index.html is revalidated each time), ETag / If-None-Match (304), and the stored gzip copy
// when the client accepts gzip.
#pragma once

#include <string_view>

#include "api/http/router.h"
#include "core/embedded_file.h"

namespace otelite::api::ui {

class StaticFiles {
 public:
  // `files` must outlive this object (embedded files live for the whole process).
  explicit StaticFiles(EmbeddedFiles files) : files_(files) {}

  // The file at `path` ("/assets/x.js"), or nullptr.
  const EmbeddedFile* Find(std::string_view path) const;
  // A 200 (or 304) response with the file.
  Response Serve(const Request& request, const EmbeddedFile& file) const;
  // What client-side routes get: /index.html, or 503 with a message when the binary was built
  // without the web UI's files.
  Response Index(const Request& request) const;

 private:
  EmbeddedFiles files_;
};

// Whether an Accept-Encoding header value accepts gzip (and not with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace otelite::api::ui
