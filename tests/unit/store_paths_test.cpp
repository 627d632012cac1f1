// Store paths the local store computes and writes, against vectors from
// Nix 2.8 (`nix-store --store DIR --add-fixed [--recursive] ALGO PATH`,
// `nix-instantiate --eval -E 'builtins.toFile …'`, and the .drv files and
// database rows `nix-instantiate --store DIR -E 'derivation {…}'` wrote),
// on the files store_test_util.h builds.
#include <string>

#include "format/derivation.h"
#include "store/nar_fs.h"
#include "store/store.h"
#include "store_test_util.h"

using namespace bastion;
using namespace bastion::store;
using namespace bastion::store::testing;
using format::HashFormat;

namespace {

struct AddVector {
  const char *what; // "flat" (hello.txt), "file" or "tree" (recursive)
  HashAlgo algo;
  const char *path;
  const char *nix32; // the content hash the path was computed from
};

const AddVector kAddVectors[] = {
    {"flat", HashAlgo::SHA256, "/nix/store/gy454w1cxaq731grqwylhzf4pp9r5izh-hello.txt",
     "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"},
    {"file", HashAlgo::SHA256, "/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt",
     "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"},
    {"tree", HashAlgo::SHA256, "/nix/store/xxi54v4fpbilmywhxsz5b4xzvb0wxd2y-src",
     "1yaziga57fx8wm51gs0255s6awzcva85vscikw02mrkapblxnabl"},
    {"flat", HashAlgo::SHA1, "/nix/store/svdva85yi507g9vncgsaxvnd1r808h4w-hello.txt",
     "iwjz551fyw0cxcjgf4l6c879zabd6wpm"},
    {"file", HashAlgo::SHA1, "/nix/store/hzq8n5jpi3g2d0xhlvqd8q1gx5c9s6i3-hello.txt",
     "wz60bbf44cw7nswp1wv8vcsyfg155sqd"},
    {"tree", HashAlgo::SHA1, "/nix/store/qvdkvm92jbgdfwz6a5jvv7m7rdra87hd-src",
     "c8049xx7ap8haqhz387xrv95a5mnaax4"},
    {"flat", HashAlgo::MD5, "/nix/store/dra1cz5vbrhclpv4y1q0psnbkxz581bk-hello.txt",
     "4425hx5d1mc9y39llj4k4nm55i"},
    {"file", HashAlgo::MD5, "/nix/store/l2ycihp9r6lnfifs72r40m62fwicg5iz-hello.txt",
     "4ycxcbh0ac0abr4zxw23l6isnk"},
    {"tree", HashAlgo::MD5, "/nix/store/zyfj1mbzp4wn2hh8s6h4rqigdqs0f6vm-src",
     "6wi9j8qbsqdgll38kqzwq6l1d2"},
    {"flat", HashAlgo::SHA512, "/nix/store/9a8mxachqmcv8x2cfijdps9dyxgyyrzm-hello.txt",
     "0lrc0dwnvipqviibf7qfm1y492qvjwb1zhkcyi05cndmva1mr5gjcgrnz1x36djmk0sfg8djd2n0qv68vib2jg590mwzn"
     "ar9jcjphp7"},
    {"file", HashAlgo::SHA512, "/nix/store/8xkszhbayigjg9vbrrxfa1hp9qflbh6b-hello.txt",
     "2q80akf4fi29vbxj82s21m9y6xrdjnwi9q1c3kfab0032zdnl18nzninbjw6n0rz4p76g8s1c5yv9hznv09l085azzqvk"
     "4hn9irv389"},
    {"tree", HashAlgo::SHA512, "/nix/store/27d8x2r1wjjnn9f11p4ardzzgyp33kd6-src",
     "1g7lmkg53xq53wrrn0xqhnkghpy2p858kpn11mf9l1iqdsal9z02pm8ywxfjgb1p6131c06k40ndxbh4c3f5lamqldg25"
     "kb9vz0bcmd"},
};

// The NAR hashes Nix recorded (always sha256, whatever the path's algo).
const char kHelloNarHash[] =
    "sha256:1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13";
const char kTreeNarHash[] =
    "sha256:7429dbe9ba6ae62a009f91e95d90daec7365742902e8174ae5a8bb53d48b5ff9";

// Nix 2.8's derivations a, b (input a.drv) and d (input sources
// hello.txt, added recursively, and toFile "foo" "bar"), as it wrote them.
const char kDrvA[] =
    R"(Derive([("out","/nix/store/0pd4llb3k36fnppfxwp6nlwsxwlv0y2c-a","","")],[],[],"x","/bin/sh",[],[("builder","/bin/sh"),("name","a"),("out","/nix/store/0pd4llb3k36fnppfxwp6nlwsxwlv0y2c-a"),("system","x")]))";
const char kDrvB[] =
    R"(Derive([("out","/nix/store/cdim20vff8chr9jkdcw1xpihsmzswsvy-b","","")],[("/nix/store/l9ldjc53ry43x24hvq73jx7dx0489mhj-a.drv",["out"])],[],"x","/bin/sh",[],[("a","/nix/store/0pd4llb3k36fnppfxwp6nlwsxwlv0y2c-a"),("builder","/bin/sh"),("name","b"),("out","/nix/store/cdim20vff8chr9jkdcw1xpihsmzswsvy-b"),("system","x")]))";
const char kDrvD[] =
    R"(Derive([("dev","/nix/store/fym8rv37l6v9lkgidkscmdpvm85bwr3c-d-dev","",""),("out","/nix/store/gdrs98qwdbinjxpq28navz57788bszh3-d","","")],[],["/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt","/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"],"x86_64-linux","/bin/sh",["/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"],[("builder","/bin/sh"),("dev","/nix/store/fym8rv37l6v9lkgidkscmdpvm85bwr3c-d-dev"),("name","d"),("out","/nix/store/gdrs98qwdbinjxpq28navz57788bszh3-d"),("outputs","out dev"),("src","/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt"),("system","x86_64-linux")]))";

class StorePaths : public StoreTest {
protected:
  void SetUp() override {
    StoreTest::SetUp();
    writeFile(p("hello.txt"), "hello\n");
    makeSrcTree(p("src"));
  }

  std::pair<StorePath, Hash> add(LocalStore &s, const AddVector &v) {
    bool flat = std::string(v.what) == "flat";
    std::string src = std::string(v.what) == "tree" ? p("src") : p("hello.txt");
    std::string name = std::string(v.what) == "tree" ? "src" : "hello.txt";
    return s.addToStore(name, src,
                        flat ? FileIngestionMethod::Flat : FileIngestionMethod::Recursive, v.algo);
  }
};

TEST_F(StorePaths, TextPathsMatchNix) {
  auto store = LocalStore::open(p("root"), true);
  StorePath name = store->addTextToStore("name", "text", {});
  EXPECT_EQ(store->printStorePath(name), "/nix/store/qfkky749lrmj2dp344zy406v2gngrnnh-name");
  // builtins.toFile "r" "ref: ${builtins.toFile "name" "text"}"
  StorePath r = store->addTextToStore("r", "ref: " + store->printStorePath(name), {name});
  EXPECT_EQ(store->printStorePath(r), "/nix/store/aqfiihfr73g68qqpf75shpi2zr575pii-r");
}

TEST_F(StorePaths, AddToStoreMatchesNixInBothModes) {
  auto ro = LocalStore::open(p("ro"), true);
  auto rw = LocalStore::open(p("rw"), false);
  for (const AddVector &v : kAddVectors) {
    SCOPED_TRACE(std::string(v.what) + " " + std::string(format::hashAlgoName(v.algo)));
    for (LocalStore *s : {ro.get(), rw.get()}) {
      auto [path, hash] = add(*s, v);
      EXPECT_EQ(s->printStorePath(path), v.path);
      EXPECT_EQ(hash.algo, v.algo);
      EXPECT_EQ(hash.to(HashFormat::Nix32, false), v.nix32);
    }
    StorePath path = rw->parseStorePath(v.path);
    ASSERT_TRUE(rw->isValidPath(path));
    auto info = rw->queryPathInfo(path);
    ASSERT_TRUE(info);
    bool tree = std::string(v.what) == "tree";
    EXPECT_EQ(info->narHash.to(HashFormat::Base16, true), tree ? kTreeNarHash : kHelloNarHash);
    EXPECT_EQ(info->narSize, tree ? 1048u : 120u);
    std::string method = std::string(v.what) == "flat" ? "fixed:" : "fixed:r:";
    EXPECT_EQ(info->ca, method + std::string(format::hashAlgoName(v.algo)) + ":" + v.nix32);
    EXPECT_TRUE(info->references.empty());
    EXPECT_FALSE(ro->isValidPath(path));
  }
  // The store holds exactly the copies: byte for byte the same NAR.
  EXPECT_EQ(readAll(rw->realPath(rw->parseStorePath(kAddVectors[0].path))), "hello\n");
  EXPECT_EQ(store::hashPath(HashAlgo::SHA256, rw->realPath(rw->parseStorePath(kAddVectors[2].path)))
                .to(HashFormat::Base16, true),
            kTreeNarHash);
}

TEST_F(StorePaths, TextRowsMatchNix) {
  auto store = LocalStore::open(p("root"), false);
  StorePath foo = store->addTextToStore("foo", "bar", {});
  EXPECT_EQ(store->printStorePath(foo), "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo");
  auto info = store->queryPathInfo(foo);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->narHash.to(HashFormat::Base16, true),
            "sha256:bfdf43b4bef0636de9a334222aae292bbe911fc1fb3b8915f36ab7d97465cff6");
  EXPECT_EQ(info->narSize, 120u);
  EXPECT_EQ(info->ca, "text:sha256:1fcgpy7vc4ammr7s17j2xq88scswkgz23dqzc04g8sx5vcp2pppw");
  EXPECT_EQ(readAll(store->realPath(foo)), "bar");
}

TEST_F(StorePaths, WriteDerivationMatchesNix) {
  auto store = LocalStore::open(p("root"), false);
  // Inputs first: references must be valid.
  EXPECT_EQ(store->printStorePath(store
                                      ->addToStore("hello.txt", p("hello.txt"),
                                                   FileIngestionMethod::Recursive, HashAlgo::SHA256)
                                      .first),
            "/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt");
  store->addTextToStore("foo", "bar", {});

  StorePath a = store->writeDerivation(format::parseDerivation(kDrvA), "a");
  StorePath b = store->writeDerivation(format::parseDerivation(kDrvB), "b");
  StorePath d = store->writeDerivation(format::parseDerivation(kDrvD), "d");
  EXPECT_EQ(store->printStorePath(a), "/nix/store/l9ldjc53ry43x24hvq73jx7dx0489mhj-a.drv");
  EXPECT_EQ(store->printStorePath(b), "/nix/store/ybnr4skghgh65by405m9gavsh78w007n-b.drv");
  EXPECT_EQ(store->printStorePath(d), "/nix/store/m5jpa43xljwzxn474rn0pqjhdsmbvvzk-d.drv");
  EXPECT_EQ(readAll(store->realPath(d)), kDrvD);
  EXPECT_EQ(store->readDerivation(b), format::parseDerivation(kDrvB));

  // The rows Nix 2.8 wrote for the same derivations.
  auto info = store->queryPathInfo(d);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->narHash.to(HashFormat::Base16, true),
            "sha256:3224a7f63cd550704692d7d98ca5e673624ec62791d293705e63308c0c316d6f");
  EXPECT_EQ(info->narSize, 704u);
  EXPECT_EQ(info->ca, "text:sha256:185kanlgkv8j12w5x1l2vy6l104gabl77kzg1f82j8fbdxgz3flz");
  std::set<StorePath> refs = {
      store->parseStorePath("/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt"),
      store->parseStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo")};
  EXPECT_EQ(info->references, refs);
  EXPECT_EQ(store->queryPathInfo(b)->references, std::set<StorePath>{a});
  EXPECT_EQ(store->queryPathInfo(b)->ca,
            "text:sha256:0q3pfrh8x073k61ddlbj7b3345fz0yhf2fz5wlrkr1m792w04sxp");

  auto rows = query(dbPath(p("root")),
                    "select v.path, o.id, o.path from DerivationOutputs o join ValidPaths v "
                    "on o.drv = v.id order by v.path, o.id");
  std::vector<std::vector<std::string>> want = {
      {"/nix/store/l9ldjc53ry43x24hvq73jx7dx0489mhj-a.drv", "out",
       "/nix/store/0pd4llb3k36fnppfxwp6nlwsxwlv0y2c-a"},
      {"/nix/store/m5jpa43xljwzxn474rn0pqjhdsmbvvzk-d.drv", "dev",
       "/nix/store/fym8rv37l6v9lkgidkscmdpvm85bwr3c-d-dev"},
      {"/nix/store/m5jpa43xljwzxn474rn0pqjhdsmbvvzk-d.drv", "out",
       "/nix/store/gdrs98qwdbinjxpq28navz57788bszh3-d"},
      {"/nix/store/ybnr4skghgh65by405m9gavsh78w007n-b.drv", "out",
       "/nix/store/cdim20vff8chr9jkdcw1xpihsmzswsvy-b"},
  };
  EXPECT_EQ(rows, want);
}

TEST_F(StorePaths, ReadOnlyWriteDerivationComputesAndRemembers) {
  auto store = LocalStore::open(p("root"), true);
  format::Derivation drv = format::parseDerivation(kDrvD);
  StorePath d = store->writeDerivation(drv, "d");
  EXPECT_EQ(store->printStorePath(d), "/nix/store/m5jpa43xljwzxn474rn0pqjhdsmbvvzk-d.drv");
  EXPECT_FALSE(store->isValidPath(d));
  EXPECT_EQ(store->readDerivation(d), drv);
  EXPECT_FALSE(std::filesystem::exists(p("root")));
}

} // namespace
