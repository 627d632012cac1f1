// Cryptographic hashes as Nix names, prints and parses them.
//
// Error texts are Nix's own (libutil/hash.cc, Nix >= 2.20), byte for byte,
// because they surface unchanged in evaluation errors.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bastion::format {

enum class HashAlgo { MD5, SHA1, SHA256, SHA512 };

// "md5", "sha1", "sha256", "sha512"; nullopt for anything else.
std::optional<HashAlgo> parseHashAlgo(std::string_view name);
std::string_view hashAlgoName(HashAlgo algo);
// Digest size in bytes.
size_t hashSize(HashAlgo algo);

enum class HashFormat { Base16, Nix32, Base64, SRI };

// "base16", "nix32", "base32" (deprecated alias of nix32), "base64", "sri".
// When `warning` is given and the deprecated alias was used, it receives the
// warning Nix prints (without the "warning: " prefix).
std::optional<HashFormat> parseHashFormat(std::string_view name, std::string *warning = nullptr);
std::string_view hashFormatName(HashFormat format);

// Thrown by every parsing entry point below; what() is Nix's message.
struct HashError : std::runtime_error {
  enum class Kind {
    BadHash,        // malformed hash text (Nix's BadHash)
    Usage,          // unknown algorithm/format name (Nix's UsageError;
                    // the CLI appends "Try '<cmd> --help' ...")
    MissingFeature, // "blake3" without the blake3-hashes feature
  };
  Kind kind;
  HashError(Kind k, const std::string &msg) : std::runtime_error(msg), kind(k) {}
};

// As parseHashAlgo/parseHashFormat, but throw HashError with Nix's text.
HashAlgo parseHashAlgoOrThrow(std::string_view name);
HashFormat parseHashFormatOrThrow(std::string_view name, std::string *warning = nullptr);

struct Hash {
  static constexpr size_t kMaxSize = 64;

  HashAlgo algo = HashAlgo::SHA256;
  uint8_t bytes[kMaxSize] = {};
  size_t size = 0;

  Hash() = default;
  // All-zero digest of the algorithm's size.
  explicit Hash(HashAlgo a) : algo(a), size(hashSize(a)) {}

  std::span<const uint8_t> digest() const { return {bytes, size}; }

  // Like Nix's Hash::to_string: SRI always reads "<algo>-<base64>";
  // other formats get an "<algo>:" prefix only when includeAlgo is set.
  std::string to(HashFormat format, bool includeAlgo) const;

  bool operator==(const Hash &other) const;
  // Nix's order: by size, then digest bytes, then algorithm.
  std::strong_ordering operator<=>(const Hash &other) const;
};

Hash hashString(HashAlgo algo, std::string_view data);
// Streams the file; throws util::SysError naming the path on failure
// (what() reads like Nix's SysError: "opening file '<path>': <reason>").
Hash hashFile(HashAlgo algo, const std::string &path);

// Incremental hashing (OpenSSL EVP). finish() may be called once.
class HashSink {
public:
  explicit HashSink(HashAlgo algo);
  ~HashSink();
  HashSink(HashSink &&other) noexcept;
  HashSink &operator=(HashSink &&other) noexcept;
  HashSink(const HashSink &) = delete;
  HashSink &operator=(const HashSink &) = delete;

  void update(std::string_view data);
  void update(std::span<const uint8_t> data);
  // Bytes fed so far (Nix reports this alongside NAR hashes).
  uint64_t bytesHashed() const { return count_; }
  Hash finish();

private:
  HashAlgo algo_;
  void *ctx_; // EVP_MD_CTX*, kept opaque so OpenSSL stays out of the header
  uint64_t count_ = 0;
};

// Parses "<algo>:<digest>", SRI "<algo>-<base64>" or a bare digest whose
// encoding (base16, nix32 or base64) is recognised by its length. `algo`
// supplies the algorithm for bare digests and must agree with a prefix.
Hash parseHashAny(std::string_view s, std::optional<HashAlgo> algo);
// Like parseHashAny but the text must name its own algorithm.
Hash parseHashAnyPrefixed(std::string_view s);
// Only "<algo>-<base64>".
Hash parseHashSRI(std::string_view s);
// Nix's newHashAllowEmpty: "" means the all-zero digest of `algo` (and a
// warning, stored in `warning` if given); anything else is parseHashAny.
Hash parseHashAllowEmpty(std::string_view s, std::optional<HashAlgo> algo,
                         std::string *warning = nullptr);

// XOR-folds a digest to `newSize` bytes, as Nix does for store path hashes.
Hash compressHash(const Hash &hash, size_t newSize);

} // namespace bastion::format
