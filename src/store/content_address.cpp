// See content_address.h.
#include "store/content_address.h"

namespace bastion::store {

std::string renderContentAddress(format::FileIngestionMethod method, const format::Hash &hash) {
  std::string digest = hash.to(format::HashFormat::Nix32, true); // "<algo>:<nix32>"
  switch (method) {
  case format::FileIngestionMethod::Text:
    return "text:" + digest;
  case format::FileIngestionMethod::Recursive:
    return "fixed:r:" + digest;
  case format::FileIngestionMethod::Flat:
    break;
  }
  return "fixed:" + digest;
}

} // namespace bastion::store
