// Store paths as Nix names, prints, parses and computes them.
//
// A store path is "<storeDir>/<hashPart>-<name>" where hashPart is 32 nix32
// characters (a 160-bit digest) and name obeys Nix's name rules. Error texts
// are Nix's own (libstore/path.cc, store-dir-config.cc, Nix >= 2.20).
#pragma once

#include <compare>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/hash.h"

namespace bastion::format {

inline constexpr std::string_view kDefaultStoreDir = "/nix/store";
// Length of the nix32 hash part of a store path's base name.
inline constexpr size_t kStorePathHashLen = 32;
// Longest permitted name (Nix's StorePath::MaxPathLen).
inline constexpr size_t kStorePathMaxNameLen = 211;
inline constexpr std::string_view kDrvExtension = ".drv";

// Nix's BadStorePath: a path that is not (syntactically) a store path.
struct BadStorePath : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Nix's BadStorePathName: an invalid name on its own (no path around it).
struct BadStorePathName : BadStorePath {
  using BadStorePath::BadStorePath;
};

struct StorePath {
  std::string hashPart; // 32 nix32 characters
  std::string name;

  // "<hashPart>-<name>"
  std::string baseName() const { return hashPart + "-" + name; }
  bool isDerivation() const;

  // Same order as Nix (by base name; the hash part has a fixed length).
  auto operator<=>(const StorePath &) const = default;
  bool operator==(const StorePath &) const = default;
};

// Throws BadStorePathName with Nix's text:
//   "name must not be empty"
//   "name '<n>' must be no longer than 211 characters"
//   "name '<n>' is not valid"                      ("." and "..")
//   "name '<n>' is not valid: first dash-separated component must not be '.'"
//   "name '<n>' is not valid: first dash-separated component must not be '..'"
//   "name '<n>' contains illegal character '<c>'"
// (Names may start with '.', e.g. ".foo", except for the cases above.)
void checkStorePathName(std::string_view name);
bool isValidStorePathName(std::string_view name);

// Parses "<hashPart>-<name>" (Nix's StorePath(baseName) constructor).
// Throws BadStorePath:
//   "'<b>' is too short to be a valid store path"
//   "store path '<b>' contains illegal base-32 character '<c>'"
//   "path '<b>' is not a valid store path: <name error>"
// Like Nix, the character after the hash part is not inspected.
StorePath parseStorePathBaseName(std::string_view baseName);

// Parses "<storeDir>/<baseName>". The path is taken literally (no
// canonicalisation); throws BadStorePath "path '<p>' is not in the Nix
// store" when its directory is not storeDir, else as parseStorePathBaseName.
StorePath parseStorePath(std::string_view path, std::string_view storeDir = kDefaultStoreDir);
// nullopt-free check: true iff parseStorePath would succeed.
bool isStorePath(std::string_view path, std::string_view storeDir = kDefaultStoreDir);

std::string printStorePath(const StorePath &path, std::string_view storeDir = kDefaultStoreDir);

// storeDir + "/" + nix32(compressHash(sha256(
//     "<type>:<algo>:<base16 inner>:<storeDir>:<name>"), 20)) + "-" + name
// Throws BadStorePath ("path '<b>' is not a valid store path: ...") for a bad name.
StorePath makeStorePath(std::string_view type, const Hash &inner, std::string_view name,
                        std::string_view storeDir = kDefaultStoreDir);

// Nix's makeType: type + ":" + printed reference (in sorted order) for each
// reference, + ":self" when hasSelfReference.
std::string makeStorePathType(std::string_view type, const std::set<StorePath> &references,
                              bool hasSelfReference, std::string_view storeDir = kDefaultStoreDir);

// Path of a text file (builtins.toFile, .drv files). contentHash must be
// sha256 of the contents (throws std::invalid_argument otherwise).
StorePath makeTextPath(std::string_view name, const Hash &contentHash,
                       const std::set<StorePath> &references,
                       std::string_view storeDir = kDefaultStoreDir);

enum class FileIngestionMethod {
  Flat,      // hash of the file's bytes
  Recursive, // hash of the NAR serialisation ("r:" prefix)
  Text,      // text hashing (makeTextPath); sha256 only
};

// Content-addressed path (Nix's makeFixedOutputPath):
//  * Recursive + sha256: makeStorePath(makeType("source", refs, self), hash)
//  * Text: makeTextPath (self-references not allowed)
//  * otherwise: makeStorePath("output:out",
//        sha256("fixed:out:" + ("r:" if recursive) + "<algo>:<base16>:"))
//    which admits no references.
// Throws std::invalid_argument for disallowed references / algorithms.
StorePath makeFixedOutputPath(FileIngestionMethod method, const Hash &hash, std::string_view name,
                              const std::set<StorePath> &references = {},
                              bool hasSelfReference = false,
                              std::string_view storeDir = kDefaultStoreDir);

// drvName for "out", else drvName + "-" + outputName.
std::string outputPathName(std::string_view drvName, std::string_view outputName);

// makeStorePath("output:" + outputName, hashModulo, outputPathName(drvName, outputName))
StorePath makeOutputPath(std::string_view outputName, const Hash &hashModulo,
                         std::string_view drvName, std::string_view storeDir = kDefaultStoreDir);

} // namespace bastion::format
