// narinfo files, nix-cache-info, keys and signatures (format/narinfo.h,
// format/signature.h) against the vectors Nix 2.8 wrote
// (tests/vectors/narinfo/README.md says how).
#include <gtest/gtest.h>

#include "format/hash.h"
#include "format/nar.h"
#include "format/narinfo.h"
#include "format/signature.h"
#include "nar_rewrite.h"
#include "vectors.h"

using namespace bastion::format;

namespace {

std::string readVector(const std::string &rel) {
  return bastion::test::readVector("narinfo/" + rel);
}

// The narinfo files of one cache directory, as paths relative to narinfo/.
std::vector<std::string> narinfoFiles(const std::string &cache) {
  std::vector<std::string> out;
  for (const std::string &f : bastion::test::vectorFiles("narinfo/" + cache, ".narinfo"))
    out.push_back(cache + "/" + f);
  return out;
}

const char *kTop = "xyjr44x6lz7ghzl4fb5c5fq8d56l01pn.narinfo";

} // namespace

TEST(NarInfo, ParsesAndReprintsNixsFilesByteForByte) {
  size_t n = 0;
  for (const char *cache : {"cache-xz", "cache-zstd", "cache-bzip2", "cache-none"})
    for (const std::string &f : narinfoFiles(cache)) {
      std::string text = readVector(f);
      NarInfo info = parseNarInfo(text, f);
      EXPECT_EQ(printNarInfo(info), text) << f;
      n++;
    }
  EXPECT_EQ(n, 14u);
}

TEST(NarInfo, Fields) {
  NarInfo info = parseNarInfo(readVector(std::string("cache-xz/") + kTop), kTop);
  EXPECT_EQ(info.storePath, "/nix/store/xyjr44x6lz7ghzl4fb5c5fq8d56l01pn-top.txt");
  EXPECT_EQ(info.compression, "xz");
  EXPECT_EQ(info.url, "nar/03hzb7cvzczaybfhadqlsypx9rmlkwh18mpgqj0xjnkz030f6mzp.nar.xz");
  EXPECT_EQ(info.narSize, 184u);
  EXPECT_EQ(info.fileSize, 188u);
  EXPECT_EQ(info.references, std::set<std::string>{"7hdk8qb9nscfnjpv2h2fgsjia36908lr-dep.txt"});
  EXPECT_EQ(info.ca, "text:sha256:0rqiw8432gjh36irdwdifw7g6zb9w2bamysplvps04z82sk4sbk0");
  EXPECT_EQ(info.sigs.size(), 1u);
  NarInfo built =
      parseNarInfo(readVector("cache-xz/nb9i5l6x4pxjpilvagj5d7k7qlai1ldm.narinfo"), "built");
  EXPECT_EQ(built.deriver, "73s32b1lddz6dxqqqfj5asbrx76x6ykr-built.drv");
  EXPECT_EQ(built.ca, "");
}

TEST(NarInfo, Fingerprint) {
  NarInfo info = parseNarInfo(readVector(std::string("cache-xz/") + kTop), kTop);
  EXPECT_EQ(narInfoFingerprint(info),
            "1;/nix/store/xyjr44x6lz7ghzl4fb5c5fq8d56l01pn-top.txt;"
            "sha256:1pf81v9qn2fy0bn05zvyi9r548p6gcxbhxrm6nrihnqg4zgrp3ry;184;"
            "/nix/store/7hdk8qb9nscfnjpv2h2fgsjia36908lr-dep.txt");
  Hash md5(HashAlgo::MD5);
  EXPECT_THROW(pathFingerprint("/nix/store/x", md5, 1, {}), SignatureError);
}

TEST(NarInfo, CorruptFilesNameFileAndLine) {
  std::string good = readVector(std::string("cache-xz/") + kTop);
  auto errorOf = [](const std::string &text) {
    try {
      parseNarInfo(text, "c/x.narinfo");
    } catch (const NarInfoError &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(errorOf("StorePath: /nix/store/xyjr44x6lz7ghzl4fb5c5fq8d56l01pn-top.txt\nbogus\n"),
            "c/x.narinfo:2: expected 'Key: value', got 'bogus'");
  std::string badHash = good;
  badHash.replace(badHash.find("NarHash: sha256:") + 16, 1, "!");
  EXPECT_NE(errorOf(badHash).find("c/x.narinfo:6: bad NarHash"), std::string::npos);
  std::string noHash = good;
  noHash.erase(noHash.find("NarHash"), noHash.find("NarSize") - noHash.find("NarHash"));
  EXPECT_EQ(errorOf(noHash), "c/x.narinfo: NAR info file is corrupt: it has no NarHash");
  std::string badPath = good;
  badPath.replace(badPath.find("/nix/store/"), 11, "/tmp/store/");
  EXPECT_NE(errorOf(badPath).find("c/x.narinfo:1: StorePath"), std::string::npos);
  std::string badRef = good;
  badRef.replace(badRef.find("References: ") + 12, 3, "!!!");
  EXPECT_NE(errorOf(badRef).find("c/x.narinfo:8: References"), std::string::npos);
  EXPECT_NE(errorOf("StorePath: /nix/store/xyjr44x6lz7ghzl4fb5c5fq8d56l01pn-top.txt\n"
                    "NarSize: 12x\n"),
            "no error");
}

TEST(NarInfo, CacheInfo) {
  std::string text = readVector("cache-xz/nix-cache-info");
  CacheInfo info = parseCacheInfo(text, "nix-cache-info");
  EXPECT_EQ(info.storeDir, "/nix/store");
  EXPECT_EQ(printCacheInfo(info), text);
  CacheInfo other = parseCacheInfo("StoreDir: /x\nWantMassQuery: 1\nPriority: 30\n", "n");
  EXPECT_EQ(other.priority, 30);
  EXPECT_TRUE(other.wantMassQuery);
  EXPECT_EQ(printCacheInfo(other), "StoreDir: /x\nWantMassQuery: 1\nPriority: 30\n");
  EXPECT_THROW(parseCacheInfo("Priority: high\n", "n"), NarInfoError);
}

TEST(Signature, KeysRoundTripAndMatch) {
  std::string secText = readVector("test-key-1.sec"), pubText = readVector("test-key-1.pub");
  SecretKey sk = SecretKey::parse(secText);
  PublicKey pk = PublicKey::parse(pubText);
  EXPECT_EQ(sk.name, "test-key-1");
  EXPECT_EQ(sk.toString(), secText);
  EXPECT_EQ(pk.toString(), pubText);
  EXPECT_EQ(sk.toPublicKey().toString(), pubText);
  EXPECT_THROW(PublicKey::parse("nocolon"), SignatureError);
  EXPECT_THROW(PublicKey::parse("k:AAAA"), SignatureError); // 3 bytes
  EXPECT_THROW(SecretKey::parse(pubText), SignatureError);  // 32 bytes, not 64
  EXPECT_THROW(PublicKey::parse("k:!!!!"), SignatureError); // not base64
  EXPECT_THROW(SecretKey::generate("a:b"), SignatureError);
}

TEST(Signature, SignsAsNixAndVerifiesNixsSignatures) {
  SecretKey sk = SecretKey::parse(readVector("test-key-1.sec"));
  PublicKeys trusted = parsePublicKeys(readVector("test-key-1.pub"));
  size_t n = 0;
  for (const std::string &f : narinfoFiles("cache-xz")) {
    NarInfo info = parseNarInfo(readVector(f), f);
    std::string fp = narInfoFingerprint(info);
    ASSERT_EQ(info.sigs.size(), 1u) << f;
    const std::string &sig = *info.sigs.begin();
    EXPECT_EQ(sk.signDetached(fp), sig) << f; // Ed25519 is deterministic
    EXPECT_TRUE(verifySignature(fp, sig, trusted)) << f;
    EXPECT_FALSE(verifySignature(fp + "x", sig, trusted)) << f;
    n++;
  }
  EXPECT_EQ(n, 4u);
}

TEST(Signature, RejectsForeignAndMalformed) {
  SecretKey sk = SecretKey::parse(readVector("test-key-1.sec"));
  PublicKeys trusted = parsePublicKeys(readVector("test-key-1.pub"));
  SecretKey other = SecretKey::generate("test-key-1"); // same name, other key
  SecretKey stranger = SecretKey::generate("stranger");
  std::string fp = "1;/nix/store/x;sha256:0;1;";
  EXPECT_TRUE(verifySignature(fp, sk.signDetached(fp), trusted));
  EXPECT_FALSE(verifySignature(fp, other.signDetached(fp), trusted));
  EXPECT_FALSE(verifySignature(fp, stranger.signDetached(fp), trusted));
  EXPECT_EQ(signatureKeyName(stranger.signDetached(fp)), "stranger");
  std::string sig = sk.signDetached(fp);
  std::string flipped = sig;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifySignature(fp, flipped, trusted));
  EXPECT_FALSE(verifySignature(fp, "test-key-1:", trusted));
  EXPECT_FALSE(verifySignature(fp, "test-key-1:!!!", trusted));
  EXPECT_FALSE(verifySignature(fp, "nocolon", trusted));
  EXPECT_THROW(parsePublicKeys("good:AAAA"), SignatureError);
  PublicKeys two =
      parsePublicKeys(readVector("test-key-1.pub") + "  \n " + stranger.toPublicKey().toString());
  EXPECT_EQ(two.size(), 2u);
}

TEST(NarInfo, FilesAreWhatTheNarinfosRecord) {
  // Every narinfo's URL names a file of FileSize bytes hashing to FileHash;
  // uncompressed, that file is a canonical NAR of NarSize bytes hashing to
  // NarHash, which NarWriter writes again byte for byte.
  size_t n = 0, nars = 0;
  for (const char *cache : {"cache-xz", "cache-zstd", "cache-bzip2", "cache-none"})
    for (const std::string &f : narinfoFiles(cache)) {
      SCOPED_TRACE(f);
      NarInfo info = parseNarInfo(readVector(f), f);
      std::string file = readVector(std::string(cache) + "/" + info.url);
      EXPECT_EQ(file.size(), info.fileSize);
      ASSERT_TRUE(info.fileHash.has_value());
      EXPECT_EQ(hashString(info.fileHash->algo, file), *info.fileHash);
      if (info.compression == "none") {
        EXPECT_EQ(file.size(), info.narSize);
        EXPECT_EQ(hashString(info.narHash.algo, file), info.narHash);
        std::string again;
        StringNarSink sink(again);
        bastion::test::NarRewriter rw(sink);
        StringNarSource src(file);
        parseNar(src, rw);
        rw.finish();
        EXPECT_EQ(again, file);
        nars++;
      }
      n++;
    }
  EXPECT_EQ(n, 14u);
  EXPECT_EQ(nars, 3u);
}
