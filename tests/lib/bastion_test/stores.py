"""Throw-away directories and stores, and what a store holds."""

import contextlib
import os
import shutil
import stat
import tempfile

from .command import run


@contextlib.contextmanager
def work_dir(prefix, keep=False, real=False, mode=None):
    """A fresh temporary directory (its real path when real; chmod'ed to
    mode when given), removed afterwards unless keep."""
    path = tempfile.mkdtemp(prefix=prefix)
    if real:
        path = os.path.realpath(path)
    if mode is not None:
        os.chmod(path, mode)
    try:
        yield path
    finally:
        if keep:
            print("kept", os.fsdecode(path))
        else:
            remove_tree(path)


def remove_tree(path):
    """Removes path although store objects in it are read-only: each
    directory is made writable (symlinks are not followed) before rmtree."""
    for dirpath, dirnames, _ in os.walk(path):
        for d in [dirpath] + [os.path.join(dirpath, n) for n in dirnames]:
            try:
                if not os.path.islink(d):
                    os.chmod(d, os.lstat(d).st_mode | stat.S_IRWXU)
            except OSError:
                pass
    shutil.rmtree(path, ignore_errors=True)


class Stores:
    """Fresh store roots under one directory: ROOT/store1, ROOT/store2, ..."""

    def __init__(self, root):
        self.root = root
        self.count = 0

    def new(self):
        self.count += 1
        return os.path.join(self.root, "store%d" % self.count)


def write_file(path, data):
    """Writes data (str or bytes) to path."""
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def store_paths(store_root):
    """/nix/store/NAME of every entry of the store at store_root (locks and
    dot files left out)."""
    top = os.path.join(store_root, "nix", "store")
    if not os.path.isdir(top):
        return []
    return sorted("/nix/store/" + n for n in os.listdir(top)
                  if not n.startswith(".") and not n.endswith(".lock"))


def describe(p):
    """(kind, contents or target, permission bits, mtime) of one file system object."""
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        return ("symlink", os.readlink(p), None, None)
    if stat.S_ISDIR(st.st_mode):
        return ("dir", None, stat.S_IMODE(st.st_mode), int(st.st_mtime))
    with open(p, "rb") as f:
        return ("file", f.read(), stat.S_IMODE(st.st_mode), int(st.st_mtime))


def snapshot(store_root):
    """Path relative to the store dir -> describe(), for everything in the store."""
    top = os.path.join(store_root, "nix", "store")
    out = {}
    for name in store_paths(store_root):
        base = os.path.join(top, os.path.basename(name))
        out[os.path.basename(name)] = describe(base)
        if os.path.isdir(base) and not os.path.islink(base):
            for dirpath, dirnames, filenames in os.walk(base):
                for n in dirnames + filenames:
                    q = os.path.join(dirpath, n)
                    out[os.path.relpath(q, top)] = describe(q)
    return out


def nix_queries(nix_store, store_root, paths):
    """What Nix 2.8 reads from a store's database: path -> [(query, exit status, stdout)]."""
    out = {}
    for p in paths:
        out[p] = []
        for q in ("--references", "--hash", "--size", "--deriver"):
            r = run([nix_store, "--store", store_root, "-q", q, p], cwd="/", text=True)
            out[p].append((q, r.rc, r.out))
    return out


def verify_findings(stderr):
    """The lines of `nix-store --verify` stderr that are findings, not Nix
    narrating its phases or warning about its build users group."""
    return [l for l in stderr.splitlines() if l and "nixbld" not in l
            and not l.startswith("reading the Nix store") and not l.startswith("checking ")]


def nix_verify(nix_store, store_root, env=None):
    """`nix-store --verify --check-contents` on a store: (Result, findings)."""
    r = run([nix_store, "--store", store_root, "--verify", "--check-contents"], cwd="/", env=env, text=True)
    return r, verify_findings(r.err)
