// The .narinfo files of a binary cache (Nix's NarInfo): "Key: value" lines
// describing one store path and where its (compressed) NAR is.
//
//   StorePath: /nix/store/<hash>-<name>
//   URL: nar/<filehash>.nar.xz
//   Compression: xz            (absent: bzip2, as in Nix)
//   FileHash: sha256:<nix32>   FileSize: <n>   (of the compressed file)
//   NarHash: sha256:<nix32>    NarSize: <n>
//   References: <base name> …  (may be empty)
//   Deriver: <base name>.drv   (optional)
//   Sig: <name>:<base64>       (zero or more lines)
//   CA: fixed:r:sha256:…       (optional)
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/hash.h"

namespace bastion::format {

// A malformed narinfo; what() names it as "<whence>:<line>: <problem>".
struct NarInfoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct NarInfo {
  std::string storePath; // printed
  std::string url;
  std::string compression = "bzip2";
  std::optional<Hash> fileHash;
  uint64_t fileSize = 0;
  Hash narHash;
  uint64_t narSize = 0;
  std::set<std::string> references; // base names
  std::string deriver;              // base name, or ""
  std::string system;
  std::set<std::string> sigs;
  std::string ca;
};

// Throws NarInfoError "<whence>:<line>: …"; the path and hashes must be in
// `storeDir`. Unknown keys are ignored, as in Nix.
NarInfo parseNarInfo(std::string_view text, const std::string &whence,
                     std::string_view storeDir = "/nix/store");
// Nix 2.8's NarInfo::to_string, byte for byte.
std::string printNarInfo(const NarInfo &info);

// The fingerprint its signatures are over (format/signature.h).
std::string narInfoFingerprint(const NarInfo &info, std::string_view storeDir = "/nix/store");

// The `nix-cache-info` file at a cache's root.
struct CacheInfo {
  std::string storeDir = "/nix/store";
  bool wantMassQuery = false;
  int priority = 50;
};
CacheInfo parseCacheInfo(std::string_view text, const std::string &whence);
std::string printCacheInfo(const CacheInfo &info);

} // namespace bastion::format
