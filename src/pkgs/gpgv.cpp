#include "pkgs/gpgv.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "store/fs_util.h"

extern char **environ;

namespace bastion::pkgs {

namespace {

std::string readAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    out.append(buf, size_t(n));
  }
  return out;
}

bool hasStatus(const std::string &status, const std::string &word) {
  return status.find("[GNUPG:] " + word + " ") != std::string::npos ||
         status.find("[GNUPG:] " + word + "\n") != std::string::npos;
}

} // namespace

std::string verifyClearsigned(const std::string &file, const std::string &keyring) {
  if (access(keyring.c_str(), R_OK) != 0)
    throw SignatureError("cannot read keyring '" + keyring + "': " + std::strerror(errno));
  store::TempDir tmp("bastion-gpgv-");
  std::string out = tmp.path + "/signed";
  // gpgv writes its own messages to stderr and machine-readable ones to
  // the status descriptor: both go into one pipe, read here.
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0)
    throw SignatureError(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipeFds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipeFds[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::string homeOpt = tmp.path;
  std::vector<std::string> argv = {"gpgv",      "--homedir", homeOpt,    "--status-fd", "1",
                                   "--keyring", keyring,     "--output", out,           file};
  std::vector<char *> cargv;
  for (auto &a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid;
  int err = posix_spawnp(&pid, "gpgv", &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipeFds[1]);
  if (err != 0) {
    close(pipeFds[0]);
    throw SignatureError("cannot run gpgv to verify '" + file + "': " + std::strerror(err));
  }
  std::string status = readAll(pipeFds[0]);
  close(pipeFds[0]);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  bool ok = WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && hasStatus(status, "GOODSIG") &&
            hasStatus(status, "VALIDSIG");
  for (const char *bad : {"BADSIG", "ERRSIG", "EXPKEYSIG", "REVKEYSIG", "NODATA"})
    if (hasStatus(status, bad))
      ok = false;
  if (!ok) {
    std::string why;
    std::istringstream in(status);
    std::string line;
    while (std::getline(in, line))
      if (line.starts_with("gpgv: "))
        why += "\n  " + line;
    throw SignatureError("the signature of '" + file + "' does not verify against keyring '" +
                         keyring + "'" + why);
  }
  return store::readFile(out);
}

std::string clearsignedText(const std::string &m, const std::string &what) {
  const std::string begin = "-----BEGIN PGP SIGNED MESSAGE-----\n";
  const std::string sig = "\n-----BEGIN PGP SIGNATURE-----\n";
  if (!m.starts_with(begin))
    throw SignatureError("'" + what + "' is not a clearsigned message");
  size_t body = m.find("\n\n", begin.size() - 1);
  size_t end = m.find(sig);
  if (body == std::string::npos || end == std::string::npos || end < body + 1 ||
      m.find(begin, 1) != std::string::npos)
    throw SignatureError("'" + what + "' is not one clearsigned message");
  std::string out;
  std::istringstream in(m.substr(body + 2, end - body - 2));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("- "))
      line.erase(0, 2);
    out += line + "\n";
  }
  return out;
}

} // namespace bastion::pkgs
