// See sqlite.h.
#include "store/sqlite.h"

#include "store/store.h"

namespace bastion::store {

namespace {

// Nix waits up to an hour for a busy database (another process holding the
// write lock), rather than failing.
constexpr int kBusyTimeoutMs = 60 * 60 * 1000;

} // namespace

Db::Db(const std::string &path, Mode mode, bool uri) : path_(path) {
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == Mode::Create)
    flags |= SQLITE_OPEN_CREATE;
  if (uri)
    flags |= SQLITE_OPEN_URI;
  // The connection is used under the store's own mutex.
  flags |= SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    if (db_)
      sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open SQLite database '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  exec("pragma foreign_keys = 1");
}

Db::~Db() {
  if (db_)
    sqlite3_close_v2(db_);
}

void Db::exec(const std::string &sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("executing SQLite statement '" + sql + "'");
}

void Db::fail(const std::string &what) const {
  throw StoreError(what + " (in '" + path_ + "'): " + sqlite3_errmsg(db_));
}

Stmt::Stmt(Db &db, const char *sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr) != SQLITE_OK)
    db.fail("creating SQLite statement '" + sql_ + "'");
}

Stmt::~Stmt() {
  if (stmt_)
    sqlite3_finalize(stmt_);
}

Stmt &Stmt::bind(std::string_view text) {
  if (sqlite3_bind_text(stmt_, next_++, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    db_.fail("binding argument");
  return *this;
}

Stmt &Stmt::bind(int64_t n) {
  if (sqlite3_bind_int64(stmt_, next_++, n) != SQLITE_OK)
    db_.fail("binding argument");
  return *this;
}

Stmt &Stmt::bindNull() {
  if (sqlite3_bind_null(stmt_, next_++) != SQLITE_OK)
    db_.fail("binding argument");
  return *this;
}

bool Stmt::step() {
  int r = sqlite3_step(stmt_);
  if (r == SQLITE_ROW)
    return true;
  if (r == SQLITE_DONE) {
    reset();
    return false;
  }
  std::string msg = sqlite3_errmsg(db_.get());
  reset();
  throw StoreError("executing SQLite query '" + sql_ + "' (in '" + db_.path() + "'): " + msg);
}

void Stmt::exec() {
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  next_ = 1;
}

bool Stmt::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Stmt::text(int col) const {
  const unsigned char *s = sqlite3_column_text(stmt_, col);
  if (!s)
    return "";
  return std::string(reinterpret_cast<const char *>(s),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Stmt::integer(int col) const { return sqlite3_column_int64(stmt_, col); }

Transaction::Transaction(Db &db) : db_(db) { db_.exec("begin immediate"); }

Transaction::~Transaction() {
  if (active_)
    sqlite3_exec(db_.get(), "rollback", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("commit");
  active_ = false;
}

} // namespace bastion::store
