// The SQLite schema, as numbered migrations, and the connection settings.
//
// Shaped for bulk import (FORMATS.md feeds of millions of records):
//  - rowid tables with INTEGER PRIMARY KEY, so a new row appends to the table's B-tree;
//  - departments and record kinds interned into small integers (dictionary tables), dates as
//    days and timestamps as microseconds: the two indexes on records stay small, and small
//    indexes are what keeps random index inserts in the page cache;
//  - in each row the small fixed columns come first and the payload last, so reading a record
//    head never walks the payload.
#include <string_view>
#include <vector>

#include "store/sqlite/sqlite_schema.h"

namespace credence::store {

namespace {

// 1: subjects, records and their history, with the dictionaries they refer to.
constexpr std::string_view kCreditFiles = R"sql(
CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE record_kinds (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE subjects (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  code_kind INTEGER NOT NULL,       -- 0 unknown, 1 USCC, 2 resident ID
  kind INTEGER NOT NULL,            -- 1 enterprise ... 6 government organ (SubjectKindCode)
  status INTEGER NOT NULL,          -- 0 provisional, 1 registered, 2 deregistered
  code_flagged INTEGER NOT NULL,
  registered_on INTEGER,            -- days since 1970-01-01
  region TEXT NOT NULL,
  industry TEXT NOT NULL,
  created_at INTEGER NOT NULL,      -- microseconds since 1970-01-01T00:00:00Z
  updated_at INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  legal_representative TEXT NOT NULL
) STRICT;

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  -- subjects.id, not declared as a foreign key: checking it would cost a random read of the
  -- subjects table per inserted record. The writer creates the subject first.
  subject_id INTEGER NOT NULL,
  department_id INTEGER NOT NULL,   -- departments.id
  kind_id INTEGER NOT NULL,         -- record_kinds.id
  status INTEGER NOT NULL,          -- 0 active, 1 withdrawn, 2 restored, 3 expired
  published INTEGER NOT NULL,
  flagged INTEGER NOT NULL,
  version INTEGER NOT NULL,
  decided_at INTEGER NOT NULL,      -- days since 1970-01-01
  publicity_start INTEGER NOT NULL,
  publicity_min_end INTEGER,
  publicity_max_end INTEGER,
  content_hash INTEGER NOT NULL,
  batch_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,      -- microseconds since 1970-01-01T00:00:00Z
  updated_at INTEGER NOT NULL,
  tier TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  document_no TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  payload TEXT NOT NULL             -- canonical JSON as submitted
) STRICT;

CREATE UNIQUE INDEX records_by_ref ON records (department_id, source_ref);
CREATE INDEX records_by_subject ON records (subject_id, decided_at);

-- Earlier versions of records: a full copy of the row as it was before each revision.
CREATE TABLE record_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES records(id),
  subject_id INTEGER NOT NULL,
  department_id INTEGER NOT NULL,
  kind_id INTEGER NOT NULL,
  status INTEGER NOT NULL,
  published INTEGER NOT NULL,
  flagged INTEGER NOT NULL,
  version INTEGER NOT NULL,
  decided_at INTEGER NOT NULL,
  publicity_start INTEGER NOT NULL,
  publicity_min_end INTEGER,
  publicity_max_end INTEGER,
  content_hash INTEGER NOT NULL,
  batch_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  tier TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  document_no TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  payload TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX record_history_by_version ON record_history (record_id, version);
)sql";

// 2: ingest batches and API tokens.
constexpr std::string_view kBatchesAndTokens = R"sql(
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  department TEXT NOT NULL,
  actor TEXT NOT NULL,
  format TEXT NOT NULL,
  source_name TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  submitted INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  report_json TEXT NOT NULL
) STRICT;

CREATE INDEX batches_by_department ON batches (department, id);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the secret
  prefix TEXT NOT NULL,
  role TEXT NOT NULL,
  department TEXT NOT NULL,
  region TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
)sql";

// 3: the audit hash chain (audit/audit.h).
constexpr std::string_view kAuditLog = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,              -- microseconds since 1970-01-01T00:00:00Z
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  digest BLOB NOT NULL,
  hash BLOB NOT NULL
) STRICT;
)sql";

// 4: due process — cases subjects file (objections, restoration applications, commitments),
// the notifications they receive, and the subject a subject token acts for.
constexpr std::string_view kDueProcess = R"sql(
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,               -- "objection", "restoration", "commitment"
  subject_id INTEGER NOT NULL,
  record_id INTEGER NOT NULL,       -- 0 when the case concerns no record
  department TEXT NOT NULL,
  status TEXT NOT NULL,
  open INTEGER NOT NULL,
  due_on INTEGER NOT NULL,          -- days since 1970-01-01
  answer_due_on INTEGER,
  filed_at INTEGER NOT NULL,        -- microseconds since 1970-01-01T00:00:00Z
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  detail TEXT NOT NULL              -- JSON owned by the workflow
) STRICT;

CREATE INDEX cases_by_subject ON cases (subject_id, id);
CREATE INDEX cases_by_record ON cases (record_id) WHERE record_id <> 0;
CREATE INDEX cases_open_by_department ON cases (department, due_on) WHERE open = 1;

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  subject_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  topic TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;

CREATE INDEX notifications_by_subject ON notifications (subject_id, at);

ALTER TABLE tokens ADD COLUMN subject_code TEXT NOT NULL DEFAULT '';
)sql";

// 5: credit checks of joint rewards and punishments, and the departments' feedback on them.
constexpr std::string_view kCreditChecks = R"sql(
CREATE TABLE credit_checks (
  id INTEGER PRIMARY KEY,
  department TEXT NOT NULL,
  actor TEXT NOT NULL,
  subject_code TEXT NOT NULL,
  subject_id INTEGER NOT NULL,      -- 0: no credit file for the code
  region TEXT NOT NULL,
  scenario TEXT NOT NULL,
  level TEXT NOT NULL,
  lists TEXT NOT NULL,              -- list keys, one per line
  measures TEXT NOT NULL,           -- measure keys, one per line
  measure_count INTEGER NOT NULL,
  result_json TEXT NOT NULL,
  checked_at INTEGER NOT NULL,      -- microseconds since the epoch
  feedback_due INTEGER NOT NULL,    -- days since 1970-01-01
  answered_at INTEGER
) STRICT;

CREATE INDEX credit_checks_by_department ON credit_checks (department, id);
CREATE INDEX credit_checks_by_time ON credit_checks (checked_at);
-- Overdue checks: those with measures still waiting for feedback.
CREATE INDEX credit_checks_waiting ON credit_checks (feedback_due)
  WHERE answered_at IS NULL AND measure_count > 0;

CREATE TABLE credit_check_feedback (
  check_id INTEGER NOT NULL REFERENCES credit_checks (id),
  measure TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (check_id, measure)
) STRICT;
)sql";

// 6: issued credit certificates, looked up by serial.
constexpr std::string_view kCertificates = R"sql(
CREATE TABLE certificates (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  subject_code TEXT NOT NULL,
  type TEXT NOT NULL,
  level TEXT NOT NULL,
  token TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX certificates_subject ON certificates (subject_code);
)sql";

// 7: password accounts, their browser sessions, and the subjects' access log.
constexpr std::string_view kAccountsAndAccessLog = R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,      -- argon2id string; empty until the account is activated
  role TEXT NOT NULL,
  department TEXT NOT NULL,
  region TEXT NOT NULL,
  subject_code TEXT NOT NULL,
  display_name TEXT NOT NULL,
  activation_hash TEXT NOT NULL,    -- hex SHA-256 of a one-time activation code, or empty
  activation_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
) STRICT;

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the session secret
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE access_log (
  id INTEGER PRIMARY KEY,
  subject_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  department TEXT NOT NULL,
  purpose TEXT NOT NULL,
  what TEXT NOT NULL
) STRICT;

CREATE INDEX access_log_by_subject ON access_log (subject_id, id);
)sql";

// 8: stored ratings, their history and the list memberships they saw (WriteTxn::PutRatings).
constexpr std::string_view kRatings = R"sql(
CREATE TABLE ratings (
  subject_id INTEGER PRIMARY KEY,   -- subjects.id
  score INTEGER NOT NULL,
  level TEXT NOT NULL,              -- "A+", "A", "B", "C", "D"
  model_version TEXT NOT NULL,
  as_of INTEGER NOT NULL,           -- days since 1970-01-01
  digest TEXT NOT NULL,             -- hex SHA-256 of json
  json TEXT NOT NULL
) STRICT;

CREATE TABLE rating_history (
  seq INTEGER PRIMARY KEY,
  subject_id INTEGER NOT NULL,
  as_of INTEGER NOT NULL,
  score INTEGER NOT NULL,
  level TEXT NOT NULL,
  model_version TEXT NOT NULL,
  digest TEXT NOT NULL
) STRICT;
CREATE INDEX rating_history_by_subject ON rating_history (subject_id, seq);

CREATE TABLE rating_lists (
  list TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  PRIMARY KEY (list, subject_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX rating_lists_by_subject ON rating_lists (subject_id);
)sql";

}  // namespace

const std::vector<std::string_view>& SqliteMigrations() {
  static const std::vector<std::string_view> migrations = {
      kCreditFiles,  kBatchesAndTokens,     kAuditLog, kDueProcess, kCreditChecks,
      kCertificates, kAccountsAndAccessLog, kRatings};
  return migrations;
}

const std::vector<std::string_view>& SqliteWriterPragmas() {
  static const std::vector<std::string_view> pragmas = {
      // Only takes effect when the file is created. 8 KiB rather than SQLite's 4 KiB: a record
      // row is ~0.5-1 KiB, and inserting 1M records took ~20% less CPU (16 KiB saved little
      // more, and makes every randomly touched index page twice as costly to write).
      "PRAGMA page_size = 8192",
      "PRAGMA journal_mode = WAL",
      // With WAL, NORMAL loses at most the last transactions on power loss, never consistency.
      "PRAGMA synchronous = NORMAL",
      "PRAGMA foreign_keys = ON",
      // Another process holding the write lock (an import beside a server) is waited for.
      "PRAGMA busy_timeout = 10000",
      // 256 MiB: the indexes a large import updates stay in memory between transactions.
      "PRAGMA cache_size = -262144",
      "PRAGMA temp_store = MEMORY",
      // After the WAL has been checkpointed and restarts, it is truncated to 64 MiB.
      "PRAGMA journal_size_limit = 67108864",
  };
  return pragmas;
}

const std::vector<std::string_view>& SqliteReaderPragmas() {
  static const std::vector<std::string_view> pragmas = {
      "PRAGMA busy_timeout = 10000",
      "PRAGMA cache_size = -32768",  // 32 MiB per reader; the OS page cache does the rest
      // No memory map: the OS page cache still holds hot pages, and the server's resident set
      // stays its own heap (mapped database pages would count towards it, GBs for a city).
      "PRAGMA mmap_size = 0",
      "PRAGMA temp_store = MEMORY",
  };
  return pragmas;
}

std::string_view SqliteInsertRecordSql() {
  return "INSERT INTO records (subject_id, department_id, kind_id, status, published, flagged, "
         "version, decided_at, publicity_start, publicity_min_end, publicity_max_end, "
         "content_hash, batch_id, created_at, updated_at, tier, source_ref, document_no, "
         "legal_basis, status_reason, payload) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
         "?19, ?20, ?21)";
}

}  // namespace credence::store
