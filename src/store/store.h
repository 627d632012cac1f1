// A local Nix store: the files under <root>/nix/store and the SQLite database
// under <root>/nix/var/nix/db, laid out and filled exactly as Nix 2.8 does so
// that either tool can read a store the other wrote (`--store DIR` in both).
//
// Every path is identified by its logical name ("/nix/store/<hash>-<name>"),
// whatever the root: a store opened on root "/tmp/s" keeps
// "/nix/store/abc…-hello" in /tmp/s/nix/store/abc…-hello, like Nix's
// `--store /tmp/s` (the "local?root=/tmp/s" store).
//
// In read-only mode (nix-instantiate --eval) paths are computed but nothing is
// written and no database is created; validity queries read an existing
// database if there is one and otherwise answer "not valid".
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "format/derivation.h"
#include "format/hash.h"
#include "format/nar.h"
#include "format/store_path.h"
#include "store/nar_fs.h"
#include "util/error.h"

namespace bastion::store {

using format::FileIngestionMethod;
using format::Hash;
using format::HashAlgo;
using format::StorePath;

// Anything the store cannot do (database, a path that is not valid; a
// failed system call is util::SysError, which the store's entry points
// such as addToStore turn into a StoreError); what() is a complete message
// naming the path involved.
struct StoreError : util::Error {
  using util::Error::Error;
};

// PathFilter (which entries of a tree being added go in) is nar_fs.h's.

// One row of ValidPaths plus its references, as Nix's ValidPathInfo.
struct ValidPathInfo {
  StorePath path;
  std::string deriver; // printed store path of the .drv, or ""
  Hash narHash;        // sha256 of the NAR
  uint64_t narSize = 0;
  std::set<StorePath> references;
  int64_t registrationTime = 0;
  bool ultimate = false;      // built or added locally (not substituted)
  std::set<std::string> sigs; // "keyname:base64sig"
  std::string ca; // "text:sha256:<nix32>", "fixed:r:sha256:<nix32>", "fixed:sha1:…" or ""
};

class LocalStore {
public:
  // root "" or "/" is the machine's own store. Creates the directories and
  // database on first use unless readOnly. Throws StoreError.
  static std::unique_ptr<LocalStore> open(const std::string &root, bool readOnly);
  virtual ~LocalStore() = default;

  virtual const std::string &storeDir() const = 0; // logical, "/nix/store"
  virtual const std::string &root() const = 0;     // "" for the machine's store
  virtual bool readOnly() const = 0;

  // root + printed path: where the file system object really lives.
  virtual std::string realPath(const StorePath &path) const = 0;
  virtual std::string printStorePath(const StorePath &path) const = 0;
  // Throws format::BadStorePath.
  virtual StorePath parseStorePath(std::string_view path) const = 0;

  virtual bool isValidPath(const StorePath &path) = 0;
  virtual std::optional<ValidPathInfo> queryPathInfo(const StorePath &path) = 0;

  // builtins.toFile and .drv files: makeTextPath(name, sha256(text), refs).
  // Writes the file (mode 0444, mtime 1) and registers it with its
  // references and ca "text:sha256:…" unless already valid.
  virtual StorePath addTextToStore(std::string_view name, std::string_view text,
                                   const std::set<StorePath> &references) = 0;

  // Imported sources ("${./dir}", builtins.path, filterSource):
  // makeFixedOutputPath(method, hash, name) where hash is `algo` over the
  // (filtered) NAR of srcPath (Recursive) or over the bytes of the regular
  // file srcPath (Flat). Copies the tree in canonical form and registers it
  // (no references) unless already valid; in read-only mode only computes.
  // Returns the path and the content hash it was computed from. Errors
  // reading srcPath are StoreErrors; whatever `filter` throws propagates
  // unchanged. (As in addTextToStore, an invalid name is
  // format::BadStorePath.)
  virtual std::pair<StorePath, Hash> addToStore(std::string_view name, const std::string &srcPath,
                                                FileIngestionMethod method, HashAlgo algo,
                                                const PathFilter &filter = {}) = 0;

  // Writes drv to makeTextPath(name + ".drv", …, inputSrcs ∪ inputDrvs) and
  // records its outputs in DerivationOutputs, as Nix's writeDerivation.
  virtual StorePath writeDerivation(const format::Derivation &drv, std::string_view name) = 0;
  // Registers objects already in place at realPath() (build outputs), with
  // their references, in one transaction; references may be valid paths
  // or paths of the same batch. A .drv among them has its outputs recorded
  // as in writeDerivation. narHash, narSize, references, ca, deriver and
  // ultimate are taken from the infos; registrationTime 0 means now.
  // Already valid paths are left unchanged. Throws StoreError (also in
  // read-only mode).
  virtual void registerValidPaths(const std::vector<ValidPathInfo> &infos) = 0;

  // nix-store --import: puts the object `nar` describes at info.path and
  // registers it with info's references and deriver (which the caller
  // read from the export stream; narHash and narSize are those of
  // `nar`). Does nothing if the path is valid. Throws StoreError.
  virtual void importNar(const ValidPathInfo &info, std::string_view nar) = 0;

  // Batched text objects (an evaluation's .drv files) and NARs. After
  // batchTextWrites(), addTextToStore, writeDerivation and addNar (whose
  // trees are synced as they are written) put each object in
  // place as usual but make them durable and register them together at
  // the next flushBatch(): one sync of the store directory and one
  // transaction for the batch instead of one of each per file, which was
  // most of the cost of writing a .drv. Until then this process (and only
  // it) sees them as valid, and holds their path locks. A write that
  // would wait for a lock flushes first, so batching processes cannot
  // deadlock; any other registration flushes first; and a batch is also
  // flushed at the write that finds it 100 ms old or 256 objects large,
  // so another process that needs one of its paths waits about that long.
  // An unflushed batch (a crash) leaves only invalid files, which the
  // next writer replaces. flushBatch throws StoreError; the destructor
  // flushes what is left, silently.
  virtual void batchTextWrites() = 0;
  virtual void flushBatch() = 0;

  // Reads and parses a .drv file from the store (throws StoreError naming it).
  // In read-only mode, derivations passed to writeDerivation are
  // remembered in memory and returned from there.
  virtual format::Derivation readDerivation(const StorePath &drvPath) = 0;

  // --- Queries for the garbage collector and nix-store --query ---------
  // (Nix's queryReferrers, queryAllValidPaths, queryValidDerivers,
  // queryPartialDerivationOutputMap.) All answer "nothing" for a store
  // without a database.
  virtual std::set<StorePath> queryReferrers(const StorePath &path) = 0;
  virtual std::set<StorePath> queryAllValidPaths() = 0;
  // The valid .drv files that list `path` among their outputs.
  virtual std::set<StorePath> queryValidDerivers(const StorePath &path) = 0;
  // Output name -> path, as recorded in DerivationOutputs when the .drv
  // was registered.
  virtual std::map<std::string, StorePath> queryDerivationOutputs(const StorePath &drvPath) = 0;

  // <root>/nix/store and <root>/nix/var/nix: where the files really are.
  virtual const std::string &realStoreDir() const = 0;
  virtual const std::string &stateDir() const = 0;

  // Forgets a valid path in one transaction, refusing (StoreError
  // "cannot delete path '…' because it is in use by '…'") while another
  // valid path refers to it; the files are the caller's (gc.h) to remove.
  virtual void invalidatePath(const StorePath &path) = 0;
  // Records a NAR hash and size recomputed by verifyStore.
  virtual void updateNarInfo(const StorePath &path, const Hash &narHash, uint64_t narSize) = 0;

  // --- Binary caches (store/binary_cache.h) ------------------------------
  // Adds signatures ("name:base64") to a valid path's ValidPaths.sigs, as
  // Nix's addSignatures. Throws StoreError for an invalid path.
  virtual void addSignatures(const StorePath &path, const std::set<std::string> &sigs) = 0;
  // A substituted path: restores the NAR `source` yields at info.path and
  // registers it with info's references, deriver, sigs and ca (ultimate
  // false), but only if the NAR's SHA-256 and size are info.narHash and
  // info.narSize; otherwise throws StoreError and nothing is left. Does
  // nothing if the path is valid. References must be valid.
  virtual void addNar(const ValidPathInfo &info, format::NarSource &source) = 0;
  // The valid path whose hash part is `hashPart` (32 nix32 characters),
  // as Nix's queryPathFromHashPart.
  virtual std::optional<StorePath> queryPathFromHashPart(std::string_view hashPart) = 0;

  // Makes `path` a temporary GC root for the lifetime of this process
  // (temp_roots.h), so that a concurrent garbage collector keeps it and
  // its closure. The add* functions do this for the paths they return;
  // the builder calls it for every .drv it builds and every output path
  // before checking whether the output is valid. No-op when read-only.
  virtual void addTempRoot(const StorePath &path) = 0;
};

} // namespace bastion::store
