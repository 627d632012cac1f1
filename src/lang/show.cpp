// `nix-instantiate --parse`: the parsed tree printed with explicit
// parentheses, exactly as Nix prints it.
#include <algorithm>
#include <map>
#include <sstream>

#include "lang/ast.h"
#include "lang/print.h"

namespace bastion::lang {

void ExprInt::show(const SymbolTable &, std::ostream &out) const { out << v.integer; }
void ExprFloat::show(const SymbolTable &, std::ostream &out) const { out << v.fpoint; }
void ExprString::show(const SymbolTable &, std::ostream &out) const {
  out << printLiteralString(s);
}
void ExprPath::show(const SymbolTable &, std::ostream &out) const { out << s; }
void ExprVar::show(const SymbolTable &symbols, std::ostream &out) const { out << symbols[name]; }
void ExprInheritFrom::show(const SymbolTable &symbols, std::ostream &out) const {
  out << symbols[name];
}

std::string showAttrPath(const SymbolTable &symbols, const AttrPath &path) {
  std::ostringstream out;
  bool first = true;
  for (auto &a : path) {
    if (!first)
      out << '.';
    first = false;
    if (a.symbol) {
      out << symbols[a.symbol];
    } else {
      out << "\"${";
      a.expr->show(symbols, out);
      out << "}\"";
    }
  }
  return out.str();
}

void ExprSelect::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(";
  e->show(symbols, out);
  out << ")." << showAttrPath(symbols, path);
  if (def) {
    out << " or (";
    def->show(symbols, out);
    out << ")";
  }
}

void ExprOpHasAttr::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "((";
  e->show(symbols, out);
  out << ") ? " << showAttrPath(symbols, path) << ")";
}

void ExprAttrs::showBindings(const SymbolTable &symbols, std::ostream &out) const {
  std::vector<const std::pair<const Symbol, AttrDef> *> sorted;
  for (auto &i : attrs)
    sorted.push_back(&i);
  std::sort(sorted.begin(), sorted.end(),
            [&](auto *a, auto *b) { return symbols[a->first] < symbols[b->first]; });
  std::vector<Symbol> inherits;
  std::map<uint32_t, std::vector<Symbol>> inheritsFrom;
  for (auto *i : sorted) {
    if (i->second.kind == Kind::Inherited)
      inherits.push_back(i->first);
    if (i->second.kind == Kind::InheritedFrom) {
      auto *sel = static_cast<ExprSelect *>(i->second.e);
      inheritsFrom[static_cast<ExprInheritFrom *>(sel->e)->displ].push_back(i->first);
    }
  }
  if (!inherits.empty()) {
    out << "inherit";
    for (auto s : inherits)
      out << " " << symbols[s];
    out << "; ";
  }
  for (auto &[from, syms] : inheritsFrom) {
    out << "inherit (";
    inheritFrom[from]->show(symbols, out);
    out << ")";
    for (auto s : syms)
      out << " " << symbols[s];
    out << "; ";
  }
  for (auto *i : sorted) {
    if (i->second.kind != Kind::Plain)
      continue;
    out << symbols[i->first] << " = ";
    i->second.e->show(symbols, out);
    out << "; ";
  }
  for (auto &d : dynamicAttrs) {
    out << "\"${";
    d.name->show(symbols, out);
    out << "}\" = ";
    d.value->show(symbols, out);
    out << "; ";
  }
}

void ExprAttrs::show(const SymbolTable &symbols, std::ostream &out) const {
  if (recursive)
    out << "rec ";
  out << "{ ";
  showBindings(symbols, out);
  out << "}";
}

void ExprList::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "[ ";
  for (auto *e : elems) {
    out << "(";
    e->show(symbols, out);
    out << ") ";
  }
  out << "]";
}

void ExprLambda::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(";
  if (formals) {
    out << "{ ";
    bool first = true;
    for (auto &f : formals->lexicographicOrder(symbols)) {
      if (!first)
        out << ", ";
      first = false;
      out << symbols[f.name];
      if (f.def) {
        out << " ? ";
        f.def->show(symbols, out);
      }
    }
    if (formals->ellipsis) {
      if (!first)
        out << ", ";
      out << "...";
    }
    out << " }";
    if (arg)
      out << " @ ";
  }
  if (arg)
    out << symbols[arg];
  out << ": ";
  body->show(symbols, out);
  out << ")";
}

void ExprCall::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(";
  fun->show(symbols, out);
  for (auto *a : args) {
    out << " ";
    a->show(symbols, out);
  }
  out << ")";
}

void ExprLet::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(let ";
  attrs->showBindings(symbols, out);
  out << "in ";
  body->show(symbols, out);
  out << ")";
}

void ExprWith::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(with ";
  attrs->show(symbols, out);
  out << "; ";
  body->show(symbols, out);
  out << ")";
}

void ExprIf::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(if ";
  cond->show(symbols, out);
  out << " then ";
  then->show(symbols, out);
  out << " else ";
  else_->show(symbols, out);
  out << ")";
}

void ExprAssert::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "assert ";
  cond->show(symbols, out);
  out << "; ";
  body->show(symbols, out);
}

void ExprOpNot::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(! ";
  e->show(symbols, out);
  out << ")";
}

void ExprBinOp::show(const SymbolTable &symbols, std::ostream &out) const {
  static const char *ops[] = {"==", "!=", "&&", "||", "->", "//", "++"};
  out << "(";
  e1->show(symbols, out);
  out << " " << ops[int(op)] << " ";
  e2->show(symbols, out);
  out << ")";
}

void ExprArith::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(";
  fn->show(symbols, out);
  out << " ";
  e1->show(symbols, out);
  out << " ";
  e2->show(symbols, out);
  out << ")";
}

void ExprConcatStrings::show(const SymbolTable &symbols, std::ostream &out) const {
  out << "(";
  bool first = true;
  for (auto &[pos, e] : es) {
    if (!first)
      out << " + ";
    first = false;
    e->show(symbols, out);
  }
  out << ")";
}

} // namespace bastion::lang
