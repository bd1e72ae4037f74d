#include "query/logql/pipeline.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <set>
#include <type_traits>

#include "query/logql/convert.h"
#include "query/logql/decolorize.h"
#include "query/logql/field_sink.h"
#include "query/logql/ip_match.h"
#include "query/logql/json_parser.h"
#include "query/logql/logfmt_parser.h"
#include "query/logql/pattern.h"
#include "query/logql/regexp_parser.h"
#include "query/logql/template.h"

namespace otelite::logql {

class CompiledStage {
 public:
  virtual ~CompiledStage() = default;
  // Runs the stage on the entry; false drops it.
  virtual bool Process(EntryContext& e) = 0;
};

namespace {

// Replaces the entry's line, keeping the bytes alive in the entry's buffer.
void SetLine(EntryContext& e, std::string_view line) {
  if (line.data() == e.line_buffer.data()) {
    e.line = line;
    return;
  }
  e.scratch.assign(line);
  e.line_buffer.swap(e.scratch);
  e.line = e.line_buffer;
}

// ---- line filters -------------------------------------------------------------------------

class LineFilter : public CompiledStage {
 public:
  static Result<std::unique_ptr<CompiledStage>> Make(const LineFilterStage& stage) {
    auto f = std::make_unique<LineFilter>();
    f->op_ = stage.op;
    for (const auto& v : stage.values) {
      Alternative a;
      if (v.is_ip) {
        auto ip = IpMatcher::Compile(v.text);
        if (!ip.ok()) return ip.status();
        a.ip = std::make_unique<IpMatcher>(std::move(*ip));
      } else if (stage.op == LineFilterOp::kRegex || stage.op == LineFilterOp::kNotRegex) {
        RE2::Options options;
        options.set_dot_nl(true);
        options.set_log_errors(false);
        a.re = std::make_unique<RE2>(v.text, options);
        if (!a.re->ok()) {
          return Status::InvalidArgument(
              fmt::format("error parsing regexp: {}: `{}`", a.re->error(), v.text));
        }
      } else if (stage.op == LineFilterOp::kPattern || stage.op == LineFilterOp::kNotPattern) {
        auto p = Pattern::CompileLineFilter(v.text);
        if (!p.ok()) return p.status();
        a.pattern = std::make_unique<Pattern>(std::move(*p));
      } else {
        a.text = v.text;
      }
      f->alternatives_.push_back(std::move(a));
    }
    return std::unique_ptr<CompiledStage>(std::move(f));
  }

  bool Process(EntryContext& e) override {
    bool any = false;
    for (const auto& a : alternatives_) {
      if (Matches(a, e.line)) {
        any = true;
        break;
      }
    }
    const bool positive = op_ == LineFilterOp::kContains || op_ == LineFilterOp::kRegex ||
                          op_ == LineFilterOp::kPattern;
    return positive ? any : !any;
  }

 private:
  struct Alternative {
    std::string text;
    std::unique_ptr<RE2> re;
    std::unique_ptr<Pattern> pattern;
    std::unique_ptr<IpMatcher> ip;
  };
  static bool Matches(const Alternative& a, std::string_view line) {
    if (a.ip) return a.ip->MatchesLine(line);
    if (a.re) return RE2::PartialMatch(line, *a.re);
    if (a.pattern) return a.pattern->Matches(line);
    return line.find(a.text) != std::string_view::npos;
  }
  LineFilterOp op_ = LineFilterOp::kContains;
  std::vector<Alternative> alternatives_;
};

// ---- label filters ------------------------------------------------------------------------

bool Compare(ComparisonOp op, double a, double b) {
  switch (op) {
    case ComparisonOp::kEqual:
      return a == b;
    case ComparisonOp::kNotEqual:
      return a != b;
    case ComparisonOp::kGreater:
      return a > b;
    case ComparisonOp::kGreaterEqual:
      return a >= b;
    case ComparisonOp::kLess:
      return a < b;
    case ComparisonOp::kLessEqual:
      return a <= b;
  }
  return false;
}

class LabelFilter : public CompiledStage {
 public:
  struct Node {
    LabelFilterExpr::Kind kind;
    std::unique_ptr<Node> lhs, rhs;
    std::string name;
    std::optional<LabelMatcher> matcher;
    ComparisonOp op = ComparisonOp::kEqual;
    double number = 0;
    std::unique_ptr<IpMatcher> ip;
  };

  static Result<std::unique_ptr<Node>> Compile(const LabelFilterExpr& f) {
    auto n = std::make_unique<Node>();
    n->kind = f.kind;
    n->name = f.name;
    n->matcher = f.matcher;
    n->op = f.op;
    n->number = f.number;
    if (f.kind == LabelFilterExpr::Kind::kAnd || f.kind == LabelFilterExpr::Kind::kOr) {
      auto l = Compile(*f.lhs);
      if (!l.ok()) return l.status();
      auto r = Compile(*f.rhs);
      if (!r.ok()) return r.status();
      n->lhs = std::move(*l);
      n->rhs = std::move(*r);
    } else if (f.kind == LabelFilterExpr::Kind::kIp) {
      auto ip = IpMatcher::Compile(f.literal);
      if (!ip.ok()) return ip.status();
      n->ip = std::make_unique<IpMatcher>(std::move(*ip));
    }
    return n;
  }

  explicit LabelFilter(std::unique_ptr<Node> root) : root_(std::move(root)) {}

  bool Process(EntryContext& e) override { return Eval(*root_, e); }

  static bool Eval(const Node& n, EntryContext& e) {
    using Kind = LabelFilterExpr::Kind;
    switch (n.kind) {
      case Kind::kAnd: {
        const bool l = Eval(*n.lhs, e);
        const bool r = Eval(*n.rhs, e);
        return l && r;
      }
      case Kind::kOr:
        return Eval(*n.lhs, e) || Eval(*n.rhs, e);
      case Kind::kString: {
        auto v = e.labels.Get(n.name);
        return n.matcher->Matches(v.value_or(std::string_view()));
      }
      case Kind::kIp: {
        // An entry that already failed passes (only string matchers on __error__ drop it).
        if (e.labels.HasError()) return true;
        auto v = e.labels.Get(n.name);
        if (!v) return false;
        const bool match = n.ip->MatchesValue(*v);
        return n.op == ComparisonOp::kNotEqual ? !match : match;
      }
      default:
        break;
    }
    // Numeric, duration and bytes comparisons need their label (the error labels are not
    // readable as values here, as in Loki, where they are kept apart until the end). A value that
    // does not convert marks the entry LabelFilterErr (the first error keeps its details) and
    // keeps it.
    if (n.name == kErrorLabel || n.name == kErrorDetailsLabel) return false;
    auto v = e.labels.Get(n.name);
    if (!v) return false;
    double value = 0;
    Status conversion;
    if (n.kind == Kind::kNumber) {
      auto parsed = ParseGoFloat(*v);
      conversion = parsed.status();
      if (parsed.ok()) value = *parsed;
    } else if (n.kind == Kind::kDuration) {
      auto parsed = ParseGoDuration(*v);
      conversion = parsed.status();
      if (parsed.ok()) value = *parsed;
    } else {
      auto parsed = ParseHumanBytes(*v);
      conversion = parsed.status();
      if (parsed.ok()) value = static_cast<double>(*parsed);
    }
    if (!conversion.ok()) {
      e.labels.SetError("LabelFilterErr", conversion.message());
      return true;
    }
    return Compare(n.op, value, n.number);
  }

 private:
  std::unique_ptr<Node> root_;
};

// ---- parsers ------------------------------------------------------------------------------

// Parsed fields into the entry's labels.
class LabelsSink : public FieldSink {
 public:
  explicit LabelsSink(EntryLabels* labels) : labels_(labels) {}
  void Add(std::string_view name, std::string_view value) override {
    labels_->SetParsed(name, value);
  }
  void AddMissing(std::string_view name) override {
    if (!labels_->Has(name)) labels_->SetParsed(name, {});
  }

 private:
  EntryLabels* labels_;
};

// A parser stage: the parser's fields into the labels; a parser that can fail (json, logfmt
// --strict) marks the entry with its error name.
template <typename Parser>
class ParseStage : public CompiledStage {
 public:
  ParseStage(Parser parser, const char* error) : parser_(std::move(parser)), error_(error) {}
  bool Process(EntryContext& e) override {
    LabelsSink sink(&e.labels);
    if constexpr (std::is_same_v<Parser, RegexpParser>) {
      parser_.Parse(e.line, sink);
    } else if constexpr (std::is_same_v<Parser, Pattern>) {
      parser_.Match(e.line, sink);
    } else {
      Status st = parser_.Parse(e.line, sink);
      if (!st.ok()) e.labels.SetError(error_, st.message());
    }
    return true;
  }

 private:
  Parser parser_;
  const char* error_;
};

class UnpackStage : public CompiledStage {
 public:
  bool Process(EntryContext& e) override {
    LabelsSink sink(&e.labels);
    std::string_view line;
    Status st = parser_.Parse(e.line, sink, &line);
    if (!st.ok()) {
      e.labels.SetError("JSONParserErr", st.message());
      return true;
    }
    if (line.data() != e.line.data() || line.size() != e.line.size()) SetLine(e, line);
    return true;
  }

 private:
  UnpackParser parser_;
};

// ---- formatting ---------------------------------------------------------------------------

// The entry as a template sees it.
class EntryData : public TemplateData {
 public:
  explicit EntryData(const EntryContext* e) : e_(e) {}
  std::optional<std::string_view> Label(std::string_view name) const override {
    return e_->labels.Get(name);
  }
  void AllLabels(std::vector<std::pair<std::string_view, std::string_view>>* out) const override {
    out->clear();
    for (const auto& s : e_->labels.slots()) out->emplace_back(s.name, s.value);
  }
  std::string_view Line() const override { return e_->line; }
  int64_t TimestampNs() const override { return e_->timestamp_ns; }

 private:
  const EntryContext* e_;
};

class LineFormat : public CompiledStage {
 public:
  explicit LineFormat(Template t) : template_(std::move(t)) {}
  bool Process(EntryContext& e) override {
    Status st = template_.Execute(EntryData(&e), &output_);
    if (!st.ok()) {
      e.labels.SetError("TemplateFormatErr", st.message());
      return true;
    }
    e.line_buffer.swap(output_);
    e.line = e.line_buffer;
    return true;
  }

 private:
  Template template_;
  std::string output_;
};

class LabelFormat : public CompiledStage {
 public:
  struct Item {
    std::string label;
    std::string source;  // rename
    std::optional<Template> tmpl;
  };
  explicit LabelFormat(std::vector<Item> items)
      : items_(std::move(items)), values_(items_.size()) {}

  bool Process(EntryContext& e) override {
    // Every item sees the labels as they were before the stage.
    for (size_t i = 0; i < items_.size(); ++i) {
      const Item& item = items_[i];
      present_[i] = true;
      if (item.tmpl) {
        Status st = item.tmpl->Execute(EntryData(&e), &values_[i]);
        if (!st.ok()) {
          e.labels.SetError("TemplateFormatErr", st.message());
          present_[i] = false;
        }
      } else {
        auto v = e.labels.Get(item.source);
        values_[i].assign(v.value_or(std::string_view()));
      }
    }
    for (size_t i = 0; i < items_.size(); ++i) {
      if (!present_[i]) continue;
      const Item& item = items_[i];
      if (!item.tmpl && item.source != item.label) e.labels.Delete(item.source);
      e.labels.Set(item.label, values_[i], LabelOrigin::kParsed);
    }
    return true;
  }

 private:
  std::vector<Item> items_;
  std::vector<std::string> values_;
  std::vector<char> present_ = std::vector<char>(items_.size());
};

class DropKeep : public CompiledStage {
 public:
  DropKeep(bool keep, std::vector<DropKeepStage::Item> items)
      : keep_(keep), items_(std::move(items)) {}

  bool Process(EntryContext& e) override {
    if (!keep_) {
      for (const auto& item : items_) {
        auto v = e.labels.Get(item.name);
        if (!v) continue;
        if (item.matcher && !item.matcher->Matches(*v)) continue;
        e.labels.Delete(item.name);
      }
      return true;
    }
    names_.clear();
    for (const auto& s : e.labels.slots()) names_.push_back(s.name);
    for (std::string_view name : names_) {
      if (name == kErrorLabel || name == kErrorDetailsLabel) continue;
      bool kept = false;
      for (const auto& item : items_) {
        if (item.name != name) continue;
        kept = !item.matcher || item.matcher->Matches(*e.labels.Get(name));
        break;
      }
      if (!kept) e.labels.Delete(name);
    }
    return true;
  }

 private:
  bool keep_;
  std::vector<DropKeepStage::Item> items_;
  std::vector<std::string_view> names_;
};

class DecolorizeLine : public CompiledStage {
 public:
  bool Process(EntryContext& e) override {
    std::string_view out = Decolorize(e.line, &scratch_);
    if (out.size() != e.line.size()) SetLine(e, out);
    return true;
  }

 private:
  std::string scratch_;
};

void CollectFilterNames(const LabelFilterExpr& f, std::vector<std::string>* out) {
  if (f.lhs) CollectFilterNames(*f.lhs, out);
  if (f.rhs) CollectFilterNames(*f.rhs, out);
  if (!f.name.empty()) out->push_back(f.name);
}

// The string matchers of a filter made only of `and`s of string comparisons.
bool ConjunctiveMatchers(const LabelFilterExpr& f, Matchers* out) {
  if (f.kind == LabelFilterExpr::Kind::kAnd) {
    return ConjunctiveMatchers(*f.lhs, out) && ConjunctiveMatchers(*f.rhs, out);
  }
  if (f.kind != LabelFilterExpr::Kind::kString) return false;
  out->push_back(*f.matcher);
  return true;
}

}  // namespace

Pipeline::~Pipeline() = default;

Result<std::unique_ptr<Pipeline>> Pipeline::Compile(const LogSelector& selector,
                                                    const Unwrap* unwrap) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  bool leading = true;  // no stage so far could have changed labels or the line
  std::set<std::string> read;
  for (const Stage& stage : selector.pipeline) {
    if (const auto* lf = std::get_if<LineFilterStage>(&stage)) {
      auto f = LineFilter::Make(*lf);
      if (!f.ok()) return f.status();
      p->stages_.push_back(std::move(*f));
      p->reads_lines_ = true;
      if (leading && lf->op == LineFilterOp::kContains && lf->values.size() == 1 &&
          !lf->values[0].is_ip) {
        p->leading_line_contains_.push_back(lf->values[0].text);
      }
    } else if (const auto* lab = std::get_if<LabelFilterStage>(&stage)) {
      if (FilterKeepsEverything(*lab->filter)) continue;
      auto node = LabelFilter::Compile(*lab->filter);
      if (!node.ok()) return node.status();
      p->stages_.push_back(std::make_unique<LabelFilter>(std::move(*node)));
      std::vector<std::string> names;
      CollectFilterNames(*lab->filter, &names);
      read.insert(names.begin(), names.end());
      Matchers matchers;
      if (leading && ConjunctiveMatchers(*lab->filter, &matchers)) {
        for (auto& m : matchers) {
          // Names a stream label or a renamed clash may hold are not structured metadata.
          if (m.name().starts_with("__") || m.name().ends_with("_extracted")) continue;
          p->leading_metadata_filters_.push_back(std::move(m));
        }
      }
    } else if (const auto* parser = std::get_if<ParserStage>(&stage)) {
      leading = false;
      p->reads_lines_ = true;
      p->has_parser_ = true;
      std::vector<LabelExtraction> params;
      for (const auto& prm : parser->params) params.push_back({prm.label, prm.expression});
      switch (parser->kind) {
        case ParserStage::Kind::kJson:
          if (params.empty()) {
            p->stages_.push_back(
                std::make_unique<ParseStage<JsonParser>>(JsonParser(), "JSONParserErr"));
          } else {
            auto j = JsonExpressionParser::Compile(std::move(params));
            if (!j.ok()) return j.status();
            p->stages_.push_back(
                std::make_unique<ParseStage<JsonExpressionParser>>(std::move(*j), "JSONParserErr"));
          }
          break;
        case ParserStage::Kind::kLogfmt: {
          LogfmtOptions options{parser->strict, parser->keep_empty};
          if (params.empty()) {
            p->stages_.push_back(std::make_unique<ParseStage<LogfmtParser>>(LogfmtParser(options),
                                                                            "LogfmtParserErr"));
          } else {
            auto l = LogfmtParser::Compile(options, std::move(params));
            if (!l.ok()) return l.status();
            p->stages_.push_back(
                std::make_unique<ParseStage<LogfmtParser>>(std::move(*l), "LogfmtParserErr"));
          }
          break;
        }
        case ParserStage::Kind::kRegexp: {
          auto r = RegexpParser::Compile(parser->text);
          if (!r.ok()) return r.status();
          p->stages_.push_back(std::make_unique<ParseStage<RegexpParser>>(std::move(*r), ""));
          break;
        }
        case ParserStage::Kind::kPattern: {
          auto pat = Pattern::CompileParser(parser->text);
          if (!pat.ok()) return pat.status();
          p->stages_.push_back(std::make_unique<ParseStage<Pattern>>(std::move(*pat), ""));
          break;
        }
        case ParserStage::Kind::kUnpack:
          p->rewrites_line_ = true;
          p->stages_.push_back(std::make_unique<UnpackStage>());
          break;
      }
    } else if (const auto* lf = std::get_if<LineFormatStage>(&stage)) {
      leading = false;
      auto t = Template::Parse(lf->template_text, "line");
      if (!t.ok()) return t.status();
      if (t->reads_all_labels()) p->reads_all_labels_ = true;
      if (t->reads_line()) p->reads_lines_ = true;
      read.insert(t->referenced_labels().begin(), t->referenced_labels().end());
      p->rewrites_line_ = true;
      p->stages_.push_back(std::make_unique<LineFormat>(std::move(*t)));
    } else if (const auto* lab = std::get_if<LabelFormatStage>(&stage)) {
      leading = false;
      std::vector<LabelFormat::Item> items;
      for (const auto& item : lab->items) {
        LabelFormat::Item compiled;
        compiled.label = item.label;
        if (item.is_template) {
          auto t = Template::Parse(item.value, "label");
          if (!t.ok()) return t.status();
          if (t->reads_all_labels()) p->reads_all_labels_ = true;
          if (t->reads_line()) p->reads_lines_ = true;
          read.insert(t->referenced_labels().begin(), t->referenced_labels().end());
          compiled.tmpl = std::move(*t);
        } else {
          compiled.source = item.value;
          read.insert(item.value);
        }
        items.push_back(std::move(compiled));
      }
      p->stages_.push_back(std::make_unique<LabelFormat>(std::move(items)));
    } else if (const auto* dk = std::get_if<DropKeepStage>(&stage)) {
      leading = false;
      for (const auto& item : dk->items) {
        if (item.matcher) read.insert(item.name);
      }
      if (dk->keep) {
        for (const auto& item : dk->items) p->kept_labels_.push_back(item.name);
      }
      p->stages_.push_back(std::make_unique<DropKeep>(dk->keep, dk->items));
    } else if (std::holds_alternative<DecolorizeStage>(stage)) {
      leading = false;
      p->reads_lines_ = true;
      p->rewrites_line_ = true;
      p->stages_.push_back(std::make_unique<DecolorizeLine>());
    }
  }
  if (unwrap != nullptr) {
    CompiledUnwrap u;
    u.label = unwrap->label;
    u.conversion = unwrap->conversion;
    read.insert(unwrap->label);
    for (const auto& f : unwrap->post_filters) {
      auto node = LabelFilter::Compile(*f.filter);
      if (!node.ok()) return node.status();
      std::vector<std::string> names;
      CollectFilterNames(*f.filter, &names);
      read.insert(names.begin(), names.end());
      u.post_filters.push_back(std::make_unique<LabelFilter>(std::move(*node)));
    }
    p->unwrap_ = std::move(u);
  }
  p->read_labels_.assign(read.begin(), read.end());
  return p;
}

LogReadHints Pipeline::Hints(const std::optional<std::vector<std::string>>& output_labels,
                             bool caller_needs_lines) const {
  LogReadHints hints;
  hints.need_lines = reads_lines_ || caller_needs_lines;
  if (output_labels && !reads_all_labels_ && !has_parser_) {
    std::set<std::string> columns(read_labels_.begin(), read_labels_.end());
    columns.insert(output_labels->begin(), output_labels->end());
    // <name>_extracted holds the metadata key <name> when a stream label has that name.
    constexpr std::string_view kExtracted = "_extracted";
    for (const auto& c : std::vector<std::string>(columns.begin(), columns.end())) {
      if (c.ends_with(kExtracted)) columns.insert(c.substr(0, c.size() - kExtracted.size()));
    }
    hints.columns.emplace(columns.begin(), columns.end());
  }
  hints.metadata_filters = leading_metadata_filters_;
  hints.line_contains = leading_line_contains_;
  return hints;
}

bool PipelineRunner::Run(size_t i) {
  EntryContext& e = entry_;
  const LogEntryBatch& b = *batch_;
  e.timestamp_ns = b.timestamps[i];
  e.line_bytes = b.line_bytes[i];
  e.line = b.lines.empty() ? std::string_view() : b.lines[i];
  e.value = 0;
  e.labels.Reset(stream_);
  for (const LogColumn& c : b.columns) {
    const uint32_t code = c.codes[i];
    if (code != 0) e.labels.AddMetadata(c.name, c.dict[code - 1]);
  }
  return RunStages();
}

bool PipelineRunner::RunEntry(int64_t timestamp_ns, std::string_view line,
                              std::span<const Label> metadata) {
  EntryContext& e = entry_;
  e.timestamp_ns = timestamp_ns;
  e.line_bytes = static_cast<uint32_t>(line.size());
  e.line = line;
  e.value = 0;
  e.labels.Reset(stream_);
  for (const Label& l : metadata) e.labels.AddMetadata(l.name, l.value);
  return RunStages();
}

bool PipelineRunner::RunStages() {
  EntryContext& e = entry_;
  for (auto& stage : pipeline_->stages_) {
    if (!stage->Process(e)) return false;
  }
  if (!pipeline_->unwrap_) return true;
  const Pipeline::CompiledUnwrap& u = *pipeline_->unwrap_;
  auto v = e.labels.Get(u.label);
  if (!v || v->empty()) return false;  // entries without the label give no sample, as in Loki
  if (!e.labels.HasError()) {
    Result<double> value = 0.0;
    switch (u.conversion) {
      case Unwrap::Conversion::kNone:
        value = ParseGoFloat(*v);
        break;
      case Unwrap::Conversion::kDuration:
      case Unwrap::Conversion::kDurationSeconds:
        value = ParseGoDuration(*v);
        break;
      case Unwrap::Conversion::kBytes: {
        auto bytes = ParseHumanBytes(*v);
        value = bytes.ok() ? Result<double>(static_cast<double>(*bytes))
                           : Result<double>(bytes.status());
        break;
      }
    }
    if (value.ok()) {
      e.value = *value;
    } else {
      e.labels.SetError("SampleExtractionErr", value.status().message());
    }
  }
  // The filters after unwrap still see the unwrapped label; the series do not carry it.
  for (auto& f : u.post_filters) {
    if (!f->Process(e)) return false;
  }
  e.labels.Delete(u.label);
  return true;
}

std::string PipelineErrorMessage(std::string_view error, const Labels& series) {
  return fmt::format(
      "pipeline error: '{}' for series: '{}'.\n"
      "Use a label filter to intentionally skip this error. (e.g | __error__!=\"{}\").\n"
      "To skip all potential errors you can match empty errors.(e.g __error__=\"\")\n"
      "The label filter can also be specified after unwrap. (e.g | unwrap latency | "
      "__error__=\"\" )\n",
      error, series.ToString(), error);
}

}  // namespace otelite::logql
