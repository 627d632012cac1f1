# security.audit: the kernel audit rules in etc/audit/audit.rules, loaded
# by the audit-rules service (nixpkgs' nixos/modules/security/audit.nix).
# The file is in auditctl -R's format: delete the old rules, set the
# backlog, failure mode and rate limit, the rules, then enable (1) or
# enable and lock (2, rules can't change until reboot).
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.security.audit;
  enabled = cfg.enable == "lock" || cfg.enable;

  failureModes = {
    silent = 0;
    printk = 1;
    panic = 2;
  };

  rulesText = ''
    -D
    -b ${toString cfg.backlogLimit}
    -f ${toString failureModes.${cfg.failureMode}}
    -r ${toString cfg.rateLimit}
    ${concatStringsSep "\n" cfg.rules}
    -e ${if cfg.enable == "lock" then "2" else "1"}
  '';
  # Debian installs auditctl in /usr/sbin (its bin/ is usr/bin), nixpkgs in bin/.
  sbin = if cfg.package ? debianClosure then "sbin" else "bin";
in
{
  options.security.audit = {
    enable = mkOption {
      type = types.enum [ false true "lock" ];
      default = false;
      description = ''
        Whether to enable the Linux audit system. The special `lock` value can be used to
        enable auditing and prevent disabling it until a restart. Be careful about locking
        this, as it will prevent you from changing your audit configuration until you
        restart. If possible, test your configuration using build-vm beforehand.
      '';
    };

    package = mkPackageOption pkgs "audit" { };

    failureMode = mkOption {
      type = types.enum [ "silent" "printk" "panic" ];
      default = "printk";
      description = "How to handle critical errors in the auditing system";
    };

    backlogLimit = mkOption {
      type = types.int;
      # Significantly increase from the kernel default of 64 because a
      # normal systems generates way more logs.
      default = 1024;
      description = ''
        The maximum number of outstanding audit buffers allowed; exceeding this is
        considered a failure and handled in a manner specified by failureMode.
      '';
    };

    rateLimit = mkOption {
      type = types.int;
      default = 0;
      description = ''
        The maximum messages per second permitted before triggering a failure as
        specified by failureMode. Setting it to zero disables the limit.
      '';
    };

    rules = mkOption {
      type = types.listOf types.str; # (types.either types.str (types.submodule rule));
      default = [ ];
      example = [ "-a exit,always -F arch=b64 -S execve" ];
      description = ''
        The ordered audit rules, with each string appearing on one line of the audit.rules file.
      '';
    };
  };

  config = mkIf enabled {
    environment.etc."audit/audit.rules".text = rulesText;

    systemd.services.audit-rules = {
      description = "Load Audit Rules";
      wantedBy = [ "sysinit.target" ];
      before = [ "sysinit.target" "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      unitConfig = {
        DefaultDependencies = false;
        ConditionVirtualization = "!container";
        ConditionSecurity = [ "audit" ];
        ConditionKernelCommandLine = [ "!audit=0" ];
      };
      path = [ cfg.package ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${cfg.package}/${sbin}/auditctl -R /etc/audit/audit.rules";
        ExecStopPost = [
          # Disable auditing
          "${cfg.package}/${sbin}/auditctl -e 0"
          # Delete all rules
          "${cfg.package}/${sbin}/auditctl -D"
        ];
      };
    };
  };
}
