#include "os/closure_copy.h"

#include "format/nar.h"
#include "store/closure.h"
#include "store/nar_fs.h"
#include "store/spool.h"

namespace bastion::os {

size_t copyClosure(store::LocalStore &from, store::LocalStore &to,
                   const std::set<store::StorePath> &paths) {
  std::set<store::StorePath> closure;
  store::computeFSClosure(from, paths, closure);
  std::vector<store::StorePath> order = store::topoSortPaths(from, closure);
  size_t copied = 0;
  // topoSortPaths puts referrers first: copy from the back.
  for (auto i = order.rbegin(); i != order.rend(); ++i) {
    if (to.isValidPath(*i))
      continue;
    auto info = from.queryPathInfo(*i);
    if (!info)
      throw store::StoreError("path '" + from.printStorePath(*i) + "' is not valid");
    // The NAR is held (in memory, or past a few MiB in an unlinked file on
    // the destination's file system) between dumping and adding, so the
    // two stores' locks are never held at once.
    store::Spool spool(to.realStoreDir());
    store::dumpPath(from.realPath(*i), spool);
    auto source = spool.reader();
    to.addNar(*info, *source);
    copied++;
  }
  return copied;
}

} // namespace bastion::os
