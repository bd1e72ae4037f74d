// Template: parsing entry point and the executor (Go's text/template exec semantics: pipelines,
// argument conversion, field chains, if/with/range, variables).
#include "query/logql/template.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "query/logql/template_internal.h"

namespace otelite::logql {

using template_internal::Arg;
using template_internal::ArgKind;
using template_internal::CallContext;
using template_internal::Command;
using template_internal::FunctionDef;
using template_internal::Kind;
using template_internal::Node;
using template_internal::NodeKind;
using template_internal::ParamType;
using template_internal::Pipeline;
using template_internal::Program;
using template_internal::Special;
using template_internal::Value;

namespace {

struct ExecFailure {
  std::string message;
};

enum class Flow { kNormal, kBreak, kContinue };

struct Variable {
  std::string_view name;
  Value value;
};

// Per-thread buffers reused between executions: variables and call arguments.
struct Scratch {
  std::vector<Variable> vars;
  std::vector<Value> args;
};

class Executor {
 public:
  Executor(const Program& program, const TemplateData& data, std::string* out, Scratch* scratch)
      : program_(program), data_(data), out_(out), vars_(scratch->vars), args_(scratch->args) {
    vars_.clear();
    args_.clear();
    vars_.push_back(Variable{"$", Value::Labels(&data)});
  }

  void Run() {
    Value root = Value::Labels(&data_);
    for (const Node& node : program_.root) Walk(node, root);
  }

 private:
  // ---- Errors ----

  [[noreturn]] void Fail(const std::string& message) {
    std::string full = "template: " + program_.name;
    if (at_end_ > at_pos_ || at_pos_ > 0) {
      std::string_view src = program_.source;
      size_t pos = std::min<size_t>(at_pos_, src.size());
      std::string_view before = src.substr(0, pos);
      size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      size_t nl = before.rfind('\n');
      size_t column = nl == std::string_view::npos ? pos : pos - nl - 1;
      std::string_view context = src.substr(pos, std::min<size_t>(at_end_, src.size()) - pos);
      while (!context.empty() && (context.back() == ' ' || context.back() == '\n' ||
                                  context.back() == '\t' || context.back() == '\r')) {
        context.remove_suffix(1);
      }
      std::string ctx(context);
      if (ctx.size() > 20) ctx = ctx.substr(0, 20) + "...";
      full += ":" + std::to_string(line) + ":" + std::to_string(column) + ": executing \"" +
              program_.name + "\" at <" + ctx + ">";
    }
    throw ExecFailure{full + ": " + message};
  }
  void At(uint32_t pos, uint32_t end) {
    at_pos_ = pos;
    at_end_ = end;
  }
  void At(const Arg& arg) { At(arg.pos, arg.end); }
  void At(const Command& cmd) { At(cmd.pos, cmd.end); }

  void Step() {
    if (++steps_ > Template::kMaxSteps) {
      Fail("execution exceeded " + std::to_string(Template::kMaxSteps) + " steps");
    }
  }
  void CheckOutput() {
    if (out_->size() > Template::kMaxOutputBytes) {
      Fail("output exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
    }
  }

  // ---- Statements ----

  Flow WalkList(const std::vector<Node>& list, const Value& dot) {
    for (const Node& node : list) {
      Flow flow = Walk(node, dot);
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  Flow Walk(const Node& node, const Value& dot) {
    Step();
    switch (node.kind) {
      case NodeKind::kText:
        out_->append(node.text);
        CheckOutput();
        return Flow::kNormal;
      case NodeKind::kAction: {
        Value v = EvalPipeline(dot, *node.pipe);
        if (node.pipe->decls.empty()) {
          if (v.kind == Kind::kNil) {
            out_->append("<no value>");
          } else {
            template_internal::AppendValue(v, out_);
          }
          CheckOutput();
        }
        return Flow::kNormal;
      }
      case NodeKind::kIf:
      case NodeKind::kWith: {
        size_t mark = vars_.size();
        Value v = EvalPipeline(dot, *node.pipe);
        Flow flow;
        if (template_internal::IsTrue(v)) {
          flow = WalkList(node.list, node.kind == NodeKind::kWith ? v : dot);
        } else {
          flow = WalkList(node.else_list, dot);
        }
        vars_.resize(mark);
        return flow;
      }
      case NodeKind::kRange:
        return WalkRange(node, dot);
      case NodeKind::kBreak:
        return Flow::kBreak;
      case NodeKind::kContinue:
        return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  // One iteration of a range body; false when the body said {{break}}.
  bool Iterate(const Node& node, size_t mark, const Value& index, const Value& elem) {
    Step();
    const Pipeline& pipe = *node.pipe;
    if (!pipe.decls.empty()) {
      if (pipe.is_assign) {
        SetVar(pipe.decls[0], pipe.decls.size() > 1 ? index : elem);
        if (pipe.decls.size() > 1) SetVar(pipe.decls[1], elem);
      } else {
        vars_[vars_.size() - 1].value = elem;
        if (pipe.decls.size() > 1) vars_[vars_.size() - 2].value = index;
      }
    }
    size_t body_mark = vars_.size();
    Flow flow = WalkList(node.list, elem);
    vars_.resize(std::max(body_mark, mark));
    return flow != Flow::kBreak;
  }

  Flow WalkRange(const Node& node, const Value& dot) {
    size_t mark = vars_.size();
    Value v = EvalPipeline(dot, *node.pipe);
    bool ran = false;
    switch (v.kind) {
      case Kind::kList:
        for (size_t i = 0; i < v.list->size(); ++i) {
          ran = true;
          if (!Iterate(node, mark, Value::Int(static_cast<int64_t>(i)), (*v.list)[i])) break;
        }
        break;
      case Kind::kMap:
        for (const auto& [key, elem] : *v.map) {
          ran = true;
          if (!Iterate(node, mark, Value::Borrowed(key), elem)) break;
        }
        break;
      case Kind::kLabels: {
        auto labels = template_internal::SortedLabels(v);
        for (const auto& [name, value] : labels) {
          ran = true;
          if (!Iterate(node, mark, Value::Borrowed(name), Value::Borrowed(value))) break;
        }
        break;
      }
      case Kind::kInt:
      case Kind::kInt64: {
        if (node.pipe->decls.size() > 1) {
          std::string s;
          template_internal::AppendValue(v, &s);
          Fail("can't use " + s + " to iterate over more than one variable");
        }
        for (int64_t i = 0; i < v.integer; ++i) {
          ran = true;
          Value iv = v.kind == Kind::kInt ? Value::Int(i) : Value::Int64(i);
          if (!Iterate(node, mark, iv, iv)) break;
        }
        break;
      }
      case Kind::kNil:
        break;
      default: {
        std::string s;
        template_internal::AppendValue(v, &s);
        Fail("range can't iterate over " + s);
      }
    }
    Flow flow = Flow::kNormal;
    if (!ran) flow = WalkList(node.else_list, dot);
    vars_.resize(mark);
    return flow;
  }

  // ---- Variables ----

  const Value& VarValue(std::string_view name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) return vars_[i].value;
    }
    Fail("undefined variable: " + std::string(name));
  }
  void SetVar(std::string_view name, const Value& value) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = value;
        return;
      }
    }
    Fail("undefined variable: " + std::string(name));
  }

  // ---- Expressions ----

  Value EvalPipeline(const Value& dot, const Pipeline& pipe) {
    Value value;
    bool has_final = false;
    for (const Command& cmd : pipe.cmds) {
      value = EvalCommand(dot, cmd, has_final ? &value : nullptr);
      has_final = true;
    }
    for (const std::string& name : pipe.decls) {
      if (pipe.is_assign) {
        SetVar(name, value);
      } else {
        vars_.push_back(Variable{name, value});
      }
    }
    return value;
  }

  void NotAFunction(const Command& cmd, const Value* final_value) {
    if (cmd.args.size() > 1 || final_value != nullptr) {
      const Arg& a = cmd.args[0];
      Fail("can't give argument to non-function " +
           std::string(program_.source.substr(a.pos, a.end - a.pos)));
    }
  }

  Value EvalCommand(const Value& dot, const Command& cmd, const Value* final_value) {
    const Arg& first = cmd.args[0];
    At(first);
    switch (first.kind) {
      case ArgKind::kField:
        return EvalFieldChain(dot, first, dot, first.fields, &cmd, final_value);
      case ArgKind::kVariable: {
        const Value& v = VarValue(first.name);
        if (first.fields.empty()) {
          NotAFunction(cmd, final_value);
          return v;
        }
        Value receiver = v;
        return EvalFieldChain(dot, first, receiver, first.fields, &cmd, final_value);
      }
      case ArgKind::kFunction:
        return EvalCall(dot, *first.func, cmd, &cmd.args, final_value);
      case ArgKind::kPipe: {
        if (first.fields.empty()) {
          NotAFunction(cmd, final_value);
          return EvalPipeline(dot, *first.pipe);
        }
        Value receiver = EvalPipeline(dot, *first.pipe);
        At(first);
        return EvalFieldChain(dot, first, receiver, first.fields, &cmd, final_value);
      }
      default:
        break;
    }
    NotAFunction(cmd, final_value);
    switch (first.kind) {
      case ArgKind::kBool:
        return Value::Bool(first.boolean);
      case ArgKind::kDot:
        return dot;
      case ArgKind::kNil:
        Fail("nil is not a command");
      case ArgKind::kNumber:
        return IdealConstant(first);
      case ArgKind::kString:
        return Value::Borrowed(first.text);
      default:
        Fail("can't evaluate command");
    }
  }

  Value IdealConstant(const Arg& arg) {
    const auto& n = arg.number;
    if (n.is_float && n.float_syntax) return Value::Float(n.float_value);
    if (n.is_int) return Value::Int(n.int_value);
    std::string text(program_.source.substr(arg.pos, arg.end - arg.pos));
    Fail(text + " overflows int");
  }

  // Walks `fields` from `receiver`; the last field gets the command's arguments, which only
  // methods could take (there are none here).
  Value EvalFieldChain(const Value& dot, const Arg& node, Value receiver,
                       const std::vector<std::string>& fields, const Command* cmd,
                       const Value* final_value) {
    (void)dot;
    for (size_t i = 0; i < fields.size(); ++i) {
      bool last = i + 1 == fields.size();
      bool has_args = last && ((cmd != nullptr && cmd->args.size() > 1) || final_value != nullptr);
      receiver = EvalField(node, fields[i], receiver, has_args);
    }
    return receiver;
  }

  Value EvalField(const Arg& node, const std::string& name, const Value& receiver, bool has_args) {
    At(node);
    switch (receiver.kind) {
      case Kind::kNil:
        return Value::Nil();
      case Kind::kLabels: {
        if (has_args) Fail(name + " is not a method but has arguments");
        std::optional<std::string_view> v = receiver.labels->Label(name);
        return Value::Borrowed(v ? *v : std::string_view());
      }
      case Kind::kMap: {
        if (has_args) Fail(name + " is not a method but has arguments");
        const auto& m = *receiver.map;
        auto it = std::lower_bound(m.begin(), m.end(), name,
                                   [](const auto& e, const std::string& k) { return e.first < k; });
        if (it != m.end() && it->first == name) return it->second;
        return Value::Nil();
      }
      default:
        Fail("can't evaluate field " + name + " in type " +
             std::string(template_internal::TypeName(receiver)));
    }
  }

  // An argument evaluated for a parameter of type `type` (Go's evalArg).
  Value EvalArg(const Value& dot, ParamType type, const Arg& arg) {
    At(arg);
    Value v;
    switch (arg.kind) {
      case ArgKind::kDot:
        return ValidateType(dot, type);
      case ArgKind::kNil:
        if (type == ParamType::kAny) return Value::Nil();
        Fail("cannot assign nil to " + std::string(template_internal::ParamTypeName(type)));
      case ArgKind::kField:
        v = EvalFieldChain(dot, arg, dot, arg.fields, nullptr, nullptr);
        return ValidateType(v, type);
      case ArgKind::kVariable:
        v = VarValue(arg.name);
        if (!arg.fields.empty()) v = EvalFieldChain(dot, arg, v, arg.fields, nullptr, nullptr);
        return ValidateType(v, type);
      case ArgKind::kPipe:
        v = EvalPipeline(dot, *arg.pipe);
        if (!arg.fields.empty()) {
          At(arg);
          v = EvalFieldChain(dot, arg, v, arg.fields, nullptr, nullptr);
        }
        return ValidateType(v, type);
      case ArgKind::kFunction: {
        Command cmd;  // a bare function name as an argument: a call without arguments
        cmd.pos = arg.pos;
        cmd.end = arg.end;
        v = EvalCall(dot, *arg.func, cmd, nullptr, nullptr);
        return ValidateType(v, type);
      }
      default:
        break;
    }
    std::string found(program_.source.substr(arg.pos, arg.end - arg.pos));
    switch (type) {
      case ParamType::kBool:
        if (arg.kind == ArgKind::kBool) return Value::Bool(arg.boolean);
        Fail("expected bool; found " + found);
      case ParamType::kFloat:
        if (arg.kind == ArgKind::kNumber && arg.number.is_float) {
          return Value::Float(arg.number.float_value);
        }
        Fail("expected float; found " + found);
      case ParamType::kInt:
        if (arg.kind == ArgKind::kNumber && arg.number.is_int) {
          return Value::Int(arg.number.int_value);
        }
        Fail("expected integer; found " + found);
      case ParamType::kString:
        if (arg.kind == ArgKind::kString) return Value::Borrowed(arg.text);
        Fail("expected string; found " + found);
      case ParamType::kAny:
      case ParamType::kValue:
        if (arg.kind == ArgKind::kBool) return Value::Bool(arg.boolean);
        if (arg.kind == ArgKind::kNumber) return IdealConstant(arg);
        if (arg.kind == ArgKind::kString) return Value::Borrowed(arg.text);
        break;
      case ParamType::kTime:
        break;
    }
    Fail("can't handle " + found + " for arg of type " +
         std::string(template_internal::ParamTypeName(type)));
  }

  Value ValidateType(const Value& v, ParamType type) {
    if (type == ParamType::kAny || type == ParamType::kValue) return v;
    if (v.kind == Kind::kNil) {
      Fail("invalid value; expected " + std::string(template_internal::ParamTypeName(type)));
    }
    bool ok = false;
    switch (type) {
      case ParamType::kString:
        ok = v.kind == Kind::kString;
        break;
      case ParamType::kInt:
        ok = v.kind == Kind::kInt;
        break;
      case ParamType::kFloat:
        ok = v.kind == Kind::kFloat;
        break;
      case ParamType::kBool:
        ok = v.kind == Kind::kBool;
        break;
      case ParamType::kTime:
        ok = v.kind == Kind::kTime;
        break;
      case ParamType::kAny:
      case ParamType::kValue:
        ok = true;
        break;
    }
    if (!ok) {
      Fail("wrong type for value; expected " + std::string(template_internal::ParamTypeName(type)) +
           "; got " + std::string(template_internal::TypeName(v)));
    }
    return v;
  }

  // Go's evalCall: `args` holds the command's words (the function name first), or is null for a
  // function used as an argument.
  Value EvalCall(const Value& dot, const FunctionDef& fn, const Command& cmd,
                 const std::vector<Arg>* args, const Value* final_value) {
    size_t explicit_args = args == nullptr ? 0 : args->size() - 1;
    size_t num_in = explicit_args + (final_value != nullptr ? 1 : 0);
    size_t num_params = fn.params.size();
    size_t num_fixed = explicit_args;
    if (fn.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed) {
        At(cmd);
        Fail("wrong number of args for " + std::string(fn.name) + ": want at least " +
             std::to_string(num_fixed) + " got " + std::to_string(explicit_args));
      }
    } else if (num_in != num_params) {
      At(cmd);
      Fail("wrong number of args for " + std::string(fn.name) + ": want " +
           std::to_string(num_params) + " got " + std::to_string(num_in));
    }
    auto param_type = [&](size_t i) {
      return fn.variadic && i >= num_params - 1 ? fn.params.back() : fn.params[i];
    };

    if (fn.special == Special::kAnd || fn.special == Special::kOr) {
      bool want = fn.special == Special::kOr;
      Value v;
      for (size_t i = 0; i < explicit_args; ++i) {
        v = EvalArg(dot, ParamType::kValue, (*args)[i + 1]);
        if (template_internal::IsTrue(v) == want) return v;
      }
      if (final_value != nullptr) v = *final_value;
      return v;
    }

    size_t base = args_.size();
    for (size_t i = 0; i < explicit_args; ++i) {
      Value v = EvalArg(dot, param_type(i), (*args)[i + 1]);
      args_.push_back(std::move(v));
    }
    if (final_value != nullptr) {
      args_.push_back(ValidateType(*final_value, param_type(num_in - 1)));
    }
    CallContext ctx;
    ctx.data = &data_;
    ctx.regex = cmd.regex.get();
    Value result;
    Status status =
        fn.impl(ctx, std::span<Value>(args_.data() + base, args_.size() - base), &result);
    args_.resize(base);
    if (!status.ok()) {
      At(cmd);
      Fail("error calling " + std::string(fn.name) + ": " + status.message());
    }
    return result;
  }

  const Program& program_;
  const TemplateData& data_;
  std::string* out_;
  std::vector<Variable>& vars_;
  std::vector<Value>& args_;
  uint32_t at_pos_ = 0;
  uint32_t at_end_ = 0;
  int64_t steps_ = 0;
};

}  // namespace

Template::Template() {
  static const auto* empty = new std::shared_ptr<const Program>([] {
    auto program = std::make_shared<Program>();
    program->simple = true;
    return program;
  }());
  program_ = *empty;
}

Result<Template> Template::Parse(std::string_view text, std::string_view name) {
  auto program = std::make_shared<Program>();
  Status status = template_internal::ParseProgram(text, name, program.get());
  if (!status.ok()) return status;
  return Template(std::move(program));
}

Status Template::Execute(const TemplateData& data, std::string* out) const {
  out->clear();
  const Program& program = *program_;
  if (program.simple) {
    for (const auto& segment : program.segments) {
      if (!segment.is_label) {
        out->append(segment.text);
      } else if (std::optional<std::string_view> v = data.Label(segment.text)) {
        out->append(*v);
      }
    }
    return Status::Ok();
  }
  thread_local Scratch scratch;
  try {
    Executor executor(program, data, out, &scratch);
    executor.Run();
  } catch (const ExecFailure& failure) {
    scratch.vars.clear();
    scratch.args.clear();
    return Status::InvalidArgument(failure.message);
  }
  scratch.vars.clear();
  scratch.args.clear();
  return Status::Ok();
}

const std::vector<std::string>& Template::referenced_labels() const {
  return program_->referenced_labels;
}
bool Template::reads_all_labels() const { return program_->reads_all_labels; }
bool Template::reads_line() const { return program_->reads_line; }
bool Template::reads_timestamp() const { return program_->reads_timestamp; }
bool Template::is_simple() const { return program_->simple; }

}  // namespace otelite::logql
