#!/usr/bin/env python3
"""debian.downloads: a package's .deb fetched from a loopback HTTP mirror
(a local signed test archive, locked with --mirror http://127.0.0.1:PORT):
- under a pty, the status line shows the bytes downloaded while the server
  trickles the file; killed with -9 mid-transfer, nothing is valid in the
  store and no path of that name is there; the next build starts again
  and gives the pinned bytes;
- a .deb replaced on the mirror after locking: the build fails (102), the
  message names the URL, the pinned hash and the hash of what came, and
  nothing is registered or left in the store under either hash; one larger
  than the index's Size is stopped there, naming the URL.
Skips (77) without gpg, gpgv or dpkg-deb."""
import argparse, base64, hashlib, http.server, os, pty, re, select, shutil, signal, subprocess, sys
import tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_archive

SKIP = 77
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


class Mirror(http.server.SimpleHTTPRequestHandler):
    """Serves the archive; while `trickle` is set, a .deb goes out in small
    pieces with pauses (so a build is caught mid-transfer)."""
    trickle = threading.Event()

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        if not (self.path.endswith(".deb") and Mirror.trickle.is_set()):
            return super().copyfile(source, outputfile)
        try:
            while chunk := source.read(16 * 1024):
                outputfile.write(chunk)
                outputfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed: that is the test


def sri(data):
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def kib(out):
    """The byte counts the status line showed, in KiB."""
    return [float(n) * (1024 if u == "MiB" else 1)
            for n, u in re.findall(r"downloaded ([0-9.]+) (KiB|MiB)", out)]


def store_names(store):
    d = f"{store}/nix/store"
    return os.listdir(d) if os.path.isdir(d) else []


def build_under_pty(cmd, until):
    """Runs cmd on a pty; returns (pid, fd, output so far) once `until`
    holds for the output (or the process ends)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(cmd[0], cmd)
    out = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if r:
            try:
                b = os.read(fd, 4096)
            except OSError:
                break
            if not b:
                break
            out += b
            if until(out.decode(errors="replace")):
                break
    return pid, fd, out.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    if not test_archive.HAVE_TOOLS:
        print("skip: gpg, gpgv or dpkg-deb missing")
        return SKIP
    t = tempfile.mkdtemp(prefix="bastion-downloads-")
    srv = None
    try:
        arc = test_archive.Archive(f"{t}/archive")
        # Random bytes: the .deb stays about 1.5 MiB whatever xz does.
        payload = os.urandom(1536 * 1024)
        deb = arc.add("big", "1.0-1", {}, {"/usr/share/big/blob": payload})
        arc.publish()
        pinned = open(deb, "rb").read()
        handler = lambda *args, **kw: Mirror(*args, directory=arc.dir, **kw)
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        mirror = f"http://127.0.0.1:{srv.server_address[1]}"

        lock = f"{t}/debian.lock"
        r = run(a.bin, "debian", "lock", "--store", f"{t}/lockstore", "--mirror", mirror, "--suite",
                arc.suite, "--keyring", arc.keyring, "-o", lock)
        check(r.returncode == 0, "lock over the loopback mirror: " + r.stderr.strip()[-300:])
        if r.returncode != 0:
            return 1
        expr = f"(import <bastion/pkgs> {{ lock = {lock}; }}).big.deb"

        # 1. Progress under a pty, then kill -9 mid-transfer.
        store = f"{t}/s"
        Mirror.trickle.set()
        cmd = [a.bin, "nix-build", "--store", store, "--no-out-link", "-E", expr]
        pid, fd, out = build_under_pty(cmd, lambda o: any(k >= 256 for k in kib(o)))
        sizes = kib(out)
        check(len(sizes) >= 2 and sizes[-1] > 0 and sizes == sorted(sizes),
              f"the status line counts the bytes downloaded: {sizes[:3]}…{sizes[-2:]}")
        check(re.search(r"downloaded [0-9.]+ KiB of 1\.5 MiB", out) is not None,
              "with the size the index gives: " + repr(out[-120:]))
        check(re.search(r"\[0/1 built\] building big_1\.0-1\.deb", out) is not None,
              "the status line names the package and counts packages: " + repr(out[-200:]))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        check(sizes and sizes[-1] * 1024 < len(pinned), "killed before the download ended")
        names = [n for n in store_names(store) if n.endswith("big_1.0-1.deb")]
        check(names == [], f"after kill -9 no .deb is in the store: {names}")
        q = run(a.bin, "nix-store", "--store", store, "-q", "--outputs",
                run(a.bin, "nix-instantiate", "--store", store, "-E", expr).stdout.strip())
        out_path = q.stdout.strip()
        v = run(a.bin, "nix-store", "--store", store, "--check-validity", out_path)
        check(out_path.endswith(".deb") and v.returncode != 0, f"{out_path} is not valid after kill -9")

        # 2. The next build starts again and gets the pinned bytes.
        Mirror.trickle.clear()
        r = run(a.bin, "nix-build", "--store", store, "--no-out-link", "-E", expr, timeout=300)
        got = r.stdout.strip()
        ok = r.returncode == 0 and got == out_path
        check(ok, "the build after kill -9 succeeds" + ("" if ok else ": " + r.stderr.strip()[-400:]))
        if ok:
            check(open(f"{store}{got}", "rb").read() == pinned, "it holds the pinned .deb's bytes")
            v = run(a.bin, "nix-store", "--store", store, "--verify-path", got)
            check(v.returncode == 0, "and verifies: " + v.stderr.strip())

        # 3. The mirror's .deb replaced after locking: refused, nothing kept.
        other = test_archive.build_deb(f"{t}", "big", "1.0-1", {},
                                       {"/usr/share/big/blob": os.urandom(64 * 1024)})
        shutil.copy(other, deb)
        replaced = open(deb, "rb").read()
        store2 = f"{t}/s2"
        r = run(a.bin, "nix-build", "--store", store2, "--no-out-link", "-E", expr, timeout=300)
        url = f"{mirror}/pool/main/b/big/big_1.0-1_amd64.deb"
        msg = r.stderr
        # 102: Nix's exit status for a fixed output with another hash.
        check(r.returncode == 102, f"a replaced .deb: the build fails (exit code {r.returncode})")
        check(msg.count("hash mismatch") == 1, "the mismatch is told once")
        check(f"hash mismatch in file downloaded from '{url}'" in msg, "the error names the URL: " + msg[-500:])
        check(f"specified: {sri(pinned)}" in msg and f"got:       {sri(replaced)}" in msg,
              "the error names the pinned hash and the hash of what came")
        debs = [n for n in store_names(store2) if n.endswith(".deb")]
        check(debs == [], f"nothing of it in the store: {debs}")
        dump = run("sqlite3", f"{store2}/nix/var/nix/db/db.sqlite",
                   "select path from ValidPaths where path like '%.deb'") if shutil.which("sqlite3") else None
        if dump is not None:
            check(dump.stdout.strip() == "", f"nothing of it registered: {dump.stdout.strip()}")

        # 4. One larger than the index says: stopped there, nothing kept.
        os.makedirs(f"{t}/bigger")
        bigger = test_archive.build_deb(f"{t}/bigger", "big", "1.0-1", {},
                                        {"/usr/share/big/blob": os.urandom(2048 * 1024)})
        shutil.copy(bigger, deb)
        store3 = f"{t}/s3"
        r = run(a.bin, "nix-build", "--store", store3, "--no-out-link", "-E", expr, timeout=300)
        check(r.returncode == 100 and f"'{url}' is larger than the {len(pinned)} bytes expected" in r.stderr,
              f"a .deb larger than the index says is stopped at that size (exit {r.returncode}): " + r.stderr.strip()[-300:])
        debs = [n for n in store_names(store3) if n.endswith(".deb")]
        check(debs == [], f"nothing of it in the store: {debs}")
    finally:
        if srv:
            srv.shutdown()
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
