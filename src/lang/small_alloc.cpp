#include "lang/small_alloc.h"

namespace bastion::lang {

void *SmallAlloc::refill(size_t g) {
  void *list = GC_malloc_many(g * kGranule);
  if (!list)
    throw std::bad_alloc();
  heads_[g] = list;
  return list;
}

void *SmallAlloc::allocLarge(size_t n) {
  void *p = GC_MALLOC(n);
  if (!p)
    throw std::bad_alloc();
  return p;
}

} // namespace bastion::lang
