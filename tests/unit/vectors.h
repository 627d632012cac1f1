// The files of tests/vectors, for the unit tests that check Bastion against
// them. Paths are relative to BASTION_VECTORS_DIR.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bastion::test {

// Throws rather than failing an expectation: some vectors are read before
// main, when there is no test to fail yet; inside a test, GoogleTest reports
// the exception as that test's failure.
inline std::string readVector(const std::string &rel) {
  std::ifstream in(std::string(BASTION_VECTORS_DIR) + "/" + rel, std::ios::binary);
  if (!in)
    throw std::runtime_error("missing test vector " + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The names (with extension) of the files in `dir` ending in `ext`, sorted
// so that failures come in the same order on every machine.
inline std::vector<std::string> vectorFiles(const std::string &dir, const std::string &ext) {
  std::vector<std::string> names;
  for (const auto &e :
       std::filesystem::directory_iterator(std::string(BASTION_VECTORS_DIR) + "/" + dir))
    if (e.path().extension() == ext)
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace bastion::test
