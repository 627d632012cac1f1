// Store path names, parsing and computation. Expected paths were produced
// once with Nix 2.8 in a throw-away store (see comments per vector).
#include <gtest/gtest.h>

#include <string>

#include "format/hash.h"
#include "format/store_path.h"

using namespace bastion::format;

namespace {

Hash H(const std::string &algoColonHex) { return parseHashAnyPrefixed(algoColonHex); }

std::string nameError(std::string_view name) {
  try {
    checkStorePathName(name);
  } catch (const BadStorePathName &e) {
    return e.what();
  }
  return "";
}

template <class F> std::string errorOf(F f) {
  try {
    f();
  } catch (const BadStorePath &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(FormatStorePath, ValidNames) {
  for (auto n :
       {"hello", "a", "foo-1.2.3", "A+B_c?d=e", ".foo", "..foo", ".a-b", "x.drv", "-", "--"}) {
    EXPECT_TRUE(isValidStorePathName(n)) << n;
  }
  EXPECT_TRUE(isValidStorePathName(std::string(211, 'a')));
}

TEST(FormatStorePath, NameErrors) {
  EXPECT_EQ(nameError(""), "name must not be empty");
  EXPECT_EQ(nameError(std::string(212, 'a')),
            "name '" + std::string(212, 'a') + "' must be no longer than 211 characters");
  EXPECT_EQ(nameError("."), "name '.' is not valid");
  EXPECT_EQ(nameError(".."), "name '..' is not valid");
  EXPECT_EQ(nameError(".-foo"),
            "name '.-foo' is not valid: first dash-separated component must not be '.'");
  EXPECT_EQ(nameError("..-foo"),
            "name '..-foo' is not valid: first dash-separated component must not be '..'");
  EXPECT_EQ(nameError("foo bar"), "name 'foo bar' contains illegal character ' '");
  EXPECT_EQ(nameError("a/b"), "name 'a/b' contains illegal character '/'");
  EXPECT_EQ(nameError("x~"), "name 'x~' contains illegal character '~'");
}

TEST(FormatStorePath, ParseAndPrint) {
  auto p = parseStorePath("/nix/store/xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q-foo.txt");
  EXPECT_EQ(p.hashPart, "xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q");
  EXPECT_EQ(p.name, "foo.txt");
  EXPECT_EQ(p.baseName(), "xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q-foo.txt");
  EXPECT_FALSE(p.isDerivation());
  EXPECT_EQ(printStorePath(p), "/nix/store/xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q-foo.txt");
  EXPECT_EQ(printStorePath(p, "/tmp/st"), "/tmp/st/xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q-foo.txt");

  auto d = parseStorePath("/tmp/st/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv", "/tmp/st");
  EXPECT_TRUE(d.isDerivation());
  EXPECT_TRUE(isStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv"));
  EXPECT_FALSE(isStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv/sub"));
  EXPECT_FALSE(isStorePath("/tmp/st/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv"));
}

TEST(FormatStorePath, ParseErrors) {
  EXPECT_EQ(errorOf([] { parseStorePath("/tmp/70aia2cap0q375yn9vna7r6bkz4lf044-x"); }),
            "path '/tmp/70aia2cap0q375yn9vna7r6bkz4lf044-x' is not in the Nix store");
  EXPECT_EQ(errorOf([] { parseStorePath("/nix/store/abc-x"); }),
            "'abc-x' is too short to be a valid store path");
  EXPECT_EQ(
      errorOf([] { parseStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf04e-x"); }),
      "store path '70aia2cap0q375yn9vna7r6bkz4lf04e-x' contains illegal base-32 character 'e'");
  EXPECT_EQ(
      errorOf([] { parseStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf04A-x"); }),
      "store path '70aia2cap0q375yn9vna7r6bkz4lf04A-x' contains illegal base-32 character 'A'");
  EXPECT_EQ(
      errorOf([] { parseStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-"); }),
      "path '70aia2cap0q375yn9vna7r6bkz4lf044-' is not a valid store path: name must not be empty");
  EXPECT_EQ(errorOf([] { parseStorePath("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-a b"); }),
            "path '70aia2cap0q375yn9vna7r6bkz4lf044-a b' is not a valid store path: name 'a b' "
            "contains illegal character ' '");
  // makeStorePath validates the name; the message names the computed base name.
  auto msg = errorOf([] {
    makeStorePath(
        "text", H("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), ".");
  });
  EXPECT_EQ(msg.substr(0, 6), "path '");
  EXPECT_EQ(msg.substr(6 + 32), "-.' is not a valid store path: name '.' is not valid");
}

TEST(FormatStorePath, TextPaths) {
  // builtins.toFile "foo.txt" "hello\n"
  EXPECT_EQ(printStorePath(makeTextPath("foo.txt", hashString(HashAlgo::SHA256, "hello\n"), {})),
            "/nix/store/xl3jbiq4g9jnqn8yp9y4cski5n3ylk1q-foo.txt");
  // builtins.toFile "a" "x"
  auto a = makeTextPath("a", hashString(HashAlgo::SHA256, "x"), {});
  EXPECT_EQ(printStorePath(a), "/nix/store/12wigjpizrn8axaqxj288q1b751qmwya-a");
  // let a = builtins.toFile "a" "x"; in builtins.toFile "b" "ref ${a}"
  std::string contents = "ref " + printStorePath(a);
  EXPECT_EQ(printStorePath(makeTextPath("b", hashString(HashAlgo::SHA256, contents), {a})),
            "/nix/store/kbnsdqvza4r1hzcr5vs2bhx8kv150g37-b");
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Text,
                                               hashString(HashAlgo::SHA256, contents), "b", {a})),
            "/nix/store/kbnsdqvza4r1hzcr5vs2bhx8kv150g37-b");
  EXPECT_THROW(makeTextPath("b", hashString(HashAlgo::SHA1, "x"), {}), std::invalid_argument);
}

TEST(FormatStorePath, StorePathType) {
  std::set<StorePath> refs{parseStorePath("/nix/store/z4ambysm1hm89bf7bf47jccn70r9zbxx-src"),
                           parseStorePath("/nix/store/12wigjpizrn8axaqxj288q1b751qmwya-a")};
  EXPECT_EQ(makeStorePathType("source", refs, true),
            "source:/nix/store/12wigjpizrn8axaqxj288q1b751qmwya-a:"
            "/nix/store/z4ambysm1hm89bf7bf47jccn70r9zbxx-src:self");
}

TEST(FormatStorePath, AddToStoreRecursive) {
  // nix-store --add hello.txt  (file "hello", NAR sha256 below)
  EXPECT_EQ(printStorePath(makeFixedOutputPath(
                FileIngestionMethod::Recursive,
                H("sha256:0a430879c266f8b57f4092a0f935cf3facd48bbccde5760d4748ca405171e969"),
                "hello.txt")),
            "/nix/store/xfp2hphvk98rkk9ywlqpp587rjdcgnc2-hello.txt");
  // nix-store --add dir  (dir/a = "hi\n", executable)
  EXPECT_EQ(
      printStorePath(makeFixedOutputPath(
          FileIngestionMethod::Recursive,
          H("sha256:4e1b8878c8859dede06554bdbe15c279a95f43ca7b3f7ffe9ba6338e79803665"), "dir")),
      "/nix/store/i79q95prj19r3j45aj2ddl1shzyhcjf5-dir");
  // nix-store --add-fixed --recursive sha1 dir / sha512 dir
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Recursive,
                                               H("sha1:10b544e0b003b8d3f63b8e28b7b4a8b1d6b7a193"),
                                               "dir")),
            "/nix/store/rr5k9n1qrxzdc8d44bkzvb8wwcr3fs8z-dir");
  EXPECT_EQ(
      printStorePath(makeFixedOutputPath(
          FileIngestionMethod::Recursive,
          H("sha512:d9aa9d2be5796cdca3a4a7057d02c18a77adcc9d9270e5cb9623ab8be62bd8b35f692133bd2"
            "ebae65e5da8c086ef35f3d3e1ad19b96b65d466dc4712831dd790"),
          "dir")),
      "/nix/store/03ll7kna7mw3vksisfg1i5zi9a9id1h6-dir");
}

TEST(FormatStorePath, AddToStoreFlat) {
  // nix-store --add-fixed sha256 hello.txt; builtins.path { recursive = false; name = "flat"; }
  auto sha256 = H("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Flat, sha256, "hello.txt")),
            "/nix/store/iixxin28s82lrxs8v4lcf7nha2dkwprm-hello.txt");
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Flat, sha256, "flat")),
            "/nix/store/55rlr5xql78vj5r1xpimlfvz0jzzlxn9-flat");
  // nix-store --add-fixed sha1 hello.txt
  EXPECT_EQ(printStorePath(makeFixedOutputPath(FileIngestionMethod::Flat,
                                               H("sha1:aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
                                               "hello.txt")),
            "/nix/store/bl4cpnz7cwz57jcydmc1ylp7y584axbs-hello.txt");
  EXPECT_THROW(
      makeFixedOutputPath(FileIngestionMethod::Flat, sha256, "x",
                          {parseStorePath("/nix/store/12wigjpizrn8axaqxj288q1b751qmwya-a")}),
      std::invalid_argument);
}

TEST(FormatStorePath, FixedOutputDerivations) {
  struct V {
    FileIngestionMethod m;
    const char *hash;
    const char *name;
    const char *path;
  } vs[] = {
      {FileIngestionMethod::Flat,
       "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "fx",
       "/nix/store/vmxnm1pb40j0a9pcnb9pb5cmvlz1v124-fx"},
      {FileIngestionMethod::Recursive,
       "sha256:4c5995e13c634aee90f8d0f711be5c1b8bb41a6fadd4d99f46f393c872ded954", "fxr",
       "/nix/store/0dj3fi3q3sfclqnr282bwg70f7p6rf3z-fxr"},
      {FileIngestionMethod::Flat, "md5:5d41402abc4b2a76b9719d911017c592", "fxmd5",
       "/nix/store/j9pj1iyp4svxbn6n66iay4vpdfpdm9mg-fxmd5"},
      {FileIngestionMethod::Recursive, "sha1:aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "fxsha1",
       "/nix/store/bqx5dszwb7xlg1ng8h1swvn89wz7syyk-fxsha1"},
      {FileIngestionMethod::Flat,
       "sha512:"
       "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e1"
       "4b8c5da0c4663475c2e5c3adef46f73bcdec043",
       "fxsha512", "/nix/store/yx6mvfhx35x26wrmyb7jcp031bzimlb7-fxsha512"},
  };
  for (const auto &v : vs)
    EXPECT_EQ(printStorePath(makeFixedOutputPath(v.m, H(v.hash), v.name)), v.path) << v.name;
}

TEST(FormatStorePath, OutputPathName) {
  EXPECT_EQ(outputPathName("hello-1.0", "out"), "hello-1.0");
  EXPECT_EQ(outputPathName("hello-1.0", "dev"), "hello-1.0-dev");
}
