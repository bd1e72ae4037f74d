#include "storage/tsdb/iterators.h"

#include <algorithm>
#include <limits>

namespace otelite::tsdb {

ChunksIterator::ChunksIterator(std::vector<ChunkView> chunks, int64_t mint, int64_t maxt)
    : chunks_(std::move(chunks)), mint_(mint), maxt_(maxt) {}

bool ChunksIterator::OpenChunk() {
  while (index_ < chunks_.size()) {
    const ChunkView& c = chunks_[index_];
    if (c.max_t < mint_) {
      ++index_;
      continue;
    }
    if (c.min_t > maxt_) break;
    reader_.emplace(c.bytes, c.base_t);
    return true;
  }
  done_ = true;
  return false;
}

bool ChunksIterator::Next() {
  while (!done_) {
    if (!reader_ && !OpenChunk()) return false;
    if (reader_->Next()) {
      t_ = reader_->t();
      v_ = reader_->v();
      if (t_ < mint_) continue;
      if (t_ > maxt_) {
        done_ = true;
        return false;
      }
      return true;
    }
    if (reader_->corrupt()) {
      status_ = Status::Internal("corrupt chunk: the sample stream ends early");
      done_ = true;
      return false;
    }
    reader_.reset();
    ++index_;
  }
  return false;
}

bool ChunksIterator::Seek(int64_t t) {
  if (done_) return false;
  if (reader_ && t_ >= t && t_ >= mint_) return true;  // already there (after a Next)
  if (t > mint_) mint_ = t;
  // Skip whole chunks that end before t.
  if (reader_ && chunks_[index_].max_t < t) {
    reader_.reset();
    ++index_;
  }
  return Next();
}

VectorIterator::VectorIterator(std::shared_ptr<const std::vector<Sample>> samples, int64_t mint,
                               int64_t maxt)
    : samples_(std::move(samples)) {
  const auto& s = *samples_;
  pos_ = static_cast<size_t>(std::lower_bound(s.begin(), s.end(), mint,
                                              [](const Sample& a, int64_t t) { return a.t < t; }) -
                             s.begin());
  end_ = static_cast<size_t>(std::upper_bound(s.begin(), s.end(), maxt,
                                              [](int64_t t, const Sample& a) { return t < a.t; }) -
                             s.begin());
}

bool VectorIterator::Next() {
  if (!started_) {
    started_ = true;
    return pos_ < end_;
  }
  if (pos_ < end_) ++pos_;
  return pos_ < end_;
}

bool VectorIterator::Seek(int64_t t) {
  if (!started_) started_ = true;
  while (pos_ < end_ && (*samples_)[pos_].t < t) ++pos_;
  return pos_ < end_;
}

MergeIterator::MergeIterator(std::vector<std::unique_ptr<SampleIterator>> sources)
    : sources_(std::move(sources)), valid_(sources_.size(), false) {}

bool MergeIterator::Pick() {
  int best = -1;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!valid_[i]) continue;
    if (best < 0 || sources_[i]->t() < sources_[static_cast<size_t>(best)]->t()) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) return false;
  t_ = sources_[static_cast<size_t>(best)]->t();
  v_ = sources_[static_cast<size_t>(best)]->v();
  return true;
}

bool MergeIterator::Next() {
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < sources_.size(); ++i) valid_[i] = sources_[i]->Next();
    return Pick();
  }
  // Advance every source positioned at the current timestamp (duplicates collapse).
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (valid_[i] && sources_[i]->t() == t_) valid_[i] = sources_[i]->Next();
  }
  return Pick();
}

bool MergeIterator::Seek(int64_t t) {
  if (started_ && (t_ >= t)) {
    // Current position satisfies the seek, unless exhausted.
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (valid_[i]) return true;
    }
    return false;
  }
  started_ = true;
  for (size_t i = 0; i < sources_.size(); ++i) valid_[i] = sources_[i]->Seek(t);
  return Pick();
}

Status MergeIterator::status() const {
  for (const auto& s : sources_) {
    Status st = s->status();
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

std::unique_ptr<SampleIterator> ChunkSeries::Iterator() const {
  auto chunks = std::make_unique<ChunksIterator>(chunks_, mint_, maxt_);
  if (!extra_ || extra_->empty()) return chunks;
  std::vector<std::unique_ptr<SampleIterator>> sources;
  sources.push_back(std::move(chunks));
  sources.push_back(std::make_unique<VectorIterator>(extra_, mint_, maxt_));
  return std::make_unique<MergeIterator>(std::move(sources));
}

}  // namespace otelite::tsdb
