#include "pkgs/apt_sources.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bastion::pkgs {

namespace {

std::vector<std::string> words(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w)
    out.push_back(w);
  return out;
}

std::string trim(const std::string &s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// "deb [arch=amd64 signed-by=…] URI SUITE COMPONENT…"
void readOneLine(const std::string &path, std::vector<AptSource> &out) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto hash = line.find('#');
    if (hash != std::string::npos)
      line.resize(hash);
    auto w = words(line);
    if (w.empty() || w[0] != "deb")
      continue;
    size_t i = 1;
    if (i < w.size() && w[i].starts_with("[")) {
      while (i < w.size() && w[i].find(']') == std::string::npos)
        ++i;
      ++i;
    }
    if (i + 1 >= w.size())
      continue;
    AptSource s;
    s.uri = w[i];
    s.suites = {w[i + 1]};
    s.components.assign(w.begin() + long(i) + 2, w.end());
    s.origin = path + ":" + std::to_string(n);
    out.push_back(std::move(s));
  }
}

void readDeb822(const std::string &path, std::vector<AptSource> &out) {
  std::ifstream in(path);
  std::string line, key;
  std::vector<std::pair<std::string, std::string>> fields;
  int n = 0, start = 0;
  auto flush = [&] {
    if (fields.empty())
      return;
    std::string types, uris, suites, comps, enabled = "yes";
    for (auto &[k, v] : fields) {
      std::string lk = k;
      std::transform(lk.begin(), lk.end(), lk.begin(), ::tolower);
      if (lk == "types")
        types = v;
      else if (lk == "uris")
        uris = v;
      else if (lk == "suites")
        suites = v;
      else if (lk == "components")
        comps = v;
      else if (lk == "enabled")
        enabled = trim(v);
    }
    fields.clear();
    auto t = words(types);
    if (enabled == "no" || std::find(t.begin(), t.end(), "deb") == t.end())
      return;
    for (auto &uri : words(uris)) {
      AptSource s;
      s.uri = uri;
      s.suites = words(suites);
      s.components = words(comps);
      s.origin = path + ":" + std::to_string(start);
      out.push_back(std::move(s));
    }
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line[0] == '#')
      continue;
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back().second += " " + trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    if (fields.empty())
      start = n;
    fields.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  flush();
}

} // namespace

std::vector<AptSource> readAptSources(const std::string &etcDir) {
  std::vector<AptSource> out;
  readOneLine(etcDir + "/sources.list", out);
  std::string dir = etcDir + "/sources.list.d";
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  for (auto &name : names) {
    if (name.ends_with(".list"))
      readOneLine(dir + "/" + name, out);
    else if (name.ends_with(".sources"))
      readDeb822(dir + "/" + name, out);
  }
  return out;
}

std::string defaultMirror(const std::string &etcDir, const std::string &suite) {
  for (auto &s : readAptSources(etcDir))
    if (std::find(s.suites.begin(), s.suites.end(), suite) != s.suites.end()) {
      std::string uri = s.uri;
      while (uri.size() > 1 && uri.back() == '/')
        uri.pop_back();
      return uri;
    }
  throw std::runtime_error("no 'deb' source for suite '" + suite + "' in " + etcDir +
                           "/sources.list or " + etcDir + "/sources.list.d; pass --mirror URL");
}

} // namespace bastion::pkgs
