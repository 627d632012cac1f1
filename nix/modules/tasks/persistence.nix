# environment.persistence: Bastion's built-in impermanence — state kept on
# a persistent volume and put back at its place on an ephemeral root, with
# nix-community/impermanence's option names and semantics: each listed
# directory is a bind mount (fileSystems) of <root><dir> on <dir>; each
# listed file is bind-mounted from <root><file> when it exists there, else
# linked to it (it appears once written); the directories, their parents
# and the parents of files are made at activation on both sides with the
# persistent copy's owner and mode (created with the declared ones when
# missing). Users' entries are relative to their home.
#
# Importing the community module (its nixos.nix) replaces this one:
# nix/os/eval-config.nix leaves this module out when another module
# declares environment.persistence.
{ config, lib, ... }:
with lib;
let
  osConfig = config;
  cfg = config.environment.persistence;

  # [ "/home/user/" "/.screenrc" ] → "/home/user/.screenrc"; relative stays relative.
  concatPaths = parts:
    (optionalString (hasPrefix "/" (head parts)) "/")
    + concatStringsSep "/" (filter (s: s != "") (concatMap (splitString "/") parts));

  # "/a/b/c" → [ "/a" "/a/b" ]; "a/b/c" → [ "a" "a/b" ].
  parentsOf = path:
    let
      prefix = optionalString (hasPrefix "/" path) "/";
      parts = filter (s: s != "") (splitString "/" path);
    in
    genList (i: prefix + concatStringsSep "/" (take (i + 1) parts)) (max 0 (length parts - 1));

  duplicates = list: unique (filter (x: count (y: y == x) list > 1) list);

  permOptions = defaults: {
    user = mkOption {
      type = types.str;
      default = defaults.user;
      description = ''
        If the directory doesn't exist in persistent storage it will be
        created and owned by the user specified by this option.
      '';
    };
    group = mkOption {
      type = types.str;
      default = defaults.group;
      description = ''
        If the directory doesn't exist in persistent storage it will be
        created and owned by the group specified by this option.
      '';
    };
    mode = mkOption {
      type = types.str;
      default = defaults.mode;
      example = "0700";
      description = ''
        If the directory doesn't exist in persistent storage it will be
        created with the mode specified by this option.
      '';
    };
  };

  dirType = defaults: hideMounts: types.coercedTo types.str (d: { directory = d; }) (types.submodule {
    options = permOptions defaults // {
      directory = mkOption {
        type = types.str;
        description = "The path to the directory.";
      };
      hideMount = mkOption {
        type = types.bool;
        default = hideMounts;
        defaultText = "environment.persistence.‹name›.hideMounts";
        example = true;
        description = "Whether to hide bind mounts from showing up as mounted drives.";
      };
    };
  });

  fileType = defaults: types.coercedTo types.str (f: { file = f; }) (types.submodule {
    options = {
      file = mkOption {
        type = types.str;
        description = "The path to the file.";
      };
      parentDirectory = permOptions defaults;
    };
  });

  rootDefaults = { user = "root"; group = "root"; mode = "0755"; };

  userSubmodule = hideMounts: { name, ... }:
    let
      defaults = {
        user = name;
        group = osConfig.users.users.${name}.group;
        mode = "0755";
      };
    in
    {
      options = {
        home = mkOption {
          type = types.path;
          default = "/home/${name}";
          defaultText = "/home/<username>";
          description = ''
            The user's home directory. Only useful for users with a custom
            home directory path.
          '';
        };
        files = mkOption {
          type = types.listOf (fileType defaults);
          default = [ ];
          example = [ ".screenrc" ];
          description = "Files that should be stored in persistent storage.";
        };
        directories = mkOption {
          type = types.listOf (dirType defaults hideMounts);
          default = [ ];
          example = [ "Downloads" "Music" "Pictures" "Documents" "Videos" ];
          description = "Directories to bind mount to persistent storage.";
        };
      };
    };

  rootSubmodule = { name, config, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether to enable this persistent storage location.";
      };
      persistentStoragePath = mkOption {
        type = types.path;
        default = name;
        defaultText = "‹name›";
        description = ''
          The path to persistent storage where the real files and
          directories should be stored.
        '';
      };
      hideMounts = mkOption {
        type = types.bool;
        default = false;
        example = true;
        description = "Whether to hide bind mounts from showing up as mounted drives.";
      };
      enableDebugging = mkOption {
        type = types.bool;
        default = false;
        internal = true;
        description = "Enable debug trace output when running scripts.";
      };
      enableWarnings = mkOption {
        type = types.bool;
        default = true;
        description = "Enable non-critical warnings.";
      };
      directories = mkOption {
        type = types.listOf (dirType rootDefaults config.hideMounts);
        default = [ ];
        example = [ "/var/log" "/var/lib/bluetooth" "/var/lib/nixos" "/etc/NetworkManager/system-connections" ];
        description = "Directories to bind mount to persistent storage.";
      };
      files = mkOption {
        type = types.listOf (fileType rootDefaults);
        default = [ ];
        example = [ "/etc/machine-id" "/etc/nix/id_rsa" ];
        description = "Files that should be stored in persistent storage.";
      };
      users = mkOption {
        type = types.attrsOf (types.submodule (userSubmodule config.hideMounts));
        default = { };
        description = ''
          A set of user submodules listing the files and directories to
          link to their respective user's home directories. Each attribute
          name should be the name of the user.
        '';
      };
    };
  };

  roots = filter (r: r.enable) (attrValues cfg);

  # Every directory and file, flattened, with where it lives.
  directories = concatMap
    (r:
      map (d: d // { root = r.persistentStoragePath; owner = null; home = null; dirPath = d.directory; defaults = rootDefaults; }) r.directories
      ++ concatLists (mapAttrsToList
        (uname: u: map
          (d: d // {
            root = r.persistentStoragePath;
            owner = uname;
            inherit (u) home;
            dirPath = concatPaths [ u.home d.directory ];
            defaults = { user = uname; group = osConfig.users.users.${uname}.group; mode = "0755"; };
          })
          u.directories)
        r.users))
    roots;

  files = concatMap
    (r:
      map (f: f // { root = r.persistentStoragePath; owner = null; home = null; filePath = f.file; }) r.files
      ++ concatLists (mapAttrsToList
        (uname: u: map (f: f // { root = r.persistentStoragePath; owner = uname; inherit (u) home; filePath = concatPaths [ u.home f.file ]; }) u.files)
        r.users))
    roots;

  # The directories to make, in order: the parents of home directories,
  # the home directories (0700, the user's), the parents of the listed
  # directories and of files (default permissions), then the listed ones.
  dirEntry = root: home: path: perms: { inherit root; dirPath = if home != null then concatPaths [ home path ] else path; inherit (perms) user group mode; };

  fileDirs = map
    (f: dirEntry f.root f.home (dirOf f.file) f.parentDirectory)
    files;

  homeDirs = unique (map
    (e: { inherit (e) root; dirPath = e.home; user = e.owner; group = osConfig.users.users.${e.owner}.group; mode = "0700"; })
    (filter (e: e.home != null) (directories ++ files)));

  parentsFor = d: home: path: perms: map (p: dirEntry d home p perms) (parentsOf path);

  parentDirs = unique (
    concatMap (d: parentsFor d.root null d.dirPath rootDefaults) homeDirs
    ++ concatMap (d: parentsFor d.root d.home d.directory d.defaults) directories
    ++ concatMap (f: parentsFor f.root f.home (dirOf f.file) (if f.home == null then rootDefaults else f.parentDirectory)) files);

  allDirs = unique (parentDirs ++ homeDirs
    ++ map (d: { inherit (d) root dirPath user group mode; }) directories
    ++ fileDirs);

  dirScript = ''
    # Make a directory on the persistent volume (with the declared owner and
    # mode if it is missing) and at its place, then give the latter the
    # owner and mode of the former.
    _persistDir() {
      _src="$1$2"
      if [ ! -d "$_src" ]; then
        echo "Warning: Source directory '$_src' does not exist; it will be created for you with the following permissions: owner: '$3:$4', mode: '$5'." >&2
        mkdir -p "$_src" && chmod "$5" "$_src" && chown "$3:$4" "$_src" || return 1
      fi
      [ -d "$2" ] || mkdir -p "$2" || return 1
      chown "$(stat -c %u:%g "$_src")" "$2" && chmod "$(stat -c %a "$_src")" "$2"
    }
    _persistStatus=0
    ${concatMapStrings (d: ''
      _persistDir ${escapeShellArgs [ d.root d.dirPath d.user d.group d.mode ]} || _persistStatus=1
    '') allDirs}
    if [ "$_persistStatus" != 0 ]; then echo "environment.persistence: some directories could not be made" >&2; fi
  '';

  fileScript = ''
    # Put a persistent file at its place: bind-mounted when it exists on the
    # persistent volume, else a link to where it will be written.
    _persistFile() {
      if [ -L "$1" ] && [ "$(readlink -f "$1")" = "$2" ]; then
        :
      elif mountpoint -q "$1" 2>/dev/null; then
        :
      elif [ -s "$1" ]; then
        echo "A file already exists at $1!" >&2
        return 1
      elif [ -e "$2" ]; then
        touch "$1" && mount -o bind "$2" "$1"
      else
        ln -s "$2" "$1"
      fi
    }
    _persistStatus=0
    ${concatMapStrings (f: ''
      _persistFile ${escapeShellArgs [ f.filePath (concatPaths [ f.root f.filePath ]) ]} || _persistStatus=1
    '') files}
    if [ "$_persistStatus" != 0 ]; then echo "environment.persistence: some files could not be put in place" >&2; fi
  '';

  bindMounts = listToAttrs (map
    (d: nameValuePair (concatPaths [ "/" d.dirPath ]) {
      device = concatPaths [ d.root d.dirPath ];
      noCheck = true;
      options = [ "bind" "X-fstrim.notrim" ] ++ optional d.hideMount "x-gvfs-hide";
      depends = [ d.root ];
    })
    directories);

  # The directories' bind mounts, made at activation when they are not
  # mounted yet: systemd mounts fileSystems on NixOS (and stage 1 those under
  # /var/lib, /var/log), but a system that boots without them (a container's
  # stage 2 with its test hook) or gains a directory at a switch has them
  # too. The options are the merged fileSystems ones — the /srv noexec of a
  # configuration that sets fileSystems."/srv".options is applied with a
  # remount, since a bind mount takes its flags only that way.
  mountScript = ''
    _persistMount() {
      awk -v m="$2" '$2 == m { f = 1 } END { exit !f }' /proc/mounts && return 0
      mount --bind "$1" "$2" || return 1
      [ -z "$3" ] || mount -o "remount,bind,$3" "$2"
    }
    _persistStatus=0
    ${concatMapStrings (d:
      let
        mp = concatPaths [ "/" d.dirPath ];
        fs = config.fileSystems.${mp};
        extra = filter (o: !elem o [ "bind" "defaults" ] && !hasPrefix "X-" o && !hasPrefix "x-" o) fs.options;
      in ''
        _persistMount ${escapeShellArgs [ fs.device mp (concatStringsSep "," extra) ]} || _persistStatus=1
      '') directories}
    if [ $_persistStatus != 0 ]; then _localstatus=1; fi
  '';

  markedNeededForBoot = fs: (config.fileSystems.${fs} or { neededForBoot = true; }).neededForBoot;
  persistentPaths = unique (map (r: r.persistentStoragePath) roots);
  homeMismatches = concatMap
    (r: mapAttrsToList (n: u: "${n}: ${u.home} != ${config.users.users.${n}.home}")
      (filterAttrs (n: u: u.home != config.users.users.${n}.home) r.users))
    roots;
in
{
  options.environment.persistence = mkOption {
    default = { };
    type = types.attrsOf (types.submodule rootSubmodule);
    description = ''
      A set of persistent storage location submodules listing the files
      and directories to link to their respective persistent storage
      location. Each attribute name should be the full path to a
      persistent storage location.
    '';
    example = literalExpression ''
      {
        "/persistent" = {
          directories = [
            "/var/log"
            "/var/lib/nixos"
            { directory = "/var/lib/colord"; user = "colord"; group = "colord"; mode = "u=rwx,g=rx,o="; }
          ];
          files = [
            "/etc/machine-id"
            { file = "/etc/nix/id_rsa"; parentDirectory = { mode = "u=rwx,g=,o="; }; }
          ];
        };
      }
    '';
  };

  config = mkIf (roots != [ ]) {
    fileSystems = bindMounts;

    system.activationScripts.createPersistentStorageDirs = {
      deps = [ "users" "groups" ];
      text = dirScript;
    };
    system.activationScripts.persistMounts = {
      deps = [ "createPersistentStorageDirs" ];
      text = mountScript;
    };
    system.activationScripts.persist-files = {
      deps = [ "createPersistentStorageDirs" "persistMounts" ];
      text = fileScript;
    };

    assertions = [
      {
        assertion = all markedNeededForBoot persistentPaths;
        message = ''
          environment.persistence:
              All filesystems used for persistent storage must
              have the flag neededForBoot set to true.

              Please fix or remove the following paths:
                ${concatStringsSep "\n      " (filter (p: !markedNeededForBoot p) persistentPaths)}
        '';
      }
      {
        assertion = homeMismatches == [ ];
        message = ''
          environment.persistence:
              Users and home doesn't match:
                ${concatStringsSep "\n      " homeMismatches}

              You probably want to set each
              environment.persistence.<path>.users.<user>.home to
              match the respective user's home directory as
              defined by users.users.<user>.home.
        '';
      }
      {
        assertion = duplicates (map (f: f.filePath) files) == [ ];
        message = ''
          environment.persistence:
              The following files were specified two or more
              times:
                ${concatStringsSep "\n      " (duplicates (map (f: f.filePath) files))}
        '';
      }
      {
        assertion = duplicates (map (d: d.dirPath) directories) == [ ];
        message = ''
          environment.persistence:
              The following directories were specified two or more
              times:
                ${concatStringsSep "\n      " (duplicates (map (d: d.dirPath) directories))}
        '';
      }
    ];

    warnings =
      let
        usersWithoutUid = attrNames (filterAttrs (n: u: u.uid == null) config.users.users);
        groupsWithoutGid = attrNames (filterAttrs (n: g: g.gid == null) config.users.groups);
        varDirs = parentsOf "/var/lib/nixos" ++ [ "/var/lib/nixos" ];
        varLibNixosPersisted = intersectLists varDirs (map (d: d.dirPath) directories) != [ ];
      in
      optional
        (any (r: r.enableWarnings) roots && !varLibNixosPersisted && (usersWithoutUid != [ ] || groupsWithoutGid != [ ]))
        ''
          environment.persistence:
              Neither /var/lib/nixos nor any of its parents are
              persisted. This means all users/groups without
              specified uids/gids will have them reassigned on
              reboot.
              ${optionalString (usersWithoutUid != [ ]) ''
              The following users are missing a uid:
                    ${concatStringsSep "\n      " usersWithoutUid}
              ''}
              ${optionalString (groupsWithoutGid != [ ]) ''
              The following groups are missing a gid:
                    ${concatStringsSep "\n      " groupsWithoutGid}
              ''}
        '';
  };
}
