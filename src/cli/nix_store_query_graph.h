// The drawings of nix-store --query: --tree (an indented tree of
// references, as Nix 2.8's printTree) and --graph (Graphviz, as its
// printDotGraph).
#pragma once

#include <set>
#include <string>

#include "store/store.h"

namespace bastion::cli {

// Prints `path` and, below it, its references; a path already printed is
// shown again followed by " [...]" without its subtree.
void printTree(store::LocalStore &store, const store::StorePath &path, const std::string &firstPad,
               const std::string &tailPad, std::set<store::StorePath> &done);

void printDotGraph(store::LocalStore &store, const std::set<store::StorePath> &roots);

} // namespace bastion::cli
