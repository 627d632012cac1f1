// Binary caches in Nix's layout, over file:// and http(s)://:
//
//   nix-cache-info            StoreDir, WantMassQuery, Priority
//   <hashpart>.narinfo        format/narinfo.h
//   nar/<filehash>.nar[.xz|.zst|.bz2]
//   log/<drv base name>       build logs
//
// Writing (file:// only) always goes through a temporary name in the cache
// directory and a rename, and a narinfo is written only after its NAR is
// durable and after its references' narinfos: a cache interrupted at any
// moment holds only complete, verifiable paths (and perhaps NARs and
// temporary files no narinfo names).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "format/narinfo.h"
#include "store/compression.h"

namespace bastion::store {

class BinaryCache {
public:
  // "file:///dir" or "http(s)://host/…" (a trailing '/' is dropped). Throws
  // StoreError for anything else.
  static std::unique_ptr<BinaryCache> open(const std::string &url);
  virtual ~BinaryCache() = default;

  virtual const std::string &url() const = 0;
  // The file at `rel` ("nix-cache-info", "nar/…"), nullopt when the cache
  // does not have it (404). Throws StoreError for other failures (after
  // retrying transient HTTP ones).
  virtual std::optional<std::string> getFile(const std::string &rel) = 0;
  // Streams the file into `sink`; false when the cache does not have it.
  virtual bool getFileStream(const std::string &rel, const ByteSink &sink) = 0;
  virtual bool fileExists(const std::string &rel) = 0;

  // A file being written: bytes go to a temporary file in the cache, which
  // commit() syncs and renames to `rel`, then syncs the directory unless
  // told not to (a caller syncing many renames at once, syncDir());
  // dropped uncommitted, it is removed.
  class Upload {
  public:
    virtual ~Upload() = default;
    virtual void write(std::string_view data) = 0;
    virtual void commit(const std::string &rel, bool syncDirectory = true) = 0;
  };
  // Throws StoreError for a cache that cannot be written (http).
  virtual std::unique_ptr<Upload> upload() = 0;
  void writeFile(const std::string &rel, std::string_view data, bool syncDirectory = true);
  // Makes the renames into directory `rel` ("" the top, "nar") durable.
  virtual void syncDir(const std::string &rel) { (void)rel; }

  // The cache's nix-cache-info (a missing one reads as the defaults,
  // after it is created when the cache is writable).
  format::CacheInfo cacheInfo();
  // <hashpart>.narinfo parsed, nullopt when absent; throws
  // format::NarInfoError naming the URL for a corrupt one.
  std::optional<format::NarInfo> narInfo(std::string_view hashPart);
};

} // namespace bastion::store
