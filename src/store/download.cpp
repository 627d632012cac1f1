#include "store/download.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "store/fs_util.h"
#include "store/shared_lib.h"
#include "util/io.h"

namespace bastion::store {
namespace {

// An error page is kept (up to this much) to quote in the message.
constexpr size_t kMaxErrorBody = 64 * 1024;

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { BASTION_LAZY(libcurl(), curl_global_init)(CURL_GLOBAL_ALL); });
}

// The statuses Nix accepts; 0 is what file:// reports.
bool successful(long status) {
  return status == 200 || status == 201 || status == 204 || status == 206 || status == 304 ||
         status == 0;
}

std::string chomp(std::string s) {
  size_t end = s.find_last_not_of(" \n\r\t");
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

struct Transfer {
  const DownloadSink *sink;
  CURL *curl = nullptr;
  std::string statusMsg; // the reason phrase of the last response
  bool decided = false;  // whether the status of this response was looked at
  bool failed = false;   // this response is an error page
  std::string errorBody;
  std::exception_ptr sinkError;

  static size_t onHeader(char *data, size_t size, size_t n, void *self) {
    auto *t = static_cast<Transfer *>(self);
    std::string_view line(data, size * n);
    // Each response (a redirect, then its target) starts with a status
    // line: "HTTP/1.1 404 Not Found".
    if (line.starts_with("HTTP/")) {
      t->decided = false;
      t->failed = false;
      t->errorBody.clear();
      size_t code = line.find(' ');
      size_t reason = code == std::string_view::npos ? code : line.find(' ', code + 1);
      std::string msg =
          reason == std::string_view::npos ? "" : std::string(line.substr(reason + 1));
      size_t b = msg.find_first_not_of(" \t\r\n");
      t->statusMsg = b == std::string::npos ? "" : chomp(msg.substr(b));
    }
    return size * n;
  }

  static size_t onBody(char *data, size_t size, size_t n, void *self) {
    auto *t = static_cast<Transfer *>(self);
    std::string_view chunk(data, size * n);
    if (!t->decided) {
      long status = 0;
      BASTION_LAZY(libcurl(), curl_easy_getinfo)(t->curl, CURLINFO_RESPONSE_CODE, &status);
      t->failed = !successful(status);
      t->decided = true;
    }
    if (t->failed) {
      size_t room = kMaxErrorBody - std::min(kMaxErrorBody, t->errorBody.size());
      t->errorBody.append(chunk.substr(0, room));
      return chunk.size();
    }
    try {
      (*t->sink)(chunk);
    } catch (...) {
      t->sinkError = std::current_exception();
      return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    return chunk.size();
  }
};

struct CurlHandle {
  CURL *h;
  CurlHandle() : h(BASTION_LAZY(libcurl(), curl_easy_init)()) {
    if (!h)
      throw DownloadError("cannot initialise libcurl");
  }
  ~CurlHandle() { BASTION_LAZY(libcurl(), curl_easy_cleanup)(h); }
};

} // namespace

void download(const std::string &url, const DownloadSink &sink, const DownloadOptions &options) {
  globalInit();
  CurlHandle handle;
  CURL *c = handle.h;
  Transfer t;
  t.sink = &sink;
  t.curl = c;
  static const std::string userAgent =
      std::string("curl/") + BASTION_LAZY(libcurl(), curl_version_info)(CURLVERSION_NOW)->version +
      " Bastion";

  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_URL, url.c_str());
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_USERAGENT, userAgent.c_str());
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_NOSIGNAL, 1L);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_FOLLOWLOCATION, 1L);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_MAXREDIRS, 10L);
  // Only what fetchurl is meant to reach; a redirect may not lead to a
  // local file.
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // A transfer that stalls for five minutes is abandoned, as in Nix.
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_LOW_SPEED_TIME, 300L);
  if (options.verifyTls) {
    for (const char *var : {"NIX_SSL_CERT_FILE", "SSL_CERT_FILE"})
      if (const char *f = getenv(var); f && *f) {
        BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_CAINFO, f);
        break;
      }
  } else {
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_SSL_VERIFYPEER, 0L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_HEADERFUNCTION, &Transfer::onHeader);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_HEADERDATA, &t);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_WRITEFUNCTION, &Transfer::onBody);
  BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_WRITEDATA, &t);

  CURLcode code = BASTION_LAZY(libcurl(), curl_easy_perform)(c);
  if (t.sinkError)
    std::rethrow_exception(t.sinkError);
  long status = 0;
  BASTION_LAZY(libcurl(), curl_easy_getinfo)(c, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK && successful(status))
    return;

  std::string msg;
  if (status != 0) {
    msg = "unable to download '" + url + "': HTTP error " + std::to_string(status) + " ('" +
          t.statusMsg + "')";
    if (code != CURLE_OK)
      msg +=
          std::string(" (curl error: ") + BASTION_LAZY(libcurl(), curl_easy_strerror)(code) + ")";
  } else {
    msg = "unable to download '" + url + "': " + BASTION_LAZY(libcurl(), curl_easy_strerror)(code) +
          " (" + std::to_string(int(code)) + ")";
  }
  // Nix quotes an error page when it is short or HTML.
  if (!t.errorBody.empty() &&
      (t.errorBody.size() < 1024 || t.errorBody.find("<html>") != std::string::npos))
    msg += "\n\nresponse body:\n\n" + chomp(t.errorBody);
  throw DownloadError(msg);
}

void downloadToFile(const std::string &url, const std::string &path,
                    const DownloadOptions &options) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    throwSysError("creating file '" + path + "'");
  try {
    download(
        url,
        [&](std::string_view chunk) {
          util::writeFull(fd, chunk, "writing to file '" + path + "'");
        },
        options);
    if (close(fd) != 0) {
      fd = -1;
      throwSysError("writing to file '" + path + "'");
    }
  } catch (...) {
    if (fd >= 0)
      close(fd);
    unlink(path.c_str());
    throw;
  }
}

} // namespace bastion::store
