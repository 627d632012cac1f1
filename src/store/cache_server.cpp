#include "store/cache_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "format/nar.h"
#include "format/narinfo.h"
#include "store/cache_copy.h"
#include "store/compression.h"
#include "store/nar_fs.h"

namespace bastion::store {
namespace {

struct Request {
  std::string method, target;
  std::string range, acceptEncoding;
  bool keepAlive = true;
};

class Connection {
public:
  Connection(int fd) : fd_(fd) {}
  ~Connection() { ::close(fd_); }

  // The limit on a request head: larger ones get 431.
  static constexpr size_t maxHead = 64 * 1024;

  enum class Read { Ok, End, TooLarge, Bad };

  // Reads one request head.
  Read readRequest(Request &r) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (buf_.size() > maxHead)
        return Read::TooLarge;
      char tmp[16384];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) // EOF, or a client that stopped sending (SO_RCVTIMEO)
        return Read::End;
      buf_.append(tmp, size_t(n));
    }
    if (end > maxHead)
      return Read::TooLarge;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t eol = head.find("\r\n");
    std::string line = head.substr(0, eol);
    size_t a = line.find(' '), b = line.rfind(' ');
    if (a == std::string::npos || b == a || line.compare(b + 1, 5, "HTTP/") != 0)
      return Read::Bad;
    r = Request{};
    r.method = line.substr(0, a);
    r.target = line.substr(a + 1, b - a - 1);
    std::string version = line.substr(b + 1);
    r.keepAlive = version == "HTTP/1.1";
    size_t pos = eol == std::string::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      std::string h = head.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
      pos = e == std::string::npos ? head.size() : e + 2;
      size_t colon = h.find(':');
      if (colon == std::string::npos)
        continue;
      std::string name = h.substr(0, colon);
      for (char &c : name)
        c = char(tolower(c));
      std::string value = h.substr(colon + 1);
      while (!value.empty() && value[0] == ' ')
        value.erase(0, 1);
      if (name == "range")
        r.range = value;
      else if (name == "accept-encoding")
        r.acceptEncoding = value;
      else if (name == "connection") {
        for (char &c : value)
          c = char(tolower(c));
        if (value == "close")
          r.keepAlive = false;
        else if (value == "keep-alive")
          r.keepAlive = true;
      }
    }
    return Read::Ok;
  }

  // Ends the connection after a last response without a reset: the
  // client's unread bytes are drained (bounded by the receive timeout
  // and a byte budget) after our side is shut, so the client reads the
  // response instead of ECONNRESET.
  void closeAfter(std::string_view response) {
    send(response);
    ::shutdown(fd_, SHUT_WR);
    char tmp[16384];
    for (size_t budget = 16 << 20; budget > 0;) {
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      budget -= std::min(budget, size_t(n));
    }
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      data.remove_prefix(size_t(n));
    }
    return true;
  }

private:
  int fd_;
  std::string buf_;
};

// A failed send: the client went away; the connection is dropped.
struct ClientGone {};

struct SocketSink : format::NarSink {
  Connection &c;
  uint64_t skip, left; // the byte range still to send
  explicit SocketSink(Connection &conn, uint64_t from, uint64_t count)
      : c(conn), skip(from), left(count) {}
  void write(std::string_view d) override {
    if (skip >= d.size()) {
      skip -= d.size();
      return;
    }
    d.remove_prefix(size_t(skip));
    skip = 0;
    if (d.size() > left)
      d = d.substr(0, size_t(left));
    left -= d.size();
    if (!d.empty() && !c.send(d))
      throw ClientGone{};
  }
};

// Chunked transfer encoding, for bodies whose length is not known ahead.
struct ChunkedSink {
  Connection &c;
  std::string pending;
  void write(std::string_view d) {
    pending.append(d);
    if (pending.size() >= 64 * 1024)
      flush();
  }
  void flush() {
    if (pending.empty())
      return;
    char len[32];
    snprintf(len, sizeof len, "%zx\r\n", pending.size());
    if (!c.send(len) || !c.send(pending) || !c.send("\r\n"))
      throw ClientGone{};
    pending.clear();
  }
  void end() {
    flush();
    if (!c.send("0\r\n\r\n"))
      throw ClientGone{};
  }
};

// A Range header, as RFC 9110 §14.1.2 reads one: "bytes=A-B", "bytes=A-"
// or "bytes=-N". A header that is not one valid range-spec of unit bytes
// (or asks for several) is Ignored: the whole body is sent with 200.
struct ByteRange {
  enum Kind { Valid, Ignored } kind = Ignored;
  uint64_t first = 0, last = 0; // last: the suffix length when `suffix`
  bool suffix = false, open = false;
};

ByteRange parseRange(std::string_view v) {
  auto trim = [](std::string_view &s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
  };
  auto number = [](std::string_view s, uint64_t &out) {
    if (s.empty() || s.size() > 19)
      return false;
    out = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9')
        return false;
      out = out * 10 + uint64_t(ch - '0');
    }
    return true;
  };
  ByteRange r;
  trim(v);
  if (v.size() < 6 || strncasecmp(v.data(), "bytes=", 6) != 0)
    return r;
  v.remove_prefix(6);
  trim(v);
  size_t dash = v.find('-');
  if (dash == std::string_view::npos || v.find(',') != std::string_view::npos)
    return r;
  std::string_view a = v.substr(0, dash), b = v.substr(dash + 1);
  trim(a);
  trim(b);
  if (a.empty()) {
    if (!number(b, r.last))
      return r;
    r.suffix = true;
  } else {
    if (!number(a, r.first))
      return r;
    if (b.empty())
      r.open = true;
    else if (!number(b, r.last) || r.last < r.first)
      return r; // last < first: an invalid range-spec, ignored
  }
  r.kind = ByteRange::Valid;
  return r;
}

class Server {
public:
  Server(LocalStore &store, const CacheServerOptions &o) : store_(store), o_(o) {}

  void handle(int fd) {
    Connection c(fd);
    Request r;
    try {
      for (;;) {
        switch (c.readRequest(r)) {
        case Connection::Read::End:
          return;
        case Connection::Read::TooLarge:
          return c.closeAfter(errorResponse(431, "Request Header Fields Too Large"));
        case Connection::Read::Bad:
          return c.closeAfter(errorResponse(400, "Bad Request"));
        case Connection::Read::Ok:
          break;
        }
        if (!serve(c, r) || !r.keepAlive)
          return;
      }
    } catch (const ClientGone &) {
    }
  }

private:
  LocalStore &store_;
  const CacheServerOptions &o_;

  bool respond(Connection &c, const Request &r, int status, const char *reason,
               const std::string &type, const std::string &body) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                       "\r\nContent-Type: " + type +
                       "\r\nContent-Length: " + std::to_string(body.size()) +
                       (r.keepAlive ? "" : "\r\nConnection: close") + "\r\n\r\n";
    return c.send(head) && (r.method == "HEAD" || c.send(body));
  }
  static std::string errorResponse(int status, const char *reason) {
    std::string body = std::string(reason) + "\n";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }
  bool notFound(Connection &c, const Request &r) {
    return respond(c, r, 404, "Not Found", "text/plain", "not found\n");
  }

  // Narinfos made recently, by hash part: a closure is asked for by many
  // clients, and a remembered one costs no database query (under the
  // store's one lock) and no signing. One is used while its store path
  // is the same file system object (inode and ctime: not deleted and
  // added again) and for at most a second (signatures added to the
  // store show up within that).
  struct Made {
    std::shared_ptr<const std::string> text;
    std::string real;
    ino_t ino;
    struct timespec ctime;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex madeMutex_;
  std::unordered_map<std::string, Made> made_;
  static constexpr auto kMadeLifetime = std::chrono::seconds(1);
  static constexpr size_t kMadeMax = 65536;

  static bool sameObject(const struct stat &st, const Made &m) {
    return st.st_ino == m.ino && st.st_ctim.tv_sec == m.ctime.tv_sec &&
           st.st_ctim.tv_nsec == m.ctime.tv_nsec;
  }

  std::shared_ptr<const std::string> narInfoText(const std::string &hashPart) {
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lk(madeMutex_);
      auto it = made_.find(hashPart);
      if (it != made_.end() && now - it->second.at < kMadeLifetime) {
        struct stat st;
        if (::lstat(it->second.real.c_str(), &st) == 0 && sameObject(st, it->second))
          return it->second.text;
      }
    }
    std::optional<ValidPathInfo> info = infoFor(hashPart);
    if (!info)
      return nullptr;
    std::string real = store_.realPath(info->path);
    struct stat st;
    if (::lstat(real.c_str(), &st) != 0)
      return nullptr; // registered, but gone from the disk
    format::NarInfo ni = narInfoOf(store_, *info);
    std::string narHash = info->narHash.to(format::HashFormat::Nix32, false);
    ni.url = "nar/" + info->path.hashPart + "-" + narHash + ".nar";
    ni.compression = "none";
    if (o_.signKey)
      ni.sigs.insert(o_.signKey->signDetached(format::narInfoFingerprint(ni, store_.storeDir())));
    auto text = std::make_shared<const std::string>(format::printNarInfo(ni));
    std::lock_guard<std::mutex> lk(madeMutex_);
    if (made_.size() >= kMadeMax)
      made_.clear();
    made_[hashPart] = Made{text, real, st.st_ino, st.st_ctim, now};
    return text;
  }

  std::optional<ValidPathInfo> infoFor(std::string_view hashPart) {
    if (hashPart.size() != 32)
      return std::nullopt;
    for (char ch : hashPart)
      if (!strchr("0123456789abcdfghijklmnpqrsvwxyz", ch))
        return std::nullopt;
    std::optional<StorePath> p = store_.queryPathFromHashPart(hashPart);
    if (!p)
      return std::nullopt;
    return store_.queryPathInfo(*p);
  }

  bool serve(Connection &c, const Request &r) {
    if (r.method != "GET" && r.method != "HEAD")
      return respond(c, r, 405, "Method Not Allowed", "text/plain", "GET or HEAD\n");
    std::string t = r.target.substr(0, r.target.find('?'));
    if (t == "/nix-cache-info")
      return respond(c, r, 200, "OK", "text/x-nix-cache-info",
                     "StoreDir: " + store_.storeDir() +
                         "\nWantMassQuery: 1\nPriority: " + std::to_string(o_.priority) + "\n");
    if (t.size() == 1 + 32 + 8 && t.compare(33, 8, ".narinfo") == 0) {
      std::shared_ptr<const std::string> text = narInfoText(t.substr(1, 32));
      if (!text)
        return notFound(c, r);
      return respond(c, r, 200, "OK", "text/x-nix-narinfo", *text);
    }
    if (t.rfind("/nar/", 0) == 0)
      return serveNar(c, r, t.substr(5));
    return notFound(c, r);
  }

  bool serveNar(Connection &c, const Request &r, const std::string &name) {
    // <hashpart>-<narhash>.nar[.zst|.xz]
    size_t dot = name.find('.');
    if (dot == std::string::npos || name.size() < 34 || name[32] != '-')
      return notFound(c, r);
    std::string ext = name.substr(dot);
    std::string method = ext == ".nar"       ? "none"
                         : ext == ".nar.zst" ? "zstd"
                         : ext == ".nar.xz"  ? "xz"
                                             : "";
    if (method.empty())
      return notFound(c, r);
    std::optional<ValidPathInfo> info = infoFor(std::string_view(name).substr(0, 32));
    if (!info || info->narHash.to(format::HashFormat::Nix32, false) != name.substr(33, dot - 33))
      return notFound(c, r);
    std::string real = store_.realPath(info->path);
    bool encode =
        method == "none" && r.range.empty() && r.acceptEncoding.find("zstd") != std::string::npos;
    if (method != "none" || encode) {
      std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-nix-nar\r\n";
      head += encode ? "Content-Encoding: zstd\r\nVary: Accept-Encoding\r\n" : "";
      head += r.method == "HEAD" ? "" : "Transfer-Encoding: chunked\r\n";
      head += r.keepAlive ? "\r\n" : "Connection: close\r\n\r\n";
      if (!c.send(head))
        return false;
      if (r.method == "HEAD")
        return true;
      ChunkedSink chunks{c, {}};
      std::unique_ptr<Codec> codec =
          makeCompressor(encode ? "zstd" : method, [&](std::string_view d) { chunks.write(d); });
      struct CodecSink : format::NarSink {
        Codec &codec;
        explicit CodecSink(Codec &k) : codec(k) {}
        void write(std::string_view d) override { codec.write(d); }
      } sink(*codec);
      store::dumpPath(real, sink);
      codec->finish();
      chunks.end();
      return true;
    }
    uint64_t size = info->narSize, from = 0, to = size ? size - 1 : 0;
    int status = 200;
    if (!r.range.empty()) {
      ByteRange br = parseRange(r.range);
      if (br.kind == ByteRange::Valid &&
          (size == 0 || (br.suffix ? br.last == 0 : br.first >= size))) {
        std::string head = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" +
                           std::to_string(size) + "\r\nContent-Length: 0\r\n" +
                           (r.keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        return c.send(head);
      }
      if (br.kind == ByteRange::Valid) {
        if (br.suffix) {
          from = size > br.last ? size - br.last : 0;
          to = size - 1;
        } else {
          from = br.first;
          to = br.open ? size - 1 : std::min<uint64_t>(br.last, size - 1);
        }
        status = 206;
      }
      // ByteRange::Ignored: the whole body, 200 (RFC 9110 §14.2).
    }
    uint64_t count = size ? to - from + 1 : 0;
    std::string head = "HTTP/1.1 " + std::string(status == 206 ? "206 Partial Content" : "200 OK") +
                       "\r\nContent-Type: application/x-nix-nar\r\nAccept-Ranges: bytes\r\n"
                       "Content-Length: " +
                       std::to_string(count) + "\r\n";
    if (status == 206)
      head += "Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(to) + "/" +
              std::to_string(size) + "\r\n";
    head += r.keepAlive ? "\r\n" : "Connection: close\r\n\r\n";
    if (!c.send(head))
      return false;
    if (r.method == "HEAD")
      return true;
    SocketSink sink(c, from, count);
    store::dumpPath(real, sink);
    // The path changed under us (a NAR shorter than recorded): the
    // response cannot be completed, so the connection is dropped.
    return sink.left == 0;
  }
};

} // namespace

void serveCache(LocalStore &store, const CacheServerOptions &o,
                const std::function<void(int port)> &ready) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw StoreError(std::string("creating a socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1)
    throw StoreError("cannot listen on '" + o.host + "': not an IPv4 address");
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 512) != 0)
    throw StoreError("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                     std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  Server server(store, o);
  ready(ntohs(addr.sin_port));
  // One thread a connection, at most o.threads at once: a connection that
  // stalls holds only its own thread (until the idle timeout), never the
  // others'. Beyond the limit a connection waits in the listen backlog.
  std::mutex m;
  std::condition_variable cv;
  unsigned active = 0;
  const unsigned limit = std::max(1u, o.threads);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return active < limit; });
    }
    int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      throw StoreError(std::string("accepting a connection: ") + std::strerror(errno));
    }
    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A client that stops sending or reading (slowloris, a stalled
    // download) frees its thread after this long.
    timeval tv{o.idleTimeoutSeconds, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    {
      std::lock_guard<std::mutex> lock(m);
      active++;
    }
    try {
      std::thread([&, c] {
        try {
          server.handle(c);
        } catch (const std::exception &e) {
          fprintf(stderr, "serve-cache: %s\n", e.what());
        }
        std::lock_guard<std::mutex> lock(m);
        active--;
        cv.notify_one();
      }).detach();
    } catch (const std::system_error &) { // no thread to be had: drop this one
      ::close(c);
      std::lock_guard<std::mutex> lock(m);
      active--;
    }
  }
}

} // namespace bastion::store
