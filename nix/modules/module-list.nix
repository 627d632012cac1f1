# The base modules every system is evaluated with (nixpkgs' module-list.nix);
# only modules that exist are listed, each added as it is written.
[
  ./misc/assertions.nix
  ./misc/nixpkgs.nix
  ./misc/nix.nix
  ./misc/version.nix
  ./misc/utils.nix
  ./misc/ids.nix
  ./config/environment.nix
  ./config/users-groups.nix
  ./networking/networking.nix
  ./system/etc.nix
  ./system/systemd.nix
  ./system/activation.nix
  ./system/boot.nix
  ./tasks/filesystems.nix
]
