// Files replaced in one step: written under a temporary name beside the
// target, flushed, renamed over it, and the directory flushed, so that a
// crash at any point leaves the old file or the new one, never a part.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace bastion::os {

// Creates or replaces `path` with `data` (permissions `mode`). Throws
// util::SysError naming the path.
void writeFileAtomic(const std::string &path, std::string_view data, mode_t mode = 0644);

} // namespace bastion::os
