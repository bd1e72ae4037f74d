// Sample iterators over chunks and plain vectors, and a merge of several sources, shared by
// the head and the persisted blocks.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "storage/querier.h"
#include "storage/tsdb/chunk.h"

namespace otelite::tsdb {

struct Sample {
  int64_t t;
  double v;
};

// An encoded chunk kept alive by `owner` (a head chunk, a copy, or a mapped block file).
struct ChunkView {
  std::shared_ptr<const void> owner;
  std::span<const uint8_t> bytes;
  int64_t min_t = 0;
  int64_t max_t = 0;
  int64_t base_t = 0;  // the base of the first timestamp (chunk.h)
};

// Chunks in increasing, non-overlapping time order, clipped to [mint, maxt].
class ChunksIterator : public SampleIterator {
 public:
  ChunksIterator(std::vector<ChunkView> chunks, int64_t mint, int64_t maxt);
  bool Next() override;
  bool Seek(int64_t t) override;
  int64_t t() const override { return t_; }
  double v() const override { return v_; }
  Status status() const override { return status_; }

 private:
  bool OpenChunk();

  std::vector<ChunkView> chunks_;
  size_t index_ = 0;
  std::optional<ChunkReader> reader_;
  int64_t mint_;
  int64_t maxt_;
  int64_t t_ = 0;
  double v_ = 0;
  bool done_ = false;
  Status status_;
};

// Sorted samples, clipped to [mint, maxt].
class VectorIterator : public SampleIterator {
 public:
  VectorIterator(std::shared_ptr<const std::vector<Sample>> samples, int64_t mint, int64_t maxt);
  bool Next() override;
  bool Seek(int64_t t) override;
  int64_t t() const override { return (*samples_)[pos_].t; }
  double v() const override { return (*samples_)[pos_].v; }

 private:
  std::shared_ptr<const std::vector<Sample>> samples_;
  size_t pos_;
  size_t end_;
  bool started_ = false;
};

// Merges sorted sources by time; on equal timestamps the earlier source wins (sources are
// given oldest storage first, so a block's sample beats a later copy of it).
class MergeIterator : public SampleIterator {
 public:
  explicit MergeIterator(std::vector<std::unique_ptr<SampleIterator>> sources);
  bool Next() override;
  bool Seek(int64_t t) override;
  int64_t t() const override { return t_; }
  double v() const override { return v_; }
  Status status() const override;

 private:
  bool Pick();

  std::vector<std::unique_ptr<SampleIterator>> sources_;
  std::vector<bool> valid_;
  bool started_ = false;
  int64_t t_ = 0;
  double v_ = 0;
};

// A series read from chunks (plus out-of-order samples), valid on its own.
class ChunkSeries : public Series {
 public:
  ChunkSeries(Labels labels, std::vector<ChunkView> chunks,
              std::shared_ptr<const std::vector<Sample>> extra, int64_t mint, int64_t maxt)
      : labels_(std::move(labels)),
        chunks_(std::move(chunks)),
        extra_(std::move(extra)),
        mint_(mint),
        maxt_(maxt) {}
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override;

 private:
  Labels labels_;
  std::vector<ChunkView> chunks_;
  std::shared_ptr<const std::vector<Sample>> extra_;
  int64_t mint_;
  int64_t maxt_;
};

}  // namespace otelite::tsdb
