// builtin:fetchurl as Nix 2.8's libstore/builtins/fetchurl.cc: download
// `url` to the output, or, with unpack = "1", restore the NAR found there
// (xz-compressed when the URL ends in ".xz"); executable = "1" makes the
// result 0755. Nix's hashed mirrors are not consulted: their default list
// is empty.
#include "build/builtin_builders.h"
#include "build/builtin_buildenv.h"
#include "build/builtin_debian.h"
#include "build/builtin_fetch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include "build/build_error.h"
#include "format/nar.h"
#include "format/store_path.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store/nar_fs.h"
#include "store/unpack.h"

namespace bastion::build {
namespace {

struct BuiltinError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::string &attr(const format::Derivation &drv, const std::string &name) {
  auto it = drv.env.find(name);
  if (it == drv.env.end())
    throw BuiltinError("attribute '" + name + "' missing");
  return it->second;
}

bool flag(const format::Derivation &drv, const std::string &name) {
  auto it = drv.env.find(name);
  return it != drv.env.end() && it->second == "1";
}

void fetchurl(const format::Derivation &drv, const std::string &builtStoreDir,
              const std::string &storeDir) {
  // The output must be a path of this store: it names the file we write.
  format::StorePath out = format::parseStorePath(attr(drv, "out"), storeDir);
  std::string dest = builtStoreDir + "/" + out.baseName();
  const std::string &url = attr(drv, "url");

  // The hash of the result is checked afterwards, so TLS adds nothing.
  store::DownloadOptions options;
  options.verifyTls = false;

  if (flag(drv, "unpack")) {
    store::TempDir tmp("bastion-fetchurl-");
    std::string file = tmp.path + "/download";
    store::downloadToFile(url, file, options);
    if (url.ends_with(".xz")) {
      store::XzFileSource source(file);
      store::restorePath(dest, source);
    } else {
      int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        store::throwSysError("opening file '" + file + "'");
      format::FdNarSource source(fd);
      try {
        store::restorePath(dest, source);
      } catch (...) {
        close(fd);
        throw;
      }
      close(fd);
    }
  } else {
    store::downloadToFile(url, dest, options);
  }

  if (flag(drv, "executable") && chmod(dest.c_str(), 0755) != 0)
    store::throwSysError("making '" + dest + "' executable");
}

} // namespace

int runBuiltinBuilder(const format::Derivation &drv, const std::string &builtStoreDir,
                      const std::string &storeDir, const std::string &realStoreDir, BuildLog &log) {
  try {
    if (drv.builder == "builtin:fetchurl")
      fetchurl(drv, builtStoreDir, storeDir);
    else if (drv.builder == "builtin:buildenv")
      runBuildenv(drv, builtStoreDir, storeDir, realStoreDir, log);
    else if (drv.builder == "builtin:fetch-urls")
      runFetchUrls(drv, builtStoreDir, storeDir, log);
    else if (drv.builder == "builtin:debian-unpack")
      runDebianUnpack(drv, builtStoreDir, storeDir, realStoreDir, log);
    else if (drv.builder == "builtin:debian-relocate")
      runDebianRelocate(drv, builtStoreDir, storeDir, realStoreDir, log);
    else
      throw BuiltinError("unsupported builtin builder '" + drv.builder.substr(8) + "'");
  } catch (const BuildError &) {
    // Already a build failure with Nix's status (a fixed output's hash
    // mismatch): reported once, by the caller.
    log.finish();
    throw;
  } catch (std::exception &e) {
    // Nix's builtin builders end this way too: the error as the last log
    // line, and exit code 1.
    std::string line = std::string("error: ") + e.what() + "\n";
    log.append(line.data(), line.size());
    log.finish();
    return W_EXITCODE(1, 0);
  }
  log.finish();
  return 0;
}

} // namespace bastion::build
