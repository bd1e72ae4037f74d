// The two text formats of the collector's Prometheus exporter (`GET /metrics` on :8889):
// Prometheus text 0.0.4 and OpenMetrics 1.0.0, chosen by the scraper's Accept header.
//
// The output follows what client_golang's expfmt writes for the collector (HELP/TYPE lines,
// Go float formatting, `le`/`quantile` written last), except where OpenMetrics 1.0 asks for
// more: `# UNIT` lines, TYPE/UNIT/HELP order, timestamps in fixed-point seconds. The rules
// are listed in README.md next to this file.
#pragma once

#include <string>
#include <string_view>

#include "model/metric.h"

namespace otelite {

enum class ExpositionFormat {
  kText004,         // text/plain; version=0.0.4
  kOpenMetrics100,  // application/openmetrics-text; version=1.0.0
};

// OpenMetrics when the Accept header lists application/openmetrics-text with version 1.0.0 or
// no version, with a q-value above 0 and at least as high as the best text/plain (version
// 0.0.4 or none) entry; text 0.0.4 otherwise, including an empty or malformed header.
// Wildcards (`*/*`, `text/*`) never select OpenMetrics.
ExpositionFormat NegotiateExpositionFormat(std::string_view accept_header);

// The Content-Type header value for a body written in `format`.
std::string_view ContentTypeFor(ExpositionFormat format);

// Appends the exposition of `batch` to *out:
//  - samples are grouped into families by MetricFamily::name (families of the same name are
//    merged; the first one's type, help and unit are used); families without samples are
//    left out; families are sorted by name;
//  - within a family, series are sorted by their labels without __name__ (and without `le`
//    for histogram buckets, `quantile` for summary quantiles), so that each histogram or
//    summary is written as one block: buckets by ascending `le` (or quantiles), then _sum,
//    then _count;
//  - every sample carries its timestamp; OpenMetrics output ends with `# EOF`.
// Sample names are written as given (no validation: the model's naming rules produce
// valid names). Stale-NaN samples are not expected (the registry never holds them).
void AppendExposition(const MetricBatch& batch, ExpositionFormat format, std::string* out);

}  // namespace otelite
