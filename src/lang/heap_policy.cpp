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

#include <cstdlib>

#include "lang/eval.h"

namespace bastion::lang {

void configureEvalHeap() {
  static bool done = false;
  if (done)
    return;
  done = true;
  // The collector's own environment variable still wins (experiments).
  if (!getenv("GC_FREE_SPACE_DIVISOR"))
    GC_set_free_space_divisor(1);
}

} // namespace bastion::lang
