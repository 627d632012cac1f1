# nixpkgs' fetchgit as a fixed output built by Debian's git in the sandbox
# (fixed outputs reach the network): the repository's branches and tags are
# fetched in full (a dumb-HTTP or file server cannot serve shallow fetches
# by commit), `rev` checked out, submodules fetched when asked, and .git
# removed. leaveDotGit/deepClone (nix-prefetch-git's determinism scrubbing
# of .git) and sparseCheckout are not supported and say so.
{ lib, shell, path, git }:
let
  # nixpkgs' name for a checkout: the repository's base name, with the
  # first seven hex digits of a commit.
  urlToName = url: rev:
    let
      base = lib.last (lib.splitString ":" (baseNameOf (lib.removeSuffix "/" url)));
      matched = builtins.match "(.*)\\.git" base;
      short = builtins.substring 0 7 rev;
      appendShort = if builtins.match "[a-f0-9]*" rev != null then "-${short}" else "";
    in
    "${if matched == null then base else builtins.head matched}${appendShort}";
in
{ url
, rev ? "HEAD"
, name ? urlToName url rev
, hash ? ""
, sha256 ? ""
, fetchSubmodules ? true
, deepClone ? false
, leaveDotGit ? deepClone
, branchName ? null
, sparseCheckout ? [ ]
, nonConeMode ? false
, postFetch ? ""
, fetchLFS ? false
, meta ? { }
, passthru ? { }
, ...
}:
let
  refuse = what: throw "fetchgit: '${what}' is not supported by Bastion's fetchgit";
in
if leaveDotGit then refuse "leaveDotGit"
else if sparseCheckout != [ ] then refuse "sparseCheckout"
else if postFetch != "" then refuse "postFetch"
else if fetchLFS then refuse "fetchLFS"
else if git == null then throw "fetchgit: no git in this package set"
else if hash == "" && sha256 == "" then throw "fetchgit requires a hash for fixed-output derivation: ${url}"
else
  derivation
    ({
      inherit name url rev;
      system = builtins.currentSystem;
      builder = shell;
      args = [ "-e" ./build-support/fetchgit.sh ];
      PATH = "${git}/bin:${path}";
      GIT_EXEC_PATH = "${git}/usr/lib/git-core";
      GIT_TEMPLATE_DIR = "${git}/usr/share/git-core/templates";
      fetchSubmodules = fetchSubmodules;
      outputHashMode = "recursive";
      preferLocalBuild = true;
    } // (if hash != "" then { outputHash = hash; } else { outputHashAlgo = "sha256"; outputHash = sha256; }))
  // { inherit meta url rev; } // passthru
