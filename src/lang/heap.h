// Allocation on the Boehm collector's heap. Values, environments, attribute
// sets and lists live there; memory outside it (std::vector's heap, `new`)
// is NOT scanned, so containers that hold Value pointers must use GcVector.
#pragma once
#include <gc/gc.h>
#include <gc/gc_allocator.h>

#include <cstring>
#include <map>
#include <new>
#include <string_view>
#include <vector>

namespace bastion::lang {

inline void *gcAlloc(size_t n) {
  void *p = GC_MALLOC(n);
  if (!p)
    throw std::bad_alloc();
  return p;
}

// For memory that holds no pointers (string bytes): the collector skips it.
inline char *gcAllocChars(size_t n) {
  auto *p = static_cast<char *>(GC_MALLOC_ATOMIC(n));
  if (!p)
    throw std::bad_alloc();
  return p;
}

inline const char *gcString(std::string_view s) {
  char *p = gcAllocChars(s.size() + 1);
  memcpy(p, s.data(), s.size());
  p[s.size()] = 0;
  return p;
}

template <class T> using GcVector = std::vector<T, traceable_allocator<T>>;

template <class K, class V, class Cmp = std::less<K>>
using GcMap = std::map<K, V, Cmp, traceable_allocator<std::pair<const K, V>>>;

} // namespace bastion::lang
