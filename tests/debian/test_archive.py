"""A local signed Debian archive for tests: packages built with dpkg-deb, a
Packages index (and Packages.xz), a Release listing their SHA256 and an
InRelease clearsigned with a throw-away GPG key (whose public keyring is
what `bastion debian lock --keyring` gets)."""
import hashlib, lzma, os, shutil, subprocess

HAVE_TOOLS = all(shutil.which(t) for t in ("gpg", "gpgv", "dpkg-deb"))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def build_deb(work, name, version, fields, files, arch="amd64"):
    """A .deb built with dpkg-deb from `files` ({path: bytes or (bytes, mode)})."""
    root = f"{work}/pkgroot-{name}-{version}"
    os.makedirs(f"{root}/DEBIAN")
    for path, content in files.items():
        mode = 0o644
        if isinstance(content, tuple):
            content, mode = content
        full = f"{root}/{path.lstrip('/')}"
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(content)
        os.chmod(full, mode)
    control = {"Package": name, "Version": version, "Architecture": arch,
               "Maintainer": "Bastion tests <tests@invalid>",
               "Description": f"{name} for tests"}
    control.update(fields)
    with open(f"{root}/DEBIAN/control", "w") as f:
        for k, v in control.items():
            f.write(f"{k}: {v}\n")
    out = f"{work}/{name}_{version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, out],
                   check=True, capture_output=True)
    shutil.rmtree(root)
    return out


class Archive:
    def __init__(self, dir, suite="testing-bastion", component="main", arch="amd64"):
        self.dir, self.suite, self.component, self.arch = dir, suite, component, arch
        self.gnupg = f"{dir}/.gnupg"
        self.keyring = f"{dir}/test-keyring.gpg"
        self.stanzas = []
        os.makedirs(self.gnupg, mode=0o700)
        env = self.env()
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
                        "Bastion test archive <archive@invalid>", "rsa2048", "sign", "never"],
                       env=env, check=True, capture_output=True)
        subprocess.run(["gpg", "--batch", "--export", "-o", self.keyring], env=env, check=True,
                       capture_output=True)

    def env(self):
        return dict(os.environ, GNUPGHOME=self.gnupg)

    def add(self, name, version, fields=None, files=None):
        pool = f"{self.dir}/pool/{self.component}/{name[0]}/{name}"
        os.makedirs(pool, exist_ok=True)
        deb = build_deb(pool, name, version, fields or {},
                        files or {f"/usr/share/doc/{name}/README": f"{name}\n".encode()},
                        self.arch)
        control = subprocess.run(["dpkg-deb", "-f", deb], check=True, capture_output=True,
                                 text=True).stdout.rstrip("\n")
        rel = os.path.relpath(deb, self.dir)
        self.stanzas.append(control + f"\nFilename: {rel}\nSize: {os.path.getsize(deb)}\n"
                            f"SHA256: {sha256(deb)}\n")
        return deb

    def packages_dir(self):
        return f"{self.dir}/dists/{self.suite}/{self.component}/binary-{self.arch}"

    def publish(self):
        """Writes Packages, Packages.xz, Release and InRelease."""
        d = self.packages_dir()
        os.makedirs(d, exist_ok=True)
        text = "\n".join(self.stanzas).encode()
        with open(f"{d}/Packages", "wb") as f:
            f.write(text)
        with open(f"{d}/Packages.xz", "wb") as f:
            f.write(lzma.compress(text))
        self.sign()

    def sign(self):
        dists = f"{self.dir}/dists/{self.suite}"
        lines = [f"Origin: Bastion tests", f"Suite: {self.suite}", f"Codename: {self.suite}",
                 "Date: Mon, 07 Dec 2026 00:00:00 UTC", f"Architectures: {self.arch}",
                 f"Components: {self.component}", "SHA256:"]
        for name in ("Packages", "Packages.xz"):
            p = f"{self.packages_dir()}/{name}"
            rel = os.path.relpath(p, dists)
            lines.append(f" {sha256(p)} {os.path.getsize(p):>8} {rel}")
        with open(f"{dists}/Release", "w") as f:
            f.write("\n".join(lines) + "\n")
        if os.path.exists(f"{dists}/InRelease"):
            os.unlink(f"{dists}/InRelease")
        subprocess.run(["gpg", "--batch", "--yes", "--clearsign", "--digest-algo", "SHA256",
                        "-o", f"{dists}/InRelease", f"{dists}/Release"], env=self.env(),
                       check=True, capture_output=True)
