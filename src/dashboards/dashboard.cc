#include "dashboards/dashboard.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace otelite::dashboards {
namespace {

// Forwards SAX events to a Document and fails once the nesting gets deeper than kMaxJsonDepth,
// so that nothing later (copies, the writer) recurses without bound.
// rapidjson 1.1.0 decodes a lone surrogate escape ("\udedd") into its 3-byte encoding, which is
// not UTF-8. Raw input is validated, so such bytes (ED A0..BF xx) can only come from escapes:
// each becomes U+FFFD (EF BF BD, also 3 bytes), as Go's encoding/json (Grafana) does.
std::string ReplaceSurrogates(const char* s, size_t n) {
  std::string out(s, n);
  for (size_t i = 0; i + 2 < out.size(); ++i) {
    const auto b1 = static_cast<uint8_t>(out[i + 1]);
    if (static_cast<uint8_t>(out[i]) == 0xED && b1 >= 0xA0 && b1 <= 0xBF) {
      out[i] = static_cast<char>(0xEF);
      out[i + 1] = static_cast<char>(0xBF);
      out[i + 2] = static_cast<char>(0xBD);
      i += 2;
    }
  }
  return out;
}

class DepthLimitedHandler {
 public:
  explicit DepthLimitedHandler(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  // Numbers arrive as text (kParseNumbersAsStringsFlag) and are converted here with
  // std::from_chars: exact, and clear of rapidjson 1.1.0's full-precision strtod, which has
  // undefined behaviour on all-zero significands with large exponents ("0e-151").
  bool RawNumber(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    const char* end = s + n;
    const bool integral =
        std::find_if(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end;
    if (integral && !(n == 2 && s[0] == '-' && s[1] == '0')) {
      int64_t i = 0;
      if (auto r = std::from_chars(s, end, i); r.ec == std::errc() && r.ptr == end) {
        return doc_.Int64(i);
      }
      uint64_t u = 0;
      if (auto r = std::from_chars(s, end, u); r.ec == std::errc() && r.ptr == end) {
        return doc_.Uint64(u);
      }
    }
    double d = 0;
    auto r = std::from_chars(s, end, d);
    if (r.ec == std::errc::result_out_of_range) {
      // Overflow or underflow: strtod tells them apart (HUGE_VAL, or 0 / a subnormal). The
      // program never changes the C locale, so '.' is the decimal point.
      d = std::strtod(std::string(s, n).c_str(), nullptr);
      r.ec = std::errc();
      r.ptr = end;
    }
    if (r.ec != std::errc() || r.ptr != end || !std::isfinite(d)) {
      number_too_big_ = true;
      return false;
    }
    return doc_.Double(d);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (std::memchr(s, 0xED, n) == nullptr) return doc_.String(s, n, copy);
    const std::string fixed = ReplaceSurrogates(s, n);
    return doc_.String(fixed.data(), n, true);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (std::memchr(s, 0xED, n) == nullptr) return doc_.Key(s, n, copy);
    const std::string fixed = ReplaceSurrogates(s, n);
    return doc_.Key(fixed.data(), n, true);
  }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndObject(n);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

  bool too_deep() const { return too_deep_; }
  bool number_too_big() const { return number_too_big_; }

 private:
  bool Enter() {
    if (++depth_ > kMaxJsonDepth) too_deep_ = true;
    return !too_deep_;
  }

  rapidjson::Document& doc_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool number_too_big_ = false;
};

constexpr unsigned kParseFlags = rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseIterativeFlag;

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool IsRow(const rapidjson::Value& panel) { return GetString(panel, "type") == "row"; }

// "panels" must be an array of objects; a row's own "panels" too.
Status CheckPanels(const rapidjson::Value& panels) {
  for (rapidjson::SizeType i = 0; i < panels.Size(); ++i) {
    const rapidjson::Value& panel = panels[i];
    if (!panel.IsObject())
      return Invalid(fmt::format("dashboard \"panels\"[{}] is not an object", i));
    const rapidjson::Value* nested = Member(panel, "panels");
    if (nested == nullptr || nested->IsNull()) continue;
    if (!nested->IsArray()) {
      return Invalid(fmt::format("dashboard \"panels\"[{}].panels must be an array", i));
    }
    for (rapidjson::SizeType j = 0; j < nested->Size(); ++j) {
      if (!(*nested)[j].IsObject()) {
        return Invalid(fmt::format("dashboard \"panels\"[{}].panels[{}] is not an object", i, j));
      }
    }
  }
  return Status::Ok();
}

bool OptionalInt64(const rapidjson::Value& object, const char* name, int64_t* out, bool* bad) {
  const rapidjson::Value* v = Member(object, name);
  if (v == nullptr || v->IsNull()) return false;
  if (!GetInt64(object, name, out)) *bad = true;
  return true;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') return false;
  }
  return true;
}

}  // namespace

Status ParseJsonDocument(std::string_view json, std::string_view what, size_t max_bytes,
                         rapidjson::Document* doc) {
  if (json.size() > max_bytes) {
    return Status::TooLarge(
        fmt::format("{}: {} bytes, more than the limit of {} bytes", what, json.size(), max_bytes));
  }
  // A NUL byte would end rapidjson's input early (its streams use '\0' as the end).
  if (const void* nul = std::memchr(json.data(), '\0', json.size())) {
    const size_t offset = static_cast<size_t>(static_cast<const char*>(nul) - json.data());
    return Invalid(fmt::format("{}: invalid JSON at offset {}: NUL byte", what, offset));
  }
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool number_too_big = false;
  auto generator = [&](rapidjson::Document& target) {
    DepthLimitedHandler handler(target);
    rapidjson::MemoryStream stream(json.data(), json.size());
    rapidjson::Reader reader;
    result = reader.Parse<kParseFlags>(stream, handler);
    too_deep = handler.too_deep();
    number_too_big = handler.number_too_big();
    return !result.IsError();
  };
  doc->Populate(generator);
  if (too_deep) {
    return Invalid(fmt::format("{}: invalid JSON at offset {}: nested deeper than {} levels", what,
                               result.Offset(), kMaxJsonDepth));
  }
  if (number_too_big) {
    return Invalid(
        fmt::format("{}: invalid JSON at offset {}: Number too big to be stored in double.", what,
                    result.Offset()));
  }
  if (result.IsError()) {
    doc->SetNull();
    return Invalid(fmt::format("{}: invalid JSON at offset {}: {}", what, result.Offset(),
                               rapidjson::GetParseError_En(result.Code())));
  }
  return Status::Ok();
}

std::string WriteJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const char* DashboardSourceName(DashboardSource source) {
  switch (source) {
    case DashboardSource::kBuiltin:
      return "builtin";
    case DashboardSource::kProvisioned:
      return "provisioned";
    case DashboardSource::kImported:
      return "imported";
  }
  return "imported";
}

Dashboard::Dashboard() { doc_.SetObject(); }
Dashboard::Dashboard(Dashboard&&) noexcept = default;
Dashboard& Dashboard::operator=(Dashboard&&) noexcept = default;
Dashboard::~Dashboard() = default;

Dashboard Dashboard::Clone() const {
  Dashboard copy;
  // Const strings in the DOM are only the member names SetMember() adds: static literals.
  copy.doc_.CopyFrom(static_cast<const rapidjson::Value&>(doc_), copy.doc_.GetAllocator());
  copy.uid_ = uid_;
  copy.title_ = title_;
  copy.tags_ = tags_;
  copy.version_ = version_;
  copy.id_ = id_;
  copy.time_from_ = time_from_;
  copy.time_to_ = time_to_;
  copy.timezone_ = timezone_;
  copy.week_start_ = week_start_;
  copy.has_inputs_ = has_inputs_;
  copy.meta = meta;
  return copy;
}

void Dashboard::SetMember(const char* name, rapidjson::Value value) {
  // (Lookups go through HasMember: comparing rapidjson's mutable member iterators is ambiguous
  // in C++20 for clang.)
  if (doc_.HasMember(name)) {
    doc_[name] = value;
  } else {
    doc_.AddMember(rapidjson::StringRef(name), value, doc_.GetAllocator());
  }
}

void Dashboard::SetUid(std::string_view uid) {
  uid_ = std::string(uid);
  rapidjson::Value v;
  v.SetString(uid.data(), static_cast<rapidjson::SizeType>(uid.size()), doc_.GetAllocator());
  SetMember("uid", std::move(v));
}

void Dashboard::SetId(int64_t id) {
  id_ = id;
  SetMember("id", rapidjson::Value(id));
}

void Dashboard::SetVersion(int64_t version) {
  version_ = version;
  SetMember("version", rapidjson::Value(version));
}

std::string Dashboard::Slug() const { return Slugify(title_); }

std::string Dashboard::Url() const {
  const std::string slug = Slug();
  return slug.empty() ? "/d/" + uid_ : fmt::format("/d/{}/{}", uid_, slug);
}

std::string Dashboard::ToJson() const { return WriteJson(doc_); }

Result<Dashboard> ParseDashboard(std::string_view json) {
  rapidjson::Document doc;
  OTELITE_RETURN_IF_ERROR(ParseJsonDocument(json, "dashboard JSON", kMaxDashboardBytes, &doc));
  return DashboardFromDocument(std::move(doc));
}

Result<Dashboard> DashboardFromDocument(rapidjson::Document doc) {
  if (!doc.IsObject()) return Invalid("dashboard JSON: not an object");
  // Grafana's wrapper: {"dashboard": {...}, "meta"|"overwrite"|"folderUid"|...}.
  if (doc.HasMember("dashboard") && doc["dashboard"].IsObject() && !doc.HasMember("panels")) {
    rapidjson::Value inner;
    inner.Swap(doc["dashboard"]);
    static_cast<rapidjson::Value&>(doc).Swap(inner);
  }
  const rapidjson::Value* panels = Member(doc, "panels");
  if (panels == nullptr || !panels->IsArray()) {
    if (Member(doc, "rows") != nullptr) {
      return Invalid(
          "dashboard has no \"panels\" array (dashboards with \"rows\", schema older than 16, are "
          "not supported: open and save it in Grafana 5 or later first)");
    }
    return Invalid("dashboard has no \"panels\" array");
  }
  OTELITE_RETURN_IF_ERROR(CheckPanels(*panels));

  Dashboard d;
  const rapidjson::Value* title = Member(doc, "title");
  if (title == nullptr || !title->IsString() ||
      IsBlank(std::string_view(title->GetString(), title->GetStringLength()))) {
    return Invalid("dashboard \"title\" must be a non-empty string");
  }
  d.title_.assign(title->GetString(), title->GetStringLength());
  if (const rapidjson::Value* uid = Member(doc, "uid"); uid != nullptr && !uid->IsNull()) {
    if (!uid->IsString()) return Invalid("dashboard \"uid\" must be a string");
    d.uid_.assign(uid->GetString(), uid->GetStringLength());
  }
  if (const rapidjson::Value* tags = Member(doc, "tags"); tags != nullptr && !tags->IsNull()) {
    if (!tags->IsArray()) return Invalid("dashboard \"tags\" must be an array of strings");
    for (const rapidjson::Value& tag : tags->GetArray()) {
      if (!tag.IsString()) return Invalid("dashboard \"tags\" must be an array of strings");
      d.tags_.emplace_back(tag.GetString(), tag.GetStringLength());
    }
  }
  bool bad = false;
  OptionalInt64(doc, "version", &d.version_, &bad);
  if (bad) return Invalid("dashboard \"version\" must be an integer");
  OptionalInt64(doc, "id", &d.id_, &bad);
  if (bad) return Invalid("dashboard \"id\" must be an integer or null");
  if (const rapidjson::Value* time = Member(doc, "time"); time != nullptr && time->IsObject()) {
    d.time_from_ = std::string(GetString(*time, "from", d.time_from_));
    d.time_to_ = std::string(GetString(*time, "to", d.time_to_));
  }
  d.timezone_ = std::string(GetString(doc, "timezone"));
  d.week_start_ = std::string(GetString(doc, "weekStart"));
  d.has_inputs_ = doc.HasMember("__inputs");
  d.doc_.Swap(doc);
  return d;
}

std::string Slugify(std::string_view title) {
  std::string slug;
  slug.reserve(title.size());
  bool pending_dash = false;
  for (char c : title) {
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (!lower && !upper && !digit) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !slug.empty()) slug.push_back('-');
    pending_dash = false;
    slug.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return slug;
}

Status ValidateUid(std::string_view uid) {
  for (char c : uid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return Invalid("uid contains illegal characters");
  }
  if (uid.size() > 40) return Invalid("uid too long, max 40 characters");
  return Status::Ok();
}

bool GetInt64(const rapidjson::Value& object, const char* name, int64_t* out) {
  const rapidjson::Value* v = Member(object, name);
  if (v == nullptr) return false;
  if (v->IsInt64()) {
    *out = v->GetInt64();
    return true;
  }
  if (v->IsDouble()) {  // 10.0: integral doubles within the exact range
    const double d = v->GetDouble();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  }
  return false;
}

std::string_view GetString(const rapidjson::Value& object, const char* name,
                           std::string_view fallback) {
  const rapidjson::Value* v = Member(object, name);
  if (v == nullptr || !v->IsString()) return fallback;
  return std::string_view(v->GetString(), v->GetStringLength());
}

const rapidjson::Value* FindPanel(const Dashboard& dashboard, int64_t id) {
  const rapidjson::Value* panels = Member(dashboard.json(), "panels");
  if (panels == nullptr || !panels->IsArray()) return nullptr;
  for (const rapidjson::Value& panel : panels->GetArray()) {
    int64_t panel_id = 0;
    if (GetInt64(panel, "id", &panel_id) && panel_id == id) return &panel;
    const rapidjson::Value* nested = Member(panel, "panels");
    if (nested == nullptr || !nested->IsArray()) continue;
    for (const rapidjson::Value& inner : nested->GetArray()) {
      if (GetInt64(inner, "id", &panel_id) && panel_id == id) return &inner;
    }
  }
  return nullptr;
}

std::vector<const rapidjson::Value*> Panels(const Dashboard& dashboard) {
  std::vector<const rapidjson::Value*> out;
  const rapidjson::Value* panels = Member(dashboard.json(), "panels");
  if (panels == nullptr || !panels->IsArray()) return out;
  int64_t id = 0;
  for (const rapidjson::Value& panel : panels->GetArray()) {
    if (!IsRow(panel)) {
      if (GetInt64(panel, "id", &id)) out.push_back(&panel);
      continue;
    }
    const rapidjson::Value* nested = Member(panel, "panels");
    if (nested == nullptr || !nested->IsArray()) continue;
    for (const rapidjson::Value& inner : nested->GetArray()) {
      if (!IsRow(inner) && GetInt64(inner, "id", &id)) out.push_back(&inner);
    }
  }
  return out;
}

}  // namespace otelite::dashboards
