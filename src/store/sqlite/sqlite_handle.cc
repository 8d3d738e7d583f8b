#include "store/sqlite/sqlite_handle.h"

#include <sqlite3.h>

#include <cassert>
#include <string>

namespace credence::store::sqlite {

Error SqliteError(sqlite3* db, int result_code, std::string_view what) {
  std::string message = std::string(what) + ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  int extended = db != nullptr ? sqlite3_extended_errcode(db) : result_code;
  switch (result_code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Error::FailedPrecondition("missing_reference", std::move(message));
      }
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error::Conflict("duplicate", std::move(message));
      }
      return Error::InvalidArgument("constraint", std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Error::Unavailable(std::move(message));
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FULL: return Error::FailedPrecondition("database", std::move(message));
    default: return Error::Internal(std::move(message));
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Query::~Query() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);  // drop pointers to the caller's (soon gone) strings
  }
}

// Bind calls can only fail on a wrong index or a misuse: programming errors, checked in debug
// builds.
void Query::BindInt(int index, int64_t value) {
  [[maybe_unused]] int rc = sqlite3_bind_int64(stmt_, index, value);
  assert(rc == SQLITE_OK);
}

void Query::BindText(int index, std::string_view value) {
  [[maybe_unused]] int rc =
      sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  assert(rc == SQLITE_OK);
}

void Query::BindBlob(int index, std::string_view value) {
  [[maybe_unused]] int rc =
      sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  assert(rc == SQLITE_OK);
}

void Query::BindNull(int index) {
  [[maybe_unused]] int rc = sqlite3_bind_null(stmt_, index);
  assert(rc == SQLITE_OK);
}

void Query::BindOptionalInt(int index, std::optional<int64_t> value) {
  if (value) {
    BindInt(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Query::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = SqliteError(db_, rc, "running \"" + std::string(sqlite3_sql(stmt_)) + "\"");
  sqlite3_reset(stmt_);
  return Fail(std::move(error));
}

Status Query::Run() {
  int rc = sqlite3_step(stmt_);
  while (rc == SQLITE_ROW) rc = sqlite3_step(stmt_);
  if (rc != SQLITE_DONE) {
    Error error = SqliteError(db_, rc, "running \"" + std::string(sqlite3_sql(stmt_)) + "\"");
    sqlite3_reset(stmt_);
    return Fail(std::move(error));
  }
  sqlite3_reset(stmt_);
  return OkStatus();
}

void Query::Reset() { sqlite3_reset(stmt_); }

int64_t Query::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

bool Query::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::optional<int64_t> Query::ColumnOptionalInt(int index) const {
  if (ColumnIsNull(index)) return std::nullopt;
  return ColumnInt(index);
}

std::string_view Query::ColumnText(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::string_view Query::ColumnBlob(int index) const {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  if (blob == nullptr) return {};
  return {blob, static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  // NOMUTEX: a connection is used by one thread at a time, so SQLite's own locking is waste.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The connection owns db from here on, even when opening failed.
  std::unique_ptr<Connection> connection(new Connection(db));
  if (rc != SQLITE_OK) return Fail(SqliteError(db, rc, "opening the database " + path));
  for (std::string_view pragma : options.pragmas) {
    CREDENCE_RETURN_IF_ERROR(connection->Exec(pragma));
  }
  return connection;
}

Connection::~Connection() {
  statements_.clear();  // statements must be finalised before the connection closes
  sqlite3_close_v2(db_);
}

Result<Query> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    Statement owned(stmt);
    if (rc != SQLITE_OK) {
      return Fail(SqliteError(db_, rc, "preparing \"" + std::string(sql) + "\""));
    }
    it = statements_.emplace(std::string(sql), std::move(owned)).first;
  }
  return Query(db_, it->second.get());
}

Status Connection::Exec(std::string_view sql) {
  std::string script(sql);  // sqlite3_exec needs a terminating NUL
  char* message = nullptr;
  int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Error error = SqliteError(db_, rc, "running \"" + script + "\"");
    return Fail(Error(error.code(), error.reason(), "running \"" + script + "\": " + detail));
  }
  return OkStatus();
}

void Connection::SetWalHook(std::function<void(int64_t wal_frames)> hook) {
  wal_hook_ = std::move(hook);
  if (!wal_hook_) {
    sqlite3_wal_hook(db_, nullptr, nullptr);
    return;
  }
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) -> int {
        static_cast<Connection*>(self)->wal_hook_(frames);
        return SQLITE_OK;
      },
      this);
}

Status Connection::CheckpointPassive() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return Fail(SqliteError(db_, rc, "checkpointing the WAL"));
  return OkStatus();
}

int64_t Connection::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace credence::store::sqlite
