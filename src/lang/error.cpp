// Printing an uncaught error the way Nix lays it out: the trace frames
// outermost first, each with its source lines, then the message.
#include "lang/error.h"

#include <cstdio>
#include <set>
#include <sstream>

#include "lang/pos.h"

namespace bastion::lang {

namespace {

// Lines `line-1`, `line`, `line+1` of a source text (1-based).
bool sourceLine(const std::string &src, uint32_t line, std::string &out) {
  if (line == 0)
    return false;
  size_t start = 0;
  for (uint32_t l = 1; l < line; l++) {
    size_t nl = src.find('\n', start);
    if (nl == std::string::npos)
      return false;
    start = nl + 1;
  }
  if (start > src.size())
    return false;
  size_t end = src.find('\n', start);
  out = src.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!out.empty() && out.back() == '\r')
    out.pop_back();
  return true;
}

std::string lineNumber(uint32_t n) {
  char buf[32];
  snprintf(buf, sizeof buf, " %5u| ", n);
  return buf;
}

void printCodeLines(std::ostringstream &oss, const PosTable &positions, PosIdx p) {
  const Pos &pos = positions[p];
  const Origin &o = positions.origin(pos.origin);
  if (!o.source)
    return;
  const std::string &src = *o.source;
  std::string line;
  if (!sourceLine(src, pos.line, line))
    return;
  std::string prev, next;
  if (pos.line > 1 && sourceLine(src, pos.line - 1, prev))
    oss << "\n" << lineNumber(pos.line - 1) << prev;
  oss << "\n" << lineNumber(pos.line) << line;
  if (pos.column > 0)
    oss << "\n      |" << std::string(pos.column, ' ') << "^";
  // Nix shows a line after the error line if the source has one, even when
  // it is the empty remainder after a final newline.
  size_t lineStart = 0;
  for (uint32_t l = 1; l < pos.line + 1; l++) {
    size_t nl = src.find('\n', lineStart);
    if (nl == std::string::npos) {
      lineStart = std::string::npos;
      break;
    }
    lineStart = nl + 1;
  }
  if (lineStart != std::string::npos && sourceLine(src, pos.line + 1, next))
    oss << "\n" << lineNumber(pos.line + 1) << next;
}

bool printPos(std::ostringstream &oss, const char *indent, const PosTable &positions, PosIdx p) {
  if (!p)
    return false;
  oss << indent << "at " << positions.describe(p) << ":";
  const Pos &pos = positions[p];
  if (positions.origin(pos.origin).source) {
    printCodeLines(oss, positions, p);
    oss << "\n";
  }
  return true;
}

std::string rstripLines(const std::string &s) {
  std::string out;
  std::istringstream in(s);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (!first)
      out += '\n';
    out += line;
    first = false;
  }
  return out;
}

} // namespace

std::string formatError(const PosTable &positions, const EvalError &e, bool showTrace) {
  return formatDiagnostic(positions, e, showTrace, "error: ");
}

std::string formatDiagnostic(const PosTable &positions, const EvalError &e, bool showTrace,
                             const std::string &prefix) {
  std::ostringstream oss;
  const char *ellipsisIndent = "  ";
  if (!e.traces.empty()) {
    std::set<std::pair<uint32_t, std::string>> seen;
    std::vector<const TraceFrame *> skipped;
    size_t count = 0;
    bool truncate = false;
    auto printTrace = [&](const TraceFrame &t) {
      oss << "\n… " << t.text << "\n";
      if (printPos(oss, ellipsisIndent, positions, t.pos))
        count++;
    };
    auto flushSkipped = [&]() {
      if (skipped.empty())
        return;
      if (skipped.size() <= 5)
        for (auto *t : skipped)
          printTrace(*t);
      else
        oss << "\n(" << skipped.size() << " duplicate frames omitted)\n";
      skipped.clear();
    };
    for (auto it = e.traces.rbegin(); it != e.traces.rend(); ++it) {
      if (it->text.empty())
        continue;
      if (!showTrace && count > 3)
        truncate = true;
      if (truncate && !it->frame)
        continue;
      if (!seen.insert({it->pos.id, it->text}).second) {
        skipped.push_back(&*it);
        continue;
      }
      flushSkipped();
      count++;
      printTrace(*it);
    }
    flushSkipped();
    if (truncate)
      oss << "\n(stack trace truncated; use '--show-trace' to show the full, detailed trace)\n";
    oss << "\n" << prefix;
  }
  oss << e.message << "\n";
  printPos(oss, "", positions, e.pos);
  if (!e.hint.empty())
    oss << e.hint << "\n";

  std::string body = oss.str();
  while (!body.empty() && (body.back() == '\n' || body.back() == ' '))
    body.pop_back();
  std::string out = prefix;
  std::string indent(prefix.size(), ' ');
  for (char c : body) {
    out += c;
    if (c == '\n')
      out += indent;
  }
  return rstripLines(out) + "\n";
}

} // namespace bastion::lang
