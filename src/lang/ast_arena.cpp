// The arena that owns syntax trees (see AstNode in ast.h).
#include <cassert>
#include <new>

#include "lang/ast.h"

namespace bastion::lang {

thread_local AstArena *AstArena::current = nullptr;

void *AstNode::operator new(size_t size) {
  void *p = ::operator new(size);
  if (AstArena *a = AstArena::current) {
    try {
      a->nodes_.push_back(p);
    } catch (...) {
      ::operator delete(p);
      throw;
    }
  }
  return p;
}

void AstNode::operator delete(void *p, size_t) noexcept {
  // A node deleted on its own (a constructor that threw, or code that frees
  // a node it made) must leave the arena, or the arena would free it again.
  // It is nearly always the newest one, so search from the back.
  if (AstArena *a = AstArena::current; a && !a->releasing_) {
    for (size_t i = a->nodes_.size(); i-- > 0;)
      if (a->nodes_[i] == p) {
        a->nodes_.erase(a->nodes_.begin() + ptrdiff_t(i));
        break;
      }
  }
  ::operator delete(p);
}

void AstArena::release(size_t mark) {
  assert(mark <= nodes_.size());
  AstArena *saved = current;
  current = this;
  releasing_ = true;
  while (nodes_.size() > mark) {
    void *p = nodes_.back();
    nodes_.pop_back();
    delete static_cast<AstNode *>(p);
  }
  releasing_ = false;
  current = saved;
}

} // namespace bastion::lang
