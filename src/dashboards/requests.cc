#include "dashboards/requests.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "dashboards/dashboard.h"

namespace otelite::dashboards {
namespace {

using rapidjson::Value;

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

// Field access with errors that name the field: `"queries[0].maxLines" must be an integer`.
class Fields {
 public:
  Fields(const Value& object, std::string_view where) : object_(object), where_(where) {}

  // The member, or nullptr when absent or null.
  const Value* Find(const char* key) const {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  std::string Name(std::string_view key) const {
    return where_.empty() ? fmt::format("\"{}\"", key) : fmt::format("\"{}.{}\"", where_, key);
  }

  Status String(const char* key, std::string* out) const {
    const Value* v = Find(key);
    if (v == nullptr) return Status::Ok();
    if (!v->IsString()) return Invalid(Name(key) + " must be a string");
    out->assign(v->GetString(), v->GetStringLength());
    return Status::Ok();
  }

  // A string, or a number kept as its text (Unix ms, a step in seconds).
  Status StringOrNumber(const char* key, std::string* out, std::string_view what) const {
    const Value* v = Find(key);
    if (v == nullptr) return Status::Ok();
    if (v->IsString()) {
      out->assign(v->GetString(), v->GetStringLength());
    } else if (v->IsInt64()) {
      *out = std::to_string(v->GetInt64());
    } else if (v->IsUint64()) {
      *out = std::to_string(v->GetUint64());
    } else if (v->IsDouble() && std::isfinite(v->GetDouble())) {
      *out = fmt::format("{}", v->GetDouble());
    } else {
      return Invalid(fmt::format("{} must be {}", Name(key), what));
    }
    return Status::Ok();
  }

  Status Int(const char* key, int64_t* out, int64_t min = INT64_MIN,
             std::string_view what = "an integer") const {
    if (Find(key) == nullptr) return Status::Ok();
    int64_t value = 0;
    if (!GetInt64(object_, key, &value) || value < min) {
      return Invalid(fmt::format("{} must be {}", Name(key), what));
    }
    *out = value;
    return Status::Ok();
  }

  Status Bool(const char* key, std::optional<bool>* out) const {
    const Value* v = Find(key);
    if (v == nullptr) return Status::Ok();
    if (!v->IsBool()) return Invalid(Name(key) + " must be true or false");
    *out = v->GetBool();
    return Status::Ok();
  }

  // An object kept as its own document.
  Status Object(const char* key, JsonObject* out) const {
    const Value* v = Find(key);
    if (v == nullptr) return Status::Ok();
    if (!v->IsObject()) return Invalid(Name(key) + " must be an object");
    auto doc = std::make_shared<rapidjson::Document>();
    doc->CopyFrom(*v, doc->GetAllocator());
    *out = std::move(doc);
    return Status::Ok();
  }

 private:
  const Value& object_;
  std::string_view where_;
};

Result<rapidjson::Document> ParseBody(std::string_view body) {
  rapidjson::Document doc;
  OTELITE_RETURN_IF_ERROR(ParseJsonDocument(body, "request body", kMaxRequestBytes, &doc));
  if (!doc.IsObject()) return Invalid("request body: not a JSON object");
  return doc;
}

Status ParseVariables(const Fields& fields, std::map<std::string, std::vector<std::string>>* out) {
  const Value* v = fields.Find("variables");
  if (v == nullptr) return Status::Ok();
  if (!v->IsObject()) return Invalid(fields.Name("variables") + " must be an object");
  for (const auto& member : v->GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const std::string error =
        fmt::format("\"variables.{}\" must be a string or an array of strings", name);
    std::vector<std::string> values;
    if (member.value.IsString()) {
      values.emplace_back(member.value.GetString(), member.value.GetStringLength());
    } else if (member.value.IsArray()) {
      for (const Value& item : member.value.GetArray()) {
        if (!item.IsString()) return Invalid(error);
        values.emplace_back(item.GetString(), item.GetStringLength());
      }
    } else if (!member.value.IsNull()) {
      return Invalid(error);
    }
    (*out)[name] = std::move(values);
  }
  return Status::Ok();
}

Status ParseAdhocFilters(const Fields& fields, std::vector<AdhocFilter>* out) {
  const Value* v = fields.Find("adhocFilters");
  if (v == nullptr) return Status::Ok();
  if (!v->IsArray()) return Invalid(fields.Name("adhocFilters") + " must be an array");
  static constexpr std::string_view kOperators[] = {"=", "!=", "=~", "!~", "<", ">"};
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const Value& item = (*v)[i];
    const std::string where = fmt::format("adhocFilters[{}]", i);
    if (!item.IsObject()) return Invalid(fmt::format("\"{}\" must be an object", where));
    Fields f(item, where);
    AdhocFilter filter;
    filter.op = "=";
    OTELITE_RETURN_IF_ERROR(f.String("key", &filter.key));
    OTELITE_RETURN_IF_ERROR(f.String("operator", &filter.op));
    OTELITE_RETURN_IF_ERROR(f.StringOrNumber("value", &filter.value, "a string"));
    if (filter.key.empty()) return Invalid(f.Name("key") + " must be a non-empty string");
    if (std::find(std::begin(kOperators), std::end(kOperators), filter.op) ==
        std::end(kOperators)) {
      return Invalid(fmt::format("{} \"{}\" is not one of =, !=, =~, !~, <, >", f.Name("operator"),
                                 filter.op));
    }
    out->push_back(std::move(filter));
  }
  return Status::Ok();
}

Status ParseTimes(const Fields& fields, std::string* from, std::string* to, std::string* tz) {
  OTELITE_RETURN_IF_ERROR(fields.StringOrNumber("from", from, "a string or Unix milliseconds"));
  OTELITE_RETURN_IF_ERROR(fields.StringOrNumber("to", to, "a string or Unix milliseconds"));
  if (tz != nullptr) OTELITE_RETURN_IF_ERROR(fields.String("timezone", tz));
  return Status::Ok();
}

std::string DefaultRefId(size_t index) {
  std::string id;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    id.insert(id.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return id;
}

}  // namespace

Result<DatasourceRef> ParseDatasourceRef(const Value& value, std::string_view where) {
  DatasourceRef ref;
  if (value.IsNull()) return ref;
  if (value.IsString()) {
    ref.name.assign(value.GetString(), value.GetStringLength());
    return ref;
  }
  if (!value.IsObject()) {
    return Invalid(fmt::format("\"{}\" must be an object, a string or null", where));
  }
  Fields f(value, where);
  OTELITE_RETURN_IF_ERROR(f.String("type", &ref.type));
  OTELITE_RETURN_IF_ERROR(f.String("uid", &ref.uid));
  return ref;
}

Result<Target> ParseTarget(const Value& value, std::string_view where) {
  if (!value.IsObject()) return Invalid(fmt::format("\"{}\" must be an object", where));
  Fields f(value, where);
  Target t;
  OTELITE_RETURN_IF_ERROR(f.String("refId", &t.ref_id));
  if (const Value* ds = f.Find("datasource")) {
    auto ref = ParseDatasourceRef(*ds, fmt::format("{}.datasource", where));
    if (!ref.ok()) return ref.status();
    t.datasource = std::move(*ref);
  }
  OTELITE_RETURN_IF_ERROR(f.String("expr", &t.expr));
  std::optional<bool> hide;
  OTELITE_RETURN_IF_ERROR(f.Bool("hide", &hide));
  t.hide = hide.value_or(false);
  OTELITE_RETURN_IF_ERROR(f.Bool("instant", &t.instant));
  OTELITE_RETURN_IF_ERROR(f.Bool("range", &t.range));
  OTELITE_RETURN_IF_ERROR(f.String("format", &t.format));
  OTELITE_RETURN_IF_ERROR(f.String("legendFormat", &t.legend_format));
  OTELITE_RETURN_IF_ERROR(f.StringOrNumber("interval", &t.interval, "a string"));
  OTELITE_RETURN_IF_ERROR(f.Int("intervalMs", &t.interval_ms, 0, "a non-negative integer"));
  OTELITE_RETURN_IF_ERROR(f.Int("maxDataPoints", &t.max_data_points, 0, "a non-negative integer"));
  OTELITE_RETURN_IF_ERROR(f.String("queryType", &t.query_type));
  OTELITE_RETURN_IF_ERROR(f.Int("maxLines", &t.max_lines, 0, "a non-negative integer"));
  OTELITE_RETURN_IF_ERROR(f.String("direction", &t.direction));
  OTELITE_RETURN_IF_ERROR(f.StringOrNumber("step", &t.step, "a string or a number"));
  if (!t.direction.empty() && t.direction != "backward" && t.direction != "forward") {
    return Invalid(fmt::format("{} must be \"backward\" or \"forward\"", f.Name("direction")));
  }
  return t;
}

Result<PanelQueryRequest> ParsePanelQueryRequest(std::string_view body) {
  auto doc = ParseBody(body);
  if (!doc.ok()) return doc.status();
  const Fields f(*doc, "");
  PanelQueryRequest r;
  OTELITE_RETURN_IF_ERROR(f.String("dashboardUid", &r.dashboard_uid));
  if (f.Find("panelId") != nullptr) {
    int64_t id = 0;
    OTELITE_RETURN_IF_ERROR(f.Int("panelId", &id));
    r.panel_id = id;
  }
  OTELITE_RETURN_IF_ERROR(f.Object("panel", &r.panel));
  if (r.panel == nullptr && (r.dashboard_uid.empty() || !r.panel_id)) {
    return Invalid("request needs \"dashboardUid\" and \"panelId\", or an inline \"panel\" object");
  }
  OTELITE_RETURN_IF_ERROR(ParseTimes(f, &r.from, &r.to, &r.timezone));
  OTELITE_RETURN_IF_ERROR(ParseVariables(f, &r.variables));
  OTELITE_RETURN_IF_ERROR(f.Int("maxDataPoints", &r.max_data_points, 1, "a positive integer"));
  OTELITE_RETURN_IF_ERROR(ParseAdhocFilters(f, &r.adhoc_filters));
  return r;
}

Result<VariableOptionsRequest> ParseVariableOptionsRequest(std::string_view body) {
  auto doc = ParseBody(body);
  if (!doc.ok()) return doc.status();
  const Fields f(*doc, "");
  VariableOptionsRequest r;
  OTELITE_RETURN_IF_ERROR(f.String("dashboardUid", &r.dashboard_uid));
  OTELITE_RETURN_IF_ERROR(f.String("name", &r.name));
  OTELITE_RETURN_IF_ERROR(f.Object("variable", &r.variable));
  if (r.variable == nullptr && (r.dashboard_uid.empty() || r.name.empty())) {
    return Invalid("request needs \"dashboardUid\" and \"name\", or an inline \"variable\" object");
  }
  if (const Value* ds = f.Find("datasource")) {
    auto ref = ParseDatasourceRef(*ds, "datasource");
    if (!ref.ok()) return ref.status();
    r.datasource = std::move(*ref);
  }
  OTELITE_RETURN_IF_ERROR(ParseTimes(f, &r.from, &r.to, &r.timezone));
  OTELITE_RETURN_IF_ERROR(ParseVariables(f, &r.variables));
  return r;
}

Result<DsQueryRequest> ParseDsQueryRequest(std::string_view body) {
  auto doc = ParseBody(body);
  if (!doc.ok()) return doc.status();
  const Fields f(*doc, "");
  DsQueryRequest r;
  OTELITE_RETURN_IF_ERROR(ParseTimes(f, &r.from, &r.to, nullptr));
  const Value* queries = f.Find("queries");
  if (queries == nullptr || !queries->IsArray() || queries->Empty()) {
    return Invalid("\"queries\" must be a non-empty array");
  }
  if (queries->Size() > kMaxQueriesPerRequest) {
    return Invalid(fmt::format("\"queries\": {} queries, more than the limit of {}",
                               queries->Size(), kMaxQueriesPerRequest));
  }
  std::set<std::string> ref_ids;
  for (rapidjson::SizeType i = 0; i < queries->Size(); ++i) {
    auto target = ParseTarget((*queries)[i], fmt::format("queries[{}]", i));
    if (!target.ok()) return target.status();
    if (target->ref_id.empty()) target->ref_id = DefaultRefId(i);
    if (!ref_ids.insert(target->ref_id).second) {
      return Invalid(
          fmt::format("\"queries[{}].refId\": duplicate refId \"{}\"", i, target->ref_id));
    }
    r.queries.push_back(std::move(*target));
  }
  return r;
}

}  // namespace otelite::dashboards
