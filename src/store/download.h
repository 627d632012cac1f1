// Downloads over http, https and file:// with libcurl, as Nix's
// FileTransfer does for fetchurl: redirects are followed, and a failure is
// reported in Nix's words ("unable to download 'URL': HTTP error 404
// ('Not Found')", with a short response body appended as Nix does).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bastion::store {

struct DownloadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DownloadOptions {
  // Off only where the result is checked against a hash anyway (the
  // builtin:fetchurl builder), as Nix does.
  bool verifyTls = true;
};

// Receives the body, chunk by chunk; may throw to abort the transfer.
using DownloadSink = std::function<void(std::string_view chunk)>;

// Streams the body of `url` into `sink`. Only successful responses reach
// the sink (an error page never does). Throws DownloadError, or whatever
// the sink threw.
void download(const std::string &url, const DownloadSink &sink,
              const DownloadOptions &options = {});

// Writes the body of `url` to the new file `path` (mode 0666 less the
// umask); on failure the partial file is removed.
void downloadToFile(const std::string &url, const std::string &path,
                    const DownloadOptions &options = {});

} // namespace bastion::store
