// Ed25519 keys and signatures in Nix's text form (libstore/crypto.cc):
// a key or signature is "<name>:<base64>", the secret key being libsodium's
// 64-byte form (seed + public key), the public key 32 bytes and a signature
// the 64-byte detached signature. What is signed is a path's fingerprint.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/hash.h"

namespace bastion::format {

// A malformed key or signature; what() is Nix's text ("key is corrupt", …).
struct SignatureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PublicKey {
  std::string name;
  std::string key; // 32 raw bytes
  // "name:base64"; throws SignatureError.
  static PublicKey parse(std::string_view text);
  std::string toString() const;
  // `sig` is the 64 raw bytes of a detached signature.
  bool verifyDetached(std::string_view data, std::string_view sig) const;
};

struct SecretKey {
  std::string name;
  std::string key; // 64 raw bytes
  static SecretKey parse(std::string_view text);
  static SecretKey generate(std::string_view name);
  std::string toString() const;
  PublicKey toPublicKey() const;
  // "name:base64(signature)", as stored in narinfo files and the database.
  std::string signDetached(std::string_view data) const;
};

// Key name -> key, as the trusted-public-keys setting lists them.
using PublicKeys = std::map<std::string, PublicKey>;
// Parses a whitespace-separated list; throws SignatureError naming the bad one.
PublicKeys parsePublicKeys(std::string_view list);

// True iff `sig` ("name:base64") is a valid signature of `data` by the
// key of that name in `keys`. A malformed signature is simply not valid.
bool verifySignature(std::string_view data, std::string_view sig, const PublicKeys &keys);

// The key name of a signature ("" when it has none).
std::string signatureKeyName(std::string_view sig);

// Nix's ValidPathInfo::fingerprint:
//   "1;<storePath>;<narHash as sha256:nix32>;<narSize>;<ref>,<ref>,…"
// with the references printed in full and sorted. Throws SignatureError
// when narHash is not sha256 (Nix refuses those too).
std::string pathFingerprint(std::string_view storePath, const Hash &narHash, uint64_t narSize,
                            const std::set<std::string> &printedReferences);

} // namespace bastion::format
