// nix-store --generate-binary-cache-key NAME SECRET-FILE PUBLIC-FILE, as
// Nix 2.8's opGenerateBinaryCacheKey: "NAME:base64" files, no newline;
// existing files are replaced, as Nix 2.8 does, but each atomically (a
// temporary file renamed over it) so a kill never leaves half a key, and
// the secret one readable only by its owner (Nix leaves it to the umask).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "format/signature.h"
#include "store/store.h"
#include "util/io.h"
#include "util/path.h"
#include "util/scope_guard.h"
#include "util/temp.h"

namespace bastion::cli {
namespace {

void writeKeyFile(const std::string &path, const std::string &text, mode_t mode) {
  std::pair<util::Fd, std::string> made = util::createTempFileIn(util::dirOf(path), ".tmp-key-");
  const util::Fd &fd = made.first;
  const std::string tmp = made.second;
  util::ScopeGuard removeTmp([&] { ::unlink(tmp.c_str()); });
  util::writeFull(fd.get(), text, "writing key file '" + path + "'");
  if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0 ||
      std::rename(tmp.c_str(), path.c_str()) != 0)
    throw store::StoreError("writing key file '" + path + "': " + std::strerror(errno));
  removeTmp.dismiss();
}

} // namespace
int opNixStoreGenerateBinaryCacheKey(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag '" + inv.flags[0] + "'");
  if (inv.args.size() != 3)
    throw UsageError("three arguments expected");
  format::SecretKey sk = format::SecretKey::generate(inv.args[0]);
  writeKeyFile(inv.args[1], sk.toString(), 0600);
  writeKeyFile(inv.args[2], sk.toPublicKey().toString(), 0644);
  return 0;
}

} // namespace bastion::cli
