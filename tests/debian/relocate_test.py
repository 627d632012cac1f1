#!/usr/bin/env python3
"""debian.relocate: builtin:debian-relocate and absolute RUNPATH entries.

Hermetic part, on a local signed test archive (test_archive.py) whose ELF
files are compiled here with the host's cc:
  - `foo`'s program has RUNPATH=/usr/lib/x86_64-linux-gnu/foo, a directory
    of its *dependency* libfoo-private (systemd and libsystemd-shared's
    shape): the build succeeds, the rewritten RPATH names that directory in
    libfoo-private's store path, and the program runs from the store (bound
    at /nix in a private mount namespace) with nothing of the host;
  - `baz` keeps a private directory of its own (/usr/lib/baz);
  - `bar` needs a library in an absolute RUNPATH directory no package of
    its closure has: the build fails naming the library and the object,
    and nothing is registered.
Live part (the pinned bookworm archive, skipped when unreachable): systemd,
openssh-server, nftables, sudo, auditd and util-linux build, systemd's
RPATH reaches libsystemd-shared's directory, and each runs (--version).
Skips (77) without cc, dpkg-deb, gpg or unshare."""
import argparse, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_archive  # noqa: E402

SKIP = 77
LIBDIR = "/usr/lib/x86_64-linux-gnu"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, timeout=600, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kw)


def cc(*args):
    subprocess.run(["cc", "-O1", "-Wl,--enable-new-dtags"] + list(args), check=True,
                   capture_output=True)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def in_ns(nix_dir, cmd):
    """Runs `cmd` (sh) with nix_dir bound at /nix, in new user+mount namespaces."""
    return run("unshare", "-r", "-m", "sh", "-c", f'mount --bind "$0" /nix && {cmd}', nix_dir,
               timeout=120)


def rpath(path):
    r = run("patchelf", "--print-rpath", path)
    return r.stdout.strip().split(":") if r.returncode == 0 else []


def hermetic(a, t):
    src = f"{t}/c"
    os.makedirs(src)
    with open(f"{src}/priv.c", "w") as f:
        f.write('#include <stdio.h>\nvoid priv(void) { puts("private library found"); }\n')
    with open(f"{src}/main.c", "w") as f:
        f.write("void priv(void);\nint main(void) { priv(); return 0; }\n")
    cc("-shared", "-fPIC", "-Wl,-soname,libfoo-private.so", "-o", f"{src}/libfoo-private.so",
       f"{src}/priv.c")
    cc("-shared", "-fPIC", "-Wl,-soname,libbaz.so", "-o", f"{src}/libbaz.so", f"{src}/priv.c")
    cc("-shared", "-fPIC", "-Wl,-soname,libbar-missing.so", "-o", f"{src}/libbar-missing.so",
       f"{src}/priv.c")
    cc("-o", f"{src}/foo", f"{src}/main.c", f"-L{src}", "-lfoo-private",
       f"-Wl,-rpath,{LIBDIR}/foo")
    cc("-o", f"{src}/baz", f"{src}/main.c", f"-L{src}", "-lbaz", "-Wl,-rpath,/usr/lib/baz")
    cc("-o", f"{src}/bar", f"{src}/main.c", f"-L{src}", "-lbar-missing",
       f"-Wl,-rpath,{LIBDIR}/nothere")
    check(rpath(f"{src}/foo") == [f"{LIBDIR}/foo"], "the test program has the absolute RUNPATH")

    # The loader and libc: the host's, packaged as this archive's libc6.
    libc = {f"{LIBDIR}/libc.so.6": (read("/lib/x86_64-linux-gnu/libc.so.6"), 0o755),
            f"{LIBDIR}/ld-linux-x86-64.so.2":
                (read(os.path.realpath("/lib64/ld-linux-x86-64.so.2")), 0o755)}
    arc = test_archive.Archive(f"{t}/archive")
    arc.add("libc6", "2.36-1", {"Priority": "optional"}, libc)
    arc.add("libfoo-private", "1.0-1", {"Depends": "libc6"},
            {f"{LIBDIR}/foo/libfoo-private.so": (read(f"{src}/libfoo-private.so"), 0o644)})
    arc.add("foo", "1.0-1", {"Depends": "libfoo-private (= 1.0-1)"},
            {"/usr/bin/foo": (read(f"{src}/foo"), 0o755)})
    arc.add("baz", "1.0-1", {"Pre-Depends": "libc6"},
            {"/usr/bin/baz": (read(f"{src}/baz"), 0o755),
             "/usr/lib/baz/libbaz.so": (read(f"{src}/libbaz.so"), 0o644)})
    arc.add("bar", "1.0-1", {"Depends": "libc6"},
            {"/usr/bin/bar": (read(f"{src}/bar"), 0o755)})
    arc.publish()
    store, lock = f"{t}/store", f"{t}/debian.lock"
    r = run(a.bin, "debian", "lock", "--store", store, "--offline", arc.dir, "--suite", arc.suite,
            "--keyring", arc.keyring, "-o", lock)
    check(r.returncode == 0, "lock of the test archive: " + r.stderr.strip()[-300:])
    if r.returncode != 0:
        return

    def build(attr, field=""):
        return run(a.bin, "nix-build", "<bastion/pkgs>", "--arg", "lock", lock, "-A",
                   attr + field, "--store", store, "--no-out-link")

    r = build("foo")
    out = r.stdout.strip()
    check(r.returncode == 0, "foo (RUNPATH into its dependency) builds: " + r.stderr.strip()[-300:])
    dep = build("libfoo-private", ".unpacked").stdout.strip()
    if r.returncode == 0:
        rp = rpath(f"{store}{out}/usr/bin/foo")
        check(f"{dep}{LIBDIR}/foo" in rp, f"foo's RPATH names libfoo-private's directory: {rp}")
        check(not any(p.startswith("/usr") for p in rp), f"no host directory left in {rp}")
        e = in_ns(f"{store}/nix", f"LD_DEBUG=libs {out}/usr/bin/foo")
        inits = re.findall(r"calling init: (\S+)", e.stdout + e.stderr)
        check(e.returncode == 0 and "private library found" in e.stdout,
              "foo runs from the store: " + (e.stdout + e.stderr).strip()[-300:])
        check(inits and all(p.startswith("/nix/store/") for p in inits),
              f"every library foo initialises is in the store: {inits}")

    r = build("baz")
    out = r.stdout.strip()
    check(r.returncode == 0, "baz (RUNPATH into its own output) builds: " + r.stderr.strip()[-300:])
    if r.returncode == 0:
        rp = rpath(f"{store}{out}/usr/bin/baz")
        check(f"{out}/usr/lib/baz" in rp, f"baz's RPATH names its own directory: {rp}")
        e = in_ns(f"{store}/nix", f"{out}/usr/bin/baz")
        check(e.returncode == 0 and "private library found" in e.stdout,
              "baz runs from the store: " + (e.stdout + e.stderr).strip()[-300:])

    before = set(os.listdir(f"{store}/nix/store"))
    r = build("bar")
    check(r.returncode != 0 and "usr/bin/bar" in r.stderr and "libbar-missing.so" in r.stderr,
          "bar (library in no package) fails naming the object and the library: "
          + r.stderr.strip()[-300:])
    new = [n for n in set(os.listdir(f"{store}/nix/store")) - before
           if re.match(r"[a-z0-9]{32}-bar-1\.0-1$", n)]
    check(not new, f"bar's output is not in the store: {new}")


def live(a, t):
    store = f"{t}/live"
    pkgs = ["systemd", "openssh-server", "nftables", "sudo", "auditd", "util-linux"]
    outs = {}
    for p in pkgs:
        r = run(a.bin, "nix-build", "<bastion/pkgs>", "-A", p, "--store", store, "--no-out-link",
                timeout=1800)
        if r.returncode != 0 and re.search(r"unable to download|Could not resolve|"
                                           r"Connection refused|timed out", r.stderr):
            print("skip live part: the pinned archive is not reachable: " + r.stderr[-300:])
            return
        check(r.returncode == 0, f"pkgs.{p} builds" + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-300:]))
        outs[p] = r.stdout.strip()
    if "systemd" in outs:
        shared = run(a.bin, "nix-build", "<bastion/pkgs>", "-A", "libsystemd-shared.unpacked",
                     "--store", store, "--no-out-link").stdout.strip()
        rp = rpath(f"{store}{outs['systemd']}/usr/lib/systemd/systemd")
        check(f"{shared}{LIBDIR}/systemd" in rp,
              f"systemd's RPATH reaches libsystemd-shared's directory: {rp[:2]}")
    cmds = {"systemd": ("usr/lib/systemd/systemd --version", "systemd 252"),
            "openssh-server": ("usr/sbin/sshd -V 2>&1", "OpenSSH_"),
            "nftables": ("usr/sbin/nft --version", "nftables v"),
            "sudo": ("usr/bin/sudo --version", "Sudo version"),
            "auditd": ("usr/sbin/auditd --help 2>&1 || true", "Usage: auditd"),
            "util-linux": ("usr/bin/findmnt --version", "util-linux")}
    for p, (cmd, want) in cmds.items():
        if p in outs:
            e = in_ns(f"{store}/nix", f"{outs[p]}/{cmd}")
            check(want in e.stdout, f"{p} runs from the store: " + e.stdout.strip()[:80]
                  + e.stderr.strip()[-200:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--no-live", action="store_true")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    if not (test_archive.HAVE_TOOLS and shutil.which("cc") and shutil.which("patchelf")):
        print("skip: needs cc, patchelf, gpg, gpgv and dpkg-deb")
        return SKIP
    if not shutil.which("unshare") or run("unshare", "-r", "-m", "true").returncode != 0 \
            or not os.path.isdir("/nix"):
        print("skip: no user and mount namespaces, or no /nix to bind a store over")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="bastion-relocate-") as t:
        hermetic(a, t)
        if not a.no_live:
            live(a, t)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
