// util/io.h and util/fd.h: whole reads and writes through a pipe whose
// buffer is smaller than the data (short writes), with a signal handler
// interrupting the blocked calls (EINTR).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "util/error.h"
#include "util/fd.h"
#include "util/io.h"

using namespace bastion::util;

namespace {
void onSignal(int) {}
} // namespace

TEST(UtilIo, WriteFullAndReadAllSurviveShortWritesAndEINTR) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd r(p[0]), w(p[1]);
  ::fcntl(w.get(), F_SETPIPE_SZ, 4096);
  struct sigaction sa {};
  sa.sa_handler = onSignal; // no SA_RESTART: blocked calls fail with EINTR
  struct sigaction old;
  ASSERT_EQ(::sigaction(SIGUSR1, &sa, &old), 0);

  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); i++)
    data[i] = char(i * 7 + i / 251);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    writeFull(w.get(), data);
    w.close();
    done = true;
  });
  // Interrupt the writer (blocked on a full pipe) a few times.
  for (int i = 0; i < 20 && !done; i++) {
    ::usleep(1000);
    if (!done)
      ::pthread_kill(writer.native_handle(), SIGUSR1);
  }
  std::string got = readAll(r.get());
  writer.join();
  ::sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

TEST(UtilIo, ReadFullStopsAtEndOfFile) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd r(p[0]), w(p[1]);
  writeFull(w.get(), "abc");
  w.reset();
  char buf[10];
  EXPECT_EQ(readFull(r.get(), buf, sizeof buf), 3u);
  EXPECT_EQ(std::string(buf, 3), "abc");
}

TEST(UtilIo, WriteFullThrowsSysError) {
  try {
    writeFull(-1, "x", "writing to 'nothing'");
    FAIL();
  } catch (const SysError &e) {
    EXPECT_EQ(e.errNo, EBADF);
    EXPECT_EQ(std::string(e.what()), std::string("writing to 'nothing': ") + strerror(EBADF));
  }
}

TEST(UtilFd, ClosesAndMoves) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  int raw = p[0];
  {
    Fd a(p[0]);
    Fd b(std::move(a));
    EXPECT_FALSE(a);
    EXPECT_EQ(b.get(), raw);
    Fd c;
    c = std::move(b);
    EXPECT_EQ(c.get(), raw);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1); // closed once, at the end
  Fd w(p[1]);
  int released = w.release();
  EXPECT_FALSE(w);
  EXPECT_NE(::fcntl(released, F_GETFD), -1);
  ::close(released);
}

// readSome returns what the pipe holds now instead of waiting for the
// rest (FdNarSource reads NARs embedded in a conversation), and 0 only at
// end of file.
TEST(UtilIo, ReadSomeDoesNotWaitForMore) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd r(p[0]), w(p[1]);
  writeFull(w.get(), "abc");
  char buf[64];
  EXPECT_EQ(readSome(r.get(), buf, sizeof buf), 3u);
  EXPECT_EQ(std::string(buf, 3), "abc");
  w.reset();
  EXPECT_EQ(readSome(r.get(), buf, sizeof buf), 0u);
  EXPECT_THROW(readSome(-1, buf, sizeof buf), SysError);
}
