"""Invoking Nix 2.8 and Bastion alike."""

import os
import shutil


def busybox():
    """The static busybox that both tools' sandboxes get as /bin/sh."""
    return shutil.which("busybox") or "/bin/busybox"


def bastion_sandbox_options(sh=None):
    """bastion nix-build's options: its sandbox is always on."""
    return ["--option", "sandbox-paths", "/bin/sh=" + (sh or busybox())]


def nix_sandbox_options(sh=None):
    """nix-build's options for a build like Bastion's: sandboxed, as root
    without build users, never a binary cache."""
    return ["--option", "sandbox", "true", "--option", "sandbox-paths", "/bin/sh=" + (sh or busybox()),
            "--option", "build-users-group", "", "--option", "substituters", ""]


def nix_env(base=None, conf="", **variables):
    """The environment for Nix run as root without a nixbld group (which
    silences its warning about that): base (default os.environ) with the
    variables given, NIX_CONFIG set to that setting and then conf."""
    env = dict(os.environ if base is None else base, **variables)
    env["NIX_CONFIG"] = "build-users-group =\n" + conf
    return env
