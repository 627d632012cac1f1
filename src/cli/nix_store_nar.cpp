// nix-store --dump PATH (the NAR of PATH on stdout) and --restore PATH (a
// NAR from stdin unpacked at PATH), Nix 2.8's opDump/opRestore.
#include <unistd.h>

#include <cerrno>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "format/nar.h"
#include "util/io.h"

namespace bastion::cli {

namespace {

// Writes straight to a file descriptor: dumpPath already hands over large
// blocks, so there is nothing to gain from another buffer.
struct FdNarSink : format::NarSink {
  int fd;
  explicit FdNarSink(int f) : fd(f) {}
  void write(std::string_view data) override { util::writeFull(fd, data, "writing to file"); }
};

void checkOneOperand(const NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag");
  if (inv.args.size() != 1)
    throw UsageError("only one argument allowed");
}

} // namespace

int opNixStoreDump(NixStoreInvocation &inv) {
  checkOneOperand(inv);
  FdNarSink sink(STDOUT_FILENO);
  format::dumpPath(inv.args[0], sink);
  return 0;
}

int opNixStoreRestore(NixStoreInvocation &inv) {
  checkOneOperand(inv);
  // restorePath builds the tree aside and moves it into place only once
  // the whole archive has been accepted, so a bad archive leaves nothing.
  format::FdNarSource source(STDIN_FILENO);
  format::restorePath(inv.args[0], source);
  return 0;
}

} // namespace bastion::cli
