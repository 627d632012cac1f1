// See path_db.h. The SQL text is Nix 2.8's (libstore/schema.sql and
// local-store.cc): SQLite keeps the text of every CREATE statement in
// sqlite_master, so a store we create is indistinguishable from one Nix
// created.
#include "store/path_db.h"

#include <cstdio>
#include <ctime>
#include <sstream>

#include "format/hash.h"
#include "store/fs_util.h"

namespace bastion::store {

namespace {

const char kSchema[] = R"(create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer, -- null implies "false"
    sigs             text, -- space-separated
    ca               text -- if not null, an assertion that the path is content-addressed; see ValidPathInfo
);

create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);

create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);

-- Paths can refer to themselves, causing a tuple (N, N) in the Refs
-- table.  This causes a deletion of the corresponding row in
-- ValidPaths to cause a foreign key constraint violation (due to `on
-- delete restrict' on the `reference' column).  Therefore, explicitly
-- get rid of self-references.
create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;

create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually "out"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);

create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
)";

// Nix's LocalStore::openDB: "normal" sync is safe with WAL; WAL is Nix's
// default journal mode; a large auto-checkpoint interval keeps big
// registrations to one fsync.
void configure(Db &db) {
  db.exec("pragma synchronous = normal");
  Stmt q(db, "pragma main.journal_mode;");
  std::string mode = q.step() ? q.text(0) : "";
  q.reset();
  if (mode != "wal")
    db.exec("pragma main.journal_mode = wal;");
  db.exec("pragma wal_autocheckpoint = 40000;");
}

// SQLite URIs take '%', '?' and '#' only escaped.
std::string uriEscape(const std::string &path) {
  std::string out;
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

PathDb::PathDb(const std::string &path, std::string storeDir, bool create, bool readOnly)
    : storeDir_(std::move(storeDir)) {
  if (readOnly) {
    // A read-only SQLite connection to a WAL database creates the -wal
    // and -shm files if they are missing and leaves them behind. When
    // there is no -wal file, no writer has the database open and all
    // of it is in the main file: read that as immutable, creating
    // nothing. Otherwise (a writer is active) the files already exist
    // and an ordinary read-only connection sees its commits.
    if (!pathExists(path + "-wal")) {
      db_ = std::make_unique<Db>("file:" + uriEscape(path) + "?immutable=1", Db::Mode::ReadOnly,
                                 true);
      return;
    }
    db_ = std::make_unique<Db>(path, Db::Mode::ReadOnly);
    return;
  }
  db_ = std::make_unique<Db>(path, create ? Db::Mode::Create : Db::Mode::ReadWrite);
  configure(*db_);
  if (create)
    db_->exec(kSchema);
}

std::optional<int64_t> PathDb::queryId(const std::string &printed) {
  Stmt q(*db_, "select id from ValidPaths where path = ?;");
  q.bind(printed);
  if (!q.step())
    return std::nullopt;
  return q.integer(0);
}

bool PathDb::isValid(const StorePath &path) {
  return queryId(format::printStorePath(path, storeDir_)).has_value();
}

std::optional<ValidPathInfo> PathDb::queryPathInfo(const StorePath &path) {
  std::string printed = format::printStorePath(path, storeDir_);
  Stmt q(*db_, "select id, hash, registrationTime, deriver, narSize, ultimate, sigs, ca from "
               "ValidPaths where path = ?;");
  q.bind(printed);
  if (!q.step())
    return std::nullopt;
  ValidPathInfo info;
  info.path = path;
  int64_t id = q.integer(0);
  try {
    info.narHash = format::parseHashAny(q.text(1), format::HashAlgo::SHA256);
  } catch (const format::HashError &e) {
    throw StoreError("invalid NAR hash '" + q.text(1) + "' of path '" + printed +
                     "' in the database: " + e.what());
  }
  info.registrationTime = q.integer(2);
  if (!q.isNull(3))
    info.deriver = q.text(3);
  if (!q.isNull(4))
    info.narSize = static_cast<uint64_t>(q.integer(4));
  info.ultimate = !q.isNull(5) && q.integer(5) != 0;
  if (!q.isNull(6)) {
    std::istringstream sigs(q.text(6));
    for (std::string sig; sigs >> sig;)
      info.sigs.insert(sig);
  }
  if (!q.isNull(7))
    info.ca = q.text(7);
  q.reset();

  Stmt refs(*db_, "select path from Refs join ValidPaths on reference = id where referrer = ?;");
  refs.bind(id);
  while (refs.step())
    info.references.insert(format::parseStorePath(refs.text(0), storeDir_));
  return info;
}

void PathDb::registerValidPath(const ValidPathInfo &info,
                               const std::map<std::string, std::string> &drvOutputs) {
  registerValidPaths({Registration{info, drvOutputs}});
}

void PathDb::registerValidPaths(const std::vector<Registration> &regs) {
  Transaction txn(*db_);
  // Rows first, so that references within the batch resolve.
  std::vector<std::pair<const Registration *, int64_t>> added;
  for (const Registration &reg : regs) {
    const ValidPathInfo &info = reg.info;
    std::string printed = format::printStorePath(info.path, storeDir_);
    if (queryId(printed))
      continue; // someone else registered it first

    // Nix stores absent values as NULL: no deriver, an unknown size,
    // "ultimate" false, no signatures, no content address.
    Stmt add(*db_, "insert into ValidPaths (path, hash, registrationTime, deriver, narSize, "
                   "ultimate, sigs, ca) values (?, ?, ?, ?, ?, ?, ?, ?);");
    std::string sigs;
    for (const std::string &sig : info.sigs)
      sigs += (sigs.empty() ? "" : " ") + sig;
    add.bind(printed)
        .bind(info.narHash.to(format::HashFormat::Base16, true))
        .bind(info.registrationTime != 0 ? info.registrationTime
                                         : static_cast<int64_t>(std::time(nullptr)))
        .bindOpt(info.deriver, !info.deriver.empty());
    if (info.narSize != 0)
      add.bind(static_cast<int64_t>(info.narSize));
    else
      add.bindNull();
    if (info.ultimate)
      add.bind(int64_t{1});
    else
      add.bindNull();
    add.bindOpt(sigs, !sigs.empty()).bindOpt(info.ca, !info.ca.empty());
    add.exec();
    added.emplace_back(&reg, sqlite3_last_insert_rowid(db_->get()));
  }

  for (const auto &[reg, id] : added) {
    std::string printed = format::printStorePath(reg->info.path, storeDir_);
    Stmt ref(*db_, "insert or replace into Refs (referrer, reference) values (?, ?);");
    for (const StorePath &r : reg->info.references) {
      std::string rp = format::printStorePath(r, storeDir_);
      std::optional<int64_t> rid = queryId(rp);
      if (!rid)
        throw StoreError("cannot register path '" + printed + "': its reference '" + rp +
                         "' is not valid");
      ref.bind(id).bind(*rid);
      ref.exec();
    }
    Stmt out(*db_, "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?);");
    for (const auto &[name, path] : reg->drvOutputs) {
      out.bind(id).bind(name).bind(path);
      out.exec();
    }
  }
  txn.commit();
}

std::set<StorePath> PathDb::queryReferrers(const StorePath &path) {
  std::set<StorePath> out;
  Stmt q(*db_,
         "select path from Refs join ValidPaths on referrer = id where reference = (select id "
         "from ValidPaths where path = ?);");
  q.bind(format::printStorePath(path, storeDir_));
  while (q.step())
    out.insert(format::parseStorePath(q.text(0), storeDir_));
  return out;
}

std::set<StorePath> PathDb::queryAllValidPaths() {
  std::set<StorePath> out;
  Stmt q(*db_, "select path from ValidPaths;");
  while (q.step())
    out.insert(format::parseStorePath(q.text(0), storeDir_));
  return out;
}

std::set<StorePath> PathDb::queryValidDerivers(const StorePath &path) {
  std::set<StorePath> out;
  Stmt q(*db_, "select v.path from DerivationOutputs d join ValidPaths v on d.drv = v.id where "
               "d.path = ?;");
  q.bind(format::printStorePath(path, storeDir_));
  while (q.step())
    out.insert(format::parseStorePath(q.text(0), storeDir_));
  return out;
}

std::map<std::string, std::string> PathDb::queryDerivationOutputs(const StorePath &drvPath) {
  std::map<std::string, std::string> out;
  Stmt q(*db_,
         "select id, path from DerivationOutputs where drv = (select id from ValidPaths where "
         "path = ?);");
  q.bind(format::printStorePath(drvPath, storeDir_));
  while (q.step())
    out.emplace(q.text(0), q.text(1));
  return out;
}

void PathDb::invalidatePath(const StorePath &path) {
  Transaction txn(*db_);
  std::string printed = format::printStorePath(path, storeDir_);
  if (std::optional<int64_t> id = queryId(printed)) {
    std::set<StorePath> referrers = queryReferrers(path);
    referrers.erase(path); // a self-reference does not keep a path alive
    if (!referrers.empty()) {
      std::string shown;
      for (const StorePath &r : referrers)
        shown += (shown.empty() ? "'" : ", '") + format::printStorePath(r, storeDir_) + "'";
      throw StoreError("cannot delete path '" + printed + "' because it is in use by " + shown);
    }
    Stmt del(*db_, "delete from ValidPaths where id = ?;");
    del.bind(*id);
    del.exec();
  }
  txn.commit();
}

void PathDb::updateNarInfo(const StorePath &path, const Hash &narHash, uint64_t narSize) {
  Stmt q(*db_, "update ValidPaths set hash = ?, narSize = ? where path = ?;");
  q.bind(narHash.to(format::HashFormat::Base16, true))
      .bind(static_cast<int64_t>(narSize))
      .bind(format::printStorePath(path, storeDir_));
  q.exec();
}

void PathDb::setSignatures(const StorePath &path, const std::set<std::string> &sigs) {
  std::string joined;
  for (const std::string &sig : sigs)
    joined += (joined.empty() ? "" : " ") + sig;
  Stmt q(*db_, "update ValidPaths set sigs = ? where path = ?;");
  q.bindOpt(joined, !joined.empty()).bind(format::printStorePath(path, storeDir_));
  q.exec();
}

std::string PathDb::queryPathFromHashPart(std::string_view hashPart) {
  // As Nix: the first path at or after "<storeDir>/<hash>", if it has that prefix.
  std::string prefix = storeDir_ + "/" + std::string(hashPart);
  Stmt q(*db_, "select path from ValidPaths where path >= ? limit 1;");
  q.bind(prefix);
  if (!q.step())
    return "";
  std::string path = q.text(0);
  return path.rfind(prefix, 0) == 0 ? path : "";
}

} // namespace bastion::store
