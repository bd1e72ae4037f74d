// Request-body decompression with a hard output limit, so a small gzip bomb cannot make the
// server allocate more than `max_output` bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace otelite {

// Inflates a gzip (or zlib) stream. kTooLarge as soon as the output would exceed max_output;
// kInvalidArgument for corrupt or truncated input.
Result<std::string> Gunzip(std::string_view compressed, size_t max_output);

// Compresses with gzip (for responses and tests).
std::string Gzip(std::string_view data);

}  // namespace otelite
