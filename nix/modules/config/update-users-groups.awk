# update-users-groups.awk: NixOS's update-users-groups.pl id rules at
# activation time, in awk (users-groups.nix runs it: awk -v … -f THIS).
# Input files, as variables:
#   spec    the declared database, one entry a line:
#             g:NAME:GID:MEMBERS            (GID empty: allocate)
#             u:NAME:UID:SYSTEM:GROUP:DESCRIPTION:HOME:SHELL
#   passwd, group          the current /etc/passwd and /etc/group
#   uidmapFile, gidmapFile /var/lib/nixos/uid-map and gid-map ({"name":id,…}, as NixOS)
#   declUFile, declGFile   /var/lib/nixos/declarative-users and -groups (names)
# and mutable (1: undeclared entries not declared before are kept),
# out (a directory: passwd, group, uid-map, gid-map, declarative-users,
# declarative-groups are written there).
# An id: the declared one; else the one the name has in the current file;
# else the one the map remembers for the name, when free; else a fresh one
# (groups and system users from 999 down to 400, normal users from 1000 up
# to 29999) used by nothing now and remembered for no other name. The maps
# keep every name they ever held, so a removed user's id is not handed to
# another and comes back with it.
# Read with getline, so a missing or empty file is simply empty.
function fields(line, f) { return split(line, f, ":") }

function readInputs(    line, f, n, i, w) {
  while ((getline line < spec) > 0) {
    n = fields(line, f)
    if (f[1] == "g") { gN[++ng] = f[2]; gId[f[2]] = f[3]; gMem[f[2]] = f[4]; gDecl[f[2]] = 1 }
    else if (f[1] == "u") {
      uN[++nu] = f[2]; uId[f[2]] = f[3]; uSys[f[2]] = f[4]; uGroup[f[2]] = f[5]
      uDesc[f[2]] = f[6]; uHome[f[2]] = f[7]; uShell[f[2]] = f[8]; uDecl[f[2]] = 1
    }
  }
  while ((getline line < passwd) > 0)
    if (fields(line, f) >= 7) { curUid[f[1]] = f[3]; curPw[f[1]] = line; curPwN[++ncp] = f[1] }
  while ((getline line < group) > 0)
    if (fields(line, f) >= 3) { curGid[f[1]] = f[3]; curGr[f[1]] = line; curGrN[++ncg] = f[1] }
  while ((getline line < uidmapFile) > 0) readMap(line, uidMap)
  while ((getline line < gidmapFile) > 0) readMap(line, gidMap)
  while ((getline line < declUFile) > 0)
    for (i = split(line, w, /[ \t]+/); i >= 1; i--) if (w[i] != "") prevDeclU[w[i]] = 1
  while ((getline line < declGFile) > 0)
    for (i = split(line, w, /[ \t]+/); i >= 1; i--) if (w[i] != "") prevDeclG[w[i]] = 1
}

function readMap(line, map,    n, i, kv, parts) {
  gsub(/[{}" \t]/, "", line)
  n = split(line, parts, ",")
  for (i = 1; i <= n; i++)
    if (split(parts[i], kv, ":") == 2 && kv[1] != "") map[kv[1]] = kv[2] + 0
}

function writeMap(file, map,    k, sep) {
  printf "{" > file
  sep = ""
  for (k in map) { printf "%s\"%s\":%d", sep, k, map[k] > file; sep = "," }
  printf "}\n" > file
  close(file)
}

# A fresh id in [lo, hi], from hi down when down, else from lo up.
function allocId(used, prevUsed, lo, hi, down,    id) {
  for (id = down ? hi : lo; id >= lo && id <= hi; id += down ? -1 : 1)
    if (!(id in used) && !(id in prevUsed)) return id
  print "out of free UIDs or GIDs (" lo "-" hi ")" > "/dev/stderr"
  failed = 1
  return 65534
}

# The id of NAME: declared, current, remembered or fresh.
function idOf(name, declared, cur, map, used, prevUsed, lo, hi, down, what,    id) {
  if (declared != "") return declared + 0
  if (name in cur) return cur[name] + 0
  if ((name in map) && !((map[name] + 0) in used)) {
    print "reviving " what " '" name "' with " (what == "user" ? "UID " : "GID ") map[name] > "/dev/stderr"
    return map[name] + 0
  }
  return allocId(used, prevUsed, lo, hi, down)
}

BEGIN {
  readInputs()
  # Undeclared entries a mutable system keeps: not declared now, nor before.
  for (i = 1; i <= ncg; i++) { n = curGrN[i]; if (mutable && !(n in gDecl) && !(n in prevDeclG)) keepG[n] = 1 }
  for (i = 1; i <= ncp; i++) { n = curPwN[i]; if (mutable && !(n in uDecl) && !(n in prevDeclU)) keepU[n] = 1 }

  # Groups. Declared ids and the ids entries keep are taken first.
  for (k in gidMap) gPrev[gidMap[k]] = 1
  for (i = 1; i <= ng; i++) { n = gN[i]; if (gId[n] != "") gUsed[gId[n] + 0] = 1; else if (n in curGid) gUsed[curGid[n] + 0] = 1 }
  for (n in keepG) gUsed[curGid[n] + 0] = 1
  for (i = 1; i <= ng; i++) {
    n = gN[i]
    # Ids the map remembers for this name are not "used by another".
    if (n in gidMap) delete gPrev[gidMap[n]]
    g = idOf(n, gId[n], curGid, gidMap, gUsed, gPrev, 400, 999, 1, "group")
    if (n in gidMap) gPrev[gidMap[n]] = 1
    gUsed[g] = 1; gid[n] = g; gidMap[n] = g
  }

  # Users.
  for (k in uidMap) uPrev[uidMap[k]] = 1
  for (i = 1; i <= nu; i++) { n = uN[i]; if (uId[n] != "") uUsed[uId[n] + 0] = 1; else if (n in curUid) uUsed[curUid[n] + 0] = 1 }
  for (n in keepU) uUsed[curUid[n] + 0] = 1
  for (i = 1; i <= nu; i++) {
    n = uN[i]
    if (n in uidMap) delete uPrev[uidMap[n]]
    sys = uSys[n] == "1"
    u = idOf(n, uId[n], curUid, uidMap, uUsed, uPrev, sys ? 400 : 1000, sys ? 999 : 29999, sys, "user")
    if (n in uidMap) uPrev[uidMap[n]] = 1
    uUsed[u] = 1; uidMap[n] = u
    pg = (uGroup[n] in gid) ? gid[uGroup[n]] : 65534
    print n ":x:" u ":" pg ":" uDesc[n] ":" uHome[n] ":" uShell[n] > (out "/passwd")
  }
  for (n in keepU) print curPw[n] > (out "/passwd")
  for (i = 1; i <= ng; i++) { n = gN[i]; print n ":x:" gid[n] ":" gMem[n] > (out "/group") }
  for (n in keepG) print curGr[n] > (out "/group")
  close(out "/passwd"); close(out "/group")

  writeMap(out "/uid-map", uidMap)
  writeMap(out "/gid-map", gidMap)
  s = ""; for (i = 1; i <= nu; i++) s = s (i > 1 ? " " : "") uN[i]; print s > (out "/declarative-users")
  s = ""; for (i = 1; i <= ng; i++) s = s (i > 1 ? " " : "") gN[i]; print s > (out "/declarative-groups")
  exit failed
}
