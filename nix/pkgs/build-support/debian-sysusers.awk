# pkgs.debian.usr's system users and groups (see debian-usr.sh). Input:
# tab-separated records "PKG\tSOURCE\tLINE", SOURCE "sysusers" (a line of a
# usr/lib/sysusers.d/*.conf the package ships) or "postinst" (a literal
# adduser/addgroup --system call of its postinst). Output: sysusers.json and
# sysusers.nix (users.users / users.groups in the NixOS modules' terms) in
# the directory `out`. A name declared by a sysusers.d file is not taken
# from a script; the first declaration of a name wins, as systemd-sysusers
# does.
BEGIN { FS = "\t"; nu = 0; ng = 0 }

# sysusers.d fields: whitespace-separated, "double quoted" with spaces.
function split_fields(s, f,   n, c, cur, inq, i, started) {
  n = 0; cur = ""; inq = 0; started = 0
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\"") { inq = !inq; started = 1; continue }
    if (!inq && (c == " " || c == "\t")) {
      if (started) { f[++n] = cur; cur = ""; started = 0 }
      continue
    }
    cur = cur c; started = 1
  }
  if (started) f[++n] = cur
  return n
}
function dash(v) { return v == "-" ? "" : v }
function isnum(v) { return v ~ /^[0-9]+$/ }
function add_group(name, gid, pkg, src) {
  if (name in gsrc) { if (gid != "" && ggid[name] == "") ggid[name] = gid; return }
  gorder[++ng] = name; gsrc[name] = src; gpkg[name] = pkg; ggid[name] = gid
}
function add_user(name, uid, group, gecos, home, shell, pkg, src) {
  if (name in usrc) return
  uorder[++nu] = name; usrc[name] = src; upkg[name] = pkg
  uuid[name] = uid; ugroup[name] = group; ugecos[name] = gecos
  uhome[name] = home; ushell[name] = shell
}
# sysusers.d(5): u NAME ID GECOS HOME SHELL; g NAME ID; m USER GROUP.
function sysusers(line, pkg,   f, n, t, id, gid, grp) {
  sub(/^[ \t]+/, "", line)
  if (line == "" || line ~ /^#/) return
  n = split_fields(line, f)
  t = f[1]; sub(/!$/, "", t)
  if (t == "g" && n >= 2) {
    gid = dash(f[3]); if (!isnum(gid)) gid = ""
    add_group(f[2], gid, pkg, "sysusers")
  } else if (t == "u" && n >= 2) {
    id = dash(f[3]); gid = ""; grp = f[2]
    if (id ~ /:/) { grp = substr(id, index(id, ":") + 1); id = substr(id, 1, index(id, ":") - 1) }
    if (!isnum(id)) id = ""            # "-" or a path: allocated when created
    # "UID:GID": the existing group of that number (named at the end);
    # else the group of the user's name, with the same id if it is free.
    if (isnum(grp)) { gid = grp; grp = "#" grp }
    else if (grp == f[2] && id != "") gid = id
    add_user(f[2], id, grp, dash(f[4]), dash(f[5]) == "" ? "/" : f[5],
             dash(f[6]) == "" ? "/usr/sbin/nologin" : f[6], pkg, "sysusers")
    if (grp !~ /^#/) add_group(grp, gid, pkg, "sysusers")
  } else if (t == "m" && n >= 3) {
    members[f[3]] = members[f[3]] (members[f[3]] == "" ? "" : " ") f[2]
    add_group(f[3], "", pkg, "sysusers")
  }
}
# adduser --system [options] NAME, addgroup --system [options] NAME.
function postinst(line, pkg,   f, n, i, cmd, name, home, shell, gecos, uid, gid, grp, own, sys) {
  n = split_fields(line, f)
  for (i = 1; i <= n; i++) if (f[i] ~ /(^|\/)(adduser|addgroup)$/) break
  if (i > n) return
  cmd = f[i]; sub(/.*\//, "", cmd)
  home = "/nonexistent"; shell = "/usr/sbin/nologin"; gecos = ""; uid = ""; gid = ""
  grp = "nogroup"; own = 0; sys = 0; name = ""
  for (i++; i <= n; i++) {
    if (f[i] == "--system") sys = 1
    else if (f[i] == "--group") own = 1
    else if (f[i] == "--home") home = f[++i]
    else if (f[i] == "--shell") shell = f[++i]
    else if (f[i] == "--gecos" || f[i] == "--comment") gecos = f[++i]
    else if (f[i] == "--uid") uid = f[++i]
    else if (f[i] == "--gid") gid = f[++i]
    else if (f[i] == "--ingroup") grp = f[++i]
    else if (f[i] ~ /^--(firstuid|lastuid|firstgid|lastgid|extrausers|conf|key)$/) i++
    else if (f[i] ~ /^-/) continue
    else if (name == "") name = f[i]
    else { grp = f[i]; break }             # adduser USER GROUP: membership only
  }
  if (!sys || name == "") return
  if (cmd == "addgroup") { add_group(name, gid, pkg, "postinst"); return }
  if (name in usrc && usrc[name] == "sysusers") return
  if (own) { grp = name; add_group(name, gid, pkg, "postinst") }
  else add_group(grp, "", pkg, "postinst")
  add_user(name, uid, grp, gecos, home, shell, pkg, "postinst")
}
{
  line = $0
  sub(/^[^\t]*\t[^\t]*\t/, "", line) # LINE may hold tabs of its own
  if ($2 == "sysusers") sysusers(line, $1); else postinst(line, $1)
}
function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function nx(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\$\{/, "\\${", s); return "\"" s "\"" }
function jslist(s,   a, n, i, r) {
  n = split(s, a, " "); r = ""
  for (i = 1; i <= n; i++) r = r (i > 1 ? ", " : "") js(a[i])
  return r
}
function nixlist(s,   a, n, i, r) {
  n = split(s, a, " "); r = "["
  for (i = 1; i <= n; i++) r = r " " nx(a[i])
  return r " ]"
}
END {
  for (i = 1; i <= ng; i++) if (ggid[gorder[i]] != "" && !(ggid[gorder[i]] in byGid)) byGid[ggid[gorder[i]]] = gorder[i]
  for (i = 1; i <= nu; i++) {
    u = uorder[i]
    if (ugroup[u] !~ /^#/) continue
    g = substr(ugroup[u], 2)
    if (g in byGid) ugroup[u] = byGid[g]
    else { ugroup[u] = u; add_group(u, g, upkg[u], usrc[u]) }
  }
  json = out "/sysusers.json"; nix = out "/sysusers.nix"
  printf "{\n  \"users\": {" > json
  printf "# The system users and groups of the packages' sysusers.d files and\n# literal adduser --system lines of their postinst scripts (debian-usr.sh),\n# as NixOS declares them.\n{\n  users = {\n" > nix
  for (i = 1; i <= nu; i++) {
    u = uorder[i]
    printf "%s\n    %s: {\"uid\": %s, \"group\": %s, \"description\": %s, \"home\": %s, \"shell\": %s, \"package\": %s, \"source\": %s}", \
      (i > 1 ? "," : ""), js(u), (uuid[u] == "" ? "null" : uuid[u]), js(ugroup[u]), js(ugecos[u]), \
      js(uhome[u]), js(ushell[u]), js(upkg[u]), js(usrc[u]) > json
    printf "    %s = {\n      isSystemUser = true;\n      group = %s;\n      description = %s;\n      home = %s;\n      shell = %s;\n", \
      nx(u), nx(ugroup[u]), nx(ugecos[u]), nx(uhome[u]), nx(ushell[u]) > nix
    if (uuid[u] != "") printf "      uid = %s;\n", uuid[u] > nix
    printf "    };\n" > nix
  }
  printf "\n  },\n  \"groups\": {" > json
  printf "  };\n  groups = {\n" > nix
  for (i = 1; i <= ng; i++) {
    g = gorder[i]
    printf "%s\n    %s: {\"gid\": %s, \"members\": [%s], \"package\": %s, \"source\": %s}", (i > 1 ? "," : ""), js(g), \
      (ggid[g] == "" ? "null" : ggid[g]), jslist(members[g]), js(gpkg[g]), js(gsrc[g]) > json
    printf "    %s = {%s%s };\n", nx(g), (ggid[g] == "" ? "" : " gid = " ggid[g] ";"), \
      (members[g] == "" ? "" : " members = " nixlist(members[g]) ";") > nix
  }
  printf "\n  }\n}\n" > json
  printf "  };\n}\n" > nix
}
