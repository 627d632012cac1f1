#!/usr/bin/env python3
"""debian.run.live: jq, neovim and openssh-client from the real archive (the
project's pinned lock) installed with `bastion nix-env -iA` into a
throw-away profile, then run
  1. with the throw-away store bound at /nix (a private mount namespace) and
     LD_DEBUG=libs: every library the loader initialises is under
     /nix/store, none from the host;
  2. chrooted (unshare -r) into a directory holding only nix/store and the
     profile (no /lib, /usr or /etc at all).
Also fetchgit (Debian's git in the sandbox) against a loopback dumb-HTTP
repository, its hash computed by nix-hash. Skips (77) when the mirror of
the pinned index cannot be reached, or without unshare."""
import argparse, base64, functools, http.server, os, re, shutil, subprocess, sys, tempfile, threading

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def in_ns(nix_dir, script, env=None):
    """Runs `script` (sh) with nix_dir bound at /nix, in new user+mount namespaces."""
    return run("unshare", "-r", "-m", "sh", "-c", f'mount --bind "$0" /nix && {script}', nix_dir,
               env=env, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    if not shutil.which("unshare") or run("unshare", "-r", "-m", "true").returncode != 0:
        print("skip: no unshare, or no user and mount namespaces")
        return SKIP
    t = tempfile.mkdtemp(prefix="bastion-run-live-")
    try:
        store = f"{t}/s"
        os.makedirs(f"{store}/nix/var/nix/profiles")
        profile = f"{store}/nix/var/nix/profiles/test"
        r = run(a.bin, "nix-env", "--store", store, "-p", profile, "-f", "<bastion/pkgs>",
                "-iA", "jq", "neovim", "openssh-client", timeout=1800)
        if r.returncode != 0 and re.search(r"unable to download|Could not resolve|Connection refused|timed out", r.stderr):
            print("skip: the pinned archive is not reachable: " + r.stderr.strip()[-300:])
            return SKIP
        check(r.returncode == 0, "nix-env -iA jq neovim openssh-client: " + r.stderr.strip()[-400:])
        if r.returncode != 0:
            return 1
        if not os.path.isdir("/nix"):
            print("skip: no /nix to bind the store over")
            return SKIP
        prof = "/nix/var/nix/profiles/test/bin"
        cmds = {
            "jq": (f"echo '{{\"a\":[1,2,39]}}' | LD_DEBUG=libs {prof}/jq -c '.a|add'", "42"),
            "nvim": (f"LD_DEBUG=libs {prof}/nvim --clean --headless -c 'lua io.stdout:write(tostring(6*7))' -c q", "42"),
            "ssh": (f"LD_DEBUG=libs {prof}/ssh -V 2>&1", "OpenSSH_"),
            "ssh-keygen": (f"LD_DEBUG=libs {prof}/ssh-keygen -q -t ed25519 -N '' -f /tmp/$$.key -C t </dev/null"
                           f" && cat /tmp/$$.key.pub; rm -f /tmp/$$.key /tmp/$$.key.pub", "ssh-ed25519 "),
        }
        for name, (cmd, want) in cmds.items():
            # LD_DEBUG is set for the program only, not for the host's sh and mount.
            r = in_ns(f"{store}/nix", cmd)
            inits = re.findall(r"calling init: (\S+)", r.stdout + r.stderr)
            host = [p for p in inits if not p.startswith("/nix/store/")]
            check(want in r.stdout and inits and not host,
                  f"{name} runs from the store ({len(inits)} libraries initialised, host ones: {host}): "
                  + (next(l for l in r.stdout.splitlines() if want in l)[:80] if want in r.stdout
                     else r.stderr.strip()[-300:]))

        # A root holding only the store and the profile; ssh, which opens
        # /dev/null and looks its user up before anything else, also gets
        # those two files (and nothing of the host's libraries).
        args = {"jq": "-n -c '[1,2,39]|add'",
                "nvim": "--clean --headless -i NONE -c 'lua io.stdout:write(tostring(6*7))' -c q",
                "ssh": "-V"}
        for name in ("jq", "nvim", "ssh"):
            root = f"{t}/root-{name}"
            os.makedirs(f"{root}/nix")
            extra = ""
            if name == "ssh":
                os.makedirs(f"{root}/dev")
                os.makedirs(f"{root}/etc")
                open(f"{root}/dev/null", "w").close()
                open(f"{root}/etc/passwd", "w").write("root:x:0:0:root:/:/nonexistent\n")
                extra = 'mount --bind /dev/null "$1/dev/null" && '
            before = sorted(os.listdir(root))
            want = cmds[name][1]
            r = run("unshare", "-r", "-m", "sh", "-c",
                    f'mount --rbind "$0" "$1/nix" && {extra}HOME=/nonexistent exec chroot "$1" {prof}/{name} {args[name]}',
                    f"{store}/nix", root, timeout=120)
            out = r.stdout + (r.stderr if name == "ssh" else "")
            check(r.returncode == 0 and want in out,
                  f"{name} runs chrooted in a root of only {before} (exit {r.returncode}): "
                  + (out.strip()[:80] if want in out else r.stderr.strip()[-300:]))

        debian_usr(a, store)

        # fetchgit: a dumb-HTTP repository on loopback.
        if shutil.which("git") and (shutil.which("nix-hash") or True):
            fetchgit(a, t, store)
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


def debian_usr(a, store):
    """pkgs.debian.usr: mawk, cron and sudo merged with their closures."""
    expr = ("let pkgs = import <bastion/pkgs> { }; in pkgs.debian.usr "
            "{ packages = [ pkgs.mawk pkgs.cron pkgs.sudo ]; }")
    r = run(a.bin, "nix-build", "--store", store, "-E", expr, "--no-out-link", timeout=900)
    o = store + r.stdout.strip()
    check(r.returncode == 0, "debian.usr { packages = [ mawk cron sudo ]; } builds"
          + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-300:]))
    if r.returncode != 0:
        return
    read = lambda f: open(f"{o}/nix-support/{f}").read()
    check(os.readlink(f"{o}/usr/bin/awk") == "/etc/alternatives/awk"
          and os.readlink(f"{o}/etc/alternatives/awk") == "/usr/bin/mawk"
          and "awk /usr/bin/awk /usr/bin/mawk 5 mawk\n" in read("alternatives"),
          "debian.usr: mawk's update-alternatives choice as Debian's links")
    check("root crontab 2755 /usr/bin/crontab\n" in read("statoverrides"),
          "debian.usr: cron's dpkg-statoverride recorded: " + read("statoverrides").strip())
    check("/etc/sudoers sudo\n" in read("conffiles") and os.path.isfile(f"{o}/etc/sudoers"),
          "debian.usr: sudo's conffiles recorded, /etc/sudoers in the tree")
    check(os.path.isfile(f"{o}/usr/bin/sudo") and os.path.isfile(f"{o}/usr/lib/x86_64-linux-gnu/libc.so.6")
          and os.readlink(f"{o}/bin") == "usr/bin", "debian.usr: the closure merged, merged-usr links")
    expr = ("let pkgs = import <bastion/pkgs> { }; in pkgs.debian.usr { packages = [ pkgs.mawk "
            "(pkgs.writeTextDir \"usr/bin/mawk\" \"not mawk\" // { pname = \"fake-mawk\"; }) ]; }")
    r = run(a.bin, "nix-build", "--store", store, "-E", expr, "--no-out-link", timeout=900)
    check(r.returncode == 100 and "'/usr/bin/mawk' is in both mawk and fake-mawk, and differs" in r.stderr,
          f"debian.usr: a file conflict names both packages (exit {r.returncode})")


def fetchgit(a, t, store):
    repo, www = f"{t}/repo", f"{t}/www"
    g = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@invalid"]
    run("git", "init", "-q", repo)
    os.makedirs(f"{repo}/d")
    open(f"{repo}/a.txt", "w").write("hello\n")
    open(f"{repo}/d/b", "w").write("b\n")
    run(*g, "add", ".")
    run(*g, "commit", "-qm", "one")
    run(*g, "tag", "v1")
    open(f"{repo}/a.txt", "w").write("changed after v1\n")
    run(*g, "commit", "-qam", "two")
    run("git", "clone", "-q", "--bare", repo, f"{www}/repo.git")
    run("git", "-C", f"{www}/repo.git", "update-server-info")
    tree = f"{t}/v1"
    os.makedirs(f"{tree}/d")
    open(f"{tree}/a.txt", "w").write("hello\n")
    open(f"{tree}/d/b", "w").write("b\n")
    nix_hash = [shutil.which("nix-hash")] if shutil.which("nix-hash") else [a.bin, "nix-hash"]
    h = bytes.fromhex(run(*nix_hash, "--type", "sha256", tree).stdout.strip())
    sri = "sha256-" + base64.b64encode(h).decode()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=www)
    http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/repo.git"
    expr = f'(import <bastion/pkgs> {{ }}).fetchgit {{ url = "{url}"; rev = "v1"; hash = "{sri}"; }}'
    r = run(a.bin, "nix-build", "--store", store, "-E", expr, "--no-out-link", timeout=900)
    out = store + r.stdout.strip()
    check(r.returncode == 0 and open(f"{out}/a.txt").read() == "hello\n" and not os.path.exists(f"{out}/.git"),
          "fetchgit: the tag checked out by Debian's git in the sandbox, .git removed, hash as nix-hash's: "
          + r.stderr.strip()[-300:])
    srv.shutdown()


if __name__ == "__main__":
    sys.exit(main())
