// Streaming compression of the NARs in binary caches: "xz", "zstd",
// "bzip2" and "none", the Compression values of Nix's narinfo files, each
// with the file extension Nix gives it (nar/<filehash>.nar.xz, .zst, .bz2,
// nothing). liblzma, libzstd and libbz2 are opened with dlopen on first use
// (store/shared_lib.h), so commands that never copy do not load them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace bastion::store {

using ByteSink = std::function<void(std::string_view)>;

// Bytes in, (de)compressed bytes out to the sink; finish() flushes the end
// of the stream (for a decompressor: checks that it ended). Throws
// StoreError on corrupt input.
class Codec {
public:
  virtual ~Codec() = default;
  virtual void write(std::string_view data) = 0;
  virtual void finish() = 0;
};

// Throws StoreError "unknown compression method '…'".
std::unique_ptr<Codec> makeCompressor(const std::string &method, ByteSink out);
std::unique_ptr<Codec> makeDecompressor(const std::string &method, ByteSink out);

// ".xz", ".zst", ".bz2" or "" (none); throws for an unknown method.
std::string compressionExtension(const std::string &method);

} // namespace bastion::store
