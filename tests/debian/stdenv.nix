# tests/debian/stdenv_live.py: a C program of our own (hello-src: its own
# configure, a Makefile with check and install, a shell script) built
# with stdenv.mkDerivation from a tarball and wrapped; and the talk's
# docker-nextcloud derivation, unchanged but for its source URL
# (githubBase: the test's loopback server) and its hash.
{ tarball, githubBase, ncHash }:
let
  pkgs = import <bastion/pkgs> { };
in
{
  hello = pkgs.stdenv.mkDerivation {
    pname = "hello";
    version = "1.0";
    src = tarball;
    nativeBuildInputs = [ pkgs.makeWrapper ];
    doCheck = true;
    postInstall = ''
      wrapProgram $out/bin/hello --set GREETING_WHO bastion
      wrapProgram $out/bin/greet --prefix PATH : $out/bin
    '';
  };

  nextcloud = pkgs.callPackage
    ({ pkgs, fetchFromGitHub, ... }:
      let
        argProjectName = "--project-name '$name'";
        argComposeFile = "--file '$src/docker-compose.yml'";
        dockerCmd = "compose ${argProjectName} ${argComposeFile}";
      in
      derivation {
        name = "docker-nextcloud";

        system = builtins.currentSystem;

        src = fetchFromGitHub {
          owner = "0b11stan";
          repo = "docker-nextcloud";
          rev = "main";
          sha256 = ncHash;
          inherit githubBase;
        };

        builder = "${pkgs.bash}/bin/bash";

        args = [ "-c"
          ''
            ${pkgs.coreutils}/bin/mkdir $out \
            && echo "${pkgs.docker}/bin/docker ${dockerCmd}" \
            > $out/$name.sh \
            && ${pkgs.coreutils}/bin/chmod +x $out/$name.sh
          ''
        ];
      })
    { };
}
