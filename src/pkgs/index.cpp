#include "pkgs/index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace bastion::pkgs {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

template <class F> void splitOn(std::string_view s, char sep, F f) {
  while (true) {
    auto p = s.find(sep);
    f(trim(s.substr(0, p)));
    if (p == std::string_view::npos)
      break;
    s.remove_prefix(p + 1);
  }
}

DepAtom parseAtom(std::string_view a) {
  DepAtom d;
  auto paren = a.find('(');
  std::string_view name = trim(a.substr(0, paren));
  // Architecture restrictions ("[amd64]") and build profiles do not occur in
  // binary indexes; an arch qualifier (":any", ":native") does.
  auto colon = name.find(':');
  if (colon != std::string_view::npos) {
    d.arch = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  d.name = name;
  if (paren != std::string_view::npos) {
    auto close = a.find(')', paren);
    std::string_view inner = trim(a.substr(paren + 1, close - paren - 1));
    size_t opEnd = 0;
    while (opEnd < inner.size() && std::strchr("<>=", inner[opEnd]))
      ++opEnd;
    Relation rel;
    if (parseRelation(inner.substr(0, opEnd), rel)) {
      d.rel = rel;
      d.version = trim(inner.substr(opEnd));
    }
  }
  return d;
}

} // namespace

std::vector<DepGroup> parseDepends(std::string_view field) {
  std::vector<DepGroup> out;
  if (trim(field).empty())
    return out;
  splitOn(field, ',', [&](std::string_view g) {
    if (g.empty())
      return;
    DepGroup group;
    splitOn(g, '|', [&](std::string_view a) { group.push_back(parseAtom(a)); });
    out.push_back(std::move(group));
  });
  return out;
}

PackageIndex::PackageIndex(const std::string &path) : path_(path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("cannot open Packages index '" + path + "': " + std::strerror(errno));
  struct stat st;
  fstat(fd, &st);
  size_ = size_t(st.st_size);
  if (size_ > 0) {
    void *m = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      close(fd);
      throw std::runtime_error("cannot map '" + path + "': " + std::strerror(errno));
    }
    data_ = static_cast<const char *>(m);
    madvise(m, size_, MADV_SEQUENTIAL);
  }
  close(fd);

  const char *p = data_, *end = data_ + size_;
  size_t line = 0;
  Package cur;
  bool open = false;
  std::string_view *last = nullptr; // the field continuation lines extend
  auto finish = [&] {
    if (!open)
      return;
    if (cur.name.empty() || cur.version.empty())
      throw std::runtime_error(path + ":" + std::to_string(cur.line) +
                               ": stanza without Package or Version");
    packages_.push_back(cur);
    cur = Package();
    open = false;
  };
  while (p < end) {
    const char *nl = static_cast<const char *>(memchr(p, '\n', size_t(end - p)));
    if (!nl)
      nl = end;
    ++line;
    std::string_view l(p, size_t(nl - p));
    p = nl + 1;
    if (l.empty()) {
      finish();
      last = nullptr;
      continue;
    }
    if (l[0] == ' ' || l[0] == '\t') {
      // Continuation: only multi-line dependency fields matter; extend the
      // view (the lines are contiguous in the mapping).
      if (last)
        *last = std::string_view(last->data(), size_t(l.data() + l.size() - last->data()));
      continue;
    }
    auto colon = l.find(':');
    if (colon == std::string_view::npos)
      throw std::runtime_error(path + ":" + std::to_string(line) + ": line without a field name");
    std::string_view key = l.substr(0, colon), value = trim(l.substr(colon + 1));
    if (!open) {
      open = true;
      cur.line = line;
    }
    last = nullptr;
    switch (key[0]) {
    case 'P':
      if (key == "Package")
        cur.name = value;
      else if (key == "Pre-Depends")
        last = &(cur.preDepends = value);
      else if (key == "Provides")
        last = &(cur.provides = value);
      else if (key == "Priority")
        cur.priority = value;
      else if (key == "Protected")
        cur.important = cur.important || value == "yes";
      break;
    case 'I':
      if (key == "Important")
        cur.important = cur.important || value == "yes";
      break;
    case 'V':
      if (key == "Version")
        cur.version = value;
      break;
    case 'A':
      if (key == "Architecture")
        cur.arch = value;
      break;
    case 'D':
      if (key == "Depends")
        last = &(cur.depends = value);
      break;
    case 'C':
      if (key == "Conflicts")
        last = &(cur.conflicts = value);
      break;
    case 'B':
      if (key == "Breaks")
        last = &(cur.breaks = value);
      break;
    case 'R':
      if (key == "Recommends")
        last = &(cur.recommends = value);
      else if (key == "Replaces")
        last = &(cur.replaces = value);
      break;
    case 'E':
      if (key == "Essential")
        cur.essential = value == "yes";
      else if (key == "Enhances")
        last = &(cur.enhances = value);
      break;
    case 'F':
      if (key == "Filename")
        cur.filename = value;
      break;
    case 'S':
      if (key == "SHA256")
        cur.sha256 = value;
      else if (key == "Size")
        cur.size = value;
      else if (key == "Suggests")
        last = &(cur.suggests = value);
      break;
    case 'M':
      if (key == "Multi-Arch")
        cur.multiArch = value;
      break;
    default:
      break;
    }
  }
  finish();

  for (auto &p : packages_)
    if (p.arch != "all") {
      arch_ = p.arch;
      break;
    }
  byName_.reserve(packages_.size());
  for (size_t i = 0; i < packages_.size(); ++i) {
    auto [it, fresh] = byName_.emplace(packages_[i].name, i);
    if (!fresh && compareVersions(packages_[i].version, packages_[it->second].version) > 0)
      it->second = i;
  }
  for (auto &[name, i] : byName_) {
    const Package &pkg = packages_[i];
    if (pkg.provides.empty())
      continue;
    for (auto &g : parseDepends(pkg.provides))
      for (auto &a : g)
        provides_[a.name].push_back({&pkg, a.rel == Relation::Equal ? a.version : ""});
  }
  // Providers in index order, so that ties break the same way every run.
  for (auto &[name, v] : provides_)
    std::sort(v.begin(), v.end(),
              [](const Provider &a, const Provider &b) { return a.pkg < b.pkg; });
}

PackageIndex::~PackageIndex() {
  if (data_)
    munmap(const_cast<char *>(data_), size_);
}

const Package *PackageIndex::find(std::string_view name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : &packages_[it->second];
}

const std::vector<PackageIndex::Provider> &PackageIndex::providers(std::string_view name) const {
  static const std::vector<Provider> none;
  auto it = provides_.find(name);
  return it == provides_.end() ? none : it->second;
}

uint32_t PackageIndex::mentionOrder(std::string_view name) const {
  if (mention_.empty()) {
    mention_.reserve(packages_.size() * 2);
    auto add = [&](std::string_view n) { mention_.emplace(n, uint32_t(mention_.size())); };
    // Only the names matter here: a relation field is names separated by
    // ',' and '|', each maybe followed by ":arch", "(rel version)" or
    // "[arch…]"/"<profile>" qualifiers.
    auto names = [&](std::string_view f) {
      size_t i = 0;
      while (i < f.size()) {
        while (i < f.size() &&
               (f[i] == ' ' || f[i] == '\t' || f[i] == '\n' || f[i] == ',' || f[i] == '|'))
          ++i;
        size_t b = i;
        while (i < f.size() && !std::strchr(" \t\n,|(:[<", f[i]))
          ++i;
        if (i > b)
          add(f.substr(b, i - b));
        while (i < f.size() && f[i] != ',' && f[i] != '|')
          ++i;
      }
    };
    for (auto &p : packages_) {
      add(p.name);
      for (auto f : {p.preDepends, p.depends, p.conflicts, p.breaks, p.recommends, p.suggests,
                     p.replaces, p.enhances, p.provides})
        names(f);
    }
  }
  auto it = mention_.find(name);
  return it == mention_.end() ? UINT32_MAX : it->second;
}

} // namespace bastion::pkgs
