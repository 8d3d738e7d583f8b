// The SQLite schema and connection settings, exactly as the SQLite store uses them. Internal to
// the store module, and shared with the import benchmark so that its raw-SQLite baseline inserts
// the same rows into the same tables, with the same indexes and settings.
#pragma once

#include <string_view>
#include <vector>

namespace credence::store {

// The numbered migrations: element i is migration i + 1. Each runs once, in its own
// transaction, recorded in schema_migrations(version, applied_at). Never edit a released
// migration: append a new one.
const std::vector<std::string_view>& SqliteMigrations();

// Settings of the one writing connection, then of each read-only connection, as "PRAGMA ..."
// statements run in order after opening. Besides these, the store moves checkpoints off the
// committing thread: its writer has no automatic checkpoint (a WAL hook replaces it) and a
// background connection copies the WAL into the database file. A raw baseline that wants to
// measure the same work per commit sets "PRAGMA wal_autocheckpoint = 0".
const std::vector<std::string_view>& SqliteWriterPragmas();
const std::vector<std::string_view>& SqliteReaderPragmas();

// The statement WriteTxn::InsertRecords runs once per record. Parameters, in order:
//  ?1 subject_id, ?2 department_id, ?3 kind_id, ?4 status (0 active), ?5 published,
//  ?6 flagged, ?7 version, ?8 decided_at (days since 1970-01-01), ?9 publicity_start,
//  ?10 publicity_min_end, ?11 publicity_max_end (days or NULL), ?12 content_hash,
//  ?13 batch_id, ?14 created_at, ?15 updated_at (microseconds since 1970), ?16 tier,
//  ?17 source_ref, ?18 document_no, ?19 legal_basis, ?20 status_reason, ?21 payload.
// subject_id, department_id and kind_id are ids of rows of subjects, departments and
// record_kinds; none is declared as a foreign key (the store writes them itself).
std::string_view SqliteInsertRecordSql();

}  // namespace credence::store
