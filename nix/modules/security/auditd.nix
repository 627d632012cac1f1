# security.auditd: the Linux audit daemon writing /var/log/audit (nixpkgs'
# nixos/modules/security/auditd.nix). Not in containers: the kernel's audit
# socket belongs to the host.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.security.auditd;
  # Debian installs auditd in /usr/sbin (its bin/ is usr/bin), nixpkgs in bin/.
  sbin = if config.security.audit.package ? debianClosure then "sbin" else "bin";
in
{
  options.security.auditd.enable = mkEnableOption "the Linux Audit daemon";

  config = mkIf cfg.enable {
    boot.kernelParams = [ "audit=1" ];

    environment.systemPackages = [ config.security.audit.package ];

    systemd.services.auditd = {
      description = "Linux Audit daemon";
      documentation = [ "man:auditd(8)" ];
      wantedBy = [ "sysinit.target" ];
      after = [ "local-fs.target" "systemd-tmpfiles-setup.service" ];
      before = [ "sysinit.target" "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      unitConfig = {
        ConditionVirtualization = "!container";
        ConditionSecurity = [ "audit" ];
        DefaultDependencies = false;
      };
      path = [ config.security.audit.package ];
      serviceConfig = {
        ExecStartPre = "${pkgs.coreutils}/bin/mkdir -p /var/log/audit";
        ExecStart = "${config.security.audit.package}/${sbin}/auditd -l -n -s nochange";
        Restart = "on-failure";
        # Do not restart for intentional exits. See EXIT CODES section in auditd(8).
        RestartPreventExitStatus = "2 4 6";
        # Upstream hardening settings
        MemoryDenyWriteExecute = true;
        LockPersonality = true;
        ProtectControlGroups = true;
        ProtectKernelModules = true;
        RestrictRealtime = true;
      };
    };
  };
}
