// util/file.h, util/temp.h, util/error.h, util/scope_guard.h.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "util/error.h"
#include "util/file.h"
#include "util/io.h"
#include "util/scope_guard.h"
#include "util/temp.h"

using namespace bastion::util;

namespace {
bool exists(const std::string &p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}
} // namespace

TEST(UtilFile, ReadLinkHasNoLengthLimit) {
  TempDir dir("util-file-");
  // The longest target Linux stores (PATH_MAX - 1 bytes), which filled
  // the 4096-byte buffers of two of the old copies.
  std::string target(4095, 'a');
  for (size_t i = 255; i < target.size(); i += 256)
    target[i] = '/';
  createSymlink(target, dir.path + "/l");
  EXPECT_EQ(readLink(dir.path + "/l"), target);
  createSymlink("x", dir.path + "/short");
  EXPECT_EQ(readLink(dir.path + "/short"), "x");
  // procfs links report size 0: the buffer has to grow past its first
  // guess (256 bytes) for a file whose path is longer.
  std::string deep = dir.path;
  while (deep.size() < 1000) {
    deep += "/" + std::string(100, 'd');
    ASSERT_EQ(::mkdir(deep.c_str(), 0700), 0);
  }
  std::string file = deep + "/f";
  Fd fd(::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  ASSERT_TRUE(fd);
  EXPECT_EQ(readLink("/proc/self/fd/" + std::to_string(fd.get())), file);
}

TEST(UtilFile, ReadLinkErrorCarriesErrnoAndPath) {
  TempDir dir("util-file-");
  std::string p = dir.path + "/missing";
  try {
    readLink(p);
    FAIL();
  } catch (const SysError &e) {
    EXPECT_EQ(e.errNo, ENOENT);
    EXPECT_EQ(e.path, p);
    EXPECT_EQ(std::string(e.what()),
              "reading symbolic link '" + p + "': " + std::string(strerror(ENOENT)));
  }
}

TEST(UtilFile, ReplaceSymlinkReplacesAtomically) {
  TempDir dir("util-file-");
  std::string l = dir.path + "/link";
  replaceSymlink("one", l);
  EXPECT_EQ(readLink(l), "one");
  replaceSymlink("two", l);
  EXPECT_EQ(readLink(l), "two");
  // Nothing left beside it.
  DIR *d = ::opendir(dir.path.c_str());
  ASSERT_TRUE(d);
  std::vector<std::string> names;
  while (struct dirent *e = ::readdir(d))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
      names.push_back(e->d_name);
  ::closedir(d);
  EXPECT_EQ(names, std::vector<std::string>{"link"});
}

TEST(UtilFile, CreateSymlinkRefusesAnExistingOne) {
  TempDir dir("util-file-");
  createSymlink("a", dir.path + "/l");
  EXPECT_THROW(createSymlink("b", dir.path + "/l"), SysError);
  EXPECT_EQ(readLink(dir.path + "/l"), "a");
}

TEST(UtilTemp, TempDirIsDeletedWithReadOnlyContents) {
  std::string path;
  {
    TempDir dir("util-temp-");
    path = dir.path;
    ASSERT_EQ(::mkdir((path + "/ro").c_str(), 0700), 0);
    auto [fd, file] = createTempFileIn(path + "/ro", "f-");
    writeFull(fd.get(), "x");
    EXPECT_EQ(file.rfind(path + "/ro/f-", 0), 0u);
    ::chmod((path + "/ro").c_str(), 0555);
  }
  EXPECT_FALSE(exists(path));
}

TEST(UtilTemp, TempDirNamesAreFresh) {
  TempDir a("util-temp-"), b("util-temp-");
  EXPECT_NE(a.path, b.path);
  EXPECT_EQ(a.path.rfind(tempRoot() + "/util-temp-", 0), 0u);
}

TEST(UtilTemp, DeletePathOfNothingIsFine) {
  TempDir dir("util-temp-");
  EXPECT_NO_THROW(deletePath(dir.path + "/nothing"));
}

TEST(UtilScopeGuard, RunsUnlessDismissed) {
  int runs = 0;
  {
    ScopeGuard g([&] { runs++; });
  }
  EXPECT_EQ(runs, 1);
  {
    ScopeGuard g([&] { runs++; });
    g.dismiss();
  }
  EXPECT_EQ(runs, 1);
  try {
    ScopeGuard g([&] { runs++; });
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(runs, 2);
}
