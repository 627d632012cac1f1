// nix-store --read-log (-l) PATHS: the build log of a derivation (or of
// the derivation that built a path), as Nix 2.8's getBuildLog finds it:
// <root>/nix/var/log/nix/drvs/<first 2 chars>/<rest of the .drv's base
// name>, else the older flat layout drvs/<base name>; each either plain
// (what Bastion writes) or bzip2-compressed (what Nix writes by default).
#include <archive.h>

#include <iostream>
#include <optional>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "store/fs_util.h"
#include "store/shared_lib.h"

namespace bastion::cli {

namespace {

// The bytes of a .bz2 file (libarchive's raw format with the bzip2
// filter); nullopt if it does not decompress, which Nix also ignores.
std::optional<std::string> readBzip2(const std::string &path) {
  struct archive *a = BASTION_LAZY(store::libarchive(), archive_read_new)();
  BASTION_LAZY(store::libarchive(), archive_read_support_filter_bzip2)(a);
  BASTION_LAZY(store::libarchive(), archive_read_support_format_raw)(a);
  BASTION_LAZY(store::libarchive(), archive_read_support_format_empty)(a);
  std::optional<std::string> out;
  struct archive_entry *entry;
  int header = ARCHIVE_FATAL;
  if (BASTION_LAZY(store::libarchive(), archive_read_open_filename)(a, path.c_str(), 1 << 16) ==
      ARCHIVE_OK)
    header = BASTION_LAZY(store::libarchive(), archive_read_next_header)(a, &entry);
  // Without the bzip2 filter the file was not compressed at all: not a log.
  if (header != ARCHIVE_FATAL &&
      BASTION_LAZY(store::libarchive(), archive_filter_code)(a, 0) != ARCHIVE_FILTER_BZIP2)
    header = ARCHIVE_FATAL;
  // A builder that printed nothing: Nix keeps an empty stream, which the
  // empty format reads as no entry at all.
  if (header == ARCHIVE_EOF)
    out = "";
  if (header == ARCHIVE_OK) {
    std::string data;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = BASTION_LAZY(store::libarchive(), archive_read_data)(a, buf, sizeof buf)) > 0)
      data.append(buf, static_cast<size_t>(n));
    if (n == 0)
      out = std::move(data);
  }
  BASTION_LAZY(store::libarchive(), archive_read_free)(a);
  return out;
}

} // namespace

std::optional<std::string> buildLog(store::LocalStore &store, store::StorePath path) {
  if (!path.isDerivation()) {
    std::optional<store::ValidPathInfo> info = store.queryPathInfo(path);
    if (!info || info->deriver.empty())
      return std::nullopt;
    path = store.parseStorePath(info->deriver);
  }
  std::string base = path.baseName();
  std::string logDir = store.root() + "/nix/var/log/nix/drvs";
  for (const std::string &logPath :
       {logDir + "/" + base.substr(0, 2) + "/" + base.substr(2), logDir + "/" + base}) {
    if (store::pathExists(logPath))
      return store::readFile(logPath);
    if (store::pathExists(logPath + ".bz2"))
      if (std::optional<std::string> log = readBzip2(logPath + ".bz2"))
        return log;
  }
  return std::nullopt;
}

int opNixStoreReadLog(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag");
  StoreSession s = openStoreSession(inv);
  for (const std::string &a : inv.args) {
    store::StorePath path = followLinksToStorePath(*s.store, a);
    std::optional<std::string> log = buildLog(*s.store, path);
    if (!log)
      throw store::StoreError("build log of derivation '" + s.store->printStorePath(path) +
                              "' is not available");
    std::cout << *log;
  }
  return 0;
}

} // namespace bastion::cli
