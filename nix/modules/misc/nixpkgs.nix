# nixpkgs.pkgs, nixpkgs.overlays, nixpkgs.config: where the `pkgs` module
# argument comes from: nixpkgs.pkgs when set (a configuration's, or the pkgs
# argument of eval-config.nix), else <bastion/pkgs>; overlays are applied on
# top of it as nixpkgs' appendOverlays does (lib.extends, in order).
{ config, options, lib, ... }:
with lib;
let
  cfg = config.nixpkgs;

  overlayType = mkOptionType {
    name = "nixpkgs-overlay";
    description = "nixpkgs overlay";
    check = isFunction;
    merge = lib.mergeOneOption;
  };

  pkgsType = types.pkgs or (mkOptionType {
    name = "pkgs";
    description = "An evaluation of Nixpkgs; the top level attribute set of packages";
    check = isAttrs;
  });

  applyOverlays = base:
    if cfg.overlays == [ ] then base
    else if base ? appendOverlays then base.appendOverlays cfg.overlays
    else fix (foldl' (f: overlay: extends overlay f) (self: base) cfg.overlays);
in
{
  options.nixpkgs = {
    pkgs = mkOption {
      type = pkgsType;
      example = literalExpression "import <nixpkgs> {}";
      description = ''
        If set, the pkgs argument to all NixOS modules is the value of
        this option, extended with `nixpkgs.overlays`.
      '';
    };
    overlays = mkOption {
      default = [ ];
      type = types.listOf overlayType;
      example = literalExpression "[ (self: super: { openssh = super.openssh.override { withKerberos = true; }; }) ]";
      description = ''
        List of overlays to apply to Nixpkgs.
        This option allows modifying the Nixpkgs package set accessed through the `pkgs` module argument.
      '';
    };
    config = mkOption {
      default = { };
      type = types.attrs;
      example = literalExpression "{ allowBroken = true; allowUnfree = true; }";
      description = "Global configuration for Nixpkgs.";
    };
    system = mkOption {
      type = types.str;
      default = builtins.currentSystem or "x86_64-linux";
      defaultText = literalExpression "builtins.currentSystem";
      description = "Specifies the platform on which NixOS should be built.";
    };
    hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      default = cfg.system;
      defaultText = literalExpression "config.nixpkgs.system";
      description = "Specifies the platform where the NixOS configuration will run.";
    };
  };

  # Without nixpkgs.pkgs, Bastion's own package set (<bastion/pkgs>, the
  # pinned Debian suite) with the overlays, as NixOS imports nixpkgs.
  config._module.args.pkgs =
    if options.nixpkgs.pkgs.isDefined then applyOverlays cfg.pkgs
    else import ../../pkgs { inherit (cfg) overlays; };
}
