// Nix's XMLWriter: indentation by two spaces per level, attributes sorted
// by name, " />" for empty elements; elements still open are closed when
// the writer goes. Used by builtins.toXML and by nix-env --query --xml.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lang/escape.h"

namespace bastion::lang {

using XMLAttrs = std::map<std::string, std::string>;

class XMLWriter {
public:
  explicit XMLWriter(std::ostream &out) : out_(out) {
    out_ << "<?xml version='1.0' encoding='utf-8'?>\n";
  }
  ~XMLWriter() {
    while (!pending_.empty())
      closeElement();
  }

  void openElement(std::string_view name, const XMLAttrs &attrs = {}) {
    indent(pending_.size());
    out_ << '<' << name;
    writeAttrs(attrs);
    out_ << ">\n";
    pending_.emplace_back(name);
  }
  void closeElement() {
    indent(pending_.size() - 1);
    out_ << "</" << pending_.back() << ">\n";
    pending_.pop_back();
  }
  void writeEmptyElement(std::string_view name, const XMLAttrs &attrs = {}) {
    indent(pending_.size());
    out_ << '<' << name;
    writeAttrs(attrs);
    out_ << " />\n";
  }

private:
  std::ostream &out_;
  std::vector<std::string> pending_;

  void indent(size_t depth) { out_ << std::string(depth * 2, ' '); }
  void writeAttrs(const XMLAttrs &attrs) {
    for (auto &[k, v] : attrs)
      out_ << ' ' << k << "=\"" << escapeXMLAttr(v) << '"';
  }
};

struct XMLOpenElement {
  XMLWriter &doc;
  XMLOpenElement(XMLWriter &d, std::string_view name, const XMLAttrs &attrs = {}) : doc(d) {
    doc.openElement(name, attrs);
  }
  ~XMLOpenElement() { doc.closeElement(); }
};

} // namespace bastion::lang
