// nix-store --generate-binary-cache-key NAME SECRET-FILE PUBLIC-FILE, as
// Nix 2.8's opGenerateBinaryCacheKey: "NAME:base64" files, no newline,
// the secret one readable only by its owner; neither is replaced if it
// exists (Nix would overwrite: a key lost that way cannot be recovered).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "format/signature.h"
#include "store/store.h"

namespace bastion::cli {
namespace {

void writeKeyFile(const std::string &path, const std::string &text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    throw store::StoreError("creating key file '" + path + "': " + std::strerror(errno));
  ssize_t n = ::write(fd, text.data(), text.size());
  bool ok = n == ssize_t(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw store::StoreError("writing key file '" + path + "': " + std::strerror(err));
  }
}

} // namespace

int opNixStoreGenerateBinaryCacheKey(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag '" + inv.flags[0] + "'");
  if (inv.args.size() != 3)
    throw UsageError("three arguments expected");
  format::SecretKey sk = format::SecretKey::generate(inv.args[0]);
  writeKeyFile(inv.args[1], sk.toString(), 0600);
  try {
    writeKeyFile(inv.args[2], sk.toPublicKey().toString(), 0644);
  } catch (...) {
    ::unlink(inv.args[1].c_str());
    throw;
  }
  return 0;
}

} // namespace bastion::cli
