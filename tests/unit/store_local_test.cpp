// The local store's behaviour on disk: the layout and database Nix 2.8
// creates, canonical metadata, idempotent and crash-tolerant writes,
// read-only mode, references, filters and large objects.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "store/gc_roots.h"
#include "store/nar_fs.h"
#include "store/store.h"
#include "store_test_util.h"

using namespace bastion;
using namespace bastion::store;
using namespace bastion::store::testing;
namespace fs = std::filesystem;

namespace {

mode_t modeOf(const std::string &path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

time_t mtimeOf(const std::string &path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mtime;
}

// Every entry below `dir`, relative, sorted.
std::vector<std::string> listTree(const std::string &dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir))
    return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it)
    out.push_back(it->path().lexically_relative(dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

class StoreLocal : public StoreTest {};

TEST_F(StoreLocal, OpenCreatesNixLayout) {
  std::string root = p("root");
  { auto store = LocalStore::open(root, false); }
  for (const char *d : {"nix/store", "nix/store/.links", "nix/var/nix/db", "nix/var/nix/gcroots",
                        "nix/var/nix/gcroots/per-user", "nix/var/nix/profiles",
                        "nix/var/nix/profiles/per-user", "nix/var/nix/temproots"})
    EXPECT_TRUE(fs::is_directory(root + "/" + d)) << d;
  EXPECT_EQ(fs::read_symlink(root + "/nix/var/nix/gcroots/profiles"),
            root + "/nix/var/nix/profiles");
  EXPECT_EQ(readAll(root + "/nix/var/nix/db/schema"), "10");
  EXPECT_TRUE(fs::exists(root + "/nix/var/nix/db/big-lock"));
  EXPECT_EQ(fs::file_size(root + "/nix/var/nix/db/reserved"), 8u * 1024 * 1024);

  auto objects =
      query(dbPath(root), "select type, name from sqlite_master where name not like 'sqlite_%' "
                          "order by name");
  std::vector<std::vector<std::string>> want = {{"trigger", "DeleteSelfRefs"},
                                                {"table", "DerivationOutputs"},
                                                {"index", "IndexDerivationOutputs"},
                                                {"index", "IndexReference"},
                                                {"index", "IndexReferrer"},
                                                {"table", "Refs"},
                                                {"table", "ValidPaths"}};
  EXPECT_EQ(objects, want);
  EXPECT_EQ(query(dbPath(root), "pragma journal_mode"),
            (std::vector<std::vector<std::string>>{{"wal"}}));

  // Opening again keeps what is there.
  auto store = LocalStore::open(root, false);
  StorePath t = store->addTextToStore("t", "x", {});
  store.reset();
  store = LocalStore::open(root, false);
  EXPECT_TRUE(store->isValidPath(t));
}

TEST_F(StoreLocal, RootSpellings) {
  auto a = LocalStore::open(p("root") + "/", true);
  EXPECT_EQ(a->root(), p("root"));
  EXPECT_EQ(a->storeDir(), "/nix/store");
  StorePath path = a->parseStorePath("/nix/store/qfkky749lrmj2dp344zy406v2gngrnnh-name");
  EXPECT_EQ(a->realPath(path), p("root") + "/nix/store/qfkky749lrmj2dp344zy406v2gngrnnh-name");
  EXPECT_THROW(a->parseStorePath("/tmp/qfkky749lrmj2dp344zy406v2gngrnnh-name"),
               format::BadStorePath);
}

TEST_F(StoreLocal, ObjectsAreCanonical) {
  makeSrcTree(p("src"));
  ASSERT_EQ(::chmod(p("src/sub/x").c_str(), 04755), 0); // setuid is dropped
  ASSERT_EQ(::chmod(p("src/sub").c_str(), 01777), 0);   // and sticky / world-write
  auto store = LocalStore::open(p("root"), false);
  auto [path, hash] =
      store->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  std::string real = store->realPath(path);
  EXPECT_EQ(modeOf(real), 0555u);
  EXPECT_EQ(modeOf(real + "/a"), 0444u);
  EXPECT_EQ(modeOf(real + "/sub"), 0555u);
  EXPECT_EQ(modeOf(real + "/sub/x"), 0555u);
  EXPECT_EQ(modeOf(real + "/e"), 0555u);
  EXPECT_EQ(fs::read_symlink(real + "/l"), "a");
  for (const char *e : {"", "/a", "/sub", "/sub/x", "/e", "/l"})
    EXPECT_EQ(mtimeOf(real + e), 1) << e;
  StorePath t = store->addTextToStore("t", "text", {});
  EXPECT_EQ(modeOf(store->realPath(t)), 0444u);
  EXPECT_EQ(mtimeOf(store->realPath(t)), 1);
  // No temporaries or lock files are left in the store directory.
  for (const auto &e : fs::directory_iterator(p("root/nix/store"))) {
    std::string n = e.path().filename().string();
    EXPECT_TRUE(n == ".links" || store->parseStorePath("/nix/store/" + n).hashPart.size() == 32)
        << n;
    EXPECT_EQ(n.find(".lock"), std::string::npos) << n;
  }
}

TEST_F(StoreLocal, DatabaseRowsAsNixWritesThem) {
  auto store = LocalStore::open(p("root"), false);
  StorePath foo = store->addTextToStore("foo", "bar", {});
  StorePath r = store->addTextToStore("r", store->printStorePath(foo), {foo});
  auto rows = query(dbPath(p("root")), "select path, hash, deriver, narSize, ultimate, sigs, ca, "
                                       "registrationTime > 1000000000 from ValidPaths order by id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{
                         "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo",
                         "sha256:bfdf43b4bef0636de9a334222aae292bbe911fc1fb3b8915f36ab7d97465cff6",
                         "NULL", "120", "NULL", "NULL",
                         "text:sha256:1fcgpy7vc4ammr7s17j2xq88scswkgz23dqzc04g8sx5vcp2pppw", "1"}));
  EXPECT_EQ(query(dbPath(p("root")), "select referrer, reference from Refs"),
            (std::vector<std::vector<std::string>>{{"2", "1"}}));
  auto info = store->queryPathInfo(r);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->references, std::set<StorePath>{foo});
  EXPECT_EQ(info->deriver, "");
  EXPECT_FALSE(info->ultimate);
  EXPECT_TRUE(info->sigs.empty());
  EXPECT_GT(info->registrationTime, 1000000000);
}

TEST_F(StoreLocal, InvalidReferenceIsRefusedAndNothingIsWritten) {
  auto store = LocalStore::open(p("root"), false);
  StorePath ghost = store->parseStorePath("/nix/store/qfkky749lrmj2dp344zy406v2gngrnnh-name");
  try {
    store->addTextToStore("r", "x", {ghost});
    ADD_FAILURE() << "accepted an invalid reference";
  } catch (const StoreError &e) {
    EXPECT_NE(std::string(e.what()).find("is not valid"), std::string::npos) << e.what();
  }
  EXPECT_EQ(listTree(p("root/nix/store")), std::vector<std::string>{".links"});
  EXPECT_TRUE(query(dbPath(p("root")), "select * from ValidPaths").empty());
}

TEST_F(StoreLocal, BadDerivationTextIsRefused) {
  auto store = LocalStore::open(p("root"), false);
  EXPECT_THROW(store->addTextToStore("x.drv", "not a derivation", {}), StoreError);
  EXPECT_EQ(listTree(p("root/nix/store")), std::vector<std::string>{".links"});
}

TEST_F(StoreLocal, ReAddingIsIdempotent) {
  writeFile(p("f"), "data");
  auto store = LocalStore::open(p("root"), false);
  auto first = store->addToStore("f", p("f"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  auto info1 = store->queryPathInfo(first.first);
  std::string real = store->realPath(first.first);
  struct stat st1;
  ASSERT_EQ(::lstat(real.c_str(), &st1), 0);
  auto second = store->addToStore("f", p("f"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  EXPECT_EQ(first, second);
  struct stat st2;
  ASSERT_EQ(::lstat(real.c_str(), &st2), 0);
  EXPECT_EQ(st1.st_ino, st2.st_ino); // not rewritten
  EXPECT_EQ(store->queryPathInfo(first.first)->registrationTime, info1->registrationTime);
  EXPECT_EQ(store->addTextToStore("t", "x", {}), store->addTextToStore("t", "x", {}));
  EXPECT_EQ(query(dbPath(p("root")), "select count(*) from ValidPaths"),
            (std::vector<std::vector<std::string>>{{"2"}}));
}

TEST_F(StoreLocal, LeftoverInvalidObjectIsReplaced) {
  auto ro = LocalStore::open(p("root"), true);
  StorePath t = ro->addTextToStore("t", "good", {});
  { auto init = LocalStore::open(p("root"), false); }
  // A crashed writer left a half-written object (and a temporary).
  std::string real = ro->realPath(t);
  ASSERT_EQ(::mkdir(real.c_str(), 0555), 0);
  writeFile(p("root/nix/store/.bastion-tmp-" + t.baseName()), "junk");
  auto store = LocalStore::open(p("root"), false);
  EXPECT_EQ(store->addTextToStore("t", "good", {}), t);
  EXPECT_EQ(readAll(real), "good");
  EXPECT_FALSE(fs::exists(p("root/nix/store/.bastion-tmp-" + t.baseName())));
}

TEST_F(StoreLocal, ReadOnlyWritesNothing) {
  writeFile(p("f"), "data");
  makeSrcTree(p("src"));
  auto store = LocalStore::open(p("root"), true);
  EXPECT_TRUE(store->readOnly());
  StorePath t = store->addTextToStore("t", "x", {});
  auto f = store->addToStore("f", p("f"), FileIngestionMethod::Flat, HashAlgo::SHA1);
  auto src = store->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  EXPECT_EQ(store->printStorePath(src.first), "/nix/store/xxi54v4fpbilmywhxsz5b4xzvb0wxd2y-src");
  EXPECT_FALSE(store->isValidPath(t));
  EXPECT_FALSE(store->queryPathInfo(src.first));
  EXPECT_FALSE(fs::exists(p("root")));

  // On an existing store: reads the database, still writes nothing.
  {
    auto rw = LocalStore::open(p("root"), false);
    rw->addTextToStore("t", "x", {});
  }
  auto before = listTree(p("root"));
  auto ro = LocalStore::open(p("root"), true);
  EXPECT_TRUE(ro->isValidPath(t));
  EXPECT_EQ(ro->queryPathInfo(t)->ca.substr(0, 12), "text:sha256:");
  StorePath other = ro->addTextToStore("other", "y", {});
  EXPECT_FALSE(ro->isValidPath(other));
  ro->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  ro.reset();
  EXPECT_EQ(listTree(p("root")), before);
}

TEST_F(StoreLocal, ReadOnlySeesAConcurrentWriter) {
  auto rw = LocalStore::open(p("root"), false); // keeps the database open
  StorePath t = rw->addTextToStore("t", "x", {});
  auto ro = LocalStore::open(p("root"), true);
  EXPECT_TRUE(ro->isValidPath(t));
  StorePath u = rw->addTextToStore("u", "y", {});
  EXPECT_TRUE(ro->isValidPath(u));
}

TEST_F(StoreLocal, FilterAppliesToTheCopy) {
  makeSrcTree(p("src"));
  auto store = LocalStore::open(p("root"), false);
  std::vector<std::string> seen;
  PathFilter filter = [&](const std::string &path) {
    seen.push_back(path);
    return path != p("src/sub");
  };
  auto [path, hash] = store->addToStore("src", p("src") + "/.", FileIngestionMethod::Recursive,
                                        HashAlgo::SHA256, filter);
  std::string real = store->realPath(path);
  EXPECT_EQ(listTree(real), (std::vector<std::string>{"a", "e", "l"}));
  EXPECT_NE(std::find(seen.begin(), seen.end(), p("src/sub")), seen.end());
  // Named by the hash of what was copied.
  EXPECT_EQ(store::hashPath(HashAlgo::SHA256, real), hash);
  EXPECT_EQ(store->queryPathInfo(path)->narHash, hash);

  // A throwing filter's exception reaches the caller unchanged.
  struct Boom {};
  EXPECT_THROW(store->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256,
                                 [](const std::string &) -> bool { throw Boom{}; }),
               Boom);
}

TEST_F(StoreLocal, MissingSourceIsAStoreError) {
  auto store = LocalStore::open(p("root"), false);
  for (auto m : {FileIngestionMethod::Flat, FileIngestionMethod::Recursive}) {
    try {
      store->addToStore("x", p("missing"), m, HashAlgo::SHA256);
      ADD_FAILURE() << "no error";
    } catch (const StoreError &e) {
      EXPECT_NE(std::string(e.what()).find(p("missing")), std::string::npos) << e.what();
    }
  }
}

TEST_F(StoreLocal, LargeObjectsSpillToDisk) {
  // Bigger than the in-memory spool limit, in a file and in a tree.
  std::string big(5 * 1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>((i * 131) % 251);
  ASSERT_EQ(::mkdir(p("tree").c_str(), 0755), 0);
  writeFile(p("tree/big"), big, 0755);
  writeFile(p("big"), big);
  auto store = LocalStore::open(p("root"), false);
  auto flat = store->addToStore("big", p("big"), FileIngestionMethod::Flat, HashAlgo::SHA256);
  EXPECT_EQ(flat.second, format::hashString(HashAlgo::SHA256, big));
  EXPECT_EQ(readAll(store->realPath(flat.first)), big);
  auto rec = store->addToStore("tree", p("tree"), FileIngestionMethod::Recursive, HashAlgo::SHA1);
  EXPECT_EQ(rec.second, store::hashPath(HashAlgo::SHA1, p("tree")));
  EXPECT_EQ(store::hashPath(HashAlgo::SHA256, store->realPath(rec.first)),
            store->queryPathInfo(rec.first)->narHash);
  EXPECT_EQ(readAll(store->realPath(rec.first) + "/big"), big);
}

TEST_F(StoreLocal, ConcurrentWritersAgree) {
  { auto init = LocalStore::open(p("root"), false); }
  makeSrcTree(p("src"));
  // Processes (fcntl locks) and threads (in-process lock) at once.
  std::vector<pid_t> kids;
  for (int i = 0; i < 3; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        auto s = LocalStore::open(p("root"), false);
        for (int j = 0; j < 5; ++j) {
          s->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
          s->addTextToStore("t" + std::to_string(j), "same", {});
        }
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  auto store = LocalStore::open(p("root"), false);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        store->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
        store->addTextToStore("t" + std::to_string(j), "same", {});
      }
    });
  for (auto &t : threads)
    t.join();
  for (pid_t pid : kids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(query(dbPath(p("root")), "select count(*) from ValidPaths"),
            (std::vector<std::vector<std::string>>{{"6"}}));
  auto src = store->addToStore("src", p("src"), FileIngestionMethod::Recursive, HashAlgo::SHA256);
  EXPECT_EQ(store::hashPath(HashAlgo::SHA256, store->realPath(src.first)), src.second);
}

TEST_F(StoreLocal, BatchedTextIsValidHereAndElsewhereAfterFlush) {
  auto store = LocalStore::open(p("root"), false);
  store->batchTextWrites();
  StorePath a = store->addTextToStore("a", "alpha", {});
  StorePath b = store->addTextToStore("b", "beta", {a}); // refers to a pending one
  EXPECT_TRUE(store->isValidPath(a));
  EXPECT_TRUE(store->isValidPath(b));
  ASSERT_TRUE(store->queryPathInfo(b));
  EXPECT_EQ(store->queryPathInfo(b)->references, std::set<StorePath>{a});
  EXPECT_EQ(readAll(store->realPath(a)), "alpha");
  {
    auto other = LocalStore::open(p("root"), true);
    EXPECT_FALSE(other->isValidPath(a)); // not yet registered
  }
  store->flushBatch();
  auto other = LocalStore::open(p("root"), true);
  EXPECT_TRUE(other->isValidPath(a));
  EXPECT_TRUE(other->isValidPath(b));
  EXPECT_EQ(other->queryPathInfo(b)->references, std::set<StorePath>{a});
  EXPECT_FALSE(fs::exists(store->realPath(a) + ".lock")); // locks let go
}

TEST_F(StoreLocal, OtherRegistrationsFlushTheBatch) {
  auto store = LocalStore::open(p("root"), false);
  store->batchTextWrites();
  StorePath t = store->addTextToStore("t", "text", {});
  // An output referring to the batched text: registered after it.
  StorePath out =
      format::makeTextPath("out", format::hashString(HashAlgo::SHA256, "o"), {}, "/nix/store");
  writeFile(store->realPath(out), "o");
  ValidPathInfo info;
  info.path = out;
  info.references = {t};
  info.narHash = store::hashPath(HashAlgo::SHA256, store->realPath(out), &info.narSize);
  store->registerValidPaths({info});
  auto other = LocalStore::open(p("root"), true);
  EXPECT_TRUE(other->isValidPath(t));
  EXPECT_TRUE(other->isValidPath(out));
}

TEST_F(StoreLocal, BatchLeftUnflushedByACrashIsReplaced) {
  { auto init = LocalStore::open(p("root"), false); }
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = LocalStore::open(p("root"), false);
    s->batchTextWrites();
    s->addTextToStore("t", "text", {});
    ::_exit(0); // no destructor, no flush: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  auto store = LocalStore::open(p("root"), false);
  StorePath t =
      format::makeTextPath("t", format::hashString(HashAlgo::SHA256, "text"), {}, "/nix/store");
  EXPECT_TRUE(fs::exists(store->realPath(t)));
  EXPECT_FALSE(store->isValidPath(t));
  EXPECT_EQ(store->addTextToStore("t", "text", {}), t);
  EXPECT_TRUE(store->isValidPath(t));
}

TEST_F(StoreLocal, BatchingProcessesDoNotDeadlock) {
  { auto init = LocalStore::open(p("root"), false); }
  // Each process writes the same texts in opposite orders while holding
  // its batch: a writer that cannot have a lock flushes its own batch
  // before it waits.
  std::vector<pid_t> kids;
  for (int i = 0; i < 2; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::alarm(60);
      int rc = 0;
      try {
        auto s = LocalStore::open(p("root"), false);
        s->batchTextWrites();
        for (int j = 0; j < 50; ++j) {
          int k = i == 0 ? j : 49 - j;
          s->addTextToStore("t" + std::to_string(k), "text " + std::to_string(k), {});
        }
        s->flushBatch();
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  EXPECT_EQ(query(dbPath(p("root")), "select count(*) from ValidPaths"),
            (std::vector<std::vector<std::string>>{{"50"}}));
}

TEST_F(StoreLocal, RegisterValidPathsInOneBatch) {
  auto store = LocalStore::open(p("root"), false);
  StorePath foo = store->addTextToStore("foo", "bar", {});
  // Two "build outputs" already in place: b refers to a, itself and foo.
  StorePath a = store->parseStorePath("/nix/store/0pd4llb3k36fnppfxwp6nlwsxwlv0y2c-a");
  StorePath b = store->parseStorePath("/nix/store/cdim20vff8chr9jkdcw1xpihsmzswsvy-b");
  writeFile(store->realPath(a), "a");
  writeFile(store->realPath(b), "b");
  ValidPathInfo ia, ib;
  ia.path = a;
  ia.narHash = store::hashPath(HashAlgo::SHA256, store->realPath(a), &ia.narSize);
  ia.ultimate = true;
  ia.deriver = "/nix/store/l9ldjc53ry43x24hvq73jx7dx0489mhj-a.drv";
  ib.path = b;
  ib.narHash = store::hashPath(HashAlgo::SHA256, store->realPath(b), &ib.narSize);
  ib.references = {a, b, foo};
  ib.sigs = {"k1:c2ln", "k2:c2ln"};
  store->registerValidPaths({ib, ia}); // order does not matter within a batch
  auto got = store->queryPathInfo(b);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->references, (std::set<StorePath>{a, b, foo}));
  EXPECT_EQ(got->sigs, ib.sigs);
  auto gotA = store->queryPathInfo(a);
  EXPECT_TRUE(gotA->ultimate);
  EXPECT_EQ(gotA->deriver, ia.deriver);
  EXPECT_EQ(query(dbPath(p("root")), "select ultimate, sigs from ValidPaths where path like '%-b'"),
            (std::vector<std::vector<std::string>>{{"NULL", "k1:c2ln k2:c2ln"}}));

  // A batch with a dangling reference registers nothing.
  StorePath c = store->parseStorePath("/nix/store/qfkky749lrmj2dp344zy406v2gngrnnh-c");
  writeFile(store->realPath(c), "c");
  ValidPathInfo ic = ia;
  ic.path = c;
  ic.references = {store->parseStorePath("/nix/store/aqfiihfr73g68qqpf75shpi2zr575pii-r")};
  EXPECT_THROW(store->registerValidPaths({ic}), StoreError);
  EXPECT_FALSE(store->isValidPath(c));
  EXPECT_THROW(LocalStore::open(p("root"), true)->registerValidPaths({ic}), StoreError);
}

TEST_F(StoreLocal, AddPermRootAsNix) {
  auto store = LocalStore::open(p("root"), false);
  StorePath t = store->addTextToStore("t", "x", {});
  ASSERT_EQ(::mkdir(p("links").c_str(), 0755), 0);
  std::string link = store::addPermRoot(*store, t, p("links") + "/./result");
  EXPECT_EQ(link, p("links/result"));
  EXPECT_EQ(fs::read_symlink(link), store->printStorePath(t));
  // Nix names the indirect root by the nix32 SHA-1 of the link's path
  // (checked against `nix-store --store DIR -r --add-root LINK PATH`).
  std::string hash = format::hashString(HashAlgo::SHA1, link).to(format::HashFormat::Nix32, false);
  EXPECT_EQ(fs::read_symlink(p("root/nix/var/nix/gcroots/auto/" + hash)), link);
  // An old link into the store is replaced; anything else is not.
  StorePath u = store->addTextToStore("u", "y", {});
  store::addPermRoot(*store, u, link);
  EXPECT_EQ(fs::read_symlink(link), store->printStorePath(u));
  writeFile(p("links/file"), "keep");
  EXPECT_THROW(store::addPermRoot(*store, u, p("links/file")), StoreError);
  EXPECT_THROW(store::addPermRoot(*store, u, p("root/nix/store/x")), StoreError);
}

} // namespace
