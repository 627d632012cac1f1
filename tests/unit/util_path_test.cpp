// util/path.h against what Nix 2.8's libutil returns. Before util, the
// copies disagreed on dirOf("foo") ("." in two, "/" in two): Nix's "."
// wins, pinned here.
#include <gtest/gtest.h>

#include "util/path.h"

using namespace bastion::util;

TEST(UtilPath, DirOfIsNixs) {
  EXPECT_EQ(dirOf("foo"), ".");
  EXPECT_EQ(dirOf(""), ".");
  EXPECT_EQ(dirOf("/"), "/");
  EXPECT_EQ(dirOf("/foo"), "/");
  EXPECT_EQ(dirOf("/foo/bar"), "/foo");
  EXPECT_EQ(dirOf("foo/bar"), "foo");
  EXPECT_EQ(dirOf("/foo/bar/"), "/foo/bar");
}

TEST(UtilPath, BaseNameOfIgnoresOneTrailingSlash) {
  EXPECT_EQ(baseNameOf(""), "");
  EXPECT_EQ(baseNameOf("/"), "");
  EXPECT_EQ(baseNameOf("foo"), "foo");
  EXPECT_EQ(baseNameOf("/foo/bar"), "bar");
  EXPECT_EQ(baseNameOf("/foo/bar/"), "bar");
  EXPECT_EQ(baseNameOf("foo/"), "foo");
  // Nix 2.8 drops one trailing slash only.
  EXPECT_EQ(baseNameOf("foo//"), "");
}

TEST(UtilPath, CanonPathIsLexical) {
  EXPECT_EQ(canonPath("/"), "/");
  EXPECT_EQ(canonPath("//a//b//"), "/a/b");
  EXPECT_EQ(canonPath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(canonPath("/.."), "/");
  EXPECT_EQ(canonPath("/a/../.."), "/");
  EXPECT_EQ(canonPath("/a/b/.."), "/a");
}

TEST(UtilPath, AbsPath) {
  EXPECT_EQ(absPath("x/../y", "/d"), "/d/y");
  EXPECT_EQ(absPath("/x/./y", "/d"), "/x/y");
  EXPECT_EQ(absPath("..", "/"), "/");
  EXPECT_EQ(absPath("a").front(), '/');
  EXPECT_EQ(absPath("a"), canonPath(currentDir() + "/a"));
}

TEST(UtilPath, IsInDir) {
  EXPECT_TRUE(isInDir("/nix/store/x", "/nix/store"));
  EXPECT_FALSE(isInDir("/nix/store", "/nix/store"));
  EXPECT_FALSE(isInDir("/nix/storex", "/nix/store"));
  EXPECT_FALSE(isInDir("/nix/store/", "/nix/store"));
}
