// The :9090 responses against Prometheus's own OpenAPI 3.1 description of its HTTP API
// (../shared/conformance/prometheus-api/openapi_3.1.yaml): each endpoint otelite serves is called
// over real HTTP, successes and errors, and the JSON body must match the schema the description
// gives for that path, method and status (`200`, else `default`). The validator covers the JSON
// Schema keywords the description uses: $ref, type, properties, required, additionalProperties,
// items, minItems, maxItems, enum, anyOf, oneOf, allOf.
//
// Skipped with a message when ../shared is absent.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/units.h"
#include "harness.h"

namespace otelite::testing {
namespace {

namespace fs = std::filesystem;

class SchemaValidator {
 public:
  explicit SchemaValidator(YAML::Node root) : root_(std::move(root)) {}

  // Empty when `value` matches `schema`, else the first mismatch with its JSON path.
  std::string Validate(const YAML::Node& schema, const rapidjson::Value& value,
                       const std::string& where) const {
    if (schema["$ref"]) return Validate(Resolve(schema["$ref"].as<std::string>()), value, where);
    if (schema["allOf"]) {
      for (const YAML::Node& s : schema["allOf"]) {
        if (std::string e = Validate(s, value, where); !e.empty()) return e;
      }
    }
    if (schema["anyOf"] || schema["oneOf"]) {
      const YAML::Node& options = schema["anyOf"] ? schema["anyOf"] : schema["oneOf"];
      int matching = 0;
      std::string errors;
      for (const YAML::Node& s : options) {
        std::string e = Validate(s, value, where);
        if (e.empty()) {
          ++matching;
        } else {
          errors += "\n    or " + e;
        }
      }
      if (matching == 0) return where + ": matches none of the alternatives:" + errors;
      if (schema["oneOf"] && matching > 1) return where + ": matches several oneOf alternatives";
    }
    if (schema["type"]) {
      bool ok = false;
      std::vector<std::string> types;
      if (schema["type"].IsSequence()) {
        for (const YAML::Node& t : schema["type"]) types.push_back(t.as<std::string>());
      } else {
        types.push_back(schema["type"].as<std::string>());
      }
      for (const std::string& t : types) ok = ok || HasType(value, t);
      if (!ok) return where + ": not of type " + types.front();
    }
    if (schema["enum"]) {
      bool found = false;
      for (const YAML::Node& e : schema["enum"]) {
        if (value.IsString() && e.as<std::string>() == value.GetString()) found = true;
        if (value.IsNumber() && e.as<double>() == value.GetDouble()) found = true;
      }
      if (!found) return where + ": not one of the enumerated values";
    }
    if (value.IsObject()) {
      if (schema["required"]) {
        for (const YAML::Node& r : schema["required"]) {
          if (!value.HasMember(r.as<std::string>().c_str())) {
            return where + ": lacks required \"" + r.as<std::string>() + "\"";
          }
        }
      }
      const YAML::Node properties = schema["properties"];
      const YAML::Node additional = schema["additionalProperties"];
      for (auto m = value.MemberBegin(); m != value.MemberEnd(); ++m) {
        const std::string name = m->name.GetString();
        const std::string at = where + "." + name;
        if (properties && properties[name]) {
          if (std::string e = Validate(properties[name], m->value, at); !e.empty()) return e;
        } else if (additional && additional.IsScalar() && !additional.as<bool>()) {
          return at + ": not allowed (additionalProperties: false)";
        } else if (additional && additional.IsMap()) {
          if (std::string e = Validate(additional, m->value, at); !e.empty()) return e;
        }
      }
    }
    if (value.IsArray()) {
      if (schema["minItems"] && value.Size() < schema["minItems"].as<unsigned>()) {
        return where + ": fewer items than " + schema["minItems"].as<std::string>();
      }
      if (schema["maxItems"] && value.Size() > schema["maxItems"].as<unsigned>()) {
        return where + ": more items than " + schema["maxItems"].as<std::string>();
      }
      if (schema["items"]) {
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
          if (std::string e =
                  Validate(schema["items"], value[i], where + "[" + std::to_string(i) + "]");
              !e.empty()) {
            return e;
          }
        }
      }
    }
    return "";
  }

  // The response schema of `path` (below /api/v1, or "/-/ready"…) for a method and status.
  YAML::Node ResponseSchema(const std::string& path, const std::string& method, int status) const {
    const YAML::Node paths = root_["paths"];
    if (!paths[path]) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node op = paths[path][method];
    if (!op) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node responses = op["responses"];
    YAML::Node response;
    bool found = false;
    for (const std::string& key : {std::to_string(status), std::string("default")}) {
      for (auto it = responses.begin(); it != responses.end() && !found; ++it) {
        if (it->first.as<std::string>() == key) {
          response.reset(it->second);
          found = true;
        }
      }
    }
    if (!found) return YAML::Node(YAML::NodeType::Undefined);
    return response["content"]["application/json"]["schema"];  // a map: defined
  }

 private:
  static bool HasType(const rapidjson::Value& v, const std::string& type) {
    if (type == "object") return v.IsObject();
    if (type == "array") return v.IsArray();
    if (type == "string") return v.IsString();
    if (type == "number") return v.IsNumber();
    if (type == "integer") return v.IsInt64() || v.IsUint64();
    if (type == "boolean") return v.IsBool();
    if (type == "null") return v.IsNull();
    return false;
  }

  YAML::Node Resolve(const std::string& ref) const {
    // "#/components/schemas/Name"
    YAML::Node node = root_;
    size_t pos = 2;
    while (pos <= ref.size()) {
      size_t next = ref.find('/', pos);
      if (next == std::string::npos) next = ref.size();
      node.reset(node[ref.substr(pos, next - pos)]);
      pos = next + 1;
    }
    return node;
  }

  YAML::Node root_;
};

TEST(PrometheusOpenApi, ResponsesMatchPrometheusDescription) {
  const fs::path file =
      fs::path(OTELITE_SHARED_DIR) / "conformance" / "prometheus-api" / "openapi_3.1.yaml";
  if (!fs::exists(file)) {
    GTEST_SKIP() << file.string() << " does not exist (Prometheus's API description comes with "
                 << "../shared)";
  }
  const SchemaValidator validator(YAML::LoadFile(file.string()));

  // The validator itself: a sample without its labels is refused.
  {
    rapidjson::Document bad;
    bad.Parse(R"({"status":"success","data":{"resultType":"vector","result":[)"
              R"({"value":[1,"2"]}]}})");
    EXPECT_NE(validator.Validate(validator.ResponseSchema("/query", "get", 200), bad, "$"), "");
  }

  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const std::string t = std::to_string(NowUnixNanos());
  const std::string body =
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":)"
      R"({"stringValue":"shop"}}]},"scopeMetrics":[{"metrics":[{"name":"orders","description":)"
      R"("Orders placed","unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,)"
      R"("dataPoints":[{"timeUnixNano":")" +
      t + R"(","asDouble":3,"attributes":[{"key":"shop","value":{"stringValue":"x"}}]}]}}]}]}]})";
  ASSERT_EQ(
      HttpCall(p->http_port(), "POST", "/v1/metrics", body, {{"Content-Type", "application/json"}})
          .status,
      200);

  const std::string now = std::to_string(NowUnixMillis() / 1000);
  struct Call {
    std::string path;  // as in the description, below /api/v1
    std::string target;
    int want_status;
  };
  const std::vector<Call> calls = {
      {"/query", "/api/v1/query?query=orders_total", 200},
      {"/query", "/api/v1/query?query=sum(orders_total)%20by%20(shop)", 200},
      {"/query", "/api/v1/query?query=scalar(sum(orders_total))", 200},
      {"/query", "/api/v1/query?query=orders_total%5B5m%5D", 200},
      {"/query", "/api/v1/query?query=rate(orders%5B5m%5D)", 200},  // with an info annotation
      {"/query", "/api/v1/query?query=sum(", 400},
      {"/query", "/api/v1/query?query=vector(1)%2Bon()orders_total&limit=x", 400},
      {"/query_range",
       "/api/v1/query_range?query=orders_total&start=" + now + "&end=" + now + "&step=15s", 200},
      {"/query_range", "/api/v1/query_range?query=orders_total&start=0&end=1000000&step=1", 400},
      {"/format_query", "/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(job)", 200},
      {"/labels", "/api/v1/labels", 200},
      {"/label/{name}/values", "/api/v1/label/shop/values", 200},
      {"/series", "/api/v1/series?match[]=orders_total", 200},
      {"/series", "/api/v1/series", 400},
      {"/metadata", "/api/v1/metadata", 200},
      {"/status/buildinfo", "/api/v1/status/buildinfo", 200},
      {"/status/runtimeinfo", "/api/v1/status/runtimeinfo", 200},
      {"/query_exemplars", "/api/v1/query_exemplars?query=orders_total", 200},
  };
  for (const Call& c : calls) {
    SCOPED_TRACE(c.target);
    HttpResult r = HttpCall(p->prometheus_port(), "GET", c.target);
    EXPECT_EQ(r.status, c.want_status) << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    ASSERT_FALSE(d.HasParseError()) << r.body;
    try {
      const YAML::Node schema = validator.ResponseSchema(c.path, "get", r.status);
      ASSERT_TRUE(schema) << "no schema for GET " << c.path << " " << r.status;
      EXPECT_EQ(validator.Validate(schema, d, "$"), "") << r.body;
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << "reading the description: " << e.what();
    }
  }
}

}  // namespace
}  // namespace otelite::testing
