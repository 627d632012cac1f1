// The `ca` column of ValidPaths, as Nix 2.8's renderContentAddress:
// "text:sha256:<nix32>" for text files (toFile, .drv), and
// "fixed:[r:]<algo>:<nix32>" for imported sources and fixed outputs.
#pragma once

#include <string>

#include "format/hash.h"
#include "format/store_path.h"

namespace bastion::store {

std::string renderContentAddress(format::FileIngestionMethod method, const format::Hash &hash);

} // namespace bastion::store
