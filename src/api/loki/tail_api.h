// Loki's live tail on the Loki listener (:3100), as Loki 3.x serves it to Grafana's "Live" mode
// and `logcli query --tail`:
//
//   GET /loki/api/v1/tail?query=<log query>&limit=<n>&start=<time>&delay_for=<seconds>
//
// upgraded to a WebSocket. Parameters: `query`, a log query (selector and pipeline; metric
// queries are refused); `limit` (default 100, at most the engine's max_entries_limit) bounds the
// initial backlog; `start` (default an hour ago) is where the backlog begins; `delay_for` (0 to
// 5 seconds) holds live entries back until they are that old and sends them in time order, so
// that late writers are caught up. Problems with the parameters or the query, and too many
// open tails, are answered before the upgrade with Loki's plain-text 400.
//
// After the upgrade the connection first gets the newest `limit` matching entries in
// [start, now) (oldest first), then every matching entry as it is accepted (TailHub's
// LogListener), run through the query's pipeline. Each text message is
//   {"streams":[{"stream":{labels},"values":[["<unix ns>","<line>"],…]},…],
//    "dropped_entries":[{"timestamp":"<unix ns>","labels":{labels}},…]}
// with at most 100 entries; stream labels are all of an entry's labels (stream, structured
// metadata, parsed), as Loki's tail sends them, or with the X-Loki-Response-Encoding-Flags:
// categorize-labels request header the stream labels only, each value carrying a third element
// {"structuredMetadata":{…},"parsed":{…}} and the message "encodingFlags":["categorize-labels"].
// `dropped_entries` appears when entries were lost: a client that reads slower than entries
// arrive has at most `max_buffered_entries` / `max_buffered_bytes` waiting for it; newer ones are
// dropped (their index labels and time reported, at most 1000 per message), so a slow client never
// slows ingest.
// The server closes the connection with a close frame when it shuts down (1001) or when the
// backlog query fails (1011, the error as reason).
#pragma once

#include <cstddef>

#include "api/http/router.h"
#include "api/tail.h"
#include "query/logql/engine.h"
#include "storage/log_querier.h"

namespace otelite::api::loki {

struct TailOptions {
  // Open tails at most; more are refused with Loki's "max concurrent tail requests limit
  // exceeded" (400).
  size_t max_connections = 100;
  // Entries (and their bytes) waiting to be sent to one client; beyond either, entries are
  // dropped and reported.
  size_t max_buffered_entries = 4096;
  size_t max_buffered_bytes = 8 << 20;
  // Entries per message and dropped entries listed per message (Loki's numbers).
  size_t max_entries_per_message = 100;
  size_t max_dropped_per_message = 1000;
};

// None is owned; all must outlive the router.
void RegisterTailApi(LogQueryable* store, const logql::Engine* engine, TailHub* hub,
                     TailOptions options, Router* router);

}  // namespace otelite::api::loki
