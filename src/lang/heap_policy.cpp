// The collector's heap policy for evaluation (see configureEvalHeap in
// eval.h). An evaluation allocates mostly thunks, envs and sets that stay
// reachable until it ends, so Boehm's default rule (collect once about
// 2/3 of the live data has been allocated again: free-space divisor 3)
// marks the same live heap over and over, a third of a module-system run's
// CPU. With divisor 1 a collection comes only after twice the live data
// was allocated since the last one: the allocation budget grows with the
// live heap, so there are a few collections per run instead of dozens, and
// the peak stays below Nix 2.8's (which starts with a 384 MiB heap).
// Measured A/B (eval-bench --runs 3, bench/modules): user CPU 0.63 -> 0.27 s
// on services.nix, peak 138 -> 156 MiB (Nix: 225 MiB). A minimum budget
// (GC_set_min_bytes_allocd of 32-128 MiB) on top was tried: no gain in CPU
// beyond noise, more memory on small programs.
#include <gc/gc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>

#include "lang/eval.h"

namespace bastion::lang {

// Only pointers to an object's start keep it alive when they are stored in
// the heap (pointers on the stack and in registers may still point inside
// an object: the collector always treats those as interior pointers). The
// evaluator stores no interior pointers (lists, strings, contexts and
// envs are each their own object; builtins copy rather than slice), and
// with interior pointers on, the collector adds a byte to every object so
// that a pointer just past its end counts: a one-variable env (16 bytes)
// then takes 32, a 24-byte value 32, a two-attribute set 64 instead of 48.
// Measured A/B on bench/modules/users.nix: 211 -> 176 MB allocated.
// It must be set before the collector starts, hence a constructor that
// runs before other static initialisers and main's GC_INIT.
__attribute__((constructor(101))) static void noInteriorPointers() {
  GC_set_all_interior_pointers(0);
}

// How much may be allocated before the next collection, decided after each
// one from what the evaluation keeps. Boehm's own rule (with divisor 1)
// collects again once about twice the live data was allocated, whatever
// that data is. An evaluation that builds what it keeps (the module
// system: each collection frees a tenth of what was allocated since the
// one before) is then marked over and over for almost nothing; one that
// makes garbage (fib) frees most of it every time. So the budget grows
// with the share of the last interval's allocation that survived: from
// Boehm's 2x the live data when nothing survived to 6x when all of it did.
// Programs that make garbage keep their small heaps; the ones that keep
// their data are collected about half as often, with a peak still below
// Nix 2.8's (which does not collect below 384 MiB).
namespace {
std::atomic<GC_word> seenGcNo{0};
std::mutex policyMutex;
size_t liveAfterLast = 0;
size_t allocatedAtLast = 0;
} // namespace

void heapPolicyCheck() {
  GC_word gcNo = GC_get_gc_no();
  if (gcNo == seenGcNo.load(std::memory_order_relaxed))
    return;
  std::lock_guard<std::mutex> lock(policyMutex);
  if (gcNo == seenGcNo.load(std::memory_order_relaxed))
    return;
  seenGcNo.store(gcNo, std::memory_order_relaxed);
  size_t live = GC_get_memory_use();
  size_t allocated = GC_get_total_bytes() - GC_get_bytes_since_gc(); // up to that collection
  size_t interval = allocated - allocatedAtLast;
  double kept = interval && live > liveAfterLast ? double(live - liveAfterLast) / interval : 0;
  kept = std::min(kept, 1.0);
  liveAfterLast = live;
  allocatedAtLast = allocated;
  GC_set_min_bytes_allocd(std::max<size_t>(1, size_t((2 + 4 * kept) * double(live))));
}

void configureEvalHeap() {
  static bool done = false;
  if (done)
    return;
  done = true;
  // The collector's own environment variable still wins (experiments).
  if (!getenv("GC_FREE_SPACE_DIVISOR"))
    GC_set_free_space_divisor(1);
  adviseHugeHeapPages();
}

} // namespace bastion::lang
