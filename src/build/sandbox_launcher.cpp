// The client side of the sandbox launcher (see launchBuilder in
// sandbox_plan.h). Starting a builder from this process means fork()ing
// it: after evaluation it is hundreds of megabytes, and copying its page
// tables (and then faulting in copy-on-write pages until exec) cost more
// than the whole trivial build. The launcher is this binary re-executed
// once, so it is small, and every builder is cloned from it instead.
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "build/sandbox_plan.h"

extern char** environ;

namespace bastion::build::detail {
namespace {

// argv[0] and the variable that name the launcher's socket: both must be
// present, so an inherited variable alone never turns a command into one.
constexpr const char* kArgv0 = "bastion-sandbox-launcher";
constexpr const char* kEnvVar = "BASTION_SANDBOX_LAUNCHER_FD";
constexpr int kLauncherFd = 3;

// Runs before main (and before any other static initialiser of this
// binary): in the re-executed launcher, main never runs.
__attribute__((constructor(101))) void launcherEntry(int argc, char** argv, char**) {
    const char* fd = std::getenv(kEnvVar);
    if (!fd || argc < 1 || std::strcmp(argv[0], kArgv0) != 0) return;
    launcherMain(std::atoi(fd));
}

// Spawns the launcher; returns our end of its socket or -1. Called on a
// thread that never exits, because builders are created with
// CLONE_PARENT: they become children of the thread that spawned the
// launcher, and their PR_SET_PDEATHSIG fires when that *thread* exits.
// A scheduler thread ends with its build; this one lives as long as the
// process, so a builder dies exactly when its caller does.
int spawnLauncher() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) return -1;
    // Out of the way of kLauncherFd, so the dup2 below really duplicates
    // (and so clears close-on-exec).
    int child = ::fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
    ::close(sv[1]);
    if (child == -1) { ::close(sv[0]); return -1; }

    std::string var = std::string(kEnvVar) + "=" + std::to_string(kLauncherFd);
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, kEnvVar, std::strlen(kEnvVar)) != 0 && std::strncmp(*e, "LD_BIND_NOW=", 12) != 0)
            envp.push_back(*e);
    envp.push_back(var.data());
    // Resolve every dynamic symbol once, in the launcher, rather than lazily
    // in each builder it clones (mount, seccomp, … are first called there).
    // The builder's environment is its own (execve with the plan's envp).
    char bindNow[] = "LD_BIND_NOW=1";
    envp.push_back(bindNow);
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(kArgv0), nullptr};

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, child, kLauncherFd);
    // It outlives no caller, but should hold none of the caller's pipes or
    // terminal: a harness reading our stdout waits for every copy to close.
    // Builders get their own stdin/stdout/stderr (runChild).
    for (int fd = 0; fd <= 2; ++fd)
        posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
    pid_t pid;
    // posix_spawn uses vfork semantics: no copy of our address space.
    int rc = ::posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(child);
    if (rc != 0) { ::close(sv[0]); return -1; }
    return sv[0];
}

struct Launcher {
    std::mutex mutex;  // one request at a time on the socket
    bool tried = false;
    int fd = -1;

    void start() {
        tried = true;
        std::mutex m;
        std::condition_variable cv;
        bool done = false;
        int result = -1;
        std::thread([&] {
            int r = spawnLauncher();
            {
                std::lock_guard<std::mutex> l(m);
                result = r;
                done = true;
            }
            cv.notify_one();
            for (;;) ::pause();
        }).detach();
        std::unique_lock<std::mutex> l(m);
        cv.wait(l, [&] { return done; });
        fd = result;
    }

    void stop() {
        if (fd != -1) ::close(fd);
        fd = -1;
    }
};

Launcher& launcher() {
    static Launcher* l = new Launcher;  // never destroyed: threads may use it during exit
    return *l;
}

}  // namespace

pid_t launchBuilder(const SandboxPlan& plan, int errFd, int logFd, std::string& error) {
    error.clear();
    // Tests set this to exercise the fallback (a helper forked per build).
    if (std::getenv("BASTION_NO_SANDBOX_LAUNCHER")) return -1;
    Launcher& l = launcher();
    std::lock_guard<std::mutex> g(l.mutex);
    if (!l.tried) l.start();
    if (l.fd == -1) return -1;

    std::string payload = encodePlan(plan);
    uint64_t len = payload.size();
    int fds[2] = {errFd, logFd};
    union {
        char buf[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } control;
    std::memset(&control, 0, sizeof control);
    struct iovec iov = {&len, sizeof len};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);

    ssize_t n;
    do n = ::sendmsg(l.fd, &msg, MSG_NOSIGNAL); while (n == -1 && errno == EINTR);
    int32_t pid = -1;
    // The launcher died (or never came up properly): fork instead, from now on.
    if (n != static_cast<ssize_t>(sizeof len) || !sendAll(l.fd, payload.data(), payload.size()) ||
        !recvAll(l.fd, reinterpret_cast<char*>(&pid), sizeof pid)) {
        l.stop();
        return -1;
    }
    if (pid > 0) return pid;
    uint32_t elen = 0;
    if (!recvAll(l.fd, reinterpret_cast<char*>(&elen), sizeof elen)) {
        l.stop();
        return -1;
    }
    error.resize(elen);
    if (!recvAll(l.fd, error.data(), elen)) {
        l.stop();
        error.clear();
        return -1;
    }
    if (error.empty()) error = "the sandbox launcher failed";
    return -1;
}

}  // namespace bastion::build::detail
