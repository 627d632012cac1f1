// bastion why-depends [--all] [--precise] PACKAGE DEPENDENCY, as Nix
// 2.8's `nix why-depends`: the shortest chain of references from PACKAGE
// to DEPENDENCY (with --all, every path towards it), drawn as a tree;
// --precise also shows, for each step, the files of the referrer that
// contain the reference and the text around it. The colour escapes are
// Nix's too (it prints them also when stdout is not a terminal).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <iostream>
#include <limits>
#include <map>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "store/closure.h"
#include "store/fs_util.h"
#include "util/error.h"
#include "util/exit.h"
#include "util/file.h"

namespace bastion::cli {

namespace {

const char kNormal[] = "\x1b[0m";
const char kGreen[] = "\x1b[32;1m";
const char kBlue[] = "\x1b[34;1m";
const char kGrey[] = "\x1b[38;5;244m";
const size_t kInf = std::numeric_limits<size_t>::max();

struct BailOut {};

struct Node {
  store::StorePath path;
  std::set<store::StorePath> refs, rrefs;
  size_t dist = kInf;
  bool visited = false;
};

std::string filterPrintable(const std::string &s) {
  std::string out;
  for (char c : s)
    out += c >= 32 && c <= 126 ? c : '.';
  return out;
}

std::string hilite(const std::string &s, size_t pos, size_t len, const char *colour) {
  return s.substr(0, pos) + colour + s.substr(pos, len) + kNormal + s.substr(pos + len);
}

class WhyDepends {
public:
  WhyDepends(store::LocalStore &store, const store::StorePath &package,
             const store::StorePath &dependency, bool all, bool precise)
      : store_(store), package_(package), dependency_(dependency), all_(all), precise_(precise) {}

  void run() {
    std::set<store::StorePath> closure;
    store::computeFSClosure(store_, {package_}, closure);
    if (!closure.count(dependency_)) {
      logInfo("'" + store_.printStorePath(package_) + "' does not depend on '" +
              store_.printStorePath(dependency_) + "'");
      return;
    }
    for (const store::StorePath &p : closure)
      graph_.emplace(p, Node{p, store_.queryPathInfo(p)->references, {}, kInf, false});
    for (auto &[p, node] : graph_)
      for (const store::StorePath &r : node.refs)
        graph_.at(r).rrefs.insert(p);
    // Distances to the dependency (breadth first over referrers).
    std::deque<Node *> queue = {&graph_.at(dependency_)};
    graph_.at(dependency_).dist = 0;
    while (!queue.empty()) {
      Node *n = queue.front();
      queue.pop_front();
      for (const store::StorePath &rr : n->rrefs) {
        Node &n2 = graph_.at(rr);
        if (n->dist + 1 < n2.dist) {
          n2.dist = n->dist + 1;
          queue.push_back(&n2);
        }
      }
    }
    if (!precise_)
      std::cout << store_.printStorePath(package_) << "\n";
    try {
      printNode(graph_.at(package_), "", "");
    } catch (const BailOut &) {
    }
  }

private:
  store::LocalStore &store_;
  store::StorePath package_, dependency_;
  bool all_, precise_;
  std::map<store::StorePath, Node> graph_;

  void printNode(Node &node, const std::string &firstPad, const std::string &tailPad) {
    std::string pathS = store_.printStorePath(node.path);
    if (precise_)
      std::cout << firstPad << (node.visited ? kGrey : "") << (firstPad.empty() ? "" : "→ ")
                << pathS << kNormal << "\n";
    if (node.path == dependency_ && !all_ && package_ != dependency_)
      throw BailOut{};
    if (node.visited)
      return;
    if (precise_)
      node.visited = true;

    // Nearest to the dependency first; equal ones in path order.
    std::multimap<size_t, Node *> refs;
    std::set<std::string> hashes;
    for (const store::StorePath &r : node.refs) {
      if (r == node.path && package_ != dependency_)
        continue;
      Node &n2 = graph_.at(r);
      if (n2.dist == kInf)
        continue;
      refs.emplace(n2.dist, &n2);
      hashes.insert(n2.path.hashPart);
    }

    std::map<std::string, std::vector<std::string>> hits;
    if (precise_)
      findHits(store_.realPath(node.path), "/", hashes, hits);

    for (auto it = refs.begin(); it != refs.end(); ++it) {
      Node &ref = *it->second;
      bool last = all_ ? std::next(it) == refs.end() : true;
      const std::vector<std::string> &refHits = hits[ref.path.hashPart];
      for (size_t i = 0; i < refHits.size(); ++i) {
        bool first = i == 0;
        std::cout << tailPad << (first ? (last ? "└───" : "├───") : (last ? "    " : "│   "))
                  << refHits[i] << "\n";
        if (!all_)
          break;
      }
      if (!precise_) {
        std::cout << firstPad << (ref.visited ? kGrey : "") << (last ? "└───" : "├───")
                  << store_.printStorePath(ref.path) << kNormal << "\n";
        node.visited = true;
      }
      printNode(ref, tailPad + (last ? "    " : "│   "), tailPad + (last ? "    " : "│   "));
    }
  }

  // Files and symlinks below `real` (shown as `rel`) that mention one of
  // `hashes`, with 32 characters of context on either side.
  void findHits(const std::string &real, const std::string &rel,
                const std::set<std::string> &hashes,
                std::map<std::string, std::vector<std::string>> &hits) {
    struct stat st;
    if (::lstat(real.c_str(), &st) != 0)
      return;
    auto colour = [&](const std::string &h) { return h == dependency_.hashPart ? kGreen : kBlue; };
    if (S_ISDIR(st.st_mode)) {
      std::set<std::string> names;
      if (DIR *d = ::opendir(real.c_str())) {
        while (struct dirent *e = ::readdir(d)) {
          std::string n = e->d_name;
          if (n != "." && n != "..")
            names.insert(n);
        }
        ::closedir(d);
      }
      for (const std::string &n : names)
        findHits(real + "/" + n, rel == "/" ? n : rel + "/" + n, hashes, hits);
    } else if (S_ISREG(st.st_mode)) {
      std::string contents = store::readFile(real);
      for (const std::string &h : hashes) {
        size_t pos = contents.find(h);
        if (pos == std::string::npos)
          continue;
        size_t margin = 32;
        size_t pos2 = pos >= margin ? pos - margin : 0;
        std::string text = filterPrintable(contents.substr(pos2, pos - pos2 + h.size() + margin));
        hits[h].push_back(rel + ": …" + hilite(text, pos - pos2, h.size(), colour(h)) + "…");
      }
    } else if (S_ISLNK(st.st_mode)) {
      std::string target;
      try {
        target = util::readLink(real);
      } catch (const util::SysError &) {
      }
      for (const std::string &h : hashes) {
        size_t pos = target.find(h);
        if (pos != std::string::npos)
          hits[h].push_back(rel + " -> " + hilite(target, pos, h.size(), colour(h)));
      }
    }
  }
};

} // namespace

const char kUsage[] =
    "Usage: why-depends [--all] [--precise] PACKAGE DEPENDENCY\n"
    "Shows why PACKAGE depends on DEPENDENCY: the shortest chain of references\n"
    "between them, as Nix 2.8's nix why-depends.\n"
    "  -a, --all             every path towards DEPENDENCY, not just the shortest\n"
    "  --precise             the files and text that hold each reference\n";

int cmdWhyDepends(const std::string &name, std::vector<std::string> &args) {
  bool all = false, precise = false;
  NixStoreInvocation inv;
  std::vector<std::string> operands;
  try {
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          if (a == "--help") {
            std::cout << kUsage;
            throw util::ExitNow{};
          }
          if (a == "--all" || a == "-a")
            all = true;
          else if (a == "--precise")
            precise = true;
          else if (!a.empty() && a[0] == '-')
            return false;
          else
            operands.push_back(a);
          return true;
        },
        &inv.settings);
    if (operands.size() != 2)
      throw UsageError(operands.size() < 2 ? "not enough arguments" : "too many arguments");
    StoreSession s = openStoreSession(inv);
    store::StorePath package = followLinksToStorePath(*s.store, operands[0]);
    store::StorePath dependency = followLinksToStorePath(*s.store, operands[1]);
    for (const store::StorePath &p : {package, dependency})
      if (!s.store->isValidPath(p))
        throw store::StoreError("path '" + s.store->printStorePath(p) + "' is not valid");
    WhyDepends(*s.store, package, dependency, all, precise).run();
    return 0;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace bastion::cli
