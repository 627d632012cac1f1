// nix-store --query (-q), Nix 2.8's opQuery: --outputs (the default),
// --requisites/-R [--include-outputs], --references, --referrers,
// --referrers-closure, --deriver/-d, --binding/-b NAME, --hash, --size,
// --tree, --graph, --resolve, --roots; -u/--use-output applies a query to
// a derivation's outputs. Paths are printed in Nix's order: the closure
// queries topologically, references first.
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "cli/nix_store_query_graph.h"
#include "store/closure.h"
#include "store/find_roots.h"

namespace bastion::cli {

namespace {

enum class Query {
  Default,
  Outputs,
  Requisites,
  References,
  Referrers,
  ReferrersClosure,
  Deriver,
  Binding,
  Hash,
  Size,
  Tree,
  Graph,
  Resolve,
  Roots
};

// Nix's maybeUseOutputs: a derivation's output paths instead of itself.
std::set<store::StorePath> maybeUseOutputs(store::LocalStore &store, const store::StorePath &path,
                                           bool useOutput) {
  if (!useOutput || !path.isDerivation())
    return {path};
  std::set<store::StorePath> outs;
  for (const auto &[name, out] : store.readDerivation(path).outputs) {
    if (out.path.empty())
      throw UsageError("Cannot use output path of floating content-addressed derivation "
                       "until we know what it is (e.g. by building it)");
    outs.insert(store.parseStorePath(out.path));
  }
  return outs;
}

store::ValidPathInfo infoOf(store::LocalStore &store, const store::StorePath &path) {
  std::optional<store::ValidPathInfo> info = store.queryPathInfo(path);
  if (!info)
    throw store::StoreError("path '" + store.printStorePath(path) + "' is not valid");
  return *info;
}

} // namespace

int opNixStoreQuery(NixStoreInvocation &inv) {
  Query query = Query::Default;
  bool useOutput = false, includeOutputs = false;
  std::string bindingName;
  std::vector<std::string> args = inv.args;
  for (const std::string &f : inv.flags) {
    Query prev = query;
    if (f == "--outputs")
      query = Query::Outputs;
    else if (f == "--requisites" || f == "-R")
      query = Query::Requisites;
    else if (f == "--references")
      query = Query::References;
    else if (f == "--referrers" || f == "--referers")
      query = Query::Referrers;
    else if (f == "--referrers-closure" || f == "--referers-closure")
      query = Query::ReferrersClosure;
    else if (f == "--deriver" || f == "-d")
      query = Query::Deriver;
    else if (f == "--binding" || f == "-b") {
      if (args.empty())
        throw UsageError("expected binding name");
      bindingName = args.front();
      args.erase(args.begin());
      query = Query::Binding;
    } else if (f == "--hash")
      query = Query::Hash;
    else if (f == "--size")
      query = Query::Size;
    else if (f == "--tree")
      query = Query::Tree;
    else if (f == "--graph")
      query = Query::Graph;
    else if (f == "--resolve")
      query = Query::Resolve;
    else if (f == "--roots")
      query = Query::Roots;
    else if (f == "--use-output" || f == "-u")
      useOutput = true;
    else if (f == "--include-outputs")
      includeOutputs = true;
    else if (f == "--force-realise" || f == "--force-realize" || f == "-f")
      throw UsageError("'" + f + "' is not supported by Bastion's nix-store --query");
    else
      throw UsageError("unknown flag '" + f + "'");
    if (prev != Query::Default && prev != query)
      throw UsageError("query type '" + f + "' conflicts with earlier flag");
  }
  if (query == Query::Default)
    query = Query::Outputs;

  StoreSession s = openStoreSession(inv);
  store::LocalStore &store = *s.store;
  auto follow = [&](const std::string &a) { return followLinksToStorePath(store, a); };

  switch (query) {
  case Query::Outputs:
    for (const std::string &a : args)
      for (const store::StorePath &p : maybeUseOutputs(store, follow(a), true))
        std::cout << store.printStorePath(p) << "\n";
    break;

  case Query::Requisites:
  case Query::References:
  case Query::Referrers:
  case Query::ReferrersClosure: {
    std::set<store::StorePath> paths;
    for (const std::string &a : args)
      for (const store::StorePath &p : maybeUseOutputs(store, follow(a), useOutput)) {
        if (query == Query::Requisites) {
          store::ClosureOptions o;
          o.includeOutputs = includeOutputs;
          store::computeFSClosure(store, {p}, paths, o);
        } else if (query == Query::References) {
          for (const store::StorePath &r : infoOf(store, p).references)
            paths.insert(r);
        } else if (query == Query::Referrers) {
          for (const store::StorePath &r : store.queryReferrers(p))
            paths.insert(r);
        } else {
          store::ClosureOptions o;
          o.flipDirection = true;
          store::computeFSClosure(store, {p}, paths, o);
        }
      }
    std::vector<store::StorePath> sorted = store::topoSortPaths(store, paths);
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it)
      std::cout << store.printStorePath(*it) << "\n";
    break;
  }

  case Query::Deriver:
    for (const std::string &a : args) {
      store::ValidPathInfo info = infoOf(store, follow(a));
      std::cout << (info.deriver.empty() ? "unknown-deriver" : info.deriver) << "\n";
    }
    break;

  case Query::Binding:
    for (const std::string &a : args) {
      store::StorePath p = follow(a);
      // Nix's useDeriver: an output stands for the .drv that built it.
      if (!p.isDerivation()) {
        std::string deriver = infoOf(store, p).deriver;
        if (deriver.empty())
          throw store::StoreError("deriver of path '" + store.printStorePath(p) + "' is not known");
        p = store.parseStorePath(deriver);
      }
      format::Derivation drv = store.readDerivation(p);
      auto it = drv.env.find(bindingName);
      if (it == drv.env.end())
        throw store::StoreError("derivation '" + store.printStorePath(p) +
                                "' has no environment binding named '" + bindingName + "'");
      std::cout << it->second << "\n";
    }
    break;

  case Query::Hash:
  case Query::Size:
    for (const std::string &a : args)
      for (const store::StorePath &p : maybeUseOutputs(store, follow(a), useOutput)) {
        store::ValidPathInfo info = infoOf(store, p);
        if (query == Query::Hash)
          std::cout << info.narHash.to(format::HashFormat::Nix32, true) << "\n";
        else
          std::cout << info.narSize << "\n";
      }
    break;

  case Query::Tree: {
    std::set<store::StorePath> done;
    for (const std::string &a : args)
      printTree(store, follow(a), "", "", done);
    break;
  }

  case Query::Graph: {
    std::set<store::StorePath> roots;
    for (const std::string &a : args)
      for (const store::StorePath &p : maybeUseOutputs(store, follow(a), useOutput))
        roots.insert(p);
    printDotGraph(store, roots);
    break;
  }

  case Query::Resolve:
    for (const std::string &a : args)
      std::cout << store.printStorePath(follow(a)) << "\n";
    break;

  case Query::Roots: {
    std::set<store::StorePath> start;
    for (const std::string &a : args)
      for (const store::StorePath &p : maybeUseOutputs(store, follow(a), useOutput))
        start.insert(p);
    std::set<store::StorePath> referrers;
    store::ClosureOptions o;
    o.flipDirection = true;
    o.includeOutputs = s.boolSetting("keep-outputs", false);
    o.includeDerivers = s.boolSetting("keep-derivations", true);
    store::computeFSClosure(store, start, referrers, o);
    for (const auto &[target, links] : store::findRoots(store, false, logInfo))
      if (referrers.count(target))
        for (const std::string &link : links)
          std::cout << link << " -> " << store.printStorePath(target) << "\n";
    break;
  }

  case Query::Default:
    break;
  }
  return 0;
}

} // namespace bastion::cli
