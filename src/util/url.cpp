// See url.h.
#include "util/url.h"

#include <cctype>
#include <cstdio>

#include "util/strings.h"

namespace bastion::util {
namespace {

bool isUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

} // namespace

std::string percentEncode(std::string_view s, std::string_view keep) {
  std::string r;
  for (unsigned char c : s) {
    if (isUnreserved(char(c)) || keep.find(char(c)) != std::string_view::npos)
      r += char(c);
    else {
      char buf[4];
      snprintf(buf, sizeof buf, "%%%02X", c);
      r += buf;
    }
  }
  return r;
}

std::string percentDecode(std::string_view in) {
  std::string r;
  for (size_t i = 0; i < in.size(); i++) {
    if (in[i] == '%') {
      if (i + 2 >= in.size())
        throw BadURL("invalid URI parameter '" + std::string(in) + "': invalid format");
      int a = hexDigitValue(in[i + 1]), b = hexDigitValue(in[i + 2]);
      if (a < 0 || b < 0)
        throw BadURL("invalid URI parameter '" + std::string(in) + "': invalid format");
      r += char(a * 16 + b);
      i += 2;
    } else
      r += in[i];
  }
  return r;
}

StringMap decodeQuery(std::string_view q) {
  StringMap r;
  if (q.empty())
    return r;
  for (auto &part : splitString(q, '&')) {
    auto eq = part.find('=');
    if (eq == std::string::npos)
      continue; // Nix warns and ignores it
    r.emplace(percentDecode(part.substr(0, eq)), percentDecode(part.substr(eq + 1)));
  }
  return r;
}

std::string encodeQuery(const StringMap &q) {
  std::string r;
  bool first = true;
  for (auto &[k, v] : q) {
    if (!first)
      r += '&';
    first = false;
    r += percentEncode(k, ":@/?") + "=" + percentEncode(v, ":@/?");
  }
  return r;
}

std::string ParsedURL::to_string() const {
  std::string r = scheme + ":";
  if (authority)
    r += "//" + *authority;
  std::string p;
  for (size_t i = 0; i < path.size(); i++) {
    if (i)
      p += '/';
    p += percentEncode(path[i], ":@");
  }
  r += p;
  if (!query.empty())
    r += "?" + encodeQuery(query);
  if (!fragment.empty())
    r += "#" + percentEncode(fragment);
  return r;
}

std::vector<std::string> ParsedURL::segments() const {
  std::vector<std::string> r;
  for (auto &s : path)
    if (!s.empty())
      r.push_back(s);
  return r;
}

std::pair<std::string, std::string> splitScheme(const std::string &scheme) {
  auto plus = scheme.find('+');
  if (plus == std::string::npos)
    return {"", scheme};
  return {scheme.substr(0, plus), scheme.substr(plus + 1)};
}

ParsedURL parseURL(const std::string &url) {
  size_t i = 0;
  if (url.empty() || !isalpha((unsigned char)url[0]))
    throw BadURL("'" + url + "' doesn't have a scheme");
  while (i < url.size() &&
         (isalnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.'))
    i++;
  if (i >= url.size() || url[i] != ':')
    throw BadURL("'" + url + "' doesn't have a scheme");
  ParsedURL r;
  r.scheme = url.substr(0, i);
  for (auto &c : r.scheme)
    c = char(tolower((unsigned char)c));
  auto transport = splitScheme(r.scheme).second;
  std::string_view rest = std::string_view(url).substr(i + 1);
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t e = rest.find_first_of("/?#");
    std::string auth(rest.substr(0, e));
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
    // Host part: after any userinfo, before any port.
    std::string host = auth.substr(auth.find('@') == std::string::npos ? 0 : auth.find('@') + 1);
    if (!host.empty() && transport == "file")
      throw BadURL("file:// URL '" + url + "' has unexpected authority '" + host + "'");
    r.authority = auth;
  }
  size_t qe = rest.find_first_of("?#");
  std::string_view pathPart = rest.substr(0, qe);
  rest = qe == std::string_view::npos ? std::string_view() : rest.substr(qe);
  for (auto &seg : splitString(pathPart, '/'))
    r.path.push_back(percentDecode(seg));
  if (r.authority && pathPart.empty())
    r.path.clear();
  if (transport == "file" && r.path.empty())
    r.path = {""};
  if (rest.starts_with("?")) {
    size_t fe = rest.find('#');
    r.query =
        decodeQuery(rest.substr(1, fe == std::string_view::npos ? std::string_view::npos : fe - 1));
    rest = fe == std::string_view::npos ? std::string_view() : rest.substr(fe);
  }
  if (rest.starts_with("#"))
    r.fragment = percentDecode(rest.substr(1));
  return r;
}

} // namespace bastion::util
