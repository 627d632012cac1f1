# stdenv for <bastion/pkgs>: nixpkgs' stdenv.mkDerivation with Debian's
# toolchain — build-essential's closure, relocated like every package and
# merged into one tree (toolchain.sh) — and setup.sh's phases. Programs it
# links get the store's loader (libc6) and a run path, so they run from the
# store. makeWrapper is a package with a setup hook, as in nixpkgs.
{ lib, pkgs, writeTextFile }:
let
  lock = pkgs.debianLock;
  tools = [ "bash" "coreutils" "findutils" "diffutils" "sed" "grep" "mawk" "gzip" "bzip2" "xz-utils" "tar" "patch" "file" "patchelf" ];
  names = lib.unique ((builtins.debianPackage lock "build-essential").closure ++ tools);
  arch = "x86_64-linux-gnu";

  toolchain = derivation {
    name = "debian-toolchain";
    system = builtins.currentSystem;
    builder = "${pkgs.bash}/bin/bash";
    args = [ "-e" ./toolchain.sh ];
    PATH = "${pkgs.coreutils}/bin";
    packages = map (n: pkgs.${n}) names;
    # What Debian's maintainer scripts register with update-alternatives.
    alternatives = [ "cc=gcc" "c++=g++" "awk=mawk" "c89=c89-gcc" "c99=c99-gcc" ];
  } // { debianPackages = names; };

  setup = writeTextFile {
    name = "stdenv-debian";
    destination = "/setup";
    text = ''
      bastionToolchain=${toolchain}
      bastionBash=${pkgs.bash}
      bastionDash=${pkgs.dash}
      bastionCoreutils=${pkgs.coreutils}
      bastionLoader=${pkgs.libc6}/usr/lib64/ld-linux-x86-64.so.2
      bastionRpath=" -Wl,-rpath,${pkgs.libc6}/usr/lib/${arch} -Wl,-rpath,${pkgs.libgcc-s1}/usr/lib/${arch} -Wl,-rpath,${pkgs."libstdc++6"}/usr/lib/${arch}"
    '' + builtins.readFile ./setup.sh;
  };

  stdenv = setup // {
    cc = toolchain;
    shell = "${pkgs.bash}/bin/bash";
    isLinux = true;
    hostPlatform = { system = builtins.currentSystem; isLinux = true; };
    buildPlatform = stdenv.hostPlatform;
    inherit mkDerivation;
  };

  mkDerivation =
    { name ? null
    , pname ? null
    , version ? null
    , buildInputs ? [ ]
    , nativeBuildInputs ? [ ]
    , propagatedBuildInputs ? [ ]
    , meta ? { }
    , passthru ? { }
    , outputs ? [ "out" ]
    , ...
    }@attrs:
    let
      name' =
        if name != null then name
        else if pname != null && version != null then "${pname}-${version}"
        else throw "stdenv.mkDerivation: give 'name', or 'pname' and 'version'";
      drv = derivation (removeAttrs attrs [ "meta" "passthru" "pname" "version" ] // {
        name = name';
        system = builtins.currentSystem;
        builder = "${pkgs.bash}/bin/bash";
        args = [ "-e" ./default-builder.sh ];
        stdenv = setup;
        inherit outputs nativeBuildInputs buildInputs propagatedBuildInputs;
      } // lib.optionalAttrs (pname != null) { inherit pname; }
        // lib.optionalAttrs (version != null) { inherit version; });
    in
    drv // { inherit meta; } // lib.optionalAttrs (pname != null) { inherit pname; }
    // lib.optionalAttrs (version != null) { inherit version; } // passthru;

  makeWrapper = writeTextFile {
    name = "make-wrapper";
    destination = "/nix-support/setup-hook";
    text = builtins.readFile ./make-wrapper.sh;
  };
in
{
  inherit stdenv toolchain makeWrapper;
}
