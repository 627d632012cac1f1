#include "cli/substituters.h"

#include <sstream>
#include <stdexcept>

#include "store/fs_util.h"

namespace bastion::cli {
namespace {

std::string option(const lang::EvalSettings &s, const std::string &name, const std::string &dflt) {
  auto it = s.options.find(name);
  return it == s.options.end() ? dflt : it->second;
}

bool boolOption(const lang::EvalSettings &s, const std::string &name, bool dflt) {
  std::string v = option(s, name, dflt ? "true" : "false");
  if (v == "true" || v == "1" || v == "yes")
    return true;
  if (v == "false" || v == "0" || v == "no")
    return false;
  throw std::runtime_error("configuration setting '" + name + "' should be a Boolean, not '" + v +
                           "'");
}

std::vector<std::string> words(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

} // namespace

bool substituteEnabled(const lang::EvalSettings &settings) {
  return boolOption(settings, "substitute", true);
}

store::SubstituteSettings substituteSettingsFrom(const lang::EvalSettings &settings) {
  store::SubstituteSettings s;
  s.urls = words(option(settings, "substituters", ""));
  try {
    s.trustedKeys = format::parsePublicKeys(option(settings, "trusted-public-keys", ""));
  } catch (const format::SignatureError &e) {
    throw std::runtime_error("setting 'trusted-public-keys': " + std::string(e.what()));
  }
  s.requireSigs = boolOption(settings, "require-sigs", true);
  std::string jobs = option(settings, "max-substitution-jobs", "4");
  try {
    s.jobs = unsigned(std::stoul(jobs));
  } catch (const std::exception &) {
    throw std::runtime_error("configuration setting 'max-substitution-jobs' should be an integer");
  }
  return s;
}

format::SecretKey readSecretKeyFile(const std::string &path) {
  std::string text;
  try {
    text = store::readFile(path);
  } catch (const std::exception &e) {
    throw std::runtime_error(e.what());
  }
  try {
    return format::SecretKey::parse(text);
  } catch (const format::SignatureError &e) {
    throw std::runtime_error("secret key file '" + path + "': " + e.what());
  }
}

std::vector<format::SecretKey> secretKeysFrom(const lang::EvalSettings &settings) {
  std::vector<format::SecretKey> keys;
  for (const std::string &f : words(option(settings, "secret-key-files", "")))
    keys.push_back(readSecretKeyFile(f));
  return keys;
}

} // namespace bastion::cli
