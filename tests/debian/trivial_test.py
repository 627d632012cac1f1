#!/usr/bin/env python3
"""debian.trivial: nix/pkgs/trivial-builders.nix over a busybox in a
throw-away store: each builder's output layout as nixpkgs makes it
(writeText a file, writeTextFile's destination/executable/checkPhase,
writeShellScript(Bin) with a shebang of the shell given and a syntax check,
runCommand's inputs on PATH and attributes in the environment, symlinkJoin
as lndir merges, buildEnv's whole-directory links split on a second
package, collisions refused/ignored/allowed for equal contents, meta.priority,
pathsToLink, linkFarm's list and attrset forms), and failing builds failing.
Skips (77) without a busybox."""
import argparse, os, shutil, subprocess, sys, tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not os.path.exists(busybox):
        print("skip: no busybox")
        return SKIP
    t = tempfile.mkdtemp(prefix="bastion-trivial-")
    try:
        bb = f"{t}/bb/bin"
        os.makedirs(bb)
        shutil.copy(busybox, f"{bb}/busybox")
        applets = subprocess.run([busybox, "--list"], capture_output=True, text=True).stdout.split()
        for ap_ in applets:
            if ap_ != "busybox":
                os.symlink("busybox", f"{bb}/{ap_}")
        store = f"{t}/store"
        real = lambda p: store + p
        base = [a.bin, "nix-build", f"{HERE}/trivial.nix", "--store", store, "--arg", "bb", f"{t}/bb"]

        def build(attr):
            r = subprocess.run(base + ["-A", attr, "--no-out-link"], capture_output=True, text=True)
            return r.returncode, r.stdout.strip(), r.stderr

        def ok(attr):
            rc, out, err = build(attr)
            good = rc == 0 and out.startswith("/nix/store/")
            check(good, f"{attr} builds" + ("" if good else ": " + err.strip()[-300:]))
            return real(out) if rc == 0 else "/nonexistent"

        def ls(d):
            return sorted(os.listdir(d)) if os.path.isdir(d) else None

        def resolve(p, depth=0):
            # p under the throw-away store, its symlinks (absolute ones name
            # /nix/store/…) followed inside that store.
            assert depth < 40, p
            parts, cur = p[len(store):].strip("/").split("/"), store
            for i, c in enumerate(parts):
                nxt = f"{cur}/{c}"
                if os.path.islink(nxt):
                    tgt = os.readlink(nxt)
                    base = store if tgt.startswith("/") else cur
                    rest = "/".join(parts[i + 1:])
                    return resolve(os.path.normpath(f"{base}/{tgt}") + ("/" + rest if rest else ""), depth + 1)
                cur = nxt
            return cur

        def read(p):
            try:
                return open(resolve(p)).read()
            except OSError as e:
                return str(e)

        p = ok("text")
        check(os.path.isfile(p) and read(p) == "hello\nworld" and not os.access(p, os.X_OK),
              "writeText: $out is the text, not executable")
        p = ok("dest")
        check(ls(p) == ["libexec"] and os.access(f"{p}/libexec/tool", os.X_OK),
              "writeTextFile: destination, executable")
        rc, _, err = build("badCheck")
        check(rc == 100, f"writeTextFile: a failing checkPhase fails the build (exit {rc})")
        p = ok("script")
        check(os.path.isfile(p) and os.access(p, os.X_OK), "writeScript: an executable $out")
        p = ok("scriptBin")
        check(ls(p) == ["bin"] and os.access(f"{p}/bin/sbin", os.X_OK), "writeScriptBin: $out/bin/NAME")
        p = ok("shellScript")
        check(read(p).startswith("#!/nix/store/") and "-busybox/bin/sh\n" in read(p).split("\n")[0] + "\n",
              "writeShellScript: #! the shell given")
        rc, _, err = build("badShell")
        check(rc == 100, f"writeShellScript: a syntax error fails the check ({rc})")
        p = ok("shellBin")
        check(ls(p) == ["bin"] and os.access(f"{p}/bin/hello", os.X_OK), "writeShellScriptBin: $out/bin/NAME")
        r = subprocess.run([a.bin, "nix-instantiate", "--eval", "--strict", f"{HERE}/trivial.nix",
                            "--arg", "bb", f"{t}/bb", "-A", "shellBin.meta.mainProgram", "--store", store],
                           capture_output=True, text=True)
        check(r.stdout.strip() == '"hello"', f"writeShellScriptBin: meta.mainProgram {r.stdout.strip()}")
        p = ok("cmd")
        check(read(p).startswith("hello from /nix/store/") and read(p).endswith("\nhi there\n"),
              f"runCommand: nativeBuildInputs on PATH, attributes in the environment: {read(p)!r}")
        p = ok("local")
        check(read(p) == "local\n", "runCommandLocal")
        r = subprocess.run([a.bin, "nix-instantiate", "--eval", "--strict", f"{HERE}/trivial.nix",
                            "--arg", "bb", f"{t}/bb", "-A", "local.drvAttrs", "--json", "--store", store],
                           capture_output=True, text=True)
        check('"preferLocalBuild":true' in r.stdout and '"allowSubstitutes":false' in r.stdout,
              "runCommandLocal: preferLocalBuild, no substitutes")
        rc, _, _ = build("failing")
        check(rc == 100, f"runCommand: set -e, a failing command fails the build ({rc})")

        p = ok("join")
        check(ls(p) == ["bin", "post", "share"] and not os.path.islink(f"{p}/share")
              and not os.path.islink(f"{p}/bin"), f"symlinkJoin: real directories {ls(p)}")
        check(read(f"{p}/share/x") == "first", "symlinkJoin: the first path wins")
        check(os.path.islink(f"{p}/share/only-a") and read(f"{p}/share/only-a") == "a",
              "symlinkJoin: a joined path's symlinks copied")
        check(os.readlink(f"{p}/bin/hello").endswith("-hello/bin/hello"), "symlinkJoin: file links")

        p = ok("env1")
        check(ls(p) == ["bin"] and os.path.islink(f"{p}/bin"), "buildEnv: a directory of one package is linked whole")
        p = ok("env2")
        check(not os.path.islink(f"{p}/bin") and ls(f"{p}/bin") == ["hello", "other"]
              and os.path.islink(f"{p}/share"), "buildEnv: a directory of two packages is split")
        rc, _, err = build("collide")
        check(rc == 100 and "collision between" in err, "buildEnv: a collision is an error")
        p = ok("ignored")
        check(read(f"{p}/bin/x") == "one", "buildEnv: ignoreCollisions keeps the first")
        p = ok("sameContents")
        check(read(f"{p}/bin/x") == "eq", "buildEnv: equal contents are no collision")
        p = ok("priority")
        check(read(f"{p}/bin/x") == "one", "buildEnv: the lower meta.priority wins")
        p = ok("onlyBin")
        check(ls(p) == ["bin", "post"] and not os.path.islink(f"{p}/bin") and ls(f"{p}/bin") == ["hello"],
              f"buildEnv: pathsToLink /bin only, as a real directory, postBuild: {ls(p)}")

        p = ok("farmList")
        check(ls(p) == ["a", "c"] and os.readlink(f"{p}/a/b").endswith("-hello.txt")
              and os.readlink(f"{p}/c").endswith("-script"), "linkFarm: list form, last wins")
        p = ok("farmAttrs")
        check(os.readlink(f"{p}/x/y").endswith("-hello.txt"), "linkFarm: attrset form")
        rc, _, err = build("relativeDest")
        check(rc == 1 and "destination must be an absolute path" in err, "writeTextFile: a relative destination is refused")
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
