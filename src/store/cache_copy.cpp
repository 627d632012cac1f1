#include "store/cache_copy.h"
#include "store/nar_fs.h"
#include "util/threads.h"

#include <cassert>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "format/nar.h"
#include "store/cache_progress.h"
#include "store/closure.h"

namespace bastion::store {
namespace {

// NAR bytes: hashed, then compressed into the upload, whose bytes are
// hashed too (FileHash).
struct UploadSink : format::NarSink {
  format::HashSink narHash{HashAlgo::SHA256}, fileHash{HashAlgo::SHA256};
  std::unique_ptr<Codec> codec;
  BinaryCache::Upload &up;
  CacheProgress &progress;
  UploadSink(const std::string &method, BinaryCache::Upload &u, CacheProgress &p)
      : up(u), progress(p) {
    codec = makeCompressor(method, [this](std::string_view d) {
      fileHash.update(d);
      up.write(d);
    });
  }
  void write(std::string_view data) override {
    narHash.update(data);
    codec->write(data);
    progress.bytes(data.size());
  }
};

// Uploads the NAR of `path` (synced, its directory not: the caller syncs
// nar/ once for many) and returns its signed narinfo, not yet written.
format::NarInfo uploadNar(LocalStore &store, BinaryCache &cache, const StorePath &path,
                          const CacheCopyOptions &options, CacheProgress &progress) {
  std::string printed = store.printStorePath(path);
  std::optional<ValidPathInfo> info = store.queryPathInfo(path);
  if (!info)
    throw StoreError("path '" + printed + "' is not valid");
  progress.start("copying path '" + printed + "' to '" + cache.url() + "'...", printed);
  std::unique_ptr<BinaryCache::Upload> up = cache.upload();
  UploadSink sink(options.compression, *up, progress);
  store::dumpPath(store.realPath(path), sink);
  sink.codec->finish();
  Hash narHash = sink.narHash.finish();
  uint64_t narSize = sink.narHash.bytesHashed();
  if (narHash != info->narHash || narSize != info->narSize)
    throw StoreError("path '" + printed + "' has changed since it was registered (NAR hash " +
                     narHash.to(format::HashFormat::Nix32, true) + ", recorded " +
                     info->narHash.to(format::HashFormat::Nix32, true) +
                     "); run 'nix-store --verify --check-contents'");
  format::NarInfo ni = narInfoOf(store, *info);
  ni.compression = options.compression;
  ni.fileSize = sink.fileHash.bytesHashed();
  ni.fileHash = sink.fileHash.finish();
  ni.url = "nar/" + ni.fileHash->to(format::HashFormat::Nix32, false) + ".nar" +
           compressionExtension(options.compression);
  up->commit(ni.url, false);
  std::string fp = format::narInfoFingerprint(ni, store.storeDir());
  for (const format::SecretKey &k : options.signWith)
    ni.sigs.insert(k.signDetached(fp));
  progress.done();
  return ni;
}

} // namespace

format::NarInfo narInfoOf(const LocalStore &store, const ValidPathInfo &info) {
  format::NarInfo ni;
  ni.storePath = store.printStorePath(info.path);
  ni.narHash = info.narHash;
  ni.narSize = info.narSize;
  for (const StorePath &r : info.references)
    ni.references.insert(r.baseName());
  if (!info.deriver.empty())
    ni.deriver = store.parseStorePath(info.deriver).baseName();
  ni.sigs = info.sigs;
  ni.ca = info.ca;
  return ni;
}

size_t copyToCache(LocalStore &store, BinaryCache &cache, const std::set<StorePath> &paths,
                   const CacheCopyOptions &options) {
  compressionExtension(options.compression); // an unknown method fails before anything
  std::set<StorePath> closure;
  computeFSClosure(store, paths, closure);
  // What the cache lacks, and for each what it waits for.
  std::map<StorePath, std::set<StorePath>> waiting;
  for (const StorePath &p : closure)
    if (!cache.fileExists(p.hashPart + ".narinfo"))
      waiting[p];
  for (auto &[p, deps] : waiting) {
    std::optional<ValidPathInfo> info = store.queryPathInfo(p);
    if (!info)
      throw StoreError("path '" + store.printStorePath(p) + "' is not valid");
    for (const StorePath &r : info->references)
      if (r != p && waiting.count(r))
        deps.insert(r);
  }
  CacheProgress progress(waiting.size(), options.quiet);
  if (!waiting.empty() && !options.quiet)
    fprintf(stderr, "copying %zu paths...\n", waiting.size());

  // NARs are uploaded jobs at a time in any order; a narinfo is written
  // once its NAR is uploaded and its references' narinfos are written.
  // Narinfos are written in groups, by one thread at a time: one sync of
  // nar/ makes the group's NARs' renames durable first, one sync of the
  // top directory the group's narinfos after (instead of two directory
  // syncs a path). Within a group they are renamed references first.
  std::mutex m;
  std::condition_variable cv;
  std::vector<StorePath> todo(waiting.size());
  {
    // References first, so their narinfos can be written early.
    std::set<StorePath> seen;
    size_t k = 0;
    std::function<void(const StorePath &)> visit = [&](const StorePath &p) {
      if (!seen.insert(p).second)
        return;
      for (const StorePath &r : waiting.at(p))
        visit(r);
      todo[k++] = p;
    };
    for (auto &[p, _] : waiting)
      visit(p);
  }
  size_t next = 0;
  std::map<StorePath, format::NarInfo> uploaded; // NAR there, narinfo not yet
  bool committing = false;
  std::exception_ptr error;
  size_t copied = 0;
  // Under the lock: the uploaded paths whose references all have narinfos
  // or come earlier in the group, references first.
  auto ready = [&]() {
    std::vector<StorePath> group;
    std::set<StorePath> in;
    for (bool grew = true; grew;) {
      grew = false;
      for (auto &[p, ni] : uploaded) {
        if (in.count(p))
          continue;
        bool ok = true;
        for (const StorePath &d : waiting.at(p))
          ok &= in.count(d) > 0;
        if (ok) {
          group.push_back(p);
          in.insert(p);
          grew = true;
        }
      }
    }
    return group;
  };
  auto worker = [&]() {
    std::unique_lock<std::mutex> lk(m);
    for (;;) {
      if (error)
        return;
      if (!committing) {
        std::vector<StorePath> group = ready();
        if (!group.empty()) {
          committing = true;
          std::vector<std::pair<StorePath, format::NarInfo>> infos;
          for (const StorePath &p : group)
            infos.emplace_back(p, uploaded.at(p));
          lk.unlock();
          std::exception_ptr e;
          try {
            cache.syncDir("nar");
            for (auto &[p, ni] : infos)
              cache.writeFile(p.hashPart + ".narinfo", format::printNarInfo(ni), false);
            cache.syncDir("");
          } catch (...) {
            e = std::current_exception();
          }
          lk.lock();
          committing = false;
          if (e)
            error = e;
          else
            for (auto &[p, _] : infos) {
              uploaded.erase(p);
              waiting.erase(p);
              for (auto &[q, deps] : waiting)
                deps.erase(p);
              copied++;
            }
          cv.notify_all();
          continue;
        }
      }
      if (next < todo.size()) {
        StorePath p = todo[next++];
        lk.unlock();
        std::exception_ptr e;
        std::optional<format::NarInfo> ni;
        try {
          ni = uploadNar(store, cache, p, options, progress);
        } catch (...) {
          e = std::current_exception();
        }
        lk.lock();
        if (e)
          error = e;
        else
          uploaded.emplace(p, std::move(*ni));
        cv.notify_all();
        continue;
      }
      if (waiting.empty())
        return;
      cv.wait(lk);
    }
  };
  unsigned n = std::max(1u, std::min<unsigned>(options.jobs, unsigned(waiting.size())));
  util::runOnThreads(n, worker);
  if (error)
    std::rethrow_exception(error);
  assert(waiting.empty());
  return copied;
}

} // namespace bastion::store
