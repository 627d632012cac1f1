// The file-system side of NARs (store/nar_fs.h): dumping trees, hashing
// them, restoring archives onto disk, and leaving nothing behind when an
// archive is rejected. Expected archives are the vectors Nix 2.8 wrote
// (tests/vectors/nar, for the same trees the tests build below); the byte
// format itself is format_nar_test.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "format/hash.h"
#include "format/nar.h"
#include "format/store_path.h"
#include "store/nar_fs.h"
#include "util/error.h"
#include "vectors.h"

using namespace bastion::format;
using bastion::store::dumpPath;
using bastion::store::dumpPathToString;
using bastion::store::hashPath;
using bastion::store::PathFilter;
using bastion::store::restorePath;
namespace fs = std::filesystem;

namespace {

// What Nix 2.8's nix-store --dump wrote for the trees the tests build
// (tests/vectors/nar/generate.sh builds the same ones).
std::string readVector(const std::string &name) { return bastion::test::readVector("nar/" + name); }
const std::string kEmptyNar = readVector("empty.nar");
const std::string kSmallNar = readVector("small.nar");
const std::string kExeNar = readVector("exe.nar");
const std::string kLinkNar = readVector("link.nar");
const std::string kEmptyDirNar = readVector("d.nar");
const std::string kTreeNar = readVector("tree.nar");
// The tree built by makeTree(): 1424 bytes.
const char kTreeNarSha256[] = "7ad0d7595e6b9efb9188b7ebabddd343f5fe88cc3a4d69cc84fc28dad8300b95";
const char kTreeNix32[] = "158b63cdla7whk66jk9srj4gxxa3sgfspsxpi28zp7kbbrcxgl3s";
constexpr uint64_t kTreeNarSize = 1424;
// makeTree() less a/sub and a.b (`nix-hash --type sha256` of a copy with
// them deleted), and the path Nix 2.8 gave `builtins.path { path = <tree>;
// name = "tree"; filter = p: t: !(baseNameOf p == "sub" || baseNameOf p == "a.b"); }`.
const char kFilteredTreeSha256[] =
    "fa48bd2ef140a03692d50c2704c0e42ba025ffa4567cb01e4087a231531503ce";
constexpr uint64_t kFilteredTreeNarSize = 872;
const char kFilteredTreeStorePath[] = "/nix/store/vwzbf33kpk4z0piqgg6dpkk8hvyv516a-tree";
// 200003 bytes, byte i = (i * 7) % 251: 200120-byte NAR.
const char kBigNix32[] = "19mjg5s6ln3wa0aa3xc4a17rx5q89xhi9sva9a1c7r0jnnaswa8n";
constexpr uint64_t kBigNarSize = 200120;

std::string sha256Hex(std::string_view data) {
  return hashString(HashAlgo::SHA256, data).to(HashFormat::Base16, false);
}

// --- hand-built archives ----------------------------------------------------

std::string u64(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i)
    s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

std::string str(std::string_view s) {
  std::string out = u64(s.size());
  out += s;
  out.append((8 - s.size() % 8) % 8, '\0');
  return out;
}

std::string strs(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts)
    out += str(p);
  return out;
}

std::string reg(std::string_view contents, bool exec = false) {
  std::string out = strs({"(", "type", "regular"});
  if (exec)
    out += strs({"executable", ""});
  return out + strs({"contents", contents, ")"});
}

std::string sym(std::string_view target) {
  return strs({"(", "type", "symlink", "target", target, ")"});
}

std::string dir(const std::vector<std::pair<std::string, std::string>> &entries) {
  std::string out = strs({"(", "type", "directory"});
  for (const auto &[name, node] : entries)
    out += strs({"entry", "(", "name", name, "node"}) + node + str(")");
  return out + str(")");
}

std::string nar(const std::string &node) { return str("nix-archive-1") + node; }

// --- file system helpers ----------------------------------------------------

void writeFile(const std::string &path, std::string_view data, mode_t mode = 0644) {
  {
    std::ofstream f(path, std::ios::binary);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    ASSERT_TRUE(f.good()) << path;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

std::string bigContents() {
  std::string s(200003, '\0');
  for (size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<char>((i * 7) % 251);
  return s;
}

// The tree Nix dumped: names needing bytewise order, an executable (mode
// 0700) in a subdirectory, a nested directory, a symlink.
void makeTree(const std::string &root) {
  ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/a").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/a/sub").c_str(), 0755), 0);
  writeFile(root + "/B", "B");
  writeFile(root + "/a/f", "a", 0700);
  writeFile(root + "/a-b", "ab");
  ASSERT_EQ(::symlink("a", (root + "/a.b").c_str()), 0);
  writeFile(root + "/a/sub/deep", "x");
}

struct CountingSink : NarSink {
  std::string data;
  size_t writes = 0, maxWrite = 0;
  void write(std::string_view d) override {
    data.append(d);
    ++writes;
    maxWrite = std::max(maxWrite, d.size());
  }
};

// Hands out at most one byte per read().
struct TrickleSource : NarSource {
  std::string_view data;
  size_t pos = 0;
  explicit TrickleSource(std::string_view d) : data(d) {}
  size_t read(char *buf, size_t len) override {
    if (pos == data.size() || len == 0)
      return 0;
    *buf = data[pos++];
    return 1;
  }
};

class StoreNarFs : public ::testing::Test {
protected:
  std::string tmp;

  void SetUp() override {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/bastion-nar-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    tmp = tmpl;
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }

  std::string p(const std::string &name) const { return tmp + "/" + name; }

  std::vector<std::string> listTmp() const {
    std::vector<std::string> names;
    for (const auto &e : fs::directory_iterator(tmp))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  void restoreString(const std::string &dest, const std::string &data) {
    StringNarSource src(data);
    restorePath(dest, src);
  }

  // Restoring `data` must fail with NarError mentioning `needle`, and leave
  // the scratch directory exactly as it was.
  void expectRejected(const std::string &data, const std::string &needle) {
    SCOPED_TRACE("expecting rejection mentioning: " + needle);
    auto before = listTmp();
    std::string dest = p("out");
    try {
      restoreString(dest, data);
      ADD_FAILURE() << "archive was accepted";
    } catch (const NarError &e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    struct stat st;
    EXPECT_NE(::lstat(dest.c_str(), &st), 0) << "dest left behind";
    EXPECT_EQ(listTmp(), before) << "temporary files left behind";
    StringNarSource src(data);
    EXPECT_THROW(checkNar(src), NarError);
  }
};

// --- dumping ----------------------------------------------------------------

TEST_F(StoreNarFs, DumpEmptyFile) {
  writeFile(p("empty"), "");
  EXPECT_EQ(dumpPathToString(p("empty")), kEmptyNar);
}

TEST_F(StoreNarFs, DumpSmallFile) {
  writeFile(p("small"), "hello\n");
  EXPECT_EQ(dumpPathToString(p("small")), kSmallNar);
}

TEST_F(StoreNarFs, DumpExecutable) {
  writeFile(p("exe"), "#!/bin/sh\necho hi\n", 0755);
  EXPECT_EQ(dumpPathToString(p("exe")), kExeNar);
}

TEST_F(StoreNarFs, ExecutableMeansOwnerExecuteBit) {
  // Group/other execute bits alone do not count (Nix checks S_IXUSR).
  writeFile(p("gx"), "hello\n", 0654);
  EXPECT_EQ(dumpPathToString(p("gx")), kSmallNar);
  writeFile(p("ux"), "#!/bin/sh\necho hi\n", 0500);
  EXPECT_EQ(dumpPathToString(p("ux")), kExeNar);
}

TEST_F(StoreNarFs, DumpSymlink) {
  ASSERT_EQ(::symlink("../some/target", p("link").c_str()), 0);
  EXPECT_EQ(dumpPathToString(p("link")), kLinkNar);
}

TEST_F(StoreNarFs, DumpEmptyDirectory) {
  ASSERT_EQ(::mkdir(p("d").c_str(), 0755), 0);
  EXPECT_EQ(dumpPathToString(p("d")), kEmptyDirNar);
}

TEST_F(StoreNarFs, DumpTreeSortsBytewise) {
  makeTree(p("tree"));
  std::string data = dumpPathToString(p("tree"));
  EXPECT_EQ(data.size(), kTreeNarSize);
  EXPECT_EQ(sha256Hex(data), kTreeNarSha256);
  EXPECT_EQ(data, kTreeNar);
  // A trailing slash names the same directory.
  EXPECT_EQ(dumpPathToString(p("tree") + "/"), data);
}

TEST_F(StoreNarFs, HashPathMatchesNixHash) {
  makeTree(p("tree"));
  uint64_t size = 0;
  Hash h = hashPath(HashAlgo::SHA256, p("tree"), &size);
  EXPECT_EQ(h.to(HashFormat::Nix32, false), kTreeNix32);
  EXPECT_EQ(h.to(HashFormat::Base16, false), kTreeNarSha256);
  EXPECT_EQ(size, kTreeNarSize);
}

TEST_F(StoreNarFs, FilterLeavesOutEntriesAndSubtrees) {
  makeTree(p("tree"));
  std::vector<std::string> seen;
  PathFilter filter = [&](const std::string &path) {
    seen.push_back(path);
    std::string base = path.substr(path.rfind('/') + 1);
    return base != "sub" && base != "a.b";
  };
  uint64_t size = 0;
  Hash h = hashPath(HashAlgo::SHA256, p("tree"), &size, filter);
  EXPECT_EQ(h.to(HashFormat::Base16, false), kFilteredTreeSha256);
  EXPECT_EQ(size, kFilteredTreeNarSize);
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Recursive, h, "tree")),
            kFilteredTreeStorePath);
  // Absolute paths of entries only; nothing below a rejected directory.
  std::vector<std::string> want = {p("tree/B"),     p("tree/a"),   p("tree/a/f"),
                                   p("tree/a/sub"), p("tree/a-b"), p("tree/a.b")};
  std::sort(seen.begin(), seen.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(seen, want);

  // The same bytes as the archive of the tree with those entries deleted.
  std::string filtered = dumpPathToString(p("tree"), filter);
  fs::remove_all(p("tree/a/sub"));
  fs::remove(p("tree/a.b"));
  EXPECT_EQ(filtered, dumpPathToString(p("tree")));
  // The root itself is never filtered.
  EXPECT_EQ(dumpPathToString(p("tree"), [](const std::string &) { return false; }), kEmptyDirNar);
}

TEST_F(StoreNarFs, LargeFileIsStreamedInChunks) {
  writeFile(p("big"), bigContents());
  uint64_t size = 0;
  EXPECT_EQ(hashPath(HashAlgo::SHA256, p("big"), &size).to(HashFormat::Nix32, false), kBigNix32);
  EXPECT_EQ(size, kBigNarSize);
  CountingSink sink;
  dumpPath(p("big"), sink);
  EXPECT_EQ(sink.data.size(), kBigNarSize);
  EXPECT_GT(sink.writes, 2u);
  EXPECT_LE(sink.maxWrite, 64u * 1024);
}

TEST_F(StoreNarFs, DumpMissingPathNamesIt) {
  try {
    dumpPathToString(p("missing"));
    FAIL() << "no error";
  } catch (const bastion::util::SysError &e) {
    EXPECT_EQ(e.errNo, ENOENT);
    EXPECT_NE(std::string(e.what()).find("getting status of '" + p("missing") + "'"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StoreNarFs, DumpRejectsUnsupportedTypes) {
  ASSERT_EQ(::mkdir(p("d").c_str(), 0755), 0);
  ASSERT_EQ(::mkfifo(p("d/fifo").c_str(), 0644), 0);
  try {
    dumpPathToString(p("d"));
    FAIL() << "no error";
  } catch (const NarError &e) {
    EXPECT_EQ(std::string(e.what()), "file '" + p("d/fifo") + "' has an unsupported type");
  }
}

// --- restoring --------------------------------------------------------------

TEST_F(StoreNarFs, RestoreVectorsRoundTrip) {
  int i = 0;
  for (const std::string *vec : {&kEmptyNar, &kSmallNar, &kExeNar, &kLinkNar, &kEmptyDirNar}) {
    const std::string &data = *vec;
    std::string dest = p("r" + std::to_string(i++));
    restoreString(dest, data);
    EXPECT_EQ(dumpPathToString(dest), data) << i;
  }
  struct stat st;
  ASSERT_EQ(::lstat(p("r2").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_TRUE(st.st_mode & S_IXUSR);
  ASSERT_EQ(::lstat(p("r1").c_str(), &st), 0);
  EXPECT_FALSE(st.st_mode & S_IXUSR);
  ASSERT_EQ(::lstat(p("r3").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(fs::read_symlink(p("r3")).string(), "../some/target");
  ASSERT_EQ(::lstat(p("r4").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  // Only the restored objects remain: no temporary directories.
  EXPECT_EQ(listTmp(), (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4"}));
}

TEST_F(StoreNarFs, TreeRoundTrip) {
  makeTree(p("tree"));
  writeFile(p("tree/a/sub/big"), bigContents(), 0755);
  std::string data = dumpPathToString(p("tree"));
  restoreString(p("copy"), data);
  EXPECT_EQ(dumpPathToString(p("copy")), data);
  EXPECT_EQ(fs::read_symlink(p("copy/a.b")).string(), "a");

  // Also through a source that yields one byte per read, and a file
  // descriptor source.
  TrickleSource trickle(data);
  restorePath(p("copy2"), trickle);
  EXPECT_EQ(dumpPathToString(p("copy2")), data);

  writeFile(p("tree.nar"), data);
  int fd = ::open(p("tree.nar").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  FdNarSource fdsrc(fd);
  restorePath(p("copy3") + "/", fdsrc);
  ::close(fd);
  EXPECT_EQ(dumpPathToString(p("copy3")), data);
}

TEST_F(StoreNarFs, RestoreRefusesExistingDestination) {
  ASSERT_EQ(::mkdir(p("out").c_str(), 0755), 0);
  std::string data = kEmptyDirNar;
  try {
    restoreString(p("out"), data);
    FAIL() << "no error";
  } catch (const bastion::util::SysError &e) {
    EXPECT_EQ(e.errNo, EEXIST);
  }
  EXPECT_EQ(listTmp(), std::vector<std::string>{"out"});
}

TEST_F(StoreNarFs, ParseWithoutEofCheckStopsAfterRoot) {
  std::string data = kSmallNar + "more";
  StringNarSource src(data);
  checkNar(src, false);
  EXPECT_EQ(src.pos, data.size() - 4);
}

// --- rejection ----------------------------------------------------------------

TEST_F(StoreNarFs, RejectsBadMagic) {
  expectRejected(str("nix-archive-2") + reg("x"), "bad magic");
  expectRejected(str("nix-archive") + reg("x"), "bad magic");
  expectRejected(u64(~0ull) + reg("x"), "bad magic");
  expectRejected("", "truncated");
}

TEST_F(StoreNarFs, RejectsUnknownTags) {
  expectRejected(nar(strs({"(", "type", "fifo", ")"})), "unknown node type 'fifo'");
  expectRejected(nar(strs({"(", "kind", "regular", "contents", "", ")"})), "expected 'type'");
  expectRejected(nar(strs({"[", "type", "regular", "contents", "", ")"})), "expected '('");
  expectRejected(nar(strs({"(", "type", "regular", "content", "", ")"})), "'content'");
  expectRejected(nar(strs({"(", "type", "regular", "executable", "x", "contents", "", ")"})),
                 "'executable' must be followed by an empty string");
  expectRejected(nar(strs({"(", "type", "regular", "contents", "", "executable", "", ")"})),
                 "expected ')'");
  expectRejected(nar(strs({"(", "type", "symlink", "target", "t", "target", "u", ")"})),
                 "expected ')'");
  expectRejected(nar(strs({"(", "type", "directory", "entri", ")"})), "expected 'entry' or ')'");
  expectRejected(nar(strs({"(", "type", "directory", "entry", "(", "nam", "a"})),
                 "expected 'name'");
  // A tag-sized read is never attempted for a huge length.
  expectRejected(nar(str("(") + u64(1ull << 62)), "string of 4611686018427387904 bytes");
}

TEST_F(StoreNarFs, RejectsBadNames) {
  expectRejected(nar(dir({{"", reg("x")}})), "empty entry name");
  expectRejected(nar(dir({{".", reg("x")}})), "entry name '.' is not allowed");
  expectRejected(nar(dir({{"..", reg("x")}})), "entry name '..' is not allowed");
  expectRejected(nar(dir({{"a/b", reg("x")}})), "contains '/'");
  expectRejected(nar(dir({{"/", reg("x")}})), "contains '/'");
  expectRejected(nar(dir({{std::string("a\0b", 3), reg("x")}})), "contains a NUL byte");
  expectRejected(nar(dir({{std::string(256, 'n'), reg("x")}})), "entry name of 256 bytes exceeds");
  // Nested: the message names where.
  expectRejected(nar(dir({{"d", dir({{"..", reg("x")}})}})), "(at '/d')");
}

TEST_F(StoreNarFs, AcceptsLongestName) {
  std::string name(kNarMaxNameLength, 'n');
  std::string data = nar(dir({{name, reg("x")}}));
  restoreString(p("out"), data);
  EXPECT_EQ(dumpPathToString(p("out")), data);
}

TEST_F(StoreNarFs, RejectsDuplicateAndUnsortedNames) {
  expectRejected(nar(dir({{"a", reg("1")}, {"a", reg("2")}})), "duplicate entry name 'a'");
  expectRejected(nar(dir({{"a", reg("1")}, {"a", dir({})}})), "duplicate entry name 'a'");
  expectRejected(nar(dir({{"b", reg("1")}, {"a", reg("2")}})), "'a' is not sorted after 'b'");
  // Bytewise: 'B' (0x42) sorts before 'a' (0x61); '-' before '.'.
  expectRejected(nar(dir({{"a", reg("1")}, {"B", reg("2")}})), "not sorted");
  expectRejected(nar(dir({{"a.b", reg("1")}, {"a-b", reg("2")}})), "not sorted");
  expectRejected(nar(dir({{"\xff", reg("1")}, {"z", reg("2")}})), "not sorted");
  std::string ok = nar(dir({{"B", reg("1")},
                            {"a", reg("2")},
                            {"a-b", reg("3")},
                            {"a.b", reg("4")},
                            {"\xff", reg("5")}}));
  restoreString(p("ok"), ok);
  EXPECT_EQ(dumpPathToString(p("ok")), ok);
}

TEST_F(StoreNarFs, RejectsBadSymlinkTargets) {
  expectRejected(nar(sym("")), "empty symlink target");
  expectRejected(nar(sym(std::string("a\0b", 3))), "symlink target contains a NUL byte");
  expectRejected(nar(sym(std::string(kNarMaxTargetLength + 1, 'x'))),
                 "symlink target of 4096 bytes exceeds");
  expectRejected(nar(strs({"(", "type", "symlink", "target"}) + u64(~0ull)), "exceeds the limit");
}

TEST_F(StoreNarFs, RejectsTruncatedInputAtEveryLength) {
  // Cut the tree archive everywhere: each prefix fails, and whatever was
  // created before the cut (directories, partial files) is removed.
  makeTree(p("tree"));
  std::string full = dumpPathToString(p("tree"));
  for (size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE("prefix length " + std::to_string(n));
    expectRejected(full.substr(0, n), "");
  }
}

TEST_F(StoreNarFs, RejectsAbsurdContentLength) {
  // Contents are bounded only by the input: a huge length is simply
  // truncated input, and the partial file is removed.
  expectRejected(nar(strs({"(", "type", "regular", "contents"}) + u64(1ull << 62) + "abc"),
                 "truncated");
  expectRejected(
      nar(dir({{"a", reg("x")}, {"b", strs({"(", "type", "regular", "contents"}) + u64(~0ull)}})),
      "truncated");
}

TEST_F(StoreNarFs, RejectsTrailingGarbage) {
  expectRejected(kSmallNar + "x", "trailing data");
  expectRejected(kEmptyDirNar + std::string(8, '\0'), "trailing data");
  expectRejected(kSmallNar + kSmallNar, "trailing data");
}

TEST_F(StoreNarFs, RejectsNonZeroPadding) {
  std::string data = kSmallNar;
  // "hello\n" occupies 6 bytes followed by 2 bytes of padding.
  size_t at = data.find("hello\n") + 6;
  data[at + 1] = 1;
  expectRejected(data, "non-zero padding");
  std::string tag = kSmallNar;
  tag[tag.find("regular") + 7] = 'x'; // padding of the "regular" tag
  expectRejected(tag, "non-zero padding");
}

TEST_F(StoreNarFs, RejectsExcessiveNesting) {
  std::string node = dir({});
  for (size_t i = 0; i < kNarMaxDepth; ++i)
    node = dir({{"d", node}});
  // kNarMaxDepth levels below the root are fine...
  {
    std::string data = nar(node);
    StringNarSource src(data);
    EXPECT_NO_THROW(checkNar(src));
  }
  // ...one more is not, and the partly restored tree is removed.
  expectRejected(nar(dir({{"d", node}})), "nested deeper than");
}

} // namespace
