// A fast path for the evaluator's small objects (values, envs, sets,
// lists). Boehm's GC_malloc costs ~60 instructions and a TLS lookup per
// object; a quarter of a module-system evaluation's instructions went
// there. Here each size class (16-byte granules up to kMaxGranules) keeps a
// list of free objects that GC_malloc_many fills a block at a time, so an
// allocation is a pop. The list heads live in uncollectable memory, which
// the collector scans: objects waiting on a list stay reserved, linked
// through their first word (a pointer to the next object's start).
// One SmallAlloc per EvalState; an EvalState is used by one thread at a time.
#pragma once
#include <gc/gc.h>

#include <cstddef>
#include <new>

namespace bastion::lang {

class SmallAlloc {
public:
  static constexpr size_t kGranule = 16;
  static constexpr size_t kMaxGranules = 8; // objects up to 128 bytes

  SmallAlloc() {
    heads_ = static_cast<void **>(GC_MALLOC_UNCOLLECTABLE(sizeof(void *) * (kMaxGranules + 1)));
    if (!heads_)
      throw std::bad_alloc();
  }
  ~SmallAlloc() { GC_FREE(heads_); }
  SmallAlloc(const SmallAlloc &) = delete;
  SmallAlloc &operator=(const SmallAlloc &) = delete;

  // Zeroed memory for an object of n > 0 bytes that may hold pointers.
  void *alloc(size_t n) {
    size_t g = (n + kGranule - 1) / kGranule;
    if (g > kMaxGranules)
      return allocLarge(n);
    void *p = heads_[g];
    if (!p)
      p = refill(g);
    heads_[g] = GC_NEXT(p);
    GC_NEXT(p) = nullptr; // the rest is cleared by GC_malloc_many
    return p;
  }

private:
  void *refill(size_t g);
  static void *allocLarge(size_t n);
  void **heads_;
};

} // namespace bastion::lang
