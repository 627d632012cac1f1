// The store's SQLite database (<root>/nix/var/nix/db/db.sqlite): which
// paths are valid, their metadata and references, and the outputs of
// registered derivations. Same schema, pragmas and column formats as Nix
// 2.8, so that Nix and Bastion can share a store.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"

namespace bastion::store {

// Nix 2.8's schema version (the `schema` file next to the database).
inline constexpr int kNixSchemaVersion = 10;

class PathDb {
public:
  // Opens `path`; `create` makes a new database with Nix's schema,
  // readOnly opens an existing one without ever writing to it.
  PathDb(const std::string &path, std::string storeDir, bool create, bool readOnly);

  bool isValid(const StorePath &path);
  std::optional<ValidPathInfo> queryPathInfo(const StorePath &path);

  // Registers `info` with its references (which must be valid, or the
  // path itself) and, for a derivation, its output paths (output name ->
  // printed path), in one transaction. Does nothing if the path is
  // already valid.
  void registerValidPath(const ValidPathInfo &info,
                         const std::map<std::string, std::string> &drvOutputs);

  // Several paths in one transaction; references may point to paths of
  // the same batch (as Nix's registerValidPaths). Already valid paths are
  // left as they are.
  struct Registration {
    ValidPathInfo info;
    std::map<std::string, std::string> drvOutputs;
  };
  void registerValidPaths(const std::vector<Registration> &regs);

  // Queries for the garbage collector and nix-store --query (Nix's
  // queryReferrers, queryAllValidPaths, queryValidDerivers and
  // queryPartialDerivationOutputMap).
  std::set<StorePath> queryReferrers(const StorePath &path);
  std::set<StorePath> queryAllValidPaths();
  std::set<StorePath> queryValidDerivers(const StorePath &path);
  std::map<std::string, std::string> queryDerivationOutputs(const StorePath &drvPath);

  // Removes the path's row (its references and derivation outputs go
  // with it), in one transaction. Throws StoreError "cannot delete path
  // '…' because it is in use by '…'" if another valid path refers to it,
  // as Nix's invalidatePathChecked. Does nothing for an invalid path.
  void invalidatePath(const StorePath &path);

  // Fills in a NAR hash and size recomputed by --verify --check-contents.
  void updateNarInfo(const StorePath &path, const Hash &narHash, uint64_t narSize);
  // Replaces the path's sigs column (space-separated, as Nix).
  void setSignatures(const StorePath &path, const std::set<std::string> &sigs);
  // Printed path whose base name starts with `hashPart`, or "".
  std::string queryPathFromHashPart(std::string_view hashPart);

private:
  std::unique_ptr<Db> db_;
  std::string storeDir_;

  std::optional<int64_t> queryId(const std::string &printed);
};

} // namespace bastion::store
