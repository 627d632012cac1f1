// The garbage collector (store/gc.h): what it keeps, the order it deletes
// in (referrers before references), that an interrupted deletion leaves a
// consistent store, temporary roots of other processes, --delete refusing
// live paths, and --max-freed.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/closure.h"
#include "store/fs_util.h"
#include "store/gc.h"
#include "store/store.h"
#include "store_test_util.h"

using namespace bastion;
using namespace bastion::store;
using namespace bastion::store::testing;

namespace {

class GcTest : public StoreTest {
protected:
  std::unique_ptr<LocalStore> store;
  StorePath a, b, c; // c -> b -> a (c refers to b, b to a)
  std::vector<std::string> log;

  void SetUp() override {
    StoreTest::SetUp();
    store = LocalStore::open(p("s"), false);
    a = store->addTextToStore("a", "aaa", {});
    b = store->addTextToStore("b", "bbb " + store->printStorePath(a), {a});
    c = store->addTextToStore("c", "ccc " + store->printStorePath(b), {b});
  }

  GcResults gc(GcOptions options = {}) {
    GcResults results;
    collectGarbage(*store, options, results, [&](const std::string &m) { log.push_back(m); });
    return results;
  }

  bool exists(const StorePath &path) { return ::access(store->realPath(path).c_str(), F_OK) == 0; }

  size_t logIndex(const StorePath &path) {
    std::string line = "deleting '" + store->printStorePath(path) + "'";
    return static_cast<size_t>(std::find(log.begin(), log.end(), line) - log.begin());
  }

  void addRoot(const std::string &name, const StorePath &path) {
    ASSERT_EQ(::symlink(store->printStorePath(path).c_str(),
                        (store->stateDir() + "/gcroots/" + name).c_str()),
              0);
  }
};

TEST_F(GcTest, DeletesReferrersBeforeReferences) {
  GcResults r = gc();
  EXPECT_EQ(r.paths.size(), 3u);
  EXPECT_LT(logIndex(c), logIndex(b));
  EXPECT_LT(logIndex(b), logIndex(a));
  EXPECT_LT(logIndex(a), log.size());
  EXPECT_FALSE(store->isValidPath(a));
  EXPECT_FALSE(exists(a) || exists(b) || exists(c));
}

TEST_F(GcTest, BuildStoreDirInUseIsKept) {
  // A build thread's store dir (build/build_one.h) is locked while in use;
  // an unlocked one is a crashed process's leftover.
  std::string busy = createTempDirIn(store->realStoreDir(), ".bastion-build-");
  std::string stale = createTempDirIn(store->realStoreDir(), ".bastion-build-");
  int lock = lockDirectory(busy);
  EXPECT_TRUE(directoryInUse(busy));
  EXPECT_FALSE(directoryInUse(stale));
  gc();
  EXPECT_EQ(::access(busy.c_str(), F_OK), 0);
  EXPECT_NE(::access(stale.c_str(), F_OK), 0);
  ::close(lock);
  gc();
  EXPECT_NE(::access(busy.c_str(), F_OK), 0);
}

TEST_F(GcTest, RootKeepsItsClosure) {
  addRoot("r", b);
  gc();
  EXPECT_TRUE(store->isValidPath(a) && store->isValidPath(b));
  EXPECT_TRUE(exists(a) && exists(b));
  EXPECT_FALSE(store->isValidPath(c) || exists(c));
}

TEST_F(GcTest, PrintLiveAndDeadChangeNothing) {
  addRoot("r", b);
  GcOptions o;
  o.action = GcOptions::Action::ReturnDead;
  EXPECT_EQ(gc(o).paths, std::set<std::string>{store->printStorePath(c)});
  o.action = GcOptions::Action::ReturnLive;
  EXPECT_EQ(gc(o).paths,
            (std::set<std::string>{store->printStorePath(a), store->printStorePath(b)}));
  EXPECT_TRUE(exists(c) && store->isValidPath(c));
}

TEST_F(GcTest, TopologicalOrderPutsReferrersFirst) {
  std::vector<StorePath> sorted = topoSortPaths(*store, {a, b, c});
  EXPECT_EQ(sorted, (std::vector<StorePath>{c, b, a}));
}

TEST_F(GcTest, InvalidateRefusesPathsInUse) {
  EXPECT_THROW(store->invalidatePath(a), StoreError);
  EXPECT_TRUE(store->isValidPath(a));
}

// A collector killed after forgetting a path but before removing its files
// (or while removing its renamed copy) leaves only unregistered files,
// which the next collection deletes.
TEST_F(GcTest, InterruptedDeletionIsFinishedByTheNextRun) {
  addRoot("r", b);
  store->invalidatePath(c); // as the collector does first
  std::string trash = store->realStoreDir() + "/.gc-trash-" + a.baseName() + "-x";
  ASSERT_EQ(::mkdir(trash.c_str(), 0555), 0);
  EXPECT_TRUE(exists(c));
  GcResults r = gc();
  EXPECT_TRUE(r.paths.count(store->printStorePath(c)));
  EXPECT_FALSE(exists(c));
  EXPECT_NE(::access(trash.c_str(), F_OK), 0);
  EXPECT_TRUE(store->isValidPath(b) && exists(b));
}

TEST_F(GcTest, DeleteSpecificRefusesLivePaths) {
  GcOptions o;
  o.action = GcOptions::Action::DeleteSpecific;
  o.pathsToDelete = {b}; // c still refers to it
  GcResults r;
  EXPECT_THROW(collectGarbage(*store, o, r, [](const std::string &) {}), StoreError);
  EXPECT_TRUE(store->isValidPath(b) && exists(b));
  o.pathsToDelete = {b, c};
  r = gc(o);
  EXPECT_EQ(r.paths.size(), 2u);
  EXPECT_TRUE(store->isValidPath(a));
  EXPECT_FALSE(store->isValidPath(b) || store->isValidPath(c));
}

TEST_F(GcTest, MaxFreedStopsEarly) {
  GcOptions o;
  o.maxFreed = 1;
  GcResults r = gc(o);
  EXPECT_EQ(r.paths.size(), 1u);
  o.maxFreed = 0; // examines nothing
  EXPECT_TRUE(gc(o).paths.empty());
}

// Another process's temporary root keeps a path (and its closure) alive
// until that process exits.
TEST_F(GcTest, TempRootsOfLiveProcessesAreKept) {
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto other = LocalStore::open(p("s"), false);
    other->addTempRoot(b);
    char x = 1;
    if (::write(ready[1], &x, 1) != 1)
      ::_exit(1);
    if (::read(done[0], &x, 1) != 1)
      ::_exit(1);
    ::_exit(0);
  }
  char x;
  ASSERT_EQ(::read(ready[0], &x, 1), 1);
  gc();
  EXPECT_TRUE(store->isValidPath(a) && store->isValidPath(b));
  EXPECT_FALSE(store->isValidPath(c));
  ASSERT_EQ(::write(done[1], &x, 1), 1);
  int status;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  gc();
  EXPECT_FALSE(store->isValidPath(a) || store->isValidPath(b));
  for (int fd : {ready[0], ready[1], done[0], done[1]})
    ::close(fd);
}

} // namespace
