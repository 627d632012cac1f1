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

  # As nixpkgs' chooseDevOutputs: an input with a dev output (ours, or a
  # NixOS name whose headers Debian ships in a -dev package, dev-outputs.nix)
  # is used through it.
  getDev = p: p.dev or p;
  # The Debian packages the inputs need (libssl-dev's libssl3: its libssl.so
  # is a link into that package). setup.sh merges those the toolchain does
  # not have into one tree for headers, libraries and pkg-config files, and
  # only the shared libraries (libfoo.so.N) of those it has (their headers
  # and linker scripts are the sysroot's); all get a run path.
  debianClosureOf = inputs: lib.unique (builtins.concatMap (p: p.debianClosure or [ ]) inputs);
  inToolchain = n: builtins.elem n names;

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
      inputs = map (map getDev) [ nativeBuildInputs buildInputs propagatedBuildInputs ];
      closure = debianClosureOf (builtins.concatLists inputs);
      drv = derivation (removeAttrs attrs [ "meta" "passthru" "pname" "version" ] // {
        name = name';
        system = builtins.currentSystem;
        builder = "${pkgs.bash}/bin/bash";
        args = [ "-e" ./default-builder.sh ];
        stdenv = setup;
        nativeBuildInputs = builtins.elemAt inputs 0;
        buildInputs = builtins.elemAt inputs 1;
        propagatedBuildInputs = builtins.elemAt inputs 2;
        bastionDebianInputs = map (n: pkgs.${n}) (builtins.filter (n: !inToolchain n) closure);
        bastionDebianLibs = map (n: pkgs.${n}) (builtins.filter inToolchain closure);
        inherit outputs;
      } // lib.optionalAttrs (pname != null) { inherit pname; }
        // lib.optionalAttrs (version != null) { inherit version; });
      # Each output as nixpkgs gives it: drv.dev, drv.out, … with the
      # package's meta and passthru.
      extra = { inherit meta; } // lib.optionalAttrs (pname != null) { inherit pname; }
        // lib.optionalAttrs (version != null) { inherit version; } // passthru;
      withOutputs = builtins.listToAttrs (map (o: { name = o; value = drv.${o} // extra // outs; }) outputs);
      outs = withOutputs // { all = map (o: withOutputs.${o}) outputs; };
    in
    drv // extra // outs;

  makeWrapper = writeTextFile {
    name = "make-wrapper";
    destination = "/nix-support/setup-hook";
    text = builtins.readFile ./make-wrapper.sh;
  };
in
{
  inherit stdenv toolchain makeWrapper;
}
