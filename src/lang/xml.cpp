// XML: the printer behind builtins.toXML and `nix-instantiate --eval
// --xml`, following Nix's value-to-xml.cc and its XMLWriter (indentation
// by two spaces per level, attributes sorted by name, " />" for empty
// elements).
#include "lang/xml.h"

#include <algorithm>
#include <map>
#include <set>

#include "lang/escape.h"
#include "lang/float_format.h"
#include "lang/xml_writer.h"

namespace bastion::lang {

namespace {

XMLAttrs singleton(const std::string &name, std::string value) {
  XMLAttrs a;
  a[name] = std::move(value);
  return a;
}

class XMLPrinter {
public:
  XMLPrinter(EvalState &state, bool strict, bool location, XMLWriter &doc,
             std::vector<std::string> &ctx)
      : state_(state), strict_(strict), location_(location), doc_(doc), ctx_(ctx) {}

  void print(Value &v, PosIdx pos) {
    CallDepth depth(state_, pos);
    state_.checkStack(pos);
    if (strict_)
      state_.forceValue(v, pos);

    switch (v.type) {
    case VType::Int:
      doc_.writeEmptyElement("int", singleton("value", std::to_string(v.integer)));
      break;
    case VType::Bool:
      doc_.writeEmptyElement("bool", singleton("value", v.boolean ? "true" : "false"));
      break;
    case VType::String:
      EvalState::copyContext(v, ctx_);
      doc_.writeEmptyElement("string", singleton("value", std::string(v.str())));
      break;
    case VType::Path:
      doc_.writeEmptyElement("path", singleton("value", v.path));
      break;
    case VType::Null:
      doc_.writeEmptyElement("null");
      break;
    case VType::Float:
      doc_.writeEmptyElement("float", singleton("value", floatToXML(v.fpoint)));
      break;
    case VType::Attrs:
      if (state_.isDerivation(v)) {
        XMLAttrs xmlAttrs;
        std::string drvPath;
        if (const Attr *a = v.attrs->find(state_.s.drvPath)) {
          if (strict_)
            state_.forceValue(*a->value, a->pos);
          if (a->value->type == VType::String)
            xmlAttrs["drvPath"] = drvPath = a->value->str();
        }
        if (const Attr *a = v.attrs->find(state_.s.outPath)) {
          if (strict_)
            state_.forceValue(*a->value, a->pos);
          if (a->value->type == VType::String)
            xmlAttrs["outPath"] = a->value->str();
        }
        XMLOpenElement _(doc_, "derivation", xmlAttrs);
        if (!drvPath.empty() && drvsSeen_.insert(drvPath).second)
          showAttrs(*v.attrs);
        else
          doc_.writeEmptyElement("repeated");
      } else {
        XMLOpenElement _(doc_, "attrs");
        showAttrs(*v.attrs);
      }
      break;
    case VType::List: {
      XMLOpenElement _(doc_, "list");
      for (size_t i = 0; i < v.list.size; i++)
        print(*v.list.elems[i], pos);
      break;
    }
    case VType::Lambda: {
      ExprLambda *fun = v.lambda.fun;
      XMLAttrs xmlAttrs;
      if (location_)
        posToXML(xmlAttrs, fun->pos);
      XMLOpenElement _(doc_, "function", xmlAttrs);
      if (fun->formals) {
        XMLAttrs attrs;
        if (fun->arg)
          attrs["name"] = state_.symbols[fun->arg];
        if (fun->formals->ellipsis)
          attrs["ellipsis"] = "1";
        XMLOpenElement _(doc_, "attrspat", attrs);
        for (auto &f : fun->formals->lexicographicOrder(state_.symbols))
          doc_.writeEmptyElement("attr", singleton("name", state_.symbols[f.name]));
      } else {
        doc_.writeEmptyElement("varpat", singleton("name", state_.symbols[fun->arg]));
      }
      break;
    }
    default:
      // Built-in functions (which Nix does not serialise yet) and, when
      // not strict, thunks.
      doc_.writeEmptyElement("unevaluated");
      break;
    }
  }

private:
  EvalState &state_;
  bool strict_;
  bool location_;
  XMLWriter &doc_;
  std::vector<std::string> &ctx_;
  std::set<std::string> drvsSeen_;

  void posToXML(XMLAttrs &attrs, PosIdx p) {
    if (!p)
      return; // Nix would print line="0" column="0"; our positions are never absent there
    const Pos &pos = state_.positions[p];
    const Origin &origin = state_.positions.origin(pos.origin);
    if (origin.kind == Origin::File)
      attrs["path"] = origin.path;
    attrs["line"] = std::to_string(pos.line);
    attrs["column"] = std::to_string(pos.column);
  }

  void showAttrs(const Bindings &attrs) {
    GcVector<const Attr *> sorted;
    sorted.reserve(attrs.size);
    for (auto &a : attrs)
      sorted.push_back(&a);
    std::sort(sorted.begin(), sorted.end(), [&](const Attr *a, const Attr *b) {
      return state_.symbols[a->name] < state_.symbols[b->name];
    });
    for (const Attr *a : sorted) {
      XMLAttrs xmlAttrs;
      xmlAttrs["name"] = state_.symbols[a->name];
      if (location_ && a->pos)
        posToXML(xmlAttrs, a->pos);
      XMLOpenElement _(doc_, "attr", xmlAttrs);
      print(*a->value, a->pos);
    }
  }
};

} // namespace

void printValueAsXML(EvalState &state, bool strict, bool location, Value &v, std::ostream &out,
                     std::vector<std::string> &ctx, PosIdx pos) {
  XMLWriter doc(out);
  XMLOpenElement root(doc, "expr");
  XMLPrinter printer(state, strict, location, doc, ctx);
  printer.print(v, pos);
}

} // namespace bastion::lang
