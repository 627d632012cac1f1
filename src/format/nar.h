// Nix ARchives (NAR): the canonical serialisation of a file system object,
// byte-identical to `nix-store --dump`, and its hardened inverse.
//
// Wire format. Every string is a u64 little-endian length, the bytes, then
// zero padding to a multiple of 8. An archive is the string "nix-archive-1"
// followed by one node:
//
//   node  = "(" "type" "regular" ["executable" ""] "contents" <data> ")"
//         | "(" "type" "symlink" "target" <target> ")"
//         | "(" "type" "directory" entry* ")"
//   entry = "entry" "(" "name" <name> "node" node ")"
//
// with directory entries strictly increasing by name, compared bytewise.
//
// The parser accepts exactly the canonical form dumpPath produces (so an
// accepted archive always re-serialises to the same bytes) and rejects
// everything else with NarError: bad magic, unknown or misplaced tags,
// non-zero padding, entry names that are empty, "." or "..", or contain '/'
// or NUL, duplicate or unsorted names, empty or NUL-bearing symlink targets,
// names/targets/tags longer than the limits below, nesting deeper than
// kNarMaxDepth, truncated input and (by default) trailing bytes. File
// contents are bounded only by the input itself and are streamed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/hash.h"

namespace bastion::format {

inline constexpr std::string_view kNarMagic = "nix-archive-1";
// Longest entry name accepted (NAME_MAX on Linux).
inline constexpr size_t kNarMaxNameLength = 255;
// Longest symlink target accepted (PATH_MAX - 1 on Linux).
inline constexpr size_t kNarMaxTargetLength = 4095;
// Deepest directory nesting accepted (the root node is depth 0).
inline constexpr size_t kNarMaxDepth = 1024;

// Malformed or hostile archive, or a file system object that cannot be
// archived (unsupported type, file changed while being read). what() is a
// complete, human-readable message.
struct NarError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Receives serialised NAR bytes.
struct NarSink {
  virtual ~NarSink() = default;
  virtual void write(std::string_view data) = 0;
};

// Supplies NAR bytes. read() returns how many bytes it stored into `buf`
// (at most `len`), and 0 only at end of input; it may throw.
struct NarSource {
  virtual ~NarSource() = default;
  virtual size_t read(char *buf, size_t len) = 0;
};

// Appends to a caller-owned string.
struct StringNarSink : NarSink {
  std::string &out;
  explicit StringNarSink(std::string &o) : out(o) {}
  void write(std::string_view data) override { out.append(data); }
};

// Feeds a HashSink.
struct HashNarSink : NarSink {
  HashSink &hash;
  explicit HashNarSink(HashSink &h) : hash(h) {}
  void write(std::string_view data) override { hash.update(data); }
};

// Reads from a caller-owned buffer, which must outlive the source.
struct StringNarSource : NarSource {
  std::string_view data;
  size_t pos = 0;
  explicit StringNarSource(std::string_view d) : data(d) {}
  size_t read(char *buf, size_t len) override;
};

// Reads from a file descriptor (not owned; retries EINTR; throws
// util::SysError on read errors).
struct FdNarSource : NarSource {
  int fd;
  explicit FdNarSource(int f) : fd(f) {}
  size_t read(char *buf, size_t len) override;
};

// Decides which entries below the root go into an archive: called with
// `root + "/" + relative path` for every entry (never for the root itself);
// false leaves the entry out and, for a directory, its whole subtree, as
// Nix's dumpPath(path, sink, filter). An empty filter admits everything.
using PathFilter = std::function<bool(const std::string &path)>;

// Serialises the file system object at `path` (not following a symlink at
// `path` itself or anywhere below it), less what `filter` rejects. Regular files are streamed in
// chunks; a file is "executable" when its owner execute bit is set, as in Nix. Throws
// util::SysError naming the path on I/O errors (what() reads like Nix's SysError, e.g. "getting
// status of '<path>': No such file or directory") and NarError "file '<path>' has an unsupported
// type" for sockets, FIFOs and devices.
void dumpPath(const std::string &path, NarSink &sink, const PathFilter &filter = {});
std::string dumpPathToString(const std::string &path, const PathFilter &filter = {});

// The NAR hash of `path` (what `nix-hash --type <algo> PATH` prints); stores
// the NAR's length in *narSize when given.
Hash hashPath(HashAlgo algo, const std::string &path, uint64_t *narSize = nullptr,
              const PathFilter &filter = {});

// Callbacks for parseNar, in archive order. `path` is "" for the root and
// "/a/b" below it; every component has been validated.
struct NarVisitor {
  virtual ~NarVisitor() = default;
  virtual void createDirectory(const std::string &path) = 0;
  // Followed by zero or more contents() calls (`size` bytes in total),
  // then closeRegularFile().
  virtual void createRegularFile(const std::string &path, bool executable, uint64_t size) = 0;
  virtual void contents(std::string_view chunk) = 0;
  virtual void closeRegularFile() {}
  virtual void createSymlink(const std::string &path, const std::string &target) = 0;
};

// Validates an archive, reporting its objects to `visitor`; throws NarError
// on the first problem (callbacks may already have run). With
// requireEof=false, stops right after the root node, leaving any further
// bytes unread (for NARs embedded in a larger stream).
void parseNar(NarSource &source, NarVisitor &visitor, bool requireEof = true);
// Just validates.
void checkNar(NarSource &source, bool requireEof = true);

// Recreates the archived object at `dest`, which must not exist (its parent
// must). The tree is built in a fresh temporary directory next to `dest` and
// renamed into place only once the whole archive (including the end-of-input
// check) has been accepted; on any error - NarError for a bad archive,
// util::SysError for I/O - everything created is removed and `dest`
// does not exist. As in Nix, files are created with mode 0666 and
// directories 0777 (less the umask), and executable files then get all
// three execute bits added.
void restorePath(const std::string &dest, NarSource &source);

} // namespace bastion::format
