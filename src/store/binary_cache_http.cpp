#include "store/binary_cache_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "store/shared_lib.h"
#include "store/store.h"

namespace bastion::store {
namespace {

struct Easy {
  CURL *c = nullptr;
  Easy() { c = BASTION_LAZY(libcurl(), curl_easy_init)(); }
  ~Easy() {
    if (c)
      BASTION_LAZY(libcurl(), curl_easy_cleanup)(c);
  }
};

// One handle per thread: its connection is reused for the next request.
CURL *threadHandle() {
  static const bool inited = BASTION_LAZY(libcurl(), curl_global_init)(CURL_GLOBAL_ALL) == 0;
  if (!inited)
    throw StoreError("cannot initialise libcurl");
  thread_local Easy easy;
  if (!easy.c)
    throw StoreError("cannot initialise libcurl");
  BASTION_LAZY(libcurl(), curl_easy_reset)(easy.c);
  return easy.c;
}

struct Body {
  const ByteSink *sink = nullptr;
  long status = 0;
  CURL *c = nullptr;
  uint64_t delivered = 0; // over all attempts
  uint64_t skip = 0;      // bytes an earlier attempt already delivered
  std::exception_ptr error;
  static size_t onData(char *p, size_t size, size_t n, void *self) {
    Body *b = static_cast<Body *>(self);
    if (b->status == 0)
      BASTION_LAZY(libcurl(), curl_easy_getinfo)(b->c, CURLINFO_RESPONSE_CODE, &b->status);
    if (b->status != 200 && b->status != 206)
      return size * n; // an error page: not the file
    std::string_view d(p, size * n);
    // A retry after a broken transfer starts again from byte 0 (the body
    // may have been content-encoded, so a Range would count other bytes):
    // what the sink already has is dropped here, and the NAR's hash,
    // checked against its narinfo, catches a file that changed meanwhile.
    uint64_t drop = std::min<uint64_t>(b->skip, d.size());
    b->skip -= drop;
    d.remove_prefix(drop);
    if (d.empty())
      return size * n;
    try {
      (*b->sink)(d);
      b->delivered += d.size();
    } catch (...) {
      b->error = std::current_exception();
      return 0;
    }
    return size * n;
  }
};

bool transient(CURLcode code, long status) {
  if (code == CURLE_OK)
    return status >= 500 || status == 429 || status == 408;
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

} // namespace

bool HttpBinaryCache::get(const std::string &rel, const ByteSink &sink, bool headOnly) {
  std::string url = url_ + "/" + rel;
  uint64_t delivered = 0;
  for (int attempt = 1;; attempt++) {
    CURL *c = threadHandle();
    Body body;
    body.delivered = delivered;
    body.skip = delivered;
    body.sink = &sink;
    body.c = c;
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_URL, url.c_str());
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_USERAGENT, "curl Bastion");
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_NOSIGNAL, 1L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_FOLLOWLOCATION, 1L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_PROTOCOLS_STR, "http,https");
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_ACCEPT_ENCODING, "");
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_CONNECTTIMEOUT, 30L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_LOW_SPEED_TIME, 300L);
    if (const char *ca = getenv("NIX_SSL_CERT_FILE"))
      BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_CAINFO, ca);
    if (headOnly)
      BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_NOBODY, 1L);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_WRITEFUNCTION, &Body::onData);
    BASTION_LAZY(libcurl(), curl_easy_setopt)(c, CURLOPT_WRITEDATA, &body);
    CURLcode code = BASTION_LAZY(libcurl(), curl_easy_perform)(c);
    if (body.error)
      std::rethrow_exception(body.error);
    long status = 0;
    BASTION_LAZY(libcurl(), curl_easy_getinfo)(c, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && (status == 200 || status == 206)) {
      if (body.skip != 0) // shorter than what an earlier attempt delivered
        throw StoreError("unable to download '" + url + "': the file shrank between attempts");
      return true;
    }
    if (code == CURLE_OK && (status == 404 || status == 410 || status == 403))
      return false;
    std::string what = code != CURLE_OK
                           ? std::string(BASTION_LAZY(libcurl(), curl_easy_strerror)(code))
                           : "HTTP error " + std::to_string(status);
    delivered = body.delivered;
    if (attempt < kAttempts && transient(code, status)) {
      int ms = 100 << (attempt - 1);
      std::cerr << "warning: unable to download '" << url << "': " << what << "; retrying in " << ms
                << " ms\n";
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      continue;
    }
    throw StoreError("unable to download '" + url + "': " + what);
  }
}

std::optional<std::string> HttpBinaryCache::getFile(const std::string &rel) {
  std::string out;
  ByteSink sink = [&](std::string_view d) { out.append(d); };
  if (!get(rel, sink, false))
    return std::nullopt;
  return out;
}

bool HttpBinaryCache::getFileStream(const std::string &rel, const ByteSink &sink) {
  return get(rel, sink, false);
}

bool HttpBinaryCache::fileExists(const std::string &rel) {
  ByteSink none = [](std::string_view) {};
  return get(rel, none, true);
}

std::unique_ptr<BinaryCache::Upload> HttpBinaryCache::upload() {
  throw StoreError("cannot write to binary cache '" + url_ +
                   "': Bastion writes only to file:// caches");
}

} // namespace bastion::store
