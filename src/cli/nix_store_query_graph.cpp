#include "cli/nix_store_query_graph.h"

#include <algorithm>
#include <iostream>

#include "store/closure.h"

namespace bastion::cli {

namespace {

store::ValidPathInfo infoOf(store::LocalStore &store, const store::StorePath &path) {
  std::optional<store::ValidPathInfo> info = store.queryPathInfo(path);
  if (!info)
    throw store::StoreError("path '" + store.printStorePath(path) + "' is not valid");
  return *info;
}

std::string dotQuote(const std::string &s) { return "\"" + s + "\""; }

// Nix cycles through these for the edges, one colour per edge printed.
std::string nextColour() {
  static const char *const colours[] = {"black", "red", "green", "blue", "magenta", "burlywood"};
  static size_t n = 0;
  return colours[n++ % 6];
}

} // namespace

void printTree(store::LocalStore &store, const store::StorePath &path, const std::string &firstPad,
               const std::string &tailPad, std::set<store::StorePath> &done) {
  if (!done.insert(path).second) {
    std::cout << firstPad << store.printStorePath(path) << " [...]\n";
    return;
  }
  std::cout << firstPad << store.printStorePath(path) << "\n";
  // References before their referrers, which flattens the tree: a path
  // that is also an input of a sibling is printed (in full) first.
  std::vector<store::StorePath> sorted =
      store::topoSortPaths(store, infoOf(store, path).references);
  std::reverse(sorted.begin(), sorted.end());
  for (size_t n = 0; n < sorted.size(); ++n) {
    bool last = n + 1 == sorted.size();
    printTree(store, sorted[n], tailPad + (last ? "└───" : "├───"),
              tailPad + (last ? "    " : "│   "), done);
  }
}

void printDotGraph(store::LocalStore &store, const std::set<store::StorePath> &roots) {
  std::set<store::StorePath> work = roots, done;
  std::cout << "digraph G {\n";
  while (!work.empty()) {
    store::StorePath path = *work.begin();
    work.erase(work.begin());
    if (!done.insert(path).second)
      continue;
    std::cout << dotQuote(path.baseName()) << " [label = " << dotQuote(path.name)
              << ", shape = box, style = filled, fillcolor = \"#ff0000\"];\n";
    for (const store::StorePath &r : infoOf(store, path).references)
      if (r != path) {
        work.insert(r);
        std::cout << dotQuote(r.baseName()) << " -> " << dotQuote(path.baseName())
                  << " [color = " << dotQuote(nextColour()) << "];\n";
      }
  }
  std::cout << "}\n";
}

} // namespace bastion::cli
