// Huge pages for the collector's heap. The heap grows in small mmap'd
// sections (64 KiB to a few MiB) whose pages are first touched one 4 KiB
// page at a time: a module-system evaluation takes some 37,000 page faults
// (most of its system time) and then misses the TLB on every pointer it
// follows through a scattered heap. With transparent huge pages in
// "madvise" mode (Debian's default) the kernel backs a range with 2 MiB
// pages only when asked, so the range the heap spans is advised each time
// it grows (the collector calls back on every resize).
#include <gc/gc.h>
#include <gc/gc_mark.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

#include "lang/eval.h"

namespace bastion::lang {
namespace {

constexpr uintptr_t kHuge = uintptr_t(2) << 20;

// The collector says neither where the new section is nor hands out its
// section table, only the bounds of all of them; a new section may land
// anywhere between (below the evaluator's stack, between libraries), so the
// whole span is advised again. The call only walks the span's mappings,
// marking those not yet marked; gaps answer ENOMEM, and the evaluator's
// own stack, also inside the span, takes huge pages too.
void onHeapResize(GC_word) {
  auto lo = reinterpret_cast<uintptr_t>(GC_least_plausible_heap_addr) & ~(kHuge - 1);
  auto hi =
      (reinterpret_cast<uintptr_t>(GC_greatest_plausible_heap_addr) + kHuge - 1) & ~(kHuge - 1);
  if (lo < hi)
    madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_HUGEPAGE);
}

} // namespace

void adviseHugeHeapPages() {
  if (getenv("BASTION_NO_HUGE_HEAP"))
    return;
  GC_set_on_heap_resize(onHeapResize);
}

} // namespace bastion::lang
