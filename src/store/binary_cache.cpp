#include "store/binary_cache.h"

#include "store/binary_cache_file.h"
#include "store/binary_cache_http.h"
#include "store/store.h"

namespace bastion::store {

std::unique_ptr<BinaryCache> BinaryCache::open(const std::string &url0) {
  std::string url = url0;
  while (url.size() > 1 && url.back() == '/')
    url.pop_back();
  if (url.rfind("file://", 0) == 0) {
    std::string dir = url.substr(7);
    if (dir.empty() || dir[0] != '/')
      throw StoreError("binary cache URL '" + url0 + "' does not name an absolute directory");
    return std::make_unique<FileBinaryCache>(url, dir);
  }
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0)
    return std::make_unique<HttpBinaryCache>(url);
  throw StoreError("don't know how to open binary cache '" + url0 +
                   "' (Bastion has file://, http:// and https:// caches)");
}

void BinaryCache::writeFile(const std::string &rel, std::string_view data, bool syncDirectory) {
  std::unique_ptr<Upload> up = upload();
  up->write(data);
  up->commit(rel, syncDirectory);
}

format::CacheInfo BinaryCache::cacheInfo() {
  std::optional<std::string> text = getFile("nix-cache-info");
  if (!text)
    return {};
  return format::parseCacheInfo(*text, url() + "/nix-cache-info");
}

std::optional<format::NarInfo> BinaryCache::narInfo(std::string_view hashPart) {
  std::string rel = std::string(hashPart) + ".narinfo";
  std::optional<std::string> text = getFile(rel);
  if (!text)
    return std::nullopt;
  return format::parseNarInfo(*text, url() + "/" + rel);
}

} // namespace bastion::store
