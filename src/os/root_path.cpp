#include "os/root_path.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::os {

std::optional<std::string> resolveInRoot(const std::string &root, const std::string &path) {
  // `done` is the resolved part below root ("" or "/a/b"); `todo` holds
  // the components left, the next one last.
  std::string done;
  std::vector<std::string> todo = util::pathComponents(path);
  std::reverse(todo.begin(), todo.end());
  unsigned links = 0;
  while (!todo.empty()) {
    std::string c = todo.back();
    todo.pop_back();
    if (c == ".")
      continue;
    if (c == "..") {
      done = done.substr(0, done.rfind('/') == std::string::npos ? 0 : done.rfind('/'));
      continue;
    }
    std::string next = done + "/" + c;
    struct stat st;
    if (::lstat((root + next).c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR)
        return std::nullopt;
      util::throwSysError("getting status of '" + root + next + "'", root + next);
    }
    if (!S_ISLNK(st.st_mode)) {
      done = next;
      continue;
    }
    if (++links > 40)
      throw util::Error("too many levels of symbolic links resolving '" + path + "' in '" + root +
                        "'");
    std::string target = util::readLink(root + next);
    std::vector<std::string> more = util::pathComponents(target);
    for (auto i = more.rbegin(); i != more.rend(); ++i)
      todo.push_back(*i);
    if (!target.empty() && target[0] == '/')
      done.clear();
  }
  return root + done;
}

} // namespace bastion::os
