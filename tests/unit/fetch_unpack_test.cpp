// store/unpack: archives in every supported format, and hostile archives
// that try to write outside the target directory.
#include "store/unpack.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "fetch_archive_util.h"
#include "store/fs_util.h"
#include "store_test_util.h"

namespace bastion::store::testing {
namespace {

class UnpackTest : public StoreTest {
protected:
  std::string archive() const { return p("a.tar"); }
  std::string dest() const { return p("out"); }
  bool exists(const std::string &path) const { return pathExists(path); }

  // Unpacking fails with a message containing `what`, and leaves nothing.
  void expectRefused(const std::vector<ArchiveEntry> &entries, const std::string &what) {
    writeArchive(archive(), entries);
    try {
      unpackArchive(archive(), dest());
      ADD_FAILURE() << "no error; expected one mentioning " << what;
    } catch (UnpackError &e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
    EXPECT_FALSE(exists(dest()));
  }
};

TEST_F(UnpackTest, ExtractsFilesDirectoriesAndLinks) {
  writeArchive(archive(),
               {dir("pkg-1.0/"), file("pkg-1.0/a", "hello\n"),
                file("pkg-1.0/bin/run", "#!/bin/sh\n", 0755), symlink("pkg-1.0/l", "a"),
                hardlink("pkg-1.0/h", "pkg-1.0/a"), symlink("pkg-1.0/abs", "/etc/passwd")});
  unpackArchive(archive(), dest());
  std::string root = dest() + "/pkg-1.0";
  EXPECT_EQ(readAll(root + "/a"), "hello\n");
  EXPECT_EQ(readAll(root + "/h"), "hello\n");
  EXPECT_EQ(readAll(root + "/bin/run"), "#!/bin/sh\n");
  struct stat st;
  ASSERT_EQ(stat((root + "/bin/run").c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR);
  ASSERT_EQ(stat((root + "/a").c_str(), &st), 0);
  EXPECT_FALSE(st.st_mode & S_IXUSR);
  EXPECT_EQ(std::filesystem::read_symlink(root + "/l"), "a");
  // A symlink is kept whatever it points to: in the store it is inert.
  EXPECT_EQ(std::filesystem::read_symlink(root + "/abs"), "/etc/passwd");
  EXPECT_EQ(tarballRoot(dest()), root);
}

TEST_F(UnpackTest, EveryCompressionAndZip) {
  for (auto kind : {ArchiveKind::Tar, ArchiveKind::TarGz, ArchiveKind::TarXz, ArchiveKind::TarBz2,
                    ArchiveKind::TarZst, ArchiveKind::Zip}) {
    SCOPED_TRACE(int(kind));
    std::string out = p("out" + std::to_string(int(kind)));
    writeArchive(archive(), {file("d/x", "data"), file("d/y", "exec", 0755)}, kind);
    unpackArchive(archive(), out);
    EXPECT_EQ(readAll(out + "/d/x"), "data");
    struct stat st;
    ASSERT_EQ(stat((out + "/d/y").c_str(), &st), 0);
    EXPECT_TRUE(st.st_mode & S_IXUSR);
    ::unlink(archive().c_str());
  }
}

TEST_F(UnpackTest, RootIsTheTargetUnlessOneDirectory) {
  writeArchive(archive(), {file("a", "1"), file("b", "2")});
  unpackArchive(archive(), dest());
  EXPECT_EQ(tarballRoot(dest()), dest());
  deletePath(dest());
  writeArchive(archive(), {file("only", "1")});
  unpackArchive(archive(), dest());
  EXPECT_EQ(tarballRoot(dest()), dest()); // a single file is not unwrapped
}

TEST_F(UnpackTest, DotPrefixesAndTheRootEntry) {
  writeArchive(archive(), {dir("./"), file("./x/./y", "z")});
  unpackArchive(archive(), dest());
  EXPECT_EQ(readAll(dest() + "/x/y"), "z");
}

TEST_F(UnpackTest, LaterEntriesReplaceEarlierOnes) {
  writeArchive(archive(),
               {file("x", "old"), file("x", "new"), symlink("l", "x"), file("l", "file now")});
  unpackArchive(archive(), dest());
  EXPECT_EQ(readAll(dest() + "/x"), "new");
  EXPECT_EQ(readAll(dest() + "/l"), "file now");
  EXPECT_FALSE(std::filesystem::is_symlink(dest() + "/l"));
}

TEST_F(UnpackTest, RefusesAbsolutePaths) {
  expectRefused({file("/tmp/bastion-unpack-evil", "x")}, "has an absolute path");
  EXPECT_FALSE(exists("/tmp/bastion-unpack-evil"));
}

TEST_F(UnpackTest, RefusesDotDot) {
  expectRefused({file("../evil", "x")}, "has a '..' component");
  expectRefused({file("a/../../evil", "x")}, "has a '..' component");
  expectRefused({dir("ok/"), file("ok/..", "x")}, "has a '..' component");
  EXPECT_FALSE(exists(p("evil")));
}

TEST_F(UnpackTest, RefusesWritingThroughSymlinks) {
  ASSERT_EQ(::mkdir(p("outside").c_str(), 0755), 0);
  expectRefused({symlink("link", p("outside")), file("link/evil", "x")},
                "which is not a directory");
  expectRefused({symlink("up", ".."), file("up/evil", "x")}, "which is not a directory");
  expectRefused({symlink("d", p("outside")), dir("d/sub/")}, "which is not a directory");
  EXPECT_FALSE(exists(p("outside/evil")));
  EXPECT_FALSE(exists(p("outside/sub")));
  EXPECT_FALSE(exists(p("evil")));
}

TEST_F(UnpackTest, RefusesHardLinksOutOfTheTarget) {
  writeFile(p("secret"), "secret");
  expectRefused({hardlink("h", p("secret"))}, "has an absolute path");
  expectRefused({hardlink("h", "../secret")}, "has a '..' component");
  // Through a symlink that leads out: the link's directory is not followed.
  expectRefused({symlink("d", tmp), hardlink("h", "d/secret")}, "which is not a directory");
}

TEST_F(UnpackTest, RefusesDevicesAndFifos) {
  ArchiveEntry fifo{"pipe", AE_IFIFO, 0644, "", "", ""};
  expectRefused({fifo}, "device, FIFO or socket");
  ArchiveEntry dev{"null", AE_IFCHR, 0644, "", "", ""};
  expectRefused({dev}, "device, FIFO or socket");
}

TEST_F(UnpackTest, RefusesReplacingTheTarget) {
  expectRefused({file(".", "x")}, "would replace the target directory");
}

TEST_F(UnpackTest, NotAnArchive) {
  writeFile(archive(), "hello, this is not an archive\n");
  EXPECT_THROW(unpackArchive(archive(), dest()), UnpackError);
  EXPECT_FALSE(exists(dest()));
}

TEST_F(UnpackTest, XzSource) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); i += 7)
    data[i] = char('a' + i % 26);
  writeXz(p("d.xz"), data);
  XzFileSource src(p("d.xz"));
  std::string got;
  char buf[4096];
  for (size_t n; (n = src.read(buf, sizeof buf)) > 0;)
    got.append(buf, n);
  EXPECT_EQ(got, data);

  writeFile(p("plain"), "not xz");
  EXPECT_THROW(XzFileSource{p("plain")}, UnpackError);
}

} // namespace
} // namespace bastion::store::testing
