// A file:// binary cache: a directory, written with temporary names and
// renames (binary_cache.h).
#pragma once

#include "store/binary_cache.h"

namespace bastion::store {

class FileBinaryCache final : public BinaryCache {
public:
  // Creates `dir`, nar/ and log/ on first write, and nix-cache-info.
  FileBinaryCache(std::string url, std::string dir);
  const std::string &url() const override { return url_; }
  std::optional<std::string> getFile(const std::string &rel) override;
  bool getFileStream(const std::string &rel, const ByteSink &sink) override;
  bool fileExists(const std::string &rel) override;
  std::unique_ptr<Upload> upload() override;
  void syncDir(const std::string &rel) override;

private:
  std::string url_, dir_;
  bool initialised_ = false;
  void init();
};

} // namespace bastion::store
