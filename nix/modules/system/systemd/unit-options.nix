# The options of systemd units (nixpkgs' nixos/lib/systemd-unit-options.nix):
# the dependency lists shared by every unit, then what services, sockets,
# timers, targets, mounts and paths add. unitConfig/serviceConfig/… are
# passed through key by key (unitOption: lists concatenate, scalars must agree).
{ lib }:
with lib;
rec {
  unitOption = mkOptionType {
    name = "systemd option";
    description = "systemd option";
    check = v: isBool v || isInt v || isString v || isPath v || isDerivation v || isFloat v
      || (isList v && all (x: isBool x || isInt x || isString x || isPath x || isDerivation x || isFloat x) v);
    merge = loc: defs:
      let defs' = filterOverrides defs;
      in
      if any (def: isList def.value) defs'
      then concatMap (def: toList def.value) defs'
      else mergeEqualOption loc defs';
  };

  unitNameList = description: mkOption {
    default = [ ];
    type = types.listOf types.str;
    inherit description;
  };

  sectionOf = section: mkOption {
    default = { };
    example = { RequiresMountsFor = "/data"; };
    type = types.attrsOf unitOption;
    description = "Each attribute in this set specifies an option in the `[${section}]` section of the unit.";
  };

  commonUnitOptions = { name, ... }: {
    options = {
      enable = mkOption {
        default = true;
        type = types.bool;
        description = ''
          If set to false, this unit will be a symlink to
          /dev/null. This is primarily useful to prevent specific
          template instances
          (e.g. `serial-getty@ttyS0`) from being
          started. Note that `enable=true` does not
          make a unit start by default at boot; if you want that, see
          `wantedBy`.
        '';
      };
      name = mkOption {
        type = types.str;
        default = name;
        internal = true;
        description = "The name of this systemd unit, without its suffix.";
      };
      description = mkOption {
        default = "";
        type = types.singleLineStr;
        description = "Description of this unit used in systemd messages and progress indicators.";
      };
      documentation = mkOption {
        default = [ ];
        type = types.listOf types.str;
        description = "A list of URIs referencing documentation for this unit or its configuration.";
      };
      requires = unitNameList "Start the specified units when this unit is started, and stop this unit when the specified units are stopped or fail.";
      wants = unitNameList "Start the specified units when this unit is started.";
      upholds = unitNameList "Keeps the specified running while this unit is running. A continuous version of `wants`.";
      after = unitNameList "If the specified units are started at the same time as this unit, delay this unit until they have started.";
      before = unitNameList "If the specified units are started at the same time as this unit, delay them until this unit has started.";
      bindsTo = unitNameList "Like ‘requires’, but in addition, if the specified units unexpectedly disappear, this unit will be stopped as well.";
      partOf = unitNameList "If the specified units are stopped or restarted, then this unit is stopped or restarted as well.";
      conflicts = unitNameList "If the specified units are started, then this unit is stopped and vice versa.";
      requisite = unitNameList "Similar to requires. However if the units listed are not started, they will not be started and the transaction will fail.";
      onFailure = unitNameList "A list of one or more units that are activated when this unit enters the \"failed\" state.";
      onSuccess = unitNameList "A list of one or more units that are activated when this unit enters the \"inactive\" state.";
      wantedBy = unitNameList "Units that want (i.e. depend on) this unit.";
      upheldBy = unitNameList "Keep this unit running as long as the listed units are running.";
      requiredBy = unitNameList "Units that require (i.e. depend on and need to go down with) this unit.";
      aliases = unitNameList "Aliases of that unit.";
      restartTriggers = mkOption {
        default = [ ];
        type = types.listOf types.unspecified;
        description = "An arbitrary list of items such as derivations. If any item in the list changes between reconfigurations, the service will be restarted.";
      };
      reloadTriggers = mkOption {
        default = [ ];
        type = types.listOf types.unspecified;
        description = "An arbitrary list of items such as derivations. If any item in the list changes between reconfigurations, the service will be reloaded.";
      };
      startLimitBurst = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "Configure unit start rate limiting.";
      };
      startLimitIntervalSec = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "Configure unit start rate limiting.";
      };
      unitConfig = sectionOf "Unit";
    };
  };

  serviceOptions = { name, config, ... }: {
    options = {
      environment = mkOption {
        default = { };
        type = with types; attrsOf (nullOr (oneOf [ str path package ]));
        example = { PATH = "/foo/bar/bin"; LANG = "nl_NL.UTF-8"; };
        description = "Environment variables passed to the service's processes.";
      };
      path = mkOption {
        default = [ ];
        type = with types; listOf (oneOf [ package str ]);
        description = ''
          Packages added to the service's {env}`PATH`
          environment variable.  Both the {file}`bin`
          and {file}`sbin` subdirectories of each
          package are added.
        '';
      };
      serviceConfig = mkOption {
        default = { };
        example = { RestartSec = 5; };
        type = types.attrsOf unitOption;
        description = "Each attribute in this set specifies an option in the `[Service]` section of the unit.";
      };
      script = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed as the service's main process.";
      };
      scriptArgs = mkOption {
        type = types.str;
        default = "";
        example = "%i";
        description = "Arguments passed to the main process script.";
      };
      preStart = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed before the service's main process is started.";
      };
      postStart = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed after the service's main process is started.";
      };
      reload = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed when the service's main process is reloaded.";
      };
      preStop = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed to stop the service.";
      };
      postStop = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed after the service's main process has exited.";
      };
      restartIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the service should be restarted during a NixOS configuration switch if its definition has changed.";
      };
      reloadIfChanged = mkOption {
        type = types.bool;
        default = false;
        description = "Whether the service should be reloaded during a NixOS configuration switch if its definition has changed.";
      };
      stopIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = "If set, a changed unit is restarted by calling {command}`systemctl stop` in the old configuration, then {command}`systemctl start` in the new one.";
      };
      startAt = mkOption {
        type = with types; either str (listOf str);
        default = [ ];
        example = "Sun 14:00:00";
        description = ''
          Automatically start this unit at the given date/time, which
          must be in the format described in
          {manpage}`systemd.time(7)`.  This is equivalent
          to adding a corresponding timer unit with
          {option}`OnCalendar` set to the value given here.
        '';
        apply = v: if isList v then v else [ v ];
      };
      notSocketActivated = mkOption {
        type = types.bool;
        default = false;
        description = "If set, a changed unit is restarted even if it is activated by a socket.";
      };
    };
  };

  socketOptions = { ... }: {
    options = {
      listenStreams = unitNameList "For each item in this list, a `ListenStream` option in the `[Socket]` section will be created.";
      listenDatagrams = unitNameList "For each item in this list, a `ListenDatagram` option in the `[Socket]` section will be created.";
      socketConfig = sectionOf "Socket";
    };
  };

  timerOptions = { ... }: {
    options.timerConfig = sectionOf "Timer";
  };

  pathOptions = { ... }: {
    options.pathConfig = sectionOf "Path";
  };

  mountOptions = { config, ... }: {
    options = {
      what = mkOption {
        example = "/dev/sda1";
        type = types.str;
        description = "Absolute path of device node, file or other resource. (Mandatory)";
      };
      where = mkOption {
        example = "/mnt";
        type = types.str;
        description = "Absolute path of a directory of the mount point. Will be created if it doesn't exist. (Mandatory)";
      };
      type = mkOption {
        default = "";
        example = "ext4";
        type = types.str;
        description = "File system type.";
      };
      options = mkOption {
        default = "";
        example = "noatime";
        type = types.commas;
        description = "Options used to mount the file system.";
      };
      mountConfig = sectionOf "Mount";
    };
  };

  automountOptions = { ... }: {
    options = {
      where = mkOption {
        example = "/mnt";
        type = types.str;
        description = "Absolute path of a directory of the mount point.";
      };
      automountConfig = sectionOf "Automount";
    };
  };

  sliceOptions = { ... }: {
    options.sliceConfig = sectionOf "Slice";
  };
}
