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
  bool essential = false;
  size_t line = 0; // of its Package: field, for messages
};

// One alternative of a dependency: "name[:arch] [(rel version)]".
struct DepAtom {
  std::string_view name, version;
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

private:
  std::string path_;
  const char *data_ = nullptr;
  size_t size_ = 0;
  std::vector<Package> packages_;
  std::unordered_map<std::string_view, size_t> byName_;
  std::unordered_map<std::string_view, std::vector<Provider>> provides_;
};

} // namespace bastion::pkgs
