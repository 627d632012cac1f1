#include "format/hash.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include <openssl/evp.h>

#include "format/base16.h"
#include "format/base32.h"
#include "format/base64.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/io.h"

namespace bastion::format {

// ---------------------------------------------------------------- names

std::optional<HashAlgo> parseHashAlgo(std::string_view name) {
  if (name == "md5")
    return HashAlgo::MD5;
  if (name == "sha1")
    return HashAlgo::SHA1;
  if (name == "sha256")
    return HashAlgo::SHA256;
  if (name == "sha512")
    return HashAlgo::SHA512;
  return std::nullopt;
}

std::string_view hashAlgoName(HashAlgo algo) {
  switch (algo) {
  case HashAlgo::MD5:
    return "md5";
  case HashAlgo::SHA1:
    return "sha1";
  case HashAlgo::SHA256:
    return "sha256";
  case HashAlgo::SHA512:
    return "sha512";
  }
  throw std::logic_error("invalid HashAlgo");
}

size_t hashSize(HashAlgo algo) {
  switch (algo) {
  case HashAlgo::MD5:
    return 16;
  case HashAlgo::SHA1:
    return 20;
  case HashAlgo::SHA256:
    return 32;
  case HashAlgo::SHA512:
    return 64;
  }
  throw std::logic_error("invalid HashAlgo");
}

HashAlgo parseHashAlgoOrThrow(std::string_view name) {
  if (auto algo = parseHashAlgo(name))
    return *algo;
  // Nix knows blake3 but gates it behind an experimental feature, so the
  // name is recognised and refused with the feature error instead.
  if (name == "blake3")
    throw HashError(HashError::Kind::MissingFeature,
                    "experimental Nix feature 'blake3-hashes' is disabled; add "
                    "'--extra-experimental-features blake3-hashes' to enable it");
  throw HashError(HashError::Kind::Usage,
                  "unknown hash algorithm '" + std::string(name) +
                      "', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
}

std::optional<HashFormat> parseHashFormat(std::string_view name, std::string *warning) {
  if (name == "base16")
    return HashFormat::Base16;
  if (name == "nix32")
    return HashFormat::Nix32;
  if (name == "base32") {
    if (warning)
      *warning = R"("base32" is a deprecated alias for hash format "nix32".)";
    return HashFormat::Nix32;
  }
  if (name == "base64")
    return HashFormat::Base64;
  if (name == "sri")
    return HashFormat::SRI;
  return std::nullopt;
}

std::string_view hashFormatName(HashFormat format) {
  switch (format) {
  case HashFormat::Base16:
    return "base16";
  case HashFormat::Nix32:
    return "nix32";
  case HashFormat::Base64:
    return "base64";
  case HashFormat::SRI:
    return "sri";
  }
  throw std::logic_error("invalid HashFormat");
}

HashFormat parseHashFormatOrThrow(std::string_view name, std::string *warning) {
  if (auto format = parseHashFormat(name, warning))
    return *format;
  throw HashError(HashError::Kind::Usage, "unknown hash format '" + std::string(name) +
                                              "', expect 'base16', 'base32', 'base64', or 'sri'");
}

// ---------------------------------------------------------------- value

std::string Hash::to(HashFormat format, bool includeAlgo) const {
  std::string out;
  if (format == HashFormat::SRI || includeAlgo) {
    out += hashAlgoName(algo);
    out += format == HashFormat::SRI ? '-' : ':';
  }
  switch (format) {
  case HashFormat::Base16:
    out += base16Encode(digest());
    break;
  case HashFormat::Nix32:
    out += nix32Encode(digest());
    break;
  case HashFormat::Base64:
  case HashFormat::SRI:
    out += base64Encode(digest());
    break;
  }
  return out;
}

bool Hash::operator==(const Hash &other) const {
  return algo == other.algo && size == other.size && std::memcmp(bytes, other.bytes, size) == 0;
}

std::strong_ordering Hash::operator<=>(const Hash &other) const {
  if (auto c = size <=> other.size; c != 0)
    return c;
  for (size_t i = 0; i < size; ++i)
    if (auto c = bytes[i] <=> other.bytes[i]; c != 0)
      return c;
  return algo <=> other.algo;
}

Hash compressHash(const Hash &hash, size_t newSize) {
  if (newSize == 0 || newSize > Hash::kMaxSize)
    throw std::invalid_argument("compressHash: bad size");
  Hash out(hash.algo);
  out.size = newSize;
  std::memset(out.bytes, 0, sizeof out.bytes);
  for (size_t i = 0; i < hash.size; ++i)
    out.bytes[i % newSize] ^= hash.bytes[i];
  return out;
}

// ---------------------------------------------------------------- hashing

namespace {

const EVP_MD *evpFor(HashAlgo algo) {
  switch (algo) {
  case HashAlgo::MD5:
    return EVP_md5();
  case HashAlgo::SHA1:
    return EVP_sha1();
  case HashAlgo::SHA256:
    return EVP_sha256();
  case HashAlgo::SHA512:
    return EVP_sha512();
  }
  throw std::logic_error("invalid HashAlgo");
}

EVP_MD_CTX *ctxOf(void *p) { return static_cast<EVP_MD_CTX *>(p); }

} // namespace

HashSink::HashSink(HashAlgo algo) : algo_(algo), ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctxOf(ctx_), evpFor(algo), nullptr) != 1) {
    EVP_MD_CTX_free(ctxOf(ctx_));
    throw std::runtime_error("OpenSSL: cannot initialise " + std::string(hashAlgoName(algo)));
  }
}

HashSink::~HashSink() { EVP_MD_CTX_free(ctxOf(ctx_)); }

HashSink::HashSink(HashSink &&other) noexcept
    : algo_(other.algo_), ctx_(other.ctx_), count_(other.count_) {
  other.ctx_ = nullptr;
}

HashSink &HashSink::operator=(HashSink &&other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctxOf(ctx_));
    algo_ = other.algo_;
    ctx_ = other.ctx_;
    count_ = other.count_;
    other.ctx_ = nullptr;
  }
  return *this;
}

void HashSink::update(std::span<const uint8_t> data) {
  if (!ctx_)
    throw std::logic_error("HashSink used after finish()");
  if (EVP_DigestUpdate(ctxOf(ctx_), data.data(), data.size()) != 1)
    throw std::runtime_error("OpenSSL: digest update failed");
  count_ += data.size();
}

void HashSink::update(std::string_view data) {
  update(std::span(reinterpret_cast<const uint8_t *>(data.data()), data.size()));
}

Hash HashSink::finish() {
  if (!ctx_)
    throw std::logic_error("HashSink::finish() called twice");
  Hash hash(algo_);
  unsigned len = 0;
  int ok = EVP_DigestFinal_ex(ctxOf(ctx_), hash.bytes, &len);
  EVP_MD_CTX_free(ctxOf(ctx_));
  ctx_ = nullptr;
  if (ok != 1 || len != hash.size)
    throw std::runtime_error("OpenSSL: digest final failed");
  return hash;
}

Hash hashString(HashAlgo algo, std::string_view data) {
  HashSink sink(algo);
  sink.update(data);
  return sink.finish();
}

Hash hashFile(HashAlgo algo, const std::string &path) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    util::throwSysError("opening file '" + path + "'", path);
  HashSink sink(algo);
  std::vector<char> buf(64 * 1024);
  while (size_t n =
             util::readFull(fd.get(), buf.data(), buf.size(), "reading file '" + path + "'")) {
    sink.update(std::string_view(buf.data(), n));
    if (n < buf.size())
      break;
  }
  return sink.finish();
}

// ---------------------------------------------------------------- parsing

namespace {

[[noreturn]] void badHash(const std::string &msg) {
  throw HashError(HashError::Kind::BadHash, msg);
}

// Splits "<prefix><sep><rest>" at the first `sep`, leaving <rest> in `s`.
std::optional<std::string_view> splitPrefix(std::string_view &s, char sep) {
  auto pos = s.find(sep);
  if (pos == std::string_view::npos)
    return std::nullopt;
  auto prefix = s.substr(0, pos);
  s.remove_prefix(pos + 1);
  return prefix;
}

// Decodes `text` in `format` to exactly the algorithm's size. On failure
// the message quotes the length Nix's decoder would have produced: Nix
// swallows decoder errors (leaving 0 bytes) and lets set overflow bits of
// a nix32 string spill into one extra byte.
Hash decodeDigest(std::string_view text, HashAlgo algo, HashFormat format) {
  Hash hash(algo);
  std::optional<std::vector<uint8_t>> decoded;
  size_t gotLength = 0;
  std::string_view name;
  switch (format) {
  case HashFormat::Base16:
    name = "base16";
    decoded = base16Decode(text);
    break;
  case HashFormat::Nix32: {
    name = "nix32";
    decoded = nix32Decode(text);
    bool charsOk = true;
    for (char c : text)
      charsOk = charsOk && isNix32Char(c);
    if (!decoded && charsOk)
      gotLength = hash.size + 1;
    break;
  }
  case HashFormat::Base64:
  case HashFormat::SRI:
    name = format == HashFormat::SRI ? "SRI" : "Base64";
    decoded = base64DecodeLenient(text);
    break;
  }
  if (decoded)
    gotLength = decoded->size();
  if (!decoded || gotLength != hash.size)
    badHash("invalid " + std::string(name) + " hash '" + std::string(text) + "', length " +
            std::to_string(gotLength) + " != expected length " + std::to_string(hash.size));
  std::memcpy(hash.bytes, decoded->data(), hash.size);
  return hash;
}

// A bare digest's encoding is told apart by its length alone.
HashFormat formatFromLength(std::string_view text, HashAlgo algo) {
  size_t n = hashSize(algo);
  if (text.size() == 2 * n)
    return HashFormat::Base16;
  if (text.size() == nix32Length(n))
    return HashFormat::Nix32;
  if (text.size() == base64Length(n))
    return HashFormat::Base64;
  badHash("hash '" + std::string(text) + "' has wrong length for hash algorithm '" +
          std::string(hashAlgoName(algo)) + "'");
}

// Shared body of parseHashAny/parseHashAnyPrefixed: strip an "<algo>:" or
// SRI "<algo>-" prefix, let `resolve` reconcile it with the caller's
// expectation, then decode the rest.
template <typename Resolve>
Hash parseWithOptionalPrefix(std::string_view original, Resolve resolve) {
  std::string_view rest = original;
  bool isSRI = false;
  auto prefix = splitPrefix(rest, ':');
  if (!prefix) {
    prefix = splitPrefix(rest, '-');
    isSRI = prefix.has_value();
  }
  std::optional<HashAlgo> parsed;
  if (prefix)
    parsed = parseHashAlgoOrThrow(*prefix);
  HashAlgo algo = resolve(parsed);
  return decodeDigest(rest, algo, isSRI ? HashFormat::SRI : formatFromLength(rest, algo));
}

} // namespace

Hash parseHashAny(std::string_view s, std::optional<HashAlgo> algo) {
  return parseWithOptionalPrefix(s, [&](std::optional<HashAlgo> parsed) {
    if (!parsed && !algo)
      badHash("hash '" + std::string(s) +
              "' does not include a type, nor is the type otherwise known from context");
    if (parsed && algo && *parsed != *algo)
      badHash("hash '" + std::string(s) + "' should have type '" +
              std::string(hashAlgoName(*algo)) + "'");
    return parsed ? *parsed : *algo;
  });
}

Hash parseHashAnyPrefixed(std::string_view s) {
  return parseWithOptionalPrefix(s, [&](std::optional<HashAlgo> parsed) {
    if (!parsed)
      badHash("hash '" + std::string(s) + "' does not include a type");
    return *parsed;
  });
}

Hash parseHashSRI(std::string_view s) {
  std::string_view rest = s;
  auto prefix = splitPrefix(rest, '-');
  if (!prefix)
    badHash("hash '" + std::string(s) + "' is not SRI");
  return decodeDigest(rest, parseHashAlgoOrThrow(*prefix), HashFormat::SRI);
}

Hash parseHashAllowEmpty(std::string_view s, std::optional<HashAlgo> algo, std::string *warning) {
  if (!s.empty())
    return parseHashAny(s, algo);
  if (!algo)
    badHash("empty hash requires explicit hash algorithm");
  Hash zero(*algo);
  if (warning)
    *warning = "found empty hash, assuming '" + zero.to(HashFormat::SRI, true) + "'";
  return zero;
}

} // namespace bastion::format
