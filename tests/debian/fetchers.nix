# The fetchers of nix/pkgs/fetchers.nix against the loopback server of
# tests/debian/fetchers_test.py (BASE: its URL; the hashes: what the test
# computed from the files it serves; WRONG: a hash of something else).
{ base, fileHash, fileSri, exeHash, zipHash, tarSri, ghHash, wrong }:
let
  lib = import <bastion/lib>;
  f = import <bastion/pkgs/fetchers.nix> {
    inherit lib;
    fetchgit = _: throw "no fetchgit here";
  };
in
{
  file = f.fetchurl { url = "${base}/files/hello.txt"; sha256 = fileHash; };
  fileSri = f.fetchurl { url = "${base}/files/hello.txt"; hash = fileSri; name = "named"; };
  mirrors = f.fetchurl {
    urls = [ "${base}/missing/hello.txt" "${base}/files/hello.txt" ];
    sha256 = fileHash;
  };
  exe = f.fetchurl { url = "${base}/files/hello.txt"; sha256 = exeHash; executable = true; recursiveHash = true; };
  wrongHash = f.fetchurl { url = "${base}/files/hello.txt"; sha256 = wrong; };
  notFound = f.fetchurl { url = "${base}/missing/hello.txt"; sha256 = fileHash; name = "not-found"; };
  postFetch = f.fetchurl { url = "${base}/files/hello.txt"; sha256 = fileHash; postFetch = "true"; };
  noHash = f.fetchurl { url = "${base}/files/hello.txt"; };
  noUrl = f.fetchurl { sha256 = fileHash; };
  zip = f.fetchzip { url = "${base}/files/tree.zip"; sha256 = zipHash; };
  tar = f.fetchzip { url = "${base}/files/tree.tar.gz"; hash = tarSri; stripRoot = false; };
  zipWrong = f.fetchzip { url = "${base}/files/tree.zip"; sha256 = wrong; };
  github = f.fetchFromGitHub {
    owner = "octo";
    repo = "thing";
    rev = "v1.0";
    sha256 = ghHash;
    githubBase = base;
  };
}
