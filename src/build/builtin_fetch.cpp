#include "build/builtin_fetch.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "format/store_path.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store/unpack.h"
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

// The first of `urls` that downloads, into the new file `file`.
void downloadFirst(const std::vector<std::string> &urls, const std::string &file, BuildLog &log) {
  // The result's hash is checked afterwards, so TLS adds nothing (as Nix).
  store::DownloadOptions options;
  options.verifyTls = false;
  std::string errors;
  for (const auto &url : urls) {
    std::string line = "downloading '" + url + "'\n";
    log.append(line.data(), line.size());
    try {
      store::downloadToFile(url, file, options);
      return;
    } catch (store::DownloadError &e) {
      std::string msg = std::string(e.what()) + "\n";
      log.append(msg.data(), msg.size());
      errors += (errors.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  throw std::runtime_error(urls.size() == 1 ? errors : "no URL could be downloaded: " + errors);
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
    downloadFirst(urls, dest, log);
    if (env(drv, "executable") == "1" && chmod(dest.c_str(), 0755) != 0)
      store::throwSysError("making '" + dest + "' executable");
    return;
  }

  util::TempDir tmp("bastion-fetch-urls-");
  std::string file = tmp.path + "/download";
  downloadFirst(urls, file, log);
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
