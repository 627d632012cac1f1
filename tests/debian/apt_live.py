#!/usr/bin/env python3
"""debian.apt.live: `bastion debian resolve` against apt-get -s install.

Locks the machine's suite (mirror from its apt sources), then runs apt in a
private root (empty dpkg status, the locked index as a file:// source, no
Recommends) on the same packages plus the base set (Essential: yes and
Priority: required), and compares the chosen name=version sets exactly:
first for the system closure (systemd openssh-server nftables sudo auditd
iproute2, or the packages named), then, with --sample N, for N packages
spread evenly over the index, one at a time (agreement counted: the same
set, or both refusing). Skips (exit 77) when the mirror or apt-get is
unavailable."""
import argparse, json, os, shutil, subprocess, sys, tempfile

SKIP = 77
TARGETS = "systemd openssh-server nftables sudo auditd iproute2".split()


def stanzas(path):
    cur = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                yield cur
            cur = {}
        elif not line.startswith(" ") and ":" in line:
            k, v = line.split(":", 1)
            cur[k] = v.strip()
    if cur:
        yield cur


class Apt:
    """apt-get in a private root whose only source is the locked index."""

    def __init__(self, t, lk, inrelease, packages_xz):
        repo = f"{t}/repo/dists/{lk['suite']}"
        os.makedirs(f"{repo}/{os.path.dirname(lk['packages']['path'])}")
        shutil.copy(inrelease, f"{repo}/InRelease")
        shutil.copy(packages_xz, f"{repo}/{lk['packages']['path']}")
        root = f"{t}/apt"
        for d in ["etc/apt/preferences.d", "etc/apt/sources.list.d", "var/lib/apt/lists/partial",
                  "var/cache/apt/archives/partial", "var/lib/dpkg"]:
            os.makedirs(f"{root}/{d}")
        open(f"{root}/var/lib/dpkg/status", "w").close()
        comp = lk["packages"]["path"].split("/")[0]
        arch = lk["packages"]["path"].split("/")[1].removeprefix("binary-")
        with open(f"{root}/etc/apt/sources.list", "w") as f:
            f.write(f"deb [trusted=yes] file:{t}/repo {lk['suite']} {comp}\n")
        # APT_CONFIG is read first and moves Dir::Etc, so that none of the
        # machine's apt.conf.d (which may, for one, turn the binary cache
        # off) is read.
        with open(f"{root}/apt.conf", "w") as f:
            f.write(f'Dir "{root}/";\n'
                    f'Dir::State::status "{root}/var/lib/dpkg/status";\n'
                    'Dir::Etc "etc/apt/";\n'
                    'Dir::Cache::pkgcache "pkgcache.bin";\n'
                    'Dir::Cache::srcpkgcache "srcpkgcache.bin";\n'
                    f'APT::Architecture "{arch}";\n'
                    f'APT::Architectures {{ "{arch}"; }};\n'
                    'APT::Install-Recommends "false";\n'
                    'Acquire::Languages "none";\n'
                    'Debug::NoLocking "true";\n')
        self.env = dict(os.environ, APT_CONFIG=f"{root}/apt.conf")
        r = subprocess.run(["apt-get", "update"], capture_output=True, text=True, env=self.env)
        if r.returncode != 0:
            raise RuntimeError("apt-get update failed:\n" + r.stdout + r.stderr)

    def install(self, names):
        """The name=version set apt chooses, or None when apt refuses."""
        r = subprocess.run(["apt-get", "-s", "install"] + names, capture_output=True, text=True,
                           env=self.env)
        if r.returncode != 0:
            return None, r.stdout[-3000:] + r.stderr
        chosen = set()
        for line in r.stdout.splitlines():
            if line.startswith("Inst "):
                w = line.split()
                chosen.add(f"{w[1]}={w[2].strip('(')}")
        return chosen, ""


def ours(a, store, lock, names, time=False):
    r = subprocess.run([a.bin, "debian", "resolve", "--store", store, "--lock", lock]
                       + (["--time"] if time else []) + names, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr
    if time:
        print(r.stderr.strip())
    return set(r.stdout.split()), ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--offline", help="an archive tree on disk instead of the mirror")
    ap.add_argument("--sample", type=int, default=0,
                    help="also compare N single packages spread over the index")
    ap.add_argument("pkgs", nargs="*")
    a = ap.parse_args()
    if not shutil.which("apt-get"):
        print("apt-get not found: skipped"); return SKIP
    targets = a.pkgs or TARGETS
    with tempfile.TemporaryDirectory(prefix="bastion-apt-live-") as t:
        store, lock = f"{t}/store", f"{t}/debian.lock"
        cmd = [a.bin, "debian", "lock", "--store", store, "-o", lock]
        if a.offline:
            cmd += ["--offline", a.offline]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            if "unable to download" in r.stderr or "Could not resolve" in r.stderr:
                print("mirror unreachable: skipped\n" + r.stderr); return SKIP
            print(r.stderr); return 1
        lk = json.load(open(lock))
        objs = os.listdir(f"{store}/nix/store")
        def obj(name):
            return next(f"{store}/nix/store/{o}" for o in objs if o.endswith("-" + name))
        apt = Apt(t, lk, obj("InRelease"), obj("Packages.xz"))
        index = list(stanzas(obj("Packages")))
        base = sorted({s["Package"] for s in index
                       if s.get("Essential") == "yes" or s.get("Priority") == "required"})

        mine, err = ours(a, store, lock, targets, time=True)
        if mine is None:
            print(err); return 1
        theirs, err = apt.install(base + targets)
        if theirs is None:
            print("apt-get -s install failed:\n" + err); return 1
        print(f"{' '.join(targets)}: bastion chose {len(mine)}, apt chose {len(theirs)}")
        failed = 0
        if mine != theirs:
            print("only bastion:", sorted(mine - theirs))
            print("only apt:", sorted(theirs - mine))
            failed = 1
        else:
            print("identical")

        if a.sample:
            names = sorted({s["Package"] for s in index})
            step = max(1, len(names) // a.sample)
            sample = names[::step][:a.sample]
            same = both_refuse = 0
            differ = []
            for n in sample:
                m, merr = ours(a, store, lock, [n])
                th, terr = apt.install(base + [n])
                if m is None and th is None:
                    both_refuse += 1
                elif m == th:
                    same += 1
                else:
                    differ.append(n)
                    print(f"{n}: differs")
                    if m is None:
                        print("  bastion refused:", merr.strip()[:400])
                    elif th is None:
                        print("  apt refused:", terr.strip()[-400:])
                    else:
                        print("  only bastion:", sorted(m - th))
                        print("  only apt:", sorted(th - m))
            print(f"sample of {len(sample)} packages: {same} identical closures, "
                  f"{both_refuse} refused by both, {len(differ)} different")
            if differ:
                failed = 1
        return failed


if __name__ == "__main__":
    sys.exit(main())
