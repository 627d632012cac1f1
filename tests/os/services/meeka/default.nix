# The "meeka" bastion host (seeds/001: Xe Iaso, "Paranoid NixOS Setup"), its
# configuration split into the files the post shows (configuration/meeka/*.nix).
{ ... }:
{
  imports = [
    ./hostname.nix
    ./firewall.nix
    ./tailscale.nix
    ./nix.nix
    ./hardware.nix
    ./impermanence.nix
    ./users.nix
    ./auditd.nix
    ./sudo.nix
    ./packages.nix
    ./sshd.nix
    ./noexec.nix
    ./hardened-service.nix
  ];
  system.stateVersion = "21.05";
}
