#include "api/build_info.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

namespace otelite::api {

std::string BuildInfoJson() {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : {std::pair<const char*, const char*>{"version", OTELITE_VERSION},
                             {"revision", ""},
                             {"branch", ""},
                             {"buildUser", ""},
                             {"buildDate", ""},
                             {"goVersion", ""}}) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace otelite::api
