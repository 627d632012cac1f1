// libFuzzer target: arbitrary bytes through the NAR parser (parseNar),
// entirely in memory (no file system).
//
// NarError is the expected outcome for most inputs. Because the parser only
// accepts canonical archives, every accepted input must re-serialise, from
// the visitor's callbacks alone, to exactly the input bytes; a difference
// aborts; so does NarWriter refusing, or writing anything else, when fed
// the same callbacks (tests/unit/nar_rewrite.h). Crashes, sanitizer reports, hangs and unbounded
// memory growth (file contents are streamed, so memory must stay bounded by the input) are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "format/nar.h"
#include "nar_rewrite.h" // tests/unit

using namespace bastion::format;

namespace {

void putU64(std::string &out, uint64_t n) {
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((n >> (8 * i)) & 0xff);
}

void putPad(std::string &out, uint64_t len) { out.append((8 - len % 8) % 8, '\0'); }

void putStr(std::string &out, std::string_view s) {
  putU64(out, s.size());
  out += s;
  putPad(out, s.size());
}

// Rebuilds the canonical archive from the callbacks. Directory ends are not
// reported, so they are inferred from the next path (or the end).
struct Reserialiser : NarVisitor {
  std::string out;
  std::vector<std::string> openDirs;
  uint64_t fileSize = 0, fileSeen = 0;

  static std::string parentOf(const std::string &path) { return path.substr(0, path.rfind('/')); }

  void closeTop() {
    putStr(out, ")"); // the directory node
    if (!openDirs.back().empty())
      putStr(out, ")"); // its entry
    openDirs.pop_back();
  }

  void begin(const std::string &path) {
    if (path.empty()) {
      if (!out.empty() || !openDirs.empty())
        std::abort();
      putStr(out, kNarMagic);
    } else {
      std::string parent = parentOf(path);
      while (!openDirs.empty() && openDirs.back() != parent)
        closeTop();
      if (openDirs.empty())
        std::abort(); // entry outside any directory
      for (const char *t : {"entry", "(", "name"})
        putStr(out, t);
      putStr(out, std::string_view(path).substr(parent.size() + 1));
      putStr(out, "node");
    }
    putStr(out, "(");
    putStr(out, "type");
  }

  void end(const std::string &path) {
    putStr(out, ")"); // the node
    if (!path.empty())
      putStr(out, ")"); // its entry
  }

  void createDirectory(const std::string &path) override {
    begin(path);
    putStr(out, "directory");
    openDirs.push_back(path);
  }

  std::string filePath;
  void createRegularFile(const std::string &path, bool executable, uint64_t size) override {
    begin(path);
    putStr(out, "regular");
    if (executable) {
      putStr(out, "executable");
      putStr(out, "");
    }
    putStr(out, "contents");
    putU64(out, size);
    fileSize = size;
    fileSeen = 0;
    filePath = path;
  }

  void contents(std::string_view chunk) override {
    fileSeen += chunk.size();
    if (fileSeen > fileSize)
      std::abort();
    out += chunk;
  }

  void closeRegularFile() override {
    if (fileSeen != fileSize)
      std::abort();
    putPad(out, fileSize);
    end(filePath);
  }

  void createSymlink(const std::string &path, const std::string &target) override {
    begin(path);
    putStr(out, "symlink");
    putStr(out, "target");
    putStr(out, target);
    end(path);
  }

  void finish() {
    while (!openDirs.empty())
      closeTop();
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  Reserialiser v;
  StringNarSource src(input);
  try {
    parseNar(src, v, true);
  } catch (const NarError &) {
    return 0;
  }
  v.finish();
  if (v.out != input)
    std::abort(); // accepted a non-canonical archive
  // NarWriter, fed the same callbacks, writes the same bytes again (it
  // refuses with std::logic_error what it would not write).
  std::string again;
  StringNarSink sink(again);
  bastion::test::NarRewriter rw(sink);
  StringNarSource src2(input);
  try {
    parseNar(src2, rw, true);
    rw.finish();
  } catch (const std::logic_error &) {
    std::abort();
  }
  if (again != input)
    std::abort();
  return 0;
}
