// nix-store --export PATHS (the paths, references first, as one stream on
// stdout) and --import (such a stream from stdin, each path added and
// printed), Nix 2.8's opExport/opImport (format/export_stream.h).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "format/export_stream.h"
#include "format/hash.h"
#include "store/closure.h"
#include "util/io.h"

namespace bastion::cli {

namespace {

struct StdoutSink : format::NarSink {
  std::string buf;
  void write(std::string_view data) override {
    buf.append(data);
    if (buf.size() >= (1 << 20))
      flush();
  }
  void flush() {
    util::writeFull(STDOUT_FILENO, buf, "writing to stdout");
    buf.clear();
  }
};

// The bytes go on to `out` and into a hash.
struct HashingSink : format::NarSink {
  format::NarSink &out;
  format::HashSink hash{format::HashAlgo::SHA256};
  explicit HashingSink(format::NarSink &o) : out(o) {}
  void write(std::string_view data) override {
    out.write(data);
    hash.update(data);
  }
};

// Keeps a copy of what is read (Nix's TeeSource into a StringSink).
struct SavingSource : format::NarSource {
  format::NarSource &in;
  std::string saved;
  explicit SavingSource(format::NarSource &i) : in(i) {}
  size_t read(char *buf, size_t len) override {
    size_t n = in.read(buf, len);
    saved.append(buf, n);
    return n;
  }
};

} // namespace

int opNixStoreExport(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag '" + inv.flags.front() + "'");
  StoreSession s = openStoreSession(inv, true);
  store::LocalStore &store = *s.store;
  std::set<store::StorePath> paths;
  for (auto &a : inv.args)
    paths.insert(followLinksToStorePath(store, a));
  std::vector<store::StorePath> sorted = store::topoSortPaths(store, paths);
  std::reverse(sorted.begin(), sorted.end());

  StdoutSink out;
  for (auto &path : sorted) {
    auto info = store.queryPathInfo(path);
    if (!info)
      throw store::StoreError("path '" + store.printStorePath(path) + "' is not valid");
    format::writeNum(out, 1);
    HashingSink hashing(out);
    format::dumpPath(store.realPath(path), hashing);
    // Nix refuses to pass on a path whose contents changed on disk.
    format::Hash hash = hashing.hash.finish();
    if (hash != info->narHash)
      throw store::StoreError("hash of path '" + store.printStorePath(path) +
                              "' has changed from '" +
                              info->narHash.to(format::HashFormat::Nix32, true) + "' to '" +
                              hash.to(format::HashFormat::Nix32, true) + "'!");
    format::ExportTrailer t;
    t.path = store.printStorePath(path);
    for (auto &r : info->references)
      t.references.insert(store.printStorePath(r));
    t.deriver = info->deriver;
    format::writeTrailer(out, t);
  }
  format::writeNum(out, 0);
  out.flush();
  return 0;
}

int opNixStoreImport(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag '" + inv.flags.front() + "'");
  if (!inv.args.empty())
    throw UsageError("no arguments expected");
  StoreSession s = openStoreSession(inv);
  store::LocalStore &store = *s.store;
  format::FdNarSource in(STDIN_FILENO);
  for (;;) {
    uint64_t n = format::readNum(in);
    if (n == 0)
      break;
    if (n != 1)
      throw store::StoreError("input doesn't look like something created by 'nix-store --export'");
    SavingSource saving(in);
    format::checkNar(saving, false);
    format::ExportTrailer t = format::readTrailer(in);
    store::ValidPathInfo info;
    info.path = store.parseStorePath(t.path);
    for (auto &r : t.references)
      info.references.insert(store.parseStorePath(r));
    info.deriver = t.deriver;
    info.narHash = format::hashString(format::HashAlgo::SHA256, saving.saved);
    info.narSize = saving.saved.size();
    store.importNar(info, saving.saved);
    std::cout << t.path << "\n" << std::flush;
  }
  return 0;
}

} // namespace bastion::cli
