# meeka: the bastion host of the paranoid seed (seeds/001, Xe Iaso,
# "Paranoid NixOS Setup"), its files (hosts/meeka/*.nix) in one
# configuration, for a container. Built, booted and probed by ../../setup.sh
# through test.nix:
#
#   bastion os build -c examples/meeka/configuration.nix
#   bastion os test examples/meeka/test.nix
#
# What differs from the post, and why:
# - services.tailscale is off: Debian (the package set) has no tailscale;
#   the firewall still trusts tailscale0 as the post says.
# - /boot and /nix are disks in the post; in a container the root's own
#   /nix stands in for the disk (entries backed by devices stay out of the
#   container's fstab), /boot is kept for the rollback entries.
# - the package set names audit `auditd` (Debian's name): an overlay says
#   so.
{ lib, pkgs, ... }:
{
  # hosts/meeka/noexec.nix: a module of its own, as in the post (its
  # fileSystems."/".options merge with the tmpfs root's below).
  imports = [
    {
      fileSystems."/".options = [ "noexec" ];
      fileSystems."/etc/nixos".options = [ "noexec" ];
      fileSystems."/srv".options = [ "noexec" ];
      fileSystems."/var/log".options = [ "noexec" ];
    }
  ];

  # hosts/meeka/configuation.nix
  networking.hostName = "meeka";
  services.openssh.enable = true;
  system.stateVersion = "21.05";

  nixpkgs.overlays = [
    (self: super: {
      audit = super.audit or super.auditd;
      nix = super.nix or super.nix-bin;
    })
  ];

  # hosts/meeka/firewall.nix
  networking.firewall.enable = true;

  # hosts/meeka/tailscale.nix (see above)
  networking.firewall.trustedInterfaces = [ "tailscale0" ];

  # configuration/meeka/nix.nix
  nix.allowedUsers = [ "@wheel" ];

  # The tmpfs root and the volumes of the post's install steps.
  fileSystems."/" = {
    device = "none";
    fsType = "tmpfs";
    options = [ "defaults" "size=2G" "mode=755" ];
  };
  fileSystems."/boot" = {
    device = "/dev/disk/by-label/boot";
    fsType = "ext4";
  };
  fileSystems."/nix" = {
    device = "/dev/disk/by-label/nix";
    fsType = "ext4";
    neededForBoot = true;
  };
  fileSystems."/nix/persist" = {
    device = "/nix/persist";
    fsType = "none";
    options = [ "bind" ];
    neededForBoot = true;
  };

  # hosts/meeka/impermanence.nix
  environment.persistence."/nix/persist" = {
    directories = [
      "/etc/nixos" # nixos system config files, can be considered optional
      "/srv"       # service data
      "/var/lib"   # system service persistent data
      "/var/log"   # the place that journald dumps it logs to
    ];
  };
  environment.etc."ssh/ssh_host_rsa_key".source = "/nix/persist/etc/ssh/ssh_host_rsa_key";
  environment.etc."ssh/ssh_host_rsa_key.pub".source = "/nix/persist/etc/ssh/ssh_host_rsa_key.pub";
  environment.etc."ssh/ssh_host_ed25519_key".source = "/nix/persist/etc/ssh/ssh_host_ed25519_key";
  environment.etc."ssh/ssh_host_ed25519_key.pub".source = "/nix/persist/etc/ssh/ssh_host_ed25519_key.pub";
  environment.etc."machine-id".source = "/nix/persist/etc/machine-id";

  # hosts/meeka/users.nix
  users.users.root.initialPassword = "hunter2";
  users.users.xe = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
  };

  # hosts/meeka/auditd.nix
  security.auditd.enable = true;
  security.audit.enable = true;
  security.audit.rules = [ "-a exit,always -F arch=b64 -S execve" ];

  # hosts/meeka/sudo.nix
  security.sudo.execWheelOnly = true;

  # hosts/meeka/no-defaults.nix
  environment.defaultPackages = lib.mkForce [ ];
  environment.systemPackages = with pkgs; [ clamav ];

  # configuration/meeka/sshd.nix
  services.openssh = {
    passwordAuthentication = false;
    allowSFTP = false; # Don't set this if you need sftp
    challengeResponseAuthentication = false;
    extraConfig = ''
      AllowTcpForwarding yes
      X11Forwarding no
      AllowAgentForwarding no
      AllowStreamLocalForwarding no
      AuthenticationMethods publickey
    '';
  };

}
