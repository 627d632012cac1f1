# tests/debian/fixup_live.py: stdenv's fixup and Debian -dev packages as
# inputs. libdemo (fixup-src: a Makefile that installs everything under
# $out, built with -g) split into out, dev and man and stripped; the same
# with dontStrip; and a program linked against libdemo through its dev
# output and pkg-config, and against Debian's libcurl, OpenSSL (NixOS
# names: curl, openssl.dev) and zlib (the -dev package by Debian's name).
let
  pkgs = import <bastion/pkgs> { };
  demo = args: pkgs.stdenv.mkDerivation ({
    pname = "libdemo";
    version = "1.0";
    src = ./fixup-src;
    outputs = [ "out" "dev" "man" ];
    makeFlags = [ "PREFIX=$(out)" ];
  } // args);
in
rec {
  libdemo = demo { };
  libdemoUnstripped = demo { pname = "libdemo-unstripped"; dontStrip = true; };

  use = pkgs.stdenv.mkDerivation {
    name = "use-demo";
    dontUnpack = true;
    nativeBuildInputs = [ pkgs.pkg-config ];
    buildInputs = [ libdemo pkgs.curl pkgs.openssl.dev pkgs.zlib1g-dev ];
    buildPhase = ''
      flags=$(pkg-config --cflags --libs demo libcurl openssl)
      echo "pkg-config: $flags"
      cc -o use ${./fixup-src/use.c} $flags -lz
    '';
    installPhase = ''
      mkdir -p $out/bin
      cp use $out/bin/
    '';
  };
}
