// otelite: one binary for OTLP ingest, metrics and event storage, Prometheus/Loki-compatible
// queries and dashboards. Subcommands are dispatched in cli/commands.cc.
#include "cli/commands.h"

int main(int argc, char** argv) { return otelite::cli::Main(argc, argv); }
