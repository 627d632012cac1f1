#!/usr/bin/env python3
"""debian.stdenv.live: stdenv.mkDerivation on Debian's toolchain (the
pinned archive's build-essential closure) in the sandbox, in a throw-away
store: tests/debian/hello-src (our own configure, make, make check, make
install, a #!/bin/sh script) from a tarball, both programs wrapped with
wrapProgram; run with the store bound at /nix, every library the loader
initialises under /nix/store, the wrapper's variables seen, the runtime
closure free of the toolchain. Then the talk's docker-nextcloud derivation
(fetchFromGitHub against a loopback server, pkgs.bash, pkgs.coreutils,
pkgs.docker) builds and its script names the store's docker. Skips (77)
when the pinned archive cannot be reached or without unshare."""
import argparse, base64, functools, http.server, os, re, shutil, subprocess, sys, tarfile, tempfile
import threading

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    if not shutil.which("unshare") or run("unshare", "-r", "-m", "true").returncode != 0 or not os.path.isdir("/nix"):
        print("skip: no unshare, no user and mount namespaces, or no /nix to bind over")
        return SKIP
    t = tempfile.mkdtemp(prefix="bastion-stdenv-live-")
    try:
        store = f"{t}/s"
        tarball = f"{t}/hello-1.0.tar.gz"
        with tarfile.open(tarball, "w:gz") as tf:
            tf.add(f"{HERE}/hello-src", arcname="hello-1.0")

        # The talk's source: a docker-compose.yml in OWNER/REPO/archive/main.tar.gz.
        src = f"{t}/nc/docker-nextcloud-main"
        os.makedirs(src)
        open(f"{src}/docker-compose.yml", "w").write("services:\n  nextcloud:\n    image: nextcloud\n")
        www = f"{t}/www/0b11stan/docker-nextcloud/archive"
        os.makedirs(www)
        with tarfile.open(f"{www}/main.tar.gz", "w:gz") as tf:
            tf.add(src, arcname="docker-nextcloud-main")
        nix_hash = [shutil.which("nix-hash")] if shutil.which("nix-hash") else [a.bin, "nix-hash"]
        h = bytes.fromhex(run(*nix_hash, "--type", "sha256", src).stdout.strip())
        nc_hash = "sha256-" + base64.b64encode(h).decode()
        http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=f"{t}/www")
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        args = ["--arg", "tarball", tarball, "--argstr", "githubBase", f"http://127.0.0.1:{srv.server_address[1]}",
                "--argstr", "ncHash", nc_hash]

        def build(attr):
            return run(a.bin, "nix-build", f"{HERE}/stdenv.nix", "--store", store, "-A", attr, "--no-out-link",
                       *args, timeout=3000)

        r = build("hello")
        if r.returncode != 0 and re.search(r"unable to download|Could not resolve|Connection refused|timed out", r.stderr):
            print("skip: the pinned archive is not reachable: " + r.stderr.strip()[-300:])
            return SKIP
        out = r.stdout.strip()
        good = r.returncode == 0 and out.startswith("/nix/store/")
        check(good, "hello builds with stdenv.mkDerivation" + ("" if good else ": " + r.stderr.strip()[-500:]))
        if r.returncode == 0:
            log = r.stderr
            for phase in ("unpackPhase", "configurePhase", "buildPhase", "checkPhase", "installPhase", "fixupPhase"):
                check(f"running {phase}" in log, f"hello: {phase} ran")
            check(f"configured for {out}" in log, "hello: configure got --prefix=$out")
            cmd = f"LD_DEBUG=libs {out}/bin/hello; {out}/bin/greet"
            rr = run("unshare", "-r", "-m", "sh", "-c", f'mount --bind "$0" /nix && {cmd}', f"{store}/nix", timeout=120)
            inits = re.findall(r"calling init: (\S+)", rr.stdout + rr.stderr)
            host = [p for p in inits if not p.startswith("/nix/store/")]
            check("hello, bastion (1.0)" in rr.stdout, f"hello runs, its wrapper's --set seen: {rr.stdout.strip()[:200]} {rr.stderr[-200:]}")
            check(inits and not host, f"hello: every library initialised is under /nix/store ({len(inits)}, host: {host})")
            check("greet: hello, bastion (1.0)" in rr.stdout, "greet (#!/bin/sh patched, wrapped with --prefix PATH) runs")
            closure = run(a.bin, "nix-store", "--store", store, "-qR", out).stdout.split()
            check(closure and not any("debian-toolchain" in p for p in closure) and len(closure) < 15,
                  f"hello's runtime closure is small and has no toolchain: {len(closure)} paths")
        r = build("nextcloud")
        out = r.stdout.strip()
        check(r.returncode == 0, "the talk's docker-nextcloud builds" + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-500:]))
        if r.returncode == 0:
            script = open(f"{store}{out}/docker-nextcloud.sh").read()
            m = re.match(r"(/nix/store/[^ ]+-docker\.io-[^/]+)/bin/docker compose --project-name 'docker-nextcloud' "
                         r"--file '(/nix/store/[^']+-source)/docker-compose\.yml'\n$", script)
            check(m is not None and os.path.isfile(f"{store}{m.group(1)}/bin/docker") and
                  os.path.isfile(f"{store}{m.group(2)}/docker-compose.yml"),
                  f"its script runs the store's docker on the fetched compose file: {script.strip()[:300]}")
        srv.shutdown()
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
