# users.users, users.groups, users.mutableUsers (nixpkgs'
# nixos/modules/config/users-groups.nix) and the `users` activation snippet,
# which writes /etc/passwd, /etc/group and /etc/shadow from the declared
# database: ids allocated as update-users-groups.pl does, kept across
# generations in /var/lib/nixos (update-users-groups.awk), every password
# hash read from its file at activation time so no secret enters the store.
{ config, lib, pkgs, utils, ... }:
with lib;
let
  cfg = config.users;
  ids = import ../../os/allocate-ids.nix { inherit lib; };

  passwdEntry = types.passwdEntry or (t: types.addCheck t (v: !(hasInfix ":" v || hasInfix "\n" v)));

  userOpts = { name, config, ... }: {
    imports = [
      (mkRenamedOptionModule [ "passwordFile" ] [ "hashedPasswordFile" ])
    ];
    options = {
      name = mkOption {
        type = passwdEntry types.str;
        apply = x: assert (stringLength x < 32 || abort "Username '${x}' is longer than 31 characters which is not allowed!"); x;
        description = "The name of the user account. If undefined, the name of the attribute set will be used.";
      };
      description = mkOption {
        type = passwdEntry types.str;
        default = "";
        example = "Alice Q. User";
        description = "A short description of the user account, typically the user's full name.";
      };
      uid = mkOption {
        type = with types; nullOr int;
        default = null;
        description = "The account UID. If the UID is null, a free UID is picked on activation.";
      };
      isSystemUser = mkOption {
        type = types.bool;
        default = false;
        description = "Indicates if the user is a system user or not. This option only has an effect if {option}`uid` is {option}`null`, in which case it determines whether the user's UID is allocated in the range for system users (below 1000) or in the range for normal users (starting at 1000).";
      };
      isNormalUser = mkOption {
        type = types.bool;
        default = false;
        description = "Indicates whether this is an account for a “real” user. This automatically sets {option}`group` to `users`, {option}`createHome` to `true`, {option}`home` to {file}`/home/«username»`, {option}`useDefaultShell` to `true`, and {option}`isSystemUser` to `false`.";
      };
      group = mkOption {
        type = types.str;
        apply = x: assert (stringLength x < 32 || abort "Group name '${x}' is longer than 31 characters which is not allowed!"); x;
        default = "";
        description = "The user's primary group.";
      };
      extraGroups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "The user's auxiliary groups.";
      };
      home = mkOption {
        type = passwdEntry types.path;
        default = "/var/empty";
        description = "The user's home directory.";
      };
      homeMode = mkOption {
        type = types.strMatching "[0-7]{1,5}";
        default = "700";
        description = "If {option}`createHome` is true, the mode of the home directory is set to this.";
      };
      createHome = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to create the home directory and ensure ownership as well as permissions to match the user.";
      };
      useDefaultShell = mkOption {
        type = types.bool;
        default = false;
        description = "If true, the user's shell will be set to {option}`users.defaultUserShell`.";
      };
      shell = mkOption {
        type = types.nullOr (types.either types.shellPackage (passwdEntry types.path));
        default = pkgs.shadow or "/run/current-system/sw/bin/nologin";
        defaultText = literalExpression "pkgs.shadow";
        example = literalExpression "pkgs.bashInteractive";
        description = "The path to the user's shell. Can use shell derivations, like `pkgs.bashInteractive`.";
      };
      packages = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "The set of packages that should be made available to the user.";
      };
      hashedPassword = mkOption {
        type = with types; nullOr (passwdEntry str);
        default = null;
        description = "Specifies the hashed password for the user. It lands in the store; prefer {option}`hashedPasswordFile`.";
      };
      password = mkOption {
        type = with types; nullOr str;
        default = null;
        description = "Specifies the (clear text) password for the user. Warning: it lands in the Nix store.";
      };
      hashedPasswordFile = mkOption {
        type = with types; nullOr str;
        default = null;
        description = "The full path to a file that contains the hash of the user's password, read at activation time (it never enters the store).";
      };
      initialHashedPassword = mkOption {
        type = with types; nullOr (passwdEntry str);
        default = null;
        description = "Specifies the initial hashed password for the user, i.e. the hashed password assigned if the user does not already exist.";
      };
      initialPassword = mkOption {
        type = with types; nullOr str;
        default = null;
        description = "Specifies the initial password for the user, i.e. the password assigned if the user does not already exist. It is hashed at activation time.";
      };
      expires = mkOption {
        type = types.nullOr (types.strMatching "[[:digit:]]{4}-[[:digit:]]{2}-[[:digit:]]{2}");
        default = null;
        description = "Set the date on which the user's account will no longer be accessible (YYYY-MM-DD).";
      };
      linger = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to enable lingering for this user.";
      };
    };
    config = mkMerge [
      {
        name = mkDefault name;
        shell = mkIf config.useDefaultShell (mkDefault cfg.defaultUserShell);
      }
      (mkIf config.isNormalUser {
        group = mkDefault "users";
        createHome = mkDefault true;
        home = mkDefault "/home/${config.name}";
        homeMode = mkDefault "700";
        useDefaultShell = mkDefault true;
        isSystemUser = mkDefault false;
      })
    ];
  };

  groupOpts = { name, ... }: {
    options = {
      name = mkOption {
        type = passwdEntry types.str;
        description = "The name of the group. If undefined, the name of the attribute set will be used.";
      };
      gid = mkOption {
        type = with types; nullOr int;
        default = null;
        description = "The group GID. If the GID is null, a free GID is picked on activation.";
      };
      members = mkOption {
        type = with types; listOf (passwdEntry str);
        default = [ ];
        description = "The user names of the group members, added to the `/etc/group` file.";
      };
    };
    config.name = mkDefault name;
  };

  users = attrValues cfg.users;
  groups = attrValues cfg.groups;


  # The database as a fresh system gets it (etc/passwd and etc/group of the
  # toplevel: the declared state, for tools and reviews; activation does not
  # install these, update-users-groups writes /etc with the ids earlier
  # generations remembered).
  gidOf = ids.allocate { entries = map (g: { inherit (g) name; id = g.gid; system = true; }) groups; };
  uidOf = ids.allocate { entries = map (u: { inherit (u) name; id = u.uid; system = u.isSystemUser; }) users; };

  membersOf = g: sort lessThan (unique (g.members ++ map (u: u.name) (filter (u: elem g.name u.extraGroups) users)));

  shellOf = u: if u.shell == null then "/run/current-system/sw/bin/nologin" else utils.toShellPath u.shell;

  userGid = u: gidOf.${u.group} or 65534;

  passwd = concatMapStrings
    (u: "${u.name}:x:${toString uidOf.${u.name}}:${toString (userGid u)}:${u.description}:${u.home}:${shellOf u}\n")
    (sort (a: b: uidOf.${a.name} < uidOf.${b.name}) users);

  group = concatMapStrings
    (g: "${g.name}:x:${toString gidOf.${g.name}}:${concatStringsSep "," (membersOf g)}\n")
    (sort (a: b: gidOf.${a.name} < gidOf.${b.name}) groups);


  # One line per user for the activation script: name, then how the hash is
  # found (file:PATH, hash:HASH, plain:PASSWORD, none).
  passwordSpec = u:
    if u.hashedPasswordFile != null then [ u.name "file" u.hashedPasswordFile ]
    else if u.hashedPassword != null then [ u.name "hash" u.hashedPassword ]
    else if u.password != null then [ u.name "plain" u.password ]
    else if u.initialHashedPassword != null then [ u.name "hash" u.initialHashedPassword ]
    else if u.initialPassword != null then [ u.name "plain" u.initialPassword ]
    else [ u.name "none" "" ];

  # The declared database for update-users-groups.awk (ids are allocated at
  # activation, where the ids of earlier generations are known).
  spec = pkgs.writeText "users-groups-spec" (
    concatMapStrings (g: "g:${g.name}:${optionalString (g.gid != null) (toString g.gid)}:${concatStringsSep "," (membersOf g)}\n") groups
    + concatMapStrings (u: "u:${u.name}:${optionalString (u.uid != null) (toString u.uid)}:${if u.isSystemUser then "1" else "0"}:${u.group}:${u.description}:${u.home}:${shellOf u}\n") users);

  declaredNames = " ${concatMapStringsSep " " (u: u.name) users} ";

  updateUsersGroups = pkgs.writeTextFile {
    name = "update-users-groups";
    executable = true;
    destination = "/bin/update-users-groups";
    text = ''
      #!${pkgs.runtimeShell}
      # update-users-groups [ROOT]: the declared user database into ROOT/etc
      # (passwd, group; shadow with the hashes read now, mode 0640 root:shadow),
      # each written to a temporary name and renamed; home directories created.
      # Ids follow update-users-groups.pl: kept from the current files and
      # remembered in ROOT/var/lib/nixos/{uid,gid}-map across generations
      # (update-users-groups.awk). With users.mutableUsers = false only the
      # declared users and groups are written.
      set -eu
      root="''${1:-}"
      state="$root/var/lib/nixos"
      umask 0077
      mkdir -p "$root/etc"
      mkdir -m 0755 -p "$state"
      hashOf() {
        case "$2" in
          file)
            if [ -e "$3" ]; then head -n1 "$3" | tr -d '\n'
            else echo "warning: password file ‘$3’ does not exist" >&2; printf '!'; fi ;;
          hash) printf '%s' "$3" ;;
          plain)
            if command -v mkpasswd >/dev/null 2>&1; then printf '%s' "$3" | mkpasswd -m sha-512 -s 2>/dev/null || printf '%s' "$3" | mkpasswd -m sha512 -s
            else printf '%s\n' "$3" | openssl passwd -6 -stdin; fi ;;
          *) printf '!' ;;
        esac
      }
      new=$(mktemp -d "$root/etc/.users.XXXXXX")
      trap 'rm -rf "$new"' EXIT
      awk -v spec=${spec} -v passwd="$root/etc/passwd" -v group="$root/etc/group" \
        -v uidmapFile="$state/uid-map" -v gidmapFile="$state/gid-map" \
        -v declUFile="$state/declarative-users" -v declGFile="$state/declarative-groups" \
        -v mutable=${if cfg.mutableUsers then "1" else "0"} -v out="$new" \
        -f ${./update-users-groups.awk}
      sort -t: -k3,3n "$new/passwd" > "$root/etc/.passwd.tmp"
      sort -t: -k3,3n "$new/group" > "$root/etc/.group.tmp"
      : > "$root/etc/.shadow.tmp"
      ${concatMapStrings (u: ''
        printf '%s:%s:1::::::\n' ${escapeShellArg u.name} "$(hashOf ${escapeShellArgs (passwordSpec u)})" >> "$root/etc/.shadow.tmp"
      '') users}
      # Undeclared users a mutable system keeps keep their shadow lines.
      if [ -f "$root/etc/shadow" ]; then
        awk -F: -v decl=${escapeShellArg declaredNames} 'NR == FNR { keep[$1] = 1; next }
          ($1 in keep) && index(decl, " " $1 " ") == 0' "$new/passwd" "$root/etc/shadow" >> "$root/etc/.shadow.tmp"
      fi
      chmod 0644 "$root/etc/.passwd.tmp" "$root/etc/.group.tmp"
      chmod 0640 "$root/etc/.shadow.tmp"
      shadowGid=$(awk -F: '$1 == "shadow" { print $3 }' "$root/etc/.group.tmp")
      if [ -n "$shadowGid" ]; then chown "0:$shadowGid" "$root/etc/.shadow.tmp" 2>/dev/null || true; fi
      mv -f "$root/etc/.passwd.tmp" "$root/etc/passwd"
      mv -f "$root/etc/.group.tmp" "$root/etc/group"
      mv -f "$root/etc/.shadow.tmp" "$root/etc/shadow"
      for f in uid-map gid-map declarative-users declarative-groups; do
        chmod 0644 "$new/$f"
        mv -f "$new/$f" "$state/$f"
      done
      ${concatMapStrings (u: optionalString u.createHome ''
        if [ ! -e "$root"${escapeShellArg u.home} ]; then
          mkdir -p "$root"${escapeShellArg u.home}
          owner=$(awk -F: -v n=${escapeShellArg u.name} '$1 == n { print $3 ":" $4 }' "$root/etc/passwd")
          chown "$owner" "$root"${escapeShellArg u.home} 2>/dev/null || true
        fi
        chmod ${u.homeMode} "$root"${escapeShellArg u.home}
      '') users}
    '';
  };

  uidsAreUnique = length (unique (filter (i: i != null) (map (u: u.uid) users))) == length (filter (u: u.uid != null) users);
  gidsAreUnique = length (unique (filter (i: i != null) (map (g: g.gid) groups))) == length (filter (g: g.gid != null) groups);
in
{
  options.users = {
    mutableUsers = mkOption {
      type = types.bool;
      default = true;
      description = ''
        If set to `true`, you are free to add new users and groups to the system
        with the ordinary `useradd` and
        `groupadd` commands. On system activation, the
        existing contents of the `/etc/passwd` and
        `/etc/group` files will be merged with the
        contents generated from the `users.users` and
        `users.groups` options.
        If set to `false`, the contents of the user and
        group files will simply be replaced on system activation.
      '';
    };
    enforceIdUniqueness = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to require that no two users/groups share the same uid/gid.";
    };
    users = mkOption {
      default = { };
      type = with types; attrsOf (submodule userOpts);
      example = { alice = { uid = 1234; description = "Alice Q. User"; home = "/home/alice"; createHome = true; group = "users"; extraGroups = [ "wheel" ]; shell = "/bin/sh"; }; };
      description = "Additional user accounts to be created automatically by the system.";
    };
    groups = mkOption {
      default = { };
      example = { students.gid = 1001; hackers = { }; };
      type = with types; attrsOf (submodule groupOpts);
      description = "Additional groups to be created automatically by the system.";
    };
    defaultUserShell = mkOption {
      type = types.either types.path types.shellPackage;
      default = pkgs.bashInteractive or "/run/current-system/sw/bin/bash";
      defaultText = literalExpression "pkgs.bashInteractive";
      description = "This option defines the default shell assigned to user accounts.";
    };
  };

  config = {
    users.users = {
      root = {
        uid = config.ids.uids.root;
        description = "System administrator";
        home = "/root";
        shell = mkDefault cfg.defaultUserShell;
        group = "root";
      };
      nobody = {
        uid = config.ids.uids.nobody;
        isSystemUser = true;
        description = "Unprivileged account (don't use!)";
        group = "nogroup";
      };
    };

    users.groups = genAttrs [
      "root" "wheel" "disk" "kmem" "tty" "floppy" "uucp" "lp" "cdrom" "tape" "audio" "video"
      "dialout" "nogroup" "users" "utmp" "adm" "input" "kvm" "render" "sgx" "shadow"
    ] (n: { gid = config.ids.gids.${n}; });

    # shadow's programs (nologin, the shell of system users, passwd, su) in
    # the system path, as NixOS's programs/shadow.nix puts them there.
    environment.systemPackages = optional (pkgs ? shadow) pkgs.shadow;

    # In the toplevel's etc/, not installed by activation (the etc snippet
    # leaves system.build.etcUnmanaged alone): /etc/passwd and /etc/group
    # are update-users-groups' files, with the ids of earlier generations.
    environment.etc.passwd.source = pkgs.writeText "passwd" passwd;
    environment.etc.group.source = pkgs.writeText "group" group;
    system.build.etcUnmanaged = [ "passwd" "group" "shadow" ];

    system.build.updateUsersGroups = updateUsersGroups;

    system.activationScripts.users = {
      deps = [ ];
      text = ''
        ${updateUsersGroups}/bin/update-users-groups
      '';
    };

    # For backwards compatibility (NixOS): snippets that name "groups" in
    # their deps (nix-community/impermanence) run after the users snippet.
    system.activationScripts.groups = stringAfter [ "users" ] "";

    assertions = [
      { assertion = !cfg.enforceIdUniqueness || (uidsAreUnique && gidsAreUnique);
        message = "UIDs and GIDs must be unique!"; }
    ] ++ flatten (flip mapAttrsToList cfg.users (name: user: [
      { assertion = (user.hashedPassword != null) -> (builtins.match ".*:.*" user.hashedPassword == null);
        message = ''
          The password hash of user "${user.name}" contains a ":" character.
          This is invalid and would break the login system because the fields
          of /etc/shadow (file where hashes are stored) are colon-separated.
          Please check the value of option `users.users."${user.name}".hashedPassword`.''; }
      { assertion = let isEffectivelySystemUser = user.isSystemUser || (user.uid != null && user.uid < 1000); in xor isEffectivelySystemUser user.isNormalUser;
        message = ''
          Exactly one of users.users.${user.name}.isSystemUser and users.users.${user.name}.isNormalUser must be set.
        ''; }
      { assertion = user.group != "";
        message = ''
          users.users.${user.name}.group is unset. This used to default to
          nogroup, but this is unsafe. For example you can create a group
          for this user with:
          users.users.${user.name}.group = "${user.name}";
          users.groups.${user.name} = {};
        ''; }
    ]));

    warnings = flatten (flip mapAttrsToList cfg.users (name: user:
      optional (user.password != null)
        "users.users.${name}.password puts a clear-text password into the world-readable Nix store; use users.users.${name}.hashedPasswordFile."
      ++ optional (user.group != "" && !(cfg.groups ? ${user.group}))
        "users.users.${name}.group is ‘${user.group}’, which is not declared in users.groups; the user gets gid 65534."));
  };
}
