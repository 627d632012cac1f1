#include "store/cache_copy.h"
#include "util/threads.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

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

void copyOne(LocalStore &store, BinaryCache &cache, const StorePath &path,
             const CacheCopyOptions &options, CacheProgress &progress) {
  std::string printed = store.printStorePath(path);
  std::optional<ValidPathInfo> info = store.queryPathInfo(path);
  if (!info)
    throw StoreError("path '" + printed + "' is not valid");
  progress.start("copying path '" + printed + "' to '" + cache.url() + "'...", printed);
  std::unique_ptr<BinaryCache::Upload> up = cache.upload();
  UploadSink sink(options.compression, *up, progress);
  format::dumpPath(store.realPath(path), sink);
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
  up->commit(ni.url);
  std::string fp = format::narInfoFingerprint(ni, store.storeDir());
  for (const format::SecretKey &k : options.signWith)
    ni.sigs.insert(k.signDetached(fp));
  cache.writeFile(path.hashPart + ".narinfo", format::printNarInfo(ni));
  progress.done();
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

  std::mutex m;
  std::condition_variable cv;
  std::set<StorePath> running;
  std::exception_ptr error;
  size_t copied = 0;
  auto worker = [&]() {
    std::unique_lock<std::mutex> lk(m);
    for (;;) {
      if (error)
        return;
      StorePath next;
      bool found = false;
      for (auto &[p, deps] : waiting)
        if (deps.empty() && !running.count(p)) {
          next = p;
          found = true;
          break;
        }
      if (!found) {
        if (waiting.empty() || running.empty())
          return; // done (or a cycle, which the store cannot have)
        cv.wait(lk);
        continue;
      }
      running.insert(next);
      lk.unlock();
      std::exception_ptr e;
      try {
        copyOne(store, cache, next, options, progress);
      } catch (...) {
        e = std::current_exception();
      }
      lk.lock();
      running.erase(next);
      if (e) {
        error = e;
      } else {
        copied++;
        waiting.erase(next);
        for (auto &[p, deps] : waiting)
          deps.erase(next);
      }
      cv.notify_all();
    }
  };
  unsigned n = std::max(1u, std::min<unsigned>(options.jobs, unsigned(waiting.size())));
  util::runOnThreads(n, worker);
  if (error)
    std::rethrow_exception(error);
  return copied;
}

} // namespace bastion::store
