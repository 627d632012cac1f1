#include "store/substitute.h"
#include "util/threads.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "format/narinfo.h"
#include "store/binary_cache.h"
#include "store/cache_progress.h"
#include "store/compression.h"

namespace bastion::store {
namespace {

struct Candidate {
  BinaryCache *cache;
  format::NarInfo info;
};

// An unlinked temporary file: a fetched NAR until it is added; a crash
// leaves nothing behind.
struct TempFile {
  int fd = -1;
  TempFile() {
    const char *dir = getenv("TMPDIR");
    std::string d = dir && *dir ? dir : "/tmp";
    fd = ::open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
      throw StoreError("creating a temporary file in '" + d + "': " + std::strerror(errno));
  }
  ~TempFile() {
    if (fd >= 0)
      ::close(fd);
  }
  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw StoreError(std::string("writing a temporary file: ") + std::strerror(errno));
      data.remove_prefix(size_t(n));
    }
  }
};

class Substituter {
public:
  Substituter(LocalStore &store, const SubstituteSettings &settings)
      : store_(store), settings_(settings) {}

  // The first cache with an acceptable narinfo for `path`; nullopt when
  // none has one. Caches whose narinfo is rejected are remembered in
  // rejections_ (a path only they have is a SubstituteError).
  std::optional<Candidate> find(const StorePath &path) {
    std::string printed = store_.printStorePath(path);
    for (BinaryCache *cache : caches()) {
      std::optional<format::NarInfo> ni;
      try {
        ni = cache->narInfo(path.hashPart);
      } catch (const format::NarInfoError &e) {
        rejections_[path].push_back(e.what());
        continue;
      }
      if (!ni)
        continue;
      std::string why = check(path, *ni);
      if (!why.empty()) {
        rejections_[path].push_back("narinfo of '" + printed + "' from '" + cache->url() + "' " +
                                    why);
        continue;
      }
      return Candidate{cache, *ni};
    }
    return std::nullopt;
  }

  std::set<StorePath> run(const std::set<StorePath> &paths) {
    std::set<StorePath> missing;
    std::map<StorePath, Candidate> plan;
    std::deque<std::pair<StorePath, StorePath>> queue; // (path, who needs it)
    for (const StorePath &p : paths)
      if (!store_.isValidPath(p))
        queue.push_back({p, p});
    while (!queue.empty()) {
      auto [p, from] = queue.front();
      queue.pop_front();
      if (plan.count(p) || store_.isValidPath(p))
        continue;
      std::optional<Candidate> c = find(p);
      if (!c) {
        if (rejections_.count(p))
          throw SubstituteError(rejected(p));
        if (paths.count(p) && p == from) {
          missing.insert(p);
          continue;
        }
        throw SubstituteError("cannot substitute '" + store_.printStorePath(from) +
                              "': its reference '" + store_.printStorePath(p) +
                              "' is neither valid nor in any substituter (a reference outside "
                              "the closure)");
      }
      for (const std::string &r : c->info.references) {
        StorePath ref = format::parseStorePathBaseName(r);
        if (ref != p)
          queue.push_back({ref, p});
      }
      plan.emplace(p, std::move(*c));
    }
    // A wanted path that depends on a missing one cannot come either.
    for (auto &[p, c] : plan)
      for (const std::string &r : c.info.references)
        if (missing.count(format::parseStorePathBaseName(r)))
          throw SubstituteError("cannot substitute '" + store_.printStorePath(p) + "'");
    if (plan.empty())
      return missing;

    fetchAll(plan);
    // References first.
    std::set<StorePath> added;
    std::function<void(const StorePath &)> add = [&](const StorePath &p) {
      if (added.count(p) || !plan.count(p))
        return;
      added.insert(p);
      const Candidate &c = plan.at(p);
      for (const std::string &r : c.info.references) {
        StorePath ref = format::parseStorePathBaseName(r);
        if (ref != p)
          add(ref);
      }
      ValidPathInfo info;
      info.path = p;
      info.narHash = c.info.narHash;
      info.narSize = c.info.narSize;
      for (const std::string &r : c.info.references)
        info.references.insert(format::parseStorePathBaseName(r));
      if (!c.info.deriver.empty())
        info.deriver = store_.storeDir() + "/" + c.info.deriver;
      info.sigs = c.info.sigs;
      info.ca = c.info.ca;
      TempFile &f = *fetched_.at(p);
      if (::lseek(f.fd, 0, SEEK_SET) != 0)
        throw StoreError(std::string("seeking a temporary file: ") + std::strerror(errno));
      format::FdNarSource source(f.fd);
      store_.addNar(info, source);
      fetched_.erase(p);
    };
    // One directory sync and one transaction for many paths instead of
    // one of each per path (most of the cost of a closure of small
    // paths); flushed before returning, so every path is registered.
    store_.batchTextWrites();
    for (auto &[p, c] : plan)
      add(p);
    store_.flushBatch();
    return missing;
  }

private:
  LocalStore &store_;
  const SubstituteSettings &settings_;
  std::vector<std::unique_ptr<BinaryCache>> caches_;
  bool opened_ = false;
  std::map<StorePath, std::vector<std::string>> rejections_;
  std::map<StorePath, std::unique_ptr<TempFile>> fetched_;

  std::vector<BinaryCache *> caches() {
    if (!opened_) {
      opened_ = true;
      for (const std::string &url : settings_.urls) {
        std::unique_ptr<BinaryCache> c = BinaryCache::open(url);
        std::string dir = c->cacheInfo().storeDir;
        if (dir != store_.storeDir()) {
          fprintf(stderr,
                  "warning: binary cache '%s' is for Nix stores with prefix '%s', not '%s'\n",
                  url.c_str(), dir.c_str(), store_.storeDir().c_str());
          continue;
        }
        caches_.push_back(std::move(c));
      }
    }
    std::vector<BinaryCache *> out;
    for (auto &c : caches_)
      out.push_back(c.get());
    return out;
  }

  // "" when `ni` is acceptable for `path`, else why not.
  std::string check(const StorePath &path, const format::NarInfo &ni) {
    if (ni.storePath != store_.printStorePath(path))
      return "is for another path ('" + ni.storePath + "')";
    if (ni.narHash.algo != HashAlgo::SHA256)
      return "has a NarHash that is not SHA-256";
    if (!settings_.requireSigs)
      return "";
    std::set<StorePath> refs;
    for (const std::string &r : ni.references)
      refs.insert(format::parseStorePathBaseName(r));
    if (selfCertifying(store_.storeDir(), path, ni.ca, refs))
      return "";
    std::string fp = format::narInfoFingerprint(ni, store_.storeDir());
    for (const std::string &sig : ni.sigs)
      if (format::verifySignature(fp, sig, settings_.trustedKeys))
        return "";
    if (ni.sigs.empty())
      return "is not signed (require-sigs is true)";
    std::string names;
    for (const std::string &sig : ni.sigs)
      names += (names.empty() ? "" : ", ") + format::signatureKeyName(sig);
    return "has no valid signature by a trusted key (signed by: " + names + ")";
  }

  std::string rejected(const StorePath &p) {
    std::string msg = "refusing to substitute '" + store_.printStorePath(p) + "':";
    for (const std::string &why : rejections_.at(p))
      msg += "\n  " + why;
    return msg;
  }

  void fetchOne(const StorePath &p, const Candidate &c, CacheProgress &progress) {
    std::string printed = store_.printStorePath(p);
    progress.start("copying path '" + printed + "' from '" + c.cache->url() + "'...", printed);
    auto file = std::make_unique<TempFile>();
    format::HashSink narHash(HashAlgo::SHA256), fileHash(HashAlgo::SHA256);
    std::unique_ptr<Codec> codec = makeDecompressor(c.info.compression, [&](std::string_view d) {
      narHash.update(d);
      if (narHash.bytesHashed() > c.info.narSize)
        throw SubstituteError("NAR of '" + printed + "' from '" + c.cache->url() +
                              "' is longer than its NarSize " + std::to_string(c.info.narSize));
      file->write(d);
      progress.bytes(d.size());
    });
    bool found;
    try {
      found = c.cache->getFileStream(c.info.url, [&](std::string_view d) {
        fileHash.update(d);
        codec->write(d);
      });
      if (found)
        codec->finish();
    } catch (const SubstituteError &) {
      throw;
    } catch (const StoreError &e) {
      throw SubstituteError("cannot substitute '" + printed + "' from '" + c.cache->url() +
                            "': " + e.what());
    }
    if (!found)
      throw SubstituteError("cannot substitute '" + printed + "': '" + c.cache->url() + "/" +
                            c.info.url + "' does not exist");
    Hash got = narHash.finish();
    if (narHash.bytesHashed() != c.info.narSize)
      throw SubstituteError("NAR of '" + printed + "' from '" + c.cache->url() + "' is " +
                            std::to_string(narHash.bytesHashed()) + " bytes, but its NarSize is " +
                            std::to_string(c.info.narSize));
    if (got != c.info.narHash)
      throw SubstituteError("hash mismatch in NAR of '" + printed + "' from '" + c.cache->url() +
                            "':\n  NarHash: " + c.info.narHash.to(format::HashFormat::Nix32, true) +
                            "\n  got:     " + got.to(format::HashFormat::Nix32, true));
    std::lock_guard<std::mutex> lk(mutex_);
    fetched_[p] = std::move(file);
    progress.done();
  }

  std::mutex mutex_;

  void fetchAll(const std::map<StorePath, Candidate> &plan) {
    CacheProgress progress(plan.size(), settings_.quiet);
    std::vector<const std::pair<const StorePath, Candidate> *> todo;
    for (auto &e : plan)
      todo.push_back(&e);
    size_t next = 0;
    std::mutex m;
    std::exception_ptr error;
    auto worker = [&]() {
      for (;;) {
        const std::pair<const StorePath, Candidate> *e;
        {
          std::lock_guard<std::mutex> lk(m);
          if (error || next == todo.size())
            return;
          e = todo[next++];
        }
        try {
          fetchOne(e->first, e->second, progress);
        } catch (...) {
          std::lock_guard<std::mutex> lk(m);
          if (!error)
            error = std::current_exception();
        }
      }
    };
    unsigned n = std::max(1u, std::min<unsigned>(settings_.jobs, unsigned(todo.size())));
    util::runOnThreads(n, worker);
    if (error)
      std::rethrow_exception(error);
  }
};

} // namespace

bool selfCertifying(const std::string &storeDir, const StorePath &path, const std::string &ca,
                    const std::set<StorePath> &references) {
  try {
    std::set<StorePath> refs = references;
    bool self = refs.erase(path) > 0;
    if (ca.rfind("text:", 0) == 0)
      return !self && format::makeTextPath(path.name, format::parseHashAnyPrefixed(ca.substr(5)),
                                           refs, storeDir) == path;
    if (ca.rfind("fixed:r:", 0) == 0)
      return format::makeFixedOutputPath(format::FileIngestionMethod::Recursive,
                                         format::parseHashAnyPrefixed(ca.substr(8)), path.name,
                                         refs, self, storeDir) == path;
    if (ca.rfind("fixed:", 0) == 0)
      return format::makeFixedOutputPath(format::FileIngestionMethod::Flat,
                                         format::parseHashAnyPrefixed(ca.substr(6)), path.name,
                                         refs, self, storeDir) == path;
  } catch (const std::exception &) {
    // A CA that does not parse certifies nothing.
  }
  return false;
}

std::set<StorePath> substitutePaths(LocalStore &store, const SubstituteSettings &settings,
                                    const std::set<StorePath> &paths) {
  Substituter s(store, settings);
  return s.run(paths);
}

} // namespace bastion::store
