#!/usr/bin/env python3
"""bastion nix-env against Nix 2.8's nix-env, step by step.

The same scenario runs with both tools, each on its own throw-away store and
profile: install two packages, query (also as JSON), upgrade one, uninstall
one, list generations, roll back, switch generation, delete old
generations, a collision, --set-flag (priority, keep) and -u with its
version rules. After every step it compares exit codes, stdout, stderr (dates
in --list-generations masked), where the profile and its generation links
point, the bytes of the current manifest, and that PROFILE/bin/<name> runs.

Nix 2.8's nix-env cannot read the manifest of a `--store DIR` profile (it
looks for /nix/store/... on the real file system), so Nix runs in a private
mount namespace with its store directory bind-mounted on /nix (never the
machine's /nix itself). Bastion runs with --store DIR directly. The
packages' builder is /bin/sh from busybox (sandbox-paths).

Known difference, masked: independent builds may start in another order.
"""
import argparse
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

PKGS = r'''
{ ver ? "1.0", script ? "hello" }:
let
  mk = name: bin: text: extra: derivation ({
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "mkdir -p $out/bin; echo '#!/bin/sh' > $out/bin/${bin}; echo 'echo ${text}' >> $out/bin/${bin}; chmod +x $out/bin/${bin}" ];
  } // extra);
in {
  hello = mk "hello-1.0" "hello" "hello 1.0" { };
  world = (mk "world-1.0" "world" "world 1.0" { }) // { meta = { description = "The world"; priority = 5; license = [ "mit" { free = true; } ]; fn = x: x; weight = 1.5; broken = false; team = { lead = "alice"; size = 3; }; }; };
  other = mk "other-1.0" "hello" "other" { };
  multi = derivation {
    name = "multi-1";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputs = [ "out" "bin" "dev" ];
    args = [ "-c" "mkdir -p $out/share $bin/bin $dev/include $out/nix-support; echo x > $out/share/x; echo '#!/bin/sh' > $bin/bin/multi; echo 'echo multi' >> $bin/bin/multi; chmod +x $bin/bin/multi; echo y > $dev/include/y" ];
  };
}
'''

PKGS2 = r'''
let
  mk = name: bin: text: derivation {
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "mkdir -p $out/bin $out/share/doc; echo '#!/bin/sh' > $out/bin/${bin}; echo 'echo ${text}' >> $out/bin/${bin}; chmod +x $out/bin/${bin}; echo doc > $out/share/doc/${bin}" ];
  };
in {
  hello = mk "hello-2.0" "hello" "hello 2.0";
}
'''


class Tool:
    def __init__(self, name, work, cmd, in_namespace):
        self.name = name
        self.store = os.path.join(work, name + "-store")
        self.profile = os.path.join(work, name + "-profiles", "profile")
        self.home = os.path.join(work, name + "-home")
        os.makedirs(os.path.dirname(self.profile))
        os.makedirs(self.home)
        os.makedirs(os.path.join(self.store, "nix"))
        self.cmd = cmd
        self.in_namespace = in_namespace
        self.work = work

    def wrap(self, argv):
        """argv, run inside a mount namespace with our store on /nix."""
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", WRAP_SCRIPT, self.store] + argv

    def step(self, args):
        """nix-env ARGS on this tool's profile: Result as text."""
        argv = self.cmd + ["-p", self.profile] + args
        if self.in_namespace:
            argv = self.wrap(argv)
        else:
            argv = argv[:2] + ["--store", self.store] + argv[2:]
        env = dict(os.environ, HOME=self.home, NIX_CONF_DIR=os.path.join(self.work, "conf"),
                   XDG_CONFIG_HOME=os.path.join(self.work, "xdg"), NIX_PATH="", TZ="UTC")
        env.pop("NIX_PROFILE", None)
        return bt.run(argv, cwd=self.work, env=env, timeout=600, newlines=True)

    def real(self, store_path):
        return self.store + store_path if store_path.startswith("/nix/store/") else store_path

    def links(self):
        d = os.path.dirname(self.profile)
        return {n: os.readlink(os.path.join(d, n)) for n in sorted(os.listdir(d))
                if os.path.islink(os.path.join(d, n))}

    def manifest(self):
        if not os.path.islink(self.profile):
            return None
        env = os.readlink(os.path.join(os.path.dirname(self.profile), os.readlink(self.profile)))
        m = os.path.join(self.real(env), "manifest.nix")
        if not os.path.islink(m):
            return None
        with open(self.real(os.readlink(m)), "rb") as f:
            return f.read()

    def run_bin(self, name):
        return bt.run(self.wrap([os.path.join(self.profile, "bin", name)]), timeout=60, newlines=True)[:2]


# Runs "$@" with the store $0 on /nix, in the mount namespace unshare made.
# Where the machine has no /nix (and we make none), the command gets a root
# of its own: a tmpfs with the host's top-level directories bound into it,
# made the root with pivot_root (in a chroot, Nix could not make the user
# namespaces of its sandbox).
WRAP_SCRIPT = r"""
set -e
store=$0
if [ -d /nix ]; then
  mount --bind "$store/nix" /nix
  [ "$(stat -c %i /nix)" = "$(stat -c %i "$store/nix")" ] || exit 99
  exec "$@"
fi
r=$store/.root
mkdir -p "$r"
mount -t tmpfs none "$r"
for d in /*; do
  n=${d#/}
  if [ -L "$d" ]; then ln -s "$(readlink "$d")" "$r/$n"
  elif [ -d "$d" ]; then mkdir "$r/$n"; mount --rbind "$d" "$r/$n"
  fi
done
mkdir "$r/nix" "$r/.old"
mount --bind "$store/nix" "$r/nix"
wd=$PWD
cd "$r"
pivot_root . .old
umount -l /.old
rmdir /.old
cd "$wd"
exec "$@"
"""


def normalise(text, tool):
    text = text.replace(os.path.dirname(tool.profile), "PROFILES")
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "DATE", text)
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if "the group 'nixbld'" not in lines[i]:
            out.append(lines[i])
        i += 1
    # Independent builds may start in either order.
    for j in range(len(out)):
        k = j
        while k < len(out) and out[k].startswith("building '"):
            k += 1
        out[j:k] = sorted(out[j:k])
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--nix-env", default=shutil.which("nix-env"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    if not a.nix_env:
        return bt.skip("nix-env (Nix 2.8) not found", code=0)
    if os.geteuid() != 0 or bt.run(["unshare", "-m", "true"]).rc != 0:
        return bt.skip("needs root and mount namespaces to run Nix 2.8 on a throw-away /nix", code=0)

    report = bt.Report()
    with bt.work_dir("bastion-profiles-", keep=a.keep) as work:
        os.makedirs(os.path.join(work, "conf"))
        with open(os.path.join(work, "conf", "nix.conf"), "w") as f:
            f.write("build-users-group =\nsubstituters =\nsandbox-paths = /bin/sh=/bin/busybox\n")
        with open(os.path.join(work, "pkgs.nix"), "w") as f:
            f.write(PKGS)
        with open(os.path.join(work, "pkgs2.nix"), "w") as f:
            f.write(PKGS2)
        nix = Tool("nix", work, [a.nix_env], True)
        bas = Tool("bastion", work, [a.bin, "nix-env"], False)

        # (arguments, programs that must run afterwards with their output)
        steps = [
            (["-f", "pkgs.nix", "-i", "hello", "world"], {"hello": "hello 1.0", "world": "world 1.0"}),
            (["-q"], None),
            (["-q", "--out-path", "-s"], None),
            (["-q", "--json"], None),
            (["-q", "--json", "--out-path", "--meta"], None),
            (["-f", "pkgs.nix", "-qa", "--json"], None),
            (["-f", "pkgs.nix", "-qa", "--json", "--out-path", "--meta", "-A", "world"], None),
            (["-f", "pkgs.nix", "-qa", "--json", "--drv-path", "-s", "hello", "multi"], None),
            (["-f", "pkgs.nix", "-qa", "--out-path", "--drv-path", "--description"], None),
            (["-f", "pkgs.nix", "-qa", "-c", "hello", "world"], None),
            (["-f", "pkgs2.nix", "-i", "hello"], {"hello": "hello 2.0", "world": "world 1.0"}),
            (["-f", "pkgs.nix", "-i", "-A", "multi"], {"multi": "multi", "hello": "hello 2.0"}),
            (["-q", "--out-path"], None),
            (["-e", "world", "nosuch"], {"hello": "hello 2.0"}),
            (["--list-generations"], None),
            (["--rollback"], {"world": "world 1.0"}),
            (["--rollback"], {"hello": "hello 2.0", "world": "world 1.0"}),
            (["-G", "1"], {"hello": "hello 1.0"}),
            (["-G", "9"], None),
            (["--list-generations"], None),
            (["--delete-generations", "2", "3"], None),
            (["--delete-generations", "1"], None),
            (["--delete-generations", "old"], None),
            (["--list-generations"], None),
            (["-f", "pkgs.nix", "-i", "-A", "other"], {"hello": "hello 1.0"}),  # collision
            (["-f", "pkgs.nix", "-i", "--preserve-installed", "hello"], None),
            (["-q"], None),
            (["--set-flag", "priority", "10", "hello"], None),
            (["-f", "pkgs.nix", "-i", "-A", "other"], {"hello": "other"}),
            (["-q", "--json", "--meta"], None),
            (["-q", "--xml"], None),
            (["-f", "pkgs.nix", "-q", "--xml", "--meta", "--out-path", "--drv-path", "-s", "--description", "-c"], None),
            (["-f", "pkgs.nix", "-q", "-a", "--xml", "--meta", "-P", "--system", "-c"], None),
            (["--set-flag", "keep", "true", "nosuch"], None),
            (["--rollback"], None),
            (["-e", "hello"], None),
            (["-q"], None),
            (["-f", "pkgs.nix", "-i", "-r", "hello", "world"], {"hello": "hello 1.0", "world": "world 1.0"}),
            (["-f", "pkgs.nix", "-u"], {"hello": "hello 1.0"}),
            (["-f", "pkgs2.nix", "-u", "--dry-run"], {"hello": "hello 1.0"}),
            (["-f", "pkgs2.nix", "-u", "hello"], {"hello": "hello 2.0", "world": "world 1.0"}),
            (["-f", "pkgs.nix", "-u", "--leq"], {"hello": "hello 2.0"}),
            (["-f", "pkgs.nix", "-u", "--always", "hello"], {"hello": "hello 1.0", "world": "world 1.0"}),
            (["--set-flag", "keep", "true", "hello"], None),
            (["-f", "pkgs2.nix", "-u"], {"hello": "hello 1.0"}),
            (["--list-generations"], None),
        ]
        for n, (args, bins) in enumerate(steps, 1):
            label = "step %d: nix-env %s" % (n, " ".join(args))
            rn = nix.step(args)
            rb = bas.step(args)
            problems = []
            if rn[0] != rb[0]:
                problems.append("exit code %s (Nix) vs %s (Bastion)\n%s\n%s" % (rn[0], rb[0], rn[2], rb[2]))
            for what, i in (("stdout", 1), ("stderr", 2)):
                if normalise(rn[i], nix) != normalise(rb[i], bas):
                    problems.append("%s differs\n--- Nix\n%s\n--- Bastion\n%s" % (what, rn[i], rb[i]))
            if nix.links() != bas.links():
                problems.append("profile links differ\n%s\n%s" % (nix.links(), bas.links()))
            if nix.manifest() != bas.manifest():
                problems.append("manifest differs\n%r\n%r" % (nix.manifest(), bas.manifest()))
            for name, want in (bins or {}).items():
                for tool in (nix, bas):
                    rc, out = tool.run_bin(name)
                    if rc != 0 or out.strip() != want:
                        problems.append("%s: %s/bin/%s gave %s %r, expected %r"
                                        % (tool.name, tool.profile, name, rc, out, want))
            # Each step builds on the one before: stop at the first that fails.
            if not report.check(not problems, label, "\n".join(problems)):
                break
    return report.summary()

if __name__ == "__main__":
    sys.exit(main())
