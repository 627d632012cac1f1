# <bastion/pkgs>: every package of a pinned Debian suite, as nixpkgs is
# used: `import <bastion/pkgs> { }`, overlays (self: super:), callPackage.
# Nothing is evaluated until asked for: an attribute is a thunk, and
# builtins.debianPackage reads the pinned index (parsed once) for it.
{ lock ? ./debian.lock, overlays ? [ ], ... }:
let
  lib = import ../lib;
  debian = import ./debian.nix { inherit lock; };
  base = self:
    debian.packages
    // import ./aliases.nix self
    // {
      inherit lib;
      pkgs = self;
      callPackage = lib.callPackageWith self;
      debianLock = lock;
    };
in
lib.fix (builtins.foldl' (f: o: lib.extends o f) base overlays)
