// A Packages index, parsed in one pass over the mapped file: every field a
// view into the mapping (64,000 stanzas, 50 MB, in tens of milliseconds),
// dependency fields parsed only when a package is looked at.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pkgs/version.h"

namespace bastion::pkgs {

struct Package {
  std::string_view name, version, arch, multiArch, priority, filename, sha256, size;
  std::string_view depends, preDepends, provides, conflicts, breaks, recommends;
  std::string_view suggests, replaces, enhances; // only for mentionOrder()
  bool essential = false;
  bool important = false; // "Important: yes" or "Protected: yes" (apt's Flag::Important)
  size_t line = 0;        // of its Package: field, for messages
};

// One alternative of a dependency: "name[:arch] [(rel version)]".
struct DepAtom {
  std::string_view name, version;
  std::string_view arch; // the ":arch" qualifier, "" if none
  Relation rel = Relation::Any;
};
using DepGroup = std::vector<DepAtom>;                      // a | b | c
std::vector<DepGroup> parseDepends(std::string_view field); // a, b | c, d

class PackageIndex {
public:
  // Maps and parses `path`; throws std::runtime_error naming path:line.
  explicit PackageIndex(const std::string &path);
  ~PackageIndex();
  PackageIndex(const PackageIndex &) = delete;
  PackageIndex &operator=(const PackageIndex &) = delete;

  const std::vector<Package> &packages() const { return packages_; }
  // The candidate (highest version) of a real package, or null.
  const Package *find(std::string_view name) const;
  struct Provider {
    const Package *pkg;
    std::string_view version; // "" = unversioned
  };
  const std::vector<Provider> &providers(std::string_view name) const;
  const std::string &path() const { return path_; }
  // The index's architecture (its first package not "all").
  std::string_view arch() const { return arch_; }
  // Whether `a` names a package of another architecture ("libc6:i386"),
  // which a single-architecture index never has.
  bool foreign(const DepAtom &a) const {
    return !a.arch.empty() && a.arch != "any" && a.arch != "native" && a.arch != arch_;
  }
  // The order in which apt's cache generator creates the package named
  // `name` (its ID): names are created as first mentioned, each stanza's
  // own name, then those of its Pre-Depends, Depends, Conflicts, Breaks,
  // Recommends, Suggests, Replaces, Enhances and Provides. apt breaks ties
  // between providers, and orders the packages it installs, by this ID.
  // Computed on first use (one pass over every relation field).
  uint32_t mentionOrder(std::string_view name) const;

private:
  std::string path_;
  std::string_view arch_;
  const char *data_ = nullptr;
  size_t size_ = 0;
  std::vector<Package> packages_;
  std::unordered_map<std::string_view, size_t> byName_;
  std::unordered_map<std::string_view, std::vector<Provider>> provides_;
  mutable std::unordered_map<std::string_view, uint32_t> mention_;
};

} // namespace bastion::pkgs
