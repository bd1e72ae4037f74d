// embed_files: writes a C++ source file that holds files as byte arrays, with each file's
// content type, a gzip-compressed copy (zlib, level 9; left out when it saves under 10 %) and an
// ETag, as a table of otelite::EmbeddedFile (core/embedded_file.h):
//
//   embed_files --out web_files.cc --function otelite::web::Files --dir web/dist [--suffix .json]
//
// defines `otelite::EmbeddedFiles otelite::web::Files()` with every regular file below --dir,
// named by its path relative to --dir with a leading "/", sorted by path (only names ending in
// --suffix when given). A build-time tool: it
// reports an error and exits 1 on anything unexpected.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Input {
  std::string path;  // "/assets/x.js"
  std::string data;
};

std::string ContentType(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

bool Gzip(const std::string& in, std::string* out) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&zs, in.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&zs, Z_FINISH);
  out->resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END;
}

// FNV-1a, 64 bits: an ETag only has to change when the content does.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

void WriteBytes(std::ostream& out, std::string_view name, std::string_view bytes) {
  out << "alignas(16) const unsigned char " << name << "[] = {";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i % 24 == 0) out << "\n  ";
    out << static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << ',';
  }
  if (bytes.empty()) out << "0";
  out << "\n};\n";
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "embed_files: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path, function, dir, suffix;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--out") {
      out_path = argv[i + 1];
    } else if (flag == "--function") {
      function = argv[i + 1];
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else if (flag == "--suffix") {
      suffix = argv[i + 1];
    } else {
      return Fail("unknown flag " + std::string(flag));
    }
  }
  if (out_path.empty() || function.empty() || dir.empty()) {
    return Fail("usage: embed_files --out FILE.cc --function ns::Name --dir DIR");
  }
  size_t sep = function.rfind("::");
  if (sep == std::string::npos) return Fail("--function needs a namespace: ns::Name");
  std::string ns = function.substr(0, sep), name = function.substr(sep + 2);

  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Fail("not a directory: " + dir);
  std::vector<Input> inputs;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (!it->path().string().ends_with(suffix)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) return Fail("cannot read " + it->path().string());
    Input input;
    input.path = "/" + fs::relative(it->path(), dir).generic_string();
    input.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    inputs.push_back(std::move(input));
  }
  if (ec) return Fail("cannot list " + dir + ": " + ec.message());
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.path < b.path; });

  std::ostringstream out;
  out << "// Generated by tools/embed_files.cc from " << dir << ". Do not edit.\n"
      << "#include \"core/embedded_file.h\"\n\nnamespace {\n\n";
  std::vector<std::string> rows;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Input& input = inputs[i];
    std::string gz;
    if (!Gzip(input.data, &gz)) return Fail("gzip failed for " + input.path);
    bool use_gz = gz.size() < input.data.size() * 9 / 10;
    std::string data_name = "kData" + std::to_string(i), gz_name = "kGzip" + std::to_string(i);
    WriteBytes(out, data_name, input.data);
    if (use_gz) WriteBytes(out, gz_name, gz);
    char etag[32];
    std::snprintf(etag, sizeof etag, "\\\"%016llx\\\"",
                  static_cast<unsigned long long>(Fnv1a(input.data)));
    auto view = [](const std::string& array, size_t size) {
      return "std::string_view(reinterpret_cast<const char*>(" + array + "), " +
             std::to_string(size) + ")";
    };
    rows.push_back("    {" + Quote(input.path) + ", " + Quote(ContentType(input.path)) + ", " +
                   view(data_name, input.data.size()) + ", " +
                   (use_gz ? view(gz_name, gz.size()) : std::string("std::string_view()")) +
                   ", \"" + etag + "\"},\n");
  }
  out << "}  // namespace\n\nnamespace " << ns << " {\n\notelite::EmbeddedFiles " << name
      << "() {\n  static const otelite::EmbeddedFile kFiles[] = {\n";
  for (const std::string& row : rows) out << row;
  if (rows.empty()) out << "    {},\n";
  out << "  };\n  return otelite::EmbeddedFiles(kFiles, " << rows.size()
      << ");\n}\n\n}  // namespace " << ns << "\n";

  // Written only when changed, so that a rebuild of unchanged files recompiles nothing.
  std::string text = out.str();
  {
    std::ifstream old(out_path, std::ios::binary);
    std::string current((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>());
    if (old && current == text) return 0;
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  if (!file.write(text.data(), static_cast<std::streamsize>(text.size()))) {
    return Fail("cannot write " + out_path);
  }
  return 0;
}
