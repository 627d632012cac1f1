# A service locked down with the systemd.exec(5) options the post lists.
{ pkgs, ... }:

{
  systemd.services.website = {
    description = "The website, locked down";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    script = "exec ${pkgs.busybox}/bin/busybox httpd -f -p 127.0.0.1:8043 -h /srv/www";
    serviceConfig = {
      DynamicUser = true;
      ProtectHome = true;
      ProtectSystem = "strict";
      NoNewPrivileges = true;
      ProtectKernelLogs = true;
      ProtectKernelModules = true;
      ProtectKernelTunables = true;
      PrivateTmp = true;
      PrivateDevices = true;
      RestrictAddressFamilies = [ "AF_INET" "AF_INET6" ];
      InaccessiblePaths = [ "/nix/persist" ];
    };
  };
}
