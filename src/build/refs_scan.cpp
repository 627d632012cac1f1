#include "build/refs_scan.h"

#include "format/base32.h"
#include "format/store_path.h"

namespace bastion::build {

using format::kStorePathHashLen;

RefScanSink::RefScanSink(const std::set<std::string> &hashParts)
    : candidates_(hashParts.begin(), hashParts.end()) {}

void RefScanSink::write(std::string_view data) {
  if (candidates_.empty() || data.empty())
    return;
  // A hash part may straddle chunks: rescan the seam with the previous tail.
  std::string seam = tail_;
  seam.append(data.substr(0, std::min(data.size(), kStorePathHashLen)));
  scan(seam);
  scan(data);
  size_t keep = kStorePathHashLen - 1;
  if (data.size() >= keep)
    tail_.assign(data.substr(data.size() - keep));
  else {
    tail_.append(data);
    if (tail_.size() > keep)
      tail_.erase(0, tail_.size() - keep);
  }
}

void RefScanSink::scan(std::string_view s) {
  // Skip ahead past any character that cannot be in a hash part: most of a
  // binary is not nix32, so this looks at few windows.
  size_t i = 0;
  while (i + kStorePathHashLen <= s.size()) {
    size_t j = kStorePathHashLen;
    while (j > 0 && format::isNix32Char(s[i + j - 1]))
      j--;
    if (j > 0) {
      i += j;
      continue;
    }
    std::string window(s.substr(i, kStorePathHashLen));
    if (candidates_.count(window))
      found_.insert(window);
    i++;
  }
}

} // namespace bastion::build
