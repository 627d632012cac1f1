// A local store served as a binary cache over HTTP/1.1 (bastion
// serve-cache), in the layout Nix reads (binary_cache.h):
//
//   GET /nix-cache-info
//   GET /<hashpart>.narinfo     made from the database, signed on the fly
//                                when given a key; remembered for up to a
//                                second while the path stays the same
//   GET /nar/<hashpart>-<narhash>.nar[.zst|.xz]
//                                the NAR dumped from the store as it is sent;
//                                .nar honours Range (one range), and is sent
//                                zstd-encoded when the client accepts it
//                                (Accept-Encoding) and asked for no range
//   HEAD of each of these.
//
// The narinfo says "Compression: none": the store is not copied anywhere,
// and the NAR's hash in its URL makes a NAR URL fail (404) once the path
// changed. Connections are kept alive; the listening thread accepts
// them, one thread a connection (at most `threads` at once), and a
// connection idle for `idleTimeoutSeconds` is closed.
#pragma once

#include <optional>
#include <string>

#include "format/signature.h"
#include "store/store.h"

namespace bastion::store {

struct CacheServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::optional<format::SecretKey> signKey;
  unsigned threads = 256; // connections served at once
  int priority = 30;
  // A connection that sends or reads nothing for this long is closed.
  long idleTimeoutSeconds = 10;
};

// Listens (throws StoreError when it cannot), calls `ready(port)` once
// listening, then serves until the process ends.
void serveCache(LocalStore &store, const CacheServerOptions &options,
                const std::function<void(int port)> &ready);

} // namespace bastion::store
