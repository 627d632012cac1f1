#include "lang/value.h"

#include <algorithm>

#include "lang/heap.h"

namespace bastion::lang {

void Value::mkString(std::string_view s) { mkString(gcString(s), nullptr); }

Bindings *allocBindings(uint32_t capacity) {
  auto *b = static_cast<Bindings *>(gcAlloc(sizeof(Bindings) + capacity * sizeof(Attr)));
  b->size = 0;
  b->capacity = capacity;
  b->pos = PosIdx{};
  return b;
}

void Bindings::sort() {
  std::sort(begin(), end(), [](const Attr &a, const Attr &b) { return a.name.id < b.name.id; });
}

const char *showType(VType t) {
  switch (t) {
  case VType::Null:
    return "null";
  case VType::Bool:
    return "a Boolean";
  case VType::Int:
    return "an integer";
  case VType::Float:
    return "a float";
  case VType::String:
    return "a string";
  case VType::Path:
    return "a path";
  case VType::Attrs:
    return "a set";
  case VType::List:
    return "a list";
  case VType::Lambda:
    return "a function";
  case VType::PrimOp:
    return "a built-in function";
  case VType::PrimOpApp:
    return "a partially applied built-in function";
  case VType::Thunk:
    return "a thunk";
  case VType::App:
    return "a function application";
  case VType::Blackhole:
    return "a black hole";
  }
  return "a value";
}

const char *typeOfName(const Value &v) {
  switch (v.type) {
  case VType::Null:
    return "null";
  case VType::Bool:
    return "bool";
  case VType::Int:
    return "int";
  case VType::Float:
    return "float";
  case VType::String:
    return "string";
  case VType::Path:
    return "path";
  case VType::Attrs:
    return "set";
  case VType::List:
    return "list";
  case VType::Lambda:
  case VType::PrimOp:
  case VType::PrimOpApp:
    return "lambda";
  default:
    return "thunk";
  }
}

} // namespace bastion::lang
