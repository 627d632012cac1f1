# From evaluated unit options to unit files (nixpkgs' nixos/lib/systemd-lib.nix):
# the common [Unit] keys from the dependency lists, then each unit type's own
# section; every key of unitConfig/serviceConfig/… is written as given, a list
# as one line per element.
{ lib }:
with lib;
rec {
  toOption = x:
    if x == true then "true"
    else if x == false then "false"
    else toString x;

  attrsToSection = as:
    concatStrings (concatLists (mapAttrsToList
      (name: value: map (x: "${name}=${toOption x}\n") (if isList value then value else [ value ]))
      as));

  # The [Unit] keys the dependency options stand for, NixOS's order of merging.
  unitSection = def:
    let nonEmpty = key: list: optionalAttrs (list != [ ]) { ${key} = toString list; };
    in
    nonEmpty "Requires" def.requires
    // nonEmpty "Wants" def.wants
    // nonEmpty "Upholds" def.upholds
    // nonEmpty "After" def.after
    // nonEmpty "Before" def.before
    // nonEmpty "BindsTo" def.bindsTo
    // nonEmpty "PartOf" def.partOf
    // nonEmpty "Conflicts" def.conflicts
    // nonEmpty "Requisite" def.requisite
    // optionalAttrs (def.description != "") { Description = def.description; }
    // nonEmpty "Documentation" def.documentation
    // nonEmpty "OnFailure" def.onFailure
    // nonEmpty "OnSuccess" def.onSuccess
    // optionalAttrs (def.startLimitIntervalSec != null) { StartLimitIntervalSec = toString def.startLimitIntervalSec; }
    // optionalAttrs (def.startLimitBurst != null) { StartLimitBurst = toString def.startLimitBurst; }
    // def.unitConfig;

  commonUnitText = def: ''
    [Unit]
    ${attrsToSection (unitSection def)}
  '';

  environmentLines = name: env:
    concatMapStrings (n:
      let s = optionalString (env.${n} != null) "Environment=${builtins.toJSON "${n}=${env.${n}}"}\n";
      in if stringLength s >= 1048576
        then throw "The value of the environment variable ‘${n}’ in systemd service ‘${name}.service’ is too long."
        else s)
      (attrNames env);

  serviceText = name: globalEnvironment: def: commonUnitText def + ''
    [Service]
    ${environmentLines name (globalEnvironment // def.environment)}
    ${if def.reloadIfChanged then "X-ReloadIfChanged=true\n"
      else if !def.restartIfChanged then "X-RestartIfChanged=false\n"
      else ""}
    ${optionalString (!def.stopIfChanged) "X-StopIfChanged=false"}
    ${attrsToSection def.serviceConfig}
  '';

  socketText = def: commonUnitText def + ''
    [Socket]
    ${attrsToSection def.socketConfig}
    ${concatStringsSep "\n" (map (s: "ListenStream=${s}") def.listenStreams)}
    ${concatStringsSep "\n" (map (s: "ListenDatagram=${s}") def.listenDatagrams)}
  '';

  timerText = def: commonUnitText def + ''
    [Timer]
    ${attrsToSection def.timerConfig}
  '';

  pathText = def: commonUnitText def + ''
    [Path]
    ${attrsToSection def.pathConfig}
  '';

  mountText = def: commonUnitText def + ''
    [Mount]
    ${attrsToSection ({ What = def.what; Where = def.where; }
      // optionalAttrs (def.type != "") { Type = def.type; }
      // optionalAttrs (def.options != "") { Options = def.options; }
      // def.mountConfig)}
  '';

  automountText = def: commonUnitText def + ''
    [Automount]
    ${attrsToSection ({ Where = def.where; } // def.automountConfig)}
  '';

  sliceText = def: commonUnitText def + ''
    [Slice]
    ${attrsToSection def.sliceConfig}
  '';

  targetText = commonUnitText;
}
