// The NAR byte format: NarWriter (calls to bytes) and parseNar (bytes to
// calls). See nar.h for the format and the rules enforced.
#include "format/nar.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/io.h"

namespace bastion::format {

namespace {

constexpr size_t kChunkSize = 64 * 1024;
// Longest tag the format knows is "executable"/"directory"; anything longer
// than this cannot be a valid tag, so it is not even read.
constexpr size_t kMaxTagLength = 16;

[[noreturn]] void misuse(const std::string &what) { throw std::logic_error("NarWriter: " + what); }

bool validName(std::string_view name) {
  return !name.empty() && name.size() <= kNarMaxNameLength && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

// Printable rendering of untrusted bytes for error messages.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == kMax) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  out += "'";
  return out;
}

std::string where(const std::string &path) {
  return path.empty() ? " (at the archive root)" : " (at " + quote(path) + ")";
}

class Parser {
public:
  Parser(NarSource &src, NarVisitor &visitor) : src_(src), v_(visitor) {}

  void run(bool requireEof) {
    uint64_t n = readU64();
    if (n != kNarMagic.size())
      throw NarError("invalid NAR: bad magic (not a Nix archive)");
    std::string magic(kNarMagic.size(), '\0');
    readExact(magic.data(), magic.size());
    readPadding(magic.size());
    if (magic != kNarMagic)
      throw NarError("invalid NAR: bad magic (not a Nix archive)");
    parseNode("", 0);
    if (requireEof) {
      char c;
      if (src_.read(&c, 1) != 0)
        throw NarError("invalid NAR: trailing data after the end of the archive");
    }
  }

private:
  NarSource &src_;
  NarVisitor &v_;

  void readExact(char *buf, size_t n) {
    while (n > 0) {
      size_t got = src_.read(buf, n);
      if (got == 0)
        throw NarError("invalid NAR: unexpected end of input (truncated archive)");
      if (got > n)
        got = n;
      buf += got;
      n -= got;
    }
  }

  uint64_t readU64() {
    unsigned char b[8];
    readExact(reinterpret_cast<char *>(b), 8);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
      n = (n << 8) | b[i];
    return n;
  }

  void readPadding(uint64_t len) {
    if (size_t r = len % 8) {
      char b[8];
      readExact(b, 8 - r);
      for (size_t i = 0; i < 8 - r; ++i)
        if (b[i] != 0)
          throw NarError("invalid NAR: non-zero padding");
    }
  }

  std::string readString(size_t max, const char *what, const std::string &path) {
    uint64_t n = readU64();
    if (n > max)
      throw NarError("invalid NAR: " + std::string(what) + " of " + std::to_string(n) +
                     " bytes exceeds the limit of " + std::to_string(max) + " bytes" + where(path));
    std::string s(static_cast<size_t>(n), '\0');
    readExact(s.data(), s.size());
    readPadding(n);
    return s;
  }

  // A tag; `expected` describes what was acceptable, for the message.
  std::string readTag(const std::string &expected, const std::string &path) {
    uint64_t n = readU64();
    if (n > kMaxTagLength)
      throw NarError("invalid NAR: expected " + expected + " but found a string of " +
                     std::to_string(n) + " bytes" + where(path));
    std::string s(static_cast<size_t>(n), '\0');
    readExact(s.data(), s.size());
    readPadding(n);
    return s;
  }

  [[noreturn]] void unexpected(const std::string &expected, const std::string &got,
                               const std::string &path) {
    throw NarError("invalid NAR: expected " + expected + " but found " + quote(got) + where(path));
  }

  void expect(std::string_view tag, const std::string &path) {
    std::string want = quote(tag);
    std::string got = readTag(want, path);
    if (got != tag)
      unexpected(want, got, path);
  }

  static void checkName(const std::string &name, const std::string &path) {
    if (name.empty())
      throw NarError("invalid NAR: empty entry name" + where(path));
    if (name == "." || name == "..")
      throw NarError("invalid NAR: entry name " + quote(name) + " is not allowed" + where(path));
    if (name.find('/') != std::string::npos)
      throw NarError("invalid NAR: entry name " + quote(name) + " contains '/'" + where(path));
    if (name.find('\0') != std::string::npos)
      throw NarError("invalid NAR: entry name " + quote(name) + " contains a NUL byte" +
                     where(path));
  }

  void parseNode(const std::string &path, size_t depth) {
    expect("(", path);
    expect("type", path);
    std::string type = readTag("a node type", path);
    if (type == "regular") {
      parseRegular(path);
    } else if (type == "symlink") {
      expect("target", path);
      std::string target = readString(kNarMaxTargetLength, "symlink target", path);
      if (target.empty())
        throw NarError("invalid NAR: empty symlink target" + where(path));
      if (target.find('\0') != std::string::npos)
        throw NarError("invalid NAR: symlink target contains a NUL byte" + where(path));
      v_.createSymlink(path, target);
      expect(")", path);
    } else if (type == "directory") {
      parseDirectory(path, depth);
    } else {
      throw NarError("invalid NAR: unknown node type " + quote(type) + where(path));
    }
  }

  void parseRegular(const std::string &path) {
    bool executable = false;
    std::string tag = readTag("'executable' or 'contents'", path);
    if (tag == "executable") {
      executable = true;
      std::string marker = readTag("''", path);
      if (!marker.empty())
        throw NarError("invalid NAR: 'executable' must be followed by an empty string" +
                       where(path));
      tag = readTag("'contents'", path);
      if (tag != "contents")
        unexpected("'contents'", tag, path);
    } else if (tag != "contents") {
      unexpected("'executable' or 'contents'", tag, path);
    }
    uint64_t size = readU64();
    v_.createRegularFile(path, executable, size);
    std::vector<char> buf(static_cast<size_t>(std::min<uint64_t>(kChunkSize, size)));
    for (uint64_t left = size; left > 0;) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), left));
      size_t got = src_.read(buf.data(), want);
      if (got == 0)
        throw NarError("invalid NAR: unexpected end of input (truncated archive)");
      if (got > want)
        got = want;
      v_.contents({buf.data(), got});
      left -= got;
    }
    readPadding(size);
    v_.closeRegularFile();
    expect(")", path);
  }

  void parseDirectory(const std::string &path, size_t depth) {
    v_.createDirectory(path);
    std::string prev;
    bool first = true;
    for (;;) {
      std::string tag = readTag("'entry' or ')'", path);
      if (tag == ")")
        return;
      if (tag != "entry")
        unexpected("'entry' or ')'", tag, path);
      if (depth + 1 > kNarMaxDepth)
        throw NarError("invalid NAR: directories nested deeper than " +
                       std::to_string(kNarMaxDepth) + " levels" + where(path));
      expect("(", path);
      expect("name", path);
      std::string name = readString(kNarMaxNameLength, "entry name", path);
      checkName(name, path);
      if (!first) {
        if (name == prev)
          throw NarError("invalid NAR: duplicate entry name " + quote(name) + where(path));
        if (name < prev)
          throw NarError("invalid NAR: entry name " + quote(name) + " is not sorted after " +
                         quote(prev) + where(path));
      }
      expect("node", path);
      std::string child = path + "/" + name;
      parseNode(child, depth + 1);
      expect(")", child);
      prev = std::move(name);
      first = false;
    }
  }
};

struct NullVisitor : NarVisitor {
  void createDirectory(const std::string &) override {}
  void createRegularFile(const std::string &, bool, uint64_t) override {}
  void contents(std::string_view) override {}
  void createSymlink(const std::string &, const std::string &) override {}
};

} // namespace

// ---------------------------------------------------------------------------
// Writing

NarWriter::NarWriter(NarSink &sink) : sink_(sink) {
  buf_.reserve(kChunkSize);
  str(kNarMagic);
  stack_.push_back({Slot::Node, {}});
}

void NarWriter::raw(std::string_view data) {
  if (buf_.size() + data.size() > kChunkSize) {
    flush();
    if (data.size() >= kChunkSize) {
      sink_.write(data);
      return;
    }
  }
  buf_.append(data);
}

void NarWriter::u64(uint64_t n) {
  char b[8];
  for (int i = 0; i < 8; ++i)
    b[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  raw({b, 8});
}

void NarWriter::pad(uint64_t len) {
  static const char zeros[8] = {};
  if (size_t r = len % 8)
    raw({zeros, 8 - r});
}

void NarWriter::str(std::string_view s) {
  u64(s.size());
  raw(s);
  pad(s.size());
}

void NarWriter::flush() {
  if (!buf_.empty()) {
    sink_.write(buf_);
    buf_.clear();
  }
}

void NarWriter::startNode(const char *what) {
  if (stack_.empty() || stack_.back().slot != Slot::Node)
    misuse(std::string(what) + " where no node may start");
}

// The node in the innermost slot is complete.
void NarWriter::nodeDone() {
  Level &l = stack_.back();
  l.slot = stack_.size() == 1 ? Slot::Done : Slot::AfterEntryNode;
}

void NarWriter::regular(bool executable, std::string_view data) {
  beginRegular(executable, data.size());
  contents(data);
  endRegular();
}

void NarWriter::beginRegular(bool executable, uint64_t size) {
  startNode("beginRegular");
  str("(");
  str("type");
  str("regular");
  if (executable) {
    str("executable");
    str("");
  }
  str("contents");
  u64(size);
  stack_.back().slot = Slot::InRegular;
  remaining_ = size_ = size;
}

void NarWriter::contents(std::string_view chunk) {
  if (stack_.back().slot != Slot::InRegular)
    misuse("contents outside a regular file");
  if (chunk.size() > remaining_)
    misuse("contents longer than the announced size");
  raw(chunk);
  remaining_ -= chunk.size();
}

void NarWriter::endRegular() {
  if (stack_.back().slot != Slot::InRegular)
    misuse("endRegular outside a regular file");
  if (remaining_ != 0)
    misuse("contents shorter than the announced size");
  pad(size_);
  str(")");
  nodeDone();
}

void NarWriter::symlink(std::string_view target) {
  startNode("symlink");
  if (target.empty() || target.size() > kNarMaxTargetLength ||
      target.find('\0') != std::string_view::npos)
    misuse("invalid symlink target");
  str("(");
  str("type");
  str("symlink");
  str("target");
  str(target);
  str(")");
  nodeDone();
}

void NarWriter::beginDirectory() {
  startNode("beginDirectory");
  str("(");
  str("type");
  str("directory");
  stack_.back().slot = Slot::InDirectory;
}

void NarWriter::beginEntry(std::string_view name) {
  Level &dir = stack_.back();
  if (dir.slot != Slot::InDirectory)
    misuse("beginEntry outside a directory");
  if (!validName(name))
    misuse("invalid entry name");
  if (dir.anyEntry && !(dir.lastName < name))
    misuse("entry names not strictly increasing");
  if (stack_.size() > kNarMaxDepth)
    misuse("directories nested too deep");
  dir.lastName = name;
  dir.anyEntry = true;
  str("entry");
  str("(");
  str("name");
  str(name);
  str("node");
  stack_.push_back({Slot::Node, {}});
}

void NarWriter::endEntry() {
  if (stack_.size() < 2 || stack_.back().slot != Slot::AfterEntryNode)
    misuse("endEntry without a complete entry node");
  stack_.pop_back();
  str(")");
}

void NarWriter::endDirectory() {
  if (stack_.back().slot != Slot::InDirectory)
    misuse("endDirectory outside a directory");
  str(")");
  nodeDone();
}

void NarWriter::finish() {
  if (stack_.size() != 1 || stack_.back().slot != Slot::Done)
    misuse("finish before the root node is complete");
  flush();
}

// ---------------------------------------------------------------------------
// Reading

size_t StringNarSource::read(char *buf, size_t len) {
  size_t n = std::min(len, data.size() - pos);
  if (n > 0)
    std::memcpy(buf, data.data() + pos, n);
  pos += n;
  return n;
}

size_t FdNarSource::read(char *buf, size_t len) {
  return util::readSome(fd, buf, len, "reading NAR");
}

void parseNar(NarSource &source, NarVisitor &visitor, bool requireEof) {
  Parser(source, visitor).run(requireEof);
}

void checkNar(NarSource &source, bool requireEof) {
  NullVisitor v;
  parseNar(source, v, requireEof);
}

} // namespace bastion::format
