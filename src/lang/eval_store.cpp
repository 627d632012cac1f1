#include "lang/eval_store.h"

#include <vector>

#include "lang/eval.h"

namespace bastion::lang {

store::LocalStore &EvalStore::store() {
  if (!store_) {
    store_ = store::LocalStore::open(root_, readOnly_);
    // An evaluation writes its .drv files as a batch; whoever uses them
    // next (printing them, building them) flushes it (see flush()).
    store_->batchTextWrites();
  }
  return *store_;
}

void EvalStore::flush() {
  if (store_)
    store_->flushBatch();
}

std::pair<std::string, format::Hash> EvalStore::addPath(const std::string &name,
                                                        const std::string &path,
                                                        format::FileIngestionMethod method,
                                                        const store::PathFilter &filter) {
  auto [sp, hash] = store().addToStore(name, path, method, format::HashAlgo::SHA256, filter);
  std::string printed = store().printStorePath(sp);
  refs_[printed]; // sources refer to nothing
  return {printed, hash};
}

std::string EvalStore::addText(const std::string &name, const std::string &text,
                               const std::set<std::string> &references) {
  std::set<format::StorePath> refs;
  for (auto &r : references)
    refs.insert(store().parseStorePath(r));
  std::string printed = store().printStorePath(store().addTextToStore(name, text, refs));
  refs_[printed] = references;
  return printed;
}

std::string EvalStore::writeDerivation(const format::Derivation &drv, const std::string &name) {
  std::string printed = store().printStorePath(store().writeDerivation(drv, name));
  // Nix notes: required in read-only mode, where the .drv cannot be read back.
  drvHashes_.insert_or_assign(printed, format::hashDerivationModulo(drv, false, hashLookup()));
  drvs_.insert_or_assign(printed, drv);
  std::set<std::string> &refs = refs_[printed];
  refs = drv.inputSrcs;
  for (auto &[p, outs] : drv.inputDrvs)
    refs.insert(p);
  return printed;
}

format::Derivation EvalStore::readDerivation(const std::string &drvPath) {
  if (auto it = drvs_.find(drvPath); it != drvs_.end())
    return it->second;
  format::Derivation drv = store().readDerivation(store().parseStorePath(drvPath));
  drvs_.emplace(drvPath, drv);
  return drv;
}

format::Hash EvalStore::drvHashModulo(const std::string &drvPath) {
  if (auto it = drvHashes_.find(drvPath); it != drvHashes_.end())
    return it->second;
  format::Hash h = format::hashDerivationModulo(readDerivation(drvPath), false, hashLookup());
  drvHashes_.emplace(drvPath, h);
  return h;
}

std::set<std::string> EvalStore::references(const std::string &path) {
  if (auto it = refs_.find(path); it != refs_.end())
    return it->second;
  std::set<std::string> out;
  auto info = store().queryPathInfo(store().parseStorePath(path));
  if (!info)
    throw store::StoreError("path '" + path + "' is not valid");
  for (auto &r : info->references)
    out.insert(store().printStorePath(r));
  refs_.emplace(path, out);
  return out;
}

std::set<std::string> EvalStore::closure(const std::string &path) {
  std::set<std::string> done;
  std::vector<std::string> todo{path};
  while (!todo.empty()) {
    std::string p = std::move(todo.back());
    todo.pop_back();
    if (!done.insert(p).second)
      continue;
    for (auto &r : references(p))
      if (!done.count(r))
        todo.push_back(r);
  }
  return done;
}

bool EvalStore::isValidPath(const std::string &path) {
  if (refs_.count(path))
    return true;
  return store().isValidPath(store().parseStorePath(path));
}

} // namespace bastion::lang

// ---- the evaluator's entry points ---------------------------------------------

namespace bastion::lang {

EvalStore &EvalState::store() {
  if (!store_)
    store_ = std::make_unique<EvalStore>(settings.storeRoot, settings.readOnlyStore);
  return *store_;
}

std::string EvalState::copyPathToStore(const std::string &path, PosIdx pos) {
  if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".drv") == 0)
    throwError(ErrorKind::Eval, "file names are not allowed to end in '.drv'", pos);
  EvalStore &st = store();
  if (auto it = st.srcToStore.find(path); it != st.srcToStore.end())
    return it->second;
  std::string name = path.substr(path.rfind('/') + 1);
  try {
    std::string sp = st.addPath(name, path, format::FileIngestionMethod::Recursive, {}).first;
    st.srcToStore.emplace(path, sp);
    return sp;
  } catch (EvalError &) {
    throw;
  } catch (std::exception &e) {
    throwError(ErrorKind::Eval, e.what(), pos);
  }
}

} // namespace bastion::lang
