#include "pkgs/resolve.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace bastion::pkgs {

namespace {

std::string describe(const DepAtom &a) {
  std::string s(a.name);
  static const char *ops[] = {"", "<<", "<=", "=", ">=", ">>"};
  if (a.rel != Relation::Any)
    s += " (" + std::string(ops[int(a.rel)]) + " " + std::string(a.version) + ")";
  return s;
}

std::string describe(const DepGroup &g) {
  std::string s;
  for (auto &a : g)
    s += (s.empty() ? "" : " | ") + describe(a);
  return s;
}

// apt's Version::Priority: the Priority field's rank, 0 when there is none,
// "extra" for a word apt does not know.
int priorityRank(std::string_view p) {
  if (p.empty())
    return 0;
  if (p == "required")
    return 1;
  if (p == "important")
    return 2;
  if (p == "standard")
    return 3;
  if (p == "optional")
    return 4;
  return 5;
}

class Resolver {
public:
  explicit Resolver(const PackageIndex &index) : index_(index) {}

  // A name given by the user: a real package, or a virtual one with one
  // provider (apt refuses to choose among several).
  const Package *request(const std::string &name) {
    if (auto *p = index_.find(name))
      return p;
    auto &prov = index_.providers(name);
    if (prov.size() == 1)
      return prov[0].pkg;
    if (prov.empty())
      throw ResolveError("package '" + name + "' is not in the index '" + index_.path() + "'");
    std::string names;
    for (auto &p : prov)
      names += (names.empty() ? "" : ", ") + std::string(p.pkg->name);
    throw ResolveError("package '" + name + "' is a virtual package provided by " + names +
                       "; name one of them");
  }

  // apt-get install: every named package is marked and protected first,
  // then each is installed with its dependencies, in package-ID order
  // (TryToInstall's doAutoInstallLater is a set ordered by ID), skipping
  // those whose dependencies are already satisfied.
  void installRoots(std::vector<const Package *> roots) {
    for (auto *p : roots) {
      mark(p);
      protected_.insert(p);
    }
    std::sort(roots.begin(), roots.end(), [&](const Package *a, const Package *b) {
      return index_.mentionOrder(a->name) < index_.mentionOrder(b->name);
    });
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    for (auto *p : roots)
      if (!allSatisfied(p))
        install(p, true);
  }

  void checkConflicts() {
    for (const Package *p : order_)
      for (std::string_view field : {p->conflicts, p->breaks})
        for (auto &group : parseDepends(field))
          for (auto &a : group)
            if (const Package *q = markedSatisfier(a, p))
              throw ResolveError(
                  std::string(p->name) + "=" + std::string(p->version) + " " +
                  (field.data() == p->conflicts.data() ? "conflicts with" : "breaks") + " " +
                  describe(a) + ", which " + std::string(q->name) + "=" + std::string(q->version) +
                  " satisfies");
  }

  std::vector<const Package *> result() const {
    auto out = order_;
    std::sort(out.begin(), out.end(),
              [](const Package *a, const Package *b) { return a->name < b->name; });
    return out;
  }

private:
  struct Provision {
    const Package *pkg;
    std::string_view version;
  };

  void mark(const Package *p) {
    if (!marked_.emplace(p->name, p).second)
      return;
    order_.push_back(p);
    for (auto &g : parseDepends(p->provides))
      for (auto &a : g)
        provided_[a.name].push_back({p, a.rel == Relation::Equal ? a.version : ""});
  }

  void unmark(const Package *p) {
    marked_.erase(p->name);
    order_.erase(std::find(order_.begin(), order_.end(), p));
    for (auto &g : parseDepends(p->provides))
      for (auto &a : g) {
        auto &v = provided_[a.name];
        v.erase(std::remove_if(v.begin(), v.end(), [&](auto &pr) { return pr.pkg == p; }), v.end());
      }
  }

  static std::vector<DepGroup> critical(const Package *p) {
    auto out = parseDepends(p->preDepends);
    auto deps = parseDepends(p->depends);
    out.insert(out.end(), deps.begin(), deps.end());
    return out;
  }

  bool allSatisfied(const Package *p) const {
    for (auto &g : critical(p))
      if (!satisfiedByMarked(g))
        return false;
    return true;
  }

  // pkgDepCache::MarkInstall with auto-install: marks p, then installs
  // each Pre-Depends and Depends group in order, depth first. A package
  // whose dependency cannot be satisfied is unmarked again and the caller
  // tries its next alternative (what the packages it marked on the way
  // stay marked, as in apt); for a requested one it is an error.
  bool install(const Package *p, bool fromUser) {
    if (marked_.count(p->name) && !fromUser && !protected_.count(p))
      return true;
    if (!fromUser)
      if (const DepGroup *g = unsatisfiable(p)) {
        if (deeper_.empty()) {
          chain_.push_back(p);
          deeper_ = message(*g);
          chain_.pop_back();
        }
        return false;
      }
    // A candidate that conflicts with what is marked is passed over (apt's
    // MarkInstall fails on it and tries the next alternative).
    if (!fromUser && !marked_.count(p->name))
      if (std::string why = conflictsWithMarked(p); !why.empty()) {
        if (deeper_.empty())
          deeper_ = why;
        return false;
      }
    bool isProtected = protected_.count(p) > 0;
    if (!(isProtected ? expandedProtected_ : expanded_).insert(p).second)
      return true;
    mark(p);
    chain_.push_back(p);
    for (auto &group : critical(p)) {
      bool satisfied = satisfiedByMarked(group);
      if (satisfied && !isProtected)
        continue;
      if (satisfied) {
        // A protected package's satisfied dependency with one possible
        // solution: that solution is protected too (and installed again
        // as protected).
        auto sol = solutions(group, false);
        if (sol.size() != 1 || protected_.count(sol[0]))
          continue;
        protected_.insert(sol[0]);
        install(sol[0], false);
        continue;
      }
      auto sol = solutions(group, true);
      deeper_.clear();
      bool found = false;
      for (const Package *c : sol) {
        if (isProtected && sol.size() == 1)
          protected_.insert(c);
        if (install(c, false)) {
          found = true;
          break;
        }
      }
      if (!found) {
        if (fromUser || isProtected)
          fail(group);
        if (deeper_.empty()) // the first failure below is the one to name
          deeper_ = message(group);
        chain_.pop_back();
        unmark(p);
        expanded_.erase(p);
        return false;
      }
    }
    chain_.pop_back();
    return true;
  }

  static bool provides(std::string_view version, const DepAtom &a) {
    if (a.rel == Relation::Any)
      return true;
    return !version.empty() && satisfies(version, a.rel, a.version);
  }

  // The candidates of a dependency group (getAllPossibleSolutions): for each
  // alternative in turn, the real package and the packages that provide
  // the name, each satisfying the version; sorted as apt's
  // CompareProviders sorts them when `sorted`, otherwise in ID order.
  std::vector<const Package *> solutions(const DepGroup &g, bool sorted) const {
    std::vector<const Package *> out;
    for (auto &a : g) {
      if (index_.foreign(a))
        continue;
      std::vector<const Package *> v;
      if (const Package *p = index_.find(a.name); p && satisfies(p->version, a.rel, a.version))
        v.push_back(p);
      for (auto &pr : index_.providers(a.name))
        if (provides(pr.version, a) && std::find(v.begin(), v.end(), pr.pkg) == v.end())
          v.push_back(pr.pkg);
      if (sorted)
        std::sort(v.begin(), v.end(),
                  [&](const Package *x, const Package *y) { return better(x, y, a.name); });
      out.insert(out.end(), v.begin(), v.end());
    }
    if (!sorted) { // apt sorts by ID and drops duplicates; only the count is used
      std::vector<const Package *> once;
      for (auto *p : out)
        if (std::find(once.begin(), once.end(), p) == once.end())
          once.push_back(p);
      return once;
    }
    // std::unique, as apt: only neighbours.
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // apt's CompareProviders for a single architecture and an empty status.
  bool better(const Package *a, const Package *b, std::string_view target) const {
    bool pa = protected_.count(a), pb = protected_.count(b);
    if (pa != pb)
      return pa;
    if ((a->name == target) != (b->name == target))
      return a->name == target;
    if (a->essential != b->essential)
      return a->essential;
    if (a->important != b->important)
      return a->important;
    int ra = priorityRank(a->priority), rb = priorityRank(b->priority);
    if (ra != rb)
      return ra < rb;
    return index_.mentionOrder(a->name) > index_.mentionOrder(b->name);
  }

  // IsInstallOkDependenciesSatisfiableByCandidates: every critical group
  // has an alternative that is marked or that some candidate satisfies.
  // Why p cannot join what is marked ("" if it can).
  std::string conflictsWithMarked(const Package *p) const {
    auto says = [](const Package *x, std::string_view field, const DepAtom &a, const Package *y) {
      return std::string(x->name) + "=" + std::string(x->version) + " " +
             (field.data() == x->conflicts.data() ? "conflicts with" : "breaks") + " " +
             describe(a) + ", which " + std::string(y->name) + "=" + std::string(y->version) +
             " satisfies";
    };
    for (std::string_view field : {p->conflicts, p->breaks})
      for (auto &group : parseDepends(field))
        for (auto &a : group)
          if (const Package *q = markedSatisfier(a, p))
            return says(p, field, a, q);
    for (const Package *q : order_)
      for (std::string_view field : {q->conflicts, q->breaks})
        for (auto &group : parseDepends(field))
          for (auto &a : group)
            if (a.name == p->name && !index_.foreign(a) && satisfies(p->version, a.rel, a.version))
              return says(q, field, a, p);
    return "";
  }

  // The first group that fails it, or null.
  const DepGroup *unsatisfiable(const Package *p) {
    criticalOf_ = critical(p);
    for (auto &g : criticalOf_)
      if (!satisfiedByMarked(g) && !satisfiable(g))
        return &g;
    return nullptr;
  }

  bool satisfiable(const DepGroup &g) const {
    for (auto &a : g) {
      if (index_.foreign(a))
        continue;
      if (const Package *p = index_.find(a.name); p && satisfies(p->version, a.rel, a.version))
        return true;
      for (auto &pr : index_.providers(a.name))
        if (provides(pr.version, a))
          return true;
    }
    return false;
    return true;
  }

  // A marked package other than `self` that satisfies `a`.
  const Package *markedSatisfier(const DepAtom &a, const Package *self = nullptr) const {
    if (index_.foreign(a))
      return nullptr;
    auto it = marked_.find(a.name);
    if (it != marked_.end() && it->second != self &&
        satisfies(it->second->version, a.rel, a.version))
      return it->second;
    auto pv = provided_.find(a.name);
    if (pv != provided_.end())
      for (auto &pr : pv->second)
        if (pr.pkg != self && provides(pr.version, a))
          return pr.pkg;
    return nullptr;
  }

  bool satisfiedByMarked(const DepGroup &g) const {
    return std::any_of(g.begin(), g.end(), [&](auto &a) { return markedSatisfier(a); });
  }

  [[noreturn]] void fail(const DepGroup &g) const {
    throw ResolveError(deeper_.empty() ? message(g) : deeper_);
  }

  std::string message(const DepGroup &g) const {
    std::string chain;
    for (const Package *p : chain_)
      chain += (chain.empty() ? "" : " -> ") + std::string(p->name) + "=" + std::string(p->version);
    std::string why;
    for (auto &a : g) {
      if (const Package *p = index_.find(a.name); p && !satisfies(p->version, a.rel, a.version))
        why += "\n  " + describe(a) + ": the index has only version " + std::string(p->version);
      else if (p)
        why += "\n  " + describe(a) + ": " + std::string(p->name) + "=" + std::string(p->version) +
               " cannot be installed";
      else if (index_.providers(a.name).empty())
        why += "\n  " + describe(a) + ": no package of that name and none provides it";
      else
        why += "\n  " + describe(a) + ": no provider satisfies the version";
    }
    return "cannot satisfy dependency '" + describe(g) + "' of " + chain + why;
  }

  const PackageIndex &index_;
  std::unordered_map<std::string_view, const Package *> marked_;
  std::unordered_map<std::string_view, std::vector<Provision>> provided_;
  std::unordered_set<const Package *> protected_, expanded_, expandedProtected_;
  std::vector<const Package *> order_, chain_;
  std::vector<DepGroup> criticalOf_; // unsatisfiable()'s
  std::string deeper_;               // why the alternatives of the group being tried failed
};

} // namespace

std::vector<std::string> baseSet(const PackageIndex &index) {
  std::vector<std::string> out;
  for (auto &p : index.packages())
    if ((p.essential || p.priority == "required") && index.find(p.name) == &p)
      out.emplace_back(p.name);
  return out;
}

std::vector<const Package *> resolve(const PackageIndex &index,
                                     const std::vector<std::string> &names,
                                     const ResolveOptions &options) {
  Resolver r(index);
  std::vector<const Package *> roots;
  std::vector<std::string> all = options.essential ? baseSet(index) : std::vector<std::string>{};
  all.insert(all.end(), names.begin(), names.end());
  for (auto &n : all)
    roots.push_back(r.request(n));
  r.installRoots(roots);
  r.checkConflicts();
  return r.result();
}

} // namespace bastion::pkgs
