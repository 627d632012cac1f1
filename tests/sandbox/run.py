#!/usr/bin/env python3
"""Tests of Bastion's build sandbox (src/build/sandbox*.cpp).

  run.py --probe build/sandbox_probe --syscall-probe build/sandbox_syscall_probe [--no-live]

Security checks (always; need only /bin/busybox): a builder cannot reach the
network or host files, cannot write its inputs or outside /build, /tmp and
the store dir, cannot keep setuid/setgid bits or set xattrs, runs as
1000:100 on "localhost", sees only its inputs; cancelling kills every
process of the sandbox; setup errors are reported and leave no mounts.
When run as root, the same build also runs as an unprivileged user.

Parity (live, needs nix-build 2.8): probe.sh runs in Nix 2.8's sandbox and in
ours on the same derivations (plain, passAsFile, __structuredAttrs,
fixed-output); every section of what it prints must be equal except the
documented EXCEPTIONS below.
"""
import argparse
import os
import pwd
import shutil
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402

BUSYBOX = "/bin/busybox"
NIX_OPTS = bt.nix_sandbox_options(BUSYBOX) + ["--option", "cores", "3"]

# Sections that differ for reasons inherent to the two setups, and why.
EXCEPTIONS = {
    # Nix here runs without build users, so it maps the builder to host
    # root and every skeleton file (owned by host root) shows as nixbld. We
    # map uid 1000 to an unprivileged host uid: host-root files show as
    # nobody/nogroup, "/" and the store dir as group nixbld, /build as
    # nixbld (Nix with build users gives the same picture).
    "owners": "skeleton owned by host root: nixbld under Nix without build users, nobody under Bastion",
    # The host side of the map: 0 (Nix without build users) vs 30000.
    "uid_map": "host uid/gid behind 1000/100",
    # Both mount the store dir on its own (Nix binds the chroot's store dir
    # onto itself for recursive Nix; Bastion mounts the on-disk build store
    # dir into its tmpfs root). Nix 2.8 hard-links non-directory inputs;
    # Bastion bind-mounts them read-only instead.
    "mounts": "file inputs are mount points under Bastion",
    # Ours remount inputs read-only; device numbers and paths differ.
    "mount-opts": "read-only input mounts, host paths",
    # Nix 2.8 gives the builder a pseudo-terminal as its log; Bastion writes
    # to the caller's log fd.
    "log": "pty (Nix) vs the caller's log fd",
}


def _mounts(lines, who):
    if who == "nix":
        return lines
    return [l for l in lines if not l.endswith("-input-file")]


def _uid_map(lines, who):
    return [" ".join(l.split()[:1] + ["HOST"] + l.split()[2:]) for l in lines]


def _mount_opts(lines, who):
    # Input paths must be read-only under Bastion; then compare the rest
    # without options.
    if who == "bastion":
        for l in lines:
            if "-input-" in l:
                check(l.split()[1].startswith("ro,"), "input mount is read-only: " + l)
    return _mounts([l.split()[0] for l in lines], who)


NORMALISE = {"mounts": _mounts, "uid_map": _uid_map, "mount-opts": _mount_opts}

report = bt.Report()
check = report.check


def aterm_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def write_drv(path, out_path, builder, args, env, input_srcs=()):
    """A .drv in ATerm form; our sandbox only needs it to parse."""
    env = dict(env)
    env.setdefault("out", out_path)
    text = "Derive([(\"out\",%s,\"\",\"\")],[],[%s],\"x86_64-linux\",%s,[%s],[%s])" % (
        aterm_str(out_path), ",".join(aterm_str(p) for p in sorted(input_srcs)), aterm_str(builder),
        ",".join(aterm_str(a) for a in args),
        ",".join("(%s,%s)" % (aterm_str(k), aterm_str(v)) for k, v in sorted(env.items())))
    with open(path, "w") as f:
        f.write(text)


def run_probe(probe, drv, store_root, tag, extra=(), sandbox_paths=None, user=None, input_paths=()):
    real_store = store_root + "/nix/store"
    chroot = "%s/%s.chroot" % (real_store, tag)
    build_dir = "%s/build-%s" % (store_root, tag)
    shutil.rmtree(chroot, ignore_errors=True)
    os.makedirs(build_dir, exist_ok=True)
    if user is not None:
        os.chown(build_dir, user, user)
    cmd = [probe, "--drv", drv, "--real-store", real_store, "--build-store", chroot, "--build-dir", build_dir,
           "--sandbox-paths", sandbox_paths or ("/bin/sh=" + BUSYBOX), "--cores", "3"]
    for p in input_paths:
        cmd += ["--input", p]
    cmd += list(extra)
    if user is not None:
        cmd = ["setpriv", "--reuid", str(user), "--regid", str(user), "--clear-groups", "--"] + cmd
    return bt.run(cmd, timeout=120, newlines=True), chroot


def sections(text):
    out, cur = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            cur = line[3:]
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def mountinfo():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def make_inputs(store):
    """Fake store paths (ours never check hashes): a directory, a file, a symlink."""
    d = store + "/0000000000000000000000000000000a-input-dir"
    f = store + "/0000000000000000000000000000000b-input-file"
    l = store + "/0000000000000000000000000000000c-input-link"
    os.makedirs(d)
    with open(d + "/content", "w") as fh:
        fh.write("input\n")
    with open(f, "w") as fh:
        fh.write("file\n")
    os.symlink("/nix/store/0000000000000000000000000000000b-input-file", l)
    for p in (d + "/content", f):
        os.chmod(p, 0o444)
    os.chmod(d, 0o555)
    return ["/nix/store/" + os.path.basename(p) for p in (d, f, l)]


ATTACK = r'''
t() { if "$@" 2>/dev/null; then echo "ALLOWED $*"; else echo "DENIED $*"; fi; }
echo "uid $(id -u) gid $(id -g) host $(hostname)"
echo "store: $(ls /nix/store | tr '\n' ' ')"
echo "ifaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
t nc -w 2 127.0.0.1 $PORT </dev/null
t wget -q -T 2 -O /build/w http://127.0.0.1:$PORT/
for p in /etc/shadow /root /home /usr /var /tmp/$MARKER /sys; do t test -e $p; done
for p in / /etc /nix /dev /bin /proc; do t touch $p/newfile; done
t sh -c 'echo x > /etc/passwd'
t sh -c 'echo x > /nix/store/0000000000000000000000000000000a-input-dir/content'
t touch /nix/store/0000000000000000000000000000000a-input-dir/new
t mkdir /nix/store/0000000000000000000000000000000a-input-dir/sub
t rm -f /nix/store/0000000000000000000000000000000a-input-dir/content
t chmod u+w /nix/store/0000000000000000000000000000000a-input-dir/content
t sh -c 'echo x >> /nix/store/0000000000000000000000000000000b-input-file'
t chmod u+w /nix/store/0000000000000000000000000000000b-input-file
t mount -o remount,rw /nix/store/0000000000000000000000000000000a-input-dir
t umount /nix/store/0000000000000000000000000000000a-input-dir
t touch /build/ok
t touch /tmp/ok
t mkdir $out
touch /build/s; t chmod u+s /build/s; t chmod g+s /build/s
echo "mode-s $(stat -c %a /build/s)"
mkdir /build/d; t chmod g+s /build/d
echo "mode-d $(stat -c %a /build/d)"
/bin/syscall-probe /build/f
echo "procs: $(ls /proc | grep -c '^[0-9]')"
echo "pid1: $$"
echo "cat-link: $(cat /nix/store/0000000000000000000000000000000c-input-link)"
'''


def attack_tests(args, tmp, user=None):
    label = " (unprivileged uid %d)" % user if user is not None else ""
    store_root = tmp + ("/ustore" if user is not None else "/store")
    store = store_root + "/nix/store"
    os.makedirs(store)
    inputs = make_inputs(store)
    marker = "bastion-sandbox-marker-%d" % os.getpid()
    with open("/tmp/" + marker, "w") as f:
        f.write("host\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    connected = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                c, _ = listener.accept()
                connected.append(1)
                c.close()
            except socket.timeout:
                pass

    th = threading.Thread(target=accept)
    th.start()
    drv = store_root + "/attack.drv"
    out = "/nix/store/0000000000000000000000000000000z-attack"
    write_drv(drv, out, "/bin/sh", ["-c", ATTACK], {"PORT": str(port), "MARKER": marker}, inputs)
    if user is not None:
        bt.run(["chown", "-R", "%d:%d" % (user, user), store_root], ok_codes=(0,))
    try:
        r, chroot = run_probe(args.probe, drv, store_root, "attack",
                              sandbox_paths="/bin/sh=%s /bin/syscall-probe=%s" % (BUSYBOX, args.syscall_probe),
                              user=user)
    finally:
        stop.set()
        th.join()
        listener.close()
        os.unlink("/tmp/" + marker)
    log = r.stdout
    if r.returncode != 0 or os.environ.get("VERBOSE"):
        print(log, r.stderr)
    check(r.returncode == 0, "attack builder ran" + label)
    lines = set(log.splitlines())
    check("uid 1000 gid 100 host localhost" in lines, "uid 1000, gid 100, hostname localhost" + label)
    check("store: %s " % " ".join(sorted(os.path.basename(p) for p in inputs)) in lines,
          "the store dir holds only the inputs" + label)
    check("ifaces: lo " in lines, "only the loopback interface" + label)
    check("DENIED nc -w 2 127.0.0.1 %d" % port in lines and not connected, "no connection to a host listener" + label)
    check(any(l.startswith("DENIED wget") for l in lines), "wget to the host fails" + label)
    for p in ("/etc/shadow", "/root", "/home", "/usr", "/var", "/tmp/" + marker, "/sys"):
        check("DENIED test -e %s" % p in lines, "host path %s invisible" % p + label)
    for l in sorted(lines):
        if "input-" in l and (l.startswith("ALLOWED") or l.startswith("DENIED")):
            check(l.startswith("DENIED"), "input path protected: %s" % l[l.index(" ") + 1:] + label)
    # Without root the caller owns the skeleton, and so does the builder
    # (as under Nix without build users): only the root case denies these.
    if user is None:
        for p in ("/", "/etc", "/nix", "/dev", "/bin", "/proc"):
            check("DENIED touch %s/newfile" % p in lines, "cannot create files in %s" % p)
        check("DENIED sh -c echo x > /etc/passwd" in lines, "cannot write /etc/passwd")
    for allowed in ("touch /build/ok", "touch /tmp/ok", "mkdir " + out):
        check("ALLOWED " + allowed in lines, "can write: %s" % allowed + label)
    check("DENIED chmod u+s /build/s" in lines and "DENIED chmod g+s /build/s" in lines,
          "chmod u+s / g+s refused" + label)
    check("mode-s 644" in lines, "no setuid/setgid bit on a file" + label)
    check("DENIED chmod g+s /build/d" in lines and "mode-d 755" in lines, "no setgid directory" + label)
    for call in ("chmod-suid", "chmod-sgid", "fchmod-suid", "fchmodat-suid", "fchmodat2-suid"):
        check("%s EPERM" % call in lines, "%s fails with EPERM" % call + label)
    check("chmod-plain OK" in lines, "plain chmod still works" + label)
    for call in ("setxattr", "lsetxattr", "fsetxattr"):
        check("%s ENOTSUP" % call in lines or "%s EOPNOTSUPP" % call in lines, "%s fails with ENOTSUP" % call + label)
    check("pid1: 1" in lines, "the builder is PID 1 of its namespace" + label)
    check("cat-link: file" in lines, "symlink inputs resolve" + label)
    check(os.path.isdir(chroot + "/" + os.path.basename(out)), "the output lands in the build store dir" + label)


def cancel_test(args, tmp):
    store_root = tmp + "/cstore"
    os.makedirs(store_root + "/nix/store")
    drv = store_root + "/cancel.drv"
    # A duration no other run uses, so that concurrent runs of this test
    # (sandbox.live and sandbox.live.without-kvm) do not see each other's.
    mark = "sleep %d" % (100000 + os.getpid())
    script = "{0} & {0} & ({0} &) ; echo started; {0}".format(mark)
    write_drv(drv, "/nix/store/0000000000000000000000000000000y-cancel", "/bin/sh", ["-c", script], {})
    t0 = time.time()
    r, _ = run_probe(args.probe, drv, store_root, "cancel", extra=["--kill-after", "1"])
    check(r.returncode == 137 and time.time() - t0 < 30, "cancel kills the builder (status %d)" % r.returncode)
    # The kernel reaps a killed PID namespace asynchronously: on a loaded
    # machine that takes longer than any fixed pause, so wait for it (bounded).
    deadline = time.time() + 10
    while True:
        left = bt.run(["pgrep", "-f", mark], newlines=True).out.split()
        if not left or time.time() > deadline:
            break
        time.sleep(0.1)
    check(not left, "no sandbox process survives cancellation")


def error_test(args, tmp):
    store_root = tmp + "/estore"
    os.makedirs(store_root + "/nix/store")
    drv = store_root + "/err.drv"
    write_drv(drv, "/nix/store/0000000000000000000000000000000x-err", "/bin/sh", ["-c", "exit 0"], {})
    r, _ = run_probe(args.probe, drv, store_root, "err", sandbox_paths="/bin/sh=" + BUSYBOX + " /x=/does/not/exist")
    check(r.returncode == 125 and "while setting up the build environment: getting attributes of path '/does/not/exist'"
          in r.stderr, "a missing sandbox path is a setup error: " + r.stderr.strip())
    r, _ = run_probe(args.probe, drv, store_root, "err2", sandbox_paths="/bin/sh=" + BUSYBOX + " /x=/does/not/exist?")
    check(r.returncode == 0, "an optional missing sandbox path is skipped")
    write_drv(drv, "/nix/store/0000000000000000000000000000000x-err", "/no/such/builder", [], {})
    r, _ = run_probe(args.probe, drv, store_root, "err3")
    check(r.returncode == 1 and "executing '/no/such/builder': No such file or directory" in r.stdout,
          "a missing builder fails the build, as in Nix")


def nix_build(store, nixfile, attr):
    drv = bt.run(["nix-instantiate", "--store", store, nixfile, "-A", attr], newlines=True, ok_codes=(0,)).out.strip()
    r = bt.run(["nix-build", "--store", store, "--no-out-link"] + NIX_OPTS + [drv], newlines=True,
               env=dict(os.environ, BASTION_IMPURE="from-caller"))
    return drv, r


PARITY_NIX = r'''
let
  probe = builtins.readFile ./probe.sh;
  inD = builtins.path { path = ./input-dir; name = "input-dir"; };
  common = { system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" probe ]; inherit inD; inF = ./input-file; };
in {
  plain = derivation (common // { name = "probe-plain"; });
  paf = derivation (common // { name = "probe-paf"; passAsFile = [ "big" "other" ];
    big = "big ${builtins.placeholder "out"}"; other = "o"; PATH = "/mine"; TMPDIR = "/ignored"; });
  sa = derivation (common // { name = "probe-sa"; args = [ "-c" (builtins.readFile ./sa-prefix.sh + probe) ];
    __structuredAttrs = true; outputs = [ "out" "dev" ];
    n = 3; f = 1.5; b = true; nb = false; nul = null; s = "it's \"q\" $x\n"; l = [ 1 "a" true ]; o = { a = 1; "b c" = "x"; };
    ph = builtins.placeholder "dev"; });
  fod = derivation (common // { name = "probe-fod"; args = [ "-c" (probe + "\ncat $out >&2; : > $out") ];
    outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "flat";
    impureEnvVars = [ "BASTION_IMPURE" "BASTION_UNSET" ]; });
}
'''


def parity_tests(args, tmp):
    work = tmp + "/parity"
    os.makedirs(work + "/input-dir")
    shutil.copy(HERE + "/probe.sh", work + "/probe.sh")
    shutil.copy(HERE + "/sa-prefix.sh", work + "/sa-prefix.sh")
    with open(work + "/input-dir/a", "w") as f:
        f.write("a\n")
    with open(work + "/input-file", "w") as f:
        f.write("f\n")
    with open(work + "/probe.nix", "w") as f:
        f.write(PARITY_NIX)
    store = tmp + "/nixstore"
    for attr in ("plain", "paf", "sa", "fod"):
        drv, r = nix_build(store, work + "/probe.nix", attr)
        if attr == "fod":
            nix_text = r.stderr
        else:
            if r.returncode != 0:
                check(False, "nix-build %s: %s" % (attr, r.stderr[-2000:]))
                continue
            with open(store + r.stdout.strip().splitlines()[-1]) as f:
                nix_text = f.read()
        with open(store + drv) as f:
            drv_text = f.read()
        ours_drv = "%s/%s.drv" % (tmp, attr)
        with open(ours_drv, "w") as f:
            f.write(drv_text)
        os.environ["BASTION_IMPURE"] = "from-caller"
        r2, chroot = run_probe(args.probe, ours_drv, store, "bastion-" + attr)
        if attr == "fod":
            ours_text = r2.stdout
        else:
            outs = [l for l in os.listdir(chroot) if l.endswith("probe-" + attr)]
            if r2.returncode != 0 or not outs:
                check(False, "bastion %s: rc %d %s %s" % (attr, r2.returncode, r2.stdout[-2000:], r2.stderr))
                continue
            with open(chroot + "/" + outs[0]) as f:
                ours_text = f.read()
        if attr == "fod":
            # This one is read from Nix's log, whose logger expands tabs.
            ours_text = ours_text.expandtabs(8)
        a, b = sections(nix_text), sections(ours_text)
        check(sorted(a) == sorted(b) and len(a) > 20, "%s: same sections (%d)" % (attr, len(a)))
        for name in sorted(a):
            if name in NORMALISE:
                na, nb = NORMALISE[name](a[name], "nix"), NORMALISE[name](b.get(name, []), "bastion")
                if na != nb:
                    print("--- nix %s/%s\n%s\n--- bastion\n%s" % (attr, name, "\n".join(na), "\n".join(nb)))
                check(na == nb, "%s: %s equal to Nix 2.8 up to: %s" % (attr, name, EXCEPTIONS[name]))
                continue
            if name in EXCEPTIONS:
                if a.get(name) != b.get(name):
                    print("     (%s/%s differs, documented: %s)" % (attr, name, EXCEPTIONS[name]))
                continue
            same = a.get(name) == b.get(name)
            if not same and attr == "sa" and name == "env":
                # Nix 2.8 points these at the host path of the build directory
                # (missing in the sandbox); Bastion uses /build as later Nix.
                strip = lambda ls: [l for l in ls if not l.startswith("NIX_ATTRS_")]
                same = strip(a[name]) == strip(b[name]) and \
                    "NIX_ATTRS_JSON_FILE=/build/.attrs.json" in b[name]
            if not same:
                print("--- nix %s/%s\n%s\n--- bastion\n%s" % (attr, name, "\n".join(a.get(name, [])),
                                                           "\n".join(b.get(name, []))))
            check(same, "%s: %s equal to Nix 2.8" % (attr, name))
    # Beyond the probe: the structured-attrs files byte for byte.
    sa_files_parity(args, tmp, work, store)


SA_DUMP = '''cat /build/.attrs.json > $out; echo >> $out; cat /build/.attrs.sh >> $out'''


def sa_files_parity(args, tmp, work, store):
    with open(work + "/sa-dump.sh", "w") as f:
        f.write(open(HERE + "/sa-prefix.sh").read() + SA_DUMP + "\n")
    with open(work + "/sa.nix", "w") as f:
        f.write('derivation { name = "sa-files"; system = "x86_64-linux"; builder = "/bin/sh";'
                ' args = [ "-c" (builtins.readFile ./sa-dump.sh) ];'
                ' __structuredAttrs = true; outputs = [ "out" "dev" ]; n = 3; f = 1.5; f2 = 2.0; b = true;'
                ' nb = false; nul = null; s = "it\'s \\"q\\" $x\\n"; l = [ 1 "a" true ]; ll = [ [ 1 ] ];'
                ' o = { a = 1; "b c" = "x"; }; "bad-name" = 1; ph = builtins.placeholder "dev"; }\n')
    drv = bt.run(["nix-instantiate", "--store", store, work + "/sa.nix"], newlines=True, ok_codes=(0,)).out.strip()
    r = bt.run(["nix-build", "--store", store, "--no-out-link"] + NIX_OPTS + [drv], newlines=True)
    if r.returncode != 0:
        check(False, "nix-build sa-files: " + r.stderr[-1000:])
        return
    out = [l for l in r.stdout.split() if l.endswith("sa-files")][0]
    with open(store + out) as f:
        nix_text = f.read()
    with open(store + drv) as f:
        drv_text = f.read()
    with open(tmp + "/sa-files.drv", "w") as f:
        f.write(drv_text)
    r2, chroot = run_probe(args.probe, tmp + "/sa-files.drv", store, "bastion-sa-files")
    ours = chroot + "/" + os.path.basename(out)
    check(r2.returncode == 0 and os.path.exists(ours) and open(ours).read() == nix_text,
          ".attrs.json and .attrs.sh byte-identical to Nix 2.8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--syscall-probe", required=True)
    ap.add_argument("--no-live", action="store_true", help="skip the comparison with Nix 2.8")
    args = ap.parse_args()
    args.probe = os.path.abspath(args.probe)
    args.syscall_probe = os.path.abspath(args.syscall_probe)
    if not os.path.exists(BUSYBOX):
        return bt.skip("%s is needed as the builder's shell" % BUSYBOX, code=0)

    before = mountinfo()
    with bt.work_dir("bastion-sandbox-", mode=0o755) as tmp:
        attack_tests(args, tmp)
        if os.geteuid() == 0 and shutil.which("setpriv"):
            # The probe binaries must be reachable by the unprivileged user.
            for name in ("probe", "syscall_probe"):
                dst = "%s/%s" % (tmp, os.path.basename(getattr(args, name)))
                shutil.copy(getattr(args, name), dst)
                os.chmod(dst, 0o755)
                setattr(args, name, dst)
            nobody = pwd.getpwnam("nobody").pw_uid
            attack_tests(args, tmp, user=nobody)
        cancel_test(args, tmp)
        error_test(args, tmp)
        if not args.no_live and shutil.which("nix-build"):
            parity_tests(args, tmp)
        elif not args.no_live:
            print("note: nix-build not found, parity with Nix 2.8 not checked")
    check(mountinfo() == before, "no mount left behind on the host")
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
