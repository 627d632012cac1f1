// NAR bytes only (format/nar.h): every archive of tests/vectors/nar, which
// Nix 2.8 wrote, is parsed and written again through NarWriter and must come
// out byte for byte; its hash, size and listing must be what Nix recorded
// (NAME.json). NarWriter refuses every call that would write an archive the
// parser rejects. The file-system side (dump, restore) is store_nar_fs_test.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/hash.h"
#include "format/nar.h"
#include "nar_rewrite.h"
#include "vectors.h"

using namespace bastion::format;
using bastion::test::NarRewriter;
using nlohmann::json;

namespace {

std::string readNar(const std::string &file) { return bastion::test::readVector("nar/" + file); }

// The vectors' names without the extension: each has a .nar and a .json.
std::vector<std::string> vectorNames() {
  std::vector<std::string> names;
  for (const std::string &f : bastion::test::vectorFiles("nar", ".nar"))
    names.push_back(f.substr(0, f.size() - 4));
  return names;
}

// Builds `nix nar ls --json -R` from the parser's callbacks; the offset of
// a file's contents is where the source stands when the file is announced.
struct Lister : NarVisitor {
  const StringNarSource &src;
  json root;
  explicit Lister(const StringNarSource &s) : src(s) {}

  json &at(const std::string &path) {
    json *node = &root;
    size_t i = 1;
    while (i < path.size() + 1 && !path.empty()) {
      size_t j = path.find('/', i);
      if (j == std::string::npos)
        j = path.size();
      node = &(*node)["entries"][path.substr(i, j - i)];
      i = j + 1;
    }
    return *node;
  }
  void createDirectory(const std::string &path) override {
    at(path) = {{"type", "directory"}, {"entries", json::object()}};
  }
  void createRegularFile(const std::string &path, bool executable, uint64_t size) override {
    json &n = at(path);
    n = {{"type", "regular"}, {"size", size}, {"narOffset", src.pos}};
    if (executable)
      n["executable"] = true;
  }
  void contents(std::string_view) override {}
  void createSymlink(const std::string &path, const std::string &target) override {
    at(path) = {{"type", "symlink"}, {"target", target}};
  }
};

std::string rewrite(const std::string &data) {
  std::string out;
  StringNarSink sink(out);
  NarRewriter rw(sink);
  StringNarSource src(data);
  parseNar(src, rw);
  rw.finish();
  return out;
}

TEST(FormatNarVectors, EveryVectorRoundTripsAndHashesAsNix) {
  std::vector<std::string> names = vectorNames();
  EXPECT_EQ(names, (std::vector<std::string>{"d", "empty", "exe", "link", "small", "tree"}));
  for (const std::string &name : names) {
    SCOPED_TRACE(name);
    std::string data = readNar(name + ".nar");
    json want = json::parse(readNar(name + ".json"));
    EXPECT_EQ(rewrite(data), data);
    EXPECT_EQ(data.size(), want["narSize"].get<uint64_t>());
    EXPECT_EQ(hashString(HashAlgo::SHA256, data).to(HashFormat::Nix32, false),
              want["nix32"].get<std::string>());
    StringNarSource src(data);
    Lister ls(src);
    parseNar(src, ls);
    EXPECT_EQ(ls.root, want["ls"]);
  }
}

TEST(FormatNarVectors, EveryProperPrefixIsRejected) {
  for (const std::string &name : vectorNames()) {
    std::string data = readNar(name + ".nar");
    for (size_t n = 0; n < data.size(); ++n) {
      StringNarSource src(std::string_view(data).substr(0, n));
      EXPECT_THROW(checkNar(src), NarError) << name << " cut at " << n;
    }
  }
}

// --- NarWriter misuse ---------------------------------------------------------

// `calls` must throw std::logic_error naming `needle`.
void expectMisuse(const std::function<void(NarWriter &)> &calls, const std::string &needle) {
  std::string out;
  StringNarSink sink(out);
  NarWriter w(sink);
  try {
    calls(w);
    ADD_FAILURE() << "accepted; expected: " << needle;
  } catch (const std::logic_error &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(FormatNarWriter, RefusesBadEntryNames) {
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                          std::string("/"), std::string("a\0b", 3), std::string(256, 'n')}) {
    SCOPED_TRACE(bad);
    expectMisuse(
        [&](NarWriter &w) {
          w.beginDirectory();
          w.beginEntry(bad);
        },
        "invalid entry name");
  }
}

TEST(FormatNarWriter, RefusesOutOfOrderEntries) {
  auto twoEntries = [](std::string a, std::string b) {
    return [a, b](NarWriter &w) {
      w.beginDirectory();
      w.beginEntry(a);
      w.regular(false, "1");
      w.endEntry();
      w.beginEntry(b);
    };
  };
  expectMisuse(twoEntries("b", "a"), "not strictly increasing");
  expectMisuse(twoEntries("a", "a"), "not strictly increasing");
  expectMisuse(twoEntries("a", "B"), "not strictly increasing"); // bytewise: 'B' < 'a'
  expectMisuse(twoEntries("a.b", "a-b"), "not strictly increasing");
}

TEST(FormatNarWriter, RefusesContentsSizeMismatch) {
  expectMisuse(
      [](NarWriter &w) {
        w.beginRegular(false, 3);
        w.contents("ab");
        w.endRegular();
      },
      "contents shorter than the announced size");
  expectMisuse(
      [](NarWriter &w) {
        w.beginRegular(false, 3);
        w.contents("ab");
        w.contents("cd");
      },
      "contents longer than the announced size");
  expectMisuse([](NarWriter &w) { w.contents("x"); }, "contents outside a regular file");
}

TEST(FormatNarWriter, RefusesCallsOutOfOrder) {
  expectMisuse([](NarWriter &w) { w.finish(); }, "finish before the root node is complete");
  expectMisuse([](NarWriter &w) { w.beginEntry("a"); }, "beginEntry outside a directory");
  expectMisuse([](NarWriter &w) { w.endDirectory(); }, "endDirectory outside a directory");
  expectMisuse([](NarWriter &w) { w.endRegular(); }, "endRegular outside a regular file");
  expectMisuse(
      [](NarWriter &w) {
        w.symlink("t");
        w.symlink("u");
      },
      "where no node may start");
  expectMisuse(
      [](NarWriter &w) {
        w.beginDirectory();
        w.beginEntry("a");
        w.endEntry();
      },
      "endEntry without a complete entry node");
  expectMisuse(
      [](NarWriter &w) {
        w.beginDirectory();
        w.beginEntry("a");
        w.regular(false, "x");
        w.endDirectory();
      },
      "endDirectory outside a directory");
  expectMisuse(
      [](NarWriter &w) {
        w.beginDirectory();
        w.beginEntry("a");
        w.beginDirectory();
        w.finish();
      },
      "finish before the root node is complete");
  expectMisuse([](NarWriter &w) { w.symlink(""); }, "invalid symlink target");
}

TEST(FormatNarWriter, WritesWhatTheParserAccepts) {
  std::string out;
  StringNarSink sink(out);
  NarWriter w(sink);
  w.beginDirectory();
  for (const char *name : {"B", "a", "a-b", "a.b"}) {
    w.beginEntry(name);
    w.regular(name[0] == 'a', name);
    w.endEntry();
  }
  w.endDirectory();
  w.finish();
  EXPECT_EQ(rewrite(out), out);
}

} // namespace
