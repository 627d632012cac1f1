// The file system side of NARs: a directory walked into an archive
// (dumpPath, as `nix-store --dump`) and an archive restored onto disk
// (restorePath, as `nix-store --restore`). The bytes themselves are
// format/nar.h's; this file owns every opendir, lstat and open.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "format/hash.h"
#include "format/nar.h"

namespace bastion::store {

// Decides which entries below the root go into an archive: called with
// `root + "/" + relative path` for every entry (never for the root itself);
// false leaves the entry out and, for a directory, its whole subtree, as
// Nix's dumpPath(path, sink, filter). An empty filter admits everything.
using PathFilter = std::function<bool(const std::string &path)>;

// Serialises the file system object at `path` (not following a symlink at
// `path` itself or anywhere below it), less what `filter` rejects. Regular
// files are streamed in chunks; a file is "executable" when its owner
// execute bit is set, as in Nix. Throws util::SysError naming the path on
// I/O errors (what() reads like Nix's SysError, e.g. "getting status of
// '<path>': No such file or directory") and format::NarError "file '<path>'
// has an unsupported type" for sockets, FIFOs and devices.
void dumpPath(const std::string &path, format::NarSink &sink, const PathFilter &filter = {});
std::string dumpPathToString(const std::string &path, const PathFilter &filter = {});

// The NAR hash of `path` (what `nix-hash --type <algo> PATH` prints); stores
// the NAR's length in *narSize when given.
format::Hash hashPath(format::HashAlgo algo, const std::string &path, uint64_t *narSize = nullptr,
                      const PathFilter &filter = {});

// The hash of the bytes of the file `path` (`nix-hash --flat`), read in
// chunks.
format::Hash hashFile(format::HashAlgo algo, const std::string &path);

// Recreates the archived object at `dest`, which must not exist (its parent
// must). The tree is built in a fresh temporary directory next to `dest` and
// renamed into place only once the whole archive (including the end-of-input
// check) has been accepted; on any error - format::NarError for a bad
// archive, util::SysError for I/O - everything created is removed and `dest`
// does not exist. As in Nix, files are created with mode 0666 and
// directories 0777 (less the umask), and executable files then get all
// three execute bits added.
void restorePath(const std::string &dest, format::NarSource &source);

} // namespace bastion::store
