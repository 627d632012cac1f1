// An http(s):// binary cache, read with libcurl (opened with dlopen, as
// for downloads). Connections are kept per thread and reused; transient
// failures (connection errors, timeouts, HTTP 5xx and 429) are retried
// with exponential back-off, as Nix's FileTransfer does. Read-only.
#pragma once

#include "store/binary_cache.h"

namespace bastion::store {

class HttpBinaryCache final : public BinaryCache {
public:
  explicit HttpBinaryCache(std::string url) : url_(std::move(url)) {}
  const std::string &url() const override { return url_; }
  std::optional<std::string> getFile(const std::string &rel) override;
  bool getFileStream(const std::string &rel, const ByteSink &sink) override;
  bool fileExists(const std::string &rel) override;
  std::unique_ptr<Upload> upload() override;

  // Tries of one request (Nix's download-attempts is 5).
  static constexpr int kAttempts = 5;

private:
  std::string url_;
  // 200: true; 404/410 (or 403, as S3 says for absent files): false.
  bool get(const std::string &rel, const ByteSink &sink, bool headOnly);
};

} // namespace bastion::store
