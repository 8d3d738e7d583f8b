// Owners of SQLite handles for the SQLite backend: a connection (sqlite3*) with its cache of
// prepared statements (sqlite3_stmt*), and Query, a borrowed cached statement that is reset when
// it goes out of scope. sqlite3.h itself stays in the .cc files of this folder.
//
// A Connection is not thread-safe: one thread uses it at a time (the store hands connections
// out from a pool, or holds the writer under a mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/key_dictionary.h"

struct sqlite3;
struct sqlite3_stmt;

namespace credence::store::sqlite {

// Maps an SQLite result code to an Error: constraint violations are Conflict (or
// FailedPrecondition for a missing referenced row), a busy database Unavailable, the rest
// Internal. what says what was being done ("inserting records").
Error SqliteError(sqlite3* db, int result_code, std::string_view what);

// Owns one prepared statement. Move-only.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// A cached statement in use. Binding text or blobs does not copy them: what is bound must stay
// alive until the statement is stepped for the last time. On destruction (or Reset) the
// statement is reset, which ends its read snapshot; leaving a statement unreset would pin the
// snapshot and stop the WAL from being checkpointed.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Query();
  Query(Query&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are 1-based.
  void BindInt(int index, int64_t value);
  void BindBool(int index, bool value) { BindInt(index, value ? 1 : 0); }
  void BindText(int index, std::string_view value);
  void BindBlob(int index, std::string_view value);
  void BindNull(int index);
  void BindOptionalInt(int index, std::optional<int64_t> value);

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Steps a statement that returns no rows (or whose rows do not matter) to completion.
  Status Run();
  // Resets for another execution; bindings are kept until rebound.
  void Reset();

  // Columns are 0-based and valid until the next Step or Reset.
  int64_t ColumnInt(int index) const;
  bool ColumnBool(int index) const { return ColumnInt(index) != 0; }
  bool ColumnIsNull(int index) const;
  std::optional<int64_t> ColumnOptionalInt(int index) const;
  std::string_view ColumnText(int index) const;
  std::string_view ColumnBlob(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct ConnectionOptions {
  bool read_only = false;
  // Executed in order right after opening ("PRAGMA ..." statements).
  std::vector<std::string_view> pragmas;
};

// One database connection and its prepared-statement cache. Move-only (through unique_ptr).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached statement for sql, prepared on first use. The caller must not hold another
  // Query on the same sql at the same time.
  Result<Query> Prepare(std::string_view sql);
  // Runs an SQL script (several statements, no parameters), uncached: for DDL and pragmas.
  Status Exec(std::string_view sql);

  // Calls hook after each commit with the number of frames in the WAL file, in place of
  // SQLite's automatic checkpoint on this connection. An empty hook removes it.
  void SetWalHook(std::function<void(int64_t wal_frames)> hook);
  // Copies committed WAL frames into the database file without waiting for readers or writers
  // (a PASSIVE checkpoint). Unavailable when another connection is checkpointing.
  Status CheckpointPassive();

  int64_t LastInsertRowid() const;
  int64_t Changes() const;
  // Whether a transaction is open; SQLite rolls back by itself after some errors (disk full,
  // I/O error), which this reveals.
  bool InTransaction() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  StringMap<Statement> statements_;
  std::function<void(int64_t)> wal_hook_;
};

}  // namespace credence::store::sqlite
