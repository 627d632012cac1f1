#!/usr/bin/env python3
"""debian.fetchers: nix/pkgs/fetchers.nix (fetchurl, fetchzip,
fetchFromGitHub) against a loopback HTTP server in a throw-away store: each
a fixed output whose hash the test computes from what it serves (flat
SHA-256 with hashlib, recursive with Nix's nix-hash when installed, else
Bastion's), urls tried in order, a wrong hash rejected with Nix's "hash
mismatch" and the output left unregistered, a 404, and the unsupported or
missing arguments refused at evaluation with a clear message."""
import argparse, base64, hashlib, http.server, io, os, shutil, subprocess, sys, tarfile, tempfile
import threading, zipfile

failures = []
HERE = os.path.dirname(os.path.abspath(__file__))
B32 = "0123456789abcdfghijklmnpqrsvwxyz"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def nix32(digest):
    # Nix's base-32: the bits from the end, five at a time.
    n = len(digest) * 8
    out = []
    for i in range((n + 4) // 5 - 1, -1, -1):
        b = i * 5
        j, k = b // 8, b % 8
        v = digest[j] >> k
        if j + 1 < len(digest):
            v |= digest[j + 1] << (8 - k)
        out.append(B32[v & 0x1F])
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    t = tempfile.mkdtemp(prefix="bastion-fetchers-")
    try:
        files = f"{t}/www/files"
        os.makedirs(files)
        os.makedirs(f"{t}/www/octo/thing/archive")
        with open(f"{files}/hello.txt", "w") as fh:
            fh.write("hello, fetchers\n")
        tree = f"{t}/tree/pkg-1.0"
        os.makedirs(f"{tree}/bin")
        with open(f"{tree}/README", "w") as fh:
            fh.write("readme\n")
        with open(f"{tree}/bin/run", "w") as fh:
            fh.write("#!/bin/sh\necho run\n")
        os.chmod(f"{tree}/bin/run", 0o755)
        with zipfile.ZipFile(f"{files}/tree.zip", "w") as z:
            for root, dirs, names in os.walk(f"{t}/tree"):
                for n in names:
                    p = os.path.join(root, n)
                    info = zipfile.ZipInfo(os.path.relpath(p, f"{t}/tree"))
                    info.external_attr = (os.stat(p).st_mode & 0o777 | 0o100000) << 16
                    z.writestr(info, open(p, "rb").read())
        with tarfile.open(f"{files}/tree.tar.gz", "w:gz") as tf:
            tf.add(tree, arcname="pkg-1.0")
        shutil.copy(f"{files}/tree.tar.gz", f"{t}/www/octo/thing/archive/v1.0.tar.gz")

        nix_hash = [shutil.which("nix-hash")] if shutil.which("nix-hash") else [a.bin, "nix-hash"]

        def rec_hash(path, sri=False):
            r = subprocess.run(nix_hash + ["--type", "sha256", path], capture_output=True, text=True)
            digest = bytes.fromhex(r.stdout.strip())
            return "sha256-" + base64.b64encode(digest).decode() if sri else nix32(digest)

        digest = hashlib.sha256(open(f"{files}/hello.txt", "rb").read()).digest()
        file_hash, file_sri = nix32(digest), "sha256-" + base64.b64encode(digest).decode()
        shutil.copy(f"{files}/hello.txt", f"{t}/exe")
        os.chmod(f"{t}/exe", 0o755)
        exe_hash = rec_hash(f"{t}/exe")      # recursiveHash: the NAR of an executable file
        zip_hash = rec_hash(tree)            # stripRoot: the one directory
        tar_sri = rec_hash(f"{t}/tree", sri=True)  # stripRoot = false: the archive's top
        wrong = nix32(hashlib.sha256(b"something else").digest())

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kw):
                super().__init__(*args, directory=f"{t}/www", **kw)

            def log_message(self, *args):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        store = f"{t}/store"
        args = ["--argstr", "base", base, "--argstr", "fileHash", file_hash, "--argstr", "fileSri", file_sri,
                "--argstr", "exeHash", exe_hash, "--argstr", "zipHash", zip_hash, "--argstr", "tarSri", tar_sri, "--argstr", "ghHash", zip_hash, "--argstr", "wrong", wrong]

        def build(attr):
            r = subprocess.run([a.bin, "nix-build", f"{HERE}/fetchers.nix", "--store", store, "-A", attr,
                                "--no-out-link"] + args, capture_output=True, text=True, timeout=300)
            return r.returncode, r.stdout.strip(), r.stderr

        def ok(attr):
            rc, out, err = build(attr)
            good = rc == 0 and out.startswith("/nix/store/")
            check(good, f"{attr} builds" + ("" if good else f" (exit {rc}): " + err.strip()[-400:]))
            return store + out if good else "/nonexistent"

        def content(p):
            try:
                return open(p).read()
            except OSError as e:
                return str(e)

        p = ok("file")
        check(content(p) == "hello, fetchers\n", "fetchurl: the file, flat sha256")
        p = ok("fileSri")
        check(p.endswith("-named") and content(p) == "hello, fetchers\n", "fetchurl: an SRI hash, name")
        p = ok("mirrors")
        check(content(p) == "hello, fetchers\n" and p.endswith("-hello.txt"), "fetchurl: urls tried in order")
        p = ok("exe")
        check(os.access(p, os.X_OK), "fetchurl: executable, recursiveHash")

        rc, out, err = build("wrongHash")
        check(rc == 102 and "hash mismatch in fixed-output derivation" in err and f"got:    {file_sri}" in err,
              f"fetchurl: a wrong hash is rejected with Nix's message (exit {rc})")
        r = subprocess.run([a.bin, "nix-instantiate", "--eval", f"{HERE}/fetchers.nix", "--store", store,
                            "-A", "wrongHash.outPath"] + args, capture_output=True, text=True)
        wp = r.stdout.strip().strip('"')
        v = subprocess.run([a.bin, "nix-store", "--store", store, "--check-validity", wp], capture_output=True, text=True)
        check(wp.startswith("/nix/store/") and v.returncode != 0 and not os.path.exists(store + wp),
              "fetchurl: the rejected output is neither valid nor on disk")
        rc, out, err = build("notFound")
        check(rc != 0 and "404" in err, f"fetchurl: a 404 fails the build (exit {rc})")
        for attr, words in [("postFetch", "'postFetch' is not supported"),
                            ("noHash", "requires a hash for fixed-output derivation"),
                            ("noUrl", "requires either `url` or `urls` to be set")]:
            rc, out, err = build(attr)
            check(rc == 1 and words in err, f"fetchurl: {attr} refused: {err.strip()[-200:]}")

        p = ok("zip")
        check(sorted(os.listdir(p)) == ["README", "bin"] and os.access(f"{p}/bin/run", os.X_OK),
              "fetchzip: a zip, its one directory stripped, modes kept")
        p = ok("tar")
        check(os.path.isdir(p) and os.listdir(p) == ["pkg-1.0"], "fetchzip: a tar.gz, stripRoot = false")
        rc, out, err = build("zipWrong")
        check(rc == 102 and "hash mismatch" in err, f"fetchzip: a wrong hash is rejected (exit {rc})")
        p = ok("github")
        check(sorted(os.listdir(p)) == ["README", "bin"], "fetchFromGitHub: OWNER/REPO/archive/REV.tar.gz under githubBase")
        srv.shutdown()
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
