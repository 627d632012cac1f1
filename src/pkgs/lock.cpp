#include "pkgs/lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "format/hash.h"
#include "pkgs/apt_sources.h"
#include "pkgs/gpgv.h"
#include "pkgs/release.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store/unpack.h"
#include "util/path.h"

namespace bastion::pkgs {

namespace {

using format::FileIngestionMethod;
using format::HashAlgo;
using format::HashFormat;

std::string hex(const format::Hash &h) { return h.to(HashFormat::Base16, false); }

uint64_t fileSize(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? uint64_t(in.tellg()) : 0;
}

// Checks a downloaded file against what the signed index says of it.
void checkFile(const std::string &file, const std::string &url, const ReleaseFile::Entry &want) {
  uint64_t size = fileSize(file);
  if (size != want.size)
    throw LockError("'" + url + "' has " + std::to_string(size) + " bytes but InRelease lists " +
                    std::to_string(want.size) + (size < want.size ? " (truncated)" : ""));
  std::string got = hex(format::hashFile(HashAlgo::SHA256, file));
  if (got != want.sha256)
    throw LockError("hash mismatch in '" + url + "': InRelease lists sha256 " + want.sha256 +
                    ", got " + got);
}

void decompress(const std::string &xz, const std::string &out) {
  store::XzFileSource src(xz);
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    store::throwSysError("creating '" + out + "'");
  std::vector<char> buf(1 << 20);
  for (;;) {
    size_t n = src.read(buf.data(), buf.size());
    if (n == 0)
      break;
    for (size_t done = 0; done < n;) {
      ssize_t w = write(fd, buf.data() + done, n - done);
      if (w < 0) {
        close(fd);
        store::throwSysError("writing '" + out + "'");
      }
      done += size_t(w);
    }
  }
  close(fd);
}

std::string uncompressedName(const std::string &xzPath) {
  return xzPath.ends_with(".xz") ? xzPath.substr(0, xzPath.size() - 3) : xzPath;
}

struct Fetched {
  std::string inRelease, packagesXz, packages; // files in a temp dir
  ReleaseFile release;
};

// Downloads the Packages.xz that `release` lists, and decompresses it; both
// checked against the release's hashes.
void fetchPackages(const std::string &mirror, const std::string &suite, const std::string &path,
                   const std::string &dir, Fetched &f) {
  auto xz = f.release.sha256.find(path);
  if (xz == f.release.sha256.end())
    throw LockError("InRelease of '" + mirror + "' suite '" + suite + "' lists no '" + path + "'");
  std::string url = mirror + "/dists/" + suite + "/" + path;
  f.packagesXz = dir + "/Packages.xz";
  store::downloadToFile(url, f.packagesXz);
  checkFile(f.packagesXz, url, xz->second);
  auto plain = f.release.sha256.find(uncompressedName(path));
  if (plain == f.release.sha256.end())
    throw LockError("InRelease lists no '" + uncompressedName(path) + "'");
  f.packages = dir + "/Packages";
  try {
    decompress(f.packagesXz, f.packages);
  } catch (const store::UnpackError &e) {
    throw LockError(e.what());
  }
  checkFile(f.packages, url + " (decompressed)", plain->second);
}

void addFlat(store::LocalStore &store, const std::string &name, const std::string &file,
             const std::string &sha256) {
  auto [path, hash] = store.addToStore(name, file, FileIngestionMethod::Flat, HashAlgo::SHA256);
  // The file was checked before; the store hashes what it copied.
  if (hex(hash) != sha256)
    throw LockError("'" + file + "' changed while it was added to the store");
}

store::StorePath flatPath(store::LocalStore &store, const std::string &sha256,
                          const std::string &name) {
  format::Hash h = format::parseHashAny(sha256, HashAlgo::SHA256);
  return format::makeFixedOutputPath(FileIngestionMethod::Flat, h, name, {}, false,
                                     store.storeDir());
}

} // namespace

DebianLock makeLock(const LockOptions &o, store::LocalStore &store) {
  DebianLock lock;
  lock.suite = o.suite;
  if (!o.offlineDir.empty())
    lock.mirror = "file://" + util::absPath(o.offlineDir);
  else if (!o.mirror.empty())
    lock.mirror = o.mirror;
  else
    lock.mirror = defaultMirror(o.aptEtc, o.suite);
  while (lock.mirror.size() > 1 && lock.mirror.back() == '/')
    lock.mirror.pop_back();

  store::TempDir tmp("bastion-debian-lock-");
  Fetched f;
  f.inRelease = tmp.path + "/InRelease";
  std::string url = lock.mirror + "/dists/" + o.suite + "/InRelease";
  store::downloadToFile(url, f.inRelease);
  f.release = parseRelease(verifyClearsigned(f.inRelease, o.keyring));
  lock.date = f.release.date;
  lock.inReleaseSha256 = hex(format::hashFile(HashAlgo::SHA256, f.inRelease));
  lock.packagesPath = o.component + "/binary-" + o.arch + "/Packages.xz";
  fetchPackages(lock.mirror, o.suite, lock.packagesPath, tmp.path, f);
  lock.packagesSha256 = f.release.sha256[lock.packagesPath].sha256;
  lock.packagesSize = f.release.sha256[lock.packagesPath].size;

  addFlat(store, "InRelease", f.inRelease, lock.inReleaseSha256);
  addFlat(store, "Packages.xz", f.packagesXz, lock.packagesSha256);
  addFlat(store, "Packages", f.packages,
          f.release.sha256[uncompressedName(lock.packagesPath)].sha256);
  return lock;
}

std::string lockToJson(const DebianLock &l) {
  nlohmann::ordered_json j;
  j["suite"] = l.suite;
  j["mirror"] = l.mirror;
  j["date"] = l.date;
  j["inRelease"] = {{"sha256", l.inReleaseSha256}};
  j["packages"] = {
      {"path", l.packagesPath}, {"sha256", l.packagesSha256}, {"size", l.packagesSize}};
  return j.dump(2) + "\n";
}

void writeLock(const DebianLock &lock, const std::string &path) {
  std::string abs = util::absPath(path);
  std::string dir = abs.substr(0, abs.rfind('/'));
  std::string tmp =
      dir + "/." + abs.substr(abs.rfind('/') + 1) + ".tmp-" + std::to_string(getpid());
  store::deletePath(tmp);
  store::writeNewFile(tmp, lockToJson(lock));
  store::renamePath(tmp, abs);
  store::syncPath(dir.empty() ? "/" : dir);
}

DebianLock readLock(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw LockError("cannot read lock file '" + path + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error &e) {
    throw LockError("'" + path + "' is not JSON: " + e.what());
  }
  auto str = [&](const nlohmann::json &obj, const char *key, const std::string &where) {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string())
      throw LockError("'" + path + "': missing or non-string key '" + where + key + "'");
    return obj[key].get<std::string>();
  };
  DebianLock l;
  l.suite = str(j, "suite", "");
  l.mirror = str(j, "mirror", "");
  l.date = str(j, "date", "");
  l.inReleaseSha256 = str(j.value("inRelease", nlohmann::json()), "sha256", "inRelease.");
  auto p = j.value("packages", nlohmann::json());
  l.packagesPath = str(p, "path", "packages.");
  l.packagesSha256 = str(p, "sha256", "packages.");
  if (!p.contains("size") || !p["size"].is_number_unsigned())
    throw LockError("'" + path + "': missing or non-numeric key 'packages.size'");
  l.packagesSize = p["size"].get<uint64_t>();
  for (auto *h : {&l.inReleaseSha256, &l.packagesSha256})
    if (h->size() != 64 || h->find_first_not_of("0123456789abcdef") != std::string::npos)
      throw LockError("'" + path + "': '" + *h + "' is not a base16 sha256");
  return l;
}

std::string packagesIndex(const DebianLock &lock, store::LocalStore &store) {
  auto inRel = flatPath(store, lock.inReleaseSha256, "InRelease");
  store::TempDir tmp("bastion-debian-index-");
  Fetched f;
  if (store.isValidPath(inRel)) {
    f.inRelease = store.realPath(inRel);
  } else {
    f.inRelease = tmp.path + "/InRelease";
    std::string url = lock.mirror + "/dists/" + lock.suite + "/InRelease";
    store::downloadToFile(url, f.inRelease);
    std::string got = hex(format::hashFile(HashAlgo::SHA256, f.inRelease));
    if (got != lock.inReleaseSha256)
      throw LockError("hash mismatch in '" + url + "': the lock pins sha256 " +
                      lock.inReleaseSha256 + ", got " + got);
  }
  f.release = parseRelease(clearsignedText(store::readFile(f.inRelease), f.inRelease));
  auto xz = f.release.sha256.find(lock.packagesPath);
  if (xz == f.release.sha256.end() || xz->second.sha256 != lock.packagesSha256)
    throw LockError("the pinned InRelease does not list '" + lock.packagesPath +
                    "' with the lock's sha256");
  auto plain = f.release.sha256.find(uncompressedName(lock.packagesPath));
  if (plain == f.release.sha256.end())
    throw LockError("the pinned InRelease lists no '" + uncompressedName(lock.packagesPath) + "'");
  auto idx = flatPath(store, plain->second.sha256, "Packages");
  if (store.isValidPath(idx))
    return store.realPath(idx);
  fetchPackages(lock.mirror, lock.suite, lock.packagesPath, tmp.path, f);
  if (!store.isValidPath(inRel))
    addFlat(store, "InRelease", f.inRelease, lock.inReleaseSha256);
  addFlat(store, "Packages.xz", f.packagesXz, lock.packagesSha256);
  addFlat(store, "Packages", f.packages, plain->second.sha256);
  return store.realPath(idx);
}

} // namespace bastion::pkgs
