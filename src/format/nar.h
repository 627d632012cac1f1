// Nix ARchives (NAR): the canonical serialisation of a file system object,
// byte-identical to `nix-store --dump`, and its hardened inverse - as bytes
// only: NarWriter writes an archive from calls, parseNar reads one into
// calls. Walking a directory into a NAR and restoring one onto disk is the
// store's (store/nar_fs.h).
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
// The parser accepts exactly the canonical form NarWriter produces (so an
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
#include <vector>

#include "format/hash.h"

namespace bastion::format {

inline constexpr std::string_view kNarMagic = "nix-archive-1";
// Longest entry name accepted (NAME_MAX on Linux).
inline constexpr size_t kNarMaxNameLength = 255;
// Longest symlink target accepted (PATH_MAX - 1 on Linux).
inline constexpr size_t kNarMaxTargetLength = 4095;
// Deepest directory nesting accepted (the root node is depth 0).
inline constexpr size_t kNarMaxDepth = 1024;

// Malformed or hostile archive, or (store/nar_fs.h) a file system object
// that cannot be archived (unsupported type, file changed while being
// read). what() is a complete, human-readable message.
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

// Writes one archive from calls that walk the tree depth first, the
// inverse of NarVisitor: bytes go to the sink as the calls arrive (through
// a fixed buffer), so a tree of any size streams. The constructor writes
// the magic; then exactly one root node:
//
//   regular(executable, contents)        or  beginRegular(executable, size),
//                                             contents(chunk)..., endRegular()
//   symlink(target)
//   beginDirectory(), { beginEntry(name), <node>, endEntry() }..., endDirectory()
//
// and finish(), which flushes. Calls out of that order, entry names that are
// not strictly increasing (bytewise) or not valid, and contents that do not
// add up to the announced size are the caller's bug: they throw
// std::logic_error, so no archive the parser would reject is ever written.
// An exception leaves the archive unfinished; abandon the writer.
class NarWriter {
public:
  explicit NarWriter(NarSink &sink);
  NarWriter(const NarWriter &) = delete;
  NarWriter &operator=(const NarWriter &) = delete;

  void regular(bool executable, std::string_view contents);
  void beginRegular(bool executable, uint64_t size);
  void contents(std::string_view chunk);
  void endRegular();
  void symlink(std::string_view target);
  void beginDirectory();
  void beginEntry(std::string_view name);
  void endEntry();
  void endDirectory();
  void finish();

private:
  void raw(std::string_view data);
  void u64(uint64_t n);
  void pad(uint64_t len);
  void str(std::string_view s);
  void flush();
  // A node may be written here (at the root or right after beginEntry).
  void startNode(const char *what);
  void nodeDone();

  enum class Slot { Node, InRegular, InDirectory, AfterEntryNode, Done };
  struct Level {
    Slot slot;
    std::string lastName;
    bool anyEntry = false;
  };

  NarSink &sink_;
  std::string buf_;
  // Innermost last; the root slot at the bottom.
  std::vector<Level> stack_;
  uint64_t remaining_ = 0, size_ = 0;
};

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

} // namespace bastion::format
