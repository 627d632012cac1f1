// The evaluator's side of the store: what `derivation`, `toFile`, `path`,
// `filterSource` and "${./src}" need, plus the per-evaluation memory Nix
// keeps (sources already copied, modulo hashes of derivations written).
//
// In read-only mode (nix-instantiate --eval) nothing reaches the disk, so the
// derivations and references this evaluation produced are remembered here:
// later derivations that depend on them are computed from memory.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>

#include "format/derivation.h"
#include "format/hash.h"
#include "store/store.h"

namespace bastion::lang {

class EvalStore {
public:
  // root: as store::LocalStore::open; the store is opened on first use.
  EvalStore(std::string root, bool readOnly) : root_(std::move(root)), readOnly_(readOnly) {}

  store::LocalStore &store();
  bool readOnly() const { return readOnly_; }
  // Makes the .drv files and texts written so far durable and valid for
  // everyone (LocalStore::batchTextWrites): before they are printed or
  // built. Throws store::StoreError.
  void flush();

  // Sources, by absolute path, already copied in this evaluation.
  std::map<std::string, std::string> srcToStore;
  // fetchurl / fetchTarball results of this evaluation (printed store path
  // and content hash), so that each URL is downloaded once; keyed by how
  // it was fetched, the name and the URL.
  std::map<std::string, std::pair<std::string, format::Hash>> downloads;

  // A source tree or file (printed store path and the content hash).
  std::pair<std::string, format::Hash> addPath(const std::string &name, const std::string &path,
                                               format::FileIngestionMethod method,
                                               const store::PathFilter &filter);
  // builtins.toFile; references are printed store paths.
  std::string addText(const std::string &name, const std::string &text,
                      const std::set<std::string> &references);
  // Writes (or, read-only, computes) the .drv and remembers its modulo hash.
  std::string writeDerivation(const format::Derivation &drv, const std::string &name);
  format::Derivation readDerivation(const std::string &drvPath);
  // The modulo hash of an input derivation (Nix's drvHashes).
  format::Hash drvHashModulo(const std::string &drvPath);
  format::DrvHashLookup hashLookup() {
    return [this](const std::string &p) { return drvHashModulo(p); };
  }
  // `path` and everything it refers to, directly or not.
  std::set<std::string> closure(const std::string &path);
  bool isValidPath(const std::string &path);

private:
  std::set<std::string> references(const std::string &path);

  std::string root_;
  bool readOnly_;
  std::unique_ptr<store::LocalStore> store_;
  std::map<std::string, format::Hash> drvHashes_;
  std::map<std::string, format::Derivation> drvs_;    // written this evaluation
  std::map<std::string, std::set<std::string>> refs_; // added this evaluation
};

} // namespace bastion::lang
