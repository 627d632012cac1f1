// SandboxPlan <-> bytes, for the trip to the sandbox launcher. A plain
// length-prefixed encoding: both ends are this same binary.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {
namespace {

struct Writer {
  std::string out;
  void num(uint64_t v) { out.append(reinterpret_cast<const char *>(&v), sizeof v); }
  void str(const std::string &s) {
    num(s.size());
    out += s;
  }
  void strs(const std::vector<std::string> &v) {
    num(v.size());
    for (auto &s : v)
      str(s);
  }
};

struct Reader {
  const std::string &in;
  size_t pos = 0;
  bool ok = true;
  uint64_t num() {
    uint64_t v = 0;
    if (in.size() - pos < sizeof v) {
      ok = false;
      return 0;
    }
    std::memcpy(&v, in.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  }
  std::string str() {
    uint64_t n = num();
    if (!ok || in.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string s = in.substr(pos, n);
    pos += n;
    return s;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v;
    for (uint64_t n = num(); ok && n > 0; --n)
      v.push_back(str());
    return v;
  }
};

} // namespace

std::string encodePlan(const SandboxPlan &p) {
  Writer w;
  w.str(p.rootDir);
  w.str(p.storeMount);
  w.num(p.privileged);
  w.num(p.skeleton.size());
  for (auto &e : p.skeleton) {
    w.num(e.kind);
    w.str(e.path);
    w.num(e.mode);
    w.str(e.data);
  }
  w.num(p.binds.size());
  for (auto &b : p.binds) {
    w.str(b.source);
    w.str(b.target);
    w.num(b.recursive);
    w.num(b.readOnly);
    w.num(b.keepFlags);
  }
  w.num(p.privateNetwork);
  w.num(p.mountShm);
  w.num(p.mountPts);
  for (auto *s : {&p.procDir, &p.shmDir, &p.ptsDir, &p.ptmxLink, &p.ptsPtmx, &p.hostPts,
                  &p.hostPtmx, &p.builder})
    w.str(*s);
  w.strs(p.argv);
  w.strs(p.envp);
  w.str(p.seccomp);
  w.num(p.hostUid);
  w.num(p.hostGid);
  return std::move(w.out);
}

bool decodePlan(const std::string &bytes, SandboxPlan &p) {
  Reader r{bytes};
  p.rootDir = r.str();
  p.storeMount = r.str();
  p.privileged = r.num();
  for (uint64_t n = r.num(); r.ok && n > 0; --n) {
    SkeletonEntry e;
    uint64_t kind = r.num();
    if (kind > SkeletonEntry::kSymlink)
      r.ok = false;
    e.kind = static_cast<SkeletonEntry::Kind>(kind);
    e.path = r.str();
    e.mode = static_cast<mode_t>(r.num());
    e.data = r.str();
    p.skeleton.push_back(std::move(e));
  }
  for (uint64_t n = r.num(); r.ok && n > 0; --n) {
    BindMount b;
    b.source = r.str();
    b.target = r.str();
    b.recursive = r.num();
    b.readOnly = r.num();
    b.keepFlags = r.num();
    p.binds.push_back(std::move(b));
  }
  p.privateNetwork = r.num();
  p.mountShm = r.num();
  p.mountPts = r.num();
  for (auto *s : {&p.procDir, &p.shmDir, &p.ptsDir, &p.ptmxLink, &p.ptsPtmx, &p.hostPts,
                  &p.hostPtmx, &p.builder})
    *s = r.str();
  p.argv = r.strs();
  p.envp = r.strs();
  p.seccomp = r.str();
  p.hostUid = static_cast<uid_t>(r.num());
  p.hostGid = static_cast<gid_t>(r.num());
  return r.ok && r.pos == bytes.size();
}

bool sendAll(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k == -1 && errno == EINTR)
      continue;
    if (k <= 0)
      return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool recvAll(int fd, char *p, size_t n) {
  while (n > 0) {
    ssize_t k = ::read(fd, p, n);
    if (k == -1 && errno == EINTR)
      continue;
    if (k <= 0)
      return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

} // namespace bastion::build::detail
