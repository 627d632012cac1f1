// builtins.parseFlakeRef and builtins.flakeRefToString: flake references
// between their URL form and their attribute-set form, as Nix's fetchers
// see them, without touching the network or the store.
#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <variant>
#include <vector>

#include "lang/escape.h"
#include "lang/eval.h"
#include "util/strings.h"
#include "util/url.h"

namespace bastion::lang {
namespace {

using util::decodeQuery;
using util::encodeQuery;
using util::ParsedURL;
using util::parseURL;
using util::percentDecode;
using util::percentEncode;
using util::splitScheme;
using util::splitString;
using util::StringMap;

// --- errors ---------------------------------------------------------------

// Nix tells malformed URLs (util::BadURL, which make a flake reference fall back to being
// read as a path) from other errors (which end the parse).
struct FlakeError {
  std::string msg;
};
[[noreturn]] void badURL(std::string m) { throw util::BadURL(m); }
[[noreturn]] void fail(std::string m) { throw FlakeError{std::move(m)}; }

// --- fetcher attributes -----------------------------------------------------

struct Explicit {
  bool b;
  bool operator==(const Explicit &) const = default;
};
using Attr = std::variant<std::string, uint64_t, Explicit>;
using Attrs = std::map<std::string, Attr>;

std::string attrsToJSON(const Attrs &attrs) {
  std::string r = "{";
  bool first = true;
  for (auto &[k, v] : attrs) {
    if (!first)
      r += ",";
    first = false;
    r += escapeJSONString(k) + ":";
    if (auto s = std::get_if<std::string>(&v))
      r += escapeJSONString(*s);
    else if (auto n = std::get_if<uint64_t>(&v))
      r += std::to_string(*n);
    else
      r += std::get<Explicit>(v).b ? "true" : "false";
  }
  return r + "}";
}

std::optional<std::string> maybeGetStrAttr(const Attrs &attrs, const std::string &name) {
  auto i = attrs.find(name);
  if (i == attrs.end())
    return std::nullopt;
  if (auto s = std::get_if<std::string>(&i->second))
    return *s;
  fail("input attribute '" + name + "' is not a string " + attrsToJSON(attrs));
}
std::string getStrAttr(const Attrs &attrs, const std::string &name) {
  auto s = maybeGetStrAttr(attrs, name);
  if (!s)
    fail("input attribute '" + name + "' is missing");
  return *s;
}
std::optional<uint64_t> maybeGetIntAttr(const Attrs &attrs, const std::string &name) {
  auto i = attrs.find(name);
  if (i == attrs.end())
    return std::nullopt;
  if (auto n = std::get_if<uint64_t>(&i->second))
    return *n;
  fail("input attribute '" + name + "' is not an integer");
}
std::optional<bool> maybeGetBoolAttr(const Attrs &attrs, const std::string &name) {
  auto i = attrs.find(name);
  if (i == attrs.end())
    return std::nullopt;
  if (auto b = std::get_if<Explicit>(&i->second))
    return b->b;
  fail("input attribute '" + name + "' is not a Boolean");
}

std::optional<uint64_t> parseUInt(const std::string &s) {
  if (s.empty() || s.size() > 20)
    return std::nullopt;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    uint64_t d = uint64_t(c - '0');
    if (n > (UINT64_MAX - d) / 10)
      return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

// --- refs and revisions -----------------------------------------------------

const std::regex &revRegex() {
  static const std::regex r("[0-9a-fA-F]{40}", std::regex::ECMAScript);
  return r;
}

// A coarse version of git's rules for reference names (check-ref-format,
// allowing one-level names).
bool isLegalRefName(const std::string &ref) {
  if (ref.empty() || ref == "@")
    return false;
  if (ref.front() == '/' || ref.back() == '/' || ref.back() == '.')
    return false;
  if (ref.find("//") != std::string::npos || ref.find("..") != std::string::npos ||
      ref.find("@{") != std::string::npos)
    return false;
  for (unsigned char c : ref)
    if (c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\')
      return false;
  for (auto &comp : splitString(ref, '/')) {
    if (comp.empty() || comp.front() == '.')
      return false;
    if (comp.size() >= 5 && comp.ends_with(".lock"))
      return false;
  }
  return true;
}

// A SHA-1 revision as Nix accepts it: 40 hex digits (or a prefixed/SRI
// form, which we only check for shape).
void checkRev(const std::string &rev) {
  if (std::regex_match(rev, revRegex()))
    return;
  if (rev.starts_with("sha1:") || rev.starts_with("sha1-"))
    return;
  fail("hash '" + rev + "' has wrong length for hash algorithm 'sha1'");
}
std::string normRev(const std::string &rev) {
  std::string r = rev;
  if (std::regex_match(r, revRegex()))
    for (auto &c : r)
      c = char(tolower((unsigned char)c));
  return r;
}

// --- input schemes ----------------------------------------------------------

struct Input {
  Attrs attrs;
  bool known = false; // has a scheme
};

void fixupInput(const Attrs &attrs) {
  getStrAttr(attrs, "type");
  maybeGetStrAttr(attrs, "ref");
  maybeGetIntAttr(attrs, "revCount");
  maybeGetIntAttr(attrs, "lastModified");
}

bool isForge(const std::string &t) { return t == "github" || t == "gitlab" || t == "sourcehut"; }

const std::vector<std::string> &allowedAttrs(const std::string &type) {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"github",
       {"owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "submodules", "lfs"}},
      {"gitlab",
       {"owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "submodules", "lfs"}},
      {"sourcehut",
       {"owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "submodules", "lfs"}},
      {"indirect", {"id", "ref", "rev", "narHash"}},
      {"path", {"path", "rev", "revCount", "lastModified", "narHash"}},
      {"git",
       {"url", "ref", "rev", "shallow", "submodules", "lfs", "exportIgnore", "lastModified",
        "revCount", "narHash", "allRefs", "name", "dirtyRev", "dirtyShortRev", "verifyCommit",
        "keytype", "publicKey", "publicKeys"}},
      {"tarball", {"url", "narHash", "name", "unpack", "rev", "revCount", "lastModified"}},
      {"file", {"url", "narHash", "name", "unpack", "rev", "revCount", "lastModified"}},
      {"mercurial", {"url", "ref", "rev", "revCount", "narHash", "name"}},
  };
  static const std::vector<std::string> none;
  auto i = m.find(type);
  return i == m.end() ? none : i->second;
}

Input inputFromAttrs(Attrs attrs);

Input forgeFromAttrs(const Attrs &attrs) {
  getStrAttr(attrs, "owner");
  getStrAttr(attrs, "repo");
  auto ref = maybeGetStrAttr(attrs, "ref");
  auto rev = maybeGetStrAttr(attrs, "rev");
  if (ref && rev)
    badURL("input " + attrsToJSON(attrs) + " contains both a commit hash ('" + *rev +
           "') and a branch/tag name ('" + *ref + "')");
  if (rev)
    checkRev(*rev);
  if (ref && !isLegalRefName(*ref))
    badURL("input " + attrsToJSON(attrs) + " contains an invalid branch/tag name");
  if (auto host = maybeGetStrAttr(attrs, "host")) {
    static const std::regex hostRegex("[a-zA-Z0-9.-]*", std::regex::ECMAScript);
    if (!std::regex_match(*host, hostRegex))
      badURL("input " + attrsToJSON(attrs) + " contains an invalid instance host");
  }
  bool submodules = maybeGetBoolAttr(attrs, "submodules").value_or(false);
  bool lfs = maybeGetBoolAttr(attrs, "lfs").value_or(false);
  if (submodules || lfs) {
    // Forge archives cannot carry these: the equivalent git input.
    std::string type = getStrAttr(attrs, "type");
    std::string host = maybeGetStrAttr(attrs, "host")
                           .value_or(type == "github"   ? "github.com"
                                     : type == "gitlab" ? "gitlab.com"
                                                        : "git.sr.ht");
    std::string owner = getStrAttr(attrs, "owner");
    if (type == "sourcehut" && !owner.starts_with("~"))
      owner = "~" + owner;
    Attrs g;
    g["type"] = std::string("git");
    g["url"] = "https://" + host + "/" + percentEncode(owner, ":@") + "/" +
               percentEncode(getStrAttr(attrs, "repo"), ":@") + (type == "sourcehut" ? "" : ".git");
    g["shallow"] = Explicit{true};
    if (submodules)
      g["submodules"] = Explicit{true};
    if (lfs)
      g["lfs"] = Explicit{true};
    if (ref)
      g["ref"] = *ref;
    if (rev)
      g["rev"] = *rev;
    if (auto n = maybeGetStrAttr(attrs, "narHash"))
      g["narHash"] = *n;
    if (auto n = maybeGetIntAttr(attrs, "lastModified"))
      g["lastModified"] = *n;
    return inputFromAttrs(std::move(g));
  }
  Input in;
  in.attrs = attrs;
  in.attrs.erase("submodules");
  in.attrs.erase("lfs");
  in.known = true;
  return in;
}

bool hasTarballExtension(const ParsedURL &url) {
  std::string last = url.path.empty() ? "" : url.path.back();
  for (auto ext : {".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"})
    if (last.ends_with(ext))
      return true;
  return false;
}

Input schemeFromAttrs(const std::string &type, const Attrs &attrs) {
  Input in;
  in.known = true;
  if (isForge(type))
    return forgeFromAttrs(attrs);
  if (type == "indirect") {
    static const std::regex flakeRegex("[a-zA-Z][a-zA-Z0-9_-]*", std::regex::ECMAScript);
    auto id = getStrAttr(attrs, "id");
    if (!std::regex_match(id, flakeRegex))
      badURL("'" + id + "' is not a valid flake ID");
  } else if (type == "path") {
    getStrAttr(attrs, "path");
  } else if (type == "git" || type == "mercurial") {
    auto url = getStrAttr(attrs, "url");
    if (auto ref = maybeGetStrAttr(attrs, "ref"); ref && type == "git" && !isLegalRefName(*ref))
      badURL("invalid Git branch/tag name '" + *ref + "'");
    if (type == "git")
      for (auto b : {"shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit"})
        maybeGetBoolAttr(attrs, b);
    parseURL(url);
  } else if (type == "tarball" || type == "file") {
    getStrAttr(attrs, "url");
  }
  in.attrs = attrs;
  return in;
}

Input inputFromAttrs(Attrs attrs) {
  auto typeOpt = maybeGetStrAttr(attrs, "type");
  if (!typeOpt)
    fail("'type' attribute to specify input scheme is required but not provided");
  std::string type = *typeOpt;
  static const std::vector<std::string> schemes = {
      "file", "git", "github", "gitlab", "indirect", "mercurial", "path", "sourcehut", "tarball"};
  if (std::find(schemes.begin(), schemes.end(), type) == schemes.end()) {
    fixupInput(attrs);
    return Input{attrs, false};
  }
  auto &allowed = allowedAttrs(type);
  for (auto &[name, _] : attrs)
    if (name != "type" && name != "__final" &&
        std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      fail("input attribute '" + name + "' not supported by scheme '" + type + "'");
  Input in = schemeFromAttrs(type, attrs);
  fixupInput(in.attrs);
  return in;
}

std::optional<Input> forgeFromURL(const ParsedURL &url) {
  auto path = url.segments();
  std::optional<std::string> rev, ref, host;
  std::optional<bool> submodules, lfs;
  if (path.size() == 3) {
    if (std::regex_match(path[2], revRegex()))
      rev = path[2];
    else
      ref = path[2];
  } else if (path.size() > 3) {
    std::string rs;
    for (size_t i = 2; i < path.size(); i++)
      rs += (i > 2 ? "/" : "") + path[i];
    ref = rs;
  } else if (path.size() < 2)
    badURL("URL '" + url.to_string() + "' is invalid");
  for (auto &[name, value] : url.query) {
    if (name == "rev") {
      if (rev)
        badURL("URL '" + url.to_string() + "' contains multiple commit hashes");
      rev = value;
    } else if (name == "ref") {
      if (ref)
        badURL("URL '" + url.to_string() + "' contains multiple branch/tag names");
      ref = value;
    } else if (name == "host")
      host = value;
    else if (name == "submodules")
      submodules = value == "1";
    else if (name == "lfs")
      lfs = value == "1";
  }
  Attrs attrs;
  attrs["type"] = url.scheme;
  attrs["owner"] = path[0];
  attrs["repo"] = path[1];
  if (rev)
    attrs["rev"] = *rev;
  if (ref)
    attrs["ref"] = *ref;
  if (host)
    attrs["host"] = *host;
  if (submodules)
    attrs["submodules"] = Explicit{*submodules};
  if (lfs)
    attrs["lfs"] = Explicit{*lfs};
  if (auto i = url.query.find("narHash"); i != url.query.end())
    attrs["narHash"] = i->second;
  return forgeFromAttrs(attrs);
}

std::optional<Input> inputFromURLScheme(const ParsedURL &url) {
  auto [app, transport] = splitScheme(url.scheme);
  // In name order, as Nix tries its input schemes.
  // file / tarball
  if ((transport == "file" || transport == "http" || transport == "https") &&
      (app == "file" || app == "tarball" || app.empty())) {
    bool tarball = app == "tarball" || (app.empty() && hasTarballExtension(url));
    bool file = app == "file"; // a plain non-archive URL is not a tree
    if (tarball || file) {
      ParsedURL u = url;
      u.scheme = transport;
      Attrs attrs;
      attrs["type"] = std::string(tarball ? "tarball" : "file");
      if (auto i = u.query.find("narHash"); i != u.query.end())
        attrs["narHash"] = i->second;
      if (auto i = u.query.find("rev"); i != u.query.end())
        attrs["rev"] = i->second;
      for (auto k : {"revCount", "lastModified"})
        if (auto i = u.query.find(k); i != u.query.end())
          if (auto n = parseUInt(i->second))
            attrs[k] = *n;
      for (auto k : {"narHash", "rev", "revCount", "lastModified"})
        u.query.erase(k);
      attrs["url"] = u.to_string();
      Input in;
      in.attrs = attrs;
      in.known = true;
      return in;
    }
  }
  if (url.scheme == "git" || url.scheme == "git+http" || url.scheme == "git+https" ||
      url.scheme == "git+ssh" || url.scheme == "git+file") {
    ParsedURL u = url;
    if (u.scheme.starts_with("git+"))
      u.scheme = u.scheme.substr(4);
    u.query.clear();
    Attrs attrs;
    attrs["type"] = std::string("git");
    for (auto &[name, value] : url.query) {
      if (name == "rev" || name == "ref" || name == "keytype" || name == "publicKey" ||
          name == "publicKeys")
        attrs.emplace(name, value);
      else if (name == "shallow" || name == "submodules" || name == "lfs" ||
               name == "exportIgnore" || name == "allRefs" || name == "verifyCommit")
        attrs.emplace(name, Explicit{value == "1"});
      else if (name == "revCount" || name == "lastModified") {
        if (auto n = parseUInt(value))
          attrs.emplace(name, *n);
      } else if (name == "narHash" || name == "name")
        attrs.emplace(name, value);
      else
        u.query.emplace(name, value);
    }
    attrs["url"] = u.to_string();
    return inputFromAttrs(attrs);
  }
  if (url.scheme == "github" || url.scheme == "gitlab" || url.scheme == "sourcehut")
    return forgeFromURL(url);
  if (url.scheme == "hg+http" || url.scheme == "hg+https" || url.scheme == "hg+ssh" ||
      url.scheme == "hg+file") {
    ParsedURL u = url;
    u.scheme = u.scheme.substr(3);
    u.query.clear();
    Attrs attrs;
    attrs["type"] = std::string("mercurial");
    for (auto &[name, value] : url.query) {
      if (name == "rev" || name == "ref")
        attrs.emplace(name, value);
      else
        u.query.emplace(name, value);
    }
    attrs["url"] = u.to_string();
    return inputFromAttrs(attrs);
  }
  if (url.scheme == "flake") {
    static const std::regex flakeRegex("[a-zA-Z][a-zA-Z0-9_-]*", std::regex::ECMAScript);
    auto path = url.segments();
    std::optional<std::string> rev, ref;
    if (path.size() == 1) {
    } else if (path.size() == 2) {
      if (std::regex_match(path[1], revRegex()))
        rev = path[1];
      else if (isLegalRefName(path[1]))
        ref = path[1];
      else
        badURL("in flake URL '" + url.to_string() + "', '" + path[1] +
               "' is not a commit hash or branch/tag name");
    } else if (path.size() == 3) {
      if (!isLegalRefName(path[1]))
        badURL("in flake URL '" + url.to_string() + "', '" + path[1] +
               "' is not a branch/tag name");
      ref = path[1];
      if (!std::regex_match(path[2], revRegex()))
        badURL("in flake URL '" + url.to_string() + "', '" + path[2] + "' is not a commit hash");
      rev = path[2];
    } else
      badURL("GitHub URL '" + url.to_string() + "' is invalid");
    if (!std::regex_match(path[0], flakeRegex))
      badURL("'" + path[0] + "' is not a valid flake ID");
    Input in;
    in.known = true;
    in.attrs["type"] = std::string("indirect");
    in.attrs["id"] = path[0];
    if (rev)
      in.attrs["rev"] = normRev(*rev);
    if (ref)
      in.attrs["ref"] = *ref;
    return in;
  }
  if (url.scheme == "path") {
    if (url.authority) {
      std::string host = url.authority->substr(
          url.authority->find('@') == std::string::npos ? 0 : url.authority->find('@') + 1);
      if (!host.empty())
        fail("path URL '" + url.to_string() + "' should not have an authority ('" + host + "')");
    }
    std::string p;
    for (size_t i = 0; i < url.path.size(); i++) {
      if (url.path[i].find('\0') != std::string::npos || url.path[i].find('/') != std::string::npos)
        badURL("URL path segment '" + url.path[i] + "' contains a forbidden character");
      p += (i ? "/" : "") + url.path[i];
    }
    Input in;
    in.known = true;
    in.attrs["type"] = std::string("path");
    in.attrs["path"] = p;
    for (auto &[name, value] : url.query) {
      if (name == "rev" || name == "narHash")
        in.attrs[name] = value;
      else if (name == "revCount" || name == "lastModified") {
        if (auto n = parseUInt(value))
          in.attrs[name] = *n;
        else
          fail("path URL '" + url.to_string() + "' has invalid parameter '" + name + "'");
      } else
        fail("path URL '" + url.to_string() + "' has unsupported parameter '" + name + "'");
    }
    return in;
  }
  return std::nullopt;
}

Input inputFromURL(const ParsedURL &url) {
  if (auto in = inputFromURLScheme(url)) {
    fixupInput(in->attrs);
    return *in;
  }
  auto [app, transport] = splitScheme(url.scheme);
  if (app == "file" && transport == "git")
    fail("input '" + url.to_string() +
         "' is unsupported; did you mean 'git+file' instead of 'file+git'?");
  fail("input '" + url.to_string() + "' is unsupported");
}

StringMap attrsToQuery(const Attrs &attrs) {
  StringMap q;
  for (auto &[k, v] : attrs) {
    if (auto s = std::get_if<std::string>(&v))
      q[k] = *s;
    else if (auto n = std::get_if<uint64_t>(&v))
      q[k] = std::to_string(*n);
    else
      q[k] = std::get<Explicit>(v).b ? "1" : "0";
  }
  return q;
}

ParsedURL toURL(const Input &in) {
  if (!in.known)
    fail("cannot show unsupported input '" + attrsToJSON(in.attrs) + "'");
  auto &a = in.attrs;
  std::string type = getStrAttr(a, "type");
  ParsedURL url;
  if (isForge(type)) {
    url.scheme = type;
    url.path = {getStrAttr(a, "owner"), getStrAttr(a, "repo")};
    if (auto ref = maybeGetStrAttr(a, "ref"))
      url.path.push_back(*ref);
    if (auto rev = maybeGetStrAttr(a, "rev"))
      url.path.push_back(normRev(*rev));
    if (auto n = maybeGetStrAttr(a, "narHash"))
      url.query["narHash"] = *n;
    if (auto h = maybeGetStrAttr(a, "host"))
      url.query["host"] = *h;
  } else if (type == "indirect") {
    url.scheme = "flake";
    url.path = {getStrAttr(a, "id")};
    if (auto ref = maybeGetStrAttr(a, "ref"))
      url.path.push_back(*ref);
    if (auto rev = maybeGetStrAttr(a, "rev"))
      url.path.push_back(normRev(*rev));
  } else if (type == "path") {
    url.scheme = "path";
    url.path = splitString(getStrAttr(a, "path"), '/');
    url.query = attrsToQuery(a);
    url.query.erase("path");
    url.query.erase("type");
    url.query.erase("__final");
  } else if (type == "git") {
    url = parseURL(getStrAttr(a, "url"));
    if (url.scheme != "git")
      url.scheme = "git+" + url.scheme;
    if (auto rev = maybeGetStrAttr(a, "rev"))
      url.query["rev"] = normRev(*rev);
    if (auto ref = maybeGetStrAttr(a, "ref"))
      url.query["ref"] = *ref;
    for (auto b : {"shallow", "lfs", "submodules", "exportIgnore", "verifyCommit", "allRefs"})
      if (maybeGetBoolAttr(a, b).value_or(false))
        url.query[b] = "1";
    for (auto k : {"keytype", "publicKey", "publicKeys"})
      if (auto s = maybeGetStrAttr(a, k))
        url.query[k] = *s;
  } else if (type == "mercurial") {
    url = parseURL(getStrAttr(a, "url"));
    url.scheme = "hg+" + url.scheme;
    if (auto rev = maybeGetStrAttr(a, "rev"))
      url.query["rev"] = *rev;
    if (auto ref = maybeGetStrAttr(a, "ref"))
      url.query["ref"] = *ref;
  } else if (type == "tarball" || type == "file") {
    url = parseURL(getStrAttr(a, "url"));
    auto [app, transport] = splitScheme(url.scheme);
    if (app.empty() && (type == "file" || !hasTarballExtension(url)))
      url.scheme = type + "+" + url.scheme;
    if (auto n = maybeGetStrAttr(a, "narHash"))
      url.query["narHash"] = *n;
  } else
    fail("don't know how to convert input '" + attrsToJSON(a) + "' to a URL");
  return url;
}

// --- flake references -------------------------------------------------------

struct FlakeRef {
  Input input;
  std::string subdir;
};

std::pair<FlakeRef, std::string> fromParsedURL(ParsedURL url) {
  std::string dir;
  if (auto i = url.query.find("dir"); i != url.query.end()) {
    dir = i->second;
    url.query.erase(i);
  }
  std::string fragment;
  std::swap(fragment, url.fragment);
  return {FlakeRef{inputFromURL(url), dir}, fragment};
}

std::pair<FlakeRef, std::string> parseFlakeRefWithFragment(const std::string &url) {
  // A flake ID: nixpkgs, nixpkgs/branch, nixpkgs/branch/rev, nixpkgs/rev.
  static const std::string refS = "[a-zA-Z0-9@][a-zA-Z0-9_.\\/@+-]*";
  static const std::string revS = "[0-9a-fA-F]{40}";
  static const std::string pchar =
      "(?:[a-zA-Z0-9-._~]|%[0-9a-fA-F][0-9a-fA-F]|[!$&'\"()*+,;=]|[:@])";
  static const std::regex flakeIdRegex("(([a-zA-Z][a-zA-Z0-9_-]*)(?:/(?:(?:(" + revS + ")|(?:(" +
                                           refS + ")(?:/(" + revS + "))?))))?)(?:#((?:" + pchar +
                                           "|[/? \"^])*))?",
                                       std::regex::ECMAScript);
  std::smatch m;
  if (std::regex_match(url, m, flakeIdRegex)) {
    ParsedURL p;
    p.scheme = "flake";
    p.path = splitString(m[1].str(), '/');
    return {FlakeRef{inputFromURL(p), ""}, percentDecode(m[6].str())};
  }
  try {
    std::string fixed = url; // Nix accepts unescaped spaces and quotes in the query
    return fromParsedURL(parseURL(fixed));
  } catch (util::BadURL &) {
  }
  // A path.
  static const std::regex pathRegex(R"(([^?#]*)(\?([^#]*))?(#(.*))?)", std::regex::ECMAScript);
  if (!std::regex_match(url, m, pathRegex))
    fail("invalid flakeref '" + url + "'");
  std::string path = m[1].str();
  auto query = decodeQuery(m[3].str());
  auto fragment = percentDecode(m[5].str());
  if (path.empty() || path[0] != '/')
    fail("flake reference '" + url + "' is not an absolute path");
  ParsedURL p;
  p.scheme = "path";
  p.authority = "";
  p.path = splitString(path, '/');
  p.query = query;
  p.fragment = fragment;
  return fromParsedURL(p);
}

FlakeRef parseFlakeRef(const std::string &url) {
  try {
    auto [ref, fragment] = parseFlakeRefWithFragment(url);
    if (!fragment.empty())
      fail("unexpected fragment '" + fragment + "' in flake reference '" + url + "'");
    return ref;
  } catch (util::BadURL &e) {
    fail(e.what());
  }
}

std::string flakeRefToString(const FlakeRef &ref) {
  auto url = toURL(ref.input);
  if (!ref.subdir.empty())
    url.query.emplace("dir", ref.subdir);
  return url.to_string();
}

// --- the builtins -----------------------------------------------------------

void prim_parseFlakeRef(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string s(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the argument passed to builtins.parseFlakeRef"));
  Attrs attrs;
  try {
    auto ref = parseFlakeRef(s);
    attrs = ref.input.attrs;
    if (!ref.subdir.empty())
      attrs.emplace("dir", ref.subdir);
  } catch (FlakeError &e) {
    state.throwError(ErrorKind::Eval, e.msg);
  } catch (util::BadURL &e) {
    state.throwError(ErrorKind::Eval, e.what());
  }
  EvalState::BindingsBuilder b(state, uint32_t(attrs.size()));
  for (auto &[k, val] : attrs) {
    Value &vv = b.alloc(k);
    if (auto str = std::get_if<std::string>(&val))
      vv.mkString(*str);
    else if (auto n = std::get_if<uint64_t>(&val))
      vv.mkInt(int64_t(*n));
    else
      vv.mkBool(std::get<Explicit>(val).b);
  }
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_parseFlakeRef("__parseFlakeRef", 1, prim_parseFlakeRef);

void prim_flakeRefToString(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the argument passed to builtins.flakeRefToString");
  Attrs attrs;
  for (auto &a : *args[0]->attrs) {
    state.forceValue(*a.value, a.pos);
    const std::string &name = state.symbols[a.name];
    switch (a.value->type) {
    case VType::Int:
      if (a.value->integer < 0)
        state.throwError(ErrorKind::Eval, "negative value given for flake ref attr " + name + ": " +
                                              std::to_string(a.value->integer));
      attrs.emplace(name, uint64_t(a.value->integer));
      break;
    case VType::Bool:
      attrs.emplace(name, Explicit{a.value->boolean});
      break;
    case VType::String:
      attrs.emplace(name, std::string(a.value->str()));
      break;
    default:
      state.throwError(
          ErrorKind::Eval,
          "flake reference attribute sets may only contain integers, Booleans, and strings, but "
          "attribute '" +
              name + "' is " + showType(a.value->type));
    }
  }
  std::string result;
  try {
    Attrs rest = attrs;
    rest.erase("dir");
    FlakeRef ref{inputFromAttrs(std::move(rest)), maybeGetStrAttr(attrs, "dir").value_or("")};
    result = flakeRefToString(ref);
  } catch (FlakeError &e) {
    state.throwError(ErrorKind::Eval, e.msg);
  } catch (util::BadURL &e) {
    state.throwError(ErrorKind::Eval, e.what());
  }
  v.mkString(result);
}
RegisterPrimOp r_flakeRefToString("__flakeRefToString", 1, prim_flakeRefToString);

} // namespace
} // namespace bastion::lang
