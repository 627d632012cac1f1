#include "format/derivation.h"

#include <memory>
#include <optional>
#include <unordered_map>

namespace bastion::format {

namespace {

void printString(std::string &out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += c;
    }
  }
  out += '"';
}

template <class It> void printStrings(std::string &out, It begin, It end) {
  out += '[';
  for (auto it = begin; it != end; ++it) {
    if (it != begin)
      out += ',';
    printString(out, *it);
  }
  out += ']';
}

std::string describe(std::string_view text, size_t pos) {
  if (pos >= text.size())
    return "end of input";
  std::string snippet(text.substr(pos, 16));
  std::string shown;
  for (char c : snippet) {
    if (c == '\n')
      shown += "\\n";
    else if (c == '\t')
      shown += "\\t";
    else if (c == '\r')
      shown += "\\r";
    else
      shown += c;
  }
  return "'" + shown + (pos + 16 < text.size() ? "...'" : "'");
}

class Parser {
public:
  explicit Parser(std::string_view text) : s_(text) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw DerivationError("error parsing derivation at offset " + std::to_string(pos_) + ": " +
                          what);
  }

  void expect(std::string_view tok) {
    if (s_.substr(pos_, tok.size()) != tok)
      fail("expected '" + std::string(tok) + "' but found " + describe(s_, pos_));
    pos_ += tok.size();
  }

  // Consumes ']' (and returns true) at the end of a list, else a ','
  // between elements (none before the first).
  bool endOfList(bool first) {
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    if (!first)
      expect(",");
    return false;
  }

  std::string string() {
    if (pos_ >= s_.size() || s_[pos_] != '"')
      fail("expected string but found " + describe(s_, pos_));
    size_t start = pos_++;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) {
        pos_ = start;
        fail("unterminated string");
      }
      char c = s_[pos_++];
      if (c == '"')
        break;
      if (c == '\\') {
        if (pos_ >= s_.size()) {
          pos_ = start;
          fail("unterminated string");
        }
        char e = s_[pos_++];
        out += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string path(bool allowEmpty) {
    size_t start = pos_;
    std::string p = string();
    if (p.empty() ? !allowEmpty : p[0] != '/') {
      pos_ = start;
      fail("bad path '" + p + "' in derivation (expected an absolute path)");
    }
    return p;
  }

  std::vector<std::string> strings() {
    expect("[");
    std::vector<std::string> out;
    for (bool first = true; !endOfList(first); first = false)
      out.push_back(string());
    return out;
  }

  void end() {
    if (pos_ != s_.size())
      fail("expected end of input but found " + describe(s_, pos_));
  }

  size_t pos() const { return pos_; }
  void seek(size_t p) { pos_ = p; }

private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<HashAlgo> fixedAlgo(std::string_view hashAlgo, FileIngestionMethod &method) {
  method = FileIngestionMethod::Flat;
  if (hashAlgo.starts_with("r:")) {
    method = FileIngestionMethod::Recursive;
    hashAlgo.remove_prefix(2);
  } else if (hashAlgo.starts_with("text:")) {
    method = FileIngestionMethod::Text;
    hashAlgo.remove_prefix(5);
  }
  return parseHashAlgo(hashAlgo);
}

} // namespace

std::string unparseDerivation(const Derivation &drv, bool maskOutputs,
                              const std::map<std::string, std::set<std::string>> *actualInputs) {
  std::string s;
  s.reserve(65536);
  s += "Derive([";
  bool first = true;
  for (const auto &[name, out] : drv.outputs) {
    if (!first)
      s += ',';
    first = false;
    s += '(';
    printString(s, name);
    s += ',';
    printString(s, maskOutputs ? std::string_view() : std::string_view(out.path));
    s += ',';
    printString(s, out.hashAlgo);
    s += ',';
    printString(s, out.hash);
    s += ')';
  }
  s += "],[";
  auto printInputs = [&](const std::map<std::string, std::set<std::string>> &inputs) {
    bool first = true;
    for (const auto &[path, outs] : inputs) {
      if (!first)
        s += ',';
      first = false;
      s += '(';
      printString(s, path);
      s += ',';
      printStrings(s, outs.begin(), outs.end());
      s += ')';
    }
  };
  printInputs(actualInputs ? *actualInputs : drv.inputDrvs);
  s += "],";
  printStrings(s, drv.inputSrcs.begin(), drv.inputSrcs.end());
  s += ',';
  printString(s, drv.platform);
  s += ',';
  printString(s, drv.builder);
  s += ',';
  printStrings(s, drv.args.begin(), drv.args.end());
  s += ",[";
  first = true;
  for (const auto &[k, v] : drv.env) {
    if (!first)
      s += ',';
    first = false;
    s += '(';
    printString(s, k);
    s += ',';
    printString(s, maskOutputs && drv.outputs.count(k) ? std::string_view() : std::string_view(v));
    s += ')';
  }
  s += "])";
  return s;
}

Derivation parseDerivation(std::string_view text) {
  Parser p(text);
  Derivation drv;
  p.expect("Derive(");
  p.expect("[");
  for (bool first = true; !p.endOfList(first); first = false) {
    p.expect("(");
    size_t at = p.pos();
    std::string name = p.string();
    p.expect(",");
    DerivationOutput out;
    out.path = p.path(true);
    p.expect(",");
    out.hashAlgo = p.string();
    p.expect(",");
    out.hash = p.string();
    p.expect(")");
    if (!drv.outputs.emplace(std::move(name), std::move(out)).second) {
      p.seek(at);
      p.fail("duplicate output name");
    }
  }
  p.expect(",");
  p.expect("[");
  for (bool first = true; !p.endOfList(first); first = false) {
    p.expect("(");
    size_t at = p.pos();
    std::string path = p.path(false);
    p.expect(",");
    auto outs = p.strings();
    p.expect(")");
    if (!drv.inputDrvs.emplace(std::move(path), std::set<std::string>(outs.begin(), outs.end()))
             .second) {
      p.seek(at);
      p.fail("duplicate input derivation");
    }
  }
  p.expect(",");
  p.expect("[");
  for (bool first = true; !p.endOfList(first); first = false)
    drv.inputSrcs.insert(p.path(false));
  p.expect(",");
  drv.platform = p.string();
  p.expect(",");
  drv.builder = p.string();
  p.expect(",");
  drv.args = p.strings();
  p.expect(",");
  p.expect("[");
  for (bool first = true; !p.endOfList(first); first = false) {
    p.expect("(");
    std::string k = p.string();
    p.expect(",");
    std::string v = p.string();
    p.expect(")");
    drv.env.insert_or_assign(std::move(k), std::move(v));
  }
  p.expect(")");
  p.end();
  return drv;
}

bool isFixedOutputDerivation(const Derivation &drv) {
  return drv.outputs.size() == 1 && drv.outputs.begin()->first == "out" &&
         !drv.outputs.begin()->second.hash.empty();
}

Hash hashDerivationModulo(const Derivation &drv, bool maskOutputs, const DrvHashLookup &lookup) {
  if (isFixedOutputDerivation(drv)) {
    const auto &out = drv.outputs.begin()->second;
    return hashString(HashAlgo::SHA256,
                      "fixed:out:" + out.hashAlgo + ":" + out.hash + ":" + out.path);
  }
  for (const auto &[name, out] : drv.outputs)
    if (!out.hashAlgo.empty() || !out.hash.empty())
      throw DerivationError("output '" + name +
                            "' is content-addressed, which is not supported here");
  std::map<std::string, std::set<std::string>> inputs;
  for (const auto &[path, outs] : drv.inputDrvs) {
    auto &slot = inputs[lookup(path).to(HashFormat::Base16, false)];
    slot.insert(outs.begin(), outs.end());
  }
  return hashString(HashAlgo::SHA256, unparseDerivation(drv, maskOutputs, &inputs));
}

DrvHashLookup makeDrvHashLookup(std::function<Derivation(const std::string &drvPath)> read) {
  struct State {
    std::function<Derivation(const std::string &)> read;
    std::unordered_map<std::string, Hash> cache;
  };
  auto state = std::make_shared<State>(State{std::move(read), {}});
  // The inner closure refers to itself weakly (no reference cycle); the
  // returned closure owns it.
  auto lookup = std::make_shared<DrvHashLookup>();
  std::weak_ptr<DrvHashLookup> weak = lookup;
  *lookup = [state, weak](const std::string &path) -> Hash {
    if (auto it = state->cache.find(path); it != state->cache.end())
      return it->second;
    Derivation d = state->read(path);
    auto self = weak.lock();
    Hash h = hashDerivationModulo(d, false, *self);
    state->cache.emplace(path, h);
    return h;
  };
  return [lookup](const std::string &path) { return (*lookup)(path); };
}

std::map<std::string, StorePath> computeOutputPaths(const Derivation &drv, std::string_view drvName,
                                                    const DrvHashLookup &lookup,
                                                    std::string_view storeDir) {
  std::map<std::string, StorePath> result;
  if (isFixedOutputDerivation(drv)) {
    const auto &out = drv.outputs.begin()->second;
    FileIngestionMethod method;
    auto algo = fixedAlgo(out.hashAlgo, method);
    if (!algo)
      throw DerivationError("unknown hash algorithm '" + out.hashAlgo + "' for output 'out'");
    Hash h;
    try {
      h = parseHashAny(out.hash, *algo);
    } catch (const HashError &e) {
      throw DerivationError("bad hash for output 'out': " + std::string(e.what()));
    }
    result.emplace(
        "out", makeFixedOutputPath(method, h, outputPathName(drvName, "out"), {}, false, storeDir));
    return result;
  }
  Derivation masked = drv;
  for (auto &[name, out] : masked.outputs) {
    if (!out.hashAlgo.empty() || !out.hash.empty())
      throw DerivationError("output '" + name +
                            "' is content-addressed, which is not supported here");
    out.path.clear();
    masked.env[name] = "";
  }
  Hash h = hashDerivationModulo(masked, true, lookup);
  for (const auto &[name, out] : drv.outputs)
    result.emplace(name, makeOutputPath(name, h, drvName, storeDir));
  return result;
}

void fillOutputPaths(Derivation &drv, std::string_view drvName, const DrvHashLookup &lookup,
                     std::string_view storeDir) {
  for (const auto &[name, path] : computeOutputPaths(drv, drvName, lookup, storeDir)) {
    std::string printed = printStorePath(path, storeDir);
    drv.outputs[name].path = printed;
    drv.env[name] = printed;
  }
}

StorePath computeDerivationPath(const Derivation &drv, std::string_view drvName,
                                std::string_view storeDir) {
  std::set<StorePath> refs;
  try {
    for (const auto &p : drv.inputSrcs)
      refs.insert(parseStorePath(p, storeDir));
    for (const auto &[p, _] : drv.inputDrvs)
      refs.insert(parseStorePath(p, storeDir));
  } catch (const BadStorePath &e) {
    throw DerivationError(std::string("derivation input: ") + e.what());
  }
  return makeTextPath(std::string(drvName) + std::string(kDrvExtension),
                      hashString(HashAlgo::SHA256, unparseDerivation(drv)), refs, storeDir);
}

} // namespace bastion::format
