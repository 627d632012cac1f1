#include "lang/regex.h"

#include <locale.h>
#include <regex.h>

#include <memory>
#include <unordered_map>

namespace bastion::lang {

namespace {

[[noreturn]] void invalid(std::string_view pattern) {
  throw RegexError("invalid regular expression '" + std::string(pattern) + "'");
}

// Nix compiles patterns with std::regex::extended under a strict libstdc++,
// whose grammar differs from glibc's regcomp in a few spellings. This pass
// rejects what libstdc++ rejects and rewrites what only libstdc++ accepts,
// so that the pattern regcomp sees means what it meant to Nix.
class Translator {
public:
  explicit Translator(std::string_view p) : p_(p) {}

  std::string run() {
    // Nix strings cannot hold NUL, and regcomp could not see past one.
    if (p_.find('\0') != std::string_view::npos)
      fail();
    int depth = 0;
    while (i_ < p_.size()) {
      char c = p_[i_++];
      if (c == '\\') {
        // Only .[\()*+?{|^$ may be escaped: no \w, \1, \n, \], \}
        // (glibc would take these as GNU operators or back references).
        static constexpr std::string_view escapable = ".[\\()*+?{|^$";
        if (i_ == p_.size() || escapable.find(p_[i_]) == std::string_view::npos)
          fail();
        out_ += c;
        out_ += p_[i_++];
        continue;
      }
      if (c == '(')
        ++depth;
      if (c == ')' && depth-- == 0)
        fail(); // glibc: a literal ')'
      if (c == '{' && (i_ == p_.size() || p_[i_] < '0' || p_[i_] > '9'))
        fail(); // glibc: "{,n}" means "{0,n}"
      out_ += c;
      if (c == '[')
        bracket();
    }
    return out_;
  }

private:
  [[noreturn]] void fail() { invalid(p_); }

  // Copies a bracket expression after its '['. Backslash is literal here;
  // a ']' first (or after '^') is a member.
  void bracket() {
    if (i_ < p_.size() && p_[i_] == '^')
      out_ += p_[i_++];
    if (i_ < p_.size() && p_[i_] == ']')
      out_ += p_[i_++];
    static constexpr std::string_view inner = ":.="; // [:class:] [.coll.] [=equiv=]
    while (i_ < p_.size() && p_[i_] != ']') {
      if (p_[i_] == '[' && i_ + 1 < p_.size() && inner.find(p_[i_ + 1]) != inner.npos) {
        char kind = p_[i_ + 1];
        auto close = p_.find(std::string{kind, ']'}, i_ + 2);
        if (close == std::string_view::npos)
          fail();
        auto name = p_.substr(i_ + 2, close - i_ - 2);
        if (kind == ':')
          out_ += charClass(name);
        else
          out_ += p_.substr(i_, close + 2 - i_);
        i_ = close + 2;
      } else {
        out_ += p_[i_++];
      }
    }
    if (i_ == p_.size())
      fail();
    out_ += p_[i_++];
  }

  // libstdc++ looks class names up case-insensitively and also knows
  // d, w and s; glibc knows only the twelve POSIX names.
  std::string charClass(std::string_view name) {
    std::string n;
    for (char c : name)
      n += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if (n == "d")
      return "[:digit:]";
    if (n == "s")
      return "[:space:]";
    if (n == "w")
      return "[:alnum:]_";
    static constexpr std::string_view known[] = {"alnum", "alpha", "blank", "cntrl",
                                                 "digit", "graph", "lower", "print",
                                                 "punct", "space", "upper", "xdigit"};
    for (auto k : known)
      if (n == k)
        return "[:" + n + ":]";
    fail();
  }

  std::string_view p_;
  size_t i_ = 0;
  std::string out_;
};

// regcomp/regexec follow the thread's LC_CTYPE; Nix's std::regex works on
// bytes in the classic locale. Pin the C locale so that a setlocale()
// elsewhere in the process cannot make '.' match UTF-8 sequences instead.
class CLocaleScope {
public:
  CLocaleScope() {
    static locale_t c = newlocale(LC_ALL_MASK, "C", nullptr);
    old_ = uselocale(c);
  }
  ~CLocaleScope() { uselocale(old_); }
  CLocaleScope(const CLocaleScope &) = delete;
  CLocaleScope &operator=(const CLocaleScope &) = delete;

private:
  locale_t old_;
};

struct Compiled {
  regex_t re;
  explicit Compiled(std::string_view pattern) {
    std::string p = Translator(pattern).run();
    CLocaleScope c;
    int rc = regcomp(&re, p.c_str(), REG_EXTENDED);
    // libstdc++ reports an oversized automaton as error_space, which Nix
    // words differently; glibc's nearest is a repetition count too large.
    if (rc == REG_ESPACE || rc == REG_ESIZE)
      throw RegexError("memory limit exceeded by regular expression '" + std::string(pattern) +
                       "'");
    if (rc != 0)
      invalid(pattern);
  }
  ~Compiled() { regfree(&re); }
  Compiled(const Compiled &) = delete;
  Compiled &operator=(const Compiled &) = delete;
};

// Programs use few distinct patterns, each many times: cache them per
// thread (no locking), and start over if a program generates patterns.
const Compiled &compile(std::string_view pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<Compiled>> cache;
  auto it = cache.find(std::string(pattern));
  if (it != cache.end())
    return *it->second;
  auto compiled = std::make_unique<Compiled>(pattern); // may throw: cache untouched
  if (cache.size() >= 1024)
    cache.clear();
  return *cache.emplace(std::string(pattern), std::move(compiled)).first->second;
}

// Leftmost-longest match of re in s starting at or after `from`; s before
// `from` still counts as context, so '^' cannot match there
// (std::regex's match_prev_avail). pm[0] is the whole match.
bool search(const Compiled &c, std::string_view s, size_t from, std::vector<regmatch_t> &pm) {
  pm.assign(c.re.re_nsub + 1, regmatch_t{-1, -1});
  pm[0].rm_so = static_cast<regoff_t>(from);
  pm[0].rm_eo = static_cast<regoff_t>(s.size());
  const char *data = s.data() ? s.data() : ""; // REG_STARTEND: no NUL needed
  CLocaleScope loc;
  return regexec(&c.re, data, pm.size(), pm.data(), REG_STARTEND) == 0;
}

RegexGroups groupsOf(std::string_view s, const std::vector<regmatch_t> &pm) {
  RegexGroups g;
  for (size_t i = 1; i < pm.size(); ++i) {
    if (pm[i].rm_so < 0)
      g.emplace_back(std::nullopt);
    else
      g.emplace_back(std::string(s.substr(pm[i].rm_so, pm[i].rm_eo - pm[i].rm_so)));
  }
  return g;
}

} // namespace

std::optional<RegexGroups> regexMatch(std::string_view pattern, std::string_view s) {
  const Compiled &c = compile(pattern);
  std::vector<regmatch_t> pm;
  // The leftmost-longest match covers all of s iff s matches as a whole.
  if (!search(c, s, 0, pm) || pm[0].rm_so != 0 || static_cast<size_t>(pm[0].rm_eo) != s.size())
    return std::nullopt;
  return groupsOf(s, pm);
}

std::vector<SplitPart> regexSplit(std::string_view pattern, std::string_view s) {
  const Compiled &c = compile(pattern);
  std::vector<SplitPart> out;
  std::vector<regmatch_t> pm;
  size_t textStart = 0, from = 0;
  // As std::regex_iterator: after an empty match, the next search starts
  // one character later (a non-empty match at the same place cannot exist,
  // the match there was already the longest), and the skipped character
  // becomes part of the next text. An empty match at the end stops.
  while (from <= s.size() && search(c, s, from, pm)) {
    size_t so = pm[0].rm_so, eo = pm[0].rm_eo;
    out.push_back({false, std::string(s.substr(textStart, so - textStart)), {}});
    out.push_back({true, {}, groupsOf(s, pm)});
    textStart = eo;
    from = so == eo ? eo + 1 : eo;
  }
  out.push_back({false, std::string(s.substr(textStart)), {}});
  return out;
}

} // namespace bastion::lang
