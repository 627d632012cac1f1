/* Static builder for tests/sandbox/keyring.py: tries to reach the caller's
 * session keyring from inside a build (read a key by its serial, find it by
 * name, add a key of its own) and prints one line per attempt, "<what> <OK
 * ...|errno name>", then /proc/keys as the builder sees it; all of it goes
 * to stdout and to $out. Raw system calls: no libkeyutils in the sandbox. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static FILE *out;

static void say(const char *fmt, const char *a, const char *b) {
  printf(fmt, a, b);
  fprintf(out, fmt, a, b);
}

static void report(const char *what, long rc, const char *ok) {
  if (rc < 0)
    say("%s %s\n", what, strerrorname_np(errno));
  else
    say("%s OK %s\n", what, ok);
}

int main(int argc, char **argv) {
  const char *outPath = getenv("out");
  if (argc < 2 || !outPath || !(out = fopen(outPath, "w"))) {
    fprintf(stderr, "usage: keyring_probe KEY-SERIAL (with $out set)\n");
    return 1;
  }
  long serial = strtol(argv[1], NULL, 10);

  char buf[256] = {0};
  long n = syscall(SYS_keyctl, KEYCTL_READ, serial, buf, sizeof buf - 1);
  report("read-by-serial", n, n >= 0 ? buf : "");

  long found = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user",
                       "bastion-test-secret", 0);
  report("search-session", found, "");

  long added =
      syscall(SYS_add_key, "user", "bastion-builder-key", "planted", 7, KEY_SPEC_SESSION_KEYRING);
  report("add-session", added, "");

  long linked = syscall(SYS_keyctl, KEYCTL_LINK, serial, KEY_SPEC_SESSION_KEYRING);
  report("link-by-serial", linked, "");

  char line[512];
  FILE *keys = fopen("/proc/keys", "r");
  say("%s%s\n", "proc-keys", keys ? "" : " unreadable");
  while (keys && fgets(line, sizeof line, keys))
    say("  %s%s", line, "");
  if (keys)
    fclose(keys);
  fclose(out);
  return 0;
}
