#include "format/store_path.h"

#include <stdexcept>

#include "format/base32.h"

namespace bastion::format {

namespace {

bool isNameChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
         c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

void checkPathName(std::string_view baseName, std::string_view name) {
  try {
    checkStorePathName(name);
  } catch (const BadStorePathName &e) {
    throw BadStorePath("path " + quoted(baseName) + " is not a valid store path: " + e.what());
  }
}

} // namespace

bool StorePath::isDerivation() const {
  return name.size() >= kDrvExtension.size() &&
         std::string_view(name).substr(name.size() - kDrvExtension.size()) == kDrvExtension;
}

void checkStorePathName(std::string_view name) {
  if (name.empty())
    throw BadStorePathName("name must not be empty");
  if (name.size() > kStorePathMaxNameLen)
    throw BadStorePathName("name " + quoted(name) + " must be no longer than " +
                           std::to_string(kStorePathMaxNameLen) + " characters");
  if (name[0] == '.') {
    // "." and "..", alone or as the first dash-separated component.
    if (name.size() == 1)
      throw BadStorePathName("name " + quoted(name) + " is not valid");
    if (name[1] == '-')
      throw BadStorePathName("name " + quoted(name) +
                             " is not valid: first dash-separated component must not be '.'");
    if (name[1] == '.') {
      if (name.size() == 2)
        throw BadStorePathName("name " + quoted(name) + " is not valid");
      if (name[2] == '-')
        throw BadStorePathName("name " + quoted(name) +
                               " is not valid: first dash-separated component must not be '..'");
    }
  }
  for (char c : name)
    if (!isNameChar(c))
      throw BadStorePathName("name " + quoted(name) + " contains illegal character " +
                             quoted(std::string_view(&c, 1)));
}

bool isValidStorePathName(std::string_view name) {
  try {
    checkStorePathName(name);
    return true;
  } catch (const BadStorePathName &) {
    return false;
  }
}

StorePath parseStorePathBaseName(std::string_view baseName) {
  if (baseName.size() < kStorePathHashLen + 1)
    throw BadStorePath(quoted(baseName) + " is too short to be a valid store path");
  for (char c : baseName.substr(0, kStorePathHashLen))
    if (c == 'e' || c == 'o' || c == 'u' || c == 't' ||
        !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
      throw BadStorePath("store path " + quoted(baseName) + " contains illegal base-32 character " +
                         quoted(std::string_view(&c, 1)));
  auto name = baseName.substr(kStorePathHashLen + 1);
  checkPathName(baseName, name);
  return StorePath{std::string(baseName.substr(0, kStorePathHashLen)), std::string(name)};
}

StorePath parseStorePath(std::string_view path, std::string_view storeDir) {
  auto slash = path.rfind('/');
  // Nix's dirOf: "/" for a path directly under the root.
  std::string_view dir = slash == std::string_view::npos ? std::string_view(".")
                         : slash == 0                    ? std::string_view("/")
                                                         : path.substr(0, slash);
  if (slash == std::string_view::npos || dir != storeDir)
    throw BadStorePath("path " + quoted(path) + " is not in the Nix store");
  return parseStorePathBaseName(path.substr(slash + 1));
}

bool isStorePath(std::string_view path, std::string_view storeDir) {
  try {
    parseStorePath(path, storeDir);
    return true;
  } catch (const BadStorePath &) {
    return false;
  }
}

std::string printStorePath(const StorePath &path, std::string_view storeDir) {
  std::string s(storeDir);
  s += '/';
  s += path.hashPart;
  s += '-';
  s += path.name;
  return s;
}

StorePath makeStorePath(std::string_view type, const Hash &inner, std::string_view name,
                        std::string_view storeDir) {
  std::string s(type);
  s += ':';
  s += inner.to(HashFormat::Base16, true);
  s += ':';
  s += storeDir;
  s += ':';
  s += name;
  Hash h = compressHash(hashString(HashAlgo::SHA256, s), 20);
  StorePath result{nix32Encode(h.digest()), std::string(name)};
  checkPathName(result.baseName(), result.name);
  return result;
}

std::string makeStorePathType(std::string_view type, const std::set<StorePath> &references,
                              bool hasSelfReference, std::string_view storeDir) {
  std::string s(type);
  for (const auto &ref : references) {
    s += ':';
    s += printStorePath(ref, storeDir);
  }
  if (hasSelfReference)
    s += ":self";
  return s;
}

StorePath makeTextPath(std::string_view name, const Hash &contentHash,
                       const std::set<StorePath> &references, std::string_view storeDir) {
  if (contentHash.algo != HashAlgo::SHA256)
    throw std::invalid_argument("text store paths require a sha256 hash, not " +
                                std::string(hashAlgoName(contentHash.algo)));
  return makeStorePath(makeStorePathType("text", references, false, storeDir), contentHash, name,
                       storeDir);
}

StorePath makeFixedOutputPath(FileIngestionMethod method, const Hash &hash, std::string_view name,
                              const std::set<StorePath> &references, bool hasSelfReference,
                              std::string_view storeDir) {
  if (method == FileIngestionMethod::Text) {
    if (hasSelfReference)
      throw std::invalid_argument("text store paths cannot refer to themselves");
    return makeTextPath(name, hash, references, storeDir);
  }
  if (method == FileIngestionMethod::Recursive && hash.algo == HashAlgo::SHA256)
    return makeStorePath(makeStorePathType("source", references, hasSelfReference, storeDir), hash,
                         name, storeDir);
  if (!references.empty() || hasSelfReference)
    throw std::invalid_argument(
        "fixed-output paths other than recursive sha256 cannot have references");
  std::string inner = "fixed:out:";
  if (method == FileIngestionMethod::Recursive)
    inner += "r:";
  inner += hash.to(HashFormat::Base16, true);
  inner += ':';
  return makeStorePath("output:out", hashString(HashAlgo::SHA256, inner), name, storeDir);
}

std::string outputPathName(std::string_view drvName, std::string_view outputName) {
  std::string s(drvName);
  if (outputName != "out") {
    s += '-';
    s += outputName;
  }
  return s;
}

StorePath makeOutputPath(std::string_view outputName, const Hash &hashModulo,
                         std::string_view drvName, std::string_view storeDir) {
  return makeStorePath("output:" + std::string(outputName), hashModulo,
                       outputPathName(drvName, outputName), storeDir);
}

} // namespace bastion::format
