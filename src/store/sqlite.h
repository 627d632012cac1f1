// A thin RAII layer over SQLite (connection, prepared statement,
// transaction) that turns every failure into a StoreError naming the
// database, so the store code reads as plain SQL.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace bastion::store {

class Db {
public:
  enum class Mode { ReadOnly, ReadWrite, Create };
  // `uri` opens with SQLITE_OPEN_URI (for "file:...?immutable=1").
  Db(const std::string &path, Mode mode, bool uri = false);
  ~Db();
  Db(const Db &) = delete;
  Db &operator=(const Db &) = delete;

  sqlite3 *get() const { return db_; }
  const std::string &path() const { return path_; }
  // Runs one or more statements that return no rows.
  void exec(const std::string &sql);
  // Throws StoreError with SQLite's message for the last failed call.
  [[noreturn]] void fail(const std::string &what) const;

private:
  sqlite3 *db_ = nullptr;
  std::string path_;
};

// A prepared statement. bind() fills the parameters left to right; step()
// returns true while there is a row; exec() runs a statement that returns
// no rows. Both reset the statement when it is done, so it can be reused.
class Stmt {
public:
  Stmt(Db &db, const char *sql);
  ~Stmt();
  Stmt(const Stmt &) = delete;
  Stmt &operator=(const Stmt &) = delete;

  Stmt &bind(std::string_view text);
  Stmt &bind(int64_t n);
  Stmt &bindNull();
  // bind(text) when `present`, else NULL (how Nix stores absent columns).
  Stmt &bindOpt(std::string_view text, bool present) { return present ? bind(text) : bindNull(); }

  bool step();
  void exec();
  void reset();

  bool isNull(int col) const;
  std::string text(int col) const;
  int64_t integer(int col) const;

private:
  Db &db_;
  sqlite3_stmt *stmt_ = nullptr;
  int next_ = 1;
  std::string sql_;
};

// "begin immediate" at once (taking the write lock up front, so that the
// busy timeout applies instead of a deadlock error on upgrade); rolled back
// unless commit() was called.
class Transaction {
public:
  explicit Transaction(Db &db);
  ~Transaction();
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  void commit();

private:
  Db &db_;
  bool active_ = true;
};

} // namespace bastion::store
