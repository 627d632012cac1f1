// builtin:buildenv's symlink tree (src/build/builtin_buildenv.h) on a store
// with a root: links name store paths, directories merge, priorities decide
// collisions, propagated packages come last, dangling links are skipped.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "build/builtin_buildenv.h"
#include "store_test_util.h"

using namespace bastion;
using namespace bastion::build;
using namespace bastion::store::testing;

namespace {

class Buildenv : public StoreTest {
protected:
  StoreView view;
  std::vector<std::string> warnings;

  void SetUp() override {
    StoreTest::SetUp();
    view.storeDir = "/nix/store";
    view.realStoreDir = p("root/nix/store");
    view.outPath = "/nix/store/00000000000000000000000000000000-env";
    view.outReal = p("build/env");
    std::filesystem::create_directories(view.realStoreDir);
    std::filesystem::create_directories(view.outReal);
  }

  // A package: files relative to its root, "content" or "->target".
  std::string pkg(const std::string &name, std::vector<std::pair<std::string, std::string>> files) {
    std::string path = "/nix/store/" + std::string(32, name[0]) + "-" + name;
    for (auto &[rel, content] : files) {
      std::string real = view.real(path + "/" + rel);
      std::filesystem::create_directories(std::filesystem::path(real).parent_path());
      if (content.rfind("->", 0) == 0)
        EXPECT_EQ(::symlink(content.substr(2).c_str(), real.c_str()), 0);
      else
        writeFile(real, content);
    }
    return path;
  }

  std::string link(const std::string &rel) {
    char buf[4096];
    ssize_t n = ::readlink((view.outReal + "/" + rel).c_str(), buf, sizeof buf);
    return n < 0 ? "" : std::string(buf, size_t(n));
  }

  unsigned long build(std::vector<EnvPackage> pkgs) {
    return buildProfile(view, pkgs, [&](const std::string &w) { warnings.push_back(w); });
  }
};

TEST_F(Buildenv, MergesDirectoriesAndLinksStorePaths) {
  std::string a = pkg("a", {{"bin/a", "x"}, {"share/doc/a", "x"}});
  std::string b = pkg("b", {{"bin/b", "x"}});
  // bin and share, then a's bin/a and b's bin/b once bin is split into a
  // real directory; share stays one link.
  EXPECT_EQ(build({{a, true, 5}, {b, true, 5}}), 4u);
  EXPECT_EQ(link("bin/a"), a + "/bin/a");
  EXPECT_EQ(link("bin/b"), b + "/bin/b");
  EXPECT_EQ(link("share"), a + "/share");
}

TEST_F(Buildenv, PrioritiesDecideCollisions) {
  std::string a = pkg("a", {{"bin/x", "a"}});
  std::string b = pkg("b", {{"bin/x", "b"}});
  build({{a, true, 6}, {b, true, 4}});
  EXPECT_EQ(link("bin/x"), b + "/bin/x");
}

TEST_F(Buildenv, EqualPrioritiesCollide) {
  std::string a = pkg("a", {{"bin/x", "a"}});
  std::string b = pkg("b", {{"bin/x", "b"}});
  try {
    build({{a, true, 5}, {b, true, 5}});
    FAIL();
  } catch (std::runtime_error &e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "packages '" + b + "/bin/x' and '" + a + "/bin/x' have the same priority 5", 0),
              0u)
        << e.what();
  }
}

TEST_F(Buildenv, PropagatedPackagesComeLastAndInactiveOnesNot) {
  std::string dep = pkg("d", {{"bin/x", "dep"}, {"bin/dep", "dep"}});
  std::string a =
      pkg("a", {{"bin/x", "a"}, {"nix-support/propagated-user-env-packages", dep + "\n"}});
  std::string off = pkg("o", {{"bin/off", "off"}});
  build({{a, true, 5}, {off, false, 5}});
  EXPECT_EQ(link("bin/x"), a + "/bin/x"); // the propagated one loses
  EXPECT_EQ(link("bin/dep"), dep + "/bin/dep");
  EXPECT_EQ(link("bin/off"), "");
  EXPECT_FALSE(std::filesystem::exists(view.outReal + "/nix-support"));
}

TEST_F(Buildenv, DanglingLinksAreSkippedAndStoreLinksFollowed) {
  std::string target = pkg("t", {{"lib/t", "x"}});
  std::string a =
      pkg("a", {{"gone", "->/nix/store/nothing-here"}, {"lib", "->" + target + "/lib"}});
  std::string b = pkg("b", {{"lib/b", "x"}});
  build({{a, true, 5}, {b, true, 5}});
  EXPECT_EQ(warnings,
            std::vector<std::string>{"skipping dangling symlink '" + view.outPath + "/gone'"});
  // a's lib is a link into another store path, resolved in the store's root.
  EXPECT_EQ(link("lib/t"), target + "/lib/t");
  EXPECT_EQ(link("lib/b"), b + "/lib/b");
}

} // namespace
