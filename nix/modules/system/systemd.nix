# systemd.services/sockets/timers/targets/paths/mounts/automounts/slices and
# the unit directory they make, /etc/systemd/system (nixpkgs'
# nixos/modules/system/boot/systemd.nix). A service's script/preStart/…
# become store scripts in Exec* lines; startAt adds a timer; wantedBy and
# requiredBy become .wants/ and .requires/ links; a disabled unit is a link
# to /dev/null, as NixOS makes it.
{ config, lib, pkgs, utils, ... }:
with lib;
let
  cfg = config.systemd;
  unitOptions = import ./systemd/unit-options.nix { inherit lib; };
  unitText = import ./systemd/unit-text.nix { inherit lib; };

  optionalPkgs = names: concatMap (n: optional (pkgs ? ${n}) pkgs.${n}) names;

  shellEscape = s: replaceStrings [ "\\" ] [ "\\\\" ] s;

  makeJobScript = name: text:
    let
      scriptName = replaceStrings [ "\\" "@" ] [ "-" "_" ] (shellEscape name);
      out = pkgs.writeTextFile {
        name = "unit-script-${scriptName}";
        executable = true;
        destination = "/bin/${scriptName}";
        text = ''
          #!${pkgs.runtimeShell}
          set -e
          ${text}
        '';
      };
    in
    "${out}/bin/${scriptName}";

  # What the service options stand for in [Service] (systemd-lib's serviceConfig).
  serviceConfig = { name, config, ... }: {
    config = mkMerge [
      {
        path = mkAfter (optionalPkgs [ "coreutils" "findutils" "gnugrep" "gnused" ] ++ optional (cfg.package != null) cfg.package);
        environment.PATH = "${makeBinPath config.path}:${makeSearchPathOutput "bin" "sbin" config.path}";
      }
      (mkIf (config.script != "") {
        serviceConfig.ExecStart = makeJobScript "${name}-start" config.script + " " + config.scriptArgs;
      })
      (mkIf (config.preStart != "") {
        serviceConfig.ExecStartPre = [ (makeJobScript "${name}-pre-start" config.preStart) ];
      })
      (mkIf (config.postStart != "") {
        serviceConfig.ExecStartPost = [ (makeJobScript "${name}-post-start" config.postStart) ];
      })
      (mkIf (config.reload != "") {
        serviceConfig.ExecReload = makeJobScript "${name}-reload" config.reload;
      })
      (mkIf (config.preStop != "") {
        serviceConfig.ExecStop = makeJobScript "${name}-pre-stop" config.preStop;
      })
      (mkIf (config.postStop != "") {
        serviceConfig.ExecStopPost = makeJobScript "${name}-post-stop" config.postStop;
      })
    ];
  };

  unitsOf = extra: types.attrsOf (types.submodule ([ unitOptions.commonUnitOptions ] ++ extra));

  mountUnitsOf = extra: types.listOf (types.submodule ([ unitOptions.commonUnitOptions ] ++ extra));

  enabled = filterAttrs (_: u: u.enable);

  unitEntry = name: def: text: {
    inherit text;
    inherit (def) enable wantedBy requiredBy aliases;
  };

  mountName = m: "${utils.escapeSystemdPath m.where}.mount";
  automountName = m: "${utils.escapeSystemdPath m.where}.automount";

  # Units → one directory: the unit files, .wants/.requires links, aliases.
  unitDir = pkgs.runCommand "system-units" { preferLocalBuild = true; } ''
    set -eu
    mkdir -p "$out"
    ${concatStrings (mapAttrsToList (name: u:
      if u.enable then ''
        cp ${escapeShellArg "${pkgs.writeText (replaceStrings [ "@" "\\" ] [ "_" "-" ] name) u.text}"} "$out"/${escapeShellArg name}
        ${concatMapStrings (w: ''
          mkdir -p "$out"/${escapeShellArg "${w}.wants"}
          ln -sfn ../${escapeShellArg name} "$out"/${escapeShellArg "${w}.wants/${name}"}
        '') u.wantedBy}
        ${concatMapStrings (r: ''
          mkdir -p "$out"/${escapeShellArg "${r}.requires"}
          ln -sfn ../${escapeShellArg name} "$out"/${escapeShellArg "${r}.requires/${name}"}
        '') u.requiredBy}
        ${concatMapStrings (a: ''
          ln -sfn ${escapeShellArg name} "$out"/${escapeShellArg a}
        '') u.aliases}
      '' else ''
        ln -sfn /dev/null "$out"/${escapeShellArg name}
      '') cfg.units)}
    ${optionalString (cfg.defaultUnit != null) ''
      ln -sfn ${escapeShellArg cfg.defaultUnit} "$out"/default.target
    ''}
  '';

  secretName = n: builtins.match ".*(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL).*" (toUpper n) != null;

  secretWarnings = concatLists (mapAttrsToList (svc: def:
    map (n: "systemd.services.${svc}.environment.${n} looks like a secret: its value is written into the world-readable Nix store (the unit file). Read it at run time instead (serviceConfig.EnvironmentFile or LoadCredential).")
      (filter (n: secretName n && def.environment.${n} != null && def.environment.${n} != "") (attrNames def.environment)))
    (enabled cfg.services));
in
{
  options.systemd = {
    package = mkOption {
      type = types.nullOr types.package;
      default = pkgs.systemd or null;
      defaultText = literalExpression "pkgs.systemd";
      description = "The systemd package (null: the system's own systemd, for a container host).";
    };

    defaultUnit = mkOption {
      type = types.nullOr types.str;
      default = if cfg.package != null then "multi-user.target" else null;
      description = "Default unit started when the system boots (null: the package's default.target).";
    };

    units = mkOption {
      internal = true;
      default = { };
      type = types.attrsOf (types.submodule {
        options = {
          text = mkOption { type = types.str; description = "Text of this systemd unit."; };
          enable = mkOption { type = types.bool; default = true; description = "Whether the unit is enabled (otherwise it links to /dev/null)."; };
          wantedBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Units that want this unit."; };
          requiredBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Units that require this unit."; };
          aliases = mkOption { type = types.listOf types.str; default = [ ]; description = "Aliases of this unit."; };
        };
      });
      description = "Definition of systemd units, by file name (with suffix).";
    };

    services = mkOption {
      default = { };
      type = unitsOf [ unitOptions.serviceOptions serviceConfig ];
      description = "Definition of systemd service units.";
    };
    sockets = mkOption {
      default = { };
      type = unitsOf [ unitOptions.socketOptions ];
      description = "Definition of systemd socket units.";
    };
    timers = mkOption {
      default = { };
      type = unitsOf [ unitOptions.timerOptions ];
      description = "Definition of systemd timer units.";
    };
    targets = mkOption {
      default = { };
      type = unitsOf [ ];
      description = "Definition of systemd target units.";
    };
    paths = mkOption {
      default = { };
      type = unitsOf [ unitOptions.pathOptions ];
      description = "Definition of systemd path units.";
    };
    slices = mkOption {
      default = { };
      type = unitsOf [ unitOptions.sliceOptions ];
      description = "Definition of slice configurations.";
    };
    mounts = mkOption {
      default = [ ];
      type = mountUnitsOf [ unitOptions.mountOptions ];
      description = "Definition of systemd mount units. This is a list instead of an attrSet, because systemd mandates the names to be derived from the `where` attribute.";
    };
    automounts = mkOption {
      default = [ ];
      type = mountUnitsOf [ unitOptions.automountOptions ];
      description = "Definition of systemd automount units. This is a list instead of an attrSet, because systemd mandates the names to be derived from the `where` attribute.";
    };

    globalEnvironment = mkOption {
      type = with types; attrsOf (nullOr (oneOf [ str path package ]));
      default = { };
      example = { TZ = "CET"; };
      description = "Environment variables passed to *all* systemd units.";
    };
  };

  config = {
    systemd.timers = mapAttrs (name: service: {
      wantedBy = [ "timers.target" ];
      timerConfig.OnCalendar = service.startAt;
    }) (filterAttrs (name: service: service.enable && service.startAt != [ ]) cfg.services);

    systemd.units =
      mapAttrs' (n: v: nameValuePair "${n}.service" (unitEntry n v (unitText.serviceText n cfg.globalEnvironment v))) cfg.services
      // mapAttrs' (n: v: nameValuePair "${n}.socket" (unitEntry n v (unitText.socketText v))) cfg.sockets
      // mapAttrs' (n: v: nameValuePair "${n}.timer" (unitEntry n v (unitText.timerText v))) cfg.timers
      // mapAttrs' (n: v: nameValuePair "${n}.target" (unitEntry n v (unitText.targetText v))) cfg.targets
      // mapAttrs' (n: v: nameValuePair "${n}.path" (unitEntry n v (unitText.pathText v))) cfg.paths
      // mapAttrs' (n: v: nameValuePair "${n}.slice" (unitEntry n v (unitText.sliceText v))) cfg.slices
      // listToAttrs (map (v: nameValuePair (mountName v) (unitEntry (mountName v) v (unitText.mountText v))) cfg.mounts)
      // listToAttrs (map (v: nameValuePair (automountName v) (unitEntry (automountName v) v (unitText.automountText v))) cfg.automounts);

    environment.etc."systemd/system".source = unitDir;

    system.build.units = unitDir;

    warnings = secretWarnings;
  };
}
