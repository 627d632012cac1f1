// LocalStore: store paths in <root>/nix/store, registered in the SQLite
// database under <root>/nix/var/nix/db, as Nix 2.8's LocalStore.
//
// Every write follows the same steps (writeObject): compute the path from
// the content, return at once if it is already valid, take the path's lock,
// check again, delete any invalid leftover of a crashed writer, build the
// object under a temporary name in the store directory, canonicalise and
// fsync it, rename it into place, and only then register it (with its
// references) in one database transaction. A crash at any point leaves
// either nothing valid or a complete, registered object.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "store/canonicalise.h"
#include "store/content_address.h"
#include "store/fs_util.h"
#include "store/nar_fs.h"
#include "store/path_db.h"
#include "store/path_lock.h"
#include "store/spool.h"
#include "store/state_dirs.h"
#include "store/store.h"
#include "store/temp_roots.h"
#include "util/fd.h"
#include "util/io.h"
#include "util/path.h"

namespace bastion::store {

namespace {

// Creates `path` (which must not exist) holding `data`, without fsync:
// writeObject syncs every new object (canonicalisePathMetaData with sync)
// before renaming it into place, so writeNewFile's own fsync only doubled
// the cost of every .drv.
void writeUnsynced(const std::string &path, std::string_view data) {
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd)
    throwSysError("creating file '" + path + "'", path);
  util::writeFull(fd.get(), data, "writing to file '" + path + "'");
  fd.close(("writing to file '" + path + "'").c_str());
}

using format::printStorePath;

std::string normaliseRoot(const std::string &root) {
  if (root.empty())
    return "";
  std::string abs = util::absPath(root);
  return abs == "/" ? "" : abs;
}

// The outputs a .drv registers in DerivationOutputs: those with a known
// path (Nix skips floating content-addressed outputs).
std::map<std::string, std::string> drvOutputsOf(const format::Derivation &drv) {
  std::map<std::string, std::string> out;
  for (const auto &[name, o] : drv.outputs)
    if (!o.path.empty())
      out.emplace(name, o.path);
  return out;
}

// Hashes what it passes on (a substituted NAR, checked against its narinfo).
struct HashingNarSource : format::NarSource {
  format::NarSource &inner;
  format::HashSink hash{HashAlgo::SHA256};
  explicit HashingNarSource(format::NarSource &i) : inner(i) {}
  size_t read(char *buf, size_t len) override {
    size_t n = inner.read(buf, len);
    hash.update(std::string_view(buf, n));
    return n;
  }
};

class LocalStoreImpl final : public LocalStore {
public:
  LocalStoreImpl(const std::string &root, bool readOnly)
      : root_(normaliseRoot(root)), readOnly_(readOnly), layout_(storeLayout(root_)) {
    try {
      if (readOnly_)
        openReadOnly();
      else
        openReadWrite();
    } catch (...) {
      if (bigLock_ >= 0)
        ::close(bigLock_);
      throw;
    }
  }

  ~LocalStoreImpl() override {
    try {
      commitPending();
    } catch (...) {
      // Left invalid; the next writer replaces the files.
    }
    db_.reset();
    if (bigLock_ >= 0)
      ::close(bigLock_);
  }

  const std::string &storeDir() const override { return storeDir_; }
  const std::string &root() const override { return root_; }
  bool readOnly() const override { return readOnly_; }

  std::string realPath(const StorePath &path) const override {
    return layout_.realStoreDir + "/" + path.baseName();
  }
  std::string printStorePath(const StorePath &path) const override {
    return format::printStorePath(path, storeDir_);
  }
  StorePath parseStorePath(std::string_view path) const override {
    return format::parseStorePath(path, storeDir_);
  }

  bool isValidPath(const StorePath &path) override {
    std::lock_guard<std::mutex> lk(mutex_);
    return pendingInfo(path) || (db_ && db_->isValid(path));
  }

  std::optional<ValidPathInfo> queryPathInfo(const StorePath &path) override {
    std::lock_guard<std::mutex> lk(mutex_);
    if (const ValidPathInfo *p = pendingInfo(path))
      return *p;
    if (!db_)
      return std::nullopt;
    return db_->queryPathInfo(path);
  }

  void batchTextWrites() override {
    std::lock_guard<std::mutex> lk(mutex_);
    batching_ = !readOnly_;
  }

  void flushBatch() override { commitPending(); }

  StorePath addTextToStore(std::string_view name, std::string_view text,
                           const std::set<StorePath> &references) override {
    Hash hash = format::hashString(HashAlgo::SHA256, text);
    StorePath path = format::makeTextPath(name, hash, references, storeDir_);
    if (readOnly_)
      return path;
    addTempRoot(path); // before the validity check: keeps a valid path valid for us
    if (isValidPath(path))
      return path;

    // Like Nix, registering a .drv records its outputs; a .drv that does
    // not parse is refused before anything is written.
    std::map<std::string, std::string> outputs;
    if (path.isDerivation()) {
      try {
        outputs = drvOutputsOf(format::parseDerivation(text));
      } catch (const format::DerivationError &e) {
        throw StoreError("cannot add '" + printStorePath(path) + "': " + e.what());
      }
    }
    ValidPathInfo info;
    info.path = path;
    info.references = references;
    info.ca = renderContentAddress(FileIngestionMethod::Text, hash);
    writeObject(
        info, outputs, false, [&](const std::string &tmp) { writeUnsynced(tmp, text); }, true);
    return path;
  }

  std::pair<StorePath, Hash> addToStore(std::string_view name, const std::string &srcPath,
                                        FileIngestionMethod method, HashAlgo algo,
                                        const PathFilter &filter) override {
    if (method == FileIngestionMethod::Text)
      throw StoreError("addToStore cannot add '" + srcPath + "' as text; use addTextToStore");
    std::string src = util::absPath(srcPath);
    // Errors of the file system become StoreErrors; whatever the
    // caller's filter throws passes through untouched.
    bool filterThrew = false;
    PathFilter guarded;
    if (filter)
      guarded = [&](const std::string &p) {
        try {
          return filter(p);
        } catch (...) {
          filterThrew = true;
          throw;
        }
      };
    try {
      return method == FileIngestionMethod::Flat ? addFlat(name, src, algo)
                                                 : addRecursive(name, src, algo, guarded);
    } catch (const util::SysError &e) {
      if (filterThrew)
        throw;
      throw StoreError(e.what());
    } catch (const format::NarError &e) {
      if (filterThrew)
        throw;
      throw StoreError(e.what());
    }
  }

  void importNar(const ValidPathInfo &given, std::string_view nar) override {
    if (readOnly_)
      throw StoreError("cannot import paths into a read-only store");
    addTempRoot(given.path);
    if (isValidPath(given.path))
      return;
    // As Nix's registerValidPath (its message, too).
    for (const StorePath &r : given.references)
      if (r != given.path && !isValidPath(r))
        throw StoreError("path '" + printStorePath(r) + "' is not valid");
    ValidPathInfo info = given;
    info.ultimate = false;
    info.ca.clear();
    std::map<std::string, std::string> outputs;
    writeObject(info, outputs, true, [&](const std::string &tmp) {
      format::StringNarSource source(nar);
      store::restorePath(tmp, source);
      // restorePath accepts only canonical archives, so the tree hashes
      // back to the same NAR; a .drv records its outputs, as Nix's
      // registerValidPath does.
      if (info.path.isDerivation()) {
        try {
          outputs = drvOutputsOf(format::parseDerivation(readFile(tmp)));
        } catch (const format::DerivationError &e) {
          throw StoreError("error parsing derivation '" + printStorePath(info.path) +
                           "': " + e.what());
        }
      }
    });
  }

  StorePath writeDerivation(const format::Derivation &drv, std::string_view name) override {
    std::string text = format::unparseDerivation(drv);
    std::set<StorePath> refs;
    try {
      for (const std::string &p : drv.inputSrcs)
        refs.insert(parseStorePath(p));
      for (const auto &[p, outs] : drv.inputDrvs)
        refs.insert(parseStorePath(p));
    } catch (const format::BadStorePath &e) {
      throw StoreError("cannot write derivation '" + std::string(name) + "': " + e.what());
    }
    std::string drvName = std::string(name) + std::string(format::kDrvExtension);
    if (!readOnly_)
      return addTextToStore(drvName, text, refs);
    // Read-only: remember it, so that readDerivation still finds it.
    StorePath path =
        format::makeTextPath(drvName, format::hashString(HashAlgo::SHA256, text), refs, storeDir_);
    std::lock_guard<std::mutex> lk(mutex_);
    computedDrvs_.insert_or_assign(path, drv);
    return path;
  }

  void registerValidPaths(const std::vector<ValidPathInfo> &infos) override {
    if (readOnly_)
      throw StoreError("cannot register paths in a read-only store");
    commitPending();
    std::vector<PathDb::Registration> regs;
    for (const ValidPathInfo &info : infos) {
      PathDb::Registration reg{info, {}};
      if (info.path.isDerivation()) {
        std::string printed = printStorePath(info.path);
        try {
          reg.drvOutputs = drvOutputsOf(format::parseDerivation(readFile(realPath(info.path))));
        } catch (const format::DerivationError &e) {
          throw StoreError("error parsing derivation '" + printed + "': " + e.what());
        }
      }
      regs.push_back(std::move(reg));
    }
    std::lock_guard<std::mutex> lk(mutex_);
    db_->registerValidPaths(regs);
  }

  format::Derivation readDerivation(const StorePath &drvPath) override {
    {
      std::lock_guard<std::mutex> lk(mutex_);
      auto it = computedDrvs_.find(drvPath);
      if (it != computedDrvs_.end())
        return it->second;
    }
    std::string printed = printStorePath(drvPath);
    if (!isValidPath(drvPath))
      throw StoreError("path '" + printed + "' is not valid");
    try {
      return format::parseDerivation(readFile(realPath(drvPath)));
    } catch (const format::DerivationError &e) {
      throw StoreError("error parsing derivation '" + printed + "': " + e.what());
    }
  }

  std::set<StorePath> queryReferrers(const StorePath &path) override {
    std::lock_guard<std::mutex> lk(mutex_);
    return db_ ? db_->queryReferrers(path) : std::set<StorePath>{};
  }

  std::set<StorePath> queryAllValidPaths() override {
    std::lock_guard<std::mutex> lk(mutex_);
    return db_ ? db_->queryAllValidPaths() : std::set<StorePath>{};
  }

  std::set<StorePath> queryValidDerivers(const StorePath &path) override {
    std::lock_guard<std::mutex> lk(mutex_);
    return db_ ? db_->queryValidDerivers(path) : std::set<StorePath>{};
  }

  std::map<std::string, StorePath> queryDerivationOutputs(const StorePath &drvPath) override {
    std::lock_guard<std::mutex> lk(mutex_);
    std::map<std::string, StorePath> out;
    if (!db_)
      return out;
    for (const auto &[name, printed] : db_->queryDerivationOutputs(drvPath))
      out.emplace(name, parseStorePath(printed));
    return out;
  }

  const std::string &realStoreDir() const override { return layout_.realStoreDir; }
  const std::string &stateDir() const override { return layout_.stateDir; }

  void invalidatePath(const StorePath &path) override {
    if (readOnly_)
      throw StoreError("cannot delete paths from a read-only store");
    commitPending();
    std::lock_guard<std::mutex> lk(mutex_);
    db_->invalidatePath(path);
  }

  void updateNarInfo(const StorePath &path, const Hash &narHash, uint64_t narSize) override {
    if (readOnly_)
      throw StoreError("cannot update paths in a read-only store");
    commitPending();
    std::lock_guard<std::mutex> lk(mutex_);
    db_->updateNarInfo(path, narHash, narSize);
  }

  void addSignatures(const StorePath &path, const std::set<std::string> &sigs) override {
    if (readOnly_)
      throw StoreError("cannot sign paths in a read-only store");
    commitPending();
    std::lock_guard<std::mutex> lk(mutex_);
    std::optional<ValidPathInfo> info = db_->queryPathInfo(path);
    if (!info)
      throw StoreError("path '" + printStorePath(path) + "' is not valid");
    std::set<std::string> all = info->sigs;
    all.insert(sigs.begin(), sigs.end());
    if (all != info->sigs)
      db_->setSignatures(path, all);
  }

  void addNar(const ValidPathInfo &given, format::NarSource &source) override {
    if (readOnly_)
      throw StoreError("cannot add paths to a read-only store");
    addTempRoot(given.path);
    if (isValidPath(given.path))
      return;
    ValidPathInfo info = given;
    info.ultimate = false;
    info.registrationTime = 0;
    std::map<std::string, std::string> outputs;
    // Batchable (batchTextWrites): its contents are synced as it is
    // written, only the directory sync and the registration are shared.
    writeObject(
        info, outputs, true,
        [&](const std::string &tmp) {
          HashingNarSource hashing(source);
          store::restorePath(tmp, hashing);
          Hash got = hashing.hash.finish();
          std::string printed = printStorePath(info.path);
          if (hashing.hash.bytesHashed() != info.narSize)
            throw StoreError("NAR of '" + printed + "' is " +
                             std::to_string(hashing.hash.bytesHashed()) +
                             " bytes long, but its info says " + std::to_string(info.narSize));
          if (got != info.narHash)
            throw StoreError("hash mismatch importing path '" + printed + "';\n  specified: " +
                             info.narHash.to(format::HashFormat::Nix32, true) +
                             "\n  got:       " + got.to(format::HashFormat::Nix32, true));
          if (info.path.isDerivation()) {
            try {
              outputs = drvOutputsOf(format::parseDerivation(readFile(tmp)));
            } catch (const format::DerivationError &e) {
              throw StoreError("error parsing derivation '" + printed + "': " + e.what());
            }
          }
        },
        true, true);
  }

  std::optional<StorePath> queryPathFromHashPart(std::string_view hashPart) override {
    std::lock_guard<std::mutex> lk(mutex_);
    if (!db_)
      return std::nullopt;
    std::string printed = db_->queryPathFromHashPart(hashPart);
    if (printed.empty())
      return std::nullopt;
    return parseStorePath(printed);
  }

  void addTempRoot(const StorePath &path) override {
    if (readOnly_)
      return;
    tempRoots_.add(printStorePath(path));
  }

private:
  std::string root_;
  std::string storeDir_{format::kDefaultStoreDir};
  bool readOnly_;
  StoreLayout layout_;
  std::unique_ptr<PathDb> db_; // null: read-only without a database
  int bigLock_ = -1;
  std::mutex mutex_; // guards db_, computedDrvs_, batching_ and pending_
  std::map<StorePath, format::Derivation> computedDrvs_;
  // Text objects in place but not yet durable and registered (batchTextWrites).
  struct Pending {
    PathDb::Registration reg;
    std::unique_ptr<PathLock> lock;
    bool synced = false; // its contents are durable already (syncContents)
  };
  bool batching_ = false;
  std::map<StorePath, Pending> pending_;
  std::chrono::steady_clock::time_point batchStarted_;
  static constexpr size_t kMaxBatch = 256;
  static constexpr std::chrono::milliseconds kMaxBatchAge{100};
  std::mutex commitMutex_; // one commit at a time

  // Caller holds mutex_.
  const ValidPathInfo *pendingInfo(const StorePath &path) const {
    auto it = pending_.find(path);
    return it == pending_.end() ? nullptr : &it->second.reg.info;
  }

  bool referencesPending(const ValidPathInfo &info) {
    std::lock_guard<std::mutex> lk(mutex_);
    for (const StorePath &r : info.references)
      if (pending_.count(r))
        return true;
    return false;
  }

  bool batching() {
    std::lock_guard<std::mutex> lk(mutex_);
    return batching_;
  }

  // Syncs every pending file and the store directory once, then registers
  // them all in one transaction and lets go of their locks.
  void commitPending() {
    std::lock_guard<std::mutex> commit(commitMutex_);
    std::map<StorePath, Pending> batch;
    {
      std::lock_guard<std::mutex> lk(mutex_);
      if (pending_.empty())
        return;
      batch.swap(pending_);
      // Until registered they must still count as valid here: put
      // their infos back without the locks, which this scope keeps.
      for (auto &[path, p] : batch)
        pending_.emplace(path, Pending{p.reg, nullptr, p.synced});
    }
    auto forget = [&] {
      std::lock_guard<std::mutex> lk(mutex_);
      for (auto &[path, _] : batch)
        pending_.erase(path);
    };
    try {
      std::vector<PathDb::Registration> regs;
      for (auto &[path, p] : batch) {
        if (!p.synced)
          syncPath(realPath(path));
        regs.push_back(p.reg);
      }
      syncPath(layout_.realStoreDir); // the renames
      std::lock_guard<std::mutex> lk(mutex_);
      db_->registerValidPaths(regs);
      for (auto &[path, _] : batch)
        pending_.erase(path);
    } catch (const util::SysError &e) {
      // The files stay, invalid: the next writer replaces them.
      forget();
      throw StoreError(e.what());
    } catch (...) {
      forget();
      throw;
    }
  }
  TempRoots tempRoots_{layout_.stateDir};

  void openReadWrite() {
    createStateDirs(layout_);
    bigLock_ = lockBigLock(layout_);
    int schema = checkSchema();
    if (schema == 0) {
      // A new store: created by one process at a time.
      relockBigLock(bigLock_, true);
      schema = checkSchema();
    }
    db_ = std::make_unique<PathDb>(layout_.dbPath(), storeDir_, schema == 0, false);
    // Written after the tables exist: a crash in between leaves a
    // store that is simply initialised again.
    if (schema == 0) {
      writeSchemaVersion(layout_, kNixSchemaVersion);
      relockBigLock(bigLock_, false);
    }
  }

  void openReadOnly() {
    if (!pathExists(layout_.dbPath()))
      return;
    checkSchema();
    db_ = std::make_unique<PathDb>(layout_.dbPath(), storeDir_, false, true);
  }

  int checkSchema() {
    int schema = readSchemaVersion(layout_);
    if (schema > kNixSchemaVersion)
      throw StoreError("current Nix store schema is version " + std::to_string(schema) +
                       ", but I only support " + std::to_string(kNixSchemaVersion));
    if (schema != 0 && schema < kNixSchemaVersion)
      throw StoreError("the Nix store at '" + layout_.dbDir + "' has schema version " +
                       std::to_string(schema) + "; upgrade it with Nix first");
    return schema;
  }

  // See the comment at the top of the file. `build` creates the object at
  // the temporary path it is given. With knownNar, info already holds the
  // NAR hash and size; otherwise they are computed from the new object.
  void writeObject(ValidPathInfo info, const std::map<std::string, std::string> &drvOutputs,
                   bool knownNar, const std::function<void(const std::string &)> &build,
                   bool batchable = false, bool syncContents = false) {
    std::string printed = printStorePath(info.path);
    for (const StorePath &r : info.references)
      if (r != info.path && !isValidPath(r))
        throw StoreError("cannot add '" + printed + "' to the store: its reference '" +
                         printStorePath(r) + "' is not valid");

    std::string real = realPath(info.path);
    // Batched: text objects (single files whose name fixes their
    // content, synced at the commit) and substituted NARs (syncContents:
    // a tree, synced here before its rename; the commit syncs only the
    // store directory and registers).
    const bool batched = batchable && batching();
    std::unique_ptr<PathLock> lock;
    if (batched)
      lock = PathLock::tryLock(real);
    // Never wait for a lock while holding the batch's; an object that
    // refers to a batched one is registered after it.
    if (!lock || (!batched && referencesPending(info)))
      commitPending();
    if (!lock)
      lock = std::make_unique<PathLock>(real);
    if (isValidPath(info.path))
      return; // added while we waited

    std::string tmp = layout_.realStoreDir + "/.bastion-tmp-" + info.path.baseName();
    deletePath(real); // an invalid leftover of an interrupted writer
    deletePath(tmp);
    try {
      build(tmp);
      canonicalisePathMetaData(tmp, !batched || syncContents); // else synced at the commit
      if (!knownNar)
        info.narHash = store::hashPath(HashAlgo::SHA256, tmp, &info.narSize);
      renamePath(tmp, real);
    } catch (const util::SysError &e) {
      cleanUp(tmp);
      throw StoreError(e.what());
    } catch (const format::NarError &e) {
      cleanUp(tmp);
      throw StoreError(e.what());
    } catch (...) {
      cleanUp(tmp);
      throw;
    }
    if (batched) {
      bool full;
      {
        std::lock_guard<std::mutex> lk(mutex_);
        if (pending_.empty())
          batchStarted_ = std::chrono::steady_clock::now();
        pending_.emplace(info.path, Pending{{info, drvOutputs}, std::move(lock), syncContents});
        // Bounded, so that another process waiting for one of these
        // paths' locks does not wait for our whole evaluation.
        full = pending_.size() >= kMaxBatch ||
               std::chrono::steady_clock::now() - batchStarted_ > kMaxBatchAge;
      }
      if (full)
        commitPending();
      return;
    }
    syncPath(layout_.realStoreDir); // make the rename durable before registering

    try {
      std::lock_guard<std::mutex> lk(mutex_);
      db_->registerValidPath(info, drvOutputs);
    } catch (...) {
      cleanUp(real);
      throw;
    }
  }

  static void cleanUp(const std::string &path) {
    try {
      deletePath(path);
    } catch (const util::Error &) {
    }
  }

  std::pair<StorePath, Hash> addFlat(std::string_view name, const std::string &src, HashAlgo algo) {
    if (readOnly_) {
      Hash h = store::hashFile(algo, src);
      return {format::makeFixedOutputPath(FileIngestionMethod::Flat, h, name, {}, false, storeDir_),
              h};
    }
    // Hash and keep the bytes in one pass, then write what was hashed.
    Spool spool(layout_.realStoreDir);
    format::HashSink hash(algo);
    util::Fd fd(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
      throwSysError("opening file '" + src + "'", src);
    std::vector<char> buf(1 << 16);
    while (size_t n =
               util::readFull(fd.get(), buf.data(), buf.size(), "reading file '" + src + "'")) {
      std::string_view chunk(buf.data(), n);
      hash.update(chunk);
      spool.write(chunk);
    }
    fd.reset();
    Hash h = hash.finish();
    StorePath path =
        format::makeFixedOutputPath(FileIngestionMethod::Flat, h, name, {}, false, storeDir_);
    addTempRoot(path);
    if (isValidPath(path))
      return {path, h};

    ValidPathInfo info;
    info.path = path;
    info.ca = renderContentAddress(FileIngestionMethod::Flat, h);
    writeObject(info, {}, false, [&](const std::string &tmp) {
      int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (out < 0)
        throwSysError("creating file '" + tmp + "'");
      try {
        spool.copyTo(out, tmp);
      } catch (...) {
        ::close(out);
        throw;
      }
      if (::close(out) != 0)
        throwSysError("writing to file '" + tmp + "'");
    });
    return {path, h};
  }

  std::pair<StorePath, Hash> addRecursive(std::string_view name, const std::string &src,
                                          HashAlgo algo, const PathFilter &filter) {
    if (readOnly_) {
      Hash h = store::hashPath(algo, src, nullptr, filter);
      return {format::makeFixedOutputPath(FileIngestionMethod::Recursive, h, name, {}, false,
                                          storeDir_),
              h};
    }
    // One pass over the tree: the NAR is hashed with `algo` (naming the
    // path) and sha256 (the recorded NAR hash) and spooled; the object
    // is then restored from the spooled NAR, so it is exactly what was
    // hashed even if the source changes meanwhile.
    Spool spool(layout_.realStoreDir);
    format::HashSink byAlgo(algo);
    format::HashSink bySha256(HashAlgo::SHA256);
    format::HashNarSink algoSink(byAlgo), shaSink(bySha256);
    TeeSink tee(&spool, &algoSink, algo == HashAlgo::SHA256 ? nullptr : &shaSink);
    store::dumpPath(src, tee, filter);
    Hash h = byAlgo.finish();
    StorePath path =
        format::makeFixedOutputPath(FileIngestionMethod::Recursive, h, name, {}, false, storeDir_);
    addTempRoot(path);
    if (isValidPath(path))
      return {path, h};

    ValidPathInfo info;
    info.path = path;
    info.narHash = algo == HashAlgo::SHA256 ? h : bySha256.finish();
    info.narSize = spool.size();
    info.ca = renderContentAddress(FileIngestionMethod::Recursive, h);
    writeObject(info, {}, true, [&](const std::string &tmp) {
      auto reader = spool.reader();
      store::restorePath(tmp, *reader);
    });
    return {path, h};
  }
};

} // namespace

std::unique_ptr<LocalStore> LocalStore::open(const std::string &root, bool readOnly) {
  try {
    return std::make_unique<LocalStoreImpl>(root, readOnly);
  } catch (const util::SysError &e) {
    throw StoreError(e.what());
  }
}

} // namespace bastion::store
