#include "pkgs/resolve.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace bastion::pkgs {

namespace {

int priorityRank(std::string_view p) {
  if (p == "required")
    return 0;
  if (p == "important")
    return 1;
  if (p == "standard")
    return 2;
  if (p == "optional")
    return 3;
  return 4;
}

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

  void mark(const Package *p) {
    if (!marked_.emplace(p->name, p).second)
      return;
    order_.push_back(p);
    for (auto &g : parseDepends(p->provides))
      for (auto &a : g)
        provided_[a.name].push_back({p, a.rel == Relation::Equal ? a.version : ""});
  }

  void installDeps(const Package *p) {
    if (!expanded_.insert(p).second)
      return;
    chain_.push_back(p);
    for (std::string_view field : {p->preDepends, p->depends})
      for (auto &group : parseDepends(field)) {
        if (satisfiedByMarked(group))
          continue;
        const Package *choice = choose(group);
        if (!choice)
          fail(group);
        mark(choice);
        installDeps(choice);
      }
    chain_.pop_back();
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

  static bool provides(std::string_view version, const DepAtom &a) {
    if (a.rel == Relation::Any)
      return true;
    return !version.empty() && satisfies(version, a.rel, a.version);
  }

  // A marked package other than `self` that satisfies `a`.
  const Package *markedSatisfier(const DepAtom &a, const Package *self = nullptr) const {
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

  const Package *choose(const DepGroup &g) const {
    for (auto &a : g) {
      if (const Package *p = index_.find(a.name); p && satisfies(p->version, a.rel, a.version))
        return p;
      std::vector<const Package *> cands;
      for (auto &pr : index_.providers(a.name))
        if (provides(pr.version, a))
          cands.push_back(pr.pkg);
      std::stable_sort(cands.begin(), cands.end(), [](const Package *x, const Package *y) {
        if (x->essential != y->essential)
          return x->essential;
        bool xi = priorityRank(x->priority) <= 1, yi = priorityRank(y->priority) <= 1;
        return xi && !yi;
      });
      if (!cands.empty())
        return cands.front();
    }
    return nullptr;
  }

  [[noreturn]] void fail(const DepGroup &g) const {
    std::string chain;
    for (const Package *p : chain_)
      chain += (chain.empty() ? "" : " -> ") + std::string(p->name) + "=" + std::string(p->version);
    std::string why;
    for (auto &a : g) {
      if (const Package *p = index_.find(a.name))
        why += "\n  " + describe(a) + ": the index has only version " + std::string(p->version);
      else if (index_.providers(a.name).empty())
        why += "\n  " + describe(a) + ": no package of that name and none provides it";
      else
        why += "\n  " + describe(a) + ": no provider satisfies the version";
    }
    throw ResolveError("cannot satisfy dependency '" + describe(g) + "' of " + chain + why);
  }

  const PackageIndex &index_;
  std::unordered_map<std::string_view, const Package *> marked_;
  std::unordered_map<std::string_view, std::vector<Provision>> provided_;
  std::unordered_set<const Package *> expanded_;
  std::vector<const Package *> order_, chain_;
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
  for (auto *p : roots)
    r.mark(p);
  for (auto *p : roots)
    r.installDeps(p);
  r.checkConflicts();
  return r.result();
}

} // namespace bastion::pkgs
