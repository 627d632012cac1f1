#include "lang/small_alloc.h"

namespace bastion::lang {

void heapPolicyCheck(); // heap_policy.cpp

void *SmallAlloc::refill(size_t g) {
  // Every few kilobytes of allocation: the place, outside the collector's
  // lock, where the heap policy looks whether a collection has happened.
  heapPolicyCheck();
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
