// Copying store paths to a binary cache (bastion nix-copy --to URL), with
// their closure, NARs N at a time. A path whose narinfo the cache already
// has is skipped, so an interrupted copy resumes where it stopped; each
// NAR is written (compressed) under a temporary name, synced and renamed
// to nar/<filehash>.nar.<ext>, and only once it and its references'
// narinfos are in place is its narinfo written (in groups sharing their
// directory syncs), so a reader never sees a narinfo whose NAR or
// references are missing.
#pragma once

#include <set>
#include <vector>

#include "format/narinfo.h"
#include "format/signature.h"
#include "store/binary_cache.h"
#include "store/store.h"

namespace bastion::store {

struct CacheCopyOptions {
  std::string compression = "zstd";        // "xz", "zstd", "bzip2", "none"
  std::vector<format::SecretKey> signWith; // signatures added to each narinfo
  unsigned jobs = 4;
  bool quiet = false;
};

// Returns how many paths were copied (those already there are not counted).
size_t copyToCache(LocalStore &store, BinaryCache &cache, const std::set<StorePath> &paths,
                   const CacheCopyOptions &options);

// A valid path's narinfo fields (no URL, compression or file hash/size).
format::NarInfo narInfoOf(const LocalStore &store, const ValidPathInfo &info);

} // namespace bastion::store
