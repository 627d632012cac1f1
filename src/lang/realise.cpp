#include "lang/realise.h"

#include <map>

#include "lang/eval_store.h"

namespace bastion::lang {
namespace {

// A context element's store path and output name ("" for a plain path or
// a whole derivation), as Nix's decodeContext.
std::pair<std::string, std::string> decodeContext(const std::string &c) {
  if (!c.empty() && c[0] == '!') {
    size_t second = c.find('!', 1);
    return {c.substr(second + 1), c.substr(1, second - 1)};
  }
  return {!c.empty() && c[0] == '=' ? c.substr(1) : c, ""};
}

[[noreturn]] void notValid(const std::string &storePath) {
  throw EvalError(ErrorKind::Eval, "path '" + storePath + "' is not valid");
}

} // namespace

std::string realiseContextPath(EvalState &state, const std::string &path,
                               const std::vector<std::string> &ctx) {
  if (ctx.empty())
    return path;
  store::LocalStore &st = state.store().store();
  auto valid = [&](const std::string &p) {
    try {
      return st.isValidPath(st.parseStorePath(p));
    } catch (EvalError &) {
      throw;
    } catch (std::exception &e) {
      throw EvalError(ErrorKind::Eval, e.what());
    }
  };
  for (const std::string &c : ctx) {
    auto [storePath, output] = decodeContext(c);
    if (!valid(storePath))
      notValid(storePath);
    if (output.empty() || !storePath.ends_with(".drv"))
      continue;
    // Nix builds the output here (import from derivation); the evaluator
    // sits below the builder, so only an output already built can be read.
    std::map<std::string, format::StorePath> outs =
        st.queryDerivationOutputs(st.parseStorePath(storePath));
    auto it = outs.find(output);
    if (it == outs.end())
      throw EvalError(ErrorKind::Eval, "derivation '" + storePath +
                                           "' does not have an output named '" + output + "'");
    if (!st.isValidPath(it->second))
      throw EvalError(ErrorKind::Eval,
                      "cannot read '" + path + "': output '" + output + "' of '" + storePath +
                          "' is not built (import from derivation is not supported)");
  }
  const std::string &dir = st.storeDir();
  if (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/')
    return st.realStoreDir() + path.substr(dir.size());
  return path;
}

} // namespace bastion::lang
