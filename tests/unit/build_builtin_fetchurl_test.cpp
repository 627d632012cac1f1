// build/builtin_builders: builtin:fetchurl driven directly (file:// URLs,
// so no network), and the download wrapper's errors.
#include "build/builtin_builders.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>

#include "fetch_archive_util.h"
#include "format/nar.h"
#include "format/store_path.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store_test_util.h"

namespace bastion::store::testing {
namespace {

using format::Derivation;

class BuiltinFetchurlTest : public StoreTest {
protected:
  std::string built() const { return p("built/nix/store"); }

  void SetUp() override {
    StoreTest::SetUp();
    createDirs(built());
  }

  // A fixed-output derivation for `url` whose output is named `name`.
  Derivation drv(const std::string &url, const std::string &name = "f") {
    format::StorePath out =
        format::makeFixedOutputPath(format::FileIngestionMethod::Flat,
                                    format::hashString(format::HashAlgo::SHA256, name), name);
    Derivation d;
    d.builder = "builtin:fetchurl";
    d.platform = "builtin";
    d.env = {{"out", format::printStorePath(out)},
             {"url", url},
             {"outputHashMode", "flat"},
             {"outputHashAlgo", "sha256"},
             {"name", name}};
    outPath_ = built() + "/" + out.baseName();
    return d;
  }

  // Runs the builder; returns its wait status and leaves the log's tail in `tail`.
  int run(const Derivation &d) {
    build::Progress progress(true);
    build::BuildLog log(p("log"), progress, "/nix/store/00000000000000000000000000000000-f.drv");
    int status = build::runBuiltinBuilder(d, built(), "/nix/store", "/nix/store", log);
    tail = log.tail();
    return status;
  }

  std::string outPath_;
  std::vector<std::string> tail;
};

TEST_F(BuiltinFetchurlTest, DownloadsAFile) {
  writeFile(p("src"), "contents\n");
  Derivation d = drv("file://" + p("src"));
  ASSERT_EQ(run(d), 0);
  EXPECT_EQ(readAll(outPath_), "contents\n");
  struct stat st;
  ASSERT_EQ(stat(outPath_.c_str(), &st), 0);
  EXPECT_FALSE(st.st_mode & S_IXUSR);
}

TEST_F(BuiltinFetchurlTest, Executable) {
  writeFile(p("src"), "#!/bin/sh\n");
  Derivation d = drv("file://" + p("src"));
  d.env["executable"] = "1";
  d.env["outputHashMode"] = "recursive";
  ASSERT_EQ(run(d), 0);
  struct stat st;
  ASSERT_EQ(stat(outPath_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(BuiltinFetchurlTest, UnpacksANar) {
  makeSrcTree(p("tree"));
  std::string nar = format::dumpPathToString(p("tree"));
  writeFile(p("tree.nar"), nar);
  Derivation d = drv("file://" + p("tree.nar"));
  d.env["unpack"] = "1";
  ASSERT_EQ(run(d), 0);
  EXPECT_EQ(format::dumpPathToString(outPath_), nar);
}

TEST_F(BuiltinFetchurlTest, UnpacksAnXzNar) {
  makeSrcTree(p("tree"));
  std::string nar = format::dumpPathToString(p("tree"));
  writeXz(p("tree.nar.xz"), nar);
  Derivation d = drv("file://" + p("tree.nar.xz"));
  d.env["unpack"] = "1";
  ASSERT_EQ(run(d), 0);
  EXPECT_EQ(format::dumpPathToString(outPath_), nar);
}

TEST_F(BuiltinFetchurlTest, BadNarFails) {
  writeFile(p("bad.nar"), "not a nar");
  Derivation d = drv("file://" + p("bad.nar"));
  d.env["unpack"] = "1";
  EXPECT_NE(run(d), 0);
  EXPECT_FALSE(pathExists(outPath_));
}

TEST_F(BuiltinFetchurlTest, MissingFile) {
  Derivation d = drv("file://" + p("nope"));
  int status = run(d);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "> error: unable to download 'file://" + p("nope") +
                             "': Couldn't read a file:// file (37)");
  EXPECT_FALSE(pathExists(outPath_));
}

TEST_F(BuiltinFetchurlTest, MissingAttribute) {
  Derivation d = drv("file:///x");
  d.env.erase("url");
  EXPECT_NE(run(d), 0);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "> error: attribute 'url' missing");
}

TEST_F(BuiltinFetchurlTest, UnsupportedBuiltin) {
  Derivation d = drv("file:///x");
  d.builder = "builtin:frobnicate";
  EXPECT_NE(run(d), 0);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "> error: unsupported builtin builder 'frobnicate'");
}

TEST_F(BuiltinFetchurlTest, OutputOutsideTheStoreIsRefused) {
  writeFile(p("src"), "x");
  Derivation d = drv("file://" + p("src"));
  d.env["out"] = "/nix/store/../../etc/evil";
  EXPECT_NE(run(d), 0);
}

TEST_F(StoreTest, DownloadStreamsToASink) {
  std::string data(300000, 'q');
  writeFile(p("big"), data);
  std::string got;
  download("file://" + p("big"), [&](std::string_view c) { got.append(c); });
  EXPECT_EQ(got, data);
  // A sink that throws stops the transfer with its own error.
  EXPECT_THROW(
      download("file://" + p("big"), [](std::string_view) { throw std::runtime_error("enough"); }),
      std::runtime_error);
}

TEST_F(StoreTest, DownloadToFileRemovesPartialFileOnError) {
  EXPECT_THROW(downloadToFile("file://" + p("missing"), p("dst")), DownloadError);
  EXPECT_FALSE(pathExists(p("dst")));
  EXPECT_THROW(downloadToFile("gopher://127.0.0.1/x", p("dst")), DownloadError);
}

} // namespace
} // namespace bastion::store::testing
