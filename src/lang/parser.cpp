// A recursive-descent parser for the Nix grammar, with precedence climbing
// for operators. It builds the same tree Nix's bison grammar builds, since
// `--parse` prints that tree and error traces show its positions.
#include "lang/parser.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <variant>

#include "lang/eval.h"
#include "lang/lexer.h"
#include "util/path.h"

namespace bastion::lang {

namespace {

// Binding powers of the binary operators (higher binds tighter), after the
// %left/%right/%nonassoc declarations of Nix's grammar.
enum Prec { PImpl = 1, POr, PAnd, PEq, PCmp, PUpdate, PNot, PAdd, PMul, PConcat, PHas, PNeg };
enum Assoc { Left, Right, NonAssoc };

struct OpInfo {
  int prec;
  Assoc assoc;
};

bool binaryOp(Tok t, OpInfo &info) {
  switch (t) {
  case Tok::Impl:
    info = {PImpl, Right};
    return true;
  case Tok::OrOr:
    info = {POr, Left};
    return true;
  case Tok::And:
    info = {PAnd, Left};
    return true;
  case Tok::Eq:
  case Tok::NEq:
    info = {PEq, NonAssoc};
    return true;
  case Tok::Lt:
  case Tok::Gt:
  case Tok::Leq:
  case Tok::Geq:
    info = {PCmp, NonAssoc};
    return true;
  case Tok::Update:
    info = {PUpdate, Right};
    return true;
  case Tok::Plus:
  case Tok::Minus:
    info = {PAdd, Left};
    return true;
  case Tok::Star:
  case Tok::Slash:
    info = {PMul, Left};
    return true;
  case Tok::Concat:
    info = {PConcat, Right};
    return true;
  case Tok::Question:
    info = {PHas, NonAssoc};
    return true;
  default:
    return false;
  }
}

class Parser {
public:
  Parser(EvalState &state, std::string_view text, uint32_t origin, std::string basePath)
      : state_(state), lex_(text), origin_(origin), basePath_(std::move(basePath)) {}

  Expr *parseTop() {
    Expr *e = parseExpr();
    const Token &t = peek();
    if (t.kind != Tok::Eof)
      syntaxError(t, {"end of file"});
    return e;
  }

private:
  EvalState &state_;
  Lexer lex_;
  uint32_t origin_;
  std::string basePath_;
  std::deque<Token> la_;

  const Token &peek(size_t k = 0) {
    while (la_.size() <= k)
      la_.push_back(lexCode());
    return la_[k];
  }
  Token lexCode() {
    Token t = lex_.next();
    if (t.kind == Tok::Invalid && !lex_.error.empty())
      fail(posOf(t), lex_.error);
    return t;
  }
  Token next() {
    peek();
    Token t = std::move(la_.front());
    la_.pop_front();
    return t;
  }
  Token expect(Tok k, std::vector<std::string> expected = {}) {
    const Token &t = peek();
    if (t.kind != k) {
      if (expected.empty())
        expected.push_back(tokenDescription(k));
      syntaxError(t, expected);
    }
    return next();
  }
  PosIdx posOf(const Token &t) { return state_.positions.add(origin_, t.line, t.col); }
  PosIdx posAt(uint32_t line, uint32_t col) { return state_.positions.add(origin_, line, col); }

  [[noreturn]] void fail(PosIdx pos, std::string msg) {
    throw EvalError(ErrorKind::Parse, std::move(msg), pos);
  }
  [[noreturn]] void syntaxError(const Token &t, const std::vector<std::string> &expected) {
    std::string msg = "syntax error, unexpected ";
    msg += tokenDescription(t.kind);
    for (size_t i = 0; i < expected.size(); i++)
      msg += (i ? " or " : ", expecting ") + expected[i];
    fail(posOf(t), msg);
  }

  Symbol sym(std::string_view s) { return state_.symbols.intern(s); }

  // ---- expressions ----------------------------------------------------

  void checkDepth() {
    if (state_.stackNearlyFull())
      fail(posOf(peek()), "expression nested too deeply");
  }

  Expr *parseExpr() {
    checkDepth();
    const Token &t = peek();
    switch (t.kind) {
    case Tok::Id: {
      Tok k1 = peek(1).kind;
      if (k1 == Tok::Colon) {
        Token id = next();
        next();
        auto *body = parseExpr();
        return new ExprLambda(posOf(id), sym(id.text), nullptr, body);
      }
      if (k1 == Tok::At) {
        Token id = next();
        next();
        Token lb = expect(Tok::LBrace);
        Formals *f = parseFormals();
        expect(Tok::Colon);
        auto *body = parseExpr();
        return makeLambda(posOf(id), sym(id.text), f, body);
      }
      break;
    }
    case Tok::LBrace:
      if (looksLikeFormals()) {
        Token lb = next();
        Formals *f = parseFormals();
        Symbol arg;
        if (peek().kind == Tok::At) {
          next();
          arg = sym(expect(Tok::Id).text);
        }
        expect(Tok::Colon);
        auto *body = parseExpr();
        return makeLambda(posOf(lb), arg, f, body);
      }
      break;
    case Tok::Assert: {
      Token a = next();
      Expr *cond = parseExpr();
      expect(Tok::Semi);
      return new ExprAssert(posOf(a), cond, parseExpr());
    }
    case Tok::With: {
      Token w = next();
      Expr *attrs = parseExpr();
      expect(Tok::Semi);
      return new ExprWith(posOf(w), attrs, parseExpr());
    }
    case Tok::Let:
      if (peek(1).kind != Tok::LBrace) {
        Token l = next();
        auto *attrs = new ExprAttrs(posOf(l));
        parseBinds(attrs, Tok::In);
        expect(Tok::In);
        if (!attrs->dynamicAttrs.empty())
          fail(posOf(l), "dynamic attributes not allowed in let");
        return new ExprLet(attrs, parseExpr());
      }
      break;
    default:
      break;
    }
    return parseIf();
  }

  ExprLambda *makeLambda(PosIdx pos, Symbol arg, Formals *f, Expr *body) {
    if (arg && f->has(arg))
      fail(pos, "duplicate formal function argument '" + state_.symbols[arg] + "'");
    return new ExprLambda(pos, arg, f, body);
  }

  // After '{': a formal parameter list, or an attribute set?
  bool looksLikeFormals() {
    const Token &a = peek(1);
    if (a.kind == Tok::RBrace) {
      Tok b = peek(2).kind;
      return b == Tok::Colon || b == Tok::At;
    }
    if (a.kind == Tok::Ellipsis)
      return true;
    if (a.kind == Tok::Id) {
      Tok b = peek(2).kind;
      return b == Tok::Comma || b == Tok::Question || b == Tok::RBrace;
    }
    return false;
  }

  Formals *parseFormals() { // after '{', through '}'
    auto *f = new Formals;
    for (;;) {
      const Token &t = peek();
      if (t.kind == Tok::RBrace) {
        next();
        break;
      }
      if (t.kind == Tok::Ellipsis) {
        next();
        f->ellipsis = true;
        expect(Tok::RBrace);
        break;
      }
      if (t.kind != Tok::Id)
        syntaxError(t, {"'}'", "'...'", "identifier"});
      Token id = next();
      Formal formal{posOf(id), sym(id.text), nullptr};
      if (peek().kind == Tok::Question) {
        next();
        formal.def = parseExpr();
      }
      f->formals.push_back(formal);
      const Token &sep = peek();
      if (sep.kind == Tok::Comma) {
        next();
        continue;
      }
      if (sep.kind == Tok::RBrace) {
        next();
        break;
      }
      syntaxError(sep, {"'}'", "','"});
    }
    std::stable_sort(f->formals.begin(), f->formals.end(),
                     [](const Formal &a, const Formal &b) { return a.name.id < b.name.id; });
    for (size_t i = 1; i < f->formals.size(); i++)
      if (f->formals[i].name == f->formals[i - 1].name)
        fail(f->formals[i].pos,
             "duplicate formal function argument '" + state_.symbols[f->formals[i].name] + "'");
    return f;
  }

  Expr *parseIf() {
    if (peek().kind == Tok::If) {
      Token i = next();
      Expr *c = parseExpr();
      expect(Tok::Then);
      Expr *t = parseExpr();
      expect(Tok::Else);
      Expr *e = parseExpr();
      return new ExprIf(posOf(i), c, t, e);
    }
    return parseOp(0);
  }

  ExprVar *builtinVar(PosIdx pos, const char *name) { return new ExprVar(pos, sym(name)); }

  Expr *parseOp(int minPrec) {
    checkDepth();
    Expr *lhs;
    const Token &t = peek();
    if (t.kind == Tok::Not) {
      Token n = next();
      lhs = new ExprOpNot(posOf(n), parseOp(PNot + 1));
    } else if (t.kind == Tok::Minus) {
      Token m = next();
      PosIdx pos = posOf(m);
      lhs =
          new ExprArith(ArithOp::Sub, pos, builtinVar(pos, "__sub"), new ExprInt(0), parseOp(PNeg));
    } else {
      lhs = parseApp();
    }
    for (;;) {
      const Token &op = peek();
      OpInfo info;
      if (!binaryOp(op.kind, info) || info.prec < minPrec)
        break;
      Token opTok = next();
      PosIdx pos = posOf(opTok);
      if (opTok.kind == Tok::Question) {
        lhs = new ExprOpHasAttr(pos, lhs, parseAttrPath());
      } else {
        Expr *rhs = parseOp(info.assoc == Right ? info.prec : info.prec + 1);
        lhs = makeBinary(opTok.kind, pos, lhs, rhs);
      }
      if (info.assoc == NonAssoc) {
        OpInfo again;
        const Token &n = peek();
        if (binaryOp(n.kind, again) && again.prec == info.prec)
          syntaxError(n, {});
      }
    }
    return lhs;
  }

  Expr *makeBinary(Tok k, PosIdx pos, Expr *a, Expr *b) {
    switch (k) {
    case Tok::Eq:
      return new ExprBinOp(BinOp::Eq, pos, a, b);
    case Tok::NEq:
      return new ExprBinOp(BinOp::NEq, pos, a, b);
    case Tok::And:
      return new ExprBinOp(BinOp::And, pos, a, b);
    case Tok::OrOr:
      return new ExprBinOp(BinOp::Or, pos, a, b);
    case Tok::Impl:
      return new ExprBinOp(BinOp::Impl, pos, a, b);
    case Tok::Update:
      return new ExprBinOp(BinOp::Update, pos, a, b);
    case Tok::Concat:
      return new ExprBinOp(BinOp::ConcatLists, pos, a, b);
    case Tok::Plus:
      return new ExprConcatStrings(pos, false, {{a->getPos(), a}, {b->getPos(), b}});
    case Tok::Minus:
      return new ExprArith(ArithOp::Sub, pos, builtinVar(pos, "__sub"), a, b);
    case Tok::Star:
      return new ExprArith(ArithOp::Mul, pos, builtinVar(pos, "__mul"), a, b);
    case Tok::Slash:
      return new ExprArith(ArithOp::Div, pos, builtinVar(pos, "__div"), a, b);
    case Tok::Lt:
      return new ExprArith(ArithOp::LessThan, pos, builtinVar(pos, "__lessThan"), a, b);
    case Tok::Gt:
      return new ExprArith(ArithOp::LessThan, pos, builtinVar(pos, "__lessThan"), b, a);
    case Tok::Leq:
      return new ExprOpNot(
          pos, new ExprArith(ArithOp::LessThan, pos, builtinVar(pos, "__lessThan"), b, a));
    case Tok::Geq:
      return new ExprOpNot(
          pos, new ExprArith(ArithOp::LessThan, pos, builtinVar(pos, "__lessThan"), a, b));
    default:
      abort();
    }
  }

  static bool startsSimple(Tok k) {
    switch (k) {
    case Tok::Id:
    case Tok::Int:
    case Tok::Float:
    case Tok::Quote:
    case Tok::IndOpen:
    case Tok::Path:
    case Tok::HPath:
    case Tok::SPath:
    case Tok::Uri:
    case Tok::LParen:
    case Tok::LBrace:
    case Tok::LBracket:
    case Tok::Rec:
      return true;
    default:
      return false;
    }
  }

  bool startsSimpleHere() {
    Tok k = peek().kind;
    if (k == Tok::Let)
      return peek(1).kind == Tok::LBrace;
    return startsSimple(k);
  }

  Expr *parseApp() {
    const Token &first = peek();
    PosIdx pos = posOf(first);
    Expr *f = parseSelect();
    if (!startsSimpleHere())
      return f;
    std::vector<Expr *> args;
    while (startsSimpleHere())
      args.push_back(parseSelect());
    if (auto *call = dynamic_cast<ExprCall *>(f)) {
      call->args.insert(call->args.end(), args.begin(), args.end());
      return call;
    }
    return new ExprCall(pos, f, std::move(args));
  }

  Expr *parseSelect() {
    const Token &first = peek();
    PosIdx pos = posOf(first);
    Expr *e = parseSimple();
    if (peek().kind == Tok::Dot) {
      next();
      AttrPath path = parseAttrPath();
      Expr *def = nullptr;
      if (peek().kind == Tok::Or) {
        next();
        def = parseSelect();
      }
      return new ExprSelect(pos, e, std::move(path), def);
    }
    if (peek().kind == Tok::Or) {
      // `f or` applies f to a variable named "or" (kept for compatibility).
      Token o = next();
      return new ExprCall(pos, e, {new ExprVar(posOf(o), sym("or"))});
    }
    return e;
  }

  Expr *parseSimple() {
    checkDepth();
    const Token &t = peek();
    switch (t.kind) {
    case Tok::Id: {
      Token id = next();
      if (id.text == "__curPos")
        return new ExprPos(posOf(id));
      return new ExprVar(posOf(id), sym(id.text));
    }
    case Tok::Int: {
      Token n = next();
      if (n.intOverflow)
        fail(posOf(n), "invalid integer '" + n.text + "'");
      return new ExprInt(n.intValue);
    }
    case Tok::Float: {
      Token n = next();
      return new ExprFloat(n.floatValue);
    }
    case Tok::Quote: {
      Token q = next();
      return parseString(posOf(q));
    }
    case Tok::IndOpen: {
      Token q = next();
      return parseIndString(posOf(q));
    }
    case Tok::Path:
    case Tok::HPath: {
      Token p = next();
      return parsePath(p);
    }
    case Tok::SPath: {
      Token p = next();
      PosIdx pos = posOf(p);
      return new ExprCall(pos, new ExprVar(pos, sym("__findFile")),
                          {new ExprVar(pos, sym("__nixPath")), new ExprString(p.text)});
    }
    case Tok::Uri: {
      Token u = next();
      lint("lint-url-literals", posOf(u),
           "URL literals are discouraged. Consider using a string literal \"" + u.text +
               "\" instead (lint-url-literals)",
           "URL literals are disallowed. Consider using a string literal \"" + u.text +
               "\" instead (lint-url-literals)");
      return new ExprString(u.text);
    }
    case Tok::LParen: {
      next();
      Expr *e = parseExpr();
      expect(Tok::RParen);
      return e;
    }
    case Tok::Let: {
      Token l = next();
      expect(Tok::LBrace);
      auto *attrs = new ExprAttrs(posOf(l));
      attrs->recursive = true;
      parseBinds(attrs, Tok::RBrace);
      expect(Tok::RBrace);
      return new ExprSelect(posOf(l), attrs, {AttrName{sym("body"), nullptr}}, nullptr);
    }
    case Tok::Rec: {
      Token r = next();
      Token lb = expect(Tok::LBrace);
      auto *attrs = new ExprAttrs(posOf(r));
      attrs->recursive = true;
      parseBinds(attrs, Tok::RBrace);
      expect(Tok::RBrace);
      return attrs;
    }
    case Tok::LBrace: {
      Token lb = next();
      auto *attrs = new ExprAttrs(posOf(lb));
      parseBinds(attrs, Tok::RBrace);
      expect(Tok::RBrace);
      return attrs;
    }
    case Tok::LBracket: {
      next();
      auto *list = new ExprList;
      while (peek().kind != Tok::RBracket) {
        if (!startsSimpleHere())
          syntaxError(peek(), {});
        list->elems.push_back(parseSelect());
      }
      next();
      return list;
    }
    default:
      syntaxError(t, {});
    }
  }

  // ---- strings ----------------------------------------------------------

  Expr *parseInterpolation() { // after ${, through }
    Expr *e = parseExpr();
    expect(Tok::RBrace);
    return e;
  }

  // Nix strings are C strings: a NUL byte in the source cannot be kept.
  void checkNoNul(const Token &t) {
    if (t.text.find('\0') == std::string::npos)
      return;
    std::string shown;
    for (char c : t.text)
      shown += c == '\0' ? std::string("\u2400") : std::string(1, c);
    fail(posOf(t), "input string '" + shown +
                       "' cannot be represented as Nix string because it contains null bytes");
  }

  Expr *parseString(PosIdx pos) { // after the opening quote
    std::vector<std::pair<PosIdx, Expr *>> parts;
    bool literalOnly = true;
    for (;;) {
      Token t = lex_.nextStringPart();
      if (t.kind == Tok::Quote)
        break;
      if (t.kind == Tok::Eof)
        syntaxError(t, {"'\"'"});
      if (t.kind == Tok::DollarCurly) {
        PosIdx p = posOf(t);
        parts.emplace_back(p, parseInterpolation());
        literalOnly = false;
      } else {
        checkNoNul(t);
        parts.emplace_back(posOf(t), new ExprString(t.text));
      }
    }
    if (parts.empty())
      return new ExprString("");
    if (parts.size() == 1 && literalOnly)
      return parts[0].second;
    return new ExprConcatStrings(pos, true, std::move(parts));
  }

  struct IndPart {
    PosIdx pos;
    Expr *expr = nullptr;
    std::string text;
    bool hasIndentation = false;
  };

  Expr *parseIndString(PosIdx pos) {
    std::vector<IndPart> parts;
    for (;;) {
      Token t = lex_.nextIndStringPart();
      if (t.kind == Tok::IndClose)
        break;
      if (t.kind == Tok::Eof)
        syntaxError(t, {tokenDescription(Tok::IndClose)});
      if (t.kind == Tok::DollarCurly) {
        PosIdx p = posOf(t);
        parts.push_back({p, parseInterpolation(), {}, false});
      } else {
        checkNoNul(t);
        parts.push_back({posOf(t), nullptr, std::move(t.text), t.hasIndentation});
      }
    }
    return stripIndentation(pos, parts);
  }

  // Nix's rule: the smallest indentation of the lines (ignoring lines of
  // only spaces, counting interpolations and escapes as text) is removed
  // from every line, and a final line of only spaces is dropped.
  Expr *stripIndentation(PosIdx pos, std::vector<IndPart> &es) {
    if (es.empty())
      return new ExprString("");
    bool atStart = true;
    size_t minIndent = 1000000, curIndent = 0;
    for (auto &p : es) {
      if (p.expr || !p.hasIndentation) {
        if (atStart) {
          atStart = false;
          minIndent = std::min(minIndent, curIndent);
        }
        continue;
      }
      for (char c : p.text) {
        if (atStart) {
          if (c == ' ')
            curIndent++;
          else if (c == '\n')
            curIndent = 0;
          else {
            atStart = false;
            minIndent = std::min(minIndent, curIndent);
          }
        } else if (c == '\n') {
          atStart = true;
          curIndent = 0;
        }
      }
    }
    std::vector<std::pair<PosIdx, Expr *>> out;
    atStart = true;
    size_t dropped = 0;
    for (size_t i = 0; i < es.size(); i++) {
      auto &p = es[i];
      if (p.expr) {
        atStart = false;
        dropped = 0;
        out.emplace_back(p.pos, p.expr);
        continue;
      }
      std::string s2;
      for (char c : p.text) {
        if (atStart) {
          if (c == ' ') {
            if (dropped++ >= minIndent)
              s2 += c;
          } else if (c == '\n') {
            dropped = 0;
            s2 += c;
          } else {
            atStart = false;
            dropped = 0;
            s2 += c;
          }
        } else {
          s2 += c;
          if (c == '\n')
            atStart = true;
        }
      }
      if (i + 1 == es.size()) {
        auto nl = s2.find_last_of('\n');
        if (nl != std::string::npos && s2.find_first_not_of(' ', nl + 1) == std::string::npos)
          s2.resize(nl + 1);
      }
      if (!s2.empty())
        out.emplace_back(p.pos, new ExprString(std::move(s2)));
    }
    if (out.empty())
      return new ExprString("");
    if (out.size() == 1 && dynamic_cast<ExprString *>(out[0].second))
      return out[0].second;
    return new ExprConcatStrings(pos, true, std::move(out));
  }

  // ---- paths ------------------------------------------------------------

  // Optional warnings about literals that make expressions less portable.
  void lint(const char *setting, PosIdx pos, const std::string &warnMsg,
            const std::string &fatalMsg) {
    std::string level = state_.lintLevel(setting);
    if (level == "warn")
      state_.warn(warnMsg, pos);
    else if (level == "fatal")
      fail(pos, fatalMsg);
  }

  void lintPath(const Token &t, PosIdx pos) {
    const std::string &p = t.text;
    if (t.kind == Tok::HPath) {
      std::string m = "home path literals are not portable. Consider replacing path literal '" + p +
                      "' by a string, relative path, or parameter (lint-absolute-path-literals)";
      lint("lint-absolute-path-literals", pos, m, m);
    } else if (p[0] == '/') {
      std::string m = "absolute path literals are not portable. Consider replacing path literal '" +
                      p +
                      "' by a string, relative path, or parameter (lint-absolute-path-literals)";
      lint("lint-absolute-path-literals", pos, m, m);
    } else if (p.rfind("./", 0) != 0 && p.rfind("../", 0) != 0) {
      std::string m = "relative path literal '" + p +
                      "' should be prefixed with '.' for clarity: './" + p +
                      "' (lint-short-path-literals)";
      lint("lint-short-path-literals", pos, m, m);
    }
  }

  Expr *parsePath(const Token &t) {
    PosIdx pos = posOf(t);
    lintPath(t, pos);
    std::string path;
    if (t.kind == Tok::HPath) {
      if (state_.settings.pureEval)
        fail(pos, "the path '" + t.text + "' can not be resolved in pure mode");
      const char *home = getenv("HOME");
      path = std::string(home ? home : "") + t.text.substr(1);
    } else {
      path = util::absPath(t.text, basePath_);
      if (t.text.back() == '/' && t.text.size() > 1)
        path += '/';
    }
    Expr *first = new ExprPath(path);
    std::vector<std::pair<PosIdx, Expr *>> parts;
    for (;;) {
      Token p = lex_.nextPathPart();
      if (p.kind == Tok::PathEnd)
        break;
      if (p.kind == Tok::Invalid)
        fail(posOf(p), lex_.error);
      if (p.kind == Tok::DollarCurly) {
        PosIdx ip = posOf(p);
        parts.emplace_back(ip, parseInterpolation());
      } else {
        parts.emplace_back(posOf(p), new ExprString(p.text));
      }
    }
    if (parts.empty())
      return first;
    parts.insert(parts.begin(), {pos, first});
    return new ExprConcatStrings(pos, false, std::move(parts));
  }

  // ---- attribute sets -----------------------------------------------------

  AttrName parseAttr() {
    const Token &t = peek();
    if (t.kind == Tok::Id || t.kind == Tok::Or) {
      Token id = next();
      return AttrName{sym(id.text), nullptr};
    }
    if (t.kind == Tok::Quote) {
      Token q = next();
      Expr *e = parseString(posOf(q));
      if (auto *s = dynamic_cast<ExprString *>(e))
        return AttrName{sym(s->s), nullptr};
      return AttrName{{}, e};
    }
    if (t.kind == Tok::DollarCurly) {
      next();
      Expr *e = parseInterpolation();
      if (auto *s = dynamic_cast<ExprString *>(e))
        return AttrName{sym(s->s), nullptr};
      return AttrName{{}, e};
    }
    syntaxError(t, {"identifier", "'or'", "'${'", "'\"'"});
  }

  AttrPath parseAttrPath() {
    AttrPath path;
    path.push_back(parseAttr());
    while (peek().kind == Tok::Dot) {
      next();
      path.push_back(parseAttr());
    }
    return path;
  }

  void parseBinds(ExprAttrs *attrs, Tok close) {
    for (;;) {
      const Token &t = peek();
      if (t.kind == close)
        return;
      if (t.kind == Tok::Inherit) {
        Token inh = next();
        Expr *from = nullptr;
        if (peek().kind == Tok::LParen) {
          next();
          from = parseExpr();
          expect(Tok::RParen);
          attrs->inheritFrom.push_back(from);
        }
        while (peek().kind != Tok::Semi) {
          const Token &a = peek();
          PosIdx apos = posOf(a);
          if (a.kind != Tok::Id && a.kind != Tok::Or && a.kind != Tok::Quote &&
              a.kind != Tok::DollarCurly)
            syntaxError(a, {"';'", "identifier", "'or'", "'${'", "'\"'"});
          AttrName name = parseAttr();
          if (!name.symbol)
            fail(apos, "dynamic attributes not allowed in inherit");
          auto it = attrs->attrs.find(name.symbol);
          if (it != attrs->attrs.end())
            fail(apos, "attribute '" + state_.symbols[name.symbol] + "' already defined at " +
                           state_.positions.describe(it->second.pos));
          ExprAttrs::AttrDef def;
          def.pos = apos;
          if (from) {
            def.kind = ExprAttrs::Kind::InheritedFrom;
            auto *src =
                new ExprInheritFrom(apos, uint32_t(attrs->inheritFrom.size() - 1), name.symbol);
            def.e = new ExprSelect(apos, src, {AttrName{name.symbol, nullptr}}, nullptr);
          } else {
            def.kind = ExprAttrs::Kind::Inherited;
            def.e = new ExprVar(apos, name.symbol);
          }
          attrs->attrs.emplace(name.symbol, def);
        }
        next();
        continue;
      }
      if (t.kind != Tok::Id && t.kind != Tok::Or && t.kind != Tok::Quote &&
          t.kind != Tok::DollarCurly) {
        if (close == Tok::In)
          syntaxError(t, {"'in'", "'inherit'", "identifier", "'or'", "'${'", "'\"'"});
        syntaxError(t, {"'inherit'", "identifier", "'or'", "'${'", "'\"'", "'}'"});
      }
      PosIdx pos = posOf(t);
      AttrPath path = parseAttrPath();
      expect(Tok::Assign, {"'.'", "'='"});
      Expr *e = parseExpr();
      expect(Tok::Semi);
      addAttr(attrs, path, pos, e);
    }
  }

  std::string showPath(const AttrPath &path) { return showAttrPath(state_.symbols, path); }

  [[noreturn]] void dupAttr(const std::string &what, PosIdx pos, PosIdx prev) {
    fail(pos, "attribute '" + what + "' already defined at " + state_.positions.describe(prev));
  }

  void addAttr(ExprAttrs *attrs, AttrPath &path, PosIdx pos, Expr *e) {
    size_t i = 0;
    for (; i + 1 < path.size(); i++) {
      if (path[i].symbol) {
        auto j = attrs->attrs.find(path[i].symbol);
        if (j != attrs->attrs.end()) {
          auto *nested = dynamic_cast<ExprAttrs *>(j->second.e);
          if (j->second.kind != ExprAttrs::Kind::Inherited && nested)
            attrs = nested;
          else
            dupAttr(showPath(AttrPath(path.begin(), path.begin() + i + 1)), pos, j->second.pos);
        } else {
          auto *nested = new ExprAttrs(pos);
          ExprAttrs::AttrDef def;
          def.e = nested;
          def.pos = pos;
          attrs->attrs.emplace(path[i].symbol, def);
          attrs = nested;
        }
      } else {
        auto *nested = new ExprAttrs(pos);
        attrs->dynamicAttrs.push_back({path[i].expr, nested, pos});
        attrs = nested;
      }
    }
    AttrName &last = path[i];
    if (!last.symbol) {
      attrs->dynamicAttrs.push_back({last.expr, e, pos});
      return;
    }
    auto j = attrs->attrs.find(last.symbol);
    if (j == attrs->attrs.end()) {
      ExprAttrs::AttrDef def;
      def.e = e;
      def.pos = pos;
      attrs->attrs.emplace(last.symbol, def);
      e->setName(last.symbol);
      return;
    }
    // `a = { x = 1; }; a = { y = 2; };` merges the two sets (any `rec` of the
    // second is ignored, as in Nix).
    auto *ae = dynamic_cast<ExprAttrs *>(e);
    auto *jAttrs = dynamic_cast<ExprAttrs *>(j->second.e);
    if (!ae || !jAttrs || j->second.kind == ExprAttrs::Kind::Inherited)
      dupAttr(showPath(path), pos, j->second.pos);
    uint32_t shift = uint32_t(jAttrs->inheritFrom.size());
    for (auto &[name, def] : ae->attrs) {
      if (def.kind == ExprAttrs::Kind::InheritedFrom) {
        auto *sel = static_cast<ExprSelect *>(def.e);
        static_cast<ExprInheritFrom *>(sel->e)->displ += shift;
      }
      auto j2 = jAttrs->attrs.find(name);
      // Nix reports this one at the earlier definition.
      if (j2 != jAttrs->attrs.end())
        dupAttr(state_.symbols[name], j2->second.pos, def.pos);
      jAttrs->attrs.emplace(name, def);
    }
    jAttrs->dynamicAttrs.insert(jAttrs->dynamicAttrs.end(), ae->dynamicAttrs.begin(),
                                ae->dynamicAttrs.end());
    jAttrs->inheritFrom.insert(jAttrs->inheritFrom.end(), ae->inheritFrom.begin(),
                               ae->inheritFrom.end());
  }
};

} // namespace

Expr *parseNix(EvalState &state, std::string_view text, uint32_t origin,
               const std::string &basePath, const StaticEnv *scope) {
  Parser p(state, text, origin, basePath);
  Expr *e = p.parseTop();
  e->bindVars(state, scope);
  return e;
}

} // namespace bastion::lang
