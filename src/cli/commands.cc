#include "cli/commands.h"

#include <cstdio>

namespace otelite::cli {

int Main(int, char**) {
  std::puts("otelite 0.1.0");
  return 0;
}

}  // namespace otelite::cli
