#include "cli/store_open.h"

#include "cli/settings.h"

namespace bastion::cli {

lang::EvalSettings settingsFrom(const std::vector<std::pair<std::string, std::string>> &flags) {
  lang::EvalSettings settings;
  loadNixConf(settings);
  for (auto &[n, v] : flags)
    applySetting(settings, n, v);
  return settings;
}

std::unique_ptr<store::LocalStore> openStore(const lang::EvalSettings &settings, bool readOnly) {
  return store::LocalStore::open(storeRoot(settings), readOnly);
}

} // namespace bastion::cli
