// See closure.h.
#include "store/closure.h"

#include <algorithm>
#include <functional>

namespace bastion::store {

void computeFSClosure(LocalStore &store, const std::set<StorePath> &start, std::set<StorePath> &out,
                      const ClosureOptions &opts) {
  std::vector<StorePath> todo;
  for (const StorePath &p : start)
    if (out.insert(p).second)
      todo.push_back(p);
  auto enqueue = [&](const StorePath &p) {
    if (out.insert(p).second)
      todo.push_back(p);
  };
  while (!todo.empty()) {
    StorePath path = todo.back();
    todo.pop_back();
    if (opts.flipDirection) {
      for (const StorePath &r : store.queryReferrers(path))
        if (r != path)
          enqueue(r);
      if (opts.includeOutputs)
        for (const StorePath &d : store.queryValidDerivers(path))
          enqueue(d);
      if (opts.includeDerivers && path.isDerivation())
        for (const auto &[name, o] : store.queryDerivationOutputs(path))
          if (store.isValidPath(o))
            enqueue(o);
    } else {
      std::optional<ValidPathInfo> info = store.queryPathInfo(path);
      if (!info)
        throw StoreError("path '" + store.printStorePath(path) + "' is not valid");
      for (const StorePath &r : info->references)
        if (r != path)
          enqueue(r);
      if (opts.includeOutputs && path.isDerivation())
        for (const auto &[name, o] : store.queryDerivationOutputs(path))
          if (store.isValidPath(o))
            enqueue(o);
      if (opts.includeDerivers && !info->deriver.empty()) {
        try {
          StorePath d = store.parseStorePath(info->deriver);
          if (store.isValidPath(d))
            enqueue(d);
        } catch (const format::BadStorePath &) {
        }
      }
    }
  }
}

std::vector<StorePath> topoSortPaths(LocalStore &store, const std::set<StorePath> &paths) {
  // Nix's topoSort: a depth-first post-order over the sorted set,
  // reversed.
  std::vector<StorePath> sorted;
  std::set<StorePath> visited, parents;
  std::function<void(const StorePath &, const StorePath *)> visit = [&](const StorePath &path,
                                                                        const StorePath *parent) {
    if (parents.count(path))
      throw StoreError("cycle detected in the references of '" + store.printStorePath(path) +
                       "' from '" + store.printStorePath(*parent) + "'");
    if (!visited.insert(path).second)
      return;
    parents.insert(path);
    std::optional<ValidPathInfo> info = store.queryPathInfo(path);
    if (info)
      for (const StorePath &r : info->references)
        if (r != path && paths.count(r))
          visit(r, &path);
    sorted.push_back(path);
    parents.erase(path);
  };
  for (const StorePath &p : paths)
    visit(p, nullptr);
  std::reverse(sorted.begin(), sorted.end());
  return sorted;
}

} // namespace bastion::store
