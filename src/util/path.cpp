// See path.h.
#include "util/path.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/error.h"

namespace bastion::util {

std::string dirOf(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos)
    return ".";
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

std::string baseNameOf(std::string_view path) {
  if (path.empty())
    return "";
  size_t last = path.size() - 1;
  if (path[last] == '/' && last > 0)
    last--;
  size_t slash = path.rfind('/', last);
  size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  return std::string(path.substr(start, last - start + 1));
}

std::string canonPath(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/')
      i++;
    if (i >= path.size())
      break;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    std::string_view comp = path.substr(i, j - i);
    if (comp == "..") {
      size_t k = out.rfind('/');
      out.erase(k == std::string::npos ? 0 : k);
    } else if (comp != ".") {
      out += '/';
      out += comp;
    }
    i = j;
  }
  return out.empty() ? "/" : out;
}

std::string absPath(std::string_view path, std::string_view dir) {
  if (!path.empty() && path[0] == '/')
    return canonPath(path);
  std::string full(dir);
  full += '/';
  full += path;
  return canonPath(full);
}

std::string absPath(std::string_view path) {
  if (!path.empty() && path[0] == '/')
    return canonPath(path);
  std::vector<char> buf(4096);
  while (!::getcwd(buf.data(), buf.size())) {
    if (errno != ERANGE)
      throwSysError("getting the current directory");
    buf.resize(buf.size() * 2);
  }
  return absPath(path, buf.data());
}

std::string currentDir() {
  std::vector<char> buf(4096);
  while (!::getcwd(buf.data(), buf.size())) {
    if (errno != ERANGE)
      return "/";
    buf.resize(buf.size() * 2);
  }
  return buf.data();
}

bool isInDir(std::string_view path, std::string_view dir) {
  return path.size() > dir.size() + 1 && path.substr(0, dir.size()) == dir &&
         path[dir.size()] == '/';
}

} // namespace bastion::util
