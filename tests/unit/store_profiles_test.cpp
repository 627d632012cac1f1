// Profile generations (src/store/profiles.h) on a scratch store: numbering,
// links and GC roots as Nix 2.8 lays them out, switching, and each way of
// deleting generations, never the current one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include "store/profiles.h"
#include "store/store.h"
#include "store_test_util.h"

using namespace bastion;
using namespace bastion::store;
using namespace bastion::store::testing;

namespace {

std::string linkText(const std::string &path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

void setLinkAge(const std::string &path, time_t age) {
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = std::time(nullptr) - age;
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << path;
}

std::vector<GenerationNumber> numbers(const std::string &profile) {
  std::vector<GenerationNumber> out;
  for (auto &g : findGenerations(profile).list)
    out.push_back(g.number);
  return out;
}

class StoreProfiles : public StoreTest {
protected:
  std::unique_ptr<LocalStore> store;
  std::string profile;
  std::vector<StorePath> paths;
  std::vector<std::string> log;
  ProfileLog logger = [this](const std::string &l) { log.push_back(l); };

  void SetUp() override {
    StoreTest::SetUp();
    store = LocalStore::open(p("root"), false);
    profile = p("prof");
    for (int i = 0; i < 5; i++)
      paths.push_back(
          store->addTextToStore("env" + std::to_string(i), "x" + std::to_string(i), {}));
  }

  // Generations 1..n, each pointing at paths[i-1], the profile at `current`.
  void makeGenerations(int n, GenerationNumber current) {
    for (int i = 0; i < n; i++)
      createGeneration(*store, profile, paths[i]);
    switchLink(profile, generationPath(profile, current));
  }
};

TEST_F(StoreProfiles, CreateGenerationNumbersLinksAndRoots) {
  std::string g1 = createGeneration(*store, profile, paths[0]);
  EXPECT_EQ(g1, profile + "-1-link");
  EXPECT_EQ(linkText(g1), store->printStorePath(paths[0]));
  // The same target again is not a new generation.
  EXPECT_EQ(createGeneration(*store, profile, paths[0]), g1);
  std::string g2 = createGeneration(*store, profile, paths[1]);
  EXPECT_EQ(g2, profile + "-2-link");
  // An indirect root for each generation link, as addPermRoot makes.
  int roots = 0;
  for (auto &e : std::filesystem::directory_iterator(p("root") + "/nix/var/nix/gcroots/auto")) {
    std::string t = linkText(e.path().string());
    EXPECT_TRUE(t == g1 || t == g2) << t;
    roots++;
  }
  EXPECT_EQ(roots, 2);
  // Nothing switched yet.
  EXPECT_FALSE(findGenerations(profile).current);
  switchLink(profile, g2);
  EXPECT_EQ(linkText(profile), "prof-2-link"); // relative: same directory
  EXPECT_EQ(findGenerations(profile).current, 2u);
}

TEST_F(StoreProfiles, NumbersContinueAfterTheHighest) {
  makeGenerations(3, 3);
  ASSERT_EQ(::unlink((profile + "-2-link").c_str()), 0);
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{1, 3}));
  EXPECT_EQ(createGeneration(*store, profile, paths[4]), profile + "-4-link");
  // Other names in the directory are not generations.
  writeFile(p("prof-x-link"), "");
  writeFile(p("profile-1-link"), "");
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{1, 3, 4}));
}

TEST_F(StoreProfiles, RollbackAndSwitch) {
  makeGenerations(4, 4);
  ASSERT_EQ(::unlink((profile + "-3-link").c_str()), 0);
  EXPECT_EQ(switchGeneration(profile, std::nullopt, false, logger), 2u);
  EXPECT_EQ(log.back(), "switching profile from version 4 to 2");
  EXPECT_EQ(linkText(profile), "prof-2-link");
  EXPECT_EQ(switchGeneration(profile, 4, true, logger), 4u); // dry run
  EXPECT_EQ(linkText(profile), "prof-2-link");
  switchGeneration(profile, 1, false, logger);
  try {
    switchGeneration(profile, std::nullopt, false, logger);
    FAIL();
  } catch (StoreError &e) {
    EXPECT_STREQ(e.what(), "no profile version older than the current (1) exists");
  }
  try {
    switchGeneration(profile, 3, false, logger);
    FAIL();
  } catch (StoreError &e) {
    EXPECT_STREQ(e.what(), "profile version 3 does not exist");
  }
}

TEST_F(StoreProfiles, DeleteListedNeverCurrent) {
  makeGenerations(5, 3);
  EXPECT_THROW(deleteGenerations(profile, {2, 3}, false, logger), StoreError);
  EXPECT_EQ(numbers(profile).size(), 5u);
  auto removed = deleteGenerations(profile, {2, 4, 9}, false, logger);
  EXPECT_EQ(removed, (std::vector<GenerationNumber>{2, 4}));
  EXPECT_EQ(log,
            (std::vector<std::string>{"removing profile version 2", "removing profile version 4"}));
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{1, 3, 5}));
}

TEST_F(StoreProfiles, DeleteOld) {
  makeGenerations(4, 2);
  auto dry = deleteOldGenerations(profile, true, logger);
  EXPECT_EQ(dry, (std::vector<GenerationNumber>{1, 3, 4}));
  EXPECT_EQ(log.front(), "would remove profile version 1");
  EXPECT_EQ(numbers(profile).size(), 4u);
  deleteOldGenerations(profile, false, logger);
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{2}));
  EXPECT_EQ(linkText(profile), "prof-2-link");
}

TEST_F(StoreProfiles, KeepLastN) {
  // As Nix 2.8: with 5 generations, current 3, "+2" keeps 2..5.
  makeGenerations(5, 3);
  EXPECT_EQ(deleteGenerationsGreaterThan(profile, 2, false, logger),
            (std::vector<GenerationNumber>{1}));
  EXPECT_EQ(deleteGenerationsGreaterThan(profile, 1, false, logger),
            (std::vector<GenerationNumber>{2}));
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{3, 4, 5}));
  EXPECT_THROW(deleteGenerationsGreaterThan(profile, 0, false, logger), StoreError);
}

TEST_F(StoreProfiles, OlderThanKeepsTheOneActiveAtTheCutoff) {
  makeGenerations(5, 3);
  setLinkAge(profile + "-1-link", 10 * 86400);
  setLinkAge(profile + "-2-link", 10 * 86400);
  setLinkAge(profile + "-3-link", 5 * 86400);
  setLinkAge(profile + "-4-link", 5 * 86400);
  auto cutoff = olderThanCutoff("7d", std::time(nullptr));
  ASSERT_TRUE(cutoff);
  EXPECT_EQ(deleteGenerationsOlderThan(profile, *cutoff, false, logger),
            (std::vector<GenerationNumber>{1}));
  // Everything is older than 1 day, but the current one stays.
  EXPECT_EQ(deleteGenerationsOlderThan(profile, *olderThanCutoff("1d", std::time(nullptr)), false,
                                       logger),
            (std::vector<GenerationNumber>{2}));
  EXPECT_EQ(numbers(profile), (std::vector<GenerationNumber>{3, 4, 5}));
}

TEST_F(StoreProfiles, ParsingSpecs) {
  EXPECT_FALSE(olderThanCutoff("0d", 1000000));
  EXPECT_FALSE(olderThanCutoff("d", 1000000));
  EXPECT_FALSE(olderThanCutoff("3x", 1000000));
  EXPECT_EQ(olderThanCutoff("2d", 1000000), 1000000 - 2 * 86400);
  EXPECT_EQ(parseGenerationNumber("12"), 12u);
  EXPECT_FALSE(parseGenerationNumber("-1"));
  EXPECT_FALSE(parseGenerationNumber("1x"));
  EXPECT_FALSE(parseGenerationNumber(""));
}

TEST_F(StoreProfiles, NoProfileYet) {
  Generations g = findGenerations(profile);
  EXPECT_TRUE(g.list.empty());
  EXPECT_FALSE(g.current);
  EXPECT_EQ(optimisticLockProfile(profile), "");
  EXPECT_TRUE(deleteOldGenerations(profile, false, logger).empty());
}

} // namespace
