#include "build/builtin_fetch.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "build/build_error.h"
#include "format/hash.h"
#include "format/store_path.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store/unpack.h"
#include "util/io.h"
#include "util/scope_guard.h"
#include "util/temp.h"

namespace bastion::build {
namespace {

std::string env(const format::Derivation &drv, const std::string &name) {
  auto it = drv.env.find(name);
  return it == drv.env.end() ? "" : it->second;
}

std::vector<std::string> words(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::vector<std::string> entries(const std::string &dir) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    store::throwSysError("opening directory '" + dir + "'");
  std::vector<std::string> names;
  while (dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..")
      names.push_back(n);
  }
  closedir(d);
  return names;
}

void moveTo(const std::string &from, const std::string &to) {
  if (rename(from.c_str(), to.c_str()) != 0)
    store::throwSysError("moving '" + from + "' to '" + to + "'");
}

std::string showBytes(uint64_t n) {
  char buf[32];
  if (n < 1024 * 1024)
    snprintf(buf, sizeof buf, "%.1f KiB", double(n) / 1024);
  else
    snprintf(buf, sizeof buf, "%.1f MiB", double(n) / (1024 * 1024));
  return buf;
}

// The hash a flat fixed output must have, if this is one: a download is
// checked here, so that bytes that do not match are never registered
// (Nix's builtin:fetchurl leaves that to the registrar, which keeps them
// under their own hash).
std::optional<format::Hash> flatHash(const format::Derivation &drv) {
  auto it = drv.outputs.find("out");
  if (it == drv.outputs.end() || it->second.hash.empty())
    return std::nullopt;
  const std::string &algo = it->second.hashAlgo;
  if (algo.find(':') != std::string::npos)
    return std::nullopt; // r: and text: hash the NAR, not the file
  return format::parseHashAny(it->second.hash, format::parseHashAlgoOrThrow(algo));
}

// The attribute `size` (bytes; what a Debian index says), or 0.
uint64_t expectedSize(const format::Derivation &drv) {
  std::string s = env(drv, "size");
  if (s.empty())
    return 0;
  size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used != s.size())
    throw std::runtime_error("builtin:fetch-urls: attribute 'size' is not a number: '" + s + "'");
  return n;
}

// A download that arrived whole but with another hash than the pinned one.
struct HashMismatch : store::DownloadError {
  using store::DownloadError::DownloadError;
};

// `url` into the new file `file`, the bytes so far on the status line;
// a wrong hash removes the file and throws, naming the URL and both.
void downloadOne(const std::string &url, const std::string &file,
                 const std::optional<format::Hash> &want, uint64_t size, BuildLog &log) {
  // The result's hash is checked afterwards, so TLS adds nothing (as Nix).
  store::DownloadOptions options;
  options.verifyTls = false;
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    store::throwSysError("creating file '" + file + "'");
  util::ScopeGuard removeFile([&] {
    if (fd >= 0)
      close(fd);
    unlink(file.c_str());
  });
  format::HashSink hash(want ? want->algo : format::HashAlgo::SHA256);
  uint64_t done = 0;
  store::download(
      url,
      [&](std::string_view chunk) {
        util::writeFull(fd, chunk, "writing to file '" + file + "'");
        hash.update(chunk);
        done += chunk.size();
        // More than the index promised cannot match its hash: stop now
        // rather than after however much the server sends.
        if (size && done > size)
          throw store::DownloadError("'" + url + "' is larger than the " + std::to_string(size) +
                                     " bytes expected");
        log.status("downloaded " + showBytes(done) + (size ? " of " + showBytes(size) : ""));
      },
      options);
  int rc = close(fd);
  fd = -1;
  if (rc != 0)
    store::throwSysError("writing to file '" + file + "'");
  format::Hash got = hash.finish();
  if (want && got != *want)
    throw HashMismatch("hash mismatch in file downloaded from '" + url +
                       "':\n  specified: " + want->to(format::HashFormat::SRI, true) +
                       "\n  got:       " + got.to(format::HashFormat::SRI, true));
  removeFile.dismiss();
}

// The first of `urls` that downloads (and has the hash), into `file`.
void downloadFirst(const std::vector<std::string> &urls, const std::string &file,
                   const std::optional<format::Hash> &want, uint64_t size, BuildLog &log) {
  std::string errors;
  bool mismatch = false;
  for (const auto &url : urls) {
    std::string line = "downloading '" + url + "'\n";
    log.append(line.data(), line.size());
    try {
      downloadOne(url, file, want, size, log);
      return;
    } catch (store::DownloadError &e) {
      // The last one's error is the builder's own, shown once.
      if (&url != &urls.back()) {
        std::string msg = std::string(e.what()) + "\n";
        log.append(msg.data(), msg.size());
      }
      errors += (errors.empty() ? "" : "; ") + std::string(e.what());
      mismatch = mismatch || dynamic_cast<HashMismatch *>(&e) != nullptr;
    }
  }
  std::string msg = urls.size() == 1 ? errors : "no URL could be downloaded: " + errors;
  // Bytes that came but had another hash: Nix's exit status for a fixed
  // output with the wrong hash (102), so that scripts can tell it from a
  // download that failed.
  if (mismatch)
    throw BuildError(msg, BuildError::kHashMismatch);
  throw std::runtime_error(msg);
}

} // namespace

void runFetchUrls(const format::Derivation &drv, const std::string &builtStoreDir,
                  const std::string &storeDir, BuildLog &log) {
  format::StorePath out = format::parseStorePath(env(drv, "out"), storeDir);
  std::string dest = builtStoreDir + "/" + out.baseName();
  std::vector<std::string> urls = words(env(drv, "urls"));
  if (urls.empty())
    throw std::runtime_error("builtin:fetch-urls: attribute 'urls' is empty");

  if (env(drv, "unpack") != "1") {
    downloadFirst(urls, dest, flatHash(drv), expectedSize(drv), log);
    if (env(drv, "executable") == "1" && chmod(dest.c_str(), 0755) != 0)
      store::throwSysError("making '" + dest + "' executable");
    return;
  }

  util::TempDir tmp("bastion-fetch-urls-");
  std::string file = tmp.path + "/download";
  downloadFirst(urls, file, std::nullopt, expectedSize(drv), log);
  store::unpackArchive(file, dest);
  if (env(drv, "stripRoot") != "1")
    return;
  std::vector<std::string> names = entries(dest);
  if (names.size() != 1)
    throw std::runtime_error("zip file must contain a single file or directory (it has " +
                             std::to_string(names.size()) + " entries at the top)");
  // One directory becomes the output (renames beside it, on its file
  // system); one file stays inside it, as nixpkgs' fetchzip leaves it.
  std::string only = dest + "/" + names[0];
  struct stat st;
  if (lstat(only.c_str(), &st) != 0)
    store::throwSysError("getting status of '" + only + "'");
  if (!S_ISDIR(st.st_mode))
    return;
  std::string aside = dest + ".strip-root";
  moveTo(only, aside);
  if (rmdir(dest.c_str()) != 0)
    store::throwSysError("removing '" + dest + "'");
  moveTo(aside, dest);
}

} // namespace bastion::build
