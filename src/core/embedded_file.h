// A file compiled into the binary (the web UI's files, builtin dashboards): generated at build
// time by tools/embed_files.cc, so nothing has to be deployed beside the otelite binary.
#pragma once

#include <span>
#include <string_view>

namespace otelite {

struct EmbeddedFile {
  std::string_view path;          // "/index.html", "/assets/index-3f2a1b.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view data;          // the file's bytes
  std::string_view gzip;          // gzip-compressed bytes; empty when compression does not pay
  std::string_view etag;          // a strong ETag of the content, quoted
};

using EmbeddedFiles = std::span<const EmbeddedFile>;

}  // namespace otelite
