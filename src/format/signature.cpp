#include "format/signature.h"

#include <sodium.h>

#include <cassert>
#include <sstream>

#include "format/base64.h"

namespace bastion::format {
namespace {

void initSodium() {
  static const bool ok = sodium_init() != -1;
  if (!ok)
    throw SignatureError("cannot initialise libsodium");
}

// Nix's BorrowedCryptoKey: name before the first ':', base64 after it.
std::pair<std::string, std::string> splitKey(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    throw SignatureError("key is corrupt");
  auto bytes = base64Decode(text.substr(colon + 1));
  if (!bytes || bytes->empty())
    throw SignatureError("key is corrupt");
  return {std::string(text.substr(0, colon)), std::string(bytes->begin(), bytes->end())};
}

std::string trimKey(std::string_view text) {
  size_t a = text.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos)
    return "";
  size_t b = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(a, b - a + 1));
}

} // namespace

PublicKey PublicKey::parse(std::string_view text) {
  auto [name, key] = splitKey(trimKey(text));
  if (key.size() != crypto_sign_PUBLICKEYBYTES)
    throw SignatureError("public key is not valid");
  return {name, key};
}

std::string PublicKey::toString() const { return name + ":" + base64Encode(key); }

bool PublicKey::verifyDetached(std::string_view data, std::string_view sig) const {
  initSodium();
  if (sig.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(sig.data()),
                                     reinterpret_cast<const unsigned char *>(data.data()),
                                     data.size(),
                                     reinterpret_cast<const unsigned char *>(key.data())) == 0;
}

SecretKey SecretKey::parse(std::string_view text) {
  auto [name, key] = splitKey(trimKey(text));
  if (key.size() != crypto_sign_SECRETKEYBYTES)
    throw SignatureError("secret key is not valid");
  return {name, key};
}

SecretKey SecretKey::generate(std::string_view name) {
  initSodium();
  if (name.empty() || name.find(':') != std::string_view::npos)
    throw SignatureError("key name '" + std::string(name) +
                         "' must be non-empty and must not contain ':'");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  if (crypto_sign_keypair(pk, sk) != 0)
    throw SignatureError("key generation failed");
  return {std::string(name), std::string(reinterpret_cast<char *>(sk), sizeof sk)};
}

std::string SecretKey::toString() const { return name + ":" + base64Encode(key); }

PublicKey SecretKey::toPublicKey() const {
  initSodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char *>(key.data()));
  return {name, std::string(reinterpret_cast<char *>(pk), sizeof pk)};
}

std::string SecretKey::signDetached(std::string_view data) const {
  initSodium();
  assert(key.size() == crypto_sign_SECRETKEYBYTES);
  unsigned char sig[crypto_sign_BYTES];
  unsigned long long sigLen = 0;
  crypto_sign_detached(sig, &sigLen, reinterpret_cast<const unsigned char *>(data.data()),
                       data.size(), reinterpret_cast<const unsigned char *>(key.data()));
  return name + ":" + base64Encode(std::string_view(reinterpret_cast<char *>(sig), sigLen));
}

PublicKeys parsePublicKeys(std::string_view list) {
  PublicKeys keys;
  std::istringstream in{std::string(list)};
  for (std::string word; in >> word;) {
    try {
      PublicKey k = PublicKey::parse(word);
      keys[k.name] = k;
    } catch (const SignatureError &e) {
      throw SignatureError("trusted public key '" + word + "': " + e.what());
    }
  }
  return keys;
}

std::string signatureKeyName(std::string_view sig) {
  size_t colon = sig.find(':');
  return colon == std::string_view::npos ? "" : std::string(sig.substr(0, colon));
}

bool verifySignature(std::string_view data, std::string_view sig, const PublicKeys &keys) {
  size_t colon = sig.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  auto it = keys.find(std::string(sig.substr(0, colon)));
  if (it == keys.end())
    return false;
  auto raw = base64Decode(sig.substr(colon + 1));
  if (!raw)
    return false;
  return it->second.verifyDetached(
      data, std::string_view(reinterpret_cast<const char *>(raw->data()), raw->size()));
}

std::string pathFingerprint(std::string_view storePath, const Hash &narHash, uint64_t narSize,
                            const std::set<std::string> &printedReferences) {
  if (narHash.algo != HashAlgo::SHA256)
    throw SignatureError("cannot calculate fingerprint of path '" + std::string(storePath) +
                         "' because its hash is not SHA-256");
  std::string refs;
  for (const std::string &r : printedReferences)
    refs += (refs.empty() ? "" : ",") + r;
  return "1;" + std::string(storePath) + ";" + narHash.to(HashFormat::Nix32, true) + ";" +
         std::to_string(narSize) + ";" + refs;
}

} // namespace bastion::format
