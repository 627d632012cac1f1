#include "lang/print.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

#include "lang/eval.h"

namespace bastion::lang {

std::string printFloat(double f) {
  std::ostringstream s;
  s << f;
  return s.str();
}

static void printElided(std::string &out, size_t n, const char *one, const char *many) {
  out += "«" + std::to_string(n) + " " + (n == 1 ? one : many) + " elided»";
}

std::string printLiteralString(std::string_view s, size_t maxLength) {
  std::string out = "\"";
  size_t printed = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if (printed >= maxLength) {
      out += "\" ";
      printElided(out, s.size() - printed, "byte", "bytes");
      return out;
    }
    char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      out += "\\$";
    } else
      out += c;
    printed++;
  }
  out += '"';
  return out;
}

bool isValidIdentifier(std::string_view s) {
  static const char *reserved[] = {"if",  "then", "else", "assert", "with",
                                   "let", "in",   "rec",  "inherit"};
  if (s.empty())
    return false;
  for (auto *r : reserved)
    if (s == r)
      return false;
  char c = s[0];
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
    return false;
  for (char d : s.substr(1))
    if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9') || d == '_' ||
          d == '-' || d == '\''))
      return false;
  return true;
}

std::string printAttrName(std::string_view name) {
  return isValidIdentifier(name) ? std::string(name) : printLiteralString(name);
}

static std::vector<const Attr *> lexicographic(EvalState &state, const Bindings &b) {
  std::vector<const Attr *> v;
  v.reserve(b.size);
  for (auto &a : b)
    v.push_back(&a);
  std::sort(v.begin(), v.end(), [&](const Attr *x, const Attr *y) {
    return state.symbols[x->name] < state.symbols[y->name];
  });
  return v;
}

void printAmbiguous(EvalState &state, Value &v, std::ostream &out, std::set<const void *> *seen,
                    int depth) {
  if (depth <= 0) {
    out << "«too deep»";
    return;
  }
  state.checkStack(PosIdx{});
  switch (v.type) {
  case VType::Int:
    out << v.integer;
    break;
  case VType::Bool:
    out << (v.boolean ? "true" : "false");
    break;
  case VType::String:
    out << printLiteralString(v.string.chars);
    break;
  case VType::Path:
    out << v.path;
    break;
  case VType::Null:
    out << "null";
    break;
  case VType::Float:
    out << printFloat(v.fpoint);
    break;
  case VType::Attrs:
    if (seen && !v.attrs->empty() && !seen->insert(v.attrs).second) {
      out << "«repeated»";
    } else {
      out << "{ ";
      for (auto *a : lexicographic(state, *v.attrs)) {
        out << printAttrName(state.symbols[a->name]) << " = ";
        printAmbiguous(state, *a->value, out, seen, depth - 1);
        out << "; ";
      }
      out << "}";
    }
    break;
  case VType::List:
    if (seen && v.list.size && !seen->insert(&v).second) {
      out << "«repeated»";
    } else {
      out << "[ ";
      for (size_t i = 0; i < v.list.size; i++) {
        printAmbiguous(state, *v.list.elems[i], out, seen, depth - 1);
        out << " ";
      }
      out << "]";
    }
    break;
  case VType::Thunk:
  case VType::App:
    out << "<CODE>";
    break;
  case VType::Blackhole:
    out << "«potential infinite recursion»";
    break;
  case VType::Lambda:
    out << "<LAMBDA>";
    break;
  case VType::PrimOp:
    out << "<PRIMOP>";
    break;
  case VType::PrimOpApp:
    out << "<PRIMOP-APP>";
    break;
  }
}

namespace {
struct ErrorPrinter {
  EvalState &state;
  std::string out;
  size_t attrsPrinted = 0, itemsPrinted = 0;
  std::set<const void *> seen;

  void print(Value &v, size_t depth) {
    switch (v.type) {
    case VType::Int:
      out += std::to_string(v.integer);
      break;
    case VType::Bool:
      out += v.boolean ? "true" : "false";
      break;
    case VType::String:
      out += printLiteralString(v.string.chars, 1024);
      break;
    case VType::Path:
      out += v.path;
      break;
    case VType::Null:
      out += "null";
      break;
    case VType::Float:
      out += printFloat(v.fpoint);
      break;
    case VType::Thunk:
    case VType::App:
      out += "«thunk»";
      break;
    case VType::Blackhole:
      out += "«potential infinite recursion»";
      break;
    case VType::Lambda: {
      out += "«lambda";
      if (v.lambda.fun->name)
        out += " " + state.symbols[v.lambda.fun->name];
      out += " @ " + state.positions.describe(v.lambda.fun->pos) + "»";
      break;
    }
    case VType::PrimOp:
      out += "«primop " + v.primOp->name + "»";
      break;
    case VType::PrimOpApp: {
      Value *p = &v;
      while (p->type == VType::PrimOpApp)
        p = p->primOpApp.left;
      out += "«partially applied primop " + p->primOp->name + "»";
      break;
    }
    case VType::Attrs:
      printAttrs(v, depth);
      break;
    case VType::List:
      printList(v, depth);
      break;
    }
  }

  void printAttrs(Value &v, size_t depth) {
    if (!v.attrs->empty() && !seen.insert(v.attrs).second) {
      out += "«repeated»";
      return;
    }
    if (depth >= 10) {
      out += "{ ... }";
      return;
    }
    std::vector<const Attr *> sorted;
    for (auto &a : *v.attrs)
      sorted.push_back(&a);
    auto important = [&](const Attr *a) {
      auto &n = state.symbols[a->name];
      return n == "type" || n == "_type";
    };
    std::sort(sorted.begin(), sorted.end(), [&](const Attr *x, const Attr *y) {
      bool ix = important(x), iy = important(y);
      if (ix != iy)
        return ix;
      return state.symbols[x->name] < state.symbols[y->name];
    });
    out += "{";
    size_t current = 0;
    for (auto *a : sorted) {
      out += " ";
      if (attrsPrinted >= 10) {
        printElided(out, sorted.size() - current, "attribute", "attributes");
        break;
      }
      out += printAttrName(state.symbols[a->name]) + " = ";
      print(*a->value, depth + 1);
      out += ";";
      attrsPrinted++;
      current++;
    }
    out += " }";
  }

  void printList(Value &v, size_t depth) {
    if (v.list.size && !seen.insert(v.list.elems).second) {
      out += "«repeated»";
      return;
    }
    if (depth >= 10) {
      out += "[ ... ]";
      return;
    }
    out += "[";
    size_t current = 0;
    for (size_t i = 0; i < v.list.size; i++) {
      out += " ";
      if (itemsPrinted >= 10) {
        printElided(out, v.list.size - current, "item", "items");
        break;
      }
      print(*v.list.elems[i], depth + 1);
      itemsPrinted++;
      current++;
    }
    out += " ]";
  }
};
} // namespace

std::string printValueForError(EvalState &state, Value &v) {
  ErrorPrinter p{state, {}, 0, 0, {}};
  p.print(v, 0);
  return p.out;
}

} // namespace bastion::lang
