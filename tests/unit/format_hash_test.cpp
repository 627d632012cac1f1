// Hash layer tests. Expected values were produced once with Nix 2.8
// (`nix-hash --flat`, `nix hash file --base64/--sri`, `builtins.hashString`,
// `builtins.toFile`) and coreutils `*sum`, then hard-coded. Error texts come
// from upstream Nix's libutil/hash.cc and the nix-lang conformance corpus.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "format/base16.h"
#include "format/base32.h"
#include "format/base64.h"
#include "format/hash.h"
#include "util/error.h"

using namespace bastion::format;

namespace {

struct Vector {
  const char *input;
  HashAlgo algo;
  const char *base16;
  const char *nix32;
  const char *base64;
};

const char kFox[] = "The quick brown fox jumps over the lazy dog";

const Vector kVectors[] = {
    {"", HashAlgo::MD5, "d41d8cd98f00b204e9800998ecf8427e", "3y8bwfr609h3lh9ch0izcqq7fl",
     "1B2M2Y8AsgTpgAmY7PhCfg=="},
    {"", HashAlgo::SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
     "143xibwh31h9bvxzalr0sjvbbvpa6ffs", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
    {"", HashAlgo::SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
     "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    {"", HashAlgo::SHA512,
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877ee"
     "c2f63b931bd47417a81a538327af927da3e",
     "0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf"
     "7ggqsy30yg",
     "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="},
    {"abc", HashAlgo::MD5, "900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch",
     "kAFQmDzST7DWlj99KOF/cg=="},
    {"abc", HashAlgo::SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d",
     "kpcd173cq987hw957sx6m0868wv3x6d9", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="},
    {"abc", HashAlgo::SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
     "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
    {"abc", HashAlgo::SHA512,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fee"
     "bbd454d4423643ce80e2a9ac94fa54ca49f",
     "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876bly"
     "k1jfhkbbyx",
     "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="},
    {kFox, HashAlgo::MD5, "9e107d9d372bb6826bd81d3542a419d6", "6n36j44d8xv1mq5dib6yfps44y",
     "nhB9nTcrtoJr2B01QqQZ1g=="},
    {kFox, HashAlgo::SHA1, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
     "2bmr66rrwxvbpqcyhknzqa1dgb3f3m1g", "L9ThxnotKPzthJ7hu3bnORuT6xI="},
    {kFox, HashAlgo::SHA256, "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
     "14p5r4vvzl025mvdng3dwi8md3ag5q4b1g4sr9lr906p0yrzpa6p",
     "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI="},
    {kFox, HashAlgo::SHA512,
     "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547d1e8a3b5"
     "ed6e1bfd7097821233fa0538f3db854fee6",
     "3kgwm5q7n7m781z4chph2fppzhxcpivi8g7sm0j77r59aajla9jwr5vdd1qbmq9lf4dgj6hny7j2lb9sxg47h5s7zvp6s"
     "kgb3clgr87",
     "B+VH2VhvanP3P7rAQ17XaVEhj7fQyNeIownXhUNru2Quk6JSqVTyORJUfR6KO17W4b/XCXghIz+gU489uFT+5g=="},
};

std::string name(HashAlgo a) { return std::string(hashAlgoName(a)); }

// Runs `f`, expects a HashError of `kind`, and returns its message.
template <typename F> std::string errorOf(F f, HashError::Kind kind = HashError::Kind::BadHash) {
  try {
    f();
  } catch (const HashError &e) {
    EXPECT_EQ(e.kind, kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no HashError thrown";
  return {};
}

} // namespace

// ------------------------------------------------------------ names

TEST(FormatHashNames, AlgorithmsRoundTrip) {
  for (auto a : {HashAlgo::MD5, HashAlgo::SHA1, HashAlgo::SHA256, HashAlgo::SHA512})
    EXPECT_EQ(parseHashAlgo(hashAlgoName(a)), a);
  EXPECT_EQ(hashSize(HashAlgo::MD5), 16u);
  EXPECT_EQ(hashSize(HashAlgo::SHA1), 20u);
  EXPECT_EQ(hashSize(HashAlgo::SHA256), 32u);
  EXPECT_EQ(hashSize(HashAlgo::SHA512), 64u);
  EXPECT_FALSE(parseHashAlgo("SHA256"));
  EXPECT_FALSE(parseHashAlgo("blake3"));
  EXPECT_FALSE(parseHashAlgo(""));
}

TEST(FormatHashNames, Formats) {
  std::string warning;
  EXPECT_EQ(parseHashFormat("base16", &warning), HashFormat::Base16);
  EXPECT_EQ(parseHashFormat("nix32", &warning), HashFormat::Nix32);
  EXPECT_EQ(parseHashFormat("base64", &warning), HashFormat::Base64);
  EXPECT_EQ(parseHashFormat("sri", &warning), HashFormat::SRI);
  EXPECT_EQ(warning, "");
  EXPECT_EQ(parseHashFormat("base32", &warning), HashFormat::Nix32);
  // Text of the warning in eval-okay-convertHash.err.exp.
  EXPECT_EQ(warning, R"("base32" is a deprecated alias for hash format "nix32".)");
  EXPECT_FALSE(parseHashFormat("hex"));
  EXPECT_FALSE(parseHashFormat("SRI"));
  for (auto f : {HashFormat::Base16, HashFormat::Nix32, HashFormat::Base64, HashFormat::SRI})
    EXPECT_EQ(parseHashFormat(hashFormatName(f)), f);
}

TEST(FormatHashNames, Errors) {
  // Exactly eval-fail-hashString-2.err.exp.
  EXPECT_EQ(errorOf([] { parseHashAlgoOrThrow("foo"); }, HashError::Kind::Usage),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
  EXPECT_EQ(errorOf([] { parseHashAlgoOrThrow("blake3"); }, HashError::Kind::MissingFeature),
            "experimental Nix feature 'blake3-hashes' is disabled; add "
            "'--extra-experimental-features blake3-hashes' to enable it");
  EXPECT_EQ(errorOf([] { parseHashFormatOrThrow("hex"); }, HashError::Kind::Usage),
            "unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'");
  EXPECT_EQ(parseHashAlgoOrThrow("sha1"), HashAlgo::SHA1);
  EXPECT_EQ(parseHashFormatOrThrow("sri"), HashFormat::SRI);
}

// ------------------------------------------------------------ hashing + printing

TEST(FormatHash, VectorsInEveryFormat) {
  for (const auto &v : kVectors) {
    SCOPED_TRACE(name(v.algo) + " of '" + v.input + "'");
    Hash h = hashString(v.algo, v.input);
    EXPECT_EQ(h.algo, v.algo);
    EXPECT_EQ(h.size, hashSize(v.algo));
    EXPECT_EQ(h.to(HashFormat::Base16, false), v.base16);
    EXPECT_EQ(h.to(HashFormat::Nix32, false), v.nix32);
    EXPECT_EQ(h.to(HashFormat::Base64, false), v.base64);
    EXPECT_EQ(h.to(HashFormat::SRI, false), name(v.algo) + "-" + v.base64);
    EXPECT_EQ(h.to(HashFormat::SRI, true), name(v.algo) + "-" + v.base64);
    EXPECT_EQ(h.to(HashFormat::Base16, true), name(v.algo) + ":" + v.base16);
    EXPECT_EQ(h.to(HashFormat::Nix32, true), name(v.algo) + ":" + v.nix32);
    EXPECT_EQ(h.to(HashFormat::Base64, true), name(v.algo) + ":" + v.base64);
  }
}

TEST(FormatHash, SinkMatchesOneShotAcrossChunkings) {
  std::string data;
  for (int i = 0; i < 1000; ++i)
    data += std::to_string(i * 7919) + ",";
  for (auto a : {HashAlgo::MD5, HashAlgo::SHA1, HashAlgo::SHA256, HashAlgo::SHA512}) {
    Hash expected = hashString(a, data);
    for (size_t chunk : {1u, 3u, 64u, 1000u}) {
      HashSink sink(a);
      for (size_t off = 0; off < data.size(); off += chunk)
        sink.update(std::string_view(data).substr(off, chunk));
      EXPECT_EQ(sink.bytesHashed(), data.size());
      EXPECT_EQ(sink.finish(), expected);
    }
  }
}

TEST(FormatHash, SinkIsSingleUseAndMovable) {
  HashSink a(HashAlgo::SHA256);
  a.update(std::string_view("ab"));
  HashSink b = std::move(a);
  b.update(std::string_view("c"));
  EXPECT_EQ(b.finish().to(HashFormat::Base16, false),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THROW(b.finish(), std::logic_error);
  EXPECT_THROW(b.update(std::string_view("x")), std::logic_error);
}

TEST(FormatHash, File) {
  std::string path = ::testing::TempDir() + "bastion_format_hash_test.txt";
  std::ofstream(path, std::ios::binary) << kFox;
  EXPECT_EQ(hashFile(HashAlgo::SHA256, path).to(HashFormat::Nix32, false),
            "14p5r4vvzl025mvdng3dwi8md3ag5q4b1g4sr9lr906p0yrzpa6p");
  EXPECT_EQ(hashFile(HashAlgo::MD5, path).to(HashFormat::Base16, false),
            "9e107d9d372bb6826bd81d3542a419d6");
  std::remove(path.c_str());
  try {
    hashFile(HashAlgo::SHA256, path);
    ADD_FAILURE() << "missing file hashed";
  } catch (const bastion::util::SysError &e) {
    EXPECT_EQ(std::string(e.what()), "opening file '" + path + "': No such file or directory");
  }
  // A directory opens but cannot be read.
  EXPECT_THROW(hashFile(HashAlgo::SHA256, ::testing::TempDir()), bastion::util::SysError);
}

TEST(FormatHash, EqualityAndOrder) {
  Hash a = hashString(HashAlgo::SHA256, "a");
  Hash b = hashString(HashAlgo::SHA256, "b");
  EXPECT_EQ(a, hashString(HashAlgo::SHA256, "a"));
  EXPECT_NE(a, b);
  EXPECT_NE(hashString(HashAlgo::MD5, ""), hashString(HashAlgo::SHA1, ""));
  EXPECT_LT(hashString(HashAlgo::MD5, "z"), hashString(HashAlgo::SHA1, "a")); // size first
  EXPECT_EQ(a < b, a.to(HashFormat::Base16, false) < b.to(HashFormat::Base16, false));
  Hash zero(HashAlgo::SHA1);
  EXPECT_EQ(zero.to(HashFormat::Base16, false), std::string(40, '0'));
}

TEST(FormatHash, CompressMatchesStorePath) {
  // builtins.toFile "foo" "bar" == /nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo
  std::string inner = hashString(HashAlgo::SHA256, "bar").to(HashFormat::Base16, false);
  Hash h = hashString(HashAlgo::SHA256, "text:sha256:" + inner + ":/nix/store:foo");
  Hash c = compressHash(h, 20);
  EXPECT_EQ(c.size, 20u);
  EXPECT_EQ(c.to(HashFormat::Nix32, false), "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0");
}

// ------------------------------------------------------------ parsing

TEST(FormatHashParse, EveryFormatEveryAlgo) {
  for (const auto &v : kVectors) {
    SCOPED_TRACE(name(v.algo) + " of '" + v.input + "'");
    Hash h = hashString(v.algo, v.input);
    const std::string bodies[] = {v.base16, v.nix32, v.base64};
    for (const auto &body : bodies) {
      EXPECT_EQ(parseHashAny(body, v.algo), h) << body;
      EXPECT_EQ(parseHashAny(name(v.algo) + ":" + body, std::nullopt), h) << body;
      EXPECT_EQ(parseHashAny(name(v.algo) + ":" + body, v.algo), h) << body;
      EXPECT_EQ(parseHashAnyPrefixed(name(v.algo) + ":" + body), h) << body;
    }
    std::string sri = name(v.algo) + "-" + v.base64;
    EXPECT_EQ(parseHashAny(sri, std::nullopt), h);
    EXPECT_EQ(parseHashAny(sri, v.algo), h);
    EXPECT_EQ(parseHashAnyPrefixed(sri), h);
    EXPECT_EQ(parseHashSRI(sri), h);
    for (auto f : {HashFormat::Base16, HashFormat::Nix32, HashFormat::Base64, HashFormat::SRI})
      EXPECT_EQ(parseHashAny(h.to(f, true), std::nullopt), h);
  }
}

TEST(FormatHashParse, LenienciesNixAllows) {
  Hash abc = hashString(HashAlgo::SHA256, "abc");
  // Upper-case base16.
  EXPECT_EQ(parseHashAny("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                         HashAlgo::SHA256),
            abc);
  // SRI without its '=' padding (accepted for backward compatibility).
  EXPECT_EQ(parseHashAny("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", std::nullopt), abc);
  EXPECT_EQ(parseHashSRI("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/"
                         "uu9RU1EI2Q86A4qmslPpUyknw"),
            hashString(HashAlgo::SHA512, "abc"));
  // A "<algo>:" prefix in front of SRI-looking text is read by length.
  EXPECT_EQ(parseHashAny("sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", std::nullopt), abc);
}

TEST(FormatHashParse, Errors) {
  const std::string sha256Hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  auto any = [](std::string s, std::optional<HashAlgo> a = std::nullopt) {
    return [s, a] { parseHashAny(s, a); };
  };

  EXPECT_EQ(errorOf(any("xyz")),
            "hash 'xyz' does not include a type, nor is the type otherwise known from context");
  EXPECT_EQ(errorOf(any(sha256Hex)), "hash '" + sha256Hex +
                                         "' does not include a type, nor is the type otherwise "
                                         "known from context");
  EXPECT_EQ(errorOf(any("sha1:" + sha256Hex, HashAlgo::SHA256)),
            "hash 'sha1:" + sha256Hex + "' should have type 'sha256'");
  EXPECT_EQ(errorOf(any("md5-1B2M2Y8AsgTpgAmY7PhCfg==", HashAlgo::SHA256)),
            "hash 'md5-1B2M2Y8AsgTpgAmY7PhCfg==' should have type 'sha256'");
  EXPECT_EQ(errorOf(any("foo:abc"), HashError::Kind::Usage),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
  EXPECT_EQ(
      errorOf(any("SHA256-abc"), HashError::Kind::Usage),
      "unknown hash algorithm 'SHA256', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
  EXPECT_EQ(errorOf(any("blake3:abc"), HashError::Kind::MissingFeature),
            "experimental Nix feature 'blake3-hashes' is disabled; add "
            "'--extra-experimental-features blake3-hashes' to enable it");

  // Length picks the encoding; no length fits.
  EXPECT_EQ(errorOf(any("sha256:abc")), "hash 'abc' has wrong length for hash algorithm 'sha256'");
  EXPECT_EQ(errorOf(any("abc", HashAlgo::MD5)),
            "hash 'abc' has wrong length for hash algorithm 'md5'");
  EXPECT_EQ(errorOf(any("sha512:" + sha256Hex)),
            "hash '" + sha256Hex + "' has wrong length for hash algorithm 'sha512'");

  // Right length, bad content. Nix discards the decoder's own error, so
  // the decoded length it reports is 0.
  std::string badHex = "g" + sha256Hex.substr(1);
  EXPECT_EQ(errorOf(any("sha256:" + badHex)),
            "invalid base16 hash '" + badHex + "', length 0 != expected length 32");
  std::string badNix32 = "e" + std::string("b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  EXPECT_EQ(errorOf(any(badNix32, HashAlgo::SHA256)),
            "invalid nix32 hash '" + badNix32 + "', length 0 != expected length 32");
  // The first nix32 digit of a sha256 holds one bit; more spills over.
  std::string overflow = "z" + std::string("b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  EXPECT_EQ(errorOf(any(overflow, HashAlgo::SHA256)),
            "invalid nix32 hash '" + overflow + "', length 33 != expected length 32");
  std::string unpadded = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0A"; // 44 chars, no '='
  EXPECT_EQ(errorOf(any(unpadded, HashAlgo::SHA256)),
            "invalid Base64 hash '" + unpadded + "', length 33 != expected length 32");
  std::string badB64 = "ungWv48Bz!pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
  EXPECT_EQ(errorOf(any(badB64, HashAlgo::SHA256)),
            "invalid Base64 hash '" + badB64 + "', length 0 != expected length 32");
  EXPECT_EQ(errorOf(any("sha256-abcd")), "invalid SRI hash 'abcd', length 3 != expected length 32");
  EXPECT_EQ(errorOf(any("sha256-")), "invalid SRI hash '', length 0 != expected length 32");
  EXPECT_EQ(errorOf(any("sha256-" + sha256Hex)),
            "invalid SRI hash '" + sha256Hex + "', length 48 != expected length 32");
  EXPECT_EQ(errorOf(any("sha256-ungW!48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")),
            "invalid SRI hash 'ungW!48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=', length 0 != "
            "expected length 32");

  // The narrower entry points.
  EXPECT_EQ(errorOf([&] { parseHashAnyPrefixed(sha256Hex); }),
            "hash '" + sha256Hex + "' does not include a type");
  EXPECT_EQ(errorOf([&] { parseHashSRI("sha256:" + sha256Hex); }),
            "hash 'sha256:" + sha256Hex + "' is not SRI");
  EXPECT_EQ(errorOf([] { parseHashSRI("sha256-abcd"); }),
            "invalid SRI hash 'abcd', length 3 != expected length 32");
  EXPECT_EQ(errorOf([] { parseHashSRI("foo-abcd"); }, HashError::Kind::Usage),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
}

TEST(FormatHashParse, AllowEmpty) {
  EXPECT_EQ(errorOf([] { parseHashAllowEmpty("", std::nullopt); }),
            "empty hash requires explicit hash algorithm");
  std::string warning;
  Hash h = parseHashAllowEmpty("", HashAlgo::SHA256, &warning);
  EXPECT_EQ(h, Hash(HashAlgo::SHA256));
  EXPECT_EQ(warning,
            "found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='");
  EXPECT_EQ(parseHashAllowEmpty("md5-1B2M2Y8AsgTpgAmY7PhCfg==", std::nullopt),
            hashString(HashAlgo::MD5, ""));
}

// ------------------------------------------------------------ encodings

namespace {
std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(i * 37 + 11 + (i >> 3));
  return v;
}
} // namespace

TEST(FormatEncodings, RoundTripAllLengths) {
  for (size_t n = 0; n <= 70; ++n) {
    auto data = pattern(n);
    auto b16 = base16Encode(data);
    EXPECT_EQ(b16.size(), 2 * n);
    EXPECT_EQ(base16Decode(b16), data);
    auto n32 = nix32Encode(data);
    EXPECT_EQ(n32.size(), nix32Length(n));
    EXPECT_EQ(nix32Decode(n32), data) << n32;
    auto b64 = base64Encode(data);
    EXPECT_EQ(b64.size(), base64Length(n));
    EXPECT_EQ(base64Decode(b64), data) << b64;
    EXPECT_EQ(base64DecodeLenient(b64), data) << b64;
  }
}

TEST(FormatEncodings, Base16) {
  EXPECT_EQ(base16Encode(std::vector<uint8_t>{0x00, 0xab, 0xff}), "00abff");
  EXPECT_EQ(base16Decode("00ABfF"), (std::vector<uint8_t>{0x00, 0xab, 0xff}));
  EXPECT_FALSE(base16Decode("abc"));
  EXPECT_FALSE(base16Decode("0g"));
  EXPECT_FALSE(base16Decode(" 0"));
}

TEST(FormatEncodings, Nix32) {
  EXPECT_EQ(nix32Length(0), 0u);
  EXPECT_EQ(nix32Length(16), 26u);
  EXPECT_EQ(nix32Length(20), 32u);
  EXPECT_EQ(nix32Length(32), 52u);
  EXPECT_EQ(nix32Length(64), 103u);
  EXPECT_EQ(nix32Encode(std::vector<uint8_t>{}), "");
  // One byte 0x1f: low five bits are the last digit, top three the first.
  EXPECT_EQ(nix32Encode(std::vector<uint8_t>{0x1f}), "0z");
  EXPECT_EQ(nix32Encode(std::vector<uint8_t>{0xff}), "7z");
  EXPECT_EQ(nix32Decode("7z"), (std::vector<uint8_t>{0xff}));
  EXPECT_FALSE(nix32Decode("8z")); // a ninth bit
  EXPECT_FALSE(nix32Decode("0e")); // 'e' is not in the alphabet
  EXPECT_FALSE(nix32Decode("0Z"));
  EXPECT_EQ(nix32Decode(""), std::vector<uint8_t>{});
  EXPECT_TRUE(isNix32Char('v'));
  for (char c : std::string("eotu-"))
    EXPECT_FALSE(isNix32Char(c)) << c;
  EXPECT_EQ(kNix32Alphabet.size(), 32u);
}

TEST(FormatEncodings, Base64Strict) {
  EXPECT_EQ(base64Encode(std::string_view("")), "");
  EXPECT_EQ(base64Encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(base64Encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(base64Encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64Encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64Decode("Zm9vYg=="), (std::vector<uint8_t>{'f', 'o', 'o', 'b'}));
  EXPECT_FALSE(base64Decode("Zm9vYg"));   // padding missing
  EXPECT_FALSE(base64Decode("Zm9vYg="));  // wrong length
  EXPECT_FALSE(base64Decode("Zm=vYg==")); // '=' inside
  EXPECT_FALSE(base64Decode("Zm9vYh==")); // set leftover bits
  EXPECT_FALSE(base64Decode("Zm9v\nYg=="));
  EXPECT_FALSE(base64Decode("Zm9-Yg=="));
  EXPECT_FALSE(base64Decode("Z==="));
  EXPECT_FALSE(base64Decode("===="));
}

TEST(FormatEncodings, Base64Lenient) {
  std::vector<uint8_t> foob{'f', 'o', 'o', 'b'};
  EXPECT_EQ(base64DecodeLenient("Zm9vYg"), foob);
  EXPECT_EQ(base64DecodeLenient("Zm9v\nYg=="), foob);
  EXPECT_EQ(base64DecodeLenient("Zm9vYh"), foob);     // leftover bits ignored
  EXPECT_EQ(base64DecodeLenient("Zm9vYg==!!"), foob); // stops at '='
  EXPECT_EQ(base64DecodeLenient("Zm9v=Yg=="), (std::vector<uint8_t>{'f', 'o', 'o'}));
  EXPECT_FALSE(base64DecodeLenient("Zm9v!Yg=="));
  EXPECT_FALSE(base64DecodeLenient("Zm9-"));
}
