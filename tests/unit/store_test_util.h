// Shared helpers for the store tests: a scratch directory per test (never
// /nix), file builders and direct SQLite queries on a store's database.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::store::testing {

inline void writeFile(const std::string &path, std::string_view data, mode_t mode = 0644) {
  {
    std::ofstream f(path, std::ios::binary);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    ASSERT_TRUE(f.good()) << path;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

inline std::string readAll(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// The tree the Nix 2.8 vectors were computed from: src/a ("hello\n"),
// src/sub/x (executable), src/l -> a, src/e (empty directory).
inline void makeSrcTree(const std::string &root) {
  ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/e").c_str(), 0755), 0);
  writeFile(root + "/a", "hello\n");
  writeFile(root + "/sub/x", "#!/bin/sh\n", 0755);
  ASSERT_EQ(::symlink("a", (root + "/l").c_str()), 0);
}

// Rows of a query, each column rendered as text ("NULL" for NULL).
inline std::vector<std::vector<std::string>> query(const std::string &dbPath,
                                                   const std::string &sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << dbPath;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char *t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char *>(t) : "NULL");
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

class StoreTest : public ::testing::Test {
protected:
  std::string tmp;

  void SetUp() override {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/bastion-store-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    // The store refuses symlinks on its path, so use the resolved name.
    tmp = std::filesystem::canonical(tmpl).string();
  }

  void TearDown() override {
    // Store objects are read-only: make everything writable, then remove.
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(tmp, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec))
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(tmp, ec);
  }

  std::string p(const std::string &name) const { return tmp + "/" + name; }
  std::string dbPath(const std::string &root) const { return root + "/nix/var/nix/db/db.sqlite"; }
};

} // namespace bastion::store::testing
