// Equality and ordering of values, following Nix's rules.
#include <cstring>

#include "lang/eval.h"

namespace bastion::lang {

bool EvalState::isDerivation(Value &v) {
  if (v.type != VType::Attrs)
    return false;
  Value *t = v.attrs->get(s.type);
  if (!t)
    return false;
  forceValue(*t, PosIdx{});
  return t->type == VType::String && strcmp(t->string.chars, "derivation") == 0;
}

bool EvalState::eqValues(Value &v1, Value &v2, PosIdx pos, std::string_view errorCtx) {
  forceValue(v1, pos);
  forceValue(v2, pos);
  // Nix treats a value as equal to itself even when it is a function.
  if (&v1 == &v2)
    return true;
  if (v1.type == VType::Int && v2.type == VType::Float)
    return double(v1.integer) == v2.fpoint;
  if (v1.type == VType::Float && v2.type == VType::Int)
    return v1.fpoint == double(v2.integer);
  bool f1 = v1.isFunction(), f2 = v2.isFunction();
  if (f1 || f2)
    return false;
  if (v1.type != v2.type)
    return false;
  switch (v1.type) {
  case VType::Int:
    return v1.integer == v2.integer;
  case VType::Bool:
    return v1.boolean == v2.boolean;
  case VType::String:
    return strcmp(v1.string.chars, v2.string.chars) == 0;
  case VType::Path:
    return strcmp(v1.path, v2.path) == 0;
  case VType::Null:
    return true;
  case VType::Float:
    return v1.fpoint == v2.fpoint;
  case VType::List:
    if (v1.list.size != v2.list.size)
      return false;
    for (size_t n = 0; n < v1.list.size; n++)
      if (!eqValues(*v1.list.elems[n], *v2.list.elems[n], pos, errorCtx))
        return false;
    return true;
  case VType::Attrs: {
    if (isDerivation(v1) && isDerivation(v2)) {
      Value *i = v1.attrs->get(s.outPath);
      Value *j = v2.attrs->get(s.outPath);
      if (i && j)
        return eqValues(*i, *j, pos, errorCtx);
    }
    if (v1.attrs->size != v2.attrs->size)
      return false;
    for (uint32_t k = 0; k < v1.attrs->size; k++) {
      Attr &a = v1.attrs->attrs[k];
      Attr &b = v2.attrs->attrs[k];
      if (a.name != b.name || !eqValues(*a.value, *b.value, pos, errorCtx))
        return false;
    }
    return true;
  }
  default:
    return false;
  }
}

void EvalState::assertEqValues(Value &v1, Value &v2, PosIdx pos, std::string_view errorCtx) {
  forceValue(v1, pos);
  forceValue(v2, pos);
  auto fail = [&](std::string msg) { throw EvalError(ErrorKind::Assertion, std::move(msg)); };
  if (&v1 == &v2)
    return;
  if (v1.type == VType::Int && v2.type == VType::Float) {
    if (double(v1.integer) != v2.fpoint)
      fail(showValueForError(v1) + " with type int is not equal to " + showValueForError(v2) +
           " with type float");
    return;
  }
  if (v1.type == VType::Float && v2.type == VType::Int) {
    if (v1.fpoint != double(v2.integer))
      fail(showValueForError(v1) + " with type float is not equal to " + showValueForError(v2) +
           " with type int");
    return;
  }
  auto ty = [](Value &v) -> std::string {
    if (v.isFunction())
      return "a function";
    return showType(v.type);
  };
  if (v1.type != v2.type && !(v1.isFunction() && v2.isFunction()))
    fail(ty(v1) + " of value '" + showValueForError(v1) + "' is not equal to " + ty(v2) +
         " of value '" + showValueForError(v2) + "'");
  switch (v1.type) {
  case VType::Int:
    if (v1.integer != v2.integer)
      fail("integer '" + showValueForError(v1) + "' is not equal to integer '" +
           showValueForError(v2) + "'");
    return;
  case VType::Bool:
    if (v1.boolean != v2.boolean)
      fail("boolean '" + showValueForError(v1) + "' is not equal to boolean '" +
           showValueForError(v2) + "'");
    return;
  case VType::String:
    if (strcmp(v1.string.chars, v2.string.chars) != 0)
      fail("string '" + showValueForError(v1) + "' is not equal to string '" +
           showValueForError(v2) + "'");
    return;
  case VType::Path:
    if (strcmp(v1.path, v2.path) != 0)
      fail("path '" + std::string(v1.path) + "' is not equal to path '" + std::string(v2.path) +
           "'");
    return;
  case VType::Null:
    return;
  case VType::Float:
    if (v1.fpoint != v2.fpoint)
      fail("float '" + showValueForError(v1) + "' is not equal to float '" + showValueForError(v2) +
           "'");
    return;
  case VType::List:
    if (v1.list.size != v2.list.size)
      fail("list of size '" + std::to_string(v1.list.size) + "' is not equal to list of size '" +
           std::to_string(v2.list.size) + "', left hand side is '" + showValueForError(v1) +
           "', right hand side is '" + showValueForError(v2) + "'");
    for (size_t n = 0; n < v1.list.size; n++) {
      try {
        assertEqValues(*v1.list.elems[n], *v2.list.elems[n], pos, errorCtx);
      } catch (EvalError &e) {
        e.addTrace(pos, "while comparing list element " + std::to_string(n));
        throw;
      }
    }
    return;
  case VType::Attrs: {
    if (isDerivation(v1) && isDerivation(v2)) {
      Value *i = v1.attrs->get(s.outPath);
      Value *j = v2.attrs->get(s.outPath);
      if (i && j) {
        try {
          assertEqValues(*i, *j, pos, errorCtx);
          return;
        } catch (EvalError &e) {
          e.addTrace(pos, "while comparing a derivation by its 'outPath' attribute");
          throw;
        }
      }
    }
    if (v1.attrs->size != v2.attrs->size)
      fail("attribute names of attribute set '" + showValueForError(v1) +
           "' differs from attribute set '" + showValueForError(v2) + "'");
    for (uint32_t k = 0; k < v1.attrs->size; k++) {
      Attr &a = v1.attrs->attrs[k];
      Attr &b = v2.attrs->attrs[k];
      if (a.name != b.name)
        fail("attribute names of attribute set '" + showValueForError(v1) +
             "' differs from attribute set '" + showValueForError(v2) + "'");
      try {
        assertEqValues(*a.value, *b.value, pos, errorCtx);
      } catch (EvalError &e) {
        e.addTrace(a.pos, "while comparing attribute '" + symbols[a.name] + "'");
        throw;
      }
    }
    return;
  }
  default:
    if (v1.isFunction())
      fail(
          "distinct functions and immediate comparisons of identical functions compare as unequal");
  }
}

bool EvalState::lessThan(Value &v1, Value &v2, PosIdx pos, std::string_view errorCtx) {
  forceValue(v1, pos);
  forceValue(v2, pos);
  if (v1.type == VType::Float && v2.type == VType::Int)
    return v1.fpoint < double(v2.integer);
  if (v1.type == VType::Int && v2.type == VType::Float)
    return double(v1.integer) < v2.fpoint;
  if (v1.type != v2.type)
    throwError(ErrorKind::Eval,
               std::string("cannot compare ") + showType(v1.type) + " with " + showType(v2.type) +
                   "; values are " + showValueForError(v1) + " and " + showValueForError(v2),
               pos);
  switch (v1.type) {
  case VType::Int:
    return v1.integer < v2.integer;
  case VType::Float:
    return v1.fpoint < v2.fpoint;
  case VType::String:
    return strcmp(v1.string.chars, v2.string.chars) < 0;
  case VType::Path:
    return strcmp(v1.path, v2.path) < 0;
  case VType::List:
    for (size_t i = 0;; i++) {
      if (i == v2.list.size)
        return false;
      if (i == v1.list.size)
        return true;
      if (!eqValues(*v1.list.elems[i], *v2.list.elems[i], pos, errorCtx))
        return lessThan(*v1.list.elems[i], *v2.list.elems[i], pos,
                        "while comparing two list elements");
    }
  default:
    throwError(ErrorKind::Eval,
               std::string("cannot compare ") + showType(v1.type) + " with " + showType(v2.type) +
                   "; values of that type are incomparable (values are " + showValueForError(v1) +
                   " and " + showValueForError(v2) + ")",
               pos);
  }
}

} // namespace bastion::lang
