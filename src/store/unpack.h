// Unpacking downloaded archives with libarchive: tarballs (plain or
// compressed with gzip, bzip2, xz, lzma, zstd or compress) and zip files,
// for builtins.fetchTarball; and xz-compressed streams, for the
// builtin:fetchurl builder's compressed NARs.
//
// An archive is untrusted input, so nothing it holds may land outside the
// target directory: absolute names and ".." components are refused, no
// entry is written through a symlink (each directory on the way is opened
// with O_NOFOLLOW), and hard links may only point at entries inside the
// target. Symlinks themselves are kept whatever they point to, as Nix keeps
// them: in a store path they are inert. Devices, FIFOs and sockets are
// refused, since a store path cannot hold them.
#pragma once

#include <stdexcept>
#include <string>

#include "format/nar.h"

struct archive; // libarchive's, kept out of this header

namespace bastion::store {

// A bad or hostile archive; what() names the entry or libarchive's reason.
struct UnpackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Extracts the archive in the file `archive` into the new directory `dest`
// (its parent must exist). Files are created 0644, or 0755 when the
// archive marks them executable for their owner; directories 0755. Later
// entries replace earlier ones of the same name, as tar does. On any error
// `dest` is removed and UnpackError (or StoreError for I/O) is thrown.
void unpackArchive(const std::string &archive, const std::string &dest);

// What fetchTarball keeps of an unpacked archive: its only top-level entry
// when that is a directory (the usual "name-1.0/" wrapper), else `dest`.
std::string tarballRoot(const std::string &dest);

// The decompressed bytes of an xz-compressed file.
class XzFileSource : public format::NarSource {
public:
  explicit XzFileSource(const std::string &path);
  ~XzFileSource() override;
  XzFileSource(const XzFileSource &) = delete;
  XzFileSource &operator=(const XzFileSource &) = delete;
  size_t read(char *buf, size_t len) override;

private:
  ::archive *a_;
  std::string path_;
};

} // namespace bastion::store
