#include "pkgs/version.h"

#include <cctype>

namespace bastion::pkgs {

namespace {

// dpkg's order of a non-digit character: letters first, '~' before
// everything (even the end), other characters after letters.
int order(char c) {
  if (std::isdigit(static_cast<unsigned char>(c)))
    return 0;
  if (std::isalpha(static_cast<unsigned char>(c)))
    return c;
  if (c == '~')
    return -1;
  if (c)
    return c + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int firstDiff = 0;
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      int ac = order(i < a.size() ? a[i] : 0);
      int bc = order(j < b.size() ? b[j] : 0);
      if (ac != bc)
        return ac - bc;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0')
      ++i;
    while (j < b.size() && b[j] == '0')
      ++j;
    while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i])) && j < b.size() &&
           std::isdigit(static_cast<unsigned char>(b[j]))) {
      if (!firstDiff)
        firstDiff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i])))
      return 1;
    if (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j])))
      return -1;
    if (firstDiff)
      return firstDiff;
  }
  return 0;
}

struct Parts {
  long epoch = 0;
  std::string_view upstream, revision;
};

Parts split(std::string_view v) {
  Parts p;
  auto colon = v.find(':');
  if (colon != std::string_view::npos) {
    for (char c : v.substr(0, colon))
      if (std::isdigit(static_cast<unsigned char>(c)))
        p.epoch = p.epoch * 10 + (c - '0');
    v = v.substr(colon + 1);
  }
  auto dash = v.rfind('-');
  if (dash != std::string_view::npos) {
    p.upstream = v.substr(0, dash);
    p.revision = v.substr(dash + 1);
  } else {
    p.upstream = v;
  }
  return p;
}

} // namespace

int compareVersions(std::string_view a, std::string_view b) {
  Parts x = split(a), y = split(b);
  if (x.epoch != y.epoch)
    return x.epoch < y.epoch ? -1 : 1;
  if (int r = verrevcmp(x.upstream, y.upstream))
    return r;
  return verrevcmp(x.revision, y.revision);
}

bool parseRelation(std::string_view t, Relation &out) {
  if (t == "<<")
    out = Relation::Less;
  else if (t == "<=" || t == "<")
    out = Relation::LessEq;
  else if (t == "=")
    out = Relation::Equal;
  else if (t == ">=" || t == ">")
    out = Relation::GreaterEq;
  else if (t == ">>")
    out = Relation::Greater;
  else
    return false;
  return true;
}

bool satisfies(std::string_view version, Relation rel, std::string_view wanted) {
  if (rel == Relation::Any)
    return true;
  int c = compareVersions(version, wanted);
  switch (rel) {
  case Relation::Less:
    return c < 0;
  case Relation::LessEq:
    return c <= 0;
  case Relation::Equal:
    return c == 0;
  case Relation::GreaterEq:
    return c >= 0;
  case Relation::Greater:
    return c > 0;
  case Relation::Any:
    break;
  }
  return true;
}

} // namespace bastion::pkgs
