// JSON in both directions: the printer behind builtins.toJSON and
// `nix-instantiate --eval --json`, and the SAX-driven reader behind
// builtins.fromJSON. Behaviour (attribute order, `__toString`/`outPath`
// peeling, traces, error texts) follows Nix's value-to-json.cc and
// json-to-value.cc.
#include "lang/json.h"

#include <algorithm>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "lang/escape.h"
#include "lang/float_format.h"

namespace bastion::lang {

namespace {

// "a function", or for built-ins "the built-in function 'map'", as Nix's
// showType(const Value&) words it.
std::string describeType(const Value &v) {
  if (v.type == VType::PrimOp)
    return "the built-in function '" + v.primOp->name + "'";
  if (v.type == VType::PrimOpApp) {
    const Value *f = &v;
    while (f->type == VType::PrimOpApp)
      f = f->primOpApp.left;
    if (f->type == VType::PrimOp)
      return "the partially applied built-in function '" + f->primOp->name + "'";
  }
  return showType(v.type);
}

class JSONPrinter {
public:
  JSONPrinter(EvalState &state, bool strict, std::ostream &out, std::vector<std::string> &ctx)
      : state_(state), strict_(strict), out_(out), ctx_(ctx) {}

  void print(Value &v, PosIdx pos, bool copyToStore) {
    CallDepth depth(state_, pos);
    state_.checkStack(pos);
    if (strict_)
      state_.forceValue(v, pos);

    switch (v.type) {
    case VType::Int:
      out_ << v.integer;
      break;
    case VType::Bool:
      out_ << (v.boolean ? "true" : "false");
      break;
    case VType::Null:
      out_ << "null";
      break;
    case VType::Float:
      out_ << floatToJSON(v.fpoint);
      break;
    case VType::String:
      EvalState::copyContext(v, ctx_);
      writeString(v.str());
      break;
    case VType::Path:
      if (copyToStore)
        writeString(state_.coerceToString(pos, v, ctx_, "", false, true));
      else
        writeString(v.path);
      break;
    case VType::Attrs:
      printAttrs(v, pos, copyToStore);
      break;
    case VType::List: {
      out_ << '[';
      for (size_t i = 0; i < v.list.size; i++) {
        if (i)
          out_ << ',';
        try {
          print(*v.list.elems[i], pos, copyToStore);
        } catch (EvalError &e) {
          e.addTrace(pos, "while evaluating list element at index " + std::to_string(i));
          throw;
        }
      }
      out_ << ']';
      break;
    }
    default: {
      PosIdx where = v.type == VType::Lambda ? v.lambda.fun->pos : pos;
      throw EvalError(ErrorKind::Type, "cannot convert " + describeType(v) + " to JSON", where);
    }
    }
  }

  // nlohmann::json reports invalid UTF-8 when it serialises the finished
  // document, i.e. only once evaluation has succeeded: remember the first.
  const std::optional<std::string> &serializationError() const { return jsonError_; }

private:
  EvalState &state_;
  bool strict_;
  std::ostream &out_;
  std::vector<std::string> &ctx_;
  std::optional<std::string> jsonError_;

  void writeString(std::string_view s) {
    try {
      out_ << escapeJSONString(s);
    } catch (const JSONError &e) {
      if (!jsonError_)
        jsonError_ = e.what();
      out_ << "\"\"";
    }
  }

  // Nix's peelToStringOutPath: follow `__toString` (its result must end in
  // a string or a path) and `outPath` until a non-set or a set with neither;
  // `print` the rest from inside, so that its errors get the traces too.
  void printAttrs(Value &v, PosIdx pos, bool copyToStore) {
    bool cameThroughToString = false;
    auto finish = [&](Value &peeled) {
      if (peeled.type != VType::Attrs)
        // Quirk kept by Nix: a path that came out of `__toString` is not
        // copied to the store.
        print(peeled, pos, copyToStore && !cameThroughToString);
      else
        printObject(*peeled.attrs, copyToStore);
    };
    auto peel = [&](auto &self, PosIdx p, Value &w) -> void {
      state_.forceValue(w, p);
      if (w.type != VType::Attrs) {
        if (cameThroughToString && w.type != VType::String && w.type != VType::Path)
          throw EvalError(ErrorKind::Type,
                          "`__toString` should return a string, but got " + describeType(w) + ": " +
                              state_.showValueForError(w),
                          p);
        finish(w);
        return;
      }
      if (const Attr *i = w.attrs->find(state_.s.toString)) {
        Value *v1 = state_.allocValue();
        try {
          state_.callFunction(*i->value, w, *v1, i->pos);
        } catch (EvalError &e) {
          e.addTrace(i->pos, "while calling the `__toString` attribute");
          throw;
        }
        cameThroughToString = true;
        try {
          CallDepth depth(state_, p);
          self(self, i->pos, *v1);
        } catch (EvalError &e) {
          e.addTrace(i->pos, std::string("while ") + (v1->isThunk() ? "evaluating" : "using") +
                                 " the result of the `__toString` attribute");
          throw;
        }
        return;
      }
      if (const Attr *i = w.attrs->find(state_.s.outPath)) {
        bool forced = false;
        try {
          state_.forceValue(*i->value, i->pos);
          forced = true;
          CallDepth depth(state_, p);
          self(self, i->pos, *i->value);
        } catch (EvalError &e) {
          e.addTrace(i->pos, std::string("while ") + (forced ? "using" : "evaluating") +
                                 " the `outPath` attribute");
          throw;
        }
        return;
      }
      if (cameThroughToString)
        throw EvalError(ErrorKind::Type,
                        "`__toString` must return a string, but got " + describeType(w) + ": " +
                            state_.showValueForError(w),
                        p);
      finish(w);
    };
    peel(peel, pos, v);
  }

  void printObject(const Bindings &attrs, bool copyToStore) {
    // Names looked up once, not in every comparison of the sort.
    GcVector<std::pair<const std::string *, const Attr *>> sorted;
    sorted.reserve(attrs.size);
    for (auto &a : attrs)
      sorted.emplace_back(&state_.symbols[a.name], &a);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto &a, const auto &b) { return *a.first < *b.first; });
    out_ << '{';
    bool first = true;
    for (auto [namePtr, a] : sorted) {
      if (!first)
        out_ << ',';
      first = false;
      const std::string &name = *namePtr;
      writeString(name);
      out_ << ':';
      try {
        print(*a->value, a->pos, copyToStore);
      } catch (EvalError &e) {
        e.addTrace(a->pos, "while evaluating attribute '" + name + "'");
        throw;
      }
    }
    out_ << '}';
  }
};

// ---- parsing ----------------------------------------------------------------

[[noreturn]] void throwNullByte(std::string_view s) {
  std::string shown;
  shown.reserve(s.size() + 8);
  for (char c : s) {
    if (c == '\0')
      shown += "\u2400"; // ␀
    else
      shown += c;
  }
  throw EvalError(ErrorKind::Eval,
                  "input string '" + shown +
                      "' cannot be represented as Nix string because it contains null bytes");
}

void forceNoNullByte(std::string_view s) {
  if (s.find('\0') != std::string_view::npos)
    throwNullByte(s);
}

// Thrown from the SAX callbacks for syntax errors, so that parseJSON can
// tell them from the value errors above (which Nix does not annotate).
struct JSONParseError {
  std::string message;
};

// Builds values bottom-up on an explicit stack: scalars are pushed; a
// closing bracket pops its members and pushes the container. No DOM.
class JSONSax : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit JSONSax(EvalState &state) : state_(state) {}

  Value *result() { return values_.empty() ? nullptr : values_.back(); }

  bool null() override {
    push()->mkNull();
    return true;
  }
  bool boolean(bool b) override {
    push()->mkBool(b);
    return true;
  }
  bool number_integer(number_integer_t i) override {
    push()->mkInt(i);
    return true;
  }
  bool number_unsigned(number_unsigned_t u) override {
    if (u > uint64_t(std::numeric_limits<int64_t>::max()))
      throw EvalError(ErrorKind::Eval, "unsigned json number " + std::to_string(u) +
                                           " outside of Nix integer range");
    push()->mkInt(int64_t(u));
    return true;
  }
  bool number_float(number_float_t f, const string_t &) override {
    push()->mkFloat(f);
    return true;
  }
  bool string(string_t &s) override {
    forceNoNullByte(s);
    push()->mkString(s);
    return true;
  }
  bool binary(binary_t &) override { return true; } // not produced by JSON text

  bool start_object(std::size_t) override {
    frames_.push_back({values_.size(), keys_.size()});
    return true;
  }
  bool key(string_t &name) override {
    forceNoNullByte(name);
    keys_.push_back(state_.symbols.intern(name));
    return true;
  }
  bool end_object() override {
    Frame f = frames_.back();
    frames_.pop_back();
    size_t n = values_.size() - f.values;
    // Later duplicates win, as with Nix's insert_or_assign.
    GcVector<std::pair<Symbol, Value *>> members;
    members.reserve(n);
    for (size_t i = 0; i < n; i++)
      members.emplace_back(keys_[f.keys + i], values_[f.values + i]);
    std::stable_sort(members.begin(), members.end(),
                     [](const auto &a, const auto &b) { return a.first.id < b.first.id; });
    size_t unique = 0;
    for (size_t i = 0; i < members.size(); i++)
      if (i + 1 == members.size() || members[i + 1].first != members[i].first)
        unique++;
    Bindings *b = state_.allocBindings(uint32_t(unique));
    for (size_t i = 0; i < members.size(); i++)
      if (i + 1 == members.size() || members[i + 1].first != members[i].first)
        b->push(members[i].first, members[i].second);
    values_.resize(f.values);
    keys_.resize(f.keys);
    push()->mkAttrs(b);
    return true;
  }
  bool start_array(std::size_t) override {
    frames_.push_back({values_.size(), keys_.size()});
    return true;
  }
  bool end_array() override {
    Frame f = frames_.back();
    frames_.pop_back();
    size_t n = values_.size() - f.values;
    Value *list = state_.allocValue();
    state_.mkList(*list, n);
    for (size_t i = 0; i < n; i++)
      list->list.elems[i] = values_[f.values + i];
    values_.resize(f.values);
    values_.push_back(list);
    return true;
  }

  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    throw JSONParseError{ex.what()};
  }

private:
  struct Frame {
    size_t values, keys;
  };
  EvalState &state_;
  GcVector<Value *> values_; // the collector must see values not yet linked in
  std::vector<Symbol> keys_;
  std::vector<Frame> frames_;

  Value *push() {
    Value *v = state_.allocValue();
    values_.push_back(v);
    return v;
  }
};

} // namespace

void printValueAsJSON(EvalState &state, bool strict, Value &v, PosIdx pos, std::ostream &out,
                      std::vector<std::string> &ctx, bool copyToStore) {
  JSONPrinter printer(state, strict, out, ctx);
  printer.print(v, pos, copyToStore);
  if (auto &err = printer.serializationError())
    throw EvalError(ErrorKind::Eval, "JSON serialization error: " + *err);
}

void parseJSON(EvalState &state, std::string_view text, Value &v, PosIdx pos) {
  JSONSax sax(state);
  try {
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &sax) || !sax.result())
      throw JSONParseError{"Invalid JSON Value"};
  } catch (JSONParseError &e) {
    EvalError err(ErrorKind::Eval, std::move(e.message));
    err.addTrace(pos, "while decoding a JSON string");
    throw err;
  }
  v = *sax.result();
}

} // namespace bastion::lang
