# <bastion/pkgs>: every package of a pinned Debian suite, as nixpkgs is
# used: `import <bastion/pkgs> { }`, overlays (self: super:), callPackage.
# Nothing is evaluated until asked for: an attribute is a thunk, and
# builtins.debianPackage reads the pinned index (parsed once) for it.
{ lock ? ./debian.lock, overlays ? [ ], ... }:
let
  lib = import ../lib;
  debian = import ./debian.nix { inherit lock; };
  base = self:
    let
      trivial = import ./trivial-builders.nix {
        inherit lib;
        system = builtins.currentSystem;
        # nixpkgs' stdenv shell is bash, and build commands in the wild use
        # it; the tools are Debian's Essential ones stdenv's PATH also has.
        shell = "${self.bash}/bin/bash";
        path = lib.makeBinPath [ self.coreutils self.findutils self.diffutils self.sed self.grep ];
      };
    in
    debian.packages
    // import ./dev-outputs.nix { inherit (debian) packages; }
    // import ./shells.nix { inherit (debian) packages; }
    // import ./aliases.nix self
    // trivial
    // import ./stdenv {
      inherit lib;
      pkgs = self;
      inherit (trivial) writeTextFile;
    }
    // import ./fetchers.nix {
      inherit lib;
      fetchgit = self.fetchgit;
    }
    // {
      debian = {
        usr = import ./usr.nix {
          inherit lib;
          pkgs = self;
          inherit (trivial) runCommand;
        };
      };
      fetchgit = import ./fetchgit.nix {
        inherit lib;
        inherit (self) git;
        shell = "${self.bash}/bin/bash";
        path = lib.makeBinPath [ self.coreutils self.findutils ];
      };
      inherit lib;
      pkgs = self;
      callPackage = lib.callPackageWith self;
      debianLock = lock;
    };
in
lib.fix (builtins.foldl' (f: o: lib.extends o f) base overlays)
