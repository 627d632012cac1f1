# The talk's hardened Nextcloud host (seeds/000: "NIXOS", Tristan Pinaudeau),
# its configuration.nix as the slides show it. docker-nextcloud is built
# from a local file here instead of fetchFromGitHub (tests have no network).
{ config, lib, pkgs, ... }:
let
  secretMySQLRootPassword = builtins.getEnv "MYSQL_ROOT_PASSWORD";
  secretMySQLPassword = builtins.getEnv "MYSQL_PASSWORD";
in
{
  imports = [ ./talk-hardware.nix ];

  nixpkgs.overlays = [
    (self: super: {
      docker-nextcloud = super.callPackage ./docker-nextcloud.nix { };
    })
  ];

  environment.systemPackages = [ pkgs.docker-nextcloud ];

  systemd.services.nextcloud = {
    enable = true;
    restartIfChanged = true;
    wantedBy = [ "multi-user.target" ];
    after = [ "docker.service" ];
    bindsTo = [ "docker.service" ];
    documentation = [ "https://github.com/0b11stan/docker-nextcloud" ];
    script = "${pkgs.docker-nextcloud}/docker-nextcloud.sh";
    environment = {
      MYSQL_ROOT_PASSWORD = secretMySQLRootPassword;
      MYSQL_PASSWORD = secretMySQLPassword;
    };
  };

  virtualisation.docker.enable = true;

  services.openssh = {
    enable = true;
    passwordAuthentication = false;
    permitRootLogin = "no";
  };

  networking = {
    hostName = "nixos-harden";
    networkmanager.enable = true;
    useDHCP = true;
    firewall = {
      enable = true;
      allowedTCPPorts = [ 8080 22 ];
    };
  };

  users.users = {
    tristan = {
      isNormalUser = true;
      extraGroups = [ "wheel" "docker" ];
      packages = [ pkgs.neovim ];
      openssh.authorizedKeys.keyFiles = [
        ./ssh-keys/silver-hp.pub
      ];
    };
  };

  system.stateVersion = "22.05";
}
