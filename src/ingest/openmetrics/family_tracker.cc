#include "ingest/openmetrics/family_tracker.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>

#include "core/float_format.h"
#include "ingest/openmetrics/lexical.h"

namespace otelite::openmetrics::internal {
namespace {

// The sample name suffixes of each type ("" = the family name itself), in the order messages
// list them.
std::vector<std::string_view> Suffixes(FamilyType type) {
  switch (type) {
    case FamilyType::kUnknown:
    case FamilyType::kGauge:
    case FamilyType::kStateSet:
      return {""};
    case FamilyType::kCounter:
      return {"_total", "_created"};
    case FamilyType::kInfo:
      return {"_info"};
    case FamilyType::kHistogram:
      return {"_bucket", "_count", "_sum", "_created"};
    case FamilyType::kGaugeHistogram:
      return {"_bucket", "_gcount", "_gsum"};
    case FamilyType::kSummary:
      return {"", "_count", "_sum", "_created"};
  }
  return {};
}

std::string Number(double v) { return FormatGoFloat(v); }

}  // namespace

Status LineError(uint64_t line, std::string_view message) {
  return Status::InvalidArgument(fmt::format("line {}: {}", line, message));
}

// --- Families and metadata ----------------------------------------------------------------------

Status FamilyTracker::SinkStatus(Status status, uint64_t line) const {
  if (status.ok()) return status;
  return Status(status.code(), fmt::format("line {}: {}", line, status.message()));
}

Status FamilyTracker::Reserve(const std::string& name, uint64_t line) {
  auto [it, inserted] = used_names_.try_emplace(name, family_.name);
  if (inserted) return Status::Ok();
  if (it->second == family_.name) {
    return LineError(line, fmt::format("metric family \"{}\" appears a second time (a family's "
                                       "lines must be contiguous and its name unique)",
                                       family_.name));
  }
  return LineError(line, fmt::format("{} \"{}\" clashes with the earlier family \"{}\" over the "
                                     "sample name \"{}\"",
                                     has_type_ ? FamilyTypeName(family_.type) : "metric family",
                                     family_.name, it->second, name));
}

Status FamilyTracker::StartFamily(std::string_view name, uint64_t line) {
  active_ = true;
  family_.name.assign(name);
  family_.type = FamilyType::kUnknown;
  family_.help.clear();
  family_.unit.clear();
  family_line_ = line;
  announced_ = has_samples_ = has_help_ = has_type_ = has_unit_ = false;
  metric_open_ = false;
  seen_metrics_.Clear();
  return Reserve(family_.name, line);
}

Status FamilyTracker::EndFamily() {
  if (!active_) return Status::Ok();
  OTELITE_RETURN_IF_ERROR(EndPoint());
  active_ = false;
  metric_open_ = false;
  if (!announced_) {
    announced_ = true;
    return SinkStatus(sink_.OnFamily(family_), family_line_);
  }
  return Status::Ok();
}

Status FamilyTracker::Finish() { return EndFamily(); }

Status FamilyTracker::PrepareForMetadata(std::string_view name, const char* kind, uint64_t line) {
  if (!active_ || family_.name != name) {
    OTELITE_RETURN_IF_ERROR(EndFamily());
    return StartFamily(name, line);
  }
  if (has_samples_) {
    return LineError(line, fmt::format("# {} line for \"{}\" after its samples (metadata must come "
                                       "before the family's samples)",
                                       kind, name));
  }
  return Status::Ok();
}

Status FamilyTracker::OnHelp(std::string_view name, std::string_view raw_help, bool has_escapes,
                             uint64_t line) {
  OTELITE_RETURN_IF_ERROR(PrepareForMetadata(name, "HELP", line));
  if (has_help_) return LineError(line, fmt::format("second # HELP line for \"{}\"", name));
  has_help_ = true;
  family_.help.clear();
  if (has_escapes) {
    lexical::AppendUnescaped(raw_help, &family_.help);
  } else {
    family_.help.assign(raw_help);
  }
  return Status::Ok();
}

Status FamilyTracker::OnType(std::string_view name, FamilyType type, uint64_t line) {
  OTELITE_RETURN_IF_ERROR(PrepareForMetadata(name, "TYPE", line));
  if (has_type_) return LineError(line, fmt::format("second # TYPE line for \"{}\"", name));
  has_type_ = true;
  family_.type = type;
  if ((type == FamilyType::kInfo || type == FamilyType::kStateSet) && !family_.unit.empty()) {
    return LineError(line, fmt::format("{} \"{}\" must not have a unit (it has \"{}\")",
                                       FamilyTypeName(type), name, family_.unit));
  }
  for (std::string_view suffix : Suffixes(type)) {
    if (suffix.empty()) continue;  // the family name itself is reserved already
    OTELITE_RETURN_IF_ERROR(Reserve(family_.name + std::string(suffix), line));
  }
  return Status::Ok();
}

Status FamilyTracker::OnUnit(std::string_view name, std::string_view unit, uint64_t line) {
  OTELITE_RETURN_IF_ERROR(PrepareForMetadata(name, "UNIT", line));
  if (has_unit_) return LineError(line, fmt::format("second # UNIT line for \"{}\"", name));
  has_unit_ = true;
  if (!unit.empty()) {
    if (family_.type == FamilyType::kInfo || family_.type == FamilyType::kStateSet) {
      return LineError(
          line, fmt::format("{} \"{}\" must not have a unit", FamilyTypeName(family_.type), name));
    }
    if (name.size() <= unit.size() || !name.ends_with(unit) ||
        name[name.size() - unit.size() - 1] != '_') {
      return LineError(line, fmt::format("unit \"{}\" is not a suffix of the family name \"{}\" "
                                         "(the name must end in \"_{}\")",
                                         unit, name, unit));
    }
  }
  family_.unit.assign(unit);
  return Status::Ok();
}

// --- Samples ------------------------------------------------------------------------------------

bool FamilyTracker::FindRole(std::string_view name, Role* role) const {
  if (!name.starts_with(family_.name)) return false;
  std::string_view suffix = name.substr(family_.name.size());
  auto match = [&](std::string_view want, Role r) {
    if (suffix != want) return false;
    *role = r;
    return true;
  };
  switch (family_.type) {
    case FamilyType::kUnknown:
    case FamilyType::kGauge:
      return match("", Role::kValue);
    case FamilyType::kStateSet:
      return match("", Role::kState);
    case FamilyType::kCounter:
      return match("_total", Role::kTotal) || match("_created", Role::kCreated);
    case FamilyType::kInfo:
      return match("_info", Role::kInfo);
    case FamilyType::kHistogram:
      return match("_bucket", Role::kBucket) || match("_count", Role::kCount) ||
             match("_sum", Role::kSum) || match("_created", Role::kCreated);
    case FamilyType::kGaugeHistogram:
      return match("_bucket", Role::kBucket) || match("_gcount", Role::kGCount) ||
             match("_gsum", Role::kGSum);
    case FamilyType::kSummary:
      return match("", Role::kQuantile) || match("_count", Role::kCount) ||
             match("_sum", Role::kSum) || match("_created", Role::kCreated);
  }
  return false;
}

Status FamilyTracker::OnSample(const Sample& sample, double timestamp_seconds,
                               const ExemplarFacts& exemplar) {
  Role role = Role::kValue;
  if (!active_ || !FindRole(sample.name, &role)) {
    if (active_ && sample.name == family_.name) {  // counter "a" with a sample "a", ...
      std::string names;
      for (std::string_view suffix : Suffixes(family_.type)) {
        names += fmt::format("{}{}{}", names.empty() ? "" : ", ", family_.name, suffix);
      }
      return LineError(sample.line,
                       fmt::format("{} \"{}\": sample name \"{}\" is not one of {}",
                                   FamilyTypeName(family_.type), family_.name, sample.name, names));
    }
    // A name that cannot belong to the current family starts a new one, of type unknown.
    OTELITE_RETURN_IF_ERROR(EndFamily());
    OTELITE_RETURN_IF_ERROR(StartFamily(sample.name, sample.line));
    role = Role::kValue;
  }
  PointLabel point_label;
  OTELITE_RETURN_IF_ERROR(CheckSample(role, sample, exemplar, &point_label));
  if (!announced_) {
    announced_ = true;
    OTELITE_RETURN_IF_ERROR(SinkStatus(sink_.OnFamily(family_), sample.line));
  }
  has_samples_ = true;
  OTELITE_RETURN_IF_ERROR(PlaceInPoint(role, sample, timestamp_seconds, point_label));
  return SinkStatus(sink_.OnSample(family_, sample), sample.line);
}

Status FamilyTracker::CheckSample(Role role, const Sample& sample, const ExemplarFacts& exemplar,
                                  PointLabel* point_label) {
  const char* type = FamilyTypeName(family_.type);
  auto error = [&](std::string_view what) {
    return LineError(sample.line, fmt::format("{} \"{}\": {}", type, family_.name, what));
  };
  auto find = [&](std::string_view label) {
    for (size_t i = 0; i < sample.labels.size(); ++i) {
      if (sample.labels[i].name == label) return static_cast<int>(i);
    }
    return -1;
  };

  // The label that places the sample in its MetricPoint, and labels a type forbids elsewhere.
  if (role == Role::kBucket) {
    int i = find("le");
    if (i < 0) return error(fmt::format("{} needs an \"le\" label", sample.name));
    std::string_view le = sample.labels[i].value;
    double bound = 0;
    bool ok = lexical::ParseNumber(le, &bound) == lexical::NumberStatus::kOk && !std::isnan(bound);
    if (ok && std::isinf(bound)) ok = le == "+Inf" || le == "-Inf";  // the canonical spellings
    if (!ok) return error(fmt::format("invalid \"le\" value \"{}\" (a number or +Inf)", le));
    *point_label = {i, bound, 0};
  } else if (IsHistogram(family_.type) && find("le") >= 0) {
    return error(fmt::format("\"le\" label on {} (only _bucket samples have one)", sample.name));
  }
  if (role == Role::kQuantile) {
    int i = find("quantile");
    if (i < 0) return error(fmt::format("{} needs a \"quantile\" label", sample.name));
    std::string_view text = sample.labels[i].value;
    double q = 0;
    if (lexical::ParseNumber(text, &q) != lexical::NumberStatus::kOk || !(q >= 0 && q <= 1)) {
      return error(fmt::format("quantile \"{}\" is not a number between 0 and 1", text));
    }
    *point_label = {i, q, std::bit_cast<uint64_t>(q == 0 ? 0.0 : q)};  // -0 is 0
  } else if (family_.type == FamilyType::kSummary && find("quantile") >= 0) {
    return error(
        fmt::format("\"quantile\" label on {} (only quantile samples have one)", sample.name));
  }
  if (role == Role::kState) {
    int i = find(family_.name);
    if (i < 0) {
      return error(
          fmt::format("sample needs a label named \"{}\" holding the state name", family_.name));
    }
    *point_label = {i, 0, std::hash<std::string_view>{}(sample.labels[i].value)};
  }

  // Values.
  const double v = sample.value;
  auto counter_like = [&](bool integer) -> Status {
    if (std::isnan(v)) return error(fmt::format("{} must not be NaN", sample.name));
    if (v < 0)
      return error(fmt::format("{} must not be negative (it is {})", sample.name, Number(v)));
    if (integer && std::floor(v) != v) {
      return error(fmt::format("{} must be an integer (it is {})", sample.name, Number(v)));
    }
    return Status::Ok();
  };
  switch (role) {
    case Role::kTotal:
      OTELITE_RETURN_IF_ERROR(counter_like(false));
      break;
    case Role::kBucket:
    case Role::kCount:
    case Role::kGCount:
      OTELITE_RETURN_IF_ERROR(counter_like(true));
      break;
    case Role::kSum:
      if (std::isnan(v)) return error(fmt::format("{} must not be NaN", sample.name));
      if (v < 0 && !options_.allow_negative_observations) {
        return error(fmt::format("{} must not be negative (it is {})", sample.name, Number(v)));
      }
      break;
    case Role::kGSum:
      if (std::isnan(v)) return error(fmt::format("{} must not be NaN", sample.name));
      break;
    case Role::kQuantile:
      if (v < 0 && !options_.allow_negative_observations) {
        return error(fmt::format("quantile values must not be negative (it is {})", Number(v)));
      }
      break;
    case Role::kInfo:
      if (v != 1) return error(fmt::format("value must be 1 (it is {})", Number(v)));
      break;
    case Role::kState:
      if (v != 0 && v != 1) return error(fmt::format("value must be 0 or 1 (it is {})", Number(v)));
      break;
    case Role::kValue:
    case Role::kCreated:
      break;
  }

  if (exemplar.present) {
    if (role != Role::kTotal && role != Role::kBucket) {
      return error(
          fmt::format("exemplar on {} (only counter _total and histogram _bucket "
                      "samples may have one)",
                      sample.name));
    }
    if (role == Role::kBucket && !(exemplar.value <= point_label->number)) {
      return error(fmt::format("exemplar value {} is above the bucket's le=\"{}\"",
                               Number(exemplar.value), sample.labels[point_label->index].value));
    }
  }
  return Status::Ok();
}

}  // namespace otelite::openmetrics::internal
