# Provides the `utils` module argument (nix/os/utils.nix).
{ lib, config, pkgs, ... }:
{
  config._module.args.utils = import ../../os/utils.nix { inherit lib config pkgs; };
}
